//! Opaque global IDs and cursors.
//!
//! A global ID names a type and a key (`Customer:0b5e…`), encoded in
//! URL-safe base64 so clients treat it as opaque and `node(id:)` can fetch
//! anything. A cursor is a position in a list, opaque in the same way.
//! Anything that does not decode is `BAD_USER_INPUT`, never a 500.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use helpdesk_domain::ports::PageKey;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// The types a global ID can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Customer,
    User,
    Device,
    PhoneNumber,
    Order,
    /// A partner's agent (for role management).
    Agent,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            NodeType::Customer => "Customer",
            NodeType::User => "User",
            NodeType::Device => "Device",
            NodeType::PhoneNumber => "PhoneNumber",
            NodeType::Order => "Order",
            NodeType::Agent => "Agent",
        }
    }

    const ALL: [NodeType; 6] =
        [NodeType::Customer, NodeType::User, NodeType::Device, NodeType::PhoneNumber, NodeType::Order, NodeType::Agent];
}

/// The global ID of a record.
pub fn encode(ty: NodeType, key: Uuid) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", ty.name(), key)))
}

/// Reads a global ID back into its type and key.
/// What the audit trail records of an ID a client sent: the key it names,
/// never the client's raw text (which could be anything, and long).
pub fn audit_target(id: &str) -> String {
    decode(id).map(|(_, key)| key.to_string()).unwrap_or_else(|_| "an ID that does not parse".into())
}

pub fn decode(id: &str) -> ApiResult<(NodeType, Uuid)> {
    let bad = || ApiError::bad_input("this ID is not one the gateway gave out");
    let raw = URL_SAFE_NO_PAD.decode(id.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (ty, key) = text.split_once(':').ok_or_else(bad)?;
    let ty = NodeType::ALL.into_iter().find(|t| t.name() == ty).ok_or_else(bad)?;
    let key = Uuid::parse_str(key).map_err(|_| bad())?;
    Ok((ty, key))
}

/// Reads a global ID that must be of type `ty`.
pub fn decode_as(id: &str, ty: NodeType) -> ApiResult<Uuid> {
    match decode(id)? {
        (t, key) if t == ty => Ok(key),
        _ => Err(ApiError::bad_input(format!("this ID is not a {} ID", ty.name()))),
    }
}

/// The largest page a client may ask for.
pub const MAX_PAGE: i32 = 100;
/// The page size when `first` is not given.
pub const DEFAULT_PAGE: i32 = 20;
/// The furthest a cursor may point into a list: deeper pages mean the search
/// should be narrowed, not paged through.
pub const MAX_OFFSET: u64 = 10_000;

/// A validated `first`/`after` pair of a search: results are ranked in
/// memory, so a search cursor is a position in the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u64,
    pub first: u64,
}

/// `first` between 0 and 100, 20 if not given.
fn page_size(first: Option<i32>) -> ApiResult<u64> {
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(0..=MAX_PAGE).contains(&first) {
        return Err(ApiError::bad_input(format!("first must be between 0 and {MAX_PAGE}")));
    }
    Ok(first as u64)
}

/// What a cursor the gateway gave out says, base64 of the text.
fn cursor_text(cursor: &str) -> ApiResult<String> {
    let raw = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad_cursor())?;
    String::from_utf8(raw).map_err(|_| bad_cursor())
}

fn bad_cursor() -> ApiError {
    ApiError::bad_input("this cursor is not one the gateway gave out")
}

impl PageRequest {
    /// Validates `first` (0 to 100) and decodes `after`.
    pub fn parse(first: Option<i32>, after: Option<&str>) -> ApiResult<Self> {
        let first = page_size(first)?;
        let offset = match after {
            None => 0,
            Some(cursor) => decode_cursor(cursor)? + 1,
        };
        Ok(PageRequest { offset, first })
    }
}

/// A validated `first`/`after` pair of a list the database orders (a
/// customer's users, devices, numbers; the audit log): the cursor is the
/// last row's sort key, and the next page starts after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysetRequest {
    pub after: Option<PageKey>,
    pub first: u64,
}

impl KeysetRequest {
    /// Validates `first` (0 to 100) and decodes `after`.
    pub fn parse(first: Option<i32>, after: Option<&str>) -> ApiResult<Self> {
        let first = page_size(first)?;
        let after = after
            .map(|cursor| {
                let text = cursor_text(cursor)?;
                let (id, value) = text.strip_prefix("k:").and_then(|t| t.split_once(':')).ok_or_else(bad_cursor)?;
                Ok::<_, ApiError>(PageKey { id: Uuid::parse_str(id).map_err(|_| bad_cursor())?, value: value.into() })
            })
            .transpose()?;
        Ok(KeysetRequest { after, first })
    }
}

/// The cursor of a row of an ordered list.
pub fn key_cursor(key: &PageKey) -> String {
    URL_SAFE_NO_PAD.encode(format!("k:{}:{}", key.id, key.value))
}

/// The cursor of the item at `offset` of a search.
pub fn cursor(offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

fn decode_cursor(cursor: &str) -> ApiResult<u64> {
    let bad = bad_cursor;
    let text = cursor_text(cursor)?;
    let n: u64 = text.strip_prefix("o:").and_then(|n| n.parse().ok()).ok_or_else(bad)?;
    if n >= MAX_OFFSET {
        return Err(ApiError::bad_input("this list is too long to page through; narrow the search"));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_global_id_round_trips_and_keeps_its_type() {
        let key = Uuid::new_v4();
        let id = encode(NodeType::Device, key);
        assert_eq!(decode(&id).unwrap(), (NodeType::Device, key));
        assert!(decode_as(&id, NodeType::User).is_err());
    }

    #[test]
    fn garbage_ids_and_cursors_are_bad_input() {
        for bad in ["", "not base64!", "Q3VzdG9tZXI6eHl6"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
        assert!(PageRequest::parse(Some(101), None).is_err());
        assert!(PageRequest::parse(Some(-1), None).is_err());
        assert!(PageRequest::parse(None, Some("zzz")).is_err());
        assert_eq!(PageRequest::parse(Some(5), Some(&cursor(9))).unwrap(), PageRequest { offset: 10, first: 5 });
    }
}
