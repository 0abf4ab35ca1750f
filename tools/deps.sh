#!/bin/sh
# Installs the Debian packages crier needs to build and test, when run as
# root or with sudo; otherwise prints the apt-get line to run and fails.
set -eu

pkgs="build-essential pkg-config libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
libxml2-dev libinih-dev libyaml-dev libmicrohttpd-dev libical-dev libjansson-dev libdeflate-dev libssl-dev
python3-feedparser python3-icalendar libxml2-utils mandoc git"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "crier needs:$missing (Debian names); install them with your package manager." >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "crier needs these packages; run:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "Installing:$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
