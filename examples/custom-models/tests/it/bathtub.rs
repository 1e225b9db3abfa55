//! The bathtub failure model: parameters, categories, and the hazard the simulator's own
//! samplers produce.

use custom_models::bathtub::{BATHTUB, Bathtub};
use sim_models::failure::FailureScope;
use sim_models::policy::{ParamValue, PolicyParams};
use sim_models::sim_core::rng::{Exponential, RngStreams};
use sim_models::sim_core::time::SimTime;

fn params(pairs: &[(&str, f64)]) -> PolicyParams {
    PolicyParams::from_pairs(
        pairs
            .iter()
            .map(|&(k, v)| (k.to_owned(), ParamValue::Number(v))),
    )
}

#[test]
fn the_registry_builds_it_by_name_with_defaults_and_params() {
    let r = custom_models::registry();
    let model = r.failure_model(BATHTUB, &PolicyParams::default()).unwrap();
    let names: Vec<&str> = model.categories.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["infant-mortality", "random", "wear-out"]);
    let shapes: Vec<f64> = model.categories.iter().map(|c| c.ttf_shape).collect();
    assert_eq!(shapes, [0.5, 1.0, 5.0]);
    assert!(
        model
            .categories
            .iter()
            .all(|c| c.scope == FailureScope::Node)
    );
    // The random rate is per node; the category's is per accelerator.
    assert!((model.categories[1].rate_per_accel_hour - 1e-4 / 8.0).abs() < 1e-18);
    let custom = r
        .failure_model(BATHTUB, &params(&[("random_rate_per_h", 8e-4)]))
        .unwrap();
    assert!((custom.categories[1].rate_per_accel_hour - 1e-4).abs() < 1e-18);
}

#[test]
fn bad_params_say_what_was_expected() {
    let r = custom_models::registry();
    let err = |p: PolicyParams| r.failure_model(BATHTUB, &p).unwrap_err().message;
    let e = err(params(&[("infant_shape", 1.5)]));
    assert!(e.contains("infant_shape") && e.contains("(0, 1)"), "{e}");
    let e = err(params(&[("wearout_shape", 0.9)]));
    assert!(e.contains("wearout_shape") && e.contains("above 1"), "{e}");
    let e = err(params(&[("node_accelerators", 2.5)]));
    assert!(e.contains("whole number"), "{e}");
    let e = err(params(&[("repair_p90_h", 1.0)]));
    assert!(e.contains("repair_median_h"), "{e}");
    let e = err(params(&[("infant_scale", 1.0)]));
    assert!(e.contains("did you mean \"infant_scale_h\""), "{e}");
    let e = err(PolicyParams::from_pairs([(
        "infant_shape".to_owned(),
        ParamValue::Text("low".into()),
    )]));
    assert!(e.contains("must be a number"), "{e}");
}

#[test]
fn the_hazard_is_a_bathtub() {
    let b = Bathtub::default();
    let h = |t: f64| b.hazard_per_h(t);
    // Falling through the first months, flat in mid-life, rising at the end of life.
    assert!(h(24.0) > h(168.0) && h(168.0) > h(720.0) && h(720.0) > h(5_000.0));
    let bottom = (1..100)
        .map(|i| f64::from(i) * 500.0)
        .min_by(|a, b| h(*a).total_cmp(&h(*b)))
        .unwrap();
    assert!(
        (10_000.0..35_000.0).contains(&bottom),
        "bottom at {bottom} h"
    );
    assert!(h(50_000.0) > 2.0 * h(bottom));
    // The integral matches the hazard (midpoint rule over the first month).
    let steps = 100_000;
    let dt = 720.0 / f64::from(steps);
    let integral: f64 = (0..steps).map(|i| h((f64::from(i) + 0.5) * dt) * dt).sum();
    assert!((integral / b.expected_failures(0.0, 720.0) - 1.0).abs() < 0.01);
}

/// Failures per node-hour at each age band, estimated from `nodes` first failures drawn
/// with fabricsim's own samplers: the Weibull categories through `WeibullRenewal` (one
/// timer per node), the exponential one at its per-node rate.
fn empirical_hazard(b: &Bathtub, bands: &[(f64, f64)], nodes: u64) -> Vec<f64> {
    let model = b.model().unwrap();
    let node_size = b.node_accelerators;
    let renewal = model.weibull_renewal(node_size);
    let random =
        Exponential::new(1.0 / (f64::from(node_size) * model.categories[1].rate_per_accel_hour))
            .unwrap();
    let streams = RngStreams::new(11);
    let mut failures = vec![0.0; bands.len()];
    let mut exposure = vec![0.0; bands.len()];
    for node in 0..nodes {
        let mut rng = streams.stream_indexed("test/bathtub/node", node);
        let draw = renewal
            .next(SimTime::ZERO, 0..node_size, &mut rng)
            .expect("Weibull categories fire");
        let weibull_h = draw.at.since_start().as_hours_f64();
        let ttf_h = weibull_h.min(random.sample(&mut rng));
        for (i, &(from, to)) in bands.iter().enumerate() {
            exposure[i] += (ttf_h.clamp(from, to) - from).max(0.0);
            if (from..to).contains(&ttf_h) {
                failures[i] += 1.0;
            }
        }
    }
    failures.iter().zip(&exposure).map(|(f, e)| f / e).collect()
}

#[test]
fn simulated_nodes_fail_more_in_their_first_weeks_and_when_worn_out_than_in_mid_life() {
    // A lower random rate than the default, so that enough nodes live to wear out.
    let b = Bathtub {
        random_rate_per_h: 2e-5,
        ..Bathtub::default()
    };
    let bands = [(0.0, 336.0), (5_000.0, 15_000.0), (40_000.0, 60_000.0)];
    let got = empirical_hazard(&b, &bands, 200_000);
    let (early, mid, late) = (got[0], got[1], got[2]);
    assert!(
        early > 2.0 * mid,
        "early {early} vs mid-life {mid} per node-hour"
    );
    assert!(
        late > 2.0 * mid,
        "worn out {late} vs mid-life {mid} per node-hour"
    );
    // And the samplers follow the analytic hazard: the mean over each band of a
    // first-failure process is expected failures / expected exposure; early and mid-life
    // bands have plenty of survivors, so compare with the hazard's band average.
    for (i, &(from, to)) in bands[..2].iter().enumerate() {
        let analytic = b.expected_failures(from, to) / (to - from);
        assert!(
            (got[i] / analytic - 1.0).abs() < 0.1,
            "band {from}-{to} h: simulated {} vs analytic {analytic}",
            got[i]
        );
    }
}
