//! Serving model speed.
//!
//! * `serving/request`: one llama3-70b service (16 replicas of 8 H100, users in the same
//!   region, utilisation about 0.6), simulated request by request; throughput is in
//!   simulated requests per second of wall time (target: >= 1,000,000 on one core).
//! * `serving/flow-year`: 20 services over eight sites of the four clouds, diurnal users in
//!   four regions, one simulated year at flow fidelity with 1-hour intervals (target: < 5 s).
//!
//! Run: `cargo bench -p sim-benches --bench serving`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sim_core::time::{SimDuration, SimTime};
use sim_models::sim::serving::synthetic::SyntheticServing;
use sim_models::sim::serving::synthetic::{multi_cloud, single_service};
use sim_models::sim::serving::{DEFAULT_FLOW_INTERVAL, Fidelity};

/// Requests per second of the single-service bench (about 0.6 of 16 replicas' capacity).
const RATE: f64 = 250.0;

fn request_mode(c: &mut Criterion) {
    let (fabric, services) = single_service(16, RATE);
    let bench = SyntheticServing::new(fabric, services);
    let horizon = SimTime::ZERO + SimDuration::from_hours(1);
    let requests = bench.run(horizon, Fidelity::Request, 1).services[0]
        .figures
        .requests;
    let mut group = c.benchmark_group("serving");
    group.throughput(Throughput::Elements(requests as u64));
    group.sample_size(10);
    group.bench_function("request", |b| {
        b.iter(|| black_box(bench.run(horizon, Fidelity::Request, 1)))
    });
    group.finish();
}

fn flow_year(c: &mut Criterion) {
    let (fabric, services) = multi_cloud(20, 4, 20.0);
    let bench = SyntheticServing::new(fabric, services);
    let horizon = SimTime::ZERO + SimDuration::from_days(365);
    let flow = Fidelity::Flow {
        interval: DEFAULT_FLOW_INTERVAL,
    };
    let mut group = c.benchmark_group("serving");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("flow-year-20-services", |b| {
        b.iter(|| black_box(bench.run(horizon, flow, 1)))
    });
    group.finish();
}

criterion_group!(benches, request_mode, flow_year);
criterion_main!(benches);
