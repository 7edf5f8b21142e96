//! The search queries: one look-up per reading of the search text.
//!
//! Exact readings (an email, a MAC, a number …) are equality look-ups on a
//! canonical column, each served by an index that starts with `partner_id`.
//! Names are range scans over folded keys (`names`), corrected against the
//! partner's dictionary of name words (`dictionary`). Third-party devices are
//! never returned.

mod dictionary;
mod names;

pub use dictionary::DICTIONARY_TTL;
pub(crate) use dictionary::Dictionaries;

use helpdesk_domain::PartnerId;
use helpdesk_domain::ports::SearchFilter;
use helpdesk_domain::search::{
    Dictionary, Found, HitTarget, MatchRank, MatchedField, Reading, SearchHit, SearchInput, SearchKind,
};
use helpdesk_domain::{CustomerId, DeviceId, PhoneNumberId, SubscriptionId, UserId};
use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::*;
use crate::{StoreError, mapping};

type Hits = Result<Vec<SearchHit>, StoreError>;

/// Runs every reading of `input` for every wanted kind. The hits are not
/// ordered yet: the caller ranks them with [`helpdesk_domain::search::rank_hits`].
pub(crate) async fn search(
    db: &DatabaseConnection,
    dictionaries: &Dictionaries,
    partner: PartnerId,
    input: &SearchInput,
    filter: &SearchFilter,
) -> Hits {
    let dictionary = match input.readings().iter().any(|r| matches!(r, Reading::Name(_))) {
        true => dictionaries.of(db, partner).await?,
        false => Default::default(),
    };
    let q = &Query { db, partner, filter, dictionary: &dictionary };
    let lookups = input.readings().iter().flat_map(|reading| filter.kinds.iter().map(move |kind| (reading, *kind)));
    // The look-ups are independent (an email's user, its SIP device, its
    // domain's customer): they run at once, each on its own pooled connection.
    let found = futures::future::try_join_all(lookups.map(|(reading, kind)| async move {
        let found = q.run(reading, kind).await?;
        // An exact hit ranks by how it relates to the whole input (name hits keep theirs).
        let exact = MatchRank::of_exact(input, reading, kind);
        Ok::<_, StoreError>(found.into_iter().map(move |h| match h.rank {
            MatchRank::Exact => SearchHit { rank: exact, ..h },
            _ => h,
        }))
    }))
    .await?;
    Ok(found.into_iter().flatten().collect())
}

struct Query<'a> {
    db: &'a DatabaseConnection,
    partner: PartnerId,
    filter: &'a SearchFilter,
    /// The partner's name words (empty unless the input reads as a name).
    dictionary: &'a Dictionary,
}

fn hit(target: HitTarget, matched_field: MatchedField, label: String) -> SearchHit {
    SearchHit { target, matched_field, rank: MatchRank::Exact, label, found: None }
}

/// An exact hit on a record read whole, handed on with it.
fn found<R>(
    rows: Vec<R>,
    field: MatchedField,
    to_hit: impl Fn(&R) -> (HitTarget, String),
    record: impl Fn(R) -> Result<Found, StoreError>,
) -> Hits {
    rows.into_iter()
        .map(|row| {
            let (target, label) = to_hit(&row);
            Ok(SearchHit { found: Some(record(row)?), ..hit(target, field, label) })
        })
        .collect()
}

impl Query<'_> {
    async fn run(&self, reading: &Reading, kind: SearchKind) -> Hits {
        use SearchKind as K;
        match (reading, kind) {
            (Reading::Id(id), K::Customer) => {
                self.customers(customers::Column::Id.eq(*id), MatchedField::OrganizationId).await
            }
            (Reading::Id(id), K::User) => self.users_exact(users::Column::Id.eq(*id), MatchedField::UserId).await,
            (Reading::Id(id), K::Device) => self.devices(devices::Column::Id.eq(*id), MatchedField::DeviceId).await,
            (Reading::Email(e), K::User) => {
                self.users_exact(users::Column::Email.eq(e.as_str()), MatchedField::Email).await
            }
            (Reading::SipAddress(s), K::Device) => {
                self.devices(devices::Column::SipAddress.eq(s.as_str()), MatchedField::SipAddress).await
            }
            (Reading::MacAddress(m), K::Device) => {
                self.devices(devices::Column::Mac.eq(m.as_str()), MatchedField::MacAddress).await
            }
            (Reading::SerialNumber(s), K::Device) => {
                self.devices(devices::Column::Serial.eq(s.as_str()), MatchedField::SerialNumber).await
            }
            (Reading::PhoneNumber(p), K::Device) => {
                self.devices(devices::Column::PrimaryNumber.eq(p.as_str()), MatchedField::PhoneNumber).await
            }
            (Reading::PhoneNumber(p), K::PhoneNumber) => self.phone_numbers(p.as_str()).await,
            (Reading::Domain(d), K::Customer) => self.customers_by_domain(d.as_str()).await,
            (Reading::MeetingSite(s), K::Customer) => self.customers_by_site(s.as_str()).await,
            (Reading::WebOrderNumber(n), K::Order) => self.orders(n.as_str()).await,
            (Reading::Name(n), K::Customer) => self.customers_by_name(n).await,
            (Reading::Name(n), K::User) => self.users_by_name(n).await,
            _ => Ok(Vec::new()),
        }
    }

    fn scoped<E: EntityTrait>(
        &self,
        select: sea_orm::Select<E>,
        partner_col: E::Column,
        customer_col: E::Column,
    ) -> sea_orm::Select<E> {
        let select = select.filter(partner_col.eq(self.partner.0));
        match self.filter.customer {
            Some(CustomerId(c)) => select.filter(customer_col.eq(c)),
            None => select,
        }
    }

    async fn customers(&self, cond: impl IntoCondition, field: MatchedField) -> Hits {
        use customers::{Column as C, Entity};
        let rows = self
            .scoped(Entity::find(), C::PartnerId, C::Id)
            .filter(cond)
            .order_by_asc(C::NameKey)
            .limit(self.filter.limit)
            .all(self.db)
            .await?;
        Ok(rows.into_iter().map(|r| hit(HitTarget::Customer(CustomerId(r.id)), field, r.name)).collect())
    }

    /// Customers found through a table that names them (`customer_id`): their
    /// domains or their meeting sites.
    async fn customers_through<E: EntityTrait>(
        &self,
        partner_col: E::Column,
        customer_col: E::Column,
        cond: impl IntoCondition,
        field: MatchedField,
    ) -> Hits {
        let ids: Vec<Uuid> = self
            .scoped(E::find(), partner_col, customer_col)
            .filter(cond)
            .select_only()
            .column(customer_col)
            .limit(self.filter.limit)
            .into_tuple()
            .all(self.db)
            .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.customers(customers::Column::Id.is_in(ids), field).await
    }

    /// The partner's rows of `E` (inside the filter's customer) that meet `cond`, at most a page.
    async fn rows<E: EntityTrait>(
        &self,
        partner_col: E::Column,
        customer_col: E::Column,
        cond: impl IntoCondition,
    ) -> Result<Vec<E::Model>, StoreError> {
        Ok(self.scoped(E::find(), partner_col, customer_col).filter(cond).limit(self.filter.limit).all(self.db).await?)
    }

    async fn customers_by_domain(&self, domain: &str) -> Hits {
        use customer_domains::{Column as C, Entity};
        self.customers_through::<Entity>(C::PartnerId, C::CustomerId, C::Domain.eq(domain), MatchedField::Domain).await
    }

    async fn customers_by_site(&self, host: &str) -> Hits {
        use meeting_sites::{Column as C, Entity};
        self.customers_through::<Entity>(C::PartnerId, C::CustomerId, C::Host.eq(host), MatchedField::MeetingSite).await
    }

    async fn users_exact(&self, cond: impl IntoCondition, field: MatchedField) -> Hits {
        use users::{Column as C, Entity};
        let rows = self.rows::<Entity>(C::PartnerId, C::CustomerId, cond).await?;
        found(
            rows,
            field,
            |r| (HitTarget::User(UserId(r.id)), r.display_name.clone()),
            |r| Ok(Found::User(Box::new(mapping::user(r)?))),
        )
    }

    async fn devices(&self, cond: impl IntoCondition, field: MatchedField) -> Hits {
        use devices::{Column as C, Entity};
        let cond = Condition::all().add(cond).add(C::ThirdParty.eq(false));
        let rows = self.rows::<Entity>(C::PartnerId, C::CustomerId, cond).await?;
        found(
            rows,
            field,
            |r| (HitTarget::Device(DeviceId(r.id)), r.model.clone()),
            |r| Ok(Found::Device(Box::new(mapping::device(r)?))),
        )
    }

    async fn phone_numbers(&self, number: &str) -> Hits {
        use phone_numbers::{Column as C, Entity};
        let rows = self.rows::<Entity>(C::PartnerId, C::CustomerId, C::Number.eq(number)).await?;
        found(
            rows,
            MatchedField::PhoneNumber,
            |r| (HitTarget::PhoneNumber(PhoneNumberId(r.id)), r.number.clone()),
            |r| Ok(Found::PhoneNumber(Box::new(mapping::phone_number(r)?))),
        )
    }

    async fn orders(&self, number: &str) -> Hits {
        use subscriptions::{Column as C, Entity};
        let rows = self.rows::<Entity>(C::PartnerId, C::CustomerId, C::WebOrderNumber.eq(number)).await?;
        found(
            rows,
            MatchedField::WebOrderNumber,
            |r| (HitTarget::Order(SubscriptionId(r.id)), r.web_order_number.clone()),
            |r| Ok(Found::Order(Box::new(mapping::order(r)?))),
        )
    }
}
