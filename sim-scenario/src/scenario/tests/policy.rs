//! `[policy]`, `[failures.params]` and names looked up in the registry: what is read, and
//! where each problem is reported.

use sim_models::failure::FailureModel;
use sim_models::policy::ParamValue;
use sim_models::policy::{PolicyParams, Registry};

use super::{Diagnostics, MINIMAL, check, errors, only, parse};
use crate::resolve::{failure_model, policy_errors};

/// `MINIMAL` followed by `tail` (whose first line is line 13 of the file).
fn with(tail: &str) -> String {
    format!("{MINIMAL}{tail}")
}

/// The located errors of resolving `[policy]` and `[failures]` of `text` in `registry`.
fn name_errors(text: &str, registry: &Registry) -> Vec<super::Diagnostic> {
    let s = parse("test.toml", text).unwrap_or_else(|d| panic!("{d}"));
    let mut e = policy_errors(&s.policy, registry);
    if let Err(f) = failure_model(&s, registry) {
        e.extend(f);
    }
    s.diagnose(&e).0
}

#[test]
fn policy_section_is_read_with_its_parameters() {
    let s = parse(
        "test.toml",
        &with(
            "\n[policy]\nplacement = \"spread\"\nfailover = \"threshold\"\ndecisions = true\n\
             decision_options = 3\n\n[policy.placement_params]\nmax_share = 0.25\nlevel = \"site\"\n\
             [policy.placement_params.weights]\nh100 = 2\n\n[policy.failover_params]\n\
             max_wait = \"2h\"\n",
        ),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let p = &s.policy;
    assert_eq!(
        (p.placement.as_str(), p.failover.as_str()),
        ("spread", "threshold")
    );
    assert_eq!(p.decisions, Some(3));
    assert_eq!(
        p.placement_params.number("max_share", 0.0),
        Ok(0.25),
        "{p:?}"
    );
    assert_eq!(p.placement_params.text("level", ""), Ok("site"));
    let weights = p.placement_params.table("weights").unwrap();
    assert_eq!(weights.get("h100"), Some(&ParamValue::Number(2.0)));
    assert_eq!(
        p.failover_params,
        PolicyParams::from_pairs([("max_wait".to_owned(), ParamValue::Text("2h".to_owned()))])
    );
    assert!(
        name_errors(
            &with("\n[policy]\nplacement = \"spread\"\n"),
            &Registry::builtin()
        )
        .is_empty()
    );
}

#[test]
fn decision_options_without_decisions_keeps_none() {
    let s = parse("test.toml", &with("\n[policy]\ndecision_options = 4\n")).unwrap();
    assert_eq!(s.policy.decisions, None);
    let s = parse("test.toml", &with("\n[policy]\ndecisions = true\n")).unwrap();
    assert_eq!(s.policy.decisions, Some(8));
}

#[test]
fn policy_schema_errors_are_located() {
    let all = errors(&with(
        "\n[policy]\nplacment = \"cheapest\"\nfailover = 3\ndecisions = \"yes\"\n\
         decision_options = 0\n\n[policy.failover_params]\nquick = true\nsteps = [1, 2]\n\
         big = inf\n",
    ));
    assert_eq!(all.len(), 7, "{}", Diagnostics(all.clone()));
    // 14 [policy]  15 placment  16 failover  17 decisions  18 decision_options
    // 20 [policy.failover_params]  21 quick  22 steps  23 big
    check(
        &all[0],
        15,
        1,
        "policy.placment",
        "unknown key `placment` in [policy]",
    );
    assert_eq!(all[0].suggestion.as_deref(), Some("placement"));
    check(
        &all[1],
        16,
        12,
        "policy.failover",
        "expected a non-empty string, found an integer",
    );
    check(&all[2], 17, 13, "policy.decisions", "expected a boolean");
    check(
        &all[3],
        18,
        20,
        "policy.decision_options",
        "expected a positive integer",
    );
    check(
        &all[4],
        21,
        9,
        "policy.failover_params.quick",
        "expected a number, a string or a table of them, found a boolean",
    );
    check(
        &all[5],
        22,
        9,
        "policy.failover_params.steps",
        "found an array",
    );
    check(
        &all[6],
        23,
        7,
        "policy.failover_params.big",
        "expected a finite number",
    );
}

#[test]
fn a_key_of_policy_at_the_top_level_says_where_it_belongs() {
    let d = only(&super::minimal_with(
        "seed = 42\n",
        "seed = 42\nplacement = \"cheapest\"\n",
    ));
    check(
        &d,
        4,
        1,
        "sim.placement",
        "`placement` is a key of [policy]",
    );
}

#[test]
fn unknown_policy_names_are_reported_at_the_name_with_a_suggestion() {
    let all = name_errors(
        &with("\n[policy]\nplacement = \"cheapst\"\nfailover = \"treshold\"\n"),
        &Registry::builtin(),
    );
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        15,
        13,
        "policy.placement",
        "unknown placement policy \"cheapst\"",
    );
    assert_eq!(all[0].suggestion.as_deref(), Some("cheapest"));
    check(
        &all[1],
        16,
        12,
        "policy.failover",
        "unknown failover policy \"treshold\"",
    );
    assert_eq!(all[1].suggestion.as_deref(), Some("threshold"));
}

#[test]
fn rejected_parameters_are_reported_at_the_parameter_table() {
    let all = name_errors(
        &with(
            "\n[policy]\nplacement = \"spread\"\nfailover = \"threshold\"\n\n\
             [policy.placement_params]\nmax_shar = 0.5\n\n[policy.failover_params]\n\
             max_wait = \"soon\"\n",
        ),
        &Registry::builtin(),
    );
    assert_eq!(all.len(), 2, "{}", Diagnostics(all.clone()));
    // 18 [policy.placement_params]   21 [policy.failover_params]
    check(
        &all[0],
        18,
        9,
        "policy.placement_params",
        "unknown parameter \"max_shar\"",
    );
    assert!(
        all[0].message.contains("did you mean \"max_share\""),
        "{}",
        all[0]
    );
    check(
        &all[1],
        21,
        9,
        "policy.failover_params",
        "parameter \"max_wait\"",
    );
}

#[test]
fn parameters_of_a_policy_that_takes_none_are_rejected_even_without_a_policy_table() {
    // `first-fit` is the default; its parameters table alone is enough to be checked.
    let all = name_errors(
        &with("\n[policy.placement_params]\nx = 1\n"),
        &Registry::builtin(),
    );
    assert_eq!(all.len(), 1, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        14,
        9,
        "policy.placement_params",
        "unknown parameter \"x\"",
    );
}

/// The built-ins plus `bathtub`: `llama3-h100` at `scale` times its rates.
fn with_bathtub() -> Registry {
    let mut r = Registry::builtin();
    r.add_failure_model(
        "bathtub",
        "llama3-h100 scaled (scale)",
        |p: &PolicyParams| {
            p.only(&["scale"])?;
            let base = FailureModel::builtin("llama3-h100").ok_or("llama3-h100 is built in")?;
            Ok(FailureModel {
                name: "bathtub".into(),
                ..base.scaled(p.number("scale", 1.0)?)
            })
        },
    );
    r
}

#[test]
fn failure_models_resolve_through_the_registry_with_their_parameters() {
    let text = with(
        "\n[failures]\nmodel = \"bathtub\"\nrate_scale = 2\n\n[failures.params]\nscale = 0.5\n",
    );
    let s = parse("test.toml", &text).unwrap();
    let m = failure_model(&s, &with_bathtub()).unwrap();
    let llama = FailureModel::builtin("llama3-h100").unwrap();
    assert_eq!(m.name, "bathtub");
    let ratio = m.total_rate_per_accel_hour() / llama.total_rate_per_accel_hour();
    assert!((ratio - 1.0).abs() < 1e-12, "0.5 x 2 = 1, got {ratio}");

    // Not in the built-in registry: located at the name, with the known ones listed.
    let all = name_errors(&text, &Registry::builtin());
    assert_eq!(all.len(), 1, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        15,
        9,
        "failures.model",
        "unknown failure model \"bathtub\"",
    );
    assert!(all[0].message.contains("llama3-h100"), "{}", all[0]);

    // A parameter the model does not take: at the parameter table.
    let all = name_errors(
        &with("\n[failures]\nmodel = \"bathtub\"\n\n[failures.params]\nshape = 2\n"),
        &with_bathtub(),
    );
    assert_eq!(all.len(), 1, "{}", Diagnostics(all.clone()));
    check(
        &all[0],
        17,
        11,
        "failures.params",
        "unknown parameter \"shape\"",
    );
}

#[test]
fn built_in_failure_models_resolve_as_before() {
    for model in FailureModel::builtin_names() {
        let text = with(&format!(
            "\n[failures]\nmodel = \"{model}\"\nrate_scale = 1.5\n\n\
             [failures.categories.optics]\nscope = \"node\"\nrate_per_accel_hour = 1e-6\n\
             repair = \"4h\"\n"
        ));
        let s = parse("test.toml", &text).unwrap();
        let via_registry = failure_model(&s, &Registry::builtin()).unwrap();
        assert_eq!(
            Ok(via_registry),
            s.failures.resolve(&["failures"]),
            "{model}"
        );
    }
}
