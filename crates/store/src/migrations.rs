//! The numbered schema migrations of both backends, kept in lockstep.

/// One migration: its version, name and SQL.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const SQLITE: &[Migration] = &[Migration {
    version: 1,
    name: "init",
    sql: include_str!("../migrations/sqlite/0001_init.sql"),
}];

pub const POSTGRES: &[Migration] = &[Migration {
    version: 1,
    name: "init",
    sql: include_str!("../migrations/postgres/0001_init.sql"),
}];

/// Table that records applied migrations, in SQL both backends accept.
pub const LEDGER_DDL: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

#[cfg(test)]
mod tests {
    use super::*;

    fn versions_in(dir: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_backends_list_the_same_versions() {
        assert_eq!(versions_in("sqlite"), versions_in("postgres"));
        let listed = |m: &[Migration]| {
            m.iter()
                .map(|m| format!("{:04}_{}.sql", m.version, m.name))
                .collect::<Vec<_>>()
        };
        assert_eq!(listed(SQLITE), versions_in("sqlite"));
        assert_eq!(listed(POSTGRES), versions_in("postgres"));
    }
}
