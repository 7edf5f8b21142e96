//! The GraphQL types, one module per area of the help desk.
//!
//! Each type wraps a domain value (`Customer(model::Customer)`) and resolves
//! its relations through the request's dataloaders. Database rows never
//! reach this crate.

mod agent;
mod customer;
mod device;
mod enums;
mod order;
mod overview;
pub(crate) mod page;
mod phone_number;
mod search;
mod user;

use async_graphql::{ID, Interface, Union};

pub use agent::{Agent, AgentRole, AuditEntry};
pub use customer::Customer;
pub use device::Device;
pub use enums::*;
pub use order::Order;
pub use overview::{PartnerOverview, wanted as overview_figures};
pub use page::{connection, store_page};
pub use phone_number::PhoneNumber;
pub use search::{SearchArgs, SearchConnection, search};
pub use user::User;

/// Anything with a global ID that `node(id:)` can fetch again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "An opaque global ID."))]
pub enum Node {
    Customer(Customer),
    User(User),
    Device(Device),
    PhoneNumber(PhoneNumber),
    Order(Order),
}

/// One thing a search found.
#[derive(Union)]
pub enum SearchResult {
    Customer(Customer),
    User(User),
    Device(Device),
    PhoneNumber(PhoneNumber),
    Order(Order),
}
