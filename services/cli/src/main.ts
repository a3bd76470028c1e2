/**
 * Entry point of the `gun-sync` and `migrate-existing-gun-records` commands (called by the
 * bin shims): the only module that touches process.argv, process.env and the exit code.
 */
import { unsoundJsonRuntime } from '@sync/runtime';
import { runCli } from './run.js';

export async function main(invokedAs: 'gun-sync' | 'migrate-existing-gun-records'): Promise<void> {
  const unsound = unsoundJsonRuntime();
  if (unsound) {
    process.stderr.write(`${unsound}\n`);
    process.exitCode = 1;
    return;
  }
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    io: { stdout: process.stdout, stderr: process.stderr },
    invokedAs,
  });
}
