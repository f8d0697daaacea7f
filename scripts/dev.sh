#!/usr/bin/env bash
# Sets up everything and runs the portal on http://127.0.0.1:${DOMAINE_PORT:-8080}, with SQLite
# and a Prosody of its own (loopback only, data in .data/). Ctrl-C stops both.
#   scripts/dev.sh [--release]
set -euo pipefail
source "$(dirname "$0")/common.sh"

PORT=${DOMAINE_PORT:-8080}
XMPP_PORT=${DOMAINE_XMPP_PORT:-15222}
SERVICE_HOST=portal.localhost
DEMO_DOMAINS=(chez-alice.localhost asso-exemple.localhost)
DATA="$ROOT/.data"

bash "$ROOT/scripts/setup-machine.sh"
bash "$ROOT/scripts/build.sh" "$@"
profile=$(cat "$SITE_DIR/profile")
DOMAINE="$CARGO_TARGET_DIR/$profile/domaine"

mkdir -p "$DATA/prosody/data" "$DATA/prosody/certs"
secret() { head -c "$1" /dev/urandom | base64 -w0; }
if [ ! -f "$DATA/credentials" ]; then
    cat > "$DATA/credentials" <<CREDS
SERVICE_PASSWORD=$(secret 18 | tr -d '/+=')
ADMIN_PASSWORD=$(secret 12 | tr -d '/+=')
SECRET_KEY=$(secret 64)
CREDS
    chmod 600 "$DATA/credentials"
fi
source "$DATA/credentials"

cat > "$DATA/domaine.toml" <<TOML
listen = "127.0.0.1:$PORT"
public_url = "http://127.0.0.1:$PORT"
provider_name = "Domaine (démo)"
database_url = "sqlite://$DATA/domaine.db"
site_root = "$SITE_DIR"
secret_key = "$SECRET_KEY"

[xmpp]
server = "127.0.0.1:$XMPP_PORT"
jid = "domaine@$SERVICE_HOST"
password = "$SERVICE_PASSWORD"

[smtp]
host = "127.0.0.1"
port = 2525
from = "Domaine <noreply@$SERVICE_HOST>"
security = "none"
TOML

lua() { printf '"%s"' "$1"; }
hosts=""
for h in "$SERVICE_HOST" "${DEMO_DOMAINS[@]}"; do hosts+="VirtualHost $(lua "$h")"$'\n'; done
sed -e "s|@C2S_PORT@|$XMPP_PORT|" \
    -e "s|@DATA_DIR@|$(lua "$DATA/prosody/data")|" \
    -e "s|@CERTS_DIR@|$(lua "$DATA/prosody/certs")|" \
    -e "s|@PID_FILE@|$(lua "$DATA/prosody/prosody.pid")|" \
    -e "s|@LOG_FILE@|$(lua "$DATA/prosody/prosody.log")|" \
    -e "s|@ADMIN_JID@|$(lua "domaine@$SERVICE_HOST")|" \
    -e "/@VIRTUAL_HOSTS@/{r /dev/stdin" -e "d}" \
    "$ROOT/tests/prosody/test.cfg.lua.in" > "$DATA/prosody/prosody.cfg.lua" <<< "$hosts"
as_prosody=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R prosody:prosody "$DATA/prosody"
    as_prosody=(runuser -u prosody --)
fi
CFG="$DATA/prosody/prosody.cfg.lua"
prosodyctl --config "$CFG" register domaine "$SERVICE_HOST" "$SERVICE_PASSWORD"

log "starting Prosody on 127.0.0.1:$XMPP_PORT"
"${as_prosody[@]}" prosody --config "$CFG" -F > "$DATA/prosody/stdout.log" 2>&1 &
prosody_pid=$!
trap 'kill $prosody_pid 2>/dev/null; wait $prosody_pid 2>/dev/null' EXIT
for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$XMPP_PORT") 2>/dev/null && break
    kill -0 $prosody_pid 2>/dev/null || die "Prosody stopped; see $DATA/prosody/prosody.log"
    sleep 0.1
done

export DOMAINE_CONFIG="$DATA/domaine.toml"
for d in "${DEMO_DOMAINS[@]}"; do "$DOMAINE" add-domain "$d" >/dev/null; done
if echo "$ADMIN_PASSWORD" | "$DOMAINE" create-admin --username admin >/dev/null 2>&1; then :; fi

cat <<INFO

  Domaine runs on http://127.0.0.1:$PORT
  Provider admin: admin / $ADMIN_PASSWORD   (kept in .data/credentials)
  Demo domains:   ${DEMO_DOMAINS[*]}
  XMPP (plain, loopback): 127.0.0.1:$XMPP_PORT

INFO
"$DOMAINE" serve
