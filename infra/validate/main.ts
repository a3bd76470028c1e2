// `pnpm validate:deploy`: checks docker-compose.yml, infra/k8s, infra/observability (dashboards,
// alerts, monitors) and infra/docker/Dockerfile
// without a Docker engine or a cluster, prints what it checked, exits 1 on any problem.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from './catalog.js';
import { checkComposeWithCli } from './compose-cli.js';
import { checkCompose, ciEnvText, profiles } from './compose.js';
import { runnableServices, createLoaderLookup } from './config-loaders.js';
import { checkDockerfile } from './dockerfile.js';
import { checkKubernetes } from './kubernetes.js';
import { checkObservability } from './observability.js';
import { repoRoot } from './paths.js';
import { createReport, formatReport } from './report.js';

const catalog = loadCatalog();
const loaders = createLoaderLookup(repoRoot);
const runnable = runnableServices(repoRoot);

const compose = createReport('docker-compose.yml');
const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const envText = ciEnvText(composeText, catalog);
const resolved = await checkCompose(
  { root: repoRoot, composeText, envText, catalog, loaders, runnable },
  compose,
);
if (resolved) {
  checkComposeWithCli(
    {
      root: repoRoot,
      composeFile: 'docker-compose.yml',
      envText,
      profiles: Object.keys(profiles),
      resolved,
    },
    compose,
  );
}

const kubernetes = createReport('infra/k8s');
await checkKubernetes(
  { k8sDir: join(repoRoot, 'infra', 'k8s'), catalog, loaders, runnable },
  kubernetes,
);

const observability = createReport('infra/observability');
await checkObservability({ root: repoRoot }, observability);

const dockerfile = createReport('infra/docker/Dockerfile');
checkDockerfile(
  {
    root: repoRoot,
    dockerfileText: readFileSync(join(repoRoot, 'infra', 'docker', 'Dockerfile'), 'utf8'),
    catalog,
  },
  dockerfile,
);

const reports = [compose, kubernetes, observability, dockerfile];
for (const report of reports) for (const line of formatReport(report)) console.log(line);
const problems = reports.reduce((n, r) => n + r.errors.length, 0);
console.log(
  problems === 0 ? 'deploy validation: all checks ok' : `deploy validation: ${problems} problem(s)`,
);
process.exitCode = problems === 0 ? 0 : 1;
