"""Policy: what to do about findings (mode, sensitivity, grants; later breakers, budgets, cost of error).

`adr.policy.decide` holds the verdict rules; the names every caller needs are re-exported here.
"""
from adr.policy.decide import decide, effective_action, explain, tighten

__all__ = ["decide", "effective_action", "explain", "tighten"]
