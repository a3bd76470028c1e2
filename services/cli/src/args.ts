/**
 * Command-line parsing (node:util parseArgs): argv in, one typed command out, or a UsageError
 * naming what is wrong. OIP's camelCase flags of migrate-existing-gun-records.js are accepted.
 */
import { parseArgs } from 'node:util';
import { SyncError } from '@sync/runtime/errors';

export class UsageError extends SyncError {
  constructor(message: string) {
    super('SYNC_CLI_USAGE', message);
  }
}

export interface MigrateCommand {
  kind: 'migrate';
  dryRun: boolean;
  force: boolean;
  records: boolean;
  users: boolean;
  batchSize: number;
  concurrency: number;
  type?: string;
  limit?: number;
  json: boolean;
}

export interface RegistryCommand {
  kind: 'registry-stats' | 'registry-diff';
  type?: string;
  show: number;
  json: boolean;
}

export type DlqCommand =
  | { kind: 'dlq-list'; reason?: string; offset: number; limit: number; json: boolean }
  | { kind: 'dlq-retry'; soul?: string; reason?: string; json: boolean };

export interface ReconcileCommand {
  kind: 'reconcile';
  type?: string;
  fix: boolean;
  deleteOrphans: boolean;
  deep: boolean;
  json: boolean;
}

export type Command =
  | { kind: 'help'; topic?: string }
  | { kind: 'version' }
  | MigrateCommand
  | RegistryCommand
  | DlqCommand
  | ReconcileCommand;

const typePattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** An integer flag in [min, max] (min defaults to 1). */
export function parseCount(
  name: string,
  raw: string | undefined,
  fallback: number,
  max: number,
  min = 1,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new UsageError(
      `--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  return Number(raw);
}

function parseType(raw: string | undefined): string | undefined {
  if (raw !== undefined && !typePattern.test(raw))
    throw new UsageError(`--type must be a record type name like post, got ${JSON.stringify(raw)}`);
  return raw;
}

type Flags = Record<string, { type: 'string' | 'boolean' }>;

function parse(
  args: string[],
  options: Flags,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    return { values, positionals };
  } catch (err) {
    throw new UsageError(
      err instanceof Error ? err.message.replace(/\. To specify[\s\S]*$/, '') : String(err),
    );
  }
}

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;

function parseMigrate(args: string[]): Command {
  const { values: v, positionals } = parse(args, {
    'dry-run': bool,
    dryRun: bool,
    force: bool,
    'records-only': bool,
    recordsOnly: bool,
    'users-only': bool,
    usersOnly: bool,
    'batch-size': str,
    concurrency: str,
    type: str,
    limit: str,
  });
  if (v.help) return { kind: 'help', topic: 'migrate' };
  if (positionals.length > 0)
    throw new UsageError(`migrate takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const recordsOnly = Boolean(v['records-only'] || v.recordsOnly);
  const usersOnly = Boolean(v['users-only'] || v.usersOnly);
  if (recordsOnly && usersOnly)
    throw new UsageError('--records-only and --users-only exclude each other');
  const type = parseType(v.type as string | undefined);
  const limit =
    v.limit === undefined ? undefined : parseCount('limit', v.limit as string, 0, 100_000_000);
  if (usersOnly && (type !== undefined || limit !== undefined || v.force))
    throw new UsageError(
      '--type, --limit and --force apply to records; they cannot be combined with --users-only',
    );
  return {
    kind: 'migrate',
    dryRun: Boolean(v['dry-run'] || v.dryRun),
    force: Boolean(v.force),
    records: !usersOnly,
    users: !recordsOnly,
    batchSize: parseCount('batch-size', v['batch-size'] as string | undefined, 500, 10_000),
    concurrency: parseCount('concurrency', v.concurrency as string | undefined, 8, 64),
    ...(type === undefined ? {} : { type }),
    ...(limit === undefined ? {} : { limit }),
    json: Boolean(v.json),
  };
}

function parseRegistry(args: string[]): Command {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h')
    return { kind: 'help', topic: 'registry' };
  if (sub !== 'stats' && sub !== 'diff')
    throw new UsageError(
      `unknown registry command ${JSON.stringify(sub)} (expected stats or diff)`,
    );
  const { values: v, positionals } = parse(rest, { type: str, show: str });
  if (v.help) return { kind: 'help', topic: 'registry' };
  if (positionals.length > 0)
    throw new UsageError(
      `registry ${sub} takes no arguments, got ${JSON.stringify(positionals[0])}`,
    );
  const type = parseType(v.type as string | undefined);
  return {
    kind: sub === 'stats' ? 'registry-stats' : 'registry-diff',
    ...(type === undefined ? {} : { type }),
    show: parseCount('show', v.show as string | undefined, 20, 10_000),
    json: Boolean(v.json),
  };
}

function parseDlq(args: string[]): Command {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') return { kind: 'help', topic: 'dlq' };
  if (sub === 'list') {
    const { values: v, positionals } = parse(rest, { reason: str, offset: str, limit: str });
    if (v.help) return { kind: 'help', topic: 'dlq' };
    if (positionals.length > 0)
      throw new UsageError(`dlq list takes no arguments, got ${JSON.stringify(positionals[0])}`);
    const offset =
      v.offset === undefined ? 0 : parseCount('offset', v.offset as string, 0, 1_000_000_000, 0);
    return {
      kind: 'dlq-list',
      ...(v.reason === undefined ? {} : { reason: v.reason as string }),
      offset,
      limit: parseCount('limit', v.limit as string | undefined, 50, 500),
      json: Boolean(v.json),
    };
  }
  if (sub === 'retry') {
    const { values: v, positionals } = parse(rest, { soul: str, reason: str });
    if (v.help) return { kind: 'help', topic: 'dlq' };
    const soul = (v.soul as string | undefined) ?? positionals[0];
    if (positionals.length > 1 || (v.soul !== undefined && positionals.length > 0))
      throw new UsageError('dlq retry takes one soul');
    if ((soul === undefined) === (v.reason === undefined))
      throw new UsageError('dlq retry needs exactly one of --soul <soul> or --reason <reason>');
    return {
      kind: 'dlq-retry',
      ...(soul === undefined ? {} : { soul }),
      ...(v.reason === undefined ? {} : { reason: v.reason as string }),
      json: Boolean(v.json),
    };
  }
  throw new UsageError(`unknown dlq command ${JSON.stringify(sub)} (expected list or retry)`);
}

function parseReconcile(args: string[]): Command {
  const { values: v, positionals } = parse(args, {
    type: str,
    fix: bool,
    'delete-orphans': bool,
    deep: bool,
  });
  if (v.help) return { kind: 'help', topic: 'reconcile' };
  if (positionals.length > 0)
    throw new UsageError(`reconcile takes no arguments, got ${JSON.stringify(positionals[0])}`);
  if (v['delete-orphans'] && !v.fix)
    throw new UsageError('--delete-orphans deletes through --fix: give both');
  const type = parseType(v.type as string | undefined);
  return {
    kind: 'reconcile',
    ...(type === undefined ? {} : { type }),
    fix: Boolean(v.fix),
    deleteOrphans: Boolean(v['delete-orphans']),
    deep: Boolean(v.deep),
    json: Boolean(v.json),
  };
}

/**
 * @param invokedAs the program name: `migrate-existing-gun-records` runs `migrate` directly.
 * @throws UsageError
 */
export function parseCommand(argv: readonly string[], invokedAs = 'gun-sync'): Command {
  const args = [...argv];
  if (invokedAs === 'migrate-existing-gun-records') return parseMigrate(args);
  const [name, ...rest] = args;
  switch (name) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return rest[0] === undefined ? { kind: 'help' } : { kind: 'help', topic: rest[0] };
    case '--version':
      if (rest.length > 0)
        throw new UsageError(`--version takes no arguments, got ${JSON.stringify(rest[0])}`);
      return { kind: 'version' };
    case 'migrate':
    case 'migrate-existing-gun-records':
      return parseMigrate(rest);
    case 'registry':
      return parseRegistry(rest);
    case 'dlq':
      return parseDlq(rest);
    case 'reconcile':
      return parseReconcile(rest);
    default:
      throw new UsageError(
        `unknown command ${JSON.stringify(name)} (expected migrate, registry, dlq or reconcile; see gun-sync --help)`,
      );
  }
}
