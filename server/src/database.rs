//! Connecting to the database and bringing its schema up to date.

use crate::config::{DatabaseConfig, DatabaseKind};
use crate::private_files;
use app::server::consent_log::ConsentLog;
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
    #[error("could not create the SQLite database file {file}: {source}")]
    CreateFile { file: String, source: std::io::Error },
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
    options.max_connections(config.max_connections).min_connections(1).acquire_timeout(Duration::from_secs(10)).sqlx_logging(false);
    if config.kind == DatabaseKind::Sqlite {
        if let Some(file) = sqlite_file(&config.url).map(Path::new) {
            if let Some(folder) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                private_files::create_private_folder(folder)
                    .map_err(|source| DatabaseError::CreateFolder { folder: folder.display().to_string(), source })?;
            }
            // Created here for its owner only (S10); SQLite would follow the umask.
            private_files::create_private_file_if_missing(file)
                .map_err(|source| DatabaseError::CreateFile { file: file.display().to_string(), source })?;
        }
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                // P19: deleted rows are overwritten with zeros, not left in free pages.
                .pragma("secure_delete", "on")
                .busy_timeout(Duration::from_secs(5))
                // No commit runs a checkpoint (and its fsync) itself: the running store
                // checkpoints in the background (`checkpoint_periodically`), keeping that
                // stall out of the requests that record consent decisions (bench/RESULTS.md).
                .pragma("wal_autocheckpoint", "0")
                // After a checkpoint restarts the log, its file is cut back to this size.
                .pragma("journal_size_limit", "67108864")
        });
    }
    Database::connect(options).await.map_err(|source| DatabaseError::Connect { url: redacted(&config.url), source })
}

/// How often the running store moves the SQLite write-ahead log into the database file.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);
/// How many pages the write-ahead log may hold before a checkpoint starts it over: 16,384
/// pages of 4 KiB, the 64 MB `journal_size_limit` cuts the file back to.
pub const RESTART_AFTER_PAGES: i64 = 16_384;

/// Checkpoints an SQLite database's write-ahead log every `CHECKPOINT_INTERVAL`, off the
/// request path. A PASSIVE pass copies the log into the database without blocking anyone.
/// Under steady writes that never lets the log start over, so once it holds
/// `RESTART_AFTER_PAGES` a RESTART pass follows: it copies the few pages written meanwhile,
/// holding writers back for that and one fsync, and lets the next write start the log from the
/// beginning. A RESTART stalls the consent decisions waiting to be recorded, so it runs only
/// when the log is that large, not every second (bench/RESULTS.md).
/// Short-lived commands need none of this: SQLite checkpoints when the last connection closes.
pub async fn checkpoint_periodically(db: DatabaseConnection, consent_log: ConsentLog) {
    let mut ticks = tokio::time::interval(CHECKPOINT_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = checkpoint(&db, &consent_log, RESTART_AFTER_PAGES).await {
            tracing::warn!(%error, "SQLite checkpoint failed; the next one will retry");
        }
    }
}

/// One checkpoint round, restarting the log if it holds `restart_after_pages` or more; says
/// whether it did.
pub async fn checkpoint(db: &DatabaseConnection, consent_log: &ConsentLog, restart_after_pages: i64) -> Result<bool, DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let passive = Statement::from_string(db.get_database_backend(), "PRAGMA wal_checkpoint(PASSIVE)");
    // The pragma answers (busy, pages in the log, pages copied into the database).
    let log_pages = match db.query_one_raw(passive).await? {
        Some(row) => row.try_get_by_index::<i64>(1)?,
        None => 0,
    };
    if log_pages < restart_after_pages {
        return Ok(false);
    }
    consent_log.between_appends(db.execute_unprepared("PRAGMA wal_checkpoint(RESTART)")).await?;
    Ok(true)
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

    // Commits never checkpoint (the running store does it in the background), and the log
    // file is cut back after each restart.
    #[tokio::test]
    async fn sqlite_commits_leave_checkpoints_to_the_background() {
        use sea_orm::{ConnectionTrait, Statement};
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/x.db", dir.path().display());
        let db = connect(&DatabaseConfig { url, kind: DatabaseKind::Sqlite, max_connections: 2 }).await.unwrap();
        let pragma = |name: &'static str| {
            let db = db.clone();
            async move {
                let row =
                    db.query_one_raw(Statement::from_string(db.get_database_backend(), format!("PRAGMA {name}"))).await.unwrap().unwrap();
                row.try_get_by_index::<i64>(0).map(|n| n.to_string()).or_else(|_| row.try_get_by_index::<String>(0)).unwrap()
            }
        };
        assert_eq!(pragma("journal_mode").await, "wal");
        assert_eq!(pragma("wal_autocheckpoint").await, "0");
        assert_eq!(pragma("journal_size_limit").await, "67108864");
        let checkpoints = tokio::spawn(checkpoint_periodically(db.clone(), ConsentLog::new(db.clone())));
        tokio::time::sleep(CHECKPOINT_INTERVAL * 2).await;
        assert!(!checkpoints.is_finished(), "keeps running until the store stops");
        checkpoints.abort();
    }

    // The log is started over (a RESTART, which holds writers back) only once it is large.
    #[tokio::test]
    async fn sqlite_log_restarts_only_when_large() {
        use sea_orm::{ConnectionTrait, Statement};
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/x.db", dir.path().display());
        let db = connect(&DatabaseConfig { url, kind: DatabaseKind::Sqlite, max_connections: 2 }).await.unwrap();
        let log = ConsentLog::new(db.clone());
        db.execute_unprepared("CREATE TABLE t (x BLOB)").await.unwrap();
        for _ in 0..20 {
            db.execute_unprepared("INSERT INTO t VALUES (randomblob(4000))").await.unwrap();
        }
        let log_pages = || async {
            let pragma = Statement::from_string(db.get_database_backend(), "PRAGMA wal_checkpoint(PASSIVE)");
            db.query_one_raw(pragma).await.unwrap().unwrap().try_get_by_index::<i64>(1).unwrap()
        };
        assert!(log_pages().await >= 20, "the log holds the writes");
        assert!(!checkpoint(&db, &log, 1_000).await.unwrap(), "a small log is only copied");
        assert!(log_pages().await >= 20, "and not started over");
        assert!(checkpoint(&db, &log, 20).await.unwrap(), "a large one is started over");
        db.execute_unprepared("INSERT INTO t VALUES (randomblob(10))").await.unwrap();
        assert!(log_pages().await < 20, "the next write starts the log from the beginning");
        let count = Statement::from_string(db.get_database_backend(), "SELECT count(*) FROM t");
        let rows = db.query_one_raw(count).await.unwrap().unwrap().try_get_by_index::<i64>(0).unwrap();
        assert_eq!(rows, 21, "nothing is lost");
    }

    #[test]
    fn finds_the_file_behind_an_sqlite_url() {
        assert_eq!(sqlite_file("sqlite://data/x.db?mode=rwc"), Some("data/x.db"));
        assert_eq!(sqlite_file("sqlite:x.db"), Some("x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
