//! What one request may ask for.
//!
//! A GraphQL endpoint answers whatever shape it is sent, so without limits a
//! single request can ask for the whole database. Depth is checked by
//! async-graphql and the cost by [`crate::cost`]; the body size, batch size,
//! the work of the document ([`crate::work`]) and the number of aliases are
//! checked before the request reaches the schema.

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet};

/// The limits, with defaults fit for the help desk console.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body accepted, in bytes.
    pub body_bytes: usize,
    /// Most operations in one batched request.
    pub batch: usize,
    /// Most aliased fields in one operation (aliases multiply work).
    pub aliases: usize,
    /// Deepest selection.
    pub depth: usize,
    /// Largest cost of one operation ([`crate::cost`]).
    pub cost: usize,
    /// Most work one document may ask for, fragments expanded ([`crate::work`]).
    pub work: usize,
    /// Longest a GraphQL request may take.
    pub request_timeout: std::time::Duration,
    /// Most GraphQL requests served at once (more are shed, not queued).
    pub concurrent_requests: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 64 * 1024,
            batch: 10,
            aliases: 30,
            depth: 15,
            cost: 5000,
            work: crate::work::MAX_WORK,
            request_timeout: std::time::Duration::from_secs(10),
            concurrent_requests: 128,
        }
    }
}

/// Counts the aliased fields of a document, fragments included.
pub fn count_aliases(doc: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|s| match &s.node {
                Selection::Field(f) => usize::from(f.node.alias.is_some()) + walk(&f.node.selection_set.node),
                Selection::InlineFragment(f) => walk(&f.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let ops: usize = doc.operations.iter().map(|(_, op)| walk(&op.node.selection_set.node)).sum();
    let fragments: usize = doc.fragments.values().map(|f| walk(&f.node.selection_set.node)).sum();
    ops + fragments
}

/// The root fields whose answers a browser may keep (for the time their
/// `cache_control` annotation says). async-graphql lets a field without a
/// hint ride along with one that has one; here an answer is kept only when
/// every root field asked for is listed.
pub const CACHEABLE_ROOT_FIELDS: &[&str] = &["partnerOverview", "__typename"];

/// Whether the operation a request will run asks only for [`CACHEABLE_ROOT_FIELDS`]
/// (a queried field directly at the root; a fragment there is not looked into).
pub fn only_cacheable_roots(doc: &ExecutableDocument, name: Option<&str>) -> bool {
    selected_operation(doc, name).is_some_and(|op| {
        op.node.ty == OperationType::Query
            && op.node.selection_set.node.items.iter().all(|s| match &s.node {
                Selection::Field(f) => CACHEABLE_ROOT_FIELDS.contains(&f.node.name.node.as_str()),
                _ => false,
            })
    })
}

/// The type of the operation a request will run (`None` if it names an
/// operation the document does not have: the schema reports that itself).
pub fn operation_type(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    selected_operation(doc, name).map(|op| op.node.ty)
}

/// The operation a request named (or the document's only one).
fn selected_operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a async_graphql::Positioned<async_graphql::parser::types::OperationDefinition>> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.iter().find(|(n, _)| n.as_str() == name).map(|(_, op)| op)
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        let doc =
            parse_query("{ a: me { name } b: me { n: name } ...F } fragment F on Query { c: me { name } }").unwrap();
        assert_eq!(count_aliases(&doc), 4);
    }

    #[test]
    fn the_operation_type_is_found_by_name() {
        let doc = parse_query("query A { me { name } } mutation B { x }").unwrap();
        assert_eq!(operation_type(&doc, Some("B")), Some(OperationType::Mutation));
        assert_eq!(operation_type(&doc, None), None);
    }
}
