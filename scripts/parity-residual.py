#!/usr/bin/env python3
"""Runs the parity harness and separates the differences that are clean-room prose by
design (DEVIATIONS.md, "exec and the engine") from everything else.

    scripts/parity-residual.py [--golden DIR] [--scenarios DIR] [--tmp DIR] [--only GLOBS]

Defaults: the public goldens in ../shared/parity/golden. For the goldens in parity/golden
(captured with a working reference sandbox, so CODEX_HOME outside the temp dir) pass
`--golden parity/golden --scenarios parity/scenarios --tmp ~/ptmp`.
Prints one line per scenario: PASS, PROSE (only clean-room prose differs) or DIFF with
the remaining differences; exits 1 when any scenario has a real difference.
"""
import argparse
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PARITY = ROOT.parent / "shared" / "parity" / "parity.py"

# Differences that come from text a clean room must write itself (or cannot ship).
PROSE = [
    re.compile(r'\.text: A="<permissions instructions> <TEXT sha256:[0-9a-f]+ len:\d+>" B="<permissions instructions> <TEXT sha256:[0-9a-f]+ len:\d+>"$'),
    re.compile(r'\.content: length 2 != 1; first extra in A = \{"text": "<skills_instructions> <TEXT sha256:'),
    re.compile(r'\.format\.definition: A="<TEXT sha256:d6367f4826ed608c len:578>" B="<TEXT sha256:[0-9a-f]+ len:\d+>"$'),
    re.compile(r'^codex_home\.skills/\.system/\*\*: only in A = '),
    # The goal tools' completion note is instruction prose (our own words).
    re.compile(r'\.completionBudgetReport: A="Goal achieved\. .* B="The goal is complete\. '),
    # The note that opens the turn after an interrupted one (our own words).
    re.compile(r'\.text: A="<turn_aborted>\\nThe user interrupted .* B="<turn_aborted>\\nThe user stopped '),
    # The reference's bubblewrap leaves empty mount points for the protected names in the
    # workspace; recodex removes its placeholders (DEVIATIONS.md, "Linux sandbox").
    re.compile(r'^workspace\.\.(agents|codex|git): only in A = \{"dir": "(empty|git)"\}$'),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "recodex"))
    ap.add_argument("--golden", default=str(PARITY.parent / "golden"))
    ap.add_argument("--scenarios", default=None)
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--only", default=None)
    ap.add_argument("--out", default="/tmp/parity-residual")
    args = ap.parse_args()
    cmd = [sys.executable, str(PARITY), "check", "--bin", args.bin, "--golden", args.golden,
           "-j", "2", "--out", args.out]
    if args.scenarios:
        cmd += ["--scenarios", args.scenarios]
    if args.tmp:
        cmd += ["--tmp", args.tmp]
    if args.only:
        cmd += ["--only", args.only]
    run = subprocess.run(cmd, capture_output=True, text=True)
    counts = {"PASS": 0, "PROSE": 0, "DIFF": 0}
    for line in run.stdout.splitlines():
        m = re.match(r"^(PASS|DIFF|FAIL) ([^:\s]+)", line)
        if not m:
            continue
        status, name = m.groups()
        if status == "PASS":
            counts["PASS"] += 1
            print(f"PASS  {name}")
            continue
        diff = pathlib.Path(args.out) / name / "diff.txt"
        lines = diff.read_text().splitlines()[2:] if diff.exists() else [line]
        real = [l for l in lines if not any(p.search(l) for p in PROSE)]
        if status == "DIFF" and not real:
            counts["PROSE"] += 1
            print(f"PROSE {name}")
        else:
            counts["DIFF"] += 1
            print(f"DIFF  {name}")
            for l in real[:12]:
                print(f"      {l[:300]}")
            if len(real) > 12:
                print(f"      (+{len(real) - 12} more)")
    print(f"{counts['PASS']} pass, {counts['PROSE']} differ only in clean-room prose, {counts['DIFF']} differ")
    return 1 if counts["DIFF"] else 0


if __name__ == "__main__":
    sys.exit(main())
