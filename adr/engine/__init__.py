"""The decision engine: Action → Findings (pure) → Verdict (policy)."""
from adr.engine.core import ActionView, Detector, Engine, load_engine, rule_paths
from adr.engine.rules import Rule, RuleError, RuleLoadError

__all__ = ["ActionView", "Detector", "Engine", "Rule", "RuleError", "RuleLoadError", "load_engine", "rule_paths"]
