#!/bin/sh
# Docker HEALTHCHECK for every service of the image: finds which service this container runs
# (the node process started by entrypoint.sh) and asks its liveness endpoint on 127.0.0.1.
# Liveness, not readiness: it never depends on Redis, Elasticsearch or the relays. The CLI
# (`cli …`, a command that ends by itself) has no endpoint and counts as healthy while it runs.
set -eu

service="${1:-}"
if [ -z "$service" ]; then
  # PID 1 first (entrypoint.sh execs node), then any process (under an init such as tini).
  for cmdline in /proc/1/cmdline /proc/[0-9]*/cmdline; do
    service="$(tr '\000' '\n' < "$cmdline" 2>/dev/null | sed -n -e 's#^services/\([a-z-]*\)/src/main\.ts$#\1#p' -e 's#^services/cli/bin/gun-sync\.js$#cli#p' | head -n 1)" || true
    if [ -n "$service" ]; then break; fi
  done
fi

case "$service" in
  cli) exit 0 ;;
  api) url="http://127.0.0.1:${API_PORT:-3005}/healthz" ;;
  gun-relay) url="http://127.0.0.1:${GUN_RELAY_PORT:-8765}/health" ;;
  discovery | transform | indexer | standalone) url="http://127.0.0.1:${PROBE_PORT:-9464}/health/live" ;;
  *)
    echo "healthcheck: no gun-sync service found (got '$service')" >&2
    exit 1
    ;;
esac

exec node -e '
fetch(process.argv[1], { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);' "$url"
