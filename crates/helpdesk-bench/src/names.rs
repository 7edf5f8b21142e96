//! `--check-names`: is every customer of the partner found in the top 5 by
//! its full name, its first two words, and its first word plus the first two
//! letters of the next? Asked through the gateway, as an agent would.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::StreamExt;
use serde_json::json;

use crate::keys::Keys;

const QUERY: &str = "query($q:String!){search(query:$q,kinds:[CUSTOMER],first:5){edges{node{...on Customer{name}}}}}";

/// The forms an agent types a customer's name in.
fn forms(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let mut forms = vec![name.to_string()];
    if words.len() > 2 {
        forms.push(format!("{} {}", words[0], words[1]));
    }
    if words.len() > 1 {
        forms.push(format!("{} {}", words[0], words[1].chars().take(2).collect::<String>()));
    }
    forms
}

/// Asks every form of every customer's name; returns (asked, missed, first misses).
pub async fn check(keys: &Keys, url: &str, token: &str, concurrency: usize) -> (usize, usize, Vec<String>) {
    let client = reqwest::Client::builder().http1_only().build().unwrap_or_default();
    let endpoint = format!("{url}/graphql");
    let asked = Arc::new(AtomicUsize::new(0));
    let cases: Vec<(String, String)> =
        keys.customers.iter().flat_map(|(_, name)| forms(name).into_iter().map(move |f| (name.clone(), f))).collect();
    let misses: Vec<String> = futures::stream::iter(cases)
        .map(|(name, form)| {
            let (client, endpoint, asked) = (client.clone(), endpoint.clone(), asked.clone());
            async move {
                asked.fetch_add(1, Ordering::Relaxed);
                let body = json!({ "query": QUERY, "variables": { "q": form } });
                let res = client.post(&endpoint).bearer_auth(token).json(&body).send().await;
                let answer: serde_json::Value = match res {
                    Ok(r) => r.json().await.unwrap_or_default(),
                    Err(e) => return Some(format!("{form}: {e}")),
                };
                let edges = answer["data"]["search"]["edges"].as_array().cloned().unwrap_or_default();
                let found = edges.iter().any(|e| e["node"]["name"] == name.as_str());
                (!found).then(|| format!("{form} (for {name})"))
            }
        })
        .buffer_unordered(concurrency)
        .filter_map(|miss| async move { miss })
        .collect()
        .await;
    let first: Vec<String> = misses.iter().take(10).cloned().collect();
    (asked.load(Ordering::Relaxed), misses.len(), first)
}
