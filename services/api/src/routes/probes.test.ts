import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '@sync/logging';
import { buildApp } from '../app.js';
import type { DependencyCheck } from '../checks.js';

const ok: DependencyCheck = async () => {};
const down: DependencyCheck = async () => {
  throw new Error('connection refused');
};
const hangs: DependencyCheck = (signal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

describe('probe routes', () => {
  it('answers liveness without calling any dependency', async () => {
    let called = false;
    const app = await buildApp({
      log: createSilentLogger(),
      checks: { redis: async () => void (called = true) },
    });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(called).toBe(false);
    await app.close();
  });

  it('is ready only when every dependency answers', async () => {
    const app = await buildApp({
      log: createSilentLogger(),
      checks: { redis: ok, elasticsearch: ok },
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ready',
      checks: { redis: { ok: true }, elasticsearch: { ok: true } },
    });
    await app.close();
  });

  it('names the failing dependency and times out hanging ones', async () => {
    const app = await buildApp({
      log: createSilentLogger(),
      checks: { redis: ok, elasticsearch: down, gun: hangs },
      readinessTimeoutMs: 50,
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'not-ready',
      checks: {
        redis: { ok: true },
        elasticsearch: { ok: false, error: 'connection refused' },
        gun: { ok: false },
      },
    });
    await app.close();
  });

  it('reports not ready while shutting down', async () => {
    const app = await buildApp({
      log: createSilentLogger(),
      checks: { redis: ok },
      isShuttingDown: () => true,
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    await app.close();
  });
});
