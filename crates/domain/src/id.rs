//! Object ids: 24 lowercase hex characters, a 4-byte seconds timestamp followed by 8 random bytes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// A 24-character lowercase hex id, ordered roughly by creation time.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    /// A fresh id for the current second.
    pub fn generate() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(0);
        let mut bytes = [0u8; 12];
        bytes[..4].copy_from_slice(&seconds.to_be_bytes());
        rand::fill(&mut bytes[4..]);
        Id(hex::encode(bytes))
    }

    /// Parses an id supplied by a client; `field` names it in the error.
    pub fn parse(field: &str, value: &str) -> Result<Self, DomainError> {
        if is_valid_id(value) {
            Ok(Id(value.to_string()))
        } else {
            Err(DomainError::InvalidId {
                field: field.to_string(),
                value: truncate(value),
            })
        }
    }

    /// Wraps an id read back from storage, which was validated when written.
    pub fn from_trusted(value: String) -> Self {
        Id(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// True when `value` is 24 lowercase hex characters.
pub fn is_valid_id(value: &str) -> bool {
    value.len() == 24
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn truncate(value: &str) -> String {
    value.chars().take(64).collect()
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = Id::generate();
        let b = Id::generate();
        assert!(is_valid_id(a.as_str()));
        assert_ne!(a, b);
    }

    #[test]
    fn parse_rejects_uppercase_short_and_non_hex() {
        assert!(Id::parse("id", "507f1f77bcf86cd799439011").is_ok());
        assert!(Id::parse("id", "507F1F77BCF86CD799439011").is_err());
        assert!(Id::parse("id", "507f1f77bcf86cd79943901").is_err());
        assert!(Id::parse("id", "507f1f77bcf86cd79943901g").is_err());
    }
}
