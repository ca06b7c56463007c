// adr-managed-file — adr (Agent Detection & Response) plugin for OpenCode.
// Installed by `adr install --host opencode`; removed by `adr uninstall`.
//
// Before every tool call OpenCode runs `tool.execute.before`; this plugin asks the adr daemon
// (one JSON line over its Unix socket, shape defined in adr/daemon/protocol.py) and throws on a
// deny, which OpenCode reports to the agent. Tools it cannot describe itself, and any daemon
// trouble, go to `adr-hook opencode` instead (adr's own parser; evaluates in-process).
// After a tool ran, `tool.execute.after` hands its output to adr (a "hook" request), which scans it
// for instructions aimed at the agent; adr's warning, if any, is appended to the output the model
// reads (OpenCode passes the same output object on).
import net from "node:net";
import { spawn } from "node:child_process";

const ADR_HOOK = "__ADR_HOOK__";
const ADR_SOCKET = process.env.ADR_SOCKET || "__ADR_SOCKET__";
const TIMEOUT_MS = __ADR_TIMEOUT_MS__;
const CAN_ASK = false;
const HOST = "opencode";
const EVENT = "tool.execute.before";
const AFTER = "tool.execute.after";
// Name listings and bookkeeping: nothing to judge (like the tools Claude Code's matcher leaves out).
// grep is judged: it reads the contents of the files it searches.
const SKIP = new Set(["glob", "list", "todoread", "todowrite", "task", "invalid"]);
// Outputs not worth scanning (no outside text); the arguments of calls in flight, for the after-hook
const SKIP_AFTER = new Set(["todoread", "todowrite", "invalid", "edit", "write", "patch"]);
const ARGS = new Map();
const ARGS_MAX = 256;

function str(v) { return typeof v === "string" ? v : ""; }

// A content search reads the files it searches: the folder, narrowed to the files its filter names
// (as adr/integrations/_common.py search_action reads the same call).
function searchPath(a, cwd) {
  const path = str(a.path) || cwd;
  let glob = str(a.include).trim();
  if (!glob) return path;
  if (glob.startsWith("/") || glob.startsWith("~")) return glob;
  if (!glob.replace(/\/+$/, "").includes("/") && !glob.startsWith("**")) glob = "**/" + glob;
  return (path && path !== "/" ? path.replace(/\/+$/, "") : "") + "/" + glob;
}

// The adr Action (adr/actions.py action_to_dict) for the tools whose arguments are plain; null → adr-hook.
function toAction(tool, args, context) {
  const a = args || {};
  const base = { context, command: "", path: "", content: "", old_content: "", url: "", packages: [],
                 mcp_server: "", mcp_tool: "", arguments: "" };
  switch (tool) {
    case "bash": return { ...base, kind: "exec", command: str(a.command) };
    case "read": return { ...base, kind: "file_read", path: str(a.filePath) };
    case "grep": return { ...base, kind: "file_read", path: searchPath(a, context.cwd) };
    case "write": return { ...base, kind: "file_write", path: str(a.filePath), content: str(a.content) };
    case "edit": return { ...base, kind: "file_edit", path: str(a.filePath), content: str(a.newString), old_content: str(a.oldString) };
    case "webfetch": return { ...base, kind: "url_fetch", url: str(a.url) };
    default: return null;
  }
}

// One request line to the daemon, its first answer line parsed by `read` (null on any trouble).
function daemonLine(request, read) {
  return new Promise((resolve) => {
    let done = false, buf = "";
    const finish = (v) => { if (!done) { done = true; sock.destroy(); resolve(v); } };
    const sock = net.createConnection(ADR_SOCKET);
    sock.setTimeout(TIMEOUT_MS, () => finish(null));
    sock.on("error", () => finish(null));
    sock.on("connect", () => sock.write(JSON.stringify({ v: 1, id: Math.random().toString(16).slice(2), ...request }) + "\n"));
    sock.on("data", (d) => {
      buf += d.toString("utf8");
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      try { finish(read(JSON.parse(buf.slice(0, nl)))); } catch { finish(null); }
    });
  });
}

function askDaemon(action) {
  return daemonLine({ op: "decide", action, event: EVENT, host: HOST, can_ask: CAN_ASK, input_error: "" }, (r) => {
    const v = r && r.ok && r.verdict;
    return v ? { decision: v.decision, reason: v.decision === "deny" ? (v.agent_reason || v.reason) : v.reason } : null;
  });
}

// A whole hook call through the daemon (op "hook"): what adr-hook would print, parsed.
function hookDaemon(payload) {
  return daemonLine({ op: "hook", host: HOST, payload, home: process.env.HOME || "" },
                    (r) => (r && r.ok && r.data && typeof r.data.stdout === "string" ? JSON.parse(r.data.stdout || "{}") : null));
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
  [AFTER]: async (input, output) => {
    const tool = str(input && input.tool);
    const callID = str(input && input.callID);
    const args = ARGS.get(callID) || {};
    ARGS.delete(callID);
    const text = output && typeof output.output === "string" ? output.output : "";
    if (SKIP_AFTER.has(tool) || !text) return;
    const payload = { hook_event_name: AFTER, tool, args, output: text, session: str(input && input.sessionID),
                      cwd: directory || process.cwd() };
    let answer = await hookDaemon(payload);
    if (!answer) answer = await askHook(payload);
    if (answer && typeof answer.warning === "string" && answer.warning && typeof output.output === "string") {
      output.output = output.output + "\n\n" + answer.warning;  // the model reads it with the result
    }
  },
  [EVENT]: async (input, output) => {
    const tool = str(input && input.tool);
    const args = (output && output.args) || {};
    const callID = str(input && input.callID);
    if (callID) {
      ARGS.set(callID, args);
      while (ARGS.size > ARGS_MAX) ARGS.delete(ARGS.keys().next().value);
    }
    if (SKIP.has(tool)) return;
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
