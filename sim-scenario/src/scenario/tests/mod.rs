//! Tests of the scenario reader: bad inputs (each asserting line, column and key path),
//! happy paths, builder-error mapping, rendering, and the generated reference.

use sim_core::time::{SimDuration, SimTime};
use sim_models::ModelError;
use sim_models::catalog::{AcceleratorPatch, CloudPatch, OfferingPatch, RegionPatch};
use sim_models::network::LinkSpec;
use sim_models::topology::{ClusterSpec, SiteSpec};

use sim_core::rng::{DurationDist, LogNormal, RngStreams};
use sim_models::failure::{FailureCategory, FailureScope};
use sim_models::outage::{
    BackgroundOutageSpec, MaintenanceCadence, MaintenanceSpec, OutageLevel, OutagePlan,
    ScriptedOutageSpec, Spread,
};
use sim_models::power::{CurtailmentSpec, GridOutageSpec};
use sim_models::workload::{
    CheckpointCost, DEFAULT_CHECKPOINT_STORAGE_GBIT, JobGenerator, JobGeneratorSpec, JobWork,
    TokenDist, TrainingJobSpec, WorkDist,
};

use super::power::{CarbonProfile, Commitment, RandomCurtailment, SitePowerEntry};
use super::schema::{self, Presence};
use super::sections;
use super::*;

mod policy;
mod serving;

/// A valid scenario; tests break one line of it. Line numbers are in the comments.
const MINIMAL: &str = r#"[sim]
horizon = "30d"
seed = 42

[sites.aws-use1]
cloud = "aws"
region = "us-east-1"
power_cap_mw = 45

[sites.aws-use1.clusters.h100-a]
accelerator = "h100"
count = 1024
"#;
// 1  [sim]                         7  region = "us-east-1"
// 2  horizon = "30d"               8  power_cap_mw = 45
// 3  seed = 42                     9
// 4                                10 [sites.aws-use1.clusters.h100-a]
// 5  [sites.aws-use1]              11 accelerator = "h100"
// 6  cloud = "aws"                 12 count = 1024

/// A job to append to `MINIMAL`: it starts on line 14.
const JOB: &str = r#"
[jobs.llama]
params = 405e9
tokens = 15.6e12
accelerators = 1024
"#;
// 14 [jobs.llama]   15 params = 405e9   16 tokens = 15.6e12   17 accelerators = 1024

/// `MINIMAL` with `from` (which must occur) replaced by `to`.
fn minimal_with(from: &str, to: &str) -> String {
    assert!(MINIMAL.contains(from), "{from:?} is not in MINIMAL");
    MINIMAL.replacen(from, to, 1)
}

/// Every diagnostic of a file that must fail.
fn errors(text: &str) -> Vec<Diagnostic> {
    match parse("test.toml", text) {
        Ok(s) => panic!("expected errors, parsed {s:#?}"),
        Err(d) => d.0,
    }
}

/// The only diagnostic of a file with exactly one problem.
fn only(text: &str) -> Diagnostic {
    let all = errors(text);
    assert_eq!(
        all.len(),
        1,
        "expected one error, got:\n{}",
        Diagnostics(all.clone())
    );
    all.into_iter().next().unwrap()
}

/// The diagnostic at `path` (there must be one).
/// (line, column, key path) of each diagnostic.
fn positions(all: &[Diagnostic]) -> Vec<(usize, usize, &str)> {
    all.iter()
        .map(|d| (d.line, d.column, d.path.as_str()))
        .collect()
}

fn at_path<'d>(all: &'d [Diagnostic], path: &str) -> &'d Diagnostic {
    all.iter()
        .find(|d| d.path == path)
        .unwrap_or_else(|| panic!("no error at {path}; got:\n{}", Diagnostics(all.to_vec())))
}

/// Asserts position, path and that the message contains `needle`; the rendered text must
/// name the line and the key path too.
#[track_caller]
fn check(d: &Diagnostic, line: usize, column: usize, path: &str, needle: &str) {
    assert_eq!(
        (d.line, d.column, d.path.as_str()),
        (line, column, path),
        "wrong place: {d}"
    );
    assert!(d.message.contains(needle), "{needle:?} not in: {d}");
    let rendered = d.to_string();
    assert!(
        rendered.starts_with(&format!("test.toml:{line}:{column}: {path}: ")),
        "{rendered}"
    );
}

// ---- bad inputs -------------------------------------------------------------------------

#[test]
fn syntax_error_unquoted_duration() {
    let d = only(&minimal_with("horizon = \"30d\"", "horizon = 30d"));
    check(&d, 2, 11, "sim.horizon", "string values must be quoted");
    assert!(d.message.contains("write \"30d\""), "{d}");
}

#[test]
fn syntax_error_unclosed_header_and_missing_value_all_reported() {
    let text = minimal_with("[sites.aws-use1]\n", "[sites.aws-use1\n");
    let text = text.replacen("count = 1024", "count =", 1);
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    check(&all[0], 5, 16, "sites.aws-use1", "unclosed table");
    check(
        &all[1],
        12,
        8,
        "sites.aws-use1.clusters.h100-a.count",
        "a value is missing",
    );
}

#[test]
fn unknown_top_level_key_suggests_sites() {
    let all = errors(&MINIMAL.replace("[sites.", "[sties."));
    let d = at_path(&all, "sties");
    check(d, 5, 2, "sties", "unknown top-level key `sties`");
    assert_eq!(d.suggestion.as_deref(), Some("sites"));
    assert!(d.to_string().contains("(did you mean \"sites\"?)"), "{d}");
    // With no [sites] left, the file also lacks sites.
    check(at_path(&all, "sites"), 1, 1, "sites", "defines no sites");
}

#[test]
fn unknown_key_in_site_suggests_power_cap_mw() {
    let all = errors(&minimal_with("power_cap_mw = 45", "powr_cap_mw = 45"));
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    let d = at_path(&all, "sites.aws-use1.powr_cap_mw");
    check(
        d,
        8,
        1,
        "sites.aws-use1.powr_cap_mw",
        "unknown key `powr_cap_mw`",
    );
    assert_eq!(d.suggestion.as_deref(), Some("power_cap_mw"));
    assert_eq!(d.width, "powr_cap_mw".len());
    check(
        at_path(&all, "sites.aws-use1.power_cap_mw"),
        5,
        8,
        "sites.aws-use1.power_cap_mw",
        "missing required key `power_cap_mw`",
    );
}

#[test]
fn unknown_key_in_cluster_and_catalog_suggest_the_field() {
    let text = minimal_with("count = 1024", "count = 1024\nnode_sise = 8")
        + "\n[catalog.accelerators.h100]\ntdp = 650\n";
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    let d = &all[0];
    check(
        d,
        13,
        1,
        "sites.aws-use1.clusters.h100-a.node_sise",
        "unknown key",
    );
    assert_eq!(d.suggestion.as_deref(), Some("node_size"));
    let d = &all[1];
    check(
        d,
        16,
        1,
        "catalog.accelerators.h100.tdp",
        "unknown key `tdp`",
    );
    assert_eq!(d.suggestion.as_deref(), Some("tdp_w"));
}

#[test]
fn key_in_the_wrong_table_says_where_it_belongs() {
    let text = MINIMAL.replacen(
        "[sim]\nhorizon = \"30d\"\n",
        "horizon = \"30d\"\n[sim]\n",
        1,
    );
    let text = text.replacen("count = 1024", "count = 1024\npue = 1.1", 1);
    let all = errors(&text);
    assert_eq!(all.len(), 3, "{}", Diagnostics(all.clone()));
    check(&all[0], 1, 1, "horizon", "`horizon` is a key of [sim]");
    check(
        &all[1],
        2,
        2,
        "sim.horizon",
        "missing required key `horizon`",
    );
    check(
        &all[2],
        13,
        1,
        "sites.aws-use1.clusters.h100-a.pue",
        "`pue` is a key of [sites.<site>]",
    );
}

#[test]
fn wrong_type_string_for_count() {
    let d = only(&minimal_with("count = 1024", "count = \"lots\""));
    check(
        &d,
        12,
        9,
        "sites.aws-use1.clusters.h100-a.count",
        "expected a positive integer (at least 1), found a string (\"lots\")",
    );
    assert_eq!(d.width, 6);
}

#[test]
fn negative_count() {
    let d = only(&minimal_with("count = 1024", "count = -5"));
    check(
        &d,
        12,
        9,
        "sites.aws-use1.clusters.h100-a.count",
        "expected a positive integer (at least 1), found -5",
    );
}

#[test]
fn zero_count() {
    let d = only(&minimal_with("count = 1024", "count = 0"));
    check(&d, 12, 9, "sites.aws-use1.clusters.h100-a.count", "found 0");
}

#[test]
fn count_too_large_for_u32() {
    let d = only(&minimal_with("count = 1024", "count = 5_000_000_000"));
    check(
        &d,
        12,
        9,
        "sites.aws-use1.clusters.h100-a.count",
        "more than the maximum 4294967295",
    );
}

#[test]
fn float_where_integer_required() {
    let d = only(&minimal_with("count = 1024", "count = 1.5"));
    check(
        &d,
        12,
        9,
        "sites.aws-use1.clusters.h100-a.count",
        "found a float (1.5)",
    );
}

#[test]
fn zero_power_cap() {
    let d = only(&minimal_with("power_cap_mw = 45", "power_cap_mw = 0"));
    check(
        &d,
        8,
        16,
        "sites.aws-use1.power_cap_mw",
        "expected a positive number (greater than 0), found 0",
    );
}

#[test]
fn pue_below_one_and_negative() {
    for (pue, column) in [("0.9", 7), ("-1.2", 7)] {
        let d = only(&minimal_with(
            "power_cap_mw = 45",
            &format!("power_cap_mw = 45\npue = {pue}"),
        ));
        check(
            &d,
            9,
            column,
            "sites.aws-use1.pue",
            &format!("a number >= 1.0 (facility power / IT power), found {pue}"),
        );
    }
}

#[test]
fn bad_durations() {
    let d = only(&minimal_with("horizon = \"30d\"", "horizon = \"6 hours\""));
    check(&d, 2, 11, "sim.horizon", "invalid duration \"6 hours\"");
    let d = only(&minimal_with(
        "power_cap_mw = 45",
        "power_cap_mw = 45\nonline_from = \"-5m\"",
    ));
    check(
        &d,
        9,
        15,
        "sites.aws-use1.online_from",
        "durations cannot be negative",
    );
    let d = only(&minimal_with("horizon = \"30d\"", "horizon = 6"));
    check(
        &d,
        2,
        11,
        "sim.horizon",
        "write the unit inside quotes, e.g. \"6h\"",
    );
    let d = only(&minimal_with("horizon = \"30d\"", "horizon = \"0s\""));
    check(&d, 2, 11, "sim.horizon", "longer than 0s");
}

#[test]
fn negative_seed() {
    let d = only(&minimal_with("seed = 42", "seed = -1"));
    check(&d, 3, 8, "sim.seed", "expected an integer >= 0, found -1");
}

#[test]
fn missing_required_keys() {
    let d = only(&minimal_with("horizon = \"30d\"\n", ""));
    check(&d, 1, 2, "sim.horizon", "missing required key `horizon`");
    let d = only(&minimal_with("cloud = \"aws\"\n", ""));
    check(
        &d,
        5,
        8,
        "sites.aws-use1.cloud",
        "missing required key `cloud`",
    );
    let d = only(&minimal_with("accelerator = \"h100\"\n", ""));
    check(
        &d,
        10,
        26,
        "sites.aws-use1.clusters.h100-a.accelerator",
        "missing required key `accelerator`",
    );
}

#[test]
fn reserved_section() {
    // `[policies]`, once reserved, is now a misspelling of `[policy]`.
    let d = only(&format!("{MINIMAL}\n[policies]\nplacement = \"x\"\n"));
    check(
        &d,
        14,
        2,
        "policies",
        "unknown top-level key `policies`; expected one of: sim,",
    );
    assert_eq!(d.suggestion.as_deref(), Some("policy"));
    // Inference services are simulated now: [[services]].
    let d = only(&format!("{MINIMAL}\n[[inference]]\nkind = \"chat\"\n"));
    check(
        &d,
        14,
        3,
        "inference",
        "unknown top-level key `inference`; expected one of: sim,",
    );
    assert!(
        d.message
            .contains("serving, services, partitions, random_partitions")
    );
}

#[test]
fn empty_file() {
    for text in ["", "# nothing yet\n\n"] {
        let all = errors(text);
        assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
        check(
            &all[0],
            1,
            1,
            "sim",
            "the scenario defines no [sim] section",
        );
        check(&all[1], 1, 1, "sites", "the scenario defines no sites");
    }
}

#[test]
fn duplicate_site_key() {
    let text = format!("{MINIMAL}\n[sites.aws-use1]\ncloud = \"aws\"\n");
    let all = errors(&text);
    let d = &all[0];
    check(
        d,
        14,
        8,
        "sites.aws-use1",
        "duplicate key: the table [sites.aws-use1] is already defined at line 5",
    );
    assert!(
        d.message
            .contains("TOML allows each table and key only once"),
        "{d}"
    );
    // The repeated key inside it is reported too, against its first definition.
    check(
        &all[1],
        15,
        1,
        "sites.aws-use1.cloud",
        "already defined at line 6",
    );
}

#[test]
fn non_table_site_and_sites_array() {
    let d = only(&format!("{MINIMAL}\n[sites]\naws-usw2 = \"us-west-2\"\n"));
    check(
        &d,
        15,
        12,
        "sites.aws-usw2",
        "expected a table [sites.<site>], found a string (\"us-west-2\")",
    );
    let text = "[sim]\nhorizon = \"1d\"\nseed = 1\n\n[[sites]]\ncloud = \"aws\"\n";
    let d = only(text);
    check(&d, 5, 1, "sites", "found an array of tables");
}

#[test]
fn bad_site_name_and_site_without_clusters() {
    let text = format!(
        "{MINIMAL}\n[sites.\"aws use2\"]\ncloud = \"aws\"\nregion = \"us-east-2\"\npower_cap_mw = 5\n"
    );
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    check(&all[0], 14, 8, "sites.\"aws use2\"", "is not a valid name");
    check(
        &all[1],
        14,
        8,
        "sites.\"aws use2\".clusters",
        "has no clusters",
    );
}

#[test]
fn links_to_unknown_or_same_site_and_duplicates() {
    let text = format!(
        "{MINIMAL}\n[sites.gcp-usc1]\ncloud = \"gcp\"\nregion = \"us-central1\"\npower_cap_mw = 9\n\
         [sites.gcp-usc1.clusters.v5p]\naccelerator = \"tpu-v5p\"\ncount = 64\n\n\
         [[network.links]]\na = \"aws-use1\"\nb = \"gcp-usc\"\ngbit = 100\n\n\
         [[network.links]]\na = \"gcp-usc1\"\nb = \"gcp-usc1\"\ngbit = 100\n\n\
         [[network.links]]\na = \"gcp-usc1\"\nb = \"aws-use1\"\ngbit = 100\n\n\
         [[network.links]]\na = \"aws-use1\"\nb = \"gcp-usc1\"\ngbit = 0\n"
    );
    let all = errors(&text);
    assert_eq!(all.len(), 4, "{}", Diagnostics(all.clone()));
    let d = &all[0];
    check(d, 24, 5, "network.links[0].b", "unknown site `gcp-usc`");
    assert_eq!(d.suggestion.as_deref(), Some("gcp-usc1"));
    check(
        &all[1],
        27,
        1,
        "network.links[1]",
        "joins site `gcp-usc1` to itself",
    );
    // The fourth link repeats the pair of the third, and has a zero bandwidth.
    check(
        &all[2],
        37,
        1,
        "network.links[3]",
        "the first is network.links[2] at line 32",
    );
    check(&all[3], 40, 8, "network.links[3].gbit", "found 0");
}

#[test]
fn catalog_value_errors() {
    let text = format!(
        "{MINIMAL}\n[catalog.clouds.lambda]\noffers = [\"h100\", 7, \"h100\"]\n\
         [catalog.regions.lambda.us-tx-1]\nlat = 95\n[catalog.offerings.lambda]\nh100 = 2.49\n"
    );
    let all = errors(&text);
    assert_eq!(all.len(), 4, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        15,
        19,
        "catalog.clouds.lambda.offers[1]",
        "found an integer (7)",
    );
    check(
        &all[1],
        15,
        22,
        "catalog.clouds.lambda.offers[2]",
        "\"h100\" is listed twice",
    );
    check(
        &all[2],
        17,
        7,
        "catalog.regions.lambda.us-tx-1.lat",
        "a number from -90 to 90, found 95",
    );
    check(
        &all[3],
        19,
        8,
        "catalog.offerings.lambda.h100",
        "expected a table [catalog.offerings.<cloud>.<accelerator>], found a float (2.49)",
    );
}

#[test]
fn many_errors_in_one_file_are_all_reported_in_order() {
    let text = r#"[sim]
horizon = "6 hours"
seed = 1.5
sede = 3

[sites.aws-use1]
cloud = "aws"
region = "us-east-1"
power_cap_mw = -10
pue = "low"

[sites.aws-use1.clusters.h100-a]
accelerator = "h100"
count = 0
rack_nodes = 2.0

[power]
cap = 1
"#;
    let all = errors(text);
    let got: Vec<(usize, &str)> = all.iter().map(|d| (d.line, d.path.as_str())).collect();
    assert_eq!(
        got,
        [
            (2, "sim.horizon"),
            (3, "sim.seed"),
            (4, "sim.sede"),
            (9, "sites.aws-use1.power_cap_mw"),
            (10, "sites.aws-use1.pue"),
            (14, "sites.aws-use1.clusters.h100-a.count"),
            (15, "sites.aws-use1.clusters.h100-a.rack_nodes"),
            (18, "power.cap"),
        ]
    );
    assert_eq!(all[2].suggestion.as_deref(), Some("seed"));
    let rendered = Diagnostics(all).to_string();
    assert_eq!(rendered.matches("test.toml:").count(), 8, "{rendered}");
}

#[test]
fn wrong_type_for_a_section() {
    let all = errors(&MINIMAL.replacen("[sim]\n", "sim = 3\n[simulation]\n", 1));
    // `sim = 3` is the root's key; the old [sim] keys now sit in [simulation].
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        1,
        7,
        "sim",
        "expected a table [sim], found an integer (3)",
    );
    check(
        &all[1],
        2,
        2,
        "simulation",
        "unknown top-level key `simulation`",
    );
}

// ---- bad inputs: jobs, generators, failures, outages, maintenance ----------------------

#[test]
fn job_with_both_tokens_and_duration() {
    let d = only(&format!("{MINIMAL}{JOB}duration = \"7d\"\n"));
    check(
        &d,
        18,
        12,
        "jobs.llama.duration",
        "`duration` conflicts with `tokens`: give exactly one of `tokens` or `duration`",
    );
}

#[test]
fn job_with_neither_tokens_nor_duration() {
    let d = only(&format!(
        "{MINIMAL}{}",
        JOB.replace("tokens = 15.6e12\n", "")
    ));
    check(
        &d,
        14,
        7,
        "jobs.llama.tokens",
        "missing the job's work: give `tokens` or `duration`",
    );
}

#[test]
fn unknown_key_in_a_job_suggests_the_field() {
    let d = only(&format!("{MINIMAL}{JOB}prority = 1\n"));
    check(
        &d,
        18,
        1,
        "jobs.llama.prority",
        "unknown key `prority` in [jobs.llama]",
    );
    assert_eq!(d.suggestion.as_deref(), Some("priority"));
}

#[test]
fn wrong_type_for_kinds_and_other_job_values() {
    let d = only(&format!("{MINIMAL}{JOB}kinds = \"h100\"\n"));
    check(
        &d,
        18,
        9,
        "jobs.llama.kinds",
        "expected an array of non-empty strings, found a string (\"h100\")",
    );
    let text = format!(
        "{MINIMAL}{JOB}mfu = 1.5\npriority = 1.0\nmulti_site = \"yes\"\n\
         checkpoint_cost = \"1m\"\nstorage_gbit = 100\n"
    );
    let all = errors(&text);
    assert_eq!(all.len(), 4, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        18,
        7,
        "jobs.llama.mfu",
        "expected a number greater than 0 and at most 1, found 1.5",
    );
    check(
        &all[1],
        19,
        12,
        "jobs.llama.priority",
        "expected an integer, found a float (1.0)",
    );
    check(
        &all[2],
        20,
        14,
        "jobs.llama.multi_site",
        "expected a boolean (true or false), found a string (\"yes\")",
    );
    check(
        &all[3],
        22,
        16,
        "jobs.llama.storage_gbit",
        "`storage_gbit` conflicts with `checkpoint_cost`",
    );
}

#[test]
fn bad_scope_and_level_names_suggest_the_nearest() {
    let d = only(&format!(
        "{MINIMAL}\n[[background_outages]]\nlevel = \"regin\"\n"
    ));
    check(
        &d,
        15,
        9,
        "background_outages[0].level",
        "expected one of \"rack\", \"site\", \"region\" or \"cloud\", found \"regin\"",
    );
    assert_eq!(d.suggestion.as_deref(), Some("region"));
    let d = only(&format!(
        "{MINIMAL}\n[failures.categories.optics]\nscope = \"nod\"\nrate_per_accel_hour = 1e-6\n\
         repair = \"1h\"\n"
    ));
    check(
        &d,
        15,
        9,
        "failures.categories.optics.scope",
        "expected one of \"accelerator\", \"node\" or \"rack\", found \"nod\"",
    );
    assert_eq!(d.suggestion.as_deref(), Some("node"));
}

#[test]
fn negative_rates() {
    let d = only(&format!(
        "{MINIMAL}\n[failures.categories.optics]\nscope = \"node\"\nrate_per_accel_hour = -1e-6\n\
         repair = \"1h\"\n"
    ));
    check(
        &d,
        16,
        23,
        "failures.categories.optics.rate_per_accel_hour",
        "expected a number >= 0, found -1e-6",
    );
    let d = only(&format!(
        "{MINIMAL}\n[[background_outages]]\nlevel = \"site\"\n\n[[background_outages]]\n\
         level = \"rack\"\nrate_per_year = -2\n"
    ));
    check(
        &d,
        19,
        17,
        "background_outages[1].rate_per_year",
        "expected a number >= 0, found -2",
    );
}

#[test]
fn maintenance_with_count_and_every() {
    let d = only(&format!(
        "{MINIMAL}\n[[maintenance]]\nscope = \"site:aws-use1\"\ncount = 4\nevery = \"7d\"\n\
         duration = \"2h\"\n"
    ));
    check(
        &d,
        17,
        9,
        "maintenance[0].every",
        "`every` conflicts with `count`: give exactly one of `count` or `every`",
    );
}

#[test]
fn maintenance_without_cadence_and_with_a_bad_spread() {
    let all = errors(&format!(
        "{MINIMAL}\n[[maintenance]]\nscope = \"site:aws-use1\"\nduration = \"2h\"\n\
         spread = \"uneven\"\n"
    ));
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        14,
        1,
        "maintenance[0].count",
        "missing the cadence: give `count` or `every`",
    );
    check(
        &all[1],
        17,
        10,
        "maintenance[0].spread",
        "expected one of \"even\" or \"random\", found \"uneven\"",
    );
    assert_eq!(all[1].suggestion.as_deref(), Some("even"));
}

#[test]
fn outage_missing_time_and_zero_duration() {
    let all = errors(&format!(
        "{MINIMAL}\n[[outages]]\nscope = \"site:aws-use1\"\nduration = \"0s\"\n"
    ));
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    check(&all[0], 14, 1, "outages[0].at", "missing required key `at`");
    check(
        &all[1],
        16,
        12,
        "outages[0].duration",
        "expected a duration longer than 0s",
    );
    let d = only(&format!("{MINIMAL}\n[outages]\nscope = \"x\"\n"));
    check(
        &d,
        14,
        1,
        "outages",
        "expected an array of tables [[outages]], found a table",
    );
}

#[test]
fn generator_sizes_and_quantiles() {
    let text = format!(
        "{MINIMAL}\n[job_generators.small]\nmean_interarrival = \"1h\"\n\
         sizes = [[8, 1.0], [0, 1.0], 4]\ntokens_median = 1e12\ntokens_p90 = 1e11\nparams = 8e9\n"
    );
    let all = errors(&text);
    assert_eq!(all.len(), 3, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        16,
        21,
        "job_generators.small.sizes[1][0]",
        "expected a positive integer (at least 1), found 0",
    );
    check(
        &all[1],
        16,
        30,
        "job_generators.small.sizes[2]",
        "expected an [accelerators, weight] pair such as [8, 0.6], found an integer (4)",
    );
    check(
        &all[2],
        18,
        14,
        "job_generators.small.tokens_p90",
        "expected `tokens_p90` to be greater than `tokens_median`",
    );
}

#[test]
fn half_a_pair_and_two_work_forms() {
    let d = only(&format!(
        "{MINIMAL}\n[failures.categories.optics]\nscope = \"node\"\nrate_per_accel_hour = 0\n\
         repair_median = \"1h\"\n"
    ));
    check(
        &d,
        14,
        22,
        "failures.categories.optics.repair_p90",
        "`repair_median` needs `repair_p90` too",
    );
    let d = only(&format!(
        "{MINIMAL}\n[job_generators.small]\nmean_interarrival = \"1h\"\nsizes = [[8, 1]]\n\
         tokens = 1e12\nduration = \"1d\"\nparams = 8e9\n"
    ));
    check(
        &d,
        18,
        12,
        "job_generators.small.duration",
        "`duration` conflicts with `tokens`",
    );
}

// ---- bad inputs: power, commitments, carbon ---------------------------------------------

#[test]
fn bad_power_policy_suggests_the_nearest() {
    let d = only(&format!(
        "{MINIMAL}\n[power.sites.aws-use1]\npolicy = \"throtle\"\n"
    ));
    check(
        &d,
        15,
        10,
        "power.sites.aws-use1.policy",
        "expected one of \"throttle\", \"refuse\" or \"preempt\", found \"throtle\"",
    );
    assert_eq!(d.suggestion.as_deref(), Some("throttle"));
}

#[test]
fn curtailment_cap_fraction_out_of_range() {
    let d = only(&format!(
        "{MINIMAL}\n[[curtailments]]\nsite = \"aws-use1\"\nat = \"1d\"\nduration = \"1h\"\n\
         cap_fraction = 1.5\n"
    ));
    check(
        &d,
        18,
        16,
        "curtailments[0].cap_fraction",
        "expected a number >= 0 and less than 1, found 1.5",
    );
}

#[test]
fn unknown_sites_in_power_sections_suggest_the_nearest() {
    let text = format!(
        "{MINIMAL}\n[power.sites.aws-us1]\n\n[[curtailments]]\nsite = \"aws-use2\"\n\
         at = \"1d\"\nduration = \"1h\"\ncap_fraction = 0\n\n[[grid_outages]]\n\
         site = \"aws-use\"\nat = \"2d\"\nduration = \"1h\"\n\n[[random_curtailments]]\n\
         site = \"awsuse1\"\nrate_per_year = 1\nduration_median = \"1h\"\n\
         duration_p90 = \"2h\"\ncap_fraction = 0.5\n"
    );
    let all = errors(&text);
    assert_eq!(all.len(), 4, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        14,
        14,
        "power.sites.aws-us1",
        "unknown site `aws-us1`: expected a site key of this file (aws-use1)",
    );
    check(
        &all[1],
        17,
        8,
        "curtailments[0].site",
        "unknown site `aws-use2`",
    );
    check(
        &all[2],
        23,
        8,
        "grid_outages[0].site",
        "unknown site `aws-use`",
    );
    check(
        &all[3],
        28,
        8,
        "random_curtailments[0].site",
        "unknown site `awsuse1`",
    );
    for d in &all {
        assert_eq!(d.suggestion.as_deref(), Some("aws-use1"), "{d}");
    }
}

#[test]
fn empty_or_negative_carbon_profile() {
    let d = only(&format!(
        "{MINIMAL}\n[carbon.aws.us-east-1]\nhourly_g_per_kwh = []\n"
    ));
    check(
        &d,
        15,
        20,
        "carbon.aws.us-east-1.hourly_g_per_kwh",
        "expected a non-empty array of numbers >= 0, found an empty array",
    );
    let d = only(&format!(
        "{MINIMAL}\n[carbon.aws.us-east-1]\nhourly_g_per_kwh = [300, -2, 310]\n"
    ));
    check(
        &d,
        15,
        26,
        "carbon.aws.us-east-1.hourly_g_per_kwh[1]",
        "expected a number >= 0, found -2",
    );
    let d = only(&format!(
        "{MINIMAL}\n[carbon.aws]\nhourly_g_per_kwh = [1]\n"
    ));
    check(
        &d,
        15,
        20,
        "carbon.aws.hourly_g_per_kwh",
        "expected a table [carbon.<cloud>.<region>], found an array",
    );
}

#[test]
fn negative_total_usd_and_missing_period() {
    let d = only(&format!(
        "{MINIMAL}\n[commitments.aws]\ntotal_usd = -5\nperiod = \"2555d\"\n"
    ));
    check(
        &d,
        15,
        13,
        "commitments.aws.total_usd",
        "expected a positive number (greater than 0), found -5",
    );
    let d = only(&format!("{MINIMAL}\n[commitments.aws]\ntotal_usd = 1e9\n"));
    check(
        &d,
        14,
        14,
        "commitments.aws.period",
        "missing required key `period`: expected a duration longer than 0s",
    );
}

#[test]
fn other_power_value_errors() {
    let text = format!(
        "{MINIMAL}\n[power.sites.aws-use1]\nbackup_fraction = 0\nbackup_fracton = 1\n\n\
         [[random_curtailments]]\nrate_per_year = -1\nduration_median = \"8h\"\n\
         duration_p90 = \"2h\"\n\n[[grid_outages]]\nsite = \"aws-use1\"\nat = \"1d\"\n\
         duration = \"0s\"\n"
    );
    let all = errors(&text);
    let got = positions(&all);
    assert_eq!(
        got,
        [
            (15, 19, "power.sites.aws-use1.backup_fraction"),
            (16, 1, "power.sites.aws-use1.backup_fracton"),
            (18, 1, "random_curtailments[0].cap_fraction"),
            (19, 17, "random_curtailments[0].rate_per_year"),
            (21, 16, "random_curtailments[0].duration_p90"),
            (26, 12, "grid_outages[0].duration"),
        ],
        "{}",
        Diagnostics(all.clone())
    );
    assert!(
        all[0].message.contains("greater than 0 and at most 1"),
        "{}",
        all[0]
    );
    assert_eq!(all[1].suggestion.as_deref(), Some("backup_fraction"));
    assert!(
        all[2]
            .message
            .contains("missing required key `cap_fraction`")
    );
    assert!(
        all[4]
            .message
            .contains("expected `duration_p90` to be greater than `duration_median`"),
        "{}",
        all[4]
    );
}

// ---- builder errors ---------------------------------------------------------------------

#[test]
fn builder_errors_map_to_positions_with_prefix_fallback() {
    let scenario = parse("test.toml", MINIMAL).unwrap();
    let errors = [
        ModelError::new(
            &["sites", "aws-use1", "clusters", "h100-a", "accelerator"],
            "unknown accelerator \"h10\"",
        )
        .with_suggestion(Some("h100".into())),
        ModelError::new(&["sites", "aws-use1", "region"], "unknown region"),
        // node_size is not written: falls back to the cluster's header.
        ModelError::new(
            &["sites", "aws-use1", "clusters", "h100-a", "node_size"],
            "1024 is not a multiple of 3",
        ),
        // Nothing written under catalog: the start of the file.
        ModelError::new(&["catalog", "clouds", "aws", "offers"], "x"),
    ];
    let d = scenario.diagnose(&errors);
    let got: Vec<(usize, usize, &str)> =
        d.0.iter()
            .map(|d| (d.line, d.column, d.path.as_str()))
            .collect();
    assert_eq!(
        got,
        [
            (1, 1, "catalog.clouds.aws.offers"),
            (7, 10, "sites.aws-use1.region"),
            (10, 26, "sites.aws-use1.clusters.h100-a.node_size"),
            (11, 15, "sites.aws-use1.clusters.h100-a.accelerator"),
        ]
    );
    assert!(d.to_string().contains(
        "test.toml:11:15: sites.aws-use1.clusters.h100-a.accelerator: unknown accelerator \
         \"h10\" (did you mean \"h100\"?)"
    ));
}

#[test]
fn link_paths_use_indices() {
    let s = parse("test.toml", reference::EXAMPLE).unwrap();
    let d = s.diagnose(&[ModelError::new(
        &["network", "links", "0", "rtt_ms"],
        "too small",
    )]);
    assert_eq!((d.0[0].line, d.0[0].column), (13, 10));
    assert_eq!(d.0[0].path, "network.links[0].rtt_ms");
}

#[test]
fn builder_errors_in_the_new_sections_map_to_their_keys() {
    let s = parse("test.toml", reference::EXAMPLE).unwrap();
    let at = |path: &[&str]| {
        let d = s.diagnose(&[ModelError::new(path, "x")]);
        (d.0[0].line, d.0[0].column, d.0[0].path.clone())
    };
    // (builder key path, where it lands: line, column, dotted path)
    type Case<'a> = (&'a [&'a str], (usize, usize, &'a str));
    let cases: &[Case<'_>] = &[
        (
            &["jobs", "llama-405b", "kinds", "0"],
            (77, 10, "jobs.llama-405b.kinds[0]"),
        ),
        (
            &["jobs", "llama-405b", "checkpoint_cost", "storage_gbit"],
            (80, 16, "jobs.llama-405b.checkpoint_cost.storage_gbit"),
        ),
        (
            &["job_generators", "research", "template", "kinds", "1"],
            (89, 18, "job_generators.research.template.kinds[1]"),
        ),
        (
            &["job_generators", "research", "sizes", "2", "weight"],
            (85, 37, "job_generators.research.sizes[2].weight"),
        ),
        (&["failures", "model"], (95, 9, "failures.model")),
        (
            &["failures", "categories", "optics", "ttf_shape"],
            (98, 22, "failures.categories.optics.ttf_shape"),
        ),
        (&["outages", "0", "scope"], (105, 9, "outages[0].scope")),
        (
            &["maintenance", "0", "scope"],
            (114, 9, "maintenance[0].scope"),
        ),
        (
            &["background_outages", "0", "rate_per_year"],
            (111, 17, "background_outages[0].rate_per_year"),
        ),
    ];
    for (path, (line, column, dotted)) in cases {
        assert_eq!(at(path), (*line, *column, (*dotted).to_owned()), "{path:?}");
    }
    let text = format!(
        "{MINIMAL}\n[[background_outages]]\nlevel = \"site\"\n\n[[background_outages]]\n\
         level = \"rack\"\nrate_per_year = 2000\nduration_median = \"1h\"\nduration_p90 = \"4h\"\n"
    );
    let s = parse("test.toml", &text).unwrap();
    let d = s.diagnose(&[
        ModelError::new(&["background_outages", "1", "rate_per_year"], "x"),
        ModelError::new(&["background_outages", "1", "duration"], "y"),
    ]);
    let got: Vec<_> =
        d.0.iter()
            .map(|d| (d.line, d.column, d.path.as_str()))
            .collect();
    assert_eq!(
        got,
        [
            (19, 17, "background_outages[1].rate_per_year"),
            (20, 19, "background_outages[1].duration"),
        ]
    );
}

#[test]
fn later_errors_in_the_power_sections_map_to_their_keys() {
    let s = parse("test.toml", reference::EXAMPLE).unwrap();
    let at = |path: &[&str]| {
        let d = s.diagnose(&[ModelError::new(path, "x")]);
        (d.0[0].line, d.0[0].column, d.0[0].path.clone())
    };
    type Case<'a> = (&'a [&'a str], (usize, usize, &'a str));
    let cases: &[Case<'_>] = &[
        (
            &["power", "sites", "aws-use1", "policy"],
            (122, 10, "power.sites.aws-use1.policy"),
        ),
        (
            &["power", "sites", "gcp-usc1"],
            (125, 14, "power.sites.gcp-usc1"),
        ),
        (
            &["curtailments", "0", "site"],
            (129, 8, "curtailments[0].site"),
        ),
        (
            &["random_curtailments", "0", "cap_fraction"],
            (138, 16, "random_curtailments[0].cap_fraction"),
        ),
        (
            &["grid_outages", "0", "duration"],
            (143, 12, "grid_outages[0].duration"),
        ),
        (
            &["commitments", "aws", "total_usd"],
            (147, 13, "commitments.aws.total_usd"),
        ),
        // `start` is not written: falls back to the commitment's header.
        (
            &["commitments", "aws", "start"],
            (146, 14, "commitments.aws.start"),
        ),
        (
            &["carbon", "aws", "us-east-1"],
            (150, 13, "carbon.aws.us-east-1"),
        ),
        (
            &["carbon", "aws", "us-east-1", "hourly_g_per_kwh", "12"],
            (153, 3, "carbon.aws.us-east-1.hourly_g_per_kwh[12]"),
        ),
    ];
    for (path, (line, column, dotted)) in cases {
        assert_eq!(at(path), (*line, *column, (*dotted).to_owned()), "{path:?}");
    }
}

#[test]
fn catalog_kinds_failure_models_and_outage_scopes_are_checked_by_the_builders() {
    let text = format!(
        "{MINIMAL}{JOB}kinds = [\"h10\"]\n\n[failures]\nmodel = \"llama3-h10\"\n\n\
         [[outages]]\nscope = \"region:aws/us-east1\"\nat = \"1d\"\nduration = \"1h\"\n\n\
         [[maintenance]]\nscope = \"site:aws-use2\"\ncount = 2\nduration = \"1h\"\n"
    );
    let all = build_errors(&text);
    assert_eq!(all.len(), 4, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        18,
        10,
        "jobs.llama.kinds[0]",
        "unknown accelerator \"h10\"",
    );
    assert_eq!(all[0].suggestion.as_deref(), Some("h100"));
    check(
        &all[1],
        21,
        9,
        "failures.model",
        "unknown failure model \"llama3-h10\"",
    );
    assert_eq!(all[1].suggestion.as_deref(), Some("llama3-h100"));
    check(
        &all[2],
        24,
        9,
        "outages[0].scope",
        "no region `aws/us-east1`",
    );
    assert_eq!(all[2].suggestion.as_deref(), Some("region:aws/us-east-1"));
    check(&all[3], 29, 9, "maintenance[0].scope", "aws-use2");
    assert_eq!(all[3].suggestion.as_deref(), Some("site:aws-use1"));
}

/// Parses `text`, applies its catalog changes to the built-in catalog and builds its
/// fabric, returning the located builder errors.
fn build_errors(text: &str) -> Vec<Diagnostic> {
    let s = parse("test.toml", text).unwrap_or_else(|d| panic!("{d}"));
    let mut catalog = sim_models::catalog::Catalog::builtin();
    if let Err(e) = catalog.apply(&s.catalog) {
        return s.diagnose(&e).0;
    }
    let fabric = match s.fabric.build(&catalog) {
        Ok(f) => f,
        Err(e) => return s.diagnose(&e).0,
    };
    let mut errors = Vec::new();
    for job in &s.jobs {
        if let Err(e) = job.validate(&["jobs", &job.name], &catalog) {
            errors.extend(e);
        }
    }
    for g in &s.generators {
        if let Err(e) = JobGenerator::new(g.clone(), &["job_generators", &g.name_prefix], &catalog)
        {
            errors.extend(e);
        }
    }
    let registry = sim_models::policy::Registry::builtin();
    if let Err(e) = crate::resolve::failure_model(&s, &registry) {
        errors.extend(e);
    }
    errors.extend(crate::resolve::policy_errors(&s.policy, &registry));
    let horizon = SimTime::ZERO + s.horizon;
    if let Err(e) = OutagePlan::build(
        &fabric,
        horizon,
        &s.outages,
        &s.background_outages,
        &s.maintenance,
        &RngStreams::new(s.seed),
    ) {
        errors.extend(e);
    }
    s.diagnose(&errors).0
}

#[test]
fn full_example_builds_against_the_builtin_catalog() {
    let all = build_errors(reference::EXAMPLE);
    assert!(all.is_empty(), "{}", Diagnostics(all));
}

#[test]
fn misspelled_accelerator_is_located_with_a_suggestion() {
    let all = build_errors(&minimal_with("\"h100\"", "\"h10\""));
    let d = at_path(&all, "sites.aws-use1.clusters.h100-a.accelerator");
    check(
        d,
        11,
        15,
        "sites.aws-use1.clusters.h100-a.accelerator",
        "h10",
    );
    assert_eq!(d.suggestion.as_deref(), Some("h100"));
}

#[test]
fn unknown_region_and_cloud_are_located() {
    let all = build_errors(&minimal_with("\"us-east-1\"", "\"us-east1\""));
    let d = at_path(&all, "sites.aws-use1.region");
    check(d, 7, 10, "sites.aws-use1.region", "us-east1");
    assert_eq!(d.suggestion.as_deref(), Some("us-east-1"));
    let all = build_errors(&minimal_with("\"aws\"", "\"awz\""));
    let d = at_path(&all, "sites.aws-use1.cloud");
    check(d, 6, 9, "sites.aws-use1.cloud", "awz");
    assert_eq!(d.suggestion.as_deref(), Some("aws"));
}

#[test]
fn accelerator_not_offered_by_the_cloud_unless_the_scenario_says_so() {
    let text = minimal_with("\"h100\"", "\"tpu-v5p\"");
    let all = build_errors(&text);
    let d = at_path(&all, "sites.aws-use1.clusters.h100-a.accelerator");
    assert_eq!((d.line, d.column), (11, 15), "{d}");
    let offered = format!("{text}\n[catalog.clouds.aws]\noffers = [\"tpu-v5p\"]\n");
    let all = build_errors(&offered);
    assert!(all.is_empty(), "{}", Diagnostics(all));
}

// ---- rendering --------------------------------------------------------------------------

#[test]
fn display_is_file_line_column_path_message_then_source_and_caret() {
    let d = only(&minimal_with("count = 1024", "count = \"lots\""));
    assert_eq!(
        d.to_string(),
        "test.toml:12:9: sites.aws-use1.clusters.h100-a.count: expected a positive integer \
         (at least 1), found a string (\"lots\")\n 12 | count = \"lots\"\n    |         ^^^^^^"
    );
}

#[test]
fn columns_count_characters_and_tabs_keep_alignment() {
    let text = minimal_with("cloud = \"aws\"", "\tcloud = \"aws\" # é\n\tzone = \"é\"");
    let d = only(&text);
    check(&d, 7, 2, "sites.aws-use1.zone", "unknown key `zone`");
    assert!(d.to_string().ends_with("\n   | \t^^^^"), "{d}");
    let map = SourceMap::new("x", "é\néa");
    assert_eq!(map.line_column(3), (2, 1));
    assert_eq!(map.line_column(5), (2, 2));
}

// ---- happy paths ------------------------------------------------------------------------

#[test]
fn minimal_scenario_gets_documented_defaults() {
    let s = parse("minimal.toml", MINIMAL).unwrap();
    assert_eq!(s.name, None);
    assert_eq!(s.horizon, SimDuration::from_days(30));
    assert_eq!(s.seed, 42);
    assert_eq!(s.network.wan_gbit_default, 100.0);
    assert!(s.network.links.is_empty());
    assert_eq!(s.catalog.source, "scenario minimal.toml");
    assert!(s.catalog.accelerators.is_empty());
    let site = &s.fabric.sites[0];
    assert_eq!((site.pue, site.online_from), (None, SimTime::ZERO));
    assert_eq!(site.power_cap_mw, 45.0, "integers are accepted as numbers");
    let c = &site.clusters[0];
    assert_eq!(
        (c.node_size, c.rack_nodes, c.scaleup_domain),
        (None, 4, None)
    );
    assert_eq!(s.power, PowerSection::default());
}

#[test]
fn documented_defaults_match_the_walker() {
    let fields = schema::TABLES.iter().flat_map(|t| t.fields);
    let defaults: Vec<(&str, String)> = fields
        .filter_map(|f| match f.presence {
            Presence::Default(v) => Some((f.key, v.to_string())),
            _ => None,
        })
        .collect();
    let defaults: Vec<(&str, &str)> = defaults.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let job = [
        ("checkpoint_interval", "\"30m\""),
        ("storage_gbit", "16000"),
        ("restart_overhead", "\"10m\""),
        ("priority", "0"),
        ("arrival", "\"0s\""),
        ("multi_site", "false"),
    ];
    let mut want = vec![
        ("wan_gbit_default", "100"),
        ("online_from", "\"0s\""),
        ("rack_nodes", "4"),
        ("online_from", "\"0s\""),
        ("start", "\"0s\""),
        ("rack_nodes", "4"),
    ];
    want.extend(job);
    want.extend(job);
    want.extend([
        ("model", "\"none\""),
        ("rate_scale", "1"),
        ("placement", "\"first-fit\""),
        ("failover", "\"restart\""),
        ("decisions", "false"),
        ("decision_options", "8"),
        ("first_at", "\"0s\""),
        ("spread", "\"even\""),
        ("policy", "\"throttle\""),
        ("start", "\"0s\""),
        ("fidelity", "\"request\""),
        ("flow_interval", "\"1h\""),
        ("sample_requests", "0"),
        ("bytes_per_param", "2"),
        ("mfu", "0.5"),
        ("prompt_tokens", "\"azure-conv\""),
        ("output_tokens", "\"azure-conv\""),
        ("slo_ttft", "\"2s\""),
        ("slo_tpot", "\"200ms\""),
        ("routing", "\"nearest\""),
        ("max_retries", "2"),
        ("startup", "\"5m\""),
        ("profile", "\"constant\""),
    ]);
    // The serving defaults are checked against sim-models in `serving::a_service_gets_the_documented_defaults`.
    assert_eq!(defaults, want);
    // The job defaults are sim-models' own.
    let s = parse("t.toml", &format!("{MINIMAL}{JOB}")).unwrap();
    let j = &s.jobs[0];
    let d = TrainingJobSpec::new("x", 1.0, JobWork::Tokens(1.0), 1);
    assert_eq!(
        (j.checkpoint_interval, j.restart_overhead, j.priority),
        (d.checkpoint_interval, d.restart_overhead, d.priority)
    );
    assert_eq!(
        (j.arrival, j.multi_site, j.mfu, j.global_batch_tokens),
        (d.arrival, d.multi_site, d.mfu, d.global_batch_tokens)
    );
    assert_eq!(
        j.checkpoint_cost,
        CheckpointCost::full_state(405e9, DEFAULT_CHECKPOINT_STORAGE_GBIT)
    );
    assert_eq!(DEFAULT_CHECKPOINT_STORAGE_GBIT.to_string(), "16000");
    assert_eq!(s.failures, FailureSpec::default());
    assert_eq!(s.policy, crate::scenario::PolicySection::default());
    assert_eq!(
        (s.policy.placement.as_str(), s.policy.failover.as_str()),
        ("first-fit", "restart")
    );
    assert_eq!(sections::policy::DEFAULT_DECISION_OPTIONS.to_string(), "8");
    assert_eq!(sections::network::DEFAULT_WAN_GBIT.to_string(), "100");
    assert_eq!(sections::sites::DEFAULT_RACK_NODES.to_string(), "4");
}

#[test]
fn allowed_value_lists_match_sim_models() {
    // The walker maps the index of the name given to `ALL[index]`: same names, same order.
    let levels: Vec<&str> = OutageLevel::ALL.iter().map(|l| l.name()).collect();
    assert_eq!(sections::outages::LEVELS, levels);
    let scopes: Vec<&str> = FailureScope::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(sections::failures::SCOPES, scopes);
    let policies = sim_models::power::PowerPolicy::ALL.map(|p| p.name());
    assert_eq!(sections::power::POLICIES, policies);
}

#[test]
fn full_example_parses_into_the_expected_specs() {
    let s = parse("example.toml", reference::EXAMPLE).unwrap();
    assert_eq!(s.name.as_deref(), Some("two-clouds"));
    assert_eq!((s.horizon, s.seed), (SimDuration::from_days(30), 42));
    assert_eq!(s.network.wan_gbit_default, 400.0);
    assert_eq!(
        s.network.links,
        [LinkSpec {
            a: "aws-use1".into(),
            b: "gcp-usc1".into(),
            gbit: 800.0,
            rtt_ms: Some(30.0),
        }]
    );
    let cluster = |name: &str, accel: &str, count, node_size, rack_nodes, scaleup| ClusterSpec {
        online_from: sim_core::time::SimTime::ZERO,
        name: name.into(),
        accelerator: accel.into(),
        count,
        node_size,
        rack_nodes,
        scaleup_domain: scaleup,
    };
    assert_eq!(
        s.fabric.sites,
        [
            SiteSpec {
                name: "aws-use1".into(),
                cloud: "aws".into(),
                region: "us-east-1".into(),
                power_cap_mw: 120.0,
                pue: Some(1.12),
                online_from: SimTime::ZERO,
                clusters: vec![
                    cluster("h100-a", "h100", 16384, Some(8), 4, None),
                    cluster("trn2-a", "trn2", 8192, Some(16), 4, Some(64)),
                ],
            },
            SiteSpec {
                name: "gcp-usc1".into(),
                cloud: "gcp".into(),
                region: "us-central1".into(),
                power_cap_mw: 60.0,
                pue: None,
                online_from: SimTime::ZERO + SimDuration::from_days(7),
                clusters: vec![cluster("v5p-a", "tpu-v5p", 8960, None, 4, None)],
            },
            SiteSpec {
                name: "lambda-tx".into(),
                cloud: "lambda".into(),
                region: "us-tx-1".into(),
                power_cap_mw: 10.0,
                pue: None,
                online_from: SimTime::ZERO,
                clusters: vec![cluster("h100-l", "h100", 2048, None, 4, None)],
            },
        ]
    );
    let c = &s.catalog;
    assert_eq!(c.source, "scenario example.toml");
    assert_eq!(
        c.accelerators,
        [(
            "h100".to_owned(),
            AcceleratorPatch {
                tdp_w: Some(650.0),
                ..Default::default()
            }
        )]
    );
    assert_eq!(
        c.clouds,
        [(
            "lambda".to_owned(),
            CloudPatch {
                display_name: Some("Lambda".into()),
                egress_usd_per_gb: Some(0.0),
                inter_region_usd_per_gb: Some(0.0),
                offers: Some(vec!["h100".into()]),
            }
        )]
    );
    assert_eq!(
        c.regions,
        [(
            ("lambda".to_owned(), "us-tx-1".to_owned()),
            RegionPatch {
                metro: Some("Dallas TX".into()),
                lat: Some(32.78),
                lon: Some(-96.8),
                pue: Some(1.3),
                carbon_g_per_kwh: Some(370.0),
            }
        )]
    );
    assert_eq!(
        c.offerings,
        [(
            ("lambda".to_owned(), "h100".to_owned()),
            OfferingPatch {
                usd_per_chip_hour: Some(2.49),
            }
        )]
    );
}

#[test]
fn full_example_parses_jobs_failures_and_outages() {
    let s = parse("example.toml", reference::EXAMPLE).unwrap();
    let hours = |h: f64| h * 3600.0;
    assert_eq!(
        s.jobs,
        [TrainingJobSpec {
            kinds: vec!["h100".into()],
            mfu: Some(0.38),
            checkpoint_interval: SimDuration::from_mins(45),
            checkpoint_cost: CheckpointCost::full_state(405e9, 8000.0),
            priority: 10,
            ..TrainingJobSpec::new("llama-405b", 405e9, JobWork::Tokens(15.6e12), 16384)
        }]
    );
    let work = LogNormal::from_median_p90(hours(12.0), hours(72.0)).unwrap();
    assert_eq!(
        s.generators,
        [JobGeneratorSpec {
            name_prefix: "research".into(),
            mean_interarrival: SimDuration::from_hours(6),
            sizes: vec![(8, 0.6), (64, 0.3), (512, 0.1)],
            work: WorkDist::Duration(work.into()),
            template: TrainingJobSpec {
                kinds: vec!["h100".into(), "trn2".into()],
                arrival: SimTime::ZERO + SimDuration::from_days(1),
                ..TrainingJobSpec::new("research", 8e9, JobWork::Duration(SimDuration::SECOND), 1)
            },
        }]
    );
    let repair = LogNormal::from_median_p90(hours(2.0), hours(8.0)).unwrap();
    assert_eq!(
        s.failures,
        FailureSpec {
            model: "llama3-h100".into(),
            rate_scale: 1.5,
            categories: vec![FailureCategory::new(
                "optics",
                FailureScope::Node,
                1e-6,
                repair.into()
            )],
        }
    );
    assert_eq!(
        s.outages,
        [ScriptedOutageSpec {
            scope: "region:aws/us-east-1".into(),
            at: SimTime::ZERO + SimDuration::from_days(12),
            duration: SimDuration::from_hours(6),
        }]
    );
    assert_eq!(
        s.background_outages,
        [BackgroundOutageSpec {
            rate_per_year: 0.5,
            ..BackgroundOutageSpec::calibrated(OutageLevel::Region)
        }]
    );
    assert_eq!(
        s.maintenance,
        [MaintenanceSpec {
            scope: "cluster:aws-use1/h100-a".into(),
            cadence: MaintenanceCadence::Count(20),
            duration: SimDuration::from_mins(30),
            first_at: SimTime::ZERO + SimDuration::from_days(1),
            spread: Spread::Random,
        }]
    );
}

#[test]
fn full_example_parses_power_commitments_and_carbon() {
    let s = parse("example.toml", reference::EXAMPLE).unwrap();
    let p = &s.power;
    assert_eq!(
        p.sites,
        [
            SitePowerEntry {
                site: "aws-use1".into(),
                policy: "preempt".into(),
                backup_fraction: Some(0.3),
            },
            SitePowerEntry {
                site: "gcp-usc1".into(),
                policy: "throttle".into(),
                backup_fraction: None,
            },
        ]
    );
    assert_eq!(
        p.curtailments,
        [CurtailmentSpec {
            site: "aws-use1".into(),
            at: SimTime::ZERO + SimDuration::from_days(3),
            duration: SimDuration::from_hours(4),
            cap_fraction: 0.6,
        }]
    );
    assert_eq!(
        p.random_curtailments,
        [RandomCurtailment {
            site: None,
            rate_per_year: 6.0,
            duration_median: SimDuration::from_hours(2),
            duration_p90: SimDuration::from_hours(8),
            cap_fraction: 0.5,
        }]
    );
    assert_eq!(
        p.grid_outages,
        [GridOutageSpec {
            site: "gcp-usc1".into(),
            at: SimTime::ZERO + SimDuration::from_days(20),
            duration: SimDuration::from_mins(90),
        }]
    );
    assert_eq!(
        p.commitments,
        [Commitment {
            cloud: "aws".into(),
            total_usd: Some(2.5e9),
            capacity: None,
            start: SimTime::ZERO,
            period: SimDuration::from_days(2555),
        }]
    );
    assert_eq!(p.carbon_profiles.len(), 1);
    let c = &p.carbon_profiles[0];
    assert_eq!((c.cloud.as_str(), c.region.as_str()), ("aws", "us-east-1"));
    assert_eq!(c.hourly_g_per_kwh.len(), 24);
    assert_eq!(
        (c.hourly_g_per_kwh[0], c.hourly_g_per_kwh[23]),
        (420.0, 425.0)
    );
}

#[test]
fn every_power_section_parses_with_its_other_forms() {
    let text = format!(
        "{MINIMAL}\n[power.sites.aws-use1]\nbackup_fraction = 1\n\n\
         [[random_curtailments]]\nsite = \"aws-use1\"\nrate_per_year = 0\n\
         duration_median = \"1h\"\nduration_p90 = \"3h\"\ncap_fraction = 0\n\n\
         [commitments.gcp]\ntotal_usd = 1_000_000\nstart = \"30d\"\nperiod = \"365d\"\n\n\
         [carbon.gcp.us-central1]\nhourly_g_per_kwh = [0, 12.5]\n"
    );
    let s = parse("t.toml", &text).unwrap_or_else(|d| panic!("{d}"));
    let p = &s.power;
    assert_eq!(
        p.sites,
        [SitePowerEntry {
            site: "aws-use1".into(),
            policy: "throttle".into(),
            backup_fraction: Some(1.0),
        }]
    );
    assert_eq!(p.random_curtailments[0].site.as_deref(), Some("aws-use1"));
    assert_eq!(
        (
            p.random_curtailments[0].rate_per_year,
            p.random_curtailments[0].cap_fraction
        ),
        (0.0, 0.0)
    );
    assert_eq!(
        p.commitments,
        [Commitment {
            cloud: "gcp".into(),
            total_usd: Some(1e6),
            capacity: None,
            start: SimTime::ZERO + SimDuration::from_days(30),
            period: SimDuration::from_days(365),
        }]
    );
    assert_eq!(
        p.carbon_profiles,
        [CarbonProfile {
            cloud: "gcp".into(),
            region: "us-central1".into(),
            hourly_g_per_kwh: vec![0.0, 12.5],
        }]
    );
    assert!(p.curtailments.is_empty() && p.grid_outages.is_empty());
}

#[test]
fn the_other_alternatives_parse_too() {
    let text = format!(
        r#"{MINIMAL}
[jobs.fixed]
params = 7e9
duration = "2d"
accelerators = 64
checkpoint_cost = "20s"
restart_overhead = "5m"
priority = -3
arrival = "3h"
multi_site = true
global_batch_tokens = 4e6

[jobs.sized]
params = 1e9
tokens = 1e10
accelerators = 8
checkpoint_bytes = 2e10

[job_generators.const]
mean_interarrival = "2h"
sizes = [[8, 1]]
tokens = 1e12
params = 1e9

[job_generators.lognormal]
mean_interarrival = "2h"
sizes = [[8, 1]]
tokens_median = 1e11
tokens_p90 = 1e12
params = 1e9

[job_generators.fixed]
mean_interarrival = "2h"
sizes = [[8, 1]]
duration = "1d"
params = 1e9

[failures.categories.psu]
scope = "rack"
rate_per_accel_hour = 0
repair = "4h"

[[background_outages]]
level = "cloud"
duration_median = "1h"
duration_p90 = "4h"

[[maintenance]]
scope = "site:aws-use1"
every = "7d"
duration = "2h"
"#
    );
    let s = parse("t.toml", &text).unwrap();
    assert_eq!(
        s.jobs,
        [
            TrainingJobSpec {
                checkpoint_cost: CheckpointCost::Time(SimDuration::from_secs(20)),
                restart_overhead: SimDuration::from_mins(5),
                priority: -3,
                arrival: SimTime::ZERO + SimDuration::from_hours(3),
                multi_site: true,
                global_batch_tokens: Some(4e6),
                ..TrainingJobSpec::new(
                    "fixed",
                    7e9,
                    JobWork::Duration(SimDuration::from_days(2)),
                    64
                )
            },
            TrainingJobSpec {
                checkpoint_cost: CheckpointCost::Size {
                    bytes: 2e10,
                    storage_gbit: DEFAULT_CHECKPOINT_STORAGE_GBIT,
                },
                ..TrainingJobSpec::new("sized", 1e9, JobWork::Tokens(1e10), 8)
            },
        ]
    );
    let works: Vec<&WorkDist> = s.generators.iter().map(|g| &g.work).collect();
    assert_eq!(
        works,
        [
            &WorkDist::Tokens(TokenDist::Constant(1e12)),
            &WorkDist::Tokens(TokenDist::LogNormal(
                LogNormal::from_median_p90(1e11, 1e12).unwrap()
            )),
            &WorkDist::Duration(DurationDist::Constant(SimDuration::from_days(1))),
        ]
    );
    assert_eq!(s.generators[0].template.arrival, SimTime::ZERO);
    assert_eq!(
        s.failures.categories,
        [FailureCategory::new(
            "psu",
            FailureScope::Rack,
            0.0,
            DurationDist::Constant(SimDuration::from_hours(4))
        )]
    );
    assert_eq!(s.failures.model, "none");
    let b = &s.background_outages[0];
    assert_eq!(
        (b.level, b.rate_per_year),
        (
            OutageLevel::Cloud,
            BackgroundOutageSpec::calibrated(OutageLevel::Cloud).rate_per_year
        )
    );
    assert_eq!(
        b.duration,
        LogNormal::from_median_p90(3600.0, 14400.0).unwrap().into()
    );
    let m = &s.maintenance[0];
    assert_eq!(
        (m.cadence, m.first_at, m.spread),
        (
            MaintenanceCadence::Every(SimDuration::from_days(7)),
            SimTime::ZERO,
            Spread::Even
        )
    );
}

#[test]
fn inline_tables_dotted_keys_and_hex_integers_are_toml_like_any_other() {
    let text = r#"sim = { horizon = "1h30m", seed = 0x2A }
sites.a.cloud = "aws"
sites.a.region = "us-east-1"
sites.a.power_cap_mw = 1.5
sites.a.clusters.c = { accelerator = "h100", count = 1_024 }
"#;
    let s = parse("t.toml", text).unwrap();
    assert_eq!((s.horizon, s.seed), (SimDuration::from_mins(90), 42));
    assert_eq!(s.fabric.sites[0].clusters[0].count, 1024);
}

#[test]
fn shipped_default_scenario_parses() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../experiments/default/scenario.toml"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        return; // not written yet
    };
    if let Err(d) = parse("experiments/default/scenario.toml", &text) {
        panic!("{d}");
    }
}

// ---- the generated reference ------------------------------------------------------------

#[test]
fn reference_doc_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/scenario-format.md");
    let want = reference::markdown(&sim_models::policy::Registry::builtin());
    if std::env::var_os("FABRICSIM_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
        return;
    }
    let got = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        got == want,
        "docs/scenario-format.md is stale: run `FABRICSIM_BLESS=1 cargo test -p sim-scenario \
         reference` and commit the result"
    );
}

#[test]
fn reference_documents_every_key_and_reserved_section() {
    let md = reference::markdown(&sim_models::policy::Registry::builtin());
    for table in schema::TABLES {
        assert!(md.contains(&format!("### `{}`", table.header)));
        for f in table.fields {
            assert!(md.contains(&format!("| `{}` |", f.key)), "{}", f.key);
        }
    }
    for (key, _) in schema::RESERVED {
        assert!(md.contains(&format!("`[{key}]`")));
    }
    assert!(
        md.contains("scenario.toml:8:1: sites.aws-use1.powr_cap_mw"),
        "{md}"
    );
}
