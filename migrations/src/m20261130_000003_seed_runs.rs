//! The demo data's own clock: when it was seeded, and when its dates were last
//! moved forward.
//!
//! Every date the seeder writes is relative to the moment it ran (a grant
//! that ends in 30 days, an email sent yesterday). `serve --demo` on a
//! database seeded long ago reads this row to move the demo's read-only
//! grants forward, so the demo still shows customers that allow read-only
//! access. Not a partner's data: one row per seeding.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("seed_runs")
                .if_not_exists()
                .col(ColumnDef::new("id").uuid().not_null().primary_key())
                .col(ColumnDef::new("scale").string().not_null())
                .col(ColumnDef::new("seeded_at").timestamp_with_time_zone().not_null())
                // The last moment the demo's dates were true: seeding, then each `serve --demo`.
                .col(ColumnDef::new("anchored_at").timestamp_with_time_zone().not_null())
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("seed_runs").if_exists().take()).await
    }
}
