import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { vectorNames, vectorPath } from './vectors.js';

const inRepo = fileURLToPath(new URL('./vectors/', import.meta.url));
const shared = fileURLToPath(new URL('../../shared/spec/vectors/', import.meta.url));
const sharedPresent = existsSync(shared);

describe('spec vectors', () => {
  it('lists every vector file the repository holds', () => {
    const files = readdirSync(inRepo)
      .filter((file) => file.endsWith('.json'))
      .sort();
    expect(files).toEqual(vectorNames.map((name) => `${name}.json`).sort());
  });

  if (!sharedPresent) {
    process.stdout.write(
      `[spec] skipped the byte-for-byte comparison with the shared spec: ${shared} does not exist (a clone of the repository alone)\n`,
    );
  }

  it.skipIf(!sharedPresent)('are byte for byte the shared spec vectors', () => {
    const sharedFiles = readdirSync(shared)
      .filter((file) => file.endsWith('.json'))
      .sort();
    expect(sharedFiles).toEqual(vectorNames.map((name) => `${name}.json`).sort());
    for (const name of vectorNames) {
      const ours = readFileSync(vectorPath(name));
      const theirs = readFileSync(`${shared}${name}.json`);
      expect(
        ours.equals(theirs),
        `spec/vectors/${name}.json differs from ../shared/spec/vectors`,
      ).toBe(true);
    }
  });

  it.skipIf(!sharedPresent)('carry the shared spec page they belong to', () => {
    const ours = readFileSync(new URL('./OIP-GUN.md', import.meta.url));
    const theirs = readFileSync(new URL('../../shared/spec/OIP-GUN.md', import.meta.url));
    expect(ours.equals(theirs), 'spec/OIP-GUN.md differs from ../shared/spec/OIP-GUN.md').toBe(
      true,
    );
  });
});
