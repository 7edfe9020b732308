#!/usr/bin/env python3
"""Checks crates/command-safety/tests/corpus.tsv against the reference binary.

The reference decides "known safe" commands only under `approval_policy =
"untrusted"`, and `codex exec` always runs with `never`, so this script drives
`codex app-server` (JSON-RPC over stdio) instead: one thread per batch, the
parity mock model (../shared/parity/mockmodel.py) answers the first request
with one `exec_command` function call per corpus row, and every
`item/commandExecution/requestApproval` the server sends is recorded and
declined. A row whose call asked for approval is `unsafe`; one that ran
without asking is `safe`.

A second pass (`dangerous` column) uses `approval_policy = "on-request"` with
a read-only sandbox: there, an unmatched command prompts before it runs only
when the reference's "might be dangerous" check fires. Only rows whose
`dangerous` column is not `-` take part, and only their script form runs.

Rows of kind `script` are sent as the `cmd` of exec_command (which the
reference wraps as `/bin/bash -lc <cmd>`). Rows of kind `argv` are sent as
`shlex.join(argv)` when that script parses back to the same words (checked by
the Rust side's rules: plain words and single quotes); such rows are marked
`ref-script` rather than `ref`.

Usage:
  scripts/capture-command-safety-corpus.py REF [--update] [--jobs N]
  scripts/capture-command-safety-corpus.py REF --probe 'script' ['script' ...]
  scripts/capture-command-safety-corpus.py REF --probe-dangerous 'script' ...

--update rewrites the `confirmed` column of rows whose verdict the reference
agreed with; disagreements are printed and left unconfirmed (exit status 1).
CODEX_HOME and the workspace live under $HOME (the reference behaves
differently when CODEX_HOME is under the temp dir).
"""
import argparse
import json
import os
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "crates" / "command-safety" / "tests" / "corpus.tsv"
sys.path.insert(0, os.environ.get("PARITY_DIR", str(ROOT.parent / "shared" / "parity")))
from mockmodel import MockModel  # noqa: E402

BATCH = 40
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def run_batch(ref, scripts, approval, sandbox):
    """Runs one app-server thread; returns {index: {"approval": bool, "reason": str}}."""
    base = Path.home() / "recodex-command-safety-capture"
    base.mkdir(exist_ok=True)
    root = Path(tempfile.mkdtemp(dir=base))
    home, chome, ws = root / "home", root / "codex_home", root / "ws"
    for d in (home, chome, ws):
        d.mkdir()
    env = {"PATH": PATH, "HOME": str(home), "CODEX_HOME": str(chome), "MOCK_KEY": "sk-test",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "dumb", "TZ": "UTC",
           "USER": "parity", "LOGNAME": "parity", "SHELL": "/bin/bash",
           "GIT_AUTHOR_NAME": "p", "GIT_AUTHOR_EMAIL": "p@example.com",
           "GIT_COMMITTER_NAME": "p", "GIT_COMMITTER_EMAIL": "p@example.com"}
    (ws / "file.txt").write_text("one\ntwo\nthree\n")
    (ws / "Cargo.toml").write_text("[package]\nname = \"x\"\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=ws, env=env, check=True)
    subprocess.run(["git", "add", "-A"], cwd=ws, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=ws, env=env, check=True)

    calls = [{"function_call": {"name": "exec_command", "call_id": f"call_{i}",
                                "arguments": {"cmd": s, "yield_time_ms": 1000}}}
             for i, s in enumerate(scripts)]
    mock = MockModel([{"events": calls},
                      {"match": {"has_output_for": "call_0"}, "events": [{"message": "done"}]}]).start()
    (chome / "config.toml").write_text(
        f'model = "gpt-5.1-codex"\nmodel_provider = "mock"\n'
        f'approval_policy = "{approval}"\nsandbox_mode = "{sandbox}"\n\n'
        f'[model_providers.mock]\nname = "mock"\nbase_url = "{mock.base_url}"\n'
        f'wire_api = "responses"\nenv_key = "MOCK_KEY"\n'
        f'request_max_retries = 2\nstream_max_retries = 1\n')
    proc = subprocess.Popen([ref, "app-server"], cwd=ws, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    seen = {}
    state = {"done": False}

    def send(obj):
        proc.stdin.write(json.dumps(obj) + "\n")
        proc.stdin.flush()

    def recv():
        ready, _, _ = select.select([proc.stdout], [], [], float(os.environ.get("CAPTURE_TIMEOUT", "30")))
        if not ready:
            raise TimeoutError("app-server went quiet")
        line = proc.stdout.readline()
        if not line:
            raise EOFError("app-server exited")
        return json.loads(line)

    def handle(msg):
        if "method" in msg and "id" in msg:
            params = msg.get("params") or {}
            item = params.get("itemId", "")
            if item.startswith("call_"):
                seen.setdefault(int(item[5:]), {"approval": True,
                                                "reason": params.get("reason")})
            send({"id": msg["id"], "result": {"decision": "decline"}})
        elif msg.get("method") == "turn/completed":
            state["done"] = True
        elif msg.get("method") == "thread/status/changed" and state.get("turn"):
            # turn/completed does not always arrive; the thread going idle
            # after the final message is just as final.
            status = (msg.get("params") or {}).get("status") or {}
            if status.get("type") == "idle" and state.get("final"):
                state["done"] = True
        elif msg.get("method") == "turn/started":
            state["turn"] = True
        elif msg.get("method") in ("item/started", "item/completed"):
            item = (msg.get("params") or {}).get("item") or {}
            if item.get("type") == "agentMessage" and msg["method"] == "item/completed":
                state["final"] = True
            if str(item.get("id", "")).startswith("call_"):
                state[item["id"]] = msg["method"]

    def wait(rid):
        while True:
            msg = recv()
            if msg.get("id") == rid and "method" not in msg:
                return msg
            handle(msg)

    try:
        send({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "cap", "version": "0"}}})
        wait(1)
        send({"method": "initialized"})
        send({"id": 2, "method": "thread/start", "params": {"cwd": str(ws)}})
        thread = wait(2)["result"]["thread"]["id"]
        send({"id": 3, "method": "turn/start",
              "params": {"threadId": thread, "input": [{"type": "text", "text": "go"}]}})
        while not state["done"]:
            try:
                handle(recv())
            except TimeoutError:
                stuck = [scripts[int(k[5:])] for k, v in state.items()
                         if k.startswith("call_") and v == "item/started"]
                raise TimeoutError(f"app-server went quiet; still running: {stuck!r}") from None
    finally:
        try:
            proc.stdin.close()
            proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - the group is ours; make sure it is gone
            os.killpg(proc.pid, 9)
        mock.stop()
    outputs = {}
    for req in mock.requests:
        body = req.get("body")
        if isinstance(body, dict):
            for item in body.get("input", []):
                if item.get("type") == "function_call_output":
                    outputs[int(item["call_id"][5:])] = item.get("output")
    result = {}
    for i in range(len(scripts)):
        if i not in outputs:
            raise RuntimeError(f"no output for call_{i}: {scripts[i]!r}")
        result[i] = seen.get(i, {"approval": False, "reason": None})
        result[i]["output"] = outputs[i]
    shutil.rmtree(root, ignore_errors=True)
    return result


def run_batch_retrying(ref, scripts, approval, sandbox, attempts=3):
    """The reference now and then never finishes a turn; a fresh thread does."""
    for attempt in range(attempts):
        try:
            return run_batch(ref, scripts, approval, sandbox)
        except (TimeoutError, EOFError) as err:
            if attempt == attempts - 1:
                raise
            print(f"retrying a batch: {err}", file=sys.stderr)
    raise AssertionError("unreachable")


def observe(ref, scripts, approval, sandbox, jobs):
    batches = [scripts[i:i + BATCH] for i in range(0, len(scripts), BATCH)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda b: run_batch_retrying(ref, b, approval, sandbox), batches))
    out = []
    for res in results:
        out.extend(res[i] for i in range(len(res)))
    return out


def read_corpus():
    rows = []
    for line in CORPUS.read_text().splitlines():
        if not line or line.startswith("#"):
            rows.append({"raw": line})
            continue
        verdict, dangerous, confirmed, kind, command = line.split("\t")
        rows.append({"verdict": verdict, "dangerous": dangerous, "confirmed": confirmed,
                     "kind": kind, "command": json.loads(command), "raw": line})
    return rows


def script_for(row):
    if row["kind"] == "script":
        return row["command"], "ref"
    argv = row["command"]
    # Only argv whose words survive a plain-word/single-quote round trip.
    if argv and shlex.quote(argv[0]) == argv[0]:
        return shlex.join(argv), "ref-script"
    return None, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ref")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--probe", nargs="+")
    ap.add_argument("--probe-dangerous", nargs="+")
    args = ap.parse_args()

    if args.probe or args.probe_dangerous:
        scripts = args.probe or args.probe_dangerous
        approval, sandbox = ("untrusted", "workspace-write") if args.probe else ("on-request", "read-only")
        for s, r in zip(scripts, observe(args.ref, scripts, approval, sandbox, args.jobs)):
            print(f"{'ASK ' if r['approval'] else 'RUN '}{json.dumps(s)}  reason={r['reason']!r}")
        return 0

    rows = read_corpus()
    todo = [(i, *script_for(r)) for i, r in enumerate(rows) if "kind" in r]
    todo = [t for t in todo if t[1] is not None]
    observed = observe(args.ref, [t[1] for t in todo], "untrusted", "workspace-write", args.jobs)
    bad = 0
    agree = 0
    for (i, _script, mark), obs in zip(todo, observed):
        verdict = "unsafe" if obs["approval"] else "safe"
        row = rows[i]
        if verdict == row["verdict"]:
            agree += 1
            row["mark"] = mark
        else:
            bad += 1
            print(f"DISAGREE untrusted: corpus={row['verdict']} ref={verdict} {row['raw']}")
    dtodo = [(i, *script_for(rows[i])) for i, r in enumerate(rows)
             if r.get("dangerous") in ("yes", "no") and r.get("kind") == "script"]
    dobserved = observe(args.ref, [t[1] for t in dtodo], "on-request", "read-only", args.jobs)
    dagree = 0
    for (i, _script, _mark), obs in zip(dtodo, dobserved):
        got = "yes" if obs["approval"] else "no"
        if got == rows[i]["dangerous"]:
            dagree += 1
        else:
            bad += 1
            rows[i].pop("mark", None)
            print(f"DISAGREE dangerous: corpus={rows[i]['dangerous']} ref={got} "
                  f"reason={obs['reason']!r} {rows[i]['raw']}")
    print(f"untrusted: {agree}/{len(todo)} agree; dangerous: {dagree}/{len(dtodo)} agree")
    if args.update:
        lines = []
        for r in rows:
            if "kind" not in r:
                lines.append(r["raw"])
                continue
            fields = r["raw"].split("\t")
            fields[2] = r.get("mark", "-")
            lines.append("\t".join(fields))
        CORPUS.write_text("\n".join(lines) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
