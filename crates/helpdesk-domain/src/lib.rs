//! The help desk's own words, as types.
//!
//! A partner (a reseller or managed-service provider) manages many customer
//! organisations. Its help desk agents type anything into one search box and
//! expect the gateway to work out what they typed: an email address, a phone
//! number, a device's MAC address… This crate is where that happens, once, at
//! the edge: raw strings become [`Email`], [`PhoneNumber`], [`MacAddress`],
//! [`SipAddress`] and friends, and stay typed after that.
//!
//! It does no I/O and knows nothing of GraphQL or SQL, so every rule here is
//! tested with plain unit and property tests.
//!
//! # Layout
//!
//! - [`ids`]: typed identifiers (`CustomerId`, `UserId`, …) so one can't be
//!   passed where another is expected.
//! - [`contact`]: [`Email`], [`PhoneNumber`] (E.164), [`SipAddress`].
//! - [`device`]: [`MacAddress`] and [`SerialNumber`].
//! - [`web`]: [`Domain`], [`MeetingSite`] and [`WebOrderNumber`].
//! - [`text`]: accent- and case-folding for names.
//! - [`search`]: the search-input recogniser and the ranking rules.
//! - [`model`]: what the help desk looks at (customers, users, devices …).
//! - [`access`]: agents, roles and the access policy.
//! - [`verification`]: the rules of verification codes.
//! - [`clock`]: the [`Clock`] port, where "now" comes from.
//! - [`ports`]: the traits the store implements and the API calls.
//! - [`error`]: the one error enum of this crate.

pub mod access;
pub mod clock;
pub mod contact;
pub mod device;
pub mod error;
pub mod ids;
pub mod input_kind;
pub mod labels;
pub mod model;
pub mod ports;
pub mod search;
pub mod text;
pub mod verification;
pub mod web;

pub use access::{Agent, Role};
pub use clock::{AdjustableClock, Clock, SystemClock};
pub use contact::{Email, PhoneNumber, SipAddress};
pub use device::{MacAddress, SerialNumber};
pub use error::Error;
pub use ids::{AgentId, CustomerId, DeviceId, PartnerId, PhoneNumberId, SubscriptionId, UserId};
pub use web::{Domain, MeetingSite, WebOrderNumber};
