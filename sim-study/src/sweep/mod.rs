//! `fabricsim sweep`, `fabricsim merge` and `fabricsim compare`: many runs of one base
//! scenario with keys overridden along axes, times seeds, in parallel, resumable and
//! shardable, with per-point statistics and checks for CI.
//!
//! ```text
//! sweep.toml --spec--> SweepSpec --plan--> Plan (points x seeds, stable ids, --shard)
//!      |                                      |
//!   base scenario --points: set values, write TOML, resolve--> one Source per point
//!                                             |        (every point checked before any run)
//!                                             v
//!   DIR/runs.journal + runs.csv (finished runs, skipped) --> todo
//!                                             |
//!             exec: rayon pool, one engine per run --> records --> journal (fsync per run)
//!                                             |                 --> runs.csv, aggregate.csv
//!                                             v                     (canonical order, atomic)
//!                            --assert checks, --json summary, exit code
//! ```
//!
//! The file format and every output are described in `docs/sweep-format.md`.

mod check;
mod compare;
mod exec;
mod journal;
pub(crate) mod path;
pub(crate) mod plan;
pub(crate) mod points;
mod progress;
pub(crate) mod spec;
mod stamp;
mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use sim_models::policy::Registry;

use crate::args::{CompareSweepsArgs, MergeArgs, SweepArgs};
use check::{Assertion, Counts};
pub use compare::Tolerance;
use journal::{Journal, Record};
pub use plan::Shard;
use plan::{Plan, hex};
use sim_report::numbers::sig6;
use sim_report::table::{Align, Table};
use sim_scenario::resolve;
use stamp::Stamp;
use tables::PointStats;

/// How often `runs.csv` and `aggregate.csv` are rewritten while runs finish.
const REWRITE_EVERY: Duration = Duration::from_secs(5);

/// Exit code after Ctrl-C (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;

/// Set by the first Ctrl-C: hand out no more runs.
static STOP: AtomicBool = AtomicBool::new(false);
/// Ctrl-C presses so far; the second exits at once.
static PRESSES: AtomicUsize = AtomicUsize::new(0);

/// Writes a line to stderr. A closed stderr (`fabricsim sweep ... 2>&1 | head`) must not
/// stop a sweep before it writes its outputs, so errors are ignored.
fn note(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Installs the Ctrl-C handler (once per process): the first press sets [`STOP`], the
/// second exits with 130 at once (the journal already holds every finished run).
fn install_ctrl_c() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if PRESSES.fetch_add(1, Ordering::SeqCst) >= 1 {
                note(
                    "\nstopped at once; finished runs are in the journal: run the same command \
                     again to resume",
                );
                std::process::exit(i32::from(INTERRUPTED));
            }
            STOP.store(true, Ordering::SeqCst);
        });
    });
}

/// Runs `fabricsim sweep`.
pub fn sweep(args: &SweepArgs, registry: &Registry) -> anyhow::Result<ExitCode> {
    let file_name = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading sweep file {file_name}"))?;
    let dir = folder_of(&args.file);
    let spec = match spec::parse(&file_name, &text, &dir) {
        Ok(s) => s,
        Err(d) => return Ok(sim_report::out::report_problems(&file_name, &d)),
    };
    let asserts = parse_asserts(&args.asserts)?;
    if let Some(out) = &args.out {
        sim_report::out::check_out_folder(out)?;
    }
    let base = match resolve::load(Some(&spec.base)) {
        Ok(base) => base,
        Err(e) => {
            let mut d = spec.map.diagnostic(
                spec.base_span.clone(),
                &[],
                format!(
                    "cannot read the base scenario {} (the path is relative to the sweep \
                     file): {:#}",
                    spec.base.display(),
                    e.root_cause()
                ),
                None,
            );
            d.path = "base".to_owned();
            return Ok(sim_report::out::report_problems(
                &file_name,
                &sim_scenario::scenario::Diagnostics(vec![d]),
            ));
        }
    };
    let fingerprint = plan::hash(&base.text);
    let plan = Plan::new(&spec, fingerprint)?;
    let selected = plan.selected(args.shard);
    let threads = match args.jobs {
        Some(n) => usize::try_from(n).unwrap_or(1),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("{}{i}", exec::WORKER_PREFIX))
        .build()
        .context("starting the worker threads")?;
    let prepared = match points::prepare(&spec, &plan, &base, registry, &pool) {
        Ok(p) => p,
        Err(points::Invalid::Base(d)) => {
            note(&format!(
                "error: the base scenario of {file_name} is invalid on its own:"
            ));
            return Ok(sim_report::out::report_problems(&base.name, &d));
        }
        Err(points::Invalid::Sweep(d)) => {
            return Ok(sim_report::out::report_problems(&file_name, &d));
        }
    };
    // The resource guard, per point: one run of each must fit the limits.
    for (point, estimate) in plan.points.iter().zip(&prepared.estimates) {
        let name = format!("{file_name}, point {}", point.canonical);
        sim_scenario::guard::check_estimate(&name, estimate, &args.limits.limits())?;
    }
    let sources = prepared.sources;
    if args.dry_run {
        let text = if args.json {
            dry_run_json(&plan, &selected, args.shard, &base.name)
        } else {
            dry_run(&plan, &selected, args.shard, &base.name)
        };
        sim_report::out::emit(&text);
        return Ok(ExitCode::SUCCESS);
    }

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("results").join(folder_name(&plan.name)));
    let records = previous_results(&out, Some(fingerprint))?;
    let reused = selected
        .iter()
        .filter(|&&i| records.get(&plan.runs[i].id).is_some_and(|r| r.ok))
        .count();
    let todo: Vec<usize> = selected
        .iter()
        .copied()
        .filter(|&i| !records.get(&plan.runs[i].id).is_some_and(|r| r.ok))
        .collect();
    Stamp {
        name: plan.name.clone(),
        definition: plan.definition,
        base: base.name.clone(),
        base_fingerprint: fingerprint,
        shard: args.shard,
        sweep_text: text.clone(),
    }
    .write(&out)?;
    let journal = Journal::open(&out)?;

    let info = |line: &str| {
        if args.json {
            note(line);
        } else {
            sim_report::out::emit(&format!("{line}\n"));
        }
    };
    let shard_note = args.shard.map_or_else(String::new, |s| {
        format!(", shard {s}: {} runs", selected.len())
    });
    info(&format!(
        "sweep {}: {} points x {} seeds = {} runs{shard_note}; {} already done in {}, {} to run \
         on {} threads",
        plan.name,
        plan.points.len(),
        plan.seeds.len(),
        plan.runs.len(),
        reused,
        out.display(),
        todo.len(),
        threads.min(todo.len()).max(1),
    ));

    install_ctrl_c();
    exec::quiet_worker_panics();
    let start = Instant::now();
    let mut collector = Collector {
        plan: &plan,
        selected: &selected,
        out: &out,
        journal,
        records,
        progress: progress::Progress::new(todo.len()),
        last_write: Instant::now(),
        told_stop: false,
    };
    let result = exec::execute(
        &pool,
        &plan,
        &sources,
        registry,
        &todo,
        &STOP,
        &mut collector,
    );
    collector.progress.finish();
    let records = collector.records;
    let wall_s = start.elapsed().as_secs_f64();
    // Whatever happened, the outputs show every finished run.
    let (figures, stats) = write_outputs(&out, &plan, &selected, &records)?;
    result?;

    let done = tables::done(&plan, &selected, &records);
    let counts = Counts {
        total: selected.len(),
        done: done.len(),
        failed: done.iter().filter(|(_, r)| !r.ok).count(),
        reused,
    };
    let interrupted = STOP.load(Ordering::Relaxed) && counts.done < counts.total;
    info(&format!(
        "{counts} in {wall_s:.1} s; wrote runs.csv, aggregate.csv in {}",
        out.display()
    ));
    if interrupted {
        note(&format!(
            "interrupted: {} of {} runs done, kept in {}; run the same command again to resume",
            counts.done,
            counts.total,
            out.display()
        ));
        return Ok(ExitCode::from(INTERRUPTED));
    }
    Ok(conclude(
        &plan, counts, &stats, &figures, &asserts, args.json,
    ))
}

/// Takes finished runs on the main thread: journal first (so nothing finished is lost),
/// then progress, then the CSV files every [`REWRITE_EVERY`].
struct Collector<'a> {
    plan: &'a Plan,
    selected: &'a [usize],
    out: &'a Path,
    journal: Journal,
    records: BTreeMap<u64, Record>,
    progress: progress::Progress,
    last_write: Instant,
    told_stop: bool,
}

impl Collector<'_> {
    fn write_if_due(&mut self) -> anyhow::Result<()> {
        if self.last_write.elapsed() >= REWRITE_EVERY {
            write_outputs(self.out, self.plan, self.selected, &self.records)?;
            self.last_write = Instant::now();
        }
        Ok(())
    }
}

impl exec::Sink for Collector<'_> {
    fn results(&mut self, batch: Vec<(usize, Record)>) -> anyhow::Result<()> {
        let lines: Vec<(&Record, u64, u64)> = batch
            .iter()
            .map(|(i, record)| {
                let run = self.plan.runs[*i];
                (record, self.plan.points[run.point].id, run.seed)
            })
            .collect();
        self.journal.append(&lines)?;
        for (i, record) in batch {
            let run = self.plan.runs[i];
            if !record.ok {
                self.progress.println(&format!(
                    "run {} ({}, seed {}) failed: {}",
                    hex(run.id),
                    self.plan.describe(run.point),
                    run.seed,
                    record.error.as_deref().unwrap_or("unknown error")
                ));
            }
            self.progress.finished(!record.ok);
            self.records.insert(record.run, record);
        }
        self.write_if_due()
    }

    fn tick(&mut self) -> anyhow::Result<()> {
        if STOP.load(Ordering::Relaxed) && !self.told_stop {
            self.told_stop = true;
            self.progress.println(
                "stopping: no new runs; waiting for the runs in progress (Ctrl-C again to quit \
                 at once)",
            );
        }
        self.progress.tick();
        self.write_if_due()
    }
}

/// Runs `fabricsim merge`.
pub fn merge(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let asserts = parse_asserts(&args.asserts)?;
    sim_report::out::check_out_folder(&args.out)?;
    let mut stamps = Vec::new();
    for dir in &args.dirs {
        let what = "give the folders `fabricsim sweep FILE --shard K/N --out DIR` wrote, one \
                    per shard";
        if !dir.exists() {
            anyhow::bail!("{} does not exist: {what}", dir.display());
        }
        if !dir.is_dir() {
            anyhow::bail!("{} is a file, not a folder: {what}", dir.display());
        }
        let stamp = Stamp::read(dir)?.with_context(|| {
            format!(
                "{} has no sweep.toml: it is not the output folder of `fabricsim sweep` (which \
                 holds sweep.toml, runs.journal, runs.csv and aggregate.csv); {what}",
                dir.display()
            )
        })?;
        stamps.push(stamp);
    }
    let first = &stamps[0];
    for (dir, s) in args.dirs.iter().zip(&stamps).skip(1) {
        if s.definition != first.definition {
            let why = if s.base_fingerprint == first.base_fingerprint {
                "their axes or seeds differ"
            } else {
                "their base scenarios differ"
            };
            anyhow::bail!(
                "{} (sweep {}, definition {}) and {} (sweep {}, definition {}) come from \
                 different sweeps ({why}): merge only the shards of one sweep",
                args.dirs[0].display(),
                first.name,
                hex(first.definition),
                dir.display(),
                s.name,
                hex(s.definition)
            );
        }
    }
    let copy_name = args.dirs[0].join(stamp::FILE).display().to_string();
    let mut spec = match spec::parse(&copy_name, &first.sweep_text, Path::new(".")) {
        Ok(s) => s,
        Err(d) => return Ok(sim_report::out::report_problems(&copy_name, &d)),
    };
    spec.name = first.name.clone();
    let plan = Plan::new(&spec, first.base_fingerprint)?;
    if plan.definition != first.definition {
        anyhow::bail!(
            "{copy_name} was edited after the sweep ran (its definition no longer matches its \
             header); restore it from the sweep file"
        );
    }
    // Each folder's records of its own shard's runs.
    let mut owners: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    let mut merged: BTreeMap<u64, Record> = BTreeMap::new();
    for (d, (dir, s)) in args.dirs.iter().zip(&stamps).enumerate() {
        let records = load_results(dir)?;
        for i in plan.selected(s.shard) {
            let id = plan.runs[i].id;
            if let Some(r) = records.get(&id) {
                owners.entry(id).or_default().push(d);
                merged.insert(id, r.clone());
            }
        }
    }
    let all = plan.selected(None);
    let describe = |i: usize| {
        let run = plan.runs[i];
        format!(
            "run {} ({}, seed {})",
            hex(run.id),
            plan.describe(run.point),
            run.seed
        )
    };
    let missing: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| !owners.contains_key(&plan.runs[i].id))
        .collect();
    let duplicated: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| owners.get(&plan.runs[i].id).is_some_and(|o| o.len() > 1))
        .collect();
    if !missing.is_empty() || !duplicated.is_empty() {
        let mut message = String::new();
        if !missing.is_empty() {
            message.push_str(&format!(
                "{} of {} runs are in none of the folders (a shard not given, or not finished: \
                 run it again to complete it):\n",
                missing.len(),
                all.len()
            ));
            for &i in missing.iter().take(10) {
                message.push_str(&format!("  {}\n", describe(i)));
            }
            if missing.len() > 10 {
                message.push_str(&format!("  ... and {} more\n", missing.len() - 10));
            }
        }
        if !duplicated.is_empty() {
            message.push_str(&format!(
                "{} runs are in more than one folder (the same shard given twice?):\n",
                duplicated.len()
            ));
            for &i in duplicated.iter().take(10) {
                let dirs: Vec<String> = owners[&plan.runs[i].id]
                    .iter()
                    .map(|&d| args.dirs[d].display().to_string())
                    .collect();
                message.push_str(&format!("  {} in {}\n", describe(i), dirs.join(", ")));
            }
            if duplicated.len() > 10 {
                message.push_str(&format!("  ... and {} more\n", duplicated.len() - 10));
            }
        }
        message.push_str("nothing was written");
        anyhow::bail!(message);
    }
    match Stamp::read(&args.out)? {
        Some(prev) if prev.definition != plan.definition => anyhow::bail!(
            "{} holds results of another sweep ({}, definition {}): give another --out",
            args.out.display(),
            prev.name,
            hex(prev.definition)
        ),
        Some(_) => {}
        None => refuse_foreign(&args.out)?,
    }
    Stamp {
        shard: None,
        ..first.clone()
    }
    .write(&args.out)?;
    let mut journal = String::new();
    for &i in &all {
        let run = plan.runs[i];
        journal.push_str(&merged[&run.id].to_line(plan.points[run.point].id, run.seed));
        journal.push('\n');
    }
    sim_report::out::write_atomically(&args.out, journal::FILE, &journal)?;
    let (figures, stats) = write_outputs(&args.out, &plan, &all, &merged)?;
    let counts = Counts {
        total: all.len(),
        done: all.len(),
        failed: merged.values().filter(|r| !r.ok).count(),
        reused: all.len(),
    };
    let line = format!(
        "merged {} folders of sweep {}: {} runs ({} failed); wrote runs.csv, aggregate.csv in {}",
        args.dirs.len(),
        plan.name,
        counts.total,
        counts.failed,
        args.out.display()
    );
    if args.json {
        note(&line);
    } else {
        sim_report::out::emit(&format!("{line}\n"));
    }
    Ok(conclude(
        &plan, counts, &stats, &figures, &asserts, args.json,
    ))
}

/// Runs `fabricsim compare`.
pub fn compare(args: &CompareSweepsArgs) -> anyhow::Result<ExitCode> {
    compare::run(&args.base, &args.new, args.tolerance, args.json)
}

/// The assertions, checked before anything runs.
fn parse_asserts(list: &[String]) -> anyhow::Result<Vec<Assertion>> {
    list.iter()
        .map(|a| Assertion::parse(a).map_err(|e| anyhow::anyhow!(e)))
        .collect()
}

/// The results already in `out`: its `runs.csv`, then its journal (which wins). A folder
/// written by another base scenario (when `fingerprint` is given), or holding CSV files
/// that no sweep wrote, is refused rather than mixed in or overwritten.
fn previous_results(out: &Path, fingerprint: Option<u64>) -> anyhow::Result<BTreeMap<u64, Record>> {
    match Stamp::read(out)? {
        None => {
            refuse_foreign(out)?;
            Ok(BTreeMap::new())
        }
        Some(prev) => {
            if let Some(fp) = fingerprint
                && prev.base_fingerprint != fp
            {
                anyhow::bail!(
                    "{} holds results of sweep {} over another version of the base scenario \
                     ({} has changed since): give another --out, or delete the folder to start \
                     over",
                    out.display(),
                    prev.name,
                    prev.base
                );
            }
            load_results(out)
        }
    }
}

/// Refuses a folder with sweep outputs but no stamp (not ours: never overwrite it).
fn refuse_foreign(out: &Path) -> anyhow::Result<()> {
    for f in ["runs.csv", "aggregate.csv", journal::FILE] {
        if out.join(f).exists() {
            anyhow::bail!(
                "{} already has {f} but no sweep.toml written by `fabricsim sweep`: give another \
                 --out (or an empty folder)",
                out.display()
            );
        }
    }
    Ok(())
}

/// `dir`'s runs.csv records overlaid with its journal's, with a warning for unreadable
/// journal lines other than a cut-off last one.
fn load_results(dir: &Path) -> anyhow::Result<BTreeMap<u64, Record>> {
    let mut records = tables::read_runs_csv(dir)?;
    let (journal, skipped) = journal::read(dir)?;
    if skipped > 1 {
        note(&format!(
            "warning: {skipped} lines of {} could not be read and were skipped",
            dir.join(journal::FILE).display()
        ));
    }
    records.extend(journal);
    Ok(records)
}

/// Writes `runs.csv` and `aggregate.csv` of the `selected` runs that have a record, and
/// returns the figure columns and the per-point statistics.
fn write_outputs(
    dir: &Path,
    plan: &Plan,
    selected: &[usize],
    records: &BTreeMap<u64, Record>,
) -> anyhow::Result<(Vec<&'static str>, Vec<PointStats>)> {
    let done = tables::done(plan, selected, records);
    let figures = tables::figure_columns(done.iter().map(|(_, r)| *r));
    let stats = tables::aggregate(plan, &done, &figures);
    sim_report::out::write_atomically(dir, "runs.csv", &tables::runs_csv(plan, &done, &figures))?;
    sim_report::out::write_atomically(
        dir,
        "aggregate.csv",
        &tables::aggregate_csv(plan, &stats, &figures),
    )?;
    Ok((figures, stats))
}

/// The end of a sweep or merge: the per-point table (or the JSON summary), the assertion
/// messages, and the exit code: 1 if a run failed or an assertion did not hold, else 0.
fn conclude(
    plan: &Plan,
    counts: Counts,
    stats: &[PointStats],
    figures: &[&str],
    asserts: &[Assertion],
    as_json: bool,
) -> ExitCode {
    let outcomes = check::evaluate(asserts, stats, figures);
    let messages = check::messages(plan, &outcomes);
    let code = u8::from(counts.failed > 0 || !messages.is_empty());
    if as_json {
        sim_report::out::emit(&check::json_summary(
            plan, counts, stats, figures, &outcomes, code,
        ));
    } else {
        sim_report::out::emit(&points_table(plan, stats, figures));
    }
    for m in &messages {
        note(m);
    }
    if counts.failed > 0 {
        note(&format!(
            "{} run{} failed (status `failed` in runs.csv; the reasons are in runs.journal); \
             they run again when the sweep is resumed",
            counts.failed,
            if counts.failed == 1 { "" } else { "s" }
        ));
    }
    if !asserts.is_empty() {
        let held = outcomes.iter().filter(|o| o.failures.is_empty()).count();
        note(&format!(
            "{held} of {} assertions held at every point",
            outcomes.len()
        ));
    }
    ExitCode::from(code)
}

/// The most points the printed table shows.
const TABLE_POINTS: usize = 40;

/// The figures the printed table shows (those the runs define).
const HEADLINE: &[&str] = &[
    "goodput_eflop",
    "ettr",
    "cost_usd",
    "ttft_p99_ms",
    "slo_attainment",
];

/// Per point: its values, n, and the headline figures as mean ± 95 % half-width.
fn points_table(plan: &Plan, stats: &[PointStats], figures: &[&str]) -> String {
    let shown: Vec<(usize, &str)> = HEADLINE
        .iter()
        .filter_map(|h| figures.iter().position(|f| f == h).map(|i| (i, *h)))
        .filter(|(i, _)| stats.iter().any(|s| s.figures[*i].mean.is_some()))
        .collect();
    let mut columns = vec![("point", Align::Left), ("n", Align::Right)];
    columns.extend(shown.iter().map(|(_, h)| (*h, Align::Right)));
    let mut t = Table::new(&columns);
    for s in stats.iter().take(TABLE_POINTS) {
        let mut row = vec![plan.describe(s.point), s.n.to_string()];
        for (i, _) in &shown {
            let f = s.figures[*i];
            row.push(match (f.mean, f.ci95) {
                (Some(m), Some(ci)) => format!("{} ± {}", sig6(m), sig6(ci)),
                (Some(m), None) => sig6(m),
                _ => "-".to_owned(),
            });
        }
        t.push(row);
    }
    let mut text = format!("\n{}", t.to_text());
    if stats.len() > TABLE_POINTS {
        text.push_str(&format!(
            "... and {} more points (all in aggregate.csv)\n",
            stats.len() - TABLE_POINTS
        ));
    }
    text
}

/// `--dry-run`: the sweep's size and its points.
fn dry_run(plan: &Plan, selected: &[usize], shard: Option<Shard>, base: &str) -> String {
    let mut per_point = vec![0usize; plan.points.len()];
    for &i in selected {
        per_point[plan.runs[i].point] += 1;
    }
    let mut columns = vec![("point_id", Align::Left)];
    columns.extend(plan.axes.iter().map(|a| (a.path.as_str(), Align::Left)));
    columns.push(("runs", Align::Right));
    let mut t = Table::new(&columns);
    for (p, point) in plan.points.iter().enumerate() {
        let mut row = tables::point_cells(plan, point);
        row.push(per_point[p].to_string());
        t.push(row);
    }
    let shard = shard.map_or_else(String::new, |s| {
        format!("; shard {s}: {} runs", selected.len())
    });
    format!(
        "sweep {} over {base}: {} points x {} seeds = {} runs{shard}; every point is a valid \
         scenario\n\n{}",
        plan.name,
        plan.points.len(),
        plan.seeds.len(),
        plan.runs.len(),
        t.to_text()
    )
}

/// `--dry-run --json`: the sweep's size and its points, for scripts (job arrays).
fn dry_run_json(plan: &Plan, selected: &[usize], shard: Option<Shard>, base: &str) -> String {
    let mut per_point = vec![0usize; plan.points.len()];
    for &i in selected {
        per_point[plan.runs[i].point] += 1;
    }
    let points: Vec<serde_json::Value> = plan
        .points
        .iter()
        .enumerate()
        .map(|(p, point)| {
            let axes: serde_json::Map<String, serde_json::Value> = plan
                .axes
                .iter()
                .zip(&point.values)
                .map(|(a, &v)| (a.path.clone(), a.json[v].clone()))
                .collect();
            serde_json::json!({"point_id": hex(point.id), "axes": axes, "runs": per_point[p]})
        })
        .collect();
    let summary = serde_json::json!({
        "sweep": plan.name,
        "base": base,
        "definition": hex(plan.definition),
        "axes": plan.axes.iter().map(|a| a.path.clone()).collect::<Vec<_>>(),
        "seeds": plan.seeds,
        "runs": plan.runs.len(),
        "shard": shard.map(|s| s.to_string()),
        "shard_runs": selected.len(),
        "points": points,
    });
    let mut text = serde_json::to_string_pretty(&summary).unwrap_or_default();
    text.push('\n');
    text
}

/// The folder of `file` (`.` for a bare file name).
fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `name` as a folder name: characters other than letters, digits, `.`, `_` and `-`
/// become `-`.
fn folder_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.trim_matches('.').is_empty() {
        "sweep".to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_models::policy::{DecisionLog, FabricView, Placement, PlacementRequest};
    use sim_models::topology::ClusterId;

    /// A placement policy that panics at its first decision.
    struct Panicky;

    impl Placement for Panicky {
        fn name(&self) -> &str {
            "panicky"
        }

        fn place(
            &mut self,
            _: &FabricView<'_>,
            _: &PlacementRequest<'_>,
            _: &mut Vec<(ClusterId, u32)>,
            _: &mut DecisionLog,
        ) -> bool {
            panic!("panicky placement policy")
        }
    }

    #[test]
    fn a_panicking_run_is_recorded_as_failed_and_retried_on_resume() {
        let dir =
            std::env::temp_dir().join(format!("fabricsim-sweep-panic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let scenario = include_str!("../../../sim-cli/tests/fixtures/sweep/scenario.toml");
        std::fs::write(dir.join("scenario.toml"), scenario).unwrap();
        std::fs::write(
            dir.join("sweep.toml"),
            "base = \"scenario.toml\"\nseeds = 2\n[axes]\n\"policy.placement\" = [\"first-fit\", \"panicky\"]\n",
        )
        .unwrap();
        let mut registry = Registry::builtin();
        registry.add_placement("panicky", "panics", |_| Ok(Box::new(Panicky)));
        let args = SweepArgs {
            file: dir.join("sweep.toml"),
            jobs: Some(2),
            out: Some(dir.join("out")),
            shard: None,
            asserts: Vec::new(),
            json: false,
            dry_run: false,
            limits: crate::args::LimitArgs::default(),
        };
        let code = sweep(&args, &registry).unwrap();
        assert_eq!(code, ExitCode::from(1), "a failed run fails the sweep");
        let runs = std::fs::read_to_string(dir.join("out/runs.csv")).unwrap();
        let statuses: Vec<&str> = runs
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(4).unwrap())
            .collect();
        assert_eq!(statuses, ["ok", "ok", "failed", "failed"], "{runs}");
        let journal = std::fs::read_to_string(dir.join("out/runs.journal")).unwrap();
        assert!(
            journal.contains("panicked at sim-study/src/sweep/mod.rs:"),
            "{journal}"
        );
        assert!(journal.contains(": panicky placement policy"), "{journal}");
        let aggregate = std::fs::read_to_string(dir.join("out/aggregate.csv")).unwrap();
        let n: Vec<&str> = aggregate
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(2).unwrap())
            .collect();
        assert_eq!(n, ["2", "0"], "n counts ok runs: {aggregate}");
        // A resume runs the failed runs again (and only them).
        let code = sweep(&args, &registry).unwrap();
        assert_eq!(code, ExitCode::from(1));
        let (records, _) = journal::read(&dir.join("out")).unwrap();
        assert_eq!(records.len(), 4);
        let lines = std::fs::read_to_string(dir.join("out/runs.journal")).unwrap();
        assert_eq!(lines.lines().count(), 6, "two retried runs appended");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
