/**
 * The Kubernetes PrometheusRule is generated from the alert rules the Compose Prometheus loads
 * (infra/observability/prometheus/alerts.yml), so the two cannot drift: `pnpm observability:gen`
 * writes it, `pnpm validate:deploy` fails when the file differs from what it would write.
 */
import { stringify } from 'yaml';
import { isRecord, parseYaml } from './yaml.js';

export const alertsPath = 'infra/observability/prometheus/alerts.yml';
export const prometheusRulePath = 'infra/k8s/overlays/prod/prometheus-rule.yaml';

export function renderPrometheusRule(alertsText: string): string {
  const alerts = parseYaml(alertsText, alertsPath);
  if (!isRecord(alerts) || !Array.isArray(alerts.groups)) {
    throw new Error(`${alertsPath}: no groups`);
  }
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'gun-sync', labels: { 'app.kubernetes.io/part-of': 'gun-sync' } },
    spec: { groups: alerts.groups },
  };
  return [
    `# Generated from ${alertsPath} by \`pnpm observability:gen\`; edit that file, not this one.`,
    '# Runbooks: docs/operations.md. Your Prometheus must select this rule (see monitoring.yaml).',
    stringify(rule, { lineWidth: 0 }),
  ].join('\n');
}
