//! The resource guard: `validate` prints an estimate of a run's events and memory, the
//! estimate is close to what a run measures, and `run`, `compare-policies` and `sweep`
//! refuse a run above `--max-events` or `--max-memory` before starting, naming the estimate
//! and the flag that allows it.

use crate::common::{fabricsim, fabricsim_ok, repo_path, temp_dir};

/// `(events, memory MiB)` from `validate`'s "estimated cost of a run" line.
fn estimate(file: &str) -> (f64, f64) {
    let out = fabricsim_ok(&["validate", file]);
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("estimated cost of a run: "))
        .unwrap_or_else(|| panic!("no estimate in validate's output:\n{text}"));
    let rest = line.trim_start_matches("estimated cost of a run: ");
    let mut words = rest.split_whitespace();
    let events: f64 = words.next().unwrap().parse().unwrap();
    assert_eq!(words.next(), Some("events,"));
    let amount: f64 = words.next().unwrap().parse().unwrap();
    let unit = words.next().unwrap();
    let mib = match unit {
        "KiB" => amount / 1024.0,
        "MiB" => amount,
        "GiB" => amount * 1024.0,
        _ => panic!("unexpected unit {unit} in {line}"),
    };
    (events, mib)
}

/// Events the engine processed, from `run`'s "Engine: N events" line.
fn measured_events(file: &str) -> f64 {
    let out = fabricsim_ok(&["run", file]);
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("Engine: "))
        .unwrap_or_else(|| panic!("no engine line in run's output:\n{text}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn the_estimate_is_within_a_quarter_of_the_measured_events() {
    for file in [
        "experiments/default/scenario.toml",
        "experiments/llama3-reliability/scenario.toml",
        "experiments/placement-policies/scenario.toml",
    ] {
        let path = repo_path(file);
        let path = path.to_str().unwrap();
        let (estimated, mib) = estimate(path);
        let measured = measured_events(path);
        let ratio = estimated / measured;
        assert!(
            (0.75..=1.25).contains(&ratio),
            "{file}: estimated {estimated} events, measured {measured} (ratio {ratio:.2})"
        );
        assert!(
            (4.0..=64.0).contains(&mib),
            "{file}: estimated {mib} MiB for a small scenario"
        );
    }
}

#[test]
fn run_refuses_a_run_above_max_events_with_the_estimate_and_the_flag() {
    let out = fabricsim(&["run", "--max-events", "1000"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("the run is estimated at 3"), "{err}");
    assert!(
        err.contains("above the limit of 1000 (--max-events)"),
        "{err}"
    );
    assert!(err.contains("most come from failures"), "{err}");
    assert!(err.contains("To run it anyway: pass --max-events"), "{err}");
    assert!(out.stdout.is_empty(), "nothing ran");
    // The flag it suggests lets the run through.
    let suggested = err
        .split("pass --max-events ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_owned();
    fabricsim_ok(&["run", "--max-events", &suggested]);
}

#[test]
fn run_refuses_a_run_above_max_memory() {
    let out = fabricsim(&["run", "--max-memory", "4MiB"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("estimated to need"), "{err}");
    assert!(
        err.contains("above the limit of 4.0 MiB (--max-memory)"),
        "{err}"
    );
    assert!(err.contains("pass --max-memory 1GiB"), "{err}");
    fabricsim_ok(&["run", "--max-memory", "1GiB"]);
}

#[test]
fn a_year_of_request_fidelity_at_a_high_rate_is_refused_up_front() {
    let dir = temp_dir("guard-requests");
    let base =
        std::fs::read_to_string(repo_path("experiments/inference-outage/scenario.toml")).unwrap();
    let big = base
        .replace("horizon = \"2d\"", "horizon = \"365d\"")
        .replace("rate_per_s = 17\n", "rate_per_s = 17000\n");
    assert_ne!(
        big, base,
        "the experiment's horizon and rates are where this test expects"
    );
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.toml");
    std::fs::write(&file, big).unwrap();
    let out = fabricsim(&["run", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("requests at request fidelity"), "{err}");
    assert!(err.contains("fidelity = \"flow\""), "{err}");
    assert!(
        err.contains("hours of wall time") || err.contains(" h of wall time"),
        "{err}"
    );
}

#[test]
fn bad_limit_values_are_refused_with_an_example() {
    for (flag, value, expect) in [
        ("--max-events", "lots", "expected a count such as 2e9"),
        ("--max-events", "0", "expected a whole count >= 1"),
        ("--max-memory", "8 parsecs", "unknown unit"),
        ("--max-memory", "0GiB", "expected a positive size"),
    ] {
        let out = fabricsim(&["run", flag, value]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expect), "{flag} {value}: {err}");
    }
}

#[test]
fn compare_policies_checks_the_limits_before_running() {
    let file = repo_path("experiments/placement-policies/scenario.toml");
    let out = fabricsim(&[
        "compare-policies",
        file.to_str().unwrap(),
        "--policies",
        "first-fit,cheapest",
        "--seeds",
        "2",
        "--max-events",
        "100",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("(--max-events)"), "{err}");
}

#[test]
fn sweep_checks_every_point_against_the_limits_before_running() {
    let dir = temp_dir("guard-sweep");
    let file = repo_path("experiments/llama3-reliability/sweep.toml");
    let out = fabricsim(&[
        "sweep",
        file.to_str().unwrap(),
        "--max-events",
        "200",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("sweep.toml, point "), "{err}");
    assert!(err.contains("(--max-events)"), "{err}");
    assert!(!dir.join("runs.csv").exists(), "nothing ran");
}
