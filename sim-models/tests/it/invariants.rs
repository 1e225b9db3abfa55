//! The model's invariants under random futures: energy conserved (site meters = their
//! chips' draw integrated = their power logs integrated; jobs + replicas + idle = sites),
//! no progress past 100 %, no negative or backward times, no job both running and queued,
//! no node or chip held twice. `run_checked` audits every event; these tests drive it
//! with random failures (per-kind rates), outages, curtailments, grid outages, power caps
//! and policies.

use proptest::prelude::*;
use sim_core::rng::RngStreams;
use sim_core::time::{SimDuration, SimTime};
use sim_models::failure::FailureModel;
use sim_models::outage::{OutagePlan, ScriptedOutageSpec};
use sim_models::policy::Registry;
use sim_models::power::{
    CurtailmentPlan, CurtailmentSpec, CurtailmentSpecs, GridOutageSpec, PowerPolicy, SitePowerSpec,
};
use sim_models::sim::serving::Fidelity;
use sim_models::sim::serving::synthetic::{RunExtras, SyntheticServing, site};
use sim_models::topology::FabricSpec;
use sim_models::workload::{JobWork, TrainingJobSpec};

/// Four sites of mixed kinds (B200 for a scaled failure rate), each capped at `caps[i]`
/// of its full-load facility draw.
fn fleet(caps: [f64; 4]) -> SyntheticServing {
    let kinds = [
        ("aws-use1", "aws", "us-east-1", "h100", 8, 32, 1275.0),
        ("oci-ash", "oci", "us-ashburn-1", "b200", 8, 32, 1821.0),
        ("gcp-euw4", "gcp", "europe-west4", "tpu-v6e", 4, 64, 705.0),
        ("aws-usw2", "aws", "us-west-2", "h200", 8, 16, 1275.0),
    ];
    let sites = kinds
        .iter()
        .zip(caps)
        .map(|(&(n, c, r, k, node, nodes, w), cap)| {
            let mut s = site(n, c, r, k, node, nodes);
            s.power_cap_mw = cap * f64::from(node * nodes) * w * 1.2 / 1e6;
            s
        })
        .collect();
    SyntheticServing::new(FabricSpec { sites }, Vec::new())
}

/// Twenty jobs of 32-128 accelerators over the first four days, half by tokens (whose
/// work must be conserved exactly), half by duration, with mixed priorities.
fn jobs() -> Vec<TrainingJobSpec> {
    (0u32..20)
        .map(|i| {
            let work = if i % 2 == 0 {
                JobWork::Tokens(2e9 * f64::from(1 + i % 3))
            } else {
                JobWork::Duration(SimDuration::from_hours(10 + 5 * u64::from(i % 4)))
            };
            let mut j = TrainingJobSpec::new(format!("job-{i}"), 8e9, work, 32 << (i % 3));
            j.arrival = SimTime::ZERO + SimDuration::from_hours(5 * u64::from(i));
            j.priority = (i % 3) as i32;
            j
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn run(
    caps: [f64; 4],
    policies: [usize; 4],
    failure_scale: f64,
    outage: (usize, u64, u64),
    curtail: (usize, u64, u64, f64),
    grid: (usize, u64, u64),
    placement: usize,
    seed: u64,
) -> sim_models::sim::RunSummary {
    let world = fleet(caps);
    let horizon = SimTime::ZERO + SimDuration::from_days(6);
    let names: Vec<String> = world
        .fabric()
        .sites()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let h = |n: u64| SimTime::ZERO + SimDuration::from_hours(n);
    let outages = OutagePlan::build(
        world.fabric(),
        horizon,
        &[ScriptedOutageSpec {
            scope: format!("site:{}", names[outage.0]),
            at: h(outage.1),
            duration: SimDuration::from_hours(outage.2),
        }],
        &[],
        &[],
        &RngStreams::new(seed),
    )
    .unwrap();
    let power: Vec<SitePowerSpec> = policies
        .iter()
        .map(|&p| SitePowerSpec {
            policy: PowerPolicy::ALL[p],
            ..SitePowerSpec::default()
        })
        .collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let curtailments = CurtailmentPlan::build(
        &name_refs,
        &power,
        horizon,
        &CurtailmentSpecs {
            scripted: vec![CurtailmentSpec {
                site: names[curtail.0].clone(),
                at: h(curtail.1),
                duration: SimDuration::from_hours(curtail.2),
                cap_fraction: curtail.3,
            }],
            random: Vec::new(),
            grid_outages: vec![GridOutageSpec {
                site: names[grid.0].clone(),
                at: h(grid.1),
                duration: SimDuration::from_hours(grid.2),
            }],
        },
        &RngStreams::new(seed),
    )
    .unwrap();
    let failures = FailureModel::builtin("llama3-h100")
        .unwrap()
        .scaled(failure_scale);
    let placement = Registry::builtin()
        .placements()
        .nth(placement)
        .unwrap()
        .0
        .to_owned();
    let extras = RunExtras {
        outages,
        jobs: jobs(),
        power,
        curtailments,
        failures: Some(failures),
        placement: Some(placement),
        check_invariants: true,
        ..RunExtras::default()
    };
    world.run_with(
        &[crate::crn::chat_on(0.02, 2, 8)],
        horizon,
        Fidelity::Request,
        seed,
        extras,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the caps, power policies, curtailments, grid outages, failures and
    /// outages: `run_checked` finds no violation (it panics inside `run_with` if it does),
    /// and the totals agree afterwards.
    #[test]
    fn energy_is_conserved_and_invariants_hold_under_power_caps(
        caps in proptest::array::uniform4(0.2f64..1.5),
        policies in proptest::array::uniform4(0usize..3),
        failure_scale in 0.5f64..40.0,
        outage in (0usize..4, 0u64..120, 1u64..24),
        curtail in (0usize..4, 0u64..120, 1u64..48, 0.0f64..1.0),
        grid in (0usize..4, 0u64..120, 1u64..12),
        placement in 0usize..9,
        seed in 0u64..1000,
    ) {
        let s = run(caps, policies, failure_scale, outage, curtail, grid, placement, seed);
        let jobs_mwh: f64 = s.jobs.iter().map(|j| j.energy_facility_mwh).sum();
        prop_assert!(jobs_mwh <= s.energy_mwh() * (1.0 + 1e-9) + 1e-9);
        for (spec, j) in jobs().iter().zip(&s.jobs) {
            if let Some(total) = spec.total_flops() {
                prop_assert!(j.flops_done <= total * (1.0 + 1e-9));
            }
            prop_assert!(j.lost_accel_h >= 0.0 && j.accel_hours >= 0.0);
        }
        for w in s.power.windows(2) {
            prop_assert!(w[0].time <= w[1].time);
        }
    }
}

/// A deep cut with every site over its cap: chips are paused and switched off
/// (running and powered shares below 1), which the job meters must follow.
#[test]
fn deep_curtailments_keep_the_books_balanced() {
    let s = run(
        [0.3, 0.3, 0.3, 0.3],
        [0, 1, 2, 0],
        5.0,
        (2, 30, 6),
        (0, 10, 48, 0.05),
        (1, 12, 8),
        0,
        7,
    );
    assert!(
        s.power.iter().any(|p| p.throttle == 0.0),
        "some site paused its chips"
    );
}
