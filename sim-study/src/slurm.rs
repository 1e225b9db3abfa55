//! `fabricsim slurm`: a sweep as a Slurm job array, and the merge after it.
//!
//! ```text
//! fabricsim slurm FILE --out DIR --tasks N [--cpus-per-task C] [--submit]
//!
//!   DIR/slurm/sweep.sbatch   #SBATCH --array=0-(N-1)
//!                            task i: fabricsim sweep FILE --jobs C --shard (i+1)/N --out DIR/shards/i
//!   DIR/slurm/merge.sbatch   fabricsim merge DIR/shards/0 ... DIR/shards/(N-1) --out DIR
//!   DIR/slurm/logs/          sweep-<array job>_<task>.{out,err}, merge-<job>.{out,err}
//!
//!   --submit:  sbatch sweep.sbatch  ->  array job J
//!              sbatch --dependency=afterok:J merge.sbatch
//!   DIR/runs.csv, DIR/aggregate.csv: byte-identical to `fabricsim sweep FILE --out DIR`
//! ```
//!
//! The scripts are plain bash with every path absolute, so they can be read, kept, edited
//! and submitted by hand, from any folder. Their text depends only on the arguments (no
//! dates, user or host names), so writing them twice gives the same bytes.
//!
//! Each task takes its shard number from `SLURM_ARRAY_TASK_ID` and the shard count
//! from the script (the `--tasks` it was written for), and checks it against
//! `SLURM_ARRAY_TASK_COUNT`: a full run of the array has them equal, and a re-run of only
//! the failed tasks (`sbatch --array=2,5 sweep.sbatch`) still runs shards 3/N and 6/N, where
//! `$SLURM_ARRAY_TASK_COUNT` would be 2. The merge names its N shard folders, so folders
//! left over from an earlier sweep with more tasks are never merged in.
//!
//! Quoting: in the bash part, a path is written bare when its characters are all
//! letters, digits or one of `_./,:+@-`, else in single quotes (`'` as `'\''`); it is
//! then only used inside double quotes.
//! In `#SBATCH --output=` and `--error=` lines (which sbatch itself parses, not bash) the
//! path is in double quotes with `"` as `\"` and `%` as `%%` (a filename pattern's escape).
//! Paths sbatch cannot carry there are refused with a clear error: a backslash (it turns
//! off Slurm's `%A`/`%a` patterns) or a control character such as a newline in the output
//! folder, and any path that is not valid UTF-8.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use clap::Args;

/// Arguments of `fabricsim slurm`.
#[derive(Debug, Args)]
pub struct SlurmArgs {
    /// Sweep file (TOML), as for `fabricsim sweep`.
    pub file: PathBuf,
    /// Folder for everything: slurm/ (the scripts and logs), shards/ (one folder per array
    /// task) and, after the merge, runs.csv and aggregate.csv (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Array tasks: the sweep is cut into this many shards, one per task.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub tasks: u32,
    /// CPUs per array task; each task runs its shard with `--jobs C`.
    #[arg(long, value_name = "C", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub cpus_per_task: u32,
    /// Slurm partition (`#SBATCH --partition`); the cluster's default when absent.
    #[arg(long, value_name = "NAME", value_parser = slurm_word)]
    pub partition: Option<String>,
    /// Time limit per task and for the merge (`#SBATCH --time`, e.g. 30, 2:00:00, 1-00:00:00).
    #[arg(long, value_name = "TIME", value_parser = slurm_word)]
    pub time: Option<String>,
    /// The fabricsim binary the jobs run (default: this program). It must be reachable
    /// at this path on the compute nodes.
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
    /// Submit the array with sbatch, then the merge with --dependency=afterok:ARRAY_JOB,
    /// and print both job ids. Without it the scripts are written and the command to
    /// submit them is printed.
    #[arg(long)]
    pub submit: bool,
    /// Skip checking FILE with `BINARY sweep FILE --dry-run` before writing the scripts
    /// (for a binary that cannot run here).
    #[arg(long)]
    pub no_check: bool,
}

/// A value that goes into an `#SBATCH` line as is: a partition list or a time limit.
fn slurm_word(text: &str) -> Result<String, String> {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:,+".contains(c))
    {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?}: expected letters, digits and _ - . : , + only"
        ))
    }
}

/// What the scripts are written from: absolute, UTF-8 paths and the array's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The fabricsim binary the jobs run.
    pub binary: String,
    /// The sweep file.
    pub file: String,
    /// The output folder.
    pub out: String,
    /// Array tasks (= shards).
    pub tasks: u32,
    /// CPUs per task (= `--jobs` of each shard).
    pub cpus_per_task: u32,
    /// `#SBATCH --partition`, if any.
    pub partition: Option<String>,
    /// `#SBATCH --time`, if any.
    pub time: Option<String>,
}

/// The two batch scripts of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Scripts {
    /// `slurm/sweep.sbatch`: the job array.
    pub sweep: String,
    /// `slurm/merge.sbatch`: the merge, submitted after the array.
    pub merge: String,
}

/// Runs `fabricsim slurm`: writes the scripts and submits them with `--submit`.
pub fn run(args: &SlurmArgs) -> anyhow::Result<ExitCode> {
    let plan = plan(args)?;
    let scripts = scripts(&plan)?;
    let runs = if args.no_check {
        None
    } else {
        check_sweep(&plan)?
    };
    let out = Path::new(&plan.out);
    let slurm_dir = out.join("slurm");
    let logs = slurm_dir.join("logs");
    // Slurm does not create the folders of --output/--error: a task whose log folder is
    // missing fails before it starts, with nothing written anywhere.
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let sweep_path = slurm_dir.join("sweep.sbatch");
    let merge_path = slurm_dir.join("merge.sbatch");
    write_script(&sweep_path, &scripts.sweep)?;
    write_script(&merge_path, &scripts.merge)?;

    let mut text = format!(
        "wrote {} (an array of {} task{}, {} CPU{} each) and {}\n",
        sweep_path.display(),
        plan.tasks,
        plural(plan.tasks),
        plan.cpus_per_task,
        plural(plan.cpus_per_task),
        merge_path.display(),
    );
    if let Some(runs) = runs {
        // Shards take the runs whose id modulo N is K - 1, so their sizes vary.
        let tasks = u64::from(plan.tasks);
        let _ = write!(
            text,
            "{runs} run{} over {tasks} task{}",
            plural_u64(runs),
            plural_u64(tasks)
        );
        if runs < tasks {
            let _ = write!(
                text,
                ": at least {} task{} get{} no run (--tasks {runs} would do)",
                tasks - runs,
                plural_u64(tasks - runs),
                if tasks - runs == 1 { "s" } else { "" }
            );
        }
        text.push('\n');
    }
    if args.submit {
        let sweep_job = sbatch(&[], &sweep_path)?;
        let merge_job = sbatch(&[format!("--dependency=afterok:{sweep_job}")], &merge_path)
            .with_context(|| {
                format!("the sweep array is submitted as job {sweep_job}, but its merge is not")
            })?;
        let _ = writeln!(
            text,
            "submitted array job {sweep_job} (tasks 0-{}) and merge job {merge_job} \
             (runs once every task has succeeded)",
            plan.tasks - 1
        );
        let _ = writeln!(
            text,
            "results: {} and {} when job {merge_job} is done; logs in {}",
            out.join("runs.csv").display(),
            out.join("aggregate.csv").display(),
            logs.display()
        );
        let _ = writeln!(
            text,
            "if a task fails, the merge is cancelled: re-run the failed tasks with \
             `sbatch --array=ID,... {}`, then `sbatch {}`",
            sh_quote(&path_text(&sweep_path)?),
            sh_quote(&path_text(&merge_path)?),
        );
    } else {
        let _ = writeln!(text, "submit with:");
        let _ = writeln!(
            text,
            "  job=$(sbatch --parsable {}) && sbatch --dependency=afterok:${{job%%;*}} {}",
            sh_quote(&path_text(&sweep_path)?),
            sh_quote(&path_text(&merge_path)?),
        );
        let _ = writeln!(
            text,
            "results: {} and {} after the merge; logs in {}",
            out.join("runs.csv").display(),
            out.join("aggregate.csv").display(),
            logs.display()
        );
    }
    sim_report::out::emit(&text);
    Ok(ExitCode::SUCCESS)
}

fn plural(n: u32) -> &'static str {
    plural_u64(n.into())
}

fn plural_u64(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Checks FILE with the binary the tasks will run (`sweep FILE --dry-run`, which checks
/// every point and runs nothing), so a bad sweep file fails here, once, rather than in
/// every array task. Returns the number of runs when the check says it.
fn check_sweep(plan: &Plan) -> anyhow::Result<Option<u64>> {
    let out = Command::new(&plan.binary)
        .args(["sweep", &plan.file, "--dry-run"])
        .output()
        .with_context(|| {
            format!(
                "running {} to check the sweep file (--no-check skips this)",
                plan.binary
            )
        })?;
    if !out.status.success() {
        bail!(
            "the sweep file does not check out (`{} sweep {} --dry-run`: {}), so nothing was \
             written:\n{}",
            plan.binary,
            plan.file,
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(runs_in(&String::from_utf8_lossy(&out.stdout)))
}

/// The run count of a dry run's first line ("... = 8 runs; ..."), if it has one.
fn runs_in(dry_run: &str) -> Option<u64> {
    let line = dry_run.lines().next()?;
    let (_, after) = line.split_once(" = ")?;
    let (number, rest) = after.split_once(' ')?;
    (rest.starts_with("run")).then(|| number.parse().ok())?
}

/// Checks the arguments and makes every path absolute (the jobs may start anywhere).
fn plan(args: &SlurmArgs) -> anyhow::Result<Plan> {
    let file = std::path::absolute(&args.file)
        .with_context(|| format!("resolving {}", args.file.display()))?;
    if !file.is_file() {
        let what = if file.is_dir() {
            "is a folder"
        } else {
            "not found"
        };
        bail!(
            "sweep file {} {what}: give the path of a sweep file (docs/sweep-format.md), e.g. \
             `fabricsim slurm experiments/llama3-reliability/sweep.toml --out DIR`",
            args.file.display()
        );
    }
    let binary = match &args.binary {
        Some(binary) => std::path::absolute(binary)
            .with_context(|| format!("resolving {}", binary.display()))?,
        None => std::env::current_exe().context("finding this program's path (give --binary)")?,
    };
    if !binary.is_file() {
        bail!(
            "binary {} not found: give --binary the path of the fabricsim binary the compute \
             nodes run, or leave --binary out to use this one",
            binary.display()
        );
    }
    let out = std::path::absolute(&args.out)
        .with_context(|| format!("resolving {}", args.out.display()))?;
    sim_report::out::check_out_folder(&out)?;
    Ok(Plan {
        binary: path_text(&binary)?,
        file: path_text(&file)?,
        out: path_text(&out)?,
        tasks: args.tasks,
        cpus_per_task: args.cpus_per_task,
        partition: args.partition.clone(),
        time: args.time.clone(),
    })
}

/// A path as UTF-8 text (the scripts are text).
fn path_text(path: &Path) -> anyhow::Result<String> {
    match path.to_str() {
        Some(text) => Ok(text.to_owned()),
        None => bail!(
            "{}: the path is not valid UTF-8, which the scripts cannot carry",
            path.display()
        ),
    }
}

/// The text of both scripts. Deterministic: a function of `plan` alone.
pub(crate) fn scripts(plan: &Plan) -> anyhow::Result<Scripts> {
    // The folder without a trailing slash ("" for the root), to join names onto.
    let base = plan.out.trim_end_matches('/');
    let out = if base.is_empty() { "/" } else { base };
    let logs = format!("{base}/slurm/logs");
    let n = plan.tasks;
    let bin = sh_quote(&plan.binary);

    let mut sweep = String::new();
    sweep.push_str("#!/bin/bash\n");
    sweep.push_str("# fabricsim sweep as a Slurm job array, written by `fabricsim slurm`.\n");
    let _ = writeln!(
        sweep,
        "# Task i runs shard i+1 of {n}; merge.sbatch joins the shards once all succeed."
    );
    let _ = writeln!(sweep, "#SBATCH --job-name=fabricsim-sweep");
    let _ = writeln!(sweep, "#SBATCH --array=0-{}", n - 1);
    let _ = writeln!(sweep, "#SBATCH --ntasks=1");
    let _ = writeln!(sweep, "#SBATCH --cpus-per-task={}", plan.cpus_per_task);
    sbatch_common(&mut sweep, plan);
    let _ = writeln!(
        sweep,
        "#SBATCH --output={}",
        sbatch_quote(&format!("{logs}/sweep-%A_%a.out"))?
    );
    let _ = writeln!(
        sweep,
        "#SBATCH --error={}",
        sbatch_quote(&format!("{logs}/sweep-%A_%a.err"))?
    );
    sweep.push_str("set -euo pipefail\n");
    let _ = writeln!(sweep, "fabricsim={bin}");
    let _ = writeln!(sweep, "sweep={}", sh_quote(&plan.file));
    let _ = writeln!(sweep, "shards={}", sh_quote(&format!("{base}/shards")));
    let _ = writeln!(sweep, "tasks={n} # the shards the sweep is cut into");
    sweep.push_str(
        ": \"${SLURM_ARRAY_TASK_ID:?is not set: submit this script with sbatch}\"\n\
         : \"${SLURM_ARRAY_TASK_COUNT:?is not set: submit this script with sbatch}\"\n\
         if [ \"$SLURM_ARRAY_TASK_ID\" -ge \"$tasks\" ]; then\n\
         \x20   echo \"error: array task $SLURM_ARRAY_TASK_ID, but the sweep has $tasks shards \
         (tasks 0-$((tasks - 1)))\" >&2\n\
         \x20   exit 2\n\
         fi\n\
         if [ \"$SLURM_ARRAY_TASK_COUNT\" -ne \"$tasks\" ]; then\n\
         \x20   echo \"note: $SLURM_ARRAY_TASK_COUNT tasks in this array: a partial re-run of \
         the $tasks shards\" >&2\n\
         fi\n",
    );
    let _ = writeln!(
        sweep,
        "exec \"$fabricsim\" sweep \"$sweep\" --jobs {} \\\n\
         \x20   --shard \"$((SLURM_ARRAY_TASK_ID + 1))/$tasks\" \\\n\
         \x20   --out \"$shards/$SLURM_ARRAY_TASK_ID\"",
        plan.cpus_per_task
    );

    let mut merge = String::new();
    merge.push_str("#!/bin/bash\n");
    merge.push_str(
        "# The merge of a fabricsim sweep run as a Slurm job array, written by \
                    `fabricsim slurm`.\n",
    );
    let _ = writeln!(
        merge,
        "# Submit it after sweep.sbatch with --dependency=afterok:<array job id>."
    );
    let _ = writeln!(merge, "#SBATCH --job-name=fabricsim-merge");
    let _ = writeln!(merge, "#SBATCH --ntasks=1");
    let _ = writeln!(merge, "#SBATCH --cpus-per-task=1");
    // A failed task makes afterok unsatisfiable for good: cancel the merge rather than
    // leave it pending forever.
    let _ = writeln!(merge, "#SBATCH --kill-on-invalid-dep=yes");
    sbatch_common(&mut merge, plan);
    let _ = writeln!(
        merge,
        "#SBATCH --output={}",
        sbatch_quote(&format!("{logs}/merge-%j.out"))?
    );
    let _ = writeln!(
        merge,
        "#SBATCH --error={}",
        sbatch_quote(&format!("{logs}/merge-%j.err"))?
    );
    merge.push_str("set -euo pipefail\n");
    let _ = writeln!(merge, "fabricsim={bin}");
    let _ = writeln!(merge, "out={}", sh_quote(out));
    let _ = writeln!(merge, "tasks={n}");
    merge.push_str(
        "shards=()\n\
         for ((i = 0; i < tasks; i++)); do shards+=(\"${out%/}/shards/$i\"); done\n\
         exec \"$fabricsim\" merge \"${shards[@]}\" --out \"$out\"\n",
    );
    Ok(Scripts { sweep, merge })
}

/// The `#SBATCH` lines both scripts share.
fn sbatch_common(script: &mut String, plan: &Plan) {
    if let Some(partition) = &plan.partition {
        let _ = writeln!(script, "#SBATCH --partition={partition}");
    }
    if let Some(time) = &plan.time {
        let _ = writeln!(script, "#SBATCH --time={time}");
    }
}

/// `text` as one bash word: bare when every character is plainly safe, else single-quoted.
pub(crate) fn sh_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./,:+@-".contains(c));
    if safe {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A Slurm filename pattern (`%A`, `%a`, `%j` kept) as the value of an `#SBATCH` line:
/// double-quoted, with `"` escaped and every `%` of the folder part doubled. Refuses what
/// sbatch cannot carry there.
pub(crate) fn sbatch_quote(pattern: &str) -> anyhow::Result<String> {
    // Only the folder part is a path; the file name is ours and holds the patterns.
    let (dir, name) = pattern.rsplit_once('/').unwrap_or(("", pattern));
    if dir.contains('\\') {
        bail!(
            "the output folder {dir:?} has a backslash, which turns off Slurm's %A/%a file \
             name patterns: choose another --out"
        );
    }
    if dir.chars().any(char::is_control) {
        bail!(
            "the output folder {dir:?} has a control character (a newline?), which an \
             #SBATCH line cannot carry: choose another --out"
        );
    }
    let dir = dir.replace('%', "%%").replace('"', "\\\"");
    Ok(format!("\"{dir}/{name}\""))
}

/// Writes an executable script.
fn write_script(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("making {} executable", path.display()))?;
    }
    Ok(())
}

/// Runs `sbatch --parsable EXTRA SCRIPT` and returns the job id it prints.
fn sbatch(extra: &[String], script: &Path) -> anyhow::Result<String> {
    let output = Command::new("sbatch")
        .arg("--parsable")
        .args(extra)
        .arg(script)
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                anyhow::anyhow!(
                    "sbatch not found: run this on a Slurm login node, or submit the \
                     scripts there without --submit"
                )
            } else {
                anyhow::Error::new(e).context("running sbatch")
            }
        })?;
    if !output.status.success() {
        bail!(
            "sbatch {} failed ({}): {}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    job_id(&stdout).with_context(|| {
        format!(
            "sbatch {} printed no job id: {:?}",
            script.display(),
            stdout.trim()
        )
    })
}

/// The job id of `sbatch --parsable` output: `12345` or `12345;cluster`.
fn job_id(parsable: &str) -> Option<String> {
    let id = parsable.trim().split(';').next()?.trim();
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_digit())).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(out: &str, tasks: u32) -> Plan {
        Plan {
            binary: "/opt/fabricsim/bin/fabricsim".into(),
            file: "/home/ada/study/sweep.toml".into(),
            out: out.into(),
            tasks,
            cpus_per_task: 4,
            partition: Some("debug".into()),
            time: Some("1:00:00".into()),
        }
    }

    #[test]
    fn sweep_script_is_an_array_of_one_shard_per_task() {
        let s = scripts(&plan("/scratch/out", 3)).unwrap();
        let want = r#"#!/bin/bash
# fabricsim sweep as a Slurm job array, written by `fabricsim slurm`.
# Task i runs shard i+1 of 3; merge.sbatch joins the shards once all succeed.
#SBATCH --job-name=fabricsim-sweep
#SBATCH --array=0-2
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --partition=debug
#SBATCH --time=1:00:00
#SBATCH --output="/scratch/out/slurm/logs/sweep-%A_%a.out"
#SBATCH --error="/scratch/out/slurm/logs/sweep-%A_%a.err"
set -euo pipefail
fabricsim=/opt/fabricsim/bin/fabricsim
sweep=/home/ada/study/sweep.toml
shards=/scratch/out/shards
tasks=3 # the shards the sweep is cut into
: "${SLURM_ARRAY_TASK_ID:?is not set: submit this script with sbatch}"
: "${SLURM_ARRAY_TASK_COUNT:?is not set: submit this script with sbatch}"
if [ "$SLURM_ARRAY_TASK_ID" -ge "$tasks" ]; then
    echo "error: array task $SLURM_ARRAY_TASK_ID, but the sweep has $tasks shards (tasks 0-$((tasks - 1)))" >&2
    exit 2
fi
if [ "$SLURM_ARRAY_TASK_COUNT" -ne "$tasks" ]; then
    echo "note: $SLURM_ARRAY_TASK_COUNT tasks in this array: a partial re-run of the $tasks shards" >&2
fi
exec "$fabricsim" sweep "$sweep" --jobs 4 \
    --shard "$((SLURM_ARRAY_TASK_ID + 1))/$tasks" \
    --out "$shards/$SLURM_ARRAY_TASK_ID"
"#;
        assert_eq!(s.sweep, want);
    }

    #[test]
    fn merge_script_names_every_shard_folder() {
        let s = scripts(&plan("/scratch/out/", 3)).unwrap();
        let want = r#"#!/bin/bash
# The merge of a fabricsim sweep run as a Slurm job array, written by `fabricsim slurm`.
# Submit it after sweep.sbatch with --dependency=afterok:<array job id>.
#SBATCH --job-name=fabricsim-merge
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --kill-on-invalid-dep=yes
#SBATCH --partition=debug
#SBATCH --time=1:00:00
#SBATCH --output="/scratch/out/slurm/logs/merge-%j.out"
#SBATCH --error="/scratch/out/slurm/logs/merge-%j.err"
set -euo pipefail
fabricsim=/opt/fabricsim/bin/fabricsim
out=/scratch/out
tasks=3
shards=()
for ((i = 0; i < tasks; i++)); do shards+=("${out%/}/shards/$i"); done
exec "$fabricsim" merge "${shards[@]}" --out "$out"
"#;
        assert_eq!(s.merge, want);
    }

    #[test]
    fn one_task_and_no_partition_or_time() {
        let mut p = plan("/o", 1);
        p.partition = None;
        p.time = None;
        let s = scripts(&p).unwrap();
        assert!(s.sweep.contains("#SBATCH --array=0-0\n"));
        assert!(s.sweep.contains("tasks=1 "));
        for text in [&s.sweep, &s.merge] {
            assert!(!text.contains("--partition"), "{text}");
            assert!(!text.contains("--time"), "{text}");
        }
    }

    #[test]
    fn scripts_are_deterministic() {
        let p = plan("/scratch/out", 7);
        assert_eq!(scripts(&p).unwrap(), scripts(&p).unwrap());
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(sh_quote("/a/b-c_d.e,f:g+h@i"), "/a/b-c_d.e,f:g+h@i");
        assert_eq!(sh_quote("/a b"), "'/a b'");
        assert_eq!(sh_quote("/it's"), r"'/it'\''s'");
        assert_eq!(sh_quote("/$HOME/`x`/*"), "'/$HOME/`x`/*'");
        assert_eq!(sh_quote("~/x"), "'~/x'");
        assert_eq!(sh_quote("/a=b"), "'/a=b'");
        assert_eq!(sh_quote(""), "''");
    }

    #[test]
    fn awkward_paths_are_quoted_in_both_languages() {
        let mut p = plan("/scratch/my \"runs\" 50% $USER's", 2);
        p.binary = "/opt/fab sim/fabricsim".into();
        p.file = "/home/ada/it's here/sweep.toml".into();
        let s = scripts(&p).unwrap();
        assert!(s.sweep.contains(
            r#"#SBATCH --output="/scratch/my \"runs\" 50%% $USER's/slurm/logs/sweep-%A_%a.out""#
        ));
        assert!(s.sweep.contains("fabricsim='/opt/fab sim/fabricsim'\n"));
        assert!(
            s.sweep
                .contains(r"sweep='/home/ada/it'\''s here/sweep.toml'")
        );
        assert!(
            s.sweep
                .contains(r#"shards='/scratch/my "runs" 50% $USER'\''s/shards'"#)
        );
        assert!(
            s.merge
                .contains(r#"out='/scratch/my "runs" 50% $USER'\''s'"#)
        );
    }

    #[test]
    fn folders_sbatch_cannot_carry_are_refused() {
        let err = scripts(&plan(r"/scratch/a\b", 2)).unwrap_err().to_string();
        assert!(err.contains("backslash"), "{err}");
        let err = scripts(&plan("/scratch/a\nb", 2)).unwrap_err().to_string();
        assert!(err.contains("control character"), "{err}");
    }

    #[test]
    fn job_ids_from_parsable_output() {
        assert_eq!(job_id("12345\n").as_deref(), Some("12345"));
        assert_eq!(job_id("77;cluster-a\n").as_deref(), Some("77"));
        assert_eq!(job_id("Submitted batch job 5\n"), None);
        assert_eq!(job_id(""), None);
    }

    #[test]
    fn run_count_of_a_dry_run() {
        let line = "sweep s over ./scenario.toml: 4 points x 2 seeds = 8 runs; every point is \
                    a valid scenario\n\npoint_id ...\n";
        assert_eq!(runs_in(line), Some(8));
        assert_eq!(runs_in("sweep s: 1 point x 1 seed = 1 run; ok\n"), Some(1));
        assert_eq!(runs_in("something else\n"), None);
        assert_eq!(runs_in(""), None);
    }

    #[test]
    fn slurm_words() {
        assert!(slurm_word("debug,gpu").is_ok());
        assert!(slurm_word("1-00:00:00").is_ok());
        assert!(slurm_word("").is_err());
        assert!(slurm_word("a b").is_err());
        assert!(slurm_word("a\n#SBATCH --x").is_err());
    }
}
