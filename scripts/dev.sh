#!/usr/bin/env bash
# Sets up everything and runs the portal on http://127.0.0.1:${DOMAINE_PORT:-8080}, with SQLite
# and a Prosody of its own (loopback only, data in .data/). Ctrl-C stops both.
#   scripts/dev.sh [--release]
set -euo pipefail
source "$(dirname "$0")/common.sh"

PORT=${DOMAINE_PORT:-8080}
XMPP_PORT=${DOMAINE_XMPP_PORT:-15222}
SMTP_PORT=${DOMAINE_SMTP_PORT:-2525}
SERVICE_HOST=portal.localhost
DEMO_DOMAINS=(chez-alice.localhost asso-exemple.localhost)
DATA="$ROOT/.data"

bash "$ROOT/scripts/setup-machine.sh"
bash "$ROOT/scripts/build.sh" "$@"
profile=$(cat "$SITE_DIR/profile")
DOMAINE="$CARGO_TARGET_DIR/$profile/domaine"

mkdir -p "$DATA"
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

write_portal_config "$DATA/domaine.toml" "$PORT" "$XMPP_PORT" "domaine@$SERVICE_HOST" \
    "$SERVICE_PASSWORD" "sqlite://$DATA/domaine.db" "$SECRET_KEY" "Domaine (démo)"

source "$ROOT/scripts/prosody.sh"
log "starting Prosody on 127.0.0.1:$XMPP_PORT"
start_prosody "$DATA/prosody" "$XMPP_PORT" "domaine@$SERVICE_HOST" "$SERVICE_PASSWORD" \
    "$SERVICE_HOST" "${DEMO_DOMAINS[@]}"
# A local mail catcher: e-mails the portal sends (invitations) land in .data/mail/new, one file
# each, instead of leaving the machine.
log "catching e-mail on 127.0.0.1:$SMTP_PORT into $DATA/mail"
/usr/bin/python3 -m aiosmtpd --nosetuid --listen "127.0.0.1:$SMTP_PORT" \
    --class aiosmtpd.handlers.Mailbox "$DATA/mail" >"$DATA/smtp.log" 2>&1 &
SMTP_PID=$!
trap 'stop_prosody; kill $SMTP_PID 2>/dev/null || true' EXIT

export DOMAINE_CONFIG="$DATA/domaine.toml"
for d in "${DEMO_DOMAINS[@]}"; do "$DOMAINE" add-domain "$d" >/dev/null; done
# Fails harmlessly on later runs, when the admin already exists.
echo "$ADMIN_PASSWORD" | "$DOMAINE" create-admin --username admin >/dev/null 2>&1 || true

cat <<INFO

  Domaine runs on http://127.0.0.1:$PORT
  Provider admin: admin / $ADMIN_PASSWORD   (kept in .data/credentials)
  Demo domains:   ${DEMO_DOMAINS[*]}
  XMPP (plain, loopback): 127.0.0.1:$XMPP_PORT
  E-mails sent by the portal: $DATA/mail/new/

INFO
"$DOMAINE" serve
