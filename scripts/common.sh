# Shared by the scripts: where things live, and the build tools put first on PATH.
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The build cache may live outside the clone (CI reuses it between clones); cold works too.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
TOOLS_DIR=${DOMAINE_TOOLS_DIR:-$HOME/.cache/domaine-tools}
# wasm-opt from npm's binaryen: Debian's binaryen 108 builds a wasm that fails to hydrate.
BINARYEN_VERSION=132.0.0
export PATH="$TOOLS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"
SITE_DIR="$CARGO_TARGET_DIR/site"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

check_wasm_bindgen() {
    local want have
    want=$(wasm_bindgen_version)
    have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
    [ "$have" = "$want" ] || die "wasm-bindgen CLI is '${have:-missing}' but Cargo.lock has wasm-bindgen $want; run scripts/setup-machine.sh (it installs wasm-bindgen-cli $want)"
}

# write_portal_config FILE PORT XMPP_PORT SERVICE_JID SERVICE_PASSWORD DATABASE_URL SECRET NAME
# (the SMTP port is $SMTP_PORT, 2525 by default)
write_portal_config() {
    cat > "$1" <<TOML
listen = "127.0.0.1:$2"
public_url = "http://127.0.0.1:$2"
provider_name = "$8"
database_url = "$6"
site_root = "$SITE_DIR"
secret_key = "$7"

[xmpp]
server = "127.0.0.1:$3"
jid = "$4"
password = "$5"

[smtp]
host = "127.0.0.1"
port = ${SMTP_PORT:-2525}
from = "Domaine <noreply@${4#*@}>"
security = "none"
TOML
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
