"""`adr feeds …`, `adr reputation …`, `adr supply check …`: supply-chain data and look-ups."""
from __future__ import annotations

import sys
import time
from dataclasses import replace

import click

from adr.cli import main, output


def _paths_settings():  # type: ignore[no-untyped-def]
    from adr.config import ConfigError, load_settings
    from adr.paths import get_paths
    paths = get_paths()
    try:
        return paths, load_settings(paths)
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


# ------------------------------------------------------------------------------------------ feeds
@main.group("feeds")
def feeds_group() -> None:
    """Threat feeds kept on disk so decisions need no network (OSV malicious packages, URLhaus, phishing)."""


@feeds_group.command("update")
@click.option("--only", "only", multiple=True, type=click.Choice(["osv", "urlhaus", "phishing", "safebrowsing"]),
              help="update just these feeds (repeatable); safebrowsing = the Update API prefix database")
def feeds_update(only: tuple[str, ...]) -> None:
    """Download the feeds into the feeds folder (restart the daemon, or it reloads them, to use them)."""
    from adr.supply import feeds
    paths, settings = _paths_settings()
    if settings.offline:
        raise click.ClickException("offline is set in config.yaml: adr makes no network requests")
    paths.ensure()
    names = only or (("osv", "urlhaus", "phishing") + (("safebrowsing",) if "safebrowsing" in settings.providers else ()))
    results = feeds.update(paths, [n for n in names if n != "safebrowsing"], progress=lambda s: output.echo(f"fetching {s}"))
    if "safebrowsing" in names:
        # the Safe Browsing prefix database comes from the provider itself (the network layer)
        from adr.reputation.sb_local import update_prefix_db
        output.echo("fetching safebrowsing: Update API hash prefixes")
        ok, n, detail = update_prefix_db(paths)
        results.append(feeds.FeedResult("safebrowsing", ok, n, detail))
    bad = 0
    for r in results:
        mark = "ok " if r.ok else "FAILED"
        output.echo(f"{mark} {r.name}: {r.entries} entries" + (f" ({r.detail})" if r.detail else ""))
        bad += not r.ok
    sys.exit(1 if bad == len(results) else 0)


@feeds_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def feeds_status(as_json: bool) -> None:
    """Show which feeds are on disk, how old and how big."""
    from adr.supply import feeds
    from adr.supply.malicious import MaliciousIndex
    paths, _ = _paths_settings()
    rows = feeds.status(paths)
    counts = MaliciousIndex.load(paths).counts()
    if as_json:
        output.print_json({"feeds": rows, "known_malicious": {"bundled": counts.get("seed", 0),
                                                              "osv": counts.get("osv", 0)}})
        return
    for row in rows:
        if row["present"]:
            age = (time.time() - row["fetched"]) / 3600 if row.get("fetched") else float("nan")
            output.echo(f"{row['name']:9} {row['entries']:>8} entries, fetched {age:.1f} h ago  {row['path']}")
        else:
            output.echo(f"{row['name']:9}        - not downloaded (adr feeds update)")
    output.echo(f"known-malicious packages: {counts.get('seed', 0)} bundled, {counts.get('osv', 0)} from OSV")


# ------------------------------------------------------------------------------------- reputation
def _provider_names() -> tuple[str, ...]:
    from adr.reputation.config import PROVIDERS
    return PROVIDERS


@main.group("reputation")
def reputation_group() -> None:
    """Optional online look-ups (all off by default; only hashes, package names and URLs without
    query strings are sent, and only to providers you enable)."""


@reputation_group.command("enable")
@click.argument("providers", nargs=-1, required=True, type=click.Choice(list(_provider_names())))
def reputation_enable(providers: tuple[str, ...]) -> None:
    """Turn providers on (urlhaus, safebrowsing, virustotal, malwarebazaar, osv, registry)."""
    from adr.config import save_settings
    from adr.reputation.keys import env_var, get_key
    from adr.reputation.lookup import provider_classes
    paths, settings = _paths_settings()
    enabled = tuple(dict.fromkeys(settings.providers + providers))
    save_settings(replace(settings, providers=enabled), paths)
    classes = provider_classes()
    for p in providers:
        note = ""
        if classes[p].needs_key and not get_key(p):
            note = f" — needs an API key: adr reputation set-key {p} (or {env_var(p)})"
        output.echo(f"enabled {p}{note}")
    if settings.offline:
        output.echo("note: offline is set, so no look-ups happen until it is turned off")


@reputation_group.command("disable")
@click.argument("providers", nargs=-1, required=True, type=click.Choice(list(_provider_names()) + ["all"]))
def reputation_disable(providers: tuple[str, ...]) -> None:
    """Turn providers off (or `all`)."""
    from adr.config import save_settings
    paths, settings = _paths_settings()
    keep = () if "all" in providers else tuple(p for p in settings.providers if p not in providers)
    save_settings(replace(settings, providers=keep), paths)
    output.echo("enabled now: " + (", ".join(keep) or "none"))


@reputation_group.command("set-key")
@click.argument("provider", type=click.Choice(list(_provider_names())))
@click.option("--stdin", "from_stdin", is_flag=True, help="read the key from standard input")
def reputation_set_key(provider: str, from_stdin: bool) -> None:
    """Store PROVIDER's API key in the OS keyring."""
    from adr.reputation.keys import KeyringUnavailable, set_key
    key = sys.stdin.readline().strip() if from_stdin else click.prompt(f"{provider} API key", hide_input=True)
    if not key:
        raise click.ClickException("empty key")
    try:
        set_key(provider, key)
    except KeyringUnavailable as e:
        raise click.ClickException(str(e)) from None
    output.echo(f"stored the {provider} key in the keyring")


@reputation_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def reputation_status(as_json: bool) -> None:
    """Which providers are on, whether they have a key, and what the cache holds."""
    from adr.reputation.cache import ReputationCache
    from adr.reputation.config import load as load_conf
    from adr.reputation.keys import env_var, get_key
    from adr.reputation.lookup import provider_classes
    from adr.reputation.sb_local import DB_NAME
    import os
    paths, settings = _paths_settings()
    conf = load_conf(paths)
    providers = []
    for name, cls in provider_classes().items():
        if os.environ.get(env_var(name)):
            key = f"key from {env_var(name)}"
        elif cls.needs_key or name in ("urlhaus", "malwarebazaar"):
            key = "key in keyring" if get_key(name) else ("NO KEY" if cls.needs_key else "no key (optional)")
        else:
            key = "no key needed"
        providers.append({"name": name, "enabled": name in settings.providers, "key": key,
                          "url": conf.base_url(name) or cls.default_base_url})
    private = sorted(conf.private_scopes | conf.private_packages)
    cache = ReputationCache(paths.reputation_cache).stats() if paths.reputation_cache.exists() else None
    sb_local = (paths.feeds_dir / DB_NAME).exists()
    if as_json:
        output.print_json({"offline": settings.offline, "lookup_budget": settings.lookup_budget,
                           "connect_timeout": settings.connect_timeout, "providers": providers,
                           "safebrowsing_local": sb_local, "never_looked_up": private, "cache": cache,
                           "cache_path": str(paths.reputation_cache)})
        return
    output.echo(f"offline: {settings.offline}   budget: {settings.lookup_budget:.2f} s per decision   "
                f"connect timeout: {settings.connect_timeout:.2f} s")
    for p in providers:
        output.echo(f"  {'on ' if p['enabled'] else 'off'} {p['name']:14} {p['key']:24} {p['url']}")
    if sb_local:
        output.echo("safebrowsing: using the local Update API prefix database (URLs are hashed locally)")
    if private:
        output.echo("never looked up: " + ", ".join(private))
    if cache is not None:
        output.echo("cache: " + (", ".join(f"{k} {v}" for k, v in sorted(cache.items())) or "empty")
                    + f"  ({paths.reputation_cache})")


# ----------------------------------------------------------------------------------------- supply
@main.group("supply")
def supply_group() -> None:
    """Supply-chain checks that run offline."""


@supply_group.command("check")
@click.argument("name")
@click.option("--ecosystem", "-e", default="pypi", show_default=True,
              type=click.Choice(["pypi", "npm", "cargo", "gem", "go", "brew"]))
@click.option("--version", "version", default="", help="a pinned version to check against known-bad releases")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def supply_check(name: str, ecosystem: str, version: str, as_json: bool) -> None:
    """Explain what adr thinks of package NAME (typosquat, known-malicious). Exit 1 when flagged."""
    from adr.actions import PackageRef
    from adr.supply.malicious import MaliciousIndex
    from adr.supply.names import normalize, skeleton
    from adr.supply.typosquat import TyposquatChecker
    paths, _ = _paths_settings()
    checker = TyposquatChecker.load()
    mal = MaliciousIndex.load(paths).match(PackageRef(ecosystem, name, version))
    known = checker.is_known(name, ecosystem)
    sq = None if known else checker.check(name, ecosystem)
    n = normalize(name, ecosystem)
    top = checker.top_names(ecosystem) if known else []
    rank = top.index(n) + 1 if n in top else None
    if as_json:
        output.print_json({
            "ecosystem": ecosystem, "name": name, "version": version, "normalized": n, "skeleton": skeleton(name),
            "malicious": {"source": mal.source, "reference": mal.reference, "versions": sorted(mal.versions)} if mal else None,
            "popular": known, "rank": rank,
            "typosquat": {"target": sq.target, "target_rank": sq.target_rank, "kind": sq.kind, "detail": sq.detail}
            if sq else None,
            "flagged": bool(mal or sq)})
        sys.exit(output.PROBLEM if (mal or sq) else output.OK)
    output.echo(f"{ecosystem}:{name}  (normalized {n!r}, skeleton {skeleton(name)!r})")
    if mal:
        output.echo(f"  KNOWN MALICIOUS ({mal.source}): {mal.reference}"
                    + (f" — versions {', '.join(sorted(mal.versions))}" if mal.versions else " — every version"))
    if known:
        output.echo(f"  popular package{f' (#{rank} by downloads)' if rank else ''}: never called a typosquat")
    elif sq:
        output.echo(f"  TYPOSQUAT of {sq.target!r} (#{sq.target_rank}): {sq.kind} — {sq.detail}")
    elif ecosystem in ("pypi", "npm"):
        output.echo("  not a known popular package, and not a look-alike of one")
    else:
        output.echo(f"  no popularity data for {ecosystem}: only the known-malicious list applies")
    sys.exit(output.PROBLEM if (mal or sq) else output.OK)
