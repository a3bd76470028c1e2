/**
 * Integration support: real relays (in this process, on 127.0.0.1, their store in temporary
 * folders: sqlite unless asked otherwise), condition waits with a deadline instead of sleeps,
 * and a plain HTTP client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createSilentLogger } from '@sync/logging';
import { serviceNodeOptions } from '../../../test/support/processes.js';
import { startRelay, type Relay, type RelayOptions } from '../src/relay.js';
import type { RelayStoreKind } from '../src/relay-store.js';

export const log = createSilentLogger();

/** The stores with a disk: relay tests that are about storage run on each. */
export const durableStores = ['sqlite', 'radisk'] as const satisfies readonly RelayStoreKind[];

export interface TestRelay extends Relay {
  dataDir: string;
}

export async function startTestRelay(options: Partial<RelayOptions> = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gun-relay-test-'));
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    store: 'sqlite',
    peers: [],
    log,
    ...options,
  });
  return { ...relay, dataDir };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
  ms: number;
}

export async function call(
  method: 'GET' | 'POST' | 'OPTIONS',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? '' : JSON.parse(text);
  } catch {
    // keep text
  }
  return {
    status: res.status,
    body: parsed,
    headers: res.headers,
    ms: performance.now() - started,
  };
}

/** Relay B peered to relay A's /gun, B connected. */
export async function startRelayPair(
  options: Partial<RelayOptions> = {},
): Promise<{ a: TestRelay; b: TestRelay; close(): Promise<void> }> {
  const a = await startTestRelay(options);
  const b = await startTestRelay({ ...options, peers: [`${a.url}/gun`] });
  await waitFor(
    async () =>
      ((await call('GET', `${b.url}/peers/status`)).body as { connectedPeers: number })
        .connectedPeers === 1,
    10_000,
    'relay B to connect to A',
  );
  return {
    a,
    b,
    async close() {
      await b.close();
      await a.close();
      rmSync(a.dataDir, { recursive: true, force: true });
      rmSync(b.dataDir, { recursive: true, force: true });
    },
  };
}

const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  /** The store the relay says it opened (its "listening" log line). */
  store: string;
  /** The messages it logged at warn level or above before it listened. */
  warnings: string[];
  exited: Promise<number | null>;
}

/**
 * Starts `src/main.ts` in a child process like the container does (127.0.0.1, a free port, no
 * peers, its package.json's V8 settings before any NODE_OPTIONS given) and resolves once it
 * logs its URL.
 */
export function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const nodeOptions = serviceNodeOptions('gun-relay', env.NODE_OPTIONS ?? process.env.NODE_OPTIONS);
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/gun-relay/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      GUN_RELAY_HOST: '127.0.0.1',
      GUN_RELAY_PORT: '0',
      GUN_PEERS: '',
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
      SHUTDOWN_TIMEOUT_MS: '10000',
      ...env,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const warnings: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('relay did not start in 20 s')), 20_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const event = JSON.parse(line) as {
        msg?: string;
        url?: string;
        store?: string;
        level?: number;
      };
      if ((event.level ?? 0) >= 40 && event.msg) warnings.push(event.msg);
      if (event.msg === 'gun relay listening' && event.url) {
        clearTimeout(timer);
        resolve({ child, url: event.url, store: event.store ?? 'unknown', warnings, exited });
      }
    });
    child.on('exit', (code) => reject(new Error(`relay exited with ${code} before listening`)));
  });
}
