//! `fabricsim compare-policies`: one scenario under several placement policies on the same
//! seeds, compared pairwise with a baseline.
//!
//! Every component draws from its own random stream keyed by the seed and a stable name,
//! so runs that share a seed see the same failures, outages and arrivals whatever the
//! policy (common random numbers). The difference `policy - baseline` on one seed is then
//! free of most of the seed-to-seed noise, and the Student t interval of the mean paired
//! difference (n - 1 degrees of freedom) is much tighter than the interval of the
//! difference of two independent means, which is also printed for goodput to show it.
//!
//! ```text
//! seeds --resolve (parallel)--> Resolved per seed --(policy, seed) runs (parallel)--> Figures
//!   --> runs.csv (sorted by policy, then seed) --> paired differences --> paired.csv, paired.svg, table
//! ```

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use rayon::prelude::*;
use sim_core::stats::Welford;
use sim_models::policy::{PolicyParams, Registry};
use sim_models::sim::RunSummary;

use crate::args::CompareArgs;
use sim_report::numbers::sig6;
use sim_report::plots::{self, Bar, Better, Panel};
use sim_report::table::{Align, Table};
use sim_scenario::resolve::{self, Resolved, Source};

/// One figure of a run: its column name, how it is written, and which way is good.
struct Figure {
    name: &'static str,
    /// Decimals in `runs.csv` (0: an integer count).
    decimals: usize,
    better: Better,
}

/// The figures of every run, in `runs.csv` column order.
const FIGURES: &[Figure] = &[
    Figure {
        name: "goodput_eflop",
        decimals: 6,
        better: Better::Higher,
    },
    Figure {
        name: "ettr",
        decimals: 6,
        better: Better::Higher,
    },
    Figure {
        name: "jobs_completed",
        decimals: 0,
        better: Better::Higher,
    },
    Figure {
        name: "cost_usd",
        decimals: 2,
        better: Better::Lower,
    },
    Figure {
        name: "co2_t",
        decimals: 6,
        better: Better::Lower,
    },
    Figure {
        name: "energy_mwh",
        decimals: 6,
        better: Better::Lower,
    },
    Figure {
        name: "ttft_p99_ms",
        decimals: 6,
        better: Better::Lower,
    },
    Figure {
        name: "slo_attainment",
        decimals: 6,
        better: Better::Higher,
    },
    Figure {
        name: "migrations",
        decimals: 0,
        better: Better::Lower,
    },
    Figure {
        name: "interruptions",
        decimals: 0,
        better: Better::Lower,
    },
];

/// The figures drawn in `paired.svg`, one panel each.
const CHARTED: &[&str] = &["goodput_eflop", "ttft_p99_ms", "cost_usd", "co2_t"];

/// The figure whose unpaired interval is printed for contrast.
const CONTRAST: &str = "goodput_eflop";

/// A run's figures in [`FIGURES`] order; `None` where a figure is not defined (no job
/// started, no services, no request completed).
type Figures = Vec<Option<f64>>;

/// The figures of one run.
fn figures(s: &RunSummary) -> Figures {
    let finite = |x: f64| x.is_finite().then_some(x);
    let services_usd: f64 = s.services.iter().map(|v| v.cost_usd).sum();
    let completed = s.jobs.iter().filter(|j| j.completed_at.is_some()).count();
    let migrations: u32 = s.jobs.iter().map(|j| j.migrations).sum();
    vec![
        Some(s.goodput_eflop()),
        s.mean_ettr(),
        Some(completed as f64),
        Some(s.cost_usd() + s.egress_usd() + services_usd),
        Some(s.co2_t()),
        Some(s.energy_mwh()),
        s.serving.as_ref().and_then(|f| finite(f.ttft.p99_ms)),
        s.serving.as_ref().and_then(|f| finite(f.slo_attainment)),
        Some(f64::from(migrations)),
        Some(f64::from(s.unexpected_interruptions())),
    ]
}

/// One policy compared with the baseline on one figure, over the seeds where both have it.
///
/// Means are plain sums over `n` (so integer figures give exact means); the Welford
/// accumulators give the variances behind the intervals.
#[derive(Debug)]
struct Paired {
    /// Pairs.
    n: u64,
    /// Mean of the policy over those seeds.
    mean: Option<f64>,
    /// Mean of the baseline over those seeds.
    baseline: Option<f64>,
    /// Mean paired difference `policy - baseline`.
    diff_mean: Option<f64>,
    /// Paired differences.
    diff: Welford,
    /// The policy's values alone (for the unpaired contrast).
    alone: Welford,
    /// The baseline's values alone.
    baseline_alone: Welford,
}

impl Paired {
    fn new(policy: &[Option<f64>], baseline: &[Option<f64>]) -> Self {
        let mut diff = Welford::new();
        let mut alone = Welford::new();
        let mut baseline_alone = Welford::new();
        let (mut sum_p, mut sum_b, mut sum_d) = (0.0, 0.0, 0.0);
        for (p, b) in policy.iter().zip(baseline) {
            if let (Some(p), Some(b)) = (p, b) {
                diff.insert(p - b);
                alone.insert(*p);
                baseline_alone.insert(*b);
                sum_p += p;
                sum_b += b;
                sum_d += p - b;
            }
        }
        let n = diff.count();
        let mean = |sum: f64| (n > 0).then(|| sum / n as f64);
        Self {
            n,
            mean: mean(sum_p),
            baseline: mean(sum_b),
            diff_mean: mean(sum_d),
            diff,
            alone,
            baseline_alone,
        }
    }

    /// `x` as a percentage of the baseline's mean (undefined for a zero baseline).
    fn pct(&self, x: Option<f64>) -> Option<f64> {
        match (x, self.baseline) {
            (Some(x), Some(b)) if b != 0.0 => Some(100.0 * x / b.abs()),
            _ => None,
        }
    }

    /// Half-width of the 95% interval of the difference of the two means as if the runs
    /// had independent random numbers: each mean's own Student t half-width (n - 1
    /// degrees of freedom) combined in quadrature. Welch's interval, with more degrees of
    /// freedom, is at most a few percent narrower at the seed counts used here.
    fn unpaired_ci(&self) -> Option<f64> {
        let (a, b) = (
            self.alone.ci95_half_width()?,
            self.baseline_alone.ci95_half_width()?,
        );
        Some(a.hypot(b))
    }
}

/// Runs the comparison; problems with the scenario are printed with positions (exit 2),
/// unknown policy names are reported before anything runs.
pub fn run(source: &Source, args: &CompareArgs, registry: &Registry) -> anyhow::Result<ExitCode> {
    let policies = policy_list(args)?;
    if let Some(dir) = &args.out {
        sim_report::out::check_out_folder(dir)?;
    }
    let first = match resolve::resolve(source, Some(args.first_seed), registry) {
        Ok(r) => r,
        Err(diagnostics) => {
            return Ok(sim_report::out::report_problems(&source.name, &diagnostics));
        }
    };
    sim_scenario::guard::check(&first, &args.limits.limits())?;
    let params: Vec<PolicyParams> = policies.iter().map(|p| params_for(&first, p)).collect();
    for (name, params) in policies.iter().zip(&params) {
        resolve::build_placement(registry, name, params).map_err(|e| {
            let hint = e
                .suggestion
                .as_ref()
                .map_or_else(String::new, |s| format!(" (did you mean \"{s}\"?)"));
            let flag = if args.policies.iter().any(|p| p.trim() == name) {
                "--policies"
            } else {
                "--baseline"
            };
            anyhow::anyhow!("{flag} {name}: {}{hint}", e.message)
        })?;
    }
    let last = args
        .first_seed
        .checked_add(args.seeds - 1)
        .with_context(|| {
            format!(
                "--first-seed {} + --seeds {} overflows a 64-bit seed: give a smaller --first-seed",
                args.first_seed, args.seeds
            )
        })?;
    let seeds: Vec<u64> = (args.first_seed..=last).collect();
    let threads = match args.jobs {
        Some(n) => usize::try_from(n).unwrap_or(1),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let start = std::time::Instant::now();
    let runs: Vec<(usize, usize)> = (0..policies.len())
        .flat_map(|p| (0..seeds.len()).map(move |s| (p, s)))
        .collect();
    // No more threads than runs (`--jobs` can ask for thousands).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.min(runs.len()).max(1))
        .build()
        .context("starting the worker threads")?;

    // One resolved scenario per seed (outage draws and generated jobs depend on it).
    let resolved = in_order(&pool, &seeds[1..], |&seed| {
        resolve::resolve(source, Some(seed), registry)
    });
    let mut per_seed = vec![first];
    for r in resolved {
        match r {
            Ok(r) => per_seed.push(r),
            Err(diagnostics) => {
                return Ok(sim_report::out::report_problems(&source.name, &diagnostics));
            }
        }
    }

    let results = in_order(&pool, &runs, |&(p, s)| {
        let r = &per_seed[s];
        let name = &policies[p];
        let mut policies = r.policies_with(name, &params[p])?;
        // Nothing here writes decisions: do not keep them even if the file asks.
        policies.decisions = sim_models::policy::DecisionLog::default();
        let out = sim_scenario::simulate::simulate(r, policies)
            .with_context(|| format!("policy {name}, seed {}", seeds[s]))?;
        anyhow::Ok(figures(&out.summary))
    });
    let mut table: Vec<Figures> = Vec::with_capacity(results.len());
    for r in results {
        table.push(r?);
    }
    let wall_s = start.elapsed().as_secs_f64();

    let by_policy: Vec<&[Figures]> = table.chunks(seeds.len()).collect();
    let base = policies
        .iter()
        .position(|p| *p == args.baseline)
        .context("the baseline is among the policies run")?;
    let column = |p: usize, f: usize| -> Vec<Option<f64>> {
        by_policy[p].iter().map(|run| run[f]).collect()
    };
    let mut paired: Vec<(usize, Vec<Paired>)> = Vec::new();
    for p in (0..policies.len()).filter(|&p| p != base) {
        let per_figure = (0..FIGURES.len())
            .map(|f| Paired::new(&column(p, f), &column(base, f)))
            .collect();
        paired.push((p, per_figure));
    }

    let first = &per_seed[0];
    let name = first.scenario.name.as_deref().unwrap_or("(unnamed)");
    sim_report::out::emit(&format!(
        "scenario {name}: {} placement policies x {} seeds (seeds {}..={last}), failover {}; \
         baseline {}; {} runs in {wall_s:.1} s on {} threads\n\n",
        policies.len(),
        seeds.len(),
        args.first_seed,
        first.policy.failover,
        args.baseline,
        runs.len(),
        threads.min(runs.len()),
    ));
    sim_report::out::emit(&paired_table(&policies, &paired).to_text());
    sim_report::out::emit(&contrast(&policies, &args.baseline, &paired));

    if let Some(dir) = &args.out {
        let files = [
            ("runs.csv", runs_csv(&policies, &seeds, &by_policy)),
            (
                "paired.csv",
                paired_table(&policies, &paired)
                    .with_baseline(&args.baseline)
                    .to_csv(),
            ),
            (
                "paired.svg",
                chart(&policies, &args.baseline, seeds.len(), &paired)?,
            ),
        ];
        for (file, text) in &files {
            sim_report::out::write_atomically(dir, file, text)?;
        }
        let names: Vec<&str> = files.iter().map(|(f, _)| *f).collect();
        sim_report::out::emit(&format!(
            "\nwrote {} in {}\n",
            names.join(", "),
            dir.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// The policies to run, sorted by name, with the baseline added if missing; an empty or
/// repeated name is an error.
fn policy_list(args: &CompareArgs) -> anyhow::Result<Vec<String>> {
    let mut policies: Vec<String> = Vec::new();
    for name in &args.policies {
        let name = name.trim();
        if name.is_empty() {
            anyhow::bail!("--policies has an empty name; give names separated by commas");
        }
        if policies.iter().any(|p| p == name) {
            anyhow::bail!("--policies lists {name:?} twice: give each policy once");
        }
        policies.push(name.to_owned());
    }
    if args.baseline.trim().is_empty() {
        anyhow::bail!("--baseline is empty; give a placement policy name such as first-fit");
    }
    if !policies.contains(&args.baseline) {
        policies.push(args.baseline.clone());
    }
    if policies.len() < 2 {
        anyhow::bail!(
            "--policies names only the baseline ({}): give at least one other policy to compare",
            args.baseline
        );
    }
    policies.sort();
    Ok(policies)
}

/// The file's `[policy.placement_params]` for the policy the file names; defaults for
/// every other policy.
fn params_for(r: &Resolved, name: &str) -> PolicyParams {
    if r.policy.placement == name {
        r.policy.placement_params.clone()
    } else {
        PolicyParams::default()
    }
}

/// `runs.csv`: `policy,seed,<figures>`, sorted by policy, then seed; an undefined figure
/// is an empty cell.
fn runs_csv(policies: &[String], seeds: &[u64], by_policy: &[&[Figures]]) -> String {
    let mut columns = vec![("policy", Align::Left), ("seed", Align::Right)];
    columns.extend(FIGURES.iter().map(|f| (f.name, Align::Right)));
    let mut t = Table::new(&columns);
    for (p, runs) in by_policy.iter().enumerate() {
        for (seed, run) in seeds.iter().zip(runs.iter()) {
            let mut row = vec![policies[p].clone(), seed.to_string()];
            for (f, value) in FIGURES.iter().zip(run) {
                row.push(value.map_or_else(String::new, |x| format!("{x:.*}", f.decimals)));
            }
            t.push(row);
        }
    }
    t.to_csv()
}

/// The paired comparison as a table (printed with [`sig6`]; see [`PairedTable::to_csv`]
/// for the file).
fn paired_table<'a>(policies: &'a [String], paired: &'a [(usize, Vec<Paired>)]) -> PairedTable<'a> {
    PairedTable {
        policies,
        paired,
        baseline: None,
    }
}

/// Rows of the paired comparison: one per policy (other than the baseline) and figure.
struct PairedTable<'a> {
    policies: &'a [String],
    paired: &'a [(usize, Vec<Paired>)],
    baseline: Option<&'a str>,
}

impl<'a> PairedTable<'a> {
    fn with_baseline(mut self, baseline: &'a str) -> Self {
        self.baseline = Some(baseline);
        self
    }

    /// The rows: policy, figure, then the cells formatted by `num`.
    fn rows(&self, num: impl Fn(Option<f64>) -> String) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for (p, per_figure) in self.paired {
            for (f, x) in FIGURES.iter().zip(per_figure) {
                let mut row = vec![self.policies[*p].clone()];
                if let Some(b) = self.baseline {
                    row.push(b.to_owned());
                }
                row.extend([
                    f.name.to_owned(),
                    x.n.to_string(),
                    num(x.mean),
                    num(x.baseline),
                    num(x.diff_mean),
                    num(x.diff.ci95_half_width()),
                    num(x.pct(x.diff_mean)),
                    num(x.pct(x.diff.ci95_half_width())),
                ]);
                rows.push(row);
            }
        }
        rows
    }

    /// `paired.csv`: `policy,baseline,figure,n,mean,baseline_mean,diff_mean,diff_ci95,
    /// diff_pct,diff_ci95_pct`; numbers with six decimals, undefined ones empty.
    fn to_csv(&self) -> String {
        let mut t = Table::new(&[
            ("policy", Align::Left),
            ("baseline", Align::Left),
            ("figure", Align::Left),
            ("n", Align::Right),
            ("mean", Align::Right),
            ("baseline_mean", Align::Right),
            ("diff_mean", Align::Right),
            ("diff_ci95", Align::Right),
            ("diff_pct", Align::Right),
            ("diff_ci95_pct", Align::Right),
        ]);
        for row in self.rows(|x| x.map_or_else(String::new, |x| format!("{x:.6}"))) {
            t.push(row);
        }
        t.to_csv()
    }

    /// The printed table: six significant digits, `-` where undefined.
    fn to_text(&self) -> String {
        let mut t = Table::new(&[
            ("policy", Align::Left),
            ("figure", Align::Left),
            ("n", Align::Right),
            ("mean", Align::Right),
            ("baseline", Align::Right),
            ("diff", Align::Right),
            ("± 95% CI", Align::Right),
            ("diff %", Align::Right),
            ("± %", Align::Right),
        ]);
        for row in self.rows(|x| x.map_or_else(|| "-".to_owned(), sig6)) {
            t.push(row);
        }
        t.to_text()
    }
}

/// For [`CONTRAST`], per policy: the paired interval next to the unpaired one.
fn contrast(policies: &[String], baseline: &str, paired: &[(usize, Vec<Paired>)]) -> String {
    let Some(f) = FIGURES.iter().position(|f| f.name == CONTRAST) else {
        return String::new();
    };
    let mut out = format!(
        "\nCommon random numbers: 95% CI of the {CONTRAST} difference vs {baseline}, paired \
         (same seeds) and unpaired (as if the seeds were independent)\n"
    );
    for (p, per_figure) in paired {
        let x = &per_figure[f];
        match (x.diff.ci95_half_width(), x.unpaired_ci()) {
            (Some(pair), Some(unpaired)) => {
                let ratio = if pair > 0.0 {
                    format!("{:.1}x as wide without pairing", unpaired / pair)
                } else {
                    "paired differences all equal".to_owned()
                };
                let _ = writeln!(
                    out,
                    "  {}: paired ±{}, unpaired ±{} ({ratio})",
                    policies[*p],
                    sig6(pair),
                    sig6(unpaired)
                );
            }
            _ => {
                let _ = writeln!(out, "  {}: fewer than two seeds, no interval", policies[*p]);
            }
        }
    }
    out
}

/// `paired.svg`: a panel per [`CHARTED`] figure, a bar per policy.
fn chart(
    policies: &[String],
    baseline: &str,
    seeds: usize,
    paired: &[(usize, Vec<Paired>)],
) -> anyhow::Result<String> {
    let panels: Vec<Panel> = CHARTED
        .iter()
        .filter_map(|name| FIGURES.iter().position(|f| f.name == *name))
        .map(|f| Panel {
            title: FIGURES[f].name.to_owned(),
            better: FIGURES[f].better,
            bars: paired
                .iter()
                .map(|(p, per_figure)| {
                    let x = &per_figure[f];
                    Bar {
                        label: policies[*p].clone(),
                        pct: x.pct(x.diff_mean),
                        ci_pct: x.pct(x.diff.ci95_half_width()),
                    }
                })
                .collect(),
        })
        .collect();
    plots::paired_chart(
        &format!(
            "Placement policies vs {baseline}: mean paired difference over {seeds} seeds, 95% CI"
        ),
        &panels,
    )
    .svg()
}

/// `f` applied to every item on `pool`'s threads, results in item order (rayon's indexed
/// `collect` puts each result at its item's place), so the output bytes never depend on
/// the thread count or on which run finished first. A panic in `f` is re-raised here.
fn in_order<T, R>(
    pool: &rayon::ThreadPool,
    items: &[T],
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    pool.install(|| items.par_iter().map(f).collect())
}

#[cfg(test)]
mod tests {
    use super::in_order;

    #[test]
    fn results_come_back_in_item_order_for_any_thread_count() {
        let items: Vec<u64> = (0..100).collect();
        let want: Vec<u64> = items.iter().map(|x| x * x).collect();
        for threads in [1, 2, 7, 200] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(
                in_order(&pool, &items, |x| x * x),
                want,
                "{threads} threads"
            );
            assert!(in_order(&pool, &[] as &[u64], |x| *x).is_empty());
        }
    }
}
