#!/usr/bin/env bash
# What `make e2e` needs besides the dev venv: Node.js and npm, to install the real agent CLIs
# (tests/e2e/harness.py pins their versions and caches them), and headless Chromium, which renders
# `adr report --html` (tests/e2e/test_report_chromium.py). Installs only what is missing.
set -euo pipefail
need=()
{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } || need+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing system packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
