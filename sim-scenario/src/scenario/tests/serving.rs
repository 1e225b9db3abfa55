//! Tests of the serving sections: the fixture scenario resolved, every class of error
//! located (schema errors, builder errors, trace files), and the documented defaults.

use std::path::{Path, PathBuf};

use sim_core::time::{SimDuration, SimTime};
use sim_models::ModelError;
use sim_models::inference::arrival::RateProfile;
use sim_models::inference::service::{
    Arrivals, DEFAULT_MAX_RETRIES, DEFAULT_PREFILL_MFU, DEFAULT_STARTUP, ReplicaGroupSpec, Routing,
    ServedModel,
};
use sim_models::inference::tokens::TokenDist;
use sim_models::network::{PartitionSpec, RandomPartitionSpec};
use sim_models::sim::serving::{DEFAULT_FLOW_INTERVAL, Fidelity};

use super::super::sections::serving::services as s;
use super::super::serving::UserArrivals;
use super::*;
use crate::resolve::{Resolved, Source, resolve};

/// A service to append to `MINIMAL`: it starts on line 14.
const SERVICE: &str = r#"
[[services]]
name = "chat"
model = "llama3-70b"
max_batch = 32

[[services.replicas]]
site = "aws-use1"
cluster = "h100-a"
count = 2
chips = 8

[[services.users]]
region = "aws/us-east-1"
rate_per_s = 5
"#;
// 14 [[services]]            20 site = "aws-use1"        26 region = "aws/us-east-1"
// 15 name = "chat"           21 cluster = "h100-a"       27 rate_per_s = 5
// 16 model = "llama3-70b"    22 count = 2
// 17 max_batch = 32          23 chips = 8
// 18                         24
// 19 [[services.replicas]]   25 [[services.users]]

/// `MINIMAL` + `SERVICE` with `from` (which must occur) replaced by `to`.
fn service_with(from: &str, to: &str) -> String {
    let text = format!("{MINIMAL}{SERVICE}");
    assert!(
        text.contains(from),
        "{from:?} is not in the service scenario"
    );
    text.replacen(from, to, 1)
}

/// The folder of the serving fixture.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../sim-cli/tests/fixtures/serving")
}

/// Resolves `text` as `test.toml` in `dir`.
fn resolve_in(text: &str, dir: &Path) -> Result<Resolved, Diagnostics> {
    let source = Source {
        name: "test.toml".into(),
        text: text.into(),
        dir: dir.to_path_buf(),
    };
    resolve(&source, None, &sim_models::policy::Registry::builtin())
}

/// Every located error of resolving `text` (which must fail) in the fixture folder.
fn resolve_errors(text: &str) -> Vec<Diagnostic> {
    match resolve_in(text, &fixtures()) {
        Ok(_) => panic!("expected errors"),
        Err(d) => d.0,
    }
}

// ---- the fixture --------------------------------------------------------------------------

#[test]
fn the_fixture_parses_and_resolves() {
    let dir = fixtures();
    let text = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    let s = parse("scenario.toml", &text).unwrap_or_else(|d| panic!("{d}"));
    let sv = &s.serving;
    assert_eq!((sv.fidelity, sv.sample_requests), (Fidelity::Request, 100));
    assert_eq!(sv.services.len(), 2);
    let chat = &sv.services[0];
    assert_eq!(chat.spec.name, "chat");
    assert_eq!(chat.spec.model, ServedModel::preset("llama3-70b").unwrap());
    assert_eq!(chat.spec.prompt_tokens, TokenDist::azure_conv_prompt());
    assert_eq!(
        chat.spec.output_tokens,
        TokenDist::LogNormal {
            median: 129.0,
            p90: 424.0,
            max: 1000
        }
    );
    assert_eq!(
        (chat.spec.max_batch, chat.spec.routing),
        (32, Routing::LatencyAware)
    );
    assert_eq!(
        (chat.spec.slo_ttft, chat.spec.slo_tpot),
        (SimDuration::from_secs(2), SimDuration::from_millis(200))
    );
    assert_eq!(
        chat.spec.replicas[1],
        ReplicaGroupSpec {
            site: Some("azure-weu".into()),
            cluster: Some("h100-b".into()),
            accelerator: None,
            count: 2,
            chips: 8
        }
    );
    let UserArrivals::Profile(RateProfile::Weekly { daily, inner }) = &chat.users[0].arrivals
    else {
        panic!("{:?}", chat.users[0]);
    };
    assert_eq!(daily, &[1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.5]);
    assert!(
        matches!(**inner, RateProfile::Diurnal { base_rate_per_s, ref hourly }
            if base_rate_per_s == 5.0 && hourly.len() == 24 && hourly[13] == 1.5)
    );
    assert_eq!(
        chat.users[1].arrivals,
        UserArrivals::Profile(RateProfile::Sinusoid {
            mean_rate_per_s: 2.0,
            amplitude: 0.5,
            peak_hour: 14.0
        })
    );
    let code = &sv.services[1];
    assert_eq!(
        code.spec.model,
        ServedModel {
            params: 8.03e9,
            bytes_per_param: 2.0,
            kv_bytes_per_token: 131_072.0,
            mfu: 0.45
        }
    );
    assert_eq!(
        code.spec.prompt_tokens,
        TokenDist::Empirical(vec![(500, 3.0), (1500, 2.0), (5000, 1.0)])
    );
    assert_eq!(code.spec.output_tokens, TokenDist::Geometric { mean: 40.0 });
    assert_eq!(
        (code.spec.max_retries, code.spec.startup),
        (1, SimDuration::from_mins(2))
    );
    assert_eq!(
        code.users[0].arrivals,
        UserArrivals::TraceFile("traces/code.csv".into())
    );
    assert_eq!(
        sv.partitions,
        [PartitionSpec {
            a: "aws/us-east-1".into(),
            b: Some("azure/westeurope".into()),
            start: SimTime::ZERO + SimDuration::from_hours(2),
            duration: SimDuration::from_mins(30),
        }]
    );
    assert_eq!(
        sv.random_partitions,
        Some(RandomPartitionSpec {
            rate_per_year: 2.0,
            median: SimDuration::from_mins(30),
            p90: SimDuration::from_hours(4),
        })
    );

    let r = match resolve_in(&text, &dir) {
        Ok(r) => r,
        Err(d) => panic!("{d}"),
    };
    let run = &r.serving;
    assert_eq!((run.fidelity, run.sample_every), (Fidelity::Request, 100));
    assert_eq!(run.services.len(), 2);
    assert_eq!(run.services[0].replica_count(), 6);
    assert_eq!(run.services[0].users[1].region_key, "azure/westeurope");
    let Arrivals::Trace(records) = &run.services[1].users[0].arrivals else {
        panic!("the code users replay a trace");
    };
    assert_eq!(records.len(), 5);
    assert_eq!(
        records[4].at,
        SimTime::ZERO + SimDuration::from_millis(7250)
    );
    assert_eq!(
        (records[4].prompt_tokens, records[4].output_tokens),
        (2048, 100)
    );
    // The scripted partition at least (random ones are rare over six hours).
    let scripted = run
        .partitions
        .partitions()
        .iter()
        .find(|p| p.b.is_some())
        .expect("the scripted partition");
    assert_eq!(scripted.start, SimTime::ZERO + SimDuration::from_hours(2));
}

#[test]
fn the_reference_example_resolves_with_its_services() {
    let r = match resolve_in(reference::EXAMPLE, &fixtures()) {
        Ok(r) => r,
        Err(d) => panic!("{d}"),
    };
    let chat = &r.serving.services[0];
    assert_eq!((chat.name.as_str(), chat.replica_count()), ("chat", 24));
    assert_eq!(chat.users.len(), 2);
    assert_eq!(r.serving.sample_every, 1000);
    assert!(!r.serving.partitions.partitions().is_empty());
}

#[test]
fn flow_fidelity_takes_its_interval_and_defaults_to_an_hour() {
    let text = format!("{MINIMAL}\n[serving]\nfidelity = \"flow\"\nflow_interval = \"15m\"\n");
    let s = parse("t.toml", &text).unwrap();
    assert_eq!(
        s.serving.fidelity,
        Fidelity::Flow {
            interval: SimDuration::from_mins(15)
        }
    );
    let s = parse(
        "t.toml",
        &format!("{MINIMAL}\n[serving]\nfidelity = \"flow\"\n"),
    )
    .unwrap();
    assert_eq!(
        s.serving.fidelity,
        Fidelity::Flow {
            interval: DEFAULT_FLOW_INTERVAL
        }
    );
    assert_eq!(DEFAULT_FLOW_INTERVAL, SimDuration::from_hours(1));
}

#[test]
fn a_service_gets_the_documented_defaults() {
    let s = parse("t.toml", &format!("{MINIMAL}{SERVICE}")).unwrap();
    assert_eq!(s.serving.fidelity, Fidelity::Request);
    assert_eq!(s.serving.sample_requests, 0);
    let spec = &s.serving.services[0].spec;
    assert_eq!(spec.prompt_tokens, TokenDist::azure_conv_prompt());
    assert_eq!(spec.output_tokens, TokenDist::azure_conv_output());
    assert_eq!(spec.routing, Routing::default());
    assert_eq!(spec.max_retries, DEFAULT_MAX_RETRIES);
    assert_eq!(spec.startup, DEFAULT_STARTUP);
    assert_eq!(spec.model.mfu, DEFAULT_PREFILL_MFU);
    assert_eq!(spec.model.bytes_per_param, 2.0);
    assert_eq!(
        s.serving.services[0].users[0].arrivals,
        UserArrivals::Profile(RateProfile::Constant { rate_per_s: 5.0 })
    );
    // The schema's names and defaults are sim-models' own.
    let field = |t: &schema::Table, key: &str| *t.fields.iter().find(|f| f.key == key).unwrap();
    let default = |key: &str| match field(&s::SERVICE, key).presence {
        Presence::Default(v) => v.to_string(),
        other => panic!("{key}: {other:?}"),
    };
    assert_eq!(default("mfu"), DEFAULT_PREFILL_MFU.to_string());
    assert_eq!(default("max_retries"), DEFAULT_MAX_RETRIES.to_string());
    assert_eq!(default("startup"), format!("\"{DEFAULT_STARTUP}\""));
    assert_eq!(
        default("routing"),
        format!("\"{}\"", Routing::default().name())
    );
    let names: Vec<&str> = Routing::ALL.iter().map(|r| r.name()).collect();
    assert_eq!(s::ROUTINGS, names);
    assert_eq!(
        field(&s::SERVICE, "model").kind,
        schema::Kind::OneOf(&ServedModel::PRESETS)
    );
}

// ---- schema errors ------------------------------------------------------------------------

#[test]
fn unknown_key_in_a_service_suggests_the_field() {
    let d = only(&service_with(
        "max_batch = 32",
        "max_batch = 32\nroutng = \"nearest\"",
    ));
    check(
        &d,
        18,
        1,
        "services.chat.routng",
        "unknown key `routng` in [[services]] `chat`",
    );
    assert_eq!(d.suggestion.as_deref(), Some("routing"));
    let d = only(&service_with("chips = 8", "chips = 8\nchip = 8"));
    check(
        &d,
        24,
        1,
        "services.chat.replicas[0].chip",
        "unknown key `chip` in [[services.replicas]]",
    );
    assert_eq!(d.suggestion.as_deref(), Some("chips"));
}

#[test]
fn bad_routing_model_and_token_preset_suggest_the_nearest() {
    let text = service_with(
        "max_batch = 32",
        "max_batch = 32\nrouting = \"least_loaded\"",
    )
    .replacen("\"llama3-70b\"", "\"llama3-70B\"", 1);
    let all = errors(&text);
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    let d = at_path(&all, "services.chat.model");
    check(
        d,
        16,
        9,
        "services.chat.model",
        "expected one of \"llama3-8b\", \"llama3-70b\" or \"llama3-405b\", found \"llama3-70B\"",
    );
    assert_eq!(d.suggestion.as_deref(), Some("llama3-70b"));
    let d = at_path(&all, "services.chat.routing");
    check(d, 18, 11, "services.chat.routing", "found \"least_loaded\"");
    assert_eq!(d.suggestion.as_deref(), Some("least-loaded"));

    let d = only(&service_with(
        "max_batch = 32",
        "max_batch = 32\noutput_tokens = \"azure-chat\"",
    ));
    check(
        &d,
        18,
        17,
        "services.chat.output_tokens",
        "expected a preset name (\"azure-conv\" or \"azure-code\") or an inline table",
    );
    assert_eq!(d.suggestion.as_deref(), Some("azure-conv"));
}

#[test]
fn token_tables_take_exactly_the_keys_of_their_dist() {
    let all = errors(&service_with(
        "max_batch = 32",
        "max_batch = 32\noutput_tokens = { dist = \"lognormal\", median = 129, mean = 3 }\n\
         prompt_tokens = { dist = \"lognormal\", median = 500, p90 = 400, max = 9 }",
    ));
    assert_eq!(all.len(), 4, "{}", Diagnostics(all.clone()));
    check(
        at_path(&all, "services.chat.output_tokens.mean"),
        18,
        53,
        "services.chat.output_tokens.mean",
        "`mean` does not apply to dist = \"lognormal\"; it takes median, p90, max",
    );
    check(
        at_path(&all, "services.chat.output_tokens.p90"),
        18,
        1,
        "services.chat.output_tokens.p90",
        "missing `p90` for dist = \"lognormal\"",
    );
    check(
        at_path(&all, "services.chat.output_tokens.max"),
        18,
        1,
        "services.chat.output_tokens.max",
        "missing `max`",
    );
    check(
        at_path(&all, "services.chat.prompt_tokens.p90"),
        19,
        59,
        "services.chat.prompt_tokens.p90",
        "expected `p90` to be greater than `median`",
    );
    let all = errors(&service_with(
        "max_batch = 32",
        "max_batch = 32\noutput_tokens = { dist = \"empirical\", values = [1, 0], weights = [1] }\n\
         prompt_tokens = { dist = \"geometric\", mean = 0.5 }\n\
         [services.chat]",
    ));
    check(
        at_path(&all, "services.chat.output_tokens.values[1]"),
        18,
        52,
        "services.chat.output_tokens.values[1]",
        "expected a positive integer",
    );
    check(
        at_path(&all, "services.chat.prompt_tokens.mean"),
        19,
        46,
        "services.chat.prompt_tokens.mean",
        "expected a number >= 1, found 0.5",
    );
    let d = only(&service_with(
        "max_batch = 32",
        "max_batch = 32\noutput_tokens = { dist = \"empirical\", values = [1, 5], weights = [1] }",
    ));
    check(
        &d,
        18,
        66,
        "services.chat.output_tokens.weights",
        "expected as many `weights` as `values` (2), found 1",
    );
    let d = only(&service_with(
        "max_batch = 32",
        "max_batch = 32\noutput_tokens = { dist = \"uniform\", max = 1 }",
    ));
    check(
        &d,
        18,
        26,
        "services.chat.output_tokens.dist",
        "expected one of \"fixed\", \"geometric\", \"lognormal\" or \"empirical\"",
    );
}

#[test]
fn hourly_of_23_values_and_other_profile_mistakes() {
    let hours = vec!["1"; 23].join(", ");
    let d = only(&service_with(
        "rate_per_s = 5",
        &format!("rate_per_s = 5\nprofile = \"diurnal\"\nhourly = [{hours}]"),
    ));
    check(
        &d,
        29,
        10,
        "services.chat.users[0].hourly",
        "expected an array of exactly 24 numbers >= 0, found 23 values",
    );
    let all = errors(&service_with(
        "rate_per_s = 5",
        "rate_per_s = 5\nprofile = \"sinusoid\"\nhourly = [1]\npeak_hour = 24\nweekly = [1, 1, -1, 1, 1, 1, 1]",
    ));
    // `hourly` is both the wrong length and out of place: both are said.
    assert_eq!(all.len(), 5, "{}", Diagnostics(all.clone()));
    check(
        at_path(&all, "services.chat.users[0].amplitude"),
        25,
        1,
        "services.chat.users[0].amplitude",
        "missing `amplitude` for profile = \"sinusoid\"",
    );
    let hourly: Vec<&Diagnostic> = all
        .iter()
        .filter(|d| d.path == "services.chat.users[0].hourly")
        .collect();
    check(
        hourly[0],
        29,
        10,
        "services.chat.users[0].hourly",
        "found 1 value",
    );
    check(
        hourly[1],
        29,
        10,
        "services.chat.users[0].hourly",
        "`hourly` applies to profile = \"diurnal\" only; remove it",
    );
    check(
        at_path(&all, "services.chat.users[0].peak_hour"),
        30,
        13,
        "services.chat.users[0].peak_hour",
        "expected an hour of the day, a number >= 0 and less than 24, found 24",
    );
    check(
        at_path(&all, "services.chat.users[0].weekly[2]"),
        31,
        17,
        "services.chat.users[0].weekly[2]",
        "expected a number >= 0, found -1",
    );
}

#[test]
fn rate_and_trace_together_or_neither() {
    let all = errors(&service_with(
        "rate_per_s = 5",
        "rate_per_s = 5\ntrace = \"traces/code.csv\"",
    ));
    assert_eq!(all.len(), 1, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        28,
        9,
        "services.chat.users[0].trace",
        "`trace` conflicts with `rate_per_s`: give exactly one of `rate_per_s` or `trace`",
    );
    let d = only(&service_with(
        "rate_per_s = 5",
        "weekly = [1, 1, 1, 1, 1, 1, 1]",
    ));
    check(
        &d,
        25,
        1,
        "services.chat.users[0].rate_per_s",
        "missing the users' arrivals: give `rate_per_s` or `trace`",
    );
    let d = only(&service_with(
        "rate_per_s = 5",
        "trace = \"t.csv\"\nprofile = \"diurnal\"",
    ));
    check(
        &d,
        28,
        11,
        "services.chat.users[0].profile",
        "`profile` applies to `rate_per_s` users only, not to a replayed trace",
    );
}

#[test]
fn service_names_must_be_valid_and_unique() {
    let twice = format!("{MINIMAL}{SERVICE}{SERVICE}");
    let all = errors(&twice);
    assert_eq!(all.len(), 1, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        30,
        8,
        "services[1].name",
        "a second service named `chat` (the first is services[0] at line 14)",
    );
    let d = only(&service_with("name = \"chat\"", "name = \"42\""));
    check(&d, 15, 8, "services[0].name", "not only digits");
    let d = only(&service_with("name = \"chat\"\n", ""));
    check(&d, 14, 1, "services[0].name", "missing required key `name`");
}

#[test]
fn a_service_needs_a_model_replicas_and_users() {
    let text = service_with("model = \"llama3-70b\"\n", "params = 70e9\n");
    let text = text[..text.find("\n[[services.replicas]]").unwrap()].to_owned();
    let all = errors(&text);
    let got = positions(&all);
    assert_eq!(
        got,
        [
            (14, 1, "services.chat.kv_bytes_per_token"),
            (14, 1, "services.chat.replicas"),
            (14, 1, "services.chat.users"),
        ],
        "{}",
        Diagnostics(all.clone())
    );
    assert!(
        all[0]
            .message
            .contains("a service without `model` needs it")
    );
    assert!(all[1].message.contains("add a [[services.replicas]] table"));
}

#[test]
fn serving_keys_of_the_other_fidelity_are_errors() {
    let d = only(&format!("{MINIMAL}\n[serving]\nflow_interval = \"1h\"\n"));
    check(
        &d,
        15,
        17,
        "serving.flow_interval",
        "`flow_interval` applies to fidelity = \"flow\" only",
    );
    let d = only(&format!(
        "{MINIMAL}\n[serving]\nfidelity = \"flow\"\nsample_requests = 10\n"
    ));
    check(
        &d,
        16,
        19,
        "serving.sample_requests",
        "`sample_requests` applies to fidelity = \"request\" only",
    );
    let d = only(&format!(
        "{MINIMAL}\n[serving]\nfidelity = \"flwo\"\nflow_interval = \"1h\"\n"
    ));
    check(&d, 15, 12, "serving.fidelity", "found \"flwo\"");
    assert_eq!(d.suggestion.as_deref(), Some("flow"));
}

#[test]
fn partition_sections_check_their_values() {
    let text = format!(
        "{MINIMAL}\n[[partitions]]\na = \"aws/us-east-1\"\nat = \"1d\"\nduration = \"0s\"\n\
         \n[random_partitions]\nrate_per_year = -1\nduration_median = \"1h\"\nduration_p90 = \"30m\"\n\
         duration_p09 = \"1h\"\n"
    );
    let all = errors(&text);
    let got = positions(&all);
    assert_eq!(
        got,
        [
            (17, 12, "partitions[0].duration"),
            (20, 17, "random_partitions.rate_per_year"),
            (22, 16, "random_partitions.duration_p90"),
            (23, 1, "random_partitions.duration_p09"),
        ],
        "{}",
        Diagnostics(all.clone())
    );
    assert_eq!(all[3].suggestion.as_deref(), Some("duration_p90"));
}

// ---- builder errors -----------------------------------------------------------------------

#[test]
fn unknown_site_cluster_and_region_are_located_by_the_builders() {
    let text = service_with("site = \"aws-use1\"", "site = \"aws-use2\"");
    let text = text.replacen(
        "region = \"aws/us-east-1\"",
        "region = \"aws/us-east-9\"",
        1,
    ) + "\n[[services.replicas]]\nsite = \"aws-use1\"\ncluster = \"h100-b\"\ncount = 1\nchips = 8\n\
           \n[[partitions]]\na = \"aws/us-east-1\"\nb = \"aws/us-east-1\"\nat = \"0s\"\nduration = \"1h\"\n";
    let all = resolve_errors(&text);
    let got = positions(&all);
    assert_eq!(
        got,
        [
            (20, 8, "services.chat.replicas[0].site"),
            (26, 10, "services.chat.users[0].region"),
            (31, 11, "services.chat.replicas[1].cluster"),
            (37, 5, "partitions[0].b"),
        ],
        "{}",
        Diagnostics(all.clone())
    );
    assert_eq!(all[0].suggestion.as_deref(), Some("aws-use1"));
    assert_eq!(all[1].suggestion.as_deref(), Some("aws/us-east-1"));
    assert_eq!(all[2].suggestion.as_deref(), Some("h100-a"));
    assert!(all[3].message.contains("cannot be partitioned from itself"));
    assert!(
        all[2]
            .to_string()
            .starts_with("test.toml:31:11: services.chat.replicas[1].cluster: site \"aws-use1\" has no cluster named \"h100-b\" (did you mean \"h100-a\"?)"),
        "{}",
        all[2]
    );
}

#[test]
fn weights_that_do_not_fit_are_located_at_the_replicas_chips() {
    let all = resolve_errors(&service_with("chips = 8", "chips = 1"));
    assert_eq!(all.len(), 1, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        23,
        9,
        "services.chat.replicas[0].chips",
        "weights (141.2 GB) do not fit in 1 x 80 GB of HBM",
    );
}

#[test]
fn a_trace_with_bad_rows_is_reported_at_its_key_with_file_and_line() {
    let text = service_with("rate_per_s = 5", "trace = \"traces/bad.csv\"");
    let all = resolve_errors(&text);
    let rendered: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    assert!(
        rendered[0].starts_with(
            "test.toml:27:9: services.chat.users[0].trace: traces/bad.csv:4: timestamp_s: \
             expected a time >= the previous row's (5 s), found `4.0`"
        ),
        "{}",
        rendered[0]
    );
    assert!(
        rendered[1].starts_with(
            "test.toml:27:9: services.chat.users[0].trace: traces/bad.csv:5: prompt_tokens: \
             expected an integer from 1 to 4294967295, found `0`"
        ),
        "{}",
        rendered[1]
    );
    let all = resolve_errors(&service_with(
        "rate_per_s = 5",
        "trace = \"traces/nope.csv\"",
    ));
    assert!(
        all[0].message.starts_with("cannot read traces/nope.csv ("),
        "{}",
        all[0]
    );
}

#[test]
fn several_errors_in_one_file_come_out_together_in_order() {
    let text = service_with("max_batch = 32", "max_batch = 0\nroutng = 1")
        .replacen("site = \"aws-use1\"", "site = \"aws-use2\"", 1)
        .replacen("rate_per_s = 5", "trace = \"traces/bad.csv\"", 1)
        + "\n[[partitions]]\na = \"aws/us-east-9\"\nat = \"1d\"\nduration = \"1h\"\n";
    let all = resolve_errors(&text);
    let got: Vec<(usize, &str)> = all.iter().map(|d| (d.line, d.path.as_str())).collect();
    assert_eq!(
        got,
        [
            (17, "services.chat.max_batch"),
            (18, "services.chat.routng"),
            (21, "services.chat.replicas[0].site"),
            (28, "services.chat.users[0].trace"),
            (28, "services.chat.users[0].trace"),
            (31, "partitions[0].a"),
        ],
        "{}",
        Diagnostics(all.clone())
    );
}

#[test]
fn profile_errors_of_the_builder_land_on_the_file_keys() {
    let text = service_with(
        "rate_per_s = 5",
        "rate_per_s = 5\nprofile = \"diurnal\"\nhourly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, \
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nweekly = [1, 1, 1, 1, 1, 1, 1]",
    ) + "\n[random_partitions]\nrate_per_year = 1\nduration_median = \"1h\"\nduration_p90 = \"2h\"\n";
    let s = parse("test.toml", &text).unwrap();
    let at = |path: &[&str]| {
        let d = s.diagnose(&[ModelError::new(path, "x")]);
        (d.0[0].line, d.0[0].column, d.0[0].path.clone())
    };
    let user = ["services", "chat", "users", "0"];
    let with = |rest: &[&'static str]| {
        let mut p: Vec<&str> = user.to_vec();
        p.extend_from_slice(rest);
        p
    };
    let rate = (27, 14, "services.chat.users[0].rate_per_s".to_owned());
    assert_eq!(at(&with(&["inner", "base_rate_per_s"])).0, rate.0);
    assert_eq!(at(&with(&["inner", "base_rate_per_s"])).1, rate.1);
    assert_eq!(at(&with(&["rate_per_s"])), rate);
    let (line, column, _) = at(&with(&["daily", "3"]));
    assert_eq!((line, column), (30, 20));
    let (line, column, _) = at(&with(&["inner", "hourly", "5"]));
    assert_eq!(
        (line, column),
        (29, 10),
        "an element falls back to its array"
    );
    let (line, column, _) = at(&["random_partitions", "p90"]);
    assert_eq!((line, column), (35, 16));
}
