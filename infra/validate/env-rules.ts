/**
 * The environment a deployment gives one gun-sync service, checked against the config catalog
 * (every name known; secrets never literal) and against the service's own config loader (every
 * required variable there and valid).
 */
import type { Catalog } from './catalog.js';
import { pipelineTopology, pipelineVars, relayTopology, relayVars } from './compose-env-block.js';
import { runConfigLoader, type ConfigLoader } from './config-loaders.js';
import type { Report } from './report.js';

export type LoaderLookup = (role: string) => Promise<ConfigLoader | undefined>;

export interface ServiceEnvironment {
  /** For messages: "compose service api", "prod Deployment/api". */
  where: string;
  /** The service it runs: api, discovery, transform, indexer, gun-relay, standalone. */
  role: string;
  environment: ReadonlyMap<string, string>;
  /** Secret variables given a literal value in the manifest instead of from .env or a Secret. */
  literalSecrets: string[];
  /** Every catalog variable of the service must be passed (Compose: .env reaches everything). */
  coverage: boolean;
}

export async function checkServiceEnvironment(
  env: ServiceEnvironment,
  deps: { catalog: Catalog; loaders: LoaderLookup },
  report: Report,
): Promise<void> {
  const { catalog } = deps;
  for (const name of env.environment.keys()) {
    if (!catalog.resolve(name)) {
      report.error(
        `${env.where}: ${name} is not a variable of the config catalog (packages/config/src/catalog.ts)`,
      );
    }
    report.count('environment variables');
  }
  for (const name of env.literalSecrets) {
    report.error(`${env.where}: secret ${name} has a literal value in the manifest`);
  }
  if (env.coverage) {
    const relay = env.role === 'gun-relay';
    const wanted = relay
      ? [...relayVars(catalog).map((v) => v.name), ...relayTopology]
      : [...pipelineVars(catalog).map((v) => v.name), ...pipelineTopology];
    const missing = wanted.filter((name) => !env.environment.has(name));
    if (missing.length > 0) {
      report.error(
        `${env.where}: ${missing.join(', ')} not passed (settings: run \`pnpm deploy:gen\`; addresses and ports: the node's x-…-env block)`,
      );
    }
  }
  const loader = await deps.loaders(env.role);
  if (!loader) {
    report.note(
      `${env.where}: services/${env.role}/src/config.ts has no loader; names checked only`,
    );
    return;
  }
  for (const line of runConfigLoader(loader, Object.fromEntries(env.environment))) {
    report.error(`${env.where}: the ${env.role} config rejects it: ${line}`);
  }
  report.count('config loader runs');
}

/** Every secret of the catalog reaches at least one service (as NAME or NAME_FILE). */
export function checkSecretCoverage(
  givenNames: Iterable<string>,
  where: string,
  catalog: Catalog,
  report: Report,
): void {
  const given = new Set(givenNames);
  for (const v of catalog.vars.values()) {
    if (v.spec.secret && !given.has(v.name) && !given.has(`${v.name}_FILE`)) {
      report.error(`${where}: secret ${v.name} reaches no service; give it to those that read it`);
    }
  }
}
