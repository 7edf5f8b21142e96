//! Name search: index ranges over folded keys, one per spelling.
//!
//! What the agent typed becomes a few [`Spelling`]s (the typed words first,
//! then unfinished words completed and typos corrected, see the domain's
//! `search::name`). Each spelling is a key prefix, and every name that starts
//! with it is one range of a B-tree index that leads with `partner_id`:
//! `key >= 'nova d' AND key < 'nova d' || U+10FFFF`, read in key order and cut
//! at the page's LIMIT. Both SQLite and PostgreSQL answer that from the index
//! alone, and every row read is a match, so the cost is the page, not the
//! number of names that match.
//!
//! Passes run best first and stop once the page is full: whole names
//! (exact and prefix matches), then a word inside a customer's name, then
//! typo corrections. A later pass can only add worse matches.

use helpdesk_domain::search::{Found, HitTarget, MatchRank, MatchedField, NameQuery, SearchHit, Spelling};
use helpdesk_domain::{CustomerId, UserId};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Hits, Query};
use crate::entity::*;
use crate::mapping;

/// `col >= prefix AND col < prefix + U+10FFFF`: every value that starts with `prefix`.
fn starts_with(col: impl ColumnTrait, prefix: &str) -> Condition {
    Condition::all().add(col.gte(prefix)).add(col.lt(format!("{prefix}\u{10FFFF}")))
}

/// Where a name is looked for.
#[derive(Clone, Copy, PartialEq)]
enum Pass {
    /// Whole names, from their first word: exact and prefix matches.
    Whole,
    /// A customer's name from any of its words on: word matches.
    Inside,
}

impl Query<'_> {
    /// Customers by their name, or a word inside it ("pizza" → Nan Pizza Group).
    pub(super) async fn customers_by_name(&self, name: &NameQuery) -> Hits {
        let spellings = name.spellings(self.dictionary);
        let mut hits = Vec::new();
        for (typos, pass) in [(false, Pass::Whole), (false, Pass::Inside), (true, Pass::Whole), (true, Pass::Inside)] {
            for spelling in spellings.iter().filter(|s| (s.typos() > 0) == typos) {
                if self.page_is_full(&hits) {
                    return Ok(hits);
                }
                hits.extend(self.customer_names(name, spelling, pass).await?);
            }
        }
        Ok(hits)
    }

    /// Users by "first last", "last first" or display name.
    pub(super) async fn users_by_name(&self, name: &NameQuery) -> Hits {
        let mut hits = Vec::new();
        for spelling in name.spellings(self.dictionary) {
            if self.page_is_full(&hits) {
                break;
            }
            // One range per key, each in its own index's order: an OR of the
            // three would make SQLite walk a partner's whole index in order.
            // A page already full of matches as good as the best this spelling
            // can give (exact for the typed words, typo for a correction)
            // cannot be outranked by the other keys: they are not read.
            let best = if spelling.typos() > 0 { MatchRank::Typo } else { MatchRank::Exact };
            for key in [users::Column::FullKey, users::Column::ReverseKey, users::Column::DisplayKey] {
                if self.page_is_full(&hits) && hits.iter().all(|h| h.rank >= best) {
                    break;
                }
                hits.extend(self.user_names(name, &spelling, key).await?);
            }
        }
        Ok(hits)
    }

    /// Whether enough hits were found for the page (with ones found twice
    /// counted once, as the ranking will).
    fn page_is_full(&self, hits: &[SearchHit]) -> bool {
        let distinct: std::collections::HashSet<_> = hits.iter().map(|h| h.target).collect();
        distinct.len() as u64 >= self.filter.limit
    }

    async fn customer_names(&self, typed: &NameQuery, spelling: &Spelling, pass: Pass) -> Hits {
        let prefix = spelling.key_prefix();
        let rows: Vec<(uuid::Uuid, String)> = match pass {
            Pass::Whole => {
                use customers::{Column as C, Entity};
                self.scoped(Entity::find(), C::PartnerId, C::Id)
                    .filter(starts_with(C::NameKey, &prefix))
                    .order_by_asc(C::NameKey)
                    .select_only()
                    .columns([C::Id, C::Name])
                    .limit(self.filter.limit)
                    .into_tuple()
                    .all(self.db)
                    .await?
            }
            Pass::Inside => {
                use customer_name_keys::{Column as C, Entity};
                self.scoped(Entity::find(), C::PartnerId, C::CustomerId)
                    .filter(starts_with(C::Key, &prefix))
                    .order_by_asc(C::Key)
                    .select_only()
                    .columns([C::CustomerId, C::Name])
                    .limit(self.filter.limit)
                    .into_tuple()
                    .all(self.db)
                    .await?
            }
        };
        Ok(rows
            .into_iter()
            .filter_map(|(id, label)| {
                let rank = spelling.rank(typed, |q| q.rank(&label))?;
                let target = HitTarget::Customer(CustomerId(id));
                Some(SearchHit { target, matched_field: MatchedField::OrganizationName, rank, label, found: None })
            })
            .collect())
    }

    async fn user_names(&self, typed: &NameQuery, spelling: &Spelling, key: users::Column) -> Hits {
        use users::{Column as C, Entity};
        let rows = self
            .scoped(Entity::find(), C::PartnerId, C::CustomerId)
            .filter(starts_with(key, &spelling.key_prefix()))
            .order_by_asc(key)
            .limit(self.filter.limit)
            .all(self.db)
            .await?;
        let mut hits = Vec::with_capacity(rows.len());
        for row in rows {
            let mut field = MatchedField::UserName;
            let Some(rank) = spelling.rank(typed, |q| {
                let (f, rank) = q.rank_user(&row.first_name, &row.last_name, &row.display_name)?;
                field = f;
                Some(rank)
            }) else {
                continue;
            };
            let (target, label) = (HitTarget::User(UserId(row.id)), row.display_name.clone());
            let found = Some(Found::User(Box::new(mapping::user(row)?)));
            hits.push(SearchHit { target, matched_field: field, rank, label, found });
        }
        Ok(hits)
    }
}
