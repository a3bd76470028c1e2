/**
 * Builders for environment variables. Every variable is declared once, with its schema,
 * its default (as the raw string an operator would write), an example and a one-line
 * description; the zod object, `.env.example` and the config fingerprint all derive from it.
 */
import { z } from 'zod';

export interface EnvVar<T = unknown> {
  /** Parses the raw string (after defaults, aliases and `_FILE` resolution). */
  schema: z.ZodType<T, string>;
  description: string;
  example: string;
  /** Raw default; absent means the variable is optional (or required, see `required`). */
  default?: string;
  required?: boolean;
  /** Never printed; may be given as `<NAME>_FILE`; left out of the fingerprint. */
  secret?: boolean;
  /** Differs from node to node by design (URLs, node id): left out of the fingerprint. */
  identity?: boolean;
  /** Older names accepted for the same setting (OIP's, for drop-in compatibility). */
  aliases?: readonly string[];
}

type Spec<T> = Omit<EnvVar<T>, 'schema'>;

/** Keeps the literal spec (so `default`/`required` are visible to the type system) plus the schema. */
type Built<T, S> = S & { schema: z.ZodType<T, string> };

function custom<T>(
  parse: (raw: string, fail: (message: string) => never) => T,
): z.ZodType<T, string> {
  return z.string().transform((raw, ctx) => {
    class Fail extends Error {}
    try {
      return parse(raw.trim(), (message) => {
        throw new Fail(message);
      });
    } catch (err) {
      if (!(err instanceof Fail)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
  });
}

export function intVar<
  const S extends Spec<number> & { min?: number; max?: number; unit?: string },
>(spec: S): Built<number, S> {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, unit = '' } = spec;
  const what = `a whole number${unit ? ` of ${unit}` : ''}`;
  return {
    ...spec,
    schema: custom((raw, fail) => {
      if (!/^\d+$/.test(raw)) fail(`must be ${what}`);
      const n = Number(raw);
      if (n < min || n > max) fail(`must be ${what} from ${min} to ${max}`);
      return n;
    }),
  };
}

export function portVar<const S extends Spec<number>>(spec: S): Built<number, S> {
  return { ...spec, schema: intVar({ ...spec, min: 0, max: 65_535, unit: 'a TCP port' }).schema };
}

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off']);

export function boolVar<const S extends Spec<boolean>>(spec: S): Built<boolean, S> {
  return {
    ...spec,
    schema: custom((raw, fail) => {
      const v = raw.toLowerCase();
      if (truthy.has(v)) return true;
      if (falsy.has(v)) return false;
      return fail('must be true or false');
    }),
  };
}

export function enumVar<const V extends string, const S extends Spec<V>>(
  values: readonly V[],
  spec: S,
): Built<V, S> {
  return {
    ...spec,
    schema: custom((raw, fail) => {
      const v = raw.toLowerCase();
      if ((values as readonly string[]).includes(v)) return v as V;
      return fail(`must be one of ${values.join(' | ')}`);
    }),
  };
}

function checkUrl(raw: string, protocols: readonly string[], fail: (m: string) => never): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`must be a URL (${protocols.join(', ')})`);
  }
  if (!protocols.includes(url.protocol.replace(/:$/, '')))
    fail(`must use ${protocols.join(' or ')}, not ${url.protocol.replace(/:$/, '')}`);
  return raw;
}

export function urlVar<const S extends Spec<string>>(
  protocols: readonly string[],
  spec: S,
): Built<string, S> {
  return { ...spec, schema: custom((raw, fail) => checkUrl(raw, protocols, fail)) };
}

function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A comma-separated list; blanks are dropped; `itemPattern` checks each item. */
export function listVar<
  const S extends Spec<string[]> & { itemPattern?: RegExp; itemHint?: string },
>(spec: S): Built<string[], S> {
  return {
    ...spec,
    schema: custom((raw, fail) => {
      const items = splitList(raw);
      const { itemPattern } = spec;
      if (itemPattern) {
        const bad = items.find((i) => !itemPattern.test(i));
        if (bad !== undefined) {
          // A secret list must not echo its items.
          const which = spec.secret
            ? `item ${items.indexOf(bad) + 1}`
            : `item ${JSON.stringify(bad)}`;
          fail(`${which} is not ${spec.itemHint ?? 'valid'}`);
        }
      }
      return [...new Set(items)];
    }),
  };
}

export function urlListVar<const S extends Spec<string[]>>(
  protocols: readonly string[],
  spec: S,
): Built<string[], S> {
  return {
    ...spec,
    schema: custom((raw, fail) => [
      ...new Set(splitList(raw).map((item) => checkUrl(item, protocols, fail))),
    ]),
  };
}

export function stringVar<
  const S extends Spec<string> & { pattern?: RegExp; hint?: string; minLength?: number },
>(spec: S): Built<string, S> {
  const { pattern, hint, minLength = 1 } = spec;
  return {
    ...spec,
    schema: custom((raw, fail) => {
      if (raw.length < minLength)
        fail(minLength === 1 ? 'must not be empty' : `must be at least ${minLength} characters`);
      if (pattern && !pattern.test(raw)) fail(`must be ${hint ?? `like ${spec.example}`}`);
      return raw;
    }),
  };
}

/** A 32-byte key given as 64 hex characters or 44 base64 characters. */
export function keyVar<const S extends Spec<Buffer>>(spec: S): Built<Buffer, S & { secret: true }> {
  return {
    ...spec,
    secret: true,
    schema: custom((raw, fail) => {
      const buf = /^[0-9a-fA-F]{64}$/.test(raw)
        ? Buffer.from(raw, 'hex')
        : Buffer.from(raw, 'base64');
      if (buf.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(raw) && buf.toString('base64') !== raw)) {
        fail('must be 32 bytes, as 64 hex characters or 44 base64 characters');
      }
      return buf;
    }),
  };
}
