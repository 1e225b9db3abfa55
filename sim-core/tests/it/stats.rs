//! Statistics accumulators agree with exact offline computations on random data.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp, LogNormal, Normal, Pareto};
use rand_xoshiro::Xoshiro256PlusPlus;
use sim_core::stats::{Counter, QuantileSketch, SketchError, TimeWeighted, Welford};
use sim_core::time::SimTime;

/// Mean and sample variance the textbook way: two passes over stored data.
fn two_pass(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

fn close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol
}

fn samples() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1e6..1e6_f64, 2..300)
}

proptest! {
    #[test]
    fn welford_matches_two_pass(xs in samples(), offset in prop_oneof![Just(0.0), Just(1e9)]) {
        let xs: Vec<f64> = xs.iter().map(|x| x + offset).collect();
        let w: Welford = xs.iter().copied().collect();
        let (mean, var) = two_pass(&xs);
        let scale = xs.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
        prop_assert_eq!(w.count(), xs.len() as u64);
        prop_assert!(close(w.mean().unwrap(), mean, 1e-12 * scale));
        // Both methods round; 1e-9 of the variance plus a floor for near-constant data.
        let tol = 1e-9 * var + 1e-12 * scale * scale;
        prop_assert!(close(w.variance().unwrap(), var, tol), "{:?} vs {}", w.variance(), var);
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert_eq!((w.min(), w.max()), (Some(lo), Some(hi)));
    }

    #[test]
    fn welford_merge_equals_sequential(
        xs in samples(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
    ) {
        let sequential: Welford = xs.iter().copied().collect();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(xs.len() + 1)).collect();
        cuts.push(0);
        cuts.push(xs.len());
        cuts.sort_unstable();
        let mut merged = Welford::new();
        for pair in cuts.windows(2) {
            let part: Welford = xs[pair[0]..pair[1]].iter().copied().collect();
            merged.merge(&part);
        }
        let scale = xs.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
        let var = sequential.variance().unwrap();
        prop_assert_eq!(merged.count(), sequential.count());
        prop_assert!(close(merged.mean().unwrap(), sequential.mean().unwrap(), 1e-12 * scale));
        prop_assert!(close(merged.variance().unwrap(), var, 1e-9 * var + 1e-12 * scale * scale));
        prop_assert_eq!((merged.min(), merged.max()), (sequential.min(), sequential.max()));
    }
}

#[test]
fn welford_ci95_covers_true_mean_95_percent_of_the_time() {
    // Small n is where Student's t matters: the normal 1.96 would cover only ~88%.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x5eed);
    let normal = Normal::new(10.0, 3.0).unwrap();
    let trials = 20_000;
    let covered = (0..trials)
        .filter(|_| {
            let w: Welford = (0..5).map(|_| normal.sample(&mut rng)).collect();
            (w.mean().unwrap() - 10.0).abs() <= w.ci95_half_width().unwrap()
        })
        .count();
    let coverage = covered as f64 / f64::from(trials);
    // Binomial sd at 20 000 trials is 0.0015; allow about four of them.
    assert!((coverage - 0.95).abs() < 0.006, "coverage {coverage}");
}

#[test]
fn counter_counts() {
    let mut c = Counter::new();
    for _ in 0..10 {
        c.incr();
    }
    c.add(5);
    assert_eq!(c.get(), 15);
}

#[test]
fn time_weighted_energy_by_hand() {
    // A GPU idles at 80 W, trains at 700 W from 5 s to 65 s, idles again until 100 s:
    // 80·5 + 700·60 + 80·35 = 400 + 42 000 + 2 800 = 45 200 J.
    let s = |secs: u64| SimTime::from_nanos(secs * 1_000_000_000);
    let mut power_w = TimeWeighted::new(s(0), 80.0);
    power_w.set(s(5), 700.0);
    power_w.set(s(65), 80.0);
    assert_eq!(power_w.integral_until(s(100)), 45_200.0);
    assert_eq!(power_w.mean_until(s(100)), Some(452.0));
    assert_eq!((power_w.min(), power_w.max()), (80.0, 700.0));
}

proptest! {
    #[test]
    fn time_weighted_integral_is_sum_of_value_times_dt(
        start in 0..1_000_000_000_u64,
        initial in -1000..1000_i64,
        steps in prop::collection::vec((0..1_000_000_000_000_u64, -1000..1000_i64, any::<bool>()), 0..200),
        tail in 0..1_000_000_000_u64,
    ) {
        // Integer levels and nanoseconds give an exact reference in i128.
        let mut w = TimeWeighted::new(SimTime::from_nanos(start), initial as f64);
        let (mut now, mut level) = (start, initial);
        let (mut exact, mut magnitude) = (0_i128, 0_i128);
        for &(dt, v, relative) in &steps {
            let term = i128::from(level) * i128::from(dt);
            exact += term;
            magnitude += term.abs();
            now += dt;
            if relative {
                w.add(SimTime::from_nanos(now), v as f64);
                level += v;
            } else {
                w.set(SimTime::from_nanos(now), v as f64);
                level = v;
            }
        }
        let term = i128::from(level) * i128::from(tail);
        exact += term;
        magnitude += term.abs();
        let end = SimTime::from_nanos(now + tail);
        let want = exact as f64 * 1e-9;
        let tol = 1e-14 * magnitude as f64 * 1e-9;
        prop_assert!(close(w.integral_until(end), want, tol), "{} vs {}", w.integral_until(end), want);
        prop_assert_eq!(w.current(), level as f64);
        let span = (now + tail - start) as f64;
        match w.mean_until(end) {
            None => prop_assert_eq!(span, 0.0),
            Some(mean) => prop_assert!(close(mean, exact as f64 / span, 1e-14 * magnitude as f64 / span)),
        }
    }
}

/// Data shapes the sketch must handle: light and heavy tails, ties, zeros, a wide range.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Uniform,
    Exponential,
    LogNormalHeavy,
    Pareto,
    LogUniformWide,
    IntegersWithZeros,
}

fn draw(shape: Shape, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    match shape {
        Shape::Uniform => (0..n).map(|_| rng.random_range(0.0..1000.0)).collect(),
        Shape::Exponential => Exp::new(1e-3).unwrap().sample_iter(rng).take(n).collect(),
        Shape::LogNormalHeavy => LogNormal::new(5.0, 3.0)
            .unwrap()
            .sample_iter(rng)
            .take(n)
            .collect(),
        Shape::Pareto => Pareto::new(1.0, 1.1)
            .unwrap()
            .sample_iter(rng)
            .take(n)
            .collect(),
        // 1e-3 .. 1e9: twelve decades.
        Shape::LogUniformWide => (0..n)
            .map(|_| 10f64.powf(rng.random_range(-3.0..9.0)))
            .collect(),
        Shape::IntegersWithZeros => (0..n)
            .map(|_| f64::from(rng.random_range(0..20_u32)))
            .collect(),
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Uniform),
        Just(Shape::Exponential),
        Just(Shape::LogNormalHeavy),
        Just(Shape::Pareto),
        Just(Shape::LogUniformWide),
        Just(Shape::IntegersWithZeros),
    ]
}

const QS: [f64; 7] = [0.0, 0.01, 0.5, 0.9, 0.99, 0.999, 1.0];

/// Exact value at the sketch's documented rank, `ceil(q·(n−1))`, 0-based.
fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[(q * (sorted.len() - 1) as f64).ceil() as usize]
}

/// The documented bound, with room for floating-point rounding in `ln`/`exp` only.
fn within_bound(estimate: f64, exact: f64, alpha: f64) -> bool {
    (estimate - exact).abs() <= alpha * exact.abs() * (1.0 + 1e-9)
}

fn check_all_quantiles(sketch: &QuantileSketch, data: &[f64]) -> Result<(), TestCaseError> {
    let mut sorted = data.to_vec();
    sorted.sort_by(f64::total_cmp);
    for q in QS {
        let (got, want) = (sketch.quantile(q).unwrap(), exact_quantile(&sorted, q));
        prop_assert!(
            within_bound(got, want, sketch.alpha()),
            "q {}: estimate {} vs exact {} (alpha {})",
            q,
            got,
            want,
            sketch.alpha()
        );
    }
    prop_assert_eq!(sketch.min(), sorted.first().copied());
    prop_assert_eq!(sketch.max(), sorted.last().copied());
    Ok(())
}

proptest! {
    #[test]
    fn sketch_quantiles_within_stated_relative_error(
        shape in shape(),
        n in 1..3000_usize,
        seed in any::<u64>(),
        alpha in prop_oneof![Just(0.01), Just(0.001), Just(0.05)],
    ) {
        let data = draw(shape, n, seed);
        let mut sketch = QuantileSketch::new(alpha).unwrap();
        for &x in &data {
            sketch.insert(x);
        }
        prop_assert_eq!(sketch.count(), n as u64);
        check_all_quantiles(&sketch, &data)?;
        let mean = data.iter().sum::<f64>() / n as f64;
        prop_assert!(close(sketch.mean().unwrap(), mean, 1e-12 * mean.abs()));
    }

    #[test]
    fn sketch_bound_holds_for_arbitrary_wide_values(
        exponents in prop::collection::vec(-3.0..9.0_f64, 1..500),
    ) {
        let data: Vec<f64> = exponents.iter().map(|e| 10f64.powf(*e)).collect();
        let mut sketch = QuantileSketch::with_range(0.01, 1e-3, 1e9).unwrap();
        let buckets = sketch.allocated_buckets();
        for &x in &data {
            sketch.insert(x);
        }
        prop_assert_eq!(sketch.allocated_buckets(), buckets, "preallocated range grew");
        check_all_quantiles(&sketch, &data)?;
    }

    #[test]
    fn sketch_merge_equals_single_sketch(
        shape in shape(),
        n in 1..2000_usize,
        seed in any::<u64>(),
        parts in 1..6_usize,
    ) {
        let data = draw(shape, n, seed);
        let mut whole = QuantileSketch::default();
        for &x in &data {
            whole.insert(x);
        }
        // Parts grow their own, different bucket ranges; some are preallocated.
        let mut merged = QuantileSketch::default();
        for (i, chunk) in data.chunks(n.div_ceil(parts)).enumerate() {
            let mut part = if i % 2 == 0 {
                QuantileSketch::default()
            } else {
                QuantileSketch::with_range(0.01, 1.0, 10.0).unwrap()
            };
            for &x in chunk {
                part.insert(x);
            }
            merged.merge(&part).unwrap();
        }
        prop_assert_eq!(merged.count(), whole.count());
        for q in QS {
            prop_assert_eq!(merged.quantile(q), whole.quantile(q), "q {}", q);
        }
        prop_assert_eq!((merged.min(), merged.max()), (whole.min(), whole.max()));
        let mean = whole.mean().unwrap();
        prop_assert!(close(merged.mean().unwrap(), mean, 1e-12 * mean.abs()));
        check_all_quantiles(&merged, &data)?;
    }
}

#[test]
fn sketch_merge_rejects_different_alpha() {
    let mut a = QuantileSketch::new(0.01).unwrap();
    let mut b = QuantileSketch::new(0.02).unwrap();
    b.insert(1.0);
    let err = a.merge(&b).unwrap_err();
    assert!(matches!(err, SketchError::AlphaMismatch { .. }));
    assert!(err.to_string().contains("same alpha"));
    assert_eq!(a.count(), 0, "a failed merge leaves the sketch unchanged");
}
