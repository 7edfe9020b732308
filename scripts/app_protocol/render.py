"""Renders the type model back into the reference's JSON-Schema and TypeScript layouts.

A Python twin of `crates/app-protocol/src/schema_gen/`: the generator checks the model with it
before writing the Rust table, so a mismatch shows up here first.
"""

from __future__ import annotations

import json
import re

from .model import predicted_titles

SCHEMA_URL = 'http://json-schema.org/draft-07/schema#'

INT_JSON = {
    'i8': ('int8', None), 'i16': ('int16', None), 'i32': ('int32', None), 'i64': ('int64', None),
    'u8': ('uint8', 0.0), 'u16': ('uint16', 0.0), 'u32': ('uint32', 0.0), 'u64': ('uint64', 0.0),
    'usize': ('uint', 0.0), 'nzusize': ('uint', 1.0), 'isize': ('int', None),
}
FLOAT_JSON = {'f64': 'double', 'f32': 'float'}


class JsonRenderer:
    def __init__(self, types, experimental=True):
        self.types = types
        self.experimental = experimental

    def keep(self, item):
        return self.experimental or not item.get('experimental')

    def ty(self, ty, deps):
        k = ty[0]
        if k == 'str':
            return {'type': 'string'}
        if k == 'bool':
            return {'type': 'boolean'}
        if k == 'int':
            fmt, minimum = INT_JSON[ty[1]]
            s = {'type': 'integer', 'format': fmt}
            if minimum is not None:
                s['minimum'] = minimum
            return s
        if k == 'float':
            return {'type': 'number', 'format': FLOAT_JSON[ty[1]]}
        if k == 'json':
            return True
        if k == 'null':
            return {'type': 'null'}
        if k == 'ref':
            t = self.types[(ty[1], ty[2])]
            if t.get('json_inline'):
                return self.type_schema(t, deps)
            deps.append((ty[1], ty[2]))
            return {'$ref': '#/definitions/' + t['json_name']}
        if k == 'opt':
            s = self.ty(ty[1], deps)
            if s is True:
                return True
            if isinstance(s, dict) and 'type' in s and '$ref' not in s:
                s = dict(s)
                if isinstance(s['type'], list):
                    if 'null' not in s['type']:
                        s['type'] = s['type'] + ['null']
                elif s['type'] != 'null':
                    s['type'] = [s['type'], 'null']
                return s
            return {'anyOf': [s, {'type': 'null'}]}
        if k == 'vec':
            return {'type': 'array', 'items': self.ty(ty[1], deps)}
        if k == 'map':
            return {'type': 'object', 'additionalProperties': self.ty(ty[1], deps)}
        if k == 'tuple':
            n = len(ty[1])
            return {'type': 'array', 'items': [self.ty(x, deps) for x in ty[1]], 'maxItems': n, 'minItems': n}
        raise ValueError(ty)

    def field(self, f, deps):
        s = self.ty(f['ty'], deps)
        extra = {}
        if 'default' in f:
            extra['default'] = json.loads(f['default'])
        if f.get('write_only'):
            extra['writeOnly'] = True
        if f.get('json_title'):
            extra['title'] = f['json_title']
        if extra:
            if s is True:
                s = {}
            if '$ref' in s:
                s = {'allOf': [s]}
            s = {**s, **extra}
        return s

    def object(self, fields, deps, tag=None, tag_schema=None):
        props = {}
        required = []
        if tag is not None:
            props[tag] = tag_schema
            required.append(tag)
        for f in fields:
            if f.get('json_skip'):
                continue
            if not self.keep(f):
                # Stable output drops the field but keeps the definitions it needs.
                self.ty(f['ty'], deps)
                continue
            if f.get('flatten'):
                continue
            props[f['name']] = self.field(f, deps)
            if f.get('required'):
                required.append(f['name'])
        s = {'type': 'object'}
        if required:
            s['required'] = sorted(required)
        s['properties'] = props
        return s

    def struct(self, t, fields, flags, deps):
        s = self.object(fields, deps)
        if not s['properties'] and not any(f.get('flatten') for f in fields):
            del s['properties']
        for f in fields:
            if not f.get('flatten'):
                continue
            ty = f['ty']
            if ty[0] == 'map':
                if f.get('json_additional'):
                    s['additionalProperties'] = self.ty(ty[1], deps)
                else:
                    # Registered as a definition, though nothing refers to it.
                    self.ty(ty[1], deps)
            else:
                inner = self.type_schema(self.types[(ty[1], ty[2])], deps)
                s.update(inner)
        if not s.get('properties') and 'properties' in s:
            del s['properties']
        if flags.get('deny_unknown'):
            s['additionalProperties'] = False
        return s

    def type_schema(self, t, deps, base=None):
        saved = getattr(self, 'base', None)
        self.base = base or t['json_name']
        try:
            return self.type_schema_inner(t, deps)
        finally:
            self.base = saved

    def type_schema_inner(self, t, deps):
        body = t['body']
        if body[0] == 'alias':
            s = self.ty(body[1], deps)
        elif body[0] == 'struct':
            s = self.struct(t, body[1], body[2], deps)
        else:
            s = self.enum(t, body[1], body[2], body[3], deps)
        flags = body[2] if body[0] == 'struct' else (body[3] if body[0] == 'enum' else {})
        if flags.get('title') and isinstance(s, dict):
            s = {**s, 'title': flags['title']}
        return s

    def titles(self, t, v):
        title, tag_title = predicted_titles(t, v, self.base)
        if 'title_override' in v:
            title = v['title_override'] or None
        if 'tag_title_override' in v:
            tag_title = v['tag_title_override'] or None
        return title, tag_title

    def tag_schema(self, t, v):
        s = {'type': 'string', 'enum': [v['name']]}
        tag_title = self.titles(t, v)[1]
        if tag_title:
            s['title'] = tag_title
        return s

    def enum(self, t, tagging, variants, flags, deps):
        for v in variants:
            if not v.get('json_skip') and not self.keep(v):
                # Stable output drops the variant but keeps the definitions it needs.
                self.variant_deps(t, v, deps)
        variants = [v for v in variants if not v.get('json_skip') and self.keep(v)]
        kind = tagging[0]
        if kind == 'external':
            merged = [v['name'] for v in variants if v['kind'] == 'unit' and not v.get('separate')]
            complex_ = [v for v in variants if not (v['kind'] == 'unit' and not v.get('separate'))]
            unit_schema = {'type': 'string', 'enum': merged}
            if not complex_:
                s = unit_schema
            else:
                items = [unit_schema] if merged else []
                for v in complex_:
                    if v['kind'] == 'unit':
                        e = {'type': 'string', 'enum': [v['name']]}
                    else:
                        if v['kind'] == 'newtype':
                            inner = self.ty(v['ty'], deps)
                        else:
                            inner = self.object(v['fields'], deps)
                            if not inner['properties']:
                                del inner['properties']
                            if v.get('deny_unknown'):
                                inner['additionalProperties'] = False
                        e = {'type': 'object', 'required': [v['name']], 'properties': {v['name']: inner}}
                        if not v.get('allow_unknown'):
                            e['additionalProperties'] = False
                    title = self.titles(t, v)[0]
                    if title:
                        e['title'] = title
                    items.append(e)
                s = {'oneOf': items}
        elif kind == 'internal':
            tag = tagging[1]
            items = []
            for v in variants:
                if v['kind'] == 'unit':
                    e = self.object([], deps, tag, self.tag_schema(t, v))
                elif v['kind'] == 'struct':
                    e = self.object(v['fields'], deps, tag, self.tag_schema(t, v))
                else:
                    inner_t = self.types[(v['ty'][1], v['ty'][2])]
                    e = self.object(inner_t['body'][1], deps, tag, self.tag_schema(t, v))
                title = self.titles(t, v)[0]
                if title:
                    e['title'] = title
                items.append(e)
            s = {'oneOf': items}
        elif kind == 'adjacent':
            tag, content = tagging[1], tagging[2]
            items = []
            for v in variants:
                e = {'type': 'object'}
                props = {tag: self.tag_schema(t, v)}
                req = [tag]
                if v['kind'] == 'newtype':
                    props[content] = self.ty(v['ty'], deps)
                    req.append(content)
                e['required'] = sorted(req)
                e['properties'] = props
                title = self.titles(t, v)[0]
                if title:
                    e['title'] = title
                items.append(e)
            s = {'oneOf': items}
        else:
            items = []
            for v in variants:
                if v['kind'] == 'newtype':
                    e = self.ty(v['ty'], deps)
                else:
                    e = self.object(v['fields'], deps)
                    title = self.titles(t, v)[0]
                    if title:
                        e['title'] = title
                items.append(e)
            s = {'anyOf': items}
        if flags.get('object_type'):
            s = {'type': 'object', **s}
        return s

    def variant_deps(self, t, v, deps):
        if v['kind'] == 'newtype':
            self.ty(v['ty'], deps)
        elif v['kind'] == 'struct':
            self.object(v['fields'], deps)

    def closure(self, deps):
        out = {}
        seen = set()
        todo = list(deps)
        while todo:
            tid = todo.pop()
            if tid in seen:
                continue
            seen.add(tid)
            t = self.types[tid]
            more = []
            schema = self.type_schema(t, more)
            todo.extend(more)
            if self.keep(t):
                out[t['json_name']] = schema
        return dict(sorted(out.items()))

    def file(self, tid):
        t = self.types[tid]
        deps = []
        base = 'v2::' + t['json_name'] if t['ns'] == 'v2' and t['json_dir'] == 'v2' else None
        root = self.type_schema(t, deps, base)
        s = {'$schema': SCHEMA_URL, 'title': t['json_name']}
        if isinstance(root, dict):
            s.update({k: v for k, v in root.items() if k != 'title'})
        defs = self.closure(deps)
        if defs:
            s['definitions'] = defs
        return s


def rewrite_refs(o, names):
    """Points references to the names in `names` into the bundle's `v2` namespace."""
    if isinstance(o, list):
        return [rewrite_refs(x, names) for x in o]
    if not isinstance(o, dict):
        return o
    r = {}
    for k, v in o.items():
        if k == '$ref' and isinstance(v, str) and v.split('/')[-1] in names:
            r[k] = '#/definitions/v2/' + v.split('/')[-1]
        elif k in ('default', 'enum', 'required'):
            r[k] = v
        else:
            r[k] = rewrite_refs(v, names)
    return r


def flatten_refs(o):
    if isinstance(o, list):
        return [flatten_refs(x) for x in o]
    if not isinstance(o, dict):
        return o
    r = {}
    for k, v in o.items():
        if k == '$ref' and isinstance(v, str):
            r[k] = v.replace('#/definitions/v2/', '#/definitions/')
        elif k in ('default', 'enum', 'required'):
            r[k] = v
        else:
            r[k] = flatten_refs(v)
    return r


def refs_in(o, out):
    if isinstance(o, list):
        for x in o:
            refs_in(x, out)
    elif isinstance(o, dict):
        for k, v in o.items():
            if k == '$ref' and isinstance(v, str):
                out.append(v)
            elif k not in ('default', 'enum', 'required'):
                refs_in(v, out)


def json_tree(types, experimental):
    """{relative path: schema} for one `generate-json-schema` output folder."""
    r = JsonRenderer(types, experimental)
    roots = sorted((tid for tid, t in types.items() if t.get('json_dir') in ('root', 'v1', 'v2')),
                   key=lambda tid: (types[tid]['json_dir'], types[tid]['json_name']))
    files = {}
    rendered = {}
    for tid in roots:
        t = types[tid]
        f = r.file(tid)
        rendered[tid] = f
        if r.keep(t):
            d = t['json_dir']
            rel = t['json_name'] + '.json' if d == 'root' else f'{d}/{t["json_name"]}.json'
            files[rel] = f
    v2names = set()
    for tid in roots:
        if types[tid]['json_dir'] == 'v2':
            v2names.add(types[tid]['json_name'])
            v2names |= set(rendered[tid].get('definitions', {}))
    top, v2 = {}, {}
    from_root = set()
    for tid in roots:
        t = types[tid]
        f = rendered[tid]
        in_v2 = t['json_dir'] == 'v2'
        target = v2 if in_v2 else top
        for name, schema in f.get('definitions', {}).items():
            if not in_v2 and name in v2names and t['json_dir'] != 'v1':
                continue
            if (id(target), name) in from_root:
                continue
            target[name] = rewrite_refs(schema, v2names)
        if r.keep(t):
            root = {k: v for k, v in f.items() if k != 'definitions'}
            target[t['json_name']] = rewrite_refs(root, v2names)
            from_root.add((id(target), t['json_name']))
    defs = dict(top)
    defs['v2'] = v2
    files['codex_app_server_protocol.schemas.json'] = {
        '$schema': SCHEMA_URL, 'title': 'CodexAppServerProtocol', 'type': 'object', 'definitions': defs}
    flat = {k: flatten_refs(v) for k, v in v2.items()}
    todo = ['ClientRequest', 'ServerNotification']
    while todo:
        name = todo.pop()
        if name in flat or name not in top:
            continue
        flat[name] = flatten_refs(top[name])
        found = []
        refs_in(top[name], found)
        todo.extend(x.split('/')[-1] for x in found if not x.startswith('#/definitions/v2/'))
    files['codex_app_server_protocol.v2.schemas.json'] = {
        '$schema': SCHEMA_URL, 'title': 'CodexAppServerProtocolV2', 'type': 'object', 'definitions': flat}
    return files


# --------------------------------------------------------------------------------------------
# TypeScript

TS_HEADER = '// Generated by recodex (scripts/gen-app-protocol.py table). Do not edit.\n\n'
JSON_VALUE_TS = 'number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null'
IDENT_RE = re.compile(r'^[A-Za-z_$][A-Za-z0-9_$]*$')


def ts_dir(ns):
    return '' if ns == 'root' else ns


def ts_rel_import(from_ns, to_ns, name):
    a = [] if from_ns == 'root' else from_ns.split('/')
    b = [] if to_ns == 'root' else to_ns.split('/')
    while a and b and a[0] == b[0]:
        a, b = a[1:], b[1:]
    prefix = './' if not a else '../' * len(a)
    return prefix + '/'.join(b + [name])


class TsRenderer:
    def __init__(self, types, experimental=True):
        self.types = types
        self.experimental = experimental

    def keep(self, item):
        return self.experimental or not item.get('experimental')

    def ty(self, ty, imports):
        k = ty[0]
        if k == 'str':
            return 'string'
        if k == 'bool':
            return 'boolean'
        if k in ('int', 'float'):
            return ty[2]
        if k == 'json':
            if len(ty) > 1 and ty[1] == 'unknown':
                return 'unknown'
            if len(ty) > 1 and ty[1] == 'expanded':
                imports.add(('serde_json', 'JsonValue'))
                return JSON_VALUE_TS
            imports.add(('serde_json', 'JsonValue'))
            return 'JsonValue'
        if k == 'null':
            return 'undefined' if len(ty) > 1 else 'null'
        if k == 'ref':
            t = self.types[(ty[1], ty[2])]
            if t.get('ts_inline'):
                return self.body(t, imports)
            imports.add((ty[1], ty[2]))
            return t['name']
        if k == 'opt':
            return self.ty(ty[1], imports) + ' | null'
        if k == 'vec':
            if len(ty) > 2:
                return self.ty(ty[1], imports) + '[]'
            return 'Array<' + self.ty(ty[1], imports) + '>'
        if k == 'map':
            return '{ [key in string]?: ' + self.ty(ty[1], imports) + ' }'
        if k == 'tuple':
            return '[' + ', '.join(self.ty(x, imports) for x in ty[1]) + ']'
        raise ValueError(ty)

    def field(self, f, imports):
        name = f['name']
        if f.get('ts_quoted') or not IDENT_RE.match(name):
            name = json.dumps(name)
        ty = f['ty']
        if f['ts'] == '?':
            if ty[0] == 'opt':
                ty = ty[1]
            return f'{name}?: {self.ty(ty, imports)}'
        if f['ts'] == '?null':
            return f'{name}?: {self.ty(ty, imports)}'
        return f'{name}: {self.ty(ty, imports)}'

    def fields(self, fields, imports, head=()):
        parts = list(head)
        for f in fields:
            if f.get('ts_skip') or f.get('flatten') or not self.keep(f):
                continue
            parts.append(self.field(f, imports))
        return parts

    def obj(self, parts):
        return '{ ' + ''.join(p + ', ' for p in parts) + '}'

    def body(self, t, imports):
        body = t['body']
        if body[0] == 'alias':
            return self.ty(body[1], imports)
        if body[0] == 'struct':
            fields = body[1]
            flat = [f for f in fields if f.get('flatten')]
            parts = self.fields(fields, imports)
            if body[2].get('bare_map'):
                return self.ty(flat[0]['ty'], imports)
            if not parts and not flat:
                return 'Record<string, never>'
            s = self.obj(parts)
            for f in flat:
                s += ' & (' + self.ty(f['ty'], imports) + ')'
            return s
        tagging, variants = body[1], body[2]
        items = []
        for v in variants:
            if not self.keep(v):
                continue
            items.append(self.variant(tagging, v, imports))
        return ' | '.join(items)

    def variant(self, tagging, v, imports):
        kind = tagging[0]
        if kind == 'external':
            name = json.dumps(v['name'])
            if v['kind'] == 'unit':
                return name
            if v['kind'] == 'newtype':
                return '{ ' + name + ': ' + self.ty(v['ty'], imports) + ' }'
            return '{ ' + name + ': ' + self.obj(self.fields(v['fields'], imports)) + ' }'
        if kind in ('internal', 'adjacent'):
            head = json.dumps(tagging[1]) + ': ' + json.dumps(v['name'])
            if v['kind'] == 'unit':
                return '{ ' + head + ' }'
            if v['kind'] == 'struct':
                return self.obj(self.fields(v['fields'], imports, [head]))
            if kind == 'adjacent':
                return '{ ' + head + ', ' + json.dumps(tagging[2]) + ': ' + self.ty(v['ty'], imports) + ' }'
            return '{ ' + head + ' } & ' + self.ty(v['ty'], imports)
        if v['kind'] == 'newtype':
            return self.ty(v['ty'], imports)
        return self.obj(self.fields(v['fields'], imports))

    def file(self, tid):
        t = self.types[tid]
        if tid == ('serde_json', 'JsonValue'):
            text = JSON_VALUE_TS
            imports = set()
        else:
            imports = set()
            text = self.body(t, imports)
        imports.discard(tid)
        lines = sorted((ts_rel_import(t['ns'], ns, name), name) for ns, name in imports)
        out = TS_HEADER
        for path, name in lines:
            out += f'import type {{ {name} }} from "{path}";\n'
        if lines:
            out += '\n'
        out += f'export type {t["name"]} = {text};\n'
        return out


def ts_tree(types, experimental):
    r = TsRenderer(types, experimental)
    files = {}
    index = {}
    for tid, t in sorted(types.items()):
        if not t.get('has_ts') or not r.keep(t):
            continue
        d = ts_dir(t['ns'])
        rel = f'{d}/{t["name"]}.ts' if d else f'{t["name"]}.ts'
        files[rel] = r.file(tid)
        if t['ns'] in ('root', 'v2'):
            index.setdefault(t['ns'], []).append(t['name'])
    for ns, names in index.items():
        out = TS_HEADER
        for n in sorted(names):
            out += f'export type {{ {n} }} from "./{n}";\n'
        if ns == 'root':
            out += 'export * as v2 from "./v2";\n'
        files[('' if ns == 'root' else ns + '/') + 'index.ts'] = out
    return files


def ts_canonical(text):
    """The TypeScript text with comments and whitespace removed and `,}` written `}`."""
    out = []
    i = 0
    n = len(text)
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
