// `pnpm observability:gen`: writes the prod overlay's PrometheusRule from the alert rules.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { alertsPath, prometheusRulePath, renderPrometheusRule } from './prometheus-rule.js';

const text = renderPrometheusRule(readFileSync(join(repoRoot, alertsPath), 'utf8'));
writeFileSync(join(repoRoot, prometheusRulePath), text);
console.log(`wrote ${prometheusRulePath}`);
