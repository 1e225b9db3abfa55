//! `fabricsim bench ...`: engine benchmarks run from the command line.

mod scale;

use std::time::Instant;

use sim_core::phold::{
    EnginePhold, PerformanceDraws, PholdConfig, PholdDraws, PholdReport, ReferenceDraws,
    TICKS_PER_UNIT, reference_for,
};

use crate::args::PholdArgs;
use sim_core::sys::{current_rss_kib, peak_rss_kib};

/// The result of one PHOLD run: figures plus whether a reference check passed.
pub struct PholdOutcome {
    /// The `key=value` line to print.
    pub line: String,
    /// `Some(false)` if a published reference row exists for the parameters and differs.
    pub reference_ok: Option<bool>,
}

/// Runs PHOLD on the fabricsim engine and formats its figures.
pub fn phold(args: &PholdArgs) -> anyhow::Result<PholdOutcome> {
    let cfg = PholdConfig {
        entities: args.entities,
        per_entity: args.per_entity,
        events: args.events,
        seed: args.seed,
    };
    let (report, wall_s, queue_bytes) = if args.reference {
        timed(&cfg, ReferenceDraws::new(cfg.seed))?
    } else {
        timed(&cfg, PerformanceDraws::new(cfg.seed))?
    };
    let pending = cfg.pending();
    let mut line = format!(
        "engine=fabricsim mode={} time=integer-ns entities={} per_entity={} pending={} seed={} \
         events={} final_clock={} final_clock_units={:.17e} counter_sum={} checksum={} \
         events_per_s={:.0} wall_s={:.6} queue_bytes={} queue_bytes_per_pending={:.2}",
        if args.reference {
            "reference"
        } else {
            "performance"
        },
        cfg.entities,
        cfg.per_entity,
        pending,
        cfg.seed,
        report.events,
        report.final_clock_ticks,
        report.final_clock_ticks as f64 / TICKS_PER_UNIT,
        report.counter_sum,
        report.checksum,
        report.events as f64 / wall_s,
        wall_s,
        queue_bytes,
        queue_bytes as f64 / pending as f64,
    );
    if let Some(kib) = peak_rss_kib() {
        line.push_str(&format!(" peak_rss_kib={kib}"));
    }
    let reference_ok = if args.reference {
        reference_for(&cfg).map(|row| {
            let ok = row.final_clock_ticks == report.final_clock_ticks
                && row.checksum == report.checksum;
            line.push_str(if ok {
                " reference_check=pass"
            } else {
                " reference_check=FAIL"
            });
            ok
        })
    } else {
        None
    };
    Ok(PholdOutcome { line, reference_ok })
}

/// Sets up (untimed), then times exactly the event loop.
fn timed<D: PholdDraws>(cfg: &PholdConfig, draws: D) -> anyhow::Result<(PholdReport, f64, usize)> {
    let mut run = EnginePhold::new(cfg, draws)?;
    let start = Instant::now();
    let report = run.run();
    let wall_s = start.elapsed().as_secs_f64();
    Ok((report, wall_s, run.queue_heap_bytes()))
}

/// Builds a synthetic fabric (`uniform_h100_spec`) and reports its build time and memory.
pub fn fabric(args: &crate::args::FabricArgs) -> anyhow::Result<String> {
    use sim_models::catalog::Catalog;
    use sim_models::topology::uniform_h100_spec;

    if args.accelerators == 0 || args.sites == 0 {
        anyhow::bail!("--accelerators and --sites must be at least 1, e.g. --accelerators 1000000");
    }
    let catalog = Catalog::builtin();
    let spec = uniform_h100_spec(&catalog, args.accelerators, args.sites)
        .ok_or_else(|| anyhow::anyhow!("the catalog has no region offering h100"))?;
    let rss_before = current_rss_kib();
    let start = Instant::now();
    let fabric = spec.build(&catalog).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("synthetic fabric is invalid:\n{}", lines.join("\n"))
    })?;
    let build_s = start.elapsed().as_secs_f64();
    let rss_after = current_rss_kib();
    let mut line = format!(
        "accelerators={} sites={} clusters={} nodes={} racks={} build_s={:.6} fabric_bytes={}",
        fabric.accelerator_count(),
        fabric.sites().len(),
        fabric.clusters().len(),
        fabric.node_count(),
        fabric.rack_count(),
        build_s,
        fabric.heap_bytes(),
    );
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        line.push_str(&format!(" rss_growth_kib={}", after.saturating_sub(before)));
    }
    if let Some(kib) = peak_rss_kib() {
        line.push_str(&format!(" peak_rss_kib={kib}"));
    }
    Ok(line)
}

/// Runs a synthetic serving scenario and reports simulated requests per wall second.
pub fn serve(args: &crate::args::ServeArgs) -> anyhow::Result<String> {
    use sim_core::time::{SimDuration, SimTime};
    use sim_models::sim::serving::synthetic::{SyntheticServing, multi_cloud, single_service};
    use sim_models::sim::serving::{DEFAULT_FLOW_INTERVAL, Fidelity};

    let flow = args.fidelity == "flow";
    let rate_ok = args.rate.is_finite() && args.rate > 0.0;
    if !flow && !rate_ok {
        anyhow::bail!(
            "--rate must be a positive number of requests per second, got {}",
            args.rate
        );
    }
    let (spec, services, horizon, fidelity) = if flow {
        let (f, s) = multi_cloud(args.services.max(1), 4, 20.0);
        let fidelity = Fidelity::Flow {
            interval: DEFAULT_FLOW_INTERVAL,
        };
        (f, s, SimDuration::from_days(args.days), fidelity)
    } else {
        let (f, s) = single_service(args.replicas.max(1), args.rate);
        (f, s, SimDuration::from_hours(args.hours), Fidelity::Request)
    };
    let bench = SyntheticServing::new(spec, services);
    let start = Instant::now();
    let summary = bench.run(SimTime::ZERO + horizon, fidelity, args.seed);
    let wall_s = start.elapsed().as_secs_f64();
    let total = summary
        .serving
        .ok_or_else(|| anyhow::anyhow!("the synthetic scenario has no service"))?;
    let mut line = format!(
        "fidelity={} services={} simulated_h={:.0} requests={:.0} completed={:.0} events={} \
         wall_s={:.6} requests_per_s={:.0} ttft_p50_ms={:.3} ttft_p99_ms={:.3} slo_attainment={:.6}",
        args.fidelity,
        summary.services.len(),
        horizon.as_hours_f64(),
        total.requests,
        total.completed,
        summary.events,
        wall_s,
        total.requests / wall_s.max(1e-9),
        total.ttft.p50_ms,
        total.ttft.p99_ms,
        total.slo_attainment,
    );
    if let Some(kib) = peak_rss_kib() {
        line.push_str(&format!(" peak_rss_kib={kib}"));
    }
    Ok(line)
}

/// `fabricsim bench scale`: the gigawatt scenario scaled to a fleet size and horizon.
pub fn scale(
    args: &crate::args::ScaleArgs,
    registry: &sim_models::policy::Registry,
) -> anyhow::Result<String> {
    scale::run(args, registry)
}
