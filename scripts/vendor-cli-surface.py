#!/usr/bin/env python3
"""Vendor the reference CLI surface as a prose-free test fixture.

Reads the surface dump of the reference `codex` binary (a tree of commands with their
aliases, positionals and options) and writes crates/cli/tests/fixtures/cli-surface.json
with every free-text field removed: `about`, `listed_about`, `help`, `usage`, `note` and
`help_file`.
Only names and machine facts remain (paths, aliases, value names, possible values,
defaults, repeatability), plus one derived fact per option: `required`, true when the
option appears unbracketed in the command's usage line (e.g. `--out <DIR>`).

Usage: scripts/vendor-cli-surface.py [SURFACE.json] [OUTPUT.json]
"""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = Path("/work/shared/reference/cli/SURFACE.json")
DEFAULT_OUTPUT = REPO / "crates/cli/tests/fixtures/cli-surface.json"

PROSE_FIELDS = {"about", "listed_about", "help", "usage", "note", "help_file"}
NODE_FIELDS = ["command", "path", "hidden", "aliases", "args", "options", "subcommands"]
ARG_FIELDS = ["name", "required", "variadic", "default", "possible_values"]
OPTION_FIELDS = [
    "long",
    "short",
    "value_name",
    "takes_value",
    "possible_values",
    "default",
    "multiple_values",
    "repeatable",
]


def required_longs(usage_lines):
    """Long option names that a usage line lists outside of `[...]` brackets."""
    required = set()
    for line in usage_lines or []:
        depth = 0
        unbracketed = []
        for ch in line:
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
            elif depth == 0:
                unbracketed.append(ch)
        text = "".join(unbracketed)
        # `(--url <URL> | -- <COMMAND>...)` is an either-or group, not a required option.
        text = re.sub(r"\([^)]*\)", "", text)
        required.update(re.findall(r"--([A-Za-z0-9][A-Za-z0-9_-]*)", text))
    return required


def strip_arg(arg):
    leftover = set(arg) - set(ARG_FIELDS) - PROSE_FIELDS
    if leftover:
        raise SystemExit(f"unknown positional field(s) {sorted(leftover)}; update the script")
    out = {key: arg[key] for key in ["name", "required", "variadic"]}
    for key in ["default", "possible_values"]:
        if arg.get(key) is not None:
            out[key] = arg[key]
    return out


def strip_option(option, required):
    leftover = set(option) - set(OPTION_FIELDS) - PROSE_FIELDS
    if leftover:
        raise SystemExit(f"unknown option field(s) {sorted(leftover)}; update the script")
    out = {key: option.get(key) for key in OPTION_FIELDS}
    out["required"] = option.get("long") in required
    return out


def strip_node(node):
    leftover = set(node) - set(NODE_FIELDS) - PROSE_FIELDS
    if leftover:
        raise SystemExit(f"unknown command field(s) {sorted(leftover)}; update the script")
    required = required_longs(node.get("usage"))
    return {
        "command": node["command"],
        "path": node["path"],
        "hidden": node["hidden"],
        "aliases": node["aliases"],
        "args": [strip_arg(arg) for arg in node["args"]],
        "options": [strip_option(opt, required) for opt in node["options"]],
        "subcommands": [strip_node(sub) for sub in node["subcommands"]],
    }


def render(node, indent=0):
    """JSON text with one line per command field, positional and option (diff-friendly)."""
    pad = " " * indent
    inner = " " * (indent + 2)
    lines = [pad + "{"]
    for key in ["command", "path", "hidden", "aliases"]:
        lines.append(f"{inner}{json.dumps(key)}: {json.dumps(node[key])},")
    for key in ["args", "options"]:
        items = [inner + "  " + json.dumps(item) for item in node[key]]
        body = ",\n".join(items)
        lines.append(f"{inner}{json.dumps(key)}: [" + (f"\n{body}\n{inner}]," if items else "],"))
    subs = [render(sub, indent + 4) for sub in node["subcommands"]]
    if subs:
        lines.append(f'{inner}"subcommands": [\n' + ",\n".join(subs) + f"\n{inner}]")
    else:
        lines.append(f'{inner}"subcommands": []')
    lines.append(pad + "}")
    return "\n".join(lines)


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_INPUT
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUTPUT
    surface = json.loads(source.read_text())
    stripped = strip_node(surface)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = render(stripped) + "\n"
    if json.loads(text) != stripped:
        raise SystemExit("internal error: rendered JSON does not round-trip")
    target.write_text(text)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
