#!/usr/bin/env python3
"""Side-by-side MCP servers: the reference Codex CLI and recodex answer the same session
(initialize, tools/list, a `codex` call with a plain reply, a `codex-reply` call that runs
`exec_command`) against the shared mock model, and their message streams are compared after
masking what differs by nature (ids, times, process ids, durations, token counts) or by
design (our tool descriptions; the reference's `raw_response_item` events, which recodex
does not send; see DEVIATIONS.md).

    python3 scripts/mcp-server-diff.py [--ref PATH] [--bin target/release/recodex]

Prints a unified diff of the two canonical streams (nothing when they agree) and exits 1
when they differ. Each binary gets a fresh CODEX_HOME and a fresh mock under $HOME.
"""
import argparse, difflib, json, os, pathlib, re, shutil, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = [
    {"events": [{"message": "Hello from the mock model."}]},
    {"events": [{"function_call": {"name": "exec_command", "call_id": "call_17",
                                   "arguments": {"cmd": "echo hi"}}}]},
    {"match": {"has_output_for": "call_17"}, "events": [{"message": "The command printed hi."}]},
]
PROMPTS = ["Say hello", "Run echo hi"]
MASKS = [
    (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UUID>"),
    (r'"(createdAt|updatedAt|startedAt|completedAt|durationMs|startedAtMs|completedAtMs)": \d+', r'"\1": <T>'),
    (r'"process_id": ("\d+"|null)', '"process_id": <P>'),
    (r'"(started_at|completed_at|started_at_ms|completed_at_ms|duration_ms|time_to_first_token_ms)": (\d+|null)', r'"\1": <T>'),
    (r'"duration": \{"secs": \d+, "nanos": \d+\}', '"duration": <D>'),
    (r'"(input_tokens|output_tokens|total_tokens)": \d+', r'"\1": <N>'),
    (r'msg_[0-9a-z_]+', 'msg_<ID>'),
    (r"rollout-[0-9T-]+-", "rollout-<TS>-"),
    (r'"(totalTokens|inputTokens|outputTokens)": \d+', r'"\1": <N>'),
]


def run(binary: str, work: pathlib.Path) -> list[str]:
    script = work / "script.json"
    script.write_text(json.dumps(SCRIPT))
    mock = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "bench_mock.py"), str(script)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = mock.stdout.readline().strip()
        home, ws = work / "home", work / "ws"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        ws.mkdir(exist_ok=True)
        (home / "config.toml").write_text(
            'model = "gpt-5.1-codex"\nmodel_provider = "mock"\n\n[model_providers.mock]\n'
            f'name = "mock"\nbase_url = "{url}"\nwire_api = "responses"\nenv_key = "MOCK_KEY"\n'
            'request_max_retries = 0\nstream_max_retries = 0\n\n'
            f'[projects."{ws}"]\ntrust_level = "trusted"\n')
        env = {"HOME": str(work), "PATH": "/usr/bin:/bin", "CODEX_HOME": str(home),
               "MOCK_KEY": "k", "TERM": "xterm"}
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
    finally:
        mock.terminate()
    lines = []
    for message in seen:
        msg = message.get("params", {}).get("msg", {})
        if msg.get("type") == "raw_response_item":
            continue
        for tool in message.get("result", {}).get("tools", []):
            tool["description"] = "<ours>"
            for prop in tool.get("inputSchema", {}).get("properties", {}).values():
                prop["description"] = "<ours>"
        text = json.dumps(message)
        for pattern, mask in MASKS:
            text = re.sub(pattern, mask, text)
        lines.append(text.replace(str(work), "$WORK"))
    return lines


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default=None)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "recodex"))
    args = ap.parse_args()
    ref = args.ref or subprocess.run([str(ROOT.parent / "shared" / "parity" / "install-reference.sh")],
                                     capture_output=True, text=True, check=True).stdout.strip()
    streams = []
    for binary in (ref, str(pathlib.Path(args.bin).resolve())):
        work = pathlib.Path(tempfile.mkdtemp(prefix="mcp-diff-", dir=pathlib.Path.home()))
        try:
            streams.append(run(binary, work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    diff = list(difflib.unified_diff(streams[0], streams[1], "reference", "recodex", lineterm="", n=0))
    for line in diff:
        print(line[:400])
    print(f"{len(streams[0])} messages from the reference, {len(streams[1])} from recodex: "
          + ("SAME" if not diff else "DIFF"))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
