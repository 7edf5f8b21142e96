//! The audit batch on PostgreSQL: three statements whose text never changes.
//!
//! A multi-row `INSERT … VALUES (…), (…)` is a different statement for every
//! batch size, so PostgreSQL parsed and planned a new one for almost every
//! batch (0.5–0.9 ms each under load, issue 18). Here each column travels as
//! one array and `UNNEST` turns the arrays back into rows: the same three
//! statements for a batch of 1 or 500, prepared once per connection and
//! planned once. The day counters are summed by PostgreSQL from the same
//! arrays, in the same transaction, so a retried batch still counts each
//! entry once (`ON CONFLICT DO NOTHING` skips entries already written, and
//! the counters add only what was inserted).

use std::sync::Arc;

use helpdesk_domain::model::{AuditEntry, Labelled};
use sea_orm::sqlx::PgPool;
use sea_orm::{DbErr, RuntimeErr};

use crate::StoreError;

/// Inserts the entries not written yet, and returns them as rows for the counters.
const INSERT_ENTRIES: &str = "
WITH inserted AS (
    INSERT INTO audit_log (id, partner_id, agent_id, at, action, target, outcome, detail, customer_id, read_as)
    SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::varchar[], $6::varchar[],
                         $7::varchar[], $8::varchar[], $9::uuid[], $10::varchar[])
    ON CONFLICT DO NOTHING
    RETURNING partner_id, agent_id, at, action, read_as
), per_action AS (
    INSERT INTO audit_daily AS d (partner_id, day, agent_id, action, n)
    SELECT partner_id, date_trunc('day', at, 'UTC'), agent_id, action, count(*) FROM inserted
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (partner_id, day, agent_id, action) DO UPDATE SET n = d.n + excluded.n
)
INSERT INTO search_daily AS s (partner_id, day, kind, n)
SELECT partner_id, date_trunc('day', at, 'UTC'), read_as, count(*) FROM inserted WHERE read_as IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (partner_id, day, kind) DO UPDATE SET n = s.n + excluded.n";

fn failed(e: sea_orm::sqlx::Error) -> StoreError {
    StoreError::Db(DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e))))
}

/// Most entries one statement carries (the seeder writes a month of history at once).
const CHUNK: usize = 5_000;

/// Writes `entries` and their day counters: one statement (so one
/// transaction) for a writer's batch; one transaction of several for more.
pub(super) async fn insert(pool: &PgPool, entries: &[AuditEntry]) -> Result<(), StoreError> {
    if entries.len() <= CHUNK {
        return statement(entries).execute(pool).await.map(drop).map_err(failed);
    }
    let mut txn = pool.begin().await.map_err(failed)?;
    for chunk in entries.chunks(CHUNK) {
        statement(chunk).execute(&mut *txn).await.map_err(failed)?;
    }
    txn.commit().await.map_err(failed)
}

/// The statement for `entries`, its columns bound as arrays.
fn statement(
    entries: &[AuditEntry],
) -> sea_orm::sqlx::query::Query<'static, sea_orm::sqlx::Postgres, sea_orm::sqlx::postgres::PgArguments> {
    let column = |f: &dyn Fn(&AuditEntry) -> uuid::Uuid| entries.iter().map(f).collect::<Vec<_>>();
    let text = |f: &dyn Fn(&AuditEntry) -> Option<String>| entries.iter().map(f).collect::<Vec<_>>();
    sea_orm::sqlx::query(INSERT_ENTRIES)
        .bind(column(&|e| e.id))
        .bind(column(&|e| e.partner_id.0))
        .bind(column(&|e| e.agent_id.0))
        .bind(entries.iter().map(|e| e.at).collect::<Vec<_>>())
        .bind(entries.iter().map(|e| e.action.clone()).collect::<Vec<_>>())
        .bind(text(&|e| e.target.clone()))
        .bind(entries.iter().map(|e| e.outcome.clone()).collect::<Vec<_>>())
        .bind(text(&|e| e.detail.clone()))
        .bind(entries.iter().map(|e| e.customer_id.map(|c| c.0)).collect::<Vec<_>>())
        .bind(text(&|e| e.read_as.map(|k| k.label().to_string())))
}
