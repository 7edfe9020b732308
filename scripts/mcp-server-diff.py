#!/usr/bin/env python3
"""Side-by-side MCP servers: the reference Codex CLI and recodex answer the same session
(initialize, tools/list, a `codex` call with a plain reply, a `codex-reply` call that runs
`exec_command`) against the shared mock model, and their message streams are compared after
masking what differs by nature (ids, times, process ids, durations, token counts) or by
design (our tool descriptions; the reference's `raw_response_item` events, which recodex
does not send; streamed command output, which the reference drops before a command is
announced; see DEVIATIONS.md).

    python3 scripts/mcp-server-diff.py [--ref PATH] [--bin target/release/recodex]
"""
import json
import pathlib
import re
import subprocess
import sys

from serverdiff import PROMPTS, main, mock_home


def run(binary: str, work: pathlib.Path) -> list[dict]:
    with mock_home(work) as (ws, env):
        proc = subprocess.Popen([binary, "mcp-server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=env, cwd=ws, text=True, bufsize=1)
        seen: list[dict] = []

        def send(message: dict) -> None:
            message["jsonrpc"] = "2.0"
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()

        def until(request_id: int) -> dict:
            for line in proc.stdout:
                message = json.loads(line)
                seen.append(message)
                if message.get("id") == request_id and "method" not in message:
                    return message
            raise RuntimeError(f"{binary} closed its output")

        send({"id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
              "capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}}})
        until(0)
        send({"method": "notifications/initialized"})
        send({"id": 1, "method": "tools/list", "params": {}})
        until(1)
        send({"id": 2, "method": "tools/call", "params": {"name": "codex",
              "arguments": {"prompt": PROMPTS[0], "cwd": str(ws)}}})
        thread = until(2)["result"]["structuredContent"]["threadId"]
        send({"id": 3, "method": "tools/call", "params": {"name": "codex-reply",
              "arguments": {"prompt": PROMPTS[1], "threadId": thread}}})
        until(3)
        proc.stdin.close()
        proc.wait(timeout=10)
    kept = []
    for message in seen:
        if message.get("params", {}).get("msg", {}).get("type") in (
            "raw_response_item",
            "exec_command_output_delta",
        ):
            continue
        for tool in message.get("result", {}).get("tools", []):
            tool["description"] = "<ours>"
            for prop in tool.get("inputSchema", {}).get("properties", {}).values():
                prop["description"] = "<ours>"
        kept.append(message)
    # Agent message ids are the model's; the mock numbers them per run.
    return json.loads(re.sub(r"msg_[0-9a-z_]+", "msg_<ID>", json.dumps(kept)))


if __name__ == "__main__":
    sys.exit(main(run, "mcp-diff-"))
