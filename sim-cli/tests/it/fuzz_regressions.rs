//! Issue 9: every input the fuzzer (`fuzz/`, `fabricsim-fuzz`) found a bug with, kept in
//! `tests/fuzz-regressions/`, must now give a result or a clear error: no panic, and
//! quickly (each file once, in debug).
//!
//! A file is `scenario-NNN.toml` or `sweep-NNN.toml`. Its first lines are `#` comments the
//! fuzzer wrote (`# fuzz finding: ...`, `# made by: ...`, and for a sweep
//! `# base_dir: DIR`, the folder of its base scenario relative to the repository root);
//! they are removed before the input is run, so it is exactly what the fuzzer ran.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sim_models::policy::Registry;
use sim_study::fuzzing::{self, Outcome};

/// The header lines the fuzzer writes.
const HEADER: [&str; 3] = ["# fuzz finding:", "# made by:", "# base_dir:"];

/// The input without its header, and the header's `base_dir`.
fn split(text: &str) -> (&str, Option<&str>) {
    let mut rest = text;
    let mut base_dir = None;
    while let Some(prefix) = HEADER.iter().find(|p| rest.starts_with(*p)) {
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        if *prefix == HEADER[2] {
            base_dir = Some(rest[prefix.len()..end].trim());
        }
        rest = &rest[end..];
    }
    (rest, base_dir)
}

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_fuzz_regression_gives_a_result_or_a_clear_error() {
    let registry = Registry::builtin();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = files();
    assert!(!files.is_empty(), "no regression files");
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("a UTF-8 regression file");
        let (input, base_dir) = split(&text);
        let started = Instant::now();
        let outcome = if name.starts_with("sweep") {
            let dir = root.join(base_dir.unwrap_or_else(|| panic!("{name}: no `# base_dir:`")));
            fuzzing::sweep(input, &dir, &registry)
        } else {
            assert!(
                name.starts_with("scenario"),
                "{name}: scenario-NNN or sweep-NNN"
            );
            fuzzing::scenario(input, &registry)
        };
        let elapsed = started.elapsed();
        match &outcome {
            Outcome::Ok => {}
            Outcome::Err(message) => assert!(!message.trim().is_empty(), "{name}"),
            Outcome::Unclear(message) => panic!("{name}: unclear error: {message}"),
        }
        // Generous for debug builds on a loaded machine; the bugs took 2 to 16 s in release.
        assert!(elapsed < Duration::from_secs(10), "{name} took {elapsed:?}");
    }
}

#[test]
fn the_header_is_removed_exactly() {
    let (input, dir) = split("# fuzz finding: x\n# made by: y\n# base_dir: a/b\nseeds = 1\n# c\n");
    assert_eq!((input, dir), ("seeds = 1\n# c\n", Some("a/b")));
    assert_eq!(split("x = 1\n"), ("x = 1\n", None));
}
