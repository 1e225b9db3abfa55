//! Inference serving end to end: queueing theory, failover, partitions, fidelities.

use sim_core::rng::RngStreams;
use sim_core::stats::Welford;
use sim_core::time::{SimDuration, SimTime};
use sim_models::inference::arrival::RateProfile;
use sim_models::inference::queueing::Mmc;
use sim_models::inference::service::{
    Arrivals, ReplicaGroupSpec, Routing, ServedModel, ServiceSpec, UserSpec,
};
use sim_models::inference::tokens::TokenDist;
use sim_models::network::{PartitionPlan, PartitionSpec, RttModel};
use sim_models::outage::{OutagePlan, ScriptedOutageSpec};
use sim_models::sim::RunSummary;
use sim_models::sim::serving::synthetic::{RunExtras, SyntheticServing, site};
use sim_models::sim::serving::{Fidelity, ServiceReport, ServingFigures};
use sim_models::topology::FabricSpec;

/// Sites `(name, cloud, region, h100 nodes)`, one cluster `serve` each.
fn fabric(sites: &[(&str, &str, &str, u32)]) -> SyntheticServing {
    let spec = FabricSpec {
        sites: sites
            .iter()
            .map(|&(name, cloud, region, nodes)| site(name, cloud, region, "h100", 8, nodes))
            .collect(),
    };
    SyntheticServing::new(spec, Vec::new())
}

/// A service with replicas `(site, count, chips)` on each site's `h100` cluster and users
/// `(cloud/region, constant rate)`.
fn service(
    name: &str,
    model: ServedModel,
    prompt: TokenDist,
    output: TokenDist,
    max_batch: u32,
    replicas: &[(&str, u32, u32)],
    users: &[(&str, f64)],
) -> ServiceSpec {
    ServiceSpec {
        name: name.into(),
        model,
        prompt_tokens: prompt,
        output_tokens: output,
        max_batch,
        slo_ttft: SimDuration::from_secs(2),
        slo_tpot: SimDuration::from_millis(200),
        routing: Routing::Nearest,
        max_retries: 2,
        startup: SimDuration::from_mins(5),
        replicas: replicas
            .iter()
            .map(|&(site, count, chips)| ReplicaGroupSpec {
                site: Some(site.into()),
                cluster: Some("serve".into()),
                accelerator: None,
                count,
                chips,
            })
            .collect(),
        users: users
            .iter()
            .map(|&(region, rate)| UserSpec {
                region: region.into(),
                arrivals: Arrivals::Profile(RateProfile::Constant { rate_per_s: rate }),
            })
            .collect(),
    }
}

struct Setup<'a> {
    world: &'a SyntheticServing,
    services: Vec<ServiceSpec>,
    fidelity: Fidelity,
    outages: OutagePlan,
    partitions: PartitionPlan,
    horizon: SimTime,
    seed: u64,
    sample_every: u64,
}

fn run(s: Setup<'_>) -> RunSummary {
    let extras = RunExtras {
        outages: s.outages,
        partitions: s.partitions,
        sample_every: s.sample_every,
        ..RunExtras::default()
    };
    s.world
        .run_with(&s.services, s.horizon, s.fidelity, s.seed, extras)
}

fn hours(h: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_hours(h)
}

/// A model whose decode step is memory bound and independent of the batch (tiny KV cache),
/// with negligible prefill: a replica is `max_batch` servers of exponential-like service
/// time `(output - 1) x tpot`.
fn queue_model() -> ServedModel {
    ServedModel {
        params: 1e9,
        bytes_per_param: 2.0,
        kv_bytes_per_token: 1e-9,
        mfu: 1.0,
    }
}

/// The single-replica M/M/c check: mean slot wait (TTFT minus the 1 ms same-region round
/// trip and the microsecond prefill) against Erlang C, over `seeds` seeds.
fn mmc_check(servers: u32, rho: f64, requests_per_seed: f64, seeds: u64) {
    pooled_mmc_check(1, servers, rho, requests_per_seed, seeds);
}

/// [`mmc_check`] with `replicas` replicas of `slots` slots at one site: the site's router
/// queues centrally, so this is M/M/(replicas x slots).
fn pooled_mmc_check(replicas: u32, slots: u32, rho: f64, requests_per_seed: f64, seeds: u64) {
    let servers = replicas * slots;
    let world = fabric(&[("dc", "aws", "us-east-1", replicas)]);
    let (catalog, fab) = (world.catalog(), world.fabric());
    let mean_out = 101.0; // (output - 1) has mean 100: 100 decode steps
    let probe = service(
        "q",
        queue_model(),
        TokenDist::Fixed(1),
        TokenDist::Geometric { mean: mean_out },
        slots,
        &[("dc", replicas, 1)],
        &[("aws/us-east-1", 1.0)],
    )
    .resolve(fab, catalog)
    .unwrap();
    let speed = probe.replicas[0].speed;
    let tpot = speed.tpot_s(1, 1);
    assert!(
        (speed.tpot_s(servers, 60) - tpot).abs() / tpot < 1e-6,
        "tpot depends on batch"
    );
    let mean_service = (mean_out - 1.0) * tpot;
    let mu = 1.0 / mean_service;
    let lambda = rho * f64::from(servers) * mu;
    let theory = Mmc::new(lambda, mu, servers).unwrap().mean_wait_s();
    let horizon = SimTime::ZERO + SimDuration::from_secs_f64(requests_per_seed / lambda).unwrap();
    let fixed = 1e-3 + speed.prefill_s(1);
    let mut waits = Welford::new();
    for seed in 0..seeds {
        let s = run(Setup {
            world: &world,
            services: vec![service(
                "q",
                queue_model(),
                TokenDist::Fixed(1),
                TokenDist::Geometric { mean: mean_out },
                slots,
                &[("dc", replicas, 1)],
                &[("aws/us-east-1", lambda)],
            )],
            fidelity: Fidelity::Request,
            outages: OutagePlan::default(),
            partitions: PartitionPlan::default(),
            horizon,
            seed,
            sample_every: 0,
        });
        let f = &s.services[0].figures;
        assert_eq!(f.dropped, 0.0);
        waits.insert(f.ttft.mean_ms / 1e3 - fixed);
    }
    let got = waits.mean().unwrap();
    let half = waits.ci95_half_width().unwrap();
    let err = (got - theory).abs() / theory;
    println!(
        "M/M/{servers} ({replicas} x {slots}) rho {rho}: simulated mean wait {:.4} ms ± {:.4} (95%), Erlang C {:.4} ms, error {:.2}%",
        got * 1e3,
        half * 1e3,
        theory * 1e3,
        err * 100.0
    );
    assert!(
        half / theory < 0.03,
        "the check is not meaningful: CI ±{:.1}%",
        half / theory * 100.0
    );
    assert!(err < 0.03, "mean wait off by {:.2}%", err * 100.0);
}

#[test]
fn request_mode_matches_mm1() {
    mmc_check(1, 0.5, 200_000.0, 4);
    mmc_check(1, 0.8, 400_000.0, 6);
    mmc_check(1, 0.9, 800_000.0, 8);
}

#[test]
fn request_mode_matches_erlang_c() {
    mmc_check(8, 0.5, 800_000.0, 12);
    mmc_check(8, 0.8, 500_000.0, 8);
    mmc_check(8, 0.9, 800_000.0, 8);
}

#[test]
fn a_site_of_replicas_is_one_pooled_queue() {
    pooled_mmc_check(4, 2, 0.8, 500_000.0, 8);
}

fn chat(routing: Routing, users: &[(&str, f64)]) -> ServiceSpec {
    let mut s = service(
        "chat",
        ServedModel::preset("llama3-70b").unwrap(),
        TokenDist::azure_conv_prompt(),
        TokenDist::azure_conv_output(),
        32,
        &[("use1", 4, 8), ("weu", 4, 8)],
        users,
    );
    s.routing = routing;
    s
}

fn two_regions() -> SyntheticServing {
    fabric(&[
        ("use1", "aws", "us-east-1", 8),
        ("weu", "azure", "westeurope", 8),
    ])
}

fn total(reports: &[ServiceReport]) -> (f64, f64, f64, f64) {
    let f = &reports[0].figures;
    (f.requests, f.completed, f.dropped, f.retried)
}

#[test]
fn a_regional_outage_fails_over_to_the_other_region_and_retries_in_flight_requests() {
    let world = two_regions();
    let (catalog, fab) = (world.catalog(), world.fabric());
    let outage = OutagePlan::build(
        fab,
        hours(6),
        &[ScriptedOutageSpec {
            scope: "site:use1".into(),
            at: hours(2),
            duration: SimDuration::from_hours(2),
        }],
        &[],
        &[],
        &RngStreams::new(1),
    )
    .unwrap();
    let users = [("aws/us-east-1", 10.0)];
    let base = run(Setup {
        world: &world,
        services: vec![chat(Routing::Nearest, &users)],
        fidelity: Fidelity::Request,
        outages: OutagePlan::default(),
        partitions: PartitionPlan::default(),
        horizon: hours(6),
        seed: 3,
        sample_every: 0,
    });
    let hit = run(Setup {
        world: &world,
        services: vec![chat(Routing::Nearest, &users)],
        fidelity: Fidelity::Request,
        outages: outage,
        partitions: PartitionPlan::default(),
        horizon: hours(6),
        seed: 3,
        sample_every: 0,
    });
    let (req, done, dropped, retried) = total(&hit.services);
    let (base_req, ..) = total(&base.services);
    assert_eq!(req, base_req, "common random numbers: the same arrivals");
    assert_eq!(dropped, 0.0, "nothing dropped: the other region takes over");
    assert!(
        retried > 0.0,
        "requests in flight at the outage are retried"
    );
    assert!(done > 0.99 * req);
    // During the outage the users are served across the Atlantic: TTFT rises by about the
    // RTT (~75-90 ms); before and after it does not.
    let ttft = |s: &RunSummary, h: usize| s.services[0].timeline[h].figures.ttft.mean_ms;
    let rtt = RttModel::from_catalog(catalog).unwrap();
    let a = catalog.region_id("aws", "us-east-1").unwrap();
    let b = catalog.region_id("azure", "westeurope").unwrap();
    let cross = rtt.rtt_ms(a, b).ms;
    // (Hour 4 is mixed: the replicas are back 5 minutes after the outage.)
    for h in [0, 1, 5] {
        assert!(
            (ttft(&hit, h) - ttft(&base, h)).abs() < 0.05 * ttft(&base, h) + 1.0,
            "hour {h}"
        );
    }
    for h in [2, 3] {
        let added = ttft(&hit, h) - ttft(&base, h);
        assert!(
            added > 0.8 * cross && added < cross + 100.0,
            "hour {h}: +{added} ms vs RTT {cross} ms"
        );
    }
    // The replicas restart after the outage (start-up 5 min): down time ≈ 4 replicas × 2h05.
    let down = hit.services[0].replica_down_h;
    assert!(
        (down - 4.0 * (2.0 + 5.0 / 60.0)).abs() < 0.01,
        "replica down {down} h"
    );
}

#[test]
fn a_partition_isolating_the_users_drops_their_requests_and_spares_others() {
    let world = two_regions();
    let partitions = PartitionPlan::build(
        world.catalog(),
        &[PartitionSpec {
            a: "gcp/us-central1".into(),
            b: None,
            start: hours(1),
            duration: SimDuration::from_hours(1),
        }],
        None,
        &[],
        hours(3),
        &RngStreams::new(1),
    )
    .unwrap();
    let s = run(Setup {
        world: &world,
        services: vec![chat(
            Routing::LeastLoaded,
            &[("gcp/us-central1", 5.0), ("azure/westeurope", 5.0)],
        )],
        fidelity: Fidelity::Request,
        outages: OutagePlan::default(),
        partitions,
        horizon: hours(3),
        seed: 9,
        sample_every: 0,
    });
    let regions = &s.services[0].regions;
    let cut = &regions[0].figures;
    let fine = &regions[1].figures;
    assert!(
        (cut.dropped / cut.requests - 1.0 / 3.0).abs() < 0.03,
        "{} of {}",
        cut.dropped,
        cut.requests
    );
    assert_eq!(fine.dropped, 0.0);
    let t = &s.services[0].timeline;
    assert_eq!(t[0].figures.dropped, 0.0);
    assert!(t[1].figures.dropped > 0.95 * t[1].figures.requests / 2.0);
    assert_eq!(t[2].figures.dropped, 0.0);
}

#[test]
fn same_seed_same_result_and_samples_are_kept() {
    let world = two_regions();

    let go = |seed| {
        run(Setup {
            world: &world,
            services: vec![chat(
                Routing::LatencyAware,
                &[("aws/us-east-1", 8.0), ("azure/westeurope", 8.0)],
            )],
            fidelity: Fidelity::Request,
            outages: OutagePlan::default(),
            partitions: PartitionPlan::default(),
            horizon: hours(1),
            seed,
            sample_every: 10,
        })
    };
    let (a, b, c) = (go(1), go(1), go(2));
    assert_eq!(a.services, b.services);
    assert_eq!(a.requests, b.requests);
    assert_ne!(a.services, c.services);
    let n = a.services[0].figures.requests;
    // One request in ten, less those still in flight at the horizon.
    let kept = a.requests.len() as f64;
    assert!(
        kept <= n / 10.0 + 1.0 && kept >= 0.98 * n / 10.0,
        "{kept} of {n}"
    );
    assert!(
        a.requests
            .iter()
            .all(|r| r.ttft_s > 0.0 && r.prompt_tokens >= 1)
    );
}

/// Request and flow fidelity on one scenario: `replicas` llama3-70b replicas on 8 H100
/// each, Azure conversation (or code) token sizes, users in the same region at a constant
/// rate giving utilisation `rho` of the replicas' capacity.
fn fidelity_pair(
    rho: f64,
    replicas: u32,
    code: bool,
    max_batch: u32,
) -> (ServiceReport, ServiceReport) {
    use sim_models::inference::flow::FlowQueue;
    let world = two_regions();
    let (catalog, fab) = (world.catalog(), world.fabric());
    let mut spec = chat(Routing::Nearest, &[("aws/us-east-1", 1.0)]);
    spec.replicas.truncate(1);
    spec.replicas[0].count = replicas;
    spec.max_batch = max_batch;
    if code {
        spec.prompt_tokens = TokenDist::azure_code_prompt();
        spec.output_tokens = TokenDist::azure_code_output();
    }
    let resolved = spec.resolve(fab, catalog).unwrap();
    let q = FlowQueue::new(
        resolved.replicas[0].speed,
        resolved.max_batch,
        &resolved.prompt_tokens,
        &resolved.output_tokens,
    );
    let lambda = rho * q.capacity(1.0) * f64::from(replicas);
    spec.users[0].arrivals = Arrivals::Profile(RateProfile::Constant { rate_per_s: lambda });
    let go = |fidelity| {
        run(Setup {
            world: &world,
            services: vec![spec.clone()],
            fidelity,
            outages: OutagePlan::default(),
            partitions: PartitionPlan::default(),
            horizon: hours(6),
            seed: 5,
            sample_every: 0,
        })
        .services
        .remove(0)
    };
    (
        go(Fidelity::Request),
        go(Fidelity::Flow {
            interval: SimDuration::from_hours(1),
        }),
    )
}

#[test]
fn request_and_flow_fidelity_agree_up_to_utilisation_0_8() {
    let mut failures = Vec::new();
    // (replicas, code tokens, slots): prefill-bound at 32 slots, slot-bound at 4.
    let cases = [
        (1, false, 32),
        (4, false, 32),
        (8, false, 32),
        (4, true, 32),
        (4, false, 4),
    ];
    for (replicas, code, slots) in cases {
        for rho in [0.3, 0.5, 0.8] {
            let (req, flow) = fidelity_pair(rho, replicas, code, slots);
            let (a, b) = (&req.figures, &flow.figures);
            let mean_err = (b.ttft.mean_ms - a.ttft.mean_ms) / a.ttft.mean_ms;
            let p99_err = (b.ttft.p99_ms - a.ttft.p99_ms) / a.ttft.p99_ms;
            let case = format!(
                "{replicas} replicas of {slots} slots, {} tokens, rho {rho}: TTFT mean {:.1} vs {:.1} ms ({:+.1}%), \
                 p99 {:.1} vs {:.1} ms ({:+.1}%); TPOT {:.2} vs {:.2} ms; util {:.3} vs {:.3}",
                if code { "code" } else { "conv" },
                a.ttft.mean_ms,
                b.ttft.mean_ms,
                mean_err * 100.0,
                a.ttft.p99_ms,
                b.ttft.p99_ms,
                p99_err * 100.0,
                a.tpot.mean_ms,
                b.tpot.mean_ms,
                req.utilisation,
                flow.utilisation,
            );
            println!("{case}");
            let ok = mean_err.abs() < 0.10
                && p99_err.abs() < 0.20
                && (req.utilisation - flow.utilisation).abs() < 0.05
                && (a.requests - b.requests).abs() / b.requests < 0.02
                && (a.tpot.mean_ms - b.tpot.mean_ms).abs() / a.tpot.mean_ms < 0.10;
            if !ok {
                failures.push(case);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fidelities disagree:\n{}",
        failures.join("\n")
    );
}

/// Training and serving share one cluster: replicas take their nodes first, a job that
/// does not fit in what is left waits, and a curtailment's throttle slows serving too.
#[test]
fn training_and_serving_share_the_fleet_and_its_power() {
    use sim_models::power::{CurtailmentPlan, CurtailmentSpec, CurtailmentSpecs, SitePowerSpec};
    use sim_models::workload::{JobWork, TrainingJobSpec};
    // One site of 10 nodes; 4 replicas of 8 chips hold 4 of them.
    let world = fabric(&[("dc", "aws", "us-east-1", 10)]);
    let mut svc = chat(Routing::Nearest, &[("aws/us-east-1", 2.0)]);
    svc.replicas = vec![ReplicaGroupSpec {
        site: Some("dc".into()),
        cluster: Some("serve".into()),
        accelerator: None,
        count: 4,
        chips: 8,
    }];
    let job = |name: &str, nodes: u32| {
        TrainingJobSpec::new(
            name,
            8e9,
            JobWork::Duration(SimDuration::from_hours(1)),
            nodes * 8,
        )
    };
    let extras = RunExtras {
        jobs: vec![job("fits", 6), job("too-big", 7), job("next", 6)],
        ..RunExtras::default()
    };
    let s = world.run_with(&[svc.clone()], hours(3), Fidelity::Request, 1, extras);
    assert_eq!(
        s.jobs[0].first_start,
        Some(SimTime::ZERO),
        "6 nodes fit beside 4 replicas"
    );
    // 7 nodes never fit while the replicas hold 4 of 10; the third job starts when the
    // first frees its nodes (after its hour of work and its checkpoints).
    assert_eq!(s.jobs[1].first_start, None);
    let done = s.jobs[0].completed_at.expect("the first job completes");
    assert!(done > hours(1) && done < hours(2), "{done:?}");
    assert_eq!(s.jobs[2].first_start, Some(done));
    assert_eq!(s.services[0].figures.dropped, 0.0);
    // A curtailment to 60 kW (below the ~72 kW the site draws) for the second hour
    // throttles the replicas: TPOT
    // (memory-bound decode) stretches by 1 / throttle while it lasts.
    let names = ["dc"];
    let power = vec![SitePowerSpec::default()];
    let curtailments = CurtailmentPlan::build(
        &names,
        &power,
        hours(3),
        &CurtailmentSpecs {
            scripted: vec![CurtailmentSpec {
                site: "dc".into(),
                at: hours(1),
                duration: SimDuration::from_hours(1),
                cap_fraction: 0.00006,
            }],
            ..CurtailmentSpecs::default()
        },
        &RngStreams::new(1),
    )
    .unwrap();
    let capped = world.run_with(
        &[svc],
        hours(3),
        Fidelity::Request,
        1,
        RunExtras {
            power,
            curtailments,
            ..RunExtras::default()
        },
    );
    let throttle = capped
        .power
        .iter()
        .find(|p| p.time == hours(1))
        .map(|p| p.throttle)
        .unwrap();
    assert!(throttle < 1.0, "the cut throttles the site: {throttle}");
    let tpot = |h: usize| capped.services[0].timeline[h].figures.tpot.p50_ms;
    let ratio = tpot(1) / tpot(0);
    assert!(
        (ratio * throttle - 1.0).abs() < 0.05,
        "TPOT x{ratio:.2} under throttle {throttle:.3}"
    );
    assert!((tpot(2) / tpot(0) - 1.0).abs() < 0.02, "back to full speed");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Whatever the load, routing, outage and partition: counts add up across regions
        /// and hours, nothing is completed or dropped twice, utilisation and attainment are
        /// fractions, latencies include the network, and a rerun is identical.
        #[test]
        fn serving_books_balance(
            rate in 0.5f64..40.0,
            replicas in 1u32..4,
            slots in 1u32..16,
            routing in 0usize..3,
            retries in 0u32..3,
            outage_at in 0u64..7200,
            outage_s in 1u64..7200,
            cut_at in 0u64..7200,
            flow in any::<bool>(),
        ) {
            let world = two_regions();
            let mut svc = chat(Routing::ALL[routing], &[("aws/us-east-1", rate), ("azure/westeurope", rate / 2.0)]);
            svc.max_batch = slots;
            svc.max_retries = retries;
            for g in &mut svc.replicas {
                g.count = replicas;
            }
            let at = |s: u64| SimTime::ZERO + SimDuration::from_secs(s);
            let outages = OutagePlan::build(
                world.fabric(),
                hours(2),
                &[ScriptedOutageSpec { scope: "site:use1".into(), at: at(outage_at), duration: SimDuration::from_secs(outage_s) }],
                &[],
                &[],
                &RngStreams::new(1),
            ).unwrap();
            let partitions = PartitionPlan::build(
                world.catalog(),
                &[PartitionSpec { a: "azure/westeurope".into(), b: Some("aws/us-east-1".into()), start: at(cut_at), duration: SimDuration::from_secs(900) }],
                None,
                &[],
                hours(2),
                &RngStreams::new(1),
            ).unwrap();
            let fidelity = if flow { Fidelity::Flow { interval: SimDuration::from_mins(15) } } else { Fidelity::Request };
            let go = || world.run_with(
                std::slice::from_ref(&svc),
                hours(2),
                fidelity,
                3,
                RunExtras { outages: outages.clone(), partitions: partitions.clone(), ..RunExtras::default() },
            );
            let s = go();
            // (Debug text: NaN, for empty percentiles, is not equal to itself.)
            prop_assert_eq!(format!("{:?}", s.services), format!("{:?}", go().services));
            let r = &s.services[0];
            let f = &r.figures;
            prop_assert!(f.completed + f.dropped <= f.requests * (1.0 + 1e-9) + 1e-9);
            prop_assert!(f.completed >= 0.0 && f.dropped >= 0.0 && f.retried >= 0.0);
            for part in [|x: &ServingFigures| x.requests, |x: &ServingFigures| x.completed, |x: &ServingFigures| x.dropped] {
                let regions: f64 = r.regions.iter().map(|g| part(&g.figures)).sum();
                let hours: f64 = r.timeline.iter().map(|w| part(&w.figures)).sum();
                prop_assert!(close(regions, part(f)), "regions {} vs {}", regions, part(f));
                prop_assert!(close(hours, part(f)), "hours {} vs {}", hours, part(f));
            }
            prop_assert!((0.0..=1.0 + 1e-9).contains(&r.utilisation), "utilisation {}", r.utilisation);
            if f.requests > 0.0 {
                prop_assert!((0.0..=1.0).contains(&f.slo_attainment));
            }
            if f.completed > 0.0 {
                prop_assert!(f.ttft.p50_ms >= 0.9 && f.ttft.p50_ms <= f.ttft.p99_ms * (1.0 + 1e-9));
                prop_assert!(f.tpot.p50_ms > 0.0);
            }
            prop_assert!(r.replica_down_h >= 0.0 && r.replica_down_h <= 2.0 * 2.0 * f64::from(replicas) + 1e-9);
        }
    }
}

/// Replicas given only an accelerator kind go where the placement policy puts them:
/// `lowest-latency` next to their users, `first-fit` on the first cluster in fabric order.
#[test]
fn the_placement_policy_places_replicas_given_only_a_kind() {
    let world = two_regions();
    let mut svc = chat(Routing::Nearest, &[("azure/westeurope", 4.0)]);
    svc.replicas = vec![ReplicaGroupSpec {
        site: None,
        cluster: None,
        accelerator: Some("h100".into()),
        count: 2,
        chips: 8,
    }];
    let go = |placement: &str| {
        let extras = RunExtras {
            placement: Some(placement.into()),
            decision_options: 4,
            ..RunExtras::default()
        };
        world.run_with(
            std::slice::from_ref(&svc),
            hours(1),
            Fidelity::Request,
            1,
            extras,
        )
    };
    let near = go("lowest-latency");
    let first = go("first-fit");
    let choices = |s: &RunSummary| {
        s.decisions
            .iter()
            .map(|d| (d.subject.clone(), d.choice.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        choices(&near),
        [
            ("chat#0".to_owned(), "weu/serve x 1".to_owned()),
            ("chat#1".to_owned(), "weu/serve x 1".to_owned())
        ]
    );
    assert!(choices(&first).iter().all(|(_, c)| c == "use1/serve x 1"));
    // Served in-region, the users wait a transatlantic round trip less.
    let ttft = |s: &RunSummary| s.services[0].figures.ttft.p50_ms;
    assert!(
        ttft(&first) - ttft(&near) > 50.0,
        "{} vs {}",
        ttft(&first),
        ttft(&near)
    );
    // Billed while they hold their nodes: 2 x 8 H100 at $12.29 on AWS for the hour (Azure
    // H100 has no catalog price).
    assert!((first.services[0].cost_usd - 2.0 * 8.0 * 12.29).abs() < 1e-6);
    assert_eq!(near.services[0].cost_usd, 0.0);
}
