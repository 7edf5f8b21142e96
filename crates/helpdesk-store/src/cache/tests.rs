//! The read-through against the machine's Redis (127.0.0.1:6379, each
//! test under a prefix of its own), with loads written by the test.

use std::sync::Mutex as StdMutex;

use chrono::Utc;
use helpdesk_domain::model::{CustomerSettings, CustomerStatus};

use super::*;
use crate::redis_link::RedisTarget;

fn summary(partner: PartnerId, id: CustomerId, grant_revoked: bool) -> CustomerSummary {
    let now = Utc::now();
    CustomerSummary {
        partner_id: partner,
        customer: Customer {
            id,
            name: "Nan Pizza Group".into(),
            status: CustomerStatus::Active,
            created_at: now,
            settings: CustomerSettings {
                calling: true,
                messaging: true,
                meetings: true,
                single_sign_on: false,
                directory_sync: false,
            },
        },
        domains: vec![],
        sites: vec![],
        admins: vec![],
        licenses: vec![],
        grant: Some(ReadOnlyGrant {
            id: Uuid::new_v4(),
            customer_id: id,
            granted_by: "admin@nanpizza.com".into(),
            granted_at: now,
            expires_at: now + chrono::Duration::days(30),
            revoked_at: grant_revoked.then_some(now),
        }),
    }
}

fn cache_on_redis() -> Arc<CustomerCache> {
    let options = CacheOptions {
        redis: Some(RedisTarget::Node("redis://127.0.0.1:6379".into())),
        redis_prefix: format!("helpdesk-unit-{}", Uuid::new_v4().simple()),
        redis_timeout: Duration::from_secs(1),
        ..CacheOptions::default()
    };
    Arc::new(CustomerCache::new(&options).unwrap())
}

#[tokio::test]
async fn a_summary_read_before_a_revocation_is_not_cached_after_it() {
    let cache = cache_on_redis();
    let (partner, id) = (PartnerId(Uuid::new_v4()), CustomerId(Uuid::new_v4()));
    // The load reads the grant, then the customer revokes it (the
    // invalidation lands), then the load wants to cache what it read.
    let stale = summary(partner, id, false);
    let racing = cache.clone();
    let got = cache
        .get_many(partner, &[id], |_| {
            let (racing, stale) = (racing.clone(), stale.clone());
            Box::pin(async move {
                racing.invalidate(id).await;
                Ok(vec![stale])
            })
        })
        .await
        .unwrap();
    assert_eq!(got.len(), 1, "the racing request still gets what it read");

    // The next read finds nothing cached, in either layer, and loads the truth.
    let loads = StdMutex::new(0);
    let fresh = summary(partner, id, true);
    let got = cache
        .get_many(partner, &[id], |_| {
            *loads.lock().unwrap() += 1;
            let fresh = fresh.clone();
            Box::pin(async move { Ok(vec![fresh]) })
        })
        .await
        .unwrap();
    assert_eq!(*loads.lock().unwrap(), 1, "the stale summary was cached");
    assert!(got[0].grant.as_ref().unwrap().revoked_at.is_some());
    assert_eq!(cache.stats.redis_hits.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn a_summary_is_cached_in_redis_when_nothing_changed() {
    let cache = cache_on_redis();
    let (partner, id) = (PartnerId(Uuid::new_v4()), CustomerId(Uuid::new_v4()));
    let s = summary(partner, id, false);
    let load = |_| {
        let s = s.clone();
        Box::pin(async move { Ok(vec![s]) }) as LoadFuture<'static>
    };
    cache.get_many(partner, &[id], load).await.unwrap();
    // A second gateway on the same Redis reads it from there.
    let other = CustomerCache::new(&CacheOptions {
        redis: Some(RedisTarget::Node("redis://127.0.0.1:6379".into())),
        redis_prefix: cache.redis.as_ref().unwrap().prefix.clone(),
        ..CacheOptions::default()
    })
    .unwrap();
    let got = other.get_many(partner, &[id], |_| Box::pin(async { Ok(vec![]) })).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(other.stats.redis_hits.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_waiter_whose_leader_failed_loads_for_itself() {
    let cache = Arc::new(CustomerCache::new(&CacheOptions { local_capacity: 0, ..CacheOptions::default() }).unwrap());
    let (partner, id) = (PartnerId(Uuid::new_v4()), CustomerId(Uuid::new_v4()));
    let (loading, release) = (Arc::new(tokio::sync::Notify::new()), Arc::new(tokio::sync::Notify::new()));
    // The leader's load starts, then fails once the waiter has joined (the database went away).
    let leader = {
        let (cache, loading, release) = (cache.clone(), loading.clone(), release.clone());
        tokio::spawn(async move {
            cache
                .get_many(partner, &[id], |_| {
                    let (loading, release) = (loading.clone(), release.clone());
                    Box::pin(async move {
                        loading.notify_one();
                        release.notified().await;
                        Err(crate::StoreError::Db(sea_orm::DbErr::Custom("connection reset".into())))
                    })
                })
                .await
        })
    };
    loading.notified().await;
    let fresh = summary(partner, id, false);
    let ids = [id];
    let waiter = cache.get_many(partner, &ids, |_| {
        let fresh = fresh.clone();
        Box::pin(async move { Ok(vec![fresh]) })
    });
    let mut waiter = std::pin::pin!(waiter);
    // Its first poll joins the leader's flight and waits on it.
    assert!(futures::poll!(waiter.as_mut()).is_pending());
    release.notify_one();
    assert!(leader.await.unwrap().is_err(), "the leader reports its own failure");
    let got = waiter.await.expect("the waiter loads for itself instead of failing");
    assert_eq!(got.len(), 1);
}
