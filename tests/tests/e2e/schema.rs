//! The checked-in SDL is the served one.

#[test]
fn schema_graphql_matches_the_served_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let checked_in = std::fs::read_to_string(path).unwrap();
    assert!(
        checked_in == helpdesk_graphql::sdl(),
        "schema.graphql is out of date: run `cargo run -p helpdesk-server -- schema > schema.graphql`"
    );
}
