//! Every command's `--help` shows an example. The commands are read from the `Commands:`
//! section of `fabricsim --help` (and of each command that has subcommands), so a new
//! command is covered without touching this test.

use crate::common::fabricsim;

/// The `--help` text of `fabricsim <path...>`, which must exit 0.
fn help(path: &[&str]) -> String {
    let mut args = path.to_vec();
    args.push("--help");
    let out = fabricsim(&args);
    assert!(
        out.status.success(),
        "fabricsim {} exited with {:?}: {}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("help is UTF-8")
}

/// The subcommand names of a `--help` text's `Commands:` section (none if it has none),
/// without clap's own `help`. A name is a line indented by exactly two spaces; longer
/// indents continue the previous line's description.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_command_help_shows_an_example() {
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = Vec::new();
    let mut missing = Vec::new();
    while let Some(path) = todo.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).collect();
        let text = help(&args);
        let name = format!("fabricsim {}", args.join(" "));
        if !text.contains("Example") {
            missing.push(format!("{}:\n{text}", name.trim_end()));
        }
        for sub in subcommands(&text) {
            let mut child = path.clone();
            child.push(sub);
            todo.push(child);
        }
        seen.push(name.trim_end().to_owned());
    }
    // The walk must have found the commands (a changed help layout would find none).
    for expected in [
        "fabricsim run",
        "fabricsim sweep",
        "fabricsim bench",
        "fabricsim bench phold",
        "fabricsim bench scale",
    ] {
        assert!(
            seen.iter().any(|s| s == expected),
            "{expected} not found in the help output; found {seen:?}"
        );
    }
    assert!(
        seen.len() >= 15,
        "only {} commands found: {seen:?}",
        seen.len()
    );
    assert!(
        missing.is_empty(),
        "--help without an example (add an `Example:` line to the command's doc comment in \
         sim-cli/src/args.rs):\n\n{}",
        missing.join("\n\n")
    );
}

#[test]
fn top_level_help_lists_common_invocations_and_exit_codes() {
    let text = help(&[]);
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("fabricsim run "), "{text}");
    assert!(text.contains("fabricsim sweep "), "{text}");
    assert!(text.contains("Exit codes: 0 ok, 1 "), "{text}");
}
