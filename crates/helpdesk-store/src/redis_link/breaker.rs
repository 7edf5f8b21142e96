//! A circuit breaker: stop calling a Redis that keeps failing, so a dead
//! Redis costs the requests nothing but a flag check.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Stops calling a failing Redis: after `THRESHOLD` failures in a row it
/// opens for `PAUSE`, then lets one call through to see if Redis is back.
#[derive(Debug, Default)]
pub(crate) struct Breaker {
    failures: AtomicU32,
    open_until: std::sync::Mutex<Option<Instant>>,
}

impl Breaker {
    const THRESHOLD: u32 = 3;
    const PAUSE: Duration = Duration::from_secs(2);

    pub(crate) fn allows(&self) -> bool {
        let mut open = self.open_until.lock().unwrap_or_else(|e| e.into_inner());
        match *open {
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                // Half-open: this call is the probe; the next ones wait for its outcome.
                *open = Some(Instant::now() + Self::PAUSE);
                true
            }
            None => true,
        }
    }

    pub(crate) fn succeeded(&self) {
        self.failures.store(0, Ordering::Relaxed);
        *self.open_until.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    pub(crate) fn failed(&self) {
        if self.failures.fetch_add(1, Ordering::Relaxed) + 1 >= Self::THRESHOLD {
            *self.open_until.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now() + Self::PAUSE);
        }
    }

    pub(crate) fn is_open(&self) -> bool {
        self.open_until.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }
}
