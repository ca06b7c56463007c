"""`adr policy keygen | sign | verify | status`: the organisation's signed central policy.

keygen, sign and verify are for the team that publishes the policy; status is for every client."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

from adr.cli import main, output
from adr.cli.export import daemon_call, load_or_fail


@main.group("policy")
def policy_group() -> None:
    """The organisation's policy: signed bundles of rule packs and settings."""


@policy_group.command("keygen")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="folder for the key pair")
def policy_keygen(out: str) -> None:
    """Write an Ed25519 key pair: signing.key (0600, keep it secret) and signing.pub (for clients)."""
    from adr.policy.bundle import generate_keypair

    try:
        key, pub = generate_keypair(Path(out))
    except FileExistsError as e:
        raise click.ClickException(str(e)) from None
    output.echo(f"wrote {key} (private, 0600) and {pub}")
    output.echo(f"clients: policy.public_key: {pub.resolve()}")


@policy_group.command("sign")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
@click.option("--key", "key", required=True, type=click.Path(exists=True, dir_okay=False), help="signing.key")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="the bundle file to write")
@click.option("--serial", type=int, default=None, help="bundle serial (default: now, in Unix seconds); must grow")
def policy_sign(src: str, key: str, out: str, serial: "int | None") -> None:
    """Check and sign SRC (rules/*.yaml and an optional settings.yaml) into a bundle."""
    from adr.paths import get_paths
    from adr.policy.bundle import BundleError, collect, load_private_key, sign, verify
    from adr.policy.central import check_content

    try:
        files = collect(Path(src))
        k = load_private_key(Path(key))
        raw = sign(files, k, serial)
        bundle = verify(raw, [("", k.public_key())])  # type: ignore[attr-defined]
        check_content(bundle, get_paths().ensure())  # what every client checks: refuse it here first
    except BundleError as e:
        raise click.ClickException(f"not signed: {e.kind}: {e}") from None
    tmp = Path(out).with_name(f".{Path(out).name}.tmp")
    tmp.write_bytes(raw)
    os.replace(tmp, out)
    output.echo(f"signed {len(files)} file(s) into {out}: serial {bundle.serial}, sha256 {bundle.digest[:16]}…")


@policy_group.command("verify")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False))
@click.option("--key", "keys", required=True, multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="signing.pub (repeat for several)")
@click.option("--json", "as_json", is_flag=True)
def policy_verify(bundle: str, keys: tuple[str, ...], as_json: bool) -> None:
    """Verify BUNDLE's signature and files, and check its packs and settings as a client would."""
    from adr.paths import get_paths
    from adr.policy.bundle import BundleError, load_public_keys, verify
    from adr.policy.central import check_content

    try:
        b = verify(Path(bundle).read_bytes(), load_public_keys(keys))
        check_content(b, get_paths().ensure())
    except BundleError as e:  # a bad bundle is what verify looks for: a finding (1), not an error (3)
        if as_json:
            click.echo(json.dumps({"ok": False, "kind": e.kind, "error": str(e)}))
            raise SystemExit(output.PROBLEM)
        output.fail(f"{e.kind}: {e}", output.PROBLEM)
    info = {"ok": True, "serial": b.serial, "created": b.created, "key_id": b.key_id, "sha256": b.digest,
            "files": [n for n, _ in b.files]}
    if as_json:
        output.print_json(info)
        return
    output.echo(f"ok: serial {b.serial} ({b.created}), signed by key {b.key_id}, {len(b.files)} file(s): "
                + ", ".join(info["files"]))


@policy_group.command("status")
@click.option("--json", "as_json", is_flag=True)
def policy_status(as_json: bool) -> None:
    """The organisation policy in force: source, bundle serial, locks, last poll."""
    from adr.paths import get_paths
    from adr.policy.central import status

    live = daemon_call("policy.status")
    data = live if live else status(load_or_fail(), get_paths())
    data["daemon"] = bool(live)
    if as_json:
        output.print_json(data)
        return
    if not data.get("configured"):
        output.echo("no organisation policy configured (config.yaml `policy: {source, public_key, interval}`)")
        return
    output.echo(f"source     {data['source']} (every {data['interval']:g} s)")
    b = data.get("bundle")
    if b:
        output.echo(f"in force   serial {b['serial']} ({b['created']}), key {b['key_id']}, files: "
                    + ", ".join(b["files"]))
    else:
        output.echo("in force   none yet" + (f" — {data['bundle_error']}" if data.get("bundle_error") else ""))
    layer = data.get("layer") or {}
    if layer.get("locked") or layer.get("locked_rules"):
        output.echo("locked     " + ", ".join(list(layer.get("locked", [])) + [f"rule {r}" for r in layer.get("locked_rules", [])]))
    if layer.get("overridden"):
        output.echo("overridden " + ", ".join(layer["overridden"]) + " (your config.yaml; the organisation locked them)")
    output.echo(f"mode       {data.get('mode')}")
    output.echo(f"last poll  {data.get('last_check') or 'never'}: {data.get('last_result') or '-'}")
    if data.get("last_error"):
        output.echo(f"last error {data['last_error']}")
