"""OpenCode: the adr plugin (hooks/opencode/) registers `tool.execute.before` and forwards
(input.tool, output.args) as {"hook_event_name": "tool.execute.before", "tool", "args",
"session", "cwd"}; a deny is thrown as an Error, which OpenCode reports to the agent. The hook
cannot ask the user, so adr's "ask" becomes a deny with instructions. Tool args: bash {command},
read {filePath}, write {filePath, content}, edit {filePath, oldString, newString}, webfetch {url}.
Source: opencode.ai/docs/plugins. Stdlib only."""
from __future__ import annotations

from adr.integrations._plugin import PluginHost

NAME = "opencode"
INTEGRATION = PluginHost(NAME, "opencode", ("tool.execute.before",), can_ask=False,
                         after_events=("tool.execute.after",))
