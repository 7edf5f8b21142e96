//! SQLite cannot add a primary key or a foreign key to a table that exists.
//! Its manual's way: create the table anew with the keys, copy the rows,
//! drop the old one, rename the new one, and create its indexes again.
//!
//! Tables are rebuilt parents first, so when a table is dropped no other
//! table refers to it yet, and the copy of each child checks its rows
//! against parents that already have their keys.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::{KEYS, Keys, REPLACED_INDEXES, foreign_key_name, quoted};

pub(super) async fn up(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for keys in KEYS {
        rebuild(m, keys).await?;
    }
    Ok(())
}

async fn rebuild(m: &SchemaManager<'_>, keys: &Keys) -> Result<(), DbErr> {
    let db = m.get_connection();
    let table = keys.table;
    let definition = texts(db, &format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"))
        .await?
        .pop()
        .ok_or_else(|| DbErr::Migration(format!("no table {table}")))?;
    // Indexes SQLite made itself (for the old key) have no SQL and go with the table.
    let indexes = texts(
        db,
        &format!("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL"),
    )
    .await?;
    let replaced: Vec<String> =
        REPLACED_INDEXES.iter().filter(|(t, _)| *t == table).map(|(_, i)| format!("\"{i}\"")).collect();
    let new = format!("{table}__keyed");
    db.execute_unprepared(&with_keys(&definition, table, &new, keys)?).await?;
    db.execute_unprepared(&format!("INSERT INTO \"{new}\" SELECT * FROM \"{table}\"")).await?;
    db.execute_unprepared(&format!("DROP TABLE \"{table}\"")).await?;
    db.execute_unprepared(&format!("ALTER TABLE \"{new}\" RENAME TO \"{table}\"")).await?;
    for index in indexes.iter().filter(|sql| !replaced.iter().any(|r| sql.contains(r.as_str()))) {
        db.execute_unprepared(index).await?;
    }
    Ok(())
}

/// `definition` (the table's `CREATE TABLE`, as SQLite keeps it) renamed to
/// `new`, its old primary key taken out and the new keys put in.
fn with_keys(definition: &str, table: &str, new: &str, keys: &Keys) -> Result<String, DbErr> {
    let unexpected = || DbErr::Migration(format!("{table}: unexpected definition {definition}"));
    let head = format!("CREATE TABLE \"{table}\" (");
    let body = definition.strip_prefix(&head).and_then(|b| b.trim_end().strip_suffix(')')).ok_or_else(unexpected)?;
    // The old key: on the table (`, PRIMARY KEY ("a", "b")`) or on a column
    // (`"id" … NOT NULL PRIMARY KEY`).
    let mut body = body.to_string();
    if let Some(start) = body.find(", PRIMARY KEY (") {
        let end = body[start..].find(')').ok_or_else(unexpected)? + start + 1;
        body.replace_range(start..end, "");
    }
    let body = body.replace(" PRIMARY KEY,", ",").replace(" PRIMARY KEY ", " ");
    let mut clauses = vec![format!("PRIMARY KEY ({})", quoted(keys.primary))];
    for (columns, parent, parent_columns) in keys.references {
        clauses.push(format!(
            "CONSTRAINT \"{}\" FOREIGN KEY ({}) REFERENCES \"{parent}\" ({})",
            foreign_key_name(table, columns),
            quoted(columns),
            quoted(parent_columns)
        ));
    }
    Ok(format!("CREATE TABLE \"{new}\" ({}, {} )", body.trim_end(), clauses.join(", ")))
}

async fn texts(db: &impl ConnectionTrait, sql: &str) -> Result<Vec<String>, DbErr> {
    let rows = db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?;
    rows.iter().map(|r| r.try_get_by_index::<String>(0)).collect()
}
