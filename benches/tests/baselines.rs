//! The PHOLD baselines reproduce PHOLD.md's reference rows and pass its sanity checks.

use sim_benches::heap::HeapPhold;
use sim_benches::simcore_phold::SimcorePhold;
use sim_core::phold::{PerformanceDraws, PholdConfig, PholdReport, ReferenceDraws};

fn cfg(entities: u32, per_entity: u32, events: u64) -> PholdConfig {
    PholdConfig {
        entities,
        per_entity,
        events,
        seed: 42,
    }
}

/// PHOLD.md sanity: `final clock ≈ N / P` within a few percent, and `counter_sum == N`.
fn assert_sane(cfg: &PholdConfig, report: &PholdReport) {
    assert_eq!(report.counter_sum, cfg.events, "counter_sum must equal N");
    assert_eq!(report.events, cfg.events);
    let expected = cfg.events as f64 / f64::from(cfg.entities * cfg.per_entity);
    let clock = report.final_clock_ticks as f64 * 1e-9;
    let error = (clock - expected).abs() / expected;
    assert!(
        error < 0.05,
        "final clock {clock} should be within 5% of N/P = {expected}"
    );
}

#[test]
fn heap_reproduces_integer_reference_p1k() {
    let cfg = cfg(1_000, 1, 100_000);
    let mut phold = HeapPhold::new(&cfg, ReferenceDraws::new(cfg.seed));
    let report = phold.run();
    assert_eq!(report.final_clock_ticks, 99_447_392_183);
    assert_eq!(report.checksum, 50_058_677);
    assert_eq!(report.counter_sum, 100_000);
    assert_eq!(phold.pending(), 1_000);
}

#[test]
fn heap_reproduces_integer_reference_p100k() {
    let cfg = cfg(10_000, 10, 1_000_000);
    let mut phold = HeapPhold::new(&cfg, ReferenceDraws::new(cfg.seed));
    assert_eq!(phold.pending(), 100_000);
    let report = phold.run();
    assert_eq!(report.final_clock_ticks, 10_006_924_209);
    assert_eq!(report.checksum, 5_004_608_004);
    assert_eq!(report.counter_sum, 1_000_000);
    assert_eq!(phold.pending(), 100_000);
}

#[test]
fn heap_second_run_continues_the_trajectory() {
    let whole = cfg(1_000, 1, 100_000);
    let half = cfg(1_000, 1, 50_000);
    let mut phold = HeapPhold::new(&half, ReferenceDraws::new(half.seed));
    phold.run();
    let report = phold.run();
    let expected = HeapPhold::new(&whole, ReferenceDraws::new(whole.seed)).run();
    assert_eq!(report, expected);
}

#[test]
fn heap_performance_mode_is_sane() {
    let cfg = cfg(1_000, 10, 500_000);
    let report = HeapPhold::new(&cfg, PerformanceDraws::new(cfg.seed)).run();
    assert_sane(&cfg, &report);
}

#[test]
fn simcore_reference_mode_reproduces_float_reference_p1k() {
    let cfg = cfg(1_000, 1, 100_000);
    let mut phold = SimcorePhold::reference(&cfg);
    let report = phold.run();
    // PHOLD.md prints the clock with `%.17e`.
    assert_eq!(format!("{:.17e}", phold.time()), "9.94473921829954719e1");
    assert_eq!(report.final_clock_ticks, 99_447_392_183);
    assert_eq!(report.checksum, 50_058_677);
    assert_eq!(report.counter_sum, 100_000);
}

#[test]
fn simcore_reference_mode_reproduces_float_reference_p100k() {
    let cfg = cfg(10_000, 10, 1_000_000);
    let mut phold = SimcorePhold::reference(&cfg);
    let report = phold.run();
    assert_eq!(format!("{:.17e}", phold.time()), "1.00069242085827295e1");
    assert_eq!(report.final_clock_ticks, 10_006_924_209);
    assert_eq!(report.checksum, 5_004_608_004);
    assert_eq!(report.counter_sum, 1_000_000);
}

#[test]
fn simcore_performance_mode_is_sane() {
    let cfg = cfg(100, 10, 50_000);
    let report = SimcorePhold::new(&cfg).run();
    assert_sane(&cfg, &report);
}

#[test]
fn simcore_performance_mode_is_deterministic() {
    let cfg = cfg(50, 2, 2_000);
    assert_eq!(SimcorePhold::new(&cfg).run(), SimcorePhold::new(&cfg).run());
}
