import { describe, expect, it } from 'vitest';
import { dashboardPath } from '../app.js';
import { adminToken, bearer, testConfig, useTestApp } from '../testing.js';

const t = useTestApp();

const basic = (password: string) => ({
  authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
});

describe('/admin/queues', () => {
  it('challenges a browser for Basic auth without credentials', async () => {
    await t.build();
    const res = await t.anonymous('GET', dashboardPath);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="gun-sync", charset="UTF-8"');
    expect(res.json()).toMatchObject({ code: 'SYNC_AUTH_REQUIRED' });
  });

  it('guards its API and assets too', async () => {
    await t.build();
    expect((await t.anonymous('GET', `${dashboardPath}/api/queues`)).statusCode).toBe(401);
    expect((await t.anonymous('GET', `${dashboardPath}/static/favicon-32x32.png`)).statusCode).toBe(
      401,
    );
  });

  it.each([
    ['a bearer token', bearer],
    ['Basic auth with the token as password', basic(adminToken)],
  ])('serves the board with %s', async (_name, headers) => {
    await t.build();
    const send = t.as(headers);
    const res = await send('GET', dashboardPath);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const api = await send('GET', `${dashboardPath}/api/queues`);
    expect(api.statusCode).toBe(200);
  });

  it('rejects a wrong Basic password', async () => {
    await t.build();
    const res = await t.as(basic('wrong-password-here'))('GET', dashboardPath);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'SYNC_AUTH_INVALID' });
  });

  it('is off (403) without an admin token', async () => {
    await t.build({ config: testConfig({ API_ADMIN_TOKEN: '' }) });
    expect((await t.admin('GET', dashboardPath)).statusCode).toBe(403);
  });

  it('does not take Basic auth on the API routes', async () => {
    await t.build();
    const res = await t.as(basic(adminToken))('POST', '/api/health/gun-sync/force');
    expect(res.statusCode).toBe(401);
  });
});
