//! A phone number (S8, S9): who owns it and what it is assigned to.

use async_graphql::{Context, ID, Object};
use helpdesk_domain::model::{self, Assignment};

use super::{Customer, Device, PhoneNumberKind, PhoneNumberState, User};
use crate::error::ApiResult;
use crate::ids::{NodeType, encode};
use crate::loaders;

crate::context::shown_record!(
    /// A phone number held by a customer.
    PhoneNumber(model::PhoneNumberRecord),
    "open_phone_number",
    |r| (r.id.0, r.customer_id)
);

#[Object]
impl PhoneNumber {
    pub(crate) async fn id(&self) -> ID {
        encode(NodeType::PhoneNumber, self.0.id.0)
    }
    /// E.164: `+12124567890`.
    async fn number(&self) -> &str {
        self.0.number.as_str()
    }
    async fn kind(&self) -> PhoneNumberKind {
        self.0.kind.into()
    }
    async fn state(&self) -> PhoneNumberState {
        self.0.state.into()
    }
    /// The customer location the number belongs to.
    async fn location(&self) -> &str {
        &self.0.location
    }
    /// The customer that owns the number.
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<Option<Customer>> {
        Ok(loaders::one(ctx, self.0.customer_id).await?.map(|c| Customer::shown(ctx, c)))
    }
    /// The user whose line this is, if any.
    async fn assigned_user(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        match self.0.assigned_to {
            Assignment::User(id) => Ok(loaders::one(ctx, id).await?.map(|u| User::shown(ctx, u))),
            _ => Ok(None),
        }
    }
    /// The device whose line this is, if any.
    async fn assigned_device(&self, ctx: &Context<'_>) -> ApiResult<Option<Device>> {
        match self.0.assigned_to {
            Assignment::Device(id) => Ok(loaders::one(ctx, id).await?.map(|d| Device::shown(ctx, d))),
            _ => Ok(None),
        }
    }
    /// The calling feature (auto attendant, call queue …) the number rings, by name.
    async fn assigned_feature(&self) -> Option<&str> {
        match &self.0.assigned_to {
            Assignment::Feature(name) => Some(name),
            _ => None,
        }
    }
}
