/**
 * Checks infra/k8s: renders every overlay with kustomize (and `kubectl kustomize` where kubectl
 * is installed, which must agree), validates every object against the Kubernetes OpenAPI schemas
 * offline and strictly, then checks references, probes, shutdown, budgets, network policy,
 * ingress, autoscaling and each service's environment (config catalog and config loader); and
 * each overlay's one-off Jobs (overlays/<name>/<job>, k8s-jobs.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from './catalog.js';
import type { LoaderLookup } from './env-rules.js';
import { checkPodEnvironment } from './k8s-env.js';
import { indexObjects, nameOf, type K8sIndex, type Workload } from './k8s-index.js';
import { checkJobKustomization } from './k8s-jobs.js';
import {
  checkAutoscaling,
  checkDisruptionBudgets,
  checkIngresses,
  checkNetworkPolicies,
  checkServices,
} from './k8s-rules.js';
import { checkWorkload, roleOf } from './k8s-workload-rules.js';
import { renderValidated } from './k8s-render.js';
import { kubectlVersion, kustomizeVersion } from './kustomize.js';
import type { Report } from './report.js';
import { isRecord } from './yaml.js';

export interface OverlayExpectation {
  name: string;
  /** Secrets the overlay references without rendering them: operators create them. */
  externalSecrets: string[];
  /** Deployments an autoscaler must own. */
  autoscaled: string[];
  /** One-off Jobs, each rendered by its own kustomization overlays/<name>/<job> (infra/k8s/jobs). */
  jobs: string[];
}

export const overlays: OverlayExpectation[] = [
  { name: 'dev', externalSecrets: [], autoscaled: [], jobs: ['migrate'] },
  {
    name: 'prod',
    externalSecrets: ['gun-sync-secrets'],
    autoscaled: ['transform', 'indexer'],
    jobs: ['migrate'],
  },
];

const requiredWorkloads: [string, string][] = [
  ['Deployment', 'discovery'],
  ['Deployment', 'transform'],
  ['Deployment', 'indexer'],
  ['Deployment', 'api'],
  ['StatefulSet', 'gun-relay'],
];

/** Marks the example Secret; a rendered Secret without it would be a real one in git. */
export const exampleAnnotation = 'gun-sync/example';

export interface KubernetesInput {
  /** infra/k8s (holding overlays/<name>). */
  k8sDir: string;
  catalog: Catalog;
  loaders: LoaderLookup;
  runnable: readonly string[];
  overlays?: OverlayExpectation[];
  /** Render with `kubectl kustomize` too when kubectl is installed. */
  kubectl?: boolean;
}

export async function checkKubernetes(input: KubernetesInput, report: Report): Promise<void> {
  const kubectl = input.kubectl === false ? undefined : kubectlVersion();
  report.note(
    `kustomize ${kustomizeVersion()}${kubectl ? `; cross-checked with kubectl ${kubectl}` : '; kubectl not installed, no cross-check'}`,
  );
  const secretsDir = mkdtempSync(join(tmpdir(), 'gun-sync-k8s-secrets-'));
  try {
    for (const overlay of input.overlays ?? overlays) {
      await checkOverlay(overlay, input, Boolean(kubectl), secretsDir, report);
    }
  } finally {
    rmSync(secretsDir, { recursive: true, force: true });
  }
}

async function checkOverlay(
  overlay: OverlayExpectation,
  input: KubernetesInput,
  kubectl: boolean,
  secretsDir: string,
  report: Report,
): Promise<void> {
  const objects = renderValidated(
    join(input.k8sDir, 'overlays', overlay.name),
    overlay.name,
    kubectl,
    report,
  );
  if (!objects) return;
  const index = indexObjects(objects);
  checkInventory(overlay, index, input.catalog, report);

  const envs = new Map<Workload, ReadonlyMap<string, string>>();
  const envInput = { overlay, index, catalog: input.catalog, loaders: input.loaders, secretsDir };
  for (const w of index.workloads) {
    envs.set(w, await checkPodEnvironment(w, envInput, report));
  }
  const ctx = {
    overlay: overlay.name,
    index,
    catalog: input.catalog,
    report,
    envOf: (w: Workload) => envs.get(w) ?? new Map<string, string>(),
  };
  for (const w of index.workloads) {
    checkWorkload(w, ctx);
    if (!input.runnable.includes(roleOf(w))) {
      report.error(
        `${overlay.name}: ${w.kind}/${nameOf(w)}: the image cannot run '${roleOf(w)}' (no services/${roleOf(w)}/src/main.ts)`,
      );
    }
  }
  checkServices(ctx);
  checkDisruptionBudgets(ctx);
  checkAutoscaling(ctx, namespaceOf(index));
  checkNetworkPolicies(ctx);
  checkIngresses(ctx);
  for (const name of overlay.autoscaled) {
    const scaled = index.byKind('ScaledObject').concat(index.byKind('HorizontalPodAutoscaler'));
    if (
      !scaled.some(
        (o) =>
          isRecord(o.spec) &&
          isRecord(o.spec.scaleTargetRef) &&
          o.spec.scaleTargetRef.name === name,
      )
    ) {
      report.error(`${overlay.name}: ${name} has no autoscaler`);
    }
  }
  for (const job of overlay.jobs) {
    const dir = join(input.k8sDir, 'overlays', overlay.name, job);
    const objects = renderValidated(dir, `${overlay.name}: ${job}`, kubectl, report);
    if (objects) {
      await checkJobKustomization(
        { job, objects, namespace: namespaceOf(index), runnable: input.runnable, ...envInput },
        report,
      );
    }
  }
}

function namespaceOf(index: K8sIndex): string {
  const ns = index.objects.find(
    (o) => o.kind !== 'Namespace' && isRecord(o.metadata) && o.metadata.namespace,
  );
  return ns && isRecord(ns.metadata) ? String(ns.metadata.namespace) : '';
}

function checkInventory(
  overlay: OverlayExpectation,
  index: K8sIndex,
  catalog: Catalog,
  report: Report,
): void {
  const seen = new Set<string>();
  const namespaces = new Set<string>();
  for (const o of index.objects) {
    const id = `${String(o.kind)}/${nameOf(o)}`;
    if (seen.has(id)) report.error(`${overlay.name}: ${id} rendered twice`);
    seen.add(id);
    const ns =
      isRecord(o.metadata) && typeof o.metadata.namespace === 'string' ? o.metadata.namespace : '';
    if (o.kind !== 'Namespace') namespaces.add(ns);
  }
  if (namespaces.size !== 1 || namespaces.has('')) {
    report.error(
      `${overlay.name}: every object needs the overlay's one namespace (got ${[...namespaces].join(', ') || 'none'})`,
    );
  }
  for (const ns of index.byKind('Namespace')) {
    if (!namespaces.has(nameOf(ns)))
      report.error(`${overlay.name}: Namespace/${nameOf(ns)} is not the objects' namespace`);
  }
  for (const [kind, name] of requiredWorkloads) {
    if (!index.workloads.some((w) => w.kind === kind && nameOf(w) === name)) {
      report.error(`${overlay.name}: ${kind}/${name} is missing`);
    }
  }
  for (const [name, secret] of index.secrets) {
    if (overlay.externalSecrets.includes(name)) {
      report.error(
        `${overlay.name}: renders Secret/${name}, which operators create; applying it would overwrite theirs`,
      );
    }
    if (secret.metadata?.annotations?.[exampleAnnotation] !== 'true') {
      report.error(
        `${overlay.name}: Secret/${name} lacks the ${exampleAnnotation}: "true" annotation (no real secrets in manifests)`,
      );
    }
  }
  for (const [name, cm] of index.configMaps) {
    for (const key of Object.keys(cm.data ?? {})) {
      if (catalog.resolve(key)?.variable.spec.secret) {
        report.error(`${overlay.name}: ConfigMap/${name}: secret ${key} belongs in a Secret`);
      }
    }
  }
}
