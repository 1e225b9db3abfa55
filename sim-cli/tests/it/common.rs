//! Helpers shared by the CLI integration tests: run the binary, find repo files, compare
//! golden files.

#![allow(dead_code)] // not every helper is used by every module

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the `fabricsim` binary with `args`.
pub fn fabricsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fabricsim"))
        .args(args)
        .output()
        .expect("the fabricsim binary runs")
}

/// Runs the `fabricsim` binary with `args`, which must succeed (its stderr is shown if not).
pub fn fabricsim_ok(args: &[&str]) -> Output {
    let out = fabricsim(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A path relative to the repository root.
pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// A fresh (removed) temporary folder name for this test process.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fabricsim-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Compares `got` with the golden file at `relative`, or rewrites it when
/// `FABRICSIM_BLESS` is set. On a mismatch, lists every differing line.
pub fn assert_golden(relative: &str, got: &str) {
    let path = repo_path(relative);
    if std::env::var_os("FABRICSIM_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reading {}: {e} (bless with FABRICSIM_BLESS=1)",
            path.display()
        )
    });
    if want == got {
        return;
    }
    let mut report = String::new();
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            report.push_str(&format!(
                "line {}:\n  expected: {w}\n  got:      {g}\n",
                i + 1
            ));
        }
    }
    if want.lines().count() != got.lines().count() {
        report.push_str(&format!(
            "expected {} lines, got {}\n",
            want.lines().count(),
            got.lines().count()
        ));
    }
    panic!(
        "{} differs from the output (bless with FABRICSIM_BLESS=1 if the change is intended):\n{report}",
        path.display()
    );
}
