#!/usr/bin/env python3
"""Acceptance tests with real clients: OpenAI's own SDKs drive the reference Codex CLI and
recodex side by side against the shared mock model, and what each SDK shows its caller
(events, items, final responses, usage, errors, thrown exceptions, thread records) is
compared after masking what differs by nature (ids, times, paths).

    python3 scripts/sdk-diff/run.py [--install] [--only GLOBS] [--keep] [-v]

Clients: the TypeScript SDK `@openai/codex-sdk` (drives `codex exec --experimental-json`,
cases in ts_cases.mjs), the Python SDK `openai-codex` (drives `codex app-server` over stdio,
py_cases.py) and the MCP Python SDK `mcp` (drives `codex mcp-server`, py_cases.py). They are
installed under ~/.cache/recodex-parity/sdk by `--install` (and never otherwise).

Prints one line per case, `SAME name` or `DIFF name: <first difference> (+N more)` or
`FAIL name: <harness error>`, then a summary; exits 1 on any DIFF or FAIL. The canonical
results and the full difference list of every case are written to OUT/<case>/
(default ~/.cache/recodex-parity/sdk/out). Python 3.11 standard library only.
"""
from __future__ import annotations

import argparse
import fnmatch
import http.server
import json
import os
import pathlib
import re
import shutil
import socketserver
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = pathlib.Path.home() / ".cache" / "recodex-parity" / "sdk"
TS_DIR = CACHE / "ts"
PY_DIR = CACHE / "py"
VENV_PY = PY_DIR / "venv" / "bin" / "python"
TS_SDK = TS_DIR / "node_modules" / "@openai" / "codex-sdk" / "dist" / "index.js"
TS_SDK_VERSION = "0.136.0"
# The Python SDK was first published for 0.144; its earliest release is the closest to 0.136.
PY_SDK_VERSION = "0.144.4"
MCP_VERSION = "2.3.0"
REF_DEFAULT = pathlib.Path.home() / ".cache/recodex-ref/0.136.0/package/vendor/x86_64-unknown-linux-musl/bin/codex"
MOCKMODEL = pathlib.Path(os.environ.get("RECODEX_MOCKMODEL")
                         or ROOT.parent / "shared" / "parity" / "mockmodel.py")

# ---------------------------------------------------------------------------------------
# The mock model's scripts, reused by several cases.


def msg(text: str, **kw) -> dict:
    return {"events": [{"message": text}], **kw}


def call(name: str, call_id: str, args: dict, **kw) -> dict:
    return {"events": [{"function_call": {"name": name, "call_id": call_id, "arguments": args}}], **kw}


def after(call_id: str, text: str) -> dict:
    return {"match": {"has_output_for": call_id}, "events": [{"message": text}]}


PATCH_ADD = ("*** Begin Patch\n*** Add File: notes/hello.txt\n+hello from the patch\n"
             "*** Update File: README.md\n@@\n-old line\n+new line\n*** End Patch\n")
PLAN_1 = {"explanation": "two steps", "plan": [{"step": "Look around", "status": "in_progress"},
                                                {"step": "Write the answer", "status": "pending"}]}
PLAN_2 = {"plan": [{"step": "Look around", "status": "completed"},
                   {"step": "Write the answer", "status": "completed"}]}
SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}, "count": {"type": "integer"}},
          "required": ["answer", "count"], "additionalProperties": False}
HTTP_500 = {"http_error": {"status": 500, "body": {"error": {"message": "mock internal error",
                                                            "type": "server_error"}}}, "repeat": 20}
REASONING = {"events": [{"reasoning": {"summary": ["**Planning** the reply", "Second summary part"],
                                       "content": ["raw reasoning text"],
                                       "encrypted_content": "opaque"}},
                        {"message": "Reasoned answer."}],
             "usage": {"input_tokens": 120, "input_tokens_details": {"cached_tokens": 20},
                       "output_tokens": 30, "output_tokens_details": {"reasoning_tokens": 12},
                       "total_tokens": 150}}
EXEC_SCRIPT = [call("exec_command", "call_echo", {"cmd": "echo hi"}),
               after("call_echo", "The command printed hi.")]
# Texts the SDK cases hand to the binary (instructions); the summary says which reached the model.
MARKERS = ["Base text from the SDK.", "Developer text from the SDK."]
SLOW = 2500  # ms the mock waits before answering in interrupt/abort/steer cases

# Each case: runner (ts | py | mcp, the last two both in py_cases.py), the mock script and,
# optionally: trusted (a trust entry for the workspace), git (the workspace is a repository),
# files (workspace files), config (extra config.toml text), retries (request_max_retries).
CASES: dict[str, dict] = {
    # --- TypeScript SDK (codex exec --experimental-json) ---
    "ts_run": {"runner": "ts", "mock": [msg("Hello from the mock model.")]},
    "ts_run_streamed": {"runner": "ts", "mock": [msg("Streamed hello from the mock.")]},
    "ts_exec_command": {"runner": "ts", "mock": EXEC_SCRIPT},
    "ts_command_failed": {"runner": "ts", "mock": [
        call("exec_command", "call_fail", {"cmd": "echo oops >&2; exit 3"}),
        after("call_fail", "It failed with 3.")]},
    "ts_apply_patch": {"runner": "ts", "files": {"README.md": "old line\n"}, "mock": [
        {"events": [{"custom_tool_call": {"name": "apply_patch", "call_id": "call_patch",
                                          "input": PATCH_ADD}}]},
        after("call_patch", "Patched.")]},
    "ts_apply_patch_read_only": {"runner": "ts", "files": {"README.md": "old line\n"}, "mock": [
        {"events": [{"custom_tool_call": {"name": "apply_patch", "call_id": "call_patch",
                                          "input": PATCH_ADD}}]},
        after("call_patch", "Could not patch.")]},
    "ts_reasoning": {"runner": "ts", "mock": [REASONING]},
    "ts_todo_list": {"runner": "ts", "mock": [
        call("update_plan", "call_plan1", PLAN_1),
        {"match": {"has_output_for": "call_plan1", "no_output_for": "call_plan2"},
         "events": [{"function_call": {"name": "update_plan", "call_id": "call_plan2",
                                       "arguments": PLAN_2}}]},
        after("call_plan2", "Plan done.")]},
    "ts_http_500": {"runner": "ts", "retries": 1, "mock": [HTTP_500]},
    "ts_response_failed": {"runner": "ts", "mock": [
        {"events": [], "end": "failed", "error": {"code": "invalid_prompt", "message": "mock refused the prompt"},
         "repeat": 4}]},
    "ts_context_window": {"runner": "ts", "mock": [
        {"events": [], "end": "failed", "repeat": 4,
         "error": {"code": "context_length_exceeded", "message": "Your input exceeds the context window."}}]},
    "ts_incomplete": {"runner": "ts", "mock": [
        {"events": [{"message": "partial"}], "end": "incomplete", "reason": "max_output_tokens", "repeat": 4}]},
    "ts_resume": {"runner": "ts", "mock": [
        msg("First answer.", match={"not": {"input_contains": "second prompt"}}),
        msg("Second answer.", match={"input_contains": "second prompt"}),
        msg("Third answer.", match={"input_contains": "third prompt"})]},
    "ts_options": {"runner": "ts", "mock": [msg("Options seen.")]},
    "ts_web_search": {"runner": "ts", "mock": [{"events": [
        {"raw": {"type": "response.output_item.added", "output_index": 0,
                 "item": {"type": "web_search_call", "id": "ws_1", "status": "in_progress"}}},
        {"raw": {"type": "response.output_item.done", "output_index": 0,
                 "item": {"type": "web_search_call", "id": "ws_1", "status": "completed",
                          "action": {"type": "search", "query": "codex sdk"}}}},
        {"message": "Searched."}]}]},
    "ts_output_schema": {"runner": "ts", "mock": [msg('{"answer": "structured", "count": 2}')]},
    "ts_image": {"runner": "ts", "mock": [msg("I see a pixel.")]},
    "ts_base_url_api_key": {"runner": "ts", "no_provider": True, "mock": [msg("Reached through baseUrl.")]},
    "ts_config_env": {"runner": "ts", "no_provider": True, "mock": [msg("Configured by the SDK.")]},
    "ts_abort": {"runner": "ts", "mock": [msg("Too late.", delay_ms=SLOW * 2)]},
    "ts_git_check": {"runner": "ts", "mock": [msg("Inside a repository.")]},
    "ts_sandbox_denied": {"runner": "ts", "mock": [
        call("exec_command", "call_touch", {"cmd": "touch created.txt"}),
        after("call_touch", "Could not write.")]},
    # --- Python SDK openai-codex (codex app-server over stdio) ---
    "py_metadata": {"runner": "py", "mock": []},
    "py_run": {"runner": "py", "mock": [msg("Hello from the mock model.")]},
    "py_stream": {"runner": "py", "trusted": True, "racy_commands": True, "mock": EXEC_SCRIPT},
    "py_stream_text": {"runner": "py", "mock": [msg("Streamed hello from the mock.")]},
    "py_reasoning": {"runner": "py", "mock": [REASONING]},
    "py_plan": {"runner": "py", "mock": [
        call("update_plan", "call_plan1", PLAN_1),
        {"match": {"has_output_for": "call_plan1", "no_output_for": "call_plan2"},
         "events": [{"function_call": {"name": "update_plan", "call_id": "call_plan2",
                                       "arguments": PLAN_2}}]},
        after("call_plan2", "Plan done.")]},
    "py_apply_patch": {"runner": "py", "trusted": True, "files": {"README.md": "old line\n"}, "mock": [
        {"events": [{"custom_tool_call": {"name": "apply_patch", "call_id": "call_patch",
                                          "input": PATCH_ADD}}]},
        after("call_patch", "Patched.")]},
    "py_threads": {"runner": "py", "mock": [
        msg("First thread answer.", match={"input_contains": "first thread"}),
        msg("Second thread answer.", match={"input_contains": "second thread"})]},
    "py_name_archive": {"runner": "py", "mock": [msg("Named.")]},
    "py_resume_fork": {"runner": "py", "mock": [
        msg("Original answer.", match={"not": {"input_contains": "after"}}),
        msg("Resumed answer.", match={"input_contains": "after resume"}),
        msg("Forked answer.", match={"input_contains": "after fork"})]},
    "py_interrupt": {"runner": "py", "mock": [msg("Too late.", delay_ms=SLOW * 2)]},
    "py_steer": {"runner": "py", "trusted": True, "racy_commands": True, "mock": [
        call("exec_command", "call_sleep", {"cmd": "sleep 2; echo slept"}),
        msg("Steered answer.", match={"has_output_for": "call_sleep", "input_contains": "steer text"}),
        after("call_sleep", "Unsteered answer.")]},
    "py_approval": {"runner": "py", "mock": [
        call("exec_command", "call_a1", {"cmd": "touch approved.txt", "sandbox_permissions": "require_escalated",
                                         "justification": "needs to write"}),
        {"match": {"has_output_for": "call_a1", "no_output_for": "call_a2"},
         "events": [{"function_call": {"name": "exec_command", "call_id": "call_a2", "arguments": {
             "cmd": "touch declined.txt", "sandbox_permissions": "require_escalated",
             "justification": "needs to write again"}}}]},
        after("call_a2", "One approved, one declined.")]},
    "py_patch_approval": {"runner": "py", "files": {"README.md": "old line\n"}, "mock": [
        {"events": [{"custom_tool_call": {"name": "apply_patch", "call_id": "call_patch",
                                          "input": PATCH_ADD}}]},
        after("call_patch", "Patched after approval.")]},
    "py_auto_review": {"runner": "py", "mock": [
        call("exec_command", "call_r1", {"cmd": "touch reviewed.txt", "sandbox_permissions": "require_escalated",
                                         "justification": "needs to write"}),
        after("call_r1", "Reviewed."),
        msg('{"outcome": "allow", "rationale": "fine", "risk_level": "low", "user_authorization": "high"}',
            repeat=3)]},
    "py_models": {"runner": "py", "mock": []},
    "py_account": {"runner": "py", "no_provider": True, "mock": []},
    "py_error_turn": {"runner": "py", "retries": 1, "mock": [HTTP_500]},
    "py_response_failed": {"runner": "py", "mock": [
        {"events": [], "end": "failed", "error": {"code": "context_length_exceeded",
                                                  "message": "Your input exceeds the context window."},
         "repeat": 4}]},
    "py_output_schema": {"runner": "py", "mock": [msg('{"answer": "structured", "count": 2}')]},
    "py_turn_options": {"runner": "py", "mock": [msg("Options seen.", repeat=2)]},
    "py_thread_options": {"runner": "py", "mock": [msg("Thread options seen.", repeat=2)]},
    "py_images": {"runner": "py", "mock": [msg("I see two images.")]},
    "py_compact": {"runner": "py", "mock": [msg("Before compaction."),
                                            msg("SUMMARY of the conversation.", repeat=2)]},
    "py_async": {"runner": "py", "mock": [msg("Hello from the async client.")]},
    "py_client_config": {"runner": "py", "mock": []},
    "py_client_lists": {"runner": "py", "mock": []},
    "py_client_skills_mcp": {"runner": "py", "mock": []},
    "py_client_goal": {"runner": "py", "mock": []},
    "py_client_errors": {"runner": "py", "mock": []},
    # --- MCP Python SDK (codex mcp-server) ---
    "mcp_list_tools": {"runner": "mcp", "mock": []},
    "mcp_codex_reply": {"runner": "mcp", "trusted": True, "racy_commands": True, "mock": [
        msg("Hello from the mock model.", match={"not": {"input_contains": "Run echo"}}),
        call("exec_command", "call_echo", {"cmd": "echo hi"}, match={"no_output_for": "call_echo"}),
        after("call_echo", "The command printed hi.")]},
    "mcp_approval": {"runner": "mcp", "mock": [
        call("exec_command", "call_a1", {"cmd": "touch approved.txt", "sandbox_permissions": "require_escalated",
                                         "justification": "needs to write"}),
        after("call_a1", "Approved and written.")]},
    "mcp_errors": {"runner": "mcp", "retries": 0, "mock": [HTTP_500]},
}

# ---------------------------------------------------------------------------------------
# Canonical form.

UUID_RE = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
ISO_TS_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
FILE_TS_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\b")
DATE_PATH_RE = re.compile(r"/\d{4}/\d{2}/\d{2}/")
TIME_KEYS = {"createdAt", "updatedAt", "startedAt", "completedAt", "durationMs", "started_at",
             "completed_at", "duration_ms", "timestamp", "created_at", "updated_at",
             "archivedAt", "resetsAt", "resets_at", "wall_time", "duration", "recordedAt"}


def is_time_key(key: str | None) -> bool:
    return bool(key) and (key in TIME_KEYS or key.endswith(("At", "AtMs", "Ms", "_at", "_ms")))


PID_KEYS = {"processId", "process_id", "pid"}
TEXT_MASKS = [
    (re.compile(r"Wall time: [0-9.]+ seconds"), "Wall time: <DUR> seconds"),
    (re.compile(r"Chunk ID: [0-9a-f]+"), "Chunk ID: <CHUNK>"),
    (re.compile(r"\b\d+(?:\.\d+)?\s?ms\b"), "<DUR>"),
    (re.compile(r"after \d+(?:\.\d+)?s\b"), "after <DUR>"),
    (re.compile(r"codex-output-schema-[A-Za-z0-9]+"), "codex-output-schema-<X>"),
    # config/read origins carry a hash of config.toml, which names the mock's port
    (re.compile(r"sha256:[0-9a-f]{64}"), "sha256:<HASH>"),
]


class Canon:
    def __init__(self, paths: list[tuple[str, str]]):
        self.paths = sorted(paths, key=lambda p: -len(p[0]))
        self.ids: dict[str, str] = {}

    def text(self, s: str) -> str:
        for raw, name in self.paths:
            s = s.replace(raw, name)
        s = UUID_RE.sub(self._uuid, s)
        s = ISO_TS_RE.sub("<TS>", s)
        s = FILE_TS_RE.sub("<TS>", s)
        s = DATE_PATH_RE.sub("/<DATE>/", s)
        for pattern, repl in TEXT_MASKS:
            s = pattern.sub(repl, s)
        return s

    def _uuid(self, m: re.Match) -> str:
        raw = m.group(0).lower()
        if raw not in self.ids:
            self.ids[raw] = f"<UUID-{len(self.ids) + 1}>"
        return self.ids[raw]

    def value(self, v, key: str | None = None):
        if is_time_key(key) and (isinstance(v, (int, float, dict)) and not isinstance(v, bool)):
            return "<TIME>"
        if isinstance(v, dict):
            return {self.text(k): self.value(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x, key) for x in v]
        if key in PID_KEYS and v is not None:
            return "<PID>"
        if key in ("userAgent", "user_agent") and isinstance(v, str):
            return v.split(" ")[0]
        if isinstance(v, str):
            return self.text(v)
        return v


def summarize_requests(requests: list[dict]) -> list[dict]:
    """What the SDK options change in the model requests, compactly: one entry per request
    to the mock (method, path, model, reasoning, text format, tool names, the user-visible
    input and some headers). Prose (instructions, developer messages, context) is left out."""
    out = []
    for req in requests:
        body = req.get("body") if isinstance(req.get("body"), dict) else {}
        headers = dict(req.get("headers", []))
        if headers.get("upgrade", "").lower() == "websocket":
            # The reference's built-in provider tries Responses over websockets first and
            # falls back to HTTP; recodex goes straight to HTTP (DEVIATIONS.md, Model client).
            continue
        entry = {"method": req["method"], "path": re.sub(r"\?.*", "", req["path"])}
        if req["method"] == "POST":
            entry["model"] = body.get("model")
            entry["reasoning"] = body.get("reasoning")
            entry["text"] = body.get("text")
            entry["tools"] = [t.get("name") or t.get("type") for t in body.get("tools") or []]
            entry["input"] = summarize_input(body.get("input") or [])
            entry["auth"] = headers.get("authorization")
            entry["sdk_texts"] = [m for m in MARKERS if m in req.get("raw_text", "")]
            entry["originator"] = headers.get("originator")
        out.append(entry)
    return out


def summarize_input(items: list) -> list:
    out = []
    for it in items:
        if not isinstance(it, dict):
            continue
        kind = it.get("type")
        if kind == "message" and it.get("role") in ("developer", "system"):
            # Prose, and recodex sends no skills list (DEVIATIONS.md): compared elsewhere.
            out.append({it.get("role"): "<prose>"})
        elif kind == "message":
            parts = []
            for c in it.get("content") or []:
                t = c.get("text") if isinstance(c, dict) else None
                if c.get("type") == "input_image":
                    parts.append(f"<image {str(c.get('image_url', ''))[:22]}… detail={c.get('detail')}>")
                elif isinstance(t, str) and t.startswith("<"):
                    parts.append(t.split(">", 1)[0] + ">")
                elif isinstance(t, str) and it.get("role") in ("user", "assistant"):
                    parts.append(t[:80])
                else:
                    parts.append(f"<{c.get('type')}>")
            out.append({it.get("role"): parts})
        elif kind in ("function_call", "custom_tool_call"):
            out.append({kind: it.get("name"), "call_id": it.get("call_id")})
        elif kind in ("function_call_output", "custom_tool_call_output"):
            out.append({kind: it.get("call_id")})
        else:
            out.append({kind: None})
    return out


# ---------------------------------------------------------------------------------------
# Running one case on one binary.


def load_mock():
    sys.path.insert(0, str(MOCKMODEL.parent))
    import mockmodel  # noqa: E402
    # Answer without Nagle's delay, as production servers do (see scripts/bench_mock.py).
    http.server.BaseHTTPRequestHandler.disable_nagle_algorithm = True
    # Clients that hang up mid-answer (aborted turns) are expected: no tracebacks.
    socketserver.BaseServer.handle_error = lambda self, request, client_address: None
    return mockmodel.MockModel


def write_png(path: pathlib.Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte first
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def setup_work(work: pathlib.Path, case: dict, url: str) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    home, ws, extra = work / "codex-home", work / "ws", work / "extra"
    for d in (home, ws, extra):
        d.mkdir(parents=True)
    for rel, text in case.get("files", {}).items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text)
    write_png(work / "pixel.png")
    retries = case.get("retries", 0)
    provider = ("" if case.get("no_provider") else 'model_provider = "mock"\n')
    config = (f'model = "gpt-5.4"\n{provider}\n[model_providers.mock]\nname = "mock"\n'
              f'base_url = "{url}"\nwire_api = "responses"\nenv_key = "MOCK_KEY"\n'
              f'request_max_retries = {retries}\nstream_max_retries = 0\n'
              + case.get("config", ""))
    if case.get("trusted"):
        config += f'\n[projects."{ws}"]\ntrust_level = "trusted"\n'
    (home / "config.toml").write_text(config)
    env = {"HOME": str(work), "CODEX_HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin",
           "MOCK_KEY": "sk-mock", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
           "USER": "sdk", "LOGNAME": "sdk", "SHELL": "/bin/bash", "TERM": "dumb"}
    return {"home": str(work), "codex_home": str(home), "ws": str(ws), "extra": str(extra),
            "image": str(work / "pixel.png"), "base_url": url, "env": env}


def run_one(name: str, case: dict, binary: str, work: pathlib.Path, MockModel, verbose: bool) -> dict:
    mock = MockModel(json.loads(json.dumps(case["mock"]))).start()
    port = mock.port
    try:
        ctx = setup_work(work, case, mock.base_url)
        ctx.update({"case": name, "bin": binary, "ts_sdk": str(TS_SDK), "slow_ms": SLOW,
                    "racy_commands": case.get("racy_commands", False)})
        (work / "ctx.json").write_text(json.dumps(ctx))
        if case["runner"] == "ts":
            argv = ["node", str(HERE / "ts_cases.mjs"), str(work / "ctx.json")]
        else:
            argv = [str(VENV_PY), str(HERE / "py_cases.py"), str(work / "ctx.json")]
        t0 = time.time()
        proc = subprocess.run(argv, cwd=ctx["ws"], env=ctx["env"], capture_output=True, text=True,
                              timeout=case.get("timeout", 180))
        (work / "driver.stderr").write_text(proc.stderr)
        if verbose:
            print(f"  {name} {pathlib.Path(binary).name}: {time.time() - t0:.1f}s", file=sys.stderr)
        lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"driver exit {proc.returncode}: {proc.stderr.strip()[-600:]}")
        result = json.loads(lines[-1])
        time.sleep(0.1)
        result["requests"] = summarize_requests(list(mock.requests))
        (work / "requests.json").write_text(json.dumps(mock.requests, indent=1))
    finally:
        mock.stop()
    canon = Canon([(str(work), "$WORK"), (binary, "$BIN"), (str(pathlib.Path(binary).parent), "$BINDIR"),
                   (f"127.0.0.1:{port}", "127.0.0.1:$PORT")])
    return canon.value(result)


def first_differences(a, b, path: str = "") -> list[str]:
    if type(a) is not type(b):
        return [f"{path or '/'}: {short(a)} vs {short(b)}"]
    if isinstance(a, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            p = f"{path}/{k}"
            if k not in b:
                out.append(f"{p}: {short(a[k])} vs <absent>")
            elif k not in a:
                out.append(f"{p}: <absent> vs {short(b[k])}")
            else:
                out.extend(first_differences(a[k], b[k], p))
        return out
    if isinstance(a, list):
        out = []
        for i in range(max(len(a), len(b))):
            p = f"{path}/{i}"
            if i >= len(a):
                out.append(f"{p}: <absent> vs {short(b[i])}")
            elif i >= len(b):
                out.append(f"{p}: {short(a[i])} vs <absent>")
            else:
                out.extend(first_differences(a[i], b[i], p))
        return out
    return [] if a == b else [f"{path or '/'}: {short(a)} vs {short(b)}"]


def short(v, n: int = 160) -> str:
    s = json.dumps(v, sort_keys=True)
    return s if len(s) <= n else s[:n] + "…"


# ---------------------------------------------------------------------------------------
# Installing the clients (only with --install).


def install() -> None:
    TS_DIR.mkdir(parents=True, exist_ok=True)
    if not (TS_DIR / "package.json").exists():
        (TS_DIR / "package.json").write_text('{"name": "sdk-diff", "private": true, "type": "module"}\n')
    # --omit=optional: the SDK's @openai/codex dependency would fetch its own platform binary;
    # the cases always name the binary (codexPathOverride).
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--omit=optional",
                    f"@openai/codex-sdk@{TS_SDK_VERSION}"], cwd=TS_DIR, check=True)
    if not VENV_PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PY_DIR / "venv")], check=True)
    pip = [str(VENV_PY), "-m", "pip", "install", "-q"]
    # --no-deps: openai-codex pins openai-codex-cli-bin (a bundled codex build we never run).
    subprocess.run(pip + ["--no-deps", f"openai-codex=={PY_SDK_VERSION}"], check=True)
    subprocess.run(pip + ["pydantic>=2.12", f"mcp=={MCP_VERSION}"], check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default=str(REF_DEFAULT), help="binary A (default: the reference)")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "recodex"), help="binary B")
    ap.add_argument("--only", default="", help="comma-separated globs of case names")
    ap.add_argument("--keep", action="store_true", help="keep each run's CODEX_HOME/workspace")
    ap.add_argument("--out", default=str(CACHE / "out"))
    ap.add_argument("--install", action="store_true", help="install the SDKs first")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    if args.list:
        for name, case in CASES.items():
            print(f"{case['runner']:4} {name}")
        return 0
    if args.install:
        install()
    missing = [str(p) for p in (TS_SDK, VENV_PY) if not p.exists()]
    if missing:
        print(f"missing {', '.join(missing)}: run with --install first", file=sys.stderr)
        return 2
    globs = [g for g in args.only.split(",") if g]
    names = [n for n in CASES if not globs or any(fnmatch.fnmatch(n, g) for g in globs)]
    binaries = [("ref", str(pathlib.Path(args.ref).resolve())), ("recodex", str(pathlib.Path(args.bin).resolve()))]
    MockModel = load_mock()
    out = pathlib.Path(args.out)
    same = diff = fail = 0
    for name in names:
        case = CASES[name]
        results = {}
        try:
            for label, binary in binaries:
                work = CACHE / "runs" / f"{name}.{label}"
                try:
                    results[label] = run_one(name, case, binary, work, MockModel, args.v)
                finally:
                    if not args.keep:
                        shutil.rmtree(work, ignore_errors=True)
        except Exception as e:  # noqa: BLE001
            fail += 1
            print(f"FAIL {name}: {str(e).splitlines()[-1] if str(e) else type(e).__name__}"[:400], flush=True)
            continue
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        for label, res in results.items():
            (d / f"{label}.json").write_text(json.dumps(res, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        diffs = first_differences(results["ref"], results["recodex"])
        (d / "diff.txt").write_text("".join(x + "\n" for x in diffs))
        if diffs:
            diff += 1
            more = f" (+{len(diffs) - 1} more)" if len(diffs) > 1 else ""
            print(f"DIFF {name}: {diffs[0]}{more}"[:600], flush=True)
        else:
            same += 1
            print(f"SAME {name}", flush=True)
    print(f"{same} same, {diff} differ, {fail} failed (of {len(names)}; details in {out})")
    return 1 if diff or fail else 0


if __name__ == "__main__":
    sys.exit(main())
