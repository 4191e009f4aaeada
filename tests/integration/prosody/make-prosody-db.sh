#!/bin/sh
# Creates a Prosody SQLite database the way a Prosody admin would: Debian's Prosody 0.12 with
# `storage = "sql"` and `authentication = "internal_hashed"`, accounts created by prosodyctl.
# Every row in the database is written by Prosody's own Lua code, never by us.
#
#   make-prosody-db.sh OUTDIR
#
# Leaves in OUTDIR:
#   prosody.sqlite       the database (accounts alice@localhost "pw1", bob@localhost "pw2"; alice's
#                        roster, written by Prosody's rostermanager through its admin shell: bob@localhost
#                        "Bob" both in group Friends, carol@example.net none + ask, pending request
#                        from dave@example.org)
#   prosody.cfg.lua      Prosody's config for that database; `prosody --config OUTDIR/prosody.cfg.lua -F`
#                        serves it on 127.0.0.1, c2s port $CANTO_PROSODY_C2S_PORT (required to start
#                        the server; prosodyctl register does not need it), STARTTLS with
#                        localhost.crt/localhost.key (self-signed), no s2s or HTTP listeners;
#                        $CANTO_PROSODY_DATABASE, when set, names another SQLite file to serve
#   data/, prosody.log   Prosody's data_path and log
# Installs prosody and lua-dbi-sqlite3 with apt-get when they are missing (root or sudo needed).
# Exits non-zero on any failure: the Prosody compatibility test must fail, not skip, without Prosody.
set -eu

outdir=${1:-}
if [ -z "$outdir" ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=""
for package in prosody lua-dbi-sqlite3; do
    is_installed "$package" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    echo "make-prosody-db: installing$missing"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null; then
            echo "make-prosody-db: run as root or install sudo to install:$missing" >&2
            exit 1
        fi
        sudo="sudo -n"
    fi
    had_prosody=$(command -v prosody || true)
    # shellcheck disable=SC2086 # word splitting of the package list is wanted
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >&2 ||
        { $sudo apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
            --no-install-recommends $missing >&2; }
    # Debian starts its prosody service on install; it would hold 5222 and 5269. Stop only that
    # service (never other Prosody processes: other tests or benchmarks may run their own).
    if [ -z "$had_prosody" ]; then
        $sudo service prosody stop >/dev/null 2>&1 || true
    fi
fi
for tool in prosody prosodyctl openssl; do
    if ! command -v "$tool" >/dev/null; then
        echo "make-prosody-db: $tool not found" >&2
        exit 1
    fi
done

# The distro service, if it runs, is not in our way (we use other ports), but say so: cantod's
# default ports are Prosody's.
if [ -f /run/prosody/prosody.pid ] && kill -0 "$(cat /run/prosody/prosody.pid)" 2>/dev/null; then
    echo "make-prosody-db: note: the distribution's prosody service is running (ports 5222/5269)" >&2
fi

rm -rf "$outdir/data" "$outdir/prosody.sqlite" "$outdir/prosody.sqlite-wal" "$outdir/prosody.sqlite-shm"
mkdir -p "$outdir/data"

openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost" \
    -keyout "$outdir/localhost.key" -out "$outdir/localhost.crt" >/dev/null 2>&1

cat >"$outdir/prosody.cfg.lua" <<CONFIG
-- Written by make-prosody-db.sh: a private Prosody for Canto's compatibility test.
run_as_root = true -- only matters when the test runs as root (containers, CI)
pidfile = "$outdir/prosody.pid"
data_path = "$outdir/data"
log = { { levels = { min = "info" }, to = "file", filename = "$outdir/prosody.log" } }
storage = "sql"
sql = { driver = "SQLite3", database = ENV_CANTO_PROSODY_DATABASE or "$outdir/prosody.sqlite" }
authentication = "internal_hashed"
interfaces = { "127.0.0.1" }
c2s_ports = { tonumber(ENV_CANTO_PROSODY_C2S_PORT) }
s2s_ports = { }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "admin_shell" }
c2s_require_encryption = true
certificates = "$outdir"
ssl = { certificate = "$outdir/localhost.crt", key = "$outdir/localhost.key" }

VirtualHost "localhost"
CONFIG


register() {
    if ! prosodyctl --config "$outdir/prosody.cfg.lua" register "$1" localhost "$2"; then
        echo "make-prosody-db: prosodyctl register $1 failed; log:" >&2
        cat "$outdir/prosody.log" >&2 2>/dev/null || true
        exit 1
    fi
}
register alice pw1
register bob pw2

# A roster, saved by Prosody's own rostermanager inside a running Prosody (admin shell, Lua mode).
prosody --config "$outdir/prosody.cfg.lua" -F >"$outdir/prosody-roster.out" 2>&1 &
prosody_pid=$!
tries=0
while [ ! -S "$outdir/data/prosody.sock" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$prosody_pid" 2>/dev/null; then
        echo "make-prosody-db: Prosody did not open its admin socket; log:" >&2
        cat "$outdir/prosody.log" "$outdir/prosody-roster.out" >&2 2>/dev/null || true
        kill "$prosody_pid" 2>/dev/null || true
        exit 1
    fi
    sleep 0.1
done
roster_lua='> local rm = require "core.rostermanager"; local r = rm.load_roster("alice", "localhost"); r["bob@localhost"] = { subscription = "both", name = "Bob", groups = { Friends = true } }; r["carol@example.net"] = { subscription = "none", ask = "subscribe", groups = {} }; r[false].pending["dave@example.org"] = true; return rm.save_roster("alice", "localhost", r)'
shell_output=$(echo "$roster_lua" | prosodyctl --config "$outdir/prosody.cfg.lua" shell 2>&1 || true)
kill "$prosody_pid" 2>/dev/null || true
wait "$prosody_pid" 2>/dev/null || true
case "$shell_output" in
*"OK: true"*) ;;
*)
    echo "make-prosody-db: writing the roster through Prosody's shell failed: $shell_output" >&2
    exit 1
    ;;
esac

if [ ! -s "$outdir/prosody.sqlite" ]; then
    echo "make-prosody-db: Prosody wrote no database at $outdir/prosody.sqlite" >&2
    cat "$outdir/prosody.log" >&2 2>/dev/null || true
    exit 1
fi
echo "make-prosody-db: Prosody database ready: $outdir/prosody.sqlite"
