#!/usr/bin/env bash
# Builds everything with the dev preset (Debug, ASan + UBSan) and runs the whole test suite:
# unit tests, storage tests against SQLite and a private PostgreSQL server, integration tests
# with the independent QXmpp client against a real cantod, and the Prosody compatibility test.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake/install-deps.sh test
# Let ccache reuse objects across clones of the repository (CI builds a fresh clone each time).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime,time_macros
cmake --preset dev
cmake --build --preset dev
ctest --preset dev -j2
