//! The resource guard: refuses a run whose estimated events or memory exceed the limits
//! (`--max-events`, `--max-memory`), before anything is built or run, with the estimate,
//! what makes it large and the flag that allows it anyway.

use sim_models::sim::estimate::{Estimate, EstimateTerm, estimate};

use crate::numbers::{duration, sci, size, size_flag};
use crate::resolve::Resolved;

/// The resource limits a run is checked against before it starts: a run whose estimated
/// events or memory exceed them is refused, with the estimate and the flag that allows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most events a run may be estimated to process (`--max-events`).
    pub max_events: u64,
    /// The most memory a run may be estimated to need, bytes (`--max-memory`).
    pub max_memory: u64,
}

impl Default for Limits {
    /// The command line's defaults: 2e9 events (about 10 minutes of wall time), 8 GiB.
    fn default() -> Self {
        Self {
            max_events: 2_000_000_000,
            max_memory: 8 << 30,
        }
    }
}

/// The estimate of `r`'s run.
pub fn estimate_of(r: &Resolved) -> Estimate {
    estimate(&r.fabric_run())
}

/// Checks `r` against `limits`: an error naming the estimate, its largest source, how to
/// shrink the scenario and the flag that allows it, if either limit is exceeded.
pub fn check(r: &Resolved, limits: &Limits) -> anyhow::Result<()> {
    check_estimate(&r.scenario.source.file, &estimate_of(r), limits)
}

/// [`check`] on a computed estimate; `name` names the scenario in the message.
pub fn check_estimate(name: &str, e: &Estimate, limits: &Limits) -> anyhow::Result<()> {
    let events = e.events();
    let bytes = e.memory_bytes();
    if events > limits.max_events as f64 {
        let term = e.largest_by_events().copied();
        anyhow::bail!(
            "{name}: the run is estimated at {} events, above the limit of {} (--max-events){}.\n\
             Estimated memory: {}.\n\
             To make it smaller: {}.\n\
             To run it anyway: pass --max-events {} (about {} of wall time at 0.5 M events/s).",
            sci(events),
            sci(limits.max_events as f64),
            term.map(|t| format!("; most come from {}", describe(&t)))
                .unwrap_or_default(),
            size(bytes),
            term.map_or("shorten [sim] horizon", |t| advice(t.source)),
            sci(round_up(events * 1.2)),
            duration(events / 5e5),
        );
    }
    if bytes > limits.max_memory as f64 {
        let term = e.largest_by_memory().copied();
        anyhow::bail!(
            "{name}: the run is estimated to need {} of memory, above the limit of {} \
             (--max-memory){}.\n\
             To make it smaller: {}.\n\
             To run it anyway: pass --max-memory {} (this machine must have that much free).",
            size(bytes),
            size(limits.max_memory as f64),
            term.map(|t| format!("; most is {}", describe_memory(&t)))
                .unwrap_or_default(),
            term.map_or("shorten [sim] horizon", |t| advice(t.source)),
            size_flag(bytes * 1.2),
        );
    }
    Ok(())
}

/// One line per source, for `validate`: `failures: 1.2e5 items, 2.4e5 events, 3.1 MiB`.
pub fn lines(e: &Estimate) -> Vec<String> {
    e.terms
        .iter()
        .filter(|t| t.events > 0.0 || t.bytes > 0.0)
        .map(|t| {
            format!(
                "{}: {} events, {}",
                describe(t),
                sci(t.events),
                size(t.bytes)
            )
        })
        .collect()
}

/// `failures (1.2e5 expected)`.
fn describe(t: &EstimateTerm) -> String {
    let what = match t.source {
        "fabric" => "nodes",
        "failures" => "expected failures",
        "outages" => "outage, curtailment and partition windows",
        "jobs" => "jobs",
        "requests" => "requests at request fidelity",
        "flow" => "service-hours at flow fidelity",
        _ => "items",
    };
    format!("{} ({} {what})", t.source, sci(t.items))
}

/// `the failures' records (1.2 GiB)`.
fn describe_memory(t: &EstimateTerm) -> String {
    format!("{} at {}", describe(t), size(t.bytes))
}

/// What shrinks a source.
fn advice(source: &str) -> &'static str {
    match source {
        "requests" => {
            "use [serving] fidelity = \"flow\", lower the users' request rates, or shorten \
             [sim] horizon"
        }
        "failures" => "lower [failures] rate_scale, or shorten [sim] horizon",
        "fabric" => "use fewer accelerators (the clusters' count)",
        "flow" => "use fewer services, or shorten [sim] horizon",
        "jobs" => "use fewer jobs (a longer job_generators mean_interarrival)",
        "outages" => "use fewer random outages, curtailments or partitions",
        _ => "shorten [sim] horizon",
    }
}

/// Rounds up to two significant digits, so the suggested flag reads well.
fn round_up(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let scale = 10f64.powi(x.log10().floor() as i32 - 1);
    (x / scale).ceil() * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_events: u64, max_memory: u64) -> Limits {
        Limits {
            max_events,
            max_memory,
        }
    }

    fn estimate_with(source: &'static str, items: f64, events: f64, bytes: f64) -> Estimate {
        Estimate {
            terms: vec![
                EstimateTerm {
                    source: "fabric",
                    items: 1000.0,
                    events: 10.0,
                    bytes: 64_000.0,
                },
                EstimateTerm {
                    source,
                    items,
                    events,
                    bytes,
                },
            ],
        }
    }

    #[test]
    fn a_run_under_both_limits_passes() {
        let e = estimate_with("failures", 1e5, 2e5, 1e7);
        assert!(check_estimate("s.toml", &e, &limits(2_000_000_000, 8 << 30)).is_ok());
    }

    #[test]
    fn too_many_events_is_refused_with_the_source_the_advice_and_the_flag() {
        let e = estimate_with("requests", 7.9e9, 2.37e10, 1e8);
        let err = check_estimate("s.toml", &e, &limits(2_000_000_000, 8 << 30))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("s.toml: the run is estimated at 2.4e10 events"),
            "{err}"
        );
        assert!(
            err.contains("above the limit of 2.0e9 (--max-events)"),
            "{err}"
        );
        assert!(
            err.contains("requests (7.9e9 requests at request fidelity)"),
            "{err}"
        );
        assert!(err.contains("fidelity = \"flow\""), "{err}");
        assert!(err.contains("pass --max-events 2.9e10"), "{err}");
    }

    #[test]
    fn too_much_memory_is_refused_with_a_max_memory_flag_above_the_estimate() {
        let e = estimate_with("flow", 1e6, 1e4, 20.0 * 1024.0 * 1024.0 * 1024.0);
        let err = check_estimate("s.toml", &e, &limits(2_000_000_000, 8 << 30))
            .unwrap_err()
            .to_string();
        assert!(err.contains("estimated to need 20.0 GiB"), "{err}");
        assert!(
            err.contains("above the limit of 8.0 GiB (--max-memory)"),
            "{err}"
        );
        assert!(err.contains("pass --max-memory 25GiB"), "{err}");
        assert!(err.contains("fewer services"), "{err}");
    }

    #[test]
    fn round_up_keeps_two_significant_digits() {
        assert_eq!(round_up(2.84e10), 2.9e10);
        assert_eq!(round_up(1234.0), 1300.0);
        assert_eq!(round_up(0.0), 1.0);
    }
}
