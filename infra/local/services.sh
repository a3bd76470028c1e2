#!/usr/bin/env bash
# Local services for development and integration tests, without Docker: Redis, Elasticsearch
# and our GUN relay as plain processes bound to 127.0.0.1, state under .local/, downloads under
# .cache/. Idempotent: `up` starts only what is not already running and answering.
#
#   bash infra/local/services.sh up|down|status [redis|elasticsearch|gun ...]
#
# `up` recognises the services this script started earlier, from this clone or another one, by
# port and command line even when their pid files are gone (a crash, a deleted .local/, a fresh
# clone), and reuses them; a port held by anything else fails. An `up` that fails part-way stops
# what it started in that call, and only that.
#
# Ports: LOCAL_REDIS_PORT (6390), LOCAL_ES_PORT (19200), LOCAL_ES_TRANSPORT_PORT (19300),
# LOCAL_GUN_PORT (18765). `up` writes the URLs into .local/services.env for tests and tools.
# `status` exits 0 when every selected service runs, 3 otherwise.
#
# Elasticsearch refuses to run as root. As root it runs as the system user LOCAL_ES_USER
# (gunsync-es, created on first use), and everything it touches (a copy of the distribution,
# config, data, logs, tmp, pid file) lives in a per-clone folder it can reach,
# LOCAL_ES_STATE_DIR (/var/lib/gun-sync-local)/<hash of the repo path>, so the repo itself can be
# anywhere (a 0700 /root included). Otherwise it lives in .local/elasticsearch.
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

log() { printf '[local-services] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
# As root this script runs runuser and useradd, which Debian keeps in /usr/sbin: a root shell whose
# PATH lacks it (`su` without `-`, a cron job, `env -i`) would otherwise fail to start
# Elasticsearch with a misleading "cannot reach" error.
if is_root; then
  case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac
fi

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
# The download cache: the unpacked distribution, fetched once per clone (maven keeps the zip in
# ~/.m2, so a second clone unpacks it without the network).
ES_CACHE="$ROOT/.cache/elasticsearch"
ES_CACHED_HOME="$ES_CACHE/elasticsearch-$ES_VERSION"
ES_URL="http://127.0.0.1:$ES_PORT"
ES_START_TIMEOUT="${LOCAL_ES_START_TIMEOUT:-180}"
ES_CLUSTER="gun-sync-local"
# On the server's command line (ES_JAVA_OPTS), so `up` knows this script's node for this port
# after its pid file is gone, even before it listens. Nodes started before this marker existed
# are known by their home under .cache/.
ES_MARKER="-Dgun_sync.local_es_port=$ES_PORT"
ES_USER="${LOCAL_ES_USER:-gunsync-es}"
if is_root; then
  # The repo may sit where ES_USER cannot go (/root is 0700): it runs from its own folder.
  ES_DIR="${LOCAL_ES_STATE_DIR:-/var/lib/gun-sync-local}/$(printf '%s' "$ROOT" | sha256sum | cut -c1-16)"
  ES_HOME="$ES_DIR/elasticsearch-$ES_VERSION"
else
  ES_DIR="$LOCAL_DIR/elasticsearch"
  ES_HOME="$ES_CACHED_HOME"
fi
ES_PID="$ES_DIR/run/elasticsearch.pid"
ES_LAUNCHER=""

GUN_DIR="$LOCAL_DIR/gun-relay"
GUN_PID="$GUN_DIR/relay.pid"
GUN_LOG="$GUN_DIR/relay.log"
GUN_RELAY_URL="http://127.0.0.1:$GUN_PORT"

# Services this call of `up` started: stopped again when it fails part-way (see on_exit).
STARTED=()

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

# ---- who holds a port -----------------------------------------------------------------------

listener_pid() { # prints the pid listening on TCP port $1 (any address), when this user may see it
  local hex inode file
  hex="$(printf '%04X' "$1")"
  while read -r inode; do
    file="$(find /proc/[0-9]*/fd -maxdepth 1 -lname "socket:\\[$inode\\]" -print -quit 2>/dev/null || true)"
    if [ -n "$file" ]; then
      file="${file#/proc/}"
      printf '%s' "${file%%/*}"
      return 0
    fi
  done < <(awk -v port=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == port { print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  return 1
}

cmdline_of() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" || true; }

describe_pid() { # "pid 123, redis-server": the program's name only (command lines can hold secrets)
  printf 'pid %s, %s' "$1" "$(cat "/proc/$1/comm" 2>/dev/null || echo '?')"
}

# port_owner <port> <is-ours function>: returns 1 when the port is free. When one of this
# script's own services holds it (started earlier, from any clone, its pid file gone), sets
# OWNER_PID. Anything else on the port stops `up`.
OWNER_PID=""
port_owner() {
  local port="$1" is_ours="$2"
  OWNER_PID=""
  port_in_use "$port" || return 1
  OWNER_PID="$(listener_pid "$port")" \
    || die "port $port is taken by a process this script did not start (its owner is not visible to $(id -un))"
  "$is_ours" "$OWNER_PID" \
    || die "port $port is taken by a process this script did not start ($(describe_pid "$OWNER_PID"))"
}

adopt() { # adopt <folder> <pid file> <port> <pid>: makes an earlier run's process this clone's own
  mkdir -p "$1" "$(dirname "$2")"
  printf '%s\n' "$4" >"$2"
  printf '%s\n' "$3" >"$1/port"
}

# where_from <pid>: the folder it was started from, for the log ("" when not visible).
where_from() { readlink "/proc/$1/cwd" 2>/dev/null || true; }

# procs_with <cmdline|environ> <entry>: pids whose argument list or environment has exactly that
# entry (candidates only: grep itself is one when it is an argument).
procs_with() {
  grep -lxzF -e "$2" /proc/[0-9]*/"$1" 2>/dev/null | sed 's|^/proc/\([0-9]*\)/.*|\1|' || true
}

# ---- Redis ----------------------------------------------------------------------------------

# Patterns match the program, not the port: after a port change `down` still finds the process.
redis_pid() { read_pid "$REDIS_PID" "^redis-server "; }

redis_answers() {
  local reply
  reply="$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)"
  [ "$reply" = "PONG" ]
}

redis_config() { # the value of one of the server's settings (the flags it was started with)
  timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --raw CONFIG GET "$1" 2>/dev/null | sed -n 2p || true
}

# Redis rewrites its command line ("redis-server 127.0.0.1:6390"), so the flags come from the
# server itself: ours keeps its pid file and log under some clone's .local/redis and never evicts.
redis_is_ours() { # redis_is_ours <pid>
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = redis-server ] || return 1
  case "$(redis_config pidfile)" in */.local/redis/redis.pid) ;; *) return 1 ;; esac
  [ "$(redis_config maxmemory-policy)" = noeviction ]
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
  if port_owner "$REDIS_PORT" redis_is_ours; then
    adopt "$REDIS_DIR" "$REDIS_PID" "$REDIS_PORT" "$OWNER_PID"
    local from
    from="$(redis_config pidfile)"
    log "reusing redis (pid $OWNER_PID) at $REDIS_URL: this script started it earlier in ${from%/.local/redis/redis.pid} and its pid file was gone"
    return 0
  fi
  mkdir -p "$REDIS_DIR"
  printf '%s\n' "$REDIS_PORT" >"$REDIS_DIR/port"
  log "starting redis on $REDIS_URL"
  STARTED+=(redis)
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

es_health_json() { es_get /_cluster/health || true; }

es_health() { es_health_json | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'; }

es_answers() { local s; s="$(es_health)"; [ "$s" = green ] || [ "$s" = yellow ]; }

# The pid of the node that answers on ES_URL (the integ-test-zip serves _nodes).
es_node_pid() {
  es_get '/_nodes/_local/process?filter_path=nodes.*.process.id' | sed -n 's/.*"id":\([0-9]*\).*/\1/p' || true
}

es_version() {
  local v
  v="$(es_get / | sed -n 's/.*"number" *: *"\([^"]*\)".*/\1/p' || true)"
  # The integ-test-zip has no rest-root module, so `GET /` is not served; ask the node itself.
  [ -n "$v" ] || v="$(es_get '/_nodes/_local?filter_path=nodes.*.version' | sed -n 's/.*"version":"\([^"]*\)".*/\1/p' || true)"
  printf '%s' "${v:-unknown}"
}

# Ours: an Elasticsearch server whose command line carries ES_MARKER (or, started before the
# marker, runs from some clone's .cache/elasticsearch), and which, when it answers, is our cluster.
es_is_ours() { # es_is_ours <pid>
  local cmd cluster
  cmd="$(cmdline_of "$1")"
  case "$cmd" in *org.elasticsearch.bootstrap.Elasticsearch*) ;; *) return 1 ;; esac
  case "$cmd" in *" -Dgun_sync.local_es_port="* | *" -Des.path.home="*"/.cache/elasticsearch/elasticsearch-"*) ;; *) return 1 ;; esac
  cluster="$(es_health_json | sed -n 's/.*"cluster_name":"\([^"]*\)".*/\1/p')"
  [ -z "$cluster" ] || [ "$cluster" = "$ES_CLUSTER" ]
}

es_where_from() { # es_where_from <pid>: the clone that started the node, for the log
  local conf home
  conf="$(tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | sed -n 's/^ES_PATH_CONF=//p' || true)"
  home="$(tr '\0' '\n' 2>/dev/null <"/proc/$1/cmdline" | sed -n 's/^-Des\.path\.home=//p' || true)"
  if [ -n "$conf" ] && [ -f "$(dirname "$conf")/repo" ]; then
    cat "$(dirname "$conf")/repo"
  elif [ -n "$conf" ]; then
    printf '%s' "${conf%/.local/elasticsearch/config}"
  elif [ -n "$home" ]; then
    printf '%s' "${home%/.cache/elasticsearch/*}"
  else
    printf 'another clone'
  fi
}

# A process of this script's node for this port that does not answer yet (an earlier `up`
# stopped while it started): the server carries ES_MARKER on its command line, and the processes
# that launch it (runuser, bin/elasticsearch, the launcher JVM) in ES_JAVA_OPTS.
es_starting_pid() {
  local pid
  for pid in $(procs_with cmdline "$ES_MARKER") $(procs_with environ "ES_JAVA_OPTS=$ES_MARKER"); do
    case "$(cmdline_of "$pid")" in
      *elasticsearch*)
        printf '%s' "$pid"
        return 0
        ;;
    esac
  done
  return 1
}

# The pid of the healthy node answering on ES_URL when it is ours: the one in ES_PID, or one
# whose command line carries ES_MARKER (an earlier run's node for this port).
es_ready_pid() {
  local node
  node="$(es_node_pid)"
  [ -n "$node" ] || return 1
  if [ "$node" = "$(es_pid || true)" ] || [[ "$(cmdline_of "$node")" == *" $ES_MARKER "* ]]; then
    printf '%s' "$node"
    return 0
  fi
  return 1
}

es_install() { # the unpacked distribution in the download cache
  [ -x "$ES_CACHED_HOME/bin/elasticsearch" ] && return 0
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
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_CACHED_HOME"
  rm -rf "$tmp" "$zip"
}

# As root: the user to run as, and the distribution copied from the download cache (which may
# sit in a folder only root can open) into the state folder, where that user can reach it.
es_prepare_user() {
  is_root || return 0
  if ! id -u "$ES_USER" >/dev/null 2>&1; then
    log "creating system user $ES_USER to run elasticsearch (it refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER"
  fi
  # The state folder stays root's and world-searchable: ES_USER owns only what the node writes.
  mkdir -p "$ES_DIR"
  chmod a+rx "$(dirname "$ES_DIR")" "$ES_DIR"
  printf '%s\n' "$ROOT" >"$ES_DIR/repo"
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    log "copying elasticsearch $ES_VERSION from the download cache to $ES_HOME, where $ES_USER can reach it"
    local tmp
    tmp="$(mktemp -d "$ES_DIR/copy.XXXXXX")"
    # Hard links where the cache is on the same file system: no second 100 MB on disk.
    cp -al "$ES_CACHED_HOME" "$tmp/home" 2>/dev/null || cp -a "$ES_CACHED_HOME" "$tmp/home"
    mv "$tmp/home" "$ES_HOME"
    rm -rf "$tmp"
  fi
  runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" \
    || die "user $ES_USER cannot reach $ES_HOME: set LOCAL_ES_STATE_DIR to a folder every user can open"
}

yaml_quote() { local q="'"; printf "'%s'" "${1//$q/$q$q}"; }

es_write_config() {
  local conf="$ES_DIR/config"
  mkdir -p "$conf/jvm.options.d" "$ES_DIR/data" "$ES_DIR/logs" "$ES_DIR/tmp" "$ES_DIR/run"
  local f
  for f in jvm.options log4j2.properties; do [ -f "$conf/$f" ] || cp "$ES_HOME/config/$f" "$conf/$f"; done
  # Security must be switched off in the file before the first start: otherwise the node
  # auto-configures TLS and passwords into elasticsearch.yml.
  cat >"$conf/elasticsearch.yml" <<EOF
# Written by infra/local/services.sh on every start; edits are lost.
cluster.name: $ES_CLUSTER
node.name: local-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
path.data: $(yaml_quote "$ES_DIR/data")
path.logs: $(yaml_quote "$ES_DIR/logs")
action.destructive_requires_name: false
xpack.security.enabled: false
EOF
  printf -- '-Xms512m\n-Xmx512m\n' >"$conf/jvm.options.d/heap.options"
  if is_root; then
    local d
    for d in config data logs tmp run; do chown -R "$ES_USER:$ES_USER" "$ES_DIR/$d"; done
  fi
}

# es_wait <pid of a launcher or server> [adopted]: until a node of ours (es_ready_pid) answers
# healthy on ES_URL, not some other node that holds the port; its pid goes into ES_PID. When
# the node exits first: fails, or, for a node of an earlier run (adopted), returns 1 so that a
# new one is started.
es_wait() {
  local launcher="$1" mode="${2:-}" start=$SECONDS last=-1 status pid
  while :; do
    status="$(es_health || true)"
    if [ "$status" = green ] || [ "$status" = yellow ]; then
      if pid="$(es_ready_pid)"; then
        adopt "$ES_DIR" "$ES_PID" "$ES_PORT" "$pid"
        log "elasticsearch ready ($status, pid $pid) at $ES_URL after $((SECONDS - start))s, version $(es_version)"
        return 0
      fi
      status="answered by another node"
    fi
    if ! kill -0 "$launcher" 2>/dev/null && ! es_pid >/dev/null && ! es_starting_pid >/dev/null; then
      [ "$mode" != adopted ] || return 1
      tail -n 30 "$ES_DIR/startup.log" >&2 2>/dev/null || true
      die "elasticsearch exited during startup (logs: $ES_DIR/startup.log, $ES_DIR/logs/)"
    fi
    if [ $((SECONDS - start)) -ge "$ES_START_TIMEOUT" ]; then
      die "elasticsearch not healthy after ${ES_START_TIMEOUT}s (logs: $ES_DIR/logs/)"
    fi
    if [ $(((SECONDS - start) / 5)) -ne "$last" ]; then
      last=$(((SECONDS - start) / 5))
      log "waiting for elasticsearch at $ES_URL (${status:-no answer yet}, $((SECONDS - start))s)"
    fi
    sleep 1
  done
}

# es_reuse: after port_owner found this script's node of an earlier run, keeps it (waiting for
# it while it starts), or stops it when it runs another version (ES_REUSED stays 0).
ES_REUSED=0
es_reuse() {
  local pid="$OWNER_PID" version
  adopt "$ES_DIR" "$ES_PID" "$ES_PORT" "$pid"
  if ! es_answers; then
    log "elasticsearch (pid $pid), started earlier by this script, is not healthy yet: waiting for it"
    if es_wait "$pid" adopted; then ES_REUSED=1; fi
    return 0
  fi
  version="$(es_version)"
  if [ "$version" != "$ES_VERSION" ] && [ "$version" != unknown ]; then
    log "elasticsearch (pid $pid) of an earlier run is version $version, not $ES_VERSION: restarting it"
    es_down
    return 0
  fi
  log "reusing elasticsearch (pid $pid) at $ES_URL: this script started it earlier in $(es_where_from "$pid") and its pid file was gone"
  ES_REUSED=1
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
  if port_owner "$ES_PORT" es_is_ours; then
    es_reuse
    [ "$ES_REUSED" = 0 ] || return 0
  elif pid="$(es_starting_pid)"; then
    log "elasticsearch (pid $pid), started earlier by this script in $(es_where_from "$pid"), is still starting: waiting for it"
    if es_wait "$pid" adopted; then return 0; fi
    log "elasticsearch (pid $pid) of the earlier run exited while starting: starting a new one"
  fi
  if port_owner "$ES_TRANSPORT_PORT" es_is_ours; then
    die "port $ES_TRANSPORT_PORT is taken by an elasticsearch this script started with another HTTP port (pid $OWNER_PID)"
  fi
  local java_home
  if ! java_home="$(find_java_home)"; then
    install_packages openjdk-17-jre-headless || die "missing Java 17"
    java_home="$(find_java_home)" || die "no Java 17 or 21 found for elasticsearch"
  fi
  es_install
  es_prepare_user
  es_write_config
  printf '%s\n' "$ES_PORT" >"$ES_DIR/port"
  log "starting elasticsearch $ES_VERSION on $ES_URL (java: $java_home, heap 512m, files: $ES_DIR)"
  # -d: the launcher exits once the node has started and detaches; -p: the node writes its pid.
  # A clean environment keeps the caller's JAVA_TOOL_OPTIONS or ES_JAVA_OPTS out of the node.
  local as_user=()
  if is_root; then as_user=("$(command -v runuser)" -u "$ES_USER" --); fi
  STARTED+=(elasticsearch)
  setsid nohup env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_DIR/config" ES_TMPDIR="$ES_DIR/tmp" \
    ES_JAVA_OPTS="$ES_MARKER" \
    "${as_user[@]}" "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID" \
    >"$ES_DIR/startup.log" 2>&1 </dev/null &
  ES_LAUNCHER=$!
  es_wait "$ES_LAUNCHER"
}

es_down() {
  local pid
  if pid="$(es_pid)"; then
    stop_pid elasticsearch "$pid" 60
  elif [ -n "$ES_LAUNCHER" ] && kill -0 "$ES_LAUNCHER" 2>/dev/null; then
    # Started by this call and not up yet: the launcher leads the group the node runs in.
    stop_pid 'elasticsearch (starting)' "$ES_LAUNCHER" 60
  else
    log "elasticsearch not running"
  fi
  rm -f "$ES_PID" "$ES_DIR/port"
}

es_running() { es_pid >/dev/null && same_port "$ES_DIR" "$ES_PORT" && es_answers; }

# ---- GUN relay ------------------------------------------------------------------------------

gun_pid() { read_pid "$GUN_PID" "services/gun-relay/src/main\.ts"; }

gun_answers() { curl -fsS -m 3 "$GUN_RELAY_URL/health" >/dev/null 2>&1; }

# Ours: node running the relay's main.ts the way gun_up starts it, from any clone.
gun_is_ours() { # gun_is_ours <pid>
  case "$(cmdline_of "$1")" in "node --import tsx services/gun-relay/src/main.ts "*) return 0 ;; *) return 1 ;; esac
}

# The relay's pid when it runs for this port but does not listen yet (an earlier `up` stopped
# while it started): the port is in its environment.
gun_starting_pid() {
  local pid
  for pid in $(procs_with environ "GUN_RELAY_PORT=$GUN_PORT"); do
    if gun_is_ours "$pid"; then
      printf '%s' "$pid"
      return 0
    fi
  done
  return 1
}

# gun_wait <pid> [adopted]: until the relay answers. When it exits first: fails, or, for a
# relay of an earlier run (adopted), returns 1 so that a new one is started.
gun_wait() {
  local pid="$1" mode="${2:-}" i
  for i in $(seq 1 300); do
    if gun_answers; then
      log "gun relay ready (pid $pid) at $GUN_RELAY_URL"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$GUN_PID"
      [ "$mode" != adopted ] || return 1
      tail -n 20 "$GUN_LOG" >&2 2>/dev/null || true
      die "gun relay exited during startup (log: $GUN_LOG)"
    fi
    sleep 0.2
  done
  die "gun relay did not answer $GUN_RELAY_URL/health within 60s (log: $GUN_LOG)"
}

gun_up() {
  need_cmd curl curl
  ensure_node
  [ -f "$ROOT/node_modules/tsx/package.json" ] || die "tsx is missing: run 'pnpm install' in $ROOT first"
  local pid
  if pid="$(gun_pid)"; then
    check_port gun "$GUN_DIR" "$GUN_PORT" "$pid"
    if gun_answers; then
      log "gun relay already running (pid $pid) at $GUN_RELAY_URL"
      return 0
    fi
    log "gun relay (pid $pid) is running but does not answer yet: waiting for it"
    gun_wait "$pid"
    return 0
  fi
  if port_owner "$GUN_PORT" gun_is_ours; then
    pid="$OWNER_PID"
    adopt "$GUN_DIR" "$GUN_PID" "$GUN_PORT" "$pid"
    if gun_answers; then
      log "reusing gun relay (pid $pid) at $GUN_RELAY_URL: this script started it earlier in $(where_from "$pid") and its pid file was gone"
      return 0
    fi
    log "gun relay (pid $pid), started earlier by this script, does not answer $GUN_RELAY_URL/health: restarting it"
    gun_down
  elif pid="$(gun_starting_pid)"; then
    adopt "$GUN_DIR" "$GUN_PID" "$GUN_PORT" "$pid"
    log "gun relay (pid $pid), started earlier by this script in $(where_from "$pid"), is still starting: waiting for it"
    if gun_wait "$pid" adopted; then return 0; fi
    log "gun relay (pid $pid) of the earlier run exited while starting: starting a new one"
  fi
  mkdir -p "$GUN_DIR/data"
  printf '%s\n' "$GUN_PORT" >"$GUN_DIR/port"
  log "starting gun relay on $GUN_RELAY_URL (log: $GUN_LOG)"
  # One node process (tsx as a loader, not its CLI wrapper), leading its own session so it
  # outlives this script. GUN_PEERS is emptied so a sourced services.env never makes the relay
  # dial itself.
  # Its package.json's V8 settings (heap cap) go before any NODE_OPTIONS, as in the image.
  (
    cd "$ROOT" || exit 1
    defaults=$(NODE_OPTIONS='' node -p "require('./services/gun-relay/package.json').nodeOptions ?? ''")
    exec setsid nohup env GUN_RELAY_HOST=127.0.0.1 GUN_RELAY_PORT="$GUN_PORT" \
      GUN_RELAY_DATA_DIR="$GUN_DIR/data" GUN_PEERS= \
      NODE_OPTIONS="$defaults${NODE_OPTIONS:+ $NODE_OPTIONS}" \
      node --import tsx services/gun-relay/src/main.ts >>"$GUN_LOG" 2>&1 </dev/null
  ) &
  pid=$!
  STARTED+=(gun)
  printf '%s\n' "$pid" >"$GUN_PID"
  gun_wait "$pid"
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
  printf 'usage: %s up|down|status [redis|elasticsearch|gun ...]\n' "$0" >&2
  exit 2
}

# service_do <up|down> <service>
service_do() {
  case "$2" in
    redis) "redis_$1" ;;
    elasticsearch) "es_$1" ;;
    gun) "gun_$1" ;;
  esac
}

# On a failed `up` (an error, Ctrl-C, SIGTERM): stops what this call started, newest first, and
# leaves alone what was running before it.
on_exit() {
  local code=$? i
  trap - EXIT
  if [ "$code" -ne 0 ] && [ "${#STARTED[@]}" -gt 0 ]; then
    log "up failed: stopping what it started (${STARTED[*]})"
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do service_do down "${STARTED[$i]}" || true; done
  fi
  exit "$code"
}

main() {
  local command="${1:-}" services=() service i
  shift || true
  for service in "$@"; do
    case "$service" in
      redis | elasticsearch | gun) services+=("$service") ;;
      es) services+=(elasticsearch) ;;
      *) usage ;;
    esac
  done
  [ "${#services[@]}" -gt 0 ] || services=(redis elasticsearch gun)
  case "$command" in
    up)
      trap on_exit EXIT
      trap 'exit 130' INT
      trap 'exit 143' TERM
      mkdir -p "$LOCAL_DIR"
      for service in "${services[@]}"; do service_do up "$service"; done
      write_env_file
      ;;
    down)
      # Reverse order: the relay first, Redis last.
      for ((i = ${#services[@]} - 1; i >= 0; i--)); do service_do down "${services[$i]}"; done
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
