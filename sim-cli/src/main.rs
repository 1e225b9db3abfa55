//! `fabricsim`: parse the command line, run the command, map the outcome to an exit code
//! (0 ok, 1 a check failed, 2 an error).

mod args;
mod bench;
#[allow(dead_code)] // TODO(lead): remove once `validate`/`run` use it
mod scenario;

use std::process::ExitCode;

use clap::Parser;

use args::{BenchCommand, Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Bench(BenchCommand::Phold(args)) => {
            let outcome = bench::phold(args)?;
            println!("{}", outcome.line);
            Ok(match outcome.reference_ok {
                Some(false) => ExitCode::from(1),
                _ => ExitCode::SUCCESS,
            })
        }
    }
}
