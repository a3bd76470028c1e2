/**
 * Checks infra/observability and the monitoring objects of the Kubernetes overlays, offline:
 * - every PromQL expression (dashboard panels, alert rules, the indexer's KEDA trigger) parses,
 *   and every metric it reads is on some service's real /metrics (metric-catalog.ts);
 * - every alert has a severity, a summary and a runbook section that exists in
 *   docs/operations.md;
 * - the prod overlay's PrometheusRule is what `pnpm observability:gen` makes of alerts.yml;
 * - the Compose Prometheus loads those rules and scrapes services the Compose file has, and the
 *   Prometheus and Grafana images are pinned.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMetricCatalog } from './metric-catalog.js';
import { alertsPath, prometheusRulePath, renderPrometheusRule } from './prometheus-rule.js';
import { metricNamesOf } from './promql.js';
import type { Report } from './report.js';
import { isRecord, parseYaml, parseYamlStream } from './yaml.js';

export interface ObservabilityInput {
  root: string;
  /** Metric name → services exposing it; read from the services' registries by default. */
  catalog?: Map<string, string[]>;
}

const dashboardsDir = 'infra/observability/grafana/dashboards';
const scrapeConfigPath = 'infra/observability/prometheus/prometheus.yml';
const autoscalingPath = 'infra/k8s/overlays/prod/autoscaling.yaml';
const runbookPath = 'docs/operations.md';

/** GitHub's anchor for a Markdown heading. */
export function toAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function checkExpression(
  where: string,
  expression: unknown,
  catalog: Map<string, string[]>,
  report: Report,
): void {
  if (typeof expression !== 'string' || expression.trim() === '') {
    report.error(`${where}: no expression`);
    return;
  }
  const { names, error } = metricNamesOf(expression);
  if (error) report.error(`${where}: ${error}`);
  for (const name of names) {
    if (!catalog.has(name)) report.error(`${where}: ${name} is not on any service's /metrics`);
  }
  report.count('PromQL expressions');
}

function panelsOf(panels: unknown): Record<string, unknown>[] {
  if (!Array.isArray(panels)) return [];
  return panels.filter(isRecord).flatMap((p) => [p, ...panelsOf(p.panels)]);
}

function checkDashboards(root: string, catalog: Map<string, string[]>, report: Report): void {
  const files = readdirSync(join(root, dashboardsDir)).filter((f) => f.endsWith('.json'));
  if (files.length === 0) report.error(`${dashboardsDir}: no dashboard`);
  for (const file of files) {
    let dashboard: unknown;
    try {
      dashboard = JSON.parse(readFileSync(join(root, dashboardsDir, file), 'utf8'));
    } catch (err) {
      report.error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (!isRecord(dashboard) || typeof dashboard.uid !== 'string') {
      report.error(`${file}: not a Grafana dashboard with a uid`);
      continue;
    }
    const ids = new Set<unknown>();
    for (const panel of panelsOf(dashboard.panels)) {
      const where = `${file} panel ${JSON.stringify(panel.title ?? panel.id)}`;
      if (ids.has(panel.id)) report.error(`${where}: id ${String(panel.id)} is used twice`);
      ids.add(panel.id);
      if (panel.type === 'row') continue;
      const targets = Array.isArray(panel.targets) ? panel.targets.filter(isRecord) : [];
      if (targets.length === 0) report.error(`${where}: no query`);
      targets.forEach((t) =>
        checkExpression(`${where} query ${String(t.refId)}`, t.expr, catalog, report),
      );
      report.count('dashboard panels');
    }
  }
}

function runbookAnchors(root: string): Set<string> {
  const text = readFileSync(join(root, runbookPath), 'utf8');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => toAnchor(m[1] ?? '')));
}

function checkAlerts(root: string, catalog: Map<string, string[]>, report: Report): void {
  const text = readFileSync(join(root, alertsPath), 'utf8');
  const doc = parseYaml(text, alertsPath);
  const groups = isRecord(doc) && Array.isArray(doc.groups) ? doc.groups.filter(isRecord) : [];
  if (groups.length === 0) report.error(`${alertsPath}: no rule groups`);
  const anchors = runbookAnchors(root);
  const seen = new Set<string>();
  for (const group of groups) {
    for (const rule of Array.isArray(group.rules) ? group.rules.filter(isRecord) : []) {
      const name = typeof rule.alert === 'string' ? rule.alert : '(unnamed)';
      const where = `${alertsPath} alert ${name}`;
      if (seen.has(name)) report.error(`${where}: defined twice`);
      seen.add(name);
      checkExpression(where, rule.expr, catalog, report);
      const labels = isRecord(rule.labels) ? rule.labels : {};
      const annotations = isRecord(rule.annotations) ? rule.annotations : {};
      if (labels.severity !== 'critical' && labels.severity !== 'warning') {
        report.error(`${where}: severity must be critical or warning`);
      }
      if (typeof rule.for !== 'string') report.error(`${where}: no "for" duration`);
      if (typeof annotations.summary !== 'string') report.error(`${where}: no summary`);
      const runbook = typeof annotations.runbook_url === 'string' ? annotations.runbook_url : '';
      const [file, anchor = ''] = runbook.split('#');
      if (file !== runbookPath || !anchors.has(anchor)) {
        report.error(
          `${where}: runbook_url ${JSON.stringify(runbook)} is not a section of ${runbookPath}`,
        );
      }
      report.count('alert rules');
    }
  }
  const generated = renderPrometheusRule(text);
  if (readFileSync(join(root, prometheusRulePath), 'utf8') !== generated) {
    report.error(
      `${prometheusRulePath} differs from ${alertsPath}; run \`pnpm observability:gen\``,
    );
  }
}

function checkAutoscalingQueries(
  root: string,
  catalog: Map<string, string[]>,
  report: Report,
): void {
  const docs = parseYamlStream(readFileSync(join(root, autoscalingPath), 'utf8'), autoscalingPath);
  for (const doc of docs.filter(isRecord)) {
    const spec = isRecord(doc.spec) ? doc.spec : {};
    const name = isRecord(doc.metadata) ? String(doc.metadata.name) : '?';
    const triggers = Array.isArray(spec.triggers) ? spec.triggers.filter(isRecord) : [];
    for (const t of triggers.filter((x) => x.type === 'prometheus')) {
      const metadata = isRecord(t.metadata) ? t.metadata : {};
      checkExpression(`${autoscalingPath} ScaledObject/${name}`, metadata.query, catalog, report);
    }
  }
}

function checkCompose(root: string, report: Report): void {
  const compose = parseYaml(
    readFileSync(join(root, 'docker-compose.yml'), 'utf8'),
    'docker-compose.yml',
  );
  const services = isRecord(compose) && isRecord(compose.services) ? compose.services : {};
  for (const name of ['prometheus', 'grafana']) {
    const s = services[name];
    if (!isRecord(s)) {
      report.error(`docker-compose.yml: no ${name} service`);
      continue;
    }
    const profiles = Array.isArray(s.profiles) ? s.profiles : [];
    if (!profiles.includes('observability')) {
      report.error(`docker-compose.yml: ${name} is not in the observability profile`);
    }
    const image = typeof s.image === 'string' ? s.image : '';
    if (!/:v?\d+\.\d+\.\d+$/.test(image)) {
      report.error(
        `docker-compose.yml: ${name} image ${JSON.stringify(image)} is not pinned to a version`,
      );
    }
  }
  const config = parseYaml(readFileSync(join(root, scrapeConfigPath), 'utf8'), scrapeConfigPath);
  const rules = isRecord(config) && Array.isArray(config.rule_files) ? config.rule_files : [];
  const mounts =
    isRecord(services.prometheus) && Array.isArray(services.prometheus.volumes)
      ? services.prometheus.volumes
      : [];
  for (const file of rules) {
    if (
      !mounts.some((m) => typeof m === 'string' && m.startsWith(`./${alertsPath}:${String(file)}`))
    ) {
      report.error(
        `${scrapeConfigPath}: rule file ${String(file)} is not ${alertsPath} mounted by docker-compose.yml`,
      );
    }
  }
  if (rules.length === 0) report.error(`${scrapeConfigPath}: loads no rule file`);
  const jobs =
    isRecord(config) && Array.isArray(config.scrape_configs)
      ? config.scrape_configs.filter(isRecord)
      : [];
  for (const job of jobs) {
    const hosts = [
      ...(Array.isArray(job.static_configs) ? job.static_configs.filter(isRecord) : []).flatMap(
        (c) =>
          (Array.isArray(c.targets) ? c.targets : []).map((t) => String(t).split(':')[0] ?? ''),
      ),
      ...(Array.isArray(job.dns_sd_configs) ? job.dns_sd_configs.filter(isRecord) : []).flatMap(
        (c) => (Array.isArray(c.names) ? c.names : []).map(String),
      ),
    ];
    for (const host of hosts) {
      if (!isRecord(services[host])) {
        report.error(
          `${scrapeConfigPath} job ${String(job.job_name)}: ${host} is not a docker-compose.yml service`,
        );
      }
      report.count('scrape targets');
    }
  }
}

export async function checkObservability(input: ObservabilityInput, report: Report): Promise<void> {
  const catalog = input.catalog ?? (await loadMetricCatalog());
  report.count('metric names on /metrics', catalog.size);
  for (const [what, check] of [
    ['dashboards', () => checkDashboards(input.root, catalog, report)],
    ['alerts', () => checkAlerts(input.root, catalog, report)],
    ['autoscaling', () => checkAutoscalingQueries(input.root, catalog, report)],
    ['compose', () => checkCompose(input.root, report)],
  ] as const) {
    try {
      check();
    } catch (err) {
      report.error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
