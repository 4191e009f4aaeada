#!/usr/bin/env bash
# Runs every canto-interop-client scenario against a private Prosody instance, to prove the
# client itself is right before it is pointed at cantod. Accounts alice and bob are registered
# with prosodyctl; the instant-messaging scenarios (roster, subscription, delivery, offline,
# carbons, mam, resume) use both and need Prosody's roster, offline, carbons, mam and smacks
# modules, which the generated config enables.
#
#   tests/interop/run-against-prosody.sh [--client PATH] [--verbose] [--keep] [scenario ...]
#
# Needs: prosody (Debian package; its system service is not used), openssl, and either --client
# (or $CANTO_INTEROP_CLIENT) or cmake + ninja + libqxmpp-dev to build the client standalone into
# $CANTO_INTEROP_BUILD_DIR (default /tmp/canto-interop-client-build, reused between runs).
# Everything else lives in a fresh temp dir (config, self-signed certificate, data, logs) that
# is removed on exit with the Prosody process (--keep leaves the dir for inspection).
# Ports: the first free pair from $PROSODY_C2S_PORT (default 35222), direct TLS on the next one.
# Exit status: 0 if every scenario passed, 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
client="${CANTO_INTEROP_CLIENT:-}"
verbose=()
keep=0
scenarios=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --client) client="$2"; shift 2 ;;
        --verbose) verbose=(--verbose); shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) scenarios+=("$1"); shift ;;
    esac
done

if [[ -z "$client" ]]; then
    build="${CANTO_INTEROP_BUILD_DIR:-/tmp/canto-interop-client-build}"
    echo "== building canto-interop-client in $build"
    cmake -S "$here/client" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build "$build" -j1
    client="$build/canto-interop-client"
fi
[[ -x "$client" ]] || { echo "no client executable at $client" >&2; exit 1; }
command -v prosody >/dev/null || { echo "prosody is not installed (apt-get install prosody)" >&2; exit 1; }

tmp="$(mktemp -d /tmp/canto-interop-prosody.XXXXXX)"
prosody_pid=""
cleanup() {
    if [[ -n "$prosody_pid" ]] && kill -0 "$prosody_pid" 2>/dev/null; then
        kill "$prosody_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$prosody_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$prosody_pid" 2>/dev/null || true
    fi
    if [[ $keep -eq 1 ]]; then echo "== kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
c2s_port="${PROSODY_C2S_PORT:-35222}"
until port_is_free "$c2s_port" && port_is_free $((c2s_port + 1)); do c2s_port=$((c2s_port + 2)); done
tls_port=$((c2s_port + 1))

echo "== Prosody $(dpkg-query -W -f '${Version}' prosody 2>/dev/null || echo '?') in $tmp, STARTTLS port $c2s_port, direct TLS port $tls_port"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$tmp/localhost.key" -out "$tmp/localhost.crt" 2>/dev/null
mkdir -p "$tmp/data"
cat >"$tmp/prosody.cfg.lua" <<EOF
-- canto interop: a throwaway Prosody for checking canto-interop-client.
run_as_root = true
pidfile = "$tmp/prosody.pid"
data_path = "$tmp/data"
admin_socket = "$tmp/prosody.sock"
log = { debug = "$tmp/prosody.log" }
c2s_ports = { $c2s_port }
c2s_direct_tls_ports = { $tls_port }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
c2s_require_encryption = true
authentication = "internal_hashed"
storage = "internal"
certificates = "$tmp"
ssl = { certificate = "$tmp/localhost.crt", key = "$tmp/localhost.key" }
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "version"; "time"; "carbons"; "offline"; "mam"; "smacks" }
modules_disabled = { "s2s" }
-- The IM scenarios' defaults spelled out: archive every chat, hold a dropped XEP-0198 session.
default_archive_policy = true
smacks_hibernation_time = 60
VirtualHost "localhost"
EOF

prosodyctl --config "$tmp/prosody.cfg.lua" register alice localhost alice-secret </dev/null
prosodyctl --config "$tmp/prosody.cfg.lua" register bob localhost bob-secret </dev/null

prosody --config "$tmp/prosody.cfg.lua" -F >"$tmp/stdout.log" 2>&1 &
prosody_pid=$!
for _ in $(seq 100); do
    if ! port_is_free "$c2s_port" && ! port_is_free "$tls_port"; then break; fi
    kill -0 "$prosody_pid" 2>/dev/null || { cat "$tmp/stdout.log" "$tmp/prosody.log" >&2; exit 1; }
    sleep 0.1
done
port_is_free "$c2s_port" && { echo "prosody did not start listening" >&2; cat "$tmp/stdout.log" >&2; exit 1; }

common=(--host 127.0.0.1 --domain localhost --jid alice@localhost --password alice-secret --timeout-ms 15000)
starttls=(--port "$c2s_port" --ca-cert "$tmp/localhost.crt")
direct=(--port "$tls_port" --direct-tls --ignore-ssl-errors)
peer=(--peer-jid bob@localhost --peer-password bob-secret)

# name | extra arguments
cases=(
    "login|${starttls[*]}"
    "login|${starttls[*]} --mechanism SCRAM-SHA-1 --resource fixed-resource"
    "login|${direct[*]} --mechanism SCRAM-SHA-1"
    "login|${starttls[*]} --mechanism PLAIN"
    "ping|${starttls[*]}"
    "ping|${direct[*]}"
    "disco|${starttls[*]} --expect-feature jabber:iq:version --expect-feature urn:xmpp:time"
    "version|${starttls[*]}"
    "time|${starttls[*]}"
    "self-message|${starttls[*]}"
    "self-message|${direct[*]} --resource laptop"
    "wrong-password|${starttls[*]}"
    "wrong-password|${direct[*]} --mechanism SCRAM-SHA-1"
    "malformed|${starttls[*]}"
    "malformed|${starttls[*]} --peer-jid bob@localhost --peer-password bob-secret"
    "malformed|${direct[*]}"
    "roster|${starttls[*]}"
    "subscription|${starttls[*]} ${peer[*]}"
    "delivery|${starttls[*]} ${peer[*]}"
    "offline|${starttls[*]} ${peer[*]}"
    "carbons|${starttls[*]} ${peer[*]}"
    "mam|${starttls[*]} ${peer[*]}"
    "resume|${starttls[*]} ${peer[*]}"
    "resume|${direct[*]} ${peer[*]}"
)
# Expected to fail against Prosody 0.12 (it offers no SCRAM-SHA-256): proves the client refuses
# a silent mechanism fallback.
expected_failures=(
    "login|${starttls[*]} --mechanism SCRAM-SHA-256"
)

passed=0
failed=0
summary=()
run_case() {
    local expect="$1" entry="$2"
    local scenario="${entry%%|*}" extra="${entry#*|}"
    if [[ ${#scenarios[@]} -gt 0 ]] && [[ ! " ${scenarios[*]} " == *" $scenario "* ]]; then return; fi
    echo
    echo "== $scenario $extra"
    local rc=0
    # shellcheck disable=SC2086 # extra is a list of plain words
    "$client" "${common[@]}" $extra --scenario "$scenario" "${verbose[@]}" || rc=$?
    if { [[ $expect == pass ]] && [[ $rc -eq 0 ]]; } || { [[ $expect == fail ]] && [[ $rc -eq 1 ]]; }; then
        passed=$((passed + 1))
        summary+=("ok    $scenario $extra (expected $expect)")
    else
        failed=$((failed + 1))
        summary+=("WRONG $scenario $extra (expected $expect, exit $rc)")
    fi
}
for entry in "${cases[@]}"; do run_case pass "$entry"; done
for entry in "${expected_failures[@]}"; do run_case fail "$entry"; done

echo
echo "== summary against Prosody: $passed as expected, $failed not"
printf '   %s\n' "${summary[@]}"
[[ $failed -eq 0 ]]
