//! Relay connections over lists the store pages by offset.

use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge};
use helpdesk_domain::ports::Page;

use crate::ids::{PageRequest, cursor};

/// The store page to read for a request: one item more than shown, to know
/// whether there is a next page.
pub fn store_page(req: PageRequest) -> Page {
    Page { offset: req.offset, limit: req.first + 1 }
}

/// Builds the connection for the items read with [`store_page`].
pub fn connection<T: OutputType>(req: PageRequest, mut items: Vec<T>) -> Connection<String, T> {
    let has_next = items.len() as u64 > req.first;
    items.truncate(req.first as usize);
    let mut c = Connection::new(req.offset > 0, has_next);
    c.edges.extend(items.into_iter().enumerate().map(|(i, item)| Edge::new(cursor(req.offset + i as u64), item)));
    c
}
