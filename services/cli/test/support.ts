import type { EnvSource } from '@sync/config';
import { createGunRegistryWriter, type RegistryWriter } from '@sync/gun-client';
import { createSilentLogger } from '@sync/logging';
import { startRelayPair } from '../../gun-relay/test/support.js';
import { serviceUrls } from '../../../test/services.js';
import { startTestNode, type TestNode } from '../../../test/support/node.js';
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

/** Relays A and B (in memory), a registry writer on A and a gun-sync node with `nodeEnv`. */
export async function startRegistryFixture(nodeEnv: (pair: RelayPair) => Record<string, string>) {
  const pair = await startRelayPair({ store: 'memory' });
  const writer: RegistryWriter = createGunRegistryWriter({
    mode: 'http',
    peers: [pair.a.url],
    writeTimeoutMs: 10_000,
    readTimeoutMs: 5_000,
    log: createSilentLogger(),
  });
  const node: TestNode = await startTestNode(serviceUrls(), nodeEnv(pair));
  return { pair, writer, node };
}

export type RelayPair = Awaited<ReturnType<typeof startRelayPair>>;
