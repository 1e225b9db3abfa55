//! The training simulation end to end: Llama 3 reliability and checkpoint theory.

use sim_core::rng::RngStreams;
use sim_core::time::{SimDuration, SimTime};
use sim_models::catalog::Catalog;
use sim_models::failure::{FailureCategory, FailureModel, FailureScope};
use sim_models::outage::{MaintenanceCadence, MaintenanceSpec, OutagePlan, Spread};
use sim_models::power::CurtailmentPlan;
use sim_models::sim::{FabricRun, FabricSim, Policies, RunSummary};
use sim_models::testing::{self, Net};
use sim_models::topology::{ClusterSpec, Fabric, FabricSpec};
use sim_models::workload::{
    CheckpointCost, JobWork, TrainingJobSpec, first_order_ettr, young_daly_interval,
};

/// One site with one H100 cluster of `nodes` 8-GPU nodes in racks of `rack_nodes`.
fn one_cluster(catalog: &Catalog, nodes: u32, rack_nodes: u32) -> Fabric {
    capped_cluster(catalog, nodes, rack_nodes, 1000.0)
}

/// [`one_cluster`] with a site power cap of `cap_mw`.
fn capped_cluster(catalog: &Catalog, nodes: u32, rack_nodes: u32, cap_mw: f64) -> Fabric {
    let cluster = ClusterSpec {
        node_size: Some(8),
        rack_nodes,
        ..testing::cluster("h100", "h100", nodes * 8)
    };
    testing::fabric(
        catalog,
        vec![testing::site(
            "dc",
            "aws",
            "us-east-1",
            cap_mw,
            vec![cluster],
        )],
    )
}

/// The power and money inputs of a run (none by default).
#[derive(Default)]
struct Extras {
    power: Vec<sim_models::power::SitePowerSpec>,
    curtailments: CurtailmentPlan,
    commitments: Vec<sim_models::accounting::CommitmentSpec>,
}

fn run(
    catalog: &Catalog,
    fabric: &Fabric,
    jobs: Vec<TrainingJobSpec>,
    failures: FailureModel,
    outages: OutagePlan,
    horizon: SimTime,
    seed: u64,
) -> RunSummary {
    let extras = Extras::default();
    run_with(
        catalog, fabric, jobs, failures, outages, horizon, seed, extras,
    )
}

#[allow(clippy::too_many_arguments)]
fn run_with(
    catalog: &Catalog,
    fabric: &Fabric,
    jobs: Vec<TrainingJobSpec>,
    failures: FailureModel,
    outages: OutagePlan,
    horizon: SimTime,
    seed: u64,
    extras: Extras,
) -> RunSummary {
    let net = Net::new(catalog, fabric);
    let run = FabricRun {
        fabric,
        catalog,
        network: net.network(),
        jobs: &jobs,
        failures: &failures,
        outages: &outages,
        horizon,
        seed,
        power: &extras.power,
        curtailments: &extras.curtailments,
        commitments: &extras.commitments,
        carbon: &[],
        serving: &Default::default(),
    };
    FabricSim::new(run, Policies::default()).unwrap().run()
}

/// The Llama 3 405B pretraining snapshot: 16,384 H100 (2,048 nodes of 8) for 54 days, one
/// synchronous job, `llama3-h100` failures, 47 planned maintenance windows. 64 spare nodes
/// (3 %) let the job restart without waiting for repairs, as Meta's cluster did.
fn llama3(seed: u64) -> RunSummary {
    let catalog = Catalog::builtin();
    let fabric = one_cluster(&catalog, 2_048 + 64, 2);
    let horizon = SimTime::ZERO + SimDuration::from_days(54);
    let mut job = TrainingJobSpec::new(
        "llama3-405b",
        405e9,
        JobWork::Duration(SimDuration::from_days(365)),
        16_384,
    );
    job.checkpoint_interval = SimDuration::from_mins(30);
    job.checkpoint_cost = CheckpointCost::Time(SimDuration::from_mins(1));
    job.restart_overhead = SimDuration::from_mins(10);
    let maintenance = MaintenanceSpec {
        scope: "cluster:dc/h100".into(),
        cadence: MaintenanceCadence::Count(47),
        duration: SimDuration::from_mins(30),
        first_at: SimTime::ZERO + SimDuration::from_hours(12),
        spread: Spread::Even,
    };
    let outages = OutagePlan::build(
        &fabric,
        horizon,
        &[],
        &[],
        &[maintenance],
        &RngStreams::new(seed),
    )
    .unwrap();
    run(
        &catalog,
        &fabric,
        vec![job],
        FailureModel::builtin("llama3-h100").unwrap(),
        outages,
        horizon,
        seed,
    )
}

#[test]
fn llama3_reliability_is_reproduced_over_20_seeds() {
    let seeds = 20;
    let runs: Vec<RunSummary> = (0..seeds).map(llama3).collect();
    let mean = |f: &dyn Fn(&RunSummary) -> f64| runs.iter().map(f).sum::<f64>() / seeds as f64;
    let unexpected = mean(&|r| f64::from(r.unexpected_interruptions()));
    assert!(
        (unexpected - 419.0).abs() <= 41.0,
        "mean unexpected interruptions {unexpected}, expected 419 ± 41"
    );
    for r in &runs {
        assert_eq!(
            r.jobs[0].planned_interruptions(),
            47,
            "every maintenance window interrupts"
        );
    }
    // Each category's mean count within the Poisson 2-sigma band of its published count.
    let model = FailureModel::builtin("llama3-h100").unwrap();
    let published = |name: &str| {
        model
            .categories
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.rate_per_accel_hour * 16_384.0 * 54.0 * 24.0)
            .unwrap()
    };
    let categories = &runs[0].categories;
    for (i, name) in categories.iter().enumerate() {
        let observed = mean(&|r| f64::from(r.interruptions_by_category()[i]));
        let expected = published(name);
        let band = 2.0 * expected.sqrt();
        assert!(
            (observed - expected).abs() <= band,
            "{name}: mean {observed:.1} interruptions, published {expected:.0} ± {band:.1}"
        );
    }
    let ettr = mean(&|r| r.jobs[0].ettr(r.horizon).unwrap());
    assert!(ettr > 0.80 && ettr < 0.95, "ETTR {ettr}");
}

#[test]
fn same_seed_same_run_and_seeds_differ() {
    let a = llama3(7);
    let b = llama3(7);
    assert_eq!(a, b);
    assert_ne!(a.interruptions, llama3(8).interruptions);
}

/// A job under exponential failures of known MTBF, checkpointing at the Young/Daly
/// interval, matches the first-order analytical ETTR within 2 percentage points.
#[test]
fn young_daly_ettr_matches_first_order_theory() {
    let catalog = Catalog::builtin();
    // Ample spares and instant repair: the job never waits for capacity.
    let fabric = one_cluster(&catalog, 64 + 64, 1);
    let horizon = SimTime::ZERO + SimDuration::from_days(400);
    for (mtbf_h, cost_min) in [(4.0, 2.0), (12.0, 5.0), (24.0, 10.0), (2.0, 1.0)] {
        let mtbf = SimDuration::from_secs_f64(mtbf_h * 3600.0).unwrap();
        let cost = SimDuration::from_secs_f64(cost_min * 60.0).unwrap();
        let restart = SimDuration::from_mins(5);
        let interval = young_daly_interval(mtbf, cost);
        // One exponential category on the job's 512 accelerators: rate = 1 / (MTBF × 512).
        let job_accels = 512;
        let rate = 1.0 / (mtbf_h * f64::from(job_accels));
        let repair = sim_core::rng::DurationDist::Constant(SimDuration::from_secs(1));
        let failures = FailureModel {
            name: "test".into(),
            categories: vec![FailureCategory::new(
                "crash",
                FailureScope::Node,
                rate,
                repair,
            )],
        };
        let mut job = TrainingJobSpec::new(
            "job",
            70e9,
            JobWork::Duration(SimDuration::from_days(10_000)),
            job_accels,
        );
        job.checkpoint_interval = interval;
        job.checkpoint_cost = CheckpointCost::Time(cost);
        job.restart_overhead = restart;
        let summary = run(
            &catalog,
            &fabric,
            vec![job],
            failures,
            OutagePlan::default(),
            horizon,
            11,
        );
        let simulated = summary.jobs[0].ettr(horizon).unwrap();
        let theory = first_order_ettr(mtbf, cost, restart, interval);
        assert!(
            (simulated - theory).abs() <= 0.02,
            "MTBF {mtbf_h} h, C {cost_min} min: simulated ETTR {simulated:.4}, first-order {theory:.4}"
        );
    }
}

/// Weibull (shape 0.7) failures run as per-node renewal timers: over a long run the count
/// follows the elementary renewal theorem, nodes × T / mean time to failure.
#[test]
fn weibull_failures_follow_the_renewal_rate() {
    let catalog = Catalog::builtin();
    let fabric = one_cluster(&catalog, 64, 1);
    let days = 1_000.0;
    let horizon = SimTime::ZERO + SimDuration::from_days(1_000);
    let node_mttf_h = 30.0 * 24.0;
    let mut category = FailureCategory::new(
        "wear-out",
        FailureScope::Node,
        1.0 / (8.0 * node_mttf_h),
        sim_core::rng::DurationDist::Constant(SimDuration::from_secs(1)),
    );
    category.ttf_shape = 0.7;
    let failures = FailureModel {
        name: "weibull".into(),
        categories: vec![category],
    };
    let job = TrainingJobSpec::new(
        "job",
        7e9,
        JobWork::Duration(SimDuration::from_days(100_000)),
        512,
    );
    let summary = run(
        &catalog,
        &fabric,
        vec![job],
        failures,
        OutagePlan::default(),
        horizon,
        3,
    );
    let expected = 64.0 * days * 24.0 / node_mttf_h;
    let got = f64::from(summary.unexpected_interruptions());
    assert!(
        (got / expected - 1.0).abs() < 0.1,
        "{got} interruptions, renewal theory {expected:.0}"
    );
}

/// 1,000 H100 (125 nodes of 8, aws/us-east-1) busy for 24 h, no failures.
fn thousand_h100_for_a_day(extras: Extras) -> RunSummary {
    let catalog = Catalog::builtin();
    let fabric = one_cluster(&catalog, 125, 4);
    let horizon = SimTime::ZERO + SimDuration::from_hours(24);
    let job = TrainingJobSpec::new(
        "job",
        7e9,
        JobWork::Duration(SimDuration::from_days(30)),
        1_000,
    );
    let none = FailureModel::builtin("none").unwrap();
    run_with(
        &catalog,
        &fabric,
        vec![job],
        none,
        OutagePlan::default(),
        horizon,
        1,
        extras,
    )
}

/// 1,000 H100 (125 nodes) busy for 24 h on AWS: accelerator-hours and on-demand cost by hand.
#[test]
fn cost_is_accelerator_hours_times_the_catalog_price() {
    let catalog = Catalog::builtin();
    let summary = thousand_h100_for_a_day(Extras::default());
    let price = catalog
        .offering("aws", "h100")
        .unwrap()
        .usd_per_chip_hour
        .unwrap();
    let hours = summary.accel_hours();
    assert!((hours - 24_000.0).abs() < 1e-6, "{hours}");
    let cost = summary.cost_usd();
    assert!(
        (cost / (24_000.0 * price) - 1.0).abs() < 1e-3,
        "{cost} vs {}",
        24_000.0 * price
    );
    assert_eq!(summary.jobs[0].unpriced_accel_hours, 0.0);
}

/// 1,000 H100 at full load for 24 h: facility energy and CO2 by hand.
#[test]
fn energy_and_carbon_match_the_hand_calculation() {
    let s = thousand_h100_for_a_day(Extras::default());
    // H100: 700 W board + 575 W host share = 1,275 W per chip at full load; PUE 1.15
    // (aws us-east-1); 1,000 chips × 1,275 W × 24 h = 30.6 MWh IT, 35.19 MWh facility;
    // grid 323.05 g/kWh: 35,190 kWh × 323.05 g = 11.368 t.
    let site = &s.sites[0];
    assert!(
        (site.energy_it_mwh / 30.6 - 1.0).abs() < 1e-3,
        "{}",
        site.energy_it_mwh
    );
    assert!(
        (site.energy_facility_mwh / 35.19 - 1.0).abs() < 1e-3,
        "{}",
        site.energy_facility_mwh
    );
    assert!(
        (site.co2_t / 11.368_129_5 - 1.0).abs() < 1e-3,
        "{}",
        site.co2_t
    );
    assert_eq!(site.throttled_accel_h, 0.0);
    // Every chip is the job's: the job's facility energy is the site's.
    let job = s.jobs[0].energy_facility_mwh;
    assert!((job / 35.19 - 1.0).abs() < 1e-3, "{job}");
}

/// A site capped at 85 % of its demand throttles its job: the job slows by the curve's
/// throughput at the solved power limit, and the draw never exceeds the cap. (Only the
/// board power is throttleable: the host share is not, so 15 % of facility power is
/// about 27 % of H100 board power.)
#[test]
fn a_cap_below_demand_throttles_the_job_by_the_curve() {
    let catalog = Catalog::builtin();
    let demand_mw = 1_000.0 * 1_275.0 * 1.15 / 1e6;
    let horizon = SimTime::ZERO + SimDuration::from_days(30);
    let finish = |cap_mw: f64| {
        let fabric = capped_cluster(&catalog, 125, 4, cap_mw);
        let mut job = TrainingJobSpec::new(
            "job",
            7e9,
            JobWork::Duration(SimDuration::from_days(5)),
            1_000,
        );
        job.checkpoint_cost = CheckpointCost::Time(SimDuration::from_secs(1));
        let s = run(
            &catalog,
            &fabric,
            vec![job],
            FailureModel::builtin("none").unwrap(),
            OutagePlan::default(),
            horizon,
            1,
        );
        for p in &s.power {
            assert!(p.draw_facility_w <= p.cap_w * (1.0 + 1e-9), "{p:?}");
        }
        let throttle = s.power.iter().map(|p| p.throttle).fold(1.0, f64::min);
        (s.jobs[0].completed_at.unwrap().as_secs_f64(), throttle, s)
    };
    let (free, t_free, _) = finish(10.0 * demand_mw);
    let (capped, t_capped, s) = finish(0.85 * demand_mw);
    assert_eq!(t_free, 1.0);
    assert!(t_capped < 1.0 && t_capped > 0.7, "throughput {t_capped}");
    assert!(
        (free / capped - t_capped).abs() < 2e-3,
        "slowdown {} vs throttle {t_capped}",
        free / capped
    );
    // Energy never exceeds the cap integrated over the run.
    let site = &s.sites[0];
    let cap_mwh = 0.85 * demand_mw * horizon.as_secs_f64() / 3600.0;
    assert!(
        site.energy_facility_mwh <= cap_mwh,
        "{} > {cap_mwh}",
        site.energy_facility_mwh
    );
    assert!(site.throttled_accel_h > 0.0);
}

fn policy_run(
    policy: sim_models::power::PowerPolicy,
    cap_mw: f64,
    curtail: Option<(SimTime, SimDuration, f64)>,
) -> RunSummary {
    use sim_models::power::{CurtailmentSpec, CurtailmentSpecs, SitePowerSpec};
    let catalog = Catalog::builtin();
    let fabric = capped_cluster(&catalog, 128, 4, cap_mw);
    let horizon = SimTime::ZERO + SimDuration::from_days(20);
    let job = |name: &str, priority| {
        let mut j =
            TrainingJobSpec::new(name, 7e9, JobWork::Duration(SimDuration::from_days(3)), 512);
        j.priority = priority;
        j.checkpoint_cost = CheckpointCost::Time(SimDuration::from_secs(1));
        j
    };
    let power = vec![SitePowerSpec {
        policy,
        ..SitePowerSpec::default()
    }];
    let specs = CurtailmentSpecs {
        scripted: curtail
            .map(|(at, duration, cap_fraction)| CurtailmentSpec {
                site: "dc".into(),
                at,
                duration,
                cap_fraction,
            })
            .into_iter()
            .collect(),
        ..CurtailmentSpecs::default()
    };
    let curtailments =
        CurtailmentPlan::build(&["dc"], &power, horizon, &specs, &RngStreams::new(1)).unwrap();
    let extras = Extras {
        power,
        curtailments,
        ..Extras::default()
    };
    let jobs = vec![job("high", 1), job("low", 0)];
    let none = FailureModel::builtin("none").unwrap();
    run_with(
        &catalog,
        &fabric,
        jobs,
        none,
        OutagePlan::default(),
        horizon,
        1,
        extras,
    )
}

/// `refuse`: with room for one 512-chip job at full power, the second waits for the first.
#[test]
fn refuse_policy_admits_only_what_fits_under_the_cap() {
    use sim_models::power::PowerPolicy;
    // 512 busy + 512 idle H100 ≈ 0.98 MW facility; all 1,024 busy ≈ 1.50 MW.
    let s = policy_run(PowerPolicy::Refuse, 1.2, None);
    let (high, low) = (&s.jobs[0], &s.jobs[1]);
    assert_eq!(high.first_start, Some(SimTime::ZERO));
    assert_eq!(
        low.first_start, high.completed_at,
        "the second job waits for room"
    );
    assert!(
        s.power.iter().all(|p| p.throttle == 1.0),
        "refuse never throttles here"
    );
    // Throttle instead runs both at once, slowed.
    let t = policy_run(PowerPolicy::Throttle, 1.2, None);
    assert_eq!(t.jobs[1].first_start, Some(SimTime::ZERO));
    assert!(t.power.iter().any(|p| p.throttle < 1.0));
}

/// `preempt`: a curtailment below both jobs' demand stops the lower-priority job.
#[test]
fn preempt_policy_stops_the_lowest_priority_job() {
    use sim_models::power::PowerPolicy;
    let at = SimTime::ZERO + SimDuration::from_days(1);
    let s = policy_run(
        PowerPolicy::Preempt,
        1.6,
        Some((at, SimDuration::from_hours(12), 0.7)),
    );
    assert_eq!(s.jobs[0].preemptions, 0, "high priority keeps running");
    assert_eq!(s.jobs[1].preemptions, 1, "low priority is preempted once");
    let record = s.interruptions.iter().find(|i| i.job == 1).unwrap();
    assert_eq!(record.time, at);
    assert!(
        s.jobs.iter().all(|j| j.completed_at.is_some()),
        "both finish after the window"
    );
    for p in &s.power {
        assert!(p.draw_facility_w <= p.cap_w * (1.0 + 1e-9));
    }
}

/// A $1M commitment over 10 days, one day simulated: $100k accrues, the jobs' $294,960 of
/// on-demand spend uses all of it, and $194,960 is on-demand above the commitment.
#[test]
fn committed_spend_burns_down_with_the_jobs_cost() {
    use sim_models::accounting::{CommitmentKind, CommitmentSpec};
    let catalog = Catalog::builtin();
    let commitments = vec![CommitmentSpec {
        cloud: "aws".into(),
        kind: CommitmentKind::Spend {
            total_usd: 1e6,
            start: SimTime::ZERO,
            period: SimDuration::from_days(10),
        },
    }];
    let s = thousand_h100_for_a_day(Extras {
        commitments,
        ..Extras::default()
    });
    let price = catalog
        .offering("aws", "h100")
        .unwrap()
        .usd_per_chip_hour
        .unwrap();
    let spend = 24_000.0 * price;
    let burn = &s.commitments[0].burn;
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.max(1.0);
    assert!(close(burn.committed_usd, 1e5), "{burn:?}");
    assert!(close(burn.used_usd, 1e5), "{burn:?}");
    assert!(close(burn.unused_usd, 0.0), "{burn:?}");
    assert!(close(burn.on_demand_above_usd, spend - 1e5), "{burn:?}");
}

/// Capacity growth: a cluster coming online on day 2 runs nothing and draws nothing before.
#[test]
fn a_cluster_coming_online_later_starts_its_work_then() {
    let catalog = Catalog::builtin();
    let late = ClusterSpec {
        node_size: Some(8),
        online_from: SimTime::ZERO + SimDuration::from_days(2),
        ..testing::cluster("h100", "h100", 1_000)
    };
    let mut spec = FabricSpec {
        sites: vec![testing::site("dc", "aws", "us-east-1", 100.0, vec![late])],
    };
    let fabric = spec.build(&catalog).unwrap();
    let horizon = SimTime::ZERO + SimDuration::from_days(3);
    let job = TrainingJobSpec::new(
        "job",
        7e9,
        JobWork::Duration(SimDuration::from_days(30)),
        1_000,
    );
    let s = run(
        &catalog,
        &fabric,
        vec![job],
        FailureModel::builtin("none").unwrap(),
        OutagePlan::default(),
        horizon,
        1,
    );
    assert_eq!(
        s.jobs[0].first_start,
        Some(SimTime::ZERO + SimDuration::from_days(2))
    );
    // One day of 1,000 busy H100: 35.19 MWh facility, nothing before.
    assert!(
        (s.sites[0].energy_facility_mwh / 35.19 - 1.0).abs() < 1e-3,
        "{}",
        s.sites[0].energy_facility_mwh
    );
    spec.sites[0].clusters[0].online_from = SimTime::ZERO;
    assert_eq!(
        spec.build(&catalog).unwrap().clusters()[0].online_from,
        SimTime::ZERO
    );
}

/// A job spanning an AWS and an Azure site pays egress for its gradient ring: per step each
/// site sends the gradient (2 × params bytes, bf16) once to the other, at its cloud's
/// internet egress price.
#[test]
fn a_job_spanning_clouds_pays_egress_per_step() {
    let catalog = Catalog::builtin();
    let site = |name: &str, cloud: &str, region: &str| {
        let cluster = ClusterSpec {
            node_size: Some(8),
            ..testing::cluster("h100", "h100", 512)
        };
        testing::site(name, cloud, region, 100.0, vec![cluster])
    };
    let fabric = testing::fabric(
        &catalog,
        vec![site("a", "aws", "us-east-1"), site("b", "azure", "eastus")],
    );
    let mut job = TrainingJobSpec::new(
        "job",
        7e9,
        JobWork::Duration(SimDuration::from_days(1)),
        1_024,
    );
    job.multi_site = true;
    let horizon = SimTime::ZERO + SimDuration::from_days(5);
    let s = run(
        &catalog,
        &fabric,
        vec![job.clone()],
        FailureModel::builtin("none").unwrap(),
        OutagePlan::default(),
        horizon,
        1,
    );
    let j = &s.jobs[0];
    assert!(j.completed_at.is_some());
    let egress = |cloud: &str| {
        catalog
            .cloud(catalog.cloud_id(cloud).unwrap())
            .egress_usd_per_gb
    };
    let per_step = 14.0 * (egress("aws") + egress("azure"));
    let steps = j.flops_done / job.step_flops();
    assert!(
        (j.egress_usd / (steps * per_step) - 1.0).abs() < 1e-6,
        "{} vs {}",
        j.egress_usd,
        steps * per_step
    );
    assert!(j.egress_usd > 0.0);
    assert_eq!(s.egress_usd(), j.egress_usd);
}
