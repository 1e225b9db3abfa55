//! `fabricsim`: parse the command line, load and check the scenario, run the command, and
//! map the outcome to an exit code (0 ok, 1 a check failed, 2 an error).

mod args;
mod bench;
mod catalog_cmd;
mod output;
mod resolve;
mod run;
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

/// Prints every problem of a scenario file and returns exit code 2.
fn report_problems(name: &str, diagnostics: &scenario::Diagnostics) -> ExitCode {
    eprintln!("{diagnostics}");
    eprintln!(
        "error: {} problem{} in {name}",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" }
    );
    ExitCode::from(2)
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Run(args) => {
            let source = resolve::load(args.file.as_deref())?;
            let resolved = match resolve::resolve(&source, args.seed) {
                Ok(resolved) => resolved,
                Err(diagnostics) => return Ok(report_problems(&source.name, &diagnostics)),
            };
            let output = run::simulate(&resolved)?;
            print!("{}", run::render(&resolved, &output));
            if let Some(dir) = &args.out {
                let written =
                    run::write_outputs(dir, &resolved, &output.summary, args.power_resolution)?;
                println!("wrote {} in {}", written.join(", "), dir.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate(args) => {
            let source = resolve::load(args.file.as_deref())?;
            match resolve::resolve(&source, None) {
                Ok(resolved) => {
                    print!("{}", validate::summary(&resolved));
                    Ok(ExitCode::SUCCESS)
                }
                Err(diagnostics) => Ok(report_problems(&source.name, &diagnostics)),
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
        Command::Bench(BenchCommand::Serve(args)) => {
            println!("{}", bench::serve(args)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
