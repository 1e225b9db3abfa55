//! The crate's `fabricsim-custom` binary on the example scenario: the three plug-ins are
//! found by name, run, and show in the outputs; misspelled names get a "did you mean";
//! the stock registry knows none of them.
//!
//! If these fail with `unknown accelerator "nova-1"`, the CLI builds its catalog without
//! the registry's accelerator families: `sim-cli`'s resolve step must call
//! `registry.extend_catalog(&mut catalog)` on the built-in catalog before applying the
//! scenario's `[catalog.*]` overrides.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use custom_models::nova::NOVA_1;
use sim_models::catalog::Catalog;
use sim_models::policy::{PolicyParams, Registry};
use sim_models::power::{CapCurve, SitePower};
use sim_models::testing;
use sim_models::topology::ClusterSpec;

/// `examples/custom-models/scenario.toml`.
fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenario.toml")
}

fn fabricsim_custom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fabricsim-custom"))
        .args(args)
        .output()
        .expect("fabricsim-custom runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a zero exit, showing both streams otherwise.
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A CSV file as a header and rows (no field of these files holds a comma).
fn csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let body =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = body
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect());
    let header: Vec<String> = lines.next().expect("a header");
    (header, lines.collect())
}

/// Column `name` of `header`.
fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn the_example_scenario_runs_with_all_three_plug_ins() {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("custom-models-run");
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = fabricsim_custom(&[
        "run",
        scenario().to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_ok(&out);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("failures bathtub"), "{stdout}");
    assert!(stdout.contains("placement flops-per-watt"), "{stdout}");

    // flops-per-watt: the 1,024-chip job to aws-use1's nova-1 (gcp-usc1's is too small),
    // the 256-chip one a day later to gcp-usc1's nova-1 (lower PUE).
    let (h, rows) = csv(&out_dir.join("decisions.csv"));
    let first = |subject: &str| {
        rows.iter()
            .find(|r| {
                r[col(&h, "subject")] == subject && r[col(&h, "policy")].starts_with("placement")
            })
            .unwrap_or_else(|| panic!("no placement of {subject} in {rows:?}"))
    };
    assert_eq!(
        first("pretrain")[col(&h, "policy")],
        "placement:flops-per-watt"
    );
    assert_eq!(first("pretrain")[col(&h, "choice")], "aws-use1/nova x 128");
    assert_eq!(first("finetune")[col(&h, "choice")], "gcp-usc1/nova x 32");

    // bathtub: a new fleet, so infant mortality causes most interruptions.
    let (h, rows) = csv(&out_dir.join("interruptions.csv"));
    let count = |cause: &str| rows.iter().filter(|r| r[col(&h, "cause")] == cause).count();
    let known = ["infant-mortality", "random", "wear-out"];
    assert!(
        rows.iter()
            .all(|r| known.contains(&r[col(&h, "cause")].as_str())),
        "{rows:?}"
    );
    assert!(count("infant-mortality") > count("random"), "{rows:?}");

    // nova-1's curve: at the start only the nova-1 cluster of aws-use1 is busy, and the
    // site's throttle is what nova-1's own curve gives at the limit that meets the cap.
    let expected = start_of_run_throttle();
    let (h, rows) = csv(&out_dir.join("power.csv"));
    let aws = rows
        .iter()
        .find(|r| r[col(&h, "site")] == "aws-use1")
        .expect("aws-use1 is in power.csv");
    let throttle: f64 = aws[col(&h, "throttle")].parse().unwrap();
    assert!(
        (throttle - expected.0).abs() < 1e-6,
        "{throttle} vs {expected:?}"
    );
    assert!(
        throttle > expected.1 + 0.01,
        "slower than the built-in curve: {throttle}"
    );

    let (h, rows) = csv(&out_dir.join("summary.csv"));
    assert_eq!(rows[0][col(&h, "jobs_completed")], "2");
    let throttled: f64 = rows[0][col(&h, "throttled_accel_h")].parse().unwrap();
    assert!(throttled > 0.0);
}

/// aws-use1 of the example scenario at the start of the run (1,024 nova-1 busy, 512 H100
/// idle, cap 1.45 MW): the throttle along nova-1's curve, and the built-in curve's value at
/// the same limit.
fn start_of_run_throttle() -> (f64, f64) {
    let catalog = custom_models::registry().catalog().unwrap();
    let cluster = |name: &str, kind: &str, count| ClusterSpec {
        node_size: Some(8),
        ..testing::cluster(name, kind, count)
    };
    let clusters = vec![cluster("nova", NOVA_1, 1024), cluster("h100", "h100", 512)];
    let fabric = testing::fabric(
        &catalog,
        vec![testing::site(
            "aws-use1",
            "aws",
            "us-east-1",
            1.45,
            clusters,
        )],
    );
    let mut power = SitePower::for_site(&fabric, &catalog, fabric.sites()[0].id);
    power.loads[0].busy = 1024;
    power.loads[0].idle = 0;
    let d = power.throttle_for_cap(1.45e6);
    (
        d.throughput_fraction,
        CapCurve::builtin().throughput(d.limit_fraction),
    )
}

#[test]
fn the_example_scenario_validates_and_the_plug_ins_are_listed() {
    assert_ok(&fabricsim_custom(&[
        "validate",
        scenario().to_str().unwrap(),
    ]));
    let out = fabricsim_custom(&["models"]);
    assert_ok(&out);
    let stdout = text(&out.stdout);
    for name in ["bathtub", "flops-per-watt", "llama3-h100", "first-fit"] {
        assert!(stdout.contains(name), "{name} missing from:\n{stdout}");
    }
    let out = fabricsim_custom(&["catalog", "accelerators"]);
    assert_ok(&out);
    let stdout = text(&out.stdout);
    let nova = stdout.lines().find(|l| l.starts_with("nova-1 "));
    assert!(nova.is_some_and(|l| l.contains("estimate")), "{stdout}");
}

#[test]
fn misspelled_plug_in_names_get_a_did_you_mean() {
    let original = std::fs::read_to_string(scenario()).unwrap();
    let bad = original
        .replace("model = \"bathtub\"", "model = \"bathtb\"")
        .replace(
            "placement = \"flops-per-watt\"",
            "placement = \"flops-per-wat\"",
        )
        .replace("accelerator = \"nova-1\"", "accelerator = \"nova1\"");
    assert_ne!(bad, original);
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("custom-models-misspelled.toml");
    std::fs::write(&path, bad).unwrap();
    let out = fabricsim_custom(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for hint in [
        "did you mean \"bathtub\"",
        "did you mean \"flops-per-watt\"",
        "did you mean \"nova-1\"",
    ] {
        assert!(stderr.contains(hint), "{hint} missing from:\n{stderr}");
    }
}

#[test]
fn the_stock_registry_knows_none_of_them() {
    let stock = Registry::builtin();
    let none = PolicyParams::default();
    let e = stock.failure_model("bathtub", &none).unwrap_err();
    assert_eq!(
        e.message,
        "unknown failure model \"bathtub\"; known: llama3-h100, none"
    );
    let e = stock.placement("flops-per-watt", &none).err().unwrap();
    assert!(
        e.message
            .starts_with("unknown placement policy \"flops-per-watt\"")
    );
    assert_eq!(stock.catalog().unwrap(), Catalog::builtin());
    assert!(Catalog::builtin().accelerator_id(NOVA_1).is_none());
}
