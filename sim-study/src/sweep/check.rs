//! `--assert 'ettr >= 0.9'`: checks over the aggregate, for CI, and the `--json` summary.
//!
//! An assertion is `FIGURE OP NUMBER`, OP one of `>= <= > < == !=`. FIGURE is a figure
//! name (its mean), `<figure>_mean`, `<figure>_sd`, `<figure>_ci95`, or `n` (ok runs of
//! the point). It must hold at every point; a point where the value is undefined (no run
//! defines the figure, or fewer than two for a spread) fails it.

use std::fmt;

use serde_json::{Map, Value, json};

use super::plan::{Plan, hex};
use super::tables::{self, PointStats, Stat};
use sim_report::numbers::sig6;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `<`
    Lt,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    const ALL: [(&'static str, Op); 6] = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        (">", Op::Gt),
        ("<", Op::Lt),
    ];

    fn holds(self, x: f64, y: f64) -> bool {
        match self {
            Op::Ge => x >= y,
            Op::Le => x <= y,
            Op::Gt => x > y,
            Op::Lt => x < y,
            Op::Eq => x == y,
            Op::Ne => x != y,
        }
    }
}

/// One `--assert`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    /// As given, trimmed.
    pub text: String,
    /// The figure name (without a `_mean`/`_sd`/`_ci95` suffix; `n` for the run count).
    pub figure: String,
    /// Which statistic of it.
    pub stat: Stat,
    /// The comparison.
    pub op: Op,
    /// The number compared with.
    pub value: f64,
}

impl Assertion {
    /// Parses `FIGURE OP NUMBER` and checks FIGURE against every figure a run can have.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let usage = "write FIGURE OP NUMBER, e.g. 'ettr >= 0.9', with OP one of >= <= > < == !=";
        let (at, sym, op) = Op::ALL
            .iter()
            .filter_map(|(sym, op)| text.find(sym).map(|at| (at, *sym, *op)))
            .min_by_key(|(at, sym, _)| (*at, usize::MAX - sym.len()))
            .ok_or_else(|| format!("--assert '{text}': no comparison: {usage}"))?;
        let name = text[..at].trim();
        let number = text[at + sym.len()..].trim();
        let value: f64 = number
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| format!("--assert '{text}': `{number}` is not a number: {usage}"))?;
        let (figure, stat) = if name == "n" {
            ("n", Stat::N)
        } else if let Some(f) = name.strip_suffix("_mean") {
            (f, Stat::Mean)
        } else if let Some(f) = name.strip_suffix("_sd") {
            (f, Stat::Sd)
        } else if let Some(f) = name.strip_suffix("_ci95") {
            (f, Stat::Ci95)
        } else {
            (name, Stat::Mean)
        };
        let known = tables::all_figures();
        if stat != Stat::N && !known.contains(&figure) {
            let hint = sim_models::suggest::closest(figure, known.iter().copied())
                .map_or_else(String::new, |s| format!(" (did you mean \"{s}\"?)"));
            return Err(format!(
                "--assert '{text}': no figure `{figure}`{hint}; the figures are {} (the mean; \
                 add _sd or _ci95 for the spread), and n",
                known.join(", ")
            ));
        }
        Ok(Self {
            text: format!("{name} {sym} {number}"),
            figure: figure.to_owned(),
            stat,
            op,
            value,
        })
    }

    fn stat_name(&self) -> &'static str {
        match self.stat {
            Stat::Mean => "mean",
            Stat::Sd => "sd",
            Stat::Ci95 => "ci95",
            Stat::N => "n",
        }
    }
}

/// Where an assertion failed.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// Index into `plan.points`.
    pub point: usize,
    /// The value compared (`None`: undefined).
    pub value: Option<f64>,
    /// Ok runs of the point.
    pub n: u64,
}

/// An assertion and the points it failed at.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The assertion.
    pub assertion: Assertion,
    /// The failures, in point order (empty: it held everywhere).
    pub failures: Vec<Failure>,
}

/// Evaluates every assertion at every point of `stats`.
pub fn evaluate(asserts: &[Assertion], stats: &[PointStats], figures: &[&str]) -> Vec<Outcome> {
    asserts
        .iter()
        .map(|a| Outcome {
            assertion: a.clone(),
            failures: stats
                .iter()
                .filter_map(|s| {
                    let value = s.value(figures, &a.figure, a.stat);
                    let holds = value.is_some_and(|x| a.op.holds(x, a.value));
                    (!holds).then_some(Failure {
                        point: s.point,
                        value,
                        n: s.n,
                    })
                })
                .collect(),
        })
        .collect()
}

/// The messages of the failed assertions, one line per failing point:
/// `assertion ettr >= 0.9 failed at point policy.placement=cheapest (mean 0.87, n 20)`.
pub fn messages(plan: &Plan, outcomes: &[Outcome]) -> Vec<String> {
    let mut out = Vec::new();
    for o in outcomes {
        let a = &o.assertion;
        for f in &o.failures {
            let value = f.value.map_or_else(
                || format!("{} undefined", a.stat_name()),
                |x| format!("{} {}", a.stat_name(), sig6(x)),
            );
            let what = if a.stat == Stat::N {
                format!("(n {})", f.n)
            } else {
                format!("({value}, n {})", f.n)
            };
            out.push(format!(
                "assertion {} failed at point {} {what}",
                a.text,
                plan.describe(f.point)
            ));
        }
    }
    out
}

/// Counts of a sweep's runs for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Runs of the sweep (of its shard, with `--shard`).
    pub total: usize,
    /// Runs with a result (ok or failed).
    pub done: usize,
    /// Runs that failed.
    pub failed: usize,
    /// Runs found done in the output folder (not run again).
    pub reused: usize,
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{} runs done ({} reused, {} failed)",
            self.done, self.total, self.reused, self.failed
        )
    }
}

/// The `--json` summary: the sweep, its run counts, per point its axis values, `n` and
/// each figure's mean, sd and ci95, and the assertions with where they failed.
pub fn json_summary(
    plan: &Plan,
    counts: Counts,
    stats: &[PointStats],
    figures: &[&str],
    outcomes: &[Outcome],
    exit_code: u8,
) -> String {
    let num = |x: Option<f64>| {
        x.and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number)
    };
    let axes_of = |p: usize| -> Map<String, Value> {
        plan.axes
            .iter()
            .zip(&plan.points[p].values)
            .map(|(a, &v)| (a.path.clone(), a.json[v].clone()))
            .collect()
    };
    let points: Vec<Value> = stats
        .iter()
        .map(|s| {
            let figs: Map<String, Value> = figures
                .iter()
                .zip(&s.figures)
                .map(|(name, f)| {
                    (
                        (*name).to_owned(),
                        json!({"mean": num(f.mean), "sd": num(f.sd), "ci95": num(f.ci95), "count": f.count}),
                    )
                })
                .collect();
            json!({
                "point_id": hex(plan.points[s.point].id),
                "axes": axes_of(s.point),
                "n": s.n,
                "failed": s.failed,
                "figures": figs,
            })
        })
        .collect();
    let assertions: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let failures: Vec<Value> = o
                .failures
                .iter()
                .map(|f| {
                    json!({
                        "point_id": hex(plan.points[f.point].id),
                        "axes": axes_of(f.point),
                        "value": num(f.value),
                        "n": f.n,
                    })
                })
                .collect();
            json!({
                "assertion": o.assertion.text,
                "passed": o.failures.is_empty(),
                "failures": failures,
            })
        })
        .collect();
    let summary = json!({
        "sweep": plan.name,
        "definition": hex(plan.definition),
        "axes": plan.axes.iter().map(|a| a.path.clone()).collect::<Vec<_>>(),
        "seeds": plan.seeds,
        "runs": {
            "total": counts.total,
            "done": counts.done,
            "ok": counts.done - counts.failed,
            "failed": counts.failed,
            "reused": counts.reused,
        },
        "points": points,
        "assertions": assertions,
        "exit_code": exit_code,
    });
    let mut text = serde_json::to_string_pretty(&summary).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_figures_ops_and_numbers() {
        let a = Assertion::parse(" ettr>=0.9 ").unwrap();
        assert_eq!(
            (a.figure.as_str(), a.stat, a.op, a.value),
            ("ettr", Stat::Mean, Op::Ge, 0.9)
        );
        assert_eq!(a.text, "ettr >= 0.9");
        let a = Assertion::parse("cost_usd_sd < 1e6").unwrap();
        assert_eq!(
            (a.figure.as_str(), a.stat, a.op),
            ("cost_usd", Stat::Sd, Op::Lt)
        );
        assert_eq!(Assertion::parse("n == 20").unwrap().stat, Stat::N);
        assert_eq!(Assertion::parse("ettr != 1").unwrap().op, Op::Ne);
        let e = Assertion::parse("etr >= 0.9").unwrap_err();
        assert!(e.contains("did you mean \"ettr\""), "{e}");
        assert!(Assertion::parse("ettr 0.9").is_err());
        assert!(Assertion::parse("ettr >= x").is_err());
    }
}
