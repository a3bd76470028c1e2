/**
 * The one-process configuration: each stage's own config (discovery, transform, indexer, API), validated together so that every
 * bad variable of every stage is reported at once.
 */
import { ConfigError, type EnvSource } from '@sync/config';
import { loadApiConfig } from '@sync/api/config';
import { loadDiscoveryConfig } from '@sync/discovery/config';
import { loadIndexerConfig } from '@sync/indexer/config';
import { loadTransformConfig } from '@sync/transform/config';

function collect<T>(load: () => T, lines: string[]): T | undefined {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    lines.push(...err.lines);
    return undefined;
  }
}

export function loadStandaloneConfig(source: EnvSource) {
  const lines: string[] = [];
  const discovery = collect(() => loadDiscoveryConfig(source), lines);
  const transform = collect(() => loadTransformConfig(source), lines);
  const indexer = collect(() => loadIndexerConfig(source), lines);
  const api = collect(() => loadApiConfig(source), lines);
  if (!discovery || !transform || !indexer || !api) throw new ConfigError([...new Set(lines)]);
  return {
    logLevel: discovery.logLevel,
    logPretty: discovery.logPretty,
    shutdownTimeoutMs: discovery.shutdownTimeoutMs,
    probe: discovery.probe,
    discovery,
    transform,
    indexer,
    api,
    version: api.version,
  } as const;
}

export type StandaloneConfig = ReturnType<typeof loadStandaloneConfig>;
