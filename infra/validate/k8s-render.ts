/**
 * One kustomization rendered and validated: kustomize build (and `kubectl kustomize`, which must
 * agree, where kubectl is installed), then every object against the Kubernetes OpenAPI schemas and
 * strictly (unknown fields). Problems go to the report under `label`.
 */
import { objectId, strictUnknownFields, validateObject } from './k8s-schema.js';
import { kubectlKustomize, kustomizeBuild } from './kustomize.js';
import type { Report } from './report.js';
import { isRecord } from './yaml.js';

/** The rendered objects, or undefined when the kustomization does not render. */
export function renderValidated(
  dir: string,
  label: string,
  kubectl: boolean,
  report: Report,
): unknown[] | undefined {
  const rendered = kustomizeBuild(dir);
  if (!rendered.ok) {
    report.error(`${label}: kustomize build failed: ${rendered.error}`);
    return undefined;
  }
  const objects = rendered.objects;
  report.count(`${label} objects`, objects.length);
  if (kubectl) {
    const other = kubectlKustomize(dir);
    if (!other.ok) report.error(`${label}: kubectl kustomize failed: ${other.error}`);
    else if (JSON.stringify(other.objects) !== JSON.stringify(objects)) {
      report.error(`${label}: kubectl kustomize renders different objects than kustomize`);
    }
  }
  const kinds = new Map<string, number>();
  objects.forEach((obj) => {
    const kind = String(isRecord(obj) ? obj.kind : '?');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    for (const problem of validateObject(obj))
      report.error(`${label}: ${objectId(obj)}: ${problem}`);
  });
  for (const [i, problems] of strictUnknownFields(objects)) {
    for (const p of problems) report.error(`${label}: ${objectId(objects[i])}: ${p}`);
  }
  report.note(`${label}: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  return objects;
}
