//! Power: draw by state, the cap curve, throttling under a cap, policies, curtailments.

use rand::Rng;
use sim_models::catalog::Catalog;
use sim_models::power::*;
use sim_models::sim_core::rng::{DurationDist, RngStreams};
use sim_models::sim_core::time::{SimDuration, SimTime};
use sim_models::testing;

const FULL: ChipState = ChipState::Busy { utilisation: 1.0 };

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn kind(name: &str) -> AcceleratorPower {
    let catalog = Catalog::builtin();
    AcceleratorPower::from_spec(catalog.accelerator(catalog.accelerator_id(name).unwrap()))
}

// ---------------------------------------------------------------- curve

#[test]
fn curve_hits_the_table_points() {
    let curve = CapCurve::builtin();
    let expected = [
        (0.5, 0.72),
        (0.6, 0.80),
        (0.7, 0.86),
        (0.8, 0.915),
        (0.9, 0.96),
        (1.0, 1.0),
    ];
    let got: Vec<(f64, f64)> = curve
        .points()
        .iter()
        .map(|p| (p.cap_fraction, p.throughput_fraction))
        .collect();
    assert_eq!(got, expected);
    for (c, t) in expected {
        assert!(close(curve.throughput(c), t, 1e-12), "cap {c}");
    }
    assert_eq!(curve.points()[0].status, "estimate (model)");
    assert_eq!(curve.points()[0].source_id, "model_train_0.5");
    assert_eq!(curve.points()[5].status, "definition");
}

#[test]
fn curve_interpolates_linearly_between_points() {
    let curve = CapCurve::builtin();
    assert!(close(curve.throughput(0.55), 0.76, 1e-12));
    assert!(close(curve.throughput(0.75), 0.8875, 1e-12));
    assert!(close(curve.throughput(0.95), 0.98, 1e-12));
    assert!(close(curve.throughput(0.857), 0.915 + 0.57 * 0.045, 1e-12));
}

#[test]
fn curve_is_monotone_and_clamped() {
    let curve = CapCurve::builtin();
    let mut last = 0.0;
    for i in 0..=1200 {
        let c = i as f64 / 1000.0;
        let t = curve.throughput(c);
        assert!(t >= last, "throughput falls at cap {c}");
        assert!((0.0..=1.0).contains(&t));
        last = t;
    }
    assert_eq!(
        curve.throughput(0.1),
        0.72,
        "below the data: the lowest point"
    );
    assert_eq!(curve.throughput(-3.0), 0.72);
    assert_eq!(
        curve.throughput(1.5),
        1.0,
        "a cap above nominal does not bind"
    );
    assert_eq!(curve.throughput(f64::NAN), 1.0);
    assert_eq!(curve.min_cap(), 0.5);
}

#[test]
fn energy_fraction_is_cap_over_throughput() {
    let curve = CapCurve::builtin();
    assert!(close(curve.energy_fraction(0.5), 0.5 / 0.72, 1e-12));
    assert!(close(curve.energy_fraction(0.9), 0.9 / 0.96, 1e-12));
    assert_eq!(curve.energy_fraction(1.0), 1.0);
    assert!(
        curve.energy_fraction(0.6) < 1.0,
        "capping saves energy per unit of work"
    );
    assert!(close(
        curve.cap_for_throughput(0.88),
        0.7 + 0.02 / 0.055 * 0.1,
        1e-12
    ));
}

// ---------------------------------------------------------------- draw by state

#[test]
fn h100_draw_by_state_by_hand() {
    let p = kind("h100");
    assert_eq!(
        p,
        AcceleratorPower {
            idle_w: 105.0,
            tdp_w: 700.0,
            host_w: 575.0,
            host_idle_w: 287.5
        }
    );
    assert_eq!(p.draw_w(ChipState::Idle, None), 105.0 + 287.5);
    assert_eq!(p.draw_w(ChipState::Down, None), 0.0);
    assert_eq!(p.draw_w(ChipState::Down, Some(0.5)), 0.0);
    assert_eq!(p.draw_w(FULL, None), 700.0 + 575.0);
    // u = 0.5: board 105 + 0.5 x 595 = 402.5; host 287.5 + 0.5 x 287.5 = 431.25.
    let half = ChipState::Busy { utilisation: 0.5 };
    assert_eq!(p.draw_w(half, None), 402.5 + 431.25);
    // A 0.6 limit caps the board at 420 W; the host is not capped.
    assert_eq!(p.draw_w(FULL, Some(0.6)), 420.0 + 575.0);
    // The half-load board (402.5 W) is under a 420 W limit: unchanged, and not slowed.
    assert_eq!(p.draw_w(half, Some(0.6)), 402.5 + 431.25);
    assert_eq!(p.throughput(0.5, 0.6, CapCurve::builtin()), 1.0);
    assert!(close(
        p.throughput(1.0, 0.6, CapCurve::builtin()),
        0.80,
        1e-12
    ));
    // A limit never pushes a busy board below idle.
    assert_eq!(p.draw_w(FULL, Some(0.05)), 105.0 + 575.0);
    // Utilisation is clamped.
    assert_eq!(p.draw_w(ChipState::Busy { utilisation: 3.0 }, None), 1275.0);
    assert_eq!(
        p.draw_w(ChipState::Busy { utilisation: 0.0 }, None),
        p.draw_w(ChipState::Idle, None)
    );
}

// ---------------------------------------------------------------- rule of thumb

#[test]
fn a_thousand_h100_need_about_a_megawatt() {
    let catalog = Catalog::builtin();
    let pue = catalog
        .region(catalog.region_id("aws", "us-east-1").unwrap())
        .pue;
    assert_eq!(pue, 1.15);
    let site = SitePower::new(pue).with(kind("h100"), FULL, 1_000);
    let it_mw = site.demand_it_w() / 1e6;
    let facility_mw = site.demand_facility_w() / 1e6;
    assert!(close(it_mw, 1.275, 1e-12));
    assert!(close(facility_mw, 1.46625, 1e-9), "{facility_mw} MW");
    assert!(
        (0.9..=1.8).contains(&facility_mw),
        "about a megawatt: {facility_mw}"
    );
}

// ---------------------------------------------------------------- throttling

fn mixed_site() -> SitePower {
    let mut site = SitePower::new(1.2)
        .with(kind("h100"), FULL, 800)
        .with(kind("b200"), ChipState::Busy { utilisation: 0.6 }, 300)
        .with(kind("a100"), ChipState::Idle, 200)
        .with(kind("tpu-v5p"), ChipState::Down, 50);
    site.loads[0].idle = 100;
    site
}

#[test]
fn under_the_cap_nothing_changes() {
    let site = mixed_site();
    let demand = site.demand_facility_w();
    for cap in [demand, demand * 1.01, 1e12] {
        let d = site.throttle_for_cap(cap);
        assert_eq!(d.limit_fraction, 1.0);
        assert_eq!(d.throughput_fraction, 1.0);
        assert_eq!(d.running_fraction, 1.0);
        assert_eq!(d.powered_fraction, 1.0);
        assert_eq!(d.draw_facility_w, demand);
        assert_eq!(d.draw_it_w, site.demand_it_w());
    }
}

#[test]
fn over_the_cap_the_limit_meets_it_exactly() {
    let site = SitePower::new(1.15).with(kind("h100"), FULL, 1_000);
    let cap = 1.2e6;
    let d = site.throttle_for_cap(cap);
    assert!(d.draw_facility_w <= cap);
    assert!(close(d.draw_facility_w, cap, 1e-3), "{}", d.draw_facility_w);
    // By hand: IT budget 1.2e6 / 1.15, minus 575 kW of host, over 1 000 boards of 700 W.
    let limit = (1.2e6 / 1.15 - 575_000.0) / 1_000.0 / 700.0;
    assert!(close(d.limit_fraction, limit, 1e-9), "{}", d.limit_fraction);
    assert_eq!(
        d.throughput_fraction,
        CapCurve::builtin().throughput(d.limit_fraction)
    );
    assert!(close(
        d.throughput_fraction,
        0.80 + (limit - 0.6) * 0.6,
        1e-9
    ));
    assert_eq!((d.running_fraction, d.powered_fraction), (1.0, 1.0));
}

#[test]
fn below_the_deepest_limit_work_pauses_then_chips_switch_off() {
    let site = SitePower::new(1.1).with(kind("h100"), FULL, 1_000);
    let floor = site.throttle_for_cap(0.0);
    assert_eq!(floor.powered_fraction, 0.0);
    assert_eq!(floor.draw_facility_w, 0.0);
    // At the 0.5 limit: (350 + 575) x 1000 x 1.1 = 1.0175 MW; all idle: 392.5 kW x 1.1.
    let at_min = site.throttle_for_cap(1.0175e6);
    assert!(close(at_min.limit_fraction, 0.5, 1e-9));
    assert!(close(at_min.running_fraction, 1.0, 1e-9));
    let paused = site.throttle_for_cap(0.7e6);
    assert_eq!(paused.limit_fraction, 0.5);
    assert_eq!(paused.throughput_fraction, 0.72);
    let r = (0.7e6 / 1.1 - 392_500.0) / (925_000.0 - 392_500.0);
    assert!(close(paused.running_fraction, r, 1e-9));
    assert!(paused.draw_facility_w <= 0.7e6);
    let off = site.throttle_for_cap(0.2e6);
    assert_eq!(off.running_fraction, 0.0);
    assert!(close(off.powered_fraction, 0.2e6 / 1.1 / 392_500.0, 1e-9));
    assert!(off.draw_facility_w <= 0.2e6);
}

#[test]
fn throttled_draw_never_exceeds_the_cap_property() {
    let streams = RngStreams::new(2024);
    let kinds = ["h100", "b200", "a100", "tpu-v5p", "gb200"];
    for case in 0..2_000u64 {
        let mut rng = streams.stream_indexed("test/power/throttle", case);
        let mut site = SitePower::new(rng.random_range(1.0..1.6));
        for name in kinds.iter().take(rng.random_range(1..=kinds.len())) {
            site.loads.push(KindLoad {
                power: kind(name),
                busy: rng.random_range(0..5_000),
                idle: rng.random_range(0..2_000),
                down: rng.random_range(0..500),
                utilisation: rng.random_range(0.0..=1.0),
                curve: None,
            });
        }
        let demand = site.demand_facility_w();
        let cap = demand * rng.random_range(-0.1..1.3);
        let d = site.throttle_for_cap(cap);
        assert!(
            d.draw_facility_w <= cap.max(0.0),
            "case {case}: draw {} > cap {cap}",
            d.draw_facility_w
        );
        assert!(d.draw_facility_w <= demand);
        if cap >= demand {
            assert_eq!(d.draw_facility_w, demand, "case {case}");
        } else if demand > 0.0 && cap > 0.0 {
            // The throttle uses the budget: within a millionth of the cap, unless even
            // the deepest limit on busy chips cannot use it up (draw is capped at demand).
            assert!(d.draw_facility_w >= cap * (1.0 - 1e-6), "case {case}");
        }
        assert!((0.5..=1.0).contains(&d.limit_fraction));
        assert_eq!(
            d.throughput_fraction,
            CapCurve::builtin().throughput(d.limit_fraction)
        );
        assert!((0.0..=1.0).contains(&d.running_fraction));
        assert!((0.0..=1.0).contains(&d.powered_fraction));
        assert!(close(d.draw_facility_w, d.draw_it_w * site.pue, 1e-6));
    }
}

#[test]
fn refuse_and_preempt_helpers() {
    let site =
        SitePower::new(1.0)
            .with(kind("h100"), FULL, 10)
            .with(kind("h100"), ChipState::Idle, 10);
    // Demand: 10 x 1275 + 10 x 392.5 = 16 675 W; one more busy chip adds 882.5 W.
    assert_eq!(site.demand_it_w(), 16_675.0);
    assert_eq!(site.start_cost_facility_w(1, 1), 882.5);
    assert!(site.fits(1, 2, 16_675.0 + 1_765.0));
    assert!(!site.fits(1, 3, 16_675.0 + 1_765.0));
    assert_eq!(site.busy_to_stop(0, 20_000.0), Some(0));
    assert_eq!(site.busy_to_stop(0, 16_675.0 - 882.5), Some(1));
    assert_eq!(site.busy_to_stop(0, 16_675.0 - 882.6), Some(2));
    assert_eq!(site.busy_to_stop(0, 1_000.0), None);
}

#[test]
fn site_power_from_a_fabric() {
    let catalog = Catalog::builtin();
    let cluster = testing::cluster("h100-a", "h100", 1_024);
    let fabric = testing::fabric(
        &catalog,
        vec![testing::site(
            "aws-use1",
            "aws",
            "us-east-1",
            2.0,
            vec![cluster],
        )],
    );
    let site = &fabric.sites()[0];
    let mut power = SitePower::for_site(&fabric, &catalog, site.id);
    assert_eq!(power.pue, site.pue);
    assert_eq!(power.loads.len(), 1);
    assert_eq!(power.loads[0].idle, 1_024);
    power.loads[0].busy = 1_024;
    power.loads[0].idle = 0;
    assert!(close(
        power.demand_facility_w(),
        site.peak_facility_w(),
        1e-6
    ));
    let d = power.throttle_for_cap(site.power_cap_w * 0.7);
    assert!(d.draw_facility_w <= site.power_cap_w * 0.7);
}

#[test]
fn site_power_takes_each_kinds_own_curve_from_the_catalog() {
    let mut catalog = Catalog::builtin();
    let curve = std::sync::Arc::new(CapCurve::new([(0.3, 0.5), (0.7, 0.97)], &["t"]).unwrap());
    catalog.set_cap_curve("b200", Some(curve.clone())).unwrap();
    let clusters = vec![
        testing::cluster("h100-a", "h100", 64),
        testing::cluster("b200-a", "b200", 64),
    ];
    let fabric = testing::fabric(
        &catalog,
        vec![testing::site("aws-use1", "aws", "us-east-1", 2.0, clusters)],
    );
    let mut power = SitePower::for_site(&fabric, &catalog, fabric.sites()[0].id);
    assert_eq!(power.loads[0].curve, None);
    assert_eq!(power.loads[1].curve.as_ref(), Some(&curve));
    assert_eq!(power.curve_of(0), CapCurve::builtin());
    // Only the b200s busy: the site's throttle follows their curve.
    power.loads[1].busy = 64;
    power.loads[1].idle = 0;
    let d = power.throttle_for_cap(0.6 * power.demand_facility_w());
    assert!(d.limit_fraction < 0.7);
    assert_eq!(d.throughput_fraction, curve.throughput(d.limit_fraction));
}

// ---------------------------------------------------------------- policies and specs

#[test]
fn policy_names_and_errors() {
    for p in PowerPolicy::ALL {
        assert_eq!(PowerPolicy::from_name(p.name()), Some(p));
        assert_eq!(PowerPolicy::parse(p.name(), &["x"]), Ok(p));
    }
    assert_eq!(PowerPolicy::default(), PowerPolicy::Throttle);
    let e = PowerPolicy::parse("preemt", &["sites", "aws-use1", "power_policy"]).unwrap_err();
    assert_eq!(e.dotted_path(), "sites.aws-use1.power_policy");
    assert_eq!(e.suggestion.as_deref(), Some("preempt"));
    assert!(e.to_string().contains("throttle, refuse or preempt"));
    assert_eq!(
        PowerPolicy::parse("Refuse", &["p"])
            .unwrap_err()
            .suggestion
            .as_deref(),
        Some("refuse")
    );
    assert_eq!(
        PowerPolicy::parse("shutdown", &["p"])
            .unwrap_err()
            .suggestion,
        None
    );
}

#[test]
fn site_power_spec_defaults_and_validation() {
    let spec = SitePowerSpec::default();
    assert_eq!(spec.policy, PowerPolicy::Throttle);
    assert_eq!(spec.backup_fraction, DEFAULT_BACKUP_FRACTION);
    assert!(spec.validate(&["sites", "a"]).is_ok());
    let bad = SitePowerSpec {
        backup_fraction: 1.5,
        ..spec
    };
    let e = bad.validate(&["sites", "a"]).unwrap_err();
    assert_eq!(e.dotted_path(), "sites.a.backup_fraction");
}

// ---------------------------------------------------------------- curtailments

fn random(rate_per_year: f64) -> RandomCurtailmentSpec {
    RandomCurtailmentSpec {
        site: None,
        rate_per_year,
        duration: DurationDist::from(SimDuration::from_hours(4)),
        cap_fraction: 0.6,
    }
}

#[test]
fn random_curtailments_are_deterministic_and_per_site() {
    let horizon = SimTime::ZERO + SimDuration::DAY * 365;
    let spec = random(12.0);
    let a = spec.curtailments(&["s1", "s2"], horizon, &RngStreams::new(5));
    let b = spec.curtailments(&["s1", "s2"], horizon, &RngStreams::new(5));
    assert_eq!(a, b);
    assert!(a.windows(2).all(|w| w[0].start <= w[1].start));
    assert!(a.iter().all(|c| c.start < horizon && c.cap_fraction == 0.6));
    assert!(a.iter().all(|c| c.kind == CurtailmentKind::Random));
    let other = spec.curtailments(&["s1", "s2"], horizon, &RngStreams::new(6));
    assert_ne!(a, other);
    // Adding a site leaves s2's draws alone (streams are keyed by name).
    let with_new = spec.curtailments(&["s0", "s1", "s2"], horizon, &RngStreams::new(5));
    let s2 = |v: &[Curtailment], i: usize| -> Vec<(SimTime, SimDuration)> {
        v.iter()
            .filter(|c| c.site == i)
            .map(|c| (c.start, c.duration))
            .collect()
    };
    assert_eq!(s2(&a, 1), s2(&with_new, 2));
    assert!(
        random(0.0)
            .curtailments(&["s1"], horizon, &RngStreams::new(5))
            .is_empty()
    );
}

#[test]
fn random_curtailment_rate_in_expectation() {
    // 400 sites x 10 years at 3 per year: 12 000 expected, sd about 110.
    let names: Vec<String> = (0..400).map(|i| format!("site-{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let horizon = SimTime::ZERO + SimDuration::DAY * 3650;
    let events = random(3.0).curtailments(&names, horizon, &RngStreams::new(11));
    let n = events.len() as f64;
    assert!((n - 12_000.0).abs() < 500.0, "{n} events");
}

#[test]
fn plan_merges_scripted_random_and_grid_outages() {
    let names = ["aws-use1", "gcp-usc1"];
    let power = [
        SitePowerSpec::default(),
        SitePowerSpec {
            policy: PowerPolicy::Refuse,
            backup_fraction: 0.5,
        },
    ];
    let day = SimDuration::DAY;
    let specs = CurtailmentSpecs {
        scripted: vec![CurtailmentSpec {
            site: "aws-use1".into(),
            at: SimTime::ZERO + day * 3,
            duration: SimDuration::from_hours(4),
            cap_fraction: 0.7,
        }],
        random: vec![random(4.0)],
        grid_outages: vec![
            GridOutageSpec {
                site: "gcp-usc1".into(),
                at: SimTime::ZERO + day,
                duration: SimDuration::from_hours(6),
            },
            GridOutageSpec {
                site: "aws-use1".into(),
                at: SimTime::ZERO + day * 3 + SimDuration::HOUR,
                duration: SimDuration::HOUR,
            },
        ],
    };
    let horizon = SimTime::ZERO + day * 30;
    let plan =
        CurtailmentPlan::build(&names, &power, horizon, &specs, &RngStreams::new(1)).unwrap();
    let all = plan.curtailments();
    assert!(all.windows(2).all(|w| w[0].start <= w[1].start));
    let grid: Vec<_> = all
        .iter()
        .filter(|c| c.kind == CurtailmentKind::GridOutage)
        .collect();
    assert_eq!(grid.len(), 2);
    assert_eq!(grid[0].site, 1);
    assert_eq!(grid[0].cap_fraction, 0.5);
    assert_eq!(grid[1].cap_fraction, DEFAULT_BACKUP_FRACTION);
    // Random part equals the generator's output on the same streams.
    let randoms: Vec<Curtailment> = all
        .iter()
        .filter(|c| c.kind == CurtailmentKind::Random)
        .copied()
        .collect();
    assert_eq!(
        randoms,
        random(4.0).curtailments(&names, horizon, &RngStreams::new(1))
    );
    // Overlap: the scripted 0.7 and the grid outage's 0.25; the lowest holds.
    let t = SimTime::ZERO + day * 3 + SimDuration::from_mins(90);
    let active: Vec<_> = all
        .iter()
        .filter(|c| c.site == 0 && c.is_active(t))
        .collect();
    let lowest = active.iter().map(|c| c.cap_fraction).fold(1.0, f64::min);
    assert_eq!(plan.cap_fraction_at(0, t), lowest);
    assert!(plan.cap_fraction_at(0, t) <= DEFAULT_BACKUP_FRACTION);
    let clear = SimTime::ZERO + day * 3 + SimDuration::from_mins(30);
    assert!(plan.cap_fraction_at(0, clear) <= 0.7);
}

#[test]
fn plan_reports_every_error_with_suggestions() {
    let names = ["aws-use1", "gcp-usc1"];
    let power = [SitePowerSpec::default(); 2];
    let specs = CurtailmentSpecs {
        scripted: vec![CurtailmentSpec {
            site: "aws-use-1".into(),
            at: SimTime::ZERO,
            duration: SimDuration::ZERO,
            cap_fraction: 1.5,
        }],
        random: vec![RandomCurtailmentSpec {
            site: None,
            rate_per_year: -1.0,
            ..random(1.0)
        }],
        grid_outages: vec![GridOutageSpec {
            site: "gcp-usc".into(),
            at: SimTime::ZERO,
            duration: SimDuration::HOUR,
        }],
    };
    let horizon = SimTime::ZERO + SimDuration::DAY;
    let errors =
        CurtailmentPlan::build(&names, &power, horizon, &specs, &RngStreams::new(1)).unwrap_err();
    let paths: Vec<String> = errors.iter().map(|e| e.dotted_path()).collect();
    assert_eq!(
        paths,
        [
            "curtailments.0.site",
            "curtailments.0.cap_fraction",
            "curtailments.0.duration",
            "grid_outages.0.site",
            "random_curtailments.0.rate_per_year",
        ]
    );
    assert_eq!(errors[0].suggestion.as_deref(), Some("aws-use1"));
    assert_eq!(errors[3].suggestion.as_deref(), Some("gcp-usc1"));
}

#[test]
fn a_random_curtailment_process_can_target_one_site() {
    let horizon = SimTime::ZERO + SimDuration::DAY * 365;
    let names = ["s1", "s2"];
    let power = vec![SitePowerSpec::default(); 2];
    let only = |site: &str| CurtailmentSpecs {
        random: vec![RandomCurtailmentSpec {
            site: Some(site.to_owned()),
            ..random(12.0)
        }],
        ..CurtailmentSpecs::default()
    };
    let plan =
        CurtailmentPlan::build(&names, &power, horizon, &only("s2"), &RngStreams::new(1)).unwrap();
    assert!(!plan.curtailments().is_empty());
    assert!(plan.curtailments().iter().all(|c| c.site == 1));
    // The targeted site sees the same draws as under an every-site process.
    let all = random(12.0).curtailments(&names, horizon, &RngStreams::new(1));
    let s2: Vec<_> = all.iter().filter(|c| c.site == 1).collect();
    assert_eq!(plan.curtailments().len(), s2.len());
    let err = CurtailmentPlan::build(&names, &power, horizon, &only("s3"), &RngStreams::new(1))
        .unwrap_err();
    assert_eq!(err[0].dotted_path(), "random_curtailments.0.site");
}
