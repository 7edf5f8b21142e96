//! What one request may ask for.
//!
//! A GraphQL endpoint answers whatever shape it is sent, so without limits a
//! single request can ask for the whole database. Depth is checked by
//! async-graphql and the cost by [`crate::cost`]; the body size, batch size
//! and number of aliases are checked here before the request reaches the schema.

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

/// The type of the operation a request will run (`None` if it names an
/// operation the document does not have: the schema reports that itself).
pub fn operation_type(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.iter().find(|(n, _)| n.as_str() == name).map(|(_, op)| op.node.ty)
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next().map(|op| op.node.ty),
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
