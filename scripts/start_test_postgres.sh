#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster for the store tests; print the URL to use.
#
#   eval "$(scripts/start_test_postgres.sh)"      # sets COACH_TEST_POSTGRES_URL
#   scripts/start_test_postgres.sh --stop          # stop it and delete its files
#
# Idempotent: a cluster already running in $COACH_PG_DIR is reused. Installs Debian's `postgresql`
# package when no server binaries are found (needs root). The cluster listens on 127.0.0.1 only,
# with trust authentication and fsync off: test data only, never patient data.
# Diagnostics go to stderr; stdout carries only the export line.
set -euo pipefail

PG_DIR="${COACH_PG_DIR:-/tmp/coach-test-pg}"
PG_PORT="${COACH_PG_PORT:-55432}"
PG_DB="coach_test"
PG_USER="coach"
DATA="$PG_DIR/data"

say() { echo "start_test_postgres: $*" >&2; }

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

BINDIR="$(find_bindir || true)"
if [ -z "$BINDIR" ]; then
    if [ "$(id -u)" != 0 ]; then
        say "PostgreSQL server binaries not found and not root: install the Debian package 'postgresql'"
        exit 1
    fi
    say "installing the Debian package postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BINDIR="$(find_bindir)"
fi

# initdb and postgres refuse to run as root: run them as the 'postgres' user then.
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

if [ "${1:-}" = "--stop" ]; then
    if [ -d "$DATA" ]; then
        as_pg "$BINDIR/pg_ctl" -D "$DATA" -m fast stop >&2 || true
        rm -rf "$PG_DIR"
    fi
    say "stopped"
    exit 0
fi

mkdir -p "$PG_DIR"
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"

if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating a cluster in $DATA"
    as_pg "$BINDIR/initdb" -D "$DATA" -U "$PG_USER" --auth=trust --encoding=UTF8 --no-locale >/dev/null
fi

if ! as_pg "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" >&2
fi

if ! as_pg "$BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
    as_pg "$BINDIR/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
fi

echo "export COACH_TEST_POSTGRES_URL=postgresql+psycopg://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB COACH_TEST_POSTGRES_DATA=$DATA"
