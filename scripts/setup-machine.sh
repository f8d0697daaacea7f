#!/usr/bin/env bash
# Installs what building, running and testing Domaine needs, from the package registries only
# (Debian, crates.io, npm). Idempotent: a second run installs nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"

# python3-aiosmtpd: the real SMTP server the tests deliver to, on loopback. dnsmasq-base: the
# real DNS server the DNS readiness tests query (the binary only, no system service). nginx: the
# TLS reverse proxy of the production-shaped test, run with its own config (tests/src/nginx.rs).
# brotli: the precompressed site files. prosody-modules: mod_invites_page, the peer the
# benchmark measures the invitation page against. pebble: the ACME server the certificate tests
# validate against (HTTP-01, for real).
packages=(prosody lua-dbi-sqlite3 chromium chromium-driver postgresql wrk python3-aiosmtpd dnsmasq-base nginx brotli prosody-modules pebble)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The packaged Prosody and nginx services never run here: the tests start their own instances,
# each with its own loopback-only config.
for service in prosody nginx; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
        systemctl stop "$service" || true
    fi
done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

want=$(wasm_bindgen_version)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (about 4 minutes on 2 cores)"
    # Not --locked: its lockfile wants a webpki-roots version the registry does not serve.
    cargo install wasm-bindgen-cli --version "$want"
fi
check_wasm_bindgen

if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
    log "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
fi
log "machine ready"
