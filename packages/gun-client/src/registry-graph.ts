/**
 * The exact GUN graph a registration and a deletion mark consist of (spec §4, §5 and
 * `vectors/registry.json`), as flat nodes in the order they must be written: children before
 * the index field that links to them, so a reader never follows a link to nothing. One field
 * per index entry; never the whole index.
 */
import { createHash } from 'node:crypto';
import {
  toDeletedEntrySoul,
  toDeletedIndexSoul,
  toDid,
  toIndexEntrySoul,
  toIndexSoul,
  toLink,
  toNodeEntrySoul,
  toUsersSoul,
} from './souls.js';
import type { GunNode, Registration, UserIdentity } from './types.js';

export const oipVersion = '0.8.0';

export interface GraphWrite {
  soul: string;
  node: GunNode;
  /** One field added to a node that grows with every entry (an index). */
  field?: true;
  /** The node a field goes into stays small (a v2 bucket or bucket list): it can be read back whole. */
  bounded?: true;
}

export function toRegistrationWrites(
  root: string,
  entry: Registration,
  now: () => number = Date.now,
): GraphWrite[] {
  const timestamp = entry.timestamp ?? now();
  const childSoul = toIndexEntrySoul(root, entry.recordType, entry.soul);
  return [
    { soul: childSoul, node: { soul: entry.soul, nodeId: entry.nodeId, timestamp } },
    {
      soul: toNodeEntrySoul(root, entry.nodeId, entry.soul),
      node: {
        did: entry.did ?? toDid(entry.soul),
        soul: entry.soul,
        recordType: entry.recordType,
        creatorPubKey: entry.creatorPubKey,
        nodeId: entry.nodeId,
        timestamp,
        oipVersion,
      },
    },
    {
      soul: toIndexSoul(root, entry.recordType),
      node: { [entry.soul]: toLink(childSoul) },
      field: true,
    },
  ];
}

export function toDeletionWrites(
  deletedRoot: string,
  did: string,
  deletedBy: string,
  now: Date,
): GraphWrite[] {
  return [
    {
      soul: toDeletedEntrySoul(deletedRoot, did),
      node: { deletedAt: now.getTime(), deletedBy, timestamp: now.toISOString(), did },
    },
    { soul: toDeletedIndexSoul(deletedRoot), node: { [did]: true }, field: true },
  ];
}

/**
 * A user's entry in the users directory: a child node holding only the public key, the
 * creation time and the publishing node, linked from one field (sha256 of the key, hex).
 */
export function toUserWrites(root: string, user: UserIdentity): GraphWrite[] {
  const key = createHash('sha256').update(user.publicKey, 'utf8').digest('hex');
  const directory = toUsersSoul(root);
  const childSoul = `${directory}/${key}`;
  const node: GunNode = { publicKey: user.publicKey, nodeId: user.nodeId };
  if (user.createdAt !== undefined) node.createdAt = user.createdAt;
  return [
    { soul: childSoul, node },
    { soul: directory, node: { [key]: toLink(childSoul) }, field: true },
  ];
}
