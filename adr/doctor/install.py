"""`adr doctor`, this installation: which adr, its settings, its rules (never silently empty), the
user's rule files, the login service."""
from __future__ import annotations

from typing import Any

from adr.doctor.checks import FAIL, OK, SKIP, WARN, Check


def version_check() -> Check:
    from importlib.metadata import PackageNotFoundError, version

    from adr.paths import PACKAGE_DIR
    from adr.programs import from_checkout

    try:
        v = version("adr")
    except PackageNotFoundError:
        v = "(not installed as a package)"
    return Check("adr", OK, f"{v} from {PACKAGE_DIR.parent} ({'a source checkout' if from_checkout() else 'installed package'})")


def rules_checks(ctx: Any) -> list[Check]:
    """The shipped packs must all be there and unchanged, and something must load; a broken user rule
    file is left out (and reported here) until it is fixed."""
    from adr.config import ConfigError, load_settings
    from adr.engine import RuleLoadError, load_engine
    from adr.engine.core import MissingRules, shipped_rule_files

    try:
        settings = load_settings(ctx.paths)
    except ConfigError as e:
        return [Check("settings", FAIL, str(e))]
    out = [Check("settings", OK, f"{ctx.paths.config_file}" + ("" if ctx.paths.config_file.exists() else " (defaults)"))]
    try:
        shipped = shipped_rule_files()
    except MissingRules as e:
        return out + [Check("shipped rules", FAIL, f"{_text(e)} — without them adr would protect nothing")]
    out.append(Check("shipped rules", OK, f"{len(shipped)} packs in {shipped[0].parent}"))
    try:
        engine = load_engine(settings, paths=ctx.paths, detectors=[])
    except MissingRules as e:
        return out + [Check("rules", FAIL, _text(e))]
    except RuleLoadError as e:
        return out + [Check("rules", FAIL, f"the rules do not load: {_text(e)}")]
    out.append(Check("rules", OK, f"{len(engine.rules)} rules from {len(engine.rule_files)} files"))
    for _file, message in engine.broken_files:
        out.append(Check("user rule file", WARN, f"left out until it is fixed (`adr rules lint`): {message}"))
    return out


def service_check(ctx: Any) -> Check:
    from adr.service import ServiceError, manager

    try:
        st = manager(ctx.paths, ctx.env, ctx.home).status()
    except ServiceError as e:
        return Check("service", SKIP, str(e))
    if not st.installed:
        return Check("service", WARN, f"no login service ({st.manager}): the daemon does not start by itself; "
                                      "`adr service install` (or `adr setup`)")
    bad = [p for p in st.problems if "socket" in p]
    if bad:
        return Check("service", FAIL, "; ".join(bad))
    state = "running" if st.active else "not running"
    reach = "" if st.reachable else f" ({'; '.join(st.problems)})"
    enabled = "starts at login" if st.enabled else "NOT enabled at login: `adr service install`"
    return Check("service", OK if st.enabled else WARN, f"{st.manager}: {enabled}; {state}{reach}")


def _text(e: Exception) -> str:
    return " ".join(str(e).split())[:600]
