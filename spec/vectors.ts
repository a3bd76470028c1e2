/**
 * The contract's golden vectors, kept in this repository beside the spec page they belong to
 * (`spec/OIP-GUN.md`). Every test and benchmark reads them through this module.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type VectorName = 'array-codec' | 'crypto' | 'records' | 'registry' | 'signatures';

export const vectorNames: readonly VectorName[] = [
  'array-codec',
  'crypto',
  'records',
  'registry',
  'signatures',
];

/** Absolute path of `spec/vectors/<name>.json`. */
export function vectorPath(name: VectorName): string {
  return fileURLToPath(new URL(`./vectors/${name}.json`, import.meta.url));
}

/** Parses `spec/vectors/<name>.json`. */
export function loadVector<T = unknown>(name: VectorName): T {
  return JSON.parse(readFileSync(vectorPath(name), 'utf8')) as T;
}
