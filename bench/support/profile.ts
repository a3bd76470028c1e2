/**
 * Where a pipeline run spends its time, measured from outside the services: Redis commands
 * (INFO commandstats) and Redis CPU (INFO cpu) between two snapshots, each service's CPU and
 * event-loop delay from its probe server's Prometheus metrics (prom-client's default metrics;
 * its event-loop histogram restarts at every scrape, so a scrape before the run starts the
 * window), and this process's own event-loop delay (the relay the benchmarks run in-process).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
export { probePort } from '../../test/support/processes.js';

export interface RedisSnapshot {
  calls: Record<string, number>;
  cpuSeconds: number;
}

/** Calls per command and CPU seconds (user + sys) Redis has used so far. */
export async function redisSnapshot(redis: Redis): Promise<RedisSnapshot> {
  const stats = await redis.info('commandstats');
  const calls: Record<string, number> = {};
  for (const m of stats.matchAll(/^cmdstat_([\w|-]+):calls=(\d+)/gm))
    if (m[1] && m[2]) calls[m[1]] = Number(m[2]);
  const cpu = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { calls, cpuSeconds: field('used_cpu_sys') + field('used_cpu_user') };
}

export interface RedisProfile {
  commands: number;
  commandsPerRecord: number;
  cpuSeconds: number;
  /** The busiest commands, calls per record. */
  topPerRecord: Record<string, number>;
}

/** What Redis did between two snapshots, per record (the whole server: keep it otherwise idle). */
export function redisProfile(
  before: RedisSnapshot,
  after: RedisSnapshot,
  records: number,
): RedisProfile {
  const delta = Object.entries(after.calls)
    .map(([cmd, n]) => [cmd, n - (before.calls[cmd] ?? 0)] as const)
    .filter(([cmd, n]) => n > 0 && cmd !== 'info')
    .sort((x, y) => y[1] - x[1]);
  const commands = delta.reduce((sum, [, n]) => sum + n, 0);
  const perRecord = (n: number) => Math.round((n / Math.max(1, records)) * 100) / 100;
  return {
    commands,
    commandsPerRecord: perRecord(commands),
    cpuSeconds: Math.round((after.cpuSeconds - before.cpuSeconds) * 10) / 10,
    topPerRecord: Object.fromEntries(delta.slice(0, 12).map(([cmd, n]) => [cmd, perRecord(n)])),
  };
}

export interface ServiceSample {
  cpuSeconds: number;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

/** One scrape of a service's /metrics; undefined when it does not answer. */
export async function scrapeService(port: number | undefined): Promise<ServiceSample | undefined> {
  if (port === undefined) return undefined;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    const value = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)`, 'm').exec(text)?.[1] ?? NaN);
    const ms = (name: string) => Math.round(value(name) * 10_000) / 10;
    return {
      cpuSeconds: value('process_cpu_seconds_total'),
      loopDelayP50Ms: ms('nodejs_eventloop_lag_p50_seconds'),
      loopDelayP99Ms: ms('nodejs_eventloop_lag_p99_seconds'),
      loopDelayMaxMs: ms('nodejs_eventloop_lag_max_seconds'),
    };
  } catch {
    return undefined;
  }
}

/** This process's event-loop delay from now until `stop()`, in ms. */
export function watchOwnLoop(): { stop(): { p50Ms: number; p99Ms: number; maxMs: number } } {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return {
    stop() {
      h.disable();
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
    },
  };
}
