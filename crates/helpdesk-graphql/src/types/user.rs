//! A user of a customer organisation (U1): status, last email, licenses,
//! devices, features, admin roles.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use helpdesk_domain::model;
use uuid::Uuid;

use super::{AdminRole, Customer, Device, EmailStatus, SuppressionReason, UserStatus};
use crate::error::ApiResult;
use crate::ids::{NodeType, encode};
use crate::loaders::{self, AdminRolesOf, DevicesOf, FeaturesOf, LastEmailTo, LicensesOfUser, SuppressionOf};

crate::context::shown_record!(
    /// A user of a customer organisation.
    User(model::User),
    "open_user",
    |r| (r.id.0, r.customer_id)
);

impl User {
    /// The user shown.
    pub fn model(&self) -> &model::User {
        &self.0
    }
}

/// The last email the service sent to a user.
#[derive(SimpleObject)]
pub struct EmailEvent {
    status: EmailStatus,
    subject: String,
    /// The mail server's reply, when the email bounced or was rejected.
    reply: Option<String>,
    at: DateTime<Utc>,
}

/// Why the service stopped emailing an address, and since when.
#[derive(SimpleObject)]
pub struct EmailSuppression {
    reason: SuppressionReason,
    since: DateTime<Utc>,
}

#[Object]
impl User {
    pub(crate) async fn id(&self) -> ID {
        encode(NodeType::User, self.0.id.0)
    }
    /// The user ID, as other tools show it.
    async fn user_id(&self) -> Uuid {
        self.0.id.0
    }
    async fn email(&self) -> &str {
        self.0.email.as_str()
    }
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// The user's status in its organisation.
    async fn status(&self) -> UserStatus {
        self.0.status.into()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The organisation the user belongs to.
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<Option<Customer>> {
        Ok(loaders::one(ctx, self.0.customer_id).await?.map(|c| Customer::shown(ctx, c)))
    }
    /// The status of the last email sent to the user; null if none was sent.
    async fn last_email(&self, ctx: &Context<'_>) -> ApiResult<Option<EmailEvent>> {
        Ok(loaders::one(ctx, LastEmailTo(self.0.email.clone())).await?.map(|e| EmailEvent {
            status: e.status.into(),
            subject: e.subject,
            reply: e.reply,
            at: e.at,
        }))
    }
    /// The licenses assigned to the user, by offer.
    async fn licenses(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let mut v: Vec<String> =
            loaders::many(ctx, LicensesOfUser(self.0.id)).await?.into_iter().map(|l| l.offer).collect();
        v.sort();
        Ok(v)
    }
    /// The features enabled for the user.
    async fn features(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let mut v: Vec<String> =
            loaders::many(ctx, FeaturesOf(self.0.id)).await?.into_iter().map(|f| f.feature).collect();
        v.sort();
        Ok(v)
    }
    /// The admin roles the user holds in its organisation.
    async fn admin_roles(&self, ctx: &Context<'_>) -> ApiResult<Vec<AdminRole>> {
        Ok(loaders::many(ctx, AdminRolesOf(self.0.id)).await?.into_iter().map(|r| r.role.into()).collect())
    }
    /// Whether the user's address is on the email suppression list, and why;
    /// null if the service emails it normally.
    async fn email_suppression(&self, ctx: &Context<'_>) -> ApiResult<Option<EmailSuppression>> {
        Ok(loaders::one(ctx, SuppressionOf(self.0.email.clone()))
            .await?
            .map(|s| EmailSuppression { reason: s.reason.into(), since: s.since }))
    }
    /// The devices the user owns.
    async fn devices(&self, ctx: &Context<'_>) -> ApiResult<Vec<Device>> {
        Ok(loaders::many(ctx, DevicesOf(self.0.id)).await?.into_iter().map(|d| Device::shown(ctx, d)).collect())
    }
}
