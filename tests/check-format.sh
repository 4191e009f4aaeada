#!/usr/bin/env bash
# Fails when a C++ file of the repository is not formatted with .clang-format (house style 15).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find server shared modules tests bench -name '*.cpp' -o -name '*.h')
if ! clang-format --dry-run -Werror "${files[@]}" 2>/tmp/canto-format.$$; then
    grep -E "^[^ ].*(warning|error):" /tmp/canto-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
    rm -f /tmp/canto-format.$$
    echo "Run: clang-format -i \$(git ls-files '*.cpp' '*.h')"
    exit 1
fi
rm -f /tmp/canto-format.$$
echo "${#files[@]} files formatted"
