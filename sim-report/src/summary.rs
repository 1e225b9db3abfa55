//! The figures of a run by name (`summary.csv`, a sweep's `runs.csv`): the one place they
//! are named and formatted.

use sim_models::sim::RunSummary;
use sim_scenario::resolve::Resolved;

use crate::serving::{self as serving_out, Counts};

/// The columns of `summary.csv` every run has, in order; with services the
/// [`serving_out::SUMMARY_COLUMNS`] follow. `scenario` and `seed` say which run it was;
/// every other column is a figure (a number, or empty where undefined).
pub const SUMMARY_COLUMNS: [&str; 21] = [
    "scenario",
    "seed",
    "horizon_h",
    "accelerators",
    "jobs",
    "jobs_completed",
    "jct_mean_h",
    "goodput_eflop",
    "ettr",
    "lost_accel_h",
    "interruptions",
    "planned_interruptions",
    "util",
    "accel_hours",
    "cost_usd",
    "egress_usd",
    "energy_mwh",
    "co2_t",
    "throttled_accel_h",
    "preemptions",
    "events",
];

/// Every column of `summary.csv` as (name, formatted value), in file order: the
/// [`SUMMARY_COLUMNS`], then, when the scenario has services, the serving ones. The one
/// place the figures of a run are named and formatted (`fabricsim sweep` writes the same
/// cells to `runs.csv`).
pub fn summary_fields(r: &Resolved, s: &RunSummary) -> Vec<(&'static str, String)> {
    let completed: Vec<f64> = s.jobs.iter().filter_map(|j| j.jct_h()).collect();
    let jct_mean = if completed.is_empty() {
        String::new()
    } else {
        format!(
            "{:.6}",
            completed.iter().sum::<f64>() / completed.len() as f64
        )
    };
    let values: [String; SUMMARY_COLUMNS.len()] = [
        r.scenario.name.clone().unwrap_or_default(),
        r.scenario.seed.to_string(),
        format!("{:.6}", r.scenario.horizon.as_hours_f64()),
        r.fabric.accelerator_count().to_string(),
        s.jobs.len().to_string(),
        completed.len().to_string(),
        jct_mean,
        format!("{:.6}", s.goodput_eflop()),
        s.mean_ettr()
            .map_or_else(String::new, |e| format!("{e:.6}")),
        format!("{:.6}", s.lost_accel_h()),
        s.unexpected_interruptions().to_string(),
        s.jobs
            .iter()
            .map(|j| j.planned_interruptions())
            .sum::<u32>()
            .to_string(),
        format!("{:.6}", s.utilisation),
        format!("{:.6}", s.accel_hours()),
        format!("{:.2}", s.cost_usd()),
        format!("{:.2}", s.egress_usd()),
        format!("{:.6}", s.energy_mwh()),
        format!("{:.6}", s.co2_t()),
        format!("{:.6}", s.throttled_accel_h()),
        s.jobs
            .iter()
            .map(|j| j.preemptions)
            .sum::<u32>()
            .to_string(),
        s.events.to_string(),
    ];
    let mut fields: Vec<(&'static str, String)> = SUMMARY_COLUMNS.into_iter().zip(values).collect();
    if let Some(total) = &s.serving {
        fields.extend(serving_out::summary_columns(
            &s.services,
            total,
            Counts::of(r.serving.fidelity),
        ));
    }
    fields
}
