"""Who may act for the human: answer a question, list questions, stop adr, remove its hooks, confirm
weaker settings. An agent runs with the user's uid and can start processes that look like anything,
so the gate asks for a PROOF that only the human's channel gives, and keeps walls behind it:

- **the channel's own answer** — a notification button arrives as a D-Bus signal that only the
  notification server we checked can send (adr/notify/desktop.py), a dialog's answer through a pipe
  only the daemon holds;
- **a one-time code** shown only on that channel (the notification body; never in a hook answer,
  `adr pending`, the audit log or the daemon log) that a terminal command must echo:
  `adr approve ID CODE`; control commands (`adr daemon stop`, `adr uninstall`, `adr config …`) open
  a *challenge* — a notification with a code and a Confirm button — and go ahead once the human
  pressed it or typed the code where they ran the command. Wrong codes are counted: after
  MAX_CODE_TRIES the question or challenge is closed;
- **walls** for every request, and the only check where no desktop channel exists: the requester is
  no agent or `adr wrap` process and descends from none (names, hook senders — the registry below —,
  agents' environment markers), and it is a human at a terminal (adr/monitor/terminal.py: a
  controlling terminal, in its foreground, not re-parented away from whoever started it, on a
  terminal no agent made or left behind).

Every refusal is a security event in the audit log.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import psutil

from adr.monitor.ancestry import _proc_read, agent_env_marker, inside_agent
from adr.monitor.terminal import TerminalWalls, cgroup, detached_from_agent, read_stat, tty_name
from adr.notify import interface as N
from adr.record.redact import redact

log = logging.getLogger("adr.daemon")

MAX_REGISTRY = 4096
MAX_CGROUPS = 256
MAX_CODE_TRIES = 5
CHALLENGE_TTL = 180.0  # seconds a challenge stays answerable
MAX_CHALLENGES = 64
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "fish", "ksh", "mksh", "busybox", "env", "timeout", "nice"})
# never an agent: the hook walk stops below these (a human's terminal under them must stay able to answer)
NOT_AGENTS = frozenset({"systemd", "init", "launchd", "login", "sshd", "su", "sudo", "tmux", "tmux: server", "screen",
                        "gnome-terminal-", "gnome-terminal-server", "konsole", "xterm", "kitty", "alacritty",
                        "wezterm-gui", "foot", "terminator", "tilix", "iTerm2", "Terminal", "ptyxis", "xfce4-terminal"})
PURPOSES = {  # challenge purpose → what the notification asks
    "stop": "stop adr?",
    "uninstall": "remove adr's hooks from your agents?",
    "config": "apply settings that weaken protection?",
    "config-confirm": "apply the weaker settings written to config.yaml?",
    "service": "stop or remove adr's login service?",
}
CHECKED_PURPOSES = ("uninstall", "service")  # spent by a `config check` request (the CLI then acts itself)


def new_code() -> str:
    return f"{secrets.randbelow(10 ** 6):06d}"


def clean_code(text: str) -> str:
    """What the human typed, without the spaces or dashes they may have copied."""
    return "".join(ch for ch in str(text) if ch.isdigit())[:12]


def code_matches(expected: str, given: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), clean_code(given).encode())


@dataclass
class Challenge:
    id: str
    purpose: str
    lines: tuple[str, ...]
    code: str
    requester: tuple[int, int]  # (pid, start time): only the process that asked may use it
    digest: str  # what it confirms (e.g. the config text's hash): used only for exactly that
    expires: float
    state: str = "open"  # open | confirmed | refused | expired | used
    via: str = ""  # the channel that confirmed it
    code_shown: bool = False
    tries: int = 0
    task: "asyncio.Task[Any] | None" = None

    def question(self) -> N.Question:
        return N.Question(id=self.id, agent="", host="", project="", action="", rule_id="",
                          rule_title=PURPOSES.get(self.purpose, self.purpose), reason="", kind="confirm",
                          lines=self.lines, code=self.code, choices=(N.CONFIRM_OP, N.DENY),
                          timeout=CHALLENGE_TTL)


class HumanGate:
    def __init__(self, audit: Callable[[dict[str, Any]], None]) -> None:
        self._audit = audit
        self._agents: dict[tuple[int, float], str] = {}  # (pid, start time) → "host session" that hooked
        self._cgroups: dict[str, int] = {}  # cgroup of a process that sent hooks → earliest start time seen
        self.walls = TerminalWalls(self.agent_refusal, lambda: self._cgroups)
        self.challenges: dict[str, Challenge] = {}
        self.stats: dict[str, int] = {"refused": 0, "wrong_codes": 0, "forged_signals": 0, "untrusted_channels": 0}

    # ---- the session registry: which processes are agents --------------------------------------

    def note_hook_peer(self, pid: int | None, host: str, session: str) -> None:
        """The hook client's parents up to the first non-shell process are the agent (or its tool
        runner): anything started below them cannot answer a question."""
        if not pid:
            return
        for ppid, start, name in _walk(pid, 6, skip_first=True):  # lazily: usually two reads
            if ppid <= 1 or name in NOT_AGENTS:
                break
            key = (ppid, start)
            last = name not in SHELLS and not name.startswith("adr")
            if key in self._agents:
                if last:
                    break
                continue
            if len(self._agents) >= MAX_REGISTRY:
                self._agents.pop(next(iter(self._agents)))
            self._agents[key] = f"{host or 'a host'} session {session[:12] or '?'}"
            cg = cgroup(ppid)  # a child it detaches later stays in this cgroup
            if cg:
                if cg not in self._cgroups and len(self._cgroups) >= MAX_CGROUPS:
                    self._cgroups.pop(next(iter(self._cgroups)))
                self._cgroups[cg] = min(int(start), self._cgroups.get(cg, int(start)))
            if last:
                break

    def agent_refusal(self, pid: int, with_env: bool = True) -> str | None:
        """Why `pid` is (inside) an agent: its name or an ancestor's, a hook sender above it, or an
        agent's environment marker (only for the requester itself)."""
        why = inside_agent(pid)
        if why:
            return f"it runs inside an AI agent: {why}"
        for ppid, start, name in _chain(pid, 64):
            seen = self._agents.get((ppid, start))
            if seen:
                return f"it runs inside an AI agent: under {name} (pid {ppid}), which sent hook requests for {seen}"
        if with_env:
            with contextlib.suppress(psutil.Error, OSError):
                marker = agent_env_marker(psutil.Process(pid).environ())
                if marker:
                    return f"it runs inside an AI agent: its environment has {marker}, set by an agent for its commands"
        return None

    def refusal(self, pid: int | None) -> str | None:
        """Why a request from `pid` may not act for the human (None: a human at a terminal)."""
        if not pid:
            return "the requesting process cannot be identified"
        return self.agent_refusal(pid) or self.walls.refusal(pid)

    def server_refusal(self, pid: int | None) -> str | None:
        """Why a notification server (by its pid) may not be trusted to carry the human's answers: it
        runs inside an agent, or was detached from one (an agent's fake server)."""
        if not pid:
            return "its process cannot be identified"
        why = self.agent_refusal(pid, with_env=False)
        if why:
            return why
        cut = detached_from_agent(pid, self._cgroups)
        if cut is not None:
            return (f"it was detached from an AI agent's process tree ({cut.comm}, pid {cut.pid}, re-parented but "
                    "still in the agent's cgroup)")
        return None

    # ---- records -----------------------------------------------------------------------------

    def security(self, pid: int | None, target: str, what: str, why: str, *, kind: str = "approval",
                 security: str = "self-approval", summary: str = "", **ctx: str) -> None:
        self.stats["refused"] += 1
        log.warning("refused %s %s from pid %s: %s", what, target, pid, why)
        self._audit(security_entry(pid, target, what, why, kind=kind, security=security, summary=summary, **ctx))

    def channel_problem(self, notifier: str, why: str, security: str) -> None:
        """A desktop channel that cannot be trusted (an agent's server, a forged signal): recorded."""
        self.stats["untrusted_channels" if security == "untrusted-channel" else "forged_signals"] += 1
        log.warning("desktop channel %s: %s", notifier, why)
        self._audit(security_entry(None, notifier, "channel", why, kind="notification", security=security,
                                   summary=f"desktop channel {notifier}: {why}"))

    # ---- challenges ----------------------------------------------------------------------------

    def open_challenge(self, purpose: str, lines: tuple[str, ...], pid: int, notifiers: list[Any],
                       digest: str = "") -> Challenge:
        """A challenge for `purpose`, asked by `pid` (which passed the walls). With a desktop channel
        the human confirms it there (button or code); without one the walls were the check."""
        self._expire()
        while len(self.challenges) >= MAX_CHALLENGES:
            self._end(self.challenges[next(iter(self.challenges))], "expired")
        st = read_stat(pid)
        cid = os.urandom(4).hex()
        ch = Challenge(id=cid, purpose=purpose, lines=tuple(lines), code=new_code(),
                       requester=(pid, st.start if st else 0), digest=digest,
                       expires=time.monotonic() + CHALLENGE_TTL)
        self.challenges[cid] = ch
        if notifiers:
            ch.task = asyncio.get_running_loop().create_task(self._drive(ch, notifiers))
        else:
            ch.state, ch.via = "confirmed", "terminal"
        return ch

    async def _drive(self, ch: Challenge, notifiers: list[Any]) -> None:
        q = ch.question()
        for notifier in notifiers:
            ch.code_shown = ch.code_shown or bool(getattr(notifier, "shows_code", False))
            try:
                ans = await notifier.ask(q)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self.note_channel_error(notifier, e)
                ch.code_shown = False
                continue
            if ans is None or ch.state != "open":
                return  # closed unanswered: the code still works until the challenge expires
            ch.state, ch.via = ("confirmed", ans.channel) if ans.choice == N.CONFIRM_OP else ("refused", ans.channel)
            return
        if ch.state == "open":  # no desktop channel could show it: the walls were the check (as headless)
            ch.state, ch.via = "confirmed", "terminal (no desktop channel could show the challenge)"

    def note_channel_error(self, notifier: Any, e: Exception) -> None:
        from adr.notify.desktop import UntrustedChannel

        if isinstance(e, UntrustedChannel):
            self.channel_problem(getattr(notifier, "name", "?"), str(e), "untrusted-channel")
        else:
            log.warning("%s could not show a question: %s", getattr(notifier, "name", "?"), e)

    def challenge_state(self, cid: str, pid: int | None) -> tuple[str, str]:
        """(state, why) of the caller's challenge, for the CLI waiting on a button."""
        self._expire()
        ch = self.challenges.get(cid)
        if ch is None or not self._same(ch, pid):
            return "unknown", "no such challenge (expired, used, or asked by another process)"
        return ch.state, ch.via

    def use_challenge(self, cid: str, purpose: str, code: str, pid: int | None, digest: str = "") -> tuple[bool, str]:
        """Spend a confirmed challenge (or one whose code is given) on `purpose`. (ok, why not)."""
        self._expire()
        ch = self.challenges.get(cid or "")
        if ch is None or not self._same(ch, pid):
            return False, "no such challenge (expired, used, or asked by another process)"
        if ch.purpose != purpose or ch.digest != digest:
            return False, "the challenge was opened for something else"
        if ch.state == "refused":
            self._end(ch, "refused")
            return False, f"refused on {ch.via or 'the desktop'}"
        if ch.state == "open" and code:
            if not (ch.code_shown and code_matches(ch.code, code)):
                return False, self.wrong_code(ch, pid)
            ch.state, ch.via = "confirmed", "terminal with the code"
        if ch.state != "confirmed":
            return False, "not confirmed yet: press Confirm in the notification or type its code"
        self._end(ch, "used")
        return True, ch.via

    def wrong_code(self, item: Any, pid: int | None, what: str = "challenge") -> str:
        item.tries += 1
        self.stats["wrong_codes"] += 1
        self._audit(security_entry(pid, item.id if hasattr(item, "id") else "", "code",
                                   f"a wrong code for {what} {getattr(item, 'id', '')} (try {item.tries} of "
                                   f"{MAX_CODE_TRIES})", kind=what, security="wrong-code"))
        if item.tries >= MAX_CODE_TRIES:
            if isinstance(item, Challenge):
                self._end(item, "refused")
            return f"wrong code; {MAX_CODE_TRIES} wrong codes: closed"
        return f"wrong code ({MAX_CODE_TRIES - item.tries} tries left)"

    @staticmethod
    def _same(ch: Challenge, pid: int | None) -> bool:
        st = read_stat(pid) if pid else None
        return bool(pid) and ch.requester[0] == pid and (st is None or st.start == ch.requester[1])

    def _expire(self) -> None:
        now = time.monotonic()
        for ch in [c for c in self.challenges.values() if c.expires <= now]:
            self._end(ch, "expired")

    def _end(self, ch: Challenge, state: str) -> None:
        ch.state = state
        self.challenges.pop(ch.id, None)
        if ch.task is not None and not ch.task.done():
            ch.task.cancel()  # withdraw the notification

    def shutdown(self) -> None:
        for ch in list(self.challenges.values()):
            self._end(ch, "expired")

    def status(self) -> dict[str, Any]:
        return {**self.stats, "agent_processes": len(self._agents), "agent_cgroups": len(self._cgroups),
                "challenges_open": len(self.challenges)}


def requester_text(pid: int | None) -> str:
    """"pid 123 on /dev/pts/4" — shown in a challenge so the human can tell it is their command."""
    st = read_stat(pid) if pid else None
    if st is None:
        return f"pid {pid}"
    return f"`{st.comm}` (pid {pid}) on {tty_name(st.tty_nr)}" if st.tty_nr else f"`{st.comm}` (pid {pid})"


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def security_entry(pid: int | None, target: str, what: str, why: str, *, host: str = "", session: str = "",
                   agent: str = "", by: str = "daemon", kind: str = "approval", security: str = "self-approval",
                   summary: str = "") -> dict[str, Any]:
    """An audit record for a refused request (same keys as a decision record; event "security")."""
    return {
        "id": str(target)[:32], "host": host, "event": "security", "session": session, "agent": agent,
        "agent_pid": None, "process": _name(pid), "peer_pid": pid, "cwd": "", "tool": "", "kind": kind,
        "summary": redact(summary or f"attempt to act for the human: {what} {target}", 300), "findings": [],
        "decision": "refused", "mode": "", "would_decide": None,
        "reason": redact(f"refused: {why}", 600), "decided_by": by, "latency_ms": 0.0, "error": "",
        "security": security,
    }


def _walk(pid: int, depth: int, skip_first: bool = False) -> Iterator[tuple[int, float, str]]:
    """(pid, start time, name) from `pid` upwards, read one process at a time (/proc: one read)."""
    if not os.path.isdir("/proc/self"):
        chain = _chain(pid, depth)
        yield from (chain[1:] if skip_first else chain)
        return
    cur, n = pid, 0
    while cur > 0 and n < depth:  # on every decision: parse only what is needed (not read_stat)
        try:
            with open(f"/proc/{cur}/stat", "rb") as f:
                data = f.read()
            name = data[data.index(b"(") + 1: data.rindex(b")")].decode("utf-8", "replace")
            rest = data[data.rindex(b")") + 2:].split()
            ppid, start = int(rest[1]), float(rest[19])
        except (OSError, ValueError, IndexError):
            return
        if n or not skip_first:
            yield cur, start, name
        n += 1
        cur = ppid


def _chain(pid: int, depth: int) -> list[tuple[int, float, str]]:
    """(pid, start time, name) from `pid` upwards (/proc when there is one: two small reads each)."""
    out: list[tuple[int, float, str]] = []
    cur: int | None = pid
    if os.path.isdir("/proc/self"):
        while cur and cur > 0 and len(out) < depth:
            info = _proc_read(cur)
            if info is None:
                break
            out.append((cur, float(info[2]), info[0]))
            cur = info[1]
        return out
    while cur and cur > 0 and len(out) < depth:
        try:
            proc = psutil.Process(cur)
            with proc.oneshot():
                out.append((cur, proc.create_time(), proc.name()))
                cur = proc.ppid()
        except (psutil.Error, OSError):
            break
        if cur == out[-1][0]:
            break
    return out


def _name(pid: int | None) -> str:
    if not pid:
        return ""
    try:
        return psutil.Process(pid).name()
    except (psutil.Error, OSError):
        return ""


__all__ = ["HumanGate", "Challenge", "security_entry", "requester_text", "digest_of", "new_code", "code_matches",
           "clean_code", "MAX_CODE_TRIES", "PURPOSES"]
