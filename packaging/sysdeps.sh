#!/usr/bin/env bash
# System packages the test suite needs: dbus-daemon (a private session bus for the notification
# tests), notify-send (libnotify-bin: the notify-send channel is tested against that bus),
# zsh (the zsh shell guard is tested with a real zsh on a pty; zsh and fish load `adr completion`),
# a C compiler with libc headers (gcc, libc6-dev: adr's native hook / shim client, adr/native, is
# compiled and tested for real), tmux and screen (an agent's `tmux new -d` / `screen -dm` must not pass
# for the human: tested for real), util-linux's script (a pty an agent makes for itself) and systemd's
# tools (systemd: systemd-analyze verifies the login service's units, systemctl enables them,
# systemd-socket-activate hands the daemon its socket as systemd would) and rsyslog (the syslog export
# sink is tested against a real rsyslogd on a loopback port).
# Installs only what is missing; uses sudo when not root.
set -euo pipefail
need=()
command -v dbus-daemon >/dev/null 2>&1 || need+=(dbus)
command -v notify-send >/dev/null 2>&1 || need+=(libnotify-bin)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v screen >/dev/null 2>&1 || need+=(screen)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
command -v fish >/dev/null 2>&1 || need+=(fish)
command -v rsyslogd >/dev/null 2>&1 || [ -x /usr/sbin/rsyslogd ] || need+=(rsyslog)
if ! command -v cc >/dev/null 2>&1 || [ ! -e /usr/include/stdio.h ]; then need+=(gcc libc6-dev); fi
if ! command -v systemd-analyze >/dev/null 2>&1 || ! command -v systemd-socket-activate >/dev/null 2>&1; then
  need+=(systemd)
fi
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing system packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
