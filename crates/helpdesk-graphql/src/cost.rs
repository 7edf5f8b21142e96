//! What an operation costs, and the budget it must fit in.
//!
//! A GraphQL document can ask for the same expensive thing many times
//! without looking long: a field written 200 times, a fragment spread eight
//! times inside a fragment spread eight times, a `kinds` list naming USER
//! five thousand times, a page size of a billion. So an operation is priced
//! by what it will *execute*, before it runs:
//!
//! - async-graphql walks the validated document with every fragment expanded
//!   in place, so each executed field counts, however it was spelled;
//! - a field's price comes from its arguments, clamped to the range the
//!   resolver accepts (`first` 0–100) and summed with saturating arithmetic,
//!   so no argument can wrap the total round to zero;
//! - a search costs per kind searched (duplicates counted once) plus the rows
//!   it may read, offset included; a connection (the audit log's too) costs
//!   its page times what each item selects, plus the rows it skips;
//! - each dashboard figure is a statement over the whole partner ([`STATEMENT`]);
//! - a page size out of range is refused before any of this
//!   ([`crate::work`]), so a refused operation is never charged.
//!
//! An operation over the budget is refused with `BAD_USER_INPUT`, saying its
//! cost and the limit. An accepted one is paid for from its agent's bucket
//! ([`helpdesk_domain::ports::CostLimiter`]); an agent whose bucket is empty
//! is refused with `RATE_LIMITED` and `retryAt`. An operation that runs
//! reports its cost in `extensions.cost`, so the console and the widgets can
//! see what they spend.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation};
use async_graphql::{Response, ServerError, ValidationResult, Value};
use helpdesk_domain::search::SearchKind as DomainKind;

use crate::context::RequestContext;
use crate::error::ApiError;
use crate::ids::{DEFAULT_PAGE, MAX_PAGE, PageRequest};
use crate::types::SearchKind;

/// What one statement over all of a partner's data costs: a dashboard
/// figure aggregates every customer's rows (10,000 customers at the large
/// scale), so it is priced at five searches' kinds. The console's whole
/// dashboard (13 figures) stays well within the budget; fifteen aliased
/// copies of three figures do not.
pub const STATEMENT: usize = 250;
/// What one kind of search costs before it reads a row: a statement per
/// kind and reading, and the ranking of its hits.
pub const SEARCH_PER_KIND: usize = 50;
/// Rows read (or skipped past) per unit of cost.
pub const ROWS_PER_UNIT: usize = 20;
/// No single field may claim more than this, so that any sum of the fields
/// a body can hold stays far from overflowing.
const FIELD_CEILING: usize = 1 << 40;

/// The page a `first` argument will show, clamped to what the resolver
/// accepts (out-of-range values are refused when the field runs).
pub fn page(first: Option<i32>) -> usize {
    first.unwrap_or(DEFAULT_PAGE).clamp(0, MAX_PAGE) as usize
}

/// The offset an `after` cursor starts at (0 for a cursor the resolver will refuse).
pub fn offset(after: Option<&str>) -> usize {
    PageRequest::parse(Some(0), after).map(|p| p.offset as usize).unwrap_or(0)
}

/// A Relay connection: the rows it reads (a keyset page skips none, however
/// deep its cursor), and each item's selection.
pub fn connection(first: Option<i32>, child: usize) -> usize {
    let page = page(first);
    2usize.saturating_add(page / ROWS_PER_UNIT).saturating_add(page.max(1).saturating_mul(child)).min(FIELD_CEILING)
}

/// A search: per distinct kind, its statements and the rows it may read;
/// then each result's selection.
pub fn search(first: Option<i32>, after: Option<&String>, kinds: Option<&Vec<SearchKind>>, child: usize) -> usize {
    let (page, offset) = (page(first), offset(after.map(String::as_str)));
    let kinds = distinct_kinds(kinds.map(Vec::as_slice)).len().max(1);
    let rows = offset.saturating_add(page).saturating_add(1) / ROWS_PER_UNIT;
    let per_kind = SEARCH_PER_KIND.saturating_add(rows);
    kinds.saturating_mul(per_kind).saturating_add(page.max(1).saturating_mul(child)).min(FIELD_CEILING)
}

/// The kinds a search runs: all when none are named, each named one once.
pub fn distinct_kinds(kinds: Option<&[SearchKind]>) -> Vec<DomainKind> {
    match kinds {
        None => DomainKind::ALL.to_vec(),
        Some(named) => {
            let mut out: Vec<DomainKind> = Vec::with_capacity(DomainKind::ALL.len());
            for kind in named.iter().map(|k| DomainKind::from(*k)) {
                if !out.contains(&kind) {
                    out.push(kind);
                }
            }
            out
        }
    }
}

/// The cost an accepted operation reported, for `extensions.cost`.
fn report(requested: usize, budget: usize) -> Value {
    let mut cost = async_graphql::indexmap::IndexMap::new();
    cost.insert(async_graphql::Name::new("requestedQueryCost"), Value::from(requested as u64));
    cost.insert(async_graphql::Name::new("maximumQueryCost"), Value::from(budget as u64));
    Value::Object(cost)
}

/// The schema extension that enforces the budget and reports the cost.
pub struct CostBudget {
    budget: usize,
}

impl CostBudget {
    /// Operations may cost at most `budget`.
    pub fn new(budget: usize) -> Self {
        CostBudget { budget }
    }
}

impl ExtensionFactory for CostBudget {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostOfRequest { budget: self.budget, cost: Mutex::new(None) })
    }
}

/// One request's cost, once validation has computed it.
struct CostOfRequest {
    budget: usize,
    cost: Mutex<Option<usize>>,
}

#[async_trait::async_trait]
impl Extension for CostOfRequest {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.complexity > self.budget {
            let refused = ApiError::bad_input(format!(
                "this operation would cost {} and the limit is {}: ask for smaller pages, fewer kinds or fewer fields",
                result.complexity, self.budget
            ));
            return Err(vec![async_graphql::Error::new_with_source(refused).into_server_error(Default::default())]);
        }
        // The agent pays for it from its bucket, or is told when it may again.
        if let Some(rc) = ctx.data_opt::<Arc<RequestContext>>()
            && let Err(wait) = rc.services.limiter.spend(rc.agent.id, result.complexity as u64).await
        {
            let retry_at = rc.now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
            let refused = ApiError::Domain(helpdesk_domain::Error::RateLimited {
                message: format!(
                    "this agent has spent its query budget for now (this operation costs {}); retry after {}",
                    result.complexity,
                    retry_at.to_rfc3339()
                ),
                retry_at,
            });
            return Err(vec![async_graphql::Error::new_with_source(refused).into_server_error(Default::default())]);
        }
        *self.cost.lock().unwrap_or_else(|e| e.into_inner()) = Some(result.complexity);
        Ok(result)
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        if let Some(cost) = *self.cost.lock().unwrap_or_else(|e| e.into_inner()) {
            response.extensions.insert("cost".into(), report(cost, self.budget));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_size_is_clamped_before_it_is_priced() {
        assert_eq!(page(Some(1_073_741_823)), 100);
        assert_eq!(page(Some(i32::MIN)), 0);
        assert_eq!(page(None), 20);
    }

    #[test]
    fn nested_huge_pages_never_wrap_the_cost_round() {
        let mut cost = 1;
        for _ in 0..10 {
            cost = connection(Some(i32::MAX), cost);
        }
        assert_eq!(cost, FIELD_CEILING);
        assert!(cost.saturating_mul(64 * 1024) > 5000);
    }

    #[test]
    fn repeated_kinds_cost_what_one_costs() {
        let one = search(Some(20), None, Some(&vec![SearchKind::User]), 5);
        let many = search(Some(20), None, Some(&vec![SearchKind::User; 5000]), 5);
        assert_eq!(one, many);
        assert_eq!(distinct_kinds(Some(&[SearchKind::User, SearchKind::Device, SearchKind::User])).len(), 2);
        assert!(search(Some(20), None, None, 5) > one, "every kind costs more than one");
    }

    #[test]
    fn a_deep_search_offset_costs_the_rows_it_skips() {
        let deep = crate::ids::cursor(9_000);
        assert!(search(Some(20), Some(&deep), None, 5) > search(Some(20), None, None, 5) + 1_000);
    }
}
