//! # fabricsim_cli: the `fabricsim` program as a library
//!
//! The `fabricsim` binary is one line: `main_with(Registry::builtin())`. Everything else,
//! parsing the command line, reading and checking scenario files, running, printing and
//! writing outputs, lives here, so a crate that adds its own placement or failover
//! policies or failure models builds the *same* program around its own
//! [`Registry`]: every name a scenario file gives
//! (`[policy] placement`, `[policy] failover`, `[failures] model`) and every name on the
//! command line (`compare-policies --policies`) is looked up there, `fabricsim models`
//! lists its entries, and `fabricsim scenario-format` documents them.
//!
//! ```text
//! Registry::builtin() --add_placement/add_failover/add_failure_model--> Registry
//!                                                                         |
//!                          main_with(registry) --> parse args --> load --> resolve (names) --> run --> export
//! ```
//!
//! A plug-in binary (`src/main.rs` of the user's crate, depending on `sim-cli`):
//!
//! ```no_run
//! use std::process::ExitCode;
//!
//! use fabricsim_cli::sim_models::failure::FailureModel;
//! use fabricsim_cli::sim_models::policy::{PolicyParams, Registry};
//!
//! fn main() -> ExitCode {
//!     let mut registry = Registry::builtin();
//!     // `[failures] model = "half-llama3"` now works in scenario files, with an optional
//!     // `[failures.params] scale = 0.25`.
//!     registry.add_failure_model(
//!         "half-llama3",
//!         "llama3-h100 at half its rates (scale: another factor)",
//!         |p: &PolicyParams| {
//!             p.only(&["scale"])?;
//!             let scale = p.number("scale", 0.5)?;
//!             if !(scale.is_finite() && scale >= 0.0) {
//!                 return Err(format!("parameter \"scale\" is {scale}: expected a number >= 0"));
//!             }
//!             let base = FailureModel::builtin("llama3-h100").ok_or("llama3-h100 is built in")?;
//!             Ok(FailureModel { name: "half-llama3".into(), ..base.scaled(scale) })
//!         },
//!     );
//!     fabricsim_cli::main_with(registry)
//! }
//! ```
//!
//! Exit codes are those of `fabricsim`: 0 ok, 1 a check failed, 2 an error (bad arguments,
//! an unreadable or invalid scenario, an unknown name).

#![forbid(unsafe_code)]

mod args;
mod bench;
mod catalog_cmd;
mod models_cmd;
mod run;
mod validate;

use std::process::ExitCode;

use clap::Parser;

pub use sim_core;
pub use sim_models;
use sim_models::policy::Registry;
use sim_report::out::{emit, report_problems};
use sim_scenario::{guard, resolve, scenario};
use sim_study::{compare_policies, slurm, sweep};

use args::{BenchCommand, Cli, Command};

/// Runs `fabricsim` with the process's command line, looking every model and policy name
/// up in `registry`, and returns the exit code (0 ok, 1 a check failed, 2 an error).
///
/// Errors are printed to stderr; this function does not panic on any input.
pub fn main_with(registry: Registry) -> ExitCode {
    let cli = Cli::parse();
    match run(&cli, &registry) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            if let Some(hint) = io_hint(&err) {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(2)
        }
    }
}

/// What to do about an error the operating system reported (a missing file, a folder
/// where a file was expected, ...): its message says what went wrong, not how to fix it.
/// Messages of our own already say what to do and get no hint.
fn io_hint(err: &anyhow::Error) -> Option<String> {
    use std::io::ErrorKind;
    let io = err
        .chain()
        .find_map(|e| e.downcast_ref::<std::io::Error>())?;
    Some(match io.kind() {
        ErrorKind::NotFound => {
            let here = std::env::current_dir()
                .map(|d| format!(" ({})", d.display()))
                .unwrap_or_default();
            format!("check the path; a relative path starts from the current folder{here}")
        }
        ErrorKind::IsADirectory => {
            "that path is a folder: give the path of a file (e.g. a scenario or sweep .toml)"
                .to_owned()
        }
        ErrorKind::NotADirectory => {
            "a part of that path is a file, not a folder: give a path made of folders (an \
             output folder is created if missing)"
                .to_owned()
        }
        ErrorKind::PermissionDenied => {
            "check the permissions of that file or folder (`ls -l`), or give a path you can \
             read and write"
                .to_owned()
        }
        ErrorKind::InvalidData => {
            "the file must be UTF-8 text: check that it is the right file, or save it as UTF-8"
                .to_owned()
        }
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            "free some disk space, or give --out a folder on another disk".to_owned()
        }
        ErrorKind::ReadOnlyFilesystem => "give --out a folder on a writable disk".to_owned(),
        _ => return None,
    })
}

fn run(cli: &Cli, registry: &Registry) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Run(args) => {
            let source = resolve::load(args.file.as_deref())?;
            let resolved = match resolve::resolve(&source, args.seed, registry) {
                Ok(resolved) => resolved,
                Err(diagnostics) => return Ok(report_problems(&source.name, &diagnostics)),
            };
            guard::check(&resolved, &args.limits.limits())?;
            if let Some(dir) = &args.out {
                sim_report::out::check_out_folder(dir)?;
            }
            let output = sim_scenario::simulate::simulate(&resolved, resolved.policies()?)?;
            emit(&run::render(&resolved, &output));
            if let Some(dir) = &args.out {
                let written =
                    run::write_outputs(dir, &resolved, &output.summary, args.power_resolution)?;
                emit(&format!(
                    "wrote {} in {}\n",
                    written.join(", "),
                    dir.display()
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate(args) => {
            let source = resolve::load(args.file.as_deref())?;
            match resolve::resolve(&source, None, registry) {
                Ok(resolved) => {
                    emit(&validate::summary(&resolved));
                    Ok(ExitCode::SUCCESS)
                }
                Err(diagnostics) => Ok(report_problems(&source.name, &diagnostics)),
            }
        }
        Command::ScenarioFormat => {
            emit(&scenario::reference::markdown(registry));
            Ok(ExitCode::SUCCESS)
        }
        Command::Catalog(args) => {
            emit(&catalog_cmd::render(args, registry)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Models(args) => {
            emit(&models_cmd::render(registry, args.csv));
            Ok(ExitCode::SUCCESS)
        }
        Command::ComparePolicies(args) => {
            let source = resolve::load(Some(&args.file))?;
            compare_policies::run(&source, args, registry)
        }
        Command::Sweep(args) => sweep::sweep(args, registry),
        Command::Merge(args) => sweep::merge(args),
        Command::Compare(args) => sweep::compare(args),
        Command::Report(args) => {
            let path = sim_report::report::write_report(&args.dir)?;
            emit(&format!("wrote {}\n", path.display()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Slurm(args) => slurm::run(args),
        Command::Bench(BenchCommand::Phold(args)) => {
            let outcome = bench::phold(args)?;
            emit(&format!("{}\n", outcome.line));
            Ok(match outcome.reference_ok {
                Some(false) => ExitCode::from(1),
                _ => ExitCode::SUCCESS,
            })
        }
        Command::Bench(BenchCommand::Fabric(args)) => {
            emit(&format!("{}\n", bench::fabric(args)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Scale(args)) => {
            emit(&format!("{}\n", bench::scale(args, registry)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Serve(args)) => {
            emit(&format!("{}\n", bench::serve(args)?));
            Ok(ExitCode::SUCCESS)
        }
    }
}
