#!/usr/bin/env python3
"""Vendors prose-free fixtures of the reference app-server protocol into crates/app-protocol.

Usage: scripts/vendor-app-protocol-digest.py [--reference DIR] [--transcripts DIR ...]

Writes under crates/app-protocol/tests/fixtures/:

- `schema-digest/<json|ts>-<stable|experimental>.txt` and `json-internal.txt`: one line per
  file of the reference's `generate-json-schema` / `generate-ts` output,
  `file<TAB>path<TAB>sha256[<TAB>sha256 of the root]`, and for JSON one line per definition,
  `def<TAB>name<TAB>sha256`. The hashes are of canonical text with no prose in it:
  - JSON: every `description` keyword dropped (property names kept), a lone single-entry
    `allOf` replaced by its entry, a description-only schema replaced by `true`, then
    compact JSON with sorted keys (UTF-8, `json.dumps(..., sort_keys=True,
    separators=(',', ':'), ensure_ascii=False)`); the root hash leaves `definitions` out;
  - TypeScript: comments and whitespace removed (string literals kept) and `,}` written `}`.
  `crates/app-protocol/tests/it/schema_tree.rs` computes the same over what
  `recodex_app_protocol::schema_gen` writes.
- `app-server-messages.jsonl`: the reference's app-server sessions (transcripts), one
  message per line as `{"session", "dir", "msg"}`, with every string of three words or more
  replaced by a placeholder (no prose); the serde round-trip test reads it.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / 'crates' / 'app-protocol' / 'tests' / 'fixtures'
DATA_KEYWORDS = ('default', 'enum', 'const', 'examples', 'required')
MASK = 'masked text'


def strip_descriptions(o):
    if isinstance(o, list):
        return [strip_descriptions(x) for x in o]
    if not isinstance(o, dict):
        return o
    r = {}
    for k, v in o.items():
        if k == 'description':
            continue
        if k in ('properties', 'definitions') and isinstance(v, dict):
            r[k] = {name: strip_descriptions(sub) for name, sub in v.items()}
        elif k in DATA_KEYWORDS:
            r[k] = v
        else:
            r[k] = strip_descriptions(v)
    if list(r.keys()) == ['allOf'] and isinstance(r['allOf'], list) and len(r['allOf']) == 1:
        return r['allOf'][0]
    if 'description' in o and not r:
        return True
    return r


def canonical_json(o):
    return json.dumps(o, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8')


def sha(b):
    return hashlib.sha256(b).hexdigest()


def ts_canonical(text):
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            i = n if j < 0 else j + 2
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j + 1
        elif c.isspace():
            i += 1
        else:
            if c == '}' and out and out[-1] == ',':
                out.pop()
            out.append(c)
            i += 1
    return ''.join(out)


def walk(root):
    for dp, _dn, fn in os.walk(root):
        for f in fn:
            p = Path(dp) / f
            yield str(p.relative_to(root)).replace(os.sep, '/'), p


def json_digest(root):
    files = []
    defs = {}
    for rel, p in sorted(walk(root)):
        doc = strip_descriptions(json.loads(p.read_text()))
        head = {k: v for k, v in doc.items() if k != 'definitions'}
        files.append(f'file\t{rel}\t{sha(canonical_json(doc))}\t{sha(canonical_json(head))}')
        if 'schemas.json' in rel:
            continue
        for name, schema in doc.get('definitions', {}).items():
            h = sha(canonical_json(schema))
            if defs.setdefault(name, h) != h:
                raise SystemExit(f'{root}: definition {name} differs between files')
    lines = files + [f'def\t{n}\t{h}' for n, h in sorted(defs.items())]
    return lines


def ts_digest(root):
    return [f'file\t{rel}\t{sha(ts_canonical(p.read_text()).encode("utf-8"))}' for rel, p in sorted(walk(root))]


HEADER = ('# Structural digest of the reference app-server schema output (codex 0.136.0).\n'
          '# Written by scripts/vendor-app-protocol-digest.py; see it for the canonical form.\n')


def mask(o):
    if isinstance(o, str):
        return MASK if o.count(' ') >= 2 else o
    if isinstance(o, list):
        return [mask(x) for x in o]
    if isinstance(o, dict):
        return {k: mask(v) for k, v in o.items()}
    return o


def vendor_messages(paths):
    out = []
    for path in paths:
        session = path.stem
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            if 'msg' not in d or 'dir' not in d:
                continue
            out.append(json.dumps({'session': session, 'dir': d['dir'], 'msg': mask(d['msg'])},
                                  ensure_ascii=False, separators=(',', ':')))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--reference', type=Path, default=REPO.parent / 'shared' / 'reference')
    ap.add_argument('--transcripts', type=Path, nargs='*', default=None)
    args = ap.parse_args()
    schema = args.reference / 'app-server-schema'
    out = FIXTURES / 'schema-digest'
    out.mkdir(parents=True, exist_ok=True)
    for kind in ('json', 'ts'):
        for flavour in ('stable', 'experimental'):
            root = schema / kind / flavour
            lines = json_digest(root) if kind == 'json' else ts_digest(root)
            (out / f'{kind}-{flavour}.txt').write_text(HEADER + '\n'.join(lines) + '\n')
    (out / 'json-internal.txt').write_text(HEADER + '\n'.join(json_digest(schema / 'json' / 'internal')) + '\n')
    transcripts = args.transcripts
    if transcripts is None:
        transcripts = [args.reference / 'transcripts' / 'app-server-basic.jsonl',
                       args.reference / 'transcripts' / 'app-server-tool.jsonl']
        transcripts += sorted((REPO / 'docs' / 'research' / 'app-server-threads').glob('*.jsonl'))
    lines = vendor_messages(transcripts)
    (FIXTURES / 'app-server-messages.jsonl').write_text('\n'.join(lines) + '\n')
    print(f'wrote {out.relative_to(REPO)} and {len(lines)} messages')


if __name__ == '__main__':
    main()
