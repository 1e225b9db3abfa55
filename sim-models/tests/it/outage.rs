//! Correlated outages and maintenance: scope keys, background rates, streams, schedules.

use sim_models::ModelError;
use sim_models::catalog::Catalog;
use sim_models::outage::*;
use sim_models::sim_core::rng::{DurationDist, RngStreams};
use sim_models::sim_core::time::{SimDuration, SimTime};
use sim_models::testing;
use sim_models::topology::*;

const DAY: SimDuration = SimDuration::DAY;

fn at(days: u64) -> SimTime {
    SimTime::ZERO + DAY * days
}

/// One site per (name, cloud, region), each with one 1 024-GPU H100 cluster `h100-a`
/// (8 per node, 4 nodes per rack: 32 racks).
fn fabric(sites: &[(&str, &str, &str)]) -> Fabric {
    let sites = sites
        .iter()
        .map(|&(name, cloud, region)| {
            let cluster = testing::cluster("h100-a", "h100", 1024);
            testing::site(name, cloud, region, 100.0, vec![cluster])
        })
        .collect();
    testing::fabric(&Catalog::builtin(), sites)
}

fn two_regions() -> Fabric {
    fabric(&[
        ("aws-use1", "aws", "us-east-1"),
        ("aws-usw2", "aws", "us-west-2"),
        ("gcp-usc1", "gcp", "us-central1"),
    ])
}

fn scripted(scope: &str, day: u64, duration: &str) -> ScriptedOutageSpec {
    ScriptedOutageSpec {
        scope: scope.into(),
        at: at(day),
        duration: duration.parse().expect("duration"),
    }
}

fn build(
    fabric: &Fabric,
    horizon: SimTime,
    scripted: &[ScriptedOutageSpec],
    background: &[BackgroundOutageSpec],
    maintenance: &[MaintenanceSpec],
    seed: u64,
) -> Result<OutagePlan, Vec<ModelError>> {
    OutagePlan::build(
        fabric,
        horizon,
        scripted,
        background,
        maintenance,
        &RngStreams::new(seed),
    )
}

fn background(
    fabric: &Fabric,
    horizon: SimTime,
    spec: BackgroundOutageSpec,
    seed: u64,
) -> OutagePlan {
    build(fabric, horizon, &[], &[spec], &[], seed).expect("valid background spec")
}

/// (domain key, start, duration) of every outage: comparable across fabrics whose ids differ.
fn keyed(fabric: &Fabric, plan: &OutagePlan) -> Vec<(String, SimTime, SimDuration)> {
    plan.outages()
        .iter()
        .map(|o| (fabric.domain_key(o.domain), o.start, o.duration))
        .collect()
}

#[test]
fn scripted_scopes_resolve_at_every_level() {
    let f = two_regions();
    let keys = [
        "cloud:aws",
        "region:aws/us-east-1",
        "site:aws-usw2",
        "cluster:gcp-usc1/h100-a",
        "rack:aws-use1/h100-a/31",
        "node:aws-use1/h100-a/0",
    ];
    let specs: Vec<_> = keys.iter().map(|k| scripted(k, 12, "6h")).collect();
    let plan = build(&f, at(30), &specs, &[], &[], 1).expect("all keys valid");
    assert_eq!(plan.len(), keys.len());
    assert_eq!(plan.count(OutageKind::Scripted), keys.len());
    for o in plan.outages() {
        assert_eq!(fabric_key_of(&f, o), keys[o.spec as usize]);
        assert_eq!((o.start, o.duration), (at(12), SimDuration::from_hours(6)));
        assert_eq!(o.end(), at(12) + SimDuration::from_hours(6));
    }
    // Equal starts tie-break by kind, then spec index.
    let specs: Vec<u32> = plan.outages().iter().map(|o| o.spec).collect();
    assert_eq!(specs, [0, 1, 2, 3, 4, 5]);
}

fn fabric_key_of(f: &Fabric, o: &Outage) -> String {
    f.domain_key(o.domain)
}

#[test]
fn scripted_scope_errors_say_where_and_suggest() {
    let f = two_regions();
    let specs = [
        scripted("region:aws/us-east1", 1, "6h"),
        scripted("reigon:aws/us-east-1", 1, "6h"),
        scripted("rack:aws-use1/h100-a/32", 1, "6h"),
        scripted("rack:aws-use1/h100a/3", 1, "6h"),
        scripted("site:aws-use1", 1, "0s"),
        scripted("cluster:aws-use1/h100-b", 1, "1h"),
    ];
    let errors = build(&f, at(30), &specs, &[], &[], 1).expect_err("invalid scopes");
    let paths: Vec<String> = errors.iter().map(ModelError::dotted_path).collect();
    assert_eq!(
        paths,
        [
            "outages.0.scope",
            "outages.1.scope",
            "outages.2.scope",
            "outages.3.scope",
            "outages.4.duration",
            "outages.5.scope",
        ]
    );
    let suggestions: Vec<Option<&str>> = errors.iter().map(|e| e.suggestion.as_deref()).collect();
    assert_eq!(
        suggestions,
        [
            Some("region:aws/us-east-1"),
            Some("region:aws/us-east-1"),
            None,
            Some("rack:aws-use1/h100-a/3"),
            None,
            Some("cluster:aws-use1/h100-a"),
        ]
    );
    assert!(
        errors[0].message.contains("region:aws/us-west-2"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].message.contains("<level>:<name>"),
        "{}",
        errors[1]
    );
    assert!(errors[2].message.contains("0..32"), "{}", errors[2]);
}

#[test]
fn overlapping_outages_of_one_domain_are_kept() {
    let f = two_regions();
    let plan = build(
        &f,
        at(30),
        &[
            scripted("region:aws/us-east-1", 3, "2d"),
            scripted("region:aws/us-east-1", 4, "6h"),
        ],
        &[],
        &[],
        1,
    )
    .expect("overlaps are valid");
    let region = f.domain_by_key("region:aws/us-east-1").expect("region");
    assert_eq!(plan.of_domain(region).count(), 2);
}

#[test]
fn calibrated_defaults_match_the_documented_numbers() {
    let hours = |spec: &BackgroundOutageSpec| spec.duration.mean_secs() / 3600.0;
    let cloud = BackgroundOutageSpec::calibrated(OutageLevel::Cloud);
    let region = BackgroundOutageSpec::calibrated(OutageLevel::Region);
    let site = BackgroundOutageSpec::calibrated(OutageLevel::Site);
    let rack = BackgroundOutageSpec::calibrated(OutageLevel::Rack);
    assert!((cloud.rate_per_year - 0.1875).abs() < 1e-4);
    assert!((region.rate_per_year - 0.4167).abs() < 1e-4);
    assert!((site.rate_per_year - 0.00198).abs() < 1e-5);
    assert!((rack.rate_per_year - 0.1155).abs() < 1e-4);
    assert!((hours(&cloud) - 1.54).abs() < 0.01, "{}", hours(&cloud));
    assert!((hours(&region) - 5.60).abs() < 0.01, "{}", hours(&region));
    assert!(hours(&site) > 480.0 && hours(&rack) > 4.0);
    for level in OutageLevel::ALL {
        let spec = BackgroundOutageSpec::calibrated(level);
        assert_eq!(spec.level, level);
        assert_eq!(OutageLevel::from_name(level.name()), Some(level));
    }
}

/// Region level: 3 regions x 40 years x 100 seeds at 0.4167 per region-year gives an
/// expected 5 000 outages (Poisson, standard deviation 71, 1.4 %); the count must fall
/// within 4 standard deviations. The mean duration (log-normal, CV 1.24, so a standard
/// error of 1.8 % over 5 000 draws) must be within 4 standard errors of 5.60 h.
#[test]
fn background_rate_reproduces_the_calibrated_rate() {
    let f = two_regions();
    let spec = BackgroundOutageSpec::calibrated(OutageLevel::Region);
    let years = 40.0;
    let horizon = SimTime::ZERO + SimDuration::from_hours(8760 * 40);
    let (mut count, mut hours) = (0usize, 0.0);
    for seed in 0..100 {
        let plan = background(&f, horizon, spec.clone(), seed);
        assert_eq!(plan.count(OutageKind::Background), plan.len());
        for o in plan.outages() {
            assert!(matches!(o.domain, FailureDomain::Region(_)));
            assert!(o.start < horizon);
            count += 1;
            hours += o.duration.as_hours_f64();
        }
    }
    let expected = spec.rate_per_year * 3.0 * years * 100.0;
    assert!(
        (count as f64 - expected).abs() < 4.0 * expected.sqrt(),
        "{count} outages, expected {expected:.0}"
    );
    let mean_h = hours / count as f64;
    let want_h = spec.duration.mean_secs() / 3600.0;
    assert!(
        (mean_h / want_h - 1.0).abs() < 4.0 * 1.24 / (count as f64).sqrt(),
        "mean {mean_h:.2} h, expected {want_h:.2} h"
    );
}

/// Rack level on 96 racks over 30 years x 20 seeds at 0.1155 per rack-year: an expected
/// 6 652 outages (standard deviation 82, 1.2 %), within 4 standard deviations.
#[test]
fn rack_background_covers_every_rack_at_the_calibrated_rate() {
    let f = two_regions();
    let spec = BackgroundOutageSpec::calibrated(OutageLevel::Rack);
    let horizon = SimTime::ZERO + SimDuration::from_hours(8760 * 30);
    let mut count = 0usize;
    let mut hit = vec![false; f.rack_count() as usize];
    for seed in 0..20 {
        for o in background(&f, horizon, spec.clone(), seed).outages() {
            let FailureDomain::Rack(r) = o.domain else {
                panic!("rack process produced {:?}", o.domain)
            };
            hit[r.0 as usize] = true;
            count += 1;
        }
    }
    let expected = spec.rate_per_year * f64::from(f.rack_count()) * 30.0 * 20.0;
    assert!(
        (count as f64 - expected).abs() < 4.0 * expected.sqrt(),
        "{count} outages, expected {expected:.0}"
    );
    assert!(
        hit.iter().all(|&h| h),
        "every rack fails at least once in 600 rack-years"
    );
}

#[test]
fn durations_are_positive_and_outages_sorted() {
    let f = two_regions();
    // Exponential repairs with a 1 ms mean: draws below the 1 s floor are rounded up.
    let tiny = BackgroundOutageSpec {
        level: OutageLevel::Site,
        rate_per_year: 50.0,
        duration: DurationDist::from(
            sim_models::sim_core::rng::Exponential::new(0.001).expect("valid"),
        ),
    };
    let specs: Vec<_> = OutageLevel::ALL
        .into_iter()
        .map(BackgroundOutageSpec::calibrated)
        .chain([tiny])
        .collect();
    let plan = build(
        &f,
        at(365),
        &[scripted("cloud:gcp", 5, "1h")],
        &specs,
        &[],
        3,
    )
    .expect("valid");
    assert!(plan.count(OutageKind::Background) > 100);
    assert!(plan.outages().iter().all(|o| o.duration >= MIN_OUTAGE));
    assert!(plan.outages().windows(2).all(|w| w[0].start <= w[1].start));
}

#[test]
fn same_seed_same_plan_and_another_seed_differs() {
    let f = two_regions();
    let specs: Vec<_> = OutageLevel::ALL
        .into_iter()
        .map(BackgroundOutageSpec::calibrated)
        .collect();
    let horizon = at(3650);
    let a = build(&f, horizon, &[], &specs, &[], 42).expect("valid");
    let b = build(&f, horizon, &[], &specs, &[], 42).expect("valid");
    let c = build(&f, horizon, &[], &specs, &[], 43).expect("valid");
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn adding_a_region_leaves_other_regions_outages_unchanged() {
    let specs: Vec<_> = OutageLevel::ALL
        .into_iter()
        .map(BackgroundOutageSpec::calibrated)
        .collect();
    let horizon = at(3650);
    let before = two_regions();
    // A new site in a new region, declared first so every site, cluster and rack id shifts.
    let after = fabric(&[
        ("aws-euw1", "aws", "eu-west-1"),
        ("aws-use1", "aws", "us-east-1"),
        ("aws-usw2", "aws", "us-west-2"),
        ("gcp-usc1", "gcp", "us-central1"),
    ]);
    let old = keyed(
        &before,
        &build(&before, horizon, &[], &specs, &[], 9).expect("valid"),
    );
    let new = keyed(
        &after,
        &build(&after, horizon, &[], &specs, &[], 9).expect("valid"),
    );
    let new_elsewhere: Vec<_> = new
        .iter()
        .filter(|(k, ..)| !k.contains("eu-west-1") && !k.contains("aws-euw1"))
        .cloned()
        .collect();
    assert!(old.iter().any(|(k, ..)| k.starts_with("region:")));
    assert_eq!(old, new_elsewhere);
    assert!(
        new.len() > new_elsewhere.len(),
        "the new site's racks fail too"
    );
}

#[test]
fn a_second_spec_of_one_level_draws_independently() {
    let f = two_regions();
    let spec = BackgroundOutageSpec::calibrated(OutageLevel::Region);
    let plan = build(&f, at(36500), &[], &[spec.clone(), spec], &[], 5).expect("valid");
    let of = |i| -> Vec<_> {
        plan.outages()
            .iter()
            .filter(|o| o.spec == i)
            .map(|o| (o.domain, o.start))
            .collect()
    };
    assert!(!of(0).is_empty());
    assert_ne!(of(0), of(1));
}

fn llama3_maintenance(spread: Spread) -> MaintenanceSpec {
    MaintenanceSpec {
        scope: "cluster:aws-use1/h100-a".into(),
        cadence: MaintenanceCadence::Count(47),
        duration: SimDuration::from_mins(30),
        first_at: SimTime::ZERO,
        spread,
    }
}

#[test]
fn maintenance_47_windows_evenly_over_54_days() {
    let f = two_regions();
    let plan = build(&f, at(54), &[], &[], &[llama3_maintenance(Spread::Even)], 1).expect("valid");
    assert_eq!(plan.count(OutageKind::Planned), 47);
    let cluster = f.domain_by_key("cluster:aws-use1/h100-a").expect("cluster");
    let starts: Vec<u64> = plan
        .of_domain(cluster)
        .map(|o| o.start.as_nanos())
        .collect();
    assert_eq!(starts.len(), 47);
    assert_eq!(starts[0], 0);
    let gap = at(54).as_nanos() as f64 / 47.0; // 27.57 h
    for (k, s) in starts.iter().enumerate() {
        assert!(
            (*s as f64 - k as f64 * gap).abs() <= 1.0,
            "window {k} at {s} ns"
        );
    }
    assert!(
        plan.outages()
            .iter()
            .all(|o| o.duration == SimDuration::from_mins(30))
    );
}

#[test]
fn random_maintenance_stays_in_its_slots_and_is_reproducible() {
    let f = two_regions();
    let spec = llama3_maintenance(Spread::Random);
    let a = build(&f, at(54), &[], &[], std::slice::from_ref(&spec), 1).expect("valid");
    let b = build(&f, at(54), &[], &[], std::slice::from_ref(&spec), 1).expect("valid");
    let even = build(&f, at(54), &[], &[], &[llama3_maintenance(Spread::Even)], 1).expect("valid");
    assert_eq!(a, b);
    assert_eq!(a.len(), 47);
    assert_ne!(a, even);
    let gap = at(54).as_nanos() / 47 + 1;
    for (k, (r, e)) in a.outages().iter().zip(even.outages()).enumerate() {
        assert!(r.start >= e.start, "window {k}");
        assert!(r.start.as_nanos() - e.start.as_nanos() < gap, "window {k}");
    }
}

#[test]
fn maintenance_every_week_and_its_errors() {
    let f = two_regions();
    let weekly = MaintenanceSpec {
        scope: "site:gcp-usc1".into(),
        cadence: MaintenanceCadence::Every(SimDuration::WEEK),
        duration: SimDuration::from_hours(4),
        first_at: at(2),
        spread: Spread::Even,
    };
    let plan = build(&f, at(30), &[], &[], std::slice::from_ref(&weekly), 1).expect("valid");
    let days: Vec<u64> = plan
        .outages()
        .iter()
        .map(|o| o.start.as_nanos() / DAY.as_nanos())
        .collect();
    assert_eq!(days, [2, 9, 16, 23]);

    let bad = [
        MaintenanceSpec {
            cadence: MaintenanceCadence::Every(SimDuration::ZERO),
            ..weekly.clone()
        },
        MaintenanceSpec {
            cadence: MaintenanceCadence::Count(0),
            scope: "site:gcp-usc2".into(),
            ..weekly.clone()
        },
        MaintenanceSpec {
            first_at: at(30),
            duration: SimDuration::ZERO,
            ..weekly
        },
    ];
    let errors = build(&f, at(30), &[], &[], &bad, 1).expect_err("invalid");
    let paths: Vec<String> = errors.iter().map(ModelError::dotted_path).collect();
    assert_eq!(
        paths,
        [
            "maintenance.0.every",
            "maintenance.1.scope",
            "maintenance.1.count",
            "maintenance.2.duration",
            "maintenance.2.first_at",
        ]
    );
    assert_eq!(errors[1].suggestion.as_deref(), Some("site:gcp-usc1"));
}

#[test]
fn background_rate_errors_and_zero_rate() {
    let f = two_regions();
    let region = BackgroundOutageSpec::calibrated(OutageLevel::Region);
    let off = BackgroundOutageSpec {
        rate_per_year: 0.0,
        ..region.clone()
    };
    assert!(background(&f, at(3650), off, 1).is_empty());
    let bad = [
        BackgroundOutageSpec {
            rate_per_year: f64::NAN,
            ..region.clone()
        },
        BackgroundOutageSpec {
            rate_per_year: 1e12,
            level: OutageLevel::Rack,
            ..region.clone()
        },
        BackgroundOutageSpec {
            duration: SimDuration::ZERO.into(),
            ..region
        },
    ];
    let errors = build(&f, at(365), &[], &bad, &[], 1).expect_err("invalid");
    let paths: Vec<String> = errors.iter().map(ModelError::dotted_path).collect();
    assert_eq!(
        paths,
        [
            "background_outages.0.rate_per_year",
            "background_outages.1.rate_per_year",
            "background_outages.2.duration",
        ]
    );
}

/// Issue 9 (fuzzing): `count = 4294967295` scheduled four billion windows.
#[test]
fn fuzz_maintenance_counts_are_bounded_per_entry_and_per_run() {
    let f = two_regions();
    let huge = MaintenanceSpec {
        cadence: MaintenanceCadence::Count(u32::MAX),
        ..llama3_maintenance(Spread::Even)
    };
    let e = build(&f, at(54), &[], &[], &[huge], 1).unwrap_err();
    assert!(e[0].message.contains("expected at most"), "{e:?}");
    assert_eq!(e[0].path, ["maintenance", "0", "count"]);
    // Each entry within the per-entry limit, but together over the run's.
    let big = MaintenanceSpec {
        cadence: MaintenanceCadence::Count(3_000_000),
        ..llama3_maintenance(Spread::Even)
    };
    let e = build(&f, at(54), &[], &[], &[big.clone(), big], 1).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].path, ["maintenance", "1", "count"]);
    assert!(e[0].message.contains("limit 4000000"), "{e:?}");
}

/// Issue 9 (fuzzing): `rate_per_year = 5e-324` made the mean gap infinite and panicked.
#[test]
fn fuzz_a_vanishing_background_rate_draws_nothing() {
    let f = two_regions();
    let spec = BackgroundOutageSpec {
        rate_per_year: 5e-324,
        ..BackgroundOutageSpec::calibrated(OutageLevel::Site)
    };
    assert_eq!(background(&f, at(30), spec, 1).len(), 0);
}
