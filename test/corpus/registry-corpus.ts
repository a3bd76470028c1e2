/**
 * The registry-level hostile corpus: index fields anyone can put on a relay (OIP relays accept
 * unauthenticated `/put`), each with what discovery must make of it. None of them may fail a
 * scan: an entry no job can carry is skipped under its reason (discovery's entry-check), an
 * entry that names no node is untrusted on a node that trusts named nodes only.
 */
import type { PutRequest } from '../support/oip-publisher.js';

export type RegistryExpectation =
  { kind: 'invalid'; reason: 'bad-soul' | 'bad-node-id' | 'bad-timestamp' } | { kind: 'untrusted' };

export interface RegistryCase {
  kind: string;
  /** Writes in order: the child node (if any) before the index field linking it. */
  puts: PutRequest[];
  expect: RegistryExpectation;
}

const at = 1_763_000_000_000;

export function buildRegistryCorpus(root = 'oip:registry', recordType = 'post'): RegistryCase[] {
  const indexSoul = `${root}:index:${recordType}`;
  /** An index field linking a child node with these fields. */
  const linked = (key: string, child: Record<string, unknown>): PutRequest[] => [
    { soul: `${indexSoul}/${key}`, data: child },
    { soul: indexSoul, data: { [key]: { '#': `${indexSoul}/${key}` } } },
  ];
  /** An index field holding `value` itself, not a link. */
  const field = (key: string, value: unknown): PutRequest[] => [
    { soul: indexSoul, data: { [key]: value } },
  ];
  const entry = (soul: string, over: Record<string, unknown> = {}) => ({
    soul,
    nodeId: 'node-a',
    timestamp: at,
    ...over,
  });
  const invalid = (reason: 'bad-soul' | 'bad-node-id' | 'bad-timestamp') =>
    ({ kind: 'invalid', reason }) as const;
  const untrusted = { kind: 'untrusted' } as const;

  return [
    {
      kind: 'fractional timestamp',
      puts: linked('h:ts-fraction', entry('h:ts-fraction', { timestamp: 1.5 })),
      expect: invalid('bad-timestamp'),
    },
    {
      kind: 'negative timestamp',
      puts: linked('h:ts-negative', entry('h:ts-negative', { timestamp: -1 })),
      expect: invalid('bad-timestamp'),
    },
    {
      kind: 'huge timestamp',
      puts: linked('h:ts-huge', entry('h:ts-huge', { timestamp: 1e300 })),
      expect: invalid('bad-timestamp'),
    },
    {
      kind: 'timestamp above the safe integers',
      puts: linked('h:ts-unsafe', entry('h:ts-unsafe', { timestamp: 2 ** 60 })),
      expect: invalid('bad-timestamp'),
    },
    {
      kind: 'soul of 2,000 characters',
      puts: linked('h:soul-long', entry(`h:${'s'.repeat(2000)}`)),
      expect: invalid('bad-soul'),
    },
    {
      kind: 'node id of 200 characters',
      puts: linked('h:node-long', entry('h:node-long', { nodeId: 'n'.repeat(200) })),
      expect: invalid('bad-node-id'),
    },
    {
      // A string timestamp reads as none; the entry names no trusted node either.
      kind: 'string timestamp, no node',
      puts: linked('h:ts-string', { soul: 'h:ts-string', timestamp: 'yesterday' }),
      expect: untrusted,
    },
    {
      kind: 'soul "constructor"',
      puts: linked('h:constructor', { soul: 'constructor', timestamp: at }),
      expect: untrusted,
    },
    {
      kind: 'soul "__proto__"',
      puts: linked('h:proto', { soul: '__proto__', timestamp: at }),
      expect: untrusted,
    },
    {
      kind: 'empty soul (the key stands in)',
      puts: linked('h:soul-empty', { soul: '', timestamp: at }),
      expect: untrusted,
    },
    { kind: 'index field that is a string', puts: field('h:string', 'hello'), expect: untrusted },
    { kind: 'index field that is a number', puts: field('h:number', 42), expect: untrusted },
    {
      kind: 'link to nowhere',
      puts: field('h:nowhere', { '#': `${indexSoul}/h:does-not-exist` }),
      expect: untrusted,
    },
  ];
}
