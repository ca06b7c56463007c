"""How actions reach adr: the hook entry and clients, command shims, `adr wrap`, the proxy.

Kept import-free: `adr-hook` and the shims import modules of this package on every agent action.
Dependencies point down the flow: this package may import adr.daemon (protocol, client, failsafe),
never the other way round.
"""
