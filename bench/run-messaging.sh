#!/usr/bin/env bash
# The messaging comparison in one command: run-compare.sh --scenario messaging with the issue's
# settings (100 pairs, 20 s measured after 2 s warm-up, flood with a 32-message window per
# sender, then 10 messages/s per sender; STARTTLS + SCRAM-SHA-1), results kept in bench/results/
# (DATE-messaging.jsonl and DATE-messaging.md). Any run-compare.sh option may follow and wins.
#
# usage: CANTO_BIN=.../cantod CANTOCTL_BIN=.../cantoctl BENCH_BIN=.../canto-bench bench/run-messaging.sh [options]
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
STAMP="$(date +%Y-%m-%d)"
SERVERS="prosody ejabberd"
[ -n "${CANTO_BIN:-}" ] && SERVERS="canto $SERVERS"
mkdir -p "$SCRIPT_DIR/results"
exec "$SCRIPT_DIR/run-compare.sh" --scenario messaging --servers "$SERVERS" --pairs 100 --msg-modes "flood rate" \
    --window 32 --rate 10 --warmup 2 --duration 20 --transport scram \
    --out "$SCRIPT_DIR/results/$STAMP-messaging.jsonl" --table "$SCRIPT_DIR/results/$STAMP-messaging.md" "$@"
