//! The `fabricsim` command-line program.
fn main() {}
