/**
 * What GUN can store without failing or hanging (spec §1.2): a put's data must be a non-empty
 * object; nested objects become child nodes and must not be empty either (`{}` makes GUN
 * never acknowledge); arrays are refused; `null` is only a field value (a tombstone), never a
 * node. Used by our writers before they send and by the relay before it calls GUN.
 */

const maxDepth = 32;

function describe(path: readonly string[]): string {
  return path.length === 0 ? 'the root' : path.join('.');
}

function check(value: unknown, path: string[]): string | null {
  if (value === null)
    return path.length === 0 ? 'data at the root must be an object, not null' : null;
  if (Array.isArray(value)) return `arrays cannot be stored (at ${describe(path)})`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return path.length === 0 ? 'data at the root must be an object' : null;
    case 'number':
      if (path.length === 0) return 'data at the root must be an object';
      return Number.isFinite(value) ? null : `numbers must be finite (at ${describe(path)})`;
    case 'object':
      break;
    default:
      return `unsupported value type ${typeof value} (at ${describe(path)})`;
  }
  if (path.length > maxDepth)
    return `nesting deeper than ${maxDepth} levels (at ${describe(path)})`;
  const keys = Object.keys(value);
  if (keys.length === 0) return `empty objects cannot be stored (at ${describe(path)})`;
  if ('#' in value) {
    const link = (value as Record<string, unknown>)['#'];
    if (keys.length === 1 && typeof link === 'string' && link !== '' && path.length > 0)
      return null;
    return `"#" is only allowed as a link {"#": soul} in a field (at ${describe(path)})`;
  }
  for (const key of keys) {
    if (key === '' || key === '_' || key === '>' || key === '<')
      return `reserved or empty key ${JSON.stringify(key)} (at ${describe(path)})`;
    const problem = check((value as Record<string, unknown>)[key], [...path, key]);
    if (problem) return problem;
  }
  return null;
}

/** A short reason `data` cannot be put, or null when it can. */
export function findPutProblem(data: unknown): string | null {
  return check(data, []);
}

/** A soul we accept: a non-empty string without control characters, at most 1024 characters. */
export function findSoulProblem(soul: unknown): string | null {
  if (typeof soul !== 'string' || soul === '') return 'soul must be a non-empty string';
  if (soul.length > 1024) return 'soul must be at most 1024 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(soul)) return 'soul must not contain control characters';
  return null;
}
