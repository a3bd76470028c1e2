/**
 * From the resolved GUN nodes of one soul to a typed OIP record (spec §2.4, §2.5): the current
 * format (`data` and `oip` JSON strings, `meta` child node), the legacy node formats (child
 * nodes, creator flattened into `creator_*` or stored as a JSON string) and the relay's parsed
 * `/get` form. Anything else is a typed rejection, never an exception.
 */
import { isEncryptedPayload } from '@sync/crypto';
import { checkJson, GraphReader, type ReadLimits } from './graph-reader.js';
import { isPlainObject, ownValue, tryParseJson, type JsonObject, type JsonValue } from './json.js';
import {
  describeIssues,
  OipData,
  OipHeader,
  type EncryptedRecord,
  type OipRecord,
  type PlainRecord,
} from './oip-record.js';
import { RegistryEntry, type RecordGraph } from './record-graph.js';
import { RejectRecord, type RecordResult } from './rejection.js';

export interface ParseOptions {
  /** GUN_MAX_RECORD_BYTES: JSON size of the nodes read, and of decrypted data. */
  maxBytes: number;
  /** Deepest nesting accepted (OIP records are a few levels deep). */
  maxDepth?: number;
  /** Most nodes one record may span (legacy node-form records use a few). */
  maxNodes?: number;
}

export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_NODES = 1000;
/** Elasticsearch refuses `_id`s longer than 512 bytes. */
const MAX_ID_BYTES = 512;

function limits(options: ParseOptions): ReadLimits {
  return {
    maxBytes: options.maxBytes,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxNodes: options.maxNodes ?? DEFAULT_MAX_NODES,
  };
}

/** A field that holds JSON as a string (current format) or as nodes/objects (legacy, parsed `/get`). */
function jsonField(
  value: JsonValue | undefined,
  name: string,
  maxDepth: number,
): JsonValue | undefined {
  if (typeof value !== 'string') return value;
  const parsed = tryParseJson(value);
  if (!parsed.ok) throw new RejectRecord('invalid-record', `${name} is not JSON`);
  checkJson(parsed.value, maxDepth);
  return parsed.value;
}

/**
 * `creator_didAddress` + `creator_publicKey` (2025-11-18 19:08) become `creator` in their place,
 * as OIP's conversion does; a `creator` JSON string (19:38) is parsed.
 */
function normaliseCreator(oip: JsonObject, maxDepth: number): JsonObject {
  const flatAddress = ownValue(oip, 'creator_didAddress');
  const flatKey = ownValue(oip, 'creator_publicKey');
  const flat =
    typeof flatAddress === 'string' &&
    typeof flatKey === 'string' &&
    flatAddress !== '' &&
    flatKey !== '';
  const creator = flat
    ? { didAddress: flatAddress, publicKey: flatKey }
    : jsonField(ownValue(oip, 'creator') as JsonValue | undefined, 'oip.creator', maxDepth);
  const out: JsonObject = {};
  let placed = false;
  for (const [key, value] of Object.entries(oip)) {
    const creatorKey =
      key === 'creator' || (flat && (key === 'creator_didAddress' || key === 'creator_publicKey'));
    if (!creatorKey) out[key] = value;
    else if (!placed && creator !== undefined) {
      out.creator = creator;
      placed = true;
    }
  }
  return out;
}

function parseOip(value: JsonValue | undefined, maxDepth: number): OipHeader {
  const oip = jsonField(value, 'oip', maxDepth);
  if (!isPlainObject(oip))
    throw new RejectRecord('invalid-record', oip === undefined ? 'no oip' : 'oip is not an object');
  const normalised = normaliseCreator(oip, maxDepth);
  const checked = OipHeader.safeParse(normalised);
  if (!checked.success)
    throw new RejectRecord('invalid-record', describeIssues(checked.error, 'oip'));
  // The schema only checks (no transforms): keep the published object and its key order.
  return normalised as OipHeader;
}

/** Parses plain `data` (a JSON string or an object) into the stored data object. */
export function toDataObject(
  value: JsonValue | undefined,
  maxDepth: number,
): { data: JsonObject; dataString: string | null } {
  if (value === undefined) throw new RejectRecord('invalid-record', 'no data');
  const data = jsonField(value, 'data', maxDepth);
  if (!OipData.safeParse(data).success || !isPlainObject(data))
    throw new RejectRecord('invalid-record', 'data is not a JSON object');
  return { data, dataString: typeof value === 'string' ? value : null };
}

function parse(graph: RecordGraph, options: ParseOptions): OipRecord {
  const { soul } = graph;
  if (typeof soul !== 'string' || soul.length === 0)
    throw new RejectRecord('invalid-record', 'no soul');
  const did = `did:gun:${soul}`;
  if (Buffer.byteLength(did, 'utf8') > MAX_ID_BYTES)
    throw new RejectRecord('invalid-record', 'soul too long for a document id');
  const lim = limits(options);
  const reader = new GraphReader(graph.nodes, lim);
  const root = reader.node(soul, 'invalid-record');
  const field = (name: string): JsonValue | undefined =>
    Object.hasOwn(root, name) ? reader.resolve(root[name]) : undefined;

  const rawOip = field('oip');
  const rawData = field('data');
  if (rawOip === undefined && rawData === undefined)
    throw new RejectRecord('invalid-record', 'not an OIP record (no data, no oip)');
  const rawMeta = field('meta');
  const meta: JsonObject = isPlainObject(rawMeta) ? rawMeta : {};
  const oip = parseOip(rawOip, lim.maxDepth);
  const registry = RegistryEntry.safeParse(graph.registry);
  const base = {
    soul,
    did,
    oip,
    meta,
    registry: registry.success ? registry.data : undefined,
    sizeBytes: reader.bytes,
  };

  if (isEncryptedPayload(rawData, meta)) {
    const record: EncryptedRecord = { ...base, encrypted: true, payload: rawData ?? null };
    return record;
  }
  const record: PlainRecord = {
    ...base,
    encrypted: false,
    ...toDataObject(rawData, lim.maxDepth),
    wasEncrypted: false,
  };
  return record;
}

/** Never throws for any input shape; see `RecordRejectionReason` for what a rejection means. */
export function toOipRecord(graph: RecordGraph, options: ParseOptions): RecordResult<OipRecord> {
  try {
    if (!isPlainObject(graph))
      return { ok: false, reason: 'invalid-record', detail: 'not a record graph' };
    return { ok: true, record: parse(graph, options) };
  } catch (err) {
    if (err instanceof RejectRecord) return err.toResult();
    throw err;
  }
}

/**
 * The record with its decrypted data string in place of the envelope (double encoding already
 * unwrapped by `@sync/crypto`), validated like plain data.
 */
export function withDecryptedData(
  record: EncryptedRecord,
  dataString: string,
  options: ParseOptions,
): RecordResult<PlainRecord> {
  try {
    const size = Buffer.byteLength(dataString, 'utf8');
    if (size > options.maxBytes)
      return {
        ok: false,
        reason: 'too-large',
        detail: `decrypted data has more than ${options.maxBytes} bytes`,
      };
    const { payload: _payload, ...rest } = record;
    const plain: PlainRecord = {
      ...rest,
      encrypted: false,
      ...toDataObject(dataString, limits(options).maxDepth),
      wasEncrypted: true,
    };
    return { ok: true, record: plain };
  } catch (err) {
    if (err instanceof RejectRecord) return err.toResult();
    throw err;
  }
}
