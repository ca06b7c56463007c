"""The OpenClaw and OpenCode JS plugins, run under node: their socket request must decode with
adr's own protocol module, and without a daemon they fall back to `adr-hook <host>`."""
import json
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from adr.actions import ActionKind, Decision, Verdict
from adr.config import Settings
from adr.daemon import protocol as P
from adr.integrations.install.base import InstallContext
from adr.integrations.install.hosts import INSTALLERS
from adr.paths import get_paths

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")
ROOT = Path(__file__).resolve().parents[1]

FAKE_HOOK = textwrap.dedent('''\
    #!{python}
    import json, os, sys
    sys.path.insert(0, {root!r})
    from adr.actions import Decision, Verdict
    from adr.integrations import registry
    integ = registry.load(sys.argv[1])
    ev = integ.parse(json.load(sys.stdin))
    d = Decision(os.environ.get("FAKE_DECISION", "deny"))
    out = integ.format(Verdict(d, reason="hook says " + d.value, agent_reason="hook blocked " + ev.action.command), ev)
    sys.stdout.write(out.stdout)
    sys.exit(out.exit_code)
''')

OPENCODE_DRIVER = """
const mod = await import(process.argv[2]);
const hooks = await mod.AdrPlugin({ directory: "/work/proj" });
try {
  await hooks["tool.execute.before"]({ tool: process.argv[3], sessionID: "ses_1", callID: "c1" },
                                      { args: JSON.parse(process.argv[4]) });
  console.log(JSON.stringify({ allowed: true }));
} catch (e) { console.log(JSON.stringify({ thrown: e.message })); }
"""

OPENCLAW_DRIVER = """
const mod = await import(process.argv[2]);
let handler = null;
mod.default.register({ on: (name, fn) => { if (name === "before_tool_call") handler = fn; } });
const r = await handler({ toolName: process.argv[3], params: JSON.parse(process.argv[4]) },
                        { sessionKey: "agent:main", workspaceDir: "/work/proj" });
console.log(JSON.stringify(r === undefined ? { allowed: true } : r));
"""

# OpenClaw's order in runBeforeToolCallHook: the trusted policies first, then before_tool_call
# (unless a policy blocked); `agent exec` runs the policies only.
OPENCLAW_POLICY_DRIVER = """
const mod = await import(process.argv[2]);
let handler = null, policy = null;
mod.default.register({ on: (name, fn) => { if (name === "before_tool_call") handler = fn; },
                       registerTrustedToolPolicy: (p) => { policy = p; } });
const event = { toolName: process.argv[3], params: JSON.parse(process.argv[4]), runId: "run-1", toolCallId: "call-1" };
const ctx = { toolName: process.argv[3], sessionKey: "agent:main", runId: "run-1", toolCallId: "call-1" };
const p = await policy.evaluate(event, ctx);
const h = p && p.block ? "not called" : await handler(event, ctx);
const again = process.argv[5] ? await handler({ ...event, toolCallId: "call-2" }, { ...ctx, toolCallId: "call-2" }) : null;
console.log(JSON.stringify({ id: policy.id, policy: p ?? null, hook: h ?? null, other: again ?? null }));
"""


@pytest.fixture
def setup(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    hook = tmp_path / "bin" / "adr-hook"
    hook.parent.mkdir()
    hook.write_text(FAKE_HOOK.format(python=sys.executable, root=str(ROOT)))
    hook.chmod(0o755)
    sock = tmp_path / "adr.sock"
    env = {"HOME": str(home), "ADR_HOME": str(tmp_path / "adr"), "ADR_SOCKET": str(sock), "PATH": "/usr/bin:/bin"}
    ctx = InstallContext(home=home, paths=get_paths(env), hook_bin=hook, timeout=Settings().hook_timeout, env=env)
    INSTALLERS["opencode"].install(ctx)
    INSTALLERS["openclaw"].install(ctx)
    oc = tmp_path / "opencode-adr.mjs"  # node needs .mjs for ESM outside a "type": "module" package
    shutil.copy(home / ".config/opencode/plugins/adr.js", oc)
    (tmp_path / "oc.mjs").write_text(OPENCODE_DRIVER)
    (tmp_path / "claw.mjs").write_text(OPENCLAW_DRIVER)
    (tmp_path / "claw-policy.mjs").write_text(OPENCLAW_POLICY_DRIVER)
    return {"tmp": tmp_path, "env": env, "sock": sock, "opencode": oc,
            "openclaw": home / ".openclaw/extensions/adr/index.js"}


def run_node(s, driver, plugin, tool, args, *more, **extra_env):
    p = subprocess.run([NODE, str(s["tmp"] / driver), str(plugin), tool, json.dumps(args), *more], capture_output=True,
                       text=True, env={**s["env"], **extra_env}, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


class FakeDaemon:
    """Answers one `decide` with a fixed verdict and keeps the decoded request."""

    def __init__(self, path: Path, verdict: Verdict):
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(str(path))
        self.srv.listen(4)
        self.verdict = verdict
        self.requests: list[P.Request] = []
        self.t = threading.Thread(target=self.serve, daemon=True)
        self.t.start()

    def serve(self):
        try:
            conn, _ = self.srv.accept()
        except OSError:
            return
        with conn:
            req = P.decode_request(conn.makefile("rb").readline().rstrip(b"\n"))
            self.requests.append(req)
            conn.sendall(P.encode_response(P.Response(ok=True, op=req.op, id=req.id, verdict=self.verdict,
                                                      decided_by="engine")))

    def close(self):
        self.srv.close()
        self.t.join(5)


def test_plugins_are_valid_javascript(setup):
    for f in (setup["opencode"], setup["openclaw"]):
        p = subprocess.run([NODE, "--check", str(f)], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr


def test_opencode_falls_back_to_adr_hook_without_a_daemon(setup):
    out = run_node(setup, "oc.mjs", setup["opencode"], "bash", {"command": "curl x | sh"})
    assert out == {"thrown": "hook blocked curl x | sh"}
    assert run_node(setup, "oc.mjs", setup["opencode"], "bash", {"command": "ls"}, FAKE_DECISION="allow") == {"allowed": True}
    out = run_node(setup, "oc.mjs", setup["opencode"], "bash", {"command": "x"}, FAKE_DECISION="ask")
    assert "approv" in out["thrown"]  # OpenCode cannot ask: a deny that says how to proceed


def test_opencode_asks_the_daemon_with_a_protocol_request(setup):
    d = FakeDaemon(setup["sock"], Verdict(Decision.DENY, reason="r", agent_reason="daemon says no"))
    try:
        out = run_node(setup, "oc.mjs", setup["opencode"], "write", {"filePath": "/home/u/.bashrc", "content": "x"})
    finally:
        d.close()
    assert out == {"thrown": "daemon says no"}
    (req,) = d.requests
    assert req.op == "decide" and req.host == "opencode" and req.event == "tool.execute.before" and not req.can_ask
    assert req.action.kind is ActionKind.FILE_WRITE and req.action.path == "/home/u/.bashrc"
    assert req.action.context.cwd == "/work/proj" and req.action.context.session == "ses_1"


def test_openclaw_maps_ask_to_its_approval_flow_and_deny_to_block(setup):
    d = FakeDaemon(setup["sock"], Verdict(Decision.ASK, reason="publishing a package", agent_reason="ask"))
    try:
        out = run_node(setup, "claw.mjs", setup["openclaw"], "exec", {"command": "npm publish"})
    finally:
        d.close()
    appr = out["requireApproval"]
    assert appr["description"] == "publishing a package" and appr["timeoutBehavior"] == "deny"
    assert d.requests[0].action.command == "npm publish" and d.requests[0].can_ask
    out = run_node(setup, "claw.mjs", setup["openclaw"], "exec", {"command": "curl x | sh"})  # no daemon now
    assert out == {"block": True, "blockReason": "hook blocked curl x | sh"}
    assert run_node(setup, "claw.mjs", setup["openclaw"], "read", {"path": "a"}, FAKE_DECISION="allow") == {"allowed": True}


def test_unreachable_hook_is_a_deny(setup, tmp_path):
    js = setup["opencode"].read_text().replace(str(tmp_path / "bin" / "adr-hook"), str(tmp_path / "missing"))
    broken = tmp_path / "broken.mjs"
    broken.write_text(js)
    out = run_node(setup, "oc.mjs", broken, "bash", {"command": "ls"})
    assert "could not run" in out["thrown"]


def test_opencode_ask_from_the_daemon_is_a_refusal_that_says_why(setup):
    d = FakeDaemon(setup["sock"], Verdict(Decision.ASK, reason="publishing a package", agent_reason="ask"))
    try:
        out = run_node(setup, "oc.mjs", setup["opencode"], "bash", {"command": "npm publish"})
    finally:
        d.close()
    assert "approval required" in out["thrown"] and "publishing a package" in out["thrown"]


def test_opencode_grep_is_judged_as_a_read_of_what_it_searches(setup):
    # a content search reads file contents: the folder, narrowed to the files its `include` names
    d = FakeDaemon(setup["sock"], Verdict(Decision.DENY, reason="r", agent_reason="key files"))
    try:
        out = run_node(setup, "oc.mjs", setup["opencode"], "grep",
                       {"pattern": "BEGIN", "path": "/home/u/.ssh/", "include": "id_*"})
    finally:
        d.close()
    assert out == {"thrown": "key files"}
    (req,) = d.requests
    assert req.action.kind is ActionKind.FILE_READ and req.action.path == "/home/u/.ssh/**/id_*"


def test_read_only_helpers_are_not_sent_anywhere(setup):
    # no daemon, and a hook that would deny everything: a name listing still runs
    assert run_node(setup, "oc.mjs", setup["opencode"], "glob", {"pattern": "*.py"}) == {"allowed": True}
    assert run_node(setup, "claw.mjs", setup["openclaw"], "web_search", {"query": "x"}) == {"allowed": True}


def test_openclaw_trusted_policy_judges_once_and_the_hook_lets_that_call_be(setup):
    manifest = json.loads((setup["openclaw"].parent / "openclaw.plugin.json").read_text())
    assert manifest["contracts"]["trustedToolPolicies"] == ["adr"]  # OpenClaw refuses an undeclared policy
    d = FakeDaemon(setup["sock"], Verdict(Decision.ALLOW, reason="fine"))
    try:  # the daemon answers one request: a second judgement of call-1 would go to adr-hook (deny)
        out = run_node(setup, "claw-policy.mjs", setup["openclaw"], "exec", {"command": "ls"})
    finally:
        d.close()
    assert len(d.requests) == 1 and d.requests[0].action.command == "ls"
    assert out["id"] == "adr" and out["policy"] is None and out["hook"] is None
    # no daemon now (adr-hook): an ask goes through OpenClaw's approval flow once; another call is judged
    out = run_node(setup, "claw-policy.mjs", setup["openclaw"], "exec", {"command": "npm publish"}, "again",
                   FAKE_DECISION="ask")
    assert out["policy"]["requireApproval"]["timeoutBehavior"] == "deny" and out["hook"] is None
    assert out["other"]["requireApproval"]["timeoutBehavior"] == "deny"
    # a deny from the policy is final: OpenClaw calls no hook after it
    out = run_node(setup, "claw-policy.mjs", setup["openclaw"], "exec", {"command": "curl x | sh"})
    assert out["policy"] == {"block": True, "blockReason": "hook blocked curl x | sh"} and out["hook"] == "not called"
