//! A sweep killed with SIGKILL part-way, again and again, then resumed to completion, ends
//! with the same `runs.csv` and `aggregate.csv` bytes as an uninterrupted sweep: no run
//! lost, none twice, no file half written.
//!
//! Kills land after the first run, mid-way, near the end, right as the last run is
//! journaled (while the outputs are written), after random short delays mid-sweep, after
//! a Ctrl-C (while the runs in progress finish and the part-way outputs are written), and
//! after random short delays once every run is done (while the resumed command writes its
//! stamp, opens the journal and rewrites the outputs). After every kill the folder is
//! checked: `runs.csv` and `aggregate.csv` are absent or whole CSV files whose rows are
//! those of the uninterrupted sweep, every journal line but a cut last one reads, and no
//! run journaled before is gone.
//!
//! The base scenario is the Llama 3 reliability study (16,896 GPUs) over 60 to 180 days, so
//! a run takes tens to a couple of hundred milliseconds: kills land between and during runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::{fabricsim_ok, repo_path, temp_dir};

/// Runs in the sweep below: 3 horizons x 2 failure rates x 5 seeds.
const RUNS: usize = 30;

/// The longest any wait may take before the test gives up (a loaded CI machine).
const PATIENCE: Duration = Duration::from_secs(120);

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Writes the base scenario and the sweep file into `dir`; returns the sweep file.
fn write_sweep(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let scenario = repo_path("experiments/llama3-reliability/scenario.toml");
    std::fs::copy(scenario, dir.join("scenario.toml")).unwrap();
    let file = dir.join("sweep.toml");
    std::fs::write(
        &file,
        "name = \"kill-test\"\nbase = \"scenario.toml\"\nseeds = 5\n\n[axes]\n\
         \"sim.horizon\" = [\"60d\", \"120d\", \"180d\"]\n\"failures.rate_scale\" = [1.0, 2.0]\n",
    )
    .unwrap();
    file
}

/// Starts `fabricsim sweep FILE --out OUT --jobs 2` (stderr kept for the report).
fn spawn(file: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_fabricsim"))
        .args(["sweep", s(file), "--out", s(out), "--jobs", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the fabricsim binary starts")
}

/// Complete (newline-terminated) lines of the journal so far.
fn journaled(out: &Path) -> usize {
    std::fs::read(out.join("runs.journal")).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
}

/// Kills `child` (SIGKILL on Unix) and requires that it was killed or had finished
/// successfully (or with 130 after a Ctrl-C): an error exit means the folder the last
/// kill left could not be resumed.
fn kill(mut child: Child, when: &str) -> ExitStatus {
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let status = output.status;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(status.code(), None | Some(0 | 130)),
        "the sweep killed {when} exited with {status} instead of being killed or finishing:\n{stderr}"
    );
    status
}

/// A small deterministic random source (the delays are printed, so a failure can be
/// replayed by hand).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// What an uninterrupted sweep wrote, and what the kills have left so far.
struct Expect {
    runs_csv: String,
    aggregate_csv: String,
    /// runs.csv rows by run id.
    rows: BTreeMap<String, String>,
    /// Every run id journaled so far: a later kill must not lose one.
    journaled: BTreeSet<String>,
}

/// Checks one CSV file `name` in `out` if it exists: it ends with a line break and every
/// line has the header's cell count (the cells hold no commas). Returns its lines.
fn whole_csv(out: &Path, name: &str, when: &str) -> Option<Vec<String>> {
    let text = match std::fs::read_to_string(out.join(name)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("reading {name} after the kill {when}: {e}"),
    };
    assert!(
        text.ends_with('\n'),
        "{name} is cut short after the kill {when}:\n{text}"
    );
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let width = lines[0].split(',').count();
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(
            line.split(',').count(),
            width,
            "{name}:{} has another cell count than its header after the kill {when}: {line}",
            i + 1
        );
    }
    Some(lines)
}

/// The checks after a kill `when`: whole CSV files holding only rows of the uninterrupted
/// sweep, once each, all journaled; a journal whose lines all read (but a cut last one)
/// and that still holds every run it held before.
fn check_after_kill(out: &Path, expect: &mut Expect, when: &str) {
    let journal = std::fs::read_to_string(out.join("runs.journal")).unwrap_or_default();
    let complete = journal.ends_with('\n') || journal.is_empty();
    let lines: Vec<&str> = journal.lines().collect();
    let mut ids = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        let cut_last = i + 1 == lines.len() && !complete;
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => {
                assert_eq!(v["status"], "ok", "a run failed: {line}");
                ids.insert(v["run"].as_str().unwrap().to_owned());
            }
            Err(e) => assert!(
                cut_last,
                "runs.journal line {} does not read after the kill {when}: {e}: {line}",
                i + 1
            ),
        }
    }
    let lost: Vec<&String> = expect.journaled.difference(&ids).collect();
    assert!(
        lost.is_empty(),
        "runs journaled before are gone after the kill {when}: {lost:?}"
    );
    expect.journaled = ids;

    if let Some(lines) = whole_csv(out, "runs.csv", when) {
        let header = expect.runs_csv.lines().next().unwrap();
        assert_eq!(lines[0], header, "runs.csv header after the kill {when}");
        let mut seen = BTreeSet::new();
        for row in &lines[1..] {
            let id = row.split(',').next().unwrap().to_owned();
            assert_eq!(
                expect.rows.get(&id),
                Some(row),
                "runs.csv row {id} differs from the uninterrupted sweep's after the kill {when}"
            );
            assert!(
                expect.journaled.contains(&id),
                "runs.csv has run {id}, which is not in the journal, after the kill {when}"
            );
            assert!(
                seen.insert(id.clone()),
                "run {id} twice in runs.csv after the kill {when}"
            );
        }
    }
    if let Some(lines) = whole_csv(out, "aggregate.csv", when) {
        let header = expect.aggregate_csv.lines().next().unwrap();
        assert_eq!(
            lines[0], header,
            "aggregate.csv header after the kill {when}"
        );
        let mut seen = BTreeSet::new();
        for row in &lines[1..] {
            let point = row.split(',').next().unwrap();
            assert!(
                seen.insert(point.to_owned()),
                "point {point} twice in aggregate.csv after the kill {when}"
            );
        }
    }
}

/// Resumes the sweep and kills it once the journal holds `k` complete lines.
fn kill_at(file: &Path, out: &Path, k: usize, expect: &mut Expect) {
    let when = format!("once {k} runs were journaled");
    let mut child = spawn(file, out);
    let start = Instant::now();
    while journaled(out) < k {
        if child.try_wait().unwrap().is_some() {
            break; // finished (or failed: `kill` reports it)
        }
        assert!(start.elapsed() < PATIENCE, "{k} runs not journaled in time");
        std::thread::sleep(Duration::from_millis(1));
    }
    let status = kill(child, &when);
    check_after_kill(out, expect, &when);
    log(out, &when, status);
}

/// Resumes the sweep and kills it after `delay_ms`.
fn kill_after(file: &Path, out: &Path, delay_ms: u64, expect: &mut Expect) {
    let when = format!(
        "after {delay_ms} ms (with {} runs journaled)",
        journaled(out)
    );
    let child = spawn(file, out);
    std::thread::sleep(Duration::from_millis(delay_ms));
    let status = kill(child, &when);
    check_after_kill(out, expect, &when);
    log(out, &when, status);
}

/// Resumes the sweep, presses Ctrl-C (SIGINT) once `k` runs are journaled, and kills it
/// `delay_ms` later: while the runs in progress finish or the outputs are written.
#[cfg(unix)]
fn interrupt_then_kill(file: &Path, out: &Path, k: usize, delay_ms: u64, expect: &mut Expect) {
    let when = format!("{delay_ms} ms after a Ctrl-C once {k} runs were journaled");
    let child = spawn(file, out);
    let start = Instant::now();
    while journaled(out) < k {
        assert!(start.elapsed() < PATIENCE, "{k} runs not journaled in time");
        std::thread::sleep(Duration::from_millis(1));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    std::thread::sleep(Duration::from_millis(delay_ms));
    let status = kill(child, &when);
    check_after_kill(out, expect, &when);
    log(out, &when, status);
}

/// One line per kill (shown with `--nocapture`): where it landed.
fn log(out: &Path, when: &str, status: ExitStatus) {
    let lines = |name: &str| {
        std::fs::read_to_string(out.join(name)).map_or_else(
            |_| "absent".to_owned(),
            |t| format!("{} rows", t.lines().count().saturating_sub(1)),
        )
    };
    eprintln!(
        "killed {when}: {}; now {} journaled, runs.csv {}, aggregate.csv {}",
        match status.code() {
            None => "killed",
            Some(0) => "it had finished",
            Some(_) => "it had stopped after the Ctrl-C",
        },
        journaled(out),
        lines("runs.csv"),
        lines("aggregate.csv")
    );
}

#[test]
fn a_sweep_killed_again_and_again_resumes_to_the_uninterrupted_bytes() {
    let started = Instant::now();
    let dir = temp_dir("sweep-kill");
    let file = write_sweep(&dir);
    let reference = dir.join("reference");
    fabricsim_ok(&["sweep", s(&file), "--out", s(&reference), "--jobs", "2"]);
    let runs_csv = std::fs::read_to_string(reference.join("runs.csv")).unwrap();
    let aggregate_csv = std::fs::read_to_string(reference.join("aggregate.csv")).unwrap();
    let rows: BTreeMap<String, String> = runs_csv
        .lines()
        .skip(1)
        .map(|l| (l.split(',').next().unwrap().to_owned(), l.to_owned()))
        .collect();
    assert_eq!(rows.len(), RUNS, "the reference has every run once");
    let mut expect = Expect {
        runs_csv,
        aggregate_csv,
        rows,
        journaled: BTreeSet::new(),
    };

    let out = dir.join("out");
    let seed = u64::from(std::process::id()) | 1;
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    eprintln!("random delays from seed {seed}");
    // Mid-sweep: after the first run, then a few random delays (each resume first reads
    // the folder, writes its stamp and opens the journal), mid-way and near the end.
    kill_at(&file, &out, 1, &mut expect);
    for _ in 0..3 {
        let delay = 5 + rng.below(300);
        kill_after(&file, &out, delay, &mut expect);
    }
    kill_at(&file, &out, RUNS / 3, &mut expect);
    // After a Ctrl-C the command writes runs.csv and aggregate.csv of what finished: the
    // first kill comes well after that (the later kills find part-way CSV files), the
    // second while the runs in progress finish or the files are written.
    #[cfg(unix)]
    {
        interrupt_then_kill(&file, &out, RUNS / 2, 1500, &mut expect);
        let delay = rng.below(250);
        interrupt_then_kill(&file, &out, RUNS / 2 + 3, delay, &mut expect);
    }
    kill_after(&file, &out, 1 + rng.below(20), &mut expect);
    kill_at(&file, &out, RUNS - 3, &mut expect);
    // The last run journaled: the command is writing runs.csv and aggregate.csv.
    kill_at(&file, &out, RUNS, &mut expect);
    // Every run done: a resume only reads the folder, checks the points, stamps and
    // rewrites the outputs. Time one, then kill others at random points of that span.
    let resume = Instant::now();
    fabricsim_ok(&["sweep", s(&file), "--out", s(&out), "--jobs", "2"]);
    let span_ms = u64::try_from(resume.elapsed().as_millis())
        .unwrap_or(100)
        .max(2);
    check_after_kill(&out, &mut expect, "(none: a resume with nothing to run)");
    for _ in 0..8 {
        let delay = rng.below(span_ms + span_ms / 4);
        kill_after(&file, &out, delay, &mut expect);
    }

    fabricsim_ok(&["sweep", s(&file), "--out", s(&out), "--jobs", "2"]);
    check_after_kill(&out, &mut expect, "(none: the final resume)");
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let aggregate = std::fs::read_to_string(out.join("aggregate.csv")).unwrap();
    assert!(
        runs == expect.runs_csv,
        "runs.csv after the kills differs from the uninterrupted sweep's:\n{runs}"
    );
    assert!(
        aggregate == expect.aggregate_csv,
        "aggregate.csv after the kills differs from the uninterrupted sweep's:\n{aggregate}"
    );
    assert_eq!(expect.journaled.len(), RUNS, "every run journaled");
    let journal = std::fs::read_to_string(out.join("runs.journal")).unwrap();
    assert_eq!(
        journal.lines().count(),
        RUNS,
        "a run that finished is never run again: one journal line per run"
    );
    eprintln!("took {:.1} s", started.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A kill can cut the journal's last write anywhere (the kernel stops a write at a page
/// boundary): in the middle of a line, just before its line break, just after it. A
/// resume keeps every whole record (one that lost only its line break too), runs the
/// rest, and ends with the uninterrupted bytes and one journal line per run.
#[test]
fn a_journal_cut_anywhere_resumes_without_losing_or_repeating_a_run() {
    let dir = temp_dir("sweep-cut");
    let file = write_sweep(&dir);
    let reference = dir.join("reference");
    fabricsim_ok(&["sweep", s(&file), "--out", s(&reference), "--jobs", "2"]);
    let read = |d: &Path, name: &str| std::fs::read_to_string(d.join(name)).unwrap();
    let journal = read(&reference, "runs.journal");
    let end_of = |line: usize| -> usize { journal.lines().take(line).map(|l| l.len() + 1).sum() };
    // (bytes kept, whole runs kept)
    let cuts = [
        (end_of(10) - 1, 10), // line 10 lost only its line break
        (end_of(10), 10),     // cut between lines
        (end_of(10) - 2, 9),  // line 10 lost its closing brace too
        (end_of(9) + 1, 9),   // one byte of line 10
        (4096, journal[..4096].matches('\n').count()), // a page boundary
    ];
    for (i, (keep, whole)) in cuts.into_iter().enumerate() {
        let out = dir.join(format!("cut-{i}"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::copy(reference.join("sweep.toml"), out.join("sweep.toml")).unwrap();
        std::fs::write(out.join("runs.journal"), &journal[..keep]).unwrap();
        let text = String::from_utf8(
            fabricsim_ok(&["sweep", s(&file), "--out", s(&out), "--jobs", "2"]).stdout,
        )
        .unwrap();
        assert!(
            text.contains(&format!("{whole} already done")),
            "cut at byte {keep}: {text}"
        );
        assert!(
            read(&out, "runs.csv") == read(&reference, "runs.csv"),
            "runs.csv differs after a cut at byte {keep}"
        );
        assert!(
            read(&out, "aggregate.csv") == read(&reference, "aggregate.csv"),
            "aggregate.csv differs after a cut at byte {keep}"
        );
        let lines = read(&out, "runs.journal");
        let ids: BTreeSet<String> = lines
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("cut at byte {keep}: line {l:?}: {e}"));
                v["run"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(ids.len(), RUNS, "cut at byte {keep}: every run journaled");
        assert_eq!(
            lines.lines().count(),
            RUNS,
            "cut at byte {keep}: no run journaled twice"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
