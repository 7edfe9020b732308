"""What `scripts/bench` runs: the case table, per-run directories, fixtures,
the mock model and the app-server driver.  Python 3.11 standard library only.

A case is one `Case` entry in `CASES`:

* `argv`    what follows the binary; `{name}` fields are filled from
            `RunDir.vars` (`workspace`, `codex_home`, `home`, plus whatever
            the setup function adds, e.g. `patch`);
* `setup`   called with a fresh `RunDir` before the timed run (not timed):
            writes files, starts the mock model, writes config.toml;
* `expect`  the exit code a correct run has; anything else is a failure;
* `needs`   the capability the case exercises.  Cases whose capability is
            not in `BUILT` are skipped unless `scripts/bench --all`;
* `driver`  optional: talks to the child over stdin/stdout while it runs
            (app-server JSON-RPC); without one, stdin is /dev/null;
* `check`   optional: looks at the captured stdout of a non-driver run and
            returns an error text when the run did not do its job.

Adding a case is one entry in `CASES` (plus a setup helper if it needs one).
When recodex gains a capability, add its name to `BUILT`.
"""
from __future__ import annotations

import datetime
import json
import os
import random
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
MOCKMODEL = Path(os.environ.get("RECODEX_MOCKMODEL",
                                REPO.parent / "shared" / "parity" / "mockmodel.py"))
MODEL = "gpt-5.1-codex"
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"
FIXTURE_VERSION = "v1"

# Capabilities recodex has today.  Add a name here when its cases should run by default.
BUILT = frozenset({"cli", "exec", "exec-tools", "apply-patch", "resume", "thread-list", "app-server"})


class CaseError(Exception):
    """A run did not do what the case expects (reported, never timed)."""


# --------------------------------------------------------------------------
# Per-run directory


class RunDir:
    """A fresh run root under `base` (which must not be under the temp dir).

    Layout: `home/` (HOME), `codex_home/` (CODEX_HOME, empty), `work/` (the
    cwd), `stdout`, `stderr`, plus whatever the setup writes.  `close()`
    stops helpers (the mock model) and deletes everything.
    """

    def __init__(self, base: Path, fixtures: Path, reference: Path):
        base.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="run-", dir=base))
        self.fixtures = fixtures
        self.reference = reference  # builds fixtures that need codex 0.136.0 itself
        self.home = self.root / "home"
        self.codex_home = self.root / "codex_home"
        self.workspace = self.root / "work"
        for d in (self.home, self.codex_home, self.workspace):
            d.mkdir()
        self.cwd = self.workspace
        self.env = {"PATH": CLEAN_PATH, "HOME": str(self.home),
                    "CODEX_HOME": str(self.codex_home), "LANG": "C.UTF-8", "TERM": "dumb"}
        self.vars = {"workspace": str(self.workspace), "codex_home": str(self.codex_home),
                     "home": str(self.home)}
        self._cleanups: list[Callable[[], None]] = []
        self.helpers: set[int] = set()  # pids of helper processes (mock model) we started

    def argv(self, case: "Case") -> list[str]:
        return [a.format(**self.vars) for a in case.argv]

    def on_close(self, fn: Callable[[], None]) -> None:
        self._cleanups.append(fn)

    def close(self) -> None:
        for fn in reversed(self._cleanups):
            try:
                fn()
            except Exception as e:  # keep cleaning up
                print(f"bench: cleanup error: {e}", file=sys.stderr)
        self._cleanups.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def start_mock(self, script: list[dict]) -> str:
        """Start mockmodel.py serving `script`; point config.toml at it."""
        if not MOCKMODEL.is_file():
            raise CaseError(f"mock model not found at {MOCKMODEL} (needs ../shared/parity)")
        path = self.root / "mock-script.json"
        path.write_text(json.dumps(script))
        err = open(self.root / "mock-stderr", "wb")
        # Served through bench_mock.py: the shared mock with TCP_NODELAY, as production
        # servers answer (see that file); RECODEX_MOCK_NAGLE=1 serves it unchanged.
        launcher = MOCKMODEL if os.environ.get("RECODEX_MOCK_NAGLE") else REPO / "scripts" / "bench_mock.py"
        proc = subprocess.Popen([sys.executable, str(launcher), str(path)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        err.close()
        self.helpers.add(proc.pid)
        self.on_close(lambda: _stop(proc))
        ready, _, _ = select.select([proc.stdout], [], [], 15)
        url = proc.stdout.readline().decode().strip() if ready else ""
        if not url.startswith("http://"):
            raise CaseError(f"mock model did not start (printed {url!r})")
        write_mock_config(self.codex_home, url)
        self.env["MOCK_KEY"] = "sk-test"
        return url


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout:
        proc.stdout.close()


def write_mock_config(codex_home: Path, base_url: str) -> None:
    """The provider block from shared/parity/README.md ("Default config")."""
    (codex_home / "config.toml").write_text(f"""\
model = "{MODEL}"
model_provider = "mock"

[model_providers.mock]
name = "mock"
base_url = "{base_url}"
wire_api = "responses"
env_key = "MOCK_KEY"
request_max_retries = 2
stream_max_retries = 1
""")


# --------------------------------------------------------------------------
# Fixtures: built once, cached under ~/.cache/recodex-bench/fixtures


def fixture(run: RunDir, name: str, build: Callable[[Path], None]) -> Path:
    """Path of the cached fixture `name`, building it with `build(dir)` if needed."""
    path = run.fixtures / f"{name}-{FIXTURE_VERSION}"
    if (path / ".complete").exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    run.fixtures.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=run.fixtures))
    print(f"bench: building fixture {name} (once) ...", file=sys.stderr, flush=True)
    try:
        build(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (tmp / ".complete").write_text("")
    tmp.rename(path)
    return path


def uuid7(ms: int, rng: random.Random) -> str:
    h = f"{ms:012x}7{rng.getrandbits(12):03x}{8 | rng.getrandbits(2):x}{rng.getrandbits(60):015x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def build_sessions(dest: Path, count: int = 10_000) -> None:
    """`count` one-turn TUI rollouts, one per minute from 2026-01-01 (UTC)."""
    rng = random.Random(42)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    filler = ("You are a coding agent. " * 80).strip()  # ~2 KB of base instructions
    for i in range(count):
        t = start + datetime.timedelta(minutes=i)
        sid = uuid7(int(t.timestamp() * 1000), rng)
        day = dest / "sessions" / t.strftime("%Y/%m/%d")
        day.mkdir(parents=True, exist_ok=True)
        lines = rollout_lines(sid, t, f"/root/project-{i % 7}", f"task number {i}", filler, rng)
        text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
        (day / f"rollout-{t.strftime('%Y-%m-%dT%H-%M-%S')}-{sid}.jsonl").write_text(text)


def rollout_lines(sid: str, t: datetime.datetime, cwd: str, prompt: str, instructions: str,
                  rng: random.Random) -> list[dict]:
    """The lines of a minimal but well-formed 0.136.0 rollout (see shared/reference/samples)."""
    ts = t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    turn = uuid7(int(t.timestamp() * 1000), rng)
    usage = {"input_tokens": 100, "cached_input_tokens": 0, "output_tokens": 10,
             "reasoning_output_tokens": 0, "total_tokens": 110}
    answer = f"Done with {prompt}."
    payloads = [
        ("session_meta", {"id": sid, "timestamp": ts, "cwd": cwd, "originator": "codex-tui",
                          "cli_version": "0.136.0", "source": "cli", "thread_source": "user",
                          "model_provider": "mock", "base_instructions": {"text": instructions}}),
        ("event_msg", {"type": "task_started", "turn_id": turn, "started_at": int(t.timestamp()),
                       "model_context_window": 258400, "collaboration_mode_kind": "default"}),
        ("turn_context", {"turn_id": turn, "cwd": cwd, "workspace_roots": [cwd],
                          "current_date": t.strftime("%Y-%m-%d"), "timezone": "Etc/UTC",
                          "approval_policy": "on-request", "sandbox_policy": {"type": "read-only"},
                          "model": MODEL, "personality": "pragmatic", "summary": "auto"}),
        ("response_item", {"type": "message", "role": "user",
                           "content": [{"type": "input_text", "text": prompt}]}),
        ("event_msg", {"type": "user_message", "message": prompt, "images": [],
                       "local_images": [], "text_elements": []}),
        ("event_msg", {"type": "agent_message", "message": answer, "phase": None,
                       "memory_citation": None}),
        ("response_item", {"type": "message", "role": "assistant",
                           "content": [{"type": "output_text", "text": answer}]}),
        ("event_msg", {"type": "token_count", "info": {"total_token_usage": usage,
                       "last_token_usage": usage, "model_context_window": 258400}}),
        ("event_msg", {"type": "task_complete", "turn_id": turn, "last_agent_message": answer,
                       "completed_at": int(t.timestamp()) + 2, "duration_ms": 2000}),
    ]
    return [{"timestamp": ts, "type": kind, "payload": p} for kind, p in payloads]


def build_tree(dest: Path, dirs: int = 1000, per_dir: int = 100) -> None:
    """`dirs * per_dir` empty files, three levels deep (100k by default)."""
    for d in range(dirs):
        sub = dest / f"pkg{d // 100}" / f"mod{d // 10 % 10}" / f"part{d % 10}"
        sub.mkdir(parents=True)
        for f in range(per_dir):
            (sub / f"item_{d:03d}_{f:02d}.rs").touch()


def build_indexed_home(dest: Path, reference: Path) -> None:
    """10k rollouts plus the state DB codex 0.136.0 builds for them (its steady state).

    Without the DB every run would measure the one-time backfill of 10k
    sessions (seconds) instead of resuming/listing.  Only `sessions/` and
    `state_5.sqlite*` are kept; the DB stores absolute rollout paths, so the
    build path is recorded in `.indexed-at` for `copy_indexed_home`.
    """
    build_sessions(dest)
    home = Path(tempfile.mkdtemp(prefix=".index-home-", dir=dest.parent))
    try:
        index_sessions(reference, dest, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    for p in dest.iterdir():
        if p.name != "sessions" and not p.name.startswith("state_5.sqlite"):
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    (dest / ".indexed-at").write_text(str(dest))


def index_sessions(reference: Path, codex_home: Path, home: Path, timeout: float = 900) -> None:
    """Let the reference app-server backfill state_5.sqlite, waiting for `complete`."""
    env = {"PATH": CLEAN_PATH, "HOME": str(home), "CODEX_HOME": str(codex_home),
           "LANG": "C.UTF-8", "TERM": "dumb"}
    proc = subprocess.Popen([str(reference), "app-server"], cwd=home, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        rpc = Rpc(proc)
        rpc.initialize()
        rpc.call("thread/list", {"limit": 1, "modelProviders": []})
        deadline = time.monotonic() + timeout
        while backfill_status(codex_home / "state_5.sqlite") != "complete":
            if time.monotonic() > deadline or proc.poll() is not None:
                raise CaseError("the reference did not finish indexing the 10k sessions")
            time.sleep(0.5)
        proc.stdin.close()
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def backfill_status(db: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT status FROM backfill_state WHERE id = 1").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None


def copy_indexed_home(run: RunDir) -> None:
    """Give the run a private copy of the indexed 10k-session CODEX_HOME."""
    src = fixture(run, "home-10k", lambda d: build_indexed_home(d, run.reference))
    shutil.copytree(src / "sessions", run.codex_home / "sessions")  # copy2: mtimes kept
    for db in src.glob("state_5.sqlite*"):
        shutil.copy2(db, run.codex_home / db.name)
    old = (src / ".indexed-at").read_text()
    con = sqlite3.connect(run.codex_home / "state_5.sqlite")
    try:
        with con:  # one transaction
            con.execute("UPDATE threads SET rollout_path = ? || substr(rollout_path, ?) "
                        "WHERE substr(rollout_path, 1, ?) = ?",
                        (str(run.codex_home), len(old) + 1, len(old), old))
    finally:
        con.close()


# --------------------------------------------------------------------------
# Mock-model scripts (format: shared/parity/README.md, "Mock script")


def reply(text: str, **match) -> dict:
    entry: dict = {"events": [{"message": text}]}
    if match:
        entry["match"] = match
    return entry


def tool_call(n: int, cmd: str, **match) -> dict:
    entry: dict = {"events": [{"function_call": {"name": "exec_command", "call_id": f"call_{n}",
                                                 "arguments": {"cmd": cmd}}}]}
    if match:
        entry["match"] = match
    return entry


def tool_chain(count: int) -> list[dict]:
    """`count` sequential exec_command calls, one per model request, then a reply."""
    script = [tool_call(1, "echo 1")]
    script += [tool_call(i, f"echo {i}", has_output_for=f"call_{i - 1}") for i in range(2, count + 1)]
    return script + [reply("All done.", has_output_for=f"call_{count}")]


def many_items(count: int) -> list[dict]:
    """One response carrying `count` assistant messages (each streamed in 3 deltas)."""
    events = [{"message": f"Item {i}: some streamed text.", "deltas": 3} for i in range(count)]
    return [{"events": events}]


def with_mock(script: list[dict], more: Callable[[RunDir], None] | None = None):
    def setup(run: RunDir) -> None:
        if more:
            more(run)
        run.start_mock(script)
    return setup


def patch_setup(hunks: int) -> Callable[[RunDir], None]:
    """A 10*hunks-line file and a patch changing one line every 10 lines."""
    def setup(run: RunDir) -> None:
        lines = [f"line {i:05d} of the benchmark file" for i in range(hunks * 10)]
        (run.workspace / "big.txt").write_text("\n".join(lines) + "\n")
        parts = ["*** Begin Patch", "*** Update File: big.txt"]
        for h in range(hunks):
            i = h * 10 + 5
            parts += ["@@", f" {lines[i - 1]}", f"-{lines[i]}", f"+{lines[i].upper()}", f" {lines[i + 1]}"]
        run.vars["patch"] = "\n".join(parts + ["*** End Patch"])
    return setup


# --------------------------------------------------------------------------
# app-server JSON-RPC driver (newline-delimited JSON, no "jsonrpc" member)


class Rpc:
    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.next_id = 0

    def send(self, method: str, params: dict | None = None, notify: bool = False) -> int | None:
        msg: dict = {"method": method}
        rid = None
        if not notify:
            rid = self.next_id
            self.next_id += 1
            msg = {"id": rid, **msg}
        if params is not None:
            msg["params"] = params
        self.proc.stdin.write((json.dumps(msg) + "\n").encode())
        self.proc.stdin.flush()
        return rid

    def wait(self, rid: int | None = None, method: str | None = None) -> dict:
        """Read messages until the response to `rid` (or notification `method`)."""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise CaseError(f"app-server closed stdout while waiting for {rid if method is None else method}")
            msg = json.loads(line)
            if rid is not None and msg.get("id") == rid and "method" not in msg:
                if "error" in msg:
                    raise CaseError(f"request {rid} failed: {json.dumps(msg['error'])[:300]}")
                return msg["result"]
            if method is not None and msg.get("method") == method:
                return msg.get("params") or {}

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.wait(rid=self.send(method, params))

    def initialize(self) -> None:
        self.call("initialize", {"clientInfo": {"name": "recodex-bench", "title": None,
                                                "version": "0"}, "capabilities": None})
        self.send("initialized", notify=True)


def drive_turn(proc: subprocess.Popen, run: RunDir) -> None:
    rpc = Rpc(proc)
    rpc.initialize()
    thread = rpc.call("thread/start", {"cwd": str(run.workspace)})["thread"]["id"]
    rpc.call("turn/start", {"threadId": thread,
                            "input": [{"type": "text", "text": "Say hello", "text_elements": []}]})
    done = rpc.wait(method="turn/completed")
    status = done.get("turn", {}).get("status")
    if status != "completed":
        raise CaseError(f"turn ended with status {status!r}")


def drive_thread_list(proc: subprocess.Popen, run: RunDir) -> None:
    rpc = Rpc(proc)
    rpc.initialize()
    got = rpc.call("thread/list", {"limit": 50, "modelProviders": []})
    if len(got.get("data", [])) != 50:
        raise CaseError(f"thread/list returned {len(got.get('data', []))} threads, expected 50")


def drive_fuzzy(proc: subprocess.Popen, run: RunDir) -> None:
    rpc = Rpc(proc)
    rpc.initialize()
    got = rpc.call("fuzzyFileSearch", {"query": "mod3part7item42", "roots": [run.vars["tree"]]})
    if not got.get("files"):
        raise CaseError(f"fuzzyFileSearch found nothing: {json.dumps(got)[:200]}")


def use_tree(run: RunDir) -> None:
    """The 100k-file tree is read-only, so every run searches the shared fixture."""
    run.vars["tree"] = str(fixture(run, "files-100k", build_tree))


# --------------------------------------------------------------------------
# Output checks


def stdout_has(*needles: str) -> Callable[[str], str | None]:
    def check(stdout: str) -> str | None:
        missing = [n for n in needles if n not in stdout]
        return f"stdout lacks {', '.join(missing)}" if missing else None
    return check


def item_count(kind: str, want: int) -> Callable[[str], str | None]:
    def check(stdout: str) -> str | None:
        got = sum(1 for line in stdout.splitlines()
                  if f'"type":"{kind}"' in line and '"item.completed"' in line)
        return None if got >= want else f"{got} completed {kind} items, expected {want}"
    return check


# --------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    setup: Callable[[RunDir], None] | None
    expect: int
    needs: str
    about: str
    driver: Callable[[subprocess.Popen, RunDir], None] | None = None
    check: Callable[[str], str | None] | None = None
    timeout: float = 120.0


EXEC = ("exec", "--json", "--skip-git-repo-check")

CASES: list[Case] = [
    Case("version", ("--version",), None, 0, "cli", "print the version"),
    Case("help", ("--help",), None, 0, "cli", "print the top-level help"),
    Case("features-list", ("features", "list"), None, 0, "cli", "list feature flags (empty CODEX_HOME)"),
    Case("exec-plain", EXEC + ("hi",), with_mock([reply("Hello from the mock model.")]), 0, "exec",
         "one turn, plain reply from the mock model", check=stdout_has('"agent_message"', '"turn.completed"')),
    Case("exec-tool", EXEC + ("Run echo hi.",),
         with_mock([tool_call(1, "echo hi"), reply("Done.", has_output_for="call_1")]), 0, "exec-tools",
         "one exec_command call, then a reply", check=item_count("command_execution", 1)),
    Case("exec-10-tools", EXEC + ("Run ten commands.",), with_mock(tool_chain(10)), 0, "exec-tools",
         "ten sequential exec_command calls (11 model requests)", check=item_count("command_execution", 10)),
    Case("exec-1000-items", EXEC + ("Stream a lot.",), with_mock(many_items(1000)), 0, "exec",
         "one response with 1000 streamed assistant messages", check=item_count("agent_message", 1000)),
    Case("resume-last-10k", ("exec", "resume", "--last", "--all", "--json", "--skip-git-repo-check", "hi"),
         with_mock([reply("Resumed.")], copy_indexed_home), 0, "resume",
         "exec resume --last with 10k indexed sessions in CODEX_HOME",
         check=stdout_has('"agent_message"', '"turn.completed"')),
    Case("thread-list-10k", ("app-server",), copy_indexed_home, 0, "thread-list",
         "app-server: initialize + thread/list (50) over 10k indexed sessions", driver=drive_thread_list),
    Case("app-server-turn", ("app-server",), with_mock([reply("Hello from the mock model.")]), 0,
         "app-server", "app-server: initialize, thread/start, one turn", driver=drive_turn),
    Case("apply-patch-200-hunks", ("--codex-run-as-apply-patch", "{patch}"), patch_setup(200), 0,
         "apply-patch", "apply_patch personality: 200 hunks on a 2000-line file",
         check=stdout_has("Success.")),
    Case("fuzzy-search-100k", ("app-server",), use_tree, 0, "fuzzy-search",
         "app-server fuzzyFileSearch over 100k files", driver=drive_fuzzy),
]
