#!/usr/bin/env bash
# Installs the Debian 12 packages Canto needs, only when some are missing.
#   cmake/install-deps.sh run    what building and running cantod needs
#   cmake/install-deps.sh test   plus what the test suite needs (QXmpp client, PostgreSQL, Prosody)
set -euo pipefail

run_packages=(cmake ninja-build g++ ccache pkg-config qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite
              libqt6sql6-psql libidn-dev libssl-dev)
test_packages=(libqxmpp-dev qtbase5-dev postgresql prosody lua-dbi-sqlite3 clang-format)

packages=("${run_packages[@]}")
if [ "${1:-run}" = test ]; then
    packages+=("${test_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
had_prosody=$(command -v prosody || true)
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian starts the prosody and postgresql services on install; the tests run their own
# private instances on unusual ports, and the distro's Prosody would hold 5222, which cantod wants.
if [ -z "$had_prosody" ] && command -v prosody >/dev/null; then
    $sudo service prosody stop >/dev/null 2>&1 || true
    $sudo pkill -x prosody >/dev/null 2>&1 || true
    $sudo pkill -f '/usr/bin/prosody' >/dev/null 2>&1 || true
fi
