#!/usr/bin/env bash
# The model-based convergence test (test/model/convergence.int.test.ts) at any length; CI runs it
# with its default two runs inside the integration suite.
#
#   pnpm test:model --runs 50                   # 50 seeded runs (a new seed, printed)
#   pnpm test:model --runs 50 --seed 1234       # the same 50 runs again
#   pnpm test:model --seed 1234 --path 7 --shrink
#                                               # one failing case (seed and path as fast-check
#                                               # printed them), shrunk to a minimal command list
#   pnpm test:model --commands 40               # longer command sequences (default 24)
#
# Services as for every integration test: REDIS_URL, ELASTICSEARCH_URL and GUN_PEERS, or the
# .local/services.env that `bash infra/local/services.sh up` writes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

usage="usage: pnpm test:model [--runs N] [--seed S] [--commands N] [--path P] [--shrink]"
value() {
  [ -n "${2:-}" ] || { log "$1 needs a value; $usage"; exit 64; }
}
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) value "$1" "${2:-}"; export MODEL_RUNS="$2"; shift 2 ;;
    --seed) value "$1" "${2:-}"; export MODEL_SEED="$2"; shift 2 ;;
    --commands) value "$1" "${2:-}"; export MODEL_COMMANDS="$2"; shift 2 ;;
    --path) value "$1" "${2:-}"; export MODEL_PATH="$2"; shift 2 ;;
    --shrink) export MODEL_SHRINK=1; shift ;;
    -h | --help) log "$usage"; exit 0 ;;
    *) log "unknown option $1; $usage"; exit 64 ;;
  esac
done

ensure_pnpm
exec pnpm exec vitest run --project integration test/model/convergence.int.test.ts
