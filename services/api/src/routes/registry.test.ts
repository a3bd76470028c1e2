import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SyncError } from '@sync/runtime/errors';
import { now, recordingWriter, useTestApp, type Payload } from '../testing.js';
import { toPublisherHash } from './registry.js';

const t = useTestApp();

// The publisher key and soul of the spec's vectors/registry.json (sha256 prefix 82d1ad726425).
const creatorPubKey = `rm3dxvFeeUWgx7pz6mbmb9Y4PC_N6ZV5HHCy2rSVWrsxy7VOLugw-iZLi1P5mZHetx0ihukOKQWeKwHc4f1OejkWipqQK5dLEzF0WBYIlwyQCig2C9XoXSktIjzuYArh-WWwg6B4n2fBcxhb-410gW6yIgj4Yzh-nPYgaEQwIv0MI8y0q5EHTzrM45JvgETPxG69x74BK7z_NZlMne0qQRzT4LUEzCPAH-Ocj3RjZus2m0aHHiAQ2xvN0vTXmdKSmvZHda5E-UQr47k_TSf5cUZfIC-UL8R37091W7SAU9duVu_vx-saRDYRi09APEBFjZN1GaHdQjx2B0xZgNawlOhQhaWKY7G4d0VExFF7tvQg5nE-DCpHOmSp13yWXikv0KgdZBjgOColJuLMbY3jRojJfFLBBh6W-vUgFwihKuA3PJ1xj2oZzN_QdZR-qR4ngk9V2JHviep5PCoU5vsKu1BIPzA2FmDkGooQIGOj7G74vCnL7UY_MBtUKzRpyKlCvYzcQpJIMvyu2LLRal-hC7UyeBRk6vwJ3q_qYDwM-W8rSEjxGVxZOl4g-rg5baAkwNl6zVAgsSIuPir6px5eVtzLm7txzo0QoR2ZXjISjpp4ugfD6R5YsHm2c9YRfnb-cF8tGht60_QI7eK06jQAraBcSzg2rJ8G8QnD7rRr180`;
const soul = '82d1ad726425:post-001';
const url = '/api/registry/records';
const register = (payload: Payload, send = t.admin) => send('POST', url, payload);

describe(toPublisherHash.name, () => {
  it("matches OIP's hash of the spec vector key", () => {
    expect(toPublisherHash(creatorPubKey)).toBe('82d1ad726425');
    expect(
      createHash('sha256').update(creatorPubKey).digest('hex').startsWith('82d1ad726425'),
    ).toBe(true);
  });
});

describe('POST /api/registry/records', () => {
  it('registers the record under this node id', async () => {
    const { writer, registrations } = recordingWriter();
    await t.build({ registryWriter: writer });
    const res = await register({ soul, recordType: 'post', creatorPubKey, did: `did:gun:${soul}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      registered: true,
      did: `did:gun:${soul}`,
      soul,
      recordType: 'post',
      nodeId: 'node-test',
      timestamp: now,
    });
    expect(registrations).toEqual([
      {
        recordType: 'post',
        soul,
        did: `did:gun:${soul}`,
        creatorPubKey,
        nodeId: 'node-test',
        timestamp: now,
      },
    ]);
  });

  it('is idempotent: the same call with the same timestamp writes the same registration', async () => {
    const { writer, registrations } = recordingWriter();
    await t.build({ registryWriter: writer });
    const payload = { soul, recordType: 'post', creatorPubKey, timestamp: 1761991200500 };
    const first = await register(payload);
    const second = await register(payload);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(registrations[1]).toEqual(registrations[0]);
  });

  it.each([
    ['a soul of another publisher', { soul: 'aaaaaaaaaaaa:post-001' }, 'SYNC_BAD_REGISTRATION'],
    [
      'a DID that is not the soul’s',
      { did: 'did:gun:82d1ad726425:other' },
      'SYNC_BAD_REGISTRATION',
    ],
    ['a soul without the hash prefix', { soul: 'post-001' }, 'FST_ERR_VALIDATION'],
    ['a bad record type', { recordType: 'post type' }, 'FST_ERR_VALIDATION'],
    ['a key that is not base64url', { creatorPubKey: 'not a key at all!!' }, 'FST_ERR_VALIDATION'],
    ['an unknown field', { extra: true }, 'FST_ERR_VALIDATION'],
    ['a missing creator key', { creatorPubKey: undefined }, 'FST_ERR_VALIDATION'],
  ])('rejects %s with 400 and writes nothing', async (_name, change, code) => {
    const { writer, registrations } = recordingWriter();
    await t.build({ registryWriter: writer });
    const payload = { soul, recordType: 'post', creatorPubKey, ...change };
    const res = await register(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code });
    expect(registrations).toEqual([]);
  });

  it('answers 502 when the GUN write fails', async () => {
    const failing = recordingWriter(
      new SyncError('SYNC_GUN_WRITE_FAILED', 'did not read back', { retryable: true }),
    );
    await t.build({ registryWriter: failing.writer });
    const res = await register({ soul, recordType: 'post', creatorPubKey });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({
      statusCode: 502,
      code: 'SYNC_REGISTRY_WRITE_FAILED',
      error: 'Bad Gateway',
      message: 'the GUN registry write failed; retry later',
    });
  });

  it('needs the token', async () => {
    const { writer, registrations } = recordingWriter();
    await t.build({ registryWriter: writer });
    const res = await register({ soul, recordType: 'post', creatorPubKey }, t.anonymous);
    expect(res.statusCode).toBe(401);
    expect(registrations).toEqual([]);
  });
});
