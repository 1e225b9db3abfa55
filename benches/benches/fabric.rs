//! Building fabrics of 10k to 1M accelerators (`uniform_h100_spec`: 10 clusters per site).
//! Building is O(sites + clusters), so the time should not grow with accelerators.
//!
//! Run: `cargo bench -p sim-benches --bench fabric`; memory: `fabricsim bench fabric`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sim_models::catalog::Catalog;
use sim_models::topology::uniform_h100_spec;

fn fabric_build(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let mut group = c.benchmark_group("fabric/build");
    for accelerators in [10_000u32, 100_000, 1_000_000] {
        let spec = uniform_h100_spec(&catalog, accelerators, 10).expect("catalog offers h100");
        group.bench_with_input(
            BenchmarkId::from_parameter(accelerators),
            &spec,
            |b, spec| b.iter(|| black_box(spec.build(&catalog).expect("valid synthetic fabric"))),
        );
    }
    group.finish();
}

criterion_group!(benches, fabric_build);
criterion_main!(benches);
