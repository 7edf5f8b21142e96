//! Typed identifiers.
//!
//! Every record is keyed by a UUID, but a `UserId` is not a `CustomerId`: the
//! newtypes make the compiler catch a user's ID passed where a customer's is
//! expected.

use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use crate::Error;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new random identifier.
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
            /// The UUID inside.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| {
                    Error::invalid(concat!("a ", $what, " ID is a UUID such as 0b5e6a4e-5d5a-4f43-9a39-2f4d2b0c8a11"))
                })
            }
        }
    };
}

id_type!(/// A partner organisation (reseller or managed-service provider).
    PartnerId, "partner");
id_type!(/// A person working for a partner: a partner admin or a help desk agent.
    AgentId, "agent");
id_type!(/// A customer organisation managed by one partner.
    CustomerId, "customer");
id_type!(/// A user of a customer organisation.
    UserId, "user");
id_type!(/// A device (phone, video device) registered to a customer.
    DeviceId, "device");
id_type!(/// A phone number held by a customer.
    PhoneNumberId, "phone number");
id_type!(/// A subscription, bought with one web order.
    SubscriptionId, "subscription");
