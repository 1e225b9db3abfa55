//! `fabricsim-fuzz`: runs mutated scenario and sweep files through
//! `sim_study::fuzzing` and records every panic, hang, huge allocation or unclear
//! error as a regression file.
//!
//! ```text
//! fabricsim-fuzz --inputs 1000000 --seed 1 [--target scenario|sweep|both]
//!                [--root DIR] [--out DIR] [--replay INDEX] [--file F] [--stop-after N]
//! ```
//!
//! Checks per input: no panic (`catch_unwind`; the panic hook only records the message);
//! no hang (an input over [`SLOW`] is a finding; a watchdog thread saves the input and
//! aborts when one runs over [`HANG`]); bounded allocation (the global allocator is
//! `cap::Cap<System>`: an input whose peak rises more than [`HUGE_ALLOC`] above what was
//! allocated before it is a finding, and a hard cap of [`HARD_CAP`] per input stops the
//! process before the machine runs out, with the input left in `fabricsim-fuzz-current-PID.toml` of the temp folder).

use std::alloc::System;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cap::Cap;
use sim_fuzz::{Corpus, Target, input_rng, mutate};
use sim_models::policy::Registry;
use sim_study::fuzzing::{self, Outcome};

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// An input slower than this is a finding.
const SLOW: Duration = Duration::from_secs(2);
/// An input slower than this is a hang: saved, then the process aborts.
const HANG: Duration = Duration::from_secs(30);
/// An input allocating more than this (peak above what was allocated before it) is a
/// finding.
const HUGE_ALLOC: usize = 512 << 20;
/// Allocation beyond this above the baseline fails (and aborts the process).
const HARD_CAP: usize = 4 << 30;

/// The input being run, for the watchdog and the panic hook.
struct Current {
    seed: u64,
    index: u64,
    target: Target,
    dir: PathBuf,
    text: String,
    started: Instant,
    running: bool,
}

static CURRENT: Mutex<Option<Current>> = Mutex::new(None);
/// The message of the last panic, recorded by the hook.
static PANIC: Mutex<Option<String>> = Mutex::new(None);
/// Set while the watchdog should keep watching.
static WATCHING: AtomicBool = AtomicBool::new(true);

struct Options {
    inputs: u64,
    seed: u64,
    targets: Vec<Target>,
    root: PathBuf,
    out: PathBuf,
    replay: Option<u64>,
    file: Option<PathBuf>,
    stop_after: u64,
}

fn usage() -> &'static str {
    "usage: fabricsim-fuzz [--inputs N] [--seed S] [--target scenario|sweep|both] [--root DIR] \
     [--out DIR] [--replay INDEX] [--file REGRESSION.toml] [--stop-after FINDINGS]"
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        inputs: 10_000,
        seed: 1,
        targets: vec![Target::Scenario, Target::Sweep],
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."),
        out: PathBuf::new(),
        replay: None,
        file: None,
        stop_after: u64::MAX,
    };
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or(format!("{flag} needs a value\n{}", usage()))
        };
        let number = |v: String| {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("`{v}`: expected a whole number\n{}", usage()))
        };
        match flag.as_str() {
            "--inputs" => o.inputs = number(value()?)?,
            "--seed" => o.seed = number(value()?)?,
            "--replay" => o.replay = Some(number(value()?)?),
            "--stop-after" => o.stop_after = number(value()?)?,
            "--file" => o.file = Some(PathBuf::from(value()?)),
            "--root" => o.root = PathBuf::from(value()?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--target" => {
                o.targets = match value()?.as_str() {
                    "scenario" => vec![Target::Scenario],
                    "sweep" => vec![Target::Sweep],
                    "both" => vec![Target::Scenario, Target::Sweep],
                    other => return Err(format!("unknown target `{other}`\n{}", usage())),
                }
            }
            "-h" | "--help" => return Err(usage().to_owned()),
            other => return Err(format!("unknown option `{other}`\n{}", usage())),
        }
    }
    o.out = out.unwrap_or_else(|| o.root.join("sim-cli/tests/fuzz-regressions"));
    Ok(o)
}

/// A finding: what went wrong with one input.
struct Finding {
    what: String,
}

/// Counts for the final line.
#[derive(Default)]
struct Counts {
    run: u64,
    ok: u64,
    err: u64,
    findings: u64,
    by_target: [u64; 2],
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let seeds = match sim_fuzz::corpus(&o.root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("reading the corpus under {}: {e}", o.root.display());
            return ExitCode::from(2);
        }
    };
    let corpus = Corpus::new(seeds);
    let registry = Registry::builtin();
    if let Err(e) = std::fs::create_dir_all(&o.out) {
        eprintln!("creating {}: {e}", o.out.display());
        return ExitCode::from(2);
    }
    panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string panic".to_owned());
        if let Ok(mut p) = PANIC.lock() {
            *p = Some(format!("{message}{at}"));
        }
    }));
    let (out, root) = (o.out.clone(), o.root.clone());
    std::thread::spawn(move || watchdog(&out, &root));
    if let Some(file) = &o.file {
        return run_file(file, &o.root, &registry);
    }

    let mut counts = Counts::default();
    let start = Instant::now();
    let indices: Box<dyn Iterator<Item = u64>> = match o.replay {
        Some(i) => Box::new(std::iter::once(i)),
        None => Box::new(0..o.inputs),
    };
    for index in indices {
        let target = o.targets[usize::try_from(index).unwrap_or(0) % o.targets.len()];
        let mut rng = input_rng(o.seed, index);
        let Some((pick, text)) = mutate(&mut rng, &corpus, target) else {
            eprintln!("the corpus has no {} files", target.name());
            return ExitCode::from(2);
        };
        let dir = corpus.seeds[pick].dir.clone();
        if o.replay.is_some() {
            println!(
                "{text}\n--- (input {index}, {}, from {})",
                target.name(),
                corpus.seeds[pick].name
            );
        }
        let (outcome, finding) = run_one(o.seed, index, target, &dir, &text, &registry);
        counts.run += 1;
        counts.by_target[target as usize] += 1;
        match &outcome {
            Some(Outcome::Ok) => counts.ok += 1,
            Some(Outcome::Err(message)) => {
                counts.err += 1;
                if o.replay.is_some() {
                    println!("error:\n{message}");
                }
            }
            _ => {}
        }
        if let Some(f) = finding {
            counts.findings += 1;
            match save(&o.out, target, &dir, &o.root, index, o.seed, &f.what, &text) {
                Ok(path) => eprintln!(
                    "finding {}: {} -> {}",
                    counts.findings,
                    f.what,
                    path.display()
                ),
                Err(e) => eprintln!("finding {} (not saved: {e}): {}", counts.findings, f.what),
            }
            if counts.findings >= o.stop_after {
                break;
            }
        }
        if counts.run % 50_000 == 0 {
            eprintln!(
                "{} inputs, {} findings, {:.0} inputs/s",
                counts.run,
                counts.findings,
                counts.run as f64 / start.elapsed().as_secs_f64()
            );
        }
    }
    WATCHING.store(false, Ordering::SeqCst);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "inputs {} (scenario {}, sweep {}), ok {}, err {}, findings {}, {:.1} s, {:.0} inputs/s",
        counts.run,
        counts.by_target[0],
        counts.by_target[1],
        counts.ok,
        counts.err,
        counts.findings,
        secs,
        counts.run as f64 / secs.max(1e-9)
    );
    if counts.findings == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `--file`: runs one saved input (a regression file: its `#` header says the target, by
/// its name, and a sweep's `base_dir`) and prints what it gave.
fn run_file(file: &Path, root: &Path, registry: &Registry) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("reading {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let (input, base_dir) = sim_fuzz::strip_header(&text);
    let target = if file
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("sweep"))
    {
        Target::Sweep
    } else {
        Target::Scenario
    };
    let dir = root.join(base_dir.unwrap_or_default());
    let started = Instant::now();
    let (outcome, finding) = run_one(0, 0, target, &dir, input, registry);
    println!(
        "{:?}",
        outcome.map(|o| match o {
            Outcome::Err(m) => Outcome::Err(m.chars().take(2_000).collect()),
            other => other,
        })
    );
    println!(
        "{:.3} s, finding: {}",
        started.elapsed().as_secs_f64(),
        finding.map_or_else(|| "none".to_owned(), |f| f.what)
    );
    ExitCode::SUCCESS
}

/// Runs one input and judges it: the outcome (`None` after a panic) and the finding, if
/// any.
fn run_one(
    seed: u64,
    index: u64,
    target: Target,
    dir: &Path,
    text: &str,
    registry: &Registry,
) -> (Option<Outcome>, Option<Finding>) {
    // Kept on disk too: a stack overflow or the hard allocation cap aborts the process
    // without unwinding.
    let _ = std::fs::write(current_path(), text);
    if let Ok(mut c) = CURRENT.lock() {
        *c = Some(Current {
            seed,
            index,
            target,
            dir: dir.to_owned(),
            text: text.to_owned(),
            started: Instant::now(),
            running: true,
        });
    }
    let before = ALLOCATOR.allocated();
    let peak_before = ALLOCATOR.max_allocated();
    let _ = ALLOCATOR.set_limit(before.saturating_add(HARD_CAP));
    let started = Instant::now();
    let result = panic::catch_unwind(AssertUnwindSafe(|| match target {
        Target::Scenario => fuzzing::scenario(text, registry),
        Target::Sweep => fuzzing::sweep(text, dir, registry),
    }));
    let elapsed = started.elapsed();
    let _ = ALLOCATOR.set_limit(usize::MAX);
    let peak = ALLOCATOR.max_allocated();
    if let Ok(mut c) = CURRENT.lock()
        && let Some(c) = c.as_mut()
    {
        c.running = false;
    }
    let mut findings = Vec::new();
    let outcome = match result {
        Ok(outcome) => Some(outcome),
        Err(_) => {
            let message = PANIC
                .lock()
                .ok()
                .and_then(|mut p| p.take())
                .unwrap_or_else(|| "unknown".to_owned());
            findings.push(format!("panic: {message}"));
            None
        }
    };
    if let Some(Outcome::Unclear(m)) = &outcome {
        findings.push(format!(
            "unclear error: {:?}",
            m.chars().take(200).collect::<String>()
        ));
    }
    if elapsed > SLOW {
        findings.push(format!("slow: {:.1} s", elapsed.as_secs_f64()));
    }
    if peak > peak_before && peak - before > HUGE_ALLOC {
        findings.push(format!(
            "huge allocation: peak {} MiB",
            (peak - before) >> 20
        ));
    }
    let finding = (!findings.is_empty()).then(|| Finding {
        what: findings.join("; ").replace('\n', " "),
    });
    (outcome, finding)
}

/// Where the running input is kept: `fabricsim-fuzz-current-PID.toml` in the temp folder
/// (one per process, so several fuzzers can run at once).
fn current_path() -> PathBuf {
    std::env::temp_dir().join(format!(
        "fabricsim-fuzz-current-{}.toml",
        std::process::id()
    ))
}

/// Watches the running input; one that runs over [`HANG`] is saved and the process aborts.
fn watchdog(out: &Path, root: &Path) {
    while WATCHING.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(250));
        let hung = CURRENT.lock().ok().and_then(|c| {
            c.as_ref()
                .filter(|c| c.running && c.started.elapsed() > HANG)
                .map(|c| (c.seed, c.index, c.target, c.dir.clone(), c.text.clone()))
        });
        if let Some((seed, index, target, dir, text)) = hung {
            let what = format!("hang: over {} s", HANG.as_secs());
            match save(out, target, &dir, root, index, seed, &what, &text) {
                Ok(path) => eprintln!("input {index} hangs; saved as {}", path.display()),
                Err(e) => eprintln!("input {index} hangs (not saved: {e})"),
            }
            std::process::abort();
        }
    }
}

/// Saves a finding as the next free `OUT/{target}-NNN.toml`, with a header of `#` lines
/// naming what it found, how to make it again, and (for a sweep) the folder of its base
/// scenario relative to the repository root. Returns the path.
#[allow(clippy::too_many_arguments)]
fn save(
    out: &Path,
    target: Target,
    dir: &Path,
    root: &Path,
    index: u64,
    seed: u64,
    what: &str,
    text: &str,
) -> std::io::Result<PathBuf> {
    let mut header = format!(
        "# fuzz finding: {what}\n# made by: fabricsim-fuzz --seed {seed} --replay {index} \
         --target {}\n",
        target.name()
    );
    if target == Target::Sweep {
        let rel = dir.canonicalize().ok().and_then(|d| {
            let root = root.canonicalize().ok()?;
            d.strip_prefix(&root).ok().map(Path::to_owned)
        });
        let rel = rel.unwrap_or_else(|| dir.to_owned());
        header.push_str(&format!("# base_dir: {}\n", rel.display()));
    }
    for n in 1.. {
        let path = out.join(format!("{}-{n:03}.toml", target.name()));
        if !path.exists() {
            std::fs::write(&path, format!("{header}{text}"))?;
            return Ok(path);
        }
    }
    unreachable!("invariant: some file name is free")
}
