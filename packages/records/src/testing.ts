/** Test support (not runtime API; excluded from coverage): the shared golden vectors, never a copy. */
import { readFileSync } from 'node:fs';

export type VectorName = 'array-codec' | 'crypto' | 'records' | 'registry' | 'signatures';

/** Reads `shared/spec/vectors/<name>.json` (the repository's sibling `shared/`). */
export function loadVector<T = unknown>(name: VectorName): T {
  return JSON.parse(
    readFileSync(new URL(`../../../../shared/spec/vectors/${name}.json`, import.meta.url), 'utf8'),
  ) as T;
}
