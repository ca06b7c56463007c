// adr-managed-file — adr (Agent Detection & Response) plugin for OpenClaw.
// Installed by `adr install --host openclaw`; removed by `adr uninstall`.
//
// Each tool call is judged once, by asking the adr daemon (one JSON line over its Unix socket,
// shape defined in adr/daemon/protocol.py). A deny becomes {block, blockReason}; an ask uses
// OpenClaw's own approval flow ({requireApproval}). Tools it cannot describe itself, and any daemon
// trouble, go to `adr-hook openclaw` instead (adr's own parser; evaluates in-process).
//
// Two entry points, one judgement (see adr/integrations/install/openclaw_trust.py):
// * a trusted tool policy (api.registerTrustedToolPolicy; manifest contracts.trustedToolPolicies),
//   which OpenClaw runs for an explicitly enabled plugin in `agent --local` *and* `agent exec`
//   (exec activates no plugin registry, so it never calls before_tool_call);
// * before_tool_call, for where the policy is not registered (the plugin not explicitly enabled,
//   an OpenClaw without trusted policies). OpenClaw runs the policies just before the hooks, in the
//   same runBeforeToolCallHook, so a call the policy judged is remembered and the hook lets it be.
//
// after_tool_call (fire-and-forget: the result already went to the model) hands the tool's result to
// adr (a "hook" request), which scans it for instructions aimed at the agent: it cannot warn the model
// from here, but it taints the session (risky actions are then asked) and alerts the human.
import net from "node:net";
import { spawn } from "node:child_process";

const ADR_HOOK = "__ADR_HOOK__";
const ADR_SOCKET = process.env.ADR_SOCKET || "__ADR_SOCKET__";
const TIMEOUT_MS = __ADR_TIMEOUT_MS__;
const CAN_ASK = true;
const HOST = "openclaw";
const EVENT = "before_tool_call";
const AFTER = "after_tool_call";
// results not worth scanning (no outside text)
const SKIP_AFTER = new Set(["write", "edit", "sessions_list", "session_status", "agents_list"]);
// Read-only lookups and session bookkeeping: nothing to judge.
const SKIP = new Set(["web_search", "memory_search", "memory_get", "sessions_list", "sessions_history",
                      "session_status", "agents_list"]);

function str(v) { return typeof v === "string" ? v : ""; }

// The adr Action (adr/actions.py action_to_dict) for the tools whose arguments are plain; null → adr-hook.
function toAction(tool, p, context) {
  const a = p || {};
  const base = { context, command: "", path: "", content: "", old_content: "", url: "", packages: [],
                 mcp_server: "", mcp_tool: "", arguments: "" };
  switch (tool) {
    case "exec": case "bash": return { ...base, kind: "exec", command: str(a.command) };
    case "read": return { ...base, kind: "file_read", path: str(a.path || a.file_path) };
    case "write": return { ...base, kind: "file_write", path: str(a.path || a.file_path), content: str(a.content) };
    case "edit": return { ...base, kind: "file_edit", path: str(a.path || a.file_path), content: str(a.newText || a.new_string), old_content: str(a.oldText || a.old_string) };
    case "web_fetch": return { ...base, kind: "url_fetch", url: str(a.url) };
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
    return v ? { decision: v.decision, reason: v.decision === "deny" ? (v.agent_reason || v.reason) : v.reason,
                     title: "adr: " + (v.rule_ids || []).slice(0, 3).join(", ") } : null;
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

// Calls the policy judged, so before_tool_call does not judge them again. Keyed by the tool-call id
// (and run id); consumed by the hook, bounded for runs where the hook never comes (agent exec).
const JUDGED = new Map();
const JUDGED_MAX = 1024;

function callKey(event, ctx) {
  const e = event || {}, c = ctx || {};
  const run = str(e.runId) || str(c.runId);
  const id = str(e.toolCallId) || str(c.toolCallId);
  if (id) return `${run}\0${id}`;
  let params = "";
  try { params = JSON.stringify(e.params || {}); } catch { params = String(Math.random()); }
  return `${run}\0${str(c.sessionKey || c.sessionId)}\0${str(e.toolName)}\0${params}`;
}

function remember(key) {
  JUDGED.delete(key);
  JUDGED.set(key, Date.now());
  while (JUDGED.size > JUDGED_MAX) JUDGED.delete(JUDGED.keys().next().value);
}

// adr's answer for one tool call, in OpenClaw's before_tool_call / trusted-policy result shape
// (undefined: allow).
async function judge(event, ctx) {
  const tool = str(event && event.toolName);
  if (SKIP.has(tool)) return;
  const params = (event && event.params) || {};
  const cwd = str(ctx && (ctx.workspaceDir || ctx.cwd)) || process.cwd();
  const session = str(ctx && (ctx.sessionKey || ctx.sessionId));
  const action = toAction(tool, params, { host: HOST, agent: "openclaw", session, cwd, tool, pid: null, home: process.env.HOME || "" });
  let answer = action ? await askDaemon(action) : null;
  if (!answer) answer = await askHook({ hook_event_name: EVENT, tool, args: params, session, cwd });
  if (answer.decision === "allow") return;
  if (answer.decision === "ask") {
    return { requireApproval: { title: answer.title || "adr", description: answer.reason || "adr asks for approval",
                                severity: "warning", timeoutMs: TIMEOUT_MS, timeoutBehavior: "deny" } };
  }
  return { block: true, blockReason: answer.reason || "blocked by adr" };
}

export default {
  id: "adr",
  name: "adr",
  description: "Agent Detection & Response: judges tool calls before they run",
  register(api) {
    if (typeof api.registerTrustedToolPolicy === "function") {
      api.registerTrustedToolPolicy({
        id: "adr",
        description: "Agent Detection & Response: judges tool calls before they run",
        async evaluate(event, ctx) {
          const key = callKey(event, ctx);
          const result = await judge(event, ctx);
          if (!(result && result.block)) remember(key);  // before_tool_call, when it comes, lets this call be
          return result;
        },
      });
    }
    api.on(EVENT, async (event, ctx) => {
      const key = callKey(event, ctx);
      if (JUDGED.delete(key)) return;  // the trusted policy judged this call already
      return judge(event, ctx);
    }, { priority: 1000 });
    api.on(AFTER, async (event, ctx) => {
      const tool = str(event && event.toolName);
      if (SKIP_AFTER.has(tool) || !event || event.result === undefined || event.result === null) return;
      const payload = { hook_event_name: AFTER, tool, args: (event && event.params) || {}, result: event.result,
                        session: str(ctx && (ctx.sessionKey || ctx.sessionId)),
                        cwd: str(ctx && (ctx.workspaceDir || ctx.cwd)) || process.cwd() };
      if (!(await hookDaemon(payload))) await askHook(payload);
    });
  },
};
