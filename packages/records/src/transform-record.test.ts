import { buildKeyring, DerivedKeys, makeDecrypt, type SignaturePolicy } from '@sync/crypto';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from './json.js';
import type { RecordGraph } from './record-graph.js';
import { loadVector } from './testing.js';
import { makeTransformRecord, type TransformResult } from './transform-record.js';

interface RecordCase {
  name: string;
  soul: string;
  sourceNodeId?: string;
  nodes: Record<string, Record<string, unknown>>;
  expected?: {
    _index: string;
    _id: string;
    _source: { data: JsonObject; oip: JsonObject };
    timeDependentFields?: string[];
  };
  expectedError?: string;
}

const { cases } = loadVector<{ cases: RecordCase[] }>('records');
const syncedAt = new Date('2026-11-05T06:07:08.009Z');
const keys = new DerivedKeys({ maxEntries: 10 });
const decrypt = makeDecrypt({
  keyring: buildKeyring({ legacyPassword: 'gun-encryption-key', legacySalt: 'salt' }),
  keys,
  policy: { privateRecords: true, foreignRecords: true },
});

function transform(
  policy: SignaturePolicy = 'warn',
  overrides: { decrypt?: typeof decrypt; maxBytes?: number; maxClockSkewMs?: number } = {},
) {
  return makeTransformRecord({
    decrypt: overrides.decrypt ?? decrypt,
    signaturePolicy: policy,
    maxBytes: overrides.maxBytes ?? 5_000_000,
    maxClockSkewMs: overrides.maxClockSkewMs ?? 300_000,
  });
}

function graphOf(c: RecordCase): RecordGraph {
  return {
    soul: c.soul,
    nodes: c.nodes,
    ...(c.sourceNodeId ? { registry: { nodeId: c.sourceNodeId, timestamp: 1 } } : {}),
  };
}

function getPath(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function withoutPath(obj: JsonObject, path: string): JsonObject {
  const copy = structuredClone(obj);
  const keysOf = path.split('.');
  const last = keysOf.pop()!;
  delete (getPath(copy, keysOf.join('.')) as Record<string, unknown>)[last];
  return copy;
}

function ok(result: TransformResult) {
  if (!result.ok) throw new Error(`expected a document, got ${result.reason}: ${result.detail}`);
  return result;
}

describe('makeTransformRecord with the golden vectors (records.json)', () => {
  const documents = cases.filter((c) => c.expected);
  const rejected = cases.filter((c) => c.expectedError);

  it.each(documents.map((c) => [c.name, c] as const))(
    '%s: builds the expected document',
    async (_name, c) => {
      const expected = c.expected!;
      const { document } = ok(await transform()(graphOf(c), { syncedAt, foreign: true }));
      expect(document._id).toBe(expected._id);
      expect(document._index).toBe(expected._index);
      const timeDependent = expected.timeDependentFields ?? [];
      for (const path of timeDependent)
        expect(getPath(document._source, path)).toBe(syncedAt.toISOString());
      // Allowed differences: the time-dependent fields and gun-sync's own bookkeeping under oip.sync.
      const actual = [...timeDependent, 'oip.sync'].reduce(
        (src, path) => withoutPath(src, path),
        document._source as unknown as JsonObject,
      );
      expect(actual).toEqual(expected._source);
      expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    },
  );

  it.each(rejected.map((c) => [c.name, c] as const))('%s: rejects it', async (_name, c) => {
    expect(await transform()(graphOf(c), { syncedAt, foreign: true })).toMatchObject({
      ok: false,
      reason: c.expectedError,
    });
  });

  it('loads every case', () => {
    expect(documents.length + rejected.length).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });
});

describe('makeTransformRecord bookkeeping and versions', () => {
  const byName = (part: string) => cases.find((c) => c.name.includes(part))!;

  it('records signature outcome, version and source under oip.sync', async () => {
    const result = ok(
      await transform()(graphOf(byName('public post')), { syncedAt, foreign: true }),
    );
    expect(result.signature).toBe('valid');
    expect(result.document.version).toBe(Date.parse('2026-11-01T10:00:00.000Z'));
    expect(result.document._source.oip.sync).toEqual({
      soul: '82d1ad726425:post-001',
      version: Date.parse('2026-11-01T10:00:00.000Z'),
      versionSource: 'indexedAt',
      syncedAt: syncedAt.toISOString(),
      sourceNodeId: 'unknown',
      signature: 'valid',
    });
    expect(result.decrypted).toBeUndefined();
  });

  it('reports how a private record was decrypted and that its signature does not verify', async () => {
    const result = ok(
      await transform()(graphOf(byName('private record')), { syncedAt, foreign: true }),
    );
    expect(result.decrypted).toEqual({ mode: 'legacy-shared', keyId: 'legacy' });
    expect(result.signature).toBe('invalid');
    expect(result.document._source.oip.sync.sourceNodeId).toBe('node-a');
  });

  it('counts a legacy record without a signature as unsigned', async () => {
    expect(
      ok(await transform()(graphOf(byName('legacy nested')), { syncedAt, foreign: true }))
        .signature,
    ).toBe('unsigned');
  });
});

describe('makeTransformRecord version cap', () => {
  const publicPost = () => structuredClone(cases.find((c) => c.name.includes('public post'))!);
  /** The public post with `oip.indexedAt` (not covered by the signature) set to `indexedAt`. */
  function publishedAt(indexedAt: string): RecordGraph {
    const c = publicPost();
    const root = c.nodes[c.soul]!;
    root.oip = (root.oip as string).replace('2026-11-01T10:00:00.000Z', indexedAt);
    return graphOf(c);
  }

  it('rejects a version beyond now + the allowed clock skew with reason future-version', async () => {
    const result = await transform('warn', { maxClockSkewMs: 60_000 })(
      publishedAt('2999-01-01T00:00:00.000Z'),
      { syncedAt, foreign: true },
    );
    expect(result).toMatchObject({ ok: false, reason: 'future-version' });
  });

  it('accepts a version within the allowed clock skew', async () => {
    const result = await transform('warn', { maxClockSkewMs: 60_000 })(
      publishedAt(new Date(syncedAt.getTime() + 59_000).toISOString()),
      { syncedAt, foreign: true },
    );
    expect(ok(result).document.version).toBe(syncedAt.getTime() + 59_000);
  });
});

describe('makeTransformRecord policies', () => {
  const byName = (part: string) => cases.find((c) => c.name.includes(part))!;

  it('enforce keeps a valid signature and rejects invalid or missing ones with bad-signature', async () => {
    const enforce = transform('enforce');
    expect(
      await enforce(graphOf(byName('public post')), { syncedAt, foreign: true }),
    ).toMatchObject({ ok: true, signature: 'valid' });
    expect(
      await enforce(graphOf(byName('private record')), { syncedAt, foreign: true }),
    ).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(
      await enforce(graphOf(byName('legacy nested')), { syncedAt, foreign: true }),
    ).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('off does not check', async () => {
    expect(
      await transform('off')(graphOf(byName('private record')), { syncedAt, foreign: true }),
    ).toMatchObject({ ok: true, signature: 'not-checked' });
  });

  it('rejects a signature over data changed after signing', async () => {
    const c = structuredClone(byName('public post'));
    const root = c.nodes[c.soul]!;
    root.data = (root.data as string).replace('Hello from sync test!', 'Hello from sync test?');
    expect(await transform('enforce')(graphOf(c), { syncedAt, foreign: true })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await transform('warn')(graphOf(c), { syncedAt, foreign: true })).toMatchObject({
      ok: true,
      signature: 'invalid',
    });
  });

  it('enforce rejects a record whose soul prefix is not the hash of its signing key (spec §2.2)', async () => {
    // Anyone can write to any soul: a validly signed record copied under another publisher's
    // prefix must not pass as that publisher's record.
    const c = byName('public post');
    const moved: RecordGraph = JSON.parse(
      JSON.stringify(graphOf(c)).replaceAll('82d1ad726425:', '000000000000:'),
    ) as RecordGraph;
    expect(await transform('enforce')(moved, { syncedAt, foreign: true })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
      detail: expect.stringContaining('soul prefix'),
    });
    expect(await transform('warn')(moved, { syncedAt, foreign: true })).toMatchObject({
      ok: true,
    });
  });

  it('passes decryption reasons through', async () => {
    const closed = makeDecrypt({
      keyring: buildKeyring({ legacyPassword: 'x', legacySalt: 'y' }),
      keys,
      policy: { privateRecords: false, foreignRecords: true },
    });
    expect(
      await transform('warn', { decrypt: closed })(graphOf(byName('private record')), {
        syncedAt,
        foreign: true,
      }),
    ).toMatchObject({
      ok: false,
      reason: 'private-sync-disabled',
    });
  });
});

describe('makeTransformRecord depth limits', () => {
  const byName = (part: string) => cases.find((c) => c.name.includes(part))!;

  /** The public vector record with `data.deep` set to a string of `depth` nested arrays. */
  function withNestedArrayString(depth: number): RecordGraph {
    const c = byName('public post');
    const root = c.nodes[c.soul] as Record<string, unknown>;
    const data = JSON.parse(root.data as string) as JsonObject;
    data.deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return {
      soul: c.soul,
      nodes: { ...c.nodes, [c.soul]: { ...root, data: JSON.stringify(data) } },
    };
  }

  it('rejects arrays nested inside a JSON string deeper than the limit as invalid-record', async () => {
    for (const depth of [100, 200_000]) {
      const result = await transform('warn')(withNestedArrayString(depth), {
        syncedAt,
        foreign: true,
      });
      expect(result).toMatchObject({ ok: false, reason: 'invalid-record' });
    }
  });

  it('keeps arrays nested inside a JSON string within the limit', async () => {
    const result = await transform('warn')(withNestedArrayString(10), {
      syncedAt,
      foreign: true,
    });
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(JSON.stringify(result.document._source.data.deep)).toBe(
        `${'['.repeat(10)}${']'.repeat(10)}`,
      );
  });
});
