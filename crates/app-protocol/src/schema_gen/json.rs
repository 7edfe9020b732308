//! JSON Schema (draft-07, schemars 0.8 conventions) from the type table.
//!
//! What the reference writes, reproduced from the table's facts:
//! - an `Option` adds `"null"` to a schema's `type`, or wraps a reference in
//!   `anyOf: [T, {"type": "null"}]`; a field with a `default` wraps a reference in `allOf`;
//! - externally tagged enums list their plain unit variants merged in one string `enum`
//!   first, then each other variant (an object with one required key);
//! - internally and adjacently tagged variants are objects holding the tag; the reference
//!   titles them `<Value><Type>` (and the tag `<Value><Type><Tag>`) when the tag is `type`
//!   or `method`, with `Request` / `Notification` as the type for the method unions;
//! - every file carries the definitions its root reaches, sorted by name; stable output
//!   drops experimental fields, variants and method types but keeps what they reach.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value, json};

use super::SchemaGenError;
use super::catalog::Catalog;
use super::model::{
    Body, Field, FloatKind, IntKind, JsonDir, Ns, Tagging, Title, Ty, TypeDef, Variant,
    VariantKind, field, ty, variant,
};

pub(crate) const SCHEMA_URL: &str = "http://json-schema.org/draft-07/schema#";

type Deps<'c> = Vec<&'c TypeDef>;
type Res<T> = Result<T, SchemaGenError>;

/// Renders schemas for one flavour (stable or experimental).
pub(crate) struct JsonWriter<'c> {
    cat: &'c Catalog,
    experimental: bool,
    /// The type name variant titles are built from.
    base: String,
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_owned(), v);
    }
    Value::Object(m)
}

/// `thread/inject_items` -> `Thread/injectItems`, `on-request` -> `OnRequest`.
pub(crate) fn pascal(s: &str) -> String {
    let mut out = String::new();
    for part in s.split(['_', '-']).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

fn method_union_base(name: &str) -> &'static str {
    if name.ends_with("Request") {
        "Request"
    } else {
        "Notification"
    }
}

/// The titles the reference gives variant `v` of enum `t`, before the table's overrides.
fn rule_titles(
    t: &TypeDef,
    tagging: Tagging,
    v: &Variant,
    base: &str,
) -> (Option<String>, Option<String>) {
    let base = if t.has(ty::METHOD_UNION) {
        method_union_base(t.name)
    } else {
        base
    };
    match tagging {
        Tagging::Internal(tag) | Tagging::Adjacent(tag, _) if tag == "type" || tag == "method" => {
            let title = format!("{}{base}", pascal(v.name));
            let tag_title = format!("{title}{}", pascal(tag));
            (Some(title), Some(tag_title))
        }
        Tagging::External if !matches!(v.kind, VariantKind::Unit) => {
            (Some(format!("{}{base}", pascal(v.name))), None)
        }
        _ => (None, None),
    }
}

fn apply(rule: Option<String>, given: Title) -> Option<String> {
    match given {
        Title::Rule => rule,
        Title::Given(s) => Some(s.to_owned()),
    }
}

impl<'c> JsonWriter<'c> {
    pub(crate) fn new(cat: &'c Catalog, experimental: bool) -> Self {
        Self {
            cat,
            experimental,
            base: String::new(),
        }
    }

    fn keep_field(&self, f: &Field) -> bool {
        self.experimental || !f.has(field::EXPERIMENTAL)
    }

    fn keep_variant(&self, v: &Variant) -> bool {
        self.experimental || !v.has(variant::EXPERIMENTAL)
    }

    pub(crate) fn keep_type(&self, t: &TypeDef) -> bool {
        self.experimental || !t.has(ty::EXPERIMENTAL)
    }

    fn ty(&mut self, t: &Ty, deps: &mut Deps<'c>) -> Res<Value> {
        Ok(match *t {
            Ty::Str => json!({"type": "string"}),
            Ty::Bool => json!({"type": "boolean"}),
            Ty::Int(kind, _) => {
                let (format, minimum) = match kind {
                    IntKind::I32 => ("int32", None),
                    IntKind::I64 => ("int64", None),
                    IntKind::U16 => ("uint16", Some(0.0)),
                    IntKind::U32 => ("uint32", Some(0.0)),
                    IntKind::U64 => ("uint64", Some(0.0)),
                    IntKind::Usize => ("uint", Some(0.0)),
                    IntKind::NonZeroUsize => ("uint", Some(1.0)),
                };
                let mut pairs = vec![("type", json!("integer")), ("format", json!(format))];
                if let Some(min) = minimum {
                    pairs.push(("minimum", json!(min)));
                }
                obj(pairs)
            }
            Ty::Float(kind, _) => {
                let format = match kind {
                    FloatKind::F32 => "float",
                    FloatKind::F64 => "double",
                };
                json!({"type": "number", "format": format})
            }
            Ty::Json | Ty::JsonUnknown | Ty::JsonExpanded => Value::Bool(true),
            Ty::Undefined => json!({"type": "null"}),
            Ty::Ref(ns, name) => {
                let target = self.cat.get(ns, name)?;
                if target.has(ty::JSON_INLINE) {
                    return self.type_schema(target, deps, None);
                }
                deps.push(target);
                json!({"$ref": format!("#/definitions/{}", target.json_name)})
            }
            Ty::Opt(ref inner) => {
                let s = self.ty(inner, deps)?;
                nullable(s)
            }
            Ty::Vec(ref inner) | Ty::VecPostfix(ref inner) => {
                let items = self.ty(inner, deps)?;
                obj(vec![("type", json!("array")), ("items", items)])
            }
            Ty::Map(ref inner) => {
                let values = self.ty(inner, deps)?;
                obj(vec![
                    ("type", json!("object")),
                    ("additionalProperties", values),
                ])
            }
        })
    }

    fn field(&mut self, f: &Field, deps: &mut Deps<'c>) -> Res<Value> {
        let s = self.ty(&f.ty, deps)?;
        let mut extra = Vec::new();
        if let Some(text) = f.default {
            let value: Value =
                serde_json::from_str(text).map_err(|e| SchemaGenError::BadDefault {
                    text: text.to_owned(),
                    source: e,
                })?;
            extra.push(("default", value));
        }
        if f.has(field::WRITE_ONLY) {
            extra.push(("writeOnly", Value::Bool(true)));
        }
        if extra.is_empty() {
            return Ok(s);
        }
        let mut m = Map::new();
        for (k, v) in extra {
            m.insert(k.to_owned(), v);
        }
        match s {
            Value::Object(inner) if inner.contains_key("$ref") => {
                m.insert("allOf".to_owned(), Value::Array(vec![Value::Object(inner)]));
            }
            Value::Object(inner) => m.extend(inner),
            _ => {}
        }
        Ok(Value::Object(m))
    }

    /// An object schema of `fields`, with `tag` first when given.
    fn object(
        &mut self,
        fields: &[Field],
        deps: &mut Deps<'c>,
        tag: Option<(&str, Value)>,
    ) -> Res<Map<String, Value>> {
        let mut props = Map::new();
        let mut required = BTreeSet::new();
        if let Some((name, schema)) = tag {
            props.insert(name.to_owned(), schema);
            required.insert(name.to_owned());
        }
        for f in fields {
            if f.has(field::JSON_SKIP) || f.has(field::FLATTEN) {
                continue;
            }
            if !self.keep_field(f) {
                // Stable output drops the field but keeps the definitions it needs.
                self.ty(&f.ty, deps)?;
                continue;
            }
            props.insert(f.name.to_owned(), self.field(f, deps)?);
            if f.has(field::REQUIRED) {
                required.insert(f.name.to_owned());
            }
        }
        let mut s = Map::new();
        s.insert("type".to_owned(), json!("object"));
        if !required.is_empty() {
            s.insert(
                "required".to_owned(),
                Value::Array(required.into_iter().map(Value::String).collect()),
            );
        }
        s.insert("properties".to_owned(), Value::Object(props));
        Ok(s)
    }

    fn strukt(
        &mut self,
        t: &TypeDef,
        fields: &[Field],
        deps: &mut Deps<'c>,
    ) -> Res<Map<String, Value>> {
        let mut s = self.object(fields, deps, None)?;
        let empty = s
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty);
        if empty {
            s.remove("properties");
        }
        for f in fields.iter().filter(|f| f.has(field::FLATTEN)) {
            match f.ty {
                Ty::Map(ref inner) => {
                    let values = self.ty(inner, deps)?;
                    if f.has(field::JSON_ADDITIONAL) {
                        s.insert("additionalProperties".to_owned(), values);
                    }
                }
                Ty::Ref(ns, name) => {
                    let inner = self.cat.get(ns, name)?;
                    if let Value::Object(m) = self.type_schema(inner, deps, None)? {
                        s.extend(m);
                    }
                }
                _ => {}
            }
        }
        if t.has(ty::DENY_UNKNOWN) {
            s.insert("additionalProperties".to_owned(), Value::Bool(false));
        }
        Ok(s)
    }

    fn titles(
        &self,
        t: &TypeDef,
        tagging: Tagging,
        v: &Variant,
    ) -> (Option<String>, Option<String>) {
        let (title, tag_title) = rule_titles(t, tagging, v, &self.base);
        (apply(title, v.title), apply(tag_title, v.tag_title))
    }

    fn tag_schema(&self, t: &TypeDef, tagging: Tagging, v: &Variant) -> Value {
        let mut pairs = vec![("type", json!("string")), ("enum", json!([v.name]))];
        if let Some(title) = self.titles(t, tagging, v).1 {
            pairs.push(("title", Value::String(title)));
        }
        obj(pairs)
    }

    fn variant_deps(&mut self, v: &Variant, deps: &mut Deps<'c>) -> Res<()> {
        match v.kind {
            VariantKind::Unit => {}
            VariantKind::Newtype(ref inner) => {
                self.ty(inner, deps)?;
            }
            VariantKind::Struct(ref fields) => {
                self.object(fields, deps, None)?;
            }
        }
        Ok(())
    }

    fn enumeration(
        &mut self,
        t: &TypeDef,
        tagging: Tagging,
        all: &[Variant],
        deps: &mut Deps<'c>,
    ) -> Res<Value> {
        let mut variants: Vec<&Variant> = Vec::new();
        for v in all {
            if v.has(variant::JSON_SKIP) {
                continue;
            }
            if self.keep_variant(v) {
                variants.push(v);
            } else {
                // Stable output drops the variant but keeps the definitions it needs.
                self.variant_deps(v, deps)?;
            }
        }
        let mut items = Vec::new();
        let key = match tagging {
            Tagging::External => {
                let plain =
                    |v: &Variant| matches!(v.kind, VariantKind::Unit) && !v.has(variant::SEPARATE);
                let merged: Vec<Value> = variants
                    .iter()
                    .filter(|v| plain(v))
                    .map(|v| json!(v.name))
                    .collect();
                let unit_schema = obj(vec![
                    ("type", json!("string")),
                    ("enum", Value::Array(merged.clone())),
                ]);
                if variants.iter().all(|v| plain(v)) {
                    return Ok(self.enum_flags(t, unit_schema));
                }
                if !merged.is_empty() {
                    items.push(unit_schema);
                }
                for v in variants.into_iter().filter(|v| !plain(v)) {
                    let mut e = match v.kind {
                        VariantKind::Unit => {
                            let mut m = Map::new();
                            m.insert("type".to_owned(), json!("string"));
                            m.insert("enum".to_owned(), json!([v.name]));
                            m
                        }
                        VariantKind::Newtype(ref inner) => {
                            let inner = self.ty(inner, deps)?;
                            Self::external_object(v, inner)
                        }
                        VariantKind::Struct(ref fields) => {
                            let mut inner = self.object(fields, deps, None)?;
                            if inner
                                .get("properties")
                                .and_then(Value::as_object)
                                .is_some_and(Map::is_empty)
                            {
                                inner.remove("properties");
                            }
                            if v.has(variant::DENY_UNKNOWN) {
                                inner.insert("additionalProperties".to_owned(), Value::Bool(false));
                            }
                            Self::external_object(v, Value::Object(inner))
                        }
                    };
                    if let Some(title) = self.titles(t, tagging, v).0 {
                        e.insert("title".to_owned(), Value::String(title));
                    }
                    items.push(Value::Object(e));
                }
                "oneOf"
            }
            Tagging::Internal(tag) => {
                for v in variants {
                    let tag_schema = self.tag_schema(t, tagging, v);
                    let mut e = match v.kind {
                        VariantKind::Unit => self.object(&[], deps, Some((tag, tag_schema)))?,
                        VariantKind::Struct(ref fields) => {
                            self.object(fields, deps, Some((tag, tag_schema)))?
                        }
                        VariantKind::Newtype(Ty::Ref(ns, name)) => {
                            let inner = self.cat.get(ns, name)?;
                            let fields: &[Field] = match inner.body {
                                Body::Struct(ref fields) => fields,
                                _ => &[],
                            };
                            self.object(fields, deps, Some((tag, tag_schema)))?
                        }
                        VariantKind::Newtype(_) => {
                            self.object(&[], deps, Some((tag, tag_schema)))?
                        }
                    };
                    if let Some(title) = self.titles(t, tagging, v).0 {
                        e.insert("title".to_owned(), Value::String(title));
                    }
                    items.push(Value::Object(e));
                }
                "oneOf"
            }
            Tagging::Adjacent(tag, content) => {
                for v in variants {
                    let mut props = Map::new();
                    props.insert(tag.to_owned(), self.tag_schema(t, tagging, v));
                    let mut required = vec![tag];
                    if let VariantKind::Newtype(ref inner) = v.kind {
                        props.insert(content.to_owned(), self.ty(inner, deps)?);
                        required.push(content);
                    }
                    required.sort_unstable();
                    let mut e = Map::new();
                    e.insert("type".to_owned(), json!("object"));
                    e.insert("required".to_owned(), json!(required));
                    e.insert("properties".to_owned(), Value::Object(props));
                    if let Some(title) = self.titles(t, tagging, v).0 {
                        e.insert("title".to_owned(), Value::String(title));
                    }
                    items.push(Value::Object(e));
                }
                "oneOf"
            }
            Tagging::Untagged => {
                for v in variants {
                    let e = match v.kind {
                        VariantKind::Newtype(ref inner) => self.ty(inner, deps)?,
                        VariantKind::Struct(ref fields) => {
                            Value::Object(self.object(fields, deps, None)?)
                        }
                        VariantKind::Unit => json!({"type": "null"}),
                    };
                    items.push(e);
                }
                "anyOf"
            }
        };
        let s = obj(vec![(key, Value::Array(items))]);
        Ok(self.enum_flags(t, s))
    }

    fn external_object(v: &Variant, inner: Value) -> Map<String, Value> {
        let mut props = Map::new();
        props.insert(v.name.to_owned(), inner);
        let mut e = Map::new();
        e.insert("type".to_owned(), json!("object"));
        e.insert("required".to_owned(), json!([v.name]));
        e.insert("properties".to_owned(), Value::Object(props));
        if !v.has(variant::ALLOW_UNKNOWN) {
            e.insert("additionalProperties".to_owned(), Value::Bool(false));
        }
        e
    }

    fn enum_flags(&self, t: &TypeDef, s: Value) -> Value {
        if t.has(ty::OBJECT_TYPE)
            && let Value::Object(m) = s
        {
            let mut out = Map::new();
            out.insert("type".to_owned(), json!("object"));
            out.extend(m);
            return Value::Object(out);
        }
        s
    }

    /// The schema of `t` itself; `base` overrides the name variant titles are built from.
    pub(crate) fn type_schema(
        &mut self,
        t: &'c TypeDef,
        deps: &mut Deps<'c>,
        base: Option<String>,
    ) -> Res<Value> {
        let saved = std::mem::replace(
            &mut self.base,
            base.unwrap_or_else(|| t.json_name.to_owned()),
        );
        let out = self.type_schema_inner(t, deps);
        self.base = saved;
        let mut s = out?;
        if let (Some(title), Value::Object(m)) = (t.title, &mut s) {
            m.insert("title".to_owned(), json!(title));
        }
        Ok(s)
    }

    fn type_schema_inner(&mut self, t: &'c TypeDef, deps: &mut Deps<'c>) -> Res<Value> {
        match t.body {
            Body::Alias(ref inner) => self.ty(inner, deps),
            Body::Struct(ref fields) => Ok(Value::Object(self.strukt(t, fields, deps)?)),
            Body::Enum(tagging, ref variants) => self.enumeration(t, tagging, variants, deps),
        }
    }

    /// The definitions `deps` reach, by JSON name.
    fn closure(&mut self, deps: Deps<'c>) -> Res<BTreeMap<String, Value>> {
        let mut out = BTreeMap::new();
        let mut seen: HashSet<(Ns, &str)> = HashSet::new();
        let mut todo = deps;
        while let Some(t) = todo.pop() {
            if !seen.insert((t.ns, t.name)) {
                continue;
            }
            let mut more = Vec::new();
            let schema = self.type_schema(t, &mut more, None)?;
            todo.extend(more);
            if self.keep_type(t) {
                out.insert(t.json_name.to_owned(), schema);
            }
        }
        Ok(out)
    }

    /// The whole file of root type `t`: `$schema`, `title`, its schema and its definitions.
    pub(crate) fn file(&mut self, t: &'c TypeDef) -> Res<Map<String, Value>> {
        let mut deps = Vec::new();
        let base = (t.ns == Ns::V2 && t.json_dir == Some(JsonDir::V2))
            .then(|| format!("v2::{}", t.json_name));
        let root = self.type_schema(t, &mut deps, base)?;
        let mut s = Map::new();
        s.insert("$schema".to_owned(), json!(SCHEMA_URL));
        s.insert("title".to_owned(), json!(t.json_name));
        if let Value::Object(m) = root {
            for (k, v) in m {
                if k != "title" {
                    s.insert(k, v);
                }
            }
        }
        let defs = self.closure(deps)?;
        if !defs.is_empty() {
            s.insert(
                "definitions".to_owned(),
                Value::Object(defs.into_iter().collect()),
            );
        }
        Ok(s)
    }
}

fn nullable(s: Value) -> Value {
    match s {
        Value::Bool(true) => Value::Bool(true),
        Value::Object(mut m) if m.contains_key("type") && !m.contains_key("$ref") => {
            let null = json!("null");
            let ty = m.get("type").cloned().unwrap_or(Value::Null);
            let new = match ty {
                Value::Array(mut list) => {
                    if !list.contains(&null) {
                        list.push(null);
                    }
                    Value::Array(list)
                }
                Value::String(single) if single == "null" => Value::String(single),
                other => Value::Array(vec![other, null]),
            };
            m.insert("type".to_owned(), new);
            Value::Object(m)
        }
        other => obj(vec![(
            "anyOf",
            Value::Array(vec![other, json!({"type": "null"})]),
        )]),
    }
}
