/**
 * Checks docker-compose.yml: the Compose specification schema, both profiles as Compose resolves
 * them, the shape the issue asks for (Redis with AOF and noeviction, pinned single-node
 * Elasticsearch, healthchecks and depends_on conditions, named volumes, a scalable transform,
 * two complete nodes sharing peered relays) and every sync service's environment against the
 * config catalog and the service's own config loader.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import type { Catalog } from './catalog.js';
import {
  commandOf,
  parsePorts,
  parseVolumes,
  resolveCompose,
  servicesOfProfile,
  type ResolvedCompose,
} from './compose-model.js';
import { extractComposeEnvBlock, renderComposeEnvBlock } from './compose-env-block.js';
import {
  checkService,
  checkTwoNodes,
  isSyncService,
  roleOf,
  type ComposeInput,
} from './compose-rules.js';
import { checkServiceEnvironment, checkSecretCoverage } from './env-rules.js';
import { parseDotenv } from './interpolate.js';
import type { Report } from './report.js';
import { parseYaml } from './yaml.js';

/** The services of one node; the two-node profile has each with the suffix -a and -b. */
export const nodeServices = [
  'redis',
  'elasticsearch',
  'gun-relay',
  'discovery',
  'transform',
  'indexer',
  'api',
] as const;
export const profiles = { standard: [''], 'two-node': ['-a', '-b'] } as const;
export type ProfileName = keyof typeof profiles;

/** Interpolation variables that are not service settings. */
export const composeOnlyVariables = new Set(['GUN_SYNC_IMAGE']);

/**
 * The .env CI renders the file with: only what Compose itself requires (`${NAME:?…}`), with the
 * catalog's example values.
 */
export function ciEnvText(composeText: string, catalog: Catalog): string {
  const names = new Set(
    [...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1] ?? ''),
  );
  return [...names]
    .map((name) => `${name}=${catalog.vars.get(name)?.spec.example ?? 'x'}\n`)
    .join('');
}

function composeSchema(): object {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('dclint/package.json'));
  const schema = JSON.parse(readFileSync(join(dir, 'schemas', 'compose.schema.json'), 'utf8')) as {
    $schema?: string;
  };
  // Draft-07, Ajv's default; the file names it by an https URL Ajv does not know.
  delete schema.$schema;
  return schema;
}

export function validateComposeSchema(doc: unknown, report: Report): void {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(composeSchema());
  if (!validate(doc)) {
    for (const e of validate.errors ?? []) {
      const params = JSON.stringify(e.params);
      report.error(
        `docker-compose.yml${e.instancePath || '/'}: ${e.message ?? 'invalid'} ${params}`,
      );
    }
  }
}

function checkProfile(
  profile: ProfileName,
  resolved: ResolvedCompose,
  input: ComposeInput,
  report: Report,
): void {
  const services = servicesOfProfile(resolved, profile);
  const active = new Map(services.map((s) => [s.name, s]));
  const expected = profiles[profile].flatMap((suffix) => nodeServices.map((n) => `${n}${suffix}`));
  const missing = expected.filter((n) => !active.has(n));
  const extra = [...active.keys()].filter((n) => !expected.includes(n));
  if (missing.length > 0) report.error(`profile ${profile}: missing ${missing.join(', ')}`);
  if (extra.length > 0) report.error(`profile ${profile}: unexpected ${extra.join(', ')}`);
  for (const suffix of profiles[profile]) {
    const ctx = { suffix, active, input, report };
    for (const s of services.filter((x) => suffix === '' || x.name.endsWith(suffix))) {
      checkService(s, ctx);
    }
  }
  if (profile === 'two-node') checkTwoNodes(services, report);
  report.count(`services in ${profile}`, services.length);
}

function checkPortsAndVolumes(resolved: ResolvedCompose, report: Report): void {
  const seen = new Map<string, string>();
  for (const s of resolved.services.values()) {
    for (const p of parsePorts(s.spec)) {
      if (!p.host) continue;
      const other = seen.get(p.host);
      if (other) report.error(`service ${s.name}: host port ${p.host} also published by ${other}`);
      seen.set(p.host, s.name);
    }
    for (const v of parseVolumes(s.spec)) {
      if (v.named && !resolved.volumes.has(v.source)) {
        report.error(`service ${s.name}: volume ${v.source} is not declared under volumes`);
      }
    }
  }
  report.count('named volumes', resolved.volumes.size);
}

function checkVariables(resolved: ResolvedCompose, input: ComposeInput, report: Report): void {
  for (const { where, ref } of resolved.refs) {
    const known = input.catalog.vars.get(ref.name);
    if (!known && !composeOnlyVariables.has(ref.name)) {
      report.error(`${where}: \${${ref.name}} is not a variable of the config catalog`);
      continue;
    }
    const fallback = ref.operator === ':-' || ref.operator === '-' ? ref.argument : '';
    if (known && fallback !== '' && fallback !== (known.spec.default ?? '')) {
      report.error(
        `${where}: \${${ref.name}} falls back to ${JSON.stringify(fallback)}, but .env.example's default is ${JSON.stringify(known.spec.default ?? '')}`,
      );
    }
  }
  report.count('variable references', resolved.refs.length);
}

/** Every check on docker-compose.yml; returns the resolved file for the CLI comparison. */
export async function checkCompose(
  input: ComposeInput,
  report: Report,
): Promise<ResolvedCompose | undefined> {
  let doc: unknown;
  try {
    doc = parseYaml(input.composeText, 'docker-compose.yml');
  } catch (err) {
    report.error(err instanceof Error ? err.message : String(err));
    return undefined;
  }
  validateComposeSchema(doc, report);
  if (extractComposeEnvBlock(input.composeText) !== renderComposeEnvBlock(input.catalog)) {
    report.error(
      'docker-compose.yml: the generated settings blocks differ from the config catalog; run `pnpm deploy:gen`',
    );
  }
  const resolved = resolveCompose(doc, parseDotenv(input.envText));
  for (const e of resolved.errors) report.error(e);
  for (const profile of Object.keys(profiles) as ProfileName[])
    checkProfile(profile, resolved, input, report);
  checkPortsAndVolumes(resolved, report);
  checkVariables(resolved, input, report);

  const sync = [...resolved.services.values()].filter(isSyncService);
  for (const s of sync) {
    const suffix = s.name.endsWith('-a') || s.name.endsWith('-b') ? s.name.slice(-2) : '';
    const role = commandOf(s.spec)[0] ?? roleOf(s.name, suffix);
    await checkServiceEnvironment(
      {
        where: `compose service ${s.name}`,
        role,
        environment: s.environment,
        literalSecrets: [...s.rawEnvironment]
          .filter(
            ([name, raw]) =>
              input.catalog.resolve(name)?.variable.spec.secret && !/^\$\{[^}]+\}$/.test(raw),
          )
          .map(([name]) => name),
        coverage: true,
      },
      input,
      report,
    );
  }
  checkSecretCoverage(
    sync.flatMap((s) => [...s.environment.keys()]),
    'docker-compose.yml',
    input.catalog,
    report,
  );
  report.count('sync services', sync.length);
  return resolved;
}
