//! The read-replica tests' standby: a real streaming replica of the test
//! PostgreSQL, made and stopped by `tests/support/start-replica`.

/// Runs `tests/support/start-replica` for the streaming replica on `port`
/// (`--stop`, `--restart` or nothing to start it when absent).
pub fn replica_script(port: u16, action: Option<&str>) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/support/start-replica");
    let status = std::process::Command::new(script)
        .args(action)
        .env("REPLICA_PORT", port.to_string())
        .status()
        .expect("tests/support/start-replica runs");
    assert!(status.success(), "tests/support/start-replica {action:?} for port {port} failed");
}

/// The URL of `database_url`'s database on the replica at `port`.
pub fn on_replica(database_url: &str, port: u16) -> String {
    database_url.replacen(":5432/", &format!(":{port}/"), 1)
}
