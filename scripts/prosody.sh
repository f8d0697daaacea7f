# Starting a Prosody of our own, from the same template as the tests, on loopback only.
# Sourced. Usage: start_prosody DIR PORT SERVICE_JID SERVICE_PASSWORD HOST...
# Sets PROSODY_PID; stop_prosody stops it. PROSODY_EXTRA_MODULES (e.g. '"http"; "invites_page";')
# and PROSODY_EXTRA_CONFIG (global options) add to the template, PROSODY_HTTP_PORT opens Prosody's
# HTTP server on that port, for the benchmark's peers.

start_prosody() {
    local dir=$1 port=$2 service_jid=$3 service_password=$4
    shift 4
    local lua hosts="" h cfg="$dir/prosody.cfg.lua"
    lua() { printf '"%s"' "$1"; }
    hosts="${PROSODY_EXTRA_CONFIG:-}"$'\n'
    for h in "$@"; do hosts+="VirtualHost $(lua "$h")"$'\n'; done
    mkdir -p "$dir/data" "$dir/certs"
    sed -e "s|@C2S_PORT@|$port|" \
        -e "s|@DATA_DIR@|$(lua "$dir/data")|" \
        -e "s|@CERTS_DIR@|$(lua "$dir/certs")|" \
        -e "s|@PID_FILE@|$(lua "$dir/prosody.pid")|" \
        -e "s|@LOG_FILE@|$(lua "$dir/prosody.log")|" \
        -e "s|@ADMIN_JID@|$(lua "$service_jid")|" \
        -e "s|@PLUGIN_DIR@|$(lua "$ROOT/server/prosody")|" \
        -e "s|^http_ports = { }|http_ports = { ${PROSODY_HTTP_PORT:-} }|" \
        -e "s|^@GLOBAL_MODULES@|${PROSODY_EXTRA_MODULES:-}|" \
        -e "/@VIRTUAL_HOSTS@/{r /dev/stdin" -e "d}" \
        "$ROOT/tests/prosody/test.cfg.lua.in" > "$cfg" <<< "$hosts"
    # Prosody refuses to run as root: run it as its own user, owning its data.
    local as_prosody=()
    if [ "$(id -u)" -eq 0 ]; then
        chown -R prosody:prosody "$dir"
        as_prosody=(runuser -u prosody --)
    fi
    prosodyctl --config "$cfg" register "${service_jid%@*}" "${service_jid#*@}" "$service_password"
    "${as_prosody[@]}" prosody --config "$cfg" -F > "$dir/stdout.log" 2>&1 &
    PROSODY_PID=$!
    for _ in $(seq 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
        kill -0 "$PROSODY_PID" 2>/dev/null || die "Prosody stopped; see $dir/prosody.log"
        sleep 0.1
    done
    die "Prosody did not open 127.0.0.1:$port within 10 s; see $dir/prosody.log"
}

stop_prosody() {
    if [ -n "${PROSODY_PID:-}" ]; then
        # runuser forwards the signal to Prosody.
        kill "$PROSODY_PID" 2>/dev/null || true
        wait "$PROSODY_PID" 2>/dev/null || true
    fi
}
