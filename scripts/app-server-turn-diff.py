#!/usr/bin/env python3
"""Side-by-side app-server turns: the reference Codex CLI and recodex run the same thread
(thread/start, then a plain turn and a turn with an `exec_command` call) against the shared
mock model, and their message streams are compared after masking what differs by nature
(ids, times, process ids, token counts, the async remoteControl notice, rate limits).

    python3 scripts/app-server-turn-diff.py [--ref PATH] [--bin target/release/recodex]

Prints a unified diff of the two canonical streams (nothing when they agree) and exits 1
when they differ. Each binary gets a fresh CODEX_HOME and a fresh mock under $HOME.
"""
import json
import pathlib
import subprocess
import sys

from serverdiff import PROMPTS, main, mock_home

SKIP = {"remoteControl/status/changed", "configWarning", "account/rateLimits/updated"}


def run(binary: str, work: pathlib.Path) -> list[dict]:
    with mock_home(work) as (ws, env):
        proc = subprocess.Popen([binary, "app-server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=env, cwd=ws, text=True, bufsize=1)
        seen: list[dict] = []

        def send(message: dict) -> None:
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()

        def until(pred) -> dict:
            for line in proc.stdout:
                message = json.loads(line)
                seen.append(message)
                if pred(message):
                    return message
            raise RuntimeError(f"{binary} closed its output")

        send({"id": 0, "method": "initialize", "params": {"clientInfo": {"name": "probe", "version": "1"}}})
        until(lambda m: m.get("id") == 0)
        send({"method": "initialized"})
        send({"id": 1, "method": "thread/start", "params": {"cwd": str(ws)}})
        thread = until(lambda m: m.get("id") == 1)["result"]["thread"]["id"]
        for n, prompt in enumerate(PROMPTS):
            send({"id": 2 + n, "method": "turn/start", "params": {
                "threadId": thread, "input": [{"type": "text", "text": prompt, "text_elements": []}]}})
            until(lambda m: m.get("method") == "turn/completed")
        proc.stdin.close()
        proc.wait(timeout=10)
    return [m for m in seen if m.get("method") not in SKIP]


if __name__ == "__main__":
    sys.exit(main(run, "as-turn-"))
