//! `experiments/placement-policies`: the findings its README reports hold (on fewer seeds
//! than the README's 20, so only their direction is checked), and the committed results
//! are what the command produces.

use crate::common::{fabricsim_ok, repo_path, temp_dir};

/// Mean paired difference (policy minus first-fit) of `figure` in `paired.csv`.
fn diff(paired: &str, policy: &str, figure: &str) -> f64 {
    paired
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[0] == policy && c[2] == figure)
        .unwrap_or_else(|| panic!("no row for {policy} {figure}"))[6]
        .parse()
        .unwrap()
}

#[test]
fn the_readme_findings_hold_in_direction() {
    let dir = temp_dir("placement-policies");
    let file = repo_path("experiments/placement-policies/scenario.toml");
    fabricsim_ok(&[
        "compare-policies",
        file.to_str().unwrap(),
        "--policies",
        "first-fit,cheapest,greenest,spread,heterogeneity-aware,best-fit",
        "--seeds",
        "4",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let paired = std::fs::read_to_string(dir.join("paired.csv")).unwrap();
    assert!(
        diff(&paired, "cheapest", "cost_usd") < 0.0,
        "cheapest costs less"
    );
    assert!(
        diff(&paired, "greenest", "co2_t") < 0.0,
        "greenest emits less"
    );
    assert!(
        diff(&paired, "spread", "ttft_p99_ms") < 0.0,
        "spread serves closer"
    );
    assert!(
        diff(&paired, "spread", "goodput_eflop") < 0.0,
        "spread pays for WAN sync"
    );
    assert!(diff(&paired, "heterogeneity-aware", "goodput_eflop") > 0.0);
    assert!(
        diff(&paired, "best-fit", "goodput_eflop") > 0.0,
        "less fragmentation"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_committed_results_are_what_the_command_writes() {
    let dir = temp_dir("placement-policies-full");
    let file = repo_path("experiments/placement-policies/scenario.toml");
    fabricsim_ok(&[
        "compare-policies",
        file.to_str().unwrap(),
        "--policies",
        "first-fit,best-fit,cheapest,greenest,lowest-latency,power-headroom,spread,\
         commitment-burn,heterogeneity-aware",
        "--seeds",
        "20",
        "--out",
        dir.to_str().unwrap(),
    ]);
    for name in ["paired.csv", "runs.csv", "paired.svg"] {
        let got = std::fs::read_to_string(dir.join(name)).unwrap();
        let want = std::fs::read_to_string(repo_path(&format!(
            "experiments/placement-policies/results/{name}"
        )))
        .unwrap();
        assert!(
            got == want,
            "{name} differs from the committed results: rerun the README's command"
        );
    }
    std::fs::remove_dir_all(dir).ok();
}
