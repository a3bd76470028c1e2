import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (infra/validate/../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
