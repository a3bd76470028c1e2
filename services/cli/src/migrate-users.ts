/**
 * The users part of `migrate`: each user's public identity (public key and creation time) goes
 * to the registry's users directory. Only `publicKey` and `createdAt` are fetched from
 * Elasticsearch, so no e-mail address or other personal field is ever read, let alone sent.
 */
import type { Client } from '@elastic/elasticsearch';
import type { RegistryWriter, UserIdentity } from '@sync/gun-client';
import { isIndexMissing, scanIndex } from './es-scan.js';
import { toErrorLine } from './output.js';
import type { Reporter } from './reporter.js';
import { toPublisherHash } from './to-registration.js';

export interface UsersOptions {
  index: string;
  nodeId: string;
  dryRun: boolean;
  batchSize: number;
  concurrency: number;
}

export interface UsersSummary {
  /** False when the users index does not exist. */
  indexFound: boolean;
  scanned: number;
  published: number;
  invalid: number;
  failed: number;
  /** The first failures, by key hash (12 hex of sha256 of the public key; never a document id). */
  failures: { keyHash: string; error: string }[];
}

/** The only fields of a user document the CLI reads. */
export const userFields = ['publicKey', 'createdAt'];

const keyPattern = /^[A-Za-z0-9_+/=-]{16,8192}$/;

/** A user document's public identity, or null when it has no usable public key. */
export function toUserIdentity(
  source: Record<string, unknown>,
  nodeId: string,
): UserIdentity | null {
  const { publicKey, createdAt } = source;
  if (typeof publicKey !== 'string' || !keyPattern.test(publicKey)) return null;
  const ms =
    typeof createdAt === 'number'
      ? createdAt
      : typeof createdAt === 'string'
        ? Date.parse(createdAt)
        : Number.NaN;
  return Number.isFinite(ms) && ms > 0
    ? { publicKey, createdAt: Math.trunc(ms), nodeId }
    : { publicKey, nodeId };
}

export async function migrateUsers(
  deps: { es: Client; writer: Pick<RegistryWriter, 'publishUser'>; reporter: Reporter },
  options: UsersOptions,
): Promise<UsersSummary> {
  const { es, writer, reporter } = deps;
  const summary: UsersSummary = {
    indexFound: true,
    scanned: 0,
    published: 0,
    invalid: 0,
    failed: 0,
    failures: [],
  };
  const label = options.dryRun ? 'users (dry run)' : 'users';
  let total: number | undefined;
  try {
    for await (const page of scanIndex(es, {
      index: options.index,
      query: { match_all: {} },
      batchSize: options.batchSize,
      fields: userFields,
    })) {
      total = page.total;
      const users = page.hits.map((hit) => toUserIdentity(hit.source, options.nodeId));
      let next = 0;
      const worker = async () => {
        while (next < users.length) {
          const user = users[next++];
          if (!user) {
            summary.invalid += 1;
            continue;
          }
          try {
            if (!options.dryRun) await writer.publishUser(user);
            summary.published += 1;
          } catch (err) {
            summary.failed += 1;
            if (summary.failures.length < 20)
              summary.failures.push({
                keyHash: toPublisherHash(user.publicKey),
                error: toErrorLine(err),
              });
          }
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      summary.scanned += page.hits.length;
      reporter.progress(label, summary.scanned, total);
    }
  } catch (err) {
    if (!isIndexMissing(err)) throw err;
    summary.indexFound = false;
  }
  reporter.finish(label, summary.scanned, total ?? summary.scanned);
  return summary;
}
