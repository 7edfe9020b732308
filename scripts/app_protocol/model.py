"""Reads the reference app-server schema trees (JSON Schema + TypeScript) into one type model.

Used by `scripts/gen-app-protocol.py`. Python 3.11 standard library only.

The model is a dict `types` keyed by `(ns, name)` where `ns` is the TypeScript folder of the type
(`root`, `v2`, `serde_json`) or `internal` for types that only the rollout-line schema knows.
Each type is a dict:

    {name, ns, json_name, has_ts, ts_inline, json_inline, body, ...}

`body` is one of
    ('struct', fields, flags)
    ('alias', ty)
    ('enum', tagging, variants, flags)     tagging: ('external',) ('internal', tag)
                                                    ('adjacent', tag, content) ('untagged',)

A field is a dict {name, ty, ts ('' / '?' / '?null'), required, default (JSON text), flags...};
a variant {name, kind ('unit' / 'newtype' with ty / 'struct' with fields), flags...}. A type
expression `ty` is a tuple:
    ('str',) ('bool',) ('int', kind, ts) ('float', kind, ts) ('json'[, 'unknown'|'expanded'])
    ('ref', ns, name) ('opt', ty) ('vec', ty[, 'postfix']) ('map', ty) ('null', 'undefined')
No description text is read into the model: only names, shapes and values.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

# --------------------------------------------------------------------------------------------
# JSON helpers


def strip_descriptions(o):
    """Canonical, prose-free form of a schema: every `description` keyword dropped, a lone
    single-entry `allOf` replaced by its entry, and a schema that held only a description
    replaced by `true` (both accept anything). Property and definition names are kept."""
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


# Keywords whose values are data, not schemas.
DATA_KEYWORDS = ('default', 'enum', 'const', 'examples', 'required')


def load_json_tree(root: Path):
    files = {}
    for dp, _dn, fn in os.walk(root):
        for f in sorted(fn):
            p = Path(dp) / f
            files[str(p.relative_to(root))] = json.loads(p.read_text())
    return files


# --------------------------------------------------------------------------------------------
# TypeScript parsing

TOKEN_RE = re.compile(
    r'\s+|/\*.*?\*/|//[^\n]*|("(?:[^"\\]|\\.)*")|([A-Za-z_$][A-Za-z0-9_$]*)|(-?[0-9]+(?:\.[0-9]+)?)|(.)',
    re.S,
)


def tokenize(text):
    out = []
    for m in TOKEN_RE.finditer(text):
        s, ident, num, punct = m.group(1), m.group(2), m.group(3), m.group(4)
        if s is not None:
            out.append(('str', json.loads(s)))
        elif ident is not None:
            out.append(('id', ident))
        elif num is not None:
            out.append(('num', num))
        elif punct is not None:
            out.append(('p', punct))
    return out


class TsParser:
    def __init__(self, toks):
        self.t = toks
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else ('eof', None)

    def next(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, kind, val=None):
        tok = self.next()
        if tok[0] != kind or (val is not None and tok[1] != val):
            raise ValueError(f'expected {kind} {val!r}, got {tok} at {self.i}')
        return tok

    def is_p(self, v, k=0):
        tok = self.peek(k)
        return tok[0] == 'p' and tok[1] == v

    def union(self):
        if self.is_p('|'):
            self.next()
        items = [self.inter()]
        while self.is_p('|'):
            self.next()
            items.append(self.inter())
        return items[0] if len(items) == 1 else ('union', items)

    def inter(self):
        items = [self.post()]
        while self.is_p('&'):
            self.next()
            items.append(self.post())
        return items[0] if len(items) == 1 else ('inter', items)

    def post(self):
        t = self.prim()
        while self.is_p('[') and self.is_p(']', 1):
            self.next()
            self.next()
            t = ('postarr', t)
        return t

    def prim(self):
        tok = self.next()
        if tok[0] == 'str':
            return ('lit', tok[1])
        if tok[0] == 'num':
            return ('num', tok[1])
        if tok[0] == 'id':
            args = []
            if self.is_p('<'):
                self.next()
                args.append(self.union())
                while self.is_p(','):
                    self.next()
                    args.append(self.union())
                self.expect('p', '>')
            return ('ref', tok[1], args)
        if tok == ('p', '('):
            t = self.union()
            self.expect('p', ')')
            return ('paren', t)
        if tok == ('p', '['):
            items = []
            while not self.is_p(']'):
                items.append(self.union())
                if self.is_p(','):
                    self.next()
            self.expect('p', ']')
            return ('tuple', items)
        if tok == ('p', '{'):
            return self.obj()
        raise ValueError(f'unexpected {tok} at {self.i}')

    def obj(self):
        if self.is_p('['):
            self.next()
            self.expect('id', 'key')
            self.expect('id', 'in')
            k = self.union()
            self.expect('p', ']')
            opt = False
            if self.is_p('?'):
                self.next()
                opt = True
            self.expect('p', ':')
            v = self.union()
            self.expect('p', '}')
            return ('map', k, v, opt)
        fields = []
        while not self.is_p('}'):
            tok = self.next()
            if tok[0] == 'str':
                name, quoted = tok[1], True
            elif tok[0] == 'id':
                name, quoted = tok[1], False
            else:
                raise ValueError(f'bad field name {tok}')
            opt = False
            if self.is_p('?'):
                self.next()
                opt = True
            self.expect('p', ':')
            ty = self.union()
            fields.append({'name': name, 'quoted': quoted, 'opt': opt, 'ty': ty})
            if self.is_p(','):
                self.next()
        self.expect('p', '}')
        return ('obj', fields)


def parse_ts_file(text):
    """Returns (imports {name: relpath}, name, type ast)."""
    toks = tokenize(text)
    p = TsParser(toks)
    imports = {}
    name = None
    ast = None
    while p.peek()[0] != 'eof':
        tok = p.next()
        if tok == ('id', 'import'):
            p.expect('id', 'type')
            p.expect('p', '{')
            n = p.expect('id')[1]
            p.expect('p', '}')
            p.expect('id', 'from')
            path = p.expect('str')[1]
            p.expect('p', ';')
            imports[n] = path
        elif tok == ('id', 'export'):
            p.expect('id', 'type')
            name = p.expect('id')[1]
            p.expect('p', '=')
            ast = p.union()
            p.expect('p', ';')
        else:
            raise ValueError(f'unexpected top-level token {tok}')
    return imports, name, ast


def load_ts_tree(root: Path):
    """{(ns, name): (imports, ast)} for every type file under root (index.ts excluded)."""
    out = {}
    for dp, _dn, fn in os.walk(root):
        for f in sorted(fn):
            if not f.endswith('.ts') or f == 'index.ts':
                continue
            rel = Path(dp).relative_to(root)
            ns = 'root' if str(rel) == '.' else str(rel)
            imports, name, ast = parse_ts_file((Path(dp) / f).read_text())
            if name != f[:-3]:
                raise ValueError(f'{f}: type name {name}')
            out[(ns, name)] = (imports, ast)
    return out


def resolve_import(ns, path):
    """The namespace of a type imported from `path` by a file in folder `ns`."""
    base = [] if ns == 'root' else [ns]
    parts = list(base)
    for seg in path.split('/')[:-1]:
        if seg == '.':
            continue
        if seg == '..':
            parts.pop()
        else:
            parts.append(seg)
    return 'root' if not parts else '/'.join(parts)


# --------------------------------------------------------------------------------------------
# Model building: TypeScript and JSON Schema read side by side

TS_PRIMS = {'string', 'boolean', 'number', 'bigint', 'null', 'unknown', 'undefined', 'never', 'Array', 'Record'}

INT_KINDS = {
    ('int8', None): 'i8', ('int16', None): 'i16', ('int32', None): 'i32', ('int64', None): 'i64',
    ('uint8', 0.0): 'u8', ('uint16', 0.0): 'u16', ('uint32', 0.0): 'u32', ('uint64', 0.0): 'u64',
    ('uint', 0.0): 'usize', ('uint', 1.0): 'nzusize', ('int', None): 'isize',
}
FLOAT_KINDS = {'double': 'f64', 'float': 'f32'}


# `JsonValue` written out, as TypeScript shows a flattened map of JSON values.
JSON_VALUE_EXPANDED = ('union', [
    ('ref', 'number', []), ('ref', 'string', []), ('ref', 'boolean', []),
    ('ref', 'Array', [('ref', 'JsonValue', [])]),
    ('map', ('ref', 'string', []), ('ref', 'JsonValue', []), True), ('ref', 'null', [])])


class ModelError(Exception):
    pass


def ts_null(t):
    return t == ('ref', 'null', [])


def split_nullable_ts(t):
    """(inner, True) when the TypeScript type ends in `| null`."""
    if t[0] == 'union' and ts_null(t[1][-1]):
        rest = t[1][:-1]
        return (rest[0] if len(rest) == 1 else ('union', rest)), True
    return t, False


def split_nullable_js(js):
    """(inner schema, True) when the schema admits null as schemars writes an Option."""
    if isinstance(js, dict):
        ty = js.get('type')
        if isinstance(ty, list) and 'null' in ty:
            rest = [x for x in ty if x != 'null']
            inner = dict(js)
            inner['type'] = rest[0] if len(rest) == 1 else rest
            return inner, True
        any_of = js.get('anyOf')
        if any_of and len(any_of) == 2 and any_of[1] == {'type': 'null'}:
            # Siblings (a default) belong to the field, not to the inner schema.
            return any_of[0], True
    return js, False


def take_field_attrs(fld, pjs):
    """Moves a property's own keywords (default, writeOnly, title) onto the field."""
    if not isinstance(pjs, dict):
        return pjs
    pjs = dict(pjs)
    if 'default' in pjs:
        fld['default'] = json.dumps(pjs.pop('default'))
    if pjs.get('writeOnly'):
        fld['write_only'] = True
        pjs.pop('writeOnly')
    if 'title' in pjs:
        fld['json_title'] = pjs.pop('title')
    if list(pjs.keys()) == ['allOf'] and len(pjs['allOf']) == 1:
        pjs = pjs['allOf'][0]
    return pjs


def js_ref_name(js):
    if isinstance(js, dict) and '$ref' in js:
        return js['$ref'].split('/')[-1]
    return None


class Builder:
    def __init__(self, ts, js_defs):
        self.ts = ts
        self.js = js_defs
        self.types = {}
        self.json_owner = {}
        self.pending = []

    # -- type references -----------------------------------------------------------------

    def resolve(self, name, ctx):
        ns, imports = ctx
        if name in imports:
            return (resolve_import(ns, imports[name]), name)
        if (ns, name) in self.ts:
            return (ns, name)
        raise ModelError(f'cannot resolve {name} in {ns}')

    def want(self, tid, js, json_name=None, **flags):
        """Schedules building `tid` with JSON `js` (None when the JSON side is unknown)."""
        t = self.types.get(tid)
        if t is not None:
            if js is not None and t.get('js') is None:
                t['js'] = js
                t['json_name'] = json_name or t['json_name']
                self.pending.append(tid)
            elif js is not None and t.get('js') != js and not flags.get('json_inline'):
                t.setdefault('js_conflicts', []).append((json_name, js))
            for k, v in flags.items():
                t[k] = t.get(k) or v
            return
        self.types[tid] = {'ns': tid[0], 'name': tid[1], 'js': js, 'json_name': json_name or tid[1], **flags}
        self.pending.append(tid)

    def run(self):
        while self.pending:
            tid = self.pending.pop()
            t = self.types[tid]
            if tid in self.ts:
                imports, ast = self.ts[tid]
                t['has_ts'] = True
            else:
                ast = t.get('ts_ast')
                imports = t.get('ts_imports', {})
            ctx = (t.get('ts_ctx_ns', tid[0]), imports)
            body = self.body(t, ast, t.get('js'), ctx)
            t['body'] = tuple(body) if isinstance(body, list) else body

    # -- bodies --------------------------------------------------------------------------

    def body(self, t, ast, js, ctx):
        if ast is None:
            return self.body_from_json(t, js)
        if ast == ('ref', 'Record', [('ref', 'string', []), ('ref', 'never', [])]):
            return ('struct', [], {})
        if ast[0] == 'obj' and not self.looks_like_enum(ast, js):
            return self.struct_body(t, ast, js, ctx)
        if ast[0] == 'inter' and ast[1][0][0] == 'obj' and ast[1][1][0] == 'paren':
            return self.struct_body(t, ast, js, ctx)
        if ast[0] == 'map' and isinstance(js, dict) and js.get('type') == 'object' and 'additionalProperties' not in js:
            # A struct holding only a flattened map: TypeScript shows the map alone.
            return self.struct_body(t, ('inter', [('obj', []), ('paren', ast)]), js, ctx, bare_map=True)
        if ast[0] in ('union', 'obj', 'inter') or (ast[0] == 'lit'):
            return self.enum_body(t, ast, js, ctx)
        # A plain alias: string, Array<...>, JsonValue, ...
        return ('alias', self.ty(ast, js, ctx))

    def looks_like_enum(self, ast, js):
        if isinstance(js, dict) and ('oneOf' in js or 'anyOf' in js):
            return True
        if js is None and ast[1] and ast[1][0]['quoted'] and ast[1][0]['ty'][0] == 'lit':
            return True
        return False

    def struct_body(self, t, ast, js, ctx, bare_map=False):
        flags = {'bare_map': True} if bare_map else {}
        extra = []
        if ast[0] == 'inter':
            obj, paren = ast[1]
            inner = paren[1]
            if inner[0] == 'map':
                extra.append(('map', inner))
            else:
                extra.append(('enum', inner))
            ast = obj
        props = (js or {}).get('properties', {}) if isinstance(js, dict) else {}
        required = set((js or {}).get('required', [])) if isinstance(js, dict) else set()
        fields = []
        for f in ast[1]:
            fields.append(self.field(f, props.get(f['name']), f['name'] in required, ctx, js is not None))
        ts_names = {f['name'] for f in ast[1]}
        # Fields the JSON schema lists but TypeScript leaves out (serialized never).
        for pname, pjs in props.items():
            if pname in ts_names:
                continue
            fld = self.field_from_json(pname, pjs, pname in required)
            fld['ts_skip'] = True
            fields.append(fld)
        if isinstance(js, dict):
            ap = js.get('additionalProperties')
            if ap is False:
                flags['deny_unknown'] = True
            if 'title' in js:
                flags['title'] = js['title']
            for k in js:
                if k not in ('type', 'properties', 'required', 'additionalProperties', 'title', 'oneOf', '$schema'):
                    raise ModelError(f'{t["name"]}: struct key {k}')
        for kind, inner in extra:
            if kind == 'map':
                ap = js.get('additionalProperties') if isinstance(js, dict) else None
                vty = self.ty(inner[2], ap if isinstance(ap, (dict, bool)) else None, ctx, map_value_inline=True)
                fields.append({'name': '', 'ty': ('map', vty), 'flatten': True, 'ts': '', 'required': False,
                               'json_additional': ap is not None})
            else:
                sub_name = t['name'] + 'Flattened'
                sub_js = {'oneOf': js['oneOf']} if isinstance(js, dict) and 'oneOf' in js else None
                sub = (t['ns'], sub_name)
                self.want(sub, sub_js, ts_ast=inner, ts_imports=ctx[1], ts_ctx_ns=ctx[0], ts_inline=True,
                          json_inline=True, synthetic=True)
                fields.append({'name': '', 'ty': ('ref',) + sub, 'flatten': True, 'ts': '', 'required': False})
        return ('struct', fields, flags)

    def field(self, f, pjs, required, ctx, have_js):
        name = f['name']
        tsty = f['ty']
        fld = {'name': name, 'required': required}
        if f['quoted']:
            fld['ts_quoted'] = True
        if have_js and pjs is None:
            fld['json_skip'] = True
        pjs = take_field_attrs(fld, pjs)
        if f['opt']:
            inner_ts, ts_nullable = split_nullable_ts(tsty)
            inner_js, js_nullable = split_nullable_js(pjs) if pjs is not None else (None, False)
            if ts_nullable:
                fld['ts'] = '?null'
                fld['ty'] = self.ty(tsty, pjs, ctx)
            elif js_nullable or (pjs is None and not ts_nullable):
                fld['ts'] = '?'
                fld['ty'] = ('opt', self.ty(inner_ts, inner_js, ctx))
            else:
                fld['ts'] = '?'
                fld['ty'] = self.ty(tsty, pjs, ctx)
                fld['plain_optional'] = True
        else:
            fld['ts'] = ''
            fld['ty'] = self.ty(tsty, pjs, ctx)
        return fld

    def field_from_json(self, name, pjs, required):
        fld = {'name': name, 'required': required, 'ts': ''}
        pjs = take_field_attrs(fld, pjs)
        fld['ty'] = self.ty_from_json(pjs)
        return fld

    # -- enums ---------------------------------------------------------------------------

    def enum_body(self, t, ast, js, ctx):
        items = ast[1] if ast[0] == 'union' else [ast]
        shapes = [self.variant_shape(x) for x in items]
        kinds = {s[0] for s in shapes}
        if kinds <= {'unit', 'external'}:
            return self.external_enum(t, items, shapes, js, ctx)
        if kinds <= {'tagged'}:
            tags = {s[1] for s in shapes}
            if len(tags) != 1:
                raise ModelError(f'{t["name"]}: several tags {tags}')
            tag = tags.pop()
            content = {s[3] for s in shapes if s[3]}
            if content:
                return self.adjacent_enum(t, tag, content.pop(), items, shapes, js, ctx)
            return self.internal_enum(t, tag, items, shapes, js, ctx)
        return self.untagged_enum(t, items, js, ctx)

    def variant_shape(self, x):
        if x[0] == 'lit':
            return ('unit', x[1])
        if x[0] == 'obj' and len(x[1]) == 1 and x[1][0]['quoted'] and x[1][0]['ty'][0] != 'lit':
            return ('external', x[1][0]['name'])
        if x[0] == 'obj' and x[1] and x[1][0]['quoted'] and x[1][0]['ty'][0] == 'lit':
            rest = x[1][1:]
            content = None
            if len(rest) == 1 and rest[0]['quoted']:
                content = rest[0]['name']
            return ('tagged', x[1][0]['name'], x[1][0]['ty'][1], content)
        if x[0] == 'inter' and x[1][0][0] == 'obj' and len(x[1][0][1]) == 1 and x[1][0][1][0]['ty'][0] == 'lit':
            f = x[1][0][1][0]
            return ('tagged', f['name'], f['ty'][1], None)
        return ('other',)

    def external_enum(self, t, items, shapes, js, ctx):
        entries = []
        merged = []
        if isinstance(js, dict):
            if 'oneOf' in js:
                entries = js['oneOf']
            elif 'enum' in js:
                merged = js['enum']
        if len(entries) > 1 and entries[0].get('type') == 'string' and 'enum' in entries[0]:
            # schemars puts the undocumented unit variants, merged, first.
            merged = entries[0]['enum']
        variants = []
        for x, s in zip(items, shapes):
            if s[0] == 'unit':
                v = {'name': s[1], 'kind': 'unit'}
                if js is not None and s[1] not in merged:
                    e = next((e for e in entries if e.get('enum') == [s[1]] and 'properties' not in e), None)
                    if e is None:
                        raise ModelError(f'{t["name"]}: unit {s[1]} not in JSON')
                    v['separate'] = True
                    if 'title' in e:
                        v['title'] = e['title']
                variants.append(v)
            else:
                key = s[1]
                payload = x[1][0]['ty']
                e = next((e for e in entries if e.get('required') == [key] and key in e.get('properties', {})), None)
                if js is not None and e is None:
                    raise ModelError(f'{t["name"]}: variant {key} not in JSON')
                pjs = e['properties'][key] if e else None
                v = {'name': key}
                if e is not None:
                    if 'title' in e:
                        v['title'] = e['title']
                    if e.get('additionalProperties') is not False:
                        v['allow_unknown'] = True
                self.variant_payload(t, v, payload, pjs, ctx)
                variants.append(v)
        flags = {}
        if isinstance(js, dict) and js.get('type') == 'object':
            flags['object_type'] = True
        return ('enum', ('external',), variants, flags)

    def variant_payload(self, t, v, payload, pjs, ctx):
        if payload[0] == 'obj':
            v['kind'] = 'struct'
            props = pjs.get('properties', {}) if isinstance(pjs, dict) else {}
            req = set(pjs.get('required', [])) if isinstance(pjs, dict) else set()
            v['fields'] = [self.field(f, props.get(f['name']), f['name'] in req, ctx, pjs is not None)
                           for f in payload[1]]
            if isinstance(pjs, dict) and pjs.get('additionalProperties') is False:
                v['deny_unknown'] = True
        else:
            v['kind'] = 'newtype'
            v['ty'] = self.ty(payload, pjs, ctx)

    def tagged_entry(self, entries, tag, value):
        for e in entries:
            p = e.get('properties', {}).get(tag)
            if isinstance(p, dict) and p.get('enum') == [value]:
                return e
        return None

    def internal_enum(self, t, tag, items, shapes, js, ctx):
        entries = js.get('oneOf', []) if isinstance(js, dict) else []
        variants = []
        for x, s in zip(items, shapes):
            value = s[2]
            e = self.tagged_entry(entries, tag, value)
            v = {'name': value}
            if js is not None and e is None:
                v['json_skip'] = True
            if e is not None:
                if 'title' in e:
                    v['title'] = e['title']
                tp = e['properties'][tag]
                if 'title' in tp:
                    v['tag_title'] = tp['title']
                for k in e:
                    if k not in ('type', 'properties', 'required', 'title'):
                        raise ModelError(f'{t["name"]}: variant key {k}')
            if x[0] == 'inter':
                # `{ "type": "x" } & Inner`: the inner struct's fields sit beside the tag.
                ref = x[1][1]
                tid = self.resolve(ref[1], ctx)
                sub_js = None
                if e is not None:
                    sub_js = {k: vv for k, vv in e.items() if k not in ('title',)}
                    sub_js = dict(sub_js)
                    sub_js['properties'] = {k: vv for k, vv in e['properties'].items() if k != tag}
                    sub_js['required'] = [r for r in e.get('required', []) if r != tag]
                self.want(tid, sub_js, json_inline=True, no_json_def=True)
                v['kind'] = 'newtype'
                v['ty'] = ('ref',) + tid
            else:
                rest = x[1][1:]
                props = e.get('properties', {}) if e else {}
                req = set(e.get('required', [])) if e else set()
                if rest or (e and len(props) > 1):
                    v['kind'] = 'struct'
                    v['fields'] = [self.field(f, props.get(f['name']), f['name'] in req, ctx, e is not None)
                                   for f in rest]
                    names = {f['name'] for f in rest} | {tag}
                    for pname, pjs in props.items():
                        if pname not in names:
                            fld = self.field_from_json(pname, pjs, pname in req)
                            fld['ts_skip'] = True
                            v['fields'].append(fld)
                else:
                    v['kind'] = 'unit'
            variants.append(v)
        flags = {}
        if isinstance(js, dict) and js.get('type') == 'object':
            flags['object_type'] = True
        return ('enum', ('internal', tag), variants, flags)

    def adjacent_enum(self, t, tag, content, items, shapes, js, ctx):
        entries = js.get('oneOf', []) if isinstance(js, dict) else []
        variants = []
        for x, s in zip(items, shapes):
            value = s[2]
            e = self.tagged_entry(entries, tag, value)
            v = {'name': value}
            if js is not None and e is None:
                v['json_skip'] = True
            if e is not None:
                if 'title' in e:
                    v['title'] = e['title']
                tp = e['properties'][tag]
                if 'title' in tp:
                    v['tag_title'] = tp['title']
            rest = x[1][1:]
            if rest:
                v['kind'] = 'newtype'
                v['ty'] = self.ty(rest[0]['ty'], e['properties'].get(content) if e else None, ctx)
            else:
                v['kind'] = 'unit'
            variants.append(v)
        return ('enum', ('adjacent', tag, content), variants, {})

    def untagged_enum(self, t, items, js, ctx):
        entries = js.get('anyOf') if isinstance(js, dict) else None
        if js is not None and (entries is None or len(entries) != len(items)):
            raise ModelError(f'{t["name"]}: untagged enum without matching anyOf')
        variants = []
        for i, x in enumerate(items):
            ejs = entries[i] if entries else None
            v = {'name': None}
            if x[0] == 'obj':
                v['kind'] = 'struct'
                props = ejs.get('properties', {}) if ejs else {}
                req = set(ejs.get('required', [])) if ejs else set()
                v['fields'] = [self.field(f, props.get(f['name']), f['name'] in req, ctx, ejs is not None)
                               for f in x[1]]
                if ejs and 'title' in ejs:
                    v['title'] = ejs['title']
            else:
                v['kind'] = 'newtype'
                v['ty'] = self.ty(x, ejs, ctx)
            variants.append(v)
        flags = {}
        if isinstance(js, dict) and 'title' in js:
            flags['title'] = js['title']
        return ('enum', ('untagged',), variants, flags)

    # -- type expressions ----------------------------------------------------------------

    def ty(self, ast, js, ctx, map_value_inline=False):
        if ast == JSON_VALUE_EXPANDED:
            return ('json', 'expanded')
        inner, nullable = split_nullable_ts(ast)
        if nullable:
            ijs, jn = split_nullable_js(js) if js is not None else (None, False)
            if js is not None and not jn:
                # `T | null | null`: the second null is already in the schema.
                ijs = js
            return ('opt', self.ty(inner, ijs, ctx))
        k = ast[0]
        if k == 'ref':
            name, args = ast[1], ast[2]
            if name == 'string':
                return ('str',)
            if name == 'boolean':
                return ('bool',)
            if name in ('number', 'bigint'):
                return self.num(name, js)
            if name == 'Array':
                items = js.get('items') if isinstance(js, dict) else None
                return ('vec', self.ty(args[0], items, ctx))
            if name == 'unknown':
                return ('json', 'unknown')
            if name == 'undefined':
                return ('null', 'undefined')
            if name == 'null':
                return ('null',)
            if name == 'JsonValue' and name not in ctx[1] and ctx[0] != 'serde_json':
                raise ModelError('JsonValue not imported')
            tid = self.resolve(name, ctx)
            if tid == ('serde_json', 'JsonValue'):
                return ('json',)
            jn = js_ref_name(js)
            if js is None:
                self.want(tid, None)
            elif jn is not None:
                self.want(tid, self.js.get(jn), json_name=jn)
                self.json_owner.setdefault(jn, set()).add(tid)
            else:
                self.want(tid, js, json_inline=True)
            return ('ref',) + tid
        if k == 'postarr':
            items = js.get('items') if isinstance(js, dict) else None
            return ('vec', self.ty(ast[1], items, ctx), 'postfix')
        if k == 'map':
            ap = js.get('additionalProperties') if isinstance(js, dict) else None
            if ast[1] != ('ref', 'string', []):
                raise ModelError(f'map key {ast[1]}')
            return ('map', self.ty(ast[2], ap, ctx))
        if k == 'tuple':
            items = js.get('items') if isinstance(js, dict) else None
            return ('tuple', [self.ty(x, items[i] if items else None, ctx) for i, x in enumerate(ast[1])])
        if k in ('obj', 'union', 'inter', 'lit'):
            # An inline TypeScript type: JSON has it as a named definition or inline.
            jn = js_ref_name(js)
            if jn is None and js is None and map_value_inline and k == 'obj':
                jn = self.json_def_by_props({f['name'] for f in ast[1]})
            if jn is not None:
                tid = (ctx[0], jn)
                self.want(tid, self.js.get(jn), json_name=jn, ts_ast=ast, ts_imports=ctx[1], ts_ctx_ns=ctx[0],
                          ts_inline=True)
                return ('ref',) + tid
            raise ModelError(f'inline TS type without JSON definition: {str(ast)[:200]} / {str(js)[:200]}')
        if k == 'paren':
            return self.ty(ast[1], js, ctx)
        raise ModelError(f'type {ast}')

    def json_def_by_props(self, names):
        hits = [n for n, d in self.js.items()
                if isinstance(d, dict) and set(d.get('properties', {})) == names]
        if len(hits) != 1:
            raise ModelError(f'no unique JSON definition with properties {sorted(names)}: {hits}')
        return hits[0]

    def num(self, tsname, js):
        if js is True or js is None:
            return ('int', 'i64', tsname)
        ty = js.get('type')
        if ty == 'integer':
            key = (js.get('format'), js.get('minimum'))
            if key not in INT_KINDS:
                raise ModelError(f'integer {js}')
            return ('int', INT_KINDS[key], tsname)
        if ty == 'number':
            return ('float', FLOAT_KINDS[js.get('format')], tsname)
        raise ModelError(f'number {js}')

    # -- JSON-only types (no TypeScript file) -----------------------------------------------

    def body_from_json(self, t, js):
        """A model from the JSON schema alone (types TypeScript never shows)."""
        if js is None:
            raise ModelError(f'{t["name"]}: neither TypeScript nor JSON')
        flags = {'title': js['title']} if isinstance(js, dict) and 'title' in js else {}
        if 'oneOf' in js and 'properties' not in js:
            body = self.enum_from_json(t, js['oneOf'], t['json_name'])
            if js.get('type') == 'object':
                body[3]['object_type'] = True
            body[3].update(flags)
            return body
        if 'properties' in js or js.get('type') == 'object' and 'anyOf' not in js and 'additionalProperties' not in js:
            props = js.get('properties', {})
            req = set(js.get('required', []))
            fields = [self.field_from_json(n, p, n in req) for n, p in props.items()]
            if js.get('additionalProperties') is False:
                flags['deny_unknown'] = True
            elif 'additionalProperties' in js:
                fields.append({'name': '', 'ty': ('map', self.ty_from_json(js['additionalProperties'])),
                               'flatten': True, 'ts': '', 'required': False, 'json_additional': True})
            if 'oneOf' in js:
                sub = (t['ns'], t['name'] + 'Flattened')
                self.types[sub] = {'ns': sub[0], 'name': sub[1], 'json_name': t['json_name'], 'js': None,
                                   'json_inline': True, 'ts_inline': True, 'synthetic': True}
                self.types[sub]['body'] = self.enum_from_json(self.types[sub], js['oneOf'], t['json_name'])
                fields.append({'name': '', 'ty': ('ref',) + sub, 'flatten': True, 'ts': '', 'required': False})
            return ('struct', fields, flags)
        if 'anyOf' in js:
            variants = []
            for e in js['anyOf']:
                if isinstance(e, dict) and 'properties' in e:
                    req = set(e.get('required', []))
                    variants.append({'name': None, 'kind': 'struct',
                                     'fields': [self.field_from_json(n, p, n in req)
                                                for n, p in e['properties'].items()]})
                else:
                    variants.append({'name': None, 'kind': 'newtype', 'ty': self.ty_from_json(e)})
            return ('enum', ('untagged',), variants, flags)
        if js.get('type') == 'string' and 'enum' in js:
            return ('enum', ('external',), [{'name': n, 'kind': 'unit'} for n in js['enum']], flags)
        return ('alias', self.ty_from_json(js))

    def enum_from_json(self, t, entries, base):
        def tag_of(e):
            props = e.get('properties', {}) if isinstance(e, dict) else {}
            return {k for k, p in props.items() if isinstance(p, dict) and p.get('type') == 'string'
                    and isinstance(p.get('enum'), list) and len(p['enum']) == 1}
        objects = [e for e in entries if isinstance(e, dict) and 'properties' in e]
        tagged = None
        if objects and len(objects) == len(entries):
            common = set.intersection(*[tag_of(e) for e in objects])
            for cand in ('type', 'method', 'kind', 'mode', 'status'):
                if cand in common:
                    tagged = cand
                    break
            if tagged is None and len(common) == 1:
                tagged = next(iter(common))
            if tagged is not None and any(e.get('additionalProperties') is False for e in objects):
                tagged = None
        if tagged is not None:
            rest = [set(e['properties']) - {tagged} for e in objects]
            content = None
            names = set().union(*rest)
            if len(names) == 1 and all(len(r) <= 1 for r in rest):
                content = next(iter(names))
            variants = []
            for e in objects:
                value = e['properties'][tagged]['enum'][0]
                v = {'name': value}
                if 'title' in e:
                    v['title'] = e['title']
                if 'title' in e['properties'][tagged]:
                    v['tag_title'] = e['properties'][tagged]['title']
                req = set(e.get('required', []))
                others = [(n, p) for n, p in e['properties'].items() if n != tagged]
                if content is not None:
                    if others:
                        v['kind'] = 'newtype'
                        v['ty'] = self.ty_from_json(others[0][1])
                    else:
                        v['kind'] = 'unit'
                elif others:
                    v['kind'] = 'struct'
                    v['fields'] = [self.field_from_json(n, p, n in req) for n, p in others]
                else:
                    v['kind'] = 'unit'
                variants.append(v)
            tagging = ('adjacent', tagged, content) if content is not None else ('internal', tagged)
            return ['enum', tagging, variants, {}]
        variants = []
        for i, e in enumerate(entries):
            if e.get('type') == 'string' and 'enum' in e:
                merged = i == 0 and len(entries) > 1
                for n in e['enum']:
                    v = {'name': n, 'kind': 'unit'}
                    if not merged:
                        v['separate'] = True
                    variants.append(v)
                continue
            (key,) = e['required']
            v = {'name': key}
            if 'title' in e:
                v['title'] = e['title']
            if e.get('additionalProperties') is not False:
                v['allow_unknown'] = True
            inner = e['properties'][key]
            if isinstance(inner, dict) and 'properties' in inner and '$ref' not in inner:
                req = set(inner.get('required', []))
                v['kind'] = 'struct'
                v['fields'] = [self.field_from_json(n, p, n in req) for n, p in inner['properties'].items()]
                if inner.get('additionalProperties') is False:
                    v['deny_unknown'] = True
            else:
                v['kind'] = 'newtype'
                v['ty'] = self.ty_from_json(inner)
            variants.append(v)
        return ['enum', ('external',), variants, {}]

    def resolve_json(self, jn):
        owners = self.json_owner.get(jn)
        return next(iter(owners)) if owners else ('root', jn)

    def ty_from_json(self, js):
        if js is True or js is None:
            return ('json',)
        inner, nullable = split_nullable_js(js)
        if nullable:
            return ('opt', self.ty_from_json(inner))
        jn = js_ref_name(js)
        if jn is not None:
            tid = self.resolve_json(jn)
            self.want(tid, self.js.get(jn), json_name=jn)
            return ('ref',) + tid
        ty = js.get('type')
        if ty == 'string':
            return ('str',)
        if ty == 'boolean':
            return ('bool',)
        if ty == 'null':
            return ('null',)
        if ty in ('integer', 'number'):
            return self.num('number', js)
        if ty == 'array':
            items = js.get('items')
            if isinstance(items, list):
                return ('tuple', [self.ty_from_json(x) for x in items])
            return ('vec', self.ty_from_json(items))
        if ty == 'object' and 'additionalProperties' in js:
            return ('map', self.ty_from_json(js['additionalProperties']))
        raise ModelError(f'json type {js}')


def json_universe(files):
    """{name: stripped schema} over every definition and file root of one JSON tree."""
    defs = {}
    roots = {}
    for rel, d in files.items():
        if 'schemas.json' in rel:
            continue
        for k, v in d.get('definitions', {}).items():
            defs[k] = strip_descriptions(v)
        root = {k: v for k, v in d.items() if k not in ('definitions', '$schema')}
        roots[rel] = strip_descriptions(root)
    from_root = set()
    for rel, r in roots.items():
        name = r['title']
        body = {k: v for k, v in r.items() if k != 'title'}
        if name not in defs:
            defs[name] = body
            from_root.add(name)
    return defs, roots, from_root


def build_model(ref: Path):
    ts = load_ts_tree(ref / 'ts' / 'experimental')
    files = load_json_tree(ref / 'json' / 'experimental')
    defs, roots, from_root = json_universe(files)
    b = Builder(ts, defs)
    for rel, r in sorted(roots.items()):
        name = r['title']
        cands = [tid for tid in (('v2', name), ('root', name)) if tid in ts]
        tid = cands[0] if cands else ('root', name)
        b.want(tid, defs[name], json_name=name)
        b.json_owner.setdefault(name, set()).add(tid)
        b.types[tid]['json_dir'] = rel.split('/')[0] if '/' in rel else 'root'
    b.run()
    for tid in sorted(ts):
        b.want(tid, None)
    b.run()
    settle_titles(b.types, from_root)
    mark_experimental(b.types, load_ts_tree(ref / 'ts' / 'stable'))
    for t in b.types.values():
        if t['name'] in METHOD_UNIONS and t['ns'] == 'root':
            t['method_union'] = True
    return b


# --------------------------------------------------------------------------------------------
# Titles and experimental marks


def pascal(s):
    """`thread/inject_items` -> `Thread/injectItems`, `on-request` -> `OnRequest`."""
    return ''.join(p[:1].upper() + p[1:] for p in re.split(r'[_\-]', s) if p)


METHOD_UNIONS = {'ClientRequest': 'Request', 'ServerRequest': 'Request',
                 'ClientNotification': 'Notification', 'ServerNotification': 'Notification'}
TITLED_TAGS = ('type', 'method')


def predicted_titles(t, v, base):
    """(variant title, tag title) as the reference writes them for variant `v` of enum `t`."""
    tagging = t['body'][1]
    kind = tagging[0]
    if t['name'] in METHOD_UNIONS:
        base = METHOD_UNIONS[t['name']]
    if kind in ('internal', 'adjacent') and tagging[1] in TITLED_TAGS:
        title = pascal(v['name']) + base
        return title, title + pascal(tagging[1])
    if kind == 'external' and v['kind'] != 'unit':
        return pascal(v['name']) + base, None
    return None, None


def settle_titles(types, from_root):
    """Keeps a variant's title only where the rule above does not give it."""
    for t in types.values():
        if t['body'][0] != 'enum' or (t.get('js') is None and not t.get('synthetic')):
            continue
        base = t['json_name']
        if base in from_root and t.get('json_dir') == 'v2':
            base = 'v2::' + base
        for v in t['body'][2]:
            if v.get('json_skip'):
                continue
            title, tag_title = predicted_titles(t, v, base)
            got, got_tag = v.pop('title', None), v.pop('tag_title', None)
            if got != title:
                v['title_override'] = got or ''
            if got_tag != tag_title:
                v['tag_title_override'] = got_tag or ''


def mark_experimental(types, ts_stable):
    """Flags what only the experimental trees show: method types, fields, variants."""
    for tid, t in types.items():
        if tid in ts_stable or not t.get('has_ts'):
            continue
        t['experimental'] = True
    for tid, (_imports, ast) in ts_stable.items():
        t = types.get(tid)
        if t is None:
            continue
        body = t['body']
        if body[0] == 'struct':
            stable = set()
            node = ast[1][0] if ast[0] == 'inter' else ast
            if node[0] == 'obj':
                stable = {f['name'] for f in node[1]}
            for f in body[1]:
                if f['name'] and f['name'] not in stable and not f.get('ts_skip'):
                    f['experimental'] = True
        elif body[0] == 'enum':
            items = ast[1] if ast[0] == 'union' else [ast]
            stable = set()
            for x in items:
                if x[0] == 'lit':
                    stable.add(x[1])
                elif x[0] == 'obj' and x[1] and x[1][0]['quoted']:
                    f = x[1][0]
                    stable.add(f['ty'][1] if f['ty'][0] == 'lit' else f['name'])
                elif x[0] == 'inter':
                    stable.add(x[1][0][1][0]['ty'][1])
            for v in body[2]:
                if v['name'] is not None and v['name'] not in stable:
                    v['experimental'] = True


class InternalBuilder(Builder):
    """The rollout-line schema: JSON only; definitions equal to the app-server ones are shared."""

    def __init__(self, app, defs):
        super().__init__({}, defs)
        self.types = app.types
        self.app_js = app.js
        self.app_owner = app.json_owner
        self.shared = self.shared_names(defs)

    def shared_names(self, defs):
        same = {n for n, d in defs.items() if n in self.app_js and self.app_js[n] == d
                and len(self.app_owner.get(n, ())) == 1}
        changed = True
        while changed:
            changed = False
            for n in sorted(same):
                found = []
                refs_of(defs[n], found)
                if any(r not in same for r in found):
                    same.discard(n)
                    changed = True
        return same

    def resolve_json(self, jn):
        if jn in self.shared:
            return next(iter(self.app_owner[jn]))
        return ('internal', jn)

    def want(self, tid, js, json_name=None, **flags):
        if tid[0] != 'internal':
            return
        super().want(tid, js, json_name=json_name, **flags)


def refs_of(o, out):
    if isinstance(o, list):
        for x in o:
            refs_of(x, out)
    elif isinstance(o, dict):
        for k, v in o.items():
            if k == '$ref' and isinstance(v, str):
                out.append(v.split('/')[-1])
            elif k not in DATA_KEYWORDS:
                refs_of(v, out)


def build_internal(b, ref: Path):
    raw = json.loads((ref / 'json' / 'internal' / 'RolloutLine.json').read_text())
    doc = strip_descriptions(raw)
    defs = doc.get('definitions', {})
    ib = InternalBuilder(b, defs)
    root = {k: v for k, v in doc.items() if k not in ('definitions', '$schema', 'title')}
    tid = ('internal', doc['title'])
    ib.want(tid, root, json_name=doc['title'])
    b.types[tid]['json_dir'] = 'internal'
    ib.run()
    settle_titles({k: v for k, v in b.types.items() if k[0] == 'internal'}, set())
    return tid
