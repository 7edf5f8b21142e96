//! Verifying a caller: is the person on the phone really this user?
//!
//! The agent sends a 6-digit code to the user's email address; the user reads
//! it back; the agent types it in. The rules:
//!
//! - the code comes from a cryptographically secure generator, and only a
//!   keyed hash of it is stored (a stolen database does not reveal live codes);
//! - it lives 10 minutes; a new code replaces the old one;
//! - 5 wrong attempts kill it (6 digits are a million guesses, 5 are not enough);
//! - at most 3 codes per user per 15 minutes, so the help desk can't be used
//!   to flood someone's inbox;
//! - a code never appears in a response, a log line or the audit log: its
//!   `Debug` is redacted and it has no `Display`.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Error, error::Result};

/// How long a code is valid.
pub fn code_lifetime() -> Duration {
    Duration::minutes(10)
}
/// Wrong attempts allowed before a code is dead.
pub const MAX_ATTEMPTS: i32 = 5;
/// Codes a user may be sent per [`send_window`].
pub const MAX_SENDS: usize = 3;
/// The window of the send limit.
pub fn send_window() -> Duration {
    Duration::minutes(15)
}

/// A 6-digit verification code.
#[derive(Clone, PartialEq, Eq)]
pub struct VerificationCode(String);

impl std::fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerificationCode(••••••)")
    }
}

impl VerificationCode {
    /// Turns 32 random bits into a code, or `None` for the few values that
    /// would make some codes likelier than others (draw again).
    pub fn from_random(bits: u32) -> Option<Self> {
        // The largest multiple of 1,000,000 that fits in a u32: values above
        // it would bias the low codes.
        const LIMIT: u32 = 4_294_000_000;
        (bits < LIMIT).then(|| VerificationCode(format!("{:06}", bits % 1_000_000)))
    }

    /// Reads the code as the agent typed it (spaces allowed: `123 456`).
    pub fn parse(raw: &str) -> Result<Self> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(VerificationCode(digits))
        } else {
            Err(Error::invalid("a verification code has 6 digits"))
        }
    }

    /// The digits, for the email to the user only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Hashes codes with the gateway's secret key (HMAC-SHA256), so a stored hash
/// can't be brute-forced without the key.
#[derive(Clone)]
pub struct CodeHasher {
    key: Vec<u8>,
}

impl std::fmt::Debug for CodeHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeHasher(..)")
    }
}

impl CodeHasher {
    /// A hasher keyed with `key`.
    pub fn new(key: &[u8]) -> Self {
        CodeHasher { key: key.to_vec() }
    }

    fn mac(&self, user: &crate::UserId, code: &VerificationCode) -> Hmac<Sha256> {
        // Keys of any length are accepted by HMAC.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(user.0.as_bytes());
        mac.update(code.0.as_bytes());
        mac
    }

    /// The stored form of `code` for `user`.
    pub fn hash(&self, user: &crate::UserId, code: &VerificationCode) -> Vec<u8> {
        self.mac(user, code).finalize().into_bytes().to_vec()
    }

    /// Whether `code` is the one whose hash is `stored`, compared in constant time.
    pub fn matches(&self, user: &crate::UserId, code: &VerificationCode, stored: &[u8]) -> bool {
        self.mac(user, code).verify_slice(stored).is_ok()
    }
}

/// A stored code, as the rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCode {
    pub hash: Vec<u8>,
    pub expires_at: DateTime<Utc>,
    pub attempts: i32,
}

/// What checking a code found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Right code: the caller is the user. The code is used up.
    Verified,
    /// Wrong code; this many attempts are left.
    Wrong { attempts_left: i32 },
}

/// Why a check could not be made.
pub fn check(stored: Option<&StoredCode>, matches: bool, now: DateTime<Utc>) -> Result<CheckOutcome> {
    let stored = stored.ok_or_else(|| Error::invalid("no verification code was sent to this user; send one first"))?;
    if stored.attempts >= MAX_ATTEMPTS {
        return Err(Error::invalid("this code was tried too many times; send a new code"));
    }
    if now >= stored.expires_at {
        return Err(Error::invalid("this code has expired; send a new code"));
    }
    if matches {
        Ok(CheckOutcome::Verified)
    } else {
        Ok(CheckOutcome::Wrong { attempts_left: MAX_ATTEMPTS - stored.attempts - 1 })
    }
}

/// The send limit: `Err(retry_at)` when `sent_at` (the times codes were sent
/// to this user) already holds [`MAX_SENDS`] sends within the window.
pub fn may_send(sent_at: &[DateTime<Utc>], now: DateTime<Utc>) -> std::result::Result<(), DateTime<Utc>> {
    let mut recent: Vec<DateTime<Utc>> = sent_at.iter().copied().filter(|t| *t > now - send_window()).collect();
    if recent.len() < MAX_SENDS {
        return Ok(());
    }
    recent.sort();
    // The oldest send in the window leaves it first.
    Err(recent[recent.len() - MAX_SENDS] + send_window())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn user() -> crate::UserId {
        crate::UserId::new_random()
    }

    #[test]
    fn a_code_is_six_digits_and_never_shows_in_debug() {
        let code = VerificationCode::from_random(42).unwrap();
        assert_eq!(code.expose(), "000042");
        assert!(!format!("{code:?}").contains("42"));
        assert_eq!(VerificationCode::parse("123 456").unwrap().expose(), "123456");
        assert!(VerificationCode::parse("12345").is_err());
        assert!(VerificationCode::from_random(u32::MAX).is_none());
    }

    #[test]
    fn only_the_right_code_for_the_right_user_matches() {
        let h = CodeHasher::new(b"key");
        let (u, code) = (user(), VerificationCode::parse("123456").unwrap());
        let stored = h.hash(&u, &code);
        assert!(h.matches(&u, &code, &stored));
        assert!(!h.matches(&u, &VerificationCode::parse("123457").unwrap(), &stored));
        assert!(!h.matches(&user(), &code, &stored));
        assert!(!CodeHasher::new(b"other key").matches(&u, &code, &stored));
    }

    #[test]
    fn a_code_dies_after_five_wrong_attempts_or_ten_minutes() {
        let now = Utc::now();
        let mut stored = StoredCode { hash: vec![], expires_at: now + code_lifetime(), attempts: 0 };
        assert_eq!(check(Some(&stored), false, now).unwrap(), CheckOutcome::Wrong { attempts_left: 4 });
        stored.attempts = 4;
        assert_eq!(check(Some(&stored), false, now).unwrap(), CheckOutcome::Wrong { attempts_left: 0 });
        stored.attempts = 5;
        assert!(check(Some(&stored), true, now).is_err(), "dead even with the right code");
        stored.attempts = 0;
        assert!(check(Some(&stored), true, now + code_lifetime()).is_err(), "expired");
        assert_eq!(check(Some(&stored), true, now).unwrap(), CheckOutcome::Verified);
    }

    #[test]
    fn three_sends_per_fifteen_minutes() {
        let now = Utc::now();
        let m = Duration::minutes;
        assert!(may_send(&[now - m(1), now - m(2)], now).is_ok());
        assert_eq!(may_send(&[now - m(1), now - m(2), now - m(3)], now), Err(now - m(3) + send_window()));
        assert!(may_send(&[now - m(1), now - m(2), now - m(16)], now).is_ok(), "old sends leave the window");
    }

    proptest! {
        #[test]
        fn every_drawn_code_has_six_digits(bits in any::<u32>()) {
            if let Some(code) = VerificationCode::from_random(bits) {
                prop_assert_eq!(code.expose().len(), 6);
                prop_assert_eq!(VerificationCode::parse(code.expose()).unwrap(), code);
            }
        }
    }
}
