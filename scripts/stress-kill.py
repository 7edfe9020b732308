#!/usr/bin/env python3
"""Kill and concurrency checks of issue 22 (items 8 and 9), for any binary.

1. kill -9: N runs of `exec` against the mock model (a command turn whose model answers
   slowly), each killed at a random moment between 0 and 1.5 s; then every rollout on disk
   must be listed by `app-server` `thread/list` (the index is written when a turn starts,
   and recent unindexed rollouts are reconciled at the next start).
2. concurrency: N `exec -s workspace-write` at once, each in its own untrusted workspace;
   then config.toml must hold N trust entries.

Usage: scripts/stress-kill.py --bin target/release/recodex [--runs 20] [--seed 1]
Prints the counts and exits 1 when something was lost. Python 3.11 standard library only;
works under ~/.cache/recodex-parity (not /tmp, where the reference cannot sandbox).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = [
    {"events": [{"function_call": {"name": "exec_command", "call_id": "call_1",
                                   "arguments": {"cmd": "echo working; sleep 0.3"}}}],
     "delay_ms": 400, "repeat": 1000,
     "match": {"no_output_for": "call_1"}},
    {"events": [{"message": "Done."}], "delay_ms": 300, "repeat": 1000},
]


def start_mock(work: pathlib.Path) -> tuple[subprocess.Popen, str]:
    script = work / "script.json"
    script.write_text(json.dumps(SCRIPT))
    mock = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "bench_mock.py"), str(script)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return mock, mock.stdout.readline().strip()


def make_home(work: pathlib.Path, url: str) -> tuple[pathlib.Path, dict]:
    home = work / "home"
    home.mkdir(parents=True)
    (home / "config.toml").write_text(
        'model = "gpt-5.1-codex"\nmodel_provider = "mock"\n\n[model_providers.mock]\n'
        f'name = "mock"\nbase_url = "{url}"\nwire_api = "responses"\nenv_key = "MOCK_KEY"\n'
        'request_max_retries = 0\nstream_max_retries = 0\n')
    env = {"HOME": str(work), "PATH": "/usr/bin:/bin", "CODEX_HOME": str(home), "MOCK_KEY": "k"}
    return home, env


def listed_ids(binary: str, env: dict, cwd: pathlib.Path) -> set[str]:
    requests = [
        {"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "stress", "version": "1"}}},
        {"id": 2, "method": "thread/list", "params": {"limit": 1000, "sourceKinds": ["exec"]}},
    ]
    text = "".join(json.dumps(r) + "\n" for r in requests)
    proc = subprocess.Popen([binary, "app-server"], cwd=cwd, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc.stdin.write(text)
    proc.stdin.flush()
    ids: set[str] = set()
    for line in proc.stdout:
        message = json.loads(line)
        if message.get("id") == 2:
            ids = {t["id"] for t in message["result"]["data"]}
            break
    proc.stdin.close()
    proc.wait(timeout=30)
    return ids


def rollout_ids(home: pathlib.Path) -> set[str]:
    ids = set()
    for path in (home / "sessions").rglob("rollout-*.jsonl"):
        ids.add(path.stem[-36:])
    return ids


def kill_check(binary: str, base: pathlib.Path, runs: int, rng: random.Random) -> bool:
    work = base / "kill"
    work.mkdir(parents=True)
    mock, url = start_mock(work)
    try:
        home, env = make_home(work, url)
        ws = work / "ws"
        ws.mkdir()
        for _ in range(runs):
            proc = subprocess.Popen(
                [binary, "exec", "--skip-git-repo-check", "-s", "workspace-write", "Run it."],
                cwd=ws, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 1.5))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
        on_disk = rollout_ids(home)
        listed = listed_ids(binary, env, ws)
        missing = on_disk - listed
        print(f"kill -9: {runs} runs, {len(on_disk)} rollouts on disk, "
              f"{len(on_disk & listed)} listed, {len(missing)} missing")
        return not missing
    finally:
        mock.terminate()


def concurrency_check(binary: str, base: pathlib.Path, runs: int) -> bool:
    work = base / "concurrent"
    work.mkdir(parents=True)
    mock, url = start_mock(work)
    try:
        home, env = make_home(work, url)
        procs = []
        for i in range(runs):
            ws = work / f"ws{i}"
            ws.mkdir()
            procs.append(subprocess.Popen(
                [binary, "exec", "--skip-git-repo-check", "-s", "workspace-write", "Say hi."],
                cwd=ws, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL))
        for proc in procs:
            proc.wait(timeout=120)
        config = (home / "config.toml").read_text()
        trusted = sum(1 for i in range(runs) if f'[projects."{work / f"ws{i}"}"]' in config)
        print(f"concurrency: {runs} concurrent runs, {trusted} trust entries kept")
        return trusted == runs
    finally:
        mock.terminate()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tmp", default=str(pathlib.Path.home() / ".cache" / "recodex-parity"))
    args = parser.parse_args()
    binary = str(pathlib.Path(args.bin).resolve())
    base = pathlib.Path(args.tmp) / f"stress-{os.getpid()}"
    base.mkdir(parents=True)
    try:
        ok = kill_check(binary, base, args.runs, random.Random(args.seed))
        ok = concurrency_check(binary, base, args.runs) and ok
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
