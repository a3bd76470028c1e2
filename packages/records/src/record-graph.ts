/**
 * The input of record parsing: the raw GUN nodes of one record, by soul, exactly as GUN holds
 * them. Links (`{"#": "<soul>"}`) stay unresolved; `@sync/gun-client` fetches every node a
 * record links to (`<soul>/meta`, an encrypted `<soul>/data`, legacy child nodes) and hands
 * them over in this shape.
 */
import { z } from 'zod';

/** Where the registry says the record came from (spec §4); optional. */
export const RegistryEntry = z.object({
  nodeId: z.string().min(1),
  timestamp: z.number().finite().nonnegative().optional(),
});
export type RegistryEntry = z.infer<typeof RegistryEntry>;

export const RecordGraph = z.object({
  /** The record's soul, e.g. `82d1ad726425:post-001`; the DID is `did:gun:<soul>`. */
  soul: z.string().min(1),
  /** Every node reached from the root, by soul, root included. */
  nodes: z.record(z.string(), z.record(z.string(), z.unknown())),
  registry: RegistryEntry.optional(),
});
export type RecordGraph = z.infer<typeof RecordGraph>;

/** GUN's link to another node. */
export function isLink(value: unknown): value is { '#': string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    keys[0] === '#' &&
    typeof (value as Record<string, unknown>)['#'] === 'string'
  );
}
