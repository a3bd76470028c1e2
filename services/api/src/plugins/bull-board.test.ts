import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, dashboardPath, type ApiApp } from '../app.js';
import { adminToken, bearer, testConfig, testDeps } from '../testing.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const basic = (password: string) => ({
  authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
});

describe('/admin/queues', () => {
  it('challenges a browser for Basic auth without credentials', async () => {
    app = await buildApp(testDeps());
    const res = await app.inject({ method: 'GET', url: dashboardPath });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="gun-sync", charset="UTF-8"');
    expect(res.json()).toMatchObject({ code: 'SYNC_AUTH_REQUIRED' });
  });

  it('guards its API and assets too', async () => {
    app = await buildApp(testDeps());
    expect(
      (await app.inject({ method: 'GET', url: `${dashboardPath}/api/queues` })).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: `${dashboardPath}/static/favicon-32x32.png` }))
        .statusCode,
    ).toBe(401);
  });

  it.each([
    ['a bearer token', bearer],
    ['Basic auth with the token as password', basic(adminToken)],
  ])('serves the board with %s', async (_name, headers) => {
    app = await buildApp(testDeps());
    const res = await app.inject({ method: 'GET', url: dashboardPath, headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const api = await app.inject({ method: 'GET', url: `${dashboardPath}/api/queues`, headers });
    expect(api.statusCode).toBe(200);
  });

  it('rejects a wrong Basic password', async () => {
    app = await buildApp(testDeps());
    const res = await app.inject({
      method: 'GET',
      url: dashboardPath,
      headers: basic('wrong-password-here'),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'SYNC_AUTH_INVALID' });
  });

  it('is off (403) without an admin token', async () => {
    app = await buildApp(testDeps({ config: testConfig({ API_ADMIN_TOKEN: '' }) }));
    expect(
      (await app.inject({ method: 'GET', url: dashboardPath, headers: bearer })).statusCode,
    ).toBe(403);
  });

  it('does not take Basic auth on the API routes', async () => {
    app = await buildApp(testDeps());
    const res = await app.inject({
      method: 'POST',
      url: '/api/health/gun-sync/force',
      headers: basic(adminToken),
    });
    expect(res.statusCode).toBe(401);
  });
});
