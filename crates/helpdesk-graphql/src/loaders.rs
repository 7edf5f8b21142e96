//! Dataloaders: one batch query per relation, whatever the page size.
//!
//! A page of 50 search results wants 50 customers, 50 users' licenses, 50
//! users' devices… Resolved one by one that is hundreds of queries. Each
//! resolver instead asks the request's [`Loaders`] for one key; the
//! dataloader gathers the keys asked for in the same tick and makes one
//! `Directory` call with all of them.
//!
//! The loaders are created per request and carry that request's partner:
//! a loader cache shared between requests could hand one partner's rows to
//! another.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::Context;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context as TaskContext, Poll, Wake, Waker};

use async_graphql::dataloader::{DataLoader, Loader};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use helpdesk_domain::model::*;
use helpdesk_domain::ports::HelpDesk;
use helpdesk_domain::search::Found;
use helpdesk_domain::{
    CustomerId, DeviceId, Email, Error as DomainError, PartnerId, PhoneNumberId, SubscriptionId, UserId,
};

use crate::error::{ApiError, ApiResult};

/// The batch loaders of one request, confined to its partner.
pub struct Loaders {
    directory: Arc<dyn HelpDesk>,
    partner: PartnerId,
    /// A read-only admin session's customer: records of other customers are
    /// dropped as if they did not exist.
    only_customer: Option<CustomerId>,
    /// Records the request's search already read whole: taken by the first
    /// load that asks for them, instead of a second read of the same rows.
    found: std::sync::Mutex<Prefetched>,
}

/// Records handed over by a search, by kind.
#[derive(Default)]
struct Prefetched {
    users: HashMap<UserId, User>,
    devices: HashMap<DeviceId, Device>,
    numbers: HashMap<PhoneNumberId, PhoneNumberRecord>,
    orders: HashMap<SubscriptionId, Order>,
}

impl Loaders {
    /// Keeps the records a search read, for the resolvers that show them.
    pub fn hand_over(&self, records: impl IntoIterator<Item = Found>) {
        let Ok(mut found) = self.found.lock() else { return };
        for record in records {
            match record {
                Found::User(u) => found.users.insert(u.id, *u).map(drop),
                Found::Device(d) => found.devices.insert(d.id, *d).map(drop),
                Found::PhoneNumber(n) => found.numbers.insert(n.id, *n).map(drop),
                Found::Order(o) => found.orders.insert(o.id, *o).map(drop),
            };
        }
    }

    /// The handed-over records among `keys`, and the keys still to read.
    fn take_found<K: Hash + Eq + Clone, V>(
        &self,
        keys: &[K],
        pick: impl Fn(&mut Prefetched) -> &mut HashMap<K, V>,
    ) -> (HashMap<K, V>, Vec<K>) {
        let mut have = HashMap::new();
        let mut missing = Vec::new();
        let mut found = self.found.lock().ok();
        for key in keys {
            match found.as_mut().and_then(|f| pick(f).remove(key)) {
                Some(v) => drop(have.insert(key.clone(), v)),
                None => missing.push(key.clone()),
            }
        }
        (have, missing)
    }
}

/// The customer a record belongs to.
trait OwnedBy {
    fn owner(&self) -> CustomerId;
}

impl OwnedBy for Customer {
    fn owner(&self) -> CustomerId {
        self.id
    }
}

macro_rules! owned_by_customer_id {
    ($($t:ty),+) => { $(impl OwnedBy for $t { fn owner(&self) -> CustomerId { self.customer_id } })+ };
}
owned_by_customer_id!(User, Device, PhoneNumberRecord, Order);

impl Loaders {
    fn visible<T: OwnedBy>(&self, v: &T) -> bool {
        self.only_customer.is_none_or(|c| v.owner() == c)
    }
}

/// The batch tasks of one request's dataloader, run on the request's own
/// task (see [`Loaders::for_request`]).
pub struct BatchTasks(tokio::sync::mpsc::UnboundedReceiver<BoxFuture<'static, ()>>);

impl Loaders {
    /// A request's dataloader, and the batch tasks it will create.
    ///
    /// async-graphql's dataloader gathers keys for a short delay, then runs
    /// one batch. If the batch ran on another thread, a slow resolver pass
    /// could be split into several batches, and the number of queries would
    /// depend on timing. Instead the batch tasks run on the request's task,
    /// with [`BatchTasks::drive`]: a batch can only start once the executor
    /// has registered every key of the current pass, so a page of N results
    /// always costs the same number of queries.
    pub fn for_request(
        directory: Arc<dyn HelpDesk>,
        partner: PartnerId,
        only_customer: Option<CustomerId>,
    ) -> (DataLoader<Loaders>, BatchTasks) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let loader = DataLoader::new(
            Loaders { directory, partner, only_customer, found: Default::default() },
            move |task: BoxFuture<'static, ()>| {
                // The receiver lives as long as the request; a send can only fail
                // after the request finished, when nobody waits for the batch.
                let _ = tx.send(task);
            },
        );
        (loader, BatchTasks(rx))
    }
}

impl BatchTasks {
    /// Runs `work` (the request's execution) and the batch tasks it spawns,
    /// together on the current task, until `work` finishes.
    pub async fn drive<T>(self, work: impl std::future::Future<Output = T>) -> T {
        Drive { work: Box::pin(work), tasks: self.0, running: FuturesUnordered::new() }.await
    }
}

/// The future behind [`BatchTasks::drive`].
///
/// Resolvers of a long list are polled in chunks: async-graphql's list
/// resolution yields (wakes itself and returns `Pending`) to stay fair to
/// other tasks. Such a yield is not the end of a pass, so `Drive` keeps
/// polling `work` until it is really waiting — on a batch — before it lets
/// any batch run.
struct Drive<W: std::future::Future> {
    work: Pin<Box<W>>,
    tasks: tokio::sync::mpsc::UnboundedReceiver<BoxFuture<'static, ()>>,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
}

/// A waker that remembers it was woken, and passes the wake on.
struct Flagged {
    woken: AtomicBool,
    outer: Waker,
}

impl Wake for Flagged {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.outer.wake_by_ref();
    }
}

/// More self-wakes in a row than any honest pass needs: stop and let batches run.
const MAX_YIELDS_PER_PASS: usize = 10_000;

impl<W: std::future::Future> std::future::Future for Drive<W> {
    type Output = W::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<W::Output> {
        for _ in 0..MAX_YIELDS_PER_PASS {
            let flagged = Arc::new(Flagged { woken: AtomicBool::new(false), outer: cx.waker().clone() });
            let waker = Waker::from(flagged.clone());
            if let Poll::Ready(out) = self.work.as_mut().poll(&mut TaskContext::from_waker(&waker)) {
                return Poll::Ready(out);
            }
            if !flagged.woken.load(Ordering::SeqCst) {
                break;
            }
        }
        while let Poll::Ready(Some(task)) = self.tasks.poll_recv(cx) {
            self.running.push(task);
        }
        while let Poll::Ready(Some(())) = self.running.poll_next_unpin(cx) {}
        Poll::Pending
    }
}

/// Hands the records a search read to the request's loaders.
pub fn hand_over(ctx: &Context<'_>, records: impl IntoIterator<Item = Found>) {
    if let Ok(loader) = ctx.data::<DataLoader<Loaders>>() {
        loader.loader().hand_over(records);
    }
}

/// Loads the value for one key (batched with the other keys of this tick).
pub async fn one<K>(ctx: &Context<'_>, key: K) -> ApiResult<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = ApiError>,
{
    let loader = ctx
        .data::<DataLoader<Loaders>>()
        .map_err(|_| ApiError::Domain(DomainError::Internal("dataloader missing".into())))?;
    loader.load_one(key).await
}

/// Loads the list for one key of a one-to-many relation; empty if none.
pub async fn many<K, V>(ctx: &Context<'_>, key: K) -> ApiResult<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    Loaders: Loader<K, Error = ApiError, Value = Vec<V>>,
{
    Ok(one(ctx, key).await?.unwrap_or_default())
}

/// Records by their own ID: those a search handed over (if it hands over
/// that kind), then the rest in one read.
macro_rules! by_id {
    ($key:ty => $value:ty, $method:ident, |$v:ident| $k:expr) => {
        impl Loader<$key> for Loaders {
            type Value = $value;
            type Error = ApiError;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, ApiError> {
                let rows = self.directory.$method(self.partner, keys).await?;
                Ok(rows.into_iter().filter(|v| self.visible(v)).map(|$v| ($k, $v)).collect())
            }
        }
    };
    ($key:ty => $value:ty, $method:ident, $found:ident, |$v:ident| $k:expr) => {
        impl Loader<$key> for Loaders {
            type Value = $value;
            type Error = ApiError;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, ApiError> {
                let (mut have, missing) = self.take_found(keys, |f| &mut f.$found);
                if !missing.is_empty() {
                    let rows = self.directory.$method(self.partner, &missing).await?;
                    have.extend(rows.into_iter().map(|$v| ($k, $v)));
                }
                have.retain(|_, v| self.visible(v));
                Ok(have)
            }
        }
    };
}

// Customers come from the customer cache; a search hands none over.
by_id!(CustomerId => Customer, customers, |v| v.id);
by_id!(UserId => User, users, users, |v| v.id);
by_id!(DeviceId => Device, devices, devices, |v| v.id);
by_id!(PhoneNumberId => PhoneNumberRecord, phone_numbers, numbers, |v| v.id);
by_id!(SubscriptionId => Order, orders, orders, |v| v.id);

/// One-to-many relations, keyed by a newtype naming the relation.
macro_rules! one_to_many {
    ($(#[$doc:meta])* $key:ident($inner:ty) => $value:ty, $method:ident, |$v:ident| $k:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $key(pub $inner);

        impl Loader<$key> for Loaders {
            type Value = Vec<$value>;
            type Error = ApiError;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Vec<$value>>, ApiError> {
                let inner: Vec<$inner> = keys.iter().map(|k| k.0.clone()).collect();
                let rows = self.directory.$method(self.partner, &inner).await?;
                let mut map: HashMap<$key, Vec<$value>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
                for $v in rows {
                    map.entry($key($k)).or_default().push($v);
                }
                Ok(map)
            }
        }
    };
}

one_to_many!(/// A customer's claimed and verified domains.
    DomainsOf(CustomerId) => CustomerDomain, domains_of, |v| v.customer_id);
one_to_many!(/// A customer's meeting sites.
    MeetingSitesOf(CustomerId) => CustomerMeetingSite, meeting_sites_of, |v| v.customer_id);
one_to_many!(/// A customer's subscriptions (orders).
    OrdersOf(CustomerId) => Order, orders_of, |v| v.customer_id);
one_to_many!(/// A customer's license totals per offer.
    LicenseTotalsOf(CustomerId) => LicenseTotal, license_totals_of, |v| v.customer_id);
one_to_many!(/// A customer's admins, with their roles.
    AdminsOf(CustomerId) => UserAdminRole, admins_of, |v| v.customer_id);
one_to_many!(/// The licenses of a subscription.
    LicensesOf(SubscriptionId) => License, licenses_of, |v| v.subscription_id);
one_to_many!(/// A user's admin roles in its organisation.
    AdminRolesOf(UserId) => UserAdminRole, admin_roles_of, |v| v.user_id);
one_to_many!(/// The licenses assigned to a user.
    LicensesOfUser(UserId) => UserLicense, licenses_of_users, |v| v.user_id);
one_to_many!(/// The features enabled for a user.
    FeaturesOf(UserId) => UserFeature, features_of, |v| v.user_id);
one_to_many!(/// The devices a user owns.
DevicesOf(UserId) => Device, devices_of_users, |v| match &v.owner {
    DeviceOwner::User(u) => *u,
    DeviceOwner::Place(_) => UserId(uuid::Uuid::nil()),
});

/// Relations with at most one value per key, keyed by a newtype naming the relation.
macro_rules! one_per_key {
    ($(#[$doc:meta])* $key:ident($inner:ty) => $value:ty, $method:ident, |$v:ident| $k:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $key(pub $inner);

        impl Loader<$key> for Loaders {
            type Value = $value;
            type Error = ApiError;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, ApiError> {
                let inner: Vec<$inner> = keys.iter().map(|k| k.0.clone()).collect();
                let rows = self.directory.$method(self.partner, &inner).await?;
                Ok(rows.into_iter().map(|$v| ($key($k), $v)).collect())
            }
        }
    };
}

one_per_key!(/// The last email sent to an address.
    LastEmailTo(Email) => EmailEvent, last_emails, |e| e.address.clone());
one_per_key!(/// The suppression-list entry of an address.
    SuppressionOf(Email) => EmailSuppression, suppressions, |e| e.address.clone());
one_per_key!(/// The latest read-only grant of a customer.
    GrantOf(CustomerId) => ReadOnlyGrant, grants_of, |g| g.customer_id);
