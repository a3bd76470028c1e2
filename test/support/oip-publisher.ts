/**
 * Publishes records the way an OIP node does (spec §2): the request body's arrays become JSON
 * strings, `data` and `oip` are stored as JSON strings, `meta` as a child node, the creator
 * signs the stored data string with RSA-PSS/SHA-256, and a private record's `data` is an
 * AES-256-GCM envelope under OIP's legacy shared key (double-encoded plaintext). Writes go
 * through a relay's HTTP `POST /put`, exactly like OIP's `putRecord`.
 */
import {
  constants,
  createECDH,
  createHash,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { OIP_LEGACY_PASSWORD, OIP_LEGACY_SALT, perUserMaterial } from '@sync/crypto/keyring';
import { encryptLikeOip } from '@sync/crypto/testing';
import type { RegistryWriter } from '@sync/gun-client';
import { toStoredDataString, type JsonObject } from '@sync/records';

export interface Publisher {
  publisherHash: string;
  publicKey: string;
  didAddress: string;
  privateKey: KeyObject;
}

/** A creator key pair (2048-bit to keep tests fast; OIP uses 4096, the format is the same). */
export function createPublisher(): Publisher {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
  });
  const n = publicKey.export({ format: 'jwk' }).n ?? '';
  return {
    publisherHash: createHash('sha256').update(n, 'utf8').digest('hex').slice(0, 12),
    publicKey: n,
    didAddress: `did:arweave:${createHash('sha256').update(Buffer.from(n, 'base64url')).digest('base64url')}`,
    privateKey,
  };
}

export interface OipRecordInput {
  localId: string;
  recordType: string;
  data: JsonObject;
  indexedAt: Date;
  /** Encrypt `data` with OIP's legacy shared key (mode C). */
  private?: boolean;
  /** Encrypt `data` for one user instead (mode D): PBKDF2(`<publicKey>:<saltHex>`). */
  perUser?: PerUserKey;
}

/** A user's per-user encryption key: compressed secp256k1 public key (hex) and salt (hex). */
export interface PerUserKey {
  publicKey: string;
  saltHex: string;
}

/** A user key like OIP's (a compressed secp256k1 public key and 32 random salt bytes). */
export function createPerUserKey(): PerUserKey {
  const ecdh = createECDH('secp256k1');
  ecdh.generateKeys();
  return {
    publicKey: ecdh.getPublicKey('hex', 'compressed'),
    saltHex: randomBytes(32).toString('hex'),
  };
}

export interface PutRequest {
  soul: string;
  data: Record<string, unknown>;
}

export function oipPut(publisher: Publisher, input: OipRecordInput): PutRequest {
  const soul = `${publisher.publisherHash}:${input.localId}`;
  const did = `did:gun:${soul}`;
  const dataString = toStoredDataString(input.data);
  const signature = sign('sha256', Buffer.from(dataString, 'utf8'), {
    key: publisher.privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  }).toString('base64');
  const oip = {
    did,
    recordType: input.recordType,
    indexedAt: input.indexedAt.toISOString(),
    ver: '0.8.0',
    signature,
    creator: { didAddress: publisher.didAddress, publicKey: publisher.publicKey },
    didTx: did,
  };
  const meta = {
    created: input.indexedAt.getTime(),
    localId: input.localId,
    encrypted: Boolean(input.private),
  };
  if (input.perUser) {
    const { publicKey, saltHex } = input.perUser;
    return {
      soul,
      data: {
        data: encryptLikeOip(JSON.stringify(dataString), perUserMaterial(publicKey, saltHex)),
        oip: JSON.stringify(oip),
        meta: {
          ...meta,
          encrypted: true,
          encryptionMethod: 'aes-256-gcm',
          encryptionType: 'per-user',
          encryptedBy: publicKey,
        },
      },
    };
  }
  if (!input.private) return { soul, data: { data: dataString, oip: JSON.stringify(oip), meta } };
  const envelope = encryptLikeOip(JSON.stringify(dataString), {
    password: OIP_LEGACY_PASSWORD,
    salt: OIP_LEGACY_SALT,
  });
  return {
    soul,
    data: {
      data: envelope,
      oip: JSON.stringify(oip),
      meta: { ...meta, encryptionMethod: 'aes-256-gcm' },
    },
  };
}

export interface BenchRecordOptions {
  privateEvery?: number;
  localIdPrefix?: string;
}

/**
 * Record `n` of a generated set (the fault tests, the benchmarks): a post with a name, a
 * description, a tag and some text; every `privateEvery`-th one private (0 = none).
 */
export function benchRecordInput(
  n: number,
  { privateEvery = 10, localIdPrefix = 'r' }: BenchRecordOptions = {},
): OipRecordInput {
  return {
    localId: `${localIdPrefix}-${n}`,
    recordType: 'post',
    indexedAt: new Date(1_762_000_000_000 + n),
    private: privateEvery > 0 && n % privateEvery === privateEvery - 1,
    data: {
      basic: { name: `Record ${n}`, description: `Benchmark record ${n}`, tagItems: ['x'] },
      post: { articleText: `Text of record ${n}`.repeat(4) },
    },
  };
}

/** `benchRecordInput(n)` as OIP's putRecord sends it to a relay. */
export function benchRecord(
  publisher: Publisher,
  n: number,
  options: BenchRecordOptions = {},
): PutRequest {
  return oipPut(publisher, benchRecordInput(n, options));
}

/** POST /put to an OIP-compatible relay; throws unless it answers 200. */
export async function putViaRelay(
  relayUrl: string,
  put: PutRequest,
  token?: string,
): Promise<void> {
  const res = await fetch(`${relayUrl}/put`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(put),
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 200)
    throw new Error(`relay /put ${put.soul} answered ${res.status}: ${await res.text()}`);
}

/** Publishes `put` on relay A like OIP and registers it as node A's record of type `post`. */
export async function publishOnA(
  relayUrl: string,
  writer: Pick<RegistryWriter, 'register'>,
  publisher: Publisher,
  put: PutRequest,
  timestamp?: number,
): Promise<void> {
  await putViaRelay(relayUrl, put);
  await writer.register({
    recordType: 'post',
    soul: put.soul,
    creatorPubKey: publisher.publicKey,
    nodeId: 'node-a',
    ...(timestamp !== undefined ? { timestamp } : {}),
  });
}
