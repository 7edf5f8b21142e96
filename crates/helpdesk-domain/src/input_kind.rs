//! How the search box read what the agent typed: an email, a MAC address, a
//! name… Shown to the agent (`interpretedAs`) and kept with each audited
//! search, so the dashboard counts searches per day by kind.

/// The kind of a `Reading` (`crate::search`), as shown to the agent in `interpretedAs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    Id,
    Email,
    PhoneNumber,
    MacAddress,
    SipAddress,
    Domain,
    MeetingSite,
    WebOrderNumber,
    SerialNumber,
    Name,
}

/// Stored with each audited search, so a dashboard can count searches per
/// day by what agents typed (`search_daily`).
impl crate::labels::Labelled for InputKind {
    const ALL: &'static [Self] = &[
        InputKind::Id,
        InputKind::Email,
        InputKind::PhoneNumber,
        InputKind::MacAddress,
        InputKind::SipAddress,
        InputKind::Domain,
        InputKind::MeetingSite,
        InputKind::WebOrderNumber,
        InputKind::SerialNumber,
        InputKind::Name,
    ];
    fn label(self) -> &'static str {
        match self {
            InputKind::Id => "id",
            InputKind::Email => "email",
            InputKind::PhoneNumber => "phone_number",
            InputKind::MacAddress => "mac_address",
            InputKind::SipAddress => "sip_address",
            InputKind::Domain => "domain",
            InputKind::MeetingSite => "meeting_site",
            InputKind::WebOrderNumber => "web_order_number",
            InputKind::SerialNumber => "serial_number",
            InputKind::Name => "name",
        }
    }
}
