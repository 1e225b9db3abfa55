//! Random failures: the Llama 3 parameter set, the superposed Poisson sampler, Weibull
//! renewals, rate scaling and scenario resolution.
//!
//! Statistical checks use fixed seeds, so they pass or fail deterministically; each
//! tolerance is 4 standard deviations of the checked estimator, computed from Poisson
//! or binomial variance (a correct sampler fails one check in ~16,000 seed choices).

use sim_models::catalog::Catalog;
use sim_models::failure::*;
use sim_models::sim_core::rng::{DurationDist, LogNormal, RngStreams};
use sim_models::sim_core::time::{SimDuration, SimTime};
use sim_models::testing;
use sim_models::topology::{AcceleratorId, FailureDomain, uniform_h100_spec};

/// The Llama 3 snapshot: 16,384 H100s for 54 days.
const GPUS: u32 = 16_384;
const DAYS: u64 = 54;
const GPU_HOURS: f64 = 16_384.0 * 54.0 * 24.0;

/// Llama 3 paper Table 5, unexpected interruptions by category (419 in all).
const PAPER_COUNTS: [(&str, u32); 18] = [
    ("faulty-gpu", 148),
    ("gpu-hbm3", 72),
    ("software-bug", 54),
    ("network-switch-cable", 35),
    ("host-maintenance", 32),
    ("gpu-sram", 19),
    ("gpu-system-processor", 17),
    ("nic", 7),
    ("nccl-watchdog", 7),
    ("silent-data-corruption", 6),
    ("gpu-thermal-sensor", 6),
    ("ssd", 3),
    ("power-supply", 3),
    ("server-chassis", 2),
    ("io-expansion-board", 2),
    ("dependency", 2),
    ("cpu", 2),
    ("system-memory", 2),
];

fn llama3() -> FailureModel {
    FailureModel::builtin("llama3-h100").expect("built-in model")
}

/// Failures per category of one run of `sampler` over `[0, days)`, thinning nothing.
fn run_counts(sampler: &PoissonFailures, categories: usize, days: u64, seed: u64) -> Vec<u64> {
    let end = SimTime::ZERO + SimDuration::from_days(days);
    let mut rng = RngStreams::new(seed).stream("failure/cluster/test");
    let mut counts = vec![0; categories];
    let mut now = SimTime::ZERO;
    while let Some(draw) = sampler.next(now, &mut rng) {
        if draw.at >= end {
            break;
        }
        assert!(sampler.population().contains(&draw.victim));
        counts[draw.category] += 1;
        now = draw.at;
    }
    counts
}

#[test]
fn llama3_reproduces_the_paper_counts_in_expectation() {
    let model = llama3();
    assert_eq!(model.categories.len(), PAPER_COUNTS.len());
    for (name, count) in PAPER_COUNTS {
        let c = &model.categories[model.category_index(name).expect(name)];
        let expected = c.rate_per_accel_hour * GPU_HOURS;
        assert!(
            (expected - f64::from(count)).abs() < 0.01,
            "{name}: {expected} expected, paper {count}"
        );
        assert!(c.provenance.contains("arXiv 2407.21783"), "{name}");
        assert!(c.is_exponential(), "{name}: the paper gives no TTF shape");
    }
    let total = model.expected_failures(GPUS, GPU_HOURS / f64::from(GPUS));
    assert!((total - 419.0).abs() < 0.01, "{total}");
    // "One failure every three hours" (54 × 24 / 419 = 3.09 h).
    assert!((model.mtbf_hours(GPUS) - 3.093).abs() < 0.001);
    assert!(FailureModel::builtin_names().contains(&"none"));
    assert_eq!(
        FailureModel::builtin("none")
            .unwrap()
            .total_rate_per_accel_hour(),
        0.0
    );
}

#[test]
fn llama3_scope_follows_the_component() {
    for c in &llama3().categories {
        let expected = match c.component.as_str() {
            "GPU" => FailureScope::Accelerator,
            "Network" => FailureScope::Rack,
            _ => FailureScope::Node,
        };
        assert_eq!(c.scope, expected, "{}", c.name);
        assert!(c.provenance.contains("estimate"), "{}", c.name);
    }
}

#[test]
fn poisson_sampler_matches_the_llama3_count_and_mix() {
    let model = llama3();
    let sampler = model.poisson(0..GPUS);
    assert!((sampler.rate_per_hour() * 54.0 * 24.0 - 419.0).abs() < 0.01);
    const SEEDS: u64 = 200;
    let mut totals = vec![0u64; model.categories.len()];
    for seed in 0..SEEDS {
        for (t, c) in
            totals
                .iter_mut()
                .zip(run_counts(&sampler, model.categories.len(), DAYS, seed))
        {
            *t += c;
        }
    }
    let all: u64 = totals.iter().sum();
    // Mean of 200 Poisson(419) counts: sd sqrt(419 / 200) = 1.45, tolerance 4 sd = 5.8.
    let mean = all as f64 / SEEDS as f64;
    let tolerance = 4.0 * (419.0 / SEEDS as f64).sqrt();
    assert!(
        (mean - 419.0).abs() < tolerance,
        "mean {mean} vs 419 ± {tolerance}"
    );
    // Given the total, each category's count is binomial(all, share).
    let rate = model.total_rate_per_accel_hour();
    for (c, &got) in model.categories.iter().zip(&totals) {
        let p = c.rate_per_accel_hour / rate;
        let n = all as f64;
        let tol = 4.0 * (n * p * (1.0 - p)).sqrt();
        assert!(
            (got as f64 - n * p).abs() < tol,
            "{}: {got} vs {} ± {tol}",
            c.name,
            n * p
        );
    }
}

#[test]
fn victims_are_uniform_over_the_range_and_draws_are_reproducible() {
    let sampler = llama3().poisson(1_000..3_000);
    let mut rng = RngStreams::new(7).stream("failure/cluster/a");
    let mut again = RngStreams::new(7).stream("failure/cluster/a");
    let mut now = SimTime::ZERO;
    let (mut low, n) = (0u32, 20_000);
    for _ in 0..n {
        let draw = sampler.next(now, &mut rng).unwrap();
        assert_eq!(Some(draw), sampler.next(now, &mut again));
        assert!((1_000..3_000).contains(&draw.victim));
        assert!(draw.at >= now);
        low += u32::from(draw.victim < 2_000);
        now = draw.at;
    }
    // Half the range: binomial(20000, 0.5), sd 70.7.
    assert!((f64::from(low) - 10_000.0).abs() < 4.0 * 70.7, "{low}");
}

#[test]
fn rate_scale_doubles_the_count() {
    let spec = FailureSpec {
        rate_scale: 2.0,
        ..FailureSpec::builtin("llama3-h100")
    };
    let model = spec.resolve(&["failures"]).expect("valid spec");
    let expected = model.expected_failures(GPUS, 54.0 * 24.0);
    assert!((expected - 838.0).abs() < 0.02, "{expected}");
    const SEEDS: u64 = 50;
    let sampler = model.poisson(0..GPUS);
    let all: u64 = (0..SEEDS)
        .map(|s| {
            run_counts(&sampler, model.categories.len(), DAYS, 1_000 + s)
                .iter()
                .sum::<u64>()
        })
        .sum();
    // Mean of 50 Poisson(838) counts: sd sqrt(838 / 50) = 4.1.
    let mean = all as f64 / SEEDS as f64;
    assert!(
        (mean - 838.0).abs() < 4.0 * (838.0 / SEEDS as f64).sqrt(),
        "{mean}"
    );
}

/// A model of one Weibull category (node scope) and one exponential one.
fn weibull_model(shape: f64, rate: f64) -> FailureModel {
    let repair = DurationDist::from(SimDuration::from_hours(1));
    FailureModel {
        name: "test".into(),
        categories: vec![
            FailureCategory::new("exp", FailureScope::Node, 1e-5, repair.clone()),
            FailureCategory {
                ttf_shape: shape,
                ..FailureCategory::new("wear", FailureScope::Node, rate, repair)
            },
        ],
    }
}

#[test]
fn weibull_renewal_mean_ttf_is_the_inverse_rate() {
    let rate = 1e-4;
    for shape in [0.7, 1.5] {
        let model = weibull_model(shape, rate);
        let renewal = model.weibull_renewal(8);
        assert!(!renewal.is_empty());
        let mut rng = RngStreams::new(3).stream_indexed("failure/node", 5);
        let n = 20_000;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for _ in 0..n {
            let draw = renewal.next(SimTime::ZERO, 8..16, &mut rng).unwrap();
            assert_eq!(draw.category, 1, "only the Weibull category renews");
            assert!((8..16).contains(&draw.victim));
            let h = draw.at.as_secs_f64() / 3600.0;
            sum += h;
            sum_sq += h * h;
        }
        let mean = sum / f64::from(n);
        let sd = (sum_sq / f64::from(n) - mean * mean).sqrt();
        let target = 1.0 / (8.0 * rate);
        let tol = 4.0 * sd / f64::from(n).sqrt();
        assert!(
            (mean - target).abs() < tol,
            "shape {shape}: mean {mean} h vs {target} ± {tol}"
        );
        // The Poisson sampler takes the exponential category only.
        let draw = model.poisson(0..8).next(SimTime::ZERO, &mut rng).unwrap();
        assert_eq!(draw.category, 0);
    }
    assert!(llama3().weibull_renewal(8).is_empty());
}

#[test]
fn repair_times_follow_the_category() {
    let model = llama3();
    let gpu = model.category_index("faulty-gpu").unwrap();
    let bug = model.category_index("software-bug").unwrap();
    let mut rng = RngStreams::new(11).stream("repair/cluster/test");
    let n = 4_000;
    let mut below_median = 0;
    for _ in 0..n {
        if model.sample_repair(gpu, &mut rng) < SimDuration::from_hours(24) {
            below_median += 1;
        }
        assert!(model.sample_repair(bug, &mut rng) < SimDuration::from_days(1));
    }
    // Binomial(4000, 0.5): sd 31.6.
    assert!(
        (f64::from(below_median) - 2_000.0).abs() < 4.0 * 31.6,
        "{below_median}"
    );
}

#[test]
fn unknown_model_name_suggests_the_nearest() {
    let errors = FailureSpec::builtin("llama3-h10")
        .resolve(&["failures"])
        .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].dotted_path(), "failures.model");
    assert_eq!(errors[0].suggestion.as_deref(), Some("llama3-h100"));
    assert!(errors[0].message.contains("none, llama3-h100"));

    let bad_scale = FailureSpec {
        rate_scale: -1.0,
        ..FailureSpec::default()
    };
    let errors = bad_scale.resolve(&["failures"]).unwrap_err();
    assert_eq!(errors[0].dotted_path(), "failures.rate_scale");
}

#[test]
fn explicit_categories_replace_or_extend_the_model() {
    let repair = DurationDist::from(LogNormal::from_median_p90(600.0, 1_800.0).unwrap());
    let spec = FailureSpec {
        categories: vec![
            FailureCategory::new("faulty-gpu", FailureScope::Node, 1e-5, repair.clone()),
            FailureCategory::new("cosmic-ray", FailureScope::Accelerator, 2e-6, repair),
        ],
        ..FailureSpec::builtin("llama3-h100")
    };
    let model = spec.resolve(&["failures"]).unwrap();
    assert_eq!(model.categories.len(), 19);
    let gpu = &model.categories[model.category_index("faulty-gpu").unwrap()];
    assert_eq!(
        (gpu.scope, gpu.rate_per_accel_hour),
        (FailureScope::Node, 1e-5)
    );
    assert_eq!(model.categories[18].name, "cosmic-ray");

    // No failures at all: the sampler never fires.
    let none = FailureSpec::default().resolve(&[]).unwrap();
    let mut rng = RngStreams::new(1).stream("failure/cluster/x");
    assert_eq!(none.poisson(0..GPUS).next(SimTime::ZERO, &mut rng), None);
    assert!(none.mtbf_hours(GPUS).is_infinite());
}

#[test]
fn scope_widens_the_victim_to_its_domain() {
    let catalog = Catalog::builtin();
    let fabric = uniform_h100_spec(&catalog, 1_024, 1)
        .unwrap()
        .build(&catalog)
        .unwrap();
    let victim = AcceleratorId(100);
    assert_eq!(
        FailureScope::Accelerator.domain(&fabric, victim),
        FailureDomain::Accelerator(victim)
    );
    assert_eq!(
        FailureScope::Node.domain(&fabric, victim),
        FailureDomain::Node(fabric.node_of(victim))
    );
    assert_eq!(
        FailureScope::Rack.domain(&fabric, victim),
        FailureDomain::Rack(fabric.rack_of(victim))
    );
}

/// Issue 9: rates scale per accelerator kind. Only accelerator-scope categories scale, H100
/// keeps its rates bit for bit, a scenario can override a kind's factor, and a cluster's
/// expected failures per hour follow its kind.
#[test]
fn r9_failure_rates_scale_per_accelerator_kind() {
    let mut catalog = Catalog::builtin();
    let m = llama3();
    let kind = |c: &Catalog, k| c.failure_rate_factor(c.accelerator_id(k).unwrap());
    assert_eq!(m.for_kind(kind(&catalog, "h100")), m);
    let b200 = m.for_kind(kind(&catalog, "b200"));
    for (a, b) in m.categories.iter().zip(&b200.categories) {
        let expected = if a.scope == FailureScope::Accelerator {
            a.rate_per_accel_hour * kind(&catalog, "b200")
        } else {
            a.rate_per_accel_hour
        };
        assert_eq!(b.rate_per_accel_hour, expected, "{}", a.name);
        assert_eq!(a.repair, b.repair);
    }
    // The accelerator-scope categories are the Llama 3 GPU component: 268 of 419.
    let gpu: f64 = m
        .categories
        .iter()
        .filter(|c| c.scope == FailureScope::Accelerator)
        .map(|c| c.rate_per_accel_hour)
        .sum();
    assert!((gpu * GPU_HOURS - 268.0).abs() < 1e-2);

    let fabric = |catalog: &Catalog, kind: &str| {
        let cluster = sim_models::topology::ClusterSpec {
            node_size: Some(8),
            ..testing::cluster("c", kind, 1_024)
        };
        testing::fabric(
            catalog,
            vec![testing::site("s", "aws", "us-east-1", 100.0, vec![cluster])],
        )
    };
    let id = sim_models::topology::ClusterId(0);
    let h100 = m.cluster_failures_per_hour(&fabric(&catalog, "h100"), &catalog, id);
    assert_eq!(h100, m.expected_failures(1_024, 1.0));
    let f = kind(&catalog, "b200");
    let b = m.cluster_failures_per_hour(&fabric(&catalog, "b200"), &catalog, id);
    let expected = 1_024.0 * (m.total_rate_per_accel_hour() + (f - 1.0) * gpu);
    assert!((b / expected - 1.0).abs() < 1e-12, "{b} vs {expected}");
    // The sampler of the cluster's model runs at the same rate (all categories exponential).
    let model = m.for_cluster(&fabric(&catalog, "b200"), &catalog, id);
    assert!((model.poisson(0..1_024).rate_per_hour() / b - 1.0).abs() < 1e-12);

    // A scenario's override, through the catalog overrides.
    let overrides = sim_models::catalog::CatalogOverrides {
        failure_rate_factors: vec![("tpu-v5p".into(), 0.5), ("h10".into(), 1.0)],
        source: "scenario t.toml".into(),
        ..Default::default()
    };
    let errors = catalog.apply(&overrides).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].suggestion.as_deref(), Some("h100"));
    let overrides = sim_models::catalog::CatalogOverrides {
        failure_rate_factors: vec![("tpu-v5p".into(), 0.5)],
        source: "scenario t.toml".into(),
        ..Default::default()
    };
    catalog.apply(&overrides).unwrap();
    assert_eq!(kind(&catalog, "tpu-v5p"), 0.5);
    let v5p = catalog.accelerator_id("tpu-v5p").unwrap();
    assert_eq!(
        catalog.failure_rate_factor_provenance(v5p).unwrap().source,
        "scenario t.toml"
    );
    let bad = sim_models::catalog::CatalogOverrides {
        failure_rate_factors: vec![("h100".into(), -1.0)],
        ..Default::default()
    };
    let errors = catalog.apply(&bad).unwrap_err();
    assert_eq!(
        errors[0].dotted_path(),
        "catalog.accelerators.h100.failure_rate_factor"
    );
}
