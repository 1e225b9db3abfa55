//! The report of one run (`fabricsim run --out DIR`): its figures, power per site over
//! time, the timeline of failures, outages and interruptions, and tables of what
//! happened; and the charts `run --out` writes beside its CSV files.
//!
//! Everything is read back from the CSV files, so `run --out` and `report` draw the same
//! charts from the same rows.

use std::path::Path;

use super::csv::{Csv, num};
use super::figures;
use super::html::{self, Cell, Page, pretty_field};
use crate::numbers::{compact, pretty, sig};
use crate::plots::{self, Figure, PowerPoint, SitePowerSeries, Span};

/// Timeline kinds in colour order: a kind keeps its colour in every run.
const KINDS: &[&str] = &[
    "component failure",
    "outage: planned",
    "outage: scripted",
    "outage: background",
    "interruption: failure",
    "interruption: power",
    "interruption: outage",
];

/// Jobs listed by interruptions (the most interrupted first; the rest are counted).
const MAX_JOBS_LISTED: usize = 25;

/// (policy, choice) pairs listed from `decisions.csv`.
const MAX_CHOICES_LISTED: usize = 40;

/// Headline figures shown as cards, in order, when present.
const CARDS: &[&str] = &[
    "goodput_eflop",
    "ettr",
    "jct_mean_h",
    "util",
    "interruptions",
    "lost_accel_h",
    "cost_usd",
    "energy_mwh",
    "co2_t",
    "slo_attainment",
    "ttft_p99_ms",
];

/// Columns of `services.csv` shown in the report, when present, with their headings.
const SERVICE_COLUMNS: &[(&str, &str)] = &[
    ("service", "service"),
    ("scope", "scope"),
    ("requests", "requests"),
    ("dropped", "dropped"),
    ("retried", "retried"),
    ("ttft_p50_ms", "TTFT p50 ms"),
    ("ttft_p99_ms", "TTFT p99 ms"),
    ("tpot_p50_ms", "TPOT p50 ms"),
    ("slo_attainment", "SLO"),
    ("tokens_per_s", "tokens/s"),
    ("utilisation", "util"),
    ("energy_kwh", "kWh"),
    ("cost_usd", "cost $"),
];

/// A headline figure for its card: shares as percentages, money in dollars with an SI
/// suffix, the rest as in tables.
fn card_value(name: &str, v: f64) -> String {
    match name {
        "util" | "slo_attainment" => format!("{:.1}%", 100.0 * v),
        "cost_usd" | "egress_usd" => format!("${}", compact(v)),
        "ettr" => sig(v, 3),
        _ => pretty(v),
    }
}

/// The CSV files of one run.
pub(super) struct RunDir {
    summary: Csv,
    power: Option<Csv>,
    interruptions: Option<Csv>,
    components: Option<Csv>,
    services: Option<Csv>,
    decisions: Option<Csv>,
    sources: Vec<&'static str>,
}

impl RunDir {
    /// Reads the run in `dir`; `None` without `summary.csv`.
    pub(super) fn read(dir: &Path) -> anyhow::Result<Option<RunDir>> {
        let Some(summary) = Csv::read(dir, "summary.csv")? else {
            return Ok(None);
        };
        let mut sources = vec!["summary.csv"];
        let mut optional = |name: &'static str| -> anyhow::Result<Option<Csv>> {
            let csv = Csv::read(dir, name)?;
            if csv.is_some() {
                sources.push(name);
            }
            Ok(csv)
        };
        Ok(Some(RunDir {
            power: optional("power.csv")?,
            interruptions: optional("interruptions.csv")?,
            components: optional("components.csv")?,
            services: optional("services.csv")?,
            decisions: optional("decisions.csv")?,
            summary,
            sources,
        }))
    }

    /// The report page and the files it was made from.
    pub(super) fn page(&self) -> anyhow::Result<(Page, Vec<&'static str>)> {
        let field = |name: &str| -> Option<&str> {
            let i = self.summary.col(name)?;
            self.summary.rows.first().map(|r| r[i].as_str())
        };
        let name = field("scenario")
            .filter(|s| !s.is_empty())
            .unwrap_or("(unnamed)");
        let mut page = Page::new("Run", name);
        let mut meta = Vec::new();
        if let Some(seed) = field("seed") {
            meta.push(format!("seed {seed}"));
        }
        if let Some(h) = field("horizon_h").and_then(num) {
            meta.push(format!(
                "horizon {} h ({} days)",
                pretty(h),
                pretty(h / 24.0)
            ));
        }
        if let Some(a) = field("accelerators").and_then(num) {
            meta.push(format!("{} accelerators", pretty(a)));
        }
        if let (Some(jobs), Some(done)) = (field("jobs"), field("jobs_completed")) {
            meta.push(format!("{jobs} jobs, {done} completed"));
        }
        page.meta(meta.join(" · "));

        page.section("summary", "Summary", self.summary_section());
        let horizon_h = field("horizon_h").and_then(num).unwrap_or(0.0);
        let sites = self.power.as_ref().map(power_sites).unwrap_or_default();
        let mut power = String::new();
        if !sites.is_empty() {
            power.push_str(&html::figure(
                &power_figure(&sites, horizon_h).svg()?,
                "Facility power per site: drawn (filled), what the running work would draw \
                 unthrottled (line) and the cap (dashed, when within 3x the peak).",
            ));
            power.push_str(&html::figure(
                &plots::utilisation_over_time(
                    "Utilisation per site: accelerators busy and power cap drawn (%)",
                    &sites,
                    horizon_h,
                )
                .svg()?,
                "Per site: the line is the share of its accelerators busy (held by jobs and \
                 replicas); the area is power drawn over the cap, where 100% means the site \
                 runs at its cap and throttles, refuses or preempts work.",
            ));
        }
        page.section("power", "Power per site", power);

        let spans = timeline_spans(
            self.components.as_ref(),
            self.interruptions.as_ref(),
            &sites,
            horizon_h,
        );
        let mut timeline = String::new();
        if !spans.is_empty() {
            timeline.push_str(&html::figure(
                &timeline_figure(&spans, horizon_h).svg()?,
                "A lane per site (component failures as ticks, cluster and site outages as \
                 bars), per region or cloud outage, and per job (its interruptions, coloured \
                 by cause).",
            ));
        }
        timeline.push_str(&outages_table(&spans));
        page.section("timeline", "Failures, outages and interruptions", timeline);
        page.section(
            "interruptions",
            "Interruptions",
            self.interruptions_section(),
        );
        page.section("components", "Component events", self.components_section());
        page.section("services", "Services", self.services_section());
        page.section("decisions", "Policy decisions", self.decisions_section());
        Ok((page, self.sources.clone()))
    }

    fn summary_section(&self) -> String {
        let Some(row) = self.summary.rows.first() else {
            return html::note("summary.csv has no row.");
        };
        let value = |name: &str| self.summary.col(name).map(|i| row[i].as_str());
        let cards: Vec<(String, String)> = CARDS
            .iter()
            .filter_map(|name| {
                let v = num(value(name)?)?;
                Some((figures::label(name).to_owned(), card_value(name, v)))
            })
            .collect();
        let mut out = html::cards(&cards);
        let rows: Vec<Vec<Cell>> = self
            .summary
            .headers
            .iter()
            .zip(row)
            .map(|(h, v)| {
                vec![
                    Cell::Text(h.clone()),
                    Cell::Num(pretty_field(v)),
                    Cell::Text(figures::meaning(h).unwrap_or("").to_owned()),
                ]
            })
            .collect();
        out.push_str(&html::details(
            &format!("All {} figures of summary.csv", rows.len()),
            &html::table(
                &[
                    Cell::Text("figure".into()),
                    Cell::Num("value".into()),
                    Cell::Text("meaning".into()),
                ],
                &rows,
            ),
        ));
        out
    }

    fn interruptions_section(&self) -> String {
        let Some(csv) = &self.interruptions else {
            return String::new();
        };
        if csv.rows.is_empty() {
            return html::para("No job was interrupted.");
        }
        let lost = csv.column("lost_accel_h");
        // (key, interruptions, lost accel-h), most interruptions first, at most `max` rows
        // and a last row counting the rest.
        let tally = |keys: Vec<&str>, max: usize| -> Vec<Vec<Cell>> {
            let mut groups: std::collections::BTreeMap<&str, (u64, f64)> =
                std::collections::BTreeMap::new();
            for (i, k) in keys.iter().enumerate() {
                let g = groups.entry(k).or_default();
                g.0 += 1;
                g.1 += lost.get(i).and_then(|l| num(l)).unwrap_or(0.0);
            }
            let mut groups: Vec<(&str, (u64, f64))> = groups.into_iter().collect();
            groups.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
            let rest = groups.len().saturating_sub(max);
            let mut rows: Vec<Vec<Cell>> = groups
                .into_iter()
                .take(max)
                .map(|(k, (n, l))| {
                    vec![
                        Cell::Text(k.to_owned()),
                        Cell::Num(n.to_string()),
                        Cell::Num(pretty(l)),
                    ]
                })
                .collect();
            if rest > 0 {
                rows.push(vec![
                    Cell::Text(format!("({rest} more)")),
                    Cell::Num(String::new()),
                    Cell::Num(String::new()),
                ]);
            }
            rows
        };
        let head = |first: &str| {
            [
                Cell::Text(first.to_owned()),
                Cell::Num("interruptions".into()),
                Cell::Num("lost accelerator-hours".into()),
            ]
        };
        let mut out = html::para(&format!("{} interruptions.", csv.rows.len()));
        out.push_str(&html::row(&[
            html::table(&head("cause"), &tally(csv.column("cause"), usize::MAX)),
            html::table(&head("job"), &tally(csv.column("job"), MAX_JOBS_LISTED)),
        ]));
        out
    }

    fn components_section(&self) -> String {
        let Some(csv) = &self.components else {
            return String::new();
        };
        if csv.rows.is_empty() {
            return html::para("No component failed and no outage happened.");
        }
        let (domains, events) = (csv.column("domain"), csv.column("event"));
        let failures = events.iter().filter_map(|e| e.strip_prefix("failure:"));
        let per_site = domains
            .iter()
            .zip(&events)
            .filter(|(_, e)| e.starts_with("failure:"))
            .map(|(d, _)| lane_of(d));
        let others = events
            .iter()
            .filter(|e| !e.starts_with("failure:"))
            .copied();
        let table = |heading: &str, counts: Vec<(String, u64)>| {
            if counts.is_empty() {
                return String::new();
            }
            let rows: Vec<Vec<Cell>> = counts
                .into_iter()
                .map(|(e, n)| vec![Cell::Text(e), Cell::Num(n.to_string())])
                .collect();
            html::table(
                &[Cell::Text(heading.to_owned()), Cell::Num("count".into())],
                &rows,
            )
        };
        let mut out = html::note(
            "From components.csv: what failed, was repaired or went dark (the same for every \
             policy on one seed).",
        );
        out.push_str(&html::row(&[
            table("failure category", tally(failures.map(str::to_owned))),
            table("failures per site", tally(per_site)),
            table("other event", tally(others.map(str::to_owned))),
        ]));
        out
    }

    fn services_section(&self) -> String {
        let Some(csv) = &self.services else {
            return String::new();
        };
        let cols: Vec<(usize, &str)> = SERVICE_COLUMNS
            .iter()
            .filter_map(|(c, label)| Some((csv.col(c)?, *label)))
            .collect();
        let headers: Vec<Cell> = cols
            .iter()
            .map(|&(i, label)| match csv.headers[i].as_str() {
                "service" | "scope" => Cell::Text(label.to_owned()),
                _ => Cell::Num(label.to_owned()),
            })
            .collect();
        let rows: Vec<Vec<Cell>> = csv
            .rows
            .iter()
            .map(|r| {
                cols.iter()
                    .zip(&headers)
                    .map(|(&(i, _), h)| match h {
                        Cell::Text(_) => Cell::Text(r[i].clone()),
                        Cell::Num(_) => Cell::Num(pretty_field(&r[i])),
                    })
                    .collect()
            })
            .collect();
        let mut out = html::note("Per service, over all its sites (scope all) and per site.");
        out.push_str(&html::table(&headers, &rows));
        out
    }

    fn decisions_section(&self) -> String {
        let Some(csv) = &self.decisions else {
            return String::new();
        };
        let mut counts: std::collections::BTreeMap<(&str, &str), u64> =
            std::collections::BTreeMap::new();
        for (p, c) in csv.column("policy").into_iter().zip(csv.column("choice")) {
            *counts.entry((p, c)).or_default() += 1;
        }
        let mut groups: Vec<(String, String, u64)> = counts
            .into_iter()
            .map(|((p, c), n)| (p.to_owned(), c.to_owned(), n))
            .collect();
        groups.sort_by(|a, b| {
            b.2.cmp(&a.2)
                .then_with(|| a.0.cmp(&b.0))
                .then_with(|| a.1.cmp(&b.1))
        });
        let rest = groups.len().saturating_sub(MAX_CHOICES_LISTED);
        groups.truncate(MAX_CHOICES_LISTED);
        let rows: Vec<Vec<Cell>> = groups
            .into_iter()
            .map(|(p, c, n)| vec![Cell::Text(p), Cell::Text(c), Cell::Num(n.to_string())])
            .collect();
        let mut out = html::para(&format!("{} decisions logged.", csv.rows.len()));
        if rest > 0 {
            out.push_str(&html::note(&format!(
                "The {MAX_CHOICES_LISTED} most frequent (policy, choice) pairs; {rest} more in decisions.csv."
            )));
        }
        out.push_str(&html::table(
            &[
                Cell::Text("policy".into()),
                Cell::Text("choice".into()),
                Cell::Num("times".into()),
            ],
            &rows,
        ));
        out
    }
}

/// How often each item occurs, most frequent first (ties by name). *O*(*n* log *k*).
fn tally(items: impl Iterator<Item = String>) -> Vec<(String, u64)> {
    let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

/// The horizon in `summary.csv`, hours (0 when missing).
fn horizon_h(summary: &Csv) -> f64 {
    summary
        .col("horizon_h")
        .and_then(|i| summary.rows.first().and_then(|r| num(&r[i])))
        .unwrap_or(0.0)
}

/// `power.csv` rows grouped by site, sites in order of first appearance (fabric order).
fn power_sites(power: &Csv) -> Vec<SitePowerSeries> {
    let (Some(t), Some(site), Some(demand), Some(cap), Some(draw)) = (
        power.col("time_h"),
        power.col("site"),
        power.col("demand_mw"),
        power.col("cap_mw"),
        power.col("draw_mw"),
    ) else {
        return Vec::new();
    };
    let mut sites: Vec<SitePowerSeries> = Vec::new();
    for r in &power.rows {
        let (Some(time_h), Some(draw_mw)) = (num(&r[t]), num(&r[draw])) else {
            continue;
        };
        let busy_pct = match (power.col("busy"), power.col("accelerators")) {
            (Some(b), Some(a)) => match (num(&r[b]), num(&r[a])) {
                (Some(b), Some(a)) if a > 0.0 => 100.0 * b / a,
                _ => f64::NAN,
            },
            _ => f64::NAN,
        };
        let point = PowerPoint {
            busy_pct,
            time_h,
            demand_mw: num(&r[demand]).unwrap_or(draw_mw),
            cap_mw: r[cap].trim().parse().unwrap_or(f64::INFINITY),
            draw_mw,
        };
        match sites.iter_mut().find(|s| s.site == r[site]) {
            Some(s) => s.points.push(point),
            None => sites.push(SitePowerSeries {
                site: r[site].clone(),
                points: vec![point],
            }),
        }
    }
    sites
}

/// The timeline lane of a failure domain key: its site for a site or anything inside one
/// (`node:aws-use1/h100-a/370` -> `aws-use1`), the key itself for a region or a cloud.
fn lane_of(domain: &str) -> String {
    match domain.split_once(':') {
        Some(("cluster" | "rack" | "node" | "accelerator" | "site", rest)) => {
            rest.split('/').next().unwrap_or(rest).to_owned()
        }
        _ => domain.to_owned(),
    }
}

/// Spans for the timeline: component failures (ticks) and outages (bars, start to end)
/// from `components.csv`, interruptions (ticks) from `interruptions.csv`. Lanes: sites in
/// `sites` order, then other sites by name, then regions and clouds, then jobs.
fn timeline_spans(
    components: Option<&Csv>,
    interruptions: Option<&Csv>,
    sites: &[SitePowerSeries],
    horizon_h: f64,
) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    if let Some(c) = components {
        let (time, domain, event) = (c.column("time_s"), c.column("domain"), c.column("event"));
        let mut open: Vec<(String, String, f64)> = Vec::new();
        for ((t, d), e) in time.iter().zip(&domain).zip(&event) {
            let Some(t_h) = num(t).map(|s| s / 3600.0) else {
                continue;
            };
            if e.starts_with("failure:") {
                spans.push(Span {
                    lane: lane_of(d),
                    start_h: t_h,
                    end_h: t_h,
                    kind: "component failure".into(),
                });
            } else if let Some(kind) = e.strip_prefix("outage-start:") {
                open.push(((*d).to_owned(), kind.to_owned(), t_h));
            } else if let Some(kind) = e.strip_prefix("outage-end:")
                && let Some(i) = open.iter().position(|o| o.0 == *d && o.1 == kind)
            {
                let (d, kind, start) = open.remove(i);
                spans.push(Span {
                    lane: lane_of(&d),
                    start_h: start,
                    end_h: t_h,
                    kind: format!("outage: {kind}"),
                });
            }
        }
        for (d, kind, start) in open {
            spans.push(Span {
                lane: lane_of(&d),
                start_h: start,
                end_h: horizon_h.max(start),
                kind: format!("outage: {kind}"),
            });
        }
    }
    if let Some(i) = interruptions {
        let (time, cause, job) = (i.column("time_h"), i.column("cause"), i.column("job"));
        for ((t, c), j) in time.iter().zip(&cause).zip(&job) {
            let Some(t_h) = num(t) else { continue };
            let kind = if c.starts_with("outage:") {
                "interruption: outage"
            } else if c.starts_with("power:") {
                "interruption: power"
            } else {
                "interruption: failure"
            };
            spans.push(Span {
                lane: format!("job {j}"),
                start_h: t_h,
                end_h: t_h,
                kind: kind.into(),
            });
        }
    }
    // Lane order: known sites, other sites, regions and clouds, jobs.
    let rank = |lane: &str| -> (u8, usize, String) {
        if let Some(i) = sites.iter().position(|s| s.site == lane) {
            (0, i, String::new())
        } else if lane.starts_with("job ") {
            (3, 0, String::new())
        } else if lane.contains(':') {
            (2, 0, lane.to_owned())
        } else {
            (1, 0, lane.to_owned())
        }
    };
    spans.sort_by_cached_key(|s| rank(&s.lane));
    spans
}

/// Outages as a table: scope lane, kind, start, end, duration.
fn outages_table(spans: &[Span]) -> String {
    let rows: Vec<Vec<Cell>> = spans
        .iter()
        .filter(|s| s.kind.starts_with("outage"))
        .map(|s| {
            vec![
                Cell::Text(s.lane.clone()),
                Cell::Text(s.kind.trim_start_matches("outage: ").to_owned()),
                Cell::Num(pretty(s.start_h)),
                Cell::Num(pretty(s.end_h)),
                Cell::Num(pretty(s.end_h - s.start_h)),
            ]
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    html::details(
        &format!("{} outages", rows.len()),
        &html::table(
            &[
                Cell::Text("where".into()),
                Cell::Text("kind".into()),
                Cell::Num("start h".into()),
                Cell::Num("end h".into()),
                Cell::Num("hours".into()),
            ],
            &rows,
        ),
    )
}

fn power_figure(sites: &[SitePowerSeries], horizon_h: f64) -> Figure {
    plots::site_power_over_time("Facility power per site (MW)", sites, horizon_h)
}

fn timeline_figure(spans: &[Span], horizon_h: f64) -> Figure {
    plots::timeline(
        "Failures, outages and interruptions over time",
        KINDS,
        spans,
        horizon_h,
    )
}

/// The charts of a run for `run --out`, drawn from the CSV `files` it writes (`(name,
/// contents)`; `summary.csv`, `power.csv`, `components.csv` and `interruptions.csv` are
/// used): `power.svg`, `power.png` when there are power records, `timeline.svg`,
/// `timeline.png` when anything failed, went dark or was interrupted.
pub fn run_charts(files: &[(&str, String)]) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let parse = |name: &str| -> anyhow::Result<Option<Csv>> {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| Csv::parse(text).map_err(|e| anyhow::anyhow!("{name}: {e}")))
            .transpose()
    };
    let horizon = parse("summary.csv")?.as_ref().map_or(0.0, horizon_h);
    let sites = parse("power.csv")?
        .as_ref()
        .map(power_sites)
        .unwrap_or_default();
    let spans = timeline_spans(
        parse("components.csv")?.as_ref(),
        parse("interruptions.csv")?.as_ref(),
        &sites,
        horizon,
    );
    let mut out = Vec::new();
    if !sites.is_empty() {
        let f = power_figure(&sites, horizon);
        out.push(("power.svg", f.svg()?.into_bytes()));
        out.push(("power.png", f.png()?));
    }
    if !spans.is_empty() {
        let f = timeline_figure(&spans, horizon);
        out.push(("timeline.svg", f.svg()?.into_bytes()));
        out.push(("timeline.png", f.png()?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_group_by_site() {
        assert_eq!(lane_of("node:aws-use1/h100-a/370"), "aws-use1");
        assert_eq!(lane_of("cluster:azure-eastus/gb200-nvl72"), "azure-eastus");
        assert_eq!(lane_of("site:gcp-usc1"), "gcp-usc1");
        assert_eq!(lane_of("region:aws/us-east-1"), "region:aws/us-east-1");
        assert_eq!(lane_of("cloud:aws"), "cloud:aws");
    }

    #[test]
    fn outages_pair_up_and_open_ones_run_to_the_horizon() {
        let components = Csv::parse(
            "time_s,domain,event\n\
             3600,node:a/h/1,failure:software-bug\n\
             7200,region:aws/us-east-1,outage-start:scripted\n\
             10800,region:aws/us-east-1,outage-end:scripted\n\
             14400,site:b,outage-start:background\n",
        )
        .unwrap();
        let interruptions = Csv::parse(
            "time_h,scope,cause,job,lost_accel_h\n2,region:aws/us-east-1,outage:scripted,big,5\n",
        )
        .unwrap();
        let sites = [SitePowerSeries {
            site: "b".into(),
            points: vec![],
        }];
        let spans = timeline_spans(Some(&components), Some(&interruptions), &sites, 10.0);
        let got: Vec<(&str, f64, f64, &str)> = spans
            .iter()
            .map(|s| (s.lane.as_str(), s.start_h, s.end_h, s.kind.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("b", 4.0, 10.0, "outage: background"),
                ("a", 1.0, 1.0, "component failure"),
                ("region:aws/us-east-1", 2.0, 3.0, "outage: scripted"),
                ("job big", 2.0, 2.0, "interruption: outage"),
            ]
        );
    }

    #[test]
    fn power_rows_group_by_site() {
        let power = Csv::parse(
            "time_h,site,demand_mw,cap_mw,draw_mw,throttle\n0,a,1,10,1,1\n0,b,2,inf,2,1\n1,a,3,10,3,1\n",
        )
        .unwrap();
        let sites = power_sites(&power);
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0].points.len(), 2);
        assert!(sites[1].points[0].cap_mw.is_infinite());
    }
}
