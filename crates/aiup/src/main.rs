//! The `aiup` binary. `anyhow` lives here, at the edge; the libraries use
//! typed errors. Exit codes: 0 success, 1 failure, 2 bad input.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod academy;
mod cli;
mod courses;
mod files;
mod outcomes;
mod payroll;
mod population;
mod reform;
mod sme;
mod users;

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    // With --json, bad input is a JSON error on standard output, argument errors included.
    let json = std::env::args().take_while(|a| a != "--").any(|a| a == "--json");
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) if json && e.use_stderr() => {
            println!(
                "{}",
                cli::error_json(aiup_app::Code::BadRequest.as_str(), &e.kind().to_string())
            );
            e.exit()
        }
        Err(e) => e.exit(),
    };
    tracing_subscriber::fmt()
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AIUP_LOG")
                // sqlx warns of a slow statement with the whole statement's text (a bulk write's
                // is hundreds of kilobytes); the timings aiup prints say what was slow instead.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx::query=error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(cli::Failure::BadInput(message)) => {
            if json {
                println!("{}", cli::error_json(aiup_app::Code::BadRequest.as_str(), &message));
            }
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(cli::Failure::Reported(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(cli::Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
