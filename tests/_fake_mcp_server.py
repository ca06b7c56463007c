"""A minimal MCP server on stdio for the tests: newline-delimited JSON-RPC, `initialize` then
`tools/list`. Its tools come from a JSON file named on the command line
([{"name", "description", "inputSchema"}]), read at every start — so a test changes a tool's
description between two sessions by rewriting the file (a "rug pull"). It writes a log line to stdout
before answering, as some real servers do, and asks the client for its roots once."""
import json
import sys


def main() -> None:
    tools_file = sys.argv[1]
    with open(tools_file, encoding="utf-8") as f:
        tools = json.load(f)
    sys.stdout.write("fake-mcp: starting\n")
    sys.stdout.flush()
    asked_roots = False
    for line in sys.stdin:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        method, rid = msg.get("method"), msg.get("id")
        if method == "initialize":
            reply = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                     "serverInfo": {"name": "fake", "version": "1"}}
        elif method == "tools/list":
            if not asked_roots:
                asked_roots = True
                sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": "r1", "method": "roots/list"}) + "\n")
                sys.stdout.flush()
            reply = {"tools": tools}
        elif rid is None:
            continue  # a notification (notifications/initialized) or an answer to our request
        else:
            sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": rid,
                                         "error": {"code": -32601, "message": "unknown"}}) + "\n")
            sys.stdout.flush()
            continue
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": rid, "result": reply}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
