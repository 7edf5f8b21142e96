//! `helpdesk`: see the library for everything it does.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = helpdesk_server::config::Cli::parse();
    match helpdesk_server::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("helpdesk: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
