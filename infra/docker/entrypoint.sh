#!/bin/sh
# Starts one gun-sync service in the image, or runs the operator CLI. The first argument names it:
#   api, discovery, transform, indexer, gun-relay, standalone: a long-running service, the
#     src/main.ts of that folder of services/ (every folder with one is accepted);
#   cli <command> [options]: the operator CLI `gun-sync` (docs/cli.md), for example
#     `docker run --rm <image> cli migrate --dry-run`; its exit code is the container's.
# Anything else is refused with exit code 64 and the list of names.
# exec: node becomes the container's main process and gets SIGTERM itself (graceful shutdown).
# GUN_SYNC_APP_DIR (default /app, the image's) is where the app lives; tests point it at a checkout.
set -eu

app="${GUN_SYNC_APP_DIR:-/app}"

names() {
  list=""
  for main in "$app"/services/*/src/main.ts; do
    name="${main#"$app"/services/}"
    list="$list ${name%%/*}"
  done
  echo "${list# }"
}

refuse() {
  echo "entrypoint.sh: $1; run one of: $(names)" >&2
  exit 64
}

[ "$#" -ge 1 ] || refuse "no service given"
service="$1"
shift
case "$service" in
  '' | *[!a-z-]*) refuse "unknown service \"$service\"" ;;
  # The bin shim calls the CLI's main() (src/main.ts only exports it) and keeps GUN's
  # import-time welcome line off stdout, where it would corrupt --json.
  cli) main="services/cli/bin/gun-sync.js" ;;
  *) main="services/$service/src/main.ts" ;;
esac

cd "$app"
[ -f "$main" ] || refuse "unknown service \"$service\""
# The V8 settings a service is measured with (its package.json's "nodeOptions", e.g.
# discovery's heap cap: docs/deploy.md) go before the operator's NODE_OPTIONS, so theirs win.
# test/support/processes.ts starts services for tests and benchmarks the same way.
defaults=$(NODE_OPTIONS='' node -p "require('./services/$service/package.json').nodeOptions ?? ''")
[ -z "$defaults" ] || export NODE_OPTIONS="$defaults${NODE_OPTIONS:+ $NODE_OPTIONS}"
exec node --import tsx "$main" "$@"
