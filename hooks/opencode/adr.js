// adr-managed-file — adr (Agent Detection & Response) plugin for OpenCode.
// Installed by `adr install --host opencode`; removed by `adr uninstall`.
//
// Before every tool call OpenCode runs `tool.execute.before`; this plugin asks the adr daemon
// (one JSON line over its Unix socket, shape defined in adr/daemon/protocol.py) and throws on a
// deny, which OpenCode reports to the agent. Tools it cannot describe itself, and any daemon
// trouble, go to `adr-hook opencode` instead (adr's own parser; evaluates in-process).
import net from "node:net";
import { spawn } from "node:child_process";

const ADR_HOOK = "__ADR_HOOK__";
const ADR_SOCKET = process.env.ADR_SOCKET || "__ADR_SOCKET__";
const TIMEOUT_MS = __ADR_TIMEOUT_MS__;
const HOST = "opencode";
const EVENT = "tool.execute.before";
// Read-only helpers and bookkeeping: nothing to judge (like the tools Claude Code's matcher leaves out).
const SKIP = new Set(["glob", "grep", "list", "todoread", "todowrite", "task", "invalid"]);

function str(v) { return typeof v === "string" ? v : ""; }

// The adr Action (adr/actions.py action_to_dict) for the tools whose arguments are plain; null → adr-hook.
function toAction(tool, args, context) {
  const a = args || {};
  const base = { context, command: "", path: "", content: "", old_content: "", url: "", packages: [],
                 mcp_server: "", mcp_tool: "", arguments: "" };
  switch (tool) {
    case "bash": return { ...base, kind: "exec", command: str(a.command) };
    case "read": return { ...base, kind: "file_read", path: str(a.filePath) };
    case "write": return { ...base, kind: "file_write", path: str(a.filePath), content: str(a.content) };
    case "edit": return { ...base, kind: "file_edit", path: str(a.filePath), content: str(a.newString), old_content: str(a.oldString) };
    case "webfetch": return { ...base, kind: "url_fetch", url: str(a.url) };
    default: return null;
  }
}

function askDaemon(action) {
  return new Promise((resolve) => {
    let done = false, buf = "";
    const finish = (v) => { if (!done) { done = true; sock.destroy(); resolve(v); } };
    const id = Math.random().toString(16).slice(2);
    const sock = net.createConnection(ADR_SOCKET);
    sock.setTimeout(TIMEOUT_MS, () => finish(null));
    sock.on("error", () => finish(null));
    sock.on("connect", () => sock.write(JSON.stringify({ v: 1, op: "decide", id, action, event: EVENT,
      host: HOST, can_ask: false, input_error: "" }) + "\n"));
    sock.on("data", (d) => {
      buf += d.toString("utf8");
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      try {
        const r = JSON.parse(buf.slice(0, nl));
        const v = r && r.ok && r.verdict;
        finish(v ? { decision: v.decision, reason: v.decision === "deny" ? (v.agent_reason || v.reason) : v.reason } : null);
      } catch { finish(null); }
    });
  });
}

function askHook(payload) {
  return new Promise((resolve) => {
    let out = "", settled = false;
    const finish = (v) => { if (!settled) { settled = true; resolve(v); } };
    let child;
    try { child = spawn(ADR_HOOK, [HOST], { stdio: ["pipe", "pipe", "inherit"] }); }
    catch (e) { return finish({ decision: "deny", reason: `adr could not run ${ADR_HOOK}: ${e}` }); }
    const timer = setTimeout(() => { child.kill(); finish({ decision: "deny", reason: "adr did not answer in time" }); }, TIMEOUT_MS);
    child.on("error", (e) => { clearTimeout(timer); finish({ decision: "deny", reason: `adr could not run ${ADR_HOOK}: ${e.message}` }); });
    child.stdout.on("data", (d) => { out += d.toString("utf8"); });
    child.on("close", () => {
      clearTimeout(timer);
      try { finish(JSON.parse(out)); } catch { finish({ decision: "deny", reason: "adr gave no readable answer" }); }
    });
    child.stdin.end(JSON.stringify(payload));
  });
}

export const AdrPlugin = async ({ directory }) => ({
  [EVENT]: async (input, output) => {
    const tool = str(input && input.tool);
    if (SKIP.has(tool)) return;
    const args = (output && output.args) || {};
    const cwd = directory || process.cwd();
    const session = str(input && input.sessionID);
    const action = toAction(tool, args, { host: HOST, agent: "opencode", session, cwd, tool, pid: null, home: process.env.HOME || "" });
    let answer = action ? await askDaemon(action) : null;
    if (!answer) answer = await askHook({ hook_event_name: EVENT, tool, args, session, cwd });
    if (answer.decision === "allow") return;
    if (answer.decision === "ask") {  // OpenCode's hook cannot ask: refuse, and say what is needed
      throw new Error(`adr: approval required — ${answer.reason || "this action needs a human's approval"} ` +
                      "(OpenCode cannot ask from a plugin hook, so the action was not run; a human can approve it " +
                      "from the adr notification and the agent may then retry.)");
    }
    throw new Error(answer.reason || "blocked by adr");
  },
});
