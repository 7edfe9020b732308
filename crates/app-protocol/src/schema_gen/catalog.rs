//! Name lookup over the parsed type table.

use std::collections::HashMap;

use super::SchemaGenError;
use super::model::{Ns, TypeDef};
use super::table;

/// Every type of the table, found by namespace and name.
pub(crate) struct Catalog {
    types: Vec<TypeDef>,
    index: HashMap<(Ns, &'static str), usize>,
}

impl Catalog {
    /// Parses the generated table.
    pub(crate) fn new() -> Result<Self, SchemaGenError> {
        let types = table::parse(crate::generated::table::TEXT)?;
        let index = types
            .iter()
            .enumerate()
            .map(|(i, t)| ((t.ns, t.name), i))
            .collect();
        Ok(Self { types, index })
    }

    pub(crate) fn get(&self, ns: Ns, name: &str) -> Result<&TypeDef, SchemaGenError> {
        self.index
            .get(&(ns, name))
            .and_then(|&i| self.types.get(i))
            .ok_or_else(|| SchemaGenError::UnknownType {
                name: format!("{ns:?}::{name}"),
            })
    }

    pub(crate) fn types(&self) -> impl Iterator<Item = &TypeDef> {
        self.types.iter()
    }
}
