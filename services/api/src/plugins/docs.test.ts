import { describe, expect, it } from 'vitest';
import { useTestApp } from '../testing.js';

const t = useTestApp();

interface Operation {
  tags?: string[];
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  security?: unknown[];
}

describe('/docs', () => {
  it('serves Swagger UI', async () => {
    await t.build();
    const res = await t.anonymous('GET', '/docs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<title>Swagger UI</title>');
    const init = await t.anonymous('GET', '/docs/static/swagger-initializer.js');
    expect(init.statusCode).toBe(200);
  });

  it('documents every route with a response schema, and the admin routes with their security', async () => {
    await t.build();
    const spec = (await t.anonymous('GET', '/docs/json')).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        op,
      })),
    );
    expect(operations.map((o) => o.key).sort()).toEqual([
      'DELETE /api/dead-letters',
      'GET /api/dead-letters',
      'GET /api/health/gun-sync',
      'GET /api/health/gun-sync/force/{id}',
      'GET /api/reconcile',
      'GET /api/status',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'POST /api/dead-letters/retry',
      'POST /api/health/gun-sync/force',
      'POST /api/reconcile',
      'POST /api/registry/records',
    ]);
    for (const { key, op } of operations) {
      expect(Object.keys(op.responses ?? {}), key).not.toHaveLength(0);
      expect(op.tags, key).toBeDefined();
    }
    const byKey = Object.fromEntries(operations.map((o) => [o.key, o.op]));
    for (const key of [
      'POST /api/health/gun-sync/force',
      'POST /api/dead-letters/retry',
      'POST /api/registry/records',
    ]) {
      expect(byKey[key]?.requestBody, key).toBeDefined();
      expect(byKey[key]?.security, key).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(byKey[key]?.responses ?? {}), key).toEqual(
        expect.arrayContaining(['400', '401', '403']),
      );
    }
    expect(byKey['GET /api/dead-letters']?.parameters?.map((p) => p.in)).toEqual([
      'query',
      'query',
      'query',
    ]);
    expect(byKey['GET /api/health/gun-sync/force/{id}']?.parameters?.map((p) => p.in)).toEqual([
      'path',
    ]);
  });
});
