#!/usr/bin/env bash
# Runs one canto-bench scenario against Debian's Prosody, Debian's ejabberd and (when CANTO_BIN is
# set) Canto, one server at a time, each in its own temporary directory on unusual ports, with the
# same settings: no rate limits, warning-level logs, comparable modules, plaintext + PLAIN allowed.
# The server is restarted for every measurement. Prints a table and keeps every JSON result line.
#
# usage: bench/run-compare.sh [options]
#   --scenario login|messaging           scenario (default login; bench/run-messaging.sh = messaging)
#   --servers "prosody ejabberd canto"   servers to run (default: prosody ejabberd, + canto if CANTO_BIN)
#   --keep                               keep the work directory
#   --out FILE                           where the JSON lines go (default ./canto-compare-DATE.jsonl)
#   --table FILE                         also write the printed table (Markdown) there
# login scenario:
#   --clients "1000 10000"               client counts (default "1000 10000")
#   --modes "plain scram"                plain = no TLS + SASL PLAIN (throughput);
#                                        scram = STARTTLS + SCRAM-SHA-1 (realistic login)
#   --concurrency N                      logins in flight (default 200)
#   --hold S                             seconds to hold all sessions before reading RSS (default 10)
# messaging scenario (pairs of clients sending chat messages to each other's full JID):
#   --pairs N                            client pairs (default 100, i.e. 200 clients)
#   --msg-modes "flood rate"             flood = as fast as the per-sender window allows;
#                                        rate = fixed --rate messages/s per sender
#   --rate R                             messages/s per sender in rate mode (default 10)
#   --window N                           in-flight messages per sender (default 32)
#   --duration S                         measured seconds (default 20), after --warmup S (default 2)
#   --transport scram|plain              STARTTLS + SCRAM-SHA-1 (default) or no TLS + PLAIN
# environment: BENCH_BIN (canto-bench), CANTO_BIN + CANTOCTL_BIN (Canto), WORK_DIR, PORT_BASE.
# Needs root (apt-installed servers, ejabberd runs as its system user).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
BENCH_BIN="${BENCH_BIN:-$SCRIPT_DIR/../build/release/bench/loadgen/canto-bench}"
CANTO_BIN="${CANTO_BIN:-}"
CANTOCTL_BIN="${CANTOCTL_BIN:-}"
PORT_BASE="${PORT_BASE:-25200}"
DOMAIN="localhost"
USER_PATTERN="bench%d"
PASSWORD="benchpw"
SCRAM_ITERATIONS=4096 # ejabberd's default; used for every server so PLAIN costs the same

SCENARIO="login"
SERVERS=""
CLIENT_COUNTS="1000 10000"
MODES="plain scram"
CONCURRENCY=200
HOLD=10
KEEP=0
OUT="$PWD/canto-compare-$(date +%Y%m%d-%H%M%S).jsonl"
TABLE=""
PAIRS=100
MSG_MODES="flood rate"
MSG_RATE=10
MSG_WINDOW=32
MSG_DURATION=20
MSG_WARMUP=2
MSG_TRANSPORT="scram"
while [ $# -gt 0 ]; do
    case "$1" in
        --scenario) SCENARIO="$2"; shift 2 ;;
        --servers) SERVERS="$2"; shift 2 ;;
        --clients) CLIENT_COUNTS="$2"; shift 2 ;;
        --modes) MODES="$2"; shift 2 ;;
        --concurrency) CONCURRENCY="$2"; shift 2 ;;
        --hold) HOLD="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --out) OUT="$2"; shift 2 ;;
        --table) TABLE="$2"; shift 2 ;;
        --pairs) PAIRS="$2"; shift 2 ;;
        --msg-modes) MSG_MODES="$2"; shift 2 ;;
        --rate) MSG_RATE="$2"; shift 2 ;;
        --window) MSG_WINDOW="$2"; shift 2 ;;
        --duration) MSG_DURATION="$2"; shift 2 ;;
        --warmup) MSG_WARMUP="$2"; shift 2 ;;
        --transport) MSG_TRANSPORT="$2"; shift 2 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$SERVERS" ]; then
    SERVERS="prosody ejabberd"
    [ -n "${CANTO_BIN:-}" ] && SERVERS="$SERVERS canto"
fi
case "$SCENARIO" in
    login) ;;
    messaging) CLIENT_COUNTS=$((2 * PAIRS)) ;;
    *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
MAX_CLIENTS=0
for n in $CLIENT_COUNTS; do [ "$n" -gt "$MAX_CLIENTS" ] && MAX_CLIENTS=$n; done

[ -x "$BENCH_BIN" ] || { echo "canto-bench not found at $BENCH_BIN (set BENCH_BIN)" >&2; exit 2; }
# Each held session costs one descriptor in the server and one here.
ulimit -n "$(ulimit -Hn)" || true
echo "ulimit -n: $(ulimit -n)"

WORK_DIR="${WORK_DIR:-$(mktemp -d /tmp/canto-compare.XXXXXX)}"
chmod 755 "$WORK_DIR"
RESULTS="$WORK_DIR/results.jsonl"
: > "$RESULTS"
SERVER_PID=""
SERVER_STOP=""   # command that stops the running server
SERVER_VERSION=""

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

cleanup() {
    stop_server || true
    if [ "$KEEP" = 0 ]; then rm -rf "$WORK_DIR"; else log "work directory kept: $WORK_DIR"; fi
}
trap cleanup EXIT

wait_for_port() { # port seconds
    local port=$1 deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

stop_server() {
    [ -n "$SERVER_STOP" ] || return 0
    eval "$SERVER_STOP" >/dev/null 2>&1 || true
    if [ -n "$SERVER_PID" ]; then
        local i
        for i in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""; SERVER_STOP=""
}

make_certificate() { # dir -> dir/server.crt, dir/server.key, dir/server.pem (key + cert)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -subj "/CN=$DOMAIN" -addext "subjectAltName=DNS:$DOMAIN" \
        -keyout "$1/server.key" -out "$1/server.crt" 2>/dev/null
    cat "$1/server.key" "$1/server.crt" > "$1/server.pem"
}

# The packages may have started their system daemons; those must not hold ports or CPU.
stop_distro_services() {
    local svc
    for svc in prosody ejabberd; do
        if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
            systemctl stop "$svc" 2>/dev/null || true
        else
            service "$svc" stop >/dev/null 2>&1 || true
        fi
    done
}

# ---------------------------------------------------------------------------------------- Prosody
prosody_setup() {
    local dir="$WORK_DIR/prosody"
    mkdir -p "$dir/data"
    make_certificate "$dir"
    cat > "$dir/prosody.cfg.lua" <<CFG
-- canto-bench: Prosody with the limits off, warning logs, plaintext PLAIN allowed.
run_as_root = true
data_path = "$dir/data"
pidfile = "$dir/prosody.pid"
admin_socket = "$dir/prosody.sock"
log = { warn = "$dir/prosody.log" }
network_backend = "epoll"
-- The default listen backlog (128) overflows at 200 logins in flight; every server gets 1024.
network_settings = { tcp_backlog = 1024 }
c2s_ports = { $((PORT_BASE + 22)) }
c2s_direct_tls_ports = { }
http_ports = { }
https_ports = { }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
s2s_require_encryption = false
authentication = "internal_hashed"
storage = "internal"
certificates = "$dir"
ssl = { certificate = "$dir/server.crt", key = "$dir/server.key" }
modules_enabled = {
    "roster"; "saslauth"; "tls"; "disco"; "carbons"; "pep"; "private"; "blocklist";
    "vcard4"; "vcard_legacy"; "version"; "uptime"; "time"; "ping"; "csi_simple";
}
-- mod_limits is not loaded (it is not autoloaded); s2s is not needed.
modules_disabled = { "s2s"; "offline" }
VirtualHost "$DOMAIN"
CFG
    local start=$SECONDS t0
    t0=$(date +%s.%N)
    python3 "$SCRIPT_DIR/tools/prosody-accounts.py" "$dir/data" "$DOMAIN" "$USER_PATTERN" "$MAX_CLIENTS" \
        "$PASSWORD" "$SCRAM_ITERATIONS"
    log "prosody: $MAX_CLIENTS accounts written in $(echo "$(date +%s.%N) - $t0" | bc) s"
    : "$start"
}

prosody_start() {
    local dir="$WORK_DIR/prosody"
    prosody --config "$dir/prosody.cfg.lua" -F > "$dir/stdout.log" 2>&1 &
    SERVER_PID=$!
    SERVER_STOP="kill -TERM $SERVER_PID"
    SERVER_PORT=$((PORT_BASE + 22))
    # (prosody --version hangs without a terminal on Debian 12: ask dpkg instead)
    SERVER_VERSION="Prosody $(dpkg-query -W -f '${Version}' prosody 2>/dev/null)"
    wait_for_port "$SERVER_PORT" 30 || { cat "$dir/stdout.log" "$dir/prosody.log" >&2; return 1; }
    # prosody is a shell wrapper on some systems: measure the lua process itself.
    SERVER_PID=$(pgrep -P "$SERVER_PID" lua 2>/dev/null || echo "$SERVER_PID")
}

# --------------------------------------------------------------------------------------- ejabberd
EJABBERD_NODE="canto_bench_ejabberd@localhost"
# ejabberd runs as its system user. Not through su: PAM would reset RLIMIT_NOFILE to 1024 and
# ejabberd would refuse connections past that ("Failed TCP accept: too many open files").
as_ejabberd() {
    setpriv --reuid=ejabberd --regid=ejabberd --init-groups env HOME=/var/lib/ejabberd "$@"
}
ejabberdctl_bench() {
    local dir="$WORK_DIR/ejabberd"
    as_ejabberd ejabberdctl --config-dir "$dir" --config "$dir/ejabberd.yml" --ctl-config "$dir/ejabberdctl.cfg" \
        --logs "$dir/logs" --spool "$dir/db" --node "$EJABBERD_NODE" "$@"
}

ejabberd_setup() {
    local dir="$WORK_DIR/ejabberd"
    mkdir -p "$dir/logs" "$dir/db"
    make_certificate "$dir"
    cat > "$dir/ejabberdctl.cfg" <<CFG
POLL=true
ERL_MAX_PORTS=65536
ERL_PROCESSES=1000000
# No scheduler busy-waiting: spinning schedulers would count as CPU time and steal the core
# that canto-bench needs on a small machine.
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 +sbwt none +sbwtdcpu none +sbwtdio none"
EJABBERD_PID_PATH=$dir/ejabberd.pid
CFG
    cat > "$dir/ejabberd.yml" <<CFG
# canto-bench: ejabberd with shapers off, warning logs, STARTTLS optional, PLAIN allowed.
loglevel: warning
log_rotate_count: 0
hosts:
  - $DOMAIN
certfiles:
  - "$dir/server.pem"
listen:
  -
    port: $((PORT_BASE + 32))
    ip: "127.0.0.1"
    module: ejabberd_c2s
    max_stanza_size: 262144
    shaper: none
    access: c2s
    starttls: true
    starttls_required: false
    max_fsm_queue: 100000
    # ejabberd's default listen backlog is 5: at 200 connects in flight SYNs are dropped and
    # retried after 1 s, 3 s, ... Every server gets 1024.
    backlog: 1024
auth_method: internal
auth_password_format: scram
auth_scram_hash: sha
disable_sasl_mechanisms:
  - "digest-md5"
  - "X-OAUTH2"
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
shaper_rules:
  max_user_sessions: 10
  c2s_shaper: none
modules:
  mod_roster: {}
  mod_disco: {}
  mod_caps: {}
  mod_carboncopy: {}
  mod_pubsub:
    access_createnode: local
    plugins:
      - flat
      - pep
  mod_private: {}
  mod_blocking: {}
  mod_privacy: {}
  mod_vcard: {}
  mod_version: {}
  mod_last: {}
  mod_ping: {}
  mod_client_state: {}
  mod_admin_extra: {}
CFG
    cp /etc/ejabberd/inetrc "$dir/inetrc"
    chown -R ejabberd:ejabberd "$dir"
    ejabberd_start
    ejabberd_create_users
    stop_server
}

ejabberd_create_users() {
    local dir="$WORK_DIR/ejabberd" t0
    t0=$(date +%s.%N)
    # ejabberdctl register starts an Erlang VM per call and import_piefxis hashes every password
    # (about 10 ms per user); import_prosody needs luerl, which Debian's build lacks. So: register
    # the first user through ejabberd_auth (ejabberd computes its SCRAM record), then copy that
    # record for every other user straight into the mnesia passwd table from a hidden Erlang node.
    # All users share one salt and password, exactly like the Prosody accounts.
    cat > "$dir/register.erl" <<ERL
N = '$EJABBERD_NODE', H = <<"$DOMAIN">>,
Name = fun(I) -> list_to_binary(lists:flatten(string:replace("$USER_PATTERN", "%d", integer_to_list(I)))) end,
_ = rpc:call(N, ejabberd_auth, try_register, [Name(1), H, <<"$PASSWORD">>]),
[Rec] = rpc:call(N, mnesia, dirty_read, [passwd, {Name(1), H}]),
Recs = [setelement(2, Rec, {Name(I), H}) || I <- lists:seq(2, $MAX_CLIENTS)],
ok = rpc:call(N, lists, foreach, [fun(R) -> ok = mnesia:dirty_write(R) end, Recs]),
io:format("~p~n", [rpc:call(N, mnesia, table_info, [passwd, size])]).
ERL
    chown ejabberd:ejabberd "$dir/register.erl"
    local count
    count=$(cd "$dir" && as_ejabberd erl -sname "canto_bench_reg_$$" -hidden -noshell \
        -eval "$(cat "$dir/register.erl")" -s init stop)
    log "ejabberd: $count accounts created in $(echo "$(date +%s.%N) - $t0" | bc) s"
}

ejabberd_start() {
    local dir="$WORK_DIR/ejabberd"
    ejabberdctl_bench start
    SERVER_STOP="ejabberdctl_bench stop; ejabberdctl_bench stopped"
    SERVER_PORT=$((PORT_BASE + 32))
    wait_for_port "$SERVER_PORT" 60 || { tail -20 "$dir/logs/ejabberd.log" >&2; return 1; }
    SERVER_PID=$(pgrep -f -- "-[s]name $EJABBERD_NODE" | head -1)
    [ -n "$SERVER_PID" ] || SERVER_PID=$(pgrep -f -- "$EJABBERD_NODE" | head -1)
    log "ejabberd: $(grep 'open files' "/proc/$SERVER_PID/limits")"
    SERVER_VERSION="ejabberd $(dpkg-query -W -f '${Version}' ejabberd 2>/dev/null)"
}

# ------------------------------------------------------------------------------------------ Canto
# Canto: CANTO_BIN=path/to/cantod and CANTOCTL_BIN=path/to/cantoctl. The config mirrors the
# Prosody one (Canto reads Prosody's option names); modules Canto does not have yet are reported as
# not running and the server goes on.
canto_setup() {
    local dir="$WORK_DIR/canto"
    [ -x "${CANTO_BIN:-}" ] && [ -x "${CANTOCTL_BIN:-}" ] || { echo "set CANTO_BIN and CANTOCTL_BIN" >&2; return 1; }
    mkdir -p "$dir/data"
    make_certificate "$dir"
    cat > "$dir/canto.cfg.lua" <<CFG
-- canto-bench: Canto with the limits off, warning logs, plaintext PLAIN allowed.
data_path = "$dir/data"
log = { warn = "$dir/canto.log" }
interfaces = { "127.0.0.1" }
c2s_ports = { $((PORT_BASE + 42)) }
c2s_direct_tls_ports = { }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
ssl = { certificate = "$dir/server.crt", key = "$dir/server.key" }
default_iteration_count = $SCRAM_ITERATIONS
storage = "sql"
sql = { driver = "SQLite3", database = "canto.sqlite" }
modules_enabled = {
    "roster"; "saslauth"; "tls"; "disco"; "carbons"; "pep"; "private"; "blocklist";
    "vcard4"; "vcard_legacy"; "version"; "uptime"; "time"; "ping"; "csi_simple";
}
modules_disabled = { "s2s"; "offline" }
VirtualHost "$DOMAIN"
CFG
    local t0
    t0=$(date +%s.%N)
    # One account through cantoctl (the real code path), then its rows copied for the others,
    # as for ejabberd: all accounts share one salt so the load generator hashes once.
    "$CANTOCTL_BIN" --config "$dir/canto.cfg.lua" adduser "${USER_PATTERN//%d/1}@$DOMAIN" "$PASSWORD" >/dev/null
    python3 - "$dir/data/canto.sqlite" "$MAX_CLIENTS" "$USER_PATTERN" "$DOMAIN" <<'PY'
import sqlite3, sys
db, count, pattern, host = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
con = sqlite3.connect(db)
first = pattern.replace("%d", "1")
rows = con.execute("SELECT key, type, value FROM prosody WHERE host=? AND user=? AND store='accounts'",
                   (host, first)).fetchall()
con.executemany("INSERT INTO prosody (host, user, store, key, type, value) VALUES (?, ?, 'accounts', ?, ?, ?)",
                [(host, pattern.replace("%d", str(i)), k, t, v) for i in range(2, count + 1) for (k, t, v) in rows])
con.commit()
PY
    log "canto: $MAX_CLIENTS accounts created in $(echo "$(date +%s.%N) - $t0" | bc) s"
}

start_canto() {
    local dir="$WORK_DIR/canto"
    "$CANTO_BIN" --config "$dir/canto.cfg.lua" > "$dir/stdout.log" 2>&1 &
    SERVER_PID=$!
    SERVER_STOP="kill -TERM $SERVER_PID"
    SERVER_PORT=$((PORT_BASE + 42))
    SERVER_VERSION="Canto $("$CANTO_BIN" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)"
    wait_for_port "$SERVER_PORT" 30 || { cat "$dir/stdout.log" >&2; return 1; }
}

# --------------------------------------------------------------------------------------- running
start_server() { # server
    case "$1" in
        prosody) prosody_start ;;
        ejabberd) ejabberd_start ;;
        canto) start_canto ;;
    esac
}

run_one() { # server clients mode
    local server=$1 clients=$2 mode=$3 tls mech
    case "$mode" in
        plain) tls=none; mech=PLAIN ;;
        scram) tls=starttls; mech=SCRAM-SHA-1 ;;
        *) echo "unknown mode $mode" >&2; return 1 ;;
    esac
    start_server "$server"
    sleep 2 # let start-up work (module loading, GC) settle before the baseline RSS
    # Other work on the machine skews logins/s; the load average is kept with each result.
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    log "$SERVER_VERSION (pid $SERVER_PID): $clients clients, $mode, load average $load"
    local out
    out=$("$BENCH_BIN" --host 127.0.0.1 --port "$SERVER_PORT" --domain "$DOMAIN" --tls "$tls" --mech "$mech" \
        --clients "$clients" --concurrency "$CONCURRENCY" --hold-seconds "$HOLD" \
        --user-pattern "$USER_PATTERN" --password "$PASSWORD" --server-pid "$SERVER_PID" || true)
    echo "$out" | grep -v '^{' >&2 || true
    local json
    json=$(echo "$out" | grep '^{' | tail -1)
    stop_server
    [ -n "$json" ] || { log "no result"; return 0; }
    python3 - "$server" "$SERVER_VERSION" "$mode" "$json" "$load" "$(nproc)" >> "$RESULTS" <<'PY'
import json, sys
r = json.loads(sys.argv[4])
r.update(server=sys.argv[1], version=sys.argv[2], mode=sys.argv[3], loadavg_before=float(sys.argv[5]),
         nproc=int(sys.argv[6]))
print(json.dumps(r))
PY
}

# One messaging measurement: pairs of clients chatting (flood within a window, or a fixed rate).
run_messaging() { # server msg_mode
    local server=$1 mode=$2 tls mech rate
    case "$MSG_TRANSPORT" in
        plain) tls=none; mech=PLAIN ;;
        scram) tls=starttls; mech=SCRAM-SHA-1 ;;
        *) echo "unknown transport $MSG_TRANSPORT" >&2; return 1 ;;
    esac
    case "$mode" in
        flood) rate=0 ;;
        rate) rate=$MSG_RATE ;;
        *) echo "unknown messaging mode $mode" >&2; return 1 ;;
    esac
    start_server "$server"
    sleep 2 # let start-up work (module loading, GC) settle
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    log "$SERVER_VERSION (pid $SERVER_PID): $PAIRS pairs, $mode, $MSG_TRANSPORT, load average $load"
    local out
    out=$("$BENCH_BIN" --scenario messaging --host 127.0.0.1 --port "$SERVER_PORT" --domain "$DOMAIN" \
        --tls "$tls" --mech "$mech" --clients "$((2 * PAIRS))" --concurrency "$CONCURRENCY" \
        --rate "$rate" --window "$MSG_WINDOW" --warmup "$MSG_WARMUP" --duration "$MSG_DURATION" \
        --user-pattern "$USER_PATTERN" --password "$PASSWORD" --server-pid "$SERVER_PID" || true)
    echo "$out" | grep -v '^{' >&2 || true
    local json
    json=$(echo "$out" | grep '^{' | tail -1)
    stop_server
    [ -n "$json" ] || { log "no result"; return 0; }
    python3 - "$server" "$SERVER_VERSION" "$mode" "$json" "$load" "$(nproc)" "$MSG_TRANSPORT" >> "$RESULTS" <<'PY'
import json, sys
r = json.loads(sys.argv[4])
r.update(server=sys.argv[1], version=sys.argv[2], mode=sys.argv[3], loadavg_before=float(sys.argv[5]),
         nproc=int(sys.argv[6]), transport=sys.argv[7])
print(json.dumps(r))
PY
}

print_messaging_table() {
    python3 - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def ref(r, name):
    for o in rows:
        if o["server"] == name and o["mode"] == r["mode"]:
            return o
def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "-"
hdr = ("server", "version", "mode", "pairs", "delivered msg/s", "p50 ms", "p99 ms", "p99.9 ms", "server CPU us/msg",
       "bench CPU %", "msg/s vs ejabberd", "p99 vs ejabberd", "msg/s vs Prosody", "p99 vs Prosody")
print("| " + " | ".join(hdr) + " |")
print("|" + "|".join("---" for _ in hdr) + "|")
for r in rows:
    e, p = ref(r, "ejabberd"), ref(r, "prosody")
    lat = r["latency_ms"]
    cpu = r.get("server_cpu_s")
    mode = r["mode"] if r["mode"] == "flood" else "rate %g/s" % r["rate_per_sender"]
    print("| " + " | ".join(str(x) for x in (
        r["server"], r["version"], mode, r["pairs_active"], "%.0f" % r["delivered_per_s"],
        "%.2f" % lat["p50"], "%.2f" % lat["p99"], "%.2f" % lat["p999"],
        "%.1f" % (cpu * 1e6 / r["delivered"]) if cpu is not None and r["delivered"] else "-",
        "%.0f" % (r["bench_cpu_s"] * 100 / r["interval_s"]) if r["interval_s"] else "-",
        ratio(r["delivered_per_s"], e and e["delivered_per_s"]), ratio(lat["p99"], e and e["latency_ms"]["p99"]),
        ratio(r["delivered_per_s"], p and p["delivered_per_s"]), ratio(lat["p99"], p and p["latency_ms"]["p99"]))) + " |")
PY
}

print_table() {
    python3 - "$RESULTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def ref(r, name):
    for o in rows:
        if o["server"] == name and o["clients"] == r["clients"] and o["mode"] == r["mode"]:
            return o
def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "-"
hdr = ("server", "version", "mode", "clients", "ok", "logins/s", "p99 ms", "CPU ms/login", "KB/conn", "RSS MB",
       "login/s vs ejabberd", "login/s vs Prosody", "mem vs ejabberd", "mem vs Prosody")
print(" | ".join(hdr))
print(" | ".join("---" for _ in hdr))
for r in rows:
    e, p = ref(r, "ejabberd"), ref(r, "prosody")
    kb = r.get("rss_per_conn_bytes", 0) / 1024
    print(" | ".join(str(x) for x in (
        r["server"], r["version"], r["mode"], r["clients"], r["ok"], "%.0f" % r["logins_per_s"],
        "%.0f" % r["latency_ms"]["p99"],
        "%.2f" % (r["server_cpu_s"] * 1000 / r["ok"]) if r.get("server_cpu_s") is not None and r["ok"] else "-",
        "%.1f" % kb, "%.0f" % (r.get("rss_after_kb", 0) / 1024),
        ratio(r["logins_per_s"], e and e["logins_per_s"]), ratio(r["logins_per_s"], p and p["logins_per_s"]),
        ratio(r.get("rss_per_conn_bytes"), e and e.get("rss_per_conn_bytes")),
        ratio(r.get("rss_per_conn_bytes"), p and p.get("rss_per_conn_bytes")))))
PY
}

stop_distro_services
for server in $SERVERS; do
    case "$server" in
        prosody) prosody_setup ;;
        ejabberd) ejabberd_setup ;;
        canto) canto_setup ;;
        *) echo "unknown server $server" >&2; exit 2 ;;
    esac
    if [ "$SCENARIO" = messaging ]; then
        for mode in $MSG_MODES; do
            run_messaging "$server" "$mode"
        done
        continue
    fi
    for clients in $CLIENT_COUNTS; do
        for mode in $MODES; do
            run_one "$server" "$clients" "$mode"
        done
    done
done
echo
if [ "$SCENARIO" = messaging ]; then
    print_messaging_table | tee "$WORK_DIR/table.md"
else
    print_table | tee "$WORK_DIR/table.md"
fi
echo
cp "$RESULTS" "$OUT"
echo "raw results: $OUT"
if [ -n "$TABLE" ]; then
    cp "$WORK_DIR/table.md" "$TABLE"
    echo "table: $TABLE"
fi
exit 0
