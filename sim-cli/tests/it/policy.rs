//! Policies through the real binary: `[policy]` in scenario files, `fabricsim models`,
//! `components.csv` and `decisions.csv`, common random numbers across placement policies,
//! and `fabricsim compare-policies`.
//!
//! The scenario is `tests/fixtures/policy/scenario.toml`: two sites on two clouds, a long
//! job and a stream of generated ones, `llama3-h100` failures at 4x and random site outages.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{fabricsim, repo_path, temp_dir};

/// The built-in placement policies (checked against `fabricsim models` below).
const PLACEMENTS: &[&str] = &[
    "best-fit",
    "cheapest",
    "commitment-burn",
    "first-fit",
    "greenest",
    "heterogeneity-aware",
    "lowest-latency",
    "power-headroom",
    "spread",
];
const FAILOVERS: &[&str] = &["migrate", "restart", "threshold", "wait"];
const FAILURE_MODELS: &[&str] = &["llama3-h100", "none"];

fn fixture() -> String {
    std::fs::read_to_string(repo_path("sim-cli/tests/fixtures/policy/scenario.toml")).unwrap()
}

/// Writes the fixture followed by `tail` to `dir/name` and returns its path.
fn scenario(dir: &Path, name: &str, tail: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, format!("{}{tail}", fixture())).unwrap();
    path
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn models_lists_every_built_in_with_a_summary() {
    let text = ok(&fabricsim(&["models"]));
    for heading in [
        "Placement policies ([policy] placement)",
        "Failover policies ([policy] failover)",
        "Failure models ([failures] model)",
    ] {
        assert!(text.contains(heading), "{heading} missing in\n{text}");
    }
    let csv = ok(&fabricsim(&["models", "--csv"]));
    assert!(csv.starts_with("kind,name,summary\n"), "{csv}");
    let listed = |kind: &str| -> Vec<String> {
        csv.lines()
            .filter_map(|l| l.strip_prefix(&format!("{kind},")))
            .map(|rest| {
                let (name, summary) = rest.split_once(',').unwrap();
                assert!(!summary.is_empty(), "{name} has no summary");
                name.to_owned()
            })
            .collect()
    };
    assert_eq!(listed("placement"), PLACEMENTS);
    assert_eq!(listed("failover"), FAILOVERS);
    assert_eq!(listed("failure-model"), FAILURE_MODELS);
    for name in PLACEMENTS.iter().chain(FAILOVERS).chain(FAILURE_MODELS) {
        assert!(text.contains(name), "{name} missing in\n{text}");
    }
    for command in ["models", "compare-policies"] {
        let help = ok(&fabricsim(&[command, "--help"]));
        assert!(help.contains("Example: fabricsim"), "{command}: {help}");
    }
}

#[test]
fn run_writes_components_and_decisions_and_names_the_policies() {
    let dir = temp_dir("policy-decisions");
    let file = scenario(
        &dir,
        "scenario.toml",
        "\n[policy]\nplacement = \"cheapest\"\nfailover = \"threshold\"\ndecisions = true\n\
         decision_options = 2\n\n[policy.failover_params]\nmax_wait = \"2h\"\n",
    );
    let out_dir = dir.join("out");
    let stdout = ok(&fabricsim(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]));
    assert!(
        stdout.contains("\npolicies: placement cheapest, failover threshold (max_wait=\"2h\")\n"),
        "{stdout}"
    );
    assert!(stdout.contains("components.csv, decisions.csv"), "{stdout}");

    let decisions = read(&out_dir, "decisions.csv");
    let mut lines = decisions.lines();
    assert_eq!(lines.next(), Some("time_s,policy,subject,choice,options"));
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter().any(|r| r.contains(",placement:cheapest,big,")),
        "{decisions}"
    );
    assert!(
        rows.iter().any(|r| r.contains(",failover:threshold,")),
        "{decisions}"
    );
    for row in &rows {
        // At most two options, each `name=score`, and the score a number.
        let options = row.rsplit(',').next().unwrap();
        let options: Vec<&str> = options.split(';').filter(|o| !o.is_empty()).collect();
        assert!(options.len() <= 2, "{row}");
        for o in options {
            let (_, score) = o.rsplit_once('=').unwrap_or_else(|| panic!("{row}"));
            score.parse::<f64>().unwrap_or_else(|_| panic!("{row}"));
        }
    }

    let components = read(&out_dir, "components.csv");
    assert!(
        components.starts_with("time_s,domain,event\n"),
        "{components}"
    );
    for needle in [
        ",failure:",
        ",repair\n",
        ",site:",
        ",outage-start:background\n",
        ",outage-end:background\n",
    ] {
        assert!(
            components.contains(needle),
            "{needle} missing in\n{components}"
        );
    }
    let times: Vec<f64> = components
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "not in time order");

    // Without `decisions = true`, no decisions.csv.
    let plain = scenario(&dir, "plain.toml", "");
    let plain_out = dir.join("plain");
    let stdout = ok(&fabricsim(&[
        "run",
        plain.to_str().unwrap(),
        "--out",
        plain_out.to_str().unwrap(),
    ]));
    assert!(
        stdout.contains("\npolicies: placement first-fit, failover restart\n"),
        "{stdout}"
    );
    assert!(plain_out.join("components.csv").exists());
    assert!(!plain_out.join("decisions.csv").exists());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn unknown_policy_names_and_bad_parameters_exit_2_with_positions() {
    let dir = temp_dir("policy-bad");
    // `[policy]` is on the second line after the fixture's last.
    let lines = fixture().lines().count();
    let file = scenario(
        &dir,
        "bad.toml",
        "\n[policy]\nplacement = \"cheapst\"\nfailover = \"threshold\"\n\n\
         [policy.failover_params]\nmax_wait = true\n",
    );
    let out = fabricsim(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let name = file.display().to_string();
    for expected in [
        format!(
            "{name}:{}:13: policy.placement: unknown placement policy \"cheapst\"",
            lines + 3
        ),
        "(did you mean \"cheapest\"?)".to_owned(),
        format!(
            "{name}:{}:12: policy.failover_params.max_wait: expected a number, a string or a \
             table of them, found a boolean (true)",
            lines + 7
        ),
        "2 problems".to_owned(),
    ] {
        assert!(err.contains(&expected), "{expected}\nmissing in\n{err}");
    }
    std::fs::remove_dir_all(dir).ok();
}

/// The failures, repairs and outages of a run depend only on the seed: every placement
/// policy sees exactly the same ones, while what happens to the jobs differs.
#[test]
fn every_placement_policy_sees_the_same_failures_and_outages() {
    let dir = temp_dir("policy-crn");
    let mut components: Vec<(String, String)> = Vec::new();
    let mut summaries: Vec<String> = Vec::new();
    for policy in PLACEMENTS {
        let file = scenario(
            &dir,
            &format!("{policy}.toml"),
            &format!("\n[policy]\nplacement = \"{policy}\"\nfailover = \"migrate\"\n"),
        );
        let out = dir.join(policy);
        ok(&fabricsim(&[
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]));
        components.push(((*policy).to_owned(), read(&out, "components.csv")));
        summaries.push(read(&out, "summary.csv"));
    }
    let (first, reference) = &components[0];
    assert!(reference.contains(",failure:"), "{reference}");
    assert!(
        reference.contains(",outage-start:background"),
        "{reference}"
    );
    for (policy, csv) in &components[1..] {
        assert!(
            csv == reference,
            "components.csv of {policy} differs from {first}'s"
        );
    }
    summaries.sort();
    summaries.dedup();
    assert!(
        summaries.len() >= 3,
        "placement should change the outcome: {} distinct summaries",
        summaries.len()
    );
    std::fs::remove_dir_all(dir).ok();
}

fn compare(file: &Path, out: &Path, jobs: &str) -> String {
    ok(&fabricsim(&[
        "compare-policies",
        file.to_str().unwrap(),
        "--policies",
        "greenest,cheapest,best-fit",
        "--seeds",
        "3",
        "--first-seed",
        "11",
        "--jobs",
        jobs,
        "--out",
        out.to_str().unwrap(),
    ]))
}

#[test]
fn compare_policies_gives_the_same_bytes_for_any_thread_count() {
    let dir = temp_dir("policy-compare");
    let file = scenario(&dir, "scenario.toml", "");
    let (one, two) = (dir.join("j1"), dir.join("j2"));
    let stdout = compare(&file, &one, "1");
    compare(&file, &two, "2");
    for name in ["runs.csv", "paired.csv", "paired.svg"] {
        assert!(
            read(&one, name) == read(&two, name),
            "{name} differs between --jobs 1 and --jobs 2"
        );
    }

    // runs.csv: one row per (policy, seed), sorted by policy then seed; the baseline
    // (first-fit) was added.
    let runs = read(&one, "runs.csv");
    let mut lines = runs.lines();
    assert_eq!(
        lines.next(),
        Some(
            "policy,seed,goodput_eflop,ettr,jobs_completed,cost_usd,co2_t,energy_mwh,\
             ttft_p99_ms,slo_attainment,migrations,interruptions"
        )
    );
    let keys: Vec<(String, String)> = lines
        .map(|l| {
            let mut cells = l.split(',');
            (
                cells.next().unwrap().to_owned(),
                cells.next().unwrap().to_owned(),
            )
        })
        .collect();
    let mut want = Vec::new();
    for policy in ["best-fit", "cheapest", "first-fit", "greenest"] {
        for seed in ["11", "12", "13"] {
            want.push((policy.to_owned(), seed.to_owned()));
        }
    }
    assert_eq!(keys, want);
    // No services: the serving figures are empty.
    assert!(runs.lines().skip(1).all(|l| l.contains(",,,")), "{runs}");

    // paired.csv: per policy other than the baseline, one row per figure.
    let paired = read(&one, "paired.csv");
    let mut lines = paired.lines();
    assert_eq!(
        lines.next(),
        Some(
            "policy,baseline,figure,n,mean,baseline_mean,diff_mean,diff_ci95,diff_pct,\
             diff_ci95_pct"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let figures = [
        "goodput_eflop",
        "ettr",
        "jobs_completed",
        "cost_usd",
        "co2_t",
        "energy_mwh",
        "ttft_p99_ms",
        "slo_attainment",
        "migrations",
        "interruptions",
    ];
    assert_eq!(rows.len(), 3 * figures.len());
    for (i, row) in rows.iter().enumerate() {
        let policy = ["best-fit", "cheapest", "greenest"][i / figures.len()];
        assert_eq!(&row[..3], [policy, "first-fit", figures[i % figures.len()]]);
        let defined = !row[2].starts_with("ttft") && !row[2].starts_with("slo");
        assert_eq!(row[3], if defined { "3" } else { "0" }, "{row:?}");
        if defined {
            // mean - baseline_mean is the mean paired difference.
            let x: Vec<f64> = row[4..7].iter().map(|c| c.parse().unwrap()).collect();
            assert!(
                (x[0] - x[1] - x[2]).abs() <= 1e-5 * x[0].abs().max(1.0),
                "{row:?}"
            );
            assert!(row[7].parse::<f64>().unwrap() >= 0.0, "{row:?}");
        } else {
            assert!(row[4..].iter().all(|c| c.is_empty()), "{row:?}");
        }
    }

    // paired.svg is drawn with plotters: an SVG root with the namespace, each text on a
    // line of its own.
    let svg = read(&one, "paired.svg");
    let root = &svg[..svg.find('>').unwrap()];
    assert!(root.starts_with("<svg ") && root.contains(" xmlns=\"http://www.w3.org/2000/svg\""));
    for panel in ["goodput_eflop", "ttft_p99_ms", "cost_usd", "co2_t"] {
        assert!(
            svg.contains(&format!("\n{panel}\n")),
            "{panel} panel missing"
        );
    }
    assert!(stdout.contains("paired ±"), "{stdout}");
    assert!(stdout.contains("unpaired ±"), "{stdout}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn compare_policies_checks_names_before_running() {
    let dir = temp_dir("policy-compare-bad");
    let file = scenario(&dir, "scenario.toml", "");
    let out_dir = dir.join("out");
    for (policies, baseline, expected) in [
        (
            "cheapest,greenst",
            "first-fit",
            "--policies greenst: unknown placement policy \"greenst\"",
        ),
        (
            "cheapest",
            "frist-fit",
            "--baseline frist-fit: unknown placement policy \"frist-fit\"",
        ),
        ("cheapest,cheapest", "first-fit", "lists \"cheapest\" twice"),
        ("first-fit", "first-fit", "at least one other policy"),
    ] {
        let out = fabricsim(&[
            "compare-policies",
            file.to_str().unwrap(),
            "--policies",
            policies,
            "--baseline",
            baseline,
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{policies} / {baseline}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "{expected} missing in {err}");
        assert!(!out_dir.exists(), "wrote outputs despite the error");
    }
    std::fs::remove_dir_all(dir).ok();
}
