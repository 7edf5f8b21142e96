//! Parsed documents, kept by their text.
//!
//! A console or a widget sends the same few documents all day with other
//! variables; parsing one again costs more than a look-up (9 % of the
//! gateway's CPU on the email search before this cache). The parsed document
//! is kept by its exact text, and a request whose text was seen skips the
//! parser. What follows parsing (validation, the cost walk, which depend on
//! the variables) still runs on every request. Only documents that parsed
//! and passed the depth and directive checks are kept, and at most
//! [`CAPACITY`] of them, so a client sending a new text every time churns
//! this cache but cannot grow it.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};

/// The most documents kept.
pub const CAPACITY: u64 = 1_000;

/// The cache, shared by every request (an async-graphql extension).
#[derive(Clone)]
pub struct ParsedDocuments {
    documents: moka::sync::Cache<String, ExecutableDocument>,
}

impl ParsedDocuments {
    /// An empty cache of at most [`CAPACITY`] documents.
    pub fn new() -> Self {
        ParsedDocuments { documents: moka::sync::Cache::new(CAPACITY) }
    }

    /// The parsed document of a text seen before. (Only the schema adds
    /// documents, once they passed its depth and directive checks.)
    pub fn get(&self, query: &str) -> Option<ExecutableDocument> {
        self.documents.get(query)
    }
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        Self::new()
    }
}

impl ExtensionFactory for ParsedDocuments {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Extension for ParsedDocuments {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(document) = self.documents.get(query) {
            return Ok(document);
        }
        let document = next.run(ctx, query, variables).await?;
        self.documents.insert(query.to_string(), document.clone());
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Request, Schema, Value};

    struct Query;

    #[Object]
    impl Query {
        async fn echo(&self, text: String) -> String {
            text
        }
    }

    fn schema(documents: &ParsedDocuments) -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription).extension(documents.clone()).finish()
    }

    #[tokio::test]
    async fn a_known_text_answers_for_its_own_variables() {
        let documents = ParsedDocuments::new();
        let schema = schema(&documents);
        let doc = "query($t: String!) { echo(text: $t) }";
        for text in ["first", "second"] {
            let vars = Variables::from_json(serde_json::json!({ "t": text }));
            let res = schema.execute(Request::new(doc).variables(vars)).await;
            assert_eq!(res.data, Value::from_json(serde_json::json!({ "echo": text })).unwrap());
        }
        documents.documents.run_pending_tasks();
        assert_eq!(documents.documents.entry_count(), 1, "one text, parsed once");
    }

    #[tokio::test]
    async fn a_text_that_does_not_parse_is_refused_every_time_and_not_kept() {
        let documents = ParsedDocuments::new();
        let schema = schema(&documents);
        for _ in 0..2 {
            let res = schema.execute("{ echo(text: ").await;
            assert_eq!(res.errors.len(), 1);
        }
        documents.documents.run_pending_tasks();
        assert_eq!(documents.documents.entry_count(), 0);
    }
}
