/**
 * The environment of a pod's container (a service's workload or a CLI Job), checked against the
 * config catalog and the service's own config loader; secret files are written to a temporary
 * folder so the loader reads them as it would in the pod.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from './catalog.js';
import { checkServiceEnvironment, type LoaderLookup } from './env-rules.js';
import {
  containerEnv,
  nameOf,
  podSpecOf,
  secretFileAt,
  type K8sIndex,
  type PodOwner,
} from './k8s-index.js';
import { roleOf } from './k8s-workload-rules.js';
import type { Report } from './report.js';

export interface PodEnvironmentInput {
  /** The overlay's name, and the Secrets it references without rendering them. */
  overlay: { name: string; externalSecrets: readonly string[] };
  /** The overlay's objects: the ConfigMaps and Secrets the container reads. */
  index: K8sIndex;
  catalog: Catalog;
  loaders: LoaderLookup;
  /** Where secret files are written for the config loader. */
  secretsDir: string;
}

/** The environment of a pod's container, checked; returns it for the other rules. */
export async function checkPodEnvironment(
  w: PodOwner,
  input: PodEnvironmentInput,
  report: Report,
): Promise<ReadonlyMap<string, string>> {
  const { overlay, index } = input;
  const where = `${overlay.name}: ${w.kind}/${nameOf(w)}`;
  const pod = podSpecOf(w);
  const c = pod?.containers[0];
  if (!pod || !c) return new Map();
  const env = containerEnv(c, index, overlay.externalSecrets);
  for (const p of env.problems) report.error(`${where}: ${p}`);
  const literalSecrets: string[] = [];
  const loaderEnv = new Map(env.values);
  for (const [name, value] of env.values) {
    const known = input.catalog.resolve(name);
    if (!known) continue;
    if (known.kind !== 'file' && known.variable.spec.secret && env.sources.get(name) !== 'secret') {
      literalSecrets.push(name);
    }
    if (known.kind === 'file') {
      const file = secretFileAt(value, c, pod, index);
      if (!file) {
        report.error(
          `${where}: ${name}=${value} is not a key of a Secret mounted in the container`,
        );
        continue;
      }
      // A Secret operators create is not in the manifests: the catalog's example stands in.
      const content = file.value ?? known.variable.spec.example;
      const path = join(input.secretsDir, `${overlay.name}-${nameOf(w)}-${file.key}`);
      writeFileSync(path, content);
      loaderEnv.set(name, path);
      report.count(`${overlay.name} secret files`);
    }
  }
  await checkServiceEnvironment(
    { where, role: roleOf(w), environment: loaderEnv, literalSecrets, coverage: false },
    { catalog: input.catalog, loaders: input.loaders },
    report,
  );
  return env.values;
}
