//! Issue 16, part 5 (P13, P15–P19): the register of personal data (`app::domain::personal_data`)
//! covers the schema exactly. Every column of every table the migrations create is declared,
//! and nothing is declared that the schema lacks; every personal column has its export, its
//! erasure and, through its table, a retention; a table whose rows end with a parent's has a
//! foreign key that cascades from it. A new migration that adds a column fails here until
//! the register says what the column is.

mod support;

use app::domain::personal_data::{self, TableRetention, REGISTER};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use sop_server::{config::Config, database};
use std::collections::{BTreeMap, BTreeSet};
use support::{base_vars, Backend, TestDb};

/// Tables that belong to the tools, not the store.
const NOT_THE_STORES: [&str; 2] = ["seaql_migrations", "sqlite_sequence"];

async fn schema(db: &DatabaseConnection) -> BTreeMap<String, BTreeSet<String>> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns WHERE table_schema = current_schema()"
        }
        _ => "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
    };
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap() {
        let table: String = row.try_get("", "t").unwrap();
        let column: String = row.try_get("", "c").unwrap();
        if !NOT_THE_STORES.contains(&table.as_str()) && !table.starts_with("sqlite_") {
            tables.entry(table).or_default().insert(column);
        }
    }
    tables
}

async fn migrated(backend: Backend) -> Option<(DatabaseConnection, TestDb, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::fresh(backend, &dir).await?;
    let vars = base_vars(test_db.url(), &dir);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let db = database::connect(&config.database).await.unwrap();
    database::migrate(&db).await.unwrap();
    Some((db, test_db, dir))
}

// P13: no column holds data the register does not account for, and the register describes
// no column that does not exist.
async fn p13_every_column_in_the_schema_is_in_the_register(backend: Backend) {
    let Some((db, _test_db, _dir)) = migrated(backend).await else { return };
    let schema = schema(&db).await;
    let declared: BTreeMap<String, BTreeSet<String>> =
        REGISTER.iter().map(|table| (table.table.to_owned(), table.columns.iter().map(|c| c.column.to_owned()).collect())).collect();
    let mut problems = Vec::new();
    for (table, columns) in &schema {
        match declared.get(table) {
            None => problems.push(format!("table {table} is not in the register")),
            Some(known) => {
                for column in columns.difference(known) {
                    problems.push(format!("{table}.{column} is not in the register: declare it in app/src/domain/personal_data.rs"));
                }
                for column in known.difference(columns) {
                    problems.push(format!("{table}.{column} is in the register but not in the schema"));
                }
            }
        }
    }
    for table in declared.keys().filter(|t| !schema.contains_key(*t)) {
        problems.push(format!("table {table} is in the register but not in the schema"));
    }
    assert!(problems.is_empty(), "the register and the schema disagree:\n{}", problems.join("\n"));
}

// P16–P19, P32, P34: every personal column is covered by the export, the erasure and a
// retention; a table retained with its parent really goes with it (a cascading foreign key).
async fn p16_every_personal_column_is_exported_erased_and_retained(backend: Backend) {
    let Some((db, _test_db, _dir)) = migrated(backend).await else { return };
    let mut personal = 0;
    for table in REGISTER {
        for (column, field) in table.personal_columns() {
            personal += 1;
            assert_ne!(table.retention, TableRetention::NotPersonal, "{}.{column} is personal: its table needs a retention", table.table);
            let label = match field.export {
                personal_data::Export::Value(label) | personal_data::Export::Described(label, _) => label,
            };
            assert!(!label.trim().is_empty(), "{}.{column} has no label in the export", table.table);
        }
        if let TableRetention::WithParent(parent) = table.retention {
            assert!(
                cascades_from(&db, table.table, parent).await,
                "{} is kept as long as {parent}, but no foreign key deletes it with its parent",
                table.table
            );
        }
    }
    assert!(personal > 50, "the register declares the store's personal data ({personal} columns)");
}

/// Whether `table` has a foreign key to `parent` that deletes its rows with the parent's.
async fn cascades_from(db: &DatabaseConnection, table: &str, parent: &str) -> bool {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT COUNT(*) AS n FROM information_schema.referential_constraints r \
             JOIN information_schema.table_constraints c ON c.constraint_name = r.constraint_name \
             JOIN information_schema.constraint_column_usage u ON u.constraint_name = r.unique_constraint_name \
             WHERE c.table_name = '{table}' AND u.table_name = '{parent}' AND r.delete_rule = 'CASCADE'"
        ),
        _ => format!("SELECT COUNT(*) AS n FROM pragma_foreign_key_list('{table}') WHERE \"table\" = '{parent}' AND on_delete = 'CASCADE'"),
    };
    let row = db.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap() > 0
}

on_both_databases!(p13_every_column_in_the_schema_is_in_the_register, p16_every_personal_column_is_exported_erased_and_retained);
