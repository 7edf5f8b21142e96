//! Hostile GraphQL documents: what a signed-in agent with a script could
//! send to make one small request cost the gateway a lot.
//!
//! Each document is at most [`MAX_BYTES`] long and built from the shapes
//! that multiply work without looking long:
//! - fragment *chains*, each spreading the next one several times (a
//!   900-byte chain of 23 doublings is eight million `__typename`s);
//! - fragment *diamonds*, each spreading two different fragments that both
//!   spread the next one;
//! - aliases, the same field written many times under other names;
//! - nesting (a customer's users' customer's users …);
//! - directives on every selection, and argument lists of thousands of items;
//! - every root field, with real and made-up IDs.
//!
//! The generator is seeded, so a failing document can be found again, and
//! [`worst_known`] lists the shapes that once got through.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The largest document generated, in bytes.
pub const MAX_BYTES: usize = 2048;

/// A root field with a small selection, as a hostile client would ask for it.
const ROOT_FIELDS: &[&str] = &[
    "__typename",
    "me { name email roles }",
    r#"search(query: "a", first: 100) { edges { cursor node { __typename ... on Customer { name users(first: 100) { edges { node { email } } } } } } }"#,
    r#"search(query: "nan", kinds: [USER, USER, DEVICE, CUSTOMER, ORDER, PHONE_NUMBER]) { edges { node { __typename } } }"#,
    r#"user(id: "x") { email }"#,
    r#"customer(id: "x") { name }"#,
    r#"device(id: "x") { macAddress }"#,
    r#"node(id: "x") { id }"#,
    r#"phoneNumber(number: "+12124567890") { number customer { name } }"#,
    r#"order(webOrderNumber: "81234567") { webOrderNumber customer { name } }"#,
    "partnerOverview { devicesOffline customersByStatus { status count } licenseUsage { offer bought used } }",
    "auditLog(first: 100) { edges { node { action target } } }",
    "agents { name roles }",
];

/// A field nested `depth` times through customers and their users.
fn nested(depth: usize) -> String {
    let mut inner = "email".to_string();
    for _ in 0..depth {
        inner = format!("customer {{ users(first: 100) {{ edges {{ node {{ {inner} }} }} }} }}");
    }
    format!(
        r#"{{ search(query: "a", kinds: [USER], first: 100) {{ edges {{ node {{ ... on User {{ {inner} }} }} }} }} }}"#
    )
}

/// Fragment `F0` holds `base`; each next one spreads the one before `fanout` times.
fn chain(levels: usize, fanout: usize, base: &str) -> String {
    let mut text = format!("{{ ...F{levels} }} fragment F0 on Query {{ {base} }}");
    for n in 1..=levels {
        let spreads = vec![format!("...F{}", n - 1); fanout].join(" ");
        text.push_str(&format!(" fragment F{n} on Query {{ {spreads} }}"));
    }
    text
}

/// Each level spreads two fragments that both spread the next level.
fn diamond(levels: usize, base: &str) -> String {
    let mut text = format!("{{ ...A{levels} }} fragment A0 on Query {{ {base} }} fragment B0 on Query {{ {base} }}");
    for n in 1..=levels {
        let m = n - 1;
        text.push_str(&format!(
            " fragment A{n} on Query {{ ...A{m} ...B{m} }} fragment B{n} on Query {{ ...B{m} ...A{m} }}"
        ));
    }
    text
}

/// The same field under `count` aliases.
fn aliased(count: usize, field: &str) -> String {
    let fields: Vec<String> = (0..count).map(|i| format!("a{i}: {field}")).collect();
    format!("{{ {} }}", fields.join(" "))
}

/// `count` directives on one field.
fn directives(count: usize) -> String {
    format!("{{ me {} {{ name }} }}", "@include(if: true) ".repeat(count))
}

/// A `kinds` list of `count` items.
fn long_list(count: usize) -> String {
    format!(r#"{{ search(query: "a", kinds: [{}]) {{ edges {{ cursor }} }} }}"#, vec!["USER"; count].join(","))
}

/// The shapes that once got through, or came closest: sent on every run.
pub fn worst_known() -> Vec<String> {
    vec![
        chain(23, 2, "__typename"),
        chain(30, 2, "__typename"),
        chain(12, 3, r#"user(id: "x") { email }"#),
        diamond(20, "__typename"),
        chain(6, 8, ROOT_FIELDS[2]),
        aliased(30, ROOT_FIELDS[11]),
        aliased(15, ROOT_FIELDS[10]),
        long_list(300),
        nested(5),
        directives(40),
    ]
}

/// Seeded random hostile documents of at most [`MAX_BYTES`].
pub struct Generator {
    rng: StdRng,
}

impl Generator {
    /// The generator of seed `seed`: the same documents every time.
    pub fn new(seed: u64) -> Self {
        Generator { rng: StdRng::seed_from_u64(seed) }
    }

    fn root(&mut self) -> &'static str {
        ROOT_FIELDS[self.rng.gen_range(0..ROOT_FIELDS.len())]
    }

    /// The next document.
    pub fn document(&mut self) -> String {
        loop {
            let doc = match self.rng.gen_range(0..7) {
                0 => {
                    let base = self.root();
                    chain(self.rng.gen_range(1..40), self.rng.gen_range(2..6), base)
                }
                1 => {
                    let base = self.root();
                    diamond(self.rng.gen_range(1..30), base)
                }
                2 => {
                    let field = self.root();
                    aliased(self.rng.gen_range(1..40), field)
                }
                3 => nested(self.rng.gen_range(1..12)),
                4 => directives(self.rng.gen_range(1..60)),
                5 => long_list(self.rng.gen_range(1..400)),
                _ => {
                    let picked: Vec<&str> = (0..self.rng.gen_range(1..12)).map(|_| self.root()).collect();
                    let fields: Vec<String> = picked.iter().enumerate().map(|(i, f)| format!("r{i}: {f}")).collect();
                    format!("{{ {} }}", fields.join(" "))
                }
            };
            if doc.len() <= MAX_BYTES {
                return doc;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_small_parse_and_are_the_same_for_a_seed() {
        let (mut a, mut b) = (Generator::new(7), Generator::new(7));
        for _ in 0..200 {
            let doc = a.document();
            assert!(doc.len() <= MAX_BYTES);
            assert!(async_graphql::parser::parse_query(&doc).is_ok(), "{doc}");
            assert_eq!(doc, b.document());
        }
        for doc in worst_known() {
            assert!(doc.len() <= MAX_BYTES, "{} bytes: {doc}", doc.len());
            assert!(async_graphql::parser::parse_query(&doc).is_ok(), "{doc}");
        }
    }
}
