//! Where a customer lives on the web: the domains it claimed or verified, its
//! meeting sites, and the web orders it bought its subscriptions with.

use std::fmt;

use crate::{Error, error::Result};

/// A DNS domain such as `acme.com`, lower-cased, without a trailing dot.
///
/// A customer *claims* a domain to say its users' addresses live there and
/// *verifies* it by publishing a DNS record; either lets the help desk find the
/// customer from any of its users' addresses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain(String);

impl Domain {
    /// Parses a domain of at least two labels whose last label is alphabetic.
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim().trim_end_matches('.').to_ascii_lowercase();
        let bad = || Error::invalid("a domain looks like acme.com");
        if s.is_empty() || s.len() > 253 {
            return Err(bad());
        }
        let labels: Vec<&str> = s.split('.').collect();
        if labels.len() < 2 {
            return Err(bad());
        }
        for label in &labels {
            let ok = !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(bad());
            }
        }
        let tld = labels[labels.len() - 1];
        if tld.len() < 2 || !tld.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(bad());
        }
        Ok(Domain(s))
    }

    /// For values already canonical (read back from the store or an `Email`).
    pub(crate) fn from_canonical(s: &str) -> Self {
        Domain(s.to_string())
    }

    /// The canonical value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A meeting site, the host name a customer's meetings run on, such as
/// `acme.webex.com`. Agents often paste the whole address from a browser, so a
/// scheme (`https://`) and anything after the host are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeetingSite(Domain);

impl MeetingSite {
    /// Parses `acme.webex.com`, `https://acme.webex.com` or `https://acme.webex.com/meet/jane`.
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let lower = s.to_ascii_lowercase();
        let without_scheme =
            ["https://", "http://"].iter().find_map(|scheme| lower.strip_prefix(scheme)).unwrap_or(&lower);
        let host = without_scheme.split(['/', '?', '#']).next().unwrap_or_default();
        Domain::parse(host).map(MeetingSite).map_err(|_| Error::invalid("a meeting site looks like acme.webex.com"))
    }

    /// The host name.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The same host as a domain.
    pub fn as_domain(&self) -> &Domain {
        &self.0
    }
}

impl fmt::Display for MeetingSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The number of the web order a customer bought a subscription with: 6 to 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebOrderNumber(String);

impl WebOrderNumber {
    /// Parses a web order number (digits only; surrounding spaces are ignored).
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        if (6..=12).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit()) {
            Ok(WebOrderNumber(s.to_string()))
        } else {
            Err(Error::invalid("a web order number has 6 to 12 digits"))
        }
    }

    /// The number as text (leading zeros matter).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebOrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_domain_is_lower_cased_and_needs_a_real_tld() {
        assert_eq!(Domain::parse("ACME.com.").unwrap().as_str(), "acme.com");
        for bad in ["acme", "acme.", "-acme.com", "acme..com", "acme.c0m", "ac me.com"] {
            assert!(Domain::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_meeting_site_is_the_same_with_or_without_https() {
        for raw in [
            "acme.webex.com",
            "https://acme.webex.com",
            "HTTPS://Acme.Webex.com/meet/jane",
            "http://acme.webex.com?x=1",
        ] {
            assert_eq!(MeetingSite::parse(raw).unwrap().as_str(), "acme.webex.com", "{raw}");
        }
    }

    #[test]
    fn a_web_order_number_is_digits_only() {
        assert_eq!(WebOrderNumber::parse(" 81234567 ").unwrap().as_str(), "81234567");
        for bad in ["12345", "1234567890123", "8123A567"] {
            assert!(WebOrderNumber::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_domain_round_trips(d in "[a-z][a-z0-9]{0,10}(\\.[a-z][a-z0-9]{0,10}){0,3}\\.[a-z]{2,6}") {
            let parsed = Domain::parse(&d).unwrap();
            prop_assert_eq!(Domain::parse(parsed.as_str()).unwrap(), parsed);
        }
    }
}
