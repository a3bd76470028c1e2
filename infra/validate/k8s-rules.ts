/**
 * Rules across objects: Services and their pods, disruption budgets, autoscalers reading the right
 * BullMQ list, the NetworkPolicy and the Ingress keeping the dashboard and admin routes internal.
 */
import { QueueName } from '@sync/queues';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { nameOf, podSpecOf, selects, templateLabels, type Workload } from './k8s-index.js';
import { containerPort, roleOf, setting, type RuleContext } from './k8s-workload-rules.js';

/** The BullMQ queue each autoscaled service consumes. */
export const consumedQueue: Record<string, string> = {
  transform: QueueName.transform,
  indexer: QueueName.index,
};

/** API routes the Ingress may publish; everything else (dashboard, docs, metrics, admin) stays in. */
export const publicApiPrefixes = ['/api/health/gun-sync'];

export function checkServices(ctx: RuleContext): void {
  for (const s of ctx.index.services.values()) {
    const where = `${ctx.overlay}: Service/${nameOf(s)}`;
    if (s.spec?.type === 'ExternalName') {
      if (!s.spec.externalName) ctx.report.error(`${where}: ExternalName without externalName`);
      continue;
    }
    const targets = ctx.index.workloads.filter((w) => selects(s.spec?.selector, templateLabels(w)));
    if (targets.length === 0) {
      ctx.report.error(`${where}: its selector matches no workload`);
      continue;
    }
    for (const p of s.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      const ok = targets.every((w) =>
        podSpecOf(w)?.containers.some((c) => containerPort(c, target) !== undefined),
      );
      if (!ok) ctx.report.error(`${where}: targetPort ${String(target)} is not a port of its pods`);
    }
  }
}

function autoscaledTargets(ctx: RuleContext): Set<string> {
  const names = [
    ...(ctx.index.byKind('ScaledObject') as unknown as IScaledObject[]).map(
      (o) => o.spec.scaleTargetRef.name,
    ),
    ...(ctx.index.byKind('HorizontalPodAutoscaler') as unknown as IHorizontalPodAutoscaler[]).map(
      (h) => h.spec?.scaleTargetRef.name ?? '',
    ),
  ];
  return new Set(names);
}

export function checkDisruptionBudgets(ctx: RuleContext): void {
  const autoscaled = autoscaledTargets(ctx);
  const pdbs = ctx.index.byKind('PodDisruptionBudget') as unknown as IPodDisruptionBudget[];
  const covered = new Set<string>();
  for (const pdb of pdbs) {
    const where = `${ctx.overlay}: PodDisruptionBudget/${nameOf(pdb)}`;
    const targets = ctx.index.workloads.filter((w) =>
      selects(pdb.spec?.selector?.matchLabels, templateLabels(w)),
    );
    if (targets.length !== 1) {
      ctx.report.error(`${where}: must select exactly one workload (selects ${targets.length})`);
      continue;
    }
    const w = targets[0] as Workload;
    covered.add(nameOf(w));
    const replicas = w.spec?.replicas;
    const min = pdb.spec?.minAvailable;
    if (typeof min === 'number' && !autoscaled.has(nameOf(w)) && min >= (replicas ?? 1)) {
      ctx.report.error(
        `${where}: minAvailable ${min} with ${replicas ?? 1} replica(s) blocks every drain`,
      );
    }
    if (pdb.spec?.maxUnavailable === 0)
      ctx.report.error(`${where}: maxUnavailable 0 blocks every drain`);
  }
  for (const w of ctx.index.workloads) {
    const many = (w.spec?.replicas ?? 1) > 1 || autoscaled.has(nameOf(w));
    if (many && !covered.has(nameOf(w)))
      ctx.report.error(
        `${ctx.overlay}: ${w.kind}/${nameOf(w)} runs several pods but has no PodDisruptionBudget`,
      );
  }
}

/**
 * A prometheus trigger reads the queue's depth in this overlay's namespace; on sync.index it is
 * zero while a rate-limit pause holds (sync_queue_rate_limit_seconds). Which metric names exist
 * is checked with the dashboards and alerts (infra/observability).
 */
function checkPrometheusTrigger(
  ctx: RuleContext,
  where: string,
  metadata: Record<string, string | undefined>,
  queue: string | undefined,
  namespace: string,
): void {
  const query = metadata.query ?? '';
  const problems = [
    [`queue="${queue ?? '?'}"`, `does not read queue ${queue ?? '?'}`],
    [`namespace="${namespace}"`, `does not select namespace ${namespace}`],
    ...(queue === QueueName.index
      ? [['sync_queue_rate_limit_seconds', 'does not stop at a rate-limit pause']]
      : []),
  ].filter(([needle]) => !query.includes(needle ?? ''));
  for (const [, problem] of problems) ctx.report.error(`${where}: the prometheus query ${problem}`);
  if (metadata.ignoreNullValues !== 'false') {
    ctx.report.error(
      `${where}: prometheus trigger needs ignoreNullValues: 'false' (no data must not read as 0)`,
    );
  }
}

export function checkAutoscaling(ctx: RuleContext, namespace: string): void {
  for (const so of ctx.index.byKind('ScaledObject') as unknown as IScaledObject[]) {
    const where = `${ctx.overlay}: ScaledObject/${nameOf(so)}`;
    const target = ctx.index.workloads.find(
      (w) => w.kind === 'Deployment' && nameOf(w) === so.spec.scaleTargetRef.name,
    );
    if (!target) {
      ctx.report.error(
        `${where}: scale target ${so.spec.scaleTargetRef.name} is not a rendered Deployment`,
      );
      continue;
    }
    if (target.spec?.replicas !== undefined) {
      ctx.report.error(
        `${where}: Deployment/${nameOf(target)} sets spec.replicas, which fights the autoscaler on every apply`,
      );
    }
    if ((so.spec.minReplicaCount ?? 0) < 1) {
      ctx.report.error(
        `${where}: minReplicaCount must be at least 1 (delayed retries are not in the wait list)`,
      );
    }
    const queue = consumedQueue[roleOf(target)];
    const prefix = setting(ctx, ctx.envOf(target), 'QUEUE_PREFIX');
    const expected = `${prefix}:${queue ?? '?'}:wait`;
    const redis = so.spec.triggers.filter((t) => t.type === 'redis');
    const prometheus = so.spec.triggers.filter((t) => t.type === 'prometheus');
    if (redis.length + prometheus.length === 0) {
      ctx.report.error(`${where}: no redis or prometheus trigger on the queue`);
    }
    for (const t of redis) {
      if (t.metadata.listName !== expected) {
        ctx.report.error(
          `${where}: listName ${t.metadata.listName ?? '(none)'} is not the BullMQ wait list ${expected}`,
        );
      }
      const host = (t.metadata.address ?? t.metadata.host ?? '').split(':')[0] ?? '';
      const [service, ns] = host.split('.');
      if (!ctx.index.services.has(service ?? '') || (ns !== undefined && ns !== namespace)) {
        ctx.report.error(
          `${where}: address ${host} is not the redis Service of namespace ${namespace}`,
        );
      }
    }
    for (const t of prometheus) checkPrometheusTrigger(ctx, where, t.metadata, queue, namespace);
    if (queue === QueueName.index && redis.length > 0) {
      ctx.report.error(
        `${where}: a redis trigger on sync.index scales the indexer up while it has paused the queue for an Elasticsearch outage; scale on the rate-limited depth (prometheus)`,
      );
    }
    ctx.report.count(`${ctx.overlay} autoscaled workloads`);
  }
  for (const hpa of ctx.index.byKind(
    'HorizontalPodAutoscaler',
  ) as unknown as IHorizontalPodAutoscaler[]) {
    const target = ctx.index.workloads.find((w) => nameOf(w) === hpa.spec?.scaleTargetRef.name);
    if (!target)
      ctx.report.error(
        `${ctx.overlay}: HorizontalPodAutoscaler/${nameOf(hpa)}: no such scale target`,
      );
    else if (target.spec?.replicas !== undefined)
      ctx.report.error(`${ctx.overlay}: ${nameOf(target)} sets spec.replicas under an autoscaler`);
  }
}

export function checkNetworkPolicies(ctx: RuleContext): void {
  const policies = ctx.index.byKind('NetworkPolicy') as unknown as INetworkPolicy[];
  const denyAll = policies.some(
    (p) =>
      Object.keys(p.spec?.podSelector.matchLabels ?? {}).length === 0 &&
      !p.spec?.podSelector.matchExpressions &&
      (p.spec?.policyTypes ?? []).includes('Ingress') &&
      (p.spec?.ingress ?? []).length === 0,
  );
  if (!denyAll) ctx.report.error(`${ctx.overlay}: no default-deny ingress NetworkPolicy`);
  for (const w of ctx.index.workloads) {
    const role = roleOf(w);
    const mine = policies.filter((p) =>
      selects(p.spec?.podSelector.matchLabels, templateLabels(w)),
    );
    const rules = mine.flatMap((p) => p.spec?.ingress ?? []);
    if ((role === 'api' || role === 'gun-relay') && rules.length === 0) {
      ctx.report.error(`${ctx.overlay}: no NetworkPolicy lets anything reach ${nameOf(w)}`);
    }
    const containers = podSpecOf(w)?.containers ?? [];
    for (const rule of rules) {
      for (const p of rule.ports ?? []) {
        if (
          p.port !== undefined &&
          !containers.some((c) => containerPort(c, p.port as number | string) !== undefined)
        ) {
          ctx.report.error(
            `${ctx.overlay}: a NetworkPolicy opens port ${String(p.port)}, which ${nameOf(w)} does not have`,
          );
        }
      }
      const openToAll =
        !rule.from ||
        rule.from.length === 0 ||
        rule.from.some((f) => f.ipBlock?.cidr === '0.0.0.0/0');
      if (role === 'api' && openToAll) {
        ctx.report.error(
          `${ctx.overlay}: a NetworkPolicy opens the API to every source; its dashboard and admin routes must stay internal`,
        );
      }
    }
  }
}

export function checkIngresses(ctx: RuleContext): void {
  const apiServices = new Set(
    [...ctx.index.services.values()]
      .filter((s) =>
        ctx.index.workloads.some(
          (w) => roleOf(w) === 'api' && selects(s.spec?.selector, templateLabels(w)),
        ),
      )
      .map(nameOf),
  );
  for (const ing of ctx.index.byKind('Ingress') as unknown as IIngress[]) {
    const where = `${ctx.overlay}: Ingress/${nameOf(ing)}`;
    if (ing.spec?.defaultBackend)
      ctx.report.error(`${where}: a default backend publishes every path`);
    for (const rule of ing.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend.service;
        const svc = ctx.index.services.get(backend?.name ?? '');
        if (!backend || !svc) {
          ctx.report.error(
            `${where}: backend ${backend?.name ?? '(none)'} is not a rendered Service`,
          );
          continue;
        }
        const portOk = (svc.spec?.ports ?? []).some(
          (p) => p.name === backend.port?.name || p.port === backend.port?.number,
        );
        if (!portOk)
          ctx.report.error(
            `${where}: Service ${svc.metadata?.name ?? ''} has no port ${JSON.stringify(backend.port)}`,
          );
        if (
          apiServices.has(backend.name) &&
          !publicApiPrefixes.some((p) => (path.path ?? '/').startsWith(p))
        ) {
          ctx.report.error(
            `${where}: publishes ${path.path ?? '/'} of the API; only ${publicApiPrefixes.join(', ')} may leave the cluster`,
          );
        }
        ctx.report.count(`${ctx.overlay} ingress paths`);
      }
    }
  }
}
