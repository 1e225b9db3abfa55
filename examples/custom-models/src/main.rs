//! `fabricsim-custom`: the `fabricsim` program with this crate's models registered.

fn main() -> std::process::ExitCode {
    fabricsim_cli::main_with(custom_models::registry())
}
