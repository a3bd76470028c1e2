/**
 * The narrow interfaces every other package uses to read and write the OIP registry on GUN,
 * whichever way the node reaches GUN (wire protocol or relay HTTP API).
 */
import type { UpstreamError } from './errors.js';

/** A GUN link: a field whose value points at another node. */
export interface GunLink {
  '#': string;
}

/** A GUN value as stored in a node field. */
export type GunValue = string | number | boolean | null | GunLink;

/** One GUN node without its `_` metadata; null (tombstoned) fields left out. */
export type GunNode = Record<string, unknown>;

/**
 * The raw GUN nodes of one record, by soul, links left as they are (`{"#": soul}`): the root
 * node, `meta`, an encrypted `data` child and legacy nested children. Same shape as the
 * `nodes` objects of the spec's `vectors/records.json`.
 */
export interface RecordGraph {
  soul: string;
  nodes: Record<string, GunNode>;
}

/** One entry of a record type's registry index (spec §4), links resolved. */
export interface IndexEntry {
  recordType: string;
  soul: string;
  /** Node that registered the record; null when the entry carries none. */
  nodeId: string | null;
  /** Registration time (ms since the epoch); null when the entry carries none. */
  timestamp: number | null;
}

export type ReadResult<T> =
  | { status: 'found'; value: T }
  | { status: 'not-found' }
  | { status: 'error'; error: UpstreamError };

export interface ReadOptions {
  signal?: AbortSignal;
}

export type Unsubscribe = () => void;

export interface TypeScanOptions extends ReadOptions {
  /**
   * The `mark` of the previous scan of this type: only the v2 buckets at or after it are read
   * (an incremental scan). Absent or null: every bucket (a full scan).
   */
  since?: string | null;
  /**
   * Where the type has v2 buckets, also read the legacy index node and add the entries only it
   * lists (records of OIP-style writers). Full scans only: costs one read of the legacy node.
   */
  mergeLegacy?: boolean;
  /**
   * Hands the entries over a page at a time (one entry per soul within a page; a soul in several
   * pages is the caller's to settle, newest wins) instead of collecting them: the scan then
   * holds one page of buckets or index children, and `TypeScan.entries` stays empty.
   */
  onPage?: (page: IndexEntry[]) => Promise<void>;
}

/** One scan of a record type's registry. */
export interface TypeScan {
  /** Every entry, newest per soul; empty when the entries went to `onPage`. */
  entries: IndexEntry[];
  /** `v2` when the type has a bucket list, else `legacy` (the fallback) or `none`. */
  layout: 'v2' | 'legacy' | 'none';
  /** Pass as `since` next time; null when the type has no v2 buckets. */
  mark: string | null;
  /** v2 bucket nodes read, the bucket list included (0 for a legacy scan). */
  bucketsRead: number;
  /**
   * Legacy index children that could not be read (timeouts, errors): their entries are left
   * out, so a scan with any is a partial listing of the type.
   */
  unreadable: number;
  /** Legacy index children over GUN_MAX_NODE_BYTES, skipped (reason too-large-node). */
  tooLarge?: number;
  /**
   * Index fields (legacy or v2) whose entry names another record than their key: a key
   * garbled by the relay's store (`isGarbled`). The key's own record is not listed by them.
   */
  garbled?: number;
}

/** Reads the registry, the records it lists and the deletion registry. */
export interface GunRegistry {
  /** Configured record types plus the types seen in the registry, sorted. */
  listRecordTypes(options?: ReadOptions): Promise<string[]>;
  /**
   * The types the relays' bookkeeping (`index:<prefix>`, spec §1.2) listed with a legacy index
   * or a v2 bucket list at the last `listRecordTypes`; null when that is not known (no
   * bookkeeping found, or an implementation that does not read it): then every type is read.
   * Optional; a type missing here has neither node on the relays, so a scan can skip it.
   */
  storedRecordTypes?(): ReadonlySet<string> | null;
  /** One record type's index, every entry resolved to `{soul, nodeId, timestamp}`. */
  readTypeIndex(recordType: string, options?: ReadOptions): Promise<ReadResult<IndexEntry[]>>;
  /**
   * One record type's entries, preferring registry v2 (bounded buckets, incremental from a
   * mark) where the registry publishes it and falling back to the legacy index.
   * Optional so other implementations of this interface keep working; discovery falls back to
   * `readTypeIndex` without it.
   */
  scanTypeIndex?(recordType: string, options?: TypeScanOptions): Promise<ReadResult<TypeScan>>;
  /** One record as its resolved nodes. */
  readRecord(soul: string, options?: ReadOptions): Promise<ReadResult<RecordGraph>>;
  /** DIDs marked deleted in the deletion registry (spec §5). */
  readDeleted(options?: ReadOptions): Promise<ReadResult<string[]>>;
  /**
   * One DID's deletion entry node `${deletedRoot}:${did}` (spec §5:
   * `{deletedAt, deletedBy, timestamp, did}`), as stored: the caller validates it.
   */
  readDeletion(did: string, options?: ReadOptions): Promise<ReadResult<GunNode>>;
  /**
   * Calls `onEntry` for entries added or changed (registered again) after the call, and, where
   * the implementation watches the deletion registry (HTTP polling), `onDeletions` when DIDs
   * are marked deleted.
   */
  subscribe(
    recordTypes: readonly string[],
    onEntry: (entry: IndexEntry) => void,
    onDeletions?: (change: DeletionsChanged) => void,
  ): Unsubscribe;
  close(): Promise<void>;
}

/** What registering one record needs (spec §4 node registry entry). */
export interface Registration {
  recordType: string;
  soul: string;
  /** Defaults to `did:gun:<soul>`. */
  did?: string;
  /** The publisher's full public key (`jwk.n`). */
  creatorPubKey: string;
  nodeId: string;
  /** Defaults to now. */
  timestamp?: number;
}

/** One user's public identity in the registry's users directory: never personal fields. */
export interface UserIdentity {
  /** The user's public key (base64url `jwk.n`). */
  publicKey: string;
  /** Account creation time, ms since the epoch; omitted when unknown. */
  createdAt?: number;
  nodeId: string;
}

export interface MarkDeletedOptions extends ReadOptions {
  now?: Date;
  /** The node that marks the deletion; without it no recent-changes note is written. */
  nodeId?: string;
}

/** What a subscription reports besides entries: deletion marks, or that the deletion index changed. */
export type DeletionsChanged =
  /** These DIDs were marked deleted (from the recent-changes node). */
  | { dids: readonly string[] }
  /** The deletion index changed (an OIP-style writer): read it again. */
  | { dids: null };

/** Writes this node's registrations and deletion marks. */
export interface RegistryWriter {
  register(entry: Registration, options?: ReadOptions): Promise<void>;
  /** Whether `${root}:nodes:${nodeId}:${soul}` (this node's registration of `soul`) exists. */
  readNodeEntry(nodeId: string, soul: string, options?: ReadOptions): Promise<ReadResult<GunNode>>;
  /** Adds a user's public identity to the users directory `${root}:users` (one field per user). */
  publishUser(user: UserIdentity, options?: ReadOptions): Promise<void>;
  /**
   * Marks a DID deleted: the entry node, then one field in the deletion index; with `nodeId`
   * (the marking node), also a note in the recent-changes node for HTTP peers.
   */
  markDeleted(did: string, deletedBy: string, options?: MarkDeletedOptions): Promise<void>;
  /**
   * Reads ahead what the first registration of each type would otherwise wait for (the v2
   * bucket state), a few types at a time. Unreadable types are left to their first
   * registration; resolves with how many were read. Called once at start-up.
   */
  prepare(
    recordTypes: readonly string[],
    options?: ReadOptions,
  ): Promise<{ prepared: number; failed: number }>;
  close(): Promise<void>;
}
