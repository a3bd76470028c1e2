/**
 * Soul names of the OIP registry (spec §4) and deletion registry (spec §5), and GUN link
 * helpers. All souls are flat strings; a child node's soul is its parent's plus `/` + key.
 */
import type { GunLink } from './types.js';

export const defaultRegistryRoot = 'oip:registry';
export const defaultDeletedRoot = 'oip:deleted:records';

/** `${root}:index:${recordType}`: one node per record type, one field per record. */
export function toIndexSoul(root: string, recordType: string): string {
  return `${root}:index:${recordType}`;
}

/** `${root}:index:${recordType}/${soul}`: the child node an index field links to. */
export function toIndexEntrySoul(root: string, recordType: string, soul: string): string {
  return `${toIndexSoul(root, recordType)}/${soul}`;
}

/** `${root}:nodes:${nodeId}:${soul}`: the node registry entry of one (node, record). */
export function toNodeEntrySoul(root: string, nodeId: string, soul: string): string {
  return `${root}:nodes:${nodeId}:${soul}`;
}

/** `${root}:users`: the users directory, one field per user public key hash. */
export function toUsersSoul(root: string): string {
  return `${root}:users`;
}

export function toDeletedIndexSoul(deletedRoot: string): string {
  return `${deletedRoot}:index`;
}

export function toDeletedEntrySoul(deletedRoot: string, did: string): string {
  return `${deletedRoot}:${did}`;
}

/** The record type of `${root}:index:${type}`, or null when `soul` is not a type index. */
export function toIndexType(root: string, soul: string): string | null {
  const prefix = `${root}:index:`;
  if (!soul.startsWith(prefix)) return null;
  const type = soul.slice(prefix.length);
  return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(type) ? type : null;
}

/**
 * The OIP relay keeps a bookkeeping node per soul prefix (`index:<first colon part>`,
 * spec §1.2) listing every soul put through its HTTP API.
 */
export function toRelayIndexSoul(soul: string): string {
  return `index:${soul.split(':')[0] ?? soul}`;
}

export function toLink(soul: string): GunLink {
  return { '#': soul };
}

/** True for `{"#": "<soul>"}` and nothing else. */
export function isLink(value: unknown): value is GunLink {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    keys[0] === '#' &&
    typeof (value as GunLink)['#'] === 'string' &&
    (value as GunLink)['#'] !== ''
  );
}

/** Record soul of a `did:gun:<soul>` DID (everything after the prefix; localIds may hold `:`). */
export function toDid(soul: string): string {
  return `did:gun:${soul}`;
}
