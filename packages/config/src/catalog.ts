/**
 * Every environment variable gun-sync understands, grouped by owner. Services compose the
 * groups they need (see `defineEnv`). `.env.example` must list exactly these, in this order
 * of groups; a unit test keeps the two together.
 */
import {
  boolVar,
  enumVar,
  intVar,
  keyVar,
  listVar,
  portVar,
  stringVar,
  urlListVar,
  urlVar,
  type EnvVar,
} from './env-var.js';

const nodeIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const baseVars = {
  NODE_ENV: enumVar(['development', 'test', 'production'], {
    description: 'Runtime mode; production disables pretty logs by default',
    example: 'production',
    default: 'production',
  }),
  LOG_LEVEL: enumVar(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    description: 'Minimum log level',
    example: 'info',
    default: 'info',
  }),
  LOG_PRETTY: boolVar({
    description:
      'Human-readable logs instead of JSON lines (default: only when stdout is a terminal)',
    example: 'false',
  }),
  SHUTDOWN_TIMEOUT_MS: intVar({
    description: 'How long a graceful shutdown may take before the process is forced to exit',
    example: '25000',
    default: '25000',
    min: 1000,
    max: 600_000,
    unit: 'milliseconds',
  }),
  PROBE_PORT: portVar({
    description:
      'Port of the worker probe server (/health/live, /health/ready, /metrics); 0 picks a free one',
    example: '9464',
    default: '9464',
  }),
  PROBE_HOST: stringVar({
    description: 'Address the probe server binds',
    example: '0.0.0.0',
    default: '0.0.0.0',
    identity: true,
  }),
} satisfies Record<string, EnvVar>;

export const redisVars = {
  REDIS_URL: urlVar(['redis', 'rediss'], {
    description:
      'Redis for BullMQ queues, watermarks, tombstones and shared stats (use maxmemory-policy noeviction)',
    example: 'redis://127.0.0.1:6379',
    default: 'redis://127.0.0.1:6379',
    identity: true,
  }),
  QUEUE_PREFIX: stringVar({
    description:
      'Prefix of every Redis key gun-sync writes (BullMQ prefix); two nodes sharing a Redis need different ones',
    example: 'sync',
    default: 'sync',
    pattern: /^[a-z0-9-]{1,32}$/,
    hint: 'lowercase letters, digits and dashes, like sync',
  }),
} satisfies Record<string, EnvVar>;

export const elasticsearchVars = {
  ELASTICSEARCH_URL: urlVar(['http', 'https'], {
    description: "Elasticsearch node URL (OIP's ELASTICSEARCHHOST is accepted too)",
    example: 'http://127.0.0.1:9200',
    default: 'http://127.0.0.1:9200',
    aliases: ['ELASTICSEARCHHOST'],
    identity: true,
  }),
  ELASTICSEARCH_USERNAME: stringVar({
    description:
      "Elasticsearch user (OIP's ELASTICCLIENTUSERNAME is accepted too); unset = no authentication",
    example: 'elastic',
    aliases: ['ELASTICCLIENTUSERNAME'],
    identity: true,
  }),
  ELASTICSEARCH_PASSWORD: stringVar({
    description:
      "Elasticsearch password (OIP's ELASTICCLIENTPASSWORD is accepted too); or ELASTICSEARCH_PASSWORD_FILE",
    example: 'changeme',
    aliases: ['ELASTICCLIENTPASSWORD'],
    secret: true,
  }),
  ELASTICSEARCH_INDEX: stringVar({
    description: "Index (or alias) synced records are written to; OIP's queries read 'records'",
    example: 'records',
    default: 'records',
    pattern: /^[a-z0-9][a-z0-9._-]{0,200}$/,
    hint: 'a lowercase Elasticsearch index name, like records',
  }),
  ELASTICSEARCH_REQUEST_TIMEOUT_MS: intVar({
    description: 'Timeout of one Elasticsearch request',
    example: '30000',
    default: '30000',
    min: 100,
    max: 600_000,
    unit: 'milliseconds',
  }),
} satisfies Record<string, EnvVar>;

export const gunVars = {
  GUN_PEERS: urlListVar(['http', 'https', 'ws', 'wss'], {
    description:
      "This node's GUN relay(s), comma-separated: a /gun WebSocket endpoint, a relay HTTP API or a /gun-relay proxy",
    example: 'http://127.0.0.1:8765/gun',
    default: 'http://127.0.0.1:8765/gun',
    identity: true,
  }),
  GUN_EXTERNAL_PEERS: urlListVar(['http', 'https', 'ws', 'wss'], {
    description:
      "Other nodes' relays to read registries from, comma-separated (OIP's name); empty = only GUN_PEERS",
    example: 'https://api.oip.onl/gun-relay',
    default: '',
    identity: true,
  }),
  GUN_REGISTRY_ROOT: stringVar({
    description: 'Root of the GUN registry souls (OIP default oip:registry)',
    example: 'oip:registry',
    default: 'oip:registry',
    pattern: /^[^\s/]{1,100}$/,
    hint: 'a soul prefix without spaces or slashes, like oip:registry',
  }),
  GUN_NODE_ID_OVERRIDE: stringVar({
    description: 'Stable node id of this node; unset = one generated once and kept in Redis',
    example: 'node-a',
    pattern: nodeIdPattern,
    hint: 'letters, digits, dot, dash or underscore (at most 64), like node-a',
    identity: true,
  }),
  GUN_REGISTRY_TIMEOUT_MS: intVar({
    description: 'Timeout of one registry write (OIP default 30000)',
    example: '30000',
    default: '30000',
    min: 100,
    max: 600_000,
    unit: 'milliseconds',
  }),
} satisfies Record<string, EnvVar>;

export const syncVars = {
  GUN_SYNC_ENABLED: boolVar({
    description:
      'Run discovery at all (OIP semantics); false keeps the API and workers up but schedules no scans',
    example: 'true',
    default: 'true',
  }),
  GUN_SYNC_INTERVAL: intVar({
    description: 'Interval between full registry scans (OIP default 900000 = 15 min)',
    example: '900000',
    default: '900000',
    min: 1000,
    max: 7 * 24 * 3_600_000,
    unit: 'milliseconds',
  }),
  GUN_SYNC_PRIVATE_RECORDS: boolVar({
    description:
      'Sync encrypted records at all; false skips them with reason private-sync-disabled',
    example: 'true',
    default: 'true',
  }),
  GUN_SYNC_TRUSTED_NODES: listVar({
    description: 'Comma-separated node ids to accept records from; empty = trust every node',
    example: 'node-a,node-b',
    default: '',
    itemPattern: nodeIdPattern,
    itemHint: 'a node id',
  }),
  GUN_SYNC_RECORD_TYPES: listVar({
    description:
      "Record types to scan, comma-separated; empty = OIP's 37 default types plus types seen in the registry",
    example: 'post,image,video',
    default: '',
    itemPattern: /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
    itemHint: 'a record type name',
  }),
  RECORD_TYPE_INDEX_MODE: enumVar(['all', 'whitelist', 'blacklist'], {
    description:
      "OIP's record type filter: all, whitelist (only RECORD_TYPE_INDEX_WHITELIST) or blacklist",
    example: 'all',
    default: 'all',
  }),
  RECORD_TYPE_INDEX_WHITELIST: listVar({
    description: 'Types indexed when RECORD_TYPE_INDEX_MODE=whitelist, comma-separated',
    example: 'post,image',
    default: '',
  }),
  RECORD_TYPE_INDEX_BLACKLIST: listVar({
    description: 'Types never indexed when RECORD_TYPE_INDEX_MODE=blacklist, comma-separated',
    example: 'conversationSession',
    default: '',
  }),
} satisfies Record<string, EnvVar>;

export const discoveryVars = {
  DISCOVERY_CHUNK_SIZE: intVar({
    description: 'Transform jobs added per addBulk call while scanning the registry',
    example: '500',
    default: '500',
    min: 1,
    max: 10_000,
  }),
  DISCOVERY_LIVE: boolVar({
    description: 'Subscribe to new registry entries between full scans (the live path)',
    example: 'true',
    default: 'true',
  }),
  DISCOVERY_LIVE_FLUSH_MS: intVar({
    description: 'How long live entries are buffered before they are enqueued together',
    example: '200',
    default: '200',
    min: 0,
    max: 60_000,
    unit: 'milliseconds',
  }),
  DISCOVERY_LIVE_MAX_BUFFERED: intVar({
    description: 'Most live entries held between flushes; the rest wait for the next full scan',
    example: '10000',
    default: '10000',
    min: 1,
    max: 1_000_000,
  }),
} satisfies Record<string, EnvVar>;

export const cryptoVars = {
  GUN_DECRYPT_FOREIGN_RECORDS: boolVar({
    description:
      'Decrypt private records published by other nodes; false skips them with reason foreign-decrypt-disabled',
    example: 'true',
    default: 'true',
  }),
  GUN_NODE_ENCRYPTION_KEY: stringVar({
    description:
      'Extra shared key material (password) tried on private records; or GUN_NODE_ENCRYPTION_KEY_FILE',
    example: 'a-long-random-passphrase',
    secret: true,
  }),
  SYNC_SEAL_KEY: keyVar({
    description:
      'Service key that seals decrypted documents between pipeline stages (32 bytes, hex or base64); or SYNC_SEAL_KEY_FILE',
    example: '0000000000000000000000000000000000000000000000000000000000000000',
  }),
} satisfies Record<string, EnvVar>;

export const apiVars = {
  API_PORT: portVar({
    description: "HTTP port of the API (OIP's health endpoints are on 3005)",
    example: '3005',
    default: '3005',
  }),
  API_HOST: stringVar({
    description: 'Address the API binds',
    example: '0.0.0.0',
    default: '0.0.0.0',
    identity: true,
  }),
  API_ADMIN_TOKEN: stringVar({
    description:
      'Bearer token for state-changing routes and the dashboard (at least 16 characters); or API_ADMIN_TOKEN_FILE',
    example: 'change-me-to-a-long-random-token',
    secret: true,
    minLength: 16,
  }),
} satisfies Record<string, EnvVar>;

export const relayVars = {
  GUN_RELAY_HOST: stringVar({
    description:
      'Address services/gun-relay binds (OIP hard-codes 0.0.0.0); the relay reads its own peers from GUN_PEERS, empty by default',
    example: '127.0.0.1',
    default: '0.0.0.0',
    identity: true,
  }),
  GUN_RELAY_PORT: portVar({
    description:
      "Port of services/gun-relay: GUN's WebSocket at /gun and OIP's relay HTTP API (OIP hard-codes 8765)",
    example: '8765',
    default: '8765',
  }),
  GUN_RELAY_DATA_DIR: stringVar({
    description: "Folder of the relay's radisk storage",
    example: './data',
    default: './data',
    identity: true,
  }),
  GUN_RELAY_RADISK: boolVar({
    description: 'Persist the relay graph with radisk (false keeps it in memory only)',
    example: 'true',
    default: 'true',
  }),
} satisfies Record<string, EnvVar>;

/** Every group, in `.env.example` order. */
export const envCatalog = {
  base: baseVars,
  redis: redisVars,
  elasticsearch: elasticsearchVars,
  gun: gunVars,
  sync: syncVars,
  discovery: discoveryVars,
  crypto: cryptoVars,
  api: apiVars,
  relay: relayVars,
} as const;

export type EnvGroupName = keyof typeof envCatalog;

/** All variables of all groups, by name. */
export function allEnvVars(): Record<string, EnvVar> {
  return Object.assign({}, ...Object.values(envCatalog)) as Record<string, EnvVar>;
}
