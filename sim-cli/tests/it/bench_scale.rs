//! `fabricsim bench scale`: the gigawatt scenario scaled to a fleet size runs through the
//! normal pipeline, its figures line carries the guard's estimate beside the measured events,
//! and the scenario it generates is a valid scenario file.

use crate::common::{fabricsim_ok, temp_dir};

/// The value of `key=` in a `key=value` line.
fn field(line: &str, key: &str) -> f64 {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key} in {line}"))
        .parse()
        .unwrap()
}

#[test]
fn a_scaled_fleet_runs_and_its_estimate_is_close() {
    let out = fabricsim_ok(&[
        "bench",
        "scale",
        "--accelerators",
        "20000",
        "--horizon",
        "30d",
    ]);
    let line = String::from_utf8(out.stdout).unwrap();
    let accelerators = field(&line, "accelerators");
    assert!((19_000.0..=21_000.0).contains(&accelerators), "{line}");
    let events = field(&line, "events");
    let estimated = field(&line, "est_events");
    assert!(events > 500.0, "{line}");
    assert!((0.75..=1.25).contains(&(estimated / events)), "{line}");
    assert_eq!(
        field(&line, "services"),
        1.0,
        "20 x 20k / 700k rounds to one service"
    );
}

#[test]
fn the_generated_scenario_validates_and_scales_job_sizes() {
    let out = fabricsim_ok(&[
        "bench",
        "scale",
        "--accelerators",
        "100000",
        "--horizon",
        "7d",
        "--job-size-factor",
        "0.5",
        "--print-scenario",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    // The gigawatt's sizes 1,024-16,384 at half.
    assert!(
        text.contains("[512, 0.3]") && text.contains("[8192, 0.15]"),
        "{text}"
    );
    let dir = temp_dir("bench-scale");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scale.toml");
    std::fs::write(&file, &text).unwrap();
    let out = fabricsim_ok(&["validate", file.to_str().unwrap()]);
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.contains("horizon 1w"), "{summary}");
    assert!(summary.contains("99952 accelerators"), "{summary}");
}
