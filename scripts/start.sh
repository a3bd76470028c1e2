#!/usr/bin/env bash
# Quick start: installs what is needed, starts the local services (Redis, Elasticsearch, GUN
# relay) on 127.0.0.1 and runs gun-sync against them in the foreground (Ctrl-C stops it;
# `bash infra/local/services.sh down` stops the services).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"
install_deps
bash infra/local/services.sh up
set -a
if [ -f .env ]; then source .env; fi
# shellcheck disable=SC1091
source .local/services.env
set +a
export API_HOST="${API_HOST:-127.0.0.1}"
log "starting gun-sync (API on http://$API_HOST:${API_PORT:-3005}; try /readyz)"
exec tsx services/api/src/main.ts
