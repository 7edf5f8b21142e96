//! Relay connections over lists the database orders, paged by keyset.
//!
//! A cursor is the sort key of the row it points at; the next page is read
//! from just after that key through the list's index, so the 50th page costs
//! what the first does and a row added meanwhile neither repeats nor skips one.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, ObjectType, OutputType};
use helpdesk_domain::CustomerId;
use helpdesk_domain::ports::{CustomerList, Page, PageKey};

use crate::context::request;
use crate::error::ApiResult;
use crate::ids::{KeysetRequest, key_cursor};

/// The `totalCount` of one of a customer's lists, counted only when a
/// client selects it (a dashboard does; a console page scrolling through
/// the list does not need to).
pub struct CustomerListTotal {
    pub customer: CustomerId,
    pub list: CustomerList,
}

#[Object]
impl CustomerListTotal {
    /// How many items the whole list holds.
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        let rc = request(ctx)?;
        Ok(rc.directory().count_of_customer(rc.agent.partner_id, self.customer, self.list).await?)
    }
}

/// The store page to read for a request: one item more than shown, to know
/// whether there is a next page.
pub fn store_page(req: &KeysetRequest) -> Page {
    Page { after: req.after.clone(), limit: req.first + 1 }
}

/// Builds the connection for the items read with [`store_page`], each with
/// its sort key, and the connection's own fields (`totalCount`).
pub fn connection<T: OutputType, F: ObjectType>(
    req: &KeysetRequest,
    mut items: Vec<(PageKey, T)>,
    fields: F,
) -> Connection<String, T, F> {
    let has_next = items.len() as u64 > req.first;
    items.truncate(req.first as usize);
    let mut c = Connection::with_additional_fields(req.after.is_some(), has_next, fields);
    c.edges.extend(items.into_iter().map(|(key, item)| Edge::new(key_cursor(&key), item)));
    c
}
