"""Shared pieces of the side-by-side server checks (`app-server-turn-diff.py`,
`mcp-server-diff.py`): the mock model's script, a fresh CODEX_HOME pointing at it, the
masks for what differs by nature, and the driver that runs both binaries and diffs them.
Python 3.11 standard library only."""
from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Callable, Iterator

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
    (r'"(processId|process_id)": ("\d+"|null)', r'"\1": <P>'),
    (r'"(started_at|completed_at|started_at_ms|completed_at_ms|duration_ms|time_to_first_token_ms)": (\d+|null)', r'"\1": <T>'),
    (r'"duration": \{"secs": \d+, "nanos": \d+\}', '"duration": <D>'),
    (r'"(input_tokens|output_tokens|total_tokens|totalTokens|inputTokens|outputTokens)": \d+', r'"\1": <N>'),
    (r"rollout-[0-9T-]+-", "rollout-<TS>-"),
]


@contextlib.contextmanager
def mock_home(work: pathlib.Path) -> Iterator[tuple[pathlib.Path, dict]]:
    """A running mock model serving SCRIPT and a fresh CODEX_HOME configured for it;
    yields the workspace and the environment to run a binary with."""
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
        yield ws, {"HOME": str(work), "PATH": "/usr/bin:/bin", "CODEX_HOME": str(home),
                   "MOCK_KEY": "k", "TERM": "xterm"}
    finally:
        mock.terminate()


# Streamed command output is left out: the reference drops what a command prints before its
# item is announced (~100 ms), so its deltas depend on timing; recodex streams all of it
# (DEVIATIONS.md). The completed item's output is still compared.
UNCOMPARED = {"item/commandExecution/outputDelta"}


def canonical(seen: list[dict], work: pathlib.Path) -> list[str]:
    """Messages as masked JSON lines."""
    lines = []
    for message in seen:
        if message.get("method") in UNCOMPARED:
            continue
        text = json.dumps(message)
        for pattern, mask in MASKS:
            text = re.sub(pattern, mask, text)
        lines.append(text.replace(str(work), "$WORK"))
    return lines


def main(run: Callable[[str, pathlib.Path], list[dict]], prefix: str) -> int:
    """Runs `run` for the reference and for recodex, each in a fresh directory under $HOME,
    and prints the diff of their canonical streams; 1 when they differ."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default=None)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "recodex"))
    args = ap.parse_args()
    ref = args.ref or subprocess.run([str(ROOT.parent / "shared" / "parity" / "install-reference.sh")],
                                     capture_output=True, text=True, check=True).stdout.strip()
    streams = []
    for binary in (ref, str(pathlib.Path(args.bin).resolve())):
        work = pathlib.Path(tempfile.mkdtemp(prefix=prefix, dir=pathlib.Path.home()))
        try:
            streams.append(canonical(run(binary, work), work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    diff = list(difflib.unified_diff(streams[0], streams[1], "reference", "recodex", lineterm="", n=0))
    for line in diff:
        print(line[:400])
    print(f"{len(streams[0])} messages from the reference, {len(streams[1])} from recodex: "
          + ("SAME" if not diff else "DIFF"))
    return 1 if diff else 0
