//! The partner keys (migration 8) on a database that was seeded before
//! them: a gateway of this release starts on it, every row is still there,
//! and the new keys refuse what they exist to refuse.

use helpdesk_migrations::{Migrator, MigratorTrait};
use helpdesk_tests::{e2e_backends, execute_sql, fixtures::*, spawn_app_upgrading};
use sea_orm::{ConnectionTrait, Database, Statement};

/// The migrations that existed before the partner keys.
const BEFORE_KEYS: u32 = 7;

/// Every table that holds a partner's data.
const TABLES: &[&str] = &[
    "partners",
    "agents",
    "agent_roles",
    "customers",
    "customer_domains",
    "meeting_sites",
    "subscriptions",
    "licenses",
    "users",
    "user_admin_roles",
    "user_licenses",
    "user_features",
    "devices",
    "phone_numbers",
    "email_events",
    "email_suppressions",
    "read_only_grants",
    "audit_log",
    "verification_codes",
    "verification_sends",
    "outbox",
    "read_only_sessions",
    "customer_name_keys",
    "name_words",
    "audit_daily",
    "search_daily",
];

/// Rows per table, and the migrations applied.
async fn census(url: &str) -> (Vec<(&'static str, i64)>, i64) {
    let db = Database::connect(url).await.unwrap();
    let count = async |sql: String| -> i64 {
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        row.try_get_by_index(0).unwrap()
    };
    let mut rows = Vec::new();
    for table in TABLES {
        rows.push((*table, count(format!("SELECT COUNT(*) FROM \"{table}\"")).await));
    }
    (rows, count("SELECT COUNT(*) FROM seaql_migrations".into()).await)
}

e2e_backends!(
    /// A database seeded before the keys, with one orphan in it: the upgrade
    /// stops and changes nothing; without the orphan it keeps every row, and
    /// the keys then refuse duplicates, orphans and cross-partner links.
    a_database_seeded_before_the_partner_keys_keeps_every_row, |target| async move {
    let (app, before) = spawn_app_upgrading(target, BEFORE_KEYS, async |url: &str| {
        let seeded = census(url).await;
        assert_eq!(seeded.1, i64::from(BEFORE_KEYS));
        for table in ["customers", "users", "user_licenses", "user_features", "devices", "audit_log"] {
            assert!(seeded.0.iter().any(|(t, n)| *t == table && *n > 0), "the seed fills {table}: {seeded:?}");
        }

        // A feature of a user who does not exist stops the upgrade, which changes nothing.
        let orphan = "INSERT INTO user_features (user_id, partner_id, feature) \
                      SELECT customers.id, customers.partner_id, 'calling' FROM customers LIMIT 1";
        execute_sql(url, orphan).await.unwrap();
        let db = Database::connect(url).await.unwrap();
        let refused = Migrator::up(&db, None).await;
        assert!(refused.is_err(), "an orphan cannot get a foreign key");
        let mut after_refusal = census(url).await;
        assert_eq!(after_refusal.1, i64::from(BEFORE_KEYS), "migration 8 is not recorded");
        after_refusal.0.iter_mut().filter(|(t, _)| *t == "user_features").for_each(|(_, n)| *n -= 1);
        assert_eq!(after_refusal, seeded, "no row was lost or added by the refused upgrade");
        execute_sql(url, "DELETE FROM user_features WHERE user_id IN (SELECT id FROM customers)").await.unwrap();

        // A license given twice is refused before anything changes.
        let twice = "INSERT INTO user_licenses SELECT * FROM user_licenses LIMIT 1";
        execute_sql(url, twice).await.unwrap();
        let refused = Migrator::up(&db, None).await.unwrap_err().to_string();
        assert!(refused.contains("user_licenses"), "{refused}");
        // The license once again: rows without a key are told apart by their place in the table.
        let once = if url.starts_with("sqlite") {
            "DELETE FROM user_licenses WHERE rowid NOT IN (SELECT MIN(rowid) FROM user_licenses GROUP BY user_id, offer)"
        } else {
            "DELETE FROM user_licenses a USING user_licenses b WHERE a.ctid > b.ctid AND a.user_id = b.user_id AND a.offer = b.offer"
        };
        execute_sql(url, once).await.unwrap();
        assert_eq!(census(url).await, seeded);
        seeded
    })
    .await;
    // The gateway applied the rest as it started.
    let after = census(app.database_url()).await;
    assert_eq!(after.0, before.0, "every row is still there");
    assert!(after.1 > before.1);
    assert_eq!(app.search(DEVICE_MAC).await["edges"][0]["node"]["macAddress"], DEVICE_MAC);
    assert_eq!(app.search(USER_EMAIL).await["edges"][0]["node"]["email"], USER_EMAIL);

    let url = app.database_url();
    let refused = |what: &'static str| move |r: Result<(), String>| assert!(r.is_err(), "{what} must be refused");
    refused("a license given twice")(execute_sql(url, "INSERT INTO user_licenses SELECT * FROM user_licenses LIMIT 1").await);
    refused("a domain of a customer that does not exist")(
        execute_sql(
            url,
            "INSERT INTO customer_domains (id, partner_id, customer_id, domain, verified) \
             SELECT customers.id, customers.partner_id, partners.id, 'nowhere.example', FALSE FROM customers, partners LIMIT 1",
        )
        .await,
    );
    let other_partner_user = format!(
        "UPDATE devices SET owner_user_id = (SELECT u.id FROM users u JOIN partners p ON p.id = u.partner_id WHERE p.name = '{PARTNER_B}' LIMIT 1) \
         WHERE mac = '{}'",
        DEVICE_MAC.replace(':', "")
    );
    refused("a device of partner A owned by a user of partner B")(execute_sql(url, &other_partner_user).await);
});
