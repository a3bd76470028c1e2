import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import type { DependencyCheck } from '../checks.js';
import { testConfig, testDeps } from '../testing.js';

const ok: DependencyCheck = async () => {};
const down: DependencyCheck = async () => {
  throw new Error('connection refused');
};
const hangs: DependencyCheck = (signal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

describe('probe routes', () => {
  it('answers liveness without calling any dependency', async () => {
    let called = false;
    const app = await buildApp(testDeps({ checks: { redis: async () => void (called = true) } }));
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(called).toBe(false);
    await app.close();
  });

  it('is ready only when every dependency answers', async () => {
    const app = await buildApp(testDeps({ checks: { redis: ok, elasticsearch: ok } }));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ready',
      checks: { redis: { ok: true }, elasticsearch: { ok: true } },
    });
    await app.close();
  });

  it('names the failing dependency and times out hanging ones', async () => {
    const app = await buildApp(
      testDeps({
        config: testConfig({ API_CHECK_TIMEOUT_MS: '50' }),
        checks: { redis: ok, elasticsearch: down, gun: hangs },
      }),
    );
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not-ready',
      checks: {
        redis: { ok: true },
        elasticsearch: { ok: false, error: 'connection refused' },
        gun: { ok: false, error: 'timed out after 50 ms' },
      },
    });
    await app.close();
  });

  it('reports not ready while shutting down', async () => {
    const app = await buildApp(testDeps({ checks: { redis: ok }, isShuttingDown: () => true }));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'shutting-down', checks: {} });
    await app.close();
  });

  it('stays open when the health routes need the token', async () => {
    const app = await buildApp(
      testDeps({ config: testConfig({ API_HEALTH_AUTH: 'true' }), checks: { redis: ok } }),
    );
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await app.close();
  });
});
