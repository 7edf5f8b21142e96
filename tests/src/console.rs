//! What the tests need of the console: its trusted documents.

use serde_json::Value;

/// The hash (`sha256:…`) of the console's trusted document for the
/// operation named `name`, from the manifest the console was built with.
pub fn trusted_document_hash(name: &str) -> String {
    let manifest: serde_json::Map<String, Value> =
        serde_json::from_str(helpdesk_console::TRUSTED_DOCUMENTS).expect("the console's manifest is JSON");
    let prefix = format!("query {name}");
    manifest
        .iter()
        .find(|(_, text)| {
            text.as_str().is_some_and(|t| t.starts_with(&prefix) && t[prefix.len()..].starts_with([' ', '(']))
        })
        .map(|(hash, _)| hash.clone())
        .unwrap_or_else(|| panic!("the console has no operation {name}"))
}
