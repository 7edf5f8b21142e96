//! The search box (S1–S14): one text in, ranked results of every kind out.

use async_graphql::connection::PageInfo;
use async_graphql::{Context, Object, SimpleObject};
use helpdesk_domain::ports::SearchFilter;
use helpdesk_domain::search::{self as rules, HitTarget, SearchHit};
use helpdesk_domain::{CustomerId, Error as DomainError};

use super::{Customer, Device, InputKind, MatchedField, Order, PhoneNumber, SearchKind, SearchResult, User};
use crate::context::request;
use crate::error::{ApiError, ApiResult};
use crate::ids::{PageRequest, cursor};
use crate::loaders;

/// One way the gateway read the search text.
#[derive(SimpleObject)]
pub struct InterpretedAs {
    kind: InputKind,
    /// The canonical value searched for: `2C549188C9E3`, `+12124567890`.
    value: String,
}

/// A page of search results.
#[derive(SimpleObject)]
pub struct SearchConnection {
    edges: Vec<SearchEdge>,
    page_info: PageInfo,
    /// How the text was read; each reading was searched.
    interpreted_as: Vec<InterpretedAs>,
}

/// One result, with what matched and how well.
pub struct SearchEdge {
    hit: SearchHit,
    cursor: String,
}

#[Object]
impl SearchEdge {
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// Which attribute of the result matched the text.
    async fn matched_field(&self) -> MatchedField {
        self.hit.matched_field.into()
    }
    /// 1.0 for an exact match, 0.75 for a prefix, 0.5 for a word.
    async fn score(&self) -> f64 {
        self.hit.rank.score()
    }
    async fn node(&self, ctx: &Context<'_>) -> ApiResult<SearchResult> {
        let gone = || ApiError::Domain(DomainError::NotFound("search result"));
        Ok(match self.hit.target {
            HitTarget::Customer(id) => {
                SearchResult::Customer(Customer::shown(ctx, loaders::one(ctx, id).await?.ok_or_else(gone)?))
            }
            HitTarget::User(id) => SearchResult::User(User::shown(ctx, loaders::one(ctx, id).await?.ok_or_else(gone)?)),
            HitTarget::Device(id) => {
                SearchResult::Device(Device::shown(ctx, loaders::one(ctx, id).await?.ok_or_else(gone)?))
            }
            HitTarget::PhoneNumber(id) => {
                SearchResult::PhoneNumber(PhoneNumber::shown(ctx, loaders::one(ctx, id).await?.ok_or_else(gone)?))
            }
            HitTarget::Order(id) => {
                SearchResult::Order(Order::shown(ctx, loaders::one(ctx, id).await?.ok_or_else(gone)?))
            }
        })
    }
}

/// What a search asks for.
pub struct SearchArgs<'a> {
    pub query: &'a str,
    pub first: Option<i32>,
    pub after: Option<&'a str>,
    pub kinds: Option<Vec<SearchKind>>,
    /// Inside this customer only.
    pub customer: Option<CustomerId>,
}

/// Runs a search for the request's agent, optionally inside one customer,
/// and records it in the audit trail.
pub async fn search(ctx: &Context<'_>, mut args: SearchArgs<'_>) -> ApiResult<SearchConnection> {
    let rc = request(ctx)?;
    // A read-only admin session searches its one customer, whatever was asked.
    args.customer = rc.read_only.or(args.customer);
    // Read once: the search runs on it, and the audit trail counts searches by it.
    let input = rules::recognise(args.query);
    let read_as = input.as_ref().ok().and_then(|input| input.readings().first().map(|r| r.kind()));
    let result = run(ctx, &args, input).await;
    let results = result.as_ref().map(|c| c.edges.len()).unwrap_or(0);
    let kinds = args.kinds.as_ref().map(|k| format!("{k:?}"));
    let detail = serde_json::json!({ "text": args.query, "kinds": kinds, "results": results }).to_string();
    rc.audit_read_as("search", args.customer.map(|c| c.to_string()), args.customer, &result, Some(detail), read_as);
    result
}

async fn run(
    ctx: &Context<'_>,
    args: &SearchArgs<'_>,
    input: helpdesk_domain::error::Result<helpdesk_domain::search::SearchInput>,
) -> ApiResult<SearchConnection> {
    let rc = request(ctx)?;
    let scope = rc.help_desk()?;
    let customer = args.customer;
    let page = PageRequest::parse(args.first, args.after)?;
    let input = input?;
    if let Ok(metrics) = ctx.data::<std::sync::Arc<crate::ops::Metrics>>() {
        for reading in input.readings() {
            metrics.searches.with_label_values(&[format!("{:?}", reading.kind()).as_str()]).inc();
        }
    }
    if args.kinds.as_ref().is_some_and(Vec::is_empty) {
        return Err(ApiError::bad_input("kinds must name at least one kind, or be left out"));
    }
    // Each kind is searched once, however often it was named.
    let kinds = crate::cost::distinct_kinds(args.kinds.as_deref());
    let filter = SearchFilter { kinds, customer, limit: page.offset + page.first + 1 };
    let hits = rules::rank_hits(rc.directory().search(scope.partner_id, &input, &filter).await?);
    let has_next = hits.len() as u64 > page.offset + page.first;
    let mut edges = hits
        .into_iter()
        .enumerate()
        .skip(page.offset as usize)
        .take(page.first as usize)
        .map(|(i, hit)| SearchEdge { hit, cursor: cursor(i as u64) })
        .collect::<Vec<_>>();
    // The rows the search read are the rows the edges show: no second read.
    loaders::hand_over(ctx, edges.iter_mut().filter_map(|e| e.hit.found.take()));
    let page_info = PageInfo {
        has_previous_page: page.offset > 0,
        has_next_page: has_next,
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    let interpreted_as =
        input.readings().iter().map(|r| InterpretedAs { kind: r.kind().into(), value: r.value() }).collect();
    Ok(SearchConnection { edges, page_info, interpreted_as })
}
