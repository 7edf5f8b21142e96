//! The keys requests are made of: every user, device and customer of the
//! agent's partner, read from the database once. Hundreds of thousands of
//! keys, drawn at random: no cache of answers can hold them.

use sea_orm::sqlx::{PgPool, Row};
use uuid::Uuid;

/// One user, as an agent would know them.
#[derive(Debug, Clone)]
pub struct UserKey {
    pub email: String,
    pub first: String,
    pub last: String,
}

/// Everything the benchmark can ask for.
#[derive(Debug)]
pub struct Keys {
    pub partner: Uuid,
    pub users: Vec<UserKey>,
    pub macs: Vec<String>,
    pub customers: Vec<(Uuid, String)>,
}

impl Keys {
    /// Reads the keys of the partner of `agent`.
    pub async fn load(pool: &PgPool, agent: &str) -> Result<Keys, sea_orm::sqlx::Error> {
        let partner: Uuid = sea_orm::sqlx::query_scalar("SELECT partner_id FROM agents WHERE email = $1")
            .bind(agent)
            .fetch_one(pool)
            .await?;
        let users = sea_orm::sqlx::query("SELECT email, first_name, last_name FROM users WHERE partner_id = $1")
            .bind(partner)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| UserKey { email: r.get(0), first: r.get(1), last: r.get(2) })
            .collect();
        let macs = sea_orm::sqlx::query_scalar(
            "SELECT mac FROM devices WHERE partner_id = $1 AND NOT third_party AND mac IS NOT NULL",
        )
        .bind(partner)
        .fetch_all(pool)
        .await?;
        let customers = sea_orm::sqlx::query("SELECT id, name FROM customers WHERE partner_id = $1")
            .bind(partner)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        Ok(Keys { partner, users, macs, customers })
    }

    /// How many keys in all.
    pub fn len(&self) -> usize {
        self.users.len() + self.macs.len() + self.customers.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
