//! Typed, field-naming access to a JSON object sent by a client.

use serde_json::{Map, Value};

use crate::error::{DomainError, DomainResult};

/// Name of a JSON value's type, for error messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A JSON object whose fields are taken one by one; what is left over is unknown.
pub struct Fields {
    map: Map<String, Value>,
    prefix: String,
}

impl Fields {
    /// `prefix` is prepended to field names in errors (`""` at top level, `"batches[0]."` nested).
    pub fn new(map: Map<String, Value>, prefix: impl Into<String>) -> Self {
        Self {
            map,
            prefix: prefix.into(),
        }
    }

    /// Requires `value` to be an object; `path` names it in the error.
    pub fn from_value(value: Value, path: &str) -> DomainResult<Self> {
        match value {
            Value::Object(map) => {
                let prefix = if path.is_empty() {
                    String::new()
                } else {
                    format!("{path}.")
                };
                Ok(Self::new(map, prefix))
            }
            other => Err(DomainError::field(
                if path.is_empty() { "body" } else { path },
                format!("must be an object, got {}", type_name(&other)),
            )),
        }
    }

    /// The full name of `key` for messages.
    pub fn path(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    pub fn error(&self, key: &str, message: impl Into<String>) -> DomainError {
        DomainError::field(self.path(key), message)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key)
    }

    fn wrong_type(&self, key: &str, expected: &str, got: &Value) -> DomainError {
        self.error(key, format!("must be {expected}, got {}", type_name(got)))
    }

    /// A string field, with its length (in characters) checked.
    pub fn string(&mut self, key: &str, min: usize, max: usize) -> DomainResult<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => {
                check_length(self, key, &s, min, max)?;
                Ok(Some(s))
            }
            Some(other) => Err(self.wrong_type(key, "a string", &other)),
        }
    }

    /// A string field that may also be `null`; the outer `Option` says whether it was present.
    pub fn nullable_string(
        &mut self,
        key: &str,
        max: usize,
    ) -> DomainResult<Option<Option<String>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) => {
                check_length(self, key, &s, 0, max)?;
                Ok(Some(Some(s)))
            }
            Some(other) => Err(self.wrong_type(key, "a string or null", &other)),
        }
    }

    pub fn bool(&mut self, key: &str) -> DomainResult<Option<bool>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(self.wrong_type(key, "a boolean", &other)),
        }
    }

    /// A whole number within `min..=max`. As in JSON Schema, a number with a zero fraction
    /// (`300.0`) is a whole number.
    pub fn integer(&mut self, key: &str, min: i64, max: i64) -> DomainResult<Option<i64>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64().or_else(|| whole(&n)) {
                Some(i) if (min..=max).contains(&i) => Ok(Some(i)),
                Some(_) => {
                    Err(self.error(key, format!("must be between {min} and {max}, got {n}")))
                }
                None => Err(self.error(key, format!("must be a whole number, got {n}"))),
            },
            Some(other) => Err(self.wrong_type(key, "an integer", &other)),
        }
    }

    /// Any number within `min..=max`, kept as sent.
    pub fn number(
        &mut self,
        key: &str,
        min: f64,
        max: f64,
    ) -> DomainResult<Option<serde_json::Number>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f >= min && f <= max => Ok(Some(n)),
                _ => Err(self.error(key, format!("must be between {min} and {max}, got {n}"))),
            },
            Some(other) => Err(self.wrong_type(key, "a number", &other)),
        }
    }

    pub fn object(&mut self, key: &str) -> DomainResult<Option<Map<String, Value>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(other) => Err(self.wrong_type(key, "an object", &other)),
        }
    }

    pub fn array(&mut self, key: &str) -> DomainResult<Option<Vec<Value>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(self.wrong_type(key, "an array", &other)),
        }
    }

    /// Fails on the first field nobody took, naming it.
    pub fn finish(self) -> DomainResult<()> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(key) => Err(DomainError::field(self.path(key), "is not a known field")),
        }
    }

    /// What nobody took, for callers that keep unknown keys as they are.
    pub fn into_rest(self) -> Map<String, Value> {
        self.map
    }
}

/// The value of a float without fraction, when it fits an `i64`.
fn whole(n: &serde_json::Number) -> Option<i64> {
    let f = n.as_f64()?;
    // 2^63 is exactly representable; every float below it with no fraction fits an i64.
    (f.fract() == 0.0 && f >= -(2f64.powi(63)) && f < 2f64.powi(63)).then_some(f as i64)
}

fn check_length(fields: &Fields, key: &str, s: &str, min: usize, max: usize) -> DomainResult<()> {
    // PostgreSQL text cannot hold NUL: refuse it on both backends rather than fail on one.
    if s.contains('\0') {
        return Err(fields.error(key, "must not contain NUL characters"));
    }
    let len = s.chars().count();
    if len < min {
        return Err(if min == 1 {
            fields.error(key, "must not be empty")
        } else {
            fields.error(key, format!("must be at least {min} characters"))
        });
    }
    if len > max {
        return Err(fields.error(key, format!("must be at most {max} characters, got {len}")));
    }
    Ok(())
}

/// Checks an email address (at most 254 characters as sent; surrounding whitespace ignored)
/// and returns it trimmed and lowercased.
pub fn normalize_email(field: &str, email: &str) -> DomainResult<String> {
    let trimmed = email.trim();
    let valid = email.chars().count() <= 254
        && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(trimmed.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if valid {
        Ok(trimmed.to_lowercase())
    } else {
        Err(DomainError::field(
            field,
            format!("must be an email address, got {:?}", truncate(email)),
        ))
    }
}

/// At most 64 characters of `value`, for echoing client input in messages.
pub fn truncate(value: &str) -> String {
    value.chars().take(64).collect()
}

/// True for `#RRGGBB`.
pub fn is_hex_color(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Fields {
        Fields::from_value(v, "").unwrap()
    }

    #[test]
    fn wrong_type_names_field_and_types() {
        let err = fields(json!({"name": 3}))
            .string("name", 1, 10)
            .unwrap_err();
        assert_eq!(err.to_string(), "name must be a string, got number");
    }

    #[test]
    fn unknown_field_is_named() {
        let mut f = fields(json!({"name": "a", "benchmarkRation": 3}));
        f.string("name", 1, 10).unwrap();
        assert_eq!(
            f.finish().unwrap_err().to_string(),
            "benchmarkRation is not a known field"
        );
    }

    #[test]
    fn integer_range_and_fraction() {
        assert!(fields(json!({"n": 5})).integer("n", 0, 10).unwrap() == Some(5));
        assert!(fields(json!({"n": 5.0})).integer("n", 0, 10).unwrap() == Some(5));
        assert!(fields(json!({"n": 11})).integer("n", 0, 10).is_err());
        assert!(fields(json!({"n": 11.0})).integer("n", 0, 10).is_err());
        assert!(fields(json!({"n": 1.5})).integer("n", 0, 10).is_err());
        assert!(fields(json!({"n": 1e300})).integer("n", 0, 10).is_err());
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            normalize_email("e", " Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
        assert!(normalize_email("e", "no-at-sign").is_err());
        assert!(normalize_email("e", "a@b@c").is_err());
        assert!(normalize_email("e", "a b@c").is_err());
    }
}
