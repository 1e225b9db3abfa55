//! `fabricsim`: parse the command line, load and check the scenario, run the command, and
//! map the outcome to an exit code (0 ok, 1 a check failed, 2 an error).

mod args;
mod bench;
mod catalog_cmd;
mod output;
mod resolve;
mod scenario;
mod validate;

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
        Command::Validate(args) => {
            let (name, text) = resolve::load(args.file.as_deref())?;
            match resolve::resolve(&name, &text) {
                Ok(resolved) => {
                    print!("{}", validate::summary(&resolved));
                    Ok(ExitCode::SUCCESS)
                }
                Err(diagnostics) => {
                    eprintln!("{diagnostics}");
                    eprintln!(
                        "error: {} problem{} in {name}",
                        diagnostics.len(),
                        if diagnostics.len() == 1 { "" } else { "s" }
                    );
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::ScenarioFormat => {
            print!("{}", scenario::reference::markdown());
            Ok(ExitCode::SUCCESS)
        }
        Command::Catalog(args) => {
            print!("{}", catalog_cmd::render(args)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Phold(args)) => {
            let outcome = bench::phold(args)?;
            println!("{}", outcome.line);
            Ok(match outcome.reference_ok {
                Some(false) => ExitCode::from(1),
                _ => ExitCode::SUCCESS,
            })
        }
        Command::Bench(BenchCommand::Fabric(args)) => {
            println!("{}", bench::fabric(args)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
