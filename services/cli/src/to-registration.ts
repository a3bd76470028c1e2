/**
 * Checks one Elasticsearch document of this node before it is registered (spec section 7's
 * migration: recordType, creator public key, data) and builds the registration. The soul must
 * belong to the creator key (its 12 hex are sha256 of the key, spec section 2.2), as the API's
 * registration route requires.
 */
import { createHash } from 'node:crypto';
import { findSoulProblem, type Registration } from '@sync/gun-client';

export type Invalid =
  'no-gun-did' | 'bad-soul' | 'no-record-type' | 'no-creator-key' | 'no-data' | 'soul-key-mismatch';

export type Checked = { ok: true; registration: Registration } | { ok: false; reason: Invalid };

/** The fields of `_source` the check needs. */
export const registrationFields = [
  'oip.did',
  'oip.didTx',
  'oip.recordType',
  'oip.creator.publicKey',
  'oip.creator_publicKey',
  'data',
];

const typePattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const keyPattern = /^[A-Za-z0-9_-]+$/;

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const gunDid = (value: unknown): string | undefined =>
  typeof value === 'string' && value.startsWith('did:gun:') ? value : undefined;

export function toPublisherHash(publicKey: string): string {
  return createHash('sha256').update(publicKey, 'utf8').digest('hex').slice(0, 12);
}

/** The record soul of a document: `oip.did`, else `oip.didTx`, else the document id. */
export function toDocumentSoul(id: string, source: Record<string, unknown>): string | undefined {
  const oip = asObject(source.oip);
  const did = gunDid(oip?.did) ?? gunDid(oip?.didTx) ?? gunDid(id);
  return did?.slice('did:gun:'.length);
}

export function toRegistration(
  id: string,
  source: Record<string, unknown>,
  nodeId: string,
): Checked {
  const soul = toDocumentSoul(id, source);
  if (soul === undefined) return { ok: false, reason: 'no-gun-did' };
  if (soul === '' || findSoulProblem(soul) !== null) return { ok: false, reason: 'bad-soul' };
  const oip = asObject(source.oip) ?? {};
  const recordType = oip.recordType;
  if (typeof recordType !== 'string' || !typePattern.test(recordType))
    return { ok: false, reason: 'no-record-type' };
  const creatorPubKey = asObject(oip.creator)?.publicKey ?? oip.creator_publicKey;
  if (typeof creatorPubKey !== 'string' || !keyPattern.test(creatorPubKey))
    return { ok: false, reason: 'no-creator-key' };
  if (asObject(source.data) === undefined) return { ok: false, reason: 'no-data' };
  if (!soul.startsWith(`${toPublisherHash(creatorPubKey)}:`))
    return { ok: false, reason: 'soul-key-mismatch' };
  return {
    ok: true,
    registration: { recordType, soul, did: `did:gun:${soul}`, creatorPubKey, nodeId },
  };
}
