/**
 * The CLI as a function: argv, environment and streams in, exit code out. Builds only the
 * clients a command needs and closes them before returning. Exit codes: 0 success, 1 failure
 * (partial, or a service unreachable), 2 bad usage or configuration.
 */
import type { Client } from '@elastic/elasticsearch';
import { ConfigError, type EnvSource } from '@sync/config';
import { createEsClient } from '@sync/es-client';
import { parseCommand, UsageError, type Command, type MigrateCommand } from './args.js';
import {
  checkElasticsearch,
  checkGun,
  CliFailure,
  nodeIdOf,
  readerFor,
  writerFor,
} from './clients.js';
import { loadCliConfig, type CliConfig } from './config.js';
import { createDlqClient } from './dlq.js';
import { runReconcile } from './reconcile.js';
import { helpText } from './help.js';
import { migrateRecords } from './migrate-records.js';
import { migrateUsers } from './migrate-users.js';
import { toErrorLine } from './output.js';
import { cliVersion } from './version.js';
import { formatDeadLetters, formatDiff, formatMigrate, formatRetry, formatStats } from './print.js';
import {
  readElasticsearchSouls,
  readRegistry,
  toRegistryDiff,
  toRegistryStats,
} from './registry-commands.js';
import { createReporter, type Io, type Reporter } from './reporter.js';

export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

export interface RunOptions {
  env: EnvSource;
  io: Io;
  /** The program name; `migrate-existing-gun-records` runs `migrate`. */
  invokedAs?: string;
}

async function runMigrate(
  command: MigrateCommand,
  config: CliConfig,
  es: Client,
  reporter: Reporter,
): Promise<number> {
  const started = Date.now();
  await checkElasticsearch(es, config, config.elasticsearch.index, command.records);
  const nodeId = await nodeIdOf(config);
  const localPeers = config.gun.localPeers;
  if (localPeers.length === 0)
    throw new CliFailure('GUN_PEERS is empty: the registry is written to this node’s own relays');
  const writer = writerFor(config);
  const reader = readerFor(
    config,
    localPeers,
    Math.max(config.gun.concurrency, command.concurrency),
  );
  try {
    await checkGun(reader, localPeers);
    const common = {
      nodeId,
      dryRun: command.dryRun,
      batchSize: command.batchSize,
      concurrency: command.concurrency,
    };
    const records = command.records
      ? await migrateRecords(
          { es, reader, writer, reporter },
          {
            ...common,
            index: config.elasticsearch.index,
            force: command.force,
            ...(command.type === undefined ? {} : { type: command.type }),
            ...(command.limit === undefined ? {} : { limit: command.limit }),
          },
        )
      : null;
    const users = command.users
      ? await migrateUsers({ es, writer, reporter }, { ...common, index: config.usersIndex })
      : null;
    const result = {
      nodeId,
      dryRun: command.dryRun,
      records,
      users,
      durationMs: Date.now() - started,
    };
    const failed = (records?.failed ?? 0) + (users?.failed ?? 0) > 0;
    reporter.json({
      command: 'migrate',
      ...result,
      exitCode: failed ? ExitCode.failed : ExitCode.ok,
    });
    reporter.line(formatMigrate(result));
    return failed ? ExitCode.failed : ExitCode.ok;
  } finally {
    await writer.close();
    await reader.close();
  }
}

async function runRegistry(
  command: Extract<Command, { kind: 'registry-stats' | 'registry-diff' }>,
  config: CliConfig,
  es: Client,
  reporter: Reporter,
): Promise<number> {
  const reader = readerFor(config, config.gun.peers);
  try {
    await checkGun(reader, config.gun.peers);
    if (command.kind === 'registry-stats') {
      const stats = toRegistryStats(await readRegistry({ reader, reporter }, command.type));
      reporter.json({ command: 'registry stats', ...stats });
      reporter.line(formatStats(stats));
      return stats.unreadable.length > 0 ? ExitCode.failed : ExitCode.ok;
    }
    await checkElasticsearch(es, config, config.elasticsearch.index, true);
    const local = await readElasticsearchSouls(
      es,
      config.elasticsearch.index,
      reporter,
      command.type,
    );
    const registry = await readRegistry({ reader, reporter }, command.type, [...local.types]);
    const diff = toRegistryDiff(
      new Set(registry.entries.map((e) => e.soul)),
      local.souls,
      command.show,
      registry.unreadable,
    );
    reporter.json({ command: 'registry diff', ...diff });
    reporter.line(formatDiff(diff));
    return diff.unreadable.length > 0 ? ExitCode.failed : ExitCode.ok;
  } finally {
    await reader.close();
  }
}

async function runDlq(
  command: Extract<Command, { kind: 'dlq-list' | 'dlq-retry' }>,
  config: CliConfig,
  reporter: Reporter,
): Promise<number> {
  const client = createDlqClient(config.api);
  if (command.kind === 'dlq-list') {
    const page = await client.list({
      ...(command.reason === undefined ? {} : { reason: command.reason }),
      offset: command.offset,
      limit: command.limit,
    });
    reporter.json({ command: 'dlq list', ...page });
    reporter.line(formatDeadLetters(page));
    return ExitCode.ok;
  }
  const result = await client.retry(
    command.soul !== undefined ? { soul: command.soul } : { reason: command.reason ?? '' },
  );
  reporter.json({ command: 'dlq retry', ...result });
  reporter.line(formatRetry(result));
  return ExitCode.ok;
}

async function dispatch(
  command: Exclude<Command, { kind: 'help' | 'version' }>,
  config: CliConfig,
  reporter: Reporter,
): Promise<number> {
  if (command.kind === 'dlq-list' || command.kind === 'dlq-retry')
    return runDlq(command, config, reporter);
  if (command.kind === 'reconcile') return runReconcile(command, config, reporter);
  const es = createEsClient({ ...config.elasticsearch, maxRetries: 1 });
  try {
    return command.kind === 'migrate'
      ? await runMigrate(command, config, es, reporter)
      : await runRegistry(command, config, es, reporter);
  } finally {
    await es.close();
  }
}

export async function runCli(
  argv: readonly string[],
  { env, io, invokedAs = 'gun-sync' }: RunOptions,
): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, invokedAs);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${invokedAs}: ${err.message}\nRun ${invokedAs} --help for usage.\n`);
    return ExitCode.usage;
  }
  if (command.kind === 'help') {
    io.stdout.write(
      `${helpText(command.topic ?? (invokedAs === 'migrate-existing-gun-records' ? 'migrate' : undefined))}\n`,
    );
    return ExitCode.ok;
  }
  if (command.kind === 'version') {
    io.stdout.write(`${cliVersion}\n`);
    return ExitCode.ok;
  }
  let config: CliConfig;
  try {
    config = loadCliConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`${invokedAs}: bad configuration: ${err.lines.join('; ')}\n`);
    return ExitCode.usage;
  }
  const reporter = createReporter(io, { json: command.json });
  try {
    return await dispatch(command, config, reporter);
  } catch (err) {
    io.stderr.write(`${invokedAs}: ${toErrorLine(err)}\n`);
    return ExitCode.failed;
  }
}
