//! categorySchema: the project's ontology of tools, classifications and relations.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::error::{DomainError, DomainResult};
use crate::fields::{Fields, is_hex_color, type_name};
use crate::id::Id;

pub const TOOLS: &[&str] = &[
    "bounding-box",
    "segmentation",
    "polyline",
    "polygon",
    "rotated-bounding-box",
    "ner",
    "point",
    "pdf",
    "brush",
    "pct",
];
pub const CLASSIFICATIONS: &[&str] = &[
    "multi-dropdown",
    "single-dropdown",
    "tree-dropdown",
    "radio",
    "checkbox",
    "text",
    "instance",
    "boolean",
];
pub const RELATIONS: &[&str] = &["one-to-one", "group", "one-to-many"];

/// Limits on a categorySchema's shape.
#[derive(Clone, Copy, Debug)]
pub struct SchemaLimits {
    /// Deepest nesting of `classifications` inside items (top-level items are depth 1).
    pub max_depth: usize,
    /// Most items (of every kind, nested ones and options included).
    pub max_items: usize,
}

impl Default for SchemaLimits {
    fn default() -> Self {
        Self {
            max_depth: 8,
            max_items: 10_000,
        }
    }
}

/// The schema of a new project.
pub fn empty_schema() -> Value {
    serde_json::json!({"tools": [], "classifications": [], "relations": []})
}

/// Checks a categorySchema and returns it with missing `schemaId`s generated.
pub fn validate_category_schema(value: Value, limits: SchemaLimits) -> DomainResult<Value> {
    let mut fields = Fields::from_value(value, "categorySchema")?;
    let mut walker = Walker {
        seen: HashSet::new(),
        items: 0,
        limits,
    };
    let mut out = Map::new();
    for (key, allowed) in [
        ("tools", TOOLS),
        ("classifications", CLASSIFICATIONS),
        ("relations", RELATIONS),
    ] {
        let items = fields.array(key)?.unwrap_or_default();
        let path = format!("categorySchema.{key}");
        out.insert(
            key.to_string(),
            Value::Array(walker.items(items, &path, allowed, 1)?),
        );
    }
    fields.finish()?;
    Ok(Value::Object(out))
}

struct Walker {
    seen: HashSet<String>,
    items: usize,
    limits: SchemaLimits,
}

impl Walker {
    fn items(
        &mut self,
        items: Vec<Value>,
        path: &str,
        allowed: &[&str],
        depth: usize,
    ) -> DomainResult<Vec<Value>> {
        if depth > self.limits.max_depth {
            return Err(DomainError::field(
                path,
                format!(
                    "nests deeper than the limit of {} levels",
                    self.limits.max_depth
                ),
            ));
        }
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| self.item(item, &format!("{path}[{i}]"), allowed, depth))
            .collect()
    }

    fn count(&mut self, path: &str) -> DomainResult<()> {
        self.items += 1;
        if self.items > self.limits.max_items {
            return Err(DomainError::field(
                path,
                format!(
                    "exceeds the limit of {} schema items",
                    self.limits.max_items
                ),
            ));
        }
        Ok(())
    }

    fn item(
        &mut self,
        item: Value,
        path: &str,
        allowed: &[&str],
        depth: usize,
    ) -> DomainResult<Value> {
        self.count(path)?;
        let Value::Object(mut map) = item else {
            return Err(DomainError::field(
                path,
                format!("must be an object, got {}", type_name(&item)),
            ));
        };
        match map.get("tool") {
            Some(Value::String(tool)) if allowed.contains(&tool.as_str()) => {}
            Some(Value::String(tool)) => {
                return Err(DomainError::field(
                    format!("{path}.tool"),
                    format!("must be one of {}, got {tool:?}", allowed.join(", ")),
                ));
            }
            Some(other) => {
                return Err(DomainError::field(
                    format!("{path}.tool"),
                    format!("must be a string, got {}", type_name(other)),
                ));
            }
            None => return Err(DomainError::field(format!("{path}.tool"), "is required")),
        }
        let schema_id = self.schema_id(map.get("schemaId"), &format!("{path}.schemaId"))?;
        map.insert("schemaId".into(), Value::String(schema_id));
        check_optional(&map, path, "title", |v| v.is_string(), "a string")?;
        check_optional(&map, path, "required", Value::is_boolean, "a boolean")?;
        check_optional(&map, path, "shortcutKey", |v| v.is_string(), "a string")?;
        check_optional(
            &map,
            path,
            "columnField",
            |v| v.is_string() || v.is_boolean(),
            "a string or boolean",
        )?;
        if let Some(color) = map.get("color").filter(|v| !v.is_null())
            && !color.as_str().is_some_and(is_hex_color)
        {
            return Err(DomainError::field(
                format!("{path}.color"),
                format!("must be a #RRGGBB colour, got {color}"),
            ));
        }
        // Replaced in place: removing and re-inserting would move the key (and, with
        // serde_json's `preserve_order`, swap the last key into its place).
        if let Some(slot) = map.get_mut("classifications") {
            *slot = match std::mem::take(slot) {
                Value::Null => Value::Null,
                Value::Array(items) => Value::Array(self.items(
                    items,
                    &format!("{path}.classifications"),
                    CLASSIFICATIONS,
                    depth + 1,
                )?),
                other => {
                    return Err(DomainError::field(
                        format!("{path}.classifications"),
                        format!("must be an array, got {}", type_name(&other)),
                    ));
                }
            };
        }
        if let Some(slot) = map.get_mut("options") {
            *slot = self.options(std::mem::take(slot), &format!("{path}.options"))?;
        }
        Ok(Value::Object(map))
    }

    fn schema_id(&mut self, value: Option<&Value>, path: &str) -> DomainResult<String> {
        let id = match value {
            None | Some(Value::Null) => Id::generate().into_string(),
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::String(_)) => return Err(DomainError::field(path, "must not be empty")),
            Some(other) => {
                return Err(DomainError::field(
                    path,
                    format!("must be a string, got {}", type_name(other)),
                ));
            }
        };
        if !self.seen.insert(id.clone()) {
            return Err(DomainError::field(
                path,
                format!("{id:?} is used by another item of the schema"),
            ));
        }
        Ok(id)
    }

    fn options(&mut self, options: Value, path: &str) -> DomainResult<Value> {
        let items = match options {
            Value::Null => return Ok(Value::Null),
            Value::Array(items) => items,
            other => {
                return Err(DomainError::field(
                    path,
                    format!("must be an array, got {}", type_name(&other)),
                ));
            }
        };
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(items.len());
        for (i, option) in items.into_iter().enumerate() {
            let option_path = format!("{path}[{i}]");
            self.count(&option_path)?;
            let Value::Object(mut map) = option else {
                return Err(DomainError::field(
                    option_path,
                    format!("must be an object, got {}", type_name(&option)),
                ));
            };
            let id = match map.get("schemaId") {
                None | Some(Value::Null) => Id::generate().into_string(),
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                Some(_) => {
                    return Err(DomainError::field(
                        format!("{option_path}.schemaId"),
                        "must be a non-empty string",
                    ));
                }
            };
            if !seen.insert(id.clone()) {
                return Err(DomainError::field(
                    format!("{option_path}.schemaId"),
                    format!("{id:?} is used by another option of this item"),
                ));
            }
            map.insert("schemaId".into(), Value::String(id));
            out.push(Value::Object(map));
        }
        Ok(Value::Array(out))
    }
}

fn check_optional(
    map: &Map<String, Value>,
    path: &str,
    key: &str,
    ok: impl Fn(&Value) -> bool,
    expected: &str,
) -> DomainResult<()> {
    match map.get(key) {
        Some(v) if !v.is_null() && !ok(v) => Err(DomainError::field(
            format!("{path}.{key}"),
            format!("must be {expected} or null, got {}", type_name(v)),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value) -> DomainResult<Value> {
        validate_category_schema(v, SchemaLimits::default())
    }

    #[test]
    fn generates_missing_schema_ids_and_keeps_unknown_keys() {
        let out = check(
            json!({"tools": [{"tool": "bounding-box", "title": "Car", "frameSpecific": true,
            "classifications": [{"tool": "radio", "options": [{"value": "a"}]}]}]}),
        )
        .unwrap();
        let tool = &out["tools"][0];
        assert!(tool["schemaId"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(tool["frameSpecific"], true);
        assert!(tool["classifications"][0]["options"][0]["schemaId"].is_string());
        assert_eq!(out["relations"], json!([]));
    }

    #[test]
    fn unknown_tool_lists_allowed_values() {
        let err = check(json!({"tools": [{"tool": "lasso"}]}))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("categorySchema.tools[0].tool must be one of bounding-box"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_schema_ids_across_nesting_are_rejected() {
        let err = check(json!({"tools": [{"tool": "point", "schemaId": "x",
            "classifications": [{"tool": "text", "schemaId": "x"}]}]}))
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("categorySchema.tools[0].classifications[0].schemaId")
        );
    }

    #[test]
    fn depth_limit_applies() {
        let mut item = json!({"tool": "text"});
        for _ in 0..8 {
            item = json!({"tool": "text", "classifications": [item]});
        }
        let err = check(json!({"classifications": [item]}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nests deeper"), "{err}");
    }

    #[test]
    fn unknown_top_level_key_is_rejected() {
        assert!(
            check(json!({"tools": [], "extra": []}))
                .unwrap_err()
                .to_string()
                .contains("categorySchema.extra")
        );
    }

    #[test]
    fn bad_colour_is_named() {
        let err = check(json!({"tools": [{"tool": "point", "color": "red"}]}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("categorySchema.tools[0].color"), "{err}");
    }

    #[test]
    fn item_keys_keep_the_order_they_were_sent_in() {
        let sent = json!({"tools": [], "classifications": [{"title": "Colour", "tool": "radio",
            "schemaId": "c", "options": [{"value": "red", "schemaId": "r"}],
            "classifications": [], "frameSpecific": null, "exportName": "colour"}], "relations": []});
        assert_eq!(check(sent.clone()).unwrap().to_string(), sent.to_string());
    }

    #[test]
    fn item_count_limit_applies_to_nested_items_and_options() {
        let limits = SchemaLimits {
            max_depth: 8,
            max_items: 3,
        };
        let three = json!({"tools": [{"tool": "point", "classifications": [{"tool": "radio", "options": [{"value": "a"}]}]}]});
        assert!(validate_category_schema(three, limits).is_ok());
        let four = json!({"tools": [{"tool": "point", "classifications": [{"tool": "radio",
            "options": [{"value": "a"}, {"value": "b"}]}]}]});
        let err = validate_category_schema(four, limits)
            .unwrap_err()
            .to_string();
        assert!(err.contains("exceeds the limit of 3 schema items"), "{err}");
    }
}
