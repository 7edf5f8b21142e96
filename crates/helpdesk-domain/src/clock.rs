//! The clock port: where "now" comes from.
//!
//! Much of the help desk is about time: a verification code lives 10 minutes,
//! a user may get 3 codes per 15 minutes, a customer's read-only grant ends on
//! a date, a token expires. Code that needs "now" asks a [`Clock`] instead of
//! the system, so that a test can start the whole gateway a year from today or
//! step past a code's expiry without sleeping, and nothing stops working
//! because the calendar moved.
//!
//! The gateway runs on [`SystemClock`]. Tests run on an [`AdjustableClock`]:
//! the system's time plus an offset they set or step. It keeps ticking (the
//! mailer's retries and the caches' lifetimes still pass in real time) while
//! the date it reads can be anywhere.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Tells the time. Shared by every part of one gateway, so they agree.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock: what the gateway runs on.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system's time shifted by an offset that can be set or stepped: a
/// gateway started a year ahead, or moved past a code's expiry, still ticks.
#[derive(Debug, Default)]
pub struct AdjustableClock {
    offset: Mutex<Duration>,
}

impl AdjustableClock {
    /// A clock that reads `offset` later than the system's (earlier if negative).
    pub fn shifted(offset: Duration) -> Self {
        AdjustableClock { offset: Mutex::new(offset) }
    }

    /// Moves the clock forward by `step` (back, if negative).
    pub fn advance(&self, step: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset += step;
    }

    /// How far this clock is ahead of the system's.
    pub fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for AdjustableClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustable_clock_reads_the_system_time_plus_its_offset() {
        let clock = AdjustableClock::shifted(Duration::days(365));
        let ahead = clock.now() - Utc::now();
        assert!(ahead > Duration::days(364) && ahead <= Duration::days(365), "{ahead}");
        clock.advance(Duration::minutes(11));
        assert_eq!(clock.offset(), Duration::days(365) + Duration::minutes(11));
    }
}
