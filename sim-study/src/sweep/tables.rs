//! `runs.csv` and `aggregate.csv`: built from the run records in canonical order, so
//! their bytes depend only on which runs are done and what they produced, never on the
//! thread count, the completion order, resumes or shards.
//!
//! `runs.csv`: `run_id,point_id,<axis paths...>,seed,status,<figures...>`, one row per
//! finished run; the figures are the cells of `summary.csv` (`fabricsim run`), copied as
//! text, empty for a failed run or an undefined figure.
//!
//! `aggregate.csv`: `point_id,<axis paths...>,n,<figure>_mean,<figure>_sd,<figure>_ci95...`,
//! one row per point with a finished run: `n` ok runs; per figure the mean, the sample
//! standard deviation and the half-width of the Student t 95 % confidence interval of the
//! mean over the runs that define it (parsed back from the `runs.csv` cells, so a merge or
//! a resume computes exactly the same numbers), six decimals, empty where undefined
//! (no value; fewer than two for the spread).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use sim_core::stats::Welford;

use super::journal::{Figures, Record};
use super::plan::{Plan, hex};
use sim_report::numbers::six_decimals;
use sim_report::table::{Align, Table};

/// The figure columns every run has: `summary.csv`'s columns without `scenario` and
/// `seed` (which say which run it was).
pub fn training_figures() -> &'static [&'static str] {
    &sim_report::summary::SUMMARY_COLUMNS[2..]
}

/// Every figure name a run can have: [`training_figures`], then the serving ones.
pub fn all_figures() -> &'static [&'static str] {
    static ALL: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut all = training_figures().to_vec();
        all.extend(sim_report::serving::SUMMARY_COLUMNS);
        all
    });
    &ALL
}

/// The figure columns for `records`: [`training_figures`], then the serving figures when
/// any ok run has one.
pub fn figure_columns<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<&'static str> {
    let serving = sim_report::serving::SUMMARY_COLUMNS;
    let mut columns = training_figures().to_vec();
    if records
        .into_iter()
        .any(|r| r.ok && serving.iter().any(|f| r.figure(f).is_some()))
    {
        columns.extend(serving);
    }
    columns
}

/// The records of the `selected` runs (indices into `plan.runs`) that have one, in
/// canonical order.
pub fn done<'a>(
    plan: &Plan,
    selected: &[usize],
    records: &'a BTreeMap<u64, Record>,
) -> Vec<(usize, &'a Record)> {
    selected
        .iter()
        .filter_map(|&i| records.get(&plan.runs[i].id).map(|r| (i, r)))
        .collect()
}

/// `runs.csv` of `done` (from [`done`]) with `figures` columns.
pub fn runs_csv(plan: &Plan, done: &[(usize, &Record)], figures: &[&str]) -> String {
    let mut columns = vec![("run_id", Align::Left), ("point_id", Align::Left)];
    columns.extend(plan.axes.iter().map(|a| (a.path.as_str(), Align::Left)));
    columns.extend([("seed", Align::Right), ("status", Align::Left)]);
    columns.extend(figures.iter().map(|f| (*f, Align::Right)));
    let mut t = Table::new(&columns);
    let at = positions(figures);
    for &(i, record) in done {
        let run = plan.runs[i];
        let point = &plan.points[run.point];
        let mut row = vec![hex(run.id), hex(point.id)];
        row.extend(
            plan.axes
                .iter()
                .zip(&point.values)
                .map(|(a, &v)| a.display[v].clone()),
        );
        row.push(run.seed.to_string());
        row.push(if record.ok { "ok" } else { "failed" }.to_owned());
        let cells = record.figures.cells();
        for &a in &at {
            let cell = if record.ok { cells[a] } else { "" };
            row.push(cell.to_owned());
        }
        t.push(row);
    }
    t.to_csv()
}

/// One figure over the ok runs of a point.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FigureStats {
    /// Runs that define the figure.
    pub count: u64,
    /// Their mean (a plain sum over the count, so whole numbers give exact means).
    pub mean: Option<f64>,
    /// Sample standard deviation (at least two runs).
    pub sd: Option<f64>,
    /// Half-width of the Student t 95 % confidence interval of the mean (at least two runs).
    pub ci95: Option<f64>,
}

/// One point's row of `aggregate.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct PointStats {
    /// Index into `plan.points`.
    pub point: usize,
    /// Ok runs of the point.
    pub n: u64,
    /// Failed runs of the point.
    pub failed: u64,
    /// Per figure, in the order of the figure columns.
    pub figures: Vec<FigureStats>,
}

impl PointStats {
    /// The statistic `stat` of figure `figure` (`n` for the run count), looked up among
    /// `figures` (the column names these stats follow).
    pub fn value(&self, figures: &[&str], figure: &str, stat: Stat) -> Option<f64> {
        if stat == Stat::N {
            return Some(self.n as f64);
        }
        let f = self.figures[figures.iter().position(|f| *f == figure)?];
        match stat {
            Stat::Mean => f.mean,
            Stat::Sd => f.sd,
            Stat::Ci95 => f.ci95,
            Stat::N => unreachable!("handled above"),
        }
    }
}

/// Which statistic of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    /// `<figure>_mean` (or the bare figure name).
    Mean,
    /// `<figure>_sd`.
    Sd,
    /// `<figure>_ci95`.
    Ci95,
    /// `n`, the point's ok runs.
    N,
}

/// Per point with a finished run (in canonical order), the statistics of every figure.
/// Values are parsed from the records' cells, so they match `runs.csv` exactly.
pub fn aggregate(plan: &Plan, done: &[(usize, &Record)], figures: &[&str]) -> Vec<PointStats> {
    let at = positions(figures);
    let mut out: Vec<PointStats> = Vec::new();
    let mut acc: Vec<(Welford, f64)> = Vec::new();
    let finish = |out: &mut Vec<PointStats>, acc: &[(Welford, f64)]| {
        if let Some(last) = out.last_mut() {
            last.figures = acc
                .iter()
                .map(|(w, sum)| FigureStats {
                    count: w.count(),
                    mean: (w.count() > 0).then(|| sum / w.count() as f64),
                    sd: w.std_dev(),
                    ci95: w.ci95_half_width(),
                })
                .collect();
        }
    };
    for &(i, record) in done {
        let point = plan.runs[i].point;
        if out.last().is_none_or(|p| p.point != point) {
            finish(&mut out, &acc);
            out.push(PointStats {
                point,
                n: 0,
                failed: 0,
                figures: Vec::new(),
            });
            acc = vec![(Welford::new(), 0.0); figures.len()];
        }
        let last = out.last_mut().expect("invariant: a point was just pushed");
        if !record.ok {
            last.failed += 1;
            continue;
        }
        last.n += 1;
        let cells = record.figures.cells();
        for (&a, (w, sum)) in at.iter().zip(acc.iter_mut()) {
            if let Ok(x) = cells[a].parse::<f64>()
                && x.is_finite()
            {
                w.insert(x);
                *sum += x;
            }
        }
    }
    finish(&mut out, &acc);
    out
}

/// The index in [`all_figures`] of each of `figures` (all of which must be known).
fn positions(figures: &[&str]) -> Vec<usize> {
    figures
        .iter()
        .map(|f| {
            all_figures()
                .iter()
                .position(|a| a == f)
                .expect("invariant: figure columns are among all_figures")
        })
        .collect()
}

/// `aggregate.csv` of `stats` (from [`aggregate`]).
pub fn aggregate_csv(plan: &Plan, stats: &[PointStats], figures: &[&str]) -> String {
    let names: Vec<String> = figures
        .iter()
        .flat_map(|f| [format!("{f}_mean"), format!("{f}_sd"), format!("{f}_ci95")])
        .collect();
    let mut columns = vec![("point_id", Align::Left)];
    columns.extend(plan.axes.iter().map(|a| (a.path.as_str(), Align::Left)));
    columns.push(("n", Align::Right));
    columns.extend(names.iter().map(|n| (n.as_str(), Align::Right)));
    let mut t = Table::new(&columns);
    for s in stats {
        let point = &plan.points[s.point];
        let mut row = point_cells(plan, point);
        row.push(s.n.to_string());
        for f in &s.figures {
            row.extend([
                six_decimals(f.mean),
                six_decimals(f.sd),
                six_decimals(f.ci95),
            ]);
        }
        t.push(row);
    }
    t.to_csv()
}

/// A point's first cells in a table: its id, then each axis's value as displayed.
pub fn point_cells(plan: &Plan, point: &super::plan::Point) -> Vec<String> {
    let mut row = vec![hex(point.id)];
    row.extend(
        plan.axes
            .iter()
            .zip(&point.values)
            .map(|(a, &v)| a.display[v].clone()),
    );
    row
}

/// What to do about a `runs.csv` that does not read.
const DAMAGED: &str = "delete it and run the same command again (runs.csv is rebuilt from \
                       runs.journal; runs missing from both run again)";

/// The records of an existing `runs.csv` in `dir` (none if it does not exist). Rows
/// whose run is not in `plan` are kept too (the caller only looks runs up by id).
pub fn read_runs_csv(dir: &Path) -> anyhow::Result<BTreeMap<u64, Record>> {
    let path = dir.join("runs.csv");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let rows = parse_csv(&text);
    let Some((header, rows)) = rows.split_first() else {
        return Ok(BTreeMap::new());
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(id), Some(status)) = (col("run_id"), col("status")) else {
        anyhow::bail!(
            "{} has no run_id and status columns: it was not written by `fabricsim sweep`; \
             {DAMAGED}",
            path.display()
        );
    };
    let mut out = BTreeMap::new();
    for (line, row) in rows.iter().enumerate() {
        if row.len() != header.len() {
            anyhow::bail!(
                "{}:{}: {} cells, but the header has {}: the file is damaged; {DAMAGED}",
                path.display(),
                line + 2,
                row.len(),
                header.len()
            );
        }
        let run = u64::from_str_radix(&row[id], 16).with_context(|| {
            format!(
                "{}:{}: run_id {:?} is not an id: the file is damaged; {DAMAGED}",
                path.display(),
                line + 2,
                row[id]
            )
        })?;
        let ok = row[status] == "ok";
        let figures = if ok {
            Figures::from_pairs(
                header[status + 1..]
                    .iter()
                    .zip(&row[status + 1..])
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            )
        } else {
            Figures::default()
        };
        out.insert(
            run,
            Record {
                run,
                ok,
                figures,
                error: None,
            },
        );
    }
    Ok(out)
}

/// Rows of RFC 4180 CSV (quoted fields with `""` escapes; `\n` or `\r\n` line ends), read
/// with the `csv` crate: rows may differ in length, blank lines are skipped and an
/// unterminated quoted field runs to the end of the text.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .into_records()
        // Reading a `&str` cannot fail: no I/O, valid UTF-8, rows of any length.
        .map_while(Result::ok)
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_quotes_and_commas() {
        let mut t = Table::new(&[("a", Align::Left), ("b", Align::Left)]);
        t.push(vec!["x, \"y\"".into(), String::new()]);
        t.push(vec!["line\nbreak".into(), "2".into()]);
        let rows = parse_csv(&t.to_csv());
        assert_eq!(
            rows,
            [
                vec!["a".to_owned(), "b".to_owned()],
                vec!["x, \"y\"".to_owned(), String::new()],
                vec!["line\nbreak".to_owned(), "2".to_owned()],
            ]
        );
    }

    #[test]
    fn csv_rows_may_differ_in_length_and_end_in_crlf() {
        assert_eq!(
            parse_csv("a,b\r\n1\r\n\r\n2,3,4"),
            [vec!["a", "b"], vec!["1"], vec!["2", "3", "4"]]
        );
        assert!(parse_csv("").is_empty());
    }
}
