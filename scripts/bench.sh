#!/usr/bin/env bash
# Load benchmark of the release build against its own Prosody, on loopback only, bounded in
# time. Each scenario runs wrk at each connection count and prints requests/s, p50, p99,
# non-2xx answers, Prosody's CPU per request (utime + stime of its process, from /proc) and the
# portal's peak RSS during the run (VmHWM, reset before each run).
#   scripts/bench.sh            (DURATION=5 CONNECTIONS="32 64" ACCOUNTS=100000 DOMAINS=500)
#   REUSE_SITE=1 scripts/bench.sh   keeps the built site, building only the release server
#   PROSODY_GC=generational scripts/bench.sh   Prosody with Lua 5.4's generational collector
#       (`gc = { mode = "generational" }`) instead of its default (incremental, pause 105%)
set -euo pipefail
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32 64}
ACCOUNTS=${ACCOUNTS:-100000}
DOMAINS=${DOMAINS:-500}

bash "$ROOT/scripts/setup-machine.sh" >/dev/null
if [ -n "${REUSE_SITE:-}" ] && [ -f "$SITE_DIR/pkg/manifest.txt" ]; then
    # The site as the last scripts/build.sh left it (no scenario loads the bundle; the style
    # sheet is the same file either way): only the server, in release.
    cargo build --release -p server --bin domaine
else
    bash "$ROOT/scripts/build.sh" --release
fi
cargo build --release -p server --example floor --example add_users
DOMAINE="$CARGO_TARGET_DIR/release/domaine"
FLOOR="$CARGO_TARGET_DIR/release/examples/floor"
ADD_USERS="$CARGO_TARGET_DIR/release/examples/add_users"

WORK=$(mktemp -d /tmp/domaine-bench.XXXXXX)
chmod 755 "$WORK"  # Prosody runs as its own user and must reach its directory inside
XMPP_PORT=$(free_port)
PROSODY_HTTP_PORT=$(free_port)
PORT=$(free_port)
FLOOR_PORT=$(free_port)
SERVICE_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
source "$ROOT/scripts/prosody.sh"
cleanup() {
    # `|| true`: under set -e, the killed portal's status (143) from `wait` ended this trap
    # before stop_prosody, and every run left its Prosody (502 hosts) behind for the next ones.
    for pid in ${PORTAL_PID:-} ${FLOOR_PID:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    stop_prosody
    rm -rf "$WORK"
}
trap cleanup EXIT

# Prosody's own invitation page (prosody-modules), on the same Prosody: the landing page's peer.
PROSODY_EXTRA_MODULES='"http"; "invites_page"; "register_apps";' \
PROSODY_HTTP_PORT=$PROSODY_HTTP_PORT PROSODY_EXTRA_CONFIG="http_interfaces = { \"127.0.0.1\" }
http_default_host = \"load.bench\"
${PROSODY_GC:+gc = { mode = \"$PROSODY_GC\" \}}" \
    start_prosody "$WORK/prosody" "$XMPP_PORT" "domaine@portal.bench" "$SERVICE_PASSWORD" \
    portal.bench load.bench big.bench $(seq -f 'd%03g.bench' "$DOMAINS")
PROSODY_REAL_PID=$(cat "$WORK/prosody/prosody.pid")

# $ACCOUNTS accounts on big.bench, written straight into Prosody's storage as copies of the
# service account's record, each with a last activity spread over two years (mod_domaine's own
# record), so that the order by activity and "not seen for 6 months" have work to do.
DATA="$WORK/prosody/data/big%2ebench"
mkdir -p "$DATA/accounts" "$DATA/domaine_account"
template=$(<"$WORK/prosody/data/portal%2ebench/accounts/domaine.dat")
now=$(date +%s)
for ((i = 0; i < ACCOUNTS; i++)); do
    printf -v name 'u%05d' "$i"
    # The state first: the index watches the account directory only (see domaine_index.lib.lua).
    printf 'return {["last_active"] = %d;};\n' $((now - (i * 7919) % 63072000)) > "$DATA/domaine_account/$name.dat"
    printf '%s\n' "$template" > "$DATA/accounts/$name.dat"
done
[ "$(id -u)" -eq 0 ] && chown -R prosody:prosody "$WORK/prosody/data"

export DOMAINE_CONFIG="$WORK/domaine.toml"
write_portal_config "$DOMAINE_CONFIG" "$PORT" "$XMPP_PORT" "domaine@portal.bench" \
    "$SERVICE_PASSWORD" "sqlite://$WORK/domaine.db" "$(head -c 64 /dev/urandom | base64 -w0)" "Bench"
for d in load.bench big.bench $(seq -f 'd%03g.bench' "$DOMAINS"); do "$DOMAINE" add-domain "$d" >/dev/null; done
echo "bench password 1" | "$DOMAINE" create-admin --username bench >/dev/null
RUST_LOG=warn "$DOMAINE" serve > "$WORK/portal.log" 2>&1 &
PORTAL_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 600); do
    curl -sf "$BASE/health" >/dev/null && break
    sleep 0.1
done
curl -sf "$BASE/health" >/dev/null || { tail -20 "$WORK/portal.log"; die "the portal did not become healthy"; }
IDLE_RSS=$(awk '/VmRSS/ {print $2, $3}' "/proc/$PORTAL_PID/status")

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

# An invitation to load.bench, made through the portal: its landing page and Prosody's own.
curl -s -o /dev/null -b "$JAR" -d "csrf=$CSRF&domain=load.bench&uses=multi&max_uses=1000" "$BASE/api/create_invite"
TOKEN=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT token FROM invitations ORDER BY id DESC LIMIT 1").fetchone()[0])' "$WORK/domaine.db")
curl -sf -o /dev/null "$BASE/invite/$TOKEN" || die "the portal's landing page does not answer"
curl -sf -o /dev/null "http://127.0.0.1:$PROSODY_HTTP_PORT/invites_page?$TOKEN" || die "mod_invites_page does not answer"

# The floor of /login: the same bytes from a bare axum handler.
curl -s -o "$WORK/login.html" "$BASE/login"
"$FLOOR" "$WORK/login.html" "127.0.0.1:$FLOOR_PORT" &
FLOOR_PID=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$FLOOR_PORT/" && break; sleep 0.1; done

# Warm-up: mod_domaine lists the 100,000 files written behind its back once, at the first query.
curl -s -o /dev/null -b "$JAR" "$BASE/domains/big.bench/accounts"
STYLESHEET=$(curl -s "$BASE/login" | grep -o '/pkg/domaine-[0-9a-f]*\.css' | head -1)

ticks() { awk '{print $14 + $15}' "/proc/$PROSODY_REAL_PID/stat"; }
HZ=$(getconf CLK_TCK)
per_request_ms() { # ticks, requests
    awk -v t="$1" -v hz="$HZ" -v n="$2" 'BEGIN { printf "%.3f", n ? t * 1000 / hz / n : 0 }'
}
run() { # name, wrk args...
    local name=$1; shift
    local c out before after rps p50 p99 non2xx requests cpu rss
    for c in $CONNECTIONS; do
        echo 5 > "/proc/$PORTAL_PID/clear_refs" 2>/dev/null || true  # resets VmHWM
        before=$(ticks)
        out=$(RUN=$c wrk -t2 -c"$c" -d"${DURATION}s" --timeout 10s --latency "$@")
        after=$(ticks)
        rps=$(awk '/^Requests\/sec/ {print $2}' <<< "$out")
        p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
        p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
        non2xx=$(awk '/Non-2xx or 3xx/ {print $NF}' <<< "$out")
        requests=$(awk '/requests in/ {print $1}' <<< "$out")
        cpu=$(per_request_ms $((after - before)) "$requests")
        rss=$(awk '/VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$PORTAL_PID/status")
        printf '| %-44s | %3s | %9s | %9s | %9s | %7s | %8s | %7s |\n' \
            "$name" "$c" "$rps" "$p50" "$p99" "${non2xx:-0}" "$cpu" "$rss"
    done
}

# The peer of account creation: the same XEP-0133 add-user from the service account's own XMPP
# connection, as many senders as wrk has connections, without the portal (so no latencies and
# no portal RSS to show).
peer_add_users() {
    local c out before after requests errors rate cpu
    for c in $CONNECTIONS; do
        before=$(ticks)
        out=$("$ADD_USERS" load.bench "p$c" "$c" "$DURATION")
        after=$(ticks)
        requests=$(awk '$1 == "requests" {print $2}' <<< "$out")
        errors=$(awk '$1 == "requests" {print $4}' <<< "$out")
        rate=$(awk '$1 == "rate" {print $2}' <<< "$out")
        cpu=$(per_request_ms $((after - before)) "$requests")
        printf '| %-44s | %3s | %9s | %9s | %9s | %7s | %8s | %7s |\n' \
            "Prosody's own add-user (XEP-0133, direct)" "$c" "$rate" - - "$errors" "$cpu" -
    done
}

echo
echo "wrk: 2 threads, ${DURATION}s per run; $ACCOUNTS accounts on big.bench, $DOMAINS more domains; Prosody GC: ${PROSODY_GC:-its default}; portal RSS idle: $IDLE_RSS"
printf '| %-44s | %3s | %9s | %9s | %9s | %7s | %8s | %7s |\n' scenario conn "req/s" p50 p99 "non-2xx" "Prosody ms/req" "peak RSS"
printf '|%s|-----|-----------|-----------|-----------|---------|----------|---------|\n' "$(printf -- '-%.0s' {1..46})"
H=(-H "Cookie: $COOKIE")
run "GET /login" "$BASE/login"
run "floor: the same bytes, bare axum" "http://127.0.0.1:$FLOOR_PORT/"
run "GET $STYLESHEET (brotli)" -H "Accept-Encoding: br" "$BASE$STYLESHEET"
run "landing page /invite/TOKEN" "$BASE/invite/$TOKEN"
run "Prosody mod_invites_page, same invitation" "http://127.0.0.1:$PROSODY_HTTP_PORT/invites_page?$TOKEN"
run "accounts, $ACCOUNTS accounts, page 1" "${H[@]}" "$BASE/domains/big.bench/accounts"
run "accounts, page 500" "${H[@]}" "$BASE/domains/big.bench/accounts?page=500"
run "accounts, search q=u0999" "${H[@]}" "$BASE/domains/big.bench/accounts?q=u0999"
run "accounts, by last activity" "${H[@]}" "$BASE/domains/big.bench/accounts?sort=activity"
run "accounts, not seen for 6 months, page 10" "${H[@]}" "$BASE/domains/big.bench/accounts?inactive=6&page=10"
run "domain dashboard (big.bench)" "${H[@]}" "$BASE/domains/big.bench"
run "provider console, $((DOMAINS + 2)) domains" "${H[@]}" "$BASE/admin"
COOKIE="$ANON_COOKIE" CSRF="$LOGIN_CSRF" run "POST /auth/login (argon2id)" -s "$ROOT/bench/login.lua" "$BASE/auth/login"
COOKIE="$COOKIE" CSRF="$CSRF" DOMAIN=load.bench run "POST /api/create_account (Prosody)" -s "$ROOT/bench/create_account.lua" "$BASE/api/create_account"
peer_add_users
echo
created() { find "$WORK/prosody/data/load%2ebench/accounts" -name "$1*.dat" | wc -l; }
echo "accounts created on Prosody: $(created r) through the portal, $(created p) by add-user direct"
echo "portal RSS after the runs: $(awk '/VmRSS/ {print $2, $3}' "/proc/$PORTAL_PID/status")"
echo "Prosody RSS after the runs: $(awk '/VmRSS/ {print $2, $3}' "/proc/$PROSODY_REAL_PID/status")"
panics=$(grep -c 'panicked' "$WORK/portal.log" || true)
echo "panics in the portal's log: $panics"
[ "$panics" -eq 0 ] || grep -A40 'panicked' "$WORK/portal.log" | grep -v ' at /rustc/' | head -80
