//! What the figure columns of `summary.csv`, `runs.csv` and `aggregate.csv` mean: a
//! readable label for charts and tables, and which ones a report charts first.

/// `(column, label with unit, what it measures)` for every figure fabricsim writes, in
/// the order a report charts them: training outcome, reliability, money and energy,
/// serving.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "goodput_eflop",
        "Goodput (EFLOP)",
        "useful training work done, checkpoints kept",
    ),
    (
        "ettr",
        "ETTR",
        "effective training time ratio, mean over jobs",
    ),
    (
        "jct_mean_h",
        "Mean JCT (h)",
        "job completion time, mean over completed jobs",
    ),
    (
        "jobs_completed",
        "Jobs completed",
        "jobs that finished within the horizon",
    ),
    (
        "util",
        "Fleet utilisation",
        "time-averaged share of accelerators held by running jobs",
    ),
    (
        "lost_accel_h",
        "Lost accelerator-hours",
        "work redone after interruptions",
    ),
    (
        "interruptions",
        "Interruptions",
        "unexpected interruptions of jobs (failures, outages)",
    ),
    (
        "planned_interruptions",
        "Planned interruptions",
        "interruptions by maintenance windows",
    ),
    (
        "migrations",
        "Migrations",
        "checkpoint migrations to another site",
    ),
    (
        "preemptions",
        "Preemptions",
        "jobs preempted to hold a power cap",
    ),
    (
        "throttled_accel_h",
        "Throttled accelerator-hours",
        "accelerator-hours run below full speed under a cap",
    ),
    (
        "cost_usd",
        "On-demand cost (USD)",
        "accelerator-hours at on-demand prices",
    ),
    (
        "egress_usd",
        "WAN egress (USD)",
        "data moved between clouds and regions",
    ),
    (
        "energy_mwh",
        "Facility energy (MWh)",
        "IT energy times PUE, all sites",
    ),
    (
        "co2_t",
        "Carbon (t CO2e)",
        "facility energy times grid carbon intensity",
    ),
    (
        "slo_attainment",
        "SLO attainment",
        "share of requests within their latency targets",
    ),
    (
        "ttft_p99_ms",
        "TTFT p99 (ms)",
        "time to first token, 99th percentile",
    ),
    (
        "ttft_p50_ms",
        "TTFT p50 (ms)",
        "time to first token, median",
    ),
    (
        "tpot_p50_ms",
        "TPOT p50 (ms)",
        "time per output token, median",
    ),
    (
        "requests_dropped",
        "Requests dropped",
        "requests lost to failures after their retries",
    ),
    (
        "requests_retried",
        "Requests retried",
        "requests sent again after a replica failed",
    ),
    (
        "tokens_per_s",
        "Output tokens/s",
        "output tokens generated per second, mean",
    ),
    ("requests", "Requests", "requests sent by users"),
    (
        "accel_hours",
        "Accelerator-hours",
        "accelerator-hours held by jobs",
    ),
    ("accelerators", "Accelerators", "accelerators in the fleet"),
    ("jobs", "Jobs", "training jobs in the scenario"),
    ("horizon_h", "Horizon (h)", "simulated time"),
    ("events", "Events", "events the engine processed"),
    ("seed", "Seed", "master RNG seed"),
];

/// The label of figure `name` (`Goodput (EFLOP)`), or the name itself.
pub fn label(name: &str) -> &str {
    KNOWN.iter().find(|k| k.0 == name).map_or(name, |k| k.1)
}

/// What figure `name` measures, if fabricsim knows it.
pub fn meaning(name: &str) -> Option<&'static str> {
    KNOWN.iter().find(|k| k.0 == name).map(|k| k.2)
}

/// Where `name` comes in the charting order (unknown figures last, in their own order).
fn rank(name: &str) -> usize {
    KNOWN
        .iter()
        .position(|k| k.0 == name)
        .unwrap_or(KNOWN.len())
}

/// The figures worth a chart: those of `names` that `varies` says change across the
/// points, known ones first in [`KNOWN`] order, at most `max`. Bookkeeping columns
/// (`events`, `seed`, fleet size) are never charted.
pub fn of_interest<'a>(
    names: &[&'a str],
    varies: impl Fn(&str) -> bool,
    max: usize,
) -> Vec<&'a str> {
    const NEVER: &[&str] = &["events", "seed", "accelerators", "jobs", "horizon_h"];
    let mut chosen: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !NEVER.contains(n) && varies(n))
        .collect();
    chosen.sort_by_key(|n| rank(n));
    chosen.truncate(max);
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_figures() {
        assert_eq!(label("ettr"), "ETTR");
        assert_eq!(label("my_metric"), "my_metric");
        assert!(meaning("co2_t").is_some());
    }

    #[test]
    fn interest_orders_known_first_and_skips_flat_ones() {
        let names = ["custom", "co2_t", "events", "goodput_eflop", "ettr"];
        let got = of_interest(&names, |n| n != "ettr", 3);
        assert_eq!(got, ["goodput_eflop", "co2_t", "custom"]);
    }
}
