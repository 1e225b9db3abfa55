//! `fabricsim`: the command-line program over the built-in models. Everything it does is in
//! the `fabricsim_cli` library, so a crate with its own models builds the same program
//! around its own [`Registry`] (see the library docs).

#![forbid(unsafe_code)]

use std::process::ExitCode;

use fabricsim_cli::sim_models::policy::Registry;

fn main() -> ExitCode {
    fabricsim_cli::main_with(Registry::builtin())
}
