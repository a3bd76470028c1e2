import { parseAllDocuments, parseDocument } from 'yaml';

/** One YAML document with merge keys (`<<`) resolved; throws on a syntax error. */
export function parseYaml(text: string, what: string): unknown {
  const doc = parseDocument(text, { merge: true, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new Error(`${what}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return doc.toJS({ maxAliasCount: 10_000 });
}

/** Every document of a multi-document YAML stream (empty documents dropped). */
export function parseYamlStream(text: string, what: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text, { merge: true, prettyErrors: true })) {
    if (doc.errors.length > 0) {
      throw new Error(`${what}: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
