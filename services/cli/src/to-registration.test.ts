import { describe, expect, it } from 'vitest';
import { toDocumentSoul, toPublisherHash, toRegistration } from './to-registration.js';

const key = 'sXcq0Gp3XkqQjSCRvLxe7w';
const soul = `${toPublisherHash(key)}:post-1`;
const doc = (oip: Record<string, unknown>, data: unknown = { basic: { name: 'x' } }) => ({
  data,
  oip: {
    did: `did:gun:${soul}`,
    recordType: 'post',
    creator: { publicKey: key, didAddress: 'did:arweave:x' },
    ...oip,
  },
});

describe(toRegistration.name, () => {
  it('builds the registration of a valid OIP document', () => {
    expect(toRegistration(`did:gun:${soul}`, doc({}), 'node-a')).toEqual({
      ok: true,
      registration: {
        recordType: 'post',
        soul,
        did: `did:gun:${soul}`,
        creatorPubKey: key,
        nodeId: 'node-a',
      },
    });
  });

  it('accepts the flat legacy creator key and falls back to didTx and the document id', () => {
    expect(
      toRegistration('x', doc({ creator: undefined, creator_publicKey: key }), 'n'),
    ).toMatchObject({ ok: true });
    expect(toDocumentSoul('x', { oip: { didTx: `did:gun:${soul}` } })).toBe(soul);
    expect(toDocumentSoul(`did:gun:${soul}`, {})).toBe(soul);
    expect(toDocumentSoul('did:arweave:abc', { oip: { did: 'did:arweave:abc' } })).toBeUndefined();
  });

  it.each([
    ['no-gun-did', 'did:arweave:a', { data: {}, oip: { did: 'did:arweave:a' } }],
    ['no-record-type', 'x', doc({ recordType: undefined })],
    ['no-record-type', 'x', doc({ recordType: 'has space' })],
    ['no-creator-key', 'x', doc({ creator: {} })],
    ['no-creator-key', 'x', doc({ creator: { publicKey: 'not base64url!' } })],
    ['no-data', 'x', doc({}, null)],
    ['no-data', 'x', doc({}, [])],
    ['soul-key-mismatch', 'x', doc({ did: 'did:gun:000000000000:post-1' })],
  ])('rejects a document: %s', (reason, id, source) => {
    expect(toRegistration(id, source as Record<string, unknown>, 'n')).toEqual({
      ok: false,
      reason,
    });
  });
});
