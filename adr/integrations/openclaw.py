"""OpenClaw: the adr plugin (hooks/openclaw/) registers `before_tool_call` and forwards
{toolName, params} as {"hook_event_name": "before_tool_call", "tool", "args", "session", "cwd"}.
OpenClaw has its own approval flow (a `requireApproval` answer from the hook), so adr's "ask" is
passed through. Source: docs.openclaw.ai/plugins/hooks. Stdlib only."""
from __future__ import annotations

from adr.integrations._plugin import PluginHost

NAME = "openclaw"
INTEGRATION = PluginHost(NAME, "openclaw", ("before_tool_call",), can_ask=True,
                         after_events=("after_tool_call",))
