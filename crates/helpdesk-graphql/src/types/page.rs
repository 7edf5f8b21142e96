//! Relay connections over lists the database orders, paged by keyset.
//!
//! A cursor is the sort key of the row it points at; the next page is read
//! from just after that key through the list's index, so the 50th page costs
//! what the first does and a row added meanwhile neither repeats nor skips one.

use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge};
use helpdesk_domain::ports::{Page, PageKey};

use crate::ids::{KeysetRequest, key_cursor};

/// The store page to read for a request: one item more than shown, to know
/// whether there is a next page.
pub fn store_page(req: &KeysetRequest) -> Page {
    Page { after: req.after.clone(), limit: req.first + 1 }
}

/// Builds the connection for the items read with [`store_page`], each with
/// its sort key.
pub fn connection<T: OutputType>(req: &KeysetRequest, mut items: Vec<(PageKey, T)>) -> Connection<String, T> {
    let has_next = items.len() as u64 > req.first;
    items.truncate(req.first as usize);
    let mut c = Connection::new(req.after.is_some(), has_next);
    c.edges.extend(items.into_iter().map(|(key, item)| Edge::new(key_cursor(&key), item)));
    c
}
