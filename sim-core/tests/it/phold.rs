//! PHOLD on the engine reproduces PHOLD.md's integer-time reference values exactly.

use sim_core::phold::{
    EnginePhold, INTEGER_REFERENCE, PerformanceDraws, PholdConfig, ReferenceDraws,
};

#[test]
fn reference_mode_reproduces_the_published_rows() {
    // The 10M-event row runs in the release-mode CLI test; the two short rows run here.
    for row in &INTEGER_REFERENCE[..2] {
        let mut run = EnginePhold::new(&row.config, ReferenceDraws::new(row.config.seed)).unwrap();
        let report = run.run();
        assert_eq!(report.counter_sum, row.config.events);
        assert_eq!(
            (report.final_clock_ticks, report.checksum),
            (row.final_clock_ticks, row.checksum),
            "reference row E={} M={} N={}",
            row.config.entities,
            row.config.per_entity,
            row.config.events
        );
        assert_eq!(
            run.pending() as u64,
            row.config.pending(),
            "hold model keeps P constant"
        );
    }
}

#[test]
fn performance_mode_is_deterministic_and_sane() {
    let cfg = PholdConfig {
        entities: 2_000,
        per_entity: 5,
        events: 200_000,
        seed: 7,
    };
    let a = EnginePhold::new(&cfg, PerformanceDraws::new(cfg.seed))
        .unwrap()
        .run();
    let b = EnginePhold::new(&cfg, PerformanceDraws::new(cfg.seed))
        .unwrap()
        .run();
    assert_eq!(a, b);
    assert_eq!(a.counter_sum, cfg.events);
    // The hold model processes P events per time unit: final clock ≈ N / P.
    let clock_units = a.final_clock_ticks as f64 / 1e9;
    let expected = cfg.events as f64 / cfg.pending() as f64;
    assert!(
        (clock_units / expected - 1.0).abs() < 0.03,
        "clock {clock_units} vs {expected}"
    );
    let c = EnginePhold::new(&cfg, PerformanceDraws::new(8))
        .unwrap()
        .run();
    assert_ne!(
        a.checksum, c.checksum,
        "another seed gives another trajectory"
    );
}

#[test]
fn bad_configurations_are_refused() {
    let cfg = PholdConfig {
        entities: 0,
        per_entity: 1,
        events: 1,
        seed: 1,
    };
    let err = EnginePhold::new(&cfg, ReferenceDraws::new(1)).unwrap_err();
    assert!(err.to_string().contains("at least one entity"));
}
