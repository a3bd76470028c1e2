import { describe, expect, it } from 'vitest';
import { testConfig, useTestApp } from '../testing.js';

const t = useTestApp();
const probe = (path: '/healthz' | '/readyz') => t.anonymous('GET', path);

describe('probe routes', () => {
  it('answers liveness without calling any dependency', async () => {
    let called = false;
    await t.build({ checks: { redis: async () => void (called = true) } });
    const res = await probe('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(called).toBe(false);
  });

  it('is ready while dependencies are down, without calling them', async () => {
    let called = false;
    await t.build({
      checks: {
        elasticsearch: async () => {
          called = true;
          throw new Error('connection refused');
        },
      },
    });
    const res = await probe('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
    expect(called).toBe(false);
  });

  it('reports not ready while shutting down', async () => {
    await t.build({ isShuttingDown: () => true });
    const res = await probe('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'shutting-down' });
  });

  it('stays open when the health routes need the token', async () => {
    await t.build({ config: testConfig({ API_HEALTH_AUTH: 'true' }) });
    expect((await probe('/healthz')).statusCode).toBe(200);
    expect((await probe('/readyz')).statusCode).toBe(200);
  });
});
