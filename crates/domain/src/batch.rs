//! Batches: named groups of a project's assets.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use crate::error::{DomainError, DomainResult};
use crate::fields::{Fields, is_hex_color, type_name};
use crate::id::Id;

/// A batch of a project.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Batch id; generated when not sent.
    #[serde(rename = "_id")]
    #[schema(value_type = String, pattern = "^[0-9a-f]{24}$")]
    pub id: Id,
    /// Unique within the project.
    #[schema(min_length = 1, max_length = 256)]
    pub name: String,
    /// Free text (`""` when none was sent).
    #[schema(max_length = 10000)]
    pub description: String,
    /// `#RRGGBB`, or null.
    #[schema(pattern = "^#[0-9A-Fa-f]{6}$")]
    pub color: Option<String>,
}

/// Checks a whole `batches` array.
pub fn validate_batches(value: Value, max: usize) -> DomainResult<Vec<Batch>> {
    let Value::Array(items) = value else {
        return Err(DomainError::field(
            "batches",
            format!("must be an array, got {}", type_name(&value)),
        ));
    };
    if items.len() > max {
        return Err(DomainError::field(
            "batches",
            format!("must have at most {max} batches, got {}", items.len()),
        ));
    }
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    let mut batches = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("batches[{i}]");
        let mut fields = Fields::from_value(item, &path)?;
        let id = match fields.take("_id") {
            None | Some(Value::Null) => Id::generate(),
            Some(Value::String(s)) => Id::parse(&fields.path("_id"), &s)?,
            Some(other) => {
                return Err(fields.error(
                    "_id",
                    format!("must be a string, got {}", type_name(&other)),
                ));
            }
        };
        let name = fields
            .string("name", 1, 256)?
            .ok_or_else(|| fields.error("name", "is required"))?;
        let description = fields
            .nullable_string("description", 10_000)?
            .flatten()
            .unwrap_or_default();
        let color = fields.nullable_string("color", 7)?.flatten();
        if let Some(c) = &color
            && !is_hex_color(c)
        {
            return Err(fields.error("color", format!("must be a #RRGGBB colour, got {c:?}")));
        }
        if !names.insert(name.clone()) {
            return Err(fields.error("name", format!("{name:?} is used by another batch")));
        }
        if !ids.insert(id.clone()) {
            return Err(fields.error("_id", format!("{id} is used by another batch")));
        }
        fields.finish()?;
        batches.push(Batch {
            id,
            name,
            description,
            color,
        });
    }
    Ok(batches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generates_ids_and_rejects_duplicates() {
        let b = validate_batches(
            json!([{"name": "a", "color": "#FF5733"}, {"name": "b"}]),
            100,
        )
        .unwrap();
        assert_eq!(b.len(), 2);
        assert_ne!(b[0].id, b[1].id);
        let err = validate_batches(json!([{"name": "a"}, {"name": "a"}]), 100)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("batches[1].name"), "{err}");
        assert!(validate_batches(json!([{"name": "a", "color": "blue"}]), 100).is_err());
        assert!(validate_batches(json!([{"name": ""}]), 100).is_err());
    }
}
