//! Asset builder templates: both the documented `{name, config}` body and the SDK's richer one.

use serde_json::{Map, Value};

use crate::error::{DomainError, DomainResult};
use crate::fields::{Fields, type_name};

/// Asset types a `dataConfig` column may have.
pub const DATA_TYPES: &[&str] = &["text", "link", "image", "audio", "video", "iframe", "pdf"];
/// Asset types read from a storage: their columns need a `storage`.
pub const NEEDS_STORAGE: &[&str] = &["image", "audio", "video", "pdf"];

/// A validated template body: its name and every field it was sent with.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTemplate {
    pub name: String,
    /// The fields as sent (the name included), in the order sent.
    pub fields: Map<String, Value>,
}

/// Checks a create-template body.
pub fn validate_template(body: Value) -> DomainResult<NewTemplate> {
    let mut fields = Fields::from_value(body.clone(), "")?;
    let Value::Object(original) = body else {
        unreachable!("checked to be an object")
    };
    let name = fields
        .string("name", 1, 256)?
        .ok_or_else(|| fields.error("name", "is required"))?;
    fields.object("config")?;
    fields.string("description", 0, 10_000)?;
    if let Some(template) = fields.take("template") {
        match template {
            Value::String(s) if !s.is_empty() => {}
            Value::String(_) => return Err(fields.error("template", "must not be empty")),
            other => {
                return Err(fields.error(
                    "template",
                    format!("must be a string, got {}", type_name(&other)),
                ));
            }
        }
    }
    let data_config = fields.object("dataConfig")?;
    if let Some(config) = &data_config {
        check_data_config(config)?;
    }
    for key in ["selectedExternalId", "batchColumn"] {
        let Some(value) = fields.take(key) else {
            continue;
        };
        let column = match &value {
            Value::String(s) => s.as_str(),
            Value::Null => continue,
            other => {
                return Err(
                    fields.error(key, format!("must be a string, got {}", type_name(other)))
                );
            }
        };
        if column.is_empty() && key == "batchColumn" {
            continue;
        }
        let known = data_config.as_ref().is_some_and(|c| c.contains_key(column));
        if !known {
            return Err(fields.error(
                key,
                format!("must name a column of dataConfig, got {column:?}"),
            ));
        }
    }
    fields.object("preLabelConfig")?;
    fields.finish()?;
    Ok(NewTemplate {
        name,
        fields: original,
    })
}

fn check_data_config(config: &Map<String, Value>) -> DomainResult<()> {
    if config.is_empty() {
        return Err(DomainError::field("dataConfig", "must not be empty"));
    }
    for (column, item) in config {
        let path = format!("dataConfig.{column}");
        let Value::Object(item) = item else {
            return Err(DomainError::field(
                path,
                format!("must be an object, got {}", type_name(item)),
            ));
        };
        let data_type = match item.get("type") {
            Some(Value::String(t)) if DATA_TYPES.contains(&t.as_str()) => t.as_str(),
            Some(other) => {
                return Err(DomainError::field(
                    format!("{path}.type"),
                    format!("must be one of {}, got {other}", DATA_TYPES.join(", ")),
                ));
            }
            None => return Err(DomainError::field(format!("{path}.type"), "is required")),
        };
        let has_storage = matches!(item.get("storage"), Some(Value::String(s)) if !s.is_empty());
        if NEEDS_STORAGE.contains(&data_type) && !has_storage {
            return Err(DomainError::field(
                format!("{path}.storage"),
                format!("is required for type {data_type}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sdk_body() -> Value {
        json!({"name": "t", "template": "<p/>", "selectedExternalId": "c1", "batchColumn": "",
               "description": "", "preLabelConfig": {},
               "dataConfig": {"c1": {"type": "image", "storage": "Public", "includeInExport": false}}})
    }

    #[test]
    fn accepts_both_shapes_and_keeps_fields() {
        let t = validate_template(sdk_body()).unwrap();
        assert_eq!(t.fields["dataConfig"]["c1"]["storage"], "Public");
        assert!(validate_template(json!({"name": "doc", "config": {"a": 1}})).is_ok());
    }

    #[test]
    fn sdk_rules_are_checked() {
        let mut b = sdk_body();
        b["dataConfig"]["c1"]["type"] = json!("img");
        assert!(
            validate_template(b)
                .unwrap_err()
                .to_string()
                .starts_with("dataConfig.c1.type")
        );
        let mut b = sdk_body();
        b["dataConfig"]["c1"]
            .as_object_mut()
            .unwrap()
            .remove("storage");
        assert!(
            validate_template(b)
                .unwrap_err()
                .to_string()
                .starts_with("dataConfig.c1.storage")
        );
        let mut b = sdk_body();
        b["selectedExternalId"] = json!("nope");
        assert!(
            validate_template(b)
                .unwrap_err()
                .to_string()
                .starts_with("selectedExternalId")
        );
        let mut b = sdk_body();
        b["template"] = json!("");
        assert!(validate_template(b).is_err());
        assert!(
            validate_template(json!({"config": {}}))
                .unwrap_err()
                .to_string()
                == "name is required"
        );
        assert!(validate_template(json!({"name": "x", "colour": 1})).is_err());
    }
}
