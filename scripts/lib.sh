# Sourced by the repo's scripts: common paths and the pinned pnpm, installed into .cache/tools
# from the npm registry when the machine has no matching one (no global installs).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PNPM_VERSION="$(node -p "require('$REPO_ROOT/package.json').packageManager.split('@')[1]")"
TOOLS_DIR="$REPO_ROOT/.cache/tools"

log() { printf '[gun-sync] %s\n' "$*" >&2; }

ensure_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -lt 20 ]; then
    log "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))"
    exit 1
  fi
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
