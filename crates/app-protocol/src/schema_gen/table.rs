//! Parses the text type table (`crate::generated::table::TEXT`) into the [`model`](super::model).
//!
//! The table is text rather than Rust statics to keep the binary small: one string, no
//! pointers to relocate. One item per line, tokens separated by single spaces, `#` starts a
//! comment line:
//!
//! ```text
//! struct <ns> <Name> <flags> [json=<JsonName>] [dir=<dir>] [title=<title>]
//! enum   <ns> <Name> <flags> tag=<tagging> [json=...] [dir=...] [title=...]
//! alias  <ns> <Name> <flags> ty=<type> [json=...] [dir=...]
//! v <name> <unit|struct|new:<type>> <flags> [title=<title>] [tagtitle=<title>]
//! f <name> <type> <flags> [default=<json>]
//! ```
//!
//! A `v` line adds a variant to the last enum; an `f` line adds a field to the last struct,
//! or to the last enum's last variant. `<ns>`: `root`, `v2`, `serde_json`, `internal`;
//! `<dir>` (where the type's own JSON file goes): `root`, `v1`, `v2`, `internal`;
//! `<tagging>`: `external`, `internal:<tag>`, `adjacent:<tag>:<content>`, `untagged`. An
//! untagged variant's name is `-`. Types: `str`, `bool`, `json`, `unknown` (JSON value shown
//! as `unknown`), `jsonx` (JSON value spelled out), `undef`, `<int>:<num|big>` with `<int>` one
//! of `i32 i64 u16 u32 u64 usize nzusize f32 f64`, `@<ns>.<Name>`, and `opt(T)`, `vec(T)`,
//! `vecp(T)` (TypeScript `T[]`), `map(T)`. Flags are letters (`-` for none):
//! - types: `t` has a TypeScript file, `i` TypeScript inlines it, `J` JSON inlines it,
//!   `x` experimental, `m` method union, `b` bare flattened map, `d` denies unknown fields,
//!   `o` enum also typed `object`;
//! - variants: `s` separate in JSON, `u` allows unknown fields, `c` inner object denies them,
//!   `j` not in JSON, `x` experimental;
//! - fields: `r` required, `o` TypeScript `?`, `n` TypeScript `?` keeping `| null`,
//!   `f` flattened, `w` write-only, `t` not in TypeScript, `j` not in JSON, `x` experimental,
//!   `q` quoted in TypeScript, `a` flattened map shown as `additionalProperties`.

use super::SchemaGenError;
use super::model::{
    Body, Field, FloatKind, IntKind, JsonDir, Ns, Tagging, Title, TsNum, TsOpt, Ty, TypeDef,
    Variant, VariantKind, field, ty, variant,
};

type Res<T> = Result<T, String>;

fn ns(s: &str) -> Res<Ns> {
    Ok(match s {
        "root" => Ns::Root,
        "v2" => Ns::V2,
        "serde_json" => Ns::SerdeJson,
        "internal" => Ns::Internal,
        _ => return Err(format!("unknown namespace {s}")),
    })
}

fn dir(s: &str) -> Res<JsonDir> {
    Ok(match s {
        "root" => JsonDir::Root,
        "v1" => JsonDir::V1,
        "v2" => JsonDir::V2,
        "internal" => JsonDir::Internal,
        _ => return Err(format!("unknown folder {s}")),
    })
}

fn flags<T: Copy + std::ops::BitOr<Output = T> + Default>(s: &str, table: &[(char, T)]) -> Res<T> {
    let mut out = T::default();
    for c in s.chars().filter(|&c| c != '-') {
        let (_, bit) = table
            .iter()
            .find(|(k, _)| *k == c)
            .ok_or_else(|| format!("unknown flag {c}"))?;
        out = out | *bit;
    }
    Ok(out)
}

const TYPE_FLAGS: &[(char, u16)] = &[
    ('t', ty::HAS_TS),
    ('i', ty::TS_INLINE),
    ('J', ty::JSON_INLINE),
    ('x', ty::EXPERIMENTAL),
    ('m', ty::METHOD_UNION),
    ('b', ty::BARE_MAP),
    ('d', ty::DENY_UNKNOWN),
    ('o', ty::OBJECT_TYPE),
];
const VARIANT_FLAGS: &[(char, u8)] = &[
    ('s', variant::SEPARATE),
    ('u', variant::ALLOW_UNKNOWN),
    ('c', variant::DENY_UNKNOWN),
    ('j', variant::JSON_SKIP),
    ('x', variant::EXPERIMENTAL),
];
const FIELD_FLAGS: &[(char, u8)] = &[
    ('r', field::REQUIRED),
    ('f', field::FLATTEN),
    ('w', field::WRITE_ONLY),
    ('t', field::TS_SKIP),
    ('j', field::JSON_SKIP),
    ('x', field::EXPERIMENTAL),
    ('q', field::TS_QUOTED),
    ('a', field::JSON_ADDITIONAL),
];

/// Parses a type expression.
fn parse_ty(s: &'static str) -> Res<Ty> {
    let (ty, rest) = ty_prefix(s)?;
    if rest.is_empty() {
        Ok(ty)
    } else {
        Err(format!("trailing text in type {s}"))
    }
}

fn ty_prefix(s: &'static str) -> Res<(Ty, &'static str)> {
    for (word, wrap) in [("opt(", 0), ("vecp(", 1), ("vec(", 2), ("map(", 3)] {
        if let Some(rest) = s.strip_prefix(word) {
            let (inner, rest) = ty_prefix(rest)?;
            let rest = rest
                .strip_prefix(')')
                .ok_or_else(|| format!("missing ) in {s}"))?;
            let inner = Box::new(inner);
            let ty = match wrap {
                0 => Ty::Opt(inner),
                1 => Ty::VecPostfix(inner),
                2 => Ty::Vec(inner),
                _ => Ty::Map(inner),
            };
            return Ok((ty, rest));
        }
    }
    let end = s.find(')').unwrap_or(s.len());
    let (word, rest) = s.split_at(end);
    let ty = match word {
        "str" => Ty::Str,
        "bool" => Ty::Bool,
        "json" => Ty::Json,
        "unknown" => Ty::JsonUnknown,
        "jsonx" => Ty::JsonExpanded,
        "undef" => Ty::Undefined,
        _ => {
            if let Some(reference) = word.strip_prefix('@') {
                let (n, name) = reference
                    .split_once('.')
                    .ok_or_else(|| format!("bad reference {word}"))?;
                Ty::Ref(ns(n)?, name)
            } else {
                let (kind, ts) = word
                    .split_once(':')
                    .ok_or_else(|| format!("unknown type {word}"))?;
                let ts = match ts {
                    "num" => TsNum::Number,
                    "big" => TsNum::Bigint,
                    _ => return Err(format!("unknown number spelling {ts}")),
                };
                let int = |k| Ty::Int(k, ts);
                match kind {
                    "i32" => int(IntKind::I32),
                    "i64" => int(IntKind::I64),
                    "u16" => int(IntKind::U16),
                    "u32" => int(IntKind::U32),
                    "u64" => int(IntKind::U64),
                    "usize" => int(IntKind::Usize),
                    "nzusize" => int(IntKind::NonZeroUsize),
                    "f32" => Ty::Float(FloatKind::F32, ts),
                    "f64" => Ty::Float(FloatKind::F64, ts),
                    _ => return Err(format!("unknown number type {kind}")),
                }
            }
        }
    };
    Ok((ty, rest))
}

fn attr(tokens: &[&'static str], key: &str) -> Option<&'static str> {
    tokens
        .iter()
        .find_map(|t| t.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

fn tagging(s: &'static str) -> Res<Tagging> {
    let mut parts = s.split(':');
    Ok(match (parts.next(), parts.next(), parts.next()) {
        (Some("external"), None, None) => Tagging::External,
        (Some("untagged"), None, None) => Tagging::Untagged,
        (Some("internal"), Some(tag), None) => Tagging::Internal(tag),
        (Some("adjacent"), Some(tag), Some(content)) => Tagging::Adjacent(tag, content),
        _ => return Err(format!("unknown tagging {s}")),
    })
}

fn parse_field(tokens: &[&'static str]) -> Res<Field> {
    let [name, ty, fl, ..] = tokens else {
        return Err("a field needs a name, a type and flags".to_owned());
    };
    let ts = match (fl.contains('o'), fl.contains('n')) {
        (true, _) => TsOpt::Optional,
        (_, true) => TsOpt::OptionalNullable,
        _ => TsOpt::Required,
    };
    let stripped: String = fl.chars().filter(|c| !matches!(c, 'o' | 'n')).collect();
    Ok(Field {
        name: if *name == "-" { "" } else { name },
        ty: parse_ty(ty)?,
        ts,
        flags: flags(&stripped, FIELD_FLAGS)?,
        default: attr(tokens, "default"),
    })
}

fn parse_variant(tokens: &[&'static str]) -> Res<Variant> {
    let [name, kind, fl, ..] = tokens else {
        return Err("a variant needs a name, a kind and flags".to_owned());
    };
    let kind = match *kind {
        "unit" => VariantKind::Unit,
        "struct" => VariantKind::Struct(Vec::new()),
        other => VariantKind::Newtype(parse_ty(
            other
                .strip_prefix("new:")
                .ok_or_else(|| format!("unknown variant kind {other}"))?,
        )?),
    };
    let title = |key| attr(tokens, key).map_or(Title::Rule, Title::Given);
    Ok(Variant {
        name: if *name == "-" { "" } else { name },
        kind,
        flags: flags(fl, VARIANT_FLAGS)?,
        title: title("title"),
        tag_title: title("tagtitle"),
    })
}

fn parse_type(tokens: &[&'static str]) -> Res<TypeDef> {
    let [kind, n, name, fl, ..] = tokens else {
        return Err("a type needs a kind, a namespace, a name and flags".to_owned());
    };
    let body = match *kind {
        "struct" => Body::Struct(Vec::new()),
        "enum" => Body::Enum(
            tagging(attr(tokens, "tag").ok_or("an enum needs tag=")?)?,
            Vec::new(),
        ),
        "alias" => Body::Alias(parse_ty(attr(tokens, "ty").ok_or("an alias needs ty=")?)?),
        other => return Err(format!("unknown item {other}")),
    };
    Ok(TypeDef {
        name,
        ns: ns(n)?,
        json_name: attr(tokens, "json").unwrap_or(name),
        json_dir: attr(tokens, "dir").map(dir).transpose()?,
        title: attr(tokens, "title"),
        flags: flags(fl, TYPE_FLAGS)?,
        body,
    })
}

fn add_field(types: &mut [TypeDef], f: Field) -> Res<()> {
    let last = types.last_mut().ok_or("a field before any type")?;
    match &mut last.body {
        Body::Struct(fields) => fields.push(f),
        Body::Enum(_, variants) => match variants.last_mut().map(|v| &mut v.kind) {
            Some(VariantKind::Struct(fields)) => fields.push(f),
            _ => return Err("a field after a variant that is not a struct".to_owned()),
        },
        Body::Alias(_) => return Err("a field in an alias".to_owned()),
    }
    Ok(())
}

/// Parses the whole table.
pub(crate) fn parse(text: &'static str) -> Result<Vec<TypeDef>, SchemaGenError> {
    let mut types: Vec<TypeDef> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let tokens: Vec<&'static str> = line.split(' ').collect();
        let result = match tokens.first() {
            Some(&"f") => parse_field(&tokens[1..]).and_then(|f| add_field(&mut types, f)),
            Some(&"v") => parse_variant(&tokens[1..]).and_then(|v| {
                match types.last_mut().map(|t| &mut t.body) {
                    Some(Body::Enum(_, variants)) => {
                        variants.push(v);
                        Ok(())
                    }
                    _ => Err("a variant outside an enum".to_owned()),
                }
            }),
            _ => parse_type(&tokens).map(|t| types.push(t)),
        };
        result.map_err(|message| SchemaGenError::Table {
            line: i + 1,
            message,
        })?;
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_item() {
        let text = "struct v2 Thread t dir=v2\n\
                    f id str r\n\
                    f name opt(str) rn default=null\n\
                    f - map(json) fa\n\
                    enum root Status t tag=internal:type\n\
                    v idle unit -\n\
                    v active struct x title=ActiveStatus\n\
                    f flags vec(@v2.ThreadActiveFlag) r\n\
                    alias root Id - ty=i64:big\n";
        let types = parse(text).expect("parses");
        assert_eq!(types.len(), 3);
        let Body::Struct(fields) = &types[0].body else {
            panic!("struct")
        };
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[1].ts, TsOpt::OptionalNullable);
        assert_eq!(fields[1].default, Some("null"));
        let Body::Enum(Tagging::Internal("type"), variants) = &types[1].body else {
            panic!("enum")
        };
        assert!(matches!(&variants[1].kind, VariantKind::Struct(f) if f.len() == 1));
        assert!(matches!(variants[1].title, Title::Given("ActiveStatus")));
        assert!(matches!(
            types[2].body,
            Body::Alias(Ty::Int(IntKind::I64, TsNum::Bigint))
        ));
        assert!(parse("struct v3 X -\n").is_err());
    }
}
