//! `phold-compare`: one PHOLD run in a fresh process on a chosen engine, printing the same
//! `key=value` line as `fabricsim bench phold`, so `benches/phold-table.sh` can compare
//! engines as PHOLD.md asks (fresh process per run, timed loop only, peak RSS).
//!
//! Usage: `phold-compare ENGINE E M N [SEED]`, ENGINE one of fabricsim, binary-heap, simcore.

use std::process::ExitCode;
use std::time::Instant;

use sim_benches::heap::HeapPhold;
use sim_benches::simcore_phold::SimcorePhold;
use sim_core::phold::{EnginePhold, PerformanceDraws, PholdConfig, PholdReport};
use sim_core::sys::peak_rss_kib;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = (|| -> Option<(String, PholdConfig)> {
        let engine = args.first()?.clone();
        let number = |i: usize| args.get(i)?.parse::<u64>().ok();
        let cfg = PholdConfig {
            entities: u32::try_from(number(1)?).ok()?,
            per_entity: u32::try_from(number(2)?).ok()?,
            events: number(3)?,
            seed: if args.len() > 4 { number(4)? } else { 42 },
        };
        Some((engine, cfg))
    })();
    let Some((engine, cfg)) = parsed.filter(|(_, cfg)| cfg.validate().is_ok()) else {
        eprintln!(
            "usage: phold-compare ENGINE E M N [SEED]   (ENGINE: fabricsim | binary-heap | simcore; \
             E, M >= 1)\nexample: phold-compare binary-heap 100000 10 10000000"
        );
        return ExitCode::from(2);
    };
    let (report, wall_s) = match engine.as_str() {
        "fabricsim" => {
            let mut run =
                EnginePhold::new(&cfg, PerformanceDraws::new(cfg.seed)).expect("validated above");
            time(|| run.run())
        }
        "binary-heap" => {
            let mut run = HeapPhold::new(&cfg, PerformanceDraws::new(cfg.seed));
            time(|| run.run())
        }
        "simcore" => {
            let mut run = SimcorePhold::new(&cfg);
            time(|| run.run())
        }
        other => {
            eprintln!("unknown engine {other:?}: expected fabricsim, binary-heap or simcore");
            return ExitCode::from(2);
        }
    };
    println!(
        "engine={engine} entities={} per_entity={} pending={} events={} final_clock={} \
         checksum={} events_per_s={:.0} wall_s={:.6} peak_rss_kib={}",
        cfg.entities,
        cfg.per_entity,
        cfg.pending(),
        report.events,
        report.final_clock_ticks,
        report.checksum,
        report.events as f64 / wall_s,
        wall_s,
        peak_rss_kib().map_or_else(|| "unknown".to_owned(), |k| k.to_string()),
    );
    ExitCode::SUCCESS
}

/// Runs `f` once and returns its report with the wall time of that call alone.
fn time(f: impl FnOnce() -> PholdReport) -> (PholdReport, f64) {
    let start = Instant::now();
    let report = f();
    (report, start.elapsed().as_secs_f64())
}
