//! Every point's scenario: the base scenario's TOML tree with the point's values set,
//! written back as TOML text and checked by the normal scenario pipeline
//! ([`resolve::resolve`]), so an override gets exactly the checks a scenario file gets.
//! A problem is reported at the sweep file's value that caused it, before anything runs:
//!
//! ```text
//! sweep.toml:7:38: axes."outages[0].duration"[2]: outages[0].duration: expected a duration ...
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;
use sim_models::policy::Registry;
use sim_models::sim::estimate::Estimate;

use super::path::KeyPath;
use super::plan::Plan;
use super::spec::{Axis, SweepSpec};
use sim_scenario::resolve::{self, Source};
use sim_scenario::scenario::{Diagnostic, Diagnostics};

/// Why the sweep cannot run.
#[derive(Debug)]
pub enum Invalid {
    /// The base scenario itself has problems (located in the base file).
    Base(Diagnostics),
    /// Some overrides do not make valid scenarios (located in the sweep file).
    Sweep(Diagnostics),
}

/// A problem of one point, before grouping: (axis, value) or none, then the message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Problem {
    /// Axis index in plan order and value index, or `None` when no axis is to blame.
    at: Option<(usize, usize)>,
    /// Whether the message is about the key path (at the axis key) or a value.
    at_key: bool,
    message: String,
    suggestion: Option<String>,
}

/// Every point's scenario, checked: its source and the resource guard's estimate of one
/// of its runs, in plan order.
pub struct Prepared {
    /// Per point, the scenario text.
    pub sources: Vec<Source>,
    /// Per point, the estimated events and memory of a run.
    pub estimates: Vec<Estimate>,
}

/// The scenario source of every point (in plan order), or every problem found. The base
/// is resolved first with the first seed; then every point, in parallel on `pool`.
pub fn prepare(
    spec: &SweepSpec,
    plan: &Plan,
    base: &Source,
    registry: &Registry,
    pool: &rayon::ThreadPool,
) -> Result<Prepared, Invalid> {
    let seed = plan.seeds.first().copied();
    if let Err(d) = resolve::resolve(base, seed, registry) {
        return Err(Invalid::Base(d));
    }
    let table: toml::Table = base.text.parse().map_err(|e: toml::de::Error| {
        let map = sim_scenario::scenario::SourceMap::new(&base.name, &base.text);
        let d = map.diagnostic(e.span().unwrap_or(0..0), &[], e.message().to_owned(), None);
        Invalid::Base(Diagnostics(vec![d]))
    })?;
    let axes: Vec<&Axis> = spec.dims.iter().flat_map(|d| &d.axes).collect();
    // Parents before children (`outages` before `outages[0].duration`): sorted by path.
    let mut order: Vec<usize> = (0..axes.len()).collect();
    order.sort_by(|&a, &b| axes[a].path.cmp(&axes[b].path));

    let results: Vec<Result<(Source, Estimate), Vec<Problem>>> = pool.install(|| {
        plan.points
            .par_iter()
            .map(|point| {
                let mut t = table.clone();
                // A path that cannot be set is reported and left out; the point is still
                // checked with the other values, so their problems show in the same pass.
                let mut problems = Vec::new();
                for &a in &order {
                    let v = point.values[a];
                    if let Err(e) = axes[a].path.set(&mut t, axes[a].values[v].value.clone()) {
                        problems.push(Problem {
                            at: Some((a, v)),
                            at_key: true,
                            message: e.message,
                            suggestion: e.suggestion,
                        });
                    }
                }
                let text = toml::to_string(&t).map_err(|e| {
                    vec![Problem {
                        at: axes.first().map(|_| (0, point.values[0])),
                        at_key: false,
                        message: format!("the scenario cannot be written back as TOML: {e}"),
                        suggestion: None,
                    }]
                })?;
                let source = Source {
                    name: base.name.clone(),
                    text,
                    dir: base.dir.clone(),
                };
                let estimate = match resolve::resolve(&source, seed, registry) {
                    Ok(r) => Some(sim_scenario::guard::estimate_of(&r)),
                    Err(d) => {
                        problems.extend(d.0.iter().map(|d| blame(&axes, &point.values, d)));
                        None
                    }
                };
                match estimate {
                    Some(e) if problems.is_empty() => Ok((source, e)),
                    _ => Err(problems),
                }
            })
            .collect()
    });

    let mut sources = Vec::with_capacity(results.len());
    let mut estimates = Vec::with_capacity(results.len());
    // Each problem with the points it occurs at.
    let mut problems: BTreeMap<Problem, Vec<usize>> = BTreeMap::new();
    for (p, r) in results.into_iter().enumerate() {
        match r {
            Ok((s, e)) => {
                sources.push(s);
                estimates.push(e);
            }
            Err(list) => {
                for problem in list {
                    problems.entry(problem).or_default().push(p);
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(Prepared { sources, estimates });
    }
    let mut list = Vec::new();
    for (problem, points) in problems {
        list.extend(locate(spec, plan, &axes, &problem, &points));
    }
    list.sort_by_key(|d: &Diagnostic| (d.line, d.column));
    list.dedup();
    Err(Invalid::Sweep(Diagnostics(list)))
}

/// The axis to blame for scenario diagnostic `d` of a point with `values`: the axis whose
/// path is the diagnostic's or lies above it (the most specific), else one under it,
/// else the only axis of the point; `None` when several axes could be.
fn blame(axes: &[&Axis], values: &[usize], d: &Diagnostic) -> Problem {
    let message = if d.path.is_empty() {
        d.message.clone()
    } else {
        format!("{}: {}", d.path, d.message)
    };
    let at = KeyPath::parse(&d.path).ok().and_then(|path| {
        let above = (0..axes.len())
            .filter(|&a| path.starts_with(&axes[a].path))
            .max_by_key(|&a| axes[a].path.0.len());
        let below = || (0..axes.len()).find(|&a| axes[a].path.starts_with(&path));
        above.or_else(below)
    });
    let at = at.or((axes.len() == 1).then_some(0));
    Problem {
        at: at.map(|a| (a, values[a])),
        at_key: false,
        message,
        suggestion: d.suggestion.clone(),
    }
}

/// The diagnostics for one problem found at `points`: one for the value (or key) when it
/// fails with every point that has it, else one per point (at most three, then a count)
/// saying which other values it fails with.
fn locate(
    spec: &SweepSpec,
    plan: &Plan,
    axes: &[&Axis],
    problem: &Problem,
    points: &[usize],
) -> Vec<Diagnostic> {
    let diagnostic = |span: Range<usize>, path: String, message: String| {
        let mut d = spec
            .map
            .diagnostic(span, &[], message, problem.suggestion.clone());
        d.path = path;
        d
    };
    let Some((a, v)) = problem.at else {
        // No single axis to blame: at the point's first value, naming the whole point.
        return points
            .iter()
            .take(3)
            .map(|&p| {
                let (span, path) = match axes.first() {
                    Some(axis) => {
                        let v = plan.points[p].values[0];
                        (axis.values[v].span.clone(), format!("{}[{v}]", axis.label))
                    }
                    None => (0..0, String::new()),
                };
                diagnostic(
                    span,
                    path,
                    format!(
                        "the point {} makes an invalid scenario: {}",
                        plan.describe(p),
                        problem.message
                    ),
                )
            })
            .chain(more(points.len()).map(|m| diagnostic(0..0, String::new(), m)))
            .collect();
    };
    let axis = axes[a];
    let (span, path) = if problem.at_key {
        (axis.key_span.clone(), axis.label.clone())
    } else {
        (axis.values[v].span.clone(), format!("{}[{v}]", axis.label))
    };
    let with_value = plan.points.iter().filter(|p| p.values[a] == v).count();
    if points.len() == with_value || problem.at_key {
        return vec![diagnostic(span, path, problem.message.clone())];
    }
    points
        .iter()
        .take(3)
        .map(|&p| {
            let others: Vec<String> = plan
                .axes
                .iter()
                .zip(&plan.points[p].values)
                .enumerate()
                .filter(|(i, _)| *i != a)
                .map(|(_, (x, &xv))| format!("{}={}", x.path, super::plan::shorten(&x.display[xv])))
                .collect();
            diagnostic(
                span.clone(),
                path.clone(),
                format!("{} (with {})", problem.message, others.join(", ")),
            )
        })
        .chain(more(points.len()).map(|m| diagnostic(span.clone(), path.clone(), m)))
        .collect()
}

/// "... and N more points" past the three shown.
fn more(n: usize) -> impl Iterator<Item = String> {
    (n > 3)
        .then(|| format!("the same problem at {} more points", n - 3))
        .into_iter()
}
