/**
 * The bad-input corpus, built in code: each case is what a publisher (careless, outdated or
 * hostile) can put on a relay, with what gun-sync must make of it. Reasons are the pipeline's
 * (packages/records rejection.ts, transform-record.ts `skipReasons`, the indexer's
 * `es-rejected`, transform's `not-found`); registry entries that never become jobs are
 * counted by discovery's policy (`own`, `untrusted`) or not read at all (`_` keys).
 */
import { constants, sign, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';
import { encryptLikeOip } from '@sync/crypto/testing';
import { toStoredDataString, type JsonObject } from '@sync/records';
import { oipPut, type Publisher, type PutRequest } from '../support/oip-publisher.js';

export type CorpusExpectation =
  | { kind: 'dead-letter'; stage: 'transform' | 'index'; reason: string }
  | { kind: 'skipped-entry'; reason: 'own' | 'untrusted' }
  | { kind: 'ignored' }
  | { kind: 'indexed'; check?: (doc: Record<string, unknown>) => void };

export interface CorpusCase {
  kind: string;
  soul: string;
  puts: PutRequest[];
  /** Register the soul in the type index (default true). */
  register?: boolean;
  /** Registering node (default node-a). */
  nodeId?: string;
  expect: CorpusExpectation;
}

const indexSoul = 'oip:registry:index:post';
const legacyKey = { password: 'gun-encryption-key', salt: 'salt' };

function signData(dataString: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(dataString, 'utf8'), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  }).toString('base64');
}

const parked = (reason: string, stage: 'transform' | 'index' = 'transform') =>
  ({ kind: 'dead-letter', stage, reason }) as const;

export function buildCorpus(a: Publisher, other: Publisher): CorpusCase[] {
  const soulOf = (localId: string) => `${a.publisherHash}:${localId}`;
  const data: JsonObject = { basic: { name: 'Corpus', tagItems: ['bad'] } };
  const dataString = toStoredDataString(data);
  const oipHeader = (localId: string, over: Record<string, unknown> = {}) => ({
    did: `did:gun:${soulOf(localId)}`,
    recordType: 'post',
    indexedAt: '2026-11-01T10:00:00.000Z',
    ver: '0.8.0',
    signature: signData(dataString, a.privateKey),
    creator: { didAddress: a.didAddress, publicKey: a.publicKey },
    ...over,
  });
  /** A record with its root fields given as stored (strings or nodes). */
  const raw = (localId: string, fields: Record<string, unknown>): PutRequest => ({
    soul: soulOf(localId),
    data: fields,
  });
  const withOip = (localId: string, over: Record<string, unknown>) =>
    raw(localId, {
      data: dataString,
      oip: JSON.stringify(oipHeader(localId, over)),
      meta: { created: 1, localId },
    });
  /** A record whose data string is `data`, under a valid header: the data alone is on trial. */
  const withDataString = (localId: string, data: string) =>
    raw(localId, { data, oip: JSON.stringify(oipHeader(localId)) });
  const privateMeta = (localId: string, over: Record<string, unknown> = {}) => ({
    created: 1,
    localId,
    encrypted: true,
    encryptionMethod: 'aes-256-gcm',
    ...over,
  });
  const envelope = (plaintext: string, material = legacyKey) => encryptLikeOip(plaintext, material);
  const withEnvelope = (
    localId: string,
    env: Record<string, unknown> | string,
    meta: Record<string, unknown> = {},
  ) =>
    raw(localId, {
      data: env,
      oip: JSON.stringify(oipHeader(localId)),
      meta: privateMeta(localId, meta),
    });
  const good = envelope(JSON.stringify(dataString));
  const flip = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    return bytes.toString('base64');
  };
  const nested = (depth: number): string =>
    `{"basic":{"name":"deep"},"x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
  const deep = nested(100);

  const record = (
    kind: string,
    localId: string,
    put: PutRequest,
    expectation: CorpusExpectation,
  ): CorpusCase => ({ kind, soul: put.soul, puts: [put], expect: expectation });
  const cases: CorpusCase[] = [
    // Not OIP records at all.
    record(
      'non-oip-node',
      'c-non-oip',
      raw('c-non-oip', { title: 'hello', n: 1 }),
      parked('invalid-record'),
    ),
    record(
      'oip-not-json',
      'c-oip-not-json',
      raw('c-oip-not-json', { data: dataString, oip: '{"ver": "0.8.0",' }),
      parked('invalid-record'),
    ),
    record(
      'oip-json-array',
      'c-oip-array',
      raw('c-oip-array', { data: dataString, oip: '[1,2,3]' }),
      parked('invalid-record'),
    ),
    record(
      'oip-json-null',
      'c-oip-null',
      raw('c-oip-null', { data: dataString, oip: 'null' }),
      parked('invalid-record'),
    ),
    record(
      'data-not-json',
      'c-data-not-json',
      withDataString('c-data-not-json', '{"basic":'),
      parked('invalid-record'),
    ),
    record(
      'data-json-array',
      'c-data-array',
      withDataString('c-data-array', '[1,2]'),
      parked('invalid-record'),
    ),
    record(
      'data-json-string',
      'c-data-string',
      withDataString('c-data-string', '"just a string"'),
      parked('invalid-record'),
    ),
    record(
      'data-json-null',
      'c-data-null',
      withDataString('c-data-null', 'null'),
      parked('invalid-record'),
    ),
    // Wrong versions and headers.
    record(
      'version-0.7',
      'c-ver-07',
      withOip('c-ver-07', { ver: '0.7.2' }),
      parked('invalid-record'),
    ),
    record(
      'version-1.0',
      'c-ver-10',
      withOip('c-ver-10', { ver: '1.0.0' }),
      parked('invalid-record'),
    ),
    record(
      'version-number',
      'c-ver-num',
      withOip('c-ver-num', { ver: 0.8 }),
      parked('invalid-record'),
    ),
    record(
      'no-record-type',
      'c-no-type',
      withOip('c-no-type', { recordType: '' }),
      parked('invalid-record'),
    ),
    record(
      'no-creator',
      'c-no-creator',
      withOip('c-no-creator', { creator: undefined }),
      parked('invalid-record'),
    ),
    record(
      'creator-empty-key',
      'c-creator-empty',
      withOip('c-creator-empty', { creator: { didAddress: a.didAddress, publicKey: '' } }),
      parked('invalid-record'),
    ),
    record(
      'creator-not-json',
      'c-creator-bad',
      withOip('c-creator-bad', { creator: '{"publicKey":' }),
      parked('invalid-record'),
    ),
    // Shapes and sizes.
    record(
      'link-to-nowhere',
      'c-link-nowhere',
      raw('c-link-nowhere', {
        oip: JSON.stringify(oipHeader('c-link-nowhere')),
        data: { '#': `${soulOf('c-link-nowhere')}/data` },
      }),
      parked('incomplete-record'),
    ),
    record(
      'huge-record',
      'c-huge',
      withDataString(
        'c-huge',
        toStoredDataString({ basic: { name: 'huge', description: 'x'.repeat(100_000) } }),
      ),
      parked('too-large'),
    ),
    record(
      'deep-nesting',
      'c-deep',
      raw('c-deep', {
        data: deep,
        oip: JSON.stringify(oipHeader('c-deep', { signature: signData(deep, a.privateKey) })),
      }),
      parked('invalid-record'),
    ),
    record(
      'soul-too-long',
      'long',
      withDataString(`long-${'x'.repeat(600)}`, dataString),
      parked('invalid-record'),
    ),
    // Envelopes.
    record(
      'envelope-not-base64',
      'c-env-b64',
      withEnvelope('c-env-b64', { encrypted: '!!not base64!!', iv: '???', tag: '***' }),
      parked('unsupported-envelope'),
    ),
    record(
      'envelope-no-tag',
      'c-env-notag',
      withEnvelope('c-env-notag', { encrypted: good.encrypted, iv: good.iv }),
      parked('unsupported-envelope'),
    ),
    record(
      'envelope-sea-string',
      'c-env-sea',
      withEnvelope('c-env-sea', 'SEA{"ct":"abc","iv":"def","s":"ghi"}'),
      parked('unsupported-envelope'),
    ),
    record(
      'envelope-other-cipher',
      'c-env-cbc',
      withEnvelope('c-env-cbc', good, { encryptionMethod: 'aes-128-cbc' }),
      parked('unsupported-envelope'),
    ),
    record(
      'envelope-unknown-type',
      'c-env-type',
      withEnvelope('c-env-type', good, { encryptionType: 'quantum' }),
      parked('unsupported-envelope'),
    ),
    record(
      'wrong-key',
      'c-wrong-key',
      withEnvelope(
        'c-wrong-key',
        envelope(JSON.stringify(dataString), { password: 'not-the-key', salt: 'salt' }),
      ),
      parked('decrypt-failed'),
    ),
    record(
      'tampered-tag',
      'c-bad-tag',
      withEnvelope('c-bad-tag', { ...good, tag: flip(good.tag) }),
      parked('decrypt-failed'),
    ),
    record(
      'tampered-ciphertext',
      'c-bad-ct',
      withEnvelope('c-bad-ct', { ...good, encrypted: flip(good.encrypted) }),
      parked('decrypt-failed'),
    ),
    record(
      'per-user-no-owner',
      'c-user-none',
      withEnvelope('c-user-none', good, { encryptionType: 'per-user' }),
      parked('needs-user-key'),
    ),
    record(
      'per-user-owner-not-hex',
      'c-user-nothex',
      withEnvelope('c-user-nothex', good, {
        encryptionType: 'per-user',
        encryptedBy: 'alice@example',
      }),
      parked('needs-user-key'),
    ),
    record(
      'per-user-unknown-user',
      'c-user-unknown',
      withEnvelope(
        'c-user-unknown',
        envelope(JSON.stringify(dataString), { password: 'someone-else', salt: 'x' }),
        { encryptionType: 'per-user', encryptedBy: `02${'ab'.repeat(32)}` },
      ),
      parked('needs-user-key'),
    ),
    record(
      'organization-no-key',
      'c-org',
      withEnvelope('c-org', good, {
        encryptionType: 'organization',
        encryptedForOrganization: 'did:arweave:org-1',
      }),
      parked('needs-organization-key'),
    ),
    record(
      'decrypts-to-non-object',
      'c-dec-array',
      withEnvelope('c-dec-array', envelope(JSON.stringify('[1,2,3]'))),
      parked('invalid-record'),
    ),
    // Signatures (GUN_SYNC_VERIFY_SIGNATURES=enforce).
    record(
      'signature-over-other-data',
      'c-sig-other',
      withOip('c-sig-other', { signature: signData('{"other":"data"}', a.privateKey) }),
      parked('bad-signature'),
    ),
    record(
      'signature-missing',
      'c-sig-missing',
      withOip('c-sig-missing', { signature: undefined }),
      parked('bad-signature'),
    ),
    record(
      'signature-garbage',
      'c-sig-garbage',
      withOip('c-sig-garbage', { signature: 'AAAA' }),
      parked('bad-signature'),
    ),
    record(
      'signature-by-other-key',
      'c-sig-key',
      withOip('c-sig-key', { signature: signData(dataString, other.privateKey) }),
      parked('bad-signature'),
    ),
    record(
      'valid-signature-under-another-publishers-soul',
      'c-sig-soul',
      {
        soul: `${other.publisherHash}:c-sig-soul`,
        data: {
          data: dataString,
          oip: JSON.stringify(
            oipHeader('c-sig-soul', { did: `did:gun:${other.publisherHash}:c-sig-soul` }),
          ),
          meta: { created: 1, localId: 'c-sig-soul' },
        },
      },
      parked('bad-signature'),
    ),
    // Versions: `oip.indexedAt` is not signed; one far in the future would win for good.
    record(
      'version-from-the-future',
      'c-future',
      withOip('c-future', { indexedAt: '2999-01-01T00:00:00.000Z' }),
      parked('future-version'),
    ),
    // Pipeline-level failures.
    {
      kind: 'registered-but-missing',
      soul: soulOf('c-missing'),
      puts: [],
      expect: parked('not-found'),
    },
    record(
      'es-rejects-date',
      'c-es-date',
      withOip('c-es-date', { indexedAt: 'not-a-date' }),
      parked('es-rejected', 'index'),
    ),
    // Registry entries that never become jobs.
    record(
      'entry-of-own-node',
      'c-own',
      oipPut(a, { localId: 'c-own', recordType: 'post', indexedAt: new Date(1), data }),
      { kind: 'skipped-entry', reason: 'own' },
    ),
    record(
      'entry-of-untrusted-node',
      'c-untrusted',
      oipPut(a, { localId: 'c-untrusted', recordType: 'post', indexedAt: new Date(1), data }),
      { kind: 'skipped-entry', reason: 'untrusted' },
    ),
    {
      kind: 'index-link-to-nowhere',
      soul: soulOf('c-index-nowhere'),
      puts: [
        {
          soul: indexSoul,
          data: { [soulOf('c-index-nowhere')]: { '#': `${indexSoul}/nowhere-${a.publisherHash}` } },
        },
      ],
      register: false,
      expect: { kind: 'skipped-entry', reason: 'untrusted' },
    },
    {
      kind: 'index-scalar-value',
      soul: soulOf('c-index-scalar'),
      puts: [{ soul: indexSoul, data: { [soulOf('c-index-scalar')]: true } }],
      register: false,
      expect: { kind: 'skipped-entry', reason: 'untrusted' },
    },
    {
      kind: 'index-reserved-key',
      soul: `_${soulOf('c-index-reserved')}`,
      puts: [
        {
          soul: indexSoul,
          data: { [`_${soulOf('c-index-reserved')}`]: { '#': `${indexSoul}/${soulOf('good-0')}` } },
        },
      ],
      register: false,
      expect: { kind: 'ignored' },
    },
    // The parser refuses `__proto__`/`constructor` keys outright (nothing reaches a prototype).
    record('prototype-keys', 'c-proto', protoRecord(a, 'c-proto'), parked('invalid-record')),
    // Odd but valid: indexed, and safely.
    record(
      'colons-and-unicode-in-soul',
      'c-unicode',
      oipPut(a, { localId: 'ünï:cødé:🙂:x/y', recordType: 'post', indexedAt: new Date(2), data }),
      { kind: 'indexed' },
    ),
    record(
      'spaces-and-quotes-in-soul',
      'c-quotes',
      oipPut(a, {
        localId: 'with spaces "and" \'quotes\'',
        recordType: 'post',
        indexedAt: new Date(3),
        data,
      }),
      { kind: 'indexed' },
    ),
    record(
      'did-claims-other-soul',
      'c-did-claim',
      withOip('c-did-claim', { did: 'did:gun:someone-else:record' }),
      {
        kind: 'indexed',
        check: (doc) =>
          expect(doc).toHaveProperty(['oip', 'did'], `did:gun:${soulOf('c-did-claim')}`),
      },
    ),
  ];
  // The own/untrusted cases register under their node.
  for (const c of cases) {
    if (c.kind === 'entry-of-own-node') c.nodeId = 'node-b';
    if (c.kind === 'entry-of-untrusted-node') c.nodeId = 'node-evil';
  }
  return cases;
}

/** `__proto__` and `constructor` keys in data and oip, validly signed. */
function protoRecord(a: Publisher, localId: string): PutRequest {
  const soul = `${a.publisherHash}:${localId}`;
  const dataString =
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"basic":{"name":"proto","tagItems":"[\\"p\\"]"}}';
  const oip = `{"__proto__":{"polluted":"yes"},"did":"did:gun:${soul}","recordType":"post","indexedAt":"2026-11-01T10:00:00.000Z","ver":"0.8.0","signature":"${signData(dataString, a.privateKey)}","creator":{"didAddress":"${a.didAddress}","publicKey":"${a.publicKey}"}}`;
  return { soul, data: { data: dataString, oip, meta: { created: 1, localId } } };
}
