//! `[catalog.accelerators.<kind>] failure_rate_factor`: a scenario overrides how much more
//! (or less) often a kind's GPU package fails than an H100's.

use crate::common::{fabricsim, fabricsim_ok, repo_path, temp_dir};

/// The default scenario with `extra` appended, written to a fresh folder.
fn scenario_with(tag: &str, extra: &str) -> std::path::PathBuf {
    let dir = temp_dir(tag);
    std::fs::create_dir_all(&dir).unwrap();
    let base = std::fs::read_to_string(repo_path("experiments/default/scenario.toml")).unwrap();
    let file = dir.join("scenario.toml");
    std::fs::write(&file, format!("{base}\n{extra}\n")).unwrap();
    file
}

/// The components.csv rows of a run of `file` that are failures of a component.
fn failures(file: &std::path::Path, tag: &str) -> usize {
    let out = temp_dir(tag);
    fabricsim_ok(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(out.join("components.csv")).unwrap();
    text.lines().filter(|l| l.contains(",failure:")).count()
}

#[test]
fn a_higher_factor_on_the_blackwell_kinds_means_more_failures() {
    let calm = scenario_with(
        "factor-calm",
        "[catalog.accelerators.b200]\nfailure_rate_factor = 0\n\
         [catalog.accelerators.gb200]\nfailure_rate_factor = 0",
    );
    let harsh = scenario_with(
        "factor-harsh",
        "[catalog.accelerators.b200]\nfailure_rate_factor = 20\n\
         [catalog.accelerators.gb200]\nfailure_rate_factor = 20",
    );
    let (calm, harsh) = (
        failures(&calm, "factor-calm-out"),
        failures(&harsh, "factor-harsh-out"),
    );
    assert!(calm > 0, "the other kinds still fail");
    assert!(harsh > calm + 100, "calm {calm}, harsh {harsh}");
}

#[test]
fn a_negative_factor_is_reported_at_its_key() {
    let file = scenario_with(
        "factor-negative",
        "[catalog.accelerators.b200]\nfailure_rate_factor = -1",
    );
    let out = fabricsim(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("catalog.accelerators.b200.failure_rate_factor"),
        "{err}"
    );
}
