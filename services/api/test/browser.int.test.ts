/**
 * The dashboard and the docs in a real headless browser: Debian's chromium (apt-get install
 * chromium; never a downloaded browser) driven by playwright-core, against the API listening on
 * 127.0.0.1 with real Redis queues. The board is opened the way a person does: the browser is
 * challenged for Basic auth and answers with the admin token as password. Screenshots go to
 * artifacts/screenshots/ (kept by CI in its output).
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@sync/logging';
import { QueueName, connectRedis } from '@sync/queues';
import { obliterateAll, uniquePrefix } from '@sync/queues/testing';
import { serviceUrls } from '../../../test/services.js';
import { launchChromium, screenshots } from './browser.js';
import { buildApp, dashboardPath, type ApiApp } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';
import { createDeps, type Deps } from '../src/deps.js';

describe('dashboard and docs in a browser', () => {
  const services = serviceUrls();
  const token = `browser-${randomUUID()}`;
  const prefix = uniquePrefix();
  const log = createSilentLogger();
  let redis: Redis;
  let deps: Deps;
  let app: ApiApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    redis = await connectRedis(services.redisUrl, 'producer');
    const config = loadApiConfig({
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX: prefix,
      ELASTICSEARCH_URL: services.elasticsearchUrl,
      GUN_PEERS: services.gunRelayUrl,
      GUN_NODE_ID_OVERRIDE: 'node-browser',
      API_ADMIN_TOKEN: token,
      LOG_LEVEL: 'silent',
    });
    deps = await createDeps(config, log);
    app = await buildApp({ ...deps, log, config });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    // Something to show: two waiting transform jobs.
    const transform = new Queue(QueueName.transform, { connection: redis, prefix });
    await transform.add('transform-record', { soul: 'abcdefabcdef:browser-1' });
    await transform.add('transform-record', { soul: 'abcdefabcdef:browser-2' });
    await transform.close();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await deps?.close();
    if (redis) {
      await obliterateAll(redis, prefix);
      redis.disconnect();
    }
  });

  it('keeps the dashboard closed without the token', async () => {
    const context = await browser.newContext();
    // A headless browser has no one to ask for credentials: the challenge ends the navigation.
    const page = await context.newPage();
    await expect(page.goto(`${base}${dashboardPath}`)).rejects.toThrow(
      /ERR_INVALID_AUTH_CREDENTIALS/,
    );
    const response = await context.request.get(`${base}${dashboardPath}`);
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toBe('Basic realm="gun-sync", charset="UTF-8"');
    expect(await response.json()).toMatchObject({ code: 'SYNC_AUTH_REQUIRED' });
    await context.close();
  });

  it('shows every queue on the dashboard to a browser that gives the token', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: token },
    });
    const page = await context.newPage();
    const response = await page.goto(`${base}${dashboardPath}`);
    expect(response?.status()).toBe(200);
    for (const name of Object.values(QueueName)) {
      await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    await page.screenshot({ path: `${screenshots}admin-queues.png`, fullPage: true });
    await page.goto(`${base}${dashboardPath}/queue/${encodeURIComponent(QueueName.transform)}`);
    await page.getByText('abcdefabcdef:browser-1').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${screenshots}admin-queue-transform.png`, fullPage: true });
    await context.close();
  });

  it('renders the API docs with the health route', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${base}/docs`);
    expect(response?.status()).toBe(200);
    await page
      .getByText('/api/health/gun-sync', { exact: true })
      .first()
      .waitFor({ timeout: 15_000 });
    await page
      .getByText('/api/health/gun-sync/force', { exact: true })
      .first()
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${screenshots}docs.png`, fullPage: true });
    await context.close();
  });
});
