//! Sweeps through the real binary: expansion and zipped groups, stable run ids, overrides
//! checked before anything runs, byte-identical outputs for any `--jobs`, resume after an
//! interruption (a cut journal, a deleted runs.csv, Ctrl-C), shards merged into the
//! unsharded outputs, `--assert`, `--json` and `fabricsim compare`.
//!
//! The base scenario is `tests/fixtures/sweep/scenario.toml` (two sites, one job, failures
//! and a scripted outage over four days); `tests/fixtures/sweep/sweep.toml` sweeps it over
//! 2 placement policies x 3 outage durations x 2 zipped checkpoint settings x 3 seeds.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{fabricsim, repo_path, temp_dir};

/// Runs in the fixture sweep.
const RUNS: usize = 36;

fn fixture_sweep() -> PathBuf {
    repo_path("sim-cli/tests/fixtures/sweep/sweep.toml")
}

/// The fixture scenario's absolute path as a TOML string.
fn base() -> String {
    let path = repo_path("sim-cli/tests/fixtures/sweep/scenario.toml");
    format!("{:?}", path.canonicalize().unwrap().display().to_string())
}

/// Writes a sweep file over the fixture scenario: `base = ...` then `body`.
fn sweep_file(dir: &Path, name: &str, body: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, format!("base = {}\n{body}", base())).unwrap();
    path
}

fn run(args: &[&str]) -> Output {
    fabricsim(args)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}",
        out.status.code(),
        stderr(out)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Runs the fixture sweep into `out` with `--jobs jobs` and returns (runs.csv, aggregate.csv).
fn sweep_fixture(out: &Path, jobs: &str) -> (String, String) {
    ok(&run(&[
        "sweep",
        s(&fixture_sweep()),
        "--jobs",
        jobs,
        "--out",
        s(out),
    ]));
    (read(out, "runs.csv"), read(out, "aggregate.csv"))
}

/// CSV rows (naive split: the fixture's cells have no commas).
fn rows(csv: &str) -> Vec<Vec<String>> {
    csv.lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn expansion_is_the_product_with_zipped_groups_in_axis_order() {
    let out = ok(&run(&["sweep", s(&fixture_sweep()), "--dry-run"]));
    assert!(
        out.contains("12 points x 3 seeds = 36 runs; every point is a valid scenario"),
        "{out}"
    );
    let json = ok(&run(&[
        "sweep",
        s(&fixture_sweep()),
        "--dry-run",
        "--json",
        "--shard",
        "1/2",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["runs"], 36);
    assert_eq!(v["points"].as_array().unwrap().len(), 12);
    assert_eq!(v["points"][0]["axes"]["outages[0].duration"], "1h");
    let in_shard = v["shard_runs"].as_u64().unwrap();
    assert!(in_shard > 0 && in_shard < 36, "{in_shard}");
    let dir = temp_dir("sweep-expand");
    let (runs, aggregate) = sweep_fixture(&dir, "2");
    let runs = rows(&runs);
    assert_eq!(
        runs[0][..8],
        [
            "run_id",
            "point_id",
            "policy.placement",
            "outages[0].duration",
            "jobs.big.checkpoint_interval",
            "jobs.big.restart_overhead",
            "seed",
            "status"
        ]
    );
    assert!(runs[0].contains(&"ettr".to_owned()) && runs[0].contains(&"cost_usd".to_owned()));
    assert_eq!(runs.len(), 1 + RUNS);
    let axes = |r: &Vec<String>| r[2..7].join(" ");
    assert_eq!(axes(&runs[1]), "first-fit 1h 30m 5m 1");
    assert_eq!(axes(&runs[3]), "first-fit 1h 30m 5m 3");
    // The zipped pair varies together and fastest; the first axis slowest.
    assert_eq!(axes(&runs[4]), "first-fit 1h 2h 20m 1");
    assert_eq!(axes(&runs[7]), "first-fit 6h 30m 5m 1");
    assert_eq!(axes(&runs[19]), "cheapest 1h 30m 5m 1");
    assert!(runs[1..].iter().all(|r| r[7] == "ok"));
    let aggregate = rows(&aggregate);
    assert_eq!(aggregate.len(), 1 + 12);
    assert_eq!(
        aggregate[0][..6].join(","),
        "point_id,policy.placement,outages[0].duration,jobs.big.checkpoint_interval,jobs.big.restart_overhead,n"
    );
    assert!(aggregate[0].contains(&"ettr_mean".to_owned()));
    assert!(aggregate[0].contains(&"ettr_sd".to_owned()));
    assert!(aggregate[0].contains(&"ettr_ci95".to_owned()));
    assert!(
        aggregate[1..].iter().all(|r| r[5] == "3"),
        "n = 3 seeds per point"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn adding_a_value_to_an_axis_leaves_the_other_ids_and_rows_unchanged() {
    let dir = temp_dir("sweep-ids");
    let body = |policies: &str, seeds: &str| {
        format!(
            "seeds = {seeds}\n[axes]\n\"policy.placement\" = [{policies}]\n\
             \"outages[0].duration\" = [\"1h\", \"6h\"]\n"
        )
    };
    let a = sweep_file(&dir, "a.toml", &body("\"first-fit\", \"cheapest\"", "2"));
    let b = sweep_file(
        &dir,
        "b.toml",
        &body("\"greenest\", \"first-fit\", \"cheapest\"", "[2, 1, 5]"),
    );
    ok(&run(&["sweep", s(&a), "--out", s(&dir.join("a"))]));
    ok(&run(&["sweep", s(&b), "--out", s(&dir.join("b"))]));
    let a = read(&dir.join("a"), "runs.csv");
    let b = read(&dir.join("b"), "runs.csv");
    assert_eq!(a.lines().count(), 1 + 2 * 2 * 2);
    assert_eq!(b.lines().count(), 1 + 3 * 2 * 3);
    for row in a.lines().skip(1) {
        assert!(
            b.lines().any(|l| l == row),
            "row of a missing from b: {row}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_override_is_reported_at_its_line_and_column_before_anything_runs() {
    let dir = temp_dir("sweep-bad");
    let file = sweep_file(
        &dir,
        "bad.toml",
        "seeds = 2\n[axes]\n\"policy.placement\" = [\"first-fit\", \"cheapst\"]\n\
         \"outages[0].duration\" = [\"1h\", \"6h\", \"6x\"]\n\"jobs.bgi.mfu\" = [0.3]\n",
    );
    let out_dir = dir.join("out");
    let out = run(&["sweep", s(&file), "--out", s(&out_dir)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let name = file.display().to_string();
    assert!(
        err.contains(&format!(
            "{name}:5:38: axes.\"outages[0].duration\"[2]: outages[0].duration: invalid duration \"6x\""
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{name}:4:36: axes.\"policy.placement\"[1]: policy.placement: unknown placement policy \"cheapst\"")),
        "{err}"
    );
    assert!(err.contains("(did you mean \"cheapest\"?)"), "{err}");
    assert!(
        err.contains(&format!(
            "{name}:6:1: axes.\"jobs.bgi.mfu\": `jobs.bgi` is not in the base scenario"
        )),
        "{err}"
    );
    assert!(err.contains("(did you mean \"big\"?)"), "{err}");
    assert!(err.contains("error: 3 problems in"), "{err}");
    assert!(!out_dir.exists(), "nothing ran, nothing was written");
    // Unknown keys of the sweep file itself.
    let file = sweep_file(&dir, "typo.toml", "seed = 2\n");
    let err = stderr(&run(&["sweep", s(&file)]));
    assert!(err.contains(":2:1: seed: unknown key `seed`"), "{err}");
    assert!(err.contains("(did you mean \"seeds\"?)"), "{err}");
    // A base scenario that cannot be read, at the `base` line.
    std::fs::write(dir.join("nobase.toml"), "base = \"nope.toml\"\nseeds = 1\n").unwrap();
    let out = run(&["sweep", s(&dir.join("nobase.toml"))]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("nobase.toml:1:8: base: cannot read the base scenario"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn jobs_1_and_jobs_2_write_identical_bytes() {
    let dir = temp_dir("sweep-jobs");
    let one = sweep_fixture(&dir.join("one"), "1");
    let two = sweep_fixture(&dir.join("two"), "2");
    assert!(one.0 == two.0, "runs.csv differs between --jobs 1 and 2");
    assert!(
        one.1 == two.1,
        "aggregate.csv differs between --jobs 1 and 2"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_override_with_the_base_value_gives_the_figures_of_fabricsim_run() {
    let dir = temp_dir("sweep-same");
    let file = sweep_file(
        &dir,
        "same.toml",
        "seeds = [4]\n[axes]\n\"policy.placement\" = [\"first-fit\"]\n",
    );
    ok(&run(&["sweep", s(&file), "--out", s(&dir.join("sweep"))]));
    let scenario = repo_path("sim-cli/tests/fixtures/sweep/scenario.toml");
    ok(&run(&[
        "run",
        s(&scenario),
        "--seed",
        "4",
        "--out",
        s(&dir.join("run")),
    ]));
    let summary = rows(&read(&dir.join("run"), "summary.csv"));
    let runs = rows(&read(&dir.join("sweep"), "runs.csv"));
    for (name, value) in summary[0].iter().zip(&summary[1]).skip(2) {
        let c = runs[0].iter().position(|h| h == name).unwrap();
        assert_eq!(&runs[1][c], value, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn resume_skips_finished_runs_and_never_duplicates_a_row() {
    let dir = temp_dir("sweep-resume");
    let full = sweep_fixture(&dir.join("full"), "2");
    let part = dir.join("part");
    sweep_fixture(&part, "2");
    // A crash: the journal cut in the middle of its 11th line, runs.csv gone.
    let journal = read(&part, "runs.journal");
    let cut: usize = journal.lines().take(10).map(|l| l.len() + 1).sum::<usize>() + 40;
    std::fs::write(part.join("runs.journal"), &journal[..cut]).unwrap();
    std::fs::remove_file(part.join("runs.csv")).unwrap();
    std::fs::remove_file(part.join("aggregate.csv")).unwrap();
    let out = ok(&run(&["sweep", s(&fixture_sweep()), "--out", s(&part)]));
    assert!(out.contains("36 runs; 10 already done"), "{out}");
    assert!(out.contains("26 to run"), "{out}");
    assert!(
        read(&part, "runs.csv") == full.0,
        "resumed runs.csv differs"
    );
    assert!(
        read(&part, "aggregate.csv") == full.1,
        "resumed aggregate.csv differs"
    );
    let journal = read(&part, "runs.journal");
    assert_eq!(
        journal.lines().count(),
        RUNS,
        "the cut line was dropped, no line twice"
    );
    // Again: nothing to do, nothing changes.
    let out = ok(&run(&["sweep", s(&fixture_sweep()), "--out", s(&part)]));
    assert!(out.contains("36 already done"), "{out}");
    assert!(out.contains("0 to run"), "{out}");
    assert_eq!(read(&part, "runs.journal"), journal);
    assert!(read(&part, "runs.csv") == full.0);
    // runs.csv alone is enough to resume from.
    std::fs::remove_file(part.join("runs.journal")).unwrap();
    let out = ok(&run(&["sweep", s(&fixture_sweep()), "--out", s(&part)]));
    assert!(out.contains("36 already done"), "{out}");
    assert!(read(&part, "runs.csv") == full.0);
    assert!(read(&part, "aggregate.csv") == full.1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_changed_base_scenario_or_a_foreign_folder_is_refused() {
    let dir = temp_dir("sweep-refuse");
    // A folder with someone else's runs.csv is not overwritten.
    let foreign = dir.join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("runs.csv"), "policy,seed\n").unwrap();
    let out = run(&["sweep", s(&fixture_sweep()), "--out", s(&foreign)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no sweep.toml written by `fabricsim sweep`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&foreign, "runs.csv"), "policy,seed\n");
    // Results of another version of the base scenario are not mixed in.
    let copy = dir.join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    let fixture = repo_path("sim-cli/tests/fixtures/sweep");
    for f in ["scenario.toml", "sweep.toml"] {
        std::fs::copy(fixture.join(f), copy.join(f)).unwrap();
    }
    let out_dir = dir.join("out");
    ok(&run(&[
        "sweep",
        s(&copy.join("sweep.toml")),
        "--out",
        s(&out_dir),
    ]));
    let scenario = read(&copy, "scenario.toml").replace("rate_scale = 4", "rate_scale = 5");
    std::fs::write(copy.join("scenario.toml"), scenario).unwrap();
    let out = run(&["sweep", s(&copy.join("sweep.toml")), "--out", s(&out_dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("another version of the base scenario"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shards_merged_are_byte_identical_to_the_unsharded_sweep() {
    let dir = temp_dir("sweep-shards");
    let full = sweep_fixture(&dir.join("full"), "2");
    let mut counts = Vec::new();
    for k in ["1/2", "2/2"] {
        let out = dir.join(format!("shard-{}", &k[..1]));
        ok(&run(&[
            "sweep",
            s(&fixture_sweep()),
            "--shard",
            k,
            "--out",
            s(&out),
        ]));
        counts.push(read(&out, "runs.csv").lines().count() - 1);
    }
    assert_eq!(counts.iter().sum::<usize>(), RUNS);
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
    let (one, two, merged) = (dir.join("shard-1"), dir.join("shard-2"), dir.join("merged"));
    let out = ok(&run(&["merge", s(&one), s(&two), "--out", s(&merged)]));
    assert!(out.contains("merged 2 folders"), "{out}");
    assert!(
        read(&merged, "runs.csv") == full.0,
        "merged runs.csv differs"
    );
    assert!(
        read(&merged, "aggregate.csv") == full.1,
        "merged aggregate.csv differs"
    );
    // A missing shard, or one given twice, is named and nothing is written.
    let out = run(&["merge", s(&one), "--out", s(&dir.join("m1"))]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{} of 36 runs are in none of the folders",
            counts[1]
        )),
        "{err}"
    );
    assert!(err.contains("seed "), "{err}");
    assert!(!dir.join("m1").exists());
    let out = run(&[
        "merge",
        s(&one),
        s(&two),
        s(&one),
        "--out",
        s(&dir.join("m2")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("in more than one folder"),
        "{}",
        stderr(&out)
    );
    // Folders of different sweeps are refused.
    let other = sweep_file(&dir, "other.toml", "seeds = 1\n");
    ok(&run(&["sweep", s(&other), "--out", s(&dir.join("other"))]));
    let out = run(&[
        "merge",
        s(&one),
        s(&dir.join("other")),
        "--out",
        s(&dir.join("m3")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("come from different sweeps"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn assertions_set_the_exit_code_and_name_the_failing_point() {
    let dir = temp_dir("sweep-assert");
    sweep_fixture(&dir, "2");
    let sweep = fixture_sweep();
    let with = |asserts: &[&str]| {
        let mut args = vec!["sweep", s(&sweep), "--out", s(&dir)];
        for a in asserts {
            args.extend(["--assert", a]);
        }
        run(&args)
    };
    let out = with(&["ettr >= 0.5", "n == 3", "cost_usd_sd < 1e6"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("3 of 3 assertions held"),
        "{}",
        stderr(&out)
    );
    let out = with(&["ettr >= 0.5", "ettr >= 0.9"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "assertion ettr >= 0.9 failed at point policy.placement=first-fit, \
             outages[0].duration=6h, jobs.big.checkpoint_interval=30m, \
             jobs.big.restart_overhead=5m (mean 0.88527, n 3)"
        ),
        "{err}"
    );
    assert!(
        !err.contains("policy.placement=cheapest"),
        "cheapest avoids the outage: {err}"
    );
    let out = with(&["etr >= 0.9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean \"ettr\""),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_prints_a_machine_readable_summary() {
    let dir = temp_dir("sweep-json");
    let out = run(&[
        "sweep",
        s(&fixture_sweep()),
        "--out",
        s(&dir),
        "--json",
        "--assert",
        "ettr >= 0.9",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["sweep"], "fixture-sweep");
    assert_eq!(v["runs"]["total"], 36);
    assert_eq!(v["runs"]["done"], 36);
    assert_eq!(v["runs"]["failed"], 0);
    assert_eq!(v["exit_code"], 1);
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 12);
    assert_eq!(points[0]["axes"]["policy.placement"], "first-fit");
    assert_eq!(points[0]["n"], 3);
    assert!(points[0]["figures"]["ettr"]["mean"].as_f64().unwrap() > 0.5);
    assert!(points[0]["figures"]["ettr"]["ci95"].as_f64().is_some());
    let a = &v["assertions"][0];
    assert_eq!(a["assertion"], "ettr >= 0.9");
    assert_eq!(a["passed"], false);
    assert_eq!(a["failures"].as_array().unwrap().len(), 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compare_reports_figures_that_moved_and_exits_1() {
    let dir = temp_dir("sweep-compare");
    let (base_dir, new_dir) = (dir.join("base"), dir.join("new"));
    sweep_fixture(&base_dir, "2");
    // The same sweep over a scenario with twice the failure rate.
    let copy = dir.join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    let fixture = repo_path("sim-cli/tests/fixtures/sweep");
    std::fs::copy(fixture.join("sweep.toml"), copy.join("sweep.toml")).unwrap();
    let scenario = std::fs::read_to_string(fixture.join("scenario.toml"))
        .unwrap()
        .replace("rate_scale = 4", "rate_scale = 8");
    std::fs::write(copy.join("scenario.toml"), scenario).unwrap();
    ok(&run(&[
        "sweep",
        s(&copy.join("sweep.toml")),
        "--out",
        s(&new_dir),
    ]));

    let same = run(&["compare", s(&base_dir), s(&base_dir)]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(String::from_utf8_lossy(&same.stdout).contains("0 of "));
    let moved = run(&["compare", s(&base_dir), s(&new_dir), "--tolerance", "5%"]);
    assert_eq!(moved.status.code(), Some(1), "{}", stderr(&moved));
    let text = String::from_utf8_lossy(&moved.stdout);
    assert!(text.contains("interruptions"), "{text}");
    assert!(text.contains("beyond ±5%"), "{text}");
    let json = run(&["compare", s(&base_dir), s(&new_dir), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["exit_code"], 1);
    assert!(
        v["moved"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["figure"] == "interruptions")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Ctrl-C: the runs in progress finish, the outputs show every finished run, the exit
/// code is 130, and running again picks up where it stopped.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_keeps_what_finished() {
    use std::time::{Duration, Instant};

    let dir = temp_dir("sweep-ctrlc");
    // Long enough per run (a 54-day, 16k-GPU job) that the sweep cannot finish first.
    let scenario = repo_path("experiments/llama3-reliability/scenario.toml")
        .canonicalize()
        .unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("long.toml");
    let body = |seeds: &str| {
        format!(
            "base = {:?}\nseeds = {seeds}\n",
            scenario.display().to_string()
        )
    };
    std::fs::write(&file, body("2000")).unwrap();
    let out = dir.join("out");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_fabricsim"))
        .args(["sweep", s(&file), "--jobs", "1", "--out", s(&out)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::fs::read_to_string(out.join("runs.journal")).map_or(0, |j| j.lines().count()) < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no run finished in 60 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(130), "{err}");
    assert!(
        err.contains("run the same command again to resume"),
        "{err}"
    );
    let done = read(&out, "runs.csv").lines().count() - 1;
    let journaled = read(&out, "runs.journal").lines().count();
    assert!((2..2000).contains(&done), "{done} runs done");
    assert_eq!(done, journaled, "runs.csv shows every journaled run");
    // Resuming a smaller sweep over the same runs: the finished ones are reused.
    let keep = done.min(5);
    std::fs::write(&file, body(&keep.to_string())).unwrap();
    let text = ok(&run(&["sweep", s(&file), "--out", s(&out)]));
    assert!(text.contains(&format!("{keep} already done")), "{text}");
    assert!(text.contains("0 to run"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
