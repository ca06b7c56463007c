"""The adr daemon: one long-lived process that owns the rules, the audit log and the socket.

Kept import-free: the hook client imports `adr.daemon.protocol` and `adr.daemon.client` on every
agent action, so nothing heavy may load with this package.
"""
