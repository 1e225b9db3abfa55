//! `fabricsim run`: simulate a scenario's training jobs and inference services under
//! failures and outages, print the summary, and optionally write `summary.csv`,
//! `interruptions.csv`, `power.csv`, `components.csv`, `decisions.csv` (with
//! `[policy] decisions = true`) and, with services, `services.csv`,
//! `service_timeline.csv` and `requests.csv`, and the charts `power.svg`/`.png` and
//! `timeline.svg`/`.png`.

use std::fmt::Write as _;
use std::path::Path;

use sim_core::time::SimTime;
use sim_models::sim::serving::Fidelity;
use sim_models::sim::{Cause, RunSummary};
use sim_report::describe::policies_line;
use sim_report::numbers::hours_or_dash;
use sim_report::out::{write_atomically, write_bytes_atomically};
use sim_report::records;
use sim_report::serving::{self as serving_out, Counts, RequestNames};
use sim_report::summary::summary_fields;
use sim_report::table::{Align, Table};
use sim_scenario::resolve::Resolved;
use sim_scenario::simulate::RunOutput;

/// The cause of an interruption as text: a failure category or `outage:<kind>`.
fn cause_name(summary: &RunSummary, cause: Cause) -> String {
    match cause {
        Cause::Failure(c) => summary.categories[c as usize].clone(),
        Cause::Outage(kind) => format!("outage:{}", format!("{kind:?}").to_lowercase()),
        Cause::Power => "power:preempted".to_owned(),
    }
}

/// The printed summary: the run's header, then per job, per failure category, per site
/// and cloud, the commitments, the services and the fleet's totals.
pub fn render(r: &Resolved, out: &RunOutput) -> String {
    let s = &out.summary;
    let mut text = String::new();
    header(&mut text, r, s);
    jobs_table(&mut text, s);
    categories_table(&mut text, s);
    sites_tables(&mut text, s);
    commitments_table(&mut text, s);
    services_table(&mut text, r, s);
    fleet_lines(&mut text, s, out.wall_s);
    text
}

/// What ran: scenario, jobs, horizon, fleet, seed, failures, outages and the policies.
fn header(text: &mut String, r: &Resolved, s: &RunSummary) {
    let _ = writeln!(
        *text,
        "scenario {}: {} jobs over {} on {} accelerators, seed {}, failures {}, {} outages planned or drawn",
        r.scenario.name.as_deref().unwrap_or("(unnamed)"),
        s.jobs.len(),
        r.scenario.horizon,
        r.fabric.accelerator_count(),
        r.scenario.seed,
        r.failures.name,
        r.outages.len(),
    );
    let _ = writeln!(text, "policies: {}\n", policies_line(r));
}

/// One row per job: times, interruptions, lost work, ETTR, goodput, cost and energy.
fn jobs_table(text: &mut String, s: &RunSummary) {
    let mut jobs = Table::new(&[
        ("job", Align::Left),
        ("accels", Align::Right),
        ("arrival h", Align::Right),
        ("start h", Align::Right),
        ("done h", Align::Right),
        ("JCT h", Align::Right),
        ("interrupts", Align::Right),
        ("planned", Align::Right),
        ("lost accel-h", Align::Right),
        ("ETTR", Align::Right),
        ("goodput EFLOP", Align::Right),
        ("cost $M", Align::Right),
        ("MWh", Align::Right),
    ]);
    for j in &s.jobs {
        jobs.push(vec![
            j.name.clone(),
            j.accelerators.to_string(),
            hours_or_dash(Some(j.arrival)),
            hours_or_dash(j.first_start),
            hours_or_dash(j.completed_at),
            j.jct_h()
                .map_or_else(|| "-".to_owned(), |h| format!("{h:.1}")),
            j.unexpected_interruptions().to_string(),
            j.planned_interruptions().to_string(),
            format!("{:.0}", j.lost_accel_h),
            j.ettr(s.horizon)
                .map_or_else(|| "-".to_owned(), |e| format!("{e:.3}")),
            format!("{:.1}", j.goodput_eflop()),
            format!("{:.2}", j.cost_usd / 1e6),
            format!("{:.0}", j.energy_facility_mwh),
        ]);
    }
    text.push_str(&jobs.to_text());
}

/// Interruptions per failure category (only the categories that occurred).
fn categories_table(text: &mut String, s: &RunSummary) {
    let by_category = s.interruptions_by_category();
    if by_category.iter().any(|&n| n > 0) {
        text.push_str("\nInterruptions by failure category\n");
        let mut t = Table::new(&[("category", Align::Left), ("count", Align::Right)]);
        for (name, n) in s.categories.iter().zip(&by_category) {
            if *n > 0 {
                t.push(vec![name.clone(), n.to_string()]);
            }
        }
        text.push_str(&t.to_text());
    }
}

/// Energy, carbon and throttling per site, then energy and carbon per cloud.
fn sites_tables(text: &mut String, s: &RunSummary) {
    text.push_str("\nEnergy and carbon per site\n");
    let mut sites = Table::new(&[
        ("site", Align::Left),
        ("IT MWh", Align::Right),
        ("facility MWh", Align::Right),
        ("t CO2", Align::Right),
        ("throttled accel-h", Align::Right),
    ]);
    for site in &s.sites {
        sites.push(vec![
            site.name.clone(),
            format!("{:.1}", site.energy_it_mwh),
            format!("{:.1}", site.energy_facility_mwh),
            format!("{:.1}", site.co2_t),
            format!("{:.0}", site.throttled_accel_h),
        ]);
    }
    text.push_str(&sites.to_text());
    let mut clouds: Vec<(&str, f64, f64)> = Vec::new();
    for site in &s.sites {
        match clouds.iter_mut().find(|(c, _, _)| *c == site.cloud) {
            Some(c) => {
                c.1 += site.energy_facility_mwh;
                c.2 += site.co2_t;
            }
            None => clouds.push((&site.cloud, site.energy_facility_mwh, site.co2_t)),
        }
    }
    let per_cloud: Vec<String> = clouds
        .iter()
        .map(|(c, mwh, t)| format!("{c} {mwh:.0} MWh / {t:.0} t CO2"))
        .collect();
    let _ = writeln!(text, "Per cloud: {}", per_cloud.join(", "));
}

/// Each cloud commitment's burn-down, pro-rated to the simulated window.
fn commitments_table(text: &mut String, s: &RunSummary) {
    if !s.commitments.is_empty() {
        text.push_str("\nCommitted spend (pro-rated to the simulated window)\n");
        let mut t = Table::new(&[
            ("cloud", Align::Left),
            ("contract $M", Align::Right),
            ("committed $M", Align::Right),
            ("used $M", Align::Right),
            ("unused $M", Align::Right),
            ("on-demand above $M", Align::Right),
        ]);
        for c in &s.commitments {
            t.push(vec![
                c.cloud.clone(),
                format!("{:.2}", c.contract_usd / 1e6),
                format!("{:.2}", c.burn.committed_usd / 1e6),
                format!("{:.2}", c.burn.used_usd / 1e6),
                format!("{:.2}", c.burn.unused_usd / 1e6),
                format!("{:.2}", c.burn.on_demand_above_usd / 1e6),
            ]);
        }
        text.push_str(&t.to_text());
    }
}

/// The services' table, when the scenario has services.
fn services_table(text: &mut String, r: &Resolved, s: &RunSummary) {
    if !r.serving.services.is_empty() {
        let _ = writeln!(
            text,
            "\nServices ({})",
            sim_report::describe::serving_setup(&r.serving)
        );
        let horizon_s = r.scenario.horizon.as_secs_f64();
        text.push_str(&serving_out::services_table(&s.services, horizon_s));
    }
}

/// The fleet's totals, checkpoint migrations and the engine's speed.
fn fleet_lines(text: &mut String, s: &RunSummary, wall_s: f64) {
    let completed = s.jobs.iter().filter(|j| j.completed_at.is_some()).count();
    let _ = writeln!(
        *text,
        "\nFleet: {completed}/{} jobs completed, utilisation {:.1}%, {:.0} accelerator-hours lost, \
         goodput {:.1} EFLOP, on-demand cost ${:.1}M + WAN egress ${:.2}M, {:.0} MWh, {:.0} t CO2, \
         mean ETTR {}",
        s.jobs.len(),
        100.0 * s.utilisation,
        s.lost_accel_h(),
        s.goodput_eflop(),
        s.cost_usd() / 1e6,
        s.egress_usd() / 1e6,
        s.energy_mwh(),
        s.co2_t(),
        s.mean_ettr()
            .map_or_else(|| "-".to_owned(), |e| format!("{e:.3}")),
    );
    let migrations: u32 = s.jobs.iter().map(|j| j.migrations).sum();
    if migrations > 0 {
        let _ = writeln!(
            text,
            "Failover: {migrations} checkpoint migrations to another site"
        );
    }
    let _ = writeln!(
        *text,
        "Engine: {} events in {:.3} s wall ({:.0} events/s)",
        s.events,
        wall_s,
        s.events as f64 / wall_s.max(1e-9),
    );
}

/// `summary.csv`: one header row and one row of every figure (deterministic: no wall time);
/// the serving figures only when the scenario has services.
pub fn summary_csv(r: &Resolved, s: &RunSummary) -> String {
    let fields = summary_fields(r, s);
    let columns: Vec<(&str, Align)> = fields
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, if i == 0 { Align::Left } else { Align::Right }))
        .collect();
    let mut t = Table::new(&columns);
    t.push(fields.into_iter().map(|(_, value)| value).collect());
    t.to_csv()
}

/// The serving files of a run with services: `services.csv`, `service_timeline.csv`
/// and, in request fidelity with sampling on, `requests.csv`, as (file name, contents).
pub fn serving_files(r: &Resolved, s: &RunSummary) -> Vec<(&'static str, String)> {
    if r.serving.services.is_empty() {
        return Vec::new();
    }
    let horizon_s = r.scenario.horizon.as_secs_f64();
    let counts = Counts::of(r.serving.fidelity);
    let mut files = vec![
        (
            "services.csv",
            serving_out::services_csv(&s.services, horizon_s, counts),
        ),
        (
            "service_timeline.csv",
            serving_out::service_timeline_csv(&s.services, counts),
        ),
    ];
    if r.serving.fidelity == Fidelity::Request && r.serving.sample_every > 0 {
        let names = RequestNames {
            services: r.serving.services.iter().map(|v| v.name.clone()).collect(),
            regions: r
                .serving
                .services
                .iter()
                .map(|v| v.users.iter().map(|u| u.region_key.clone()).collect())
                .collect(),
            sites: r.fabric.sites().iter().map(|x| x.name.clone()).collect(),
        };
        files.push((
            "requests.csv",
            serving_out::requests_csv(&s.requests, &names),
        ));
    }
    files
}

/// `interruptions.csv`: one row per interruption of a job.
pub fn interruptions_csv(r: &Resolved, s: &RunSummary) -> String {
    let mut t = Table::new(&[
        ("time_h", Align::Right),
        ("scope", Align::Left),
        ("cause", Align::Left),
        ("job", Align::Left),
        ("lost_accel_h", Align::Right),
    ]);
    for i in &s.interruptions {
        t.push(vec![
            format!("{:.6}", i.time.as_secs_f64() / 3600.0),
            r.fabric.domain_key(i.domain),
            cause_name(s, i.cause),
            s.jobs[i.job as usize].name.clone(),
            format!("{:.6}", i.lost_accel_h),
        ]);
    }
    t.to_csv()
}

/// `power.csv`: one row per change of a site's power state, or, with a `resolution`, each
/// site's state in force at every multiple of it from 0 to the horizon.
pub fn power_csv(s: &RunSummary, resolution: Option<sim_core::time::SimDuration>) -> String {
    let sampled: Vec<sim_models::sim::PowerRecord>;
    let records: &[sim_models::sim::PowerRecord] = match resolution {
        None => &s.power,
        Some(step) => {
            sampled = sample_power(s, step);
            &sampled
        }
    };
    let mut t = Table::new(&[
        ("time_h", Align::Right),
        ("site", Align::Left),
        ("demand_mw", Align::Right),
        ("cap_mw", Align::Right),
        ("draw_mw", Align::Right),
        ("throttle", Align::Right),
        ("busy", Align::Right),
        ("accelerators", Align::Right),
    ]);
    for p in records {
        t.push(vec![
            format!("{:.6}", p.time.as_secs_f64() / 3600.0),
            s.sites[p.site as usize].name.clone(),
            format!("{:.6}", p.demand_facility_w / 1e6),
            format!("{:.6}", p.cap_w / 1e6),
            format!("{:.6}", p.draw_facility_w / 1e6),
            format!("{:.6}", p.throttle),
            p.busy.to_string(),
            p.accelerators.to_string(),
        ]);
    }
    t.to_csv()
}

/// Each site's last power state at or before every multiple of `step`, time-ordered.
fn sample_power(
    s: &RunSummary,
    step: sim_core::time::SimDuration,
) -> Vec<sim_models::sim::PowerRecord> {
    let mut out = Vec::new();
    let mut state: Vec<Option<sim_models::sim::PowerRecord>> = vec![None; s.sites.len()];
    let mut next = 0;
    let mut t = SimTime::ZERO;
    while t <= s.horizon {
        while next < s.power.len() && s.power[next].time <= t {
            state[s.power[next].site as usize] = Some(s.power[next]);
            next += 1;
        }
        out.extend(
            state
                .iter()
                .flatten()
                .map(|p| sim_models::sim::PowerRecord { time: t, ..*p }),
        );
        match t.checked_add(step) {
            Some(n) => t = n,
            None => break,
        }
    }
    out
}

/// Writes every output file of a run to `dir` (created if missing) and returns their
/// names: `summary.csv`, `interruptions.csv`, `power.csv` (at `power_resolution`, if
/// given), `components.csv`, `decisions.csv` (when `[policy] decisions = true`), the
/// [`serving_files`], and the charts drawn from those files
/// ([`sim_report::report::run_charts`]: `power.svg`, `power.png`, `timeline.svg`,
/// `timeline.png`, each pair only when it has something to show).
pub fn write_outputs(
    dir: &Path,
    r: &Resolved,
    s: &RunSummary,
    power_resolution: Option<sim_core::time::SimDuration>,
) -> anyhow::Result<Vec<&'static str>> {
    let mut files = vec![
        ("summary.csv", summary_csv(r, s)),
        ("interruptions.csv", interruptions_csv(r, s)),
        ("power.csv", power_csv(s, power_resolution)),
        ("components.csv", records::components_csv(&r.fabric, s)),
    ];
    if r.policy.decisions.is_some() {
        files.push(("decisions.csv", records::decisions_csv(&s.decisions)));
    }
    files.extend(serving_files(r, s));
    let charts = sim_report::report::run_charts(&files)?;
    for (name, text) in &files {
        write_atomically(dir, name, text)?;
    }
    for (name, bytes) in &charts {
        write_bytes_atomically(dir, name, bytes)?;
    }
    Ok(files
        .into_iter()
        .map(|(name, _)| name)
        .chain(charts.into_iter().map(|(name, _)| name))
        .collect())
}
