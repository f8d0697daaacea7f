#!/usr/bin/env bash
# Builds the server binary and the site (hydration bundle + CSS) with plain cargo, wasm-bindgen
# and wasm-opt: no build tool that downloads binaries.
#   scripts/build.sh [--release]
set -euo pipefail
source "$(dirname "$0")/common.sh"

release=false
[ "${1:-}" = "--release" ] && release=true
check_wasm_bindgen
cd "$ROOT"
mkdir -p "$CARGO_TARGET_DIR" "$SITE_DIR/pkg"

if $release; then
    log "building the server (release)"
    cargo build --release -p server --bin domaine
    log "building the browser bundle (wasm-release)"
    cargo build --profile wasm-release -p frontend --lib --target wasm32-unknown-unknown
    wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
else
    log "building the server"
    cargo build -p server --bin domaine
    log "building the browser bundle"
    cargo build -p frontend --lib --target wasm32-unknown-unknown
    wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/debug/frontend.wasm"
fi

wasm-bindgen --target web --no-typescript --out-dir "$SITE_DIR/pkg" --out-name domaine "$wasm"
if $release; then
    wasm-opt -Oz \
        -o "$SITE_DIR/pkg/domaine_bg.wasm" "$SITE_DIR/pkg/domaine_bg.wasm"
fi
cp "$ROOT/style/domaine.css" "$SITE_DIR/pkg/domaine.css"
# Content-hashed copies, which the pages reference and browsers keep for a year
# (server/src/web/assets.rs), each precompressed with brotli and gzip, and the manifest that
# names them for the server.
pkg="$SITE_DIR/pkg"
rm -f "$pkg"/domaine-* "$pkg/manifest.txt"
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
bundle="domaine-$(hash_of "$pkg/domaine.js" "$pkg/domaine_bg.wasm")"
stylesheet="domaine-$(hash_of "$pkg/domaine.css").css"
cp "$pkg/domaine.js" "$pkg/$bundle.js"
cp "$pkg/domaine_bg.wasm" "$pkg/${bundle}_bg.wasm"
cp "$pkg/domaine.css" "$pkg/$stylesheet"
quality=$($release && echo 11 || echo 4)  # brotli's best is slow on a debug bundle
for file in "$pkg/$bundle.js" "$pkg/${bundle}_bg.wasm" "$pkg/$stylesheet"; do
    gzip -9 -k -f "$file"
    brotli -f -k -q "$quality" "$file"
done
printf 'bundle=%s\nstylesheet=%s\n' "$bundle" "$stylesheet" > "$pkg/manifest.txt"
# Debug and release share the site: record which profile it holds so the server binary that
# serves it can be the matching one.
echo "$($release && echo release || echo debug)" > "$SITE_DIR/profile"
log "site ready in $SITE_DIR"
