//! The house's floors: crates depend only downwards, and no command module imports
//! another command module (shared code lives in a library module both import).
//!
//! ```text
//! sim-cli -> sim-study -> sim-report -> sim-scenario -> sim-models -> sim-core
//!        \______________/^   (sim-cli uses every crate below it)
//! ```

use std::path::{Path, PathBuf};

/// Each workspace crate of the simulator and the crates of ours it may depend on: only the
/// floors below it.
const FLOORS: [(&str, &[&str]); 6] = [
    ("sim-core", &[]),
    ("sim-models", &["sim-core"]),
    ("sim-scenario", &["sim-core", "sim-models"]),
    ("sim-report", &["sim-core", "sim-models", "sim-scenario"]),
    (
        "sim-study",
        &["sim-core", "sim-models", "sim-scenario", "sim-report"],
    ),
    (
        "sim-cli",
        &[
            "sim-core",
            "sim-models",
            "sim-scenario",
            "sim-report",
            "sim-study",
        ],
    ),
];

/// Command modules per crate: none may import another of the same crate.
const COMMANDS: [(&str, &[&str]); 2] = [
    (
        "sim-cli/src",
        &["run", "validate", "catalog_cmd", "models_cmd", "bench"],
    ),
    ("sim-study/src", &["sweep", "compare_policies", "slurm"]),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The names of our crates (`sim-*`) among `[dependencies]` of `krate`'s Cargo.toml.
fn our_dependencies(krate: &str) -> Vec<String> {
    let path = root().join(krate).join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let manifest: toml::Table = text.parse().unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let Some(deps) = manifest.get("dependencies").and_then(|d| d.as_table()) else {
        return Vec::new();
    };
    deps.keys()
        .filter(|name| name.starts_with("sim-"))
        .cloned()
        .collect()
}

#[test]
fn crates_depend_only_on_the_floors_below() {
    let mut wrong = Vec::new();
    for (krate, allowed) in FLOORS {
        for dep in our_dependencies(krate) {
            if !allowed.contains(&dep.as_str()) {
                wrong.push(format!("{krate} depends on {dep}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies running up or sideways (allowed: the floors below, see FLOORS):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_engine_names_none_of_our_other_crates() {
    assert!(our_dependencies("sim-core").is_empty());
    // The check itself must be able to fail: sim-cli does have dependencies of ours.
    assert!(our_dependencies("sim-cli").len() >= 4);
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The command module a file belongs to (`src/sweep/plan.rs` -> `sweep`), if any.
fn command_of<'a>(src: &Path, file: &Path, commands: &[&'a str]) -> Option<&'a str> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let stem = first.strip_suffix(".rs").unwrap_or(first);
    commands.iter().copied().find(|c| *c == stem)
}

#[test]
fn no_command_module_imports_another() {
    let mut wrong = Vec::new();
    for (src, commands) in COMMANDS {
        let src = root().join(src);
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in &files {
            let Some(own) = command_of(&src, file, commands) else {
                continue;
            };
            let text = std::fs::read_to_string(file).unwrap();
            for other in commands.iter().filter(|c| **c != own) {
                let needle = format!("crate::{other}");
                if let Some(line) = text
                    .lines()
                    .find(|l| l.contains(&needle) && !l.trim_start().starts_with("//"))
                {
                    wrong.push(format!("{}: {}", file.display(), line.trim()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "command modules importing other commands:\n{}",
        wrong.join("\n")
    );
}
