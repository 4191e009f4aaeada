#!/bin/sh
# Starts or stops a private PostgreSQL cluster for the storage tests (CTest fixture "pgsql").
#
#   pgsql-fixture.sh start <state-dir>   initdb a fresh cluster in a temporary directory, start it
#                                        on 127.0.0.1 at a free port, create database canto_test
#                                        and write <state-dir>/connection.env (key=value lines:
#                                        host, port, database, username, password)
#   pgsql-fixture.sh stop <state-dir>    stop the cluster and remove it
#
# initdb refuses to run as root, so as root the cluster belongs to the "postgres" system user
# (or $CANTO_PGSQL_USER) and every server command runs through runuser. Set CANTO_PGSQL_BINDIR to
# use another PostgreSQL installation (default: the newest /usr/lib/postgresql/*/bin).
set -eu

action=${1:-}
state_dir=${2:-}
if [ -z "$action" ] || [ -z "$state_dir" ]; then
    echo "usage: $0 start|stop <state-dir>" >&2
    exit 2
fi

bindir=${CANTO_PGSQL_BINDIR:-}
if [ -z "$bindir" ]; then
    for candidate in /usr/lib/postgresql/*/bin; do
        [ -x "$candidate/initdb" ] && bindir=$candidate
    done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "pgsql-fixture: no PostgreSQL server found (install postgresql, or set CANTO_PGSQL_BINDIR)" >&2
    exit 1
fi

run_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "${CANTO_PGSQL_USER:-postgres}" -- "$@"
    else
        "$@"
    fi
}

stop_cluster() {
    if [ -f "$state_dir/cluster-path" ]; then
        cluster=$(cat "$state_dir/cluster-path")
        if [ -d "$cluster/data" ]; then
            run_as_owner "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        case "$cluster" in
            */canto-pgsql.*) rm -rf "$cluster" ;;
        esac
        rm -f "$state_dir/cluster-path"
    fi
    rm -f "$state_dir/connection.env"
}

case "$action" in
start)
    mkdir -p "$state_dir"
    stop_cluster # a cluster left over by an interrupted run
    # The cluster lives in /tmp, not in the build tree, so that the postgres user can reach it
    # even when the build tree is inside a private home directory.
    cluster=$(mktemp -d "${TMPDIR:-/tmp}/canto-pgsql.XXXXXX")
    echo "$cluster" >"$state_dir/cluster-path"
    chmod 755 "$cluster"
    if [ "$(id -u)" = 0 ]; then
        chown "${CANTO_PGSQL_USER:-postgres}" "$cluster"
    fi
    run_as_owner "$bindir/initdb" -D "$cluster/data" -U canto --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }

    # Try a few random high ports: another cluster may already hold one.
    port=""
    attempt=0
    while [ $attempt -lt 10 ]; do
        attempt=$((attempt + 1))
        candidate=$(( 20000 + ($(od -An -N2 -tu2 /dev/urandom) % 30000) ))
        if run_as_owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $candidate -k $cluster -c fsync=off" start >/dev/null 2>&1; then
            port=$candidate
            break
        fi
    done
    if [ -z "$port" ]; then
        echo "pgsql-fixture: could not start PostgreSQL" >&2
        cat "$cluster/server.log" >&2 || true
        exit 1
    fi
    run_as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U canto canto_test
    {
        echo "host=127.0.0.1"
        echo "port=$port"
        echo "database=canto_test"
        echo "username=canto"
        echo "password="
    } >"$state_dir/connection.env"
    echo "pgsql-fixture: PostgreSQL running on 127.0.0.1:$port ($cluster)"
    ;;
stop)
    stop_cluster
    echo "pgsql-fixture: stopped"
    ;;
*)
    echo "usage: $0 start|stop <state-dir>" >&2
    exit 2
    ;;
esac
