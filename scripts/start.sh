#!/usr/bin/env bash
# Quick start: installs what is needed, starts the local services (Redis, Elasticsearch, GUN
# relay) on 127.0.0.1 and runs the whole gun-sync pipeline in one process in the foreground:
# API, discovery, transform and indexer (Ctrl-C stops it; `bash infra/local/services.sh down`
# stops the services). Settings come from .env when present (see .env.example).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
install_deps
bash infra/local/services.sh up

# Secrets the pipeline needs, generated once and kept in the ignored .local/ folder.
umask 077
[ -s .local/seal.key ] || node -e "process.stdout.write(require('crypto').randomBytes(32).toString('hex'))" >.local/seal.key
[ -s .local/admin.token ] || node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))" >.local/admin.token
umask 022

set -a
if [ -f .env ]; then source .env; fi
# shellcheck disable=SC1091
source .local/services.env
set +a
export API_HOST="${API_HOST:-127.0.0.1}"
[ -n "${SYNC_SEAL_KEY:-}" ] || export SYNC_SEAL_KEY_FILE="${SYNC_SEAL_KEY_FILE:-$REPO_ROOT/.local/seal.key}"
[ -n "${API_ADMIN_TOKEN:-}" ] || export API_ADMIN_TOKEN_FILE="${API_ADMIN_TOKEN_FILE:-$REPO_ROOT/.local/admin.token}"
# The local relay speaks OIP's relay HTTP API.
export GUN_PEERS="${GUN_RELAY_URL}"

log "starting gun-sync: API on http://$API_HOST:${API_PORT:-3005} (try /api/health/gun-sync, /docs;"
log "the dashboard /admin/queues takes the token in .local/admin.token)"
exec node --import tsx services/standalone/src/main.ts
