//! Single flight: concurrent misses for one customer reach the database once.
//!
//! The first caller to miss a customer leads: it loads, and the callers that
//! miss it meanwhile wait for its result. A load always reads within one
//! partner, so a flight is keyed by (partner, customer): another partner
//! probing the same ID gets a flight (and a "not found") of its own, never
//! the owner's. If the leader fails or is cancelled (its client went away,
//! the gateway is shutting down), dropping its [`Leading`] guard ends its
//! flights, and the waiters load for themselves: nothing is left behind for
//! later callers to wait on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use helpdesk_domain::{CustomerId, PartnerId};
use tokio::sync::watch;

use super::CustomerSummary;

/// A flight's result: the summary, or `None` if the partner has no such customer.
type Outcome = Option<Arc<CustomerSummary>>;
/// What waiters watch: `None` until the leader lands.
type Watch = watch::Receiver<Option<Outcome>>;

/// The flights in the air.
#[derive(Default)]
pub(super) struct Flights {
    map: Mutex<HashMap<(PartnerId, CustomerId), Watch>>,
}

/// What a caller does for the customers it missed: lead some, wait for others.
pub(super) struct Joined<'a> {
    pub(super) leading: Leading<'a>,
    pub(super) waiting: Vec<(CustomerId, Watch)>,
}

/// The flights one caller leads. Dropped without [`Leading::land`], its
/// waiters see the flight end without a result and load for themselves.
pub(super) struct Leading<'a> {
    flights: &'a Flights,
    partner: PartnerId,
    ids: Vec<CustomerId>,
    senders: Vec<watch::Sender<Option<Outcome>>>,
}

impl Flights {
    fn map(&self) -> MutexGuard<'_, HashMap<(PartnerId, CustomerId), Watch>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Leads the flights of `ids` nobody in `partner` is loading; waits for the others.
    pub(super) fn join(&self, partner: PartnerId, ids: Vec<CustomerId>) -> Joined<'_> {
        let mut leading = Leading { flights: self, partner, ids: Vec::new(), senders: Vec::new() };
        let mut waiting = Vec::new();
        let mut map = self.map();
        for id in ids {
            match map.get(&(partner, id)) {
                Some(rx) => waiting.push((id, rx.clone())),
                None => {
                    let (tx, rx) = watch::channel(None);
                    map.insert((partner, id), rx);
                    leading.ids.push(id);
                    leading.senders.push(tx);
                }
            }
        }
        Joined { leading, waiting }
    }

    /// The leader's result, or `Err` if its flight ended without one.
    pub(super) async fn wait(mut rx: Watch) -> Result<Outcome, ()> {
        rx.wait_for(Option::is_some).await.map(|v| v.clone().flatten()).map_err(|_| ())
    }
}

impl Leading<'_> {
    /// The customers this caller loads.
    pub(super) fn ids(&self) -> &[CustomerId] {
        &self.ids
    }

    /// Hands every waiter its result (`found`, or "not there") and ends the flights.
    pub(super) fn land(mut self, found: &HashMap<CustomerId, Arc<CustomerSummary>>) {
        for (id, tx) in self.ids.iter().zip(self.senders.drain(..)) {
            let _ = tx.send(Some(found.get(id).cloned()));
        }
    }
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        let mut map = self.flights.map();
        for id in &self.ids {
            map.remove(&(self.partner, *id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> CustomerId {
        CustomerId(uuid::Uuid::new_v4())
    }

    #[tokio::test]
    async fn another_partner_gets_a_flight_of_its_own() {
        let flights = Flights::default();
        let (customer, owner, prober) = (id(), PartnerId(uuid::Uuid::new_v4()), PartnerId(uuid::Uuid::new_v4()));
        let first = flights.join(prober, vec![customer]);
        let second = flights.join(owner, vec![customer]);
        assert_eq!(first.leading.ids(), &[customer]);
        assert_eq!(second.leading.ids(), &[customer], "the owner leads its own load");
        assert!(second.waiting.is_empty());
    }

    #[tokio::test]
    async fn a_cancelled_leader_leaves_nothing_behind() {
        let flights = Flights::default();
        let (customer, partner) = (id(), PartnerId(uuid::Uuid::new_v4()));
        let leader = flights.join(partner, vec![customer]);
        let mut waiter = flights.join(partner, vec![customer]);
        assert!(waiter.leading.ids().is_empty());
        drop(leader);
        let (_, rx) = waiter.waiting.pop().unwrap();
        assert!(Flights::wait(rx).await.is_err(), "the waiter learns it must load itself");
        let later = flights.join(partner, vec![customer]);
        assert_eq!(later.leading.ids(), &[customer], "a later caller leads a new flight");
    }
}
