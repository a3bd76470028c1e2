/** Help texts: what `gun-sync --help` and `gun-sync <command> --help` print. */

const main = `gun-sync: operator commands of a gun-sync node

Usage:
  gun-sync migrate [options]          register this node's GUN records (and users' public keys) in the GUN registry
  gun-sync registry stats [--type T]  registry entries by record type and by node id
  gun-sync registry diff [--type T]   registry vs this node's Elasticsearch: what is missing on either side
  gun-sync dlq list [--reason R]      dead-lettered records (through the API)
  gun-sync dlq retry --soul S | --reason R
  gun-sync reconcile [--type T] [--fix]  registry vs index: missing, stale, to delete, orphaned, unaccounted
  migrate-existing-gun-records [options]   same as gun-sync migrate (OIP's script name)
  gun-sync --version                  the version of the CLI (services/cli/package.json)

Every command reads the services' environment (GUN_*, ELASTICSEARCH_*, REDIS_URL, QUEUE_PREFIX,
GUN_NODE_ID_OVERRIDE, API_URL, API_ADMIN_TOKEN). --json prints one JSON document instead of tables.

Exit codes: 0 success, 1 failure (some items failed, or a service was unreachable), 2 bad usage or configuration.
Run gun-sync <command> --help for the options of a command.`;

const migrate = `gun-sync migrate: register this node's existing GUN records in the GUN registry

Usage: gun-sync migrate [--dry-run] [--force] [--records-only | --users-only]
                        [--type T] [--limit N] [--batch-size N] [--concurrency N] [--json]

Records: pages through ELASTICSEARCH_INDEX for did:gun: documents (point-in-time + search_after, no
10,000 cap), checks each (oip.recordType, oip.creator.publicKey, data, and that the soul belongs to
the creator key), and registers it under this node's id (spec section 4) unless this node's
registration of it already exists.

Users: publishes each user's public identity only (public key and creation time) to the registry's
users directory (<GUN_REGISTRY_ROOT>:users), read from CLI_USERS_INDEX. It never reads or publishes
e-mail addresses or any other personal field. (OIP's migrate-existing-gun-records.js tried to write
e-mail, waitlist and subscription fields to oip:user:<email>; that write always failed, so no OIP
node ever published them, and this command deliberately does not either.)

Options:
  --dry-run        read only: report what would be registered and published, write nothing
  --force          register records even when this node already registered them
  --records-only   skip the users part          (OIP: --recordsOnly)
  --users-only     only the users part          (OIP: --usersOnly)
  --type T         only records of record type T
  --limit N        stop after N documents
  --batch-size N   documents per Elasticsearch page (default 500, at most 10000)
  --concurrency N  registry reads and writes in flight (default 8)
  --json           machine output

Exit codes: 0 every record and user done (invalid documents are skipped and listed),
1 some registrations failed or a service was unreachable, 2 bad usage or configuration.`;

const registry = `gun-sync registry: inspect the GUN registry

Usage:
  gun-sync registry stats [--type T] [--json]
      entries of every record type index, by type and by registering node id
  gun-sync registry diff [--type T] [--show N] [--json]
      souls in the registry but not in this node's Elasticsearch, and did:gun: documents in
      Elasticsearch that no registry index lists; --show N lists the first N of each (default 20)

Record types: every type the relays list, plus GUN_SYNC_RECORD_TYPES (and, for diff, the types of this node's documents).`;

const dlq = `gun-sync dlq: dead-lettered records, through this node's API (API_URL, API_ADMIN_TOKEN)

Usage:
  gun-sync dlq list [--reason R] [--offset N] [--limit N] [--json]
  gun-sync dlq retry --soul <soul> | --reason <reason> [--json]`;

const reconcile = `gun-sync reconcile: account for every registry entry and every indexed gun document

Usage: gun-sync reconcile [--type T] [--deep] [--fix [--delete-orphans]] [--json]

Reads the registry from every configured relay (GUN_PEERS and GUN_EXTERNAL_PEERS; each must answer),
both layouts (every v2 bucket and the legacy index) and the deletion registry, and compares it with
ELASTICSEARCH_INDEX (ids and versions), a page at a time. Counts, with up to 20 samples each:
  missing          listed, not indexed, not dead-lettered, not skipped by policy, not deleted
  queued           missing, with a transform job waiting or running
  unaccounted      missing with nothing queued: lost unless --fix
  stale            indexed at an older version than the record on GUN (read for candidates: entries
                   registered after the indexed copy was synced; every indexed entry with --deep)
  shouldBeDeleted  indexed at a version the deletion registry's deletedAt covers
  orphaned         an indexed gun document no registry lists (and no deletion)
  deadLettered     not indexed (or stale) and in the dead-letter set, by reason
  skipped          entries this node does not sync (own, untrusted, type-filtered, invalid), by reason

Options:
  --type T          only record type T (must be a type the registry or GUN_SYNC_RECORD_TYPES lists)
  --deep            read every indexed entry's record from GUN to check its version (slow)
  --fix             enqueue the healing jobs: transform for unaccounted and stale, delete for shouldBeDeleted
  --delete-orphans  with --fix, also delete orphaned documents (by default they are only reported)
  --json            machine output

Exit codes: 0 a complete report, 1 the run could not complete (unknown type, a relay, Redis or
Elasticsearch unreachable, a registry index read in part), 2 bad usage or configuration.`;

const topics: Record<string, string> = {
  reconcile,
  migrate,
  'migrate-existing-gun-records': migrate,
  registry,
  dlq,
};

export function helpText(topic?: string): string {
  return (topic && topics[topic]) ?? main;
}
