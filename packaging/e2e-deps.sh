#!/usr/bin/env bash
# What `make e2e` needs besides the dev venv: Node.js and npm, to install the real agent CLIs
# (tests/e2e/harness.py pins their versions and caches them). Installs only what is missing.
set -euo pipefail
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing system packages: nodejs npm"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
