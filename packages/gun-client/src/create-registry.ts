/**
 * Picks the implementation configured by GUN_CLIENT_MODE: `wire` speaks GUN's protocol to the
 * peers' `/gun` endpoints, `http` uses the relay HTTP API (works through `/gun-relay` proxies).
 */
import type { Logger } from '@sync/logging';
import type { PeerReadObserver } from './peer-reads.js';
import { createHttpRegistry, createHttpRegistryWriter } from './http/http-registry.js';
import { defaultPollerSettings } from './http/http-poller.js';
import { defaultDeletedRoot, defaultRegistryRoot } from './souls.js';
import type { GunRegistry, RegistryWriter } from './types.js';
import { defaultBucketSettings, type RegistryLayout } from './registry-v2.js';
import { createWireRegistry, createWireRegistryWriter } from './wire/wire-registry.js';

export type GunClientMode = 'wire' | 'http';

export interface GunClientOptions {
  mode: GunClientMode;
  peers: readonly string[];
  root?: string;
  deletedRoot?: string;
  recordTypes?: readonly string[];
  /** Longest one node read may take. */
  readTimeoutMs: number;
  /** Wire: how long only empty answers mean not-found. */
  peerWaitMs?: number;
  /** Reads in flight per peer (HTTP sockets per peer). */
  concurrency: number;
  /** GUN_MAX_NODE_BYTES: largest node read, both transports. */
  maxNodeBytes?: number;
  /** GUN_HTTP_MAX_INFLIGHT_BYTES: HTTP answer bytes received at once per peer. */
  maxInflightBytes?: number;
  /** HTTP: longest pause between subscription polls (when idle). */
  pollIntervalMs?: number;
  /** HTTP: pause between subscription polls while changes arrive. */
  pollMinIntervalMs?: number;
  /** HTTP: reads a minute the subscription sends each peer. */
  pollMaxReadsPerMinute?: number;
  log: Logger;
  /** Told of every node read with the peer that answered (HTTP) or "wire". */
  onPeerRead?: PeerReadObserver | undefined;
}

export interface GunWriterOptions {
  mode: GunClientMode;
  peers: readonly string[];
  root?: string;
  deletedRoot?: string;
  /** Longest one write may wait for its acknowledgement (GUN_REGISTRY_TIMEOUT_MS). */
  writeTimeoutMs: number;
  readTimeoutMs: number;
  peerWaitMs?: number;
  writeToken?: string | undefined;
  /** Registry layouts `register` writes (GUN_REGISTRY_LAYOUT): default both. */
  layout?: RegistryLayout;
  /** Registry v2 bucket window (GUN_REGISTRY_BUCKET_SPAN_MS). */
  bucketSpanMs?: number;
  /** Registry v2 entries per bucket (GUN_REGISTRY_BUCKET_MAX_ENTRIES). */
  bucketMaxEntries?: number;
  log: Logger;
}

const wireDefaults = { peerWaitMs: 400, settleMs: 25 };

export function createGunRegistry(options: GunClientOptions): GunRegistry {
  const common = {
    ...options,
    root: options.root ?? defaultRegistryRoot,
    deletedRoot: options.deletedRoot ?? defaultDeletedRoot,
    recordTypes: options.recordTypes ?? [],
  };
  if (options.mode === 'http')
    return createHttpRegistry({
      ...common,
      pollIntervalMs: options.pollIntervalMs ?? defaultPollerSettings.maxIntervalMs,
      poll: {
        ...(options.pollMinIntervalMs ? { minIntervalMs: options.pollMinIntervalMs } : {}),
        ...(options.pollMaxReadsPerMinute
          ? { maxReadsPerMinute: options.pollMaxReadsPerMinute }
          : {}),
      },
    });
  return createWireRegistry({
    ...common,
    ...wireDefaults,
    peerWaitMs: options.peerWaitMs ?? wireDefaults.peerWaitMs,
    writeTimeoutMs: options.readTimeoutMs,
  });
}

export function createGunRegistryWriter(options: GunWriterOptions): RegistryWriter {
  const common = {
    ...options,
    root: options.root ?? defaultRegistryRoot,
    deletedRoot: options.deletedRoot ?? defaultDeletedRoot,
    layout: options.layout ?? 'both',
    buckets: {
      spanMs: options.bucketSpanMs ?? defaultBucketSettings.spanMs,
      maxEntries: options.bucketMaxEntries ?? defaultBucketSettings.maxEntries,
    },
  };
  if (options.mode === 'http')
    return createHttpRegistryWriter({
      ...common,
      concurrency: 4,
      readTimeoutMs: Math.max(options.readTimeoutMs, options.writeTimeoutMs),
    });
  return createWireRegistryWriter({
    ...common,
    ...wireDefaults,
    peerWaitMs: options.peerWaitMs ?? wireDefaults.peerWaitMs,
  });
}
