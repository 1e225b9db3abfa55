//! PHOLD at the three standard points (1k, 100k, 1M pending), side by side on fabricsim's
//! engine, a plain `std::collections::BinaryHeap` loop and simcore 0.1.0.
//!
//! Each measured iteration builds a fresh run (untimed: setup is excluded, as PHOLD.md
//! says) and times exactly its event loop; criterion reports events/s through
//! `Throughput::Elements`. N per iteration is 1M events, 2M at the 1M point so every pending
//! event is replaced at least once (PHOLD.md asks N >= P there); full N = 10M runs in fresh
//! processes come from `benches/phold-table.sh`.
//!
//! Run: `cargo bench -p sim-benches --bench phold`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim_benches::heap::HeapPhold;
use sim_benches::simcore_phold::SimcorePhold;
use sim_core::phold::{EnginePhold, PerformanceDraws, PholdConfig};

/// The standard points: (name, E, M, N per iteration).
const POINTS: [(&str, u32, u32, u64); 3] = [
    ("P1k", 1_000, 1, 1_000_000),
    ("P100k", 10_000, 10, 1_000_000),
    ("P1M", 100_000, 10, 2_000_000),
];

/// Times `iters` fresh runs: `setup` untimed, `run` timed.
fn timed_runs<T, R>(iters: u64, setup: impl Fn() -> T, run: impl Fn(&mut T) -> R) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let mut state = setup();
        let start = Instant::now();
        black_box(run(&mut state));
        total += start.elapsed();
    }
    total
}

fn phold(c: &mut Criterion) {
    for (name, entities, per_entity, events) in POINTS {
        let cfg = PholdConfig {
            entities,
            per_entity,
            events,
            seed: 42,
        };
        let mut group = c.benchmark_group(format!("phold/{name}"));
        group.throughput(Throughput::Elements(events));
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(if entities >= 100_000 {
            20
        } else {
            4
        }));

        group.bench_function(BenchmarkId::from_parameter("fabricsim"), |b| {
            b.iter_custom(|iters| {
                timed_runs(
                    iters,
                    || EnginePhold::new(&cfg, PerformanceDraws::new(cfg.seed)).unwrap(),
                    EnginePhold::run,
                )
            })
        });
        group.bench_function(BenchmarkId::from_parameter("binary-heap"), |b| {
            b.iter_custom(|iters| {
                timed_runs(
                    iters,
                    || HeapPhold::new(&cfg, PerformanceDraws::new(cfg.seed)),
                    HeapPhold::run,
                )
            })
        });
        group.bench_function(BenchmarkId::from_parameter("simcore"), |b| {
            b.iter_custom(|iters| timed_runs(iters, || SimcorePhold::new(&cfg), SimcorePhold::run))
        });
        group.finish();
    }
}

criterion_group!(benches, phold);
criterion_main!(benches);
