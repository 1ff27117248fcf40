//! Workflow stages: the graph a task travels from Start to Complete.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::error::{DomainError, DomainResult};
use crate::fields::type_name;

pub const STAGE_TYPES: &[&str] = &[
    "Start",
    "Label",
    "Review",
    "Logic",
    "Plugin",
    "Webhook",
    "Complete",
    "Archive",
    "Consensus",
    "Hold",
];

/// The stages of a new project: Start → Label → Complete.
pub fn default_stages() -> Value {
    json!([
        {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
        {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Complete"]},
        {"id": "Complete", "name": "Complete", "type": "Complete", "next": []}
    ])
}

/// Checks a stages array; other keys of each stage are kept as they are.
pub fn validate_stages(value: Value, max_stages: usize) -> DomainResult<Value> {
    let Value::Array(stages) = value else {
        return Err(DomainError::field(
            "stages",
            format!("must be an array, got {}", type_name(&value)),
        ));
    };
    if stages.len() > max_stages {
        return Err(DomainError::field(
            "stages",
            format!(
                "must have at most {max_stages} stages, got {}",
                stages.len()
            ),
        ));
    }
    let mut ids = HashSet::new();
    let mut parsed = Vec::with_capacity(stages.len());
    for (i, stage) in stages.iter().enumerate() {
        let path = format!("stages[{i}]");
        let Value::Object(map) = stage else {
            return Err(DomainError::field(
                path,
                format!("must be an object, got {}", type_name(stage)),
            ));
        };
        let id = required_string(map.get("id"), &format!("{path}.id"))?;
        if !ids.insert(id) {
            return Err(DomainError::field(
                format!("{path}.id"),
                format!("{id:?} is used by another stage"),
            ));
        }
        match map.get("name") {
            Some(Value::String(_)) | None => {}
            Some(other) => {
                return Err(DomainError::field(
                    format!("{path}.name"),
                    format!("must be a string, got {}", type_name(other)),
                ));
            }
        }
        let stage_type = required_string(map.get("type"), &format!("{path}.type"))?;
        if !STAGE_TYPES.contains(&stage_type) {
            return Err(DomainError::field(
                format!("{path}.type"),
                format!(
                    "must be one of {}, got {stage_type:?}",
                    STAGE_TYPES.join(", ")
                ),
            ));
        }
        let next = match map.get("next") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(next)) => next
                .iter()
                .enumerate()
                .map(|(j, n)| required_string(Some(n), &format!("{path}.next[{j}]")))
                .collect::<DomainResult<Vec<_>>>()?,
            Some(other) => {
                return Err(DomainError::field(
                    format!("{path}.next"),
                    format!("must be an array, got {}", type_name(other)),
                ));
            }
        };
        parsed.push((path, stage_type, next));
    }
    let starts: Vec<_> = parsed.iter().filter(|(_, t, _)| *t == "Start").collect();
    if starts.len() != 1 {
        return Err(DomainError::field(
            "stages",
            format!("must have exactly one Start stage, found {}", starts.len()),
        ));
    }
    if !parsed.iter().any(|(_, t, _)| *t == "Complete") {
        return Err(DomainError::field(
            "stages",
            "must have at least one Complete stage",
        ));
    }
    for (path, stage_type, next) in &parsed {
        let allowed = match *stage_type {
            "Start" => Some(1),
            "Complete" | "Archive" => Some(0),
            "Review" => Some(2),
            _ => None,
        };
        match (*stage_type, allowed) {
            ("Start", _) if next.len() != 1 => {
                return Err(DomainError::field(
                    format!("{path}.next"),
                    "a Start stage must have exactly one next stage",
                ));
            }
            (t, Some(max)) if next.len() > max => {
                let what = if max == 0 {
                    "no next stages".to_string()
                } else {
                    format!("at most {max} next stages")
                };
                return Err(DomainError::field(
                    format!("{path}.next"),
                    format!("a {t} stage must have {what}"),
                ));
            }
            _ => {}
        }
        for (j, target) in next.iter().enumerate() {
            if !ids.contains(target) {
                return Err(DomainError::field(
                    format!("{path}.next[{j}]"),
                    format!("refers to unknown stage {target:?}"),
                ));
            }
        }
    }
    Ok(Value::Array(stages))
}

fn required_string<'a>(value: Option<&'a Value>, path: &str) -> DomainResult<&'a str> {
    match value {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(DomainError::field(path, "must not be empty")),
        Some(other) => Err(DomainError::field(
            path,
            format!("must be a string, got {}", type_name(other)),
        )),
        None => Err(DomainError::field(path, "is required")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: Value) -> Result<Value, String> {
        validate_stages(v, 100).map_err(|e| e.to_string())
    }

    #[test]
    fn default_stages_are_valid() {
        check(default_stages()).unwrap();
    }

    #[test]
    fn keeps_extra_keys() {
        let v = json!([{"id": "s", "type": "Start", "next": ["c"], "position": {"x": 1}},
                       {"id": "c", "type": "Complete", "next": [], "autoForward": true}]);
        assert_eq!(check(v.clone()).unwrap(), v);
    }

    #[test]
    fn broken_graphs_are_rejected_with_the_field() {
        let dangling = json!([{"id": "s", "type": "Start", "next": ["x"]}, {"id": "c", "type": "Complete", "next": []}]);
        assert_eq!(
            check(dangling).unwrap_err(),
            "stages[0].next[0] refers to unknown stage \"x\""
        );
        let two_starts = json!([{"id": "s", "type": "Start", "next": ["c"]}, {"id": "t", "type": "Start", "next": ["c"]},
                                {"id": "c", "type": "Complete", "next": []}]);
        assert!(check(two_starts).unwrap_err().contains("exactly one Start"));
        let no_complete = json!([{"id": "s", "type": "Start", "next": ["l"]}, {"id": "l", "type": "Label", "next": []}]);
        assert!(check(no_complete).unwrap_err().contains("Complete"));
        let complete_with_next = json!([{"id": "s", "type": "Start", "next": ["c"]}, {"id": "c", "type": "Complete", "next": ["s"]}]);
        assert!(
            check(complete_with_next)
                .unwrap_err()
                .contains("stages[1].next")
        );
        let review_three = json!([{"id": "s", "type": "Start", "next": ["r"]},
            {"id": "r", "type": "Review", "next": ["c", "c", "c"]}, {"id": "c", "type": "Complete", "next": []}]);
        assert!(check(review_three).unwrap_err().contains("at most 2"));
        let bad_type = json!([{"id": "s", "type": "Begin", "next": []}]);
        assert!(
            check(bad_type)
                .unwrap_err()
                .starts_with("stages[0].type must be one of")
        );
    }
}
