//! The type model the schema writers read, as parsed from the text table
//! (`crate::generated::table`, see [`super::table`] for its syntax).
//!
//! One [`TypeDef`] per protocol type: its name, the folder its TypeScript file lives in, and
//! its body as serde sees it (fields with their wire names, enum variants with their tagging).
//! The table holds facts only (names, shapes, default values); the rules that turn them into
//! JSON Schema and TypeScript live in [`super::json`] and [`super::ts`]. Names borrow from the
//! table text.

/// The TypeScript folder of a type (and, for JSON, whether it belongs to the `v2` namespace).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub(crate) enum Ns {
    /// The output root: the legacy v1 API and the types shared with the engine.
    Root,
    /// `v2/`.
    V2,
    /// `serde_json/` (only `JsonValue`).
    SerdeJson,
    /// Types only the rollout-line schema uses; they have no TypeScript file.
    Internal,
}

/// The folder of a type's own JSON Schema file, for the types that get one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum JsonDir {
    /// The output root.
    Root,
    /// `v1/`.
    V1,
    /// `v2/`.
    V2,
    /// The internal schema (`RolloutLine.json`).
    Internal,
}

/// Integer types, as serde reads them (their JSON `format` follows from the kind).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum IntKind {
    I32,
    I64,
    U16,
    U32,
    U64,
    Usize,
    NonZeroUsize,
}

/// Floating-point types.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FloatKind {
    F32,
    F64,
}

/// How TypeScript spells a number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum TsNum {
    Number,
    Bigint,
}

/// A type expression.
#[derive(Clone, Debug)]
pub(crate) enum Ty {
    Str,
    Bool,
    Int(IntKind, TsNum),
    Float(FloatKind, TsNum),
    /// Any JSON value (`JsonValue` in TypeScript).
    Json,
    /// Any JSON value that TypeScript spells `unknown`.
    JsonUnknown,
    /// Any JSON value that TypeScript spells out in full (inside a flattened map).
    JsonExpanded,
    /// Absent (TypeScript `undefined`, JSON `null`).
    Undefined,
    Ref(Ns, &'static str),
    Opt(Box<Ty>),
    Vec(Box<Ty>),
    /// A vector TypeScript spells `T[]`.
    VecPostfix(Box<Ty>),
    /// A map with string keys.
    Map(Box<Ty>),
}

/// Whether TypeScript marks a field optional (`name?:`), and whether it keeps `| null`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum TsOpt {
    /// `name: T`.
    Required,
    /// `name?: T`, one `Option` layer dropped.
    Optional,
    /// `name?: T | null`.
    OptionalNullable,
}

/// A field's flags (bits of [`Field::flags`]).
pub(crate) mod field {
    /// Listed in the JSON schema's `required`.
    pub(crate) const REQUIRED: u8 = 1;
    /// `#[serde(flatten)]`: a map or an enum merged into the parent object.
    pub(crate) const FLATTEN: u8 = 1 << 1;
    /// Read but never written (JSON `writeOnly`).
    pub(crate) const WRITE_ONLY: u8 = 1 << 2;
    /// Absent from TypeScript.
    pub(crate) const TS_SKIP: u8 = 1 << 3;
    /// Absent from the JSON schema.
    pub(crate) const JSON_SKIP: u8 = 1 << 4;
    /// Only in the experimental API.
    pub(crate) const EXPERIMENTAL: u8 = 1 << 5;
    /// TypeScript quotes the name.
    pub(crate) const TS_QUOTED: u8 = 1 << 6;
    /// A flattened map that JSON shows as `additionalProperties`.
    pub(crate) const JSON_ADDITIONAL: u8 = 1 << 7;
}

/// One field of a struct or of a struct variant.
#[derive(Debug)]
pub(crate) struct Field {
    /// The wire name (empty for a flattened field).
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
    pub(crate) ts: TsOpt,
    /// Bits from [`field`].
    pub(crate) flags: u8,
    /// The JSON schema's `default`, as JSON text.
    pub(crate) default: Option<&'static str>,
}

impl Field {
    pub(crate) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// A variant's flags (bits of [`Variant::flags`]).
pub(crate) mod variant {
    /// A unit variant JSON lists on its own rather than in the merged string enum.
    pub(crate) const SEPARATE: u8 = 1;
    /// An externally tagged object variant without `additionalProperties: false`.
    pub(crate) const ALLOW_UNKNOWN: u8 = 1 << 1;
    /// A struct variant whose inner object has `additionalProperties: false`.
    pub(crate) const DENY_UNKNOWN: u8 = 1 << 2;
    /// Absent from the JSON schema.
    pub(crate) const JSON_SKIP: u8 = 1 << 3;
    /// Only in the experimental API.
    pub(crate) const EXPERIMENTAL: u8 = 1 << 4;
}

/// A variant title: the rule's, or a given one.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Title {
    Rule,
    Given(&'static str),
}

/// The payload of a variant.
#[derive(Debug)]
pub(crate) enum VariantKind {
    Unit,
    Newtype(Ty),
    Struct(Vec<Field>),
}

/// One enum variant.
#[derive(Debug)]
pub(crate) struct Variant {
    /// The wire name (tag value or key); empty for untagged variants.
    pub(crate) name: &'static str,
    pub(crate) kind: VariantKind,
    /// Bits from [`variant`].
    pub(crate) flags: u8,
    pub(crate) title: Title,
    pub(crate) tag_title: Title,
}

impl Variant {
    pub(crate) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// How an enum is tagged on the wire (serde's four representations).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Tagging {
    External,
    Internal(&'static str),
    Adjacent(&'static str, &'static str),
    Untagged,
}

/// A type's body.
#[derive(Debug)]
pub(crate) enum Body {
    Alias(Ty),
    Struct(Vec<Field>),
    Enum(Tagging, Vec<Variant>),
}

/// A type's flags (bits of [`TypeDef::flags`]).
pub(crate) mod ty {
    /// Has its own TypeScript file.
    pub(crate) const HAS_TS: u16 = 1;
    /// TypeScript writes it out where it is used.
    pub(crate) const TS_INLINE: u16 = 1 << 1;
    /// JSON writes it out where it is used (no definition).
    pub(crate) const JSON_INLINE: u16 = 1 << 2;
    /// Only in the experimental API (the types of experimental methods).
    pub(crate) const EXPERIMENTAL: u16 = 1 << 3;
    /// One of the four method unions (`ClientRequest`, ...).
    pub(crate) const METHOD_UNION: u16 = 1 << 4;
    /// A struct holding only a flattened map: TypeScript shows the map alone.
    pub(crate) const BARE_MAP: u16 = 1 << 5;
    /// JSON `additionalProperties: false`.
    pub(crate) const DENY_UNKNOWN: u16 = 1 << 6;
    /// An enum whose JSON schema also says `"type": "object"`.
    pub(crate) const OBJECT_TYPE: u16 = 1 << 7;
}

/// One protocol type.
#[derive(Debug)]
pub(crate) struct TypeDef {
    pub(crate) name: &'static str,
    pub(crate) ns: Ns,
    /// The name of its JSON definition (usually `name`).
    pub(crate) json_name: &'static str,
    /// Where its own JSON Schema file goes, if it has one.
    pub(crate) json_dir: Option<JsonDir>,
    /// A `title` its JSON schema carries wherever it appears.
    pub(crate) title: Option<&'static str>,
    /// Bits from [`ty`].
    pub(crate) flags: u16,
    pub(crate) body: Body,
}

impl TypeDef {
    pub(crate) fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}
