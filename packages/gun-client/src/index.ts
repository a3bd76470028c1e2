export type {
  DeletionsChanged,
  GunNode,
  GunRegistry,
  IndexEntry,
  MarkDeletedOptions,
  ReadOptions,
  ReadResult,
  RecordGraph,
  Registration,
  RegistryWriter,
  TypeScan,
  TypeScanOptions,
  Unsubscribe,
  UserIdentity,
} from './types.js';
export { GunWriteError, InvalidPutError, UpstreamError } from './errors.js';
export { found, notFound, readError } from './read-result.js';
export {
  createGunRegistry,
  createGunRegistryWriter,
  type GunClientMode,
  type GunClientOptions,
  type GunWriterOptions,
} from './create-registry.js';
export {
  createHttpRegistry,
  createHttpRegistryWriter,
  type HttpRegistryOptions,
} from './http/http-registry.js';
export {
  createWireRegistry,
  createWireRegistryWriter,
  type WireRegistryOptions,
} from './wire/wire-registry.js';
export {
  KEEP_NODE_ID_EVERY_MS,
  keepNodeId,
  resolveAndKeepNodeId,
  resolveNodeId,
  type KeepNodeIdOptions,
  type NodeIdKeeperStore,
  type NodeIdStore,
  type ResolveNodeIdOptions,
} from './node-id.js';
export {
  defaultDeletedRoot,
  defaultRegistryRoot,
  toDid,
  toIndexSoul,
  toNodeEntrySoul,
  toUsersSoul,
} from './souls.js';
export { toRegistrationWrites, toDeletionWrites, toUserWrites } from './registry-graph.js';
export { findPutProblem, findSoulProblem } from './validate-put.js';
export {
  defaultBucketSettings,
  toBucketListSoul,
  toBucketSoul,
  toV2RegistrationWrites,
  toWindow,
  type BucketKey,
  type BucketSettings,
  type RegistryLayout,
} from './registry-v2.js';
export { createBucketAllocator, type BucketAllocator } from './bucket-allocator.js';
export {
  createPeerReadMetrics,
  toPeerLabel,
  type PeerReadObserver,
  type PeerReadResult,
} from './peer-reads.js';
export { createLimiter, mapLimited, type Limiter } from './limiter.js';
export { keepNewest, newerEntry } from './newest.js';
export {
  decodeRecentValue,
  recentSlots,
  toRecentSoul,
  toRecentWrite,
  type RecentChange,
} from './recent.js';
