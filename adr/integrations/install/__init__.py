"""Installers for `adr install` / `adr uninstall` / `adr doctor` (not on the hook client's path:
these may use anything). One installer per host in hosts.py; shared undo machinery in base.py."""
