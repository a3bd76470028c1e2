/**
 * Shared by the benchmark scripts: the local services' URLs (quick start's
 * .local/services.env, or the environment), peak RSS of a process, the machine and versions
 * for the report, percentiles, and where results are written for docs/BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';

export const root = fileURLToPath(new URL('../../', import.meta.url));

export interface LocalServices {
  redisUrl: string;
  elasticsearchUrl: string;
}

/** REDIS_URL / ELASTICSEARCH_URL from the environment, else from .local/services.env. */
export function localServices(): LocalServices {
  const file = `${root}.local/services.env`;
  const fromFile: Record<string, string> = {};
  if (existsSync(file))
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m?.[1] && m[2] !== undefined) fromFile[m[1]] = m[2];
    }
  const redisUrl = process.env.REDIS_URL ?? fromFile.REDIS_URL;
  const elasticsearchUrl = process.env.ELASTICSEARCH_URL ?? fromFile.ELASTICSEARCH_URL;
  if (!redisUrl || !elasticsearchUrl)
    throw new Error(
      'no Redis/Elasticsearch: run `bash infra/local/services.sh up` (quick start) or set REDIS_URL and ELASTICSEARCH_URL',
    );
  return { redisUrl, elasticsearchUrl };
}

/** Peak resident set (VmHWM) of a live process, in MiB; undefined once it is gone. */
export function peakRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m?.[1] ? Math.round(Number(m[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a live process has used so far, in seconds; undefined once gone. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Math.round((ticks / 100) * 10) / 10;
  } catch {
    return undefined;
  }
}

/**
 * Pid of the process on this machine listening on the TCP port of `url` (the Elasticsearch or
 * Redis the bench really uses, wherever it was started), to count its CPU time; undefined when
 * the URL names another host or no process this user may see holds the port. Reads
 * /proc/net/tcp{,6} for the listening socket's inode and finds the process holding that socket.
 */
export function listenerPid(url: string): number | undefined {
  let port: number;
  try {
    const u = new URL(url);
    if (!/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(u.hostname)) return undefined;
    port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  } catch {
    return undefined;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is the tenth field.
      if (f[3] === '0A' && f[1]?.endsWith(`:${hexPort}`) && f[9]) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m?.[1] && inodes.has(m[1])) return Number(entry);
      } catch {
        // the descriptor closed while we looked
      }
    }
  }
  return undefined;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export interface Machine {
  at: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadAtStart: number[];
  loadAtEnd?: number[];
  node: string;
  elasticsearch: string;
  redis: string;
  gitCommit: string;
}

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Where the code a benchmark runs lives (docs, deployment files and results do not count). */
const codePaths = ['packages', 'services', 'test', 'bench/support', 'bench/lib', 'bench/*.ts'];

/** The commit that ran, with "-dirty" when the code had changes not in it. */
function gitCommit(): string {
  const head = tryRun('git', ['rev-parse', '--short', 'HEAD']);
  const changes = tryRun('git', [
    'status',
    '--porcelain',
    '--untracked-files=no',
    '--',
    ...codePaths,
  ]);
  return changes !== '' && changes !== 'unknown' ? `${head}-dirty` : head;
}

export async function describeMachine(services: LocalServices): Promise<Machine> {
  let elasticsearch = 'unknown';
  try {
    const res = await fetch(`${services.elasticsearchUrl}/_nodes/_local`);
    const body = (await res.json()) as { nodes: Record<string, { version: string }> };
    elasticsearch = Object.values(body.nodes)[0]?.version ?? 'unknown';
  } catch {
    // keep unknown
  }
  const redisInfo = tryRun('redis-cli', ['-u', services.redisUrl, 'info', 'server']);
  return {
    at: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    loadAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    elasticsearch,
    redis: /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? 'unknown',
    gitCommit: gitCommit(),
  };
}

export function endLoad(machine: Machine): Machine {
  return { ...machine, loadAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) };
}

/** Writes bench/results/<name>.json (read by bench/report.ts for docs/BENCHMARKS.md). */
export async function saveResult(name: string, result: unknown): Promise<string> {
  const dir = `${root}bench/results`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}.json`;
  // Formatted as the repository's prettier check expects.
  writeFileSync(file, await format(JSON.stringify(result), { parser: 'json' }));
  return file;
}

export function rate(records: number, ms: number): number {
  return Math.round((records / (ms / 1000)) * 10) / 10;
}
