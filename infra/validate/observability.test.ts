import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExpositions, loadMetricCatalog, toMetricNames } from './metric-catalog.js';
import { checkObservability, toAnchor } from './observability.js';
import { repoRoot } from './paths.js';
import { createReport, type Report } from './report.js';

const copied = [
  'infra/observability',
  'infra/k8s/overlays/prod',
  'docs/operations.md',
  'docker-compose.yml',
];
const dirs: string[] = [];

/** A copy of what the check reads, with `edits` ([file, from, to]) applied. */
function brokenCopy(edits: [string, string, string][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'obs-'));
  dirs.push(dir);
  for (const path of copied) cpSync(join(repoRoot, path), join(dir, path), { recursive: true });
  for (const [file, from, to] of edits) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
    writeFileSync(join(dir, file), text.replace(from, to));
  }
  return dir;
}

async function check(root: string, catalog?: Map<string, string[]>): Promise<Report> {
  const report = createReport('infra/observability');
  await checkObservability({ root, ...(catalog ? { catalog } : {}) }, report);
  return report;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the metric catalog', () => {
  it('reads names from every service’s real registry, with histogram series', async () => {
    const expositions = await loadExpositions();
    expect(Object.keys(expositions).sort()).toEqual(
      ['api', 'discovery', 'gun-relay', 'indexer', 'transform'].sort(),
    );
    const catalog = await loadMetricCatalog();
    expect(catalog.get('sync_queue_jobs')).toEqual(['api']);
    expect(catalog.get('sync_gun_reads_total')).toEqual(['discovery', 'transform']);
    expect(catalog.has('sync_indexer_freshness_seconds_bucket')).toBe(true);
    expect(catalog.has('sync_relay_graph_nodes')).toBe(true);
    expect(catalog.get('process_resident_memory_bytes')).toHaveLength(5);
  });

  it('holds every sync_* metric defined anywhere in the services and packages', async () => {
    const catalog = await loadMetricCatalog();
    const files = execFileSync(
      'git',
      ['ls-files', ':(glob)services/*/src/**/*.ts', ':(glob)packages/*/src/**/*.ts'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const defined = files.flatMap((f) =>
      [
        ...readFileSync(join(repoRoot, f), 'utf8').matchAll(
          /(?:name:\s*|gauge\(\s*)'(sync_[a-z_]+)'/g,
        ),
      ].map((m) => `${m[1] ?? ''} (${f})`),
    );
    expect(defined.length).toBeGreaterThanOrEqual(30);
    const exposed = (name: string) => catalog.has(name) || catalog.has(`${name}_bucket`);
    expect(defined.filter((d) => !exposed(d.split(' ')[0] ?? ''))).toEqual([]);
  });

  it('expands histograms and summaries from the # TYPE lines', () => {
    const names = toMetricNames('# TYPE a histogram\n# TYPE b summary\n# TYPE c_total counter\n');
    expect([...names].sort()).toEqual(
      ['a_bucket', 'a_count', 'a_sum', 'b', 'b_count', 'b_sum', 'c_total'].sort(),
    );
  });
});

describe('infra/observability as committed', () => {
  let report: Report;
  beforeAll(async () => {
    report = await check(repoRoot);
  });

  it('has no problem and looked at dashboards, alerts and the KEDA query', () => {
    expect(report.errors).toEqual([]);
    expect(report.counts.get('dashboard panels')).toBeGreaterThanOrEqual(20);
    expect(report.counts.get('alert rules')).toBeGreaterThanOrEqual(6);
    expect(report.counts.get('scrape targets')).toBe(5);
  });

  it('makes GitHub’s anchors', () => {
    expect(toAnchor('GunSyncStalled')).toBe('gunsyncstalled');
    expect(toAnchor('Prometheus and Grafana')).toBe('prometheus-and-grafana');
  });
});

describe('a deliberately broken copy', () => {
  let text: string;
  beforeAll(async () => {
    const catalog = await loadMetricCatalog();
    const dir = brokenCopy([
      [
        'infra/observability/grafana/dashboards/gun-sync.json',
        'max by (queue) (sync_queue_lag_seconds)',
        'max by (queue) (sync_queue_lag_secs)',
      ],
      [
        'infra/observability/grafana/dashboards/gun-sync.json',
        'max by (reason) (sync_dead_letters)',
        'max by (reason) (sync_dead_letters',
      ],
      [
        'infra/observability/prometheus/alerts.yml',
        'runbook_url: docs/operations.md#gunsynclaghigh',
        'runbook_url: docs/operations.md#lag',
      ],
      [
        'infra/observability/prometheus/alerts.yml',
        'expr: max by (namespace, dependency) (sync_dependency_up) == 0',
        'expr: max by (namespace, dependency) (sync_dependencies_up) == 0',
      ],
      [
        'infra/k8s/overlays/prod/autoscaling.yaml',
        'sync_indexer_throttles_total{namespace="gun-sync"}',
        'sync_indexer_throttle_total{namespace="gun-sync"}',
      ],
      ['docker-compose.yml', 'image: grafana/grafana:12.1.0', 'image: grafana/grafana:latest'],
      [
        'infra/observability/prometheus/prometheus.yml',
        "targets: ['api:3005']",
        "targets: ['apii:3005']",
      ],
    ]);
    text = (await check(dir, catalog)).errors.join('\n');
  });

  it.each([
    [
      'a metric name no service exposes, in a dashboard query',
      'gun-sync.json panel "Sync lag" query A: sync_queue_lag_secs is not on any service\'s /metrics',
    ],
    [
      'a dashboard query that does not parse',
      'gun-sync.json panel "Dead letters by reason" query A: syntax error',
    ],
    [
      'a runbook link to no section',
      'alert GunSyncLagHigh: runbook_url "docs/operations.md#lag" is not a section',
    ],
    [
      'a metric name no service exposes, in an alert',
      'alert GunSyncDependencyDown: sync_dependencies_up is not on',
    ],
    [
      'the alerts and the PrometheusRule apart',
      'prometheus-rule.yaml differs from infra/observability/prometheus/alerts.yml',
    ],
    [
      'a KEDA query on a missing metric',
      'ScaledObject/indexer: sync_indexer_throttle_total is not on',
    ],
    ['an image not pinned', 'grafana image "grafana/grafana:latest" is not pinned'],
    [
      'a scrape target Compose does not have',
      'job gun-sync-api: apii is not a docker-compose.yml service',
    ],
  ])('reports %s', (_what, message) => {
    expect(text).toContain(message);
  });
});
