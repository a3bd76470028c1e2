import { describe, expect, it } from 'vitest';
import type { DependencyCheck } from '../checks.js';
import { testConfig, useTestApp } from '../testing.js';

const t = useTestApp();
const probe = (path: '/healthz' | '/readyz') => t.anonymous('GET', path);

const ok: DependencyCheck = async () => {};
const down: DependencyCheck = async () => {
  throw new Error('connection refused');
};
const hangs: DependencyCheck = (signal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

describe('probe routes', () => {
  it('answers liveness without calling any dependency', async () => {
    let called = false;
    await t.build({ checks: { redis: async () => void (called = true) } });
    const res = await probe('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(called).toBe(false);
  });

  it('is ready only when every dependency answers', async () => {
    await t.build({ checks: { redis: ok, elasticsearch: ok } });
    const res = await probe('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ready',
      checks: { redis: { ok: true }, elasticsearch: { ok: true } },
    });
  });

  it('names the failing dependency and times out hanging ones', async () => {
    await t.build({
      config: testConfig({ API_CHECK_TIMEOUT_MS: '50' }),
      checks: { redis: ok, elasticsearch: down, gun: hangs },
    });
    const res = await probe('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not-ready',
      checks: {
        redis: { ok: true },
        elasticsearch: { ok: false, error: 'connection refused' },
        gun: { ok: false, error: 'timed out after 50 ms' },
      },
    });
  });

  it('reports not ready while shutting down', async () => {
    await t.build({ checks: { redis: ok }, isShuttingDown: () => true });
    const res = await probe('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'shutting-down', checks: {} });
  });

  it('stays open when the health routes need the token', async () => {
    await t.build({ config: testConfig({ API_HEALTH_AUTH: 'true' }), checks: { redis: ok } });
    expect((await probe('/healthz')).statusCode).toBe(200);
    expect((await probe('/readyz')).statusCode).toBe(200);
  });
});
