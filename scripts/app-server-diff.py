#!/usr/bin/env python3
"""Differential test of the `app-server` thread methods: reference Codex CLI vs recodex.

    python3 scripts/app-server-diff.py [--ref PATH] [--bin target/release/recodex]
                                       [--allow PATH_REGEX]... [--keep] [--out DIR]

1. Builds a fixture CODEX_HOME in a fresh temp dir under $HOME, with the shared mock model
   (../shared/parity/mockmodel.py through scripts/bench_mock.py) as provider `mock`:
   reference `exec` threads in a git workspace, with a tool call, and in a plain workspace;
   one recodex `exec` thread; one reference app-server thread (thread/start + turn/start,
   source vscode, then renamed). The home is then frozen to `home.pristine`.
2. For each binary (reference first), restores the home at the same path and drives
   `<bin> app-server` over stdio with the same request sequence, one request at a time
   (pagination follows each binary's own nextCursor/backwardsCursor).
3. Compares the transcripts step by step (JSON values, plus object key order) and prints
   SAME/DIFF per step, with every differing JSON path and both values. The async
   `remoteControl/status/changed` notification is compared on its own.

A diff is identified as "<step label>: <json path>", e.g. `list defaults: [0].result.data[1].updatedAt`;
`--allow REGEX` (repeatable, re.search on that string) tolerates matching diffs.
Exit 0 when no diff is left, 1 otherwise, 2 on setup failure.
"""
import argparse, json, os, queue, re, select, shutil, subprocess, sys, tempfile, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARITY = ROOT.parent / "shared" / "parity"
MOCK_KEY = "sk-test"
REMOTE = "remoteControl/status/changed"
SETTLE = {"initialize", "thread/archive", "thread/unarchive", "thread/name/set"}


def is_bwrap_warning(m) -> bool:
    return isinstance(m, dict) and m.get("method") == "configWarning" and \
        "could not find bubblewrap" in str(m.get("params", {}).get("summary", ""))


def log(*a):
    print("app-server-diff:", *a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Fixture

class Fixture:
    def __init__(self, work: Path):
        self.work = work
        self.home, self.pristine = work / "home", work / "home.pristine"
        self.fakehome, self.ws_git, self.ws_plain = work / "fakehome", work / "ws-git", work / "ws-plain"
        self.threads = {}  # label -> thread id
        for d in (self.home, self.fakehome, self.ws_git, self.ws_plain):
            d.mkdir()

    def env(self):
        return {"HOME": str(self.fakehome), "CODEX_HOME": str(self.home), "TERM": "xterm",
                "MOCK_KEY": MOCK_KEY, "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")}

    def build(self, ref: str, rbin: str):
        git = ["git", "-c", "user.name=diff", "-c", "user.email=diff@example.com"]
        (self.ws_git / "README.md").write_text("hi\n")
        for cmd in (["init", "-q", "-b", "main"], ["add", "README.md"], ["commit", "-qm", "init"]):
            subprocess.run(git + cmd, cwd=self.ws_git, check=True)
        script = [
            {"match": {"input_contains": "Run echo hi", "no_output_for": "call_1"}, "repeat": 5,
             "events": [{"function_call": {"name": "exec_command", "call_id": "call_1",
                                           "arguments": {"cmd": "echo hi"}}}]},
            # the delay makes this thread's updated_at fall in a later second than its created_at
            {"match": {"has_output_for": "call_1"}, "repeat": 5, "delay_ms": 1200,
             "events": [{"message": "The command printed hi."}]},
            {"repeat": 100, "events": [{"message": "Hello from the mock."}]},
        ]
        (self.work / "mock-script.json").write_text(json.dumps(script))
        mock = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "bench_mock.py"),
                                 str(self.work / "mock-script.json")], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=open(self.work / "mock-stderr", "wb"),
                                start_new_session=True)
        try:
            ready, _, _ = select.select([mock.stdout], [], [], 15)
            url = mock.stdout.readline().decode().strip() if ready else ""
            if not url.startswith("http://"):
                raise RuntimeError(f"mock model did not start (printed {url!r})")
            (self.home / "config.toml").write_text(
                f'model = "gpt-5.1-codex"\nmodel_provider = "mock"\n\n[model_providers.mock]\nname = "mock"\n'
                f'base_url = "{url}"\nwire_api = "responses"\nenv_key = "MOCK_KEY"\n'
                f"request_max_retries = 2\nstream_max_retries = 1\n")
            self.exec_thread("ref-git", ref, self.ws_git, "First exec thread: say hello")
            self.exec_thread("ref-tool", ref, self.ws_git, "Run echo hi and tell me what it printed")
            self.exec_thread("ref-plain", ref, self.ws_plain, "Third thread in a plain workspace")
            self.exec_thread("recodex", rbin, self.ws_plain, "Recodex exec thread in the plain workspace")
            self.app_server_thread(ref)
        finally:
            mock.terminate()
            try:
                mock.wait(5)
            except subprocess.TimeoutExpired:
                mock.kill(), mock.wait()
            mock.stdout.close()
        subprocess.run(["cp", "-a", str(self.home), str(self.pristine)], check=True)

    def exec_thread(self, label, binary, cwd, prompt):
        time.sleep(1.1)  # distinct created_at seconds keep the cursors unambiguous
        p = subprocess.run([binary, "exec", "--json", "--skip-git-repo-check", prompt], cwd=cwd,
                           env=self.env(), capture_output=True, text=True, timeout=120)
        for line in p.stdout.splitlines():
            if '"thread.started"' in line:
                self.threads[label] = json.loads(line)["thread_id"]
                return
        raise RuntimeError(f"exec {label} gave no thread id (rc {p.returncode}): {p.stderr[-800:]}")

    def app_server_thread(self, ref):
        time.sleep(1.1)
        s = Server(ref, self.env(), self.ws_git, self.work / "fixture-app-server.stderr")
        try:
            s.request("init", "initialize", {"clientInfo": {"name": "recodex-diff", "title": None,
                                                             "version": "0.0.1"}, "capabilities": None})
            s.line("initialized", {"method": "initialized"})
            r = s.request("start", "thread/start", {"cwd": str(self.ws_git)})
            tid = r["result"]["thread"]["id"]
            s.request("turn", "turn/start", {"threadId": tid, "input": [
                {"type": "text", "text": "Fifth thread from app-server", "text_elements": []}]})
            s.wait(lambda m: m.get("method") == "turn/completed", 60)
            s.request("name", "thread/name/set", {"threadId": tid, "name": "My named thread"})
            time.sleep(0.5)
            self.threads["vscode"] = tid
        finally:
            s.close()


# ---------------------------------------------------------------------------------------
# Driver

class Server:
    def __init__(self, binary, env, cwd, stderr_path):
        self.p = subprocess.Popen([binary, "app-server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(stderr_path, "wb"), env=env, cwd=cwd, bufsize=0)
        self.q = queue.Queue()
        self.steps = []  # [label, [entries]]; entries {"dir": "c2s"|"s2c", "msg"|"raw": ...}
        self.remote = []
        self.nid = 0
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        for line in self.p.stdout:
            line = line.decode(errors="replace").rstrip("\n")
            try:
                msg = json.loads(line)
            except ValueError:
                msg = {"__raw__": line}
            self.q.put(msg)
        self.q.put(None)

    def _take(self, timeout):
        try:
            m = self.q.get(timeout=timeout)
        except queue.Empty:
            return False
        if m is None:
            self.q.put(None)  # keep reporting EOF
            return None
        if isinstance(m, dict) and m.get("method") == REMOTE:
            self.remote.append(m)
        elif is_bwrap_warning(m):
            # The reference warns when the host lacks bubblewrap, its sandbox mechanism;
            # recodex confines commands without it (as parity.py, this is host noise).
            pass
        else:
            entry = {"dir": "s2c", "raw": m["__raw__"]} if isinstance(m, dict) and "__raw__" in m \
                else {"dir": "s2c", "msg": m}
            self.steps[-1][1].append(entry)
        return m

    def wait(self, pred, timeout=15.0):
        end = time.time() + timeout
        while time.time() < end:
            m = self._take(max(0.01, end - time.time()))
            if m is None:
                self.steps[-1][1].append({"dir": "s2c", "raw": "<EOF>"})
                return None
            if m is not False and isinstance(m, dict) and pred(m):
                return m
        self.steps[-1][1].append({"dir": "s2c", "raw": "<TIMEOUT>"})
        return None

    def settle(self, quiet):
        while self._take(quiet) not in (False, None):
            pass

    def line(self, label, msg=None, raw=None, wait_id=None, settle=0.0):
        """Send one line (a message, or `raw` text); wait for the response with id `wait_id`."""
        text = raw if raw is not None else json.dumps(msg, separators=(",", ":"))
        self.steps.append([label, [{"dir": "c2s", "raw": raw} if raw is not None else {"dir": "c2s", "msg": msg}]])
        try:
            self.p.stdin.write((text + "\n").encode())
            self.p.stdin.flush()
        except BrokenPipeError:
            self.steps[-1][1].append({"dir": "s2c", "raw": "<EOF>"})
            return None
        if wait_id is None:
            self.settle(0.2)
            return None
        r = self.wait(lambda m: m.get("id") == wait_id and ("result" in m or "error" in m))
        if settle:
            self.settle(settle)
        return r

    def request(self, label, method, params=None, noparams=False, rid=None):
        if rid is None:
            rid, self.nid = self.nid, self.nid + 1
        msg = {"id": rid, "method": method}
        if not noparams:
            msg["params"] = {} if params is None else params
        return self.line(label, msg, wait_id=rid, settle=0.3 if method in SETTLE else 0.0)

    def close(self):
        self.settle(0.3)
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.terminate()
            self.p.wait()


def sequence(s: Server, fx: Fixture):
    """The request sequence; `s` answers each request before the next one is sent."""
    T = fx.threads
    ek = ["exec", "vscode"]
    init = {"clientInfo": {"name": "recodex-diff", "title": None, "version": "0.0.1"}, "capabilities": None}
    s.request("list before initialize", "thread/list", {})
    s.request("initialize", "initialize", init)
    s.line("initialized notification", {"method": "initialized"})
    s.request("second initialize", "initialize", init)

    def lst(label, **params):
        r = s.request(label, "thread/list", params)
        return (r or {}).get("result") or {}

    lst("list defaults")
    s.request("list no params", "thread/list", noparams=True)
    for kinds in (["exec"], ["vscode"], [], ek, ["appServer", "cli"]):
        lst(f"list sourceKinds={kinds}", sourceKinds=kinds)
    combos = [(k, d) for k in ("created_at", "updated_at") for d in ("desc", "asc")]
    for combo, (key, direction) in enumerate(combos):
        cursor, back = None, []
        for page in range(10):
            params = dict(sourceKinds=ek, limit=1, sortKey=key, sortDirection=direction)
            if cursor:
                params["cursor"] = cursor
            r = s.request(f"page {key} {direction} #{page}", "thread/list", params, rid=1000 + 100 * combo + page)
            res = (r or {}).get("result") or {}
            back.append(res.get("backwardsCursor"))
            cursor = res.get("nextCursor")
            if not cursor:
                break
        if len(back) > 1 and back[1]:
            flip = "asc" if direction == "desc" else "desc"
            s.request(f"backwardsCursor {key} {direction}", "thread/list", dict(
                sourceKinds=ek, limit=10, sortKey=key, sortDirection=flip, cursor=back[1]), rid=1000 + 100 * combo + 99)
    lst("list archived=true (none yet)", archived=True)
    for term in ("named", "Fifth", "fifth", "FIRST", "First", "workspace", "Hello from the mock", "zz-no-match", ""):
        lst(f"list searchTerm={term!r}", sourceKinds=ek, searchTerm=term)
    lst("list cwd=ws-plain", sourceKinds=ek, cwd=str(fx.ws_plain))
    lst("list cwd=[ws-plain, ws-git]", sourceKinds=ek, cwd=[str(fx.ws_plain), str(fx.ws_git)])
    lst("list cwd=relative", sourceKinds=ek, cwd="relative/dir")
    lst("list modelProviders absent", sourceKinds=ek)
    for provs in ([], ["mock"], ["openai"]):
        lst(f"list modelProviders={provs}", sourceKinds=ek, modelProviders=provs)
    lst("list useStateDbOnly", sourceKinds=ek, useStateDbOnly=True)
    lst("list useStateDbOnly defaults", useStateDbOnly=True)
    lst("list limit 0", limit=0)
    lst("list limit 1000", sourceKinds=ek, limit=1000)
    lst("list bad cursor", cursor="garbage")

    for label, tid in T.items():
        s.request(f"read {label}", "thread/read", {"threadId": tid})
        s.request(f"read {label} includeTurns", "thread/read", {"threadId": tid, "includeTurns": True})
    unknown = "01a21548-0000-7000-8000-000000000000"
    s.request("read unknown uuid", "thread/read", {"threadId": unknown, "includeTurns": True})
    s.request("read bad id", "thread/read", {"threadId": "not-a-uuid"})
    s.request("read missing params", "thread/read", noparams=True)
    s.request("read missing threadId", "thread/read", {})

    s.request("name/set ok", "thread/name/set", {"threadId": T["ref-git"], "name": "Renamed exec thread"})
    s.request("name/set padded", "thread/name/set", {"threadId": T["recodex"], "name": "  padded name  "})
    s.request("name/set empty", "thread/name/set", {"threadId": T["ref-git"], "name": "   "})
    s.request("name/set unknown", "thread/name/set", {"threadId": unknown, "name": "x"})
    s.request("name/set bad id", "thread/name/set", {"threadId": "abc", "name": "x"})
    s.request("read after name/set", "thread/read", {"threadId": T["recodex"]})
    lst("list after name/set", sourceKinds=ek)

    victim = T["ref-plain"]
    s.request("archive", "thread/archive", {"threadId": victim})
    lst("list archived=true", archived=True, sourceKinds=ek)
    lst("list after archive", sourceKinds=ek)
    s.request("read archived", "thread/read", {"threadId": victim})
    s.request("read archived includeTurns", "thread/read", {"threadId": victim, "includeTurns": True})
    s.request("archive twice", "thread/archive", {"threadId": victim})
    s.request("archive bad id", "thread/archive", {"threadId": "abc"})
    s.request("unarchive", "thread/unarchive", {"threadId": victim})
    s.request("unarchive not archived", "thread/unarchive", {"threadId": T["ref-git"]})
    s.request("unarchive bad id", "thread/unarchive", {"threadId": "abc"})
    s.request("read after unarchive", "thread/read", {"threadId": victim})
    lst("list archived=true after unarchive", archived=True, sourceKinds=ek)

    s.request("loaded/list", "thread/loaded/list", {})
    s.request("loaded/list limit 1", "thread/loaded/list", {"limit": 1})
    s.request("unknown method", "bogus/method", {})
    s.line("malformed: not JSON", raw="this is not json")
    s.line('malformed: {"id":51}', raw='{"id":51}')
    s.line("malformed: empty line", raw="")
    s.request("alive after malformed", "thread/loaded/list", {})
    # ws-git only: the unarchived thread (ws-plain) now has updatedAt = the unarchive time
    lst("final list", sourceKinds=ek, cwd=str(fx.ws_git))


# ---------------------------------------------------------------------------------------
# Comparison

def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            p = f"{path}.{k}" if re.fullmatch(r"[A-Za-z_]\w*", k) else f"{path}[{json.dumps(k)}]"
            if k not in a or k not in b:
                out.append((p, a.get(k, "<absent>"), b.get(k, "<absent>")))
            else:
                diff(a[k], b[k], p, out)
        if set(a) == set(b) and list(a) != list(b):
            out.append((f"{path} (key order)", list(a), list(b)))
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            if i >= len(a) or i >= len(b):
                out.append((f"{path}[{i}]", a[i] if i < len(a) else "<absent>", b[i] if i < len(b) else "<absent>"))
            else:
                diff(a[i], b[i], f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b):
        out.append((path, a, b))


def show(v, n=160):
    s = v if isinstance(v, str) and v.startswith("<") and v.endswith(">") else json.dumps(v)
    return s if len(s) <= n else s[: n - 3] + "..."


def compare(ref_run, bin_run, allow):
    """Print the report; return (differing steps, diffs not allowed)."""
    ref_steps, bin_steps = dict(ref_run[0]), dict(bin_run[0])
    labels = [l for l, _ in ref_run[0]] + [l for l, _ in bin_run[0] if l not in ref_steps]
    labels.append(REMOTE + " (async)")
    ref_steps[labels[-1]] = [{"msg": m} for m in ref_run[1]]
    bin_steps[labels[-1]] = [{"msg": m} for m in bin_run[1]]
    ndiff, bad = 0, 0
    for label in labels:
        if label not in ref_steps or label not in bin_steps:
            print(f"DIFF  {label}: only run by {'reference' if label in ref_steps else 'recodex'}")
            ndiff += 1
            bad += not any(re.search(rx, f"{label}: <step>") for rx in allow)
            continue
        out = []
        pair = [[e.get("msg", {"raw": e.get("raw")}) for e in steps[label] if e.get("dir") != "c2s"]
                for steps in (ref_steps, bin_steps)]
        req = [[e.get("msg", {"raw": e.get("raw")}) for e in steps[label] if e.get("dir") == "c2s"]
               for steps in (ref_steps, bin_steps)]
        diff(req[0], req[1], "request", out)
        diff(pair[0], pair[1], "", out)
        if not out:
            print(f"SAME  {label}")
            continue
        ndiff += 1
        flagged = [(p, a, b, any(re.search(rx, f"{label}: {p}") for rx in allow)) for p, a, b in out]
        bad += sum(not ok for *_, ok in flagged)
        print(f"DIFF  {label}")
        for p, a, b, ok in flagged:
            print(f"      {p}{'  (allowed)' if ok else ''}\n        ref: {show(a)}\n        bin: {show(b)}")
    return ndiff, bad


def run_binary(name, binary, fx: Fixture, outdir):
    shutil.rmtree(fx.home)
    subprocess.run(["cp", "-a", str(fx.pristine), str(fx.home)], check=True)
    log(f"driving {name} app-server ({binary})")
    s = Server(binary, fx.env(), fx.ws_git, fx.work / f"{name}.stderr")
    try:
        sequence(s, fx)
    finally:
        s.close()
    if outdir:
        shutil.copy(fx.work / f"{name}.stderr", Path(outdir) / f"{name}.stderr.txt")
        with open(Path(outdir) / f"{name}.jsonl", "w") as f:
            for label, entries in s.steps:
                for e in entries:
                    f.write(json.dumps({"step": label, **e}, separators=(",", ":")) + "\n")
            for m in s.remote:
                f.write(json.dumps({"step": REMOTE + " (async)", "dir": "s2c", "msg": m}, separators=(",", ":")) + "\n")
    return s.steps, s.remote


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", help="reference codex binary (default: install-reference.sh)")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "recodex"))
    ap.add_argument("--allow", action="append", default=[], metavar="PATH_REGEX")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--out", help="write ref.jsonl and recodex.jsonl transcripts here")
    args = ap.parse_args()
    os.environ.pop("RUST_BACKTRACE", None)
    ref = args.ref or subprocess.run([str(PARITY / "install-reference.sh")], check=True,
                                     capture_output=True, text=True).stdout.strip()
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="app-server-diff-", dir=os.path.expanduser("~")))
    try:
        fx = Fixture(work)
        log(f"building fixture in {work}")
        try:
            fx.build(ref, args.bin)
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            log(f"fixture failed: {e}")
            return 2
        log("threads: " + ", ".join(f"{k}={v}" for k, v in fx.threads.items()))
        runs = [run_binary(n, b, fx, args.out) for n, b in (("ref", ref), ("recodex", args.bin))]
        ndiff, bad = compare(runs[0], runs[1], args.allow)
        total = len({l for l, _ in runs[0][0]} | {l for l, _ in runs[1][0]}) + 1
        print(f"\n{total - ndiff}/{total} steps SAME, {ndiff} DIFF, {bad} diff path(s) not allowed")
        return 1 if bad else 0
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
