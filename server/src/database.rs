//! Connecting to the database and bringing its schema up to date.

use crate::config::{DatabaseConfig, DatabaseKind};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
    ConnectOptions, Database, DatabaseConnection, DbErr,
};
use std::{path::Path, time::Duration};

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("could not create the folder {folder} for the SQLite database: {source}")]
    CreateFolder { folder: String, source: std::io::Error },
    #[error("could not connect to the database at {url}: {source}")]
    Connect { url: String, source: DbErr },
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(DbErr),
}

/// The URL with any password replaced, fit for messages and logs.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The file behind an SQLite URL (`sqlite://data/x.db?mode=rwc` → `data/x.db`), if any.
fn sqlite_file(url: &str) -> Option<&str> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Opens a pool. SQLite files (and their folder) are created on first use and run in WAL
/// mode with foreign keys enforced; both databases get a pool of the configured size.
pub async fn connect(config: &DatabaseConfig) -> Result<DatabaseConnection, DatabaseError> {
    let mut options = ConnectOptions::new(config.url.clone());
    options
        .max_connections(config.max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if config.kind == DatabaseKind::Sqlite {
        if let Some(folder) = sqlite_file(&config.url).and_then(|f| Path::new(f).parent()).filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .map_err(|source| DatabaseError::CreateFolder { folder: folder.display().to_string(), source })?;
        }
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    }
    Database::connect(options)
        .await
        .map_err(|source| DatabaseError::Connect { url: redacted(&config.url), source })
}

/// Applies every migration not yet applied; each runs in its own transaction where the
/// database supports transactional DDL.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DatabaseError> {
    Migrator::up(db, None).await.map_err(DatabaseError::Migrate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redacted("postgres://shop:s3cret@db:5432/store"), "postgres://shop:***@db:5432/store");
        assert_eq!(redacted("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        assert_eq!(redacted("sqlite://data/sop-store.db"), "sqlite://data/sop-store.db");
    }

    #[test]
    fn finds_the_file_behind_an_sqlite_url() {
        assert_eq!(sqlite_file("sqlite://data/x.db?mode=rwc"), Some("data/x.db"));
        assert_eq!(sqlite_file("sqlite:x.db"), Some("x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
