import type { EnvSource } from '@sync/config';
import { runCli } from '../src/run.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with `env`, capturing what it writes and its exit code. */
export async function runCaptured(env: EnvSource, argv: readonly string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  const code = await runCli(argv, { env, io });
  return { code, stdout, stderr };
}
