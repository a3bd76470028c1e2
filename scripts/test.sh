#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the toolchain and dependencies (pnpm,
# the workspace, Debian's chromium for the browser test, the deployment validators), starts the
# local services (Redis, Elasticsearch, GUN relay) unless their URLs are given, then runs
# typecheck, lint, format check, the deployment validation, every unit and integration test in
# one vitest run with coverage gates, and the two-node demo in its checking mode.
#
#   REDIS_URL=… ELASTICSEARCH_URL=… GUN_PEERS=… bash scripts/test.sh   # use services you run
#   bash scripts/test.sh                                              # start local ones
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

step() { log "== $* =="; }
started_services=0
finish() {
  local code=$?
  if [ "$started_services" = 1 ] && [ "${CI:-}" = "true" ]; then
    bash infra/local/services.sh down || true
  elif [ "$started_services" = 1 ]; then
    log "local services left running for the next run; stop them with: bash infra/local/services.sh down"
  fi
  exit "$code"
}
trap finish EXIT

step "install"
install_deps
ensure_commands chromium:chromium

if [ -n "${REDIS_URL:-}" ] && [ -n "${ELASTICSEARCH_URL:-}" ] && [ -n "${GUN_PEERS:-}" ]; then
  log "using the services given in the environment"
elif docker info >/dev/null 2>&1; then
  log "a Docker engine answers: integration tests will start services with Testcontainers"
else
  step "local services"
  bash infra/local/services.sh up
  started_services=1
  set -a
  # shellcheck disable=SC1091
  source .local/services.env
  set +a
fi

step "typecheck"
pnpm -s typecheck
step "lint"
pnpm -s lint
step "format"
pnpm -s format
step "deployment validation (compose, kubernetes, dockerfile)"
pnpm -s validate:deploy
step "unit and integration tests (with coverage)"
pnpm -s test:all
step "demo: two nodes, records published on A searchable on B (scripts/demo.sh --check)"
node --import tsx scripts/demo.ts --check
step "done"
