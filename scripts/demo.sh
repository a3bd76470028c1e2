#!/usr/bin/env bash
# Two gun-sync nodes on this machine: node A publishes sample OIP records (public with arrays,
# private under the legacy shared key and under a per-user key, one updated, one deleted) and
# the demo prints each one as it becomes searchable on node B, with its latency; then the URLs
# of B's health JSON, Swagger UI and Bull Board (Ctrl-C stops it).
#
#   bash scripts/demo.sh            # interactive
#   bash scripts/demo.sh --check    # non-interactive: exits 0 only when B holds exactly the expected documents
#
# Uses the local Redis and Elasticsearch of infra/local/services.sh (started here when needed),
# or REDIS_URL and ELASTICSEARCH_URL when both are set; both nodes' relays run inside the demo.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
install_deps
if [ -z "${REDIS_URL:-}" ] || [ -z "${ELASTICSEARCH_URL:-}" ]; then
  bash infra/local/services.sh up
fi
exec node --import tsx scripts/demo.ts "$@"
