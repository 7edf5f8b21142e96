//! The core help desk schema: partners and agents, customers and everything
//! they hold, email events, the suppression list, read-only grants, audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Builds the column definitions the tables share, so each table below reads
/// as the list of what it holds.
pub(crate) struct Cols {
    pub(crate) backend: DbBackend,
}

impl Cols {
    pub(crate) fn id(&self) -> ColumnDef {
        ColumnDef::new("id").uuid().not_null().primary_key().take()
    }
    pub(crate) fn uuid(&self, name: &'static str) -> ColumnDef {
        ColumnDef::new(name).uuid().not_null().take()
    }
    pub(crate) fn uuid_null(&self, name: &'static str) -> ColumnDef {
        ColumnDef::new(name).uuid().null().take()
    }
    pub(crate) fn text(&self, name: &'static str) -> ColumnDef {
        ColumnDef::new(name).string().not_null().take()
    }
    pub(crate) fn text_null(&self, name: &'static str) -> ColumnDef {
        ColumnDef::new(name).string().null().take()
    }
    /// A folded or canonical value searched by prefix or equality: on
    /// PostgreSQL it sorts by code point ("C") so a range scan over the index
    /// finds every value starting with a prefix, whatever the server's locale.
    pub(crate) fn key(&self, name: &'static str) -> ColumnDef {
        let mut c = ColumnDef::new(name).string().not_null().take();
        if self.backend == DbBackend::Postgres {
            c.extra("COLLATE \"C\"");
        }
        c
    }
    pub(crate) fn key_null(&self, name: &'static str) -> ColumnDef {
        let mut c = ColumnDef::new(name).string().null().take();
        if self.backend == DbBackend::Postgres {
            c.extra("COLLATE \"C\"");
        }
        c
    }
    pub(crate) fn boolean(&self, name: &'static str) -> ColumnDef {
        ColumnDef::new(name).boolean().not_null().default(false).take()
    }
    pub(crate) fn int(&self, name: &'static str) -> ColumnDef {
        ColumnDef::new(name).integer().not_null().take()
    }
    pub(crate) fn time(&self, name: &'static str) -> ColumnDef {
        ColumnDef::new(name).timestamp_with_time_zone().not_null().take()
    }
    pub(crate) fn time_null(&self, name: &'static str) -> ColumnDef {
        ColumnDef::new(name).timestamp_with_time_zone().null().take()
    }
}

pub(crate) async fn table(m: &SchemaManager<'_>, name: &'static str, cols: Vec<ColumnDef>) -> Result<(), DbErr> {
    let mut t = Table::create().table(name).if_not_exists().take();
    for mut c in cols {
        t.col(&mut c);
    }
    m.create_table(t).await
}

/// A table whose primary key is `key` (columns listed in `cols`).
pub(crate) async fn keyed_table(
    m: &SchemaManager<'_>,
    name: &'static str,
    cols: Vec<ColumnDef>,
    key: &[&'static str],
) -> Result<(), DbErr> {
    let mut t = Table::create().table(name).if_not_exists().take();
    for mut c in cols {
        t.col(&mut c);
    }
    let mut pk = Index::create();
    for k in key {
        pk.col(*k);
    }
    m.create_table(t.primary_key(&mut pk).take()).await
}

pub(crate) async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let name = format!("ix_{}_{}", table, cols.join("_"));
    let mut i = Index::create().name(name).table(table).if_not_exists().take();
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    m.create_index(i).await
}

const TABLES: &[&str] = &[
    "audit_log",
    "read_only_grants",
    "email_suppressions",
    "email_events",
    "phone_numbers",
    "devices",
    "user_features",
    "user_licenses",
    "user_admin_roles",
    "users",
    "licenses",
    "subscriptions",
    "meeting_sites",
    "customer_domains",
    "customers",
    "agent_roles",
    "agents",
    "partners",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = Cols { backend: m.get_database_backend() };

        table(m, "partners", vec![c.id(), c.text("name"), c.time("created_at")]).await?;
        table(m, "agents", vec![c.id(), c.uuid("partner_id"), c.key("email"), c.text("name"), c.time("created_at")])
            .await?;
        index(m, "agents", &["email"], true).await?;
        index(m, "agents", &["partner_id"], false).await?;
        table(m, "agent_roles", vec![c.uuid("agent_id"), c.uuid("partner_id"), c.text("role")]).await?;
        index(m, "agent_roles", &["agent_id", "role"], true).await?;

        // A customer organisation, with a folded copy of its name for search.
        table(
            m,
            "customers",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.text("name"),
                c.key("name_key"),
                c.text("status"),
                c.time("created_at"),
                c.boolean("calling"),
                c.boolean("messaging"),
                c.boolean("meetings"),
                c.boolean("single_sign_on"),
                c.boolean("directory_sync"),
            ],
        )
        .await?;
        index(m, "customers", &["partner_id", "name_key"], false).await?;

        table(
            m,
            "customer_domains",
            vec![c.id(), c.uuid("partner_id"), c.uuid("customer_id"), c.key("domain"), c.boolean("verified")],
        )
        .await?;
        index(m, "customer_domains", &["partner_id", "domain"], false).await?;
        index(m, "customer_domains", &["customer_id"], false).await?;

        table(m, "meeting_sites", vec![c.id(), c.uuid("partner_id"), c.uuid("customer_id"), c.key("host")]).await?;
        index(m, "meeting_sites", &["partner_id", "host"], false).await?;
        index(m, "meeting_sites", &["customer_id"], false).await?;

        // A subscription and the web order that bought it.
        table(
            m,
            "subscriptions",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.uuid("customer_id"),
                c.key("web_order_number"),
                c.text("status"),
                c.time("starts_at"),
                c.time_null("ends_at"),
            ],
        )
        .await?;
        index(m, "subscriptions", &["partner_id", "web_order_number"], false).await?;
        index(m, "subscriptions", &["customer_id"], false).await?;

        table(
            m,
            "licenses",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.uuid("subscription_id"),
                c.text("offer"),
                c.int("quantity"),
                c.int("consumed"),
            ],
        )
        .await?;
        index(m, "licenses", &["subscription_id"], false).await?;

        // Users: canonical email, and folded "first last", "last first" and
        // display name so a name search is a prefix range scan on an index.
        table(
            m,
            "users",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.uuid("customer_id"),
                c.key("email"),
                c.text("first_name"),
                c.text("last_name"),
                c.text("display_name"),
                c.key("full_key"),
                c.key("reverse_key"),
                c.key("display_key"),
                c.text("status"),
                c.time("created_at"),
            ],
        )
        .await?;
        index(m, "users", &["partner_id", "email"], false).await?;
        index(m, "users", &["partner_id", "full_key"], false).await?;
        index(m, "users", &["partner_id", "reverse_key"], false).await?;
        index(m, "users", &["partner_id", "display_key"], false).await?;
        index(m, "users", &["customer_id", "email"], false).await?;

        table(
            m,
            "user_admin_roles",
            vec![c.uuid("user_id"), c.uuid("partner_id"), c.uuid("customer_id"), c.text("role")],
        )
        .await?;
        index(m, "user_admin_roles", &["user_id"], false).await?;
        index(m, "user_admin_roles", &["customer_id"], false).await?;
        table(m, "user_licenses", vec![c.uuid("user_id"), c.uuid("partner_id"), c.text("offer")]).await?;
        index(m, "user_licenses", &["user_id"], false).await?;
        table(m, "user_features", vec![c.uuid("user_id"), c.uuid("partner_id"), c.text("feature")]).await?;
        index(m, "user_features", &["user_id"], false).await?;

        table(
            m,
            "devices",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.uuid("customer_id"),
                c.uuid_null("owner_user_id"),
                c.text_null("owner_place"),
                c.key_null("mac"),
                c.key_null("serial"),
                c.key_null("sip_address"),
                c.key_null("primary_number"),
                c.text("model"),
                c.boolean("third_party"),
                c.text("status"),
                c.time_null("last_seen_at"),
            ],
        )
        .await?;
        index(m, "devices", &["partner_id", "mac"], false).await?;
        index(m, "devices", &["partner_id", "serial"], false).await?;
        index(m, "devices", &["partner_id", "sip_address"], false).await?;
        index(m, "devices", &["partner_id", "primary_number"], false).await?;
        index(m, "devices", &["owner_user_id"], false).await?;
        index(m, "devices", &["customer_id"], false).await?;

        table(
            m,
            "phone_numbers",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.uuid("customer_id"),
                c.key("number"),
                c.text("kind"),
                c.text("state"),
                c.uuid_null("assigned_user_id"),
                c.uuid_null("assigned_device_id"),
                c.text_null("assigned_name"),
                c.text("location"),
            ],
        )
        .await?;
        index(m, "phone_numbers", &["partner_id", "number"], false).await?;
        index(m, "phone_numbers", &["customer_id", "number"], false).await?;

        // What happened to the emails the service sent: the newest per address is "the last email".
        table(
            m,
            "email_events",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.key("address"),
                c.text("status"),
                c.text("subject"),
                c.text_null("reply"),
                c.time("at"),
            ],
        )
        .await?;
        index(m, "email_events", &["partner_id", "address", "at"], false).await?;

        table(m, "email_suppressions", vec![c.uuid("partner_id"), c.key("address"), c.text("reason"), c.time("since")])
            .await?;
        index(m, "email_suppressions", &["partner_id", "address"], true).await?;

        // A customer's authorisation for its partner to look at it as a read-only admin.
        table(
            m,
            "read_only_grants",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.uuid("customer_id"),
                c.text("granted_by"),
                c.time("granted_at"),
                c.time("expires_at"),
                c.time_null("revoked_at"),
            ],
        )
        .await?;
        index(m, "read_only_grants", &["customer_id"], false).await?;

        // Append-only: who looked up or did what, when, with what outcome.
        table(
            m,
            "audit_log",
            vec![
                c.id(),
                c.uuid("partner_id"),
                c.uuid("agent_id"),
                c.time("at"),
                c.text("action"),
                c.text_null("target"),
                c.text("outcome"),
                c.text_null("detail"),
            ],
        )
        .await?;
        index(m, "audit_log", &["partner_id", "at"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_table(Table::drop().table(*t).if_exists().take()).await?;
        }
        Ok(())
    }
}
