# Sourced by the repo's scripts: common paths, the pinned Node.js LTS and the pinned pnpm, both
# installed into .cache/tools from the npm registry when the machine has no matching one (no
# global installs).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$REPO_ROOT/package.json")"
TOOLS_DIR="$REPO_ROOT/.cache/tools"

log() { printf '[gun-sync] %s\n' "$*" >&2; }

# The Node.js LTS release the repository runs on (.nvmrc). Unless the machine's node is of the same
# major line and at least NODE_MIN (package.json "engines"), that exact release is installed from
# the npm registry's node-linux-<arch> package (the official binary) into .cache/tools/node-<version>
# and put first on PATH. NODE_MIN: Node 24.14 to 24.21 corrupt escaped object keys in JSON.parse
# (V8 bug, nodejs/node#63785; packages/runtime/src/json-runtime.ts).
NODE_VERSION="$(tr -d ' \n\r' <"$REPO_ROOT/.nvmrc")"
NODE_MAJOR="${NODE_VERSION%%.*}"
NODE_MIN="$(sed -n 's/.*"node": *">=\([0-9.]*\).*/\1/p' "$REPO_ROOT/package.json" | head -n 1)"

# node_fits <node>: the binary is of NODE_MAJOR and not older than NODE_MIN.
node_fits() {
  "$1" -e '
    const [want, min] = process.argv.slice(1);
    const v = process.versions.node.split(".").map(Number);
    const m = min.split(".").map(Number);
    const older = v[0] !== m[0] ? v[0] < m[0] : v[1] !== m[1] ? v[1] < m[1] : v[2] < m[2];
    process.exit(String(v[0]) === want && !older ? 0 : 1);
  ' "$NODE_MAJOR" "${NODE_MIN:-$NODE_VERSION}" 2>/dev/null
}

ensure_node() {
  local dir="$TOOLS_DIR/node-$NODE_VERSION" machine arch tmp tarball
  if [ -x "$dir/bin/node" ]; then
    export PATH="$dir/bin:$PATH"
  elif command -v node >/dev/null 2>&1 && node_fits node; then
    :
  else
    machine="$(uname -m)"
    case "$machine" in
      x86_64 | amd64) arch=x64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *)
        log "no Node.js $NODE_VERSION package for $(uname -s) $machine: install Node.js $NODE_MAJOR yourself"
        exit 1
        ;;
    esac
    command -v npm >/dev/null 2>&1 || {
      log "Node.js $NODE_MAJOR is required and npm (any version) is needed to install it: found neither"
      exit 1
    }
    log "installing Node.js $NODE_VERSION (machine has $(node --version 2>/dev/null || echo none)) into .cache/tools from the npm registry's node-linux-$arch"
    mkdir -p "$TOOLS_DIR"
    tmp="$(mktemp -d "$TOOLS_DIR/node.XXXXXX")"
    # npm pack fetches the package without running anything from it.
    tarball="$(cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_VERSION" 2>/dev/null | tail -n 1)"
    if [ -z "$tarball" ] || [ ! -f "$tmp/$tarball" ]; then
      rm -rf "$tmp"
      log "could not fetch node-linux-$arch@$NODE_VERSION from the npm registry"
      exit 1
    fi
    mkdir -p "$tmp/node/bin"
    tar -xzf "$tmp/$tarball" -C "$tmp" package/bin/node
    mv "$tmp/package/bin/node" "$tmp/node/bin/node"
    chmod 0755 "$tmp/node/bin/node"
    if [ "$("$tmp/node/bin/node" --version)" != "v$NODE_VERSION" ]; then
      rm -rf "$tmp"
      log "the downloaded node does not report v$NODE_VERSION"
      exit 1
    fi
    rm -rf "$dir"
    mv "$tmp/node" "$dir"
    rm -rf "$tmp"
    export PATH="$dir/bin:$PATH"
  fi
  hash -r
}

ensure_pnpm() {
  ensure_node
  if [ -x "$TOOLS_DIR/node_modules/.bin/pnpm" ] && [ "$("$TOOLS_DIR/node_modules/.bin/pnpm" --version)" = "$PNPM_VERSION" ]; then
    :
  else
    log "installing pnpm $PNPM_VERSION into .cache/tools"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >/dev/null
  fi
  export PATH="$TOOLS_DIR/node_modules/.bin:$REPO_ROOT/node_modules/.bin:$PATH"
}

install_deps() {
  ensure_pnpm
  log "installing workspace dependencies"
  (cd "$REPO_ROOT" && pnpm install --frozen-lockfile --reporter=append-only 2>&1 | tail -n 5) >&2
}

# install_packages <debian package> ...: apt-get install as root; without root, says what to
# install and fails.
install_packages() {
  if [ "$(id -u)" != 0 ]; then
    log "missing $*: install with apt-get install -y --no-install-recommends $* (or run as root)"
    return 1
  fi
  log "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# ensure_commands <command>:<debian package> ...: installs the packages of missing commands.
ensure_commands() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ "${#missing[@]}" -eq 0 ] || install_packages "${missing[@]}"
}
