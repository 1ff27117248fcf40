//! Timestamps: milliseconds since the Unix epoch, rendered as RFC 3339 UTC with milliseconds and `Z`.

use std::fmt;

use serde::{Serialize, Serializer};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::error::DomainError;

/// An instant with millisecond precision.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Timestamp(i64);

impl Timestamp {
    pub fn now() -> Self {
        let now = OffsetDateTime::now_utc();
        Timestamp((now.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    pub fn from_millis(millis: i64) -> Self {
        Timestamp(millis)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// Parses any RFC 3339 instant; `field` names it in the error.
    pub fn parse(field: &str, value: &str) -> Result<Self, DomainError> {
        let parsed = OffsetDateTime::parse(value, &Rfc3339).map_err(|_| {
            DomainError::field(
                field,
                format!(
                    "must be an RFC 3339 timestamp such as 2025-01-15T10:30:00.000Z, got {value:?}"
                ),
            )
        })?;
        Ok(Timestamp(
            (parsed.unix_timestamp_nanos() / 1_000_000) as i64,
        ))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let instant = OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            instant.year(),
            u8::from(instant.month()),
            instant.day(),
            instant.hour(),
            instant.minute(),
            instant.second(),
            instant.millisecond()
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_milliseconds_and_z() {
        let t = Timestamp::parse("t", "2025-01-15T10:30:00.123456Z").unwrap();
        assert_eq!(t.to_string(), "2025-01-15T10:30:00.123Z");
    }

    #[test]
    fn accepts_offsets_and_nanoseconds() {
        let t = Timestamp::parse("t", "2025-01-15T12:30:00.5+02:00").unwrap();
        assert_eq!(t.to_string(), "2025-01-15T10:30:00.500Z");
        assert!(Timestamp::parse("t", "2025-01-15T10:30:00.123456789Z").is_ok());
        assert!(Timestamp::parse("t", "yesterday").is_err());
    }
}
