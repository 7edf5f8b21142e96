//! Trusted documents (persisted operations).
//!
//! The console and its widgets never send GraphQL text: they send the hash of
//! an operation from a manifest written when the console was built
//! (`extensions.persistedQuery.sha256Hash`, Apollo's format, or
//! `documentId`). The gateway keeps the same manifest and runs the text it
//! names. In production, a browser may send free text only when the policy
//! allows it: then a page that was tampered with, or a script injected into
//! it, can run only what the console itself runs.
//!
//! A browser is told apart by the headers every browser adds to a `fetch`
//! and no script can remove (`Origin`, `Sec-Fetch-Mode`). A client that is not
//! a browser sends what it likes, within the cost limits: the policy guards
//! the agent's browser, not the API.

use std::collections::HashMap;

use async_graphql::Request;
use axum::http::HeaderMap;

use crate::error::ApiError;

/// Who may send free text (not a trusted document) from a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserFreeText {
    /// Anyone: demo mode, development.
    Anyone,
    /// Partner administrators only, for GraphiQL (the production default).
    PartnerAdmins,
    /// Nobody: browsers run the console's operations only.
    Nobody,
}

/// The manifest (hash → text) and the policy.
#[derive(Debug, Clone)]
pub struct TrustedDocuments {
    by_hash: HashMap<String, String>,
    pub browser_free_text: BrowserFreeText,
}

impl TrustedDocuments {
    /// Reads a manifest of `{"sha256:<hex>": "query …"}`.
    pub fn from_manifest(json: &str, browser_free_text: BrowserFreeText) -> Result<Self, serde_json::Error> {
        let by_hash: HashMap<String, String> = serde_json::from_str(json)?;
        Ok(TrustedDocuments { by_hash, browser_free_text })
    }

    /// Gives a request that names a trusted document its text, and refuses
    /// free text the policy does not allow from this caller.
    pub fn resolve(&self, request: &mut Request, headers: &HeaderMap, partner_admin: bool) -> Result<(), ApiError> {
        if let Some(id) = document_id(request) {
            let key = if id.contains(':') { id } else { format!("sha256:{id}") };
            let Some(text) = self.by_hash.get(&key) else {
                return Err(ApiError::UnknownDocument(
                    "this operation is not one this gateway knows: reload the console to get the gateway's version"
                        .into(),
                ));
            };
            request.query = text.clone();
            return Ok(());
        }
        let allowed = match self.browser_free_text {
            BrowserFreeText::Anyone => true,
            BrowserFreeText::PartnerAdmins => partner_admin || !from_browser(headers),
            BrowserFreeText::Nobody => !from_browser(headers),
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Untrusted(
                "this gateway runs only the console's own operations for browsers; send a trusted document's hash \
                 (GraphiQL needs a partner administrator's token)"
                    .into(),
            ))
        }
    }
}

/// The trusted document a request names, if any.
fn document_id(request: &Request) -> Option<String> {
    if let Some(async_graphql::Value::String(id)) = request.extensions.get("documentId") {
        return Some(id.clone());
    }
    let persisted = request.extensions.get("persistedQuery")?;
    let async_graphql::Value::Object(fields) = persisted else { return None };
    match fields.get("sha256Hash") {
        Some(async_graphql::Value::String(hash)) if request.query.is_empty() => Some(hash.clone()),
        _ => None,
    }
}

/// Headers every browser adds to a script's request, and a script cannot remove.
fn from_browser(headers: &HeaderMap) -> bool {
    headers.contains_key("sec-fetch-mode") || headers.contains_key(axum::http::header::ORIGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"{"sha256:abc": "{ me { name } }"}"#;

    fn browser() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-mode", "cors".parse().unwrap());
        h
    }

    fn persisted(hash: &str) -> Request {
        let mut r = Request::new("");
        let mut fields = async_graphql::indexmap::IndexMap::new();
        fields.insert(async_graphql::Name::new("sha256Hash"), async_graphql::Value::String(hash.into()));
        r.extensions.insert("persistedQuery".into(), async_graphql::Value::Object(fields));
        r
    }

    #[test]
    fn a_known_hash_runs_its_text_for_anyone() {
        let trusted = TrustedDocuments::from_manifest(MANIFEST, BrowserFreeText::Nobody).unwrap();
        let mut r = persisted("abc");
        trusted.resolve(&mut r, &browser(), false).unwrap();
        assert_eq!(r.query, "{ me { name } }");
    }

    #[test]
    fn an_unknown_hash_is_persisted_query_not_found() {
        let trusted = TrustedDocuments::from_manifest(MANIFEST, BrowserFreeText::Anyone).unwrap();
        let e = trusted.resolve(&mut persisted("def"), &browser(), true).unwrap_err();
        assert_eq!(e.code().as_str(), "PERSISTED_QUERY_NOT_FOUND");
    }

    #[test]
    fn free_text_from_a_browser_follows_the_policy() {
        let text = || Request::new("{ me { name } }");
        let admins = TrustedDocuments::from_manifest(MANIFEST, BrowserFreeText::PartnerAdmins).unwrap();
        assert_eq!(
            admins.resolve(&mut text(), &browser(), false).unwrap_err().code().as_str(),
            "OPERATION_NOT_TRUSTED"
        );
        assert!(admins.resolve(&mut text(), &browser(), true).is_ok(), "GraphiQL for a partner admin");
        assert!(admins.resolve(&mut text(), &HeaderMap::new(), false).is_ok(), "not a browser");
        let nobody = TrustedDocuments::from_manifest(MANIFEST, BrowserFreeText::Nobody).unwrap();
        assert!(nobody.resolve(&mut text(), &browser(), true).is_err());
    }
}
