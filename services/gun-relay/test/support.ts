/**
 * Integration support: real relays (in this process, on 127.0.0.1, radisk in temporary
 * folders), condition waits with a deadline instead of sleeps, and a plain HTTP client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '@sync/logging';
import { startRelay, type Relay, type RelayOptions } from '../src/relay.js';

export const log = createSilentLogger();

export interface TestRelay extends Relay {
  dataDir: string;
}

export async function startTestRelay(options: Partial<RelayOptions> = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gun-relay-test-'));
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    radisk: true,
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
