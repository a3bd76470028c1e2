#!/usr/bin/env bash
# Local services for development and integration tests, without Docker: Redis, Elasticsearch
# and our GUN relay as plain processes bound to 127.0.0.1, state under .local/, downloads under
# .cache/. Idempotent: `up` starts only what is not already running and answering.
#
#   bash infra/local/services.sh up|down|status [redis|elasticsearch|gun]
#
# Ports: LOCAL_REDIS_PORT (6390), LOCAL_ES_PORT (19200), LOCAL_ES_TRANSPORT_PORT (19300),
# LOCAL_GUN_PORT (18765). `up` writes the URLs into .local/services.env for tests and tools.
# `status` exits 0 when every selected service runs, 3 otherwise.
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

ROOT="$REPO_ROOT"
LOCAL_DIR="$ROOT/.local"
ENV_FILE="$LOCAL_DIR/services.env"

REDIS_PORT="${LOCAL_REDIS_PORT:-6390}"
ES_PORT="${LOCAL_ES_PORT:-19200}"
ES_TRANSPORT_PORT="${LOCAL_ES_TRANSPORT_PORT:-19300}"
GUN_PORT="${LOCAL_GUN_PORT:-18765}"

REDIS_DIR="$LOCAL_DIR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

ES_VERSION="8.19.7"
# The integ-test-zip is the only Elasticsearch distribution on Maven Central. It is a minimal
# node: server plus transport-netty4, x-pack-core and x-pack-security (no rest-root module, so
# `GET /` answers 405; no mapper-extras, analysis-common, reindex, painless or ingest modules).
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
ES_CACHE="$ROOT/.cache/elasticsearch"
ES_HOME="$ES_CACHE/elasticsearch-$ES_VERSION"
ES_DIR="$LOCAL_DIR/elasticsearch"
ES_PID="$ES_DIR/elasticsearch.pid"
ES_URL="http://127.0.0.1:$ES_PORT"
ES_START_TIMEOUT="${LOCAL_ES_START_TIMEOUT:-180}"
# Elasticsearch refuses to run as root. As root we run it as this unprivileged system user,
# created on first use, which owns .local/elasticsearch (config, data, logs, tmp, pid file);
# the unpacked distribution under .cache stays root-owned and world-readable.
ES_USER="${LOCAL_ES_USER:-gunsync-es}"

GUN_DIR="$LOCAL_DIR/gun-relay"
GUN_PID="$GUN_DIR/relay.pid"
GUN_LOG="$GUN_DIR/relay.log"
GUN_RELAY_URL="http://127.0.0.1:$GUN_PORT"

log() { printf '[local-services] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

need_cmd() { # need_cmd <command> <debian package>
  ensure_commands "$1:$2" || die "missing $1"
}

# ---- pid files ------------------------------------------------------------------------------

read_pid() { # prints the pid in file $1 if that process is alive and its command line matches $2
  local file="$1" pattern="$2" pid
  [ -f "$file" ] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -e "$pattern"; then
    printf '%s' "$pid"
    return 0
  fi
  log "removing stale pid file $file"
  rm -f "$file"
  return 1
}

stop_pid() { # stop_pid <name> <pid> <seconds before SIGKILL>
  local name="$1" pid="$2" grace="$3" target="$2" waited=0
  # A process we started with setsid leads its own group: signal the group so children go too.
  if [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then target="-$pid"; fi
  log "stopping $name (pid $pid)"
  kill -TERM -- "$target" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge "$((grace * 10))" ]; then
      log "$name did not exit within ${grace}s; sending SIGKILL"
      kill -KILL -- "$target" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  log "$name stopped"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Each service's folder keeps the port it was started on: a running copy is only "ours" on the
# port asked for, so a changed LOCAL_*_PORT never mistakes another server there for it.
same_port() { # same_port <folder> <port>
  [ "$(cat "$1/port" 2>/dev/null || true)" = "$2" ]
}

check_port() { # check_port <service> <folder> <port> <pid>
  same_port "$2" "$3" && return 0
  die "$1 (pid $4) runs on port $(cat "$2/port" 2>/dev/null || echo '?'), not $3: run '$0 down $1' first"
}

# ---- Redis ----------------------------------------------------------------------------------

# Patterns match the program, not the port: after a port change `down` still finds the process.
redis_pid() { read_pid "$REDIS_PID" "^redis-server "; }

redis_answers() {
  local reply
  reply="$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)"
  [ "$reply" = "PONG" ]
}

redis_up() {
  need_cmd redis-server redis-server
  need_cmd redis-cli redis-tools
  local pid
  if pid="$(redis_pid)"; then
    check_port redis "$REDIS_DIR" "$REDIS_PORT" "$pid"
    redis_answers || die "redis (pid $pid) runs but does not answer PING on $REDIS_URL"
    log "redis already running (pid $pid) at $REDIS_URL"
    return 0
  fi
  port_in_use "$REDIS_PORT" && die "port $REDIS_PORT is taken by a process this script did not start"
  mkdir -p "$REDIS_DIR"
  printf '%s\n' "$REDIS_PORT" >"$REDIS_DIR/port"
  log "starting redis on $REDIS_URL"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --daemonize yes --pidfile "$REDIS_PID" --dir "$REDIS_DIR" --logfile "$REDIS_DIR/redis.log" \
    --save '' --appendonly no --maxmemory-policy noeviction
  local i
  for i in $(seq 1 100); do
    if redis_answers; then
      log "redis ready (pid $(cat "$REDIS_PID")) at $REDIS_URL"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$REDIS_DIR/redis.log" >&2 || true
  die "redis did not answer PING within 10s (log: $REDIS_DIR/redis.log)"
}

redis_down() {
  local pid
  if pid="$(redis_pid)"; then stop_pid redis "$pid" 10; else log "redis not running"; fi
  rm -f "$REDIS_PID" "$REDIS_DIR/port"
}

redis_running() { redis_pid >/dev/null && same_port "$REDIS_DIR" "$REDIS_PORT" && redis_answers; }

# ---- Elasticsearch --------------------------------------------------------------------------

java_major() { # prints the major version of the java binary $1
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

find_java_home() {
  # ES 8.19 runs on Java 17 or newer; prefer the LTS releases it is tested with (17, then 21).
  local candidates=() dir want
  [ -n "${ES_JAVA_HOME:-}" ] && candidates+=("$ES_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"); fi
  for dir in /usr/lib/jvm/*; do [ -d "$dir" ] && candidates+=("$dir"); done
  for want in 17 21; do
    for dir in "${candidates[@]}"; do
      if [ -x "$dir/bin/java" ] && [ "$(java_major "$dir/bin/java")" = "$want" ]; then
        printf '%s' "$dir"
        return 0
      fi
    done
  done
  return 1
}

es_pid() { read_pid "$ES_PID" "org\.elasticsearch\.bootstrap\.Elasticsearch"; }

es_get() { curl -fsS -m 3 "$ES_URL$1" 2>/dev/null; }

es_health() { { es_get /_cluster/health || true; } | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'; }

es_answers() { local s; s="$(es_health)"; [ "$s" = green ] || [ "$s" = yellow ]; }

es_version() {
  local v
  v="$(es_get / | sed -n 's/.*"number" *: *"\([^"]*\)".*/\1/p' || true)"
  # The integ-test-zip has no rest-root module, so `GET /` is not served; ask the node itself.
  [ -n "$v" ] || v="$(es_get '/_nodes/_local?filter_path=nodes.*.version' | sed -n 's/.*"version":"\([^"]*\)".*/\1/p' || true)"
  printf '%s' "${v:-unknown}"
}

es_install() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
  need_cmd mvn maven
  need_cmd unzip unzip
  mkdir -p "$ES_CACHE"
  local zip="$ES_CACHE/elasticsearch-$ES_VERSION.zip"
  if [ ! -f "$zip" ]; then
    log "fetching $ES_ARTIFACT with maven (from ~/.m2 when present)"
    if ! (cd "$ES_CACHE" && mvn -B -Dstyle.color=never --no-transfer-progress \
      org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$ES_CACHE" >"$ES_CACHE/maven.log" 2>&1); then
      tail -n 20 "$ES_CACHE/maven.log" >&2
      die "maven could not fetch $ES_ARTIFACT (log: $ES_CACHE/maven.log)"
    fi
  fi
  log "unpacking elasticsearch $ES_VERSION into $ES_CACHE"
  local tmp
  tmp="$(mktemp -d "$ES_CACHE/unpack.XXXXXX")"
  unzip -q "$zip" -d "$tmp"
  chmod -R a+rX "$tmp/elasticsearch-$ES_VERSION"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rm -rf "$tmp" "$zip"
}

es_prepare_user() {
  is_root || return 0
  if ! id -u "$ES_USER" >/dev/null 2>&1; then
    log "creating system user $ES_USER to run elasticsearch (it refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER"
  fi
  runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" \
    || die "user $ES_USER cannot reach $ES_HOME; every folder above the repo must be world-executable"
}

es_write_config() {
  local conf="$ES_DIR/config"
  mkdir -p "$conf/jvm.options.d" "$ES_DIR/data" "$ES_DIR/logs" "$ES_DIR/tmp"
  local f
  for f in jvm.options log4j2.properties; do [ -f "$conf/$f" ] || cp "$ES_HOME/config/$f" "$conf/$f"; done
  # Security must be switched off in the file before the first start: otherwise the node
  # auto-configures TLS and passwords into elasticsearch.yml.
  cat >"$conf/elasticsearch.yml" <<EOF
# Written by infra/local/services.sh on every start; edits are lost.
cluster.name: gun-sync-local
node.name: local-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
path.data: $ES_DIR/data
path.logs: $ES_DIR/logs
action.destructive_requires_name: false
xpack.security.enabled: false
EOF
  printf -- '-Xms512m\n-Xmx512m\n' >"$conf/jvm.options.d/heap.options"
  if is_root; then chown -R "$ES_USER:$ES_USER" "$ES_DIR"; fi
}

es_wait() { # es_wait <pid of the launcher or server>
  local launcher="$1" start=$SECONDS last=-1 status
  while :; do
    status="$(es_health || true)"
    if [ "$status" = green ] || [ "$status" = yellow ]; then
      log "elasticsearch ready ($status) at $ES_URL after $((SECONDS - start))s, version $(es_version)"
      return 0
    fi
    if ! kill -0 "$launcher" 2>/dev/null && ! es_pid >/dev/null; then
      tail -n 30 "$ES_DIR/startup.log" >&2 2>/dev/null || true
      die "elasticsearch exited during startup (logs: $ES_DIR/startup.log, $ES_DIR/logs/)"
    fi
    if [ $((SECONDS - start)) -ge "$ES_START_TIMEOUT" ]; then
      die "elasticsearch not healthy after ${ES_START_TIMEOUT}s (logs: $ES_DIR/logs/); it is left running, try: $0 down elasticsearch"
    fi
    if [ $(((SECONDS - start) / 5)) -ne "$last" ]; then
      last=$(((SECONDS - start) / 5))
      log "waiting for elasticsearch at $ES_URL (${status:-no answer yet}, $((SECONDS - start))s)"
    fi
    sleep 1
  done
}

es_up() {
  need_cmd curl curl
  local pid
  if pid="$(es_pid)"; then
    check_port elasticsearch "$ES_DIR" "$ES_PORT" "$pid"
    if es_answers; then
      log "elasticsearch already running (pid $pid) at $ES_URL, version $(es_version)"
      return 0
    fi
    log "elasticsearch (pid $pid) is running but not healthy yet"
    es_wait "$pid"
    return 0
  fi
  port_in_use "$ES_PORT" && die "port $ES_PORT is taken by a process this script did not start"
  port_in_use "$ES_TRANSPORT_PORT" && die "port $ES_TRANSPORT_PORT is taken by a process this script did not start"
  local java_home
  if ! java_home="$(find_java_home)"; then
    install_packages openjdk-17-jre-headless || die "missing Java 17"
    java_home="$(find_java_home)" || die "no Java 17 or 21 found for elasticsearch"
  fi
  es_install
  es_prepare_user
  es_write_config
  printf '%s\n' "$ES_PORT" >"$ES_DIR/port"
  log "starting elasticsearch $ES_VERSION on $ES_URL (java: $java_home, heap 512m)"
  # -d: the launcher exits once the node has started and detaches; -p: the node writes its pid.
  # A clean environment keeps the caller's JAVA_TOOL_OPTIONS or ES_JAVA_OPTS out of the node.
  local as_user=()
  if is_root; then as_user=("$(command -v runuser)" -u "$ES_USER" --); fi
  setsid nohup env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_DIR/config" ES_TMPDIR="$ES_DIR/tmp" \
    "${as_user[@]}" "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID" \
    >"$ES_DIR/startup.log" 2>&1 </dev/null &
  es_wait "$!"
}

es_down() {
  local pid
  if pid="$(es_pid)"; then stop_pid elasticsearch "$pid" 60; else log "elasticsearch not running"; fi
  rm -f "$ES_PID" "$ES_DIR/port"
}

es_running() { es_pid >/dev/null && same_port "$ES_DIR" "$ES_PORT" && es_answers; }

# ---- GUN relay ------------------------------------------------------------------------------

gun_pid() { read_pid "$GUN_PID" "services/gun-relay/src/main\.ts"; }

gun_answers() { curl -fsS -m 3 "$GUN_RELAY_URL/health" >/dev/null 2>&1; }

gun_up() {
  need_cmd curl curl
  ensure_node
  [ -f "$ROOT/node_modules/tsx/package.json" ] || die "tsx is missing: run 'pnpm install' in $ROOT first"
  local pid
  if pid="$(gun_pid)"; then
    check_port gun "$GUN_DIR" "$GUN_PORT" "$pid"
    gun_answers || die "gun relay (pid $pid) runs but $GUN_RELAY_URL/health does not answer"
    log "gun relay already running (pid $pid) at $GUN_RELAY_URL"
    return 0
  fi
  port_in_use "$GUN_PORT" && die "port $GUN_PORT is taken by a process this script did not start"
  mkdir -p "$GUN_DIR/data"
  printf '%s\n' "$GUN_PORT" >"$GUN_DIR/port"
  log "starting gun relay on $GUN_RELAY_URL (log: $GUN_LOG)"
  # One node process (tsx as a loader, not its CLI wrapper), leading its own session so it
  # outlives this script. GUN_PEERS is emptied so a sourced services.env never makes the relay
  # dial itself.
  (
    cd "$ROOT"
    exec setsid nohup env GUN_RELAY_HOST=127.0.0.1 GUN_RELAY_PORT="$GUN_PORT" \
      GUN_RELAY_DATA_DIR="$GUN_DIR/data" GUN_PEERS= \
      node --import tsx services/gun-relay/src/main.ts >>"$GUN_LOG" 2>&1 </dev/null
  ) &
  pid=$!
  printf '%s\n' "$pid" >"$GUN_PID"
  local i
  for i in $(seq 1 300); do
    if gun_answers; then
      log "gun relay ready (pid $pid) at $GUN_RELAY_URL"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$GUN_LOG" >&2 || true
      rm -f "$GUN_PID"
      die "gun relay exited during startup (log: $GUN_LOG)"
    fi
    sleep 0.2
  done
  die "gun relay did not answer $GUN_RELAY_URL/health within 60s (log: $GUN_LOG)"
}

gun_down() {
  local pid
  if pid="$(gun_pid)"; then stop_pid 'gun relay' "$pid" 15; else log "gun relay not running"; fi
  rm -f "$GUN_PID" "$GUN_DIR/port"
}

gun_running() { gun_pid >/dev/null && same_port "$GUN_DIR" "$GUN_PORT" && gun_answers; }

# ---- commands -------------------------------------------------------------------------------

write_env_file() {
  mkdir -p "$LOCAL_DIR"
  cat >"$ENV_FILE" <<EOF
# Written by infra/local/services.sh up; read by test/global-setup.ts and the quick start.
REDIS_URL=$REDIS_URL
ELASTICSEARCH_URL=$ES_URL
GUN_PEERS=$GUN_RELAY_URL/gun
GUN_RELAY_URL=$GUN_RELAY_URL
EOF
  log "wrote $ENV_FILE"
}

url_of() {
  case "$1" in
    redis) printf '%s' "$REDIS_URL" ;;
    elasticsearch) printf '%s' "$ES_URL" ;;
    gun) printf '%s' "$GUN_RELAY_URL" ;;
  esac
}

usage() {
  printf 'usage: %s up|down|status [redis|elasticsearch|gun]\n' "$0" >&2
  exit 2
}

main() {
  local command="${1:-}" services=(redis elasticsearch gun) service
  case "${2:-}" in
    '') ;;
    redis | elasticsearch | gun) services=("$2") ;;
    es) services=(elasticsearch) ;;
    *) usage ;;
  esac
  case "$command" in
    up)
      mkdir -p "$LOCAL_DIR"
      for service in "${services[@]}"; do
        case "$service" in
          redis) redis_up ;;
          elasticsearch) es_up ;;
          gun) gun_up ;;
        esac
      done
      write_env_file
      ;;
    down)
      # Reverse order: the relay first, Redis last.
      for ((i = ${#services[@]} - 1; i >= 0; i--)); do
        case "${services[$i]}" in
          redis) redis_down ;;
          elasticsearch) es_down ;;
          gun) gun_down ;;
        esac
      done
      if [ "${#services[@]}" -eq 3 ]; then rm -f "$ENV_FILE"; fi
      ;;
    status)
      local all=0 state
      for service in "${services[@]}"; do
        state=stopped
        case "$service" in
          redis) redis_running && state=running ;;
          elasticsearch) es_running && state=running ;;
          gun) gun_running && state=running ;;
        esac
        [ "$state" = running ] || all=3
        printf '%-14s %-8s %s\n' "$service" "$state" "$(url_of "$service")"
      done
      return "$all"
      ;;
    *) usage ;;
  esac
}

main "$@"
