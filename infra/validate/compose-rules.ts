/**
 * Rules for each service of docker-compose.yml within its profile: healthchecks and depends_on
 * conditions, pinned images, named volumes, Redis and Elasticsearch flags, and for gun-sync's own
 * services the command, a read-only non-root container, a stop grace longer than the shutdown
 * timeout, scalable workers and addresses within their own node.
 */
import type { Catalog } from './catalog.js';
import {
  commandOf,
  parseDurationMs,
  parsePorts,
  parseVolumes,
  type ComposeService,
} from './compose-model.js';
import type { LoaderLookup } from './env-rules.js';
import type { Report } from './report.js';
import { isRecord } from './yaml.js';

export interface ComposeInput {
  root: string;
  composeText: string;
  /** The .env Compose would read (CI gives the secrets it requires). */
  envText: string;
  catalog: Catalog;
  loaders: LoaderLookup;
  /** Names of services/<name> with a src/main.ts (what the image can run). */
  runnable: readonly string[];
}
const syncDockerfile = 'infra/docker/Dockerfile';
const elasticsearchImage = /^docker\.elastic\.co\/elasticsearch\/elasticsearch:\d+\.\d+\.\d+$/;

export function isSyncService(s: ComposeService): boolean {
  return isRecord(s.spec.build) && s.spec.build.dockerfile === syncDockerfile;
}

/** The role of a service within its node: its name without the node suffix. */
export function roleOf(name: string, suffix: string): string {
  return suffix && name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** What each service of one node of a profile is checked against: built once, shared by its rules. */
export interface NodeContext {
  /** The node's suffix on service names ('' when the profile runs one node). */
  suffix: string;
  /** The services the profile starts, by name. */
  active: Map<string, ComposeService>;
  input: ComposeInput;
  report: Report;
}

export function checkService(s: ComposeService, ctx: NodeContext): void {
  const { suffix, active, report } = ctx;
  const role = roleOf(s.name, suffix);
  const where = `service ${s.name}`;
  const healthcheck = isRecord(s.spec.healthcheck) ? s.spec.healthcheck : undefined;
  if (!healthcheck || healthcheck.disable === true || !Array.isArray(healthcheck.test)) {
    report.error(`${where}: no healthcheck`);
  }
  const deps = s.spec.depends_on;
  if (deps !== undefined && !isRecord(deps)) {
    report.error(`${where}: depends_on must use the long form with a condition`);
  }
  for (const [target, cond] of Object.entries(isRecord(deps) ? deps : {})) {
    const condition = isRecord(cond) ? cond.condition : undefined;
    const other = active.get(target);
    if (!other) report.error(`${where}: depends on ${target}, which this profile does not start`);
    else if (!target.endsWith(suffix))
      report.error(`${where}: depends on ${target} of another node`);
    if (condition !== 'service_healthy') {
      report.error(`${where}: depends_on ${target} needs condition: service_healthy`);
    }
    report.count('depends_on conditions');
  }
  const image = typeof s.spec.image === 'string' ? s.spec.image : '';
  if (!/:[\w][\w.-]*$/.test(image) || image.endsWith(':latest')) {
    report.error(`${where}: image ${JSON.stringify(image)} is not pinned to a tag`);
  }
  for (const v of parseVolumes(s.spec)) {
    if (!v.named) report.error(`${where}: ${v.source} is a bind mount; use a named volume`);
  }
  if (role === 'redis') {
    const command = commandOf(s.spec).join(' ');
    if (!command.includes('--appendonly yes'))
      report.error(`${where}: Redis without --appendonly yes`);
    if (!command.includes('--maxmemory-policy noeviction')) {
      report.error(`${where}: Redis without --maxmemory-policy noeviction`);
    }
  }
  if (role === 'elasticsearch') {
    if (!elasticsearchImage.test(image))
      report.error(`${where}: Elasticsearch image not pinned to x.y.z`);
    if (s.environment.get('discovery.type') !== 'single-node') {
      report.error(`${where}: Elasticsearch needs discovery.type=single-node`);
    }
  }
  if (role === 'redis' || role === 'elasticsearch') {
    if (!parseVolumes(s.spec).some((v) => v.named)) report.error(`${where}: no named data volume`);
    return;
  }
  if (!isSyncService(s)) {
    report.error(`${where}: not built from ${syncDockerfile}`);
    return;
  }
  checkSyncService(s, role, ctx);
}

function checkSyncService(s: ComposeService, role: string, ctx: NodeContext): void {
  const { suffix, active, input, report } = ctx;
  const where = `service ${s.name}`;
  const [command] = commandOf(s.spec);
  if (command !== role)
    report.error(`${where}: command must be ['${role}'], got ${String(command)}`);
  if (!input.runnable.includes(role)) {
    report.error(`${where}: the image cannot run '${role}' (no services/${role}/src/main.ts)`);
  }
  if (s.spec.read_only !== true) report.error(`${where}: read_only: true expected`);
  if (s.spec.user === 'root' || s.spec.user === '0') report.error(`${where}: runs as root`);
  if (s.spec.container_name !== undefined) {
    report.error(`${where}: container_name prevents scaling (docker compose up --scale)`);
  }
  const shutdownMs = Number(
    s.environment.get('SHUTDOWN_TIMEOUT_MS') ||
      input.catalog.vars.get('SHUTDOWN_TIMEOUT_MS')?.spec.default,
  );
  const stopGrace = typeof s.spec.stop_grace_period === 'string' ? s.spec.stop_grace_period : '10s';
  const grace = parseDurationMs(stopGrace);
  if (grace === undefined || !(grace > shutdownMs)) {
    report.error(
      `${where}: stop_grace_period (${stopGrace}) must be longer than SHUTDOWN_TIMEOUT_MS (${shutdownMs} ms)`,
    );
  }
  const ports = parsePorts(s.spec);
  const published: Record<string, string> = { api: '3005', 'gun-relay': '8765' };
  if (published[role] === undefined && ports.length > 0) {
    report.error(`${where}: a worker publishes no ports (it must scale)`);
  }
  if (published[role] !== undefined && !ports.some((p) => p.container === published[role])) {
    report.error(`${where}: container port ${published[role]} is not published`);
  }
  const env = s.environment;
  if (role === 'gun-relay') {
    const dataDir = env.get('GUN_RELAY_DATA_DIR') ?? '';
    if (!parseVolumes(s.spec).some((v) => v.named && v.target === dataDir)) {
      report.error(`${where}: no named volume at GUN_RELAY_DATA_DIR (${dataDir})`);
    }
    for (const peer of (env.get('GUN_PEERS') ?? '').split(',').filter(Boolean)) {
      if (hostOf(peer) === s.name) report.error(`${where}: GUN_PEERS points at the relay itself`);
    }
    return;
  }
  const expectHost: [string, string][] = [
    ['REDIS_URL', `redis${suffix}`],
    ['ELASTICSEARCH_URL', `elasticsearch${suffix}`],
    ['GUN_PEERS', `gun-relay${suffix}`],
  ];
  for (const [name, host] of expectHost) {
    if (hostOf(env.get(name)) !== host) {
      report.error(`${where}: ${name}=${env.get(name) ?? ''} must point at ${host} (its own node)`);
    } else if (!active.has(host)) {
      report.error(`${where}: ${name} points at ${host}, which this profile does not start`);
    }
  }
}

export function checkTwoNodes(services: ComposeService[], report: Report): void {
  const ids = new Map<string, Set<string>>();
  for (const s of services.filter(isSyncService)) {
    const node = s.name.slice(-2);
    const role = s.name.slice(0, -2);
    if (role === 'gun-relay') {
      const peers = (s.environment.get('GUN_PEERS') ?? '').split(',').map(hostOf);
      const others = ['-a', '-b'].filter((n) => n !== node).map((n) => `gun-relay${n}`);
      for (const other of others) {
        if (!peers.includes(other))
          report.error(`service ${s.name}: GUN_PEERS must include ${other}`);
      }
      continue;
    }
    const set = ids.get(node) ?? new Set<string>();
    set.add(s.environment.get('GUN_NODE_ID_OVERRIDE') ?? '');
    ids.set(node, set);
  }
  const a = [...(ids.get('-a') ?? [])];
  const b = [...(ids.get('-b') ?? [])];
  if (a.length !== 1 || b.length !== 1 || !a[0] || !b[0] || a[0] === b[0]) {
    report.error(
      `two-node: each node needs one GUN_NODE_ID_OVERRIDE shared by its services and different from the other node's (A: ${a.join('|')}, B: ${b.join('|')})`,
    );
  }
}
