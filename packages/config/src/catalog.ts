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
  OTEL_EXPORTER_OTLP_ENDPOINT: urlVar(['http', 'https'], {
    description:
      'OTLP/HTTP collector base URL; traces go to <url>/v1/traces. Unset = tracing off (no spans exported)',
    example: 'http://otel-collector:4318',
  }),
  OTEL_SERVICE_NAME: stringVar({
    description: "service.name of this process's spans (default: gun-sync-<service>)",
    example: 'gun-sync-indexer',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    hint: 'letters, digits, dots, dashes and underscores, like gun-sync-indexer',
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
  GUN_CLIENT_MODE: enumVar(['http', 'wire'], {
    description:
      "How gun-sync reaches GUN: http = the relay HTTP API (/get, /put; works through /gun-relay proxies), wire = GUN's WebSocket protocol to the peers' /gun",
    example: 'http',
    default: 'http',
  }),
  GUN_READ_TIMEOUT_MS: intVar({
    description:
      'Timeout of one GUN node read (one /get, or one wire get); a peer that does not answer in time is an error, not "not found"',
    example: '10000',
    default: '10000',
    min: 100,
    max: 600_000,
    unit: 'milliseconds',
  }),
  GUN_PEER_WAIT_MS: intVar({
    description:
      'Wire mode: how long only empty answers are waited on before a node counts as not found (relays answer before their own peers)',
    example: '400',
    default: '400',
    min: 10,
    max: 60_000,
    unit: 'milliseconds',
  }),
  GUN_HTTP_CONCURRENCY: intVar({
    description:
      "Most requests in flight (and keep-alive sockets) per peer; in HTTP mode the reads in flight adapt below it at run time (they start at 16, grow while the peer's answer time holds, back off on rising answer times and errors), in wire mode reads in flight while resolving one index. A read waits out a relay's settle time, so throughput grows with reads in flight (docs/BENCHMARKS.md)",
    example: '256',
    default: '256',
    min: 1,
    max: 256,
  }),
  GUN_MAX_NODE_BYTES: intVar({
    description:
      'Largest single GUN node read, over HTTP (answer size) and over the wire (size of the fields gathered); a larger index child is skipped and counted with reason too-large-node, a larger index or bucket fails its read. An OIP legacy index of 100,000 entries is about 13 MB',
    example: '33554432',
    default: '33554432',
    min: 65_536,
    max: 268_435_456,
    unit: 'bytes',
  }),
  GUN_HTTP_MAX_INFLIGHT_BYTES: intVar({
    description:
      'HTTP mode: bytes of answers being received at once from one peer (each answer reserves its Content-Length, or GUN_MAX_NODE_BYTES when the relay sends none, capped at this budget); further answers wait. Bounds read buffers at this times the number of peers (docs/gun-access.md)',
    example: '67108864',
    default: '67108864',
    min: 65_536,
    max: 1_073_741_824,
    unit: 'bytes',
  }),
  GUN_POLL_INTERVAL_MS: intVar({
    description:
      "HTTP mode: longest pause between two live polls when nothing changes (it halves down to GUN_POLL_MIN_INTERVAL_MS while changes arrive); each poll reads gun-sync's small recent-changes node, OIP's legacy indexes only when the relay's bookkeeping says they changed (wire mode gets pushes)",
    example: '1000',
    default: '1000',
    min: 100,
    max: 3_600_000,
    unit: 'milliseconds',
  }),
  GUN_POLL_MIN_INTERVAL_MS: intVar({
    description:
      'HTTP mode: pause between two live polls while changes arrive (at most GUN_POLL_INTERVAL_MS)',
    example: '250',
    default: '250',
    min: 50,
    max: 3_600_000,
    unit: 'milliseconds',
  }),
  GUN_POLL_MAX_READS_PER_MIN: intVar({
    description:
      'HTTP mode: most requests the live poller sends each peer in any minute while idle, 6 x as many while changes arrive (2/3 for the recent-changes node and 1/3 for legacy index signals and entries; 1/4 and 3/4 while the relay has no recent-changes node)',
    example: '60',
    default: '60',
    min: 6,
    max: 60_000,
  }),
  GUN_WRITE_TOKEN: stringVar({
    description:
      'Bearer token sent with registry writes to the relay /put (the relay GUN_RELAY_WRITE_TOKEN); or GUN_WRITE_TOKEN_FILE',
    example: 'change-me-to-a-long-random-token',
    secret: true,
  }),
  GUN_REGISTRY_LAYOUT: enumVar(['both', 'legacy', 'v2'], {
    description:
      "Registry layouts our writer writes (docs/registry-v2.md): both = OIP's legacy index and the bucketed v2, legacy or v2 only; readers always prefer v2 and fall back to legacy",
    example: 'both',
    default: 'both',
  }),
  GUN_REGISTRY_BUCKET_SPAN_MS: intVar({
    description: 'Registry v2: length of one bucket window (buckets open by time of writing)',
    example: '3600000',
    default: '3600000',
    min: 60_000,
    max: 7 * 24 * 3_600_000,
    unit: 'milliseconds',
  }),
  GUN_REGISTRY_BUCKET_MAX_ENTRIES: intVar({
    description:
      'Registry v2: entries our writer puts into one bucket node before it opens the next',
    example: '1000',
    default: '1000',
    min: 10,
    max: 10_000,
  }),
  GUN_REGISTRY_FULL_SCAN_MS: intVar({
    description:
      'Discovery: scans between two full registry scans are incremental (v2 buckets since the last mark); a full scan also merges legacy-only entries and reconciles',
    example: '21600000',
    default: '21600000',
    min: 0,
    max: 30 * 24 * 3_600_000,
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
  GUN_SYNC_RECHECK_MS: intVar({
    description:
      'A registry entry that has not changed is read again after this long, spread over the full scans, so a record edited without a new registration (OIP ignores registry write errors) is still found; 0 = never',
    example: '86400000',
    default: '86400000',
    min: 0,
    max: 365 * 24 * 3_600_000,
    unit: 'milliseconds',
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
  GUN_SYNC_MAX_CLOCK_SKEW_MS: intVar({
    description:
      "How far past this node's clock a record or deletion version may be; later ones are skipped with reason future-version (anyone can write a GUN soul, and a far-future version would win for good)",
    example: '300000',
    default: '300000',
    min: 0,
    max: 7 * 24 * 3_600_000,
    unit: 'milliseconds',
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
  DISCOVERY_TYPE_CONCURRENCY: intVar({
    description:
      "Record types one scan reads at the same time: a type missing from the relay costs one not-found wait (3 s on OIP's relay), so 37 types read one after another cost minutes",
    example: '16',
    default: '16',
    min: 1,
    max: 256,
  }),
  DISCOVERY_LIVE: boolVar({
    description: 'Subscribe to new registry entries between full scans (the live path)',
    example: 'true',
    default: 'true',
  }),
  DISCOVERY_LIVE_FLUSH_MS: intVar({
    description: 'How long live entries are buffered before they are enqueued together',
    example: '50',
    default: '50',
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

export const transformVars = {
  TRANSFORM_CONCURRENCY: intVar({
    description:
      'Most records one transform worker processes at the same time (GUN reads, decryption, conversion); its reads share GUN_HTTP_CONCURRENCY, whose adaptive limit decides how many of them read at once',
    example: '256',
    default: '256',
    min: 1,
    max: 256,
  }),
  TRANSFORM_MISSING_ATTEMPTS: intVar({
    description:
      'Reads of a record that is missing or partial in GUN before it is parked in the dead-letter set; at most the attempts of a sync.transform job (the error names them)',
    example: '3',
    default: '3',
    min: 1,
    max: 50,
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
  GUN_LEGACY_KEY_PASSWORD: stringVar({
    description:
      "Password of OIP's legacy shared key (PBKDF2-SHA256, 100000 rounds); or GUN_LEGACY_KEY_PASSWORD_FILE",
    example: 'gun-encryption-key',
    default: 'gun-encryption-key',
    secret: true,
  }),
  GUN_LEGACY_KEY_SALT: stringVar({
    description:
      'Salt of the legacy shared key, also used for GUN_NODE_ENCRYPTION_KEY and GUN_SHARED_KEYS; or GUN_LEGACY_KEY_SALT_FILE',
    example: 'salt',
    default: 'salt',
    secret: true,
  }),
  GUN_SHARED_KEYS: stringVar({
    description:
      'More shared passwords tried after the legacy key and GUN_NODE_ENCRYPTION_KEY, comma-separated (key rotation); or GUN_SHARED_KEYS_FILE',
    example: 'old-passphrase,new-passphrase',
    secret: true,
  }),
  GUN_USER_SALTS: stringVar({
    description:
      'Per-user salts, comma-separated <user public key hex>:<salt hex>, several per user allowed (unset = only the public fallback key); or GUN_USER_SALTS_FILE',
    example:
      '02abababababababababababababababababababababababababababababababab:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd',
    secret: true,
    pattern: /^\s*[0-9a-fA-F]+:[0-9a-fA-F]+\s*(,\s*[0-9a-fA-F]+:[0-9a-fA-F]+\s*)*,?\s*$/,
    hint: 'comma-separated <user public key hex>:<salt hex>',
  }),
  GUN_ORGANIZATION_KEYS: stringVar({
    description:
      'Organization owner keys, comma-separated <organization DID>=<owner private key hex>:<organization public key hex>; or GUN_ORGANIZATION_KEYS_FILE',
    example:
      'did:arweave:org-example=1111111111111111111111111111111111111111111111111111111111111111:032222222222222222222222222222222222222222222222222222222222222222',
    secret: true,
    pattern:
      /^\s*did:[a-z0-9]+:[^\s,=]+=[0-9a-fA-F]+:[0-9a-fA-F]+\s*(,\s*did:[a-z0-9]+:[^\s,=]+=[0-9a-fA-F]+:[0-9a-fA-F]+\s*)*,?\s*$/,
    hint: 'comma-separated <organization DID>=<owner private key hex>:<organization public key hex>',
  }),
  GUN_DECRYPT_KEY_CACHE_SIZE: intVar({
    description:
      'Most derived keys kept in memory (one PBKDF2 derivation costs about 20 ms of CPU)',
    example: '10000',
    default: '10000',
    min: 1,
    max: 1_000_000,
  }),
  GUN_SYNC_VERIFY_SIGNATURES: enumVar(['off', 'warn', 'enforce'], {
    description:
      'Creator signatures: off, warn (verify, count failures, keep the record) or enforce (skip with reason bad-signature)',
    example: 'warn',
    default: 'warn',
  }),
  GUN_MAX_RECORD_BYTES: intVar({
    description:
      'Largest record accepted (JSON size of its GUN nodes, and of decrypted data); larger ones are skipped with reason too-large',
    example: '5242880',
    default: '5242880',
    min: 1024,
    max: 104_857_600,
    unit: 'bytes',
  }),
} satisfies Record<string, EnvVar>;

export const indexerVars = {
  INDEXER_CONCURRENCY: intVar({
    description:
      'Jobs the indexer works on at once; their documents are batched together, so this also caps a batch',
    example: '64',
    default: '64',
    min: 1,
    max: 1000,
  }),
  INDEXER_BATCH_MAX_DOCS: intVar({
    description: 'Most documents in one Elasticsearch _bulk request',
    example: '500',
    default: '500',
    min: 1,
    max: 10_000,
  }),
  INDEXER_BATCH_MAX_BYTES: intVar({
    description:
      'Most bytes of documents in one _bulk request (a single larger document is sent alone)',
    example: '5242880',
    default: '5242880',
    min: 1024,
    max: 100 * 1024 * 1024,
    unit: 'bytes',
  }),
  INDEXER_FLUSH_MS: intVar({
    description:
      'Longest a document waits for its batch to fill before the batch is sent, under a backlog; while the queue has nothing waiting, a batch is sent as soon as every active job has handed its document over',
    example: '200',
    default: '200',
    min: 1,
    max: 60_000,
    unit: 'milliseconds',
  }),
  INDEXER_QUIET_REFRESH_MS: intVar({
    description:
      'When the indexer is quiet (a batch of at most a quarter of its job slots), it asks Elasticsearch to make that batch searchable at once, at most once per this many ms; under a backlog the index refresh interval applies as usual. 0 = never',
    example: '250',
    default: '250',
    min: 0,
    max: 60_000,
    unit: 'milliseconds',
  }),
  INDEXER_RATE_LIMIT_MS: intVar({
    description:
      'First pause of the whole sync.index queue when Elasticsearch is unavailable or overloaded (429, 5xx, no connection); doubles per failed batch up to 60 s, with jitter',
    example: '1000',
    default: '1000',
    min: 10,
    max: 600_000,
    unit: 'milliseconds',
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
      'Admin token (at least 16 characters) for state-changing routes, dead letters and the dashboard: Authorization: Bearer <token>, or Basic auth with the token as password in a browser; unset = those routes answer 403; or API_ADMIN_TOKEN_FILE',
    example: 'change-me-to-a-long-random-token',
    secret: true,
    minLength: 16,
  }),
  API_HEALTH_AUTH: boolVar({
    description:
      'Require the admin token for the read-only health routes and /metrics too (the probes /healthz and /readyz stay open)',
    example: 'false',
    default: 'false',
  }),
  API_CHECK_TIMEOUT_MS: intVar({
    description:
      'Time box of each dependency check (readiness) and each GUN peer reachability probe (health)',
    example: '2000',
    default: '2000',
    min: 50,
    max: 60_000,
    unit: 'milliseconds',
  }),
  HEALTH_MAX_SCAN_AGE_MS: intVar({
    description:
      'Unhealthy when the last full registry scan ended longer ago than this; unset = 2 x GUN_SYNC_INTERVAL (one missed scan is tolerated)',
    example: '1800000',
    min: 1000,
    max: 30 * 24 * 3_600_000,
    unit: 'milliseconds',
  }),
  HEALTH_MAX_STALL_MS: intVar({
    description:
      'Unhealthy when records wait in sync.transform or sync.index longer than this while no record finished for as long (a stalled pipeline)',
    example: '600000',
    default: '600000',
    min: 60_000,
    max: 7_200_000,
    unit: 'milliseconds',
  }),
  HEALTH_ERROR_WINDOW_MINUTES: intVar({
    description:
      'Window of the recent error rate the health rule looks at (not a lifetime counter)',
    example: '15',
    default: '15',
    min: 1,
    max: 120,
    unit: 'minutes',
  }),
  HEALTH_MAX_ERROR_PERCENT: intVar({
    description:
      'Unhealthy when more than this percentage of the records finished in the window failed',
    example: '10',
    default: '10',
    min: 0,
    max: 100,
    unit: 'percent',
  }),
  HEALTH_MIN_SAMPLES: intVar({
    description:
      'Records that must have finished in the window before the error rate counts (a single failure in a quiet hour is not an outage)',
    example: '20',
    default: '20',
    min: 1,
    max: 1_000_000,
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
    description:
      "Folder of the relay's storage: gun-relay.sqlite for the sqlite store, radisk's files for radisk (OIP's relay keeps them in data/)",
    example: './data',
    default: './data',
    identity: true,
  }),
  GUN_RELAY_STORE: enumVar(['sqlite', 'radisk', 'memory'], {
    description:
      "Where the relay keeps GUN's graph: sqlite (every field with its GUN state in node:sqlite, a put acknowledged once committed), radisk (OIP's store, loses records at scale) or memory (nothing kept across restarts; tests)",
    example: 'sqlite',
    default: 'sqlite',
  }),
  GUN_RELAY_GRAPH_MAX_MB: intVar({
    description:
      "With the sqlite store: size of GUN's in-memory graph (estimated bytes of the nodes written or read most recently) above which the least recently used nodes are dropped from memory; reads of them come from the store",
    example: '64',
    default: '64',
    min: 1,
    max: 65_536,
    unit: 'megabytes',
  }),
  GUN_RELAY_GET_WAIT_MS: intVar({
    description:
      'Longest GET /get waits for the relay and its peers; a soul nobody has answers 404 after this (OIP waits 3000)',
    example: '250',
    default: '250',
    min: 10,
    max: 30_000,
    unit: 'milliseconds',
  }),
  GUN_RELAY_STREAM_LIMIT_MS: intVar({
    description:
      'Longest GET /get waits for a node that is still arriving in parts (radisk streams a large index in chunks); one still arriving then is answered 503 (partial), never 200 with part of it. At least GUN_RELAY_GET_WAIT_MS',
    example: '10000',
    default: '10000',
    min: 10,
    max: 300_000,
    unit: 'milliseconds',
  }),
  GUN_RELAY_NOT_FOUND_WAIT_MS: intVar({
    description:
      "OIP-behaviour mode: GET /get answers a soul the relay does not have with 404 only this long after the request arrived, as OIP's relay does (3000); 0 = as soon as the read settles",
    example: '3000',
    default: '0',
    min: 0,
    max: 30_000,
    unit: 'milliseconds',
  }),
  GUN_RELAY_RESOLVE_LINKS: boolVar({
    description:
      "GET /get?resolve=1 replaces links by the nodes they point to; false = OIP's relay, links (index entries) always come back unresolved",
    example: 'true',
    default: 'true',
  }),
  GUN_RELAY_PUT_TIMEOUT_MS: intVar({
    description: 'Longest POST /put waits for GUN to store the write before answering 504',
    example: '10000',
    default: '10000',
    min: 100,
    max: 120_000,
    unit: 'milliseconds',
  }),
  GUN_RELAY_MAX_BODY_BYTES: intVar({
    description:
      "Largest accepted request body; larger ones get 413 (OIP's own writers re-send whole registry indexes, about 100 bytes per entry)",
    example: '8388608',
    default: '8388608',
    min: 1024,
    max: 1_073_741_824,
    unit: 'bytes',
  }),
  GUN_RELAY_WRITE_TOKEN: stringVar({
    description:
      'Bearer token POST /put must carry (at least 16 characters); unset = writes are open, as in OIP; or GUN_RELAY_WRITE_TOKEN_FILE',
    example: 'change-me-to-a-long-random-token',
    secret: true,
    minLength: 16,
  }),
} satisfies Record<string, EnvVar>;

/** SYNC_SEAL_KEY as the stages that seal or open documents (transform, indexer) declare it: required. */
export const requiredSealKey = { ...cryptoVars.SYNC_SEAL_KEY, required: true as const };

/** services/cli (the operator CLI `gun-sync`); it also reads the shared groups above. */
export const cliVars = {
  API_URL: urlVar(['http', 'https'], {
    description:
      "Base URL of this node's gun-sync API, for the CLI's dead-letter commands (they send API_ADMIN_TOKEN)",
    example: 'http://127.0.0.1:3005',
    default: 'http://127.0.0.1:3005',
  }),
  CLI_USERS_INDEX: stringVar({
    description:
      "Elasticsearch index of OIP's users read by `gun-sync migrate --users-only` (only publicKey and createdAt are read)",
    example: 'users',
    default: 'users',
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
  transform: transformVars,
  crypto: cryptoVars,
  indexer: indexerVars,
  api: apiVars,
  relay: relayVars,
  cli: cliVars,
} as const;

export type EnvGroupName = keyof typeof envCatalog;

/** All variables of all groups, by name. */
export function allEnvVars(): Record<string, EnvVar> {
  return Object.assign({}, ...Object.values(envCatalog)) as Record<string, EnvVar>;
}
