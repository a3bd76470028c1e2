/**
 * Renders `.env.example` from the catalog, so the file and the schema cannot drift apart
 * (`pnpm env:example` writes it; a unit test compares).
 */
import { envCatalog } from './catalog.js';
import type { EnvVar } from './env-var.js';

const titles: Record<keyof typeof envCatalog, string> = {
  base: 'Every service: runtime, logging, shutdown, probes',
  redis: 'Redis (BullMQ queues, watermarks, tombstones, shared stats)',
  elasticsearch: 'Elasticsearch (where synced records are indexed)',
  gun: 'GUN: relays, registry, node identity',
  sync: 'Sync policy: schedule, trusted nodes, record types (discovery)',
  discovery: 'Discovery worker: registry scans and the live path',
  transform: 'Transform worker pool',
  crypto: 'Private records and sealing (transform)',
  indexer: 'Indexer worker: Elasticsearch bulk batching and back-off',
  api: 'HTTP API (health, force-sync, metrics, dashboard)',
  relay: "services/gun-relay (a drop-in for OIP's relay container)",
  cli: 'Operator CLI (gun-sync migrate, registry, dlq)',
};

function line(name: string, spec: EnvVar): string {
  const notes: string[] = [];
  if (spec.required) notes.push('required');
  if (spec.default === undefined && !spec.required) notes.push('optional, unset by default');
  if (spec.default === '') notes.push('default: empty');
  else if (spec.default !== undefined) notes.push(`default: ${spec.default}`);
  if (spec.aliases?.length) notes.push(`alias: ${spec.aliases.join(', ')}`);
  if (spec.secret) notes.push(`secret; ${name}_FILE reads it from a file`);
  return `# ${spec.description} (${notes.join('; ')})\n${name}=${spec.secret ? '' : (spec.default ?? '')}`;
}

export function renderEnvExample(): string {
  const header = [
    '# gun-sync configuration. Every variable the services read, grouped by owner, with its default.',
    '# Copy to .env and edit; an empty value means the default. Generated from packages/config/src/catalog.ts',
    '# by `pnpm env:example`; a test fails when this file and the schema drift apart.',
  ].join('\n');
  const sections = (Object.keys(envCatalog) as (keyof typeof envCatalog)[]).map((group) => {
    const vars = Object.entries(envCatalog[group] as Record<string, EnvVar>);
    return [`# ----- ${titles[group]} -----`, ...vars.map(([name, spec]) => line(name, spec))].join(
      '\n\n',
    );
  });
  return `${header}\n\n${sections.join('\n\n')}\n`;
}

/** Names assigned in a dotenv file (comments and blank lines ignored). */
export function parseEnvNames(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.slice(0, l.indexOf('=')).trim());
}
