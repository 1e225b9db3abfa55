//! The report of a study of many runs: a sweep folder (`aggregate.csv`, `runs.csv`,
//! `sweep.toml`) or a `compare-policies` folder (`runs.csv`, `paired.csv`).
//!
//! ```text
//! aggregate.csv (or runs.csv grouped by point, when there is no aggregate)
//!    --> points: axis values, n, mean / sd / ci95 per figure
//!    --> per charted figure: a line per value of the other axes against the first axis,
//!        with CI bars (markers only when the first axis is not numeric); with exactly two
//!        axes, a heatmap of the means too
//!    --> tables: figures per point; every figure; runs by status; sweep.toml verbatim
//! ```

use std::path::Path;

use sim_core::stats::Welford;

use super::csv::{Csv, num};
use super::figures;
use super::html::{self, Cell, Page};
use crate::plots::{self, CiPoint, HeatAxis, Series, X};

/// At most this many figures get charts (the tables list every figure).
const MAX_CHARTED: usize = 8;
/// At most this many figures in the table per point (every figure is in the folded one).
const MAX_IN_TABLE: usize = 4;
/// At most this many lines per chart (palette colours stay distinct).
const MAX_SERIES: usize = 10;
/// At most this many failed runs are listed.
const MAX_FAILED_LISTED: usize = 100;

/// Mean, standard deviation and 95% CI half-width of one figure at one point.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stat {
    mean: f64,
    sd: Option<f64>,
    ci95: Option<f64>,
}

/// One point of the study: its axis values and its figures.
#[derive(Clone, Debug)]
struct Point {
    id: String,
    values: Vec<String>,
    n: Option<u64>,
    stats: Vec<Option<Stat>>,
}

/// How an axis is drawn: by value (numbers, or durations in hours) or by label.
#[derive(Clone, Debug, PartialEq)]
enum Scale {
    Numeric(Vec<f64>),
    Durations(Vec<f64>),
    Labels,
}

#[derive(Clone, Debug)]
struct Axis {
    name: String,
    /// Distinct values in order of first appearance.
    values: Vec<String>,
    scale: Scale,
}

impl Axis {
    fn new(name: &str, points: &[Point], i: usize) -> Axis {
        let mut values: Vec<String> = Vec::new();
        for p in points {
            if !values.contains(&p.values[i]) {
                values.push(p.values[i].clone());
            }
        }
        let numbers: Option<Vec<f64>> = values.iter().map(|v| num(v)).collect();
        let hours: Option<Vec<f64>> = values
            .iter()
            .map(|v| {
                v.trim()
                    .parse::<sim_core::time::SimDuration>()
                    .ok()
                    .map(|d| d.as_hours_f64())
            })
            .collect();
        let scale = match (numbers, hours) {
            (Some(n), _) if !values.is_empty() => Scale::Numeric(n),
            (None, Some(h)) if !values.is_empty() => Scale::Durations(h),
            _ => Scale::Labels,
        };
        Axis {
            name: name.to_owned(),
            values,
            scale,
        }
    }

    fn is_numeric(&self) -> bool {
        !matches!(self.scale, Scale::Labels)
    }

    /// The value `v` of this axis as an x position.
    fn x(&self, v: &str) -> X {
        let i = self.values.iter().position(|x| x == v);
        match (&self.scale, i) {
            (Scale::Numeric(n) | Scale::Durations(n), Some(i)) => X::Value(n[i]),
            _ => X::Label(v.to_owned()),
        }
    }

    /// Values in drawing order: ascending when numeric, as found otherwise.
    fn ordered(&self) -> Vec<String> {
        let mut order: Vec<usize> = (0..self.values.len()).collect();
        if let Scale::Numeric(n) | Scale::Durations(n) = &self.scale {
            order.sort_by(|&a, &b| n[a].total_cmp(&n[b]));
        }
        order.into_iter().map(|i| self.values[i].clone()).collect()
    }

    fn label(&self) -> String {
        match self.scale {
            Scale::Durations(_) => format!("{} (h)", self.name),
            _ => self.name.clone(),
        }
    }
}

/// A study read from its folder.
pub(super) struct Study {
    comparison: bool,
    name: String,
    axis_names: Vec<String>,
    points: Vec<Point>,
    figures: Vec<String>,
    runs: Option<Csv>,
    paired: Option<Csv>,
    definition: Option<String>,
    sources: Vec<&'static str>,
}

impl Study {
    /// Reads the study in `dir`; `None` when `dir` holds neither `aggregate.csv` nor a
    /// `runs.csv` with a `seed` column.
    pub(super) fn read(dir: &Path) -> anyhow::Result<Option<Study>> {
        let aggregate = Csv::read(dir, "aggregate.csv")?;
        let runs = Csv::read(dir, "runs.csv")?.filter(|r| r.col("seed").is_some());
        let paired = Csv::read(dir, "paired.csv")?;
        let definition = match std::fs::read_to_string(dir.join("sweep.toml")) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("reading {}", dir.join("sweep.toml").display())));
            }
        };
        let mut sources = Vec::new();
        let (axis_names, points, figures) = match (&aggregate, &runs) {
            (Some(a), _) => {
                sources.push("aggregate.csv");
                from_aggregate(a)?
            }
            (None, Some(r)) => from_runs(r),
            (None, None) => return Ok(None),
        };
        if runs.is_some() {
            sources.push("runs.csv");
        }
        if paired.is_some() {
            sources.push("paired.csv");
        }
        if definition.is_some() {
            sources.push("sweep.toml");
        }
        let comparison = aggregate.is_none()
            && definition.is_none()
            && runs
                .as_ref()
                .is_some_and(|r| r.col("point_id").is_none() && r.col("policy").is_some());
        let name = definition
            .as_deref()
            .and_then(sweep_name)
            .unwrap_or_else(|| {
                if comparison {
                    "placement policies"
                } else {
                    "sweep"
                }
                .to_owned()
            });
        Ok(Some(Study {
            comparison,
            name,
            axis_names,
            points,
            figures,
            runs,
            paired,
            definition,
            sources,
        }))
    }

    /// The report page.
    pub(super) fn page(&self) -> anyhow::Result<(Page, Vec<&'static str>)> {
        let kind = if self.comparison {
            "Policy comparison"
        } else {
            "Sweep"
        };
        let mut page = Page::new(kind, &self.name);
        let axes: Vec<Axis> = self
            .axis_names
            .iter()
            .enumerate()
            .map(|(i, name)| Axis::new(name, &self.points, i))
            .collect();
        page.meta(self.shape_line(&axes));
        if let Some(base) = self.definition.as_deref().and_then(|t| stamp(t, "base")) {
            page.meta(format!("base scenario: {base}"));
        }
        for a in &axes {
            page.meta(format!("{}: {}", a.name, a.values.join(", ")));
        }

        let charted = self.charted();
        page.section("charts", "Charts", self.charts(&axes, &charted)?);
        page.section("points", "Results per point", self.points_table(&charted));
        page.section("figures", "All figures", self.all_figures_table());
        page.section("paired", "Paired differences", self.paired_table());
        page.section("runs", "Runs", self.runs_section());
        if let Some(text) = &self.definition {
            page.section(
                "definition",
                "Sweep definition (sweep.toml)",
                html::pre(text),
            );
        }
        Ok((page, self.sources.clone()))
    }

    /// `9 points × 3 seeds = 27 runs (27 ok), over a × b`.
    fn shape_line(&self, axes: &[Axis]) -> String {
        let mut line = format!(
            "{} point{}",
            self.points.len(),
            if self.points.len() == 1 { "" } else { "s" }
        );
        let ns: Vec<u64> = self.points.iter().filter_map(|p| p.n).collect();
        if let (Some(&lo), Some(&hi)) = (ns.iter().min(), ns.iter().max()) {
            if lo == hi {
                line.push_str(&format!(" × {lo} seed{}", if lo == 1 { "" } else { "s" }));
            } else {
                line.push_str(&format!(" × {lo} to {hi} seeds"));
            }
        }
        if let Some(runs) = &self.runs {
            let ok = statuses(runs).iter().filter(|s| is_ok(s)).count();
            line.push_str(&format!(" = {} runs ({ok} ok)", runs.rows.len()));
        }
        if !axes.is_empty() {
            let names: Vec<&str> = axes.iter().map(|a| a.name.as_str()).collect();
            line.push_str(&format!(", over {}", names.join(" × ")));
        }
        line
    }

    /// The figures worth charting: those whose mean changes across points.
    fn charted(&self) -> Vec<usize> {
        let names: Vec<&str> = self.figures.iter().map(String::as_str).collect();
        let varies = |name: &str| {
            let Some(f) = self.figures.iter().position(|x| x == name) else {
                return false;
            };
            let means: Vec<f64> = self
                .points
                .iter()
                .filter_map(|p| p.stats[f].map(|s| s.mean))
                .collect();
            means.windows(2).any(|w| w[0] != w[1])
        };
        figures::of_interest(&names, varies, MAX_CHARTED)
            .into_iter()
            .filter_map(|n| self.figures.iter().position(|x| x == n))
            .collect()
    }

    fn charts(&self, axes: &[Axis], charted: &[usize]) -> anyhow::Result<String> {
        if axes.is_empty() || charted.is_empty() {
            return Ok(html::note(
                "Nothing to chart: the study has no axis, or no figure changes across its points.",
            ));
        }
        // The first axis across (a sweep file lists its main variable first), the others
        // as lines.
        let xi = 0;
        let x_axis = &axes[xi];
        let others: Vec<usize> = (0..axes.len()).filter(|&i| i != xi).collect();
        let joined = x_axis.is_numeric();
        let mut out = String::new();
        let mut groups = self.series_keys(&others);
        let all_groups = groups.len();
        groups.truncate(MAX_SERIES);
        let short = short_names(
            &others
                .iter()
                .map(|&i| axes[i].name.as_str())
                .collect::<Vec<_>>(),
        );
        let legend_title: Vec<&str> = short.iter().map(String::as_str).collect();
        for &f in charted {
            let name = &self.figures[f];
            let label = figures::label(name);
            let series: Vec<Series> = groups
                .iter()
                .map(|key| Series {
                    name: key.join(", "),
                    points: self.series_points(x_axis, xi, &others, key, f),
                })
                .collect();
            let title = format!("{label} by {}", short_names(&[&x_axis.name])[0]);
            let chart = if joined {
                plots::line_with_ci(&title, &x_axis.label(), label, &series)
            } else {
                plots::points_with_ci(&title, &x_axis.label(), label, &series)
            }
            .with_legend_title(&legend_title);
            let per = if others.is_empty() {
                String::new()
            } else {
                let names: Vec<&str> = others.iter().map(|&i| axes[i].name.as_str()).collect();
                let shown = if all_groups > MAX_SERIES {
                    format!(" (the first {MAX_SERIES} of {all_groups})")
                } else {
                    String::new()
                };
                format!(
                    "One {} per value of {}{shown}. ",
                    if joined { "line" } else { "colour" },
                    names.join(", ")
                )
            };
            out.push_str(&html::figure(
                &chart.svg()?,
                &format!("{label}: mean over seeds at each point. {per}Bars: 95% confidence intervals (Student t)."),
            ));
            if axes.len() == 2 {
                let yi = others[0];
                let (xs, ys) = (x_axis.ordered(), axes[yi].ordered());
                let values: Vec<Vec<Option<f64>>> = ys
                    .iter()
                    .map(|y| {
                        xs.iter()
                            .map(|x| {
                                self.points
                                    .iter()
                                    .find(|p| p.values[xi] == *x && p.values[yi] == *y)
                                    .and_then(|p| p.stats[f])
                                    .map(|s| s.mean)
                            })
                            .collect()
                    })
                    .collect();
                let map = plots::heatmap(
                    &format!("{label}: mean per point"),
                    &HeatAxis {
                        name: x_axis.label(),
                        labels: xs,
                    },
                    &HeatAxis {
                        name: axes[yi].name.clone(),
                        labels: ys,
                    },
                    &values,
                );
                out.push_str(&html::figure(
                    &map.svg()?,
                    &format!("{label} over both axes; colour from lowest to highest mean."),
                ));
            }
        }
        Ok(out)
    }

    /// The distinct combinations of the `others` axes' values, in order of first
    /// appearance.
    fn series_keys(&self, others: &[usize]) -> Vec<Vec<String>> {
        let mut keys: Vec<Vec<String>> = Vec::new();
        for p in &self.points {
            let key: Vec<String> = others.iter().map(|&i| p.values[i].clone()).collect();
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }

    fn series_points(
        &self,
        x_axis: &Axis,
        xi: usize,
        others: &[usize],
        key: &[String],
        f: usize,
    ) -> Vec<CiPoint> {
        let mut points: Vec<(usize, CiPoint)> = self
            .points
            .iter()
            .filter(|p| others.iter().zip(key).all(|(&i, k)| p.values[i] == *k))
            .filter_map(|p| {
                let s = p.stats[f]?;
                let order = x_axis.ordered().iter().position(|v| *v == p.values[xi])?;
                Some((
                    order,
                    CiPoint {
                        x: x_axis.x(&p.values[xi]),
                        mean: s.mean,
                        ci95: s.ci95,
                    },
                ))
            })
            .collect();
        points.sort_by_key(|(order, _)| *order);
        points.into_iter().map(|(_, p)| p).collect()
    }

    /// Points as rows: (id,) axis values, n, and `mean ± ci` of each figure in `shown`.
    fn table_of(&self, shown: &[usize], with_id: bool) -> String {
        let mut headers = Vec::new();
        if with_id {
            headers.push(Cell::Text("point".into()));
        }
        let names: Vec<&str> = self.axis_names.iter().map(String::as_str).collect();
        headers.extend(short_names(&names).into_iter().map(Cell::Text));
        headers.push(Cell::Num("n".into()));
        headers.extend(
            shown
                .iter()
                .map(|&f| Cell::Num(figures::label(&self.figures[f]).to_owned())),
        );
        let rows: Vec<Vec<Cell>> = self
            .points
            .iter()
            .map(|p| {
                let mut row = Vec::new();
                if with_id {
                    row.push(Cell::Text(p.id.clone()));
                }
                row.extend(p.values.iter().map(|v| Cell::Text(v.clone())));
                row.push(Cell::Num(p.n.map_or_else(String::new, |n| n.to_string())));
                row.extend(shown.iter().map(|&f| Cell::Num(mean_ci(p.stats[f]))));
                row
            })
            .collect();
        html::table(&headers, &rows)
    }

    /// The charted figures per point (at most [`MAX_IN_TABLE`], so the table fits the
    /// page).
    fn points_table(&self, charted: &[usize]) -> String {
        let shown: Vec<usize> = if charted.is_empty() {
            (0..self.figures.len()).take(MAX_IN_TABLE).collect()
        } else {
            charted.iter().copied().take(MAX_IN_TABLE).collect()
        };
        let mut out = html::note("Mean over seeds ± 95% confidence half-width (Student t).");
        out.push_str(&self.table_of(&shown, false));
        out
    }

    /// Every figure per point, folded away (a wide table that scrolls sideways), and what
    /// each figure measures.
    fn all_figures_table(&self) -> String {
        if self.figures.is_empty() {
            return String::new();
        }
        let all: Vec<usize> = (0..self.figures.len()).collect();
        let meanings: Vec<Vec<Cell>> = self
            .figures
            .iter()
            .map(|name| {
                vec![
                    Cell::Text(name.clone()),
                    Cell::Text(figures::label(name).to_owned()),
                    Cell::Text(figures::meaning(name).unwrap_or("").to_owned()),
                ]
            })
            .collect();
        let mut out = html::details(
            &format!(
                "Every figure at every point ({} figures × {} points, mean ± 95% CI)",
                self.figures.len(),
                self.points.len()
            ),
            &self.table_of(&all, true),
        );
        out.push_str(&html::details(
            "What the figures measure",
            &html::table(
                &[
                    Cell::Text("column".into()),
                    Cell::Text("label".into()),
                    Cell::Text("meaning".into()),
                ],
                &meanings,
            ),
        ));
        out
    }

    fn paired_table(&self) -> String {
        let Some(paired) = &self.paired else {
            return String::new();
        };
        let headers: Vec<Cell> = paired
            .headers
            .iter()
            .map(|h| {
                if paired.rows.iter().all(|r| {
                    let i = paired.col(h).unwrap_or(0);
                    r[i].is_empty() || num(&r[i]).is_some()
                }) {
                    Cell::Num(h.clone())
                } else {
                    Cell::Text(h.clone())
                }
            })
            .collect();
        let rows: Vec<Vec<Cell>> = paired
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&headers)
                    .map(|(v, h)| match h {
                        Cell::Num(_) => Cell::Num(html::pretty_field(v)),
                        Cell::Text(_) => Cell::Text(v.clone()),
                    })
                    .collect()
            })
            .collect();
        let mut out = html::note(
            "Each policy against the baseline on the same seeds (common random numbers): \
             mean paired difference and its 95% CI, also in percent of the baseline's mean.",
        );
        out.push_str(&html::table(&headers, &rows));
        out
    }

    fn runs_section(&self) -> String {
        let Some(runs) = &self.runs else {
            return String::new();
        };
        let statuses = statuses(runs);
        let mut counts: Vec<(String, usize)> = Vec::new();
        for s in &statuses {
            let s = if s.is_empty() { "ok" } else { s };
            match counts.iter_mut().find(|(k, _)| k == s) {
                Some(c) => c.1 += 1,
                None => counts.push((s.to_owned(), 1)),
            }
        }
        let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let mut out = html::para(&format!(
            "{} runs: {}.",
            runs.rows.len(),
            summary.join(", ")
        ));
        let failed: Vec<&Vec<String>> = runs
            .rows
            .iter()
            .zip(&statuses)
            .filter(|(_, s)| !is_ok(s))
            .map(|(r, _)| r)
            .take(MAX_FAILED_LISTED)
            .collect();
        if !failed.is_empty() {
            let seed = runs.col("seed").unwrap_or(0);
            let keep: Vec<usize> = (0..=seed).chain(runs.col("status")).collect();
            let headers: Vec<Cell> = keep
                .iter()
                .map(|&i| Cell::Text(runs.headers[i].clone()))
                .collect();
            let rows: Vec<Vec<Cell>> = failed
                .iter()
                .map(|r| keep.iter().map(|&i| Cell::Text(r[i].clone())).collect())
                .collect();
            out.push_str(&html::note(
                "Runs that did not finish; they are left out of the means.",
            ));
            out.push_str(&html::table(&headers, &rows));
        }
        out
    }
}

/// The cell of a figure at a point: [`numbers::mean_ci`](crate::numbers::mean_ci), empty
/// without a mean.
fn mean_ci(stat: Option<Stat>) -> String {
    stat.map_or_else(String::new, |s| crate::numbers::mean_ci(s.mean, s.ci95))
}

/// Axis paths shortened to their last key (`jobs.big.checkpoint_interval` ->
/// `checkpoint_interval`) for legends, unless two would then read the same.
fn short_names(paths: &[&str]) -> Vec<String> {
    let short: Vec<String> = paths
        .iter()
        .map(|p| p.rsplit('.').next().unwrap_or(p).to_owned())
        .collect();
    let distinct: std::collections::BTreeSet<&String> = short.iter().collect();
    if distinct.len() == short.len() {
        short
    } else {
        paths.iter().map(|p| (*p).to_owned()).collect()
    }
}

/// Each run's status (`ok` when the file has no status column).
fn statuses(runs: &Csv) -> Vec<String> {
    match runs.col("status") {
        Some(i) => runs.rows.iter().map(|r| r[i].clone()).collect(),
        None => vec!["ok".to_owned(); runs.rows.len()],
    }
}

fn is_ok(status: &str) -> bool {
    status.is_empty() || status == "ok"
}

/// A `# fabricsim-<key> = "value"` header line `fabricsim sweep` writes at the top of the
/// `sweep.toml` it copies into its output folder.
fn stamp(text: &str, key: &str) -> Option<String> {
    let prefix = format!("# fabricsim-{key} = ");
    let line = text.lines().find_map(|l| l.strip_prefix(&prefix))?;
    let value = format!("v = {line}");
    let doc = toml::de::DeTable::parse(&value).ok()?;
    match doc.get_ref().get("v")?.get_ref() {
        toml::de::DeValue::String(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The name of a sweep: its `# fabricsim-name` stamp, else a top-level `name`, else
/// `name` under `[sweep]`.
fn sweep_name(text: &str) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    if let Some(name) = stamp(text, "name") {
        return Some(name);
    }
    let doc = DeTable::parse(text).ok()?;
    let root = doc.get_ref();
    let name = root
        .get("name")
        .or_else(|| match root.get("sweep")?.get_ref() {
            DeValue::Table(t) => t.get("name"),
            _ => None,
        })?;
    match name.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        _ => None,
    }
}

type Parsed = (Vec<String>, Vec<Point>, Vec<String>);

/// `point_id,<axes>,n,<fig>_mean,<fig>_sd,<fig>_ci95,...`.
fn from_aggregate(a: &Csv) -> anyhow::Result<Parsed> {
    let (Some(0), Some(n_col)) = (a.col("point_id"), a.col("n")) else {
        anyhow::bail!(
            "aggregate.csv: expected the columns point_id,<axes...>,n,<figure>_mean,... \
             (found {}): it was not written by `fabricsim sweep`; run the sweep again into \
             this folder, or give the folder a sweep wrote",
            a.headers.join(",")
        );
    };
    let axis_names: Vec<String> = a.headers[1..n_col].to_vec();
    let figures: Vec<String> = a.headers[n_col + 1..]
        .iter()
        .filter_map(|h| h.strip_suffix("_mean"))
        .map(str::to_owned)
        .collect();
    let cols: Vec<(Option<usize>, Option<usize>, Option<usize>)> = figures
        .iter()
        .map(|f| {
            (
                a.col(&format!("{f}_mean")),
                a.col(&format!("{f}_sd")),
                a.col(&format!("{f}_ci95")),
            )
        })
        .collect();
    let points = a
        .rows
        .iter()
        .map(|r| Point {
            id: r[0].clone(),
            values: r[1..n_col].to_vec(),
            n: r[n_col].trim().parse().ok(),
            stats: cols
                .iter()
                .map(|&(m, sd, ci)| {
                    Some(Stat {
                        mean: num(&r[m?])?,
                        sd: sd.and_then(|i| num(&r[i])),
                        ci95: ci.and_then(|i| num(&r[i])),
                    })
                })
                .collect(),
        })
        .collect();
    Ok((axis_names, points, figures))
}

/// `[run_id,][point_id,]<axes>,seed,[status,]<figures>`, grouped by point (or by axis
/// values when there is no `point_id`), skipping runs whose status is not `ok`.
fn from_runs(r: &Csv) -> Parsed {
    let seed = r.col("seed").unwrap_or(0);
    let point_col = r.col("point_id");
    let first_axis = [r.col("run_id"), point_col]
        .into_iter()
        .flatten()
        .max()
        .map_or(0, |i| i + 1)
        .min(seed);
    let axis_names: Vec<String> = r.headers[first_axis..seed].to_vec();
    let first_figure = r.col("status").map_or(seed + 1, |s| s.max(seed) + 1);
    let figures: Vec<String> = r.headers[first_figure.min(r.headers.len())..].to_vec();
    let status = r.col("status");
    let mut points: Vec<(Point, Vec<Welford>)> = Vec::new();
    for row in &r.rows {
        if status.is_some_and(|s| !is_ok(&row[s])) {
            continue;
        }
        let values = row[first_axis..seed].to_vec();
        let id = point_col.map_or_else(|| values.join(" / "), |i| row[i].clone());
        let at = match points.iter().position(|(p, _)| p.id == id) {
            Some(i) => i,
            None => {
                points.push((
                    Point {
                        id,
                        values,
                        n: Some(0),
                        stats: Vec::new(),
                    },
                    vec![Welford::default(); figures.len()],
                ));
                points.len() - 1
            }
        };
        let (point, acc) = &mut points[at];
        point.n = point.n.map(|n| n + 1);
        for (f, w) in acc.iter_mut().enumerate() {
            if let Some(v) = num(&row[first_figure + f]) {
                w.insert(v);
            }
        }
    }
    let points = points
        .into_iter()
        .map(|(mut p, acc)| {
            p.stats = acc
                .iter()
                .map(|w| {
                    Some(Stat {
                        mean: w.mean()?,
                        sd: w.std_dev(),
                        ci95: w.ci95_half_width(),
                    })
                })
                .collect();
            p
        })
        .collect();
    (axis_names, points, figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AGGREGATE: &str = "point_id,cap,policy,n,ettr_mean,ettr_sd,ettr_ci95,events_mean,events_sd,events_ci95\n\
        p0,0.5,first-fit,3,0.8,0.01,0.02,10,0,0\n\
        p1,1,first-fit,3,0.9,0.01,0.02,10,0,0\n\
        p2,0.5,cheapest,3,0.82,0.01,,10,0,0\n";

    #[test]
    fn aggregate_columns_become_axes_and_figures() {
        let (axes, points, figs) = from_aggregate(&Csv::parse(AGGREGATE).unwrap()).unwrap();
        assert_eq!(axes, ["cap", "policy"]);
        assert_eq!(figs, ["ettr", "events"]);
        assert_eq!(points[2].values, ["0.5", "cheapest"]);
        assert_eq!(
            points[2].stats[0],
            Some(Stat {
                mean: 0.82,
                sd: Some(0.01),
                ci95: None
            })
        );
    }

    #[test]
    fn a_bad_aggregate_says_what_it_expected() {
        let err = from_aggregate(&Csv::parse("a,b\n1,2\n").unwrap()).unwrap_err();
        assert!(err.to_string().contains("point_id,<axes...>,n"), "{err}");
    }

    #[test]
    fn runs_are_grouped_and_failures_skipped() {
        let runs = Csv::parse(
            "run_id,point_id,cap,seed,status,ettr\n\
             0,p0,0.5,1,ok,0.8\n1,p0,0.5,2,ok,0.9\n2,p1,1,1,failed: boom,\n3,p1,1,2,ok,0.95\n",
        )
        .unwrap();
        let (axes, points, figs) = from_runs(&runs);
        assert_eq!(
            (axes, figs),
            (vec!["cap".to_owned()], vec!["ettr".to_owned()])
        );
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].n, Some(2));
        let s = points[0].stats[0].unwrap();
        assert!((s.mean - 0.85).abs() < 1e-12 && s.ci95.is_some());
        assert_eq!(points[1].n, Some(1));
        assert_eq!(points[1].stats[0].unwrap().ci95, None);
    }

    #[test]
    fn compare_policies_runs_have_one_axis() {
        let runs = Csv::parse("policy,seed,ettr\na,1,0.5\na,2,0.7\nb,1,0.6\n").unwrap();
        let (axes, points, _) = from_runs(&runs);
        assert_eq!(axes, ["policy"]);
        assert_eq!(points[1].id, "b");
    }

    #[test]
    fn axis_scales() {
        let pts = |vals: &[&str]| -> Vec<Point> {
            vals.iter()
                .map(|v| Point {
                    id: String::new(),
                    values: vec![(*v).to_owned()],
                    n: None,
                    stats: vec![],
                })
                .collect()
        };
        let a = Axis::new("x", &pts(&["1", "0.5", "1"]), 0);
        assert_eq!(a.scale, Scale::Numeric(vec![1.0, 0.5]));
        assert_eq!(a.ordered(), ["0.5", "1"]);
        let d = Axis::new("ckpt", &pts(&["30m", "2h"]), 0);
        assert_eq!(d.scale, Scale::Durations(vec![0.5, 2.0]));
        assert_eq!(d.label(), "ckpt (h)");
        let l = Axis::new("policy", &pts(&["b", "a"]), 0);
        assert_eq!(
            (l.scale.clone(), l.ordered()),
            (Scale::Labels, vec!["b".to_owned(), "a".to_owned()])
        );
    }

    #[test]
    fn legends_use_short_axis_names_when_distinct() {
        assert_eq!(
            short_names(&["jobs.big.checkpoint_interval", "failures.rate_scale"]),
            ["checkpoint_interval", "rate_scale"]
        );
        assert_eq!(
            short_names(&["outages[0].duration", "outages[1].duration"]),
            ["outages[0].duration", "outages[1].duration"]
        );
    }

    #[test]
    fn sweep_names() {
        assert_eq!(sweep_name("name = \"caps\"\n"), Some("caps".into()));
        assert_eq!(sweep_name("[sweep]\nname = \"x\"\n"), Some("x".into()));
        assert_eq!(sweep_name("seeds = 3\n"), None);
        let stamped =
            "# fabricsim-name = \"outage-study\"\n# fabricsim-base = \"a/b.toml\"\nname = \"x\"\n";
        assert_eq!(sweep_name(stamped), Some("outage-study".into()));
        assert_eq!(stamp(stamped, "base"), Some("a/b.toml".into()));
    }
}
