import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog.js';
import { createLoaderLookup, runnableServices } from './config-loaders.js';
import { checkKubernetes, overlays } from './kubernetes.js';
import { kubectlVersion } from './kustomize.js';
import { repoRoot } from './paths.js';
import { createReport, type Report } from './report.js';

const catalog = loadCatalog();
const loaders = createLoaderLookup(repoRoot);
const runnable = runnableServices(repoRoot);
const prod = overlays.filter((o) => o.name === 'prod');
const copies: string[] = [];

/** infra/k8s copied to a temporary folder, with `edits` applied: [file, from, to]. */
function brokenCopy(edits: [string, string, string][], files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'gun-sync-k8s-test-'));
  copies.push(dir);
  cpSync(join(repoRoot, 'infra', 'k8s'), dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  for (const [file, from, to] of edits) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
    writeFileSync(path, text.replace(from, to));
  }
  return dir;
}

async function check(k8sDir: string, options: { kubectl?: boolean; only?: typeof overlays } = {}) {
  const report = createReport('k8s');
  await checkKubernetes(
    {
      k8sDir,
      catalog,
      loaders,
      runnable,
      overlays: options.only,
      kubectl: options.kubectl ?? false,
    },
    report,
  );
  return report;
}

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe('infra/k8s', { timeout: 120_000 }, () => {
  it('renders and passes every check in every overlay', async () => {
    const report = await check(join(repoRoot, 'infra', 'k8s'), {
      kubectl: kubectlVersion() !== undefined,
    });
    expect(report.errors).toEqual([]);
    expect(report.counts.get('dev objects')).toBeGreaterThan(15);
    expect(report.counts.get('prod objects')).toBeGreaterThan(15);
    expect(report.counts.get('prod autoscaled workloads')).toBe(2);
    // overlays/<name>/migrate: the `gun-sync migrate --dry-run` Job, checked like the services.
    expect(report.counts.get('dev jobs')).toBe(1);
    expect(report.counts.get('prod jobs')).toBe(1);
  });

  describe('a deliberately broken prod overlay', () => {
    let report: Report;
    const text = () => report.errors.join('\n');

    beforeAll(async () => {
      const dir = brokenCopy([
        ['base/api.yaml', 'readinessProbe:', 'readinesProbe:'],
        ['base/api.yaml', 'containerPort: 3005', 'containerPort: http'],
        ['base/transform.yaml', 'path: /health/ready', 'path: /ready'],
        [
          'base/indexer.yaml',
          'terminationGracePeriodSeconds: 35',
          'terminationGracePeriodSeconds: 20',
        ],
        [
          'base/config.yaml',
          '  QUEUE_PREFIX: sync\n',
          "  QUEUE_PREFIX: sync\n  SYNC_SEAL_KEY: abc\n  GUN_SYNC_INTERVALL: '1000'\n  GUN_SYNC_INTERVAL: soon\n",
        ],
        [
          'overlays/prod/autoscaling.yaml',
          'listName: sync:sync.transform:wait',
          'listName: sync:transform:wait',
        ],
        [
          'overlays/prod/autoscaling.yaml',
          '* on() (max(max_over_time(sync_queue_rate_limit_seconds{namespace="gun-sync",queue="sync.index"}[2m])) == bool 0)',
          '',
        ],
        ['overlays/prod/ingress.yaml', 'path: /api/health/gun-sync', 'path: /admin/queues'],
        [
          'base/networkpolicy.yaml',
          '    - from:\n        - podSelector: {}\n      ports:',
          '    - ports:',
        ],
        ['base/discovery.yaml', 'targetPort: probes', 'targetPort: metrics'],
        ['base/pdb.yaml', 'minAvailable: 1', 'minAvailable: 2'],
      ]);
      // Renders with kustomize: slow on a loaded machine.
      report = await check(dir, { only: prod });
    }, 120_000);

    it.each([
      [
        'an unknown field',
        'prod: Deployment/api: /spec/template/spec/containers/0/readinesProbe: unknown field',
      ],
      [
        'a schema type error',
        'prod: Deployment/api: /spec/template/spec/containers/0/ports/0/containerPort must be integer',
      ],
      ['a missing probe', 'prod: Deployment/api: no readinessProbe'],
      [
        'a probe off the probe endpoint',
        'prod: Deployment/transform: readinessProbe must GET /health/ready (got /ready)',
      ],
      [
        'a grace period shorter than the shutdown',
        'prod: Deployment/indexer: terminationGracePeriodSeconds (20) must exceed SHUTDOWN_TIMEOUT_MS',
      ],
      [
        'a secret in a ConfigMap',
        'prod: ConfigMap/gun-sync-config: secret SYNC_SEAL_KEY belongs in a Secret',
      ],
      [
        'a variable unknown to the config schema',
        'GUN_SYNC_INTERVALL is not a variable of the config catalog',
      ],
      [
        'a value the service config rejects',
        'the discovery config rejects it: GUN_SYNC_INTERVAL: must be a whole number',
      ],
      [
        'KEDA on the wrong list',
        'prod: ScaledObject/transform: listName sync:transform:wait is not the BullMQ wait list sync:sync.transform:wait',
      ],
      [
        'KEDA scaling the indexer through an outage pause',
        'prod: ScaledObject/indexer: the prometheus query does not stop at a rate-limit pause',
      ],
      ['the dashboard published', 'prod: Ingress/gun-sync: publishes /admin/queues of the API'],
      ['the API open to everyone', 'a NetworkPolicy opens the API to every source'],
      [
        'a Service port no pod has',
        'prod: Service/discovery: targetPort metrics is not a port of its pods',
      ],
      [
        'a budget that blocks drains',
        'prod: PodDisruptionBudget/api: minAvailable 2 with 2 replica(s) blocks every drain',
      ],
    ])('reports %s', (_what, message) => {
      expect(text()).toContain(message);
    });
  });

  describe('a deliberately broken migrate Job', () => {
    let text: string;

    beforeAll(async () => {
      const dir = brokenCopy([
        ['overlays/prod/migrate/kustomization.yaml', 'newTag: 0.1.0', 'newTag: 0.0.9'],
        ['jobs/migrate/job.yaml', "'--dry-run'", "'--dryrun'"],
        ['jobs/migrate/job.yaml', '  ttlSecondsAfterFinished: 604800\n', ''],
        ['jobs/migrate/job.yaml', 'readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'],
        [
          'jobs/migrate/job.yaml',
          '                name: gun-sync-config\n',
          '                name: gun-sync-config\n          env:\n            - name: GUN_READ_TIMEOUT_MS\n              value: soon\n',
        ],
      ]);
      text = (await check(dir, { only: prod })).errors.join('\n');
    }, 120_000);

    it.each([
      [
        'an image other than the services’',
        'prod: Job/migrate: image registry.example.org/gun-sync:0.0.9 is not the image of the overlay’s services (registry.example.org/gun-sync:0.1.0)',
      ],
      [
        'arguments the CLI rejects',
        "prod: Job/migrate: args cli migrate --dryrun: gun-sync rejects them: Unknown option '--dryrun'",
      ],
      [
        'a Job that is never cleaned up',
        'prod: Job/migrate: no ttlSecondsAfterFinished (a finished Job and its pod would stay forever)',
      ],
      ['a writable root', 'prod: Job/migrate: readOnlyRootFilesystem must be true'],
      [
        'a value the CLI config rejects',
        'prod: Job/migrate: the cli config rejects it: GUN_READ_TIMEOUT_MS',
      ],
    ])('reports %s', (_what, message) => {
      expect(text).toContain(message);
    });
  });

  it('fails when an overlay has no migrate Job, or renders more than the Job there', async () => {
    const missing = brokenCopy([]);
    rmSync(join(missing, 'overlays/prod/migrate'), { recursive: true });
    expect((await check(missing, { only: prod })).errors.join('\n')).toContain(
      'prod: migrate: kustomize build failed',
    );
    const more = brokenCopy(
      [
        [
          'overlays/prod/migrate/kustomization.yaml',
          '  - ../../../jobs/migrate\n',
          '  - ../../../jobs/migrate\n  - config.yaml\n',
        ],
      ],
      {
        'overlays/prod/migrate/config.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gun-sync-config\ndata:\n  LOG_LEVEL: debug\n',
      },
    );
    expect((await check(more, { only: prod })).errors.join('\n')).toContain(
      'prod: migrate: renders ConfigMap/gun-sync-config; it may render only Job/migrate',
    );
  });

  it('fails when an overlay does not render', async () => {
    const dir = brokenCopy([
      [
        'overlays/prod/kustomization.yaml',
        '  - ingress.yaml\n',
        '  - ingress.yaml\n  - missing.yaml\n',
      ],
    ]);
    const report = await check(dir, { only: prod });
    expect(report.errors.join('\n')).toContain('prod: kustomize build failed');
  });

  it('fails when the prod overlay renders the Secret operators create, or a Secret not marked as an example', async () => {
    const example = readFileSync(
      join(repoRoot, 'infra/k8s/overlays/dev/secret.example.yaml'),
      'utf8',
    );
    const dir = brokenCopy(
      [
        [
          'overlays/prod/kustomization.yaml',
          '  - ingress.yaml\n',
          '  - ingress.yaml\n  - secret.yaml\n',
        ],
      ],
      {
        'overlays/prod/secret.yaml': example.replace(
          "gun-sync/example: 'true'",
          "gun-sync/example: 'false'",
        ),
      },
    );
    const text = (await check(dir, { only: prod })).errors.join('\n');
    expect(text).toContain('prod: renders Secret/gun-sync-secrets, which operators create');
    expect(text).toContain('lacks the gun-sync/example: "true" annotation');
  });

  it('fails when an autoscaled Deployment keeps spec.replicas, a relay peers with itself, or a required variable is missing', async () => {
    const dir = brokenCopy([
      [
        'overlays/prod/kustomization.yaml',
        '  - target:\n      kind: Deployment\n      name: transform\n    patch: |-\n      - op: remove\n        path: /spec/replicas\n',
        '',
      ],
      ['base/config.yaml', "  GUN_PEERS: ''", '  GUN_PEERS: http://gun-relay:8765/gun'],
      [
        'base/indexer.yaml',
        '          env:\n            - name: SYNC_SEAL_KEY_FILE\n              value: /run/secrets/gun-sync/SYNC_SEAL_KEY\n',
        '',
      ],
    ]);
    const text = (await check(dir, { only: prod })).errors.join('\n');
    expect(text).toContain('prod: ScaledObject/transform: Deployment/transform sets spec.replicas');
    expect(text).toContain(
      "prod: StatefulSet/gun-relay: GUN_PEERS points at the relay's own Service gun-relay",
    );
    expect(text).toContain(
      'prod: Deployment/indexer: the indexer config rejects it: SYNC_SEAL_KEY: is required',
    );
  });
});
