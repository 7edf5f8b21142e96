//! The search box: what did the agent type, and how good is a match?
//!
//! Agents type anything into one box. [`recognise`] reads the text every way
//! it can be read — an email address is also a SIP address and points at a
//! domain a customer may have claimed — and returns each reading
//! ([`Reading`]). The store runs one exact look-up per reading (or a word
//! search for names), and the ranking rules below order what came back:
//! exact matches first, then prefix matches, then word matches; on a tie,
//! customers come before their users, then devices, numbers and orders.
//!
//! Text that can only be one thing and is malformed (`2C:54:91:88`, a partial
//! MAC) is an error with a message the agent can act on, not an empty result.

use std::fmt;

use uuid::Uuid;

use crate::contact::{Email, PhoneNumber, SipAddress};
use crate::device::{MacAddress, SerialNumber};
use crate::text;
use crate::web::{Domain, MeetingSite, WebOrderNumber};
use crate::{Error, error::Result};

mod name;

pub use name::{Dictionary, NameQuery, Spelling};

/// The longest text the search box accepts.
pub const MAX_QUERY_CHARS: usize = 256;

/// One way of reading the search text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A UUID: a customer's (organisation) ID, a user's ID or a device's ID.
    Id(Uuid),
    /// An email address: a user's address.
    Email(Email),
    /// A phone number: a number a customer holds, or a device's line.
    PhoneNumber(PhoneNumber),
    /// A MAC address of a device.
    MacAddress(MacAddress),
    /// A SIP address of a device.
    SipAddress(SipAddress),
    /// A domain claimed or verified by a customer.
    Domain(Domain),
    /// A meeting site of a customer.
    MeetingSite(MeetingSite),
    /// The number of a web order.
    WebOrderNumber(WebOrderNumber),
    /// A device's serial number.
    SerialNumber(SerialNumber),
    /// Words of a customer's or a user's name.
    Name(NameQuery),
}

pub use crate::input_kind::InputKind;

impl Reading {
    /// What kind of value this reading is.
    pub fn kind(&self) -> InputKind {
        match self {
            Reading::Id(_) => InputKind::Id,
            Reading::Email(_) => InputKind::Email,
            Reading::PhoneNumber(_) => InputKind::PhoneNumber,
            Reading::MacAddress(_) => InputKind::MacAddress,
            Reading::SipAddress(_) => InputKind::SipAddress,
            Reading::Domain(_) => InputKind::Domain,
            Reading::MeetingSite(_) => InputKind::MeetingSite,
            Reading::WebOrderNumber(_) => InputKind::WebOrderNumber,
            Reading::SerialNumber(_) => InputKind::SerialNumber,
            Reading::Name(_) => InputKind::Name,
        }
    }

    /// The canonical value that is searched for (`2C549188C9E3`, `+12124567890`).
    pub fn value(&self) -> String {
        match self {
            Reading::Id(id) => id.to_string(),
            Reading::Email(v) => v.to_string(),
            Reading::PhoneNumber(v) => v.to_string(),
            Reading::MacAddress(v) => v.to_string(),
            Reading::SipAddress(v) => v.to_string(),
            Reading::Domain(v) => v.to_string(),
            Reading::MeetingSite(v) => v.to_string(),
            Reading::WebOrderNumber(v) => v.to_string(),
            Reading::SerialNumber(v) => v.to_string(),
            Reading::Name(v) => v.folded().to_string(),
        }
    }
}

/// How good a match is. Ordered: `Exact > Related > Hint > Prefix > Word > Typo`.
///
/// An agent who types an email address wants the user with that address,
/// first; the customer that owns the address's domain is a useful hint, not
/// the answer. An agent who types a phone number wants the number (what it is,
/// whose it is) before the device whose line it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchRank {
    /// The name matches once one or two letters of a typed word are changed
    /// (see [`Dictionary::near`]).
    Typo,
    /// Some of the name's words, in order, start with the typed words.
    Word,
    /// The name's words start with the typed words, from the first word on.
    Prefix,
    /// Found through a part of the input (the domain of a typed email address).
    Hint,
    /// What the exactly matched thing points to (the device on a typed number's line).
    Related,
    /// The whole input is this thing's value.
    Exact,
}

impl MatchRank {
    /// The score shown to clients, between 0 and 1.
    pub fn score(self) -> f64 {
        match self {
            MatchRank::Exact => 1.0,
            MatchRank::Related => 0.9,
            MatchRank::Hint => 0.8,
            MatchRank::Prefix => 0.75,
            MatchRank::Word => 0.5,
            MatchRank::Typo => 0.4,
        }
    }

    /// The rank of an exact hit of `kind` found through `reading` of `input`:
    /// `Exact` when the whole input is the hit's own value, lower when the hit
    /// is what that value points to, or was found through a part of the input.
    pub fn of_exact(input: &SearchInput, reading: &Reading, kind: SearchKind) -> MatchRank {
        let typed_an_email = input.readings().iter().any(|r| matches!(r, Reading::Email(_)));
        match (reading, kind) {
            (Reading::Domain(_), SearchKind::Customer) if typed_an_email => MatchRank::Hint,
            (Reading::PhoneNumber(_), SearchKind::Device) => MatchRank::Related,
            _ => MatchRank::Exact,
        }
    }
}

/// Which attribute of a result matched the search text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchedField {
    OrganizationName,
    OrganizationId,
    Domain,
    MeetingSite,
    UserName,
    DisplayName,
    UserId,
    Email,
    PhoneNumber,
    MacAddress,
    SipAddress,
    SerialNumber,
    DeviceId,
    WebOrderNumber,
}

/// What a search can return. The order is the tie-break order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SearchKind {
    Customer,
    User,
    Device,
    PhoneNumber,
    Order,
}

impl SearchKind {
    /// Every kind.
    pub const ALL: [SearchKind; 5] =
        [SearchKind::Customer, SearchKind::User, SearchKind::Device, SearchKind::PhoneNumber, SearchKind::Order];
}

/// The text as the gateway read it: every reading, in the order they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchInput {
    readings: Vec<Reading>,
}

impl SearchInput {
    /// Every reading of the text.
    pub fn readings(&self) -> &[Reading] {
        &self.readings
    }
}

impl fmt::Display for SearchInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.readings.iter().map(|r| format!("{:?}={}", r.kind(), r.value())).collect();
        f.write_str(&parts.join(", "))
    }
}

/// Reads the search text every way it can be read.
pub fn recognise(raw: &str) -> Result<SearchInput> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::invalid(
            "type something to search for: a name, an email address, a phone number, a MAC address…",
        ));
    }
    if s.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(format!("a search is at most {MAX_QUERY_CHARS} characters")));
    }
    let one = |r: Reading| Ok(SearchInput { readings: vec![r] });

    if let Ok(id) = Uuid::parse_str(s) {
        return one(Reading::Id(id));
    }
    if s.starts_with('+') {
        return one(Reading::PhoneNumber(PhoneNumber::parse(s)?));
    }
    if s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sip:")) {
        return one(Reading::SipAddress(SipAddress::parse(s)?));
    }
    if s.contains('@') {
        // An address is a user's email, a device's SIP address, and it points
        // at the customer that claimed its domain.
        let email = Email::parse(s)?;
        let sip = SipAddress::parse(s)?;
        let domain = email.domain();
        return Ok(SearchInput {
            readings: vec![Reading::Email(email), Reading::SipAddress(sip), Reading::Domain(domain)],
        });
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        let site = MeetingSite::parse(s)?;
        let domain = site.as_domain().clone();
        return Ok(SearchInput { readings: vec![Reading::MeetingSite(site), Reading::Domain(domain)] });
    }
    if looks_like_a_mac(s) {
        let mac = MacAddress::parse(s)?;
        let mut readings = vec![Reading::MacAddress(mac)];
        if let Ok(serial) = SerialNumber::parse(s) {
            readings.push(Reading::SerialNumber(serial));
        }
        return Ok(SearchInput { readings });
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return WebOrderNumber::parse(s)
            .map(|n| SearchInput { readings: vec![Reading::WebOrderNumber(n)] })
            .map_err(|_| Error::invalid(NUMBER_HINT));
    }
    if s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || " -.()".contains(c)) {
        return Err(Error::invalid(NUMBER_HINT));
    }
    if s.contains('.')
        && !s.contains(' ')
        && let Ok(site) = MeetingSite::parse(s)
    {
        let domain = site.as_domain().clone();
        return Ok(SearchInput { readings: vec![Reading::Domain(domain), Reading::MeetingSite(site)] });
    }
    let mut readings = Vec::new();
    if let Ok(serial) = SerialNumber::parse(s) {
        readings.push(Reading::SerialNumber(serial));
    }
    let words = text::words(s);
    if words.is_empty() {
        return Err(Error::invalid("type at least one letter or digit to search for"));
    }
    readings.push(Reading::Name(NameQuery::new(words)));
    Ok(SearchInput { readings })
}

const NUMBER_HINT: &str =
    "type a phone number with + and its country code (+1-212-456-7890), or a web order number of 6 to 12 digits";

/// Text made only of hex digits and MAC separators that can only be a MAC:
/// 12 bare hex digits, or hex with `:`, or pairs/quads separated by `-` or `.`.
fn looks_like_a_mac(s: &str) -> bool {
    if !s.chars().all(|c| c.is_ascii_hexdigit() || ":-.".contains(c)) {
        return false;
    }
    let digits = s.chars().filter(|c| c.is_ascii_hexdigit()).count();
    let groups: Vec<&str> = s.split([':', '-', '.']).collect();
    let bare_and_full = groups.len() == 1 && digits == 12 && s.chars().any(|c| c.is_ascii_digit());
    let separated = groups.len() >= 3
        && groups.iter().all(|g| g.len() == 2 || g.len() == 4)
        && s.chars().any(|c| c.is_ascii_digit());
    bare_and_full || s.contains(':') || separated
}

/// One thing a search found: what it is, what matched and how well.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The entity found.
    pub target: HitTarget,
    /// Which of its attributes matched.
    pub matched_field: MatchedField,
    /// How well.
    pub rank: MatchRank,
    /// A name or value to order equal matches by (a customer's name, a user's email…).
    pub label: String,
    /// The record itself when the search already read it whole: handed to
    /// whoever shows the hit, so it is not read a second time.
    pub found: Option<Found>,
}

/// A record a search read whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    User(Box<crate::model::User>),
    Device(Box<crate::model::Device>),
    PhoneNumber(Box<crate::model::PhoneNumberRecord>),
    Order(Box<crate::model::Order>),
}

/// The entity a [`SearchHit`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HitTarget {
    Customer(crate::CustomerId),
    User(crate::UserId),
    Device(crate::DeviceId),
    PhoneNumber(crate::PhoneNumberId),
    Order(crate::SubscriptionId),
}

impl HitTarget {
    /// The kind of entity.
    pub fn kind(&self) -> SearchKind {
        match self {
            HitTarget::Customer(_) => SearchKind::Customer,
            HitTarget::User(_) => SearchKind::User,
            HitTarget::Device(_) => SearchKind::Device,
            HitTarget::PhoneNumber(_) => SearchKind::PhoneNumber,
            HitTarget::Order(_) => SearchKind::Order,
        }
    }

    fn key(&self) -> uuid::Uuid {
        match self {
            HitTarget::Customer(id) => id.0,
            HitTarget::User(id) => id.0,
            HitTarget::Device(id) => id.0,
            HitTarget::PhoneNumber(id) => id.0,
            HitTarget::Order(id) => id.0,
        }
    }
}

/// Orders hits best first and drops duplicates (one entity found by two
/// readings keeps its best match): exact > prefix > word; on a tie customers,
/// then users, devices, numbers, orders; then by label, then by ID so the
/// order is stable from one page to the next.
pub fn rank_hits(mut hits: Vec<SearchHit>) -> Vec<SearchHit> {
    hits.sort_by(|a, b| {
        b.rank
            .cmp(&a.rank)
            .then(a.target.kind().cmp(&b.target.kind()))
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.target.key().cmp(&b.target.key()))
    });
    let mut seen = std::collections::HashSet::new();
    hits.retain(|h| seen.insert(h.target));
    hits
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_typed_thing_outranks_what_it_points_to_and_hints() {
        let email = recognise("davis.walker@nanpizza.com").unwrap();
        let rank = |input: &SearchInput, kind: SearchKind, pick: fn(&Reading) -> bool| {
            let reading = input.readings().iter().find(|r| pick(r)).unwrap();
            MatchRank::of_exact(input, reading, kind)
        };
        assert_eq!(rank(&email, SearchKind::User, |r| matches!(r, Reading::Email(_))), MatchRank::Exact);
        assert_eq!(rank(&email, SearchKind::Customer, |r| matches!(r, Reading::Domain(_))), MatchRank::Hint);
        let domain = recognise("nanpizza.com").unwrap();
        assert_eq!(rank(&domain, SearchKind::Customer, |r| matches!(r, Reading::Domain(_))), MatchRank::Exact);
        let number = recognise("+1 (212) 456 7890").unwrap();
        assert_eq!(rank(&number, SearchKind::PhoneNumber, |r| matches!(r, Reading::PhoneNumber(_))), MatchRank::Exact);
        assert_eq!(rank(&number, SearchKind::Device, |r| matches!(r, Reading::PhoneNumber(_))), MatchRank::Related);
        assert!(MatchRank::Exact > MatchRank::Related && MatchRank::Related > MatchRank::Hint);
        assert!(MatchRank::Hint > MatchRank::Prefix && MatchRank::Prefix > MatchRank::Word);
        assert!(MatchRank::Word > MatchRank::Typo);
    }

    use super::*;
    use proptest::prelude::*;

    fn kinds(raw: &str) -> Vec<InputKind> {
        recognise(raw).unwrap().readings().iter().map(Reading::kind).collect()
    }

    #[test]
    fn an_email_is_also_a_sip_address_and_a_domain_hint() {
        assert_eq!(kinds("Davis@NanPizza.cisco.com"), vec![InputKind::Email, InputKind::SipAddress, InputKind::Domain]);
        let input = recognise("user@acme.com").unwrap();
        assert_eq!(input.readings()[2].value(), "acme.com");
    }

    #[test]
    fn a_mac_in_any_format_is_read_as_the_same_mac() {
        for raw in ["2C:54:91:88:C9:E3", "2c-54-91-88-c9-e3", "2C54.9188.C9E3", "2c549188c9e3"] {
            let input = recognise(raw).unwrap();
            assert_eq!(input.readings()[0], Reading::MacAddress(MacAddress::parse("2C549188C9E3").unwrap()), "{raw}");
        }
    }

    #[test]
    fn a_partial_mac_is_an_error_not_an_empty_result() {
        let err = recognise("2C:54:91:88").unwrap_err();
        assert_eq!(err.to_string(), "a MAC address has 12 hexadecimal digits");
    }

    #[test]
    fn a_phone_number_in_every_accepted_format_reads_as_e164() {
        for raw in ["+1-212-456-7890", "+1 (212) 456 7890", "+1.212.456.7890"] {
            assert_eq!(recognise(raw).unwrap().readings()[0].value(), "+12124567890");
        }
        assert!(recognise("+1-212").is_err());
        assert!(recognise("212-456-7890").is_err(), "a number without country code is refused with a hint");
    }

    #[test]
    fn sip_with_or_without_scheme() {
        assert_eq!(kinds("sip:davis@nanpizza.cisco.com"), vec![InputKind::SipAddress]);
        assert!(kinds("davis@nanpizza.cisco.com").contains(&InputKind::SipAddress));
    }

    #[test]
    fn uuid_domain_site_order_and_names() {
        assert_eq!(kinds("0b5e6a4e-5d5a-4f43-9a39-2f4d2b0c8a11"), vec![InputKind::Id]);
        assert_eq!(kinds("acme.com"), vec![InputKind::Domain, InputKind::MeetingSite]);
        assert_eq!(kinds("https://acme.webex.com/meet"), vec![InputKind::MeetingSite, InputKind::Domain]);
        assert_eq!(kinds("81234567"), vec![InputKind::WebOrderNumber]);
        assert_eq!(kinds("Jane Doe"), vec![InputKind::Name]);
        assert_eq!(kinds("FCH2231A0BC"), vec![InputKind::SerialNumber, InputKind::Name]);
    }

    #[test]
    fn empty_and_overlong_text_is_refused() {
        assert!(recognise("   ").is_err());
        assert!(recognise(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
        assert!(recognise(&"a".repeat(MAX_QUERY_CHARS)).is_ok());
    }

    #[test]
    fn customers_come_before_their_users_on_ties() {
        let hit = |target, rank| SearchHit {
            target,
            matched_field: MatchedField::Domain,
            rank,
            label: "x".into(),
            found: None,
        };
        let user = HitTarget::User(crate::UserId::new_random());
        let customer = HitTarget::Customer(crate::CustomerId::new_random());
        let ranked = rank_hits(vec![
            hit(user, MatchRank::Exact),
            hit(customer, MatchRank::Prefix),
            hit(customer, MatchRank::Exact),
        ]);
        assert_eq!(
            ranked.iter().map(|h| (h.target, h.rank)).collect::<Vec<_>>(),
            vec![(customer, MatchRank::Exact), (user, MatchRank::Exact)]
        );
    }

    proptest! {
        #[test]
        fn the_recogniser_never_panics(s in "\\PC{0,300}") {
            let _ = recognise(&s);
        }

    }
}
