#!/bin/sh
# Starts one gun-sync service in the image. The first argument names it: api, discovery,
# transform, indexer, gun-relay or standalone (any folder of services/ with a src/main.ts).
# exec: node becomes the container's main process and gets SIGTERM itself (graceful shutdown).
set -eu

usage() {
  names=""
  for main in /app/services/*/src/main.ts; do
    name="${main#/app/services/}"
    names="$names ${name%%/*}"
  done
  echo "usage: <service> [args...]; services:$names" >&2
  exit 64
}

[ "$#" -ge 1 ] || usage
service="$1"
shift
case "$service" in
  '' | *[!a-z-]*) usage ;;
esac
main="services/$service/src/main.ts"

cd /app
[ -f "$main" ] || usage
exec node --import tsx "$main" "$@"
