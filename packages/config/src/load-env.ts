/**
 * Reads, validates and types a service's environment once, at start-up. Every bad variable
 * is reported at the same time, one line each: the name, what is wrong, and an example.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { ConfigError } from './config-error.js';
import type { z } from 'zod';
import type { EnvVar } from './env-var.js';

export type EnvVars = Record<string, EnvVar<unknown>>;

type ValueOf<V> = V extends { schema: infer S extends z.ZodType } ? z.output<S> : never;

/** Typed values: variables with a default or marked required are always present. */
export type EnvValues<V extends EnvVars> = {
  [K in keyof V]: V[K] extends { default: string } | { required: true }
    ? ValueOf<V[K]>
    : ValueOf<V[K]> | undefined;
};

export interface LoadEnvOptions<V extends EnvVars> {
  /** Reads `*_FILE` secrets; injectable for tests. */
  readFile?: (path: string) => string;
  /** Rules across variables: return one line per problem. */
  rules?: (env: EnvValues<V>) => string[];
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

interface Raw {
  value?: string;
  from: string;
  error?: string;
}

function resolveRaw(
  name: string,
  spec: EnvVar,
  source: EnvSource,
  readFile: (path: string) => string,
): Raw {
  const names = [name, ...(spec.aliases ?? [])];
  const given = names.find((n) => present(source[n]));
  if (spec.secret) {
    const fileVar = `${name}_FILE`;
    const path = source[fileVar];
    if (present(path)) {
      if (given)
        return { from: fileVar, error: `${fileVar}: set either ${given} or ${fileVar}, not both` };
      try {
        return { value: readFile(path).replace(/\r?\n$/, ''), from: fileVar };
      } catch (err) {
        const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
        return {
          from: fileVar,
          error: `${fileVar}: cannot read ${JSON.stringify(path)} (${reason}) (example: ${fileVar}=/run/secrets/${name.toLowerCase()})`,
        };
      }
    }
  }
  return given ? { value: source[given], from: given } : { from: name };
}

/**
 * @throws ConfigError listing every missing or malformed variable.
 */
export function loadEnv<V extends EnvVars>(
  vars: V,
  source: EnvSource,
  options: LoadEnvOptions<V> = {},
): EnvValues<V> {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const lines: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(vars)) {
    const raw = resolveRaw(name, spec, source, readFile);
    if (raw.error) {
      lines.push(raw.error);
      continue;
    }
    const value = present(raw.value) ? raw.value : spec.default;
    if (value === undefined) {
      if (spec.required) lines.push(`${name}: is required (example: ${name}=${spec.example})`);
      out[name] = undefined;
      continue;
    }
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) {
      out[name] = parsed.data;
    } else {
      const problem = parsed.error.issues[0]?.message ?? 'is invalid';
      const shown = spec.secret ? 'a hidden value' : JSON.stringify(value);
      lines.push(`${raw.from}: ${problem}; got ${shown} (example: ${name}=${spec.example})`);
    }
  }
  if (lines.length === 0 && options.rules) lines.push(...options.rules(out as EnvValues<V>));
  if (lines.length > 0) throw new ConfigError(lines);
  return out as EnvValues<V>;
}

/**
 * A short hash of the effective settings that should match across nodes: secrets and
 * per-node values (URLs, node id, bind addresses) are left out.
 */
export function configFingerprint<V extends EnvVars>(vars: V, env: EnvValues<V>): string {
  const shared = Object.keys(vars)
    .filter((name) => !vars[name]?.secret && !vars[name]?.identity)
    .sort()
    .map((name) => [name, (env as Record<string, unknown>)[name] ?? null]);
  return createHash('sha256').update(JSON.stringify(shared)).digest('hex').slice(0, 12);
}
