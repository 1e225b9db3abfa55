//! `fabricsim run`, driven through the real binary: outputs, determinism, golden summary.
//!
//! Golden files live in `experiments/default/expected/`; regenerate them on purpose with
//! `FABRICSIM_BLESS=1 cargo test -p sim-cli --test it run::`.

use std::path::Path;

use crate::common::{assert_golden, fabricsim, fabricsim_ok, repo_path, temp_dir};

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

/// A figure of the one-row summary.csv.
fn figure(csv: &str, column: &str) -> String {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == column).unwrap();
    row[i].to_owned()
}

#[test]
fn default_scenario_runs_and_matches_its_golden_summary() {
    let dir = temp_dir("run-default");
    let out = fabricsim_ok(&["run", "--out", dir.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "frontier-405b",
        "Interruptions by failure category",
        "events in",
    ] {
        assert!(stdout.contains(expected), "{expected} missing in\n{stdout}");
    }
    let summary = read(&dir, "summary.csv");
    assert_golden("experiments/default/expected/summary.csv", &summary);
    let interruptions = read(&dir, "interruptions.csv");
    assert!(interruptions.starts_with("time_h,scope,cause,job,lost_accel_h\n"));
    // The scripted us-east-1 outage on day 12 interrupts the job running there.
    assert!(
        interruptions
            .lines()
            .any(|l| l.starts_with("288.000000,region:aws/us-east-1,outage:scripted,frontier-405b")),
        "{interruptions}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_differs() {
    let (a, b, c) = (temp_dir("run-a"), temp_dir("run-b"), temp_dir("run-c"));
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let out = fabricsim(&["run", "--seed", seed, "--out", dir.to_str().unwrap()]);
        assert!(out.status.success());
    }
    for name in ["summary.csv", "interruptions.csv"] {
        assert_eq!(
            read(&a, name),
            read(&b, name),
            "{name} differs for one seed"
        );
    }
    assert_ne!(read(&a, "interruptions.csv"), read(&c, "interruptions.csv"));
    for dir in [a, b, c] {
        std::fs::remove_dir_all(dir).ok();
    }
}

#[test]
fn llama3_reliability_scenario_runs_from_its_file() {
    let dir = temp_dir("run-llama3");
    let file = repo_path("experiments/llama3-reliability/scenario.toml");
    run_ok(&file, &dir);
    let summary = read(&dir, "summary.csv");
    let unexpected: u32 = figure(&summary, "interruptions").parse().unwrap();
    // One seed: within 3 Poisson standard deviations of Meta's 419.
    assert!((419 - 61..=419 + 61).contains(&unexpected), "{unexpected}");
    assert_eq!(figure(&summary, "planned_interruptions"), "47");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_bad_job_is_reported_with_its_position() {
    let dir = temp_dir("run-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "[sim]\nhorizon = \"1d\"\nseed = 1\n\n[sites.a]\ncloud = \"aws\"\nregion = \"us-east-1\"\n\
         power_cap_mw = 10\n\n[sites.a.clusters.c]\naccelerator = \"h100\"\ncount = 64\n\n\
         [jobs.j]\nparams = 7e9\ntokens = 1e9\naccelerators = 8\nkinds = [\"h10\"]\n",
    )
    .unwrap();
    let out = fabricsim(&["run", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(":18:"), "line of `kinds` missing in {err}");
    assert!(err.contains("jobs.j.kinds"), "{err}");
    assert!(err.contains("did you mean \"h100\""), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

/// `experiments/power-cap`: the capped site slows the job by its throttle, the curtailment
/// costs 24 h × (1 − throttle), and no power row draws above its cap.
#[test]
fn power_cap_study_agrees_with_the_throttle() {
    let completion = |variant: &str| {
        let dir = temp_dir(&format!("power-cap-{variant}"));
        let file = repo_path(&format!("experiments/power-cap/{variant}.toml"));
        let out = fabricsim_ok(&[
            "run",
            file.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ]);
        let power = read(&dir, "power.csv");
        let mut min_throttle = 1.0f64;
        for row in power.lines().skip(1) {
            let f: Vec<f64> = row.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
            let (cap, draw, throttle) = (f[1], f[2], f[3]);
            assert!(draw <= cap * (1.0 + 1e-9), "{row}");
            min_throttle = min_throttle.min(throttle);
        }
        let stdout = String::from_utf8(out.stdout).unwrap();
        let job = stdout.lines().find(|l| l.starts_with("train-70b")).unwrap();
        let done_h: f64 = job.split_whitespace().nth(4).unwrap().parse().unwrap();
        std::fs::remove_dir_all(dir).ok();
        (done_h, min_throttle)
    };
    let (base, t_base) = completion("baseline");
    let (capped, t_capped) = completion("capped");
    let (curtailed, t_curtailed) = completion("curtailed");
    assert_eq!(t_base, 1.0);
    assert!(
        (t_capped - t_curtailed).abs() < 1e-9,
        "same cap, same throttle"
    );
    assert!(
        (base / capped - t_capped).abs() < 0.002,
        "{base} / {capped} vs {t_capped}"
    );
    let lost = curtailed - base;
    assert!(
        (lost - 24.0 * (1.0 - t_capped)).abs() < 0.1,
        "curtailment cost {lost} h"
    );
}

/// An hourly carbon profile replaces the region's constant: all zeros gives zero carbon,
/// twice the catalog value (323.05 g/kWh for aws/us-east-1) gives twice the carbon.
#[test]
fn hourly_carbon_profiles_drive_the_site_carbon() {
    let base = std::fs::read_to_string(repo_path("experiments/power-cap/baseline.toml")).unwrap();
    let co2 = |extra: &str| {
        let dir = temp_dir(&format!("carbon-{}", extra.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s.toml");
        std::fs::write(&file, format!("{base}\n{extra}")).unwrap();
        fabricsim_ok(&[
            "run",
            file.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ]);
        let value: f64 = figure(&read(&dir, "summary.csv"), "co2_t").parse().unwrap();
        std::fs::remove_dir_all(dir).ok();
        value
    };
    let catalog = co2("");
    let zeros = co2("[carbon.aws.us-east-1]\nhourly_g_per_kwh = [0.0]\n");
    let doubled = co2("[carbon.aws.us-east-1]\nhourly_g_per_kwh = [646.1, 646.1]\n");
    assert!(catalog > 0.0);
    assert_eq!(zeros, 0.0);
    assert!(
        (doubled / catalog - 2.0).abs() < 1e-6,
        "{doubled} vs {catalog}"
    );
}

#[test]
fn power_csv_at_a_resolution_has_one_row_per_site_per_step() {
    let dir = temp_dir("run-resolution");
    let file = repo_path("experiments/power-cap/curtailed.toml");
    fabricsim_ok(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--power-resolution",
        "1h",
    ]);
    let power = read(&dir, "power.csv");
    // 10 days: hours 0..=240, one site.
    assert_eq!(power.lines().count() - 1, 241);
    let at = |h: &str| power.lines().find(|l| l.starts_with(h)).unwrap().to_owned();
    assert!(
        at("48.000000,").contains(",0.676047,"),
        "{}",
        at("48.000000,")
    );
    assert!(
        at("72.000000,").contains(",1.000000,"),
        "{}",
        at("72.000000,")
    );
    let bad = fabricsim(&["run", "--power-resolution", "0s"]);
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(dir).ok();
}

/// A capacity commitment is valued at count × price × period and burned down by spend.
#[test]
fn a_capacity_commitment_is_valued_at_the_catalog_price() {
    let base = std::fs::read_to_string(repo_path("experiments/power-cap/baseline.toml")).unwrap();
    let dir = temp_dir("run-capacity");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.toml");
    let extra = "[commitments.aws]\naccelerator = \"h100\"\ncount = 512\nperiod = \"10d\"\n";
    std::fs::write(&file, format!("{base}\n{extra}")).unwrap();
    let out = fabricsim_ok(&["run", file.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    // 512 × $12.29 × 240 h = $1.51M; the job spends 1,024 × 115.5 h × $12.29 = $1.45M.
    let row = text.lines().find(|l| l.starts_with("aws ")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], "1.51", "{row}");
    assert_eq!(cells[2], "1.51", "{row}");
    assert_eq!(cells[5], "0.00", "nothing above the commitment: {row}");
    std::fs::remove_dir_all(dir).ok();
}

/// A scenario with services writes the serving files and the serving columns of
/// summary.csv; one without (the default) keeps its golden summary (checked above).
#[test]
fn a_serving_scenario_writes_the_serving_files() {
    let dir = temp_dir("run-serving");
    let file = repo_path("sim-cli/tests/fixtures/serving/scenario.toml");
    let out = run_ok(&file, &dir);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("\nServices (request fidelity"), "{stdout}");
    assert!(
        stdout.contains("services.csv, service_timeline.csv, requests.csv"),
        "{stdout}"
    );
    let summary = read(&dir, "summary.csv");
    let header = summary.lines().next().unwrap();
    assert!(
        header.ends_with(
            ",events,requests,requests_dropped,requests_retried,ttft_p50_ms,ttft_p99_ms,\
             tpot_p50_ms,slo_attainment,tokens_per_s"
        ),
        "{header}"
    );
    let services = read(&dir, "services.csv");
    assert!(
        services.starts_with("service,scope,requests,completed,dropped,retried,ttft_mean_ms,"),
        "{services}"
    );
    let timeline = read(&dir, "service_timeline.csv");
    assert!(
        timeline.starts_with("service,scope,hour_start_s,requests,completed,dropped,retried,"),
        "{timeline}"
    );
    let requests = read(&dir, "requests.csv");
    assert!(
        requests.starts_with("service,region,arrival_s,site,prompt_tokens,output_tokens,"),
        "{requests}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_scenario_without_services_writes_no_serving_files() {
    let dir = temp_dir("run-no-serving");
    run_ok(
        &repo_path("experiments/llama3-reliability/scenario.toml"),
        &dir,
    );
    for name in ["services.csv", "service_timeline.csv", "requests.csv"] {
        assert!(!dir.join(name).exists(), "{name} written");
    }
    assert!(!read(&dir, "summary.csv").contains("requests"));
    std::fs::remove_dir_all(dir).ok();
}

/// `fabricsim run FILE --out DIR`, which must succeed.
fn run_ok(file: &std::path::Path, dir: &std::path::Path) -> std::process::Output {
    fabricsim_ok(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ])
}
