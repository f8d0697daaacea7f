#!/usr/bin/env bash
# Load benchmark of the release build against its own Prosody, on loopback only, bounded in
# time: the login page, the login action and the account-creation action, each driven by wrk
# with many concurrent connections. Prints requests/s, p50, p99 and the portal's peak RSS.
#   scripts/bench.sh            (DURATION=10 CONNECTIONS=32 to change the load)
set -euo pipefail
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}

bash "$ROOT/scripts/setup-machine.sh" >/dev/null
bash "$ROOT/scripts/build.sh" --release
DOMAINE="$CARGO_TARGET_DIR/release/domaine"

WORK=$(mktemp -d /tmp/domaine-bench.XXXXXX)
chmod 755 "$WORK"  # Prosody runs as its own user and must reach its directory inside
XMPP_PORT=$(free_port)
PORT=$(free_port)
SERVICE_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
source "$ROOT/scripts/prosody.sh"
cleanup() {
    [ -n "${PORTAL_PID:-}" ] && kill "$PORTAL_PID" 2>/dev/null && wait "$PORTAL_PID" 2>/dev/null
    stop_prosody
    rm -rf "$WORK"
}
trap cleanup EXIT
start_prosody "$WORK/prosody" "$XMPP_PORT" "domaine@portal.bench" "$SERVICE_PASSWORD" portal.bench load.bench big.bench

# 10,000 accounts on big.bench, written straight into Prosody's storage as copies of the service
# account's record (Prosody reads these files on each access): the accounts page at that size.
BIG_ACCOUNTS="$WORK/prosody/data/big%2ebench/accounts"
mkdir -p "$BIG_ACCOUNTS"
for i in $(seq -w 0 9999); do cp "$WORK/prosody/data/portal%2ebench/accounts/domaine.dat" "$BIG_ACCOUNTS/u$i.dat"; done
[ "$(id -u)" -eq 0 ] && chown -R prosody:prosody "$WORK/prosody/data"

export DOMAINE_CONFIG="$WORK/domaine.toml"
write_portal_config "$DOMAINE_CONFIG" "$PORT" "$XMPP_PORT" "domaine@portal.bench" \
    "$SERVICE_PASSWORD" "sqlite://$WORK/domaine.db" "$(head -c 64 /dev/urandom | base64 -w0)" "Bench"
"$DOMAINE" add-domain load.bench >/dev/null
"$DOMAINE" add-domain big.bench >/dev/null
echo "bench password 1" | "$DOMAINE" create-admin --username bench >/dev/null
RUST_LOG=warn "$DOMAINE" serve &
PORTAL_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 100); do
    curl -sf "$BASE/health" >/dev/null && break
    sleep 0.1
done
curl -sf "$BASE/health" >/dev/null || die "the portal did not become healthy"

# One logged-in session for the account-creation runs.
JAR="$WORK/cookies"
csrf_of() { grep -o '"csrf":"[^"]*"' | cut -d'"' -f4; }
CSRF=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | csrf_of)
curl -s -c "$JAR" -b "$JAR" -o /dev/null -d "csrf=$CSRF&username=bench&password=bench+password+1&next=/admin" "$BASE/auth/login"
CSRF=$(curl -s -c "$JAR" -b "$JAR" "$BASE/admin" | csrf_of)
COOKIE=$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$JAR")
[ -n "$CSRF" ] && [[ "$COOKIE" == *domaine_session* ]] || die "could not log in for the benchmark"
LOGIN_CSRF=$(curl -s -c "$WORK/anon" -b "$WORK/anon" "$BASE/login" | csrf_of)
ANON_COOKIE=$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$WORK/anon")

run() { # name, wrk args...
    local name=$1; shift
    local out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$@")
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec/ {print $2}' <<< "$out")
    p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
    p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
    non2xx=$(awk '/Non-2xx or 3xx/ {print $NF}' <<< "$out")
    printf '| %-34s | %10s | %9s | %9s | %8s |\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

echo
echo "wrk: 2 threads, $CONNECTIONS connections, ${DURATION}s per scenario; portal pid $PORTAL_PID"
printf '| %-34s | %10s | %9s | %9s | %8s |\n' scenario "req/s" p50 p99 "non-2xx"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "------------" "-----------" "-----------" "----------"
run "GET /login" "$BASE/login"
COOKIE="$ANON_COOKIE" CSRF="$LOGIN_CSRF" run "POST /auth/login (argon2id)" -s "$ROOT/bench/login.lua" "$BASE/auth/login"
COOKIE="$COOKIE" CSRF="$CSRF" DOMAIN=load.bench run "POST /api/create_account (Prosody)" -s "$ROOT/bench/create_account.lua" "$BASE/api/create_account"
run "accounts page, 10k accounts, page 100" -H "Cookie: $COOKIE" "$BASE/domains/big.bench/accounts?page=100"
run "accounts search, 10k accounts" -H "Cookie: $COOKIE" "$BASE/domains/big.bench/accounts?q=u0999"
echo
accounts=$(find "$WORK/prosody/data/load%2ebench/accounts" -name '*.dat' | wc -l)
echo "accounts created on Prosody by the create_account run: $accounts"
echo "portal peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$PORTAL_PID/status")"
