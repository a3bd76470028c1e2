/**
 * docker-compose.yml as Compose resolves it for one profile: merge keys expanded, variables
 * interpolated from an env file, only the services the profile starts.
 */
import { interpolate, type VariableRef } from './interpolate.js';
import { isRecord } from './yaml.js';

export interface ComposeService {
  name: string;
  /** The service after interpolation. */
  spec: Record<string, unknown>;
  environment: Map<string, string>;
  /** The environment before interpolation (to see which values come from .env). */
  rawEnvironment: Map<string, string>;
  profiles: string[];
}

export interface ResolvedCompose {
  services: Map<string, ComposeService>;
  volumes: Set<string>;
  /** Every variable reference in the file, with where it is. */
  refs: { where: string; ref: VariableRef }[];
  errors: string[];
}

function interpolateDeep(
  value: unknown,
  vars: ReadonlyMap<string, string>,
  where: string,
  out: ResolvedCompose,
  reportErrors = true,
): unknown {
  if (typeof value === 'string') {
    const result = interpolate(value, vars);
    for (const ref of result.refs) out.refs.push({ where, ref });
    if (reportErrors) for (const e of result.errors) out.errors.push(`${where}: ${e}`);
    return result.value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => interpolateDeep(v, vars, `${where}[${i}]`, out, reportErrors));
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        interpolateDeep(v, vars, `${where}.${k}`, out, reportErrors),
      ]),
    );
  }
  return value;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** `environment` as a map, from either the map or the NAME=value list form. */
export function environmentOf(spec: Record<string, unknown>): Map<string, string> {
  const env = spec.environment;
  const out = new Map<string, string>();
  if (Array.isArray(env)) {
    for (const item of env) {
      const text = scalar(item);
      const eq = text.indexOf('=');
      out.set(eq < 0 ? text : text.slice(0, eq), eq < 0 ? '' : text.slice(eq + 1));
    }
  } else if (isRecord(env)) {
    for (const [k, v] of Object.entries(env)) out.set(k, scalar(v));
  }
  return out;
}

/** The whole file (every service, every profile) resolved with `vars`. */
export function resolveCompose(doc: unknown, vars: ReadonlyMap<string, string>): ResolvedCompose {
  const out: ResolvedCompose = { services: new Map(), volumes: new Set(), refs: [], errors: [] };
  if (!isRecord(doc) || !isRecord(doc.services)) {
    out.errors.push('docker-compose.yml: no services');
    return out;
  }
  for (const [name, raw] of Object.entries(doc.services)) {
    if (!isRecord(raw)) continue;
    const spec = interpolateDeep(raw, vars, `services.${name}`, out) as Record<string, unknown>;
    const profiles = Array.isArray(spec.profiles) ? spec.profiles.map(scalar) : [];
    out.services.set(name, {
      name,
      spec,
      environment: environmentOf(spec),
      rawEnvironment: environmentOf(raw),
      profiles,
    });
  }
  if (isRecord(doc.volumes)) for (const v of Object.keys(doc.volumes)) out.volumes.add(v);
  // Extension fields (x-…) only feed services through merge keys: their references are
  // collected, their errors are reported where a service uses them.
  for (const [key, value] of Object.entries(doc)) {
    if (key !== 'services') interpolateDeep(value, vars, key, out, false);
  }
  return out;
}

/** The services `--profile <profile>` starts (those without profiles always start). */
export function servicesOfProfile(resolved: ResolvedCompose, profile: string): ComposeService[] {
  return [...resolved.services.values()].filter(
    (s) => s.profiles.length === 0 || s.profiles.includes(profile),
  );
}

/** Compose durations: 1h2m3s, 35s, 500ms, 1m30s. */
export function parseDurationMs(text: string): number | undefined {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] ?? 0), 0);
}

export interface PortMapping {
  hostIp: string;
  host: string;
  container: string;
}

/** Short-syntax ports: "[ip:]host:container[/proto]" (a bare container port publishes nothing fixed). */
export function parsePorts(spec: Record<string, unknown>): PortMapping[] {
  if (!Array.isArray(spec.ports)) return [];
  return spec.ports.map((p) => {
    if (isRecord(p)) {
      return {
        hostIp: scalar(p.host_ip),
        host: scalar(p.published),
        container: scalar(p.target),
      };
    }
    const parts = scalar(p)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const container = parts.pop() ?? '';
    const host = parts.pop() ?? '';
    return { hostIp: parts.join(':'), host, container };
  });
}

export interface VolumeMount {
  source: string;
  target: string;
  named: boolean;
}

export function parseVolumes(spec: Record<string, unknown>): VolumeMount[] {
  if (!Array.isArray(spec.volumes)) return [];
  return spec.volumes.map((v) => {
    if (isRecord(v)) {
      const source = scalar(v.source);
      return { source, target: scalar(v.target), named: scalar(v.type) === 'volume' };
    }
    const [source = '', target = ''] = scalar(v).split(':');
    return { source, target, named: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source) };
  });
}

export function commandOf(spec: Record<string, unknown>): string[] {
  if (Array.isArray(spec.command)) return spec.command.map(scalar);
  if (typeof spec.command === 'string') return spec.command.split(/\s+/).filter(Boolean);
  return [];
}
