/**
 * The rendered objects of one overlay, indexed by kind and name, with helpers to read what a
 * container gets: its environment (ConfigMaps, Secrets, literals) and the secret files it mounts.
 */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { isRecord } from './yaml.js';

export type Workload = IDeployment | IStatefulSet;

/** Anything with a pod template: the services' workloads and the CLI's Jobs. */
export type PodOwner = Workload | IJob;

export interface K8sIndex {
  objects: Record<string, unknown>[];
  byKind(kind: string): Record<string, unknown>[];
  workloads: Workload[];
  configMaps: Map<string, IConfigMap>;
  secrets: Map<string, ISecret>;
  services: Map<string, IService>;
}

export function indexObjects(objects: unknown[]): K8sIndex {
  const list = objects.filter(isRecord);
  const byKind = (kind: string) => list.filter((o) => o.kind === kind);
  const named = <T>(kind: string) => new Map(byKind(kind).map((o) => [nameOf(o), o as T] as const));
  return {
    objects: list,
    byKind,
    workloads: [...byKind('Deployment'), ...byKind('StatefulSet')] as unknown as Workload[],
    configMaps: named<IConfigMap>('ConfigMap'),
    secrets: named<ISecret>('Secret'),
    services: named<IService>('Service'),
  };
}

export function nameOf(obj: unknown): string {
  return isRecord(obj) && isRecord(obj.metadata) ? String(obj.metadata.name) : '?';
}

export function podSpecOf(w: PodOwner): IPodSpec | undefined {
  return w.spec?.template.spec;
}

export function templateLabels(w: Workload): Record<string, string> {
  return w.spec?.template.metadata?.labels ?? {};
}

/** Whether `selector` (matchLabels) picks pods labelled `labels`. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The values of a Secret, decoded (stringData and base64 data). */
export function secretValues(secret: ISecret): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(secret.data ?? {}))
    out.set(k, Buffer.from(v, 'base64').toString('utf8'));
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out.set(k, v);
  return out;
}

export type EnvSource = 'configmap' | 'secret' | 'literal';

export interface ContainerEnv {
  values: Map<string, string>;
  sources: Map<string, EnvSource>;
  problems: string[];
  /** Secrets referenced but not rendered (operators create them). */
  external: Set<string>;
}

/** What the container's process sees in its environment, as far as the manifests tell. */
export function containerEnv(
  c: IContainer,
  index: K8sIndex,
  externalSecrets: readonly string[],
): ContainerEnv {
  const out: ContainerEnv = {
    values: new Map(),
    sources: new Map(),
    problems: [],
    external: new Set(),
  };
  const set = (name: string, value: string, source: EnvSource) => {
    out.values.set(name, value);
    out.sources.set(name, source);
  };
  const secretOrExternal = (name: string): ISecret | undefined => {
    const secret = index.secrets.get(name);
    if (secret) return secret;
    if (externalSecrets.includes(name)) out.external.add(name);
    else out.problems.push(`Secret ${name} is neither rendered nor one operators create`);
    return undefined;
  };
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = index.configMaps.get(from.configMapRef.name ?? '');
      if (!cm) out.problems.push(`ConfigMap ${from.configMapRef.name ?? ''} is not rendered`);
      for (const [k, v] of Object.entries(cm?.data ?? {}))
        set(`${from.prefix ?? ''}${k}`, v, 'configmap');
    }
    if (from.secretRef) {
      const secret = secretOrExternal(from.secretRef.name ?? '');
      for (const [k, v] of secret ? secretValues(secret) : [])
        set(`${from.prefix ?? ''}${k}`, v, 'secret');
    }
  }
  for (const e of c.env ?? []) {
    const cmRef = e.valueFrom?.configMapKeyRef;
    const secretRef = e.valueFrom?.secretKeyRef;
    if (cmRef) {
      const value = index.configMaps.get(cmRef.name ?? '')?.data?.[cmRef.key];
      if (value === undefined)
        out.problems.push(`${e.name}: ConfigMap ${cmRef.name ?? ''} has no key ${cmRef.key}`);
      set(e.name, value ?? '', 'configmap');
    } else if (secretRef) {
      const secret = secretOrExternal(secretRef.name ?? '');
      const value = secret ? secretValues(secret).get(secretRef.key) : undefined;
      if (secret && value === undefined)
        out.problems.push(`${e.name}: Secret ${secretRef.name ?? ''} has no key ${secretRef.key}`);
      set(e.name, value ?? '', 'secret');
    } else if (!e.valueFrom) {
      set(e.name, e.value ?? '', 'literal');
    }
  }
  return out;
}

export interface SecretFile {
  secretName: string;
  key: string;
  /** The value, when the Secret is rendered. */
  value: string | undefined;
}

/** The secret key a file path of the container resolves to, through its volume mounts. */
export function secretFileAt(
  path: string,
  c: IContainer,
  pod: IPodSpec,
  index: K8sIndex,
): SecretFile | undefined {
  for (const mount of c.volumeMounts ?? []) {
    const prefix = `${mount.mountPath.replace(/\/$/, '')}/`;
    if (!path.startsWith(prefix)) continue;
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    const secretName = volume?.secret?.secretName;
    if (!volume?.secret || !secretName) return undefined;
    const file = path.slice(prefix.length);
    const items = volume.secret.items;
    const key = items ? items.find((i) => i.path === file)?.key : file;
    if (key === undefined) return undefined;
    const secret = index.secrets.get(secretName);
    if (secret && !secretValues(secret).has(key)) return undefined;
    return { secretName, key, value: secret ? secretValues(secret).get(key) : undefined };
  }
  return undefined;
}
