//! Training jobs against the built-in catalog: validation, the Llama 3 405B rate, the
//! cost of spanning clouds, checkpoint planning with the Llama 3 failure rate, and
//! generated jobs.

use sim_core::rng::RngStreams;
use sim_core::time::{SimDuration, SimTime};
use sim_models::ModelError;
use sim_models::catalog::{AcceleratorSpec, Catalog};
use sim_models::workload::*;

fn accel<'c>(c: &'c Catalog, name: &str) -> &'c AcceleratorSpec {
    c.accelerator(c.accelerator_id(name).expect("built-in accelerator"))
}

fn llama3() -> TrainingJobSpec {
    TrainingJobSpec {
        kinds: vec!["h100".into()],
        ..TrainingJobSpec::new("llama3-405b", 405e9, JobWork::Tokens(15.6e12), 16_384)
    }
}

#[test]
fn every_bad_field_is_reported_with_its_path() {
    let c = Catalog::builtin();
    assert_eq!(llama3().validate(&["jobs", "llama3-405b"], &c), Ok(()));
    let bad = TrainingJobSpec {
        name: String::new(),
        params: f64::NAN,
        work: JobWork::Tokens(0.0),
        accelerators: 0,
        kinds: vec!["h100".into(), "tpu-v5-p".into(), "h100".into()],
        mfu: Some(1.5),
        checkpoint_interval: SimDuration::ZERO,
        checkpoint_cost: CheckpointCost::Size {
            bytes: -1.0,
            storage_gbit: 0.0,
        },
        global_batch_tokens: Some(f64::INFINITY),
        ..llama3()
    };
    let errs = bad.validate(&["jobs", "x"], &c).unwrap_err();
    let paths: Vec<String> = errs.iter().map(ModelError::dotted_path).collect();
    assert_eq!(
        paths,
        [
            "jobs.x.name",
            "jobs.x.params",
            "jobs.x.tokens",
            "jobs.x.accelerators",
            "jobs.x.kinds.1",
            "jobs.x.kinds.2",
            "jobs.x.mfu",
            "jobs.x.checkpoint_interval",
            "jobs.x.checkpoint_cost.bytes",
            "jobs.x.checkpoint_cost.storage_gbit",
            "jobs.x.global_batch_tokens",
        ]
    );
    assert_eq!(errs[4].suggestion.as_deref(), Some("tpu-v5p"));
    assert!(errs[5].message.contains("twice"), "{}", errs[5]);
    let zero_duration = TrainingJobSpec {
        work: JobWork::Duration(SimDuration::ZERO),
        ..llama3()
    };
    let errs = zero_duration.validate(&["j"], &c).unwrap_err();
    assert_eq!(errs[0].dotted_path(), "j.duration");
}

/// 405B on 16,384 H100: 128-way model parallel (Llama 3 used TP8 x PP16), a 6.3 s step,
/// and 3.8e25 FLOPs in about 68 days at 40 % MFU.
#[test]
fn llama3_405b_on_16k_h100() {
    let c = Catalog::builtin();
    let h100 = accel(&c, "h100");
    let job = llama3();
    let parts = [(h100, 16_384)];
    let r = JobRate::new(&job, &Allocation::new(&parts));
    assert_eq!((r.model_parallel, r.data_parallel), (128, 128));
    assert!((r.compute_s - 6.290).abs() < 0.001, "{r:?}");
    // Ring of 128 over 400 Gbit/s on a 6.33 GB shard: 0.252 s, 10 % exposed.
    assert!((r.all_reduce_s - 0.2524).abs() < 0.0005, "{r:?}");
    assert!(
        r.effective_mfu() > 0.398 && r.effective_mfu() < 0.40,
        "{r:?}"
    );
    let days = job.compute_secs(&r) / 86_400.0;
    assert!((67.0..69.0).contains(&days), "{days}");
}

/// "Is it worth spanning clouds?": two sites of 8,192 H100 joined by 400 Gbit/s at 70 ms
/// against 8,192 in one site. For 405B the WAN sync (16.3 s per step) costs more than the
/// second half of the chips gives; on 2 x 1,024 chips it pays.
#[test]
fn spanning_clouds_pays_the_wan_sync_per_step() {
    let c = Catalog::builtin();
    let h100 = accel(&c, "h100");
    let span = WanSpan {
        sites: 2,
        rtt_ms: 70.0,
        gbit: 400.0,
    };
    let (one_site, two_sites) = ([(h100, 8_192)], [(h100, 16_384)]);
    let big = llama3();
    let local = JobRate::new(&big, &Allocation::new(&one_site));
    let wide = JobRate::new(&big, &Allocation::new(&two_sites).with_span(span));
    assert!((wide.wan_sync_s - 16.27).abs() < 1e-9, "{wide:?}");
    assert!(wide.useful_flops_per_s < local.useful_flops_per_s);
    // With 100x the bandwidth it pays: the step is compute-bound again.
    let fat = WanSpan {
        gbit: 40_000.0,
        ..span
    };
    let fast = JobRate::new(&big, &Allocation::new(&two_sites).with_span(fat));
    assert!(fast.useful_flops_per_s > 1.7 * local.useful_flops_per_s);
    // The WAN share of a step does not depend on the model size (both scale with params)
    // but on n / (batch × WAN bandwidth): on 2 × 1,024 chips the same link pays, 1.5x.
    let (one_site, two_sites) = ([(h100, 1_024)], [(h100, 2_048)]);
    let local = JobRate::new(&big, &Allocation::new(&one_site));
    let wide = JobRate::new(&big, &Allocation::new(&two_sites).with_span(span));
    let gain = wide.useful_flops_per_s / local.useful_flops_per_s;
    assert!((1.45..1.55).contains(&gain), "{gain}");
}

/// Mixed H100 and TPU v5p in one synchronous job run at the v5p's pace.
#[test]
fn mixed_kinds_run_at_the_slowest_kind() {
    let c = Catalog::builtin();
    let (h100, v5p) = (accel(&c, "h100"), accel(&c, "tpu-v5p"));
    let job = TrainingJobSpec::new("mixed", 70e9, JobWork::Tokens(1e12), 2_048);
    let mixed = [(h100, 1_024), (v5p, 1_024)];
    let r = JobRate::new(&job, &Allocation::new(&mixed));
    assert_eq!(r.peak_flops_per_s, 2_048.0 * 459e12);
    let expected = job.step_flops() / (2_048.0 * 459e12 * DEFAULT_MFU);
    assert!((r.compute_s - expected).abs() < 1e-12 * expected);
}

/// Checkpoint planning with the Llama 3 failure rate (419 interruptions in 54 days, a
/// whole-job MTBF of 3.09 h) and the default 6.48 TB checkpoint at 2 TB/s (3.24 s).
#[test]
fn young_daly_plan_for_llama3() {
    let mtbf = SimDuration::from_hours_f64(54.0 * 24.0 / 419.0).unwrap();
    let job = llama3();
    let cost = job.checkpoint_cost.time();
    assert_eq!(cost, SimDuration::from_millis(3_240));
    let interval = young_daly_interval(mtbf, cost);
    // √(2 × 11,126 s × 3.24 s) ≈ 268 s.
    assert!((interval.as_secs_f64() - 268.5).abs() < 0.5, "{interval}");
    let planned = TrainingJobSpec {
        checkpoint_interval: interval,
        ..job
    };
    let tl = planned.timeline();
    assert_eq!(
        (tl.interval(), tl.cost(), tl.restart()),
        (interval, cost, DEFAULT_RESTART_OVERHEAD)
    );
    let ettr = first_order_ettr(mtbf, cost, tl.restart(), interval);
    let exact = exponential_ettr(mtbf, cost, tl.restart(), interval);
    // Restarts (10 min per 3.1 h) dominate: about 93 %.
    assert!((0.92..0.94).contains(&ettr), "{ettr}");
    assert!((exact - ettr).abs() < 0.005, "{ettr} vs {exact}");
    // The timeline agrees with its own accounting at the finish.
    let w = SimDuration::from_hours(1);
    let end = tl.elapsed_to_finish(w);
    assert_eq!(tl.compute_done(end), w);
    let s = tl.segment_times(end, false);
    assert_eq!(s.compute_kept, w);
    assert_eq!(
        s.checkpoint,
        cost * (w.as_nanos().div_ceil(interval.as_nanos()) - 1)
    );
}

#[test]
fn generated_jobs_are_valid_and_reproducible() {
    let c = Catalog::builtin();
    let spec = JobGeneratorSpec {
        name_prefix: "gen".into(),
        mean_interarrival: SimDuration::from_hours(6),
        sizes: vec![(64, 3.0), (1_024, 1.0)],
        work: WorkDist::Duration(SimDuration::from_days(2).into()),
        template: TrainingJobSpec {
            kinds: vec!["h100".into(), "tpu-v5p".into()],
            ..TrainingJobSpec::new("t", 70e9, JobWork::Tokens(1.0), 1)
        },
    };
    let g = JobGenerator::new(spec, &["generators", "0"], &c).unwrap();
    let until = SimTime::ZERO + SimDuration::from_days(30);
    let streams = RngStreams::new(11);
    let jobs = g.generate(until, &mut streams.stream("arrival/training/0"));
    assert_eq!(
        jobs,
        g.generate(until, &mut streams.stream("arrival/training/0"))
    );
    assert!((80..=160).contains(&jobs.len()), "{}", jobs.len());
    for j in &jobs {
        assert_eq!(j.validate(&["jobs", &j.name], &c), Ok(()));
        assert!(j.allows("tpu-v5p") && !j.allows("a100"));
        assert_eq!(j.work, JobWork::Duration(SimDuration::from_days(2)));
    }
}
