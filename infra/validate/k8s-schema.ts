/**
 * Validates rendered Kubernetes objects against the Kubernetes OpenAPI schemas as packaged,
 * offline, by kubernetes-models (@kubernetes-models/keda and /prometheus-operator for the KEDA
 * and Prometheus Operator CRDs): types, formats,
 * required fields. The OpenAPI schemas allow unknown fields, which the API server drops with at
 * most a warning, so a typo such as `readinesProbe` would pass them; the strict pass compiles
 * each object as a TypeScript literal of its model's interface, where an unknown field is an
 * error (as `kubectl --validate=strict` would report it).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { repoRoot } from './paths.js';
import { isRecord } from './yaml.js';

interface ModelClass {
  new (data?: never): { validate(): void };
  apiVersion: string;
  kind: string;
}

interface KindEntry {
  model: ModelClass;
  /** Module and interface for the strict pass. */
  module: string;
  type: string;
}

/**
 * Entries for the models of one package. Each model's module is `<package>/<apiVersion>/<kind>`
 * and exports the interface `I<kind>`, so both are read off the class the schema pass uses and the
 * strict pass cannot drift from it.
 */
function entries(pkg: string, models: unknown[]): KindEntry[] {
  return models.map((m) => {
    const model = m as ModelClass;
    return {
      model,
      module: `${pkg}/${model.apiVersion}/${model.kind}`,
      type: `I${model.kind}`,
    };
  });
}

/** The kinds gun-sync's manifests may use. Anything else is reported, not waved through. */
const kinds: KindEntry[] = [
  ...entries('kubernetes-models', [
    ConfigMap,
    Namespace,
    PersistentVolumeClaim,
    Secret,
    Service,
    ServiceAccount,
    Deployment,
    StatefulSet,
    HorizontalPodAutoscaler,
    Job,
    CronJob,
    Ingress,
    NetworkPolicy,
    PodDisruptionBudget,
  ]),
  ...entries('@kubernetes-models/keda', [ScaledObject, TriggerAuthentication]),
  ...entries('@kubernetes-models/prometheus-operator', [PodMonitor, PrometheusRule]),
];

function kindOf(obj: unknown): KindEntry | undefined {
  if (!isRecord(obj)) return undefined;
  return kinds.find((k) => k.model.apiVersion === obj.apiVersion && k.model.kind === obj.kind);
}

export function objectId(obj: unknown): string {
  if (!isRecord(obj)) return '(not an object)';
  const name = isRecord(obj.metadata) ? String(obj.metadata.name) : '?';
  return `${String(obj.kind)}/${name}`;
}

/** Schema problems of one object (empty when it validates). */
export function validateObject(obj: unknown): string[] {
  const kind = kindOf(obj);
  if (!isRecord(obj)) return ['not an object'];
  if (!kind) return [`no schema for ${String(obj.apiVersion)} ${String(obj.kind)}`];
  try {
    const { apiVersion: _a, kind: _k, ...data } = obj;
    new kind.model(data as never).validate();
    return [];
  } catch (err) {
    const details = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (Array.isArray(details)) {
      return details.map((d) => `${d.instancePath || '/'} ${d.message ?? 'is invalid'}`);
    }
    return [err instanceof Error ? err.message : String(err)];
  }
}

/** Unknown fields of each object, by index in `objects`. */
export function strictUnknownFields(objects: unknown[]): Map<number, string[]> {
  const imports = new Map<string, string>();
  const declarations: { index: number; alias: string; obj: unknown }[] = [];
  objects.forEach((obj, index) => {
    const kind = kindOf(obj);
    if (!kind) return;
    let alias = imports.get(kind.module);
    if (!alias) {
      alias = `T${imports.size}`;
      imports.set(kind.module, alias);
    }
    declarations.push({ index, alias, obj });
  });
  const header = [...imports].map(([module, alias]) => {
    const type = kinds.find((k) => k.module === module)?.type ?? 'never';
    return `import type { ${type} as ${alias} } from '${module}';\n`;
  });
  const text =
    header.join('') +
    declarations
      .map((d) => `export const o${d.index}: ${d.alias} = ${JSON.stringify(d.obj)};\n`)
      .join('');

  const fileName = join(repoRoot, 'infra', 'validate', '__strict_manifests__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, ...rest) =>
    name === fileName ? source : getSourceFile(name, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const checker = ts.createProgram({ rootNames: [fileName], options, host }).getTypeChecker();

  const out = new Map<number, string[]>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const decl = statement.declarationList.declarations[0];
    const index = Number(decl?.name.getText(source).slice(1));
    if (!decl?.initializer || !Number.isInteger(index)) continue;
    const found: string[] = [];
    walkLiteral(checker, source, decl.initializer, '', found);
    if (found.length > 0) out.set(index, found);
  }
  return out;
}

/** Each property of a literal that its contextual type (the model's interface) does not declare. */
function walkLiteral(
  checker: ts.TypeChecker,
  source: ts.SourceFile,
  node: ts.Expression,
  path: string,
  found: string[],
): void {
  if (ts.isArrayLiteralExpression(node)) {
    node.elements.forEach((el, i) => walkLiteral(checker, source, el, `${path}/${i}`, found));
    return;
  }
  if (!ts.isObjectLiteralExpression(node)) return;
  const contextual = checker.getContextualType(node);
  const members = contextual
    ? (checker.getNonNullableType(contextual).isUnion()
        ? (checker.getNonNullableType(contextual) as ts.UnionType).types
        : [checker.getNonNullableType(contextual)]
      ).filter((t) => t.flags & ts.TypeFlags.Object)
    : [];
  const open =
    members.length === 0 || members.some((t) => checker.getIndexInfosOfType(t).length > 0);
  for (const prop of node.properties) {
    if (!ts.isPropertyAssignment(prop)) continue;
    const name = prop.name.getText(source).replace(/^"|"$/g, '');
    if (!open && !members.some((t) => checker.getPropertyOfType(t, name))) {
      found.push(`${path}/${name}: unknown field`);
      continue;
    }
    walkLiteral(checker, source, prop.initializer, `${path}/${name}`, found);
  }
}
