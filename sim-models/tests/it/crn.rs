//! Common random numbers: runs that differ only in policy see the same component
//! failures, repairs, outages and request arrivals, so their differences are the policy's.

use sim_core::rng::RngStreams;
use sim_core::time::{SimDuration, SimTime};
use sim_models::failure::FailureModel;
use sim_models::inference::arrival::RateProfile;
use sim_models::inference::service::{
    Arrivals, ReplicaGroupSpec, Routing, ServedModel, ServiceSpec, UserSpec,
};
use sim_models::inference::tokens::TokenDist;
use sim_models::outage::{BackgroundOutageSpec, OutageLevel, OutagePlan};
use sim_models::policy::Registry;
use sim_models::sim::serving::Fidelity;
use sim_models::sim::serving::synthetic::{RunExtras, SyntheticServing, site};
use sim_models::topology::FabricSpec;
use sim_models::workload::{JobWork, TrainingJobSpec};

fn fleet() -> SyntheticServing {
    let spec = FabricSpec {
        sites: vec![
            site("aws-use1", "aws", "us-east-1", "h100", 8, 64),
            site("oci-ash", "oci", "us-ashburn-1", "h200", 8, 64),
            site("gcp-euw4", "gcp", "europe-west4", "tpu-v6e", 4, 128),
            site("aws-usw2", "aws", "us-west-2", "h200", 8, 32),
        ],
    };
    SyntheticServing::new(spec, Vec::new())
}

/// A llama3-8b chat service on `count` replicas of `chips` chips of cluster `aws-use1/serve`,
/// with users in us-east-1 at a constant `rate_per_s` (shared with the invariants tests).
pub(crate) fn chat_on(rate_per_s: f64, count: u32, chips: u32) -> ServiceSpec {
    ServiceSpec {
        name: "chat".into(),
        model: ServedModel::preset("llama3-8b").unwrap(),
        prompt_tokens: TokenDist::azure_conv_prompt(),
        output_tokens: TokenDist::azure_conv_output(),
        max_batch: 16,
        slo_ttft: SimDuration::from_secs(2),
        slo_tpot: SimDuration::from_millis(200),
        routing: Routing::Nearest,
        max_retries: 2,
        startup: SimDuration::from_mins(5),
        replicas: vec![ReplicaGroupSpec {
            site: Some("aws-use1".into()),
            cluster: Some("serve".into()),
            accelerator: None,
            count,
            chips,
        }],
        users: vec![UserSpec {
            region: "aws/us-east-1".into(),
            arrivals: Arrivals::Profile(RateProfile::Constant { rate_per_s }),
        }],
    }
}

/// Thirty jobs of 64-256 accelerators arriving over the first week, on any kind.
fn jobs() -> Vec<TrainingJobSpec> {
    (0..30)
        .map(|i| {
            let mut j = TrainingJobSpec::new(
                format!("job-{i}"),
                8e9,
                JobWork::Duration(SimDuration::from_hours(12 + 7 * (i % 5))),
                64 << (i % 3),
            );
            j.arrival = SimTime::ZERO + SimDuration::from_hours(5 * i);
            j
        })
        .collect()
}

#[test]
fn every_placement_policy_sees_the_same_failures_outages_and_arrivals() {
    let world = fleet();
    let horizon = SimTime::ZERO + SimDuration::from_days(14);
    let background: Vec<_> = [OutageLevel::Rack, OutageLevel::Site]
        .into_iter()
        .map(|level| {
            let mut b = BackgroundOutageSpec::calibrated(level);
            b.rate_per_year *= 20.0; // enough outages in two weeks to matter
            b
        })
        .collect();
    let outages = OutagePlan::build(
        world.fabric(),
        horizon,
        &[],
        &background,
        &[],
        &RngStreams::new(9),
    )
    .unwrap();
    assert!(outages.len() > 3, "{} outages", outages.len());
    let registry = Registry::builtin();
    let runs: Vec<_> = registry
        .placements()
        .map(|(name, _)| {
            let extras = RunExtras {
                outages: outages.clone(),
                jobs: jobs(),
                failures: Some(FailureModel::builtin("llama3-h100").unwrap()),
                placement: Some(name.to_owned()),
                failover: Some("restart".into()),
                ..RunExtras::default()
            };
            let s = world.run_with(&[chat_on(0.3, 4, 1)], horizon, Fidelity::Request, 5, extras);
            (name.to_owned(), s)
        })
        .collect();
    assert!(runs.len() >= 9);
    let (base_name, base) = &runs[0];
    assert!(
        base.components.len() > 20,
        "{} component events",
        base.components.len()
    );
    for (name, s) in &runs[1..] {
        assert_eq!(
            s.components, base.components,
            "{name} saw other component events than {base_name}"
        );
        assert_eq!(
            s.services[0].figures.requests,
            base.services[0].figures.requests
        );
    }
    let outcomes = |s: &sim_models::sim::RunSummary| {
        s.jobs
            .iter()
            .map(|j| (j.first_start, j.completed_at))
            .collect::<Vec<_>>()
    };
    let distinct = runs
        .iter()
        .map(|(_, s)| format!("{:?}", outcomes(s)))
        .collect::<std::collections::BTreeSet<_>>();
    assert!(
        distinct.len() >= 3,
        "policies should place differently: {}",
        distinct.len()
    );
}

#[test]
fn failover_policies_see_the_same_failures_and_behave_as_named() {
    let world = fleet();
    let horizon = SimTime::ZERO + SimDuration::from_days(14);
    let go = |failover: &str| {
        let extras = RunExtras {
            jobs: jobs(),
            failures: Some(FailureModel::builtin("llama3-h100").unwrap()),
            failover: Some(failover.to_owned()),
            decision_options: 4,
            ..RunExtras::default()
        };
        world.run_with(&[chat_on(0.3, 4, 1)], horizon, Fidelity::Request, 5, extras)
    };
    let restart = go("restart");
    let wait = go("wait");
    let migrate = go("migrate");
    assert_eq!(restart.components, wait.components);
    assert_eq!(restart.components, migrate.components);
    let failovers = |s: &sim_models::sim::RunSummary, choice: &str| {
        s.decisions
            .iter()
            .filter(|d| d.policy.starts_with("failover:") && d.choice == choice)
            .count()
    };
    assert!(failovers(&wait, "wait") > 0);
    assert!(failovers(&migrate, "migrate") > 0);
    // Migrating jobs that land on another site pay for copying their checkpoint.
    let migrations: u32 = migrate.jobs.iter().map(|j| j.migrations).sum();
    let egress: f64 = migrate.jobs.iter().map(|j| j.egress_usd).sum();
    assert_eq!(
        migrations > 0,
        egress > 0.0,
        "{migrations} migrations, ${egress}"
    );
    assert_eq!(restart.jobs.iter().map(|j| j.migrations).sum::<u32>(), 0);
}

mod invariants {
    use super::*;
    use proptest::prelude::*;
    use sim_models::outage::ScriptedOutageSpec;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// Whatever the policies, failure rate and outages: no node is held twice, no job
        /// is both running and queued, no progress past 100 %, no time runs backwards, and
        /// afterwards no job did more work than it had or finished before it arrived, and
        /// the jobs' energy fits inside the sites'.
        #[test]
        fn the_model_keeps_its_invariants(
            placement in 0usize..9,
            failover in 0usize..4,
            failure_scale in 0.5f64..30.0,
            outage_site in 0usize..4,
            outage_at_h in 0u64..200,
            outage_h in 1u64..48,
            seed in 0u64..1000,
        ) {
            let world = fleet();
            let horizon = SimTime::ZERO + SimDuration::from_days(10);
            let registry = Registry::builtin();
            let placement = registry.placements().nth(placement).unwrap().0.to_owned();
            let failover = registry.failovers().nth(failover).unwrap().0.to_owned();
            let mut failures = FailureModel::builtin("llama3-h100").unwrap();
            for c in &mut failures.categories {
                c.rate_per_accel_hour *= failure_scale;
            }
            let name = world.fabric().sites()[outage_site].name.clone();
            let outages = OutagePlan::build(
                world.fabric(),
                horizon,
                &[ScriptedOutageSpec {
                    scope: format!("site:{name}"),
                    at: SimTime::ZERO + SimDuration::from_hours(outage_at_h),
                    duration: SimDuration::from_hours(outage_h),
                }],
                &[],
                &[],
                &RngStreams::new(seed),
            ).unwrap();
            let extras = RunExtras {
                outages,
                jobs: jobs(),
                failures: Some(failures),
                placement: Some(placement),
                failover: Some(failover),
                check_invariants: true,
                ..RunExtras::default()
            };
            let s = world.run_with(&[chat_on(0.02, 4, 1)], horizon, Fidelity::Request, seed, extras);
            let jobs = jobs();
            for (spec, j) in jobs.iter().zip(&s.jobs) {
                let JobWork::Duration(d) = spec.work else { unreachable!() };
                prop_assert!(j.useful_compute_s <= d.as_secs_f64() * (1.0 + 1e-9));
                if let Some(start) = j.first_start {
                    prop_assert!(start >= spec.arrival);
                }
                if let (Some(start), Some(done)) = (j.first_start, j.completed_at) {
                    prop_assert!(done >= start);
                }
                prop_assert!(j.lost_accel_h >= 0.0 && j.accel_hours >= 0.0);
            }
            let jobs_mwh: f64 = s.jobs.iter().map(|j| j.energy_facility_mwh).sum();
            prop_assert!(jobs_mwh <= s.energy_mwh() * (1.0 + 1e-9) + 1e-9, "{} > {}", jobs_mwh, s.energy_mwh());
        }
    }
}
