//! The JSON Schema subset used for tool parameters, serialized with the key
//! order the reference sends: `type`, `description`, `enum`, `items`,
//! `properties`, `required`, `additionalProperties`.
//!
//! Object properties are kept in a `BTreeMap`, so they go out sorted by name
//! as the reference's do; `required` keeps the order it was written in.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::Serializer;
use serde::ser::SerializeMap;

/// One node of a parameter schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonSchema {
    /// `{"type":"string"}`, optionally restricted to `enum` values.
    String {
        /// Text for the model.
        description: Option<String>,
        /// Allowed values, in order.
        enum_values: Option<Vec<String>>,
    },
    /// `{"type":"number"}`.
    Number {
        /// Text for the model.
        description: Option<String>,
    },
    /// `{"type":"integer"}`.
    Integer {
        /// Text for the model.
        description: Option<String>,
    },
    /// `{"type":"boolean"}`.
    Boolean {
        /// Text for the model.
        description: Option<String>,
    },
    /// `{"type":"array","items":...}`.
    Array {
        /// Text for the model.
        description: Option<String>,
        /// Schema of every element.
        items: Box<JsonSchema>,
    },
    /// `{"type":"object","properties":...}`.
    Object(ObjectSchema),
}

/// An object schema: properties, the required ones, and whether others are allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectSchema {
    /// Text for the model.
    pub description: Option<String>,
    /// Properties by name (serialized sorted).
    pub properties: BTreeMap<String, JsonSchema>,
    /// `required`, when the key is present at all (`Some(vec![])` writes `[]`).
    pub required: Option<Vec<String>>,
    /// `additionalProperties`, when present.
    pub additional_properties: Option<bool>,
}

impl JsonSchema {
    /// A described string.
    pub fn string(description: &str) -> Self {
        Self::String {
            description: Some(description.to_owned()),
            enum_values: None,
        }
    }

    /// A described string limited to `values`.
    pub fn string_enum(description: &str, values: &[&str]) -> Self {
        Self::String {
            description: Some(description.to_owned()),
            enum_values: Some(values.iter().map(|v| (*v).to_owned()).collect()),
        }
    }

    /// A described number.
    pub fn number(description: &str) -> Self {
        Self::Number {
            description: Some(description.to_owned()),
        }
    }

    /// A described integer.
    pub fn integer(description: &str) -> Self {
        Self::Integer {
            description: Some(description.to_owned()),
        }
    }

    /// A described boolean.
    pub fn boolean(description: &str) -> Self {
        Self::Boolean {
            description: Some(description.to_owned()),
        }
    }

    /// A described array of undescribed strings.
    pub fn string_array(description: &str) -> Self {
        Self::Array {
            description: Some(description.to_owned()),
            items: Box::new(Self::String {
                description: None,
                enum_values: None,
            }),
        }
    }

    /// A described array of `items`.
    pub fn array(description: &str, items: JsonSchema) -> Self {
        Self::Array {
            description: Some(description.to_owned()),
            items: Box::new(items),
        }
    }
}

impl ObjectSchema {
    /// A closed object (`additionalProperties: false`) with `required` present.
    pub fn closed(properties: Vec<(&str, JsonSchema)>, required: &[&str]) -> Self {
        Self {
            description: None,
            properties: properties
                .into_iter()
                .map(|(name, schema)| (name.to_owned(), schema))
                .collect(),
            required: Some(required.iter().map(|r| (*r).to_owned()).collect()),
            additional_properties: Some(false),
        }
    }

    /// A closed object without a `required` key.
    pub fn closed_optional(properties: Vec<(&str, JsonSchema)>) -> Self {
        Self {
            required: None,
            ..Self::closed(properties, &[])
        }
    }

    /// The same object with a description.
    pub fn described(mut self, description: &str) -> Self {
        self.description = Some(description.to_owned());
        self
    }
}

impl Serialize for JsonSchema {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Self::String {
                description,
                enum_values,
            } => {
                map.serialize_entry("type", "string")?;
                if let Some(d) = description {
                    map.serialize_entry("description", d)?;
                }
                if let Some(values) = enum_values {
                    map.serialize_entry("enum", values)?;
                }
            }
            Self::Number { description } => scalar(&mut map, "number", description.as_deref())?,
            Self::Integer { description } => scalar(&mut map, "integer", description.as_deref())?,
            Self::Boolean { description } => scalar(&mut map, "boolean", description.as_deref())?,
            Self::Array { description, items } => {
                map.serialize_entry("type", "array")?;
                if let Some(d) = description {
                    map.serialize_entry("description", d)?;
                }
                map.serialize_entry("items", items)?;
            }
            Self::Object(object) => object_entries(&mut map, object)?,
        }
        map.end()
    }
}

impl Serialize for ObjectSchema {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        object_entries(&mut map, self)?;
        map.end()
    }
}

fn scalar<M: SerializeMap>(
    map: &mut M,
    kind: &str,
    description: Option<&str>,
) -> Result<(), M::Error> {
    map.serialize_entry("type", kind)?;
    if let Some(d) = description {
        map.serialize_entry("description", d)?;
    }
    Ok(())
}

fn object_entries<M: SerializeMap>(map: &mut M, object: &ObjectSchema) -> Result<(), M::Error> {
    map.serialize_entry("type", "object")?;
    if let Some(d) = &object.description {
        map.serialize_entry("description", d)?;
    }
    map.serialize_entry("properties", &object.properties)?;
    if let Some(required) = &object.required {
        map.serialize_entry("required", required)?;
    }
    if let Some(additional) = object.additional_properties {
        map.serialize_entry("additionalProperties", &additional)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_out_in_reference_order() {
        let schema = ObjectSchema::closed(
            vec![
                ("b", JsonSchema::string_enum("pick", &["x", "y"])),
                ("a", JsonSchema::string_array("list")),
            ],
            &["b"],
        );
        assert_eq!(
            serde_json::to_string(&schema).unwrap(),
            r#"{"type":"object","properties":{"a":{"type":"array","description":"list","items":{"type":"string"}},"b":{"type":"string","description":"pick","enum":["x","y"]}},"required":["b"],"additionalProperties":false}"#
        );
    }

    #[test]
    fn open_object_without_required_key() {
        let schema = JsonSchema::Object(ObjectSchema {
            description: Some("d".into()),
            ..ObjectSchema::default()
        });
        assert_eq!(
            serde_json::to_string(&schema).unwrap(),
            r#"{"type":"object","description":"d","properties":{}}"#
        );
    }
}
