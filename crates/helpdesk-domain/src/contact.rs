//! How people are reached: email addresses, phone numbers and SIP addresses.
//!
//! Agents type these in whatever form the caller read them out:
//! `+1 (212) 456 7890`, `Jane.Doe@Acme.com`, `sip:davis@nanpizza.cisco.com`.
//! Each type parses every accepted form into one canonical value, which is what
//! the store keeps and compares, so a search is always an exact match.

use std::fmt;

use crate::web::Domain;
use crate::{Error, error::Result};

/// An email address, compared case-insensitively (stored lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    /// Parses `local@domain`. The whole address is lower-cased: mail systems
    /// treat the local part case-insensitively in practice, and so do agents.
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let bad = || Error::invalid("an email address looks like name@example.com");
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || local.len() > 64
            || local.contains('@')
            || local.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        {
            return Err(bad());
        }
        let domain = Domain::parse(domain).map_err(|_| bad())?;
        Ok(Email(format!("{}@{}", local.to_lowercase(), domain.as_str())))
    }

    /// The canonical (lower-cased) address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`: the domain a customer may have claimed.
    pub fn domain(&self) -> Domain {
        let host = self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        Domain::from_canonical(host)
    }

    /// The address in a form safe to show back to someone who should not read
    /// it in full: `j•••@acme.com`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}•••@{domain}")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number in E.164 form: `+` then 8 to 15 digits, the first of which
/// (the country code) is not 0.
///
/// Agents may type the separators people use when they read a number out:
/// spaces, `-`, `.` and parentheses. They are dropped; nothing else is
/// accepted, and the `+` with its country code is required, because without
/// it `212 456 7890` could be a number in any country.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Smallest number of digits accepted after the `+`.
    pub const MIN_DIGITS: usize = 8;
    /// E.164 allows at most 15 digits.
    pub const MAX_DIGITS: usize = 15;

    /// Parses `+1-212-456-7890`, `+1 (212) 456 7890`, `+1.212.456.7890` or `+12124567890`.
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let rest = s.strip_prefix('+').ok_or_else(|| {
            Error::invalid("a phone number starts with + and its country code, for example +1-212-456-7890")
        })?;
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(Error::invalid(
                        "a phone number has only digits after the +, optionally separated by spaces, '-', '.' or parentheses",
                    ));
                }
            }
        }
        if digits.len() < Self::MIN_DIGITS || digits.len() > Self::MAX_DIGITS {
            return Err(Error::invalid(format!(
                "a phone number in E.164 form has {} to {} digits after the +",
                Self::MIN_DIGITS,
                Self::MAX_DIGITS
            )));
        }
        if digits.starts_with('0') {
            return Err(Error::invalid("a country code never starts with 0"));
        }
        Ok(PhoneNumber(format!("+{digits}")))
    }

    /// The canonical E.164 form, `+12124567890`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A SIP address (the address a device registers with), `user@host`.
///
/// Agents may type it with or without the `sip:` scheme; the canonical value
/// is lower-cased and kept without the scheme. It is displayed with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SipAddress(String);

impl SipAddress {
    /// Parses `sip:davis@nanpizza.cisco.com` or `davis@nanpizza.cisco.com`.
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let body = match s.get(..4) {
            Some(scheme) if scheme.eq_ignore_ascii_case("sip:") => &s[4..],
            _ => s,
        };
        let bad = || Error::invalid("a SIP address looks like sip:name@example.com");
        let (user, host) = body.split_once('@').ok_or_else(bad)?;
        if user.is_empty() || user.contains('@') || user.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let host = Domain::parse(host).map_err(|_| bad())?;
        Ok(SipAddress(format!("{}@{}", user.to_lowercase(), host.as_str())))
    }

    /// The canonical value without the `sip:` scheme.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value with its scheme, as devices show it: `sip:davis@nanpizza.cisco.com`.
    pub fn uri(&self) -> String {
        format!("sip:{}", self.0)
    }
}

impl fmt::Display for SipAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sip:{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_email_is_found_whatever_case_the_agent_types() {
        let a = Email::parse("Jane.Doe@ACME.com").unwrap();
        assert_eq!(a.as_str(), "jane.doe@acme.com");
        assert_eq!(a.domain().as_str(), "acme.com");
    }

    #[test]
    fn an_email_without_at_or_domain_is_rejected() {
        for bad in ["jane", "jane@", "@acme.com", "jane@acme", "ja ne@acme.com", "a@b@c.com"] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn an_email_is_masked_for_display() {
        assert_eq!(Email::parse("jane@acme.com").unwrap().masked(), "j•••@acme.com");
    }

    #[test]
    fn the_three_ways_people_write_a_number_are_one_number() {
        for raw in ["+1-212-456-7890", "+1 (212) 456 7890", "+1.212.456.7890", "+12124567890", " +1 212 456 7890 "] {
            assert_eq!(PhoneNumber::parse(raw).unwrap().as_str(), "+12124567890", "{raw}");
        }
    }

    #[test]
    fn a_number_without_country_code_or_too_short_is_rejected() {
        for bad in ["2124567890", "+1-212", "+1234567890123456", "+0212456789", "+1 212 ABC 7890", "+"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn a_sip_address_is_the_same_with_or_without_its_scheme() {
        let a = SipAddress::parse("sip:Davis@NanPizza.cisco.com").unwrap();
        let b = SipAddress::parse("davis@nanpizza.cisco.com").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.uri(), "sip:davis@nanpizza.cisco.com");
        assert!(SipAddress::parse("sip:").is_err());
        assert!(SipAddress::parse("sip:davis").is_err());
    }

    proptest! {
        #[test]
        fn any_separators_between_digits_give_the_same_number(
            digits in "[1-9][0-9]{7,14}",
            seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just("."), Just("("), Just(")")], 15),
        ) {
            let mut typed = String::from("+");
            for (i, d) in digits.chars().enumerate() {
                typed.push(d);
                typed.push_str(seps[i]);
            }
            let parsed = PhoneNumber::parse(&typed).unwrap();
            prop_assert_eq!(parsed.as_str(), format!("+{digits}"));
            // Round trip: the canonical form parses to itself.
            prop_assert_eq!(PhoneNumber::parse(parsed.as_str()).unwrap(), parsed);
        }

        #[test]
        fn an_email_round_trips_through_its_canonical_form(local in "[a-zA-Z0-9._%+-]{1,20}", host in "[a-z]([a-z0-9-]{0,8}[a-z0-9])?\\.(com|org|fr)") {
            let e = Email::parse(&format!("{local}@{host}")).unwrap();
            prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e.clone());
            prop_assert_eq!(e.as_str(), format!("{}@{}", local.to_lowercase(), host));
        }

        #[test]
        fn the_number_parser_never_panics(s in "\\PC{0,40}") {
            let _ = PhoneNumber::parse(&s);
            let _ = Email::parse(&s);
            let _ = SipAddress::parse(&s);
        }
    }
}
