//! `fabricsim validate` and `fabricsim catalog`, driven through the real binary.
//!
//! The golden output of `validate` on the default scenario lives in
//! `experiments/default/expected/validate.txt`; regenerate it on purpose with
//! `FABRICSIM_BLESS=1 cargo test -p sim-cli --test it validate::`.

use std::process::Output;

use crate::common::{assert_golden, fabricsim, fabricsim_ok, repo_path, temp_dir};

#[test]
fn validate_default_scenario_matches_golden_output() {
    let out = fabricsim_ok(&["validate"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("100096 accelerators"));
    assert_golden("experiments/default/expected/validate.txt", &text);
}

#[test]
fn validate_reads_a_file_and_the_embedded_default_is_that_file() {
    let path = repo_path("experiments/default/scenario.toml");
    let from_file = fabricsim(&["validate", path.to_str().unwrap()]);
    assert!(from_file.status.success());
    let embedded = fabricsim(&["validate"]);
    // Only the first line (the file name) differs.
    let skip_first = |o: &Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(skip_first(&from_file), skip_first(&embedded));
}

#[test]
fn validate_reports_schema_and_model_errors_together_with_positions() {
    let dir = temp_dir("validate-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "[sim]\nhorizon = \"30d\"\nseed = 1\n\n[sites.a]\ncloud = \"aws\"\nregion = \"us-east-9\"\n\
         power_cap_mw = 0\n\n[sites.a.clusters.c]\naccelerator = \"h10\"\ncount = 16\n",
    )
    .unwrap();
    let out = fabricsim(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let name = file.display().to_string();
    for expected in [
        format!("{name}:7:10: sites.a.region: aws has no region \"us-east-9\""),
        format!("{name}:8:16: sites.a.power_cap_mw: expected a positive number"),
        format!("{name}:11:15: sites.a.clusters.c.accelerator: unknown accelerator \"h10\""),
        "(did you mean \"h100\"?)".to_owned(),
        "(did you mean \"us-east-1\"?)".to_owned(),
        "error: 3 problems in".to_owned(),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn validate_of_a_missing_file_says_which() {
    let out = fabricsim(&["validate", "/nonexistent/scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("reading scenario file /nonexistent/scenario.toml"),
        "{err}"
    );
}

#[test]
fn catalog_accelerators_lists_every_required_kind_as_text_and_csv() {
    let text = String::from_utf8(fabricsim(&["catalog", "accelerators"]).stdout).unwrap();
    let csv = String::from_utf8(fabricsim(&["catalog", "accelerators", "--csv"]).stdout).unwrap();
    for name in [
        "a100",
        "h100",
        "h200",
        "b200",
        "gb200",
        "trn1",
        "trn2",
        "inf2",
        "tpu-v4",
        "tpu-v5e",
        "tpu-v5p",
        "tpu-v6e",
        "tpu-ironwood",
        "mi300x",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{name} "))),
            "{name} missing"
        );
        assert!(
            csv.lines().any(|l| l.starts_with(&format!("{name},"))),
            "{name} missing"
        );
    }
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("name,display name,vendor,bf16 TFLOP/s"));
    let h100: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("h100,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(h100[3], "989");
}

#[test]
fn catalog_regions_and_rtt() {
    let regions = String::from_utf8(fabricsim(&["catalog", "regions", "--csv"]).stdout).unwrap();
    for cloud in ["aws", "azure", "gcp", "oci"] {
        let n = regions
            .lines()
            .filter(|l| l.starts_with(&format!("{cloud},")))
            .count();
        assert!(n >= 6, "{cloud} has {n} regions");
    }
    let rtt = String::from_utf8(fabricsim(&["catalog", "rtt"]).stdout).unwrap();
    assert!(rtt.contains("Fit over 36 measured pairs"), "{rtt}");
    let all = String::from_utf8(fabricsim(&["catalog", "rtt", "--all", "--csv"]).stdout).unwrap();
    let n = regions.lines().count() - 1;
    assert_eq!(all.lines().count() - 1, n * (n - 1) / 2);
}

#[test]
fn bench_fabric_builds_a_million_accelerators() {
    let out = fabricsim(&["bench", "fabric", "--accelerators", "1000000"]);
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(line.contains("accelerators=1000000 "), "{line}");
    let bytes: u64 = line
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix("fabric_bytes="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        bytes < 1 << 20,
        "a 1M-accelerator fabric holds {bytes} bytes"
    );
}

#[test]
fn a_fifth_cloud_with_its_own_region_and_offering_needs_no_code() {
    let dir = temp_dir("validate-fifth");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lambda.toml");
    std::fs::write(
        &file,
        r#"[sim]
horizon = "7d"
seed = 3

[catalog.clouds.lambda]
display_name = "Lambda"
egress_usd_per_gb = 0.0
inter_region_usd_per_gb = 0.0
offers = ["h100"]

[catalog.regions.lambda.us-tx-1]
metro = "Dallas TX"
lat = 32.78
lon = -96.80
pue = 1.3
carbon_g_per_kwh = 303

[catalog.offerings.lambda.h100]
usd_per_chip_hour = 2.49

[sites.lambda-dfw]
cloud = "lambda"
region = "us-tx-1"
power_cap_mw = 5

[sites.lambda-dfw.clusters.h100-a]
accelerator = "h100"
count = 1024

[sites.aws-use1]
cloud = "aws"
region = "us-east-1"
power_cap_mw = 5

[sites.aws-use1.clusters.h100-b]
accelerator = "h100"
count = 1024
"#,
    )
    .unwrap();
    let out = fabricsim(&["validate", file.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("lambda-dfw  lambda/us-tx-1"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("lambda  h100") && l.contains("1024")),
        "{stdout}"
    );
    // The RTT to the new region comes from the great-circle fit.
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("lambda-dfw") && l.ends_with('g')),
        "{stdout}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_buildout_adds_a_cluster_every_week() {
    let dir = temp_dir("validate-buildout");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("grow.toml");
    std::fs::write(
        &file,
        r#"[sim]
horizon = "60d"
seed = 1

[sites.dc]
cloud = "aws"
region = "us-east-1"
power_cap_mw = 2

[sites.dc.clusters.h100]
accelerator = "h100"
count = 1024

[[buildouts]]
site = "dc"
accelerator = "h100"
mw_per_week = 10
until = "28d"
"#,
    )
    .unwrap();
    let out = fabricsim_ok(&["validate", file.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    // 10 MW / (1,275 W x 1.15) = 6,820 H100, whole 8-GPU nodes: 6,816 a week, 4 weeks.
    assert!(text.contains("5 clusters"), "{text}");
    assert!(
        text.contains(&format!("{} accelerators", 1024 + 4 * 6816)),
        "{text}"
    );
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("site = \"dc\"", "site = \"dx\""),
    )
    .unwrap();
    let out = fabricsim(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(":15:8: buildouts") && err.contains("did you mean \"dc\""),
        "{err}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn validate_lists_services_with_their_roofline_figures() {
    let file = repo_path("sim-cli/tests/fixtures/serving/scenario.toml");
    let out = fabricsim_ok(&["validate", file.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "Inference services (request fidelity, 1 request in 100 kept for requests.csv;",
        "chat: 70.6B params x 2 B, KV 320 KiB/token",
        "site/cluster      accelerator  replicas  chips  prefill ms  TPOT ms b=1  TPOT ms b=32",
        "aws-use1/h100-a   h100                4      8",
        "azure-weu/h100-b  h100                2      8",
        "code: 8.0B params x 2 B, KV 128 KiB/token, prefill MFU 0.45; max_batch 64",
        "Offered load",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn validate_reports_a_bad_trace_row_relative_to_the_scenario_file() {
    let dir = temp_dir("validate-trace");
    std::fs::create_dir_all(dir.join("traces")).unwrap();
    std::fs::copy(
        repo_path("sim-cli/tests/fixtures/serving/traces/bad.csv"),
        dir.join("traces/bad.csv"),
    )
    .unwrap();
    let text = std::fs::read_to_string(repo_path("sim-cli/tests/fixtures/serving/scenario.toml"))
        .unwrap()
        .replace("traces/code.csv", "traces/bad.csv")
        .replace("routing = \"nearest\"", "routing = \"nearst\"");
    let file = dir.join("bad.toml");
    std::fs::write(&file, &text).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let out = fabricsim(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let name = file.display().to_string();
    let trace_line = line_of("trace = ");
    for expected in [
        format!(
            "{name}:{}:11: services.code.routing: expected one of \"nearest\", \"least-loaded\" \
             or \"latency-aware\", found \"nearst\" (did you mean \"nearest\"?)",
            line_of("routing = \"nearst\"")
        ),
        format!(
            "{name}:{trace_line}:9: services.code.users[0].trace: traces/bad.csv:4: timestamp_s: \
             expected a time >= the previous row's (5 s), found `4.0`"
        ),
        format!(
            "{name}:{trace_line}:9: services.code.users[0].trace: traces/bad.csv:5: \
             prompt_tokens: expected an integer from 1 to 4294967295, found `0`"
        ),
        "error: 3 problems in".to_owned(),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    std::fs::remove_dir_all(dir).ok();
}
