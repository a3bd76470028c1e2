import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog.js';
import { checkComposeWithCli, dockerComposeVersion } from './compose-cli.js';
import { pipelineVars, relayVars } from './compose-env-block.js';
import { checkCompose, ciEnvText, profiles } from './compose.js';
import { createLoaderLookup, runnableServices } from './config-loaders.js';
import { repoRoot } from './paths.js';
import { createReport } from './report.js';

const catalog = loadCatalog();
const loaders = createLoaderLookup(repoRoot);
const runnable = runnableServices(repoRoot);
const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const envText = ciEnvText(composeText, catalog);

async function check(text: string, env = envText) {
  const report = createReport('compose');
  const resolved = await checkCompose(
    { root: repoRoot, composeText: text, envText: env, catalog, loaders, runnable },
    report,
  );
  return { report, resolved, errors: report.errors };
}

function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe('docker-compose.yml', { timeout: 60_000 }, () => {
  it('passes every check with the secrets Compose requires', async () => {
    const { errors, report } = await check(composeText);
    expect(errors).toEqual([]);
    expect(report.counts.get('services in standard')).toBe(7);
    expect(report.counts.get('services in two-node')).toBe(14);
  });

  it('passes every catalog setting to the services, from the catalog read now', async () => {
    const { resolved } = await check(composeText);
    const api = resolved?.services.get('api');
    const relay = resolved?.services.get('gun-relay');
    for (const v of pipelineVars(catalog)) expect(api?.environment.has(v.name), v.name).toBe(true);
    for (const v of relayVars(catalog)) expect(relay?.environment.has(v.name), v.name).toBe(true);
  });

  it('CI gives exactly the secrets Compose refuses to start without', () => {
    expect(
      envText
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('=')[0]),
    ).toEqual(['SYNC_SEAL_KEY', 'API_ADMIN_TOKEN']);
  });

  it('fails when a required secret is not in .env', async () => {
    const { errors } = await check(composeText, '');
    expect(errors.join('\n')).toContain('SYNC_SEAL_KEY is required');
    expect(errors.join('\n')).toContain('API_ADMIN_TOKEN is required');
  });

  it('fails when a service gets a variable the config catalog does not know', async () => {
    const broken = edit(
      composeText,
      "  API_PORT: '3005'\n  PROBE_HOST: 0.0.0.0\n  PROBE_PORT: '9464'\n\nx-node-a-env",
      "  API_PORT: '3005'\n  PROBE_HOST: 0.0.0.0\n  PROBE_PORT: '9464'\n  GUN_SYNC_INTERVALL: '1000'\n\nx-node-a-env",
    );
    const { errors } = await check(broken);
    expect(errors).toContain(
      'compose service discovery: GUN_SYNC_INTERVALL is not a variable of the config catalog (packages/config/src/catalog.ts)',
    );
  });

  it("fails when an interpolated variable is unknown or its fallback is not .env.example's default", async () => {
    const broken = edit(
      edit(composeText, "'${LOG_LEVEL:-info}'", "'${LOG_LEVEL:-debug}'"),
      'image: ${GUN_SYNC_IMAGE:-gun-sync:local}',
      'image: ${SYNC_IMAGE_TAG:-gun-sync:local}',
    );
    const text = (await check(broken)).errors.join('\n');
    expect(text).toContain('falls back to "debug", but .env.example\'s default is "info"');
    expect(text).toContain('${SYNC_IMAGE_TAG} is not a variable of the config catalog');
    expect(text).toContain('run `pnpm deploy:gen`');
  });

  it('fails when a catalog setting does not reach the services', async () => {
    const broken = edit(composeText, "  GUN_SYNC_INTERVAL: '${GUN_SYNC_INTERVAL:-900000}'\n", '');
    const text = (await check(broken)).errors.join('\n');
    expect(text).toContain('compose service api: GUN_SYNC_INTERVAL not passed');
  });

  it('fails when a service does not get a variable its config requires', async () => {
    const broken = edit(
      composeText,
      "    command: ['indexer']\n    environment:\n      <<: [*node-standard-env, *store-secrets, *seal-secret]",
      "    command: ['indexer']\n    environment:\n      <<: [*node-standard-env, *store-secrets]",
    );
    const { errors } = await check(broken);
    expect(errors.join('\n')).toContain(
      'compose service indexer: the indexer config rejects it: SYNC_SEAL_KEY: is required',
    );
  });

  it('fails when a value is one the service config rejects', async () => {
    const { errors } = await check(composeText, `${envText}GUN_SYNC_INTERVAL=abc\n`);
    expect(errors.join('\n')).toContain(
      'the discovery config rejects it: GUN_SYNC_INTERVAL: must be a whole number',
    );
  });

  it('fails on Redis without noeviction, a depends_on without health and a short stop grace', async () => {
    const broken = edit(
      edit(
        edit(
          composeText,
          "'--maxmemory-policy', 'noeviction'",
          "'--maxmemory-policy', 'allkeys-lru'",
        ),
        'x-standard-deps: &standard-deps\n  redis:\n    condition: service_healthy',
        'x-standard-deps: &standard-deps\n  redis:\n    condition: service_started',
      ),
      'stop_grace_period: 35s',
      'stop_grace_period: 20s',
    );
    const text = (await check(broken)).errors.join('\n');
    expect(text).toContain('service redis: Redis without --maxmemory-policy noeviction');
    expect(text).toContain('service api: depends_on redis needs condition: service_healthy');
    expect(text).toContain(
      'stop_grace_period (20s) must be longer than SHUTDOWN_TIMEOUT_MS (25000 ms)',
    );
  });

  it('fails when the two nodes share a node id or a relay does not peer with the other', async () => {
    const broken = edit(
      edit(composeText, 'GUN_NODE_ID_OVERRIDE: node-b', 'GUN_NODE_ID_OVERRIDE: node-a'),
      '  GUN_PEERS: http://gun-relay-a:8765/gun\n\nx-standard-deps',
      "  GUN_PEERS: ''\n\nx-standard-deps",
    );
    const text = (await check(broken)).errors.join('\n');
    expect(text).toContain('two-node: each node needs one GUN_NODE_ID_OVERRIDE');
    expect(text).toContain('service gun-relay-b: GUN_PEERS must include gun-relay-a');
  });

  it('fails on what the Compose specification schema rejects', async () => {
    const broken = edit(
      composeText,
      "    command: ['api']\n",
      "    command: ['api']\n    restart_policy: always\n",
    );
    const text = (await check(broken)).errors.join('\n');
    expect(text).toMatch(/docker-compose.yml\/services\/api: must NOT have additional properties/);
  });

  it('fails on YAML it cannot parse', async () => {
    const { errors } = await check(`${composeText}\n  bad: [unclosed\n`);
    expect(errors).toHaveLength(1);
  });

  it('knows both profiles', () => {
    expect(Object.keys(profiles)).toEqual(['standard', 'two-node']);
  });
});

describe.skipIf(dockerComposeVersion() === undefined)(
  'docker-compose config',
  { timeout: 60_000 },
  () => {
    it('renders the file as the checks resolve it', async () => {
      const { resolved } = await check(composeText);
      const report = createReport('cli');
      checkComposeWithCli(
        {
          root: repoRoot,
          composeFile: 'docker-compose.yml',
          envText,
          profiles: Object.keys(profiles),
          resolved: resolved!,
        },
        report,
      );
      expect(report.errors).toEqual([]);
      // 7 of standard, 14 of two-node, Prometheus and Grafana of observability.
      expect(report.counts.get('services rendered by docker-compose')).toBe(23);
    });

    it('fails without the secrets Compose requires', async () => {
      const { resolved } = await check(composeText);
      const report = createReport('cli');
      checkComposeWithCli(
        {
          root: repoRoot,
          composeFile: 'docker-compose.yml',
          envText: '',
          profiles: ['standard'],
          resolved: resolved!,
        },
        report,
      );
      expect(report.errors.join('\n')).toContain('docker-compose config failed');
    });
  },
);
