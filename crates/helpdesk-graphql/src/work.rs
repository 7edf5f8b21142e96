//! The work a document asks for, measured before anything else reads it.
//!
//! GraphQL lets a few hundred bytes describe an enormous operation: a
//! fragment that spreads the next one twice, twenty times over, is a
//! 900-byte document of a million selections. Every later step (validation,
//! the cost walk, execution) walks fragments *expanded*, so each would spend
//! that million, and the cost model alone cannot see it coming: it runs
//! inside validation, and `__typename` costs nothing.
//!
//! So the gateway first measures a document here, in one pass over its text
//! with each fragment's size worked out once (memoised) and reused at every
//! spread. Every selection counts (`__typename` too), and so does every
//! argument value and directive, because validation reads each of them at
//! every place a fragment lands. A document above [`MAX_WORK`] is refused
//! with `BAD_USER_INPUT` before validation or any resolver runs; the rest
//! cost validation and execution at most that many steps (times the list
//! sizes the cost model prices).
//!
//! The same pass refuses a page size out of range (`first: 1000`), so such
//! an operation is refused before the agent is charged for it.

use std::collections::HashMap;

use async_graphql::parser::types::{Directive, ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Variables};
// The parser's value: a literal, or a `$variable` still to be read.
use async_graphql_value::{ConstValue, Value};

use crate::error::ApiError;
use crate::ids::MAX_PAGE;

/// The most work one document may ask for: selections, argument values and
/// directives, counted with every fragment expanded where it is spread. The
/// console's largest document is under a tenth of this.
pub const MAX_WORK: usize = 10_000;

/// Measures `doc` (every operation and every fragment, as validation walks
/// them) and refuses it when it asks for more than `limit`, or for a page
/// size out of range.
pub fn check(doc: &ExecutableDocument, variables: &Variables, limit: usize) -> Result<usize, ApiError> {
    let mut walk = Walk { doc, variables, fragments: HashMap::new() };
    let mut total = 0usize;
    for (_, op) in doc.operations.iter() {
        total = total.saturating_add(walk.selections(&op.node.selection_set.node)?);
        total = total.saturating_add(op.node.directives.iter().map(directive).fold(0, usize::saturating_add));
    }
    for name in doc.fragments.keys() {
        total = total.saturating_add(walk.fragment(name)?);
    }
    if total > limit {
        return Err(ApiError::bad_input(format!(
            "this document asks for {total} selections with its fragments expanded, and the limit is {limit}: \
             spread fewer fragments or select fewer fields"
        )));
    }
    Ok(total)
}

/// One pass over a document, with each fragment's size kept once known.
struct Walk<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    /// A fragment's expanded size; `None` while it is being measured (so a
    /// fragment that spreads itself is caught rather than followed forever).
    fragments: HashMap<&'a Name, Option<usize>>,
}

impl<'a> Walk<'a> {
    fn selections(&mut self, set: &'a SelectionSet) -> Result<usize, ApiError> {
        let mut sum = 0usize;
        for selection in &set.items {
            let one = match &selection.node {
                Selection::Field(field) => self.field(&field.node)?,
                Selection::InlineFragment(inline) => {
                    let directives = inline.node.directives.iter().map(directive).fold(0, usize::saturating_add);
                    1usize.saturating_add(directives).saturating_add(self.selections(&inline.node.selection_set.node)?)
                }
                Selection::FragmentSpread(spread) => {
                    let directives = spread.node.directives.iter().map(directive).fold(0, usize::saturating_add);
                    1usize.saturating_add(directives).saturating_add(self.fragment(&spread.node.fragment_name.node)?)
                }
            };
            sum = sum.saturating_add(one);
        }
        Ok(sum)
    }

    fn field(&mut self, field: &'a Field) -> Result<usize, ApiError> {
        for (name, value) in &field.arguments {
            if name.node.as_str() == "first" {
                self.page_size(&value.node)?;
            }
        }
        let arguments = field.arguments.iter().map(|(_, v)| value(&v.node)).fold(0, usize::saturating_add);
        let directives = field.directives.iter().map(directive).fold(0, usize::saturating_add);
        let children = self.selections(&field.selection_set.node)?;
        Ok(1usize.saturating_add(arguments).saturating_add(directives).saturating_add(children))
    }

    /// A fragment's expanded size, measured the first time it is met.
    fn fragment(&mut self, name: &'a Name) -> Result<usize, ApiError> {
        match self.fragments.get(name) {
            Some(Some(size)) => return Ok(*size),
            Some(None) => return Err(ApiError::bad_input(format!("fragment {name} spreads itself"))),
            None => {}
        }
        // An unknown fragment is reported by validation; it adds nothing here.
        let Some(definition) = self.doc.fragments.get(name) else { return Ok(0) };
        self.fragments.insert(name, None);
        let size = self.selections(&definition.node.selection_set.node)?;
        self.fragments.insert(name, Some(size));
        Ok(size)
    }

    /// `first` must be a page the resolvers accept, whether written in the
    /// document or passed as a variable.
    fn page_size(&self, first: &Value) -> Result<(), ApiError> {
        let given = match first {
            Value::Variable(name) => self.variables.get(name).and_then(|v| match v {
                ConstValue::Number(n) => Some(n.as_i64()),
                _ => None,
            }),
            Value::Number(n) => Some(n.as_i64()),
            _ => None,
        };
        match given {
            Some(Some(n)) if (0..=i64::from(MAX_PAGE)).contains(&n) => Ok(()),
            // Not an integer at all: validation says so, in its words.
            None => Ok(()),
            Some(_) => Err(ApiError::bad_input(format!("first must be between 0 and {MAX_PAGE}"))),
        }
    }
}

/// A directive: itself and its arguments' values.
fn directive(d: &Positioned<Directive>) -> usize {
    d.node.arguments.iter().map(|(_, v)| value(&v.node)).fold(1, usize::saturating_add)
}

/// Every node of an argument's value: a list of 5,000 enums is 5,001.
fn value(v: &Value) -> usize {
    match v {
        Value::List(items) => items.iter().map(value).fold(1, usize::saturating_add),
        Value::Object(fields) => fields.values().map(value).fold(1, usize::saturating_add),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn work(text: &str) -> Result<usize, ApiError> {
        check(&parse_query(text).unwrap(), &Variables::default(), MAX_WORK)
    }

    /// Fragment `F0` selects `__typename`; each `Fn` spreads `F(n-1)` twice.
    fn doubling_chain(levels: usize) -> String {
        let mut text = format!("{{ ...F{levels} }} fragment F0 on Query {{ __typename }}");
        for n in 1..=levels {
            text.push_str(&format!(" fragment F{n} on Query {{ ...F{m} ...F{m} }}", m = n - 1));
        }
        text
    }

    #[test]
    fn a_doubling_fragment_chain_is_measured_expanded_and_refused() {
        // 2^10 typenames: under the limit, and counted in full.
        assert!(work(&doubling_chain(10)).unwrap() > 1 << 10);
        let err = work(&doubling_chain(30)).unwrap_err();
        assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
        assert!(err.to_string().contains("the limit is 10000"), "{err}");
        // Even at 300 levels (the size would overflow): refused, at once.
        assert!(work(&doubling_chain(300)).is_err());
    }

    #[test]
    fn a_fragment_that_spreads_itself_is_refused_not_followed() {
        let err = work("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }").unwrap_err();
        assert!(err.to_string().contains("spreads itself"), "{err}");
    }

    #[test]
    fn argument_lists_count_every_item() {
        let kinds = vec!["USER"; 5000].join(", ");
        let one = work(&format!("{{ search(query: \"a\", kinds: [{kinds}]) {{ edges {{ cursor }} }} }}")).unwrap();
        assert!(one > 5000, "{one}");
        let twice = format!(
            "{{ ...A ...B }} fragment A on Query {{ search(query: \"a\", kinds: [{kinds}]) {{ edges {{ cursor }} }} }} \
             fragment B on Query {{ ...A }}"
        );
        assert!(work(&twice).is_err());
    }

    #[test]
    fn a_page_out_of_range_is_refused_written_or_as_a_variable() {
        let err = work("{ search(query: \"a\", first: 101) { edges { cursor } } }").unwrap_err();
        assert!(err.to_string().contains("between 0 and 100"), "{err}");
        assert!(work("{ search(query: \"a\", first: -1) { edges { cursor } } }").is_err());
        assert!(work("{ search(query: \"a\", first: 100) { edges { cursor } } }").is_ok());
        let doc = parse_query("query($n: Int) { search(query: \"a\", first: $n) { edges { cursor } } }").unwrap();
        let vars = |n: i64| Variables::from_json(serde_json::json!({ "n": n }));
        assert!(check(&doc, &vars(1_000_000), MAX_WORK).is_err());
        assert!(check(&doc, &vars(5), MAX_WORK).is_ok());
    }
}
