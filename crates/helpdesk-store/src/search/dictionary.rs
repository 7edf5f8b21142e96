//! Each partner's dictionary of name words, held in memory.
//!
//! A typo is corrected against the distinct words of a partner's names (a few
//! thousand, even for a million users), read from `name_words` on first use
//! and kept [`DICTIONARY_TTL`]: new names written by another process are
//! known to typo tolerance within that time. Exact and prefix search never
//! wait for it: they read the name keys themselves.

use std::sync::Arc;
use std::time::Duration;

use helpdesk_domain::PartnerId;
use helpdesk_domain::search::Dictionary;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::StoreError;
use crate::entity::name_words;

/// How long a partner's dictionary is kept before it is read again.
pub const DICTIONARY_TTL: Duration = Duration::from_secs(60);

/// Partners' dictionaries, loaded once per partner per [`DICTIONARY_TTL`].
#[derive(Clone)]
pub(crate) struct Dictionaries {
    cache: moka::future::Cache<PartnerId, Arc<Dictionary>>,
}

impl Dictionaries {
    pub(crate) fn new() -> Self {
        Dictionaries { cache: moka::future::Cache::builder().max_capacity(1_000).time_to_live(DICTIONARY_TTL).build() }
    }

    /// The partner's dictionary, read from the database if not held. (Two
    /// first searches at once may both read it; the error of a failed read
    /// keeps its kind, so an unreachable database is still `UNAVAILABLE`.)
    pub(crate) async fn of(&self, db: &DatabaseConnection, partner: PartnerId) -> Result<Arc<Dictionary>, StoreError> {
        if let Some(dictionary) = self.cache.get(&partner).await {
            return Ok(dictionary);
        }
        let words: Vec<String> = name_words::Entity::find()
            .filter(name_words::Column::PartnerId.eq(partner.0))
            .select_only()
            .column(name_words::Column::Word)
            .into_tuple()
            .all(db)
            .await?;
        let dictionary = Arc::new(Dictionary::new(words));
        self.cache.insert(partner, dictionary.clone()).await;
        Ok(dictionary)
    }

    /// Forgets every dictionary (after this process wrote names).
    pub(crate) fn clear(&self) {
        self.cache.invalidate_all();
    }
}
