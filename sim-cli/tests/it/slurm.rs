//! `fabricsim slurm`: the scripts it writes; those scripts run by bash the way Slurm runs
//! them; and, where a Slurm cluster is up (`.ci/run` starts a one-node one with
//! `ci/slurm/start-slurm.sh`), a real job array submitted with sbatch, merged after it,
//! and compared byte for byte with the same sweep run on one machine.
//!
//! Without Slurm the last test passes after printing `skipped: <why>` (on stderr, past
//! the test harness's capture, so it shows in CI logs). `FABRICSIM_REQUIRE_SLURM=1` turns
//! that skip into a failure.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::{repo_path, temp_dir};

const BIN: &str = env!("CARGO_BIN_EXE_fabricsim");

/// Runs `fabricsim ARGS` in `dir`.
fn fabricsim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the fabricsim binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A line on the real stderr, not the captured one: skips must show in `cargo test`'s output.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// A fresh folder holding a small sweep over the policy fixture: 8 runs.
fn sweep_fixture(tag: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(tag);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        repo_path("sim-cli/tests/fixtures/policy/scenario.toml"),
        dir.join("scenario.toml"),
    )
    .unwrap();
    let sweep = dir.join("sweep.toml");
    std::fs::write(&sweep, SWEEP).unwrap();
    (dir, sweep)
}

/// 2 checkpoint intervals x 2 failure-rate scales x 2 seeds = 8 runs of a 8-day scenario.
const SWEEP: &str = r#"# sim-cli/tests/slurm.rs: a small sweep, cut into array tasks.
base = "scenario.toml"
seeds = 2

[axes]
"jobs.big.checkpoint_interval" = ["30m", "2h"]
"failures.rate_scale" = [2, 4]
"#;

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Every file under `dir`, with its contents, for failure messages.
fn dump(dir: &Path) -> String {
    let mut out = String::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return format!("({} is missing)\n", dir.display());
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        out.push_str(&format!(
            "--- {}\n{}\n",
            path.display(),
            String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default())
        ));
    }
    out
}

/// Asserts `runs.csv` and `aggregate.csv` are byte-identical in both folders.
fn assert_same_results(merged: &Path, local: &Path, context: &str) {
    for name in ["runs.csv", "aggregate.csv"] {
        let (got, want) = (read(&merged.join(name)), read(&local.join(name)));
        assert!(
            got == want,
            "{name} differs between {} and the local sweep {}\n--- merged:\n{}\n--- local:\n{}\n{context}",
            merged.display(),
            local.display(),
            text(&got),
            text(&want),
        );
    }
}

/// Runs the sweep on one machine into `dir/local` and returns that folder.
fn local_sweep(dir: &Path, sweep: &Path) -> PathBuf {
    let local = dir.join("local");
    let out = fabricsim_in(
        dir,
        &[
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            local.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "local sweep: {out:?}");
    local
}

#[test]
fn writes_deterministic_scripts_with_absolute_paths() {
    let (dir, _) = sweep_fixture("slurm-scripts");
    let args = [
        "slurm",
        "sweep.toml",
        "--out",
        "cluster",
        "--tasks",
        "3",
        "--cpus-per-task",
        "2",
        "--partition",
        "debug",
        "--time",
        "10:00",
    ];
    let out = fabricsim_in(&dir, &args);
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("submit with:"), "{stdout}");
    assert!(stdout.contains("sbatch --dependency=afterok:"), "{stdout}");

    let slurm = dir.join("cluster/slurm");
    assert!(slurm.join("logs").is_dir(), "Slurm needs the log folder");
    let sweep = text(&read(&slurm.join("sweep.sbatch")));
    let merge = text(&read(&slurm.join("merge.sbatch")));
    let abs = dir.to_str().unwrap();
    for line in [
        "#!/bin/bash\n".to_owned(),
        "#SBATCH --array=0-2\n".to_owned(),
        "#SBATCH --cpus-per-task=2\n".to_owned(),
        "#SBATCH --partition=debug\n".to_owned(),
        "#SBATCH --time=10:00\n".to_owned(),
        format!("#SBATCH --output=\"{abs}/cluster/slurm/logs/sweep-%A_%a.out\"\n"),
        format!("#SBATCH --error=\"{abs}/cluster/slurm/logs/sweep-%A_%a.err\"\n"),
        format!("fabricsim={BIN}\n"),
        format!("sweep={abs}/sweep.toml\n"),
        format!("shards={abs}/cluster/shards\n"),
        "tasks=3 ".to_owned(),
        "--jobs 2 ".to_owned(),
        "--shard \"$((SLURM_ARRAY_TASK_ID + 1))/$tasks\"".to_owned(),
        "--out \"$shards/$SLURM_ARRAY_TASK_ID\"".to_owned(),
    ] {
        assert!(sweep.contains(&line), "no {line:?} in\n{sweep}");
    }
    for line in [
        "#SBATCH --kill-on-invalid-dep=yes\n".to_owned(),
        format!("out={abs}/cluster\n"),
        "exec \"$fabricsim\" merge \"${shards[@]}\" --out \"$out\"\n".to_owned(),
    ] {
        assert!(merge.contains(&line), "no {line:?} in\n{merge}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(slurm.join("sweep.sbatch"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "executable: {mode:o}");
    }

    // Deterministic: the same arguments write the same bytes.
    let again = fabricsim_in(&dir, &args);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(stdout, text(&again.stdout));
    assert_eq!(sweep, text(&read(&slurm.join("sweep.sbatch"))));
    assert_eq!(merge, text(&read(&slurm.join("merge.sbatch"))));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_are_errors() {
    let (dir, _) = sweep_fixture("slurm-errors");
    let out = fabricsim_in(&dir, &["slurm", "missing.toml", "--out", "o"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains("missing.toml"), "{out:?}");
    for bad in [
        &["--tasks", "0"][..],
        &["--cpus-per-task", "0"],
        &["--partition", "a b"],
        &["--time", "1:00\n#SBATCH --x"],
        &["--binary", "/no/such/fabricsim"],
    ] {
        let mut args = vec!["slurm", "sweep.toml", "--out", "o"];
        args.extend_from_slice(bad);
        let out = fabricsim_in(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {out:?}");
    }
    let out = fabricsim_in(&dir, &["slurm", "sweep.toml", "--out", "a\\b"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains("backslash"), "{out:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The scripts, run by bash with the variables Slurm sets, give the local sweep's bytes:
/// this checks the shard arithmetic and the merge everywhere, Slurm or not.
#[test]
fn scripts_run_as_slurm_would_match_the_local_sweep() {
    let (dir, sweep) = sweep_fixture("slurm-bash");
    // An awkward output folder: the scripts must quote it for bash and for sbatch.
    let cluster = dir.join("it's 100% \"ours\"");
    let out = fabricsim_in(
        &dir,
        &[
            "slurm",
            "sweep.toml",
            "--out",
            cluster.to_str().unwrap(),
            "--tasks",
            "3",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let slurm = cluster.join("slurm");
    // Task 1 alone first: a re-run of one task still runs shard 2 of 3.
    for (task, count) in [("1", "1"), ("0", "3"), ("2", "3")] {
        let run = Command::new("bash")
            .arg(slurm.join("sweep.sbatch"))
            .env("SLURM_ARRAY_TASK_ID", task)
            .env("SLURM_ARRAY_TASK_COUNT", count)
            .current_dir("/")
            .output()
            .expect("bash runs");
        assert!(run.status.success(), "task {task}: {run:?}");
        assert!(cluster.join("shards").join(task).is_dir(), "task {task}");
    }
    let bad = Command::new("bash")
        .arg(slurm.join("sweep.sbatch"))
        .env("SLURM_ARRAY_TASK_ID", "3")
        .env("SLURM_ARRAY_TASK_COUNT", "4")
        .output()
        .expect("bash runs");
    assert_eq!(bad.status.code(), Some(2), "task 3 of 3 shards: {bad:?}");
    let unset = Command::new("bash")
        .arg(slurm.join("sweep.sbatch"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .expect("bash runs");
    assert!(!unset.status.success(), "{unset:?}");
    assert!(text(&unset.stderr).contains("sbatch"), "{unset:?}");

    let merge = Command::new("bash")
        .arg(slurm.join("merge.sbatch"))
        .current_dir("/")
        .output()
        .expect("bash runs");
    assert!(merge.status.success(), "merge: {merge:?}");
    let local = local_sweep(&dir, &sweep);
    assert_same_results(&cluster, &local, "");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Why the real-Slurm test cannot run here, if it cannot.
fn slurm_unavailable() -> Option<String> {
    for tool in ["sbatch", "sinfo", "squeue"] {
        match Command::new(tool).arg("--version").output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => return Some(format!("`{tool} --version` failed: {out:?}")),
            Err(e) => {
                return Some(format!(
                    "{tool} is not on PATH ({e}); as root, ci/slurm/start-slurm.sh installs \
                     and starts a one-node Slurm"
                ));
            }
        }
    }
    let out = match Command::new("sinfo")
        .args(["-h", "-N", "-o", "%N %t"])
        .output()
    {
        Ok(out) if out.status.success() => out,
        Ok(out) => {
            return Some(format!(
                "sinfo failed (is slurmctld running? ci/slurm/start-slurm.sh starts it): {}",
                text(&out.stderr).trim()
            ));
        }
        Err(e) => return Some(format!("sinfo: {e}")),
    };
    let nodes = text(&out.stdout);
    if nodes
        .lines()
        .any(|l| l.ends_with(" idle") || l.ends_with(" mix"))
    {
        None
    } else {
        Some(format!(
            "sinfo shows no idle node (nodes and states: {:?})",
            nodes.trim()
        ))
    }
}

/// The number after `word ` in `text` ("array job 12" -> 12).
fn number_after(text: &str, word: &str) -> String {
    let at = text
        .find(word)
        .unwrap_or_else(|| panic!("no {word:?} in {text}"));
    text[at + word.len()..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// The state of a job (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, ...), or "" once
/// Slurm has forgotten it. For an array, one state per task.
fn job_states(job: &str) -> Vec<String> {
    let out = Command::new("squeue")
        .args(["-h", "-t", "all", "-j", job, "-o", "%T"])
        .output()
        .expect("squeue runs");
    text(&out.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn slurm_array_sweep_matches_local_sweep() {
    if let Some(why) = slurm_unavailable() {
        if std::env::var_os("FABRICSIM_REQUIRE_SLURM").is_some() {
            panic!("FABRICSIM_REQUIRE_SLURM is set, but: {why}");
        }
        say(&format!(
            "slurm_array_sweep_matches_local_sweep skipped: {why}"
        ));
        return;
    }
    let timeout = Duration::from_secs(
        std::env::var("FABRICSIM_SLURM_TIMEOUT_S")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(300),
    );
    let (dir, sweep) = sweep_fixture("slurm-array");
    let cluster = dir.join("cluster");
    let started = Instant::now();
    let out = fabricsim_in(
        &dir,
        &[
            "slurm",
            sweep.to_str().unwrap(),
            "--out",
            cluster.to_str().unwrap(),
            "--tasks",
            "3",
            "--cpus-per-task",
            "1",
            "--time",
            "10:00",
            "--submit",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    let array_job = number_after(&stdout, "array job");
    let merge_job = number_after(&stdout, "merge job");
    let logs = cluster.join("slurm/logs");

    // Wait for the merge: done when Slurm says so and both files are there.
    let merged = [cluster.join("runs.csv"), cluster.join("aggregate.csv")];
    loop {
        let states = job_states(&merge_job);
        let files = merged.iter().all(|p| p.is_file());
        match states.first().map(String::as_str) {
            Some("COMPLETED") if files => break,
            Some("COMPLETED") => panic!(
                "merge job {merge_job} completed without writing {} and {}\n{}",
                merged[0].display(),
                merged[1].display(),
                dump(&logs)
            ),
            None if files => break,
            Some("PENDING" | "CONFIGURING" | "RUNNING" | "COMPLETING") | None => {}
            Some(other) => panic!(
                "merge job {merge_job} ended {other}; array job {array_job}: {:?}\n{}",
                job_states(&array_job),
                dump(&logs)
            ),
        }
        if started.elapsed() > timeout {
            panic!(
                "no merged result after {timeout:?}: array job {array_job} {:?}, merge job \
                 {merge_job} {states:?}\n{}",
                job_states(&array_job),
                dump(&logs)
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let took = started.elapsed();
    for task in 0..3 {
        assert!(
            cluster.join("shards").join(task.to_string()).is_dir(),
            "shard folder {task}"
        );
    }
    let local = local_sweep(&dir, &sweep);
    assert_same_results(&cluster, &local, &dump(&logs));
    say(&format!(
        "slurm: array job {array_job} (3 tasks) and merge job {merge_job} done in {:.1} s; \
         runs.csv and aggregate.csv match the local sweep",
        took.as_secs_f64()
    ));
    let _ = std::fs::remove_dir_all(&dir);
}
