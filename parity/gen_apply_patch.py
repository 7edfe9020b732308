#!/usr/bin/env python3
"""Writes the apply_patch parity scenarios in scenarios/ (run once; the JSON is committed)."""
import json, pathlib

OUT = pathlib.Path(__file__).parent / "scenarios"

def custom(call_id, patch):
    return {"custom_tool_call": {"name": "apply_patch", "call_id": call_id, "input": patch}}

def function(name, call_id, args):
    return {"function_call": {"name": name, "call_id": call_id, "arguments": args}}

def scenario(name, desc, call, files=None, model="gpt-5.2-codex", sandbox="workspace-write", extra=None, flags=(), json_mode=True):
    s = {
        "name": name,
        "description": desc,
        "model": model,
        "argv": ["exec", *(["--json"] if json_mode else []), "--skip-git-repo-check", "-s", sandbox, *flags, "Edit the files."],
        "workspace": {"files": files or {}},
        "mock": [
            {"events": [call]},
            {"match": {"has_output_for": "call_p"}, "events": [{"message": "Done."}]},
        ],
    }
    s.update(extra or {})
    (OUT / f"{name}.json").write_text(json.dumps(s, indent=2) + "\n")

P = "*** Begin Patch\n{}*** End Patch\n"
scenario("ap_verify_update_missing", "Update of a file that does not exist: verification fails, no events.",
         custom("call_p", P.format("*** Update File: missing.txt\n@@\n-a\n+b\n")))
scenario("ap_verify_context_mismatch", "Old lines not found in the file.",
         custom("call_p", P.format("*** Update File: a.txt\n@@\n-nope\n+yes\n")), {"a.txt": "one\ntwo\n"})
scenario("ap_verify_delete_missing", "Delete of a missing file.",
         custom("call_p", P.format("*** Delete File: gone.txt\n")))
scenario("ap_parse_error", "A patch that does not parse.",
         custom("call_p", "*** Begin Patch\n*** Frobnicate File: x\n*** End Patch\n"))
scenario("ap_parse_no_envelope", "Text without the envelope.",
         custom("call_p", "hello\n"))
scenario("ap_multi_file_order", "Add, update, delete in one patch: order of changes in events.",
         custom("call_p", P.format("*** Add File: z/new.txt\n+n\n*** Update File: m.txt\n@@\n-1\n+2\n*** Delete File: b.txt\n*** Add File: a0.txt\n+x\n")),
         {"m.txt": "0\n1\n2\n", "b.txt": "bye\n"})
scenario("ap_function_form", "apply_patch called as a JSON function tool.",
         function("apply_patch", "call_p", {"input": P.format("*** Add File: f.txt\n+hi\n")}))
scenario("ap_function_form_bad_args", "apply_patch function call with arguments that are not an object with input.",
         function("apply_patch", "call_p", {"patch": "x"}))
scenario("ap_heredoc_exec_command", "apply_patch as a heredoc through exec_command is intercepted.",
         function("exec_command", "call_p", {"cmd": "apply_patch <<'EOF'\n" + P.format("*** Add File: h.txt\n+heredoc\n") + "EOF\n"}),
         model="gpt-5.1-codex")
scenario("ap_heredoc_cd", "cd DIR && apply_patch heredoc through exec_command.",
         function("exec_command", "call_p", {"cmd": "cd sub && apply_patch <<'EOF'\n" + P.format("*** Update File: s.txt\n@@\n-a\n+b\n") + "EOF\n"}),
         {"sub/s.txt": "a\n"}, model="gpt-5.1-codex")
scenario("ap_heredoc_bad_patch", "apply_patch heredoc whose patch does not verify.",
         function("exec_command", "call_p", {"cmd": "apply_patch <<'EOF'\n" + P.format("*** Update File: nope.txt\n@@\n-a\n+b\n") + "EOF\n"}),
         model="gpt-5.1-codex")
scenario("ap_exec_argv_form", "exec_command running apply_patch with the patch as an argument.",
         function("exec_command", "call_p", {"cmd": "apply_patch '" + P.format("*** Add File: q.txt\n+q\n") + "'"}),
         model="gpt-5.1-codex")
scenario("ap_read_only", "apply_patch under the read-only sandbox.",
         custom("call_p", P.format("*** Add File: r.txt\n+r\n")), sandbox="read-only")
scenario("ap_outside_root", "apply_patch writing outside the workspace under workspace-write.",
         custom("call_p", P.format("*** Add File: ../outside-ap.txt\n+o\n")))
scenario("ap_full_access", "apply_patch under danger-full-access.",
         custom("call_p", P.format("*** Update File: a.txt\n*** Move to: d/b.txt\n@@\n one\n-two\n+three\n")),
         {"a.txt": "one\ntwo\n"}, sandbox="danger-full-access")
scenario("ap_crlf_and_fuzzy", "Trailing-whitespace fuzzy match and CRLF file.",
         custom("call_p", P.format("*** Update File: w.txt\n@@\n-x  \n+y\n*** Update File: c.txt\n@@\n-l2\n+L2\n")),
         {"w.txt": "x\nz\n", "c.txt": "l1\r\nl2\r\n"})
scenario("ap_empty_patch", "A patch with no file operations.",
         custom("call_p", "*** Begin Patch\n*** End Patch\n"))
scenario("ap_git_dir", "A patch writing into .git inside the workspace.",
         custom("call_p", P.format("*** Add File: .git/hooks/evil\n+x\n")), extra={"workspace": {"files": {}, "git_init": True}})
scenario("ap_outside_on_request", "Outside the workspace with approval on-request (exec cannot ask).",
         custom("call_p", P.format("*** Add File: ../outside-ap2.txt\n+o\n")), flags=("-c", "approval_policy=\"on-request\""))
scenario("ap_untrusted_inside", "Inside the workspace with approval untrusted.",
         custom("call_p", P.format("*** Add File: u.txt\n+u\n")), flags=("-c", "approval_policy=\"untrusted\""))
scenario("ap_on_failure_outside", "Outside the workspace with approval on-failure: runs sandboxed and fails.",
         custom("call_p", P.format("*** Add File: ../outside-ap3.txt\n+o\n")), flags=("-c", "approval_policy=\"on-failure\""))
scenario("ap_shell_command_heredoc", "apply_patch heredoc through shell_command (unified exec off).",
         function("shell_command", "call_p", {"command": "apply_patch <<'EOF'\n" + P.format("*** Add File: sc.txt\n+sc\n") + "EOF\n"}),
         flags=("-c", "features.unified_exec=false"))
scenario("tool_unknown_function", "A function call naming a tool that does not exist.",
         function("frobnicate", "call_p", {"x": 1}))
scenario("ap_overwrite_existing", "Add File over an existing file.",
         custom("call_p", P.format("*** Add File: e.txt\n+new\n")), {"e.txt": "old\n"})
scenario("ap_human_output", "The human transcript of a successful and a failed patch.",
         custom("call_p", P.format("*** Add File: hh.txt\n+h\n*** Update File: m.txt\n@@\n-1\n+2\n")), {"m.txt": "1\n"},
         json_mode=False, extra={"compare": {"stderr": True}, "mock": [
            {"events": [custom("call_p", P.format("*** Add File: hh.txt\n+h\n*** Update File: m.txt\n@@\n-1\n+2\n"))]},
            {"match": {"has_output_for": "call_p"}, "events": [custom("call_q", P.format("*** Add File: ../oops.txt\n+h\n"))]},
            {"match": {"has_output_for": "call_q"}, "events": [custom("call_r", P.format("*** Delete File: nothere.txt\n"))]},
            {"match": {"has_output_for": "call_r"}, "events": [{"message": "Done."}]}]})
