# A throwaway PostgreSQL on loopback for the tests: its own data directory, trust auth, a free
# port. Sourced; sets DATABASE_URL_POSTGRES.

start_postgres() {
    local bin port
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found (package postgresql)"
    PG_DIR=$(mktemp -d /tmp/domaine-pg.XXXXXX)
    local as_pg=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$PG_DIR"
        as_pg=(runuser -u postgres --)
    fi
    port=$(free_port)
    "${as_pg[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
    "${as_pg[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off" start >/dev/null
    PG_STOP=("${as_pg[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop)
    export DATABASE_URL_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
    log "PostgreSQL on 127.0.0.1:$port"
}

stop_postgres() {
    if [ -n "${PG_DIR:-}" ]; then
        "${PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
