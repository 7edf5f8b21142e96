//! Deterministic demo data: `helpdesk seed --scale demo|small|large`.
//!
//! The same scale always produces the same partners, customers, users,
//! devices, numbers and orders (fixed RNG seed), so the README, the tests and
//! a bug report can all talk about the same records. A few records are fixed
//! on purpose and listed in [`fixtures`].
//!
//! Dates are another matter: every one is relative to the moment the seeder
//! runs (a grant that ends in 30 days, an email sent yesterday), taken from
//! the caller's clock, so the demo works on any day. `serve --demo` on a
//! database seeded long ago moves the demo's read-only grants forward
//! ([`resume_demo`]), so the demo still has customers that allow read-only access.
//!
//! # Layout
//!
//! - [`fixtures`]: the fixed records, by the values the help desk types.
//! - `generator`: the generated records, drawn from `vocabulary`.
//! - `batch`: rows flushed in large multi-row `INSERT`s.
//! - `anchor`: when the demo was seeded, and moving its grants forward.

mod anchor;
mod batch;
pub mod fixtures;
mod generator;
mod history;
mod vocabulary;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::{Store, StoreError};
use batch::Batch;
use generator::Generator;
use helpdesk_domain::Role;

pub use anchor::{ResumedDemo, resume_demo};

/// How much data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A few dozen customers: the embedded default and the tests.
    Demo,
    /// 500 customers, 20,000 users.
    Small,
    /// 20,000 customers, 1,000,000 users, 500,000 devices and numbers, 100,000 orders.
    Large,
}

pub(super) struct Sizes {
    pub(super) customers_per_partner: usize,
    pub(super) users: usize,
    pub(super) devices: usize,
    pub(super) numbers: usize,
    pub(super) orders: usize,
}

impl Scale {
    /// The name `--scale` takes.
    pub fn label(self) -> &'static str {
        match self {
            Scale::Demo => "demo",
            Scale::Small => "small",
            Scale::Large => "large",
        }
    }

    fn sizes(self) -> Sizes {
        match self {
            Scale::Demo => Sizes { customers_per_partner: 12, users: 12, devices: 6, numbers: 10, orders: 2 },
            Scale::Small => Sizes { customers_per_partner: 250, users: 40, devices: 20, numbers: 20, orders: 3 },
            Scale::Large => Sizes { customers_per_partner: 10_000, users: 50, devices: 25, numbers: 25, orders: 5 },
        }
    }
}

impl std::str::FromStr for Scale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "demo" => Ok(Scale::Demo),
            "small" => Ok(Scale::Small),
            "large" => Ok(Scale::Large),
            other => Err(format!("unknown scale {other:?}: use demo, small or large")),
        }
    }
}

/// What the seeder wrote, and how long it took.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub customers: usize,
    pub users: usize,
    pub devices: usize,
    pub phone_numbers: usize,
    pub orders: usize,
    pub elapsed: Duration,
}

/// The RNG seed: change it and every generated record changes.
const SEED: u64 = 0x4E1D_E5C0;

/// Writes the demo data set of `scale` into an empty database, every date
/// relative to `now` (the caller's clock).
pub async fn seed(store: &Store, scale: Scale, now: DateTime<Utc>) -> Result<SeedReport, StoreError> {
    if !store.is_empty().await? {
        return Err(StoreError::Seed("the database already holds data; seed an empty database".into()));
    }
    let started = Instant::now();
    let sizes = scale.sizes();
    let mut g = Generator {
        rng: ChaCha8Rng::seed_from_u64(SEED),
        batch: Batch::default(),
        counter: 0,
        now,
        report: SeedReport::default(),
        help_desk_agents: Vec::new(),
    };
    let a = g.partner(
        fixtures::PARTNER_A,
        &[
            (fixtures::PARTNER_ADMIN, "Avery Admin", &[Role::PartnerAdmin]),
            (fixtures::HELP_DESK_AGENT, "Hana Helpdesk", &[Role::HelpDesk]),
            ("lead@northwind-partners.com", "Lee Lead", &[Role::PartnerAdmin, Role::HelpDesk]),
            (fixtures::AGENT_WITHOUT_ROLE, "Sam Sales", &[]),
        ],
    );
    let b = g.partner(
        fixtures::PARTNER_B,
        &[(fixtures::OTHER_PARTNER_AGENT, "Gil Globex", &[Role::HelpDesk, Role::PartnerAdmin])],
    );
    g.fixtures(a, b);
    let mut taken = HashSet::new();
    for index in 0..sizes.customers_per_partner {
        for partner in [a, b] {
            g.generated_customer(partner, index, &sizes, &mut taken);
        }
        if g.batch.len() >= 20_000 {
            g.batch.flush(store).await?;
        }
    }
    g.batch.flush(store).await?;
    history::write(store, &g.help_desk_agents, now).await?;
    // New names: typo tolerance reads the dictionaries again.
    store.dictionaries().clear();
    // A table loaded in bulk has no statistics until autovacuum gets to it:
    // until then PostgreSQL guesses that a name range holds a dozen rows and
    // reads all 400 "alice smith"s to sort them, 150 times slower than the
    // index scan it picks once it knows.
    store.analyze().await?;
    anchor::record_seeding(store, scale, now).await?;
    g.report.elapsed = started.elapsed();
    Ok(g.report)
}
