/**
 * Each service's own config loader (`services/<name>/src/config.ts`, the exported
 * `load…Config(env)`), so the checks can ask the service itself whether the environment a
 * deployment gives it is complete and valid, required variables included.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type EnvSource } from '@sync/config';

export type ConfigLoader = (env: EnvSource) => unknown;

/** The folders of services/ with an entry point: what the image can run. */
export function runnableServices(root: string): string[] {
  return readdirSync(join(root, 'services')).filter((name) =>
    existsSync(join(root, 'services', name, 'src', 'main.ts')),
  );
}

export async function findConfigLoader(
  root: string,
  service: string,
): Promise<ConfigLoader | undefined> {
  const file = join(root, 'services', service, 'src', 'config.ts');
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const loaders = Object.entries(mod).filter(
    ([name, value]) => /^load\w*Config$/.test(name) && typeof value === 'function',
  );
  if (loaders.length !== 1) {
    throw new Error(
      `services/${service}/src/config.ts: expected one exported load…Config function, found ${loaders.length}`,
    );
  }
  return loaders[0]?.[1] as ConfigLoader;
}

/** The lines a loader rejects `env` with (empty when it accepts it). */
export function runConfigLoader(loader: ConfigLoader, env: EnvSource): string[] {
  try {
    loader(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.lines];
    throw err;
  }
}

/** findConfigLoader, once per service. */
export function createLoaderLookup(
  root: string,
): (service: string) => Promise<ConfigLoader | undefined> {
  const cache = new Map<string, Promise<ConfigLoader | undefined>>();
  return (service) => {
    let loader = cache.get(service);
    if (!loader) {
      loader = findConfigLoader(root, service);
      cache.set(service, loader);
    }
    return loader;
  };
}
