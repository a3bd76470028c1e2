import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allEnvVars } from './catalog.js';
import { parseEnvNames, renderEnvExample } from './env-example.js';

const examplePath = fileURLToPath(new URL('../../../.env.example', import.meta.url));

describe('.env.example', () => {
  it('is exactly what the catalog renders (run `pnpm env:example` after changing the catalog)', () => {
    expect(readFileSync(examplePath, 'utf8')).toBe(renderEnvExample());
  });

  it('lists every variable the schema knows, once, and nothing else', () => {
    const names = parseEnvNames(readFileSync(examplePath, 'utf8'));
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.keys(allEnvVars()).sort());
  });

  it('gives every variable a one-line comment with its default', () => {
    const text = renderEnvExample();
    for (const name of Object.keys(allEnvVars())) {
      expect(text).toMatch(
        new RegExp(`# [^\\n]+\\((?:[^)]*)(default: |optional|required)[^\\n]*\\)\\n${name}=`),
      );
    }
  });
});
