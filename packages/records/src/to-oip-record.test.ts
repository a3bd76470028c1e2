import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from './json.js';
import type { EncryptedRecord, OipRecord, PlainRecord } from './oip-record.js';
import type { RecordGraph } from './record-graph.js';
import type { RecordResult } from './rejection.js';
import { loadVector } from './testing.js';
import { toOipRecord, withDecryptedData } from './to-oip-record.js';

const { cases } = loadVector<{
  cases: { name: string; soul: string; nodes: Record<string, Record<string, unknown>> }[];
}>('records');
const current = cases.find((c) => c.name.startsWith('public post'))!;
const currentOip = JSON.parse(current.nodes[current.soul]!.oip as string) as JsonObject;
const creator = currentOip.creator as { didAddress: string; publicKey: string };
const options = { maxBytes: 1_000_000 };

function record(result: RecordResult<OipRecord>): OipRecord {
  if (!result.ok) throw new Error(`expected a record, got ${result.reason}: ${result.detail}`);
  return result.record;
}

function plain(result: RecordResult<OipRecord>): PlainRecord {
  const r = record(result);
  if (r.encrypted) throw new Error('expected a plain record');
  return r;
}

const oip = {
  did: 'did:gun:h:x',
  recordType: 'post',
  indexedAt: '2026-01-01T00:00:00.000Z',
  ver: '0.8.0',
  creator,
};
const graph = (
  root: Record<string, unknown>,
  more: Record<string, Record<string, unknown>> = {},
): RecordGraph => ({ soul: 'h:x', nodes: { 'h:x': root, ...more } });

describe('toOipRecord formats', () => {
  it('reads the current format and keeps the exact data string', () => {
    const r = plain(toOipRecord({ soul: current.soul, nodes: current.nodes }, options));
    expect(r.dataString).toBe(current.nodes[current.soul]!.data);
    expect(r.did).toBe('did:gun:82d1ad726425:post-001');
    expect(r.meta).toEqual({ created: 1761991200000, localId: 'post-001', encrypted: false });
    expect(r.sizeBytes).toBeGreaterThan(1000);
  });

  it('reads the parsed form the relay /get returns (data and oip as objects, meta inline)', () => {
    const r = plain(
      toOipRecord(
        graph({ data: { basic: { name: 'n', nothing: null } }, oip, meta: { created: 5 } }),
        options,
      ),
    );
    expect(r.data).toEqual({ basic: { name: 'n', nothing: null } });
    expect(r.dataString).toBeNull();
    expect(r.meta).toEqual({ created: 5 });
  });

  it('parses a creator stored as a JSON string (2025-11-18 19:38)', () => {
    const r = plain(
      toOipRecord(
        graph({ data: '{}', oip: JSON.stringify({ ...oip, creator: JSON.stringify(creator) }) }),
        options,
      ),
    );
    expect(r.oip.creator).toEqual(creator);
  });

  it('normalises flattened creator fields in place, keeping the key order', () => {
    const { creator: _c, ...rest } = oip;
    const flat = {
      did: rest.did,
      recordType: 'post',
      creator_didAddress: creator.didAddress,
      creator_publicKey: creator.publicKey,
      ver: '0.8.1',
    };
    const r = plain(toOipRecord(graph({ data: '{}', oip: JSON.stringify(flat) }), options));
    expect(Object.keys(r.oip)).toEqual(['did', 'recordType', 'creator', 'ver']);
    expect(r.oip.creator).toEqual({ didAddress: creator.didAddress, publicKey: creator.publicKey });
  });

  it('drops GUN metadata and null (deleted) fields of nodes', () => {
    const r = plain(
      toOipRecord(
        graph(
          { _: { '#': 'h:x', '>': {} }, data: { '#': 'h:x/data' }, oip, meta: null },
          { 'h:x/data': { _: {}, a: 'b', gone: null } },
        ),
        options,
      ),
    );
    expect(r.data).toEqual({ a: 'b' });
    expect(r.meta).toEqual({});
  });

  it('marks encrypted data and keeps the envelope for decryption', () => {
    const envelope = { encrypted: 'AAAA', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==' };
    const r = record(
      toOipRecord(graph({ data: { '#': 'h:x/data' }, oip }, { 'h:x/data': envelope }), options),
    );
    expect(r).toMatchObject({ encrypted: true, payload: envelope });
  });

  it('keeps only a well-formed registry entry', () => {
    expect(
      record(
        toOipRecord(
          { ...graph({ data: '{}', oip }), registry: { nodeId: 'n', timestamp: 3 } },
          options,
        ),
      ).registry,
    ).toEqual({ nodeId: 'n', timestamp: 3 });
    const junk = {
      ...graph({ data: '{}', oip }),
      registry: { nodeId: 7 },
    } as unknown as RecordGraph;
    expect(record(toOipRecord(junk, options)).registry).toBeUndefined();
  });
});

describe('toOipRecord rejections', () => {
  const bad = (root: Record<string, unknown>, more: Record<string, Record<string, unknown>> = {}) =>
    toOipRecord(graph(root, more), options);

  it.each([
    ['no root node', { soul: 'h:missing', nodes: {} }, 'invalid-record', /missing/],
    ['an empty soul', { soul: '', nodes: {} }, 'invalid-record', /no soul/],
    [
      'a soul too long for an _id',
      { soul: 'x'.repeat(600), nodes: {} },
      'invalid-record',
      /too long/,
    ],
    ['nodes that are not an object', { soul: 'a', nodes: 'x' }, 'invalid-record', /nodes/],
    [
      'a root that is not an object',
      { soul: 'a', nodes: { a: [1] } },
      'invalid-record',
      /not an object/,
    ],
    ['a graph that is not an object', null, 'invalid-record', /not a record graph/],
    ['an inherited soul', { soul: 'constructor', nodes: {} }, 'invalid-record', /missing/],
  ])('%s', (_name, input, reason, detail) => {
    const result = toOipRecord(input as RecordGraph, options);
    expect(result).toMatchObject({ ok: false, reason });
    expect(!result.ok && result.detail).toMatch(detail);
  });

  it.each([
    ['oip.ver 0.7', { data: '{}', oip: { ...oip, ver: '0.7.2' } }, /oip\.ver/],
    ['oip.ver a number', { data: '{}', oip: { ...oip, ver: 0.8 } }, /oip\.ver/],
    ['no recordType', { data: '{}', oip: { ...oip, recordType: '' } }, /oip\.recordType/],
    ['no creator', { data: '{}', oip: { ...oip, creator: undefined } }, /oip\.creator/],
    [
      'a creator without didAddress',
      { data: '{}', oip: { ...oip, creator: { publicKey: 'k' } } },
      /oip\.creator\.didAddress/,
    ],
    [
      'a creator string that is not JSON',
      { data: '{}', oip: { ...oip, creator: '{' } },
      /oip\.creator is not JSON/,
    ],
    [
      'one flattened creator field only',
      { data: '{}', oip: { ...oip, creator: undefined, creator_publicKey: 'k' } },
      /oip\.creator/,
    ],
    ['oip not JSON', { data: '{}', oip: '{"ver":' }, /oip is not JSON/],
    ['oip an array', { data: '{}', oip: '[1]' }, /oip is not an object/],
    ['no oip', { data: '{}' }, /no oip/],
    ['no data', { oip }, /no data/],
    ['data not JSON', { data: 'hello', oip }, /data is not JSON/],
    ['data a JSON array', { data: '[1,2]', oip }, /data is not a JSON object/],
    ['data a number', { data: 5, oip }, /data is not a JSON object/],
    ['a __proto__ key in the data string', { data: '{"__proto__":{"x":1}}', oip }, /__proto__/],
    [
      'a __proto__ key in an inline object',
      { data: JSON.parse('{"a":{"__proto__":1}}') as unknown, oip },
      /__proto__/,
    ],
    [
      'a __proto__ field in the root node',
      JSON.parse('{"__proto__":1,"data":"{}"}') as Record<string, unknown>,
      /__proto__/,
    ],
    [
      'data nested too deep',
      { data: '{"a":'.repeat(70) + '1' + '}'.repeat(70), oip },
      /nested deeper/,
    ],
    [
      'an inline object nested too deep',
      { data: JSON.parse('{"a":'.repeat(70) + '1' + '}'.repeat(70)) as unknown, oip },
      /nested deeper/,
    ],
    ['a non-finite number', { data: { a: Number.NaN }, oip }, /not finite/],
    ['a function value', { data: { a: () => 1 }, oip }, /function/],
  ])('%s → invalid-record', (_name, root, detail) => {
    const result = bad(root);
    expect(result).toMatchObject({ ok: false, reason: 'invalid-record' });
    expect(!result.ok && result.detail).toMatch(detail);
  });

  it('reports a missing linked node as incomplete-record (a partial read, worth retrying)', () => {
    expect(bad({ data: '{}', oip, meta: { '#': 'h:x/meta' } })).toMatchObject({
      ok: false,
      reason: 'incomplete-record',
    });
    expect(bad({ data: { '#': 'h:x/data' }, oip })).toMatchObject({
      ok: false,
      reason: 'incomplete-record',
    });
  });

  it('rejects link cycles and link bombs', () => {
    expect(
      bad({ data: { '#': 'h:x/a' }, oip }, { 'h:x/a': { b: { '#': 'h:x/a' } } }),
    ).toMatchObject({ ok: false, reason: 'invalid-record', detail: 'link cycle' });
    const bomb: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < 30; i += 1)
      bomb[`n${i}`] = { l: { '#': `n${i + 1}` }, r: { '#': `n${i + 1}` } };
    bomb.n30 = { leaf: 1 };
    expect(bad({ data: { '#': 'n0' }, oip }, bomb)).toMatchObject({
      ok: false,
      reason: 'invalid-record',
      detail: 'more than 1000 nodes',
    });
  });

  it('rejects a record larger than the limit as too-large, before parsing it', () => {
    const big = JSON.stringify({ text: 'x'.repeat(2_000_000) });
    expect(bad({ data: big, oip })).toMatchObject({ ok: false, reason: 'too-large' });
    expect(toOipRecord(graph({ data: big, oip }), { maxBytes: 3_000_000 })).toMatchObject({
      ok: true,
    });
  });

  it('rejects a node that JSON cannot hold', () => {
    expect(bad({ data: '{}', oip, n: 1n })).toMatchObject({
      ok: false,
      reason: 'invalid-record',
      detail: 'a node is not JSON',
    });
  });
});

describe(withDecryptedData.name, () => {
  const encrypted = record(
    toOipRecord(
      graph(
        { data: { '#': 'h:x/data' }, oip, meta: { encrypted: true } },
        { 'h:x/data': { encrypted: 'AA==', iv: 'AAAAAAAAAAAAAAAA', tag: 'x' } },
      ),
      options,
    ),
  ) as EncryptedRecord;

  it('puts the decrypted data in place of the envelope', () => {
    const result = withDecryptedData(encrypted, '{"basic":{"tags":"[\\"a\\"]"}}', options);
    expect(result).toMatchObject({
      ok: true,
      record: {
        encrypted: false,
        wasEncrypted: true,
        data: { basic: { tags: '["a"]' } },
        dataString: '{"basic":{"tags":"[\\"a\\"]"}}',
      },
    });
    expect(result.ok && 'payload' in result.record).toBe(false);
  });

  it('rejects decrypted data that is not an object or is too large', () => {
    expect(withDecryptedData(encrypted, 'garbage', options)).toMatchObject({
      ok: false,
      reason: 'invalid-record',
    });
    expect(withDecryptedData(encrypted, '"a string"', options)).toMatchObject({
      ok: false,
      reason: 'invalid-record',
    });
    expect(
      withDecryptedData(encrypted, JSON.stringify({ a: 'x'.repeat(100) }), { maxBytes: 50 }),
    ).toMatchObject({ ok: false, reason: 'too-large' });
  });
});

describe('junk never escapes as anything but a typed rejection', () => {
  const reasons = ['invalid-record', 'incomplete-record', 'too-large'];
  const key = fc.oneof(
    fc.string(),
    fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'data',
      'oip',
      'meta',
      '_',
      '#',
      'h:x',
      'h:x/data',
    ),
  );
  const hugeString = fc.integer({ min: 0, max: 3 }).map((n) => 'x'.repeat(n * 400_000));
  const badBase64 = fc.constantFrom('!!', '====', 'AAA', '');
  const link = fc
    .constantFrom('h:x', 'h:x/data', 'h:x/meta', 'h:x/oip', '__proto__', 'nope')
    .map((soul) => ({ '#': soul }));
  const value = fc.oneof(fc.jsonValue(), link, hugeString, badBase64, fc.json(), fc.anything());
  const oipish = fc.oneof(
    fc.constant(JSON.stringify(oip)),
    fc.record(
      {
        ver: fc.oneof(fc.constant('0.8.0'), fc.jsonValue()),
        recordType: fc.jsonValue(),
        creator: fc.oneof(fc.constant(creator), fc.jsonValue(), fc.json()),
      },
      { requiredKeys: [] },
    ),
    value,
  );
  const dataish = fc.oneof(
    fc.json(),
    fc.constant('{"a":"[1]"}'),
    fc.record(
      { encrypted: fc.oneof(fc.base64String(), badBase64), iv: badBase64, tag: fc.base64String() },
      { requiredKeys: [] },
    ),
    link,
    value,
  );
  const node = fc.oneof(
    fc.record(
      {
        data: dataish,
        oip: oipish,
        meta: fc.oneof(
          link,
          fc.jsonValue(),
          fc.record({ encrypted: fc.jsonValue(), created: fc.jsonValue() }),
        ),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(key, value, { maxKeys: 5 }),
    fc.anything(),
  );
  const graphs = fc.record({
    soul: fc.oneof(fc.constant('h:x'), fc.string(), fc.anything()),
    nodes: fc.oneof(
      fc.dictionary(
        fc.oneof(key, fc.constantFrom('h:x', 'h:x/data', 'h:x/meta', 'h:x/oip')),
        node,
        { maxKeys: 5 },
      ),
      fc.anything(),
    ),
    registry: fc.oneof(fc.constant(undefined), fc.anything()),
  });

  it('for random graphs, souls, links, prototype keys, wrong types, huge strings and bad base64', () => {
    fc.assert(
      fc.property(graphs, (g) => {
        const result = toOipRecord(g as RecordGraph, options);
        if (!result.ok) {
          expect(reasons).toContain(result.reason);
          expect(typeof result.detail).toBe('string');
        } else {
          expect(result.record.did).toBe(`did:gun:${result.record.soul}`);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('for arbitrary values in place of the whole graph', () => {
    fc.assert(
      fc.property(fc.anything(), (g) => {
        const result = toOipRecord(g as RecordGraph, options);
        expect(result.ok === false ? reasons.includes(result.reason) : true).toBe(true);
      }),
    );
  });
});
