//! PostgreSQL changes keys in place: the rows stay where they are, each new
//! primary key builds one index, and each foreign key is checked by one scan.

use sea_orm_migration::prelude::*;

use super::{KEYS, REPLACED_INDEXES, foreign_key_name, quoted};

pub(super) async fn up(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    for (_, index) in REPLACED_INDEXES {
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS \"{index}\"")).await?;
    }
    // Every primary key first: a foreign key needs its parent's key.
    for keys in KEYS {
        let table = keys.table;
        db.execute_unprepared(&format!(
            "ALTER TABLE \"{table}\" DROP CONSTRAINT IF EXISTS \"{table}_pkey\", \
             ADD CONSTRAINT \"{table}_pkey\" PRIMARY KEY ({})",
            quoted(keys.primary)
        ))
        .await?;
    }
    for keys in KEYS {
        for (columns, parent, parent_columns) in keys.references {
            db.execute_unprepared(&format!(
                "ALTER TABLE \"{}\" ADD CONSTRAINT \"{}\" FOREIGN KEY ({}) REFERENCES \"{parent}\" ({})",
                keys.table,
                foreign_key_name(keys.table, columns),
                quoted(columns),
                quoted(parent_columns)
            ))
            .await?;
        }
    }
    Ok(())
}
