/**
 * Rules for each workload: selector, probes on the service's own probe endpoints and port, a grace
 * period longer than the shutdown timeout, a locked-down pod, and the relay's volume and peers.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { Catalog } from './catalog.js';
import {
  nameOf,
  podSpecOf,
  selects,
  templateLabels,
  type K8sIndex,
  type PodOwner,
  type Workload,
} from './k8s-index.js';
import type { Report } from './report.js';

/** Probe endpoints of each service, and the variable holding the port they listen on. */
export const probeEndpoints: Record<
  string,
  { live: string; ready: string; portVar: string; hostVar: string }
> = {
  api: { live: '/healthz', ready: '/readyz', portVar: 'API_PORT', hostVar: 'API_HOST' },
  standalone: {
    live: '/health/live',
    ready: '/health/ready',
    portVar: 'PROBE_PORT',
    hostVar: 'PROBE_HOST',
  },
  'gun-relay': {
    live: '/health',
    ready: '/health',
    portVar: 'GUN_RELAY_PORT',
    hostVar: 'GUN_RELAY_HOST',
  },
  discovery: {
    live: '/health/live',
    ready: '/health/ready',
    portVar: 'PROBE_PORT',
    hostVar: 'PROBE_HOST',
  },
  transform: {
    live: '/health/live',
    ready: '/health/ready',
    portVar: 'PROBE_PORT',
    hostVar: 'PROBE_HOST',
  },
  indexer: {
    live: '/health/live',
    ready: '/health/ready',
    portVar: 'PROBE_PORT',
    hostVar: 'PROBE_HOST',
  },
};

export interface RuleContext {
  overlay: string;
  index: K8sIndex;
  catalog: Catalog;
  report: Report;
  /** Effective environment of each workload's main container (see kubernetes.ts). */
  envOf: (w: Workload) => ReadonlyMap<string, string>;
}

export function roleOf(w: PodOwner): string {
  return podSpecOf(w)?.containers[0]?.args?.[0] ?? '';
}

export function setting(ctx: RuleContext, env: ReadonlyMap<string, string>, name: string): string {
  return env.get(name) || ctx.catalog.vars.get(name)?.spec.default || '';
}

export function containerPort(c: IContainer, port: number | string): number | undefined {
  const found = (c.ports ?? []).find((p) =>
    typeof port === 'string' ? p.name === port : p.containerPort === port,
  );
  return found?.containerPort;
}

function preStopSeconds(c: IContainer): number {
  const preStop = c.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const cmd = preStop?.exec?.command ?? [];
  return cmd[0] === 'sleep' && cmd[1] !== undefined ? Number(cmd[1]) : 0;
}

export function checkWorkload(w: Workload, ctx: RuleContext): void {
  const { report } = ctx;
  const where = `${ctx.overlay}: ${w.kind}/${nameOf(w)}`;
  const pod = podSpecOf(w);
  const c = pod?.containers[0];
  if (!pod || !c) {
    report.error(`${where}: no pod template or container`);
    return;
  }
  if (!selects(w.spec?.selector.matchLabels, templateLabels(w))) {
    report.error(`${where}: spec.selector does not match the pod template's labels`);
  }
  const role = roleOf(w);
  const endpoints = probeEndpoints[role];
  if (!endpoints) {
    report.error(`${where}: args[0] ${JSON.stringify(role)} is not a gun-sync service`);
    return;
  }
  const env = ctx.envOf(w);
  const port = Number(setting(ctx, env, endpoints.portVar));
  const host = setting(ctx, env, endpoints.hostVar);
  if (host !== '0.0.0.0' && host !== '::') {
    report.error(
      `${where}: ${endpoints.hostVar}=${host} would hide the probes from the kubelet; use 0.0.0.0`,
    );
  }
  const probes = [
    ['livenessProbe', c.livenessProbe, endpoints.live],
    ['readinessProbe', c.readinessProbe, endpoints.ready],
    ['startupProbe', c.startupProbe, endpoints.live],
  ] as const;
  for (const [kind, probe, path] of probes) {
    if (!probe) {
      if (kind !== 'startupProbe') report.error(`${where}: no ${kind}`);
      continue;
    }
    const get = probe.httpGet;
    if (!get || get.path !== path) {
      report.error(`${where}: ${kind} must GET ${path} (got ${get?.path ?? 'no httpGet'})`);
      continue;
    }
    const target = containerPort(c, get.port);
    if (target === undefined)
      report.error(`${where}: ${kind} port ${String(get.port)} is not a container port`);
    else if (target !== port)
      report.error(
        `${where}: ${kind} probes port ${target}, the service listens on ${port} (${endpoints.portVar})`,
      );
    report.count(`${ctx.overlay} probes`);
  }
  const shutdownMs = Number(setting(ctx, env, 'SHUTDOWN_TIMEOUT_MS'));
  const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
  const needed = shutdownMs + preStopSeconds(c) * 1000;
  if (!(graceMs > needed)) {
    report.error(
      `${where}: terminationGracePeriodSeconds (${graceMs / 1000}) must exceed SHUTDOWN_TIMEOUT_MS${preStopSeconds(c) ? ' plus the preStop pause' : ''} (${needed / 1000} s)`,
    );
  }
  checkLockedDown(where, pod, c, report);
  if (role === 'gun-relay') checkRelay(w, c, env, ctx, where);
}

/** Every gun-sync pod, service or Job: non-root, no escalation, read-only root, a tagged image. */
export function checkLockedDown(where: string, pod: IPodSpec, c: IContainer, report: Report): void {
  if (pod.securityContext?.runAsNonRoot !== true)
    report.error(`${where}: pod must set runAsNonRoot: true`);
  const sc = c.securityContext;
  if (sc?.allowPrivilegeEscalation !== false)
    report.error(`${where}: allowPrivilegeEscalation must be false`);
  if (sc?.readOnlyRootFilesystem !== true)
    report.error(`${where}: readOnlyRootFilesystem must be true`);
  if (!(c.volumeMounts ?? []).some((m) => m.mountPath === '/tmp')) {
    report.error(
      `${where}: a read-only root needs a writable /tmp (tsx caches compiled files there)`,
    );
  }
  if (!c.image || !/:[\w][\w.-]*$/.test(c.image) || c.image.endsWith(':latest')) {
    report.error(`${where}: image ${JSON.stringify(c.image)} must carry a tag other than latest`);
  }
}

function checkRelay(
  w: Workload,
  c: IContainer,
  env: ReadonlyMap<string, string>,
  ctx: RuleContext,
  where: string,
): void {
  const dataDir = setting(ctx, env, 'GUN_RELAY_DATA_DIR');
  const claims =
    w.kind === 'StatefulSet'
      ? (w.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name)
      : [];
  if (w.kind !== 'StatefulSet') ctx.report.error(`${where}: the relay must be a StatefulSet`);
  if (!(c.volumeMounts ?? []).some((m) => m.mountPath === dataDir && claims.includes(m.name))) {
    ctx.report.error(`${where}: no volume claim mounted at GUN_RELAY_DATA_DIR (${dataDir})`);
  }
  if (w.kind === 'StatefulSet') {
    const headless = ctx.index.services.get(w.spec?.serviceName ?? '');
    if (headless?.spec?.clusterIP !== 'None')
      ctx.report.error(`${where}: serviceName must be a headless Service`);
  }
  const own = [...ctx.index.services.values()]
    .filter((s) => selects(s.spec?.selector, templateLabels(w)))
    .map(nameOf);
  for (const peer of (env.get('GUN_PEERS') ?? '').split(',').filter(Boolean)) {
    const host = URL.canParse(peer) ? new URL(peer).hostname.split('.')[0] : '';
    if (host && own.includes(host))
      ctx.report.error(`${where}: GUN_PEERS points at the relay's own Service ${host}`);
  }
}
