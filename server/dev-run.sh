#!/usr/bin/env bash
# Builds cantod (release preset) and runs it in the foreground on its embedded default:
# VirtualHost "localhost", Component "conference.localhost", SQLite and generated certificates in
# ./.dev-data, client ports 5222 (STARTTLS) and 5223 (direct TLS). Extra arguments go to cantod,
# e.g.  server/dev-run.sh --config my.cfg.lua
set -euo pipefail
cd "$(dirname "$0")/.."
cmake/install-deps.sh run
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime,time_macros
cmake --preset release >/dev/null
cmake --build --preset release --target cantod cantoctl
echo "Create an account with: build/release/server/cantoctl/cantoctl --data-dir .dev-data adduser you@localhost"
exec build/release/server/app/cantod --data-dir .dev-data "$@"
