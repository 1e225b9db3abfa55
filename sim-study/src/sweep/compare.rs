//! `fabricsim compare BASE NEW`: which figures moved between two sweeps.
//!
//! Reads both folders' `aggregate.csv`, matches points by point id (the same axis values;
//! points only on one side are listed), and for every figure both sides have compares the
//! means: a relative change `(new - base) / |base|` beyond the tolerance is a move (a
//! figure defined on one side only, or a change from a zero base, moves too). Each move
//! also says whether the difference exceeds the two 95 % half-widths combined in
//! quadrature, a rough sign that it is more than seed noise. Exit code 1 if anything
//! moved, else 0.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::json;

use super::tables::parse_csv;
use sim_report::numbers::sig6;
use sim_report::table::{Align, Table};

/// A relative tolerance: `2%` or a fraction `0.02`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance(pub f64);

impl std::str::FromStr for Tolerance {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let (number, scale) = match t.strip_suffix('%') {
            Some(n) => (n.trim(), 0.01),
            None => (t, 1.0),
        };
        match number.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(Self(x * scale)),
            _ => Err(format!(
                "`{text}`: expected a percentage such as 2% or a fraction such as 0.02 (>= 0)"
            )),
        }
    }
}

impl std::fmt::Display for Tolerance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}%", sig6(self.0 * 100.0))
    }
}

/// One sweep's `aggregate.csv`.
struct Aggregate {
    path: PathBuf,
    axes: Vec<String>,
    figures: Vec<String>,
    points: Vec<AggPoint>,
}

struct AggPoint {
    id: String,
    axes: Vec<String>,
    n: String,
    /// Per figure: (mean, ci95).
    stats: BTreeMap<String, (Option<f64>, Option<f64>)>,
}

impl AggPoint {
    fn describe(&self, axes: &[String]) -> String {
        if axes.is_empty() {
            return "(no axes)".to_owned();
        }
        let parts: Vec<String> = axes
            .iter()
            .zip(&self.axes)
            .map(|(a, v)| format!("{a}={v}"))
            .collect();
        parts.join(", ")
    }
}

/// `DIR/aggregate.csv`, or the file itself.
fn read(path: &Path) -> anyhow::Result<Aggregate> {
    const GIVE: &str = "give the output folder of `fabricsim sweep FILE --out DIR` (or `merge`), \
                        or its aggregate.csv";
    if !path.exists() {
        anyhow::bail!("{} does not exist: {GIVE}", path.display());
    }
    let file = if path.is_dir() {
        let file = path.join("aggregate.csv");
        if !file.exists() {
            anyhow::bail!(
                "{} has no aggregate.csv: it is not the output folder of a sweep (a sweep still \
                 running writes it every few seconds and at the end); {GIVE}",
                path.display()
            );
        }
        file
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("reading {} (a sweep's aggregate.csv)", file.display()))?;
    let rows = parse_csv(&text);
    let Some((header, rows)) = rows.split_first() else {
        anyhow::bail!("{} is empty: {GIVE}", file.display());
    };
    let n_col = header.iter().position(|h| h == "n");
    let (Some(n_col), Some("point_id")) = (n_col, header.first().map(String::as_str)) else {
        anyhow::bail!(
            "{} is not a sweep's aggregate.csv (it needs point_id and n columns): {GIVE}",
            file.display()
        );
    };
    let axes = header[1..n_col].to_vec();
    let figures: Vec<String> = header[n_col + 1..]
        .iter()
        .filter_map(|h| h.strip_suffix("_mean").map(str::to_owned))
        .collect();
    let col = |name: String| header.iter().position(|h| *h == name);
    let mut points = Vec::new();
    for (line, row) in rows.iter().enumerate() {
        if row.len() != header.len() {
            anyhow::bail!(
                "{}:{}: {} cells, but the header has {}: the file is damaged; run the sweep \
                 again (the same command) to rewrite it",
                file.display(),
                line + 2,
                row.len(),
                header.len()
            );
        }
        let cell = |c: Option<usize>| c.and_then(|c| row[c].parse::<f64>().ok());
        let stats = figures
            .iter()
            .map(|f| {
                let mean = cell(col(format!("{f}_mean")));
                let ci = cell(col(format!("{f}_ci95")));
                (f.clone(), (mean, ci))
            })
            .collect();
        points.push(AggPoint {
            id: row[0].clone(),
            axes: row[1..n_col].to_vec(),
            n: row[n_col].clone(),
            stats,
        });
    }
    Ok(Aggregate {
        path: file,
        axes,
        figures,
        points,
    })
}

/// One figure that moved at one point.
struct Move<'a> {
    point: &'a AggPoint,
    figure: &'a str,
    base: Option<f64>,
    new: Option<f64>,
    /// Relative change, when both are defined (infinite from a zero base).
    rel: Option<f64>,
    /// The two half-widths combined, when both are known.
    ci: Option<f64>,
}

impl Move<'_> {
    fn beyond_ci(&self) -> Option<bool> {
        match (self.base, self.new, self.ci) {
            (Some(b), Some(n), Some(ci)) => Some((n - b).abs() > ci),
            _ => None,
        }
    }
}

/// Runs `fabricsim compare`: prints the figures that moved (or the JSON summary) and
/// returns exit code 1 if any did.
pub fn run(
    base: &Path,
    new: &Path,
    tolerance: Tolerance,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let a = read(base)?;
    let b = read(new)?;
    if a.axes != b.axes {
        super::note(&format!(
            "note: the sweeps have different axes ({} vs {}); points are matched by id",
            a.axes.join(", "),
            b.axes.join(", ")
        ));
    }
    let figures: Vec<&str> = a
        .figures
        .iter()
        .filter(|f| b.figures.contains(f))
        .map(String::as_str)
        .collect();
    let only = |x: &Aggregate, y: &Aggregate| -> Vec<String> {
        x.figures
            .iter()
            .filter(|f| !y.figures.contains(f))
            .cloned()
            .collect()
    };
    let (figures_only_base, figures_only_new) = (only(&a, &b), only(&b, &a));
    let by_id: BTreeMap<&str, &AggPoint> = b.points.iter().map(|p| (p.id.as_str(), p)).collect();
    let ids_a: std::collections::BTreeSet<&str> = a.points.iter().map(|p| p.id.as_str()).collect();
    let only_base: Vec<&AggPoint> = a
        .points
        .iter()
        .filter(|p| !by_id.contains_key(p.id.as_str()))
        .collect();
    let only_new: Vec<&AggPoint> = b
        .points
        .iter()
        .filter(|p| !ids_a.contains(p.id.as_str()))
        .collect();
    if only_base.len() == a.points.len() {
        // Nothing to compare: passing would tell CI that nothing moved.
        anyhow::bail!(
            "{} and {} have no point in common ({} and {} points), so nothing can be compared: \
             give the outputs of the same sweep file (the same axes and values), e.g. before and \
             after a change",
            a.path.display(),
            b.path.display(),
            a.points.len(),
            b.points.len()
        );
    }
    let mut moves = Vec::new();
    let mut compared = 0usize;
    for pa in &a.points {
        let Some(pb) = by_id.get(pa.id.as_str()) else {
            continue;
        };
        for f in &figures {
            let (ma, ca) = pa.stats[*f];
            let (mb, cb) = pb.stats[*f];
            if ma.is_none() && mb.is_none() {
                continue;
            }
            compared += 1;
            let rel = match (ma, mb) {
                (Some(x), Some(y)) if x != 0.0 => Some((y - x) / x.abs()),
                (Some(_), Some(0.0)) => Some(0.0),
                (Some(_), Some(y)) => Some(y.signum() * f64::INFINITY),
                _ => None,
            };
            let moved = rel.is_none_or(|r| r.abs() > tolerance.0);
            if moved {
                moves.push(Move {
                    point: pa,
                    figure: f,
                    base: ma,
                    new: mb,
                    rel,
                    ci: ca.zip(cb).map(|(x, y)| x.hypot(y)),
                });
            }
        }
    }
    let code = u8::from(!moves.is_empty());
    if as_json {
        let num = |x: Option<f64>| {
            x.and_then(serde_json::Number::from_f64)
                .map_or(serde_json::Value::Null, serde_json::Value::Number)
        };
        let point = |p: &AggPoint, axes: &[String]| {
            let values: serde_json::Map<String, serde_json::Value> = axes
                .iter()
                .zip(&p.axes)
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect();
            json!({"point_id": p.id, "axes": values})
        };
        let moved: Vec<serde_json::Value> = moves
            .iter()
            .map(|m| {
                json!({
                    "point": point(m.point, &a.axes),
                    "figure": m.figure,
                    "base": num(m.base),
                    "new": num(m.new),
                    "relative_change": num(m.rel.filter(|r| r.is_finite())),
                    "ci95_combined": num(m.ci),
                    "beyond_ci": m.beyond_ci(),
                })
            })
            .collect();
        let summary = json!({
            "base": a.path.display().to_string(),
            "new": b.path.display().to_string(),
            "tolerance": tolerance.0,
            "compared": compared,
            "moved": moved,
            "points_only_in_base": only_base.iter().map(|p| point(p, &a.axes)).collect::<Vec<_>>(),
            "points_only_in_new": only_new.iter().map(|p| point(p, &b.axes)).collect::<Vec<_>>(),
            "figures_only_in_base": figures_only_base,
            "figures_only_in_new": figures_only_new,
            "exit_code": code,
        });
        let mut text = serde_json::to_string_pretty(&summary).unwrap_or_default();
        text.push('\n');
        sim_report::out::emit(&text);
        return Ok(ExitCode::from(code));
    }
    let mut out = String::new();
    if !moves.is_empty() {
        let mut t = Table::new(&[
            ("point", Align::Left),
            ("figure", Align::Left),
            ("n", Align::Right),
            ("base", Align::Right),
            ("new", Align::Right),
            ("change", Align::Right),
            ("± 95% CI", Align::Right),
            ("beyond CI", Align::Left),
        ]);
        for m in &moves {
            let n = match by_id.get(m.point.id.as_str()) {
                Some(pb) if pb.n != m.point.n => format!("{}/{}", m.point.n, pb.n),
                _ => m.point.n.clone(),
            };
            let show = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), sig6);
            let change = match m.rel {
                Some(r) if r.is_finite() => format!("{:+.2}%", 100.0 * r),
                Some(_) => "from 0".to_owned(),
                None => "defined on one side".to_owned(),
            };
            let ci = match (m.ci, m.base) {
                (Some(ci), Some(b)) if b != 0.0 => format!("±{:.2}%", 100.0 * ci / b.abs()),
                (Some(ci), _) => format!("±{}", sig6(ci)),
                _ => "-".to_owned(),
            };
            let beyond = match m.beyond_ci() {
                Some(true) => "yes",
                Some(false) => "no",
                None => "-",
            };
            t.push(vec![
                m.point.describe(&a.axes),
                m.figure.to_owned(),
                n,
                show(m.base),
                show(m.new),
                change,
                ci,
                beyond.to_owned(),
            ]);
        }
        out.push_str(&t.to_text());
        out.push('\n');
    }
    let beyond = moves.iter().filter(|m| m.beyond_ci() == Some(true)).count();
    out.push_str(&format!(
        "{} of {compared} figure means moved beyond ±{tolerance} ({beyond} of them beyond their \
         95% CIs) over {} common points\n",
        moves.len(),
        a.points.len() - only_base.len(),
    ));
    for (label, list, axes) in [
        ("only in BASE", &only_base, &a.axes),
        ("only in NEW", &only_new, &b.axes),
    ] {
        if !list.is_empty() {
            out.push_str(&format!(
                "{} point{} {label}:\n",
                list.len(),
                plural(list.len())
            ));
            for p in list {
                out.push_str(&format!("  {} ({})\n", p.id, p.describe(axes)));
            }
        }
    }
    for (label, list) in [
        ("only in BASE", &figures_only_base),
        ("only in NEW", &figures_only_new),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("figures {label}: {}\n", list.join(", ")));
        }
    }
    sim_report::out::emit(&out);
    Ok(ExitCode::from(code))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerances() {
        assert_eq!("2%".parse::<Tolerance>().unwrap().0, 0.02);
        assert_eq!("0.5".parse::<Tolerance>().unwrap().0, 0.5);
        assert_eq!(" 0 % ".parse::<Tolerance>().unwrap().0, 0.0);
        assert!("-1%".parse::<Tolerance>().is_err());
        assert!("x".parse::<Tolerance>().is_err());
        assert_eq!("2%".parse::<Tolerance>().unwrap().to_string(), "2%");
    }
}
