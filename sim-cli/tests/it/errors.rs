//! Every error path of the `fabricsim` binary exits non-zero (2 for an error, 1 for a
//! check that failed) with a message that says what went wrong and what to do: the file
//! it could not read and why, what to give instead, the list of valid values or a "did
//! you mean". One table of failing invocations across all commands; each row names the
//! exit code and words its stderr must hold.

use std::path::{Path, PathBuf};

use crate::common::{fabricsim, fabricsim_ok, repo_path, temp_dir};

/// One failing invocation.
struct Case {
    /// The arguments; `{d}` stands for the test's temporary folder.
    args: &'static str,
    /// The exit code.
    code: i32,
    /// Words stderr must contain (the guidance, not only the problem).
    words: &'static [&'static str],
}

const fn case(args: &'static str, code: i32, words: &'static [&'static str]) -> Case {
    Case { args, code, words }
}

/// The invocations (exit code 1: a check failed, and stdout counts too). Arguments are split on spaces, except inside single quotes.
const CASES: &[Case] = &[
    // run and validate: the scenario file.
    case(
        "run {d}/missing.toml",
        2,
        &[
            "reading scenario file",
            "missing.toml",
            "hint: check the path",
        ],
    ),
    case(
        "run {d}/folder",
        2,
        &["Is a directory", "give the path of a file"],
    ),
    case(
        "run {d}/binary.toml",
        2,
        &["valid UTF-8", "save it as UTF-8"],
    ),
    case(
        "run {d}/empty.toml",
        2,
        &[
            "no [sim] section; add one",
            "add at least one [sites.<name>]",
        ],
    ),
    case(
        "validate {d}/missing.toml",
        2,
        &["reading scenario file", "hint: check the path"],
    ),
    case(
        "validate {d}/folder",
        2,
        &["Is a directory", "give the path of a file"],
    ),
    case(
        "validate {d}/syntax.toml",
        2,
        &[
            "syntax.toml:1:5",
            "unclosed table, expected `]`",
            "1 problem in",
        ],
    ),
    case(
        "validate {d}/binary.toml",
        2,
        &["valid UTF-8", "save it as UTF-8"],
    ),
    // run: its options.
    case(
        "run {d}/scenario.toml --seed abc",
        2,
        &[
            "invalid value 'abc' for '--seed <SEED>'",
            "expected a whole number from 0",
        ],
    ),
    case(
        "run {d}/scenario.toml --power-resolution 0s",
        2,
        &["--power-resolution", "must be positive, e.g. \"1h\""],
    ),
    case(
        "run {d}/scenario.toml --power-resolution 5x",
        2,
        &["unknown unit \"x\"", "expected one of ns"],
    ),
    case(
        "run {d}/scenario.toml --max-events 0",
        2,
        &["--max-events", "a whole count >= 1 such as 2e9"],
    ),
    case(
        "run {d}/scenario.toml --max-events lots",
        2,
        &["--max-events", "a count such as 2e9"],
    ),
    case(
        "run {d}/scenario.toml --max-memory 12XB",
        2,
        &["--max-memory", "expected B, KiB, MiB, GiB", "e.g. 16GiB"],
    ),
    case(
        "run {d}/scenario.toml --max-events 10",
        2,
        &["above the limit of 10 (--max-events)", "pass --max-events"],
    ),
    case(
        "run {d}/scenario.toml --out {d}/file.txt",
        2,
        &["is a file, not a folder", "give --out the path of a folder"],
    ),
    // sweep.
    case(
        "sweep {d}/missing.toml",
        2,
        &["reading sweep file", "hint: check the path"],
    ),
    case(
        "sweep {d}/folder",
        2,
        &["reading sweep file", "give the path of a file"],
    ),
    case(
        "sweep {d}/sweep.toml --shard 3/2",
        2,
        &["--shard", "expected K/N with 1 <= K <= N, e.g. 2/8"],
    ),
    case(
        "sweep {d}/sweep.toml --shard half",
        2,
        &["--shard", "e.g. 2/8"],
    ),
    case(
        "sweep {d}/sweep.toml --jobs 0",
        2,
        &["--jobs", "not in 1..=4096"],
    ),
    case(
        "sweep {d}/sweep.toml --assert ettr",
        2,
        &[
            "no comparison",
            "write FIGURE OP NUMBER, e.g. 'ettr >= 0.9'",
        ],
    ),
    case(
        "sweep {d}/sweep.toml --assert 'etr >= 0.9'",
        2,
        &["did you mean \"ettr\""],
    ),
    case(
        "sweep {d}/sweep.toml --assert 'ettr >= high'",
        2,
        &["is not a number", "write FIGURE OP NUMBER"],
    ),
    case(
        "sweep {d}/sweep.toml --out {d}/file.txt",
        2,
        &["is a file, not a folder", "give --out the path of a folder"],
    ),
    case(
        "sweep {d}/sweep.toml --out {d}/foreign",
        2,
        &[
            "no sweep.toml written by `fabricsim sweep`",
            "give another --out",
        ],
    ),
    case(
        "sweep {d}/sweep.toml --out {d}/usersweep",
        2,
        &[
            "is not a copy written by `fabricsim sweep`",
            "give another --out",
        ],
    ),
    case(
        "sweep {d}/sweep.toml --out {d}/damaged",
        2,
        &[
            "cells, but the header has",
            "delete it and run the same command again",
        ],
    ),
    case(
        "sweep {d}/sweep.toml --out {d}/full --assert 'ettr >= 2'",
        1,
        &[
            "assertion ettr >= 2 failed at point",
            "0 of 1 assertions held",
        ],
    ),
    // merge.
    case(
        "merge {d}/folder --out {d}/m",
        2,
        &[
            "has no sweep.toml",
            "give the folders `fabricsim sweep FILE --shard K/N",
        ],
    ),
    case(
        "merge {d}/missing --out {d}/m",
        2,
        &["does not exist", "give the folders"],
    ),
    case(
        "merge {d}/file.txt --out {d}/m",
        2,
        &["is a file, not a folder", "give the folders"],
    ),
    case(
        "merge {d}/shard-1 {d}/other --out {d}/m",
        2,
        &[
            "come from different sweeps",
            "merge only the shards of one sweep",
        ],
    ),
    case(
        "merge {d}/shard-1 --out {d}/m",
        2,
        &[
            "runs are in none of the folders",
            "run it again to complete it",
            "nothing was written",
        ],
    ),
    case(
        "merge {d}/shard-1 {d}/shard-1 {d}/shard-2 --out {d}/m",
        2,
        &["in more than one folder", "the same shard given twice?"],
    ),
    case(
        "merge {d}/shard-1 {d}/shard-2 --out {d}/file.txt",
        2,
        &["is a file, not a folder"],
    ),
    case(
        "merge {d}/shard-1 {d}/shard-2 --out {d}/m --assert 'cost >= 1'",
        2,
        &["no figure `cost`", "the figures are"],
    ),
    case(
        "merge {d}/shard-1 {d}/shard-2 --out {d}/merged --assert 'ettr >= 2'",
        1,
        &["assertion ettr >= 2 failed at point"],
    ),
    // compare.
    case(
        "compare {d}/folder {d}/full",
        2,
        &[
            "has no aggregate.csv",
            "give the output folder of `fabricsim sweep",
        ],
    ),
    case(
        "compare {d}/missing {d}/full",
        2,
        &["does not exist", "give the output folder"],
    ),
    case(
        "compare {d}/file.txt {d}/full",
        2,
        &["not a sweep's aggregate.csv", "give the output folder"],
    ),
    case(
        "compare {d}/full {d}/other",
        2,
        &[
            "no point in common",
            "give the outputs of the same sweep file",
        ],
    ),
    case(
        "compare {d}/full {d}/full --tolerance lots",
        2,
        &[
            "--tolerance",
            "a percentage such as 2% or a fraction such as 0.02",
        ],
    ),
    case(
        "compare {d}/full {d}/doubled --tolerance 1%",
        1,
        &["interruptions", "figure means moved beyond ±1%"],
    ),
    // report.
    case(
        "report {d}/folder",
        2,
        &[
            "holds no fabricsim results",
            "give the folder one of them wrote",
        ],
    ),
    case(
        "report {d}/missing",
        2,
        &["does not exist", "give the folder a run"],
    ),
    case(
        "report {d}/file.txt",
        2,
        &["is a file, not a folder", "give the folder a run"],
    ),
    // catalog and models.
    case(
        "catalog gpus",
        2,
        &[
            "invalid value 'gpus'",
            "possible values: accelerators, regions",
        ],
    ),
    case(
        "catalog",
        2,
        &["required arguments were not provided", "<WHAT>"],
    ),
    case(
        "models --tsv",
        2,
        &["unexpected argument '--tsv'", "--help"],
    ),
    // compare-policies.
    case(
        "compare-policies {d}/scenario.toml --policies first-fit,cheapst --seeds 2",
        2,
        &[
            "unknown placement policy \"cheapst\"",
            "known: ",
            "did you mean \"cheapest\"",
        ],
    ),
    case(
        "compare-policies {d}/scenario.toml --policies cheapest --baseline nope --seeds 2",
        2,
        &["--baseline nope", "known: "],
    ),
    case(
        "compare-policies {d}/scenario.toml --policies first-fit,first-fit",
        2,
        &["twice", "give each policy once"],
    ),
    case(
        "compare-policies {d}/scenario.toml --policies first-fit",
        2,
        &["names only the baseline", "give at least one other policy"],
    ),
    case(
        "compare-policies {d}/missing.toml --policies cheapest",
        2,
        &["reading scenario file", "hint: check the path"],
    ),
    case(
        "compare-policies {d}/scenario.toml --policies cheapest --seeds 2 --out {d}/file.txt",
        2,
        &["is a file, not a folder"],
    ),
    case(
        "compare-policies {d}/scenario.toml --policies cheapest --first-seed 18446744073709551615",
        2,
        &["overflows a 64-bit seed", "give a smaller --first-seed"],
    ),
    // slurm.
    case(
        "slurm {d}/sweep.toml",
        2,
        &["required arguments were not provided", "--out <DIR>"],
    ),
    case(
        "slurm {d}/missing.toml --out {d}/cluster",
        2,
        &["not found", "give the path of a sweep file"],
    ),
    case(
        "slurm {d}/sweep.toml --out {d}/cluster --binary {d}/nope",
        2,
        &[
            "not found",
            "give --binary the path of the fabricsim binary",
        ],
    ),
    case(
        "slurm {d}/sweep.toml --out {d}/file.txt",
        2,
        &["is a file, not a folder"],
    ),
    case(
        "slurm {d}/sweep.toml --out {d}/cluster --tasks 0",
        2,
        &["--tasks", "not in 1.."],
    ),
    // bench.
    case(
        "bench phold --entities abc",
        2,
        &["invalid value 'abc' for '--entities"],
    ),
    case(
        "bench phold --entities 0 --events 10",
        2,
        &["at least one entity", "--entities >= 1"],
    ),
    case(
        "bench scale --accelerators 5",
        2,
        &["--accelerators", "not in 1000..=10000000"],
    ),
    case(
        "bench scale --horizon 0s",
        2,
        &["--horizon", "must be positive"],
    ),
    case(
        "bench serve --fidelity nope",
        2,
        &["possible values: request, flow"],
    ),
    case(
        "bench serve --rate 0",
        2,
        &["--rate must be a positive number"],
    ),
    case("bench nope", 2, &["unrecognized subcommand 'nope'"]),
    case("nope", 2, &["unrecognized subcommand 'nope'"]),
];

/// `text` split on spaces, single-quoted parts kept whole, `{d}` replaced by `dir`.
fn split(text: &str, dir: &Path) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        args.push(current);
    }
    let d = dir.to_str().unwrap();
    args.into_iter().map(|a| a.replace("{d}", d)).collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The folder every case refers to as `{d}`.
fn setup() -> PathBuf {
    let d = temp_dir("errors");
    std::fs::create_dir_all(d.join("folder")).unwrap();
    std::fs::write(d.join("file.txt"), "not a folder\n").unwrap();
    std::fs::write(d.join("empty.toml"), "").unwrap();
    std::fs::write(d.join("binary.toml"), b"\xff\xfe[sim]\n").unwrap();
    std::fs::write(d.join("syntax.toml"), "[sim\nhorizon = \"1d\"\n").unwrap();
    let fixture = repo_path("sim-cli/tests/fixtures/sweep");
    for f in ["scenario.toml", "sweep.toml"] {
        std::fs::copy(fixture.join(f), d.join(f)).unwrap();
    }
    std::fs::write(
        d.join("other.toml"),
        "base = \"scenario.toml\"\nseeds = 2\n",
    )
    .unwrap();
    let sweep = d.join("sweep.toml");
    fabricsim_ok(&["sweep", s(&sweep), "--out", s(&d.join("full"))]);
    fabricsim_ok(&[
        "sweep",
        s(&d.join("other.toml")),
        "--out",
        s(&d.join("other")),
    ]);
    for k in ["1/2", "2/2"] {
        let out = d.join(format!("shard-{}", &k[..1]));
        fabricsim_ok(&["sweep", s(&sweep), "--shard", k, "--out", s(&out)]);
    }
    // The same sweep over a scenario with twice the failure rate: figures move.
    let doubled = d.join("doubled-src");
    std::fs::create_dir_all(&doubled).unwrap();
    std::fs::copy(&sweep, doubled.join("sweep.toml")).unwrap();
    let scenario = std::fs::read_to_string(d.join("scenario.toml"))
        .unwrap()
        .replace("rate_scale = 4", "rate_scale = 8");
    std::fs::write(doubled.join("scenario.toml"), scenario).unwrap();
    fabricsim_ok(&[
        "sweep",
        s(&doubled.join("sweep.toml")),
        "--out",
        s(&d.join("doubled")),
    ]);
    // Folders a sweep must not write into, and one whose runs.csv is damaged.
    std::fs::create_dir_all(d.join("foreign")).unwrap();
    std::fs::write(d.join("foreign/runs.csv"), "policy,seed\nx,1\n").unwrap();
    std::fs::create_dir_all(d.join("usersweep")).unwrap();
    std::fs::copy(&sweep, d.join("usersweep/sweep.toml")).unwrap();
    let damaged = d.join("damaged");
    fabricsim_ok(&["sweep", s(&sweep), "--out", s(&damaged)]);
    std::fs::remove_file(damaged.join("runs.journal")).unwrap();
    let runs = std::fs::read_to_string(damaged.join("runs.csv")).unwrap();
    std::fs::write(damaged.join("runs.csv"), &runs[..runs.len() / 2]).unwrap();
    d
}

#[test]
fn every_error_exits_non_zero_and_says_what_to_do() {
    let d = setup();
    let mut failures = Vec::new();
    for c in CASES {
        let args = split(c.args, &d);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = fabricsim(&argv);
        // A failed check (exit 1) may report on stdout (`compare` prints what moved);
        // an error (exit 2) says everything on stderr.
        let stderr = if c.code == 1 {
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            )
        } else {
            String::from_utf8_lossy(&out.stderr).into_owned()
        };
        let mut wrong = Vec::new();
        if out.status.code() != Some(c.code) {
            wrong.push(format!(
                "exit code {:?}, expected {}",
                out.status.code(),
                c.code
            ));
        }
        for w in c.words {
            if !stderr.contains(w) {
                wrong.push(format!("no {w:?} in stderr"));
            }
        }
        if stderr.trim().is_empty() {
            wrong.push("nothing on stderr".to_owned());
        }
        if stderr.contains("panicked") {
            wrong.push("a panic".to_owned());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "fabricsim {}: {}\n--- stderr:\n{stderr}",
                c.args,
                wrong.join("; ")
            ));
        }
    }
    assert!(CASES.len() >= 25);
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    // Nothing was written by a refused command.
    assert!(!d.join("m").exists(), "a refused merge wrote its --out");
    assert_eq!(
        std::fs::read_to_string(d.join("foreign/runs.csv")).unwrap(),
        "policy,seed\nx,1\n",
        "a foreign runs.csv is never overwritten"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("file.txt")).unwrap(),
        "not a folder\n",
        "a file given as --out is left alone"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// A file the user cannot read (skipped when running as root, who can read anything).
#[cfg(unix)]
#[test]
fn an_unreadable_file_says_to_check_its_permissions() {
    use std::os::unix::fs::PermissionsExt;

    let d = temp_dir("errors-unreadable");
    std::fs::create_dir_all(&d).unwrap();
    let file = d.join("secret.toml");
    std::fs::copy(
        repo_path("sim-cli/tests/fixtures/sweep/scenario.toml"),
        &file,
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        eprintln!("skipped: this user can read a file with mode 000 (root)");
        let _ = std::fs::remove_dir_all(&d);
        return;
    }
    for command in ["run", "validate"] {
        let out = fabricsim(&[command, s(&file)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("Permission denied"), "{stderr}");
        assert!(stderr.contains("check the permissions"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&d);
}
