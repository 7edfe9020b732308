#!/usr/bin/env python3
"""Cross-binary resume: a session written by one binary is resumed by the other, and the
request the resuming binary sends must equal (in canonical form) the one the writer itself
would send when resuming.

    scripts/cross-resume.py [--ref PATH] [--bin target/release/recodex]

Two directions, each through the parity harness (`parity.py run --bin A --bin2 B`) with
per-step binaries chosen by small wrapper scripts:
  ref -> recodex : A = reference writes, reference resumes; B = reference writes, recodex resumes
  recodex -> ref : A = recodex writes, recodex resumes;     B = recodex writes, reference resumes
Only the resumed turn's request (the third request) is compared; the rest of the
captures differ by clean-room prose. Exits 1 when a resumed request differs.
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
PARITY = ROOT.parent / "shared" / "parity" / "parity.py"

SCENARIO = {
    "description": "exec with a tool call, then exec resume --last with a new prompt",
    "steps": [
        {"argv": ["exec", "--json", "--skip-git-repo-check", "-s", "workspace-write", "Create out.txt."],
         "env": {"CROSS_STEP": "1"}},
        {"argv": ["exec", "resume", "--last", "--json", "--skip-git-repo-check", "What did you do?"],
         "env": {"CROSS_STEP": "2"}},
    ],
    "mock": [
        {"events": [{"function_call": {"name": "exec_command", "call_id": "call_1",
                                       "arguments": {"cmd": "echo hello > out.txt"}}}]},
        {"match": {"has_output_for": "call_1"}, "events": [{"message": "Created out.txt."}]},
        {"match": {"input_contains": "What did you do?"}, "events": [{"message": "I created out.txt."}]},
    ],
}


def wrapper(dirpath: pathlib.Path, name: str, first: str, second: str) -> pathlib.Path:
    path = dirpath / name
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$CROSS_STEP" = "2" ]; then exec "{second}" "$@"; else exec "{first}" "$@"; fi\n'
    )
    path.chmod(0o755)
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default=None)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "recodex"))
    args = ap.parse_args()
    ref = args.ref or subprocess.run(
        [str(ROOT.parent / "shared" / "parity" / "install-reference.sh")],
        capture_output=True, text=True, check=True).stdout.strip()
    rx = str(pathlib.Path(args.bin).resolve())
    work = pathlib.Path(tempfile.mkdtemp(prefix="cross-resume-", dir=pathlib.Path.home()))
    failed = False
    for label, writer, reader in (("ref -> recodex", ref, rx), ("recodex -> ref", rx, ref)):
        tag = "ref_rx" if writer == ref else "rx_ref"
        scen = work / f"{tag}.json"
        scen.write_text(json.dumps({"name": f"cross_{tag}", **SCENARIO}))
        a = wrapper(work, f"a_{tag}", writer, writer)
        b = wrapper(work, f"b_{tag}", writer, reader)
        out = work / f"out_{tag}"
        subprocess.run([sys.executable, str(PARITY), "run", "--bin", str(a), "--bin2", str(b),
                        "--scenarios", str(scen), "--tmp", str(work / "runs"), "--out", str(out)],
                       capture_output=True, text=True)
        diff = out / f"cross_{tag}" / "diff.txt"
        lines = diff.read_text().splitlines()[2:] if diff.exists() else []
        cap_a = json.loads((out / f"cross_{tag}" / "capture_a.json").read_text())
        cap_b = json.loads((out / f"cross_{tag}" / "capture_b.json").read_text())
        # The resumed turn's request is the last one (the first turn made two).
        last = len(cap_a["requests"]) - 1
        resumed = [l for l in lines if l.startswith(f"requests[{last}]")]
        codes = ([s.get("exit_code") for s in cap_a["steps"]], [s.get("exit_code") for s in cap_b["steps"]])
        n_a = len(cap_a["requests"][last]["body"]["input"])
        n_b = len(cap_b["requests"][last]["body"]["input"]) if len(cap_b["requests"]) > last else 0
        ok = (not resumed and codes[0] == codes[1] == [0, 0] and n_a == n_b > 0
              and len(cap_a["requests"]) == len(cap_b["requests"]) == 3)
        failed |= not ok
        print(f"{'SAME' if ok else 'DIFF'}  {label}: exit codes {codes[0]} vs {codes[1]}, "
              f"resumed request input items {n_a} vs {n_b}")
        for l in resumed[:10]:
            print(f"      {l[:300]}")
    print(f"(runs kept in {work})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
