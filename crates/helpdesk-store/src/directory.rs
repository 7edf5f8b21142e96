//! The read-side port: everything a partner manages, one batch query per relation.
//!
//! Every query filters by the partner first, so even a look-up by a raw ID
//! cannot return another partner's row: it behaves as if the row did not exist.

use async_trait::async_trait;
use helpdesk_domain::access::Agent;
use helpdesk_domain::error::Result;
use helpdesk_domain::model::*;
use helpdesk_domain::ports::{AgentDirectory, CustomerList, Directory, Page, SearchFilter};
use helpdesk_domain::search::{SearchHit, SearchInput};
use helpdesk_domain::{
    AgentId, CustomerId, DeviceId, Email, PartnerId, PhoneNumber, PhoneNumberId, SubscriptionId, UserId, WebOrderNumber,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::cache::CustomerSummary;
use crate::entity::*;
use crate::mapping::{self, all};
use crate::{Store, StoreError};

/// The rows of `E` of one partner whose `col` is one of `keys`.
async fn rows_in<E: EntityTrait>(
    store: &Store,
    partner_col: E::Column,
    partner: PartnerId,
    col: E::Column,
    keys: Vec<Uuid>,
) -> std::result::Result<Vec<E::Model>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let select = E::find().filter(partner_col.eq(partner.0)).filter(col.is_in(keys));
    read!(store, partner, |db| select.clone().all(db).await.map_err(StoreError::from))
}

/// One page of a customer's rows of `E`, ordered by `(order, id)` and
/// starting after the page's key: `order > v OR (order = v AND id > k)`.
async fn page_of<E: EntityTrait>(
    store: &Store,
    (partner_col, partner): (E::Column, PartnerId),
    (customer_col, customer): (E::Column, CustomerId),
    (order, id): (E::Column, E::Column),
    page: Page,
) -> std::result::Result<Vec<E::Model>, StoreError> {
    let mut select = E::find().filter(partner_col.eq(partner.0)).filter(customer_col.eq(customer.0));
    if let Some(key) = &page.after {
        select = select.filter(
            Condition::any()
                .add(order.gt(key.value.as_str()))
                .add(Condition::all().add(order.eq(key.value.as_str())).add(id.gt(key.id))),
        );
    }
    let select = select.order_by_asc(order).order_by_asc(id).limit(page.limit);
    read!(store, partner, |db| select.clone().all(db).await.map_err(StoreError::from))
}

/// Licenses per customer and offer, summed over the customers' active subscriptions.
async fn license_totals(
    store: &Store,
    partner: PartnerId,
    customers: &[Uuid],
) -> std::result::Result<Vec<LicenseTotal>, StoreError> {
    use helpdesk_domain::model::{Labelled, SubscriptionStatus};
    let select = subscriptions::Entity::find()
        .filter(subscriptions::Column::PartnerId.eq(partner.0))
        .filter(subscriptions::Column::CustomerId.is_in(customers.iter().copied()))
        .filter(subscriptions::Column::Status.eq(SubscriptionStatus::Active.label()));
    let active: Vec<subscriptions::Model> =
        read!(store, partner, |db| select.clone().all(db).await.map_err(StoreError::from))?;
    let ids: Vec<Uuid> = active.iter().map(|s| s.id).collect();
    let rows =
        rows_in::<licenses::Entity>(store, licenses::Column::PartnerId, partner, licenses::Column::SubscriptionId, ids)
            .await?;
    let mut totals: Vec<LicenseTotal> = Vec::new();
    for l in rows {
        let Some(sub) = active.iter().find(|s| s.id == l.subscription_id) else { continue };
        let customer_id = CustomerId(sub.customer_id);
        match totals.iter_mut().find(|t| t.customer_id == customer_id && t.offer == l.offer) {
            Some(t) => {
                t.quantity += l.quantity;
                t.consumed += l.consumed;
            }
            None => {
                totals.push(LicenseTotal { customer_id, offer: l.offer, quantity: l.quantity, consumed: l.consumed })
            }
        }
    }
    totals.sort_by(|a, b| a.offer.cmp(&b.offer));
    Ok(totals)
}

fn keys<T: Copy>(ids: &[T], f: impl Fn(T) -> Uuid) -> Vec<Uuid> {
    let mut v: Vec<Uuid> = ids.iter().map(|id| f(*id)).collect();
    v.sort();
    v.dedup();
    v
}

impl Store {
    /// Customer summaries through the cache (see `cache.rs`).
    pub(crate) async fn summaries(
        &self,
        partner: PartnerId,
        ids: &[CustomerId],
    ) -> std::result::Result<Vec<std::sync::Arc<CustomerSummary>>, StoreError> {
        let ids: Vec<CustomerId> = keys(ids, |i| i.0).into_iter().map(CustomerId).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.cache().get_many(partner, &ids, |missing| Box::pin(self.load_summaries(partner, missing))).await
    }

    /// Summaries from the database: one query per part, for all the customers at once.
    async fn load_summaries(
        &self,
        partner: PartnerId,
        ids: Vec<CustomerId>,
    ) -> std::result::Result<Vec<CustomerSummary>, StoreError> {
        let uuids: Vec<Uuid> = ids.iter().map(|i| i.0).collect();
        let db = self;
        let rows = rows_in::<customers::Entity>(
            db,
            customers::Column::PartnerId,
            partner,
            customers::Column::Id,
            uuids.clone(),
        )
        .await?;
        let domains = all(
            rows_in::<customer_domains::Entity>(
                db,
                customer_domains::Column::PartnerId,
                partner,
                customer_domains::Column::CustomerId,
                uuids.clone(),
            )
            .await?,
            mapping::domain,
        )?;
        let sites = all(
            rows_in::<meeting_sites::Entity>(
                db,
                meeting_sites::Column::PartnerId,
                partner,
                meeting_sites::Column::CustomerId,
                uuids.clone(),
            )
            .await?,
            mapping::meeting_site,
        )?;
        let admins = all(
            rows_in::<user_admin_roles::Entity>(
                db,
                user_admin_roles::Column::PartnerId,
                partner,
                user_admin_roles::Column::CustomerId,
                uuids.clone(),
            )
            .await?,
            mapping::admin_role,
        )?;
        // Grants decide access: read from the primary.
        let grants = crate::actions::latest_grants(self.db(), partner, &uuids).await?;
        let licenses = license_totals(db, partner, &uuids).await?;
        rows.into_iter()
            .map(|row| {
                let customer = mapping::customer(row)?;
                let id = customer.id;
                Ok(CustomerSummary {
                    partner_id: partner,
                    domains: domains.iter().filter(|d| d.customer_id == id).cloned().collect(),
                    sites: sites.iter().filter(|d| d.customer_id == id).cloned().collect(),
                    admins: admins.iter().filter(|d| d.customer_id == id).cloned().collect(),
                    licenses: licenses.iter().filter(|l| l.customer_id == id).cloned().collect(),
                    grant: grants.iter().find(|g| g.customer_id == id).cloned(),
                    customer,
                })
            })
            .collect()
    }

    /// An agent and its roles, in one statement on the primary: this read
    /// decides access, so it never goes to a replica, and it is kept in
    /// memory only while PostgreSQL announces every change ([`crate::agents`]).
    async fn agent_where(&self, cond: sea_orm::Condition) -> std::result::Result<Option<Agent>, StoreError> {
        use sea_orm::{JoinType, QuerySelect};
        let roles = agent_roles::Entity::belongs_to(agents::Entity)
            .from((agent_roles::Column::PartnerId, agent_roles::Column::AgentId))
            .to((agents::Column::PartnerId, agents::Column::Id))
            .into();
        let rows = agents::Entity::find()
            .filter(cond)
            .join_rev(JoinType::LeftJoin, roles)
            .select_also(agent_roles::Entity)
            .all(self.db())
            .await?;
        let Some((first, _)) = rows.first() else { return Ok(None) };
        let first = first.clone();
        let roles: Vec<agent_roles::Model> = rows
            .into_iter()
            .filter(|(a, _)| a.id == first.id && a.partner_id == first.partner_id)
            .filter_map(|(_, r)| r)
            .collect();
        Ok(Some(mapping::agent(first, &roles)?))
    }
}

#[async_trait]
impl AgentDirectory for Store {
    async fn agent(&self, id: AgentId) -> Result<Option<Agent>> {
        let read = self.agent_where(sea_orm::Condition::all().add(agents::Column::Id.eq(id.0)));
        Ok(self.agents().get(id, read).await?)
    }

    async fn agent_by_email(&self, email: &Email) -> Result<Option<Agent>> {
        Ok(self.agent_where(sea_orm::Condition::all().add(agents::Column::Email.eq(email.as_str()))).await?)
    }
}

#[async_trait]
impl Directory for Store {
    async fn search(&self, partner: PartnerId, input: &SearchInput, filter: &SearchFilter) -> Result<Vec<SearchHit>> {
        Ok(read!(self, partner, |db| crate::search::search(db, self.dictionaries(), partner, input, filter).await)?)
    }

    async fn customers(&self, partner: PartnerId, ids: &[CustomerId]) -> Result<Vec<Customer>> {
        Ok(self.summaries(partner, ids).await?.iter().map(|s| s.customer.clone()).collect())
    }

    async fn users(&self, partner: PartnerId, ids: &[UserId]) -> Result<Vec<User>> {
        use users::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::Id, keys(ids, |i| i.0)).await?;
        Ok(all(rows, mapping::user)?)
    }

    async fn devices(&self, partner: PartnerId, ids: &[DeviceId]) -> Result<Vec<Device>> {
        use devices::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::Id, keys(ids, |i| i.0)).await?;
        Ok(all(rows, mapping::device)?)
    }

    async fn phone_numbers(&self, partner: PartnerId, ids: &[PhoneNumberId]) -> Result<Vec<PhoneNumberRecord>> {
        use phone_numbers::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::Id, keys(ids, |i| i.0)).await?;
        Ok(all(rows, mapping::phone_number)?)
    }

    async fn orders(&self, partner: PartnerId, ids: &[SubscriptionId]) -> Result<Vec<Order>> {
        use subscriptions::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::Id, keys(ids, |i| i.0)).await?;
        Ok(all(rows, mapping::order)?)
    }

    async fn phone_number_by_number(
        &self,
        partner: PartnerId,
        number: &PhoneNumber,
    ) -> Result<Option<PhoneNumberRecord>> {
        use phone_numbers::{Column as C, Entity};
        let select = Entity::find().filter(C::PartnerId.eq(partner.0)).filter(C::Number.eq(number.as_str()));
        let row = read!(self, partner, |db| select.clone().one(db).await.map_err(StoreError::from))?;
        Ok(row.map(mapping::phone_number).transpose()?)
    }

    async fn order_by_number(&self, partner: PartnerId, number: &WebOrderNumber) -> Result<Option<Order>> {
        use subscriptions::{Column as C, Entity};
        let select = Entity::find().filter(C::PartnerId.eq(partner.0)).filter(C::WebOrderNumber.eq(number.as_str()));
        let row = read!(self, partner, |db| select.clone().one(db).await.map_err(StoreError::from))?;
        Ok(row.map(mapping::order).transpose()?)
    }

    async fn domains_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<CustomerDomain>> {
        Ok(self.summaries(partner, customers).await?.iter().flat_map(|s| s.domains.clone()).collect())
    }

    async fn meeting_sites_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<CustomerMeetingSite>> {
        Ok(self.summaries(partner, customers).await?.iter().flat_map(|s| s.sites.clone()).collect())
    }

    async fn orders_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<Order>> {
        use subscriptions::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::CustomerId, keys(customers, |i| i.0)).await?;
        Ok(all(rows, mapping::order)?)
    }

    async fn licenses_of(&self, partner: PartnerId, orders: &[SubscriptionId]) -> Result<Vec<License>> {
        use licenses::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::SubscriptionId, keys(orders, |i| i.0)).await?;
        Ok(all(rows, mapping::license)?)
    }

    async fn license_totals_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<LicenseTotal>> {
        Ok(self.summaries(partner, customers).await?.iter().flat_map(|s| s.licenses.clone()).collect())
    }

    async fn admins_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<UserAdminRole>> {
        Ok(self.summaries(partner, customers).await?.iter().flat_map(|s| s.admins.clone()).collect())
    }

    async fn admin_roles_of(&self, partner: PartnerId, users: &[UserId]) -> Result<Vec<UserAdminRole>> {
        use user_admin_roles::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::UserId, keys(users, |i| i.0)).await?;
        Ok(all(rows, mapping::admin_role)?)
    }

    async fn licenses_of_users(&self, partner: PartnerId, users: &[UserId]) -> Result<Vec<UserLicense>> {
        use user_licenses::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::UserId, keys(users, |i| i.0)).await?;
        Ok(all(rows, mapping::user_license)?)
    }

    async fn features_of(&self, partner: PartnerId, users: &[UserId]) -> Result<Vec<UserFeature>> {
        use user_features::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::UserId, keys(users, |i| i.0)).await?;
        Ok(all(rows, mapping::user_feature)?)
    }

    async fn devices_of_users(&self, partner: PartnerId, users: &[UserId]) -> Result<Vec<Device>> {
        use devices::{Column as C, Entity};
        let rows = rows_in::<Entity>(self, C::PartnerId, partner, C::OwnerUserId, keys(users, |i| i.0)).await?;
        Ok(all(rows, mapping::device)?)
    }

    async fn last_emails(&self, partner: PartnerId, addresses: &[Email]) -> Result<Vec<EmailEvent>> {
        use email_events::{Column as C, Entity};
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        let select = Entity::find()
            .filter(C::PartnerId.eq(partner.0))
            .filter(C::Address.is_in(addresses.iter().map(|a| a.as_str().to_string())))
            .order_by_asc(C::Address)
            .order_by_desc(C::At);
        let rows = read!(self, partner, |db| select.clone().all(db).await.map_err(StoreError::from))?;
        Ok(all(mapping::first_of_each(rows, |r| r.address.clone()), mapping::email_event)?)
    }

    async fn count_of_customer(&self, partner: PartnerId, customer: CustomerId, list: CustomerList) -> Result<u64> {
        async fn count<E: EntityTrait>(
            db: &DatabaseConnection,
            (partner_col, partner): (E::Column, PartnerId),
            (customer_col, customer): (E::Column, CustomerId),
        ) -> std::result::Result<u64, StoreError>
        where
            E::Model: Sync,
        {
            use sea_orm::PaginatorTrait;
            Ok(E::find().filter(partner_col.eq(partner.0)).filter(customer_col.eq(customer.0)).count(db).await?)
        }
        Ok(read!(self, partner, |db| match list {
            CustomerList::Users => {
                count::<users::Entity>(db, (users::Column::PartnerId, partner), (users::Column::CustomerId, customer))
                    .await
            }
            CustomerList::Devices => {
                use devices::Column as C;
                count::<devices::Entity>(db, (C::PartnerId, partner), (C::CustomerId, customer)).await
            }
            CustomerList::PhoneNumbers => {
                use phone_numbers::Column as C;
                count::<phone_numbers::Entity>(db, (C::PartnerId, partner), (C::CustomerId, customer)).await
            }
        })?)
    }

    async fn partner_overview(
        &self,
        partner: PartnerId,
        now: chrono::DateTime<chrono::Utc>,
        wanted: &std::collections::HashSet<helpdesk_domain::model::Figure>,
    ) -> Result<PartnerOverview> {
        Ok(read!(self, partner, |db| crate::overview::partner_overview(db, partner, now, wanted).await)?)
    }

    async fn users_of_customer(&self, partner: PartnerId, customer: CustomerId, page: Page) -> Result<Vec<User>> {
        use users::{Column as C, Entity};
        let rows = page_of::<Entity>(self, (C::PartnerId, partner), (C::CustomerId, customer), (C::Email, C::Id), page)
            .await?;
        Ok(all(rows, mapping::user)?)
    }

    async fn devices_of_customer(&self, partner: PartnerId, customer: CustomerId, page: Page) -> Result<Vec<Device>> {
        use devices::{Column as C, Entity};
        let order = (C::Model, C::Id);
        let rows = page_of::<Entity>(self, (C::PartnerId, partner), (C::CustomerId, customer), order, page).await?;
        Ok(all(rows, mapping::device)?)
    }

    async fn phone_numbers_of_customer(
        &self,
        partner: PartnerId,
        customer: CustomerId,
        page: Page,
    ) -> Result<Vec<PhoneNumberRecord>> {
        use phone_numbers::{Column as C, Entity};
        let rows =
            page_of::<Entity>(self, (C::PartnerId, partner), (C::CustomerId, customer), (C::Number, C::Id), page)
                .await?;
        Ok(all(rows, mapping::phone_number)?)
    }
}
