//! What a run says about its inference services: the printed "Services" table, the
//! serving columns of `summary.csv`, and `services.csv`, `service_timeline.csv` and
//! `requests.csv`.
//!
//! Numbers are written like the other CSVs: fractions, times and energies with six
//! decimals, dollar totals with two; counts ([`Counts`]) as whole numbers in request
//! fidelity and with six decimals in flow fidelity, where they are expectations. A figure
//! that does not exist (a latency percentile of no completed request, a region's energy)
//! is an empty cell.

use sim_models::sim::serving::{Fidelity, RequestRecord, ServiceReport, ServingFigures};

use crate::numbers::{fixed, shown};
use crate::table::{Align, Table};

/// How request counts are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counts {
    /// Whole numbers (request fidelity counts requests).
    Whole,
    /// Six decimals (flow fidelity counts expected requests).
    Expected,
}

impl Counts {
    /// The counts a run of this fidelity reports.
    pub fn of(fidelity: Fidelity) -> Self {
        match fidelity {
            Fidelity::Request => Counts::Whole,
            Fidelity::Flow { .. } => Counts::Expected,
        }
    }

    /// `x` as such a count; empty when not finite.
    fn format(self, x: f64) -> String {
        match self {
            Counts::Whole => fixed(x, 0),
            Counts::Expected => fixed(x, 6),
        }
    }
}

/// The printed table: one row per service (users `all`), then one per user region.
pub fn services_table(reports: &[ServiceReport], horizon_s: f64) -> String {
    let mut t = Table::new(&[
        ("service", Align::Left),
        ("users", Align::Left),
        ("requests", Align::Right),
        ("completed", Align::Right),
        ("dropped", Align::Right),
        ("retried", Align::Right),
        ("TTFT p50 ms", Align::Right),
        ("p90", Align::Right),
        ("p99", Align::Right),
        ("TPOT p50 ms", Align::Right),
        ("p99", Align::Right),
        ("SLO %", Align::Right),
        ("tokens/s", Align::Right),
        ("util %", Align::Right),
        ("Wh/1k tok", Align::Right),
        ("$/M tok", Align::Right),
    ]);
    let cells = |f: &ServingFigures, tokens_per_s: f64| {
        vec![
            shown(f.requests, 0),
            shown(f.completed, 0),
            shown(f.dropped, 0),
            shown(f.retried, 0),
            shown(f.ttft.p50_ms, 0),
            shown(f.ttft.p90_ms, 0),
            shown(f.ttft.p99_ms, 0),
            shown(f.tpot.p50_ms, 1),
            shown(f.tpot.p99_ms, 1),
            shown(100.0 * f.slo_attainment, 1),
            shown(tokens_per_s, 0),
        ]
    };
    for r in reports {
        let mut row = vec![r.name.clone(), "all".to_owned()];
        row.extend(cells(&r.figures, r.tokens_per_s));
        row.extend([
            shown(100.0 * r.utilisation, 1),
            shown(r.wh_per_1k_tokens, 2),
            shown(r.usd_per_m_tokens, 2),
        ]);
        t.push(row);
        for region in &r.regions {
            let mut row = vec![r.name.clone(), region.region.clone()];
            let f = &region.figures;
            row.extend(cells(f, f.tokens_out / horizon_s));
            row.extend(["-".to_owned(), "-".to_owned(), "-".to_owned()]);
            t.push(row);
        }
    }
    t.to_text()
}

/// The names of the serving columns of `summary.csv`, in order (see [`summary_columns`]).
pub const SUMMARY_COLUMNS: [&str; 8] = [
    "requests",
    "requests_dropped",
    "requests_retried",
    "ttft_p50_ms",
    "ttft_p99_ms",
    "tpot_p50_ms",
    "slo_attainment",
    "tokens_per_s",
];

/// The serving columns of `summary.csv` (when the scenario has services), from every
/// service's requests together (`total`: percentiles over the merged latency histograms),
/// named by [`SUMMARY_COLUMNS`].
pub fn summary_columns(
    reports: &[ServiceReport],
    total: &ServingFigures,
    counts: Counts,
) -> Vec<(&'static str, String)> {
    let count = |x| counts.format(x);
    let values: [String; SUMMARY_COLUMNS.len()] = [
        count(total.requests),
        count(total.dropped),
        count(total.retried),
        fixed(total.ttft.p50_ms, 6),
        fixed(total.ttft.p99_ms, 6),
        fixed(total.tpot.p50_ms, 6),
        fixed(total.slo_attainment, 6),
        fixed(reports.iter().map(|r| r.tokens_per_s).sum::<f64>() + 0.0, 6),
    ];
    SUMMARY_COLUMNS.into_iter().zip(values).collect()
}

/// `services.csv`: per service a row of scope `all`, then one per user region (scope
/// `cloud/region`), whose service-wide columns (utilisation, downtime, energy, cost) are
/// empty; a region's `tokens_per_s` is its output tokens over the horizon.
pub fn services_csv(reports: &[ServiceReport], horizon_s: f64, counts: Counts) -> String {
    let count = |x| counts.format(x);
    let mut t = Table::new(&[
        ("service", Align::Left),
        ("scope", Align::Left),
        ("requests", Align::Right),
        ("completed", Align::Right),
        ("dropped", Align::Right),
        ("retried", Align::Right),
        ("ttft_mean_ms", Align::Right),
        ("ttft_p50_ms", Align::Right),
        ("ttft_p90_ms", Align::Right),
        ("ttft_p99_ms", Align::Right),
        ("tpot_mean_ms", Align::Right),
        ("tpot_p50_ms", Align::Right),
        ("tpot_p90_ms", Align::Right),
        ("tpot_p99_ms", Align::Right),
        ("slo_attainment", Align::Right),
        ("tokens_out", Align::Right),
        ("tokens_per_s", Align::Right),
        ("utilisation", Align::Right),
        ("replica_down_h", Align::Right),
        ("energy_kwh", Align::Right),
        ("wh_per_1k_tokens", Align::Right),
        ("cost_usd", Align::Right),
        ("usd_per_m_tokens", Align::Right),
    ]);
    let cells = |f: &ServingFigures, tokens_per_s: f64| {
        vec![
            count(f.requests),
            count(f.completed),
            count(f.dropped),
            count(f.retried),
            fixed(f.ttft.mean_ms, 6),
            fixed(f.ttft.p50_ms, 6),
            fixed(f.ttft.p90_ms, 6),
            fixed(f.ttft.p99_ms, 6),
            fixed(f.tpot.mean_ms, 6),
            fixed(f.tpot.p50_ms, 6),
            fixed(f.tpot.p90_ms, 6),
            fixed(f.tpot.p99_ms, 6),
            fixed(f.slo_attainment, 6),
            count(f.tokens_out),
            fixed(tokens_per_s, 6),
        ]
    };
    for r in reports {
        let mut row = vec![r.name.clone(), "all".to_owned()];
        row.extend(cells(&r.figures, r.tokens_per_s));
        row.extend([
            fixed(r.utilisation, 6),
            fixed(r.replica_down_h, 6),
            fixed(r.energy_kwh, 6),
            fixed(r.wh_per_1k_tokens, 6),
            fixed(r.cost_usd, 2),
            fixed(r.usd_per_m_tokens, 6),
        ]);
        t.push(row);
        for region in &r.regions {
            let f = &region.figures;
            let mut row = vec![r.name.clone(), region.region.clone()];
            row.extend(cells(f, f.tokens_out / horizon_s));
            row.extend(std::iter::repeat_n(String::new(), 6));
            t.push(row);
        }
    }
    t.to_csv()
}

/// `service_timeline.csv`: one row per service and hour, by arrival hour (scope `all`),
/// then, in request fidelity, one per user region and hour (scope `cloud/region`).
pub fn service_timeline_csv(reports: &[ServiceReport], counts: Counts) -> String {
    let count = |x| counts.format(x);
    let mut t = Table::new(&[
        ("service", Align::Left),
        ("scope", Align::Left),
        ("hour_start_s", Align::Right),
        ("requests", Align::Right),
        ("completed", Align::Right),
        ("dropped", Align::Right),
        ("retried", Align::Right),
        ("ttft_mean_ms", Align::Right),
        ("ttft_p99_ms", Align::Right),
        ("slo_attainment", Align::Right),
    ]);
    let scopes = |r: &'_ ServiceReport| {
        let all = std::iter::once(("all".to_owned(), r.timeline.clone()));
        all.chain(
            r.regions
                .iter()
                .map(|g| (g.region.clone(), g.timeline.clone())),
        )
        .collect::<Vec<_>>()
    };
    for r in reports {
        for (scope, w) in scopes(r)
            .iter()
            .flat_map(|(s, ws)| ws.iter().map(move |w| (s, w)))
        {
            let f = &w.figures;
            t.push(vec![
                r.name.clone(),
                scope.clone(),
                fixed(w.start.as_secs_f64(), 0),
                count(f.requests),
                count(f.completed),
                count(f.dropped),
                count(f.retried),
                fixed(f.ttft.mean_ms, 6),
                fixed(f.ttft.p99_ms, 6),
                fixed(f.slo_attainment, 6),
            ]);
        }
    }
    t.to_csv()
}

/// The names `requests.csv` gives the indices of a [`RequestRecord`].
#[derive(Clone, Debug, Default)]
pub struct RequestNames {
    /// Service names, by service index.
    pub services: Vec<String>,
    /// Users' `cloud/region`, by service index, then user population index.
    pub regions: Vec<Vec<String>>,
    /// Site names, in fabric order.
    pub sites: Vec<String>,
}

/// `requests.csv`: one row per sampled request, in the order the run recorded them.
pub fn requests_csv(records: &[RequestRecord], names: &RequestNames) -> String {
    let mut t = Table::new(&[
        ("service", Align::Left),
        ("region", Align::Left),
        ("arrival_s", Align::Right),
        ("site", Align::Left),
        ("prompt_tokens", Align::Right),
        ("output_tokens", Align::Right),
        ("retries", Align::Right),
        ("outcome", Align::Left),
        ("ttft_ms", Align::Right),
        ("tpot_ms", Align::Right),
    ]);
    for q in records {
        let service = usize::from(q.service);
        t.push(vec![
            names.services[service].clone(),
            names.regions[service][usize::from(q.users)].clone(),
            fixed(q.arrival.as_secs_f64(), 6),
            q.site
                .map_or_else(String::new, |s| names.sites[usize::from(s)].clone()),
            q.prompt_tokens.to_string(),
            q.output_tokens.to_string(),
            q.retries.to_string(),
            q.outcome.name().to_owned(),
            fixed(1000.0 * q.ttft_s, 6),
            fixed(1000.0 * q.tpot_s, 6),
        ]);
    }
    t.to_csv()
}

#[cfg(test)]
mod tests {
    use sim_core::time::{SimDuration, SimTime};
    use sim_models::sim::serving::{
        LatencySummary, Outcome, RegionReport, ServiceWindow, ServingFigures,
    };

    use super::*;

    fn figures(requests: f64, slo: f64) -> ServingFigures {
        ServingFigures {
            requests,
            completed: requests - 2.0,
            dropped: 2.0,
            retried: 1.0,
            ttft: LatencySummary {
                count: requests - 2.0,
                mean_ms: 412.5,
                p50_ms: 300.0,
                p90_ms: 900.25,
                p99_ms: 1800.0,
            },
            tpot: LatencySummary {
                count: requests - 2.0,
                mean_ms: 41.0,
                p50_ms: 40.0,
                p90_ms: 55.0,
                p99_ms: 80.5,
            },
            slo_attainment: slo,
            tokens_out: 36_000.0,
        }
    }

    /// One service with one region that has no completed request, and one hour.
    fn report() -> ServiceReport {
        let empty = ServingFigures {
            requests: 0.0,
            completed: 0.0,
            dropped: 0.0,
            retried: 0.0,
            ttft: LatencySummary::EMPTY,
            tpot: LatencySummary::EMPTY,
            slo_attainment: f64::NAN,
            tokens_out: 0.0,
        };
        ServiceReport {
            name: "chat".into(),
            figures: figures(100.0, 0.95),
            regions: vec![
                RegionReport {
                    region: "aws/us-east-1".into(),
                    figures: figures(100.0, 0.95),
                    timeline: Vec::new(),
                },
                RegionReport {
                    region: "azure/westeurope".into(),
                    figures: empty.clone(),
                    timeline: Vec::new(),
                },
            ],
            timeline: vec![
                ServiceWindow {
                    start: SimTime::ZERO,
                    figures: figures(100.0, 0.95),
                },
                ServiceWindow {
                    start: SimTime::ZERO + SimDuration::from_hours(1),
                    figures: ServingFigures {
                        requests: 2.5,
                        ..empty
                    },
                },
            ],
            tokens_per_s: 10.0,
            utilisation: 0.5,
            replica_down_h: 1.25,
            energy_kwh: 120.0,
            wh_per_1k_tokens: 3_333.333_333_3,
            cost_usd: 1234.567,
            usd_per_m_tokens: 34_293.5,
        }
    }

    #[test]
    fn services_csv_has_a_service_row_then_region_rows_with_empty_cells() {
        let csv = services_csv(&[report()], 3600.0, Counts::Whole);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "service,scope,requests,completed,dropped,retried,ttft_mean_ms,ttft_p50_ms,\
             ttft_p90_ms,ttft_p99_ms,tpot_mean_ms,tpot_p50_ms,tpot_p90_ms,tpot_p99_ms,\
             slo_attainment,tokens_out,tokens_per_s,utilisation,replica_down_h,energy_kwh,\
             wh_per_1k_tokens,cost_usd,usd_per_m_tokens"
        );
        assert_eq!(
            lines[1],
            "chat,all,100,98,2,1,412.500000,300.000000,900.250000,1800.000000,41.000000,\
             40.000000,55.000000,80.500000,0.950000,36000,10.000000,0.500000,1.250000,\
             120.000000,3333.333333,1234.57,34293.500000"
        );
        assert_eq!(
            lines[2],
            "chat,aws/us-east-1,100,98,2,1,412.500000,300.000000,900.250000,1800.000000,\
             41.000000,40.000000,55.000000,80.500000,0.950000,36000,10.000000,,,,,,"
        );
        assert_eq!(
            lines[3],
            "chat,azure/westeurope,0,0,0,0,,,,,,,,,,0,0.000000,,,,,,"
        );
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn timeline_csv_has_one_row_per_hour_with_counts_as_the_fidelity_makes_them() {
        let header = "service,scope,hour_start_s,requests,completed,dropped,retried,ttft_mean_ms,\
                      ttft_p99_ms,slo_attainment\n";
        assert_eq!(
            service_timeline_csv(&[report()], Counts::Whole),
            format!(
                "{header}chat,all,0,100,98,2,1,412.500000,1800.000000,0.950000\n\
                 chat,all,3600,2,0,0,0,,,\n"
            )
        );
        assert_eq!(
            service_timeline_csv(&[report()], Counts::Expected),
            format!(
                "{header}chat,all,0,100.000000,98.000000,2.000000,1.000000,412.500000,\
                 1800.000000,0.950000\n\
                 chat,all,3600,2.500000,0.000000,0.000000,0.000000,,,\n"
            )
        );
        assert_eq!(Counts::of(Fidelity::Request), Counts::Whole);
    }

    #[test]
    fn requests_csv_names_service_region_and_site() {
        let names = RequestNames {
            services: vec!["chat".into()],
            regions: vec![vec!["aws/us-east-1".into(), "azure/westeurope".into()]],
            sites: vec!["aws-use1".into(), "azure-weu".into()],
        };
        let done = RequestRecord {
            service: 0,
            users: 1,
            arrival: SimTime::ZERO + SimDuration::from_millis(1500),
            site: Some(0),
            prompt_tokens: 1020,
            output_tokens: 129,
            retries: 1,
            outcome: Outcome::Completed,
            ttft_s: 0.25,
            tpot_s: 0.04,
        };
        let dropped = RequestRecord {
            site: None,
            outcome: Outcome::Dropped,
            ttft_s: f64::NAN,
            tpot_s: f64::NAN,
            ..done
        };
        assert_eq!(
            requests_csv(&[done, dropped], &names),
            "service,region,arrival_s,site,prompt_tokens,output_tokens,retries,outcome,\
             ttft_ms,tpot_ms\n\
             chat,azure/westeurope,1.500000,aws-use1,1020,129,1,completed,250.000000,\
             40.000000\n\
             chat,azure/westeurope,1.500000,,1020,129,1,dropped,,\n"
        );
    }

    #[test]
    fn summary_columns_come_from_the_fleet_wide_figures() {
        let mut other = report();
        other.name = "code".into();
        other.tokens_per_s = 5.5;
        let mut total = figures(300.0, 0.75);
        total.ttft.p99_ms = 2500.0;
        let got = summary_columns(&[report(), other], &total, Counts::Whole);
        let got: Vec<(&str, &str)> = got.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(got[4], ("ttft_p99_ms", "2500.000000"));
        assert_eq!(got[6], ("slo_attainment", "0.750000"));
        assert_eq!(got[7], ("tokens_per_s", "15.500000"));
        let none = summary_columns(&[], &total, Counts::Whole);
        assert_eq!(
            none[7].1, "0.000000",
            "not -0, although an empty f64 sum is -0.0"
        );
    }

    #[test]
    fn printed_table_shows_dashes_for_missing_figures() {
        let text = services_table(&[report()], 3600.0);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("service  users"), "{text}");
        assert!(lines[2].starts_with("chat     all"), "{text}");
        assert!(lines[2].contains("95.0"), "{text}");
        assert!(lines[2].ends_with("3333.33  34293.50"), "{text}");
        let cells: Vec<&str> = lines[4].split_whitespace().collect();
        assert_eq!(
            cells,
            [
                "chat",
                "azure/westeurope",
                "0",
                "0",
                "0",
                "0",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "0",
                "-",
                "-",
                "-"
            ]
        );
    }
}
