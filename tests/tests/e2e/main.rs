//! End-to-end tests of the help desk gateway: the real server on
//! `127.0.0.1:0`, real HTTP, real SQLite and PostgreSQL. One module per area;
//! the helpers live in the crate's `src/lib.rs`.

#![allow(clippy::unwrap_used)]

mod access;
mod actions;
mod audit;
mod bad_input;
mod batching;
mod console;
mod dashboard;
mod details;
mod edges_of_trust;
mod hostile;
mod partner_keys;
mod redis_cluster;
mod relevance;
mod replicas;
mod resilience;
mod schema;
mod search;
mod time_passes;
mod work_bound;
