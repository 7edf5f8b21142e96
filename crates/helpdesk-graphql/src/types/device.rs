//! A device of a customer: what it is, how it is identified, who owns it.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use helpdesk_domain::model::{self, DeviceOwner};

use super::{Customer, DeviceStatus, User};
use crate::error::ApiResult;
use crate::ids::{NodeType, encode};
use crate::loaders;

crate::context::shown_record!(
    /// A device registered to a customer.
    Device(model::Device),
    "open_device",
    |r| (r.id.0, r.customer_id)
);

#[Object]
impl Device {
    pub(crate) async fn id(&self) -> ID {
        encode(NodeType::Device, self.0.id.0)
    }
    async fn model(&self) -> &str {
        &self.0.model
    }
    /// `2C:54:91:88:C9:E3`.
    async fn mac_address(&self) -> Option<String> {
        self.0.mac.as_ref().map(|m| m.colon_form())
    }
    async fn serial_number(&self) -> Option<&str> {
        self.0.serial.as_ref().map(|s| s.as_str())
    }
    /// `sip:davis@nanpizza.cisco.com`.
    async fn sip_address(&self) -> Option<String> {
        self.0.sip_address.as_ref().map(|s| s.uri())
    }
    /// The device's primary line, E.164.
    async fn primary_number(&self) -> Option<&str> {
        self.0.primary_number.as_ref().map(|n| n.as_str())
    }
    /// Made by a third party: known, but not supported by the help desk.
    async fn third_party(&self) -> bool {
        self.0.third_party
    }
    async fn status(&self) -> DeviceStatus {
        self.0.status.into()
    }
    async fn last_seen_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_seen_at
    }
    /// The user who owns the device; null for a shared place's device.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        match self.0.owner {
            DeviceOwner::User(id) => Ok(loaders::one(ctx, id).await?.map(|u| User::shown(ctx, u))),
            DeviceOwner::Place(_) => Ok(None),
        }
    }
    /// The shared place (a meeting room, a lobby) the device belongs to.
    async fn place(&self) -> Option<&str> {
        match &self.0.owner {
            DeviceOwner::Place(p) => Some(p),
            DeviceOwner::User(_) => None,
        }
    }
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<Option<Customer>> {
        Ok(loaders::one(ctx, self.0.customer_id).await?.map(|c| Customer::shown(ctx, c)))
    }
}
