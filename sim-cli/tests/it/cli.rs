//! The `fabricsim` binary, driven as a user drives it.

use std::process::{Command, Output};

fn fabricsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fabricsim"))
        .args(args)
        .output()
        .expect("the fabricsim binary runs")
}

/// The value of `key` in a `key=value` line.
fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key}= in {line}"))
}

#[test]
fn bench_phold_reference_mode_matches_every_published_row() {
    for (e, m, n, clock, checksum) in [
        ("1000", "1", "100000", "99447392183", "50058677"),
        ("10000", "10", "1000000", "10006924209", "5004608004"),
        ("100000", "10", "10000000", "9995553780", "499990605053"),
    ] {
        let out = fabricsim(&[
            "bench",
            "phold",
            "--entities",
            e,
            "--per-entity",
            m,
            "--events",
            n,
            "--reference",
        ]);
        assert!(out.status.success(), "{out:?}");
        let line = String::from_utf8(out.stdout).unwrap();
        assert_eq!(field(&line, "events"), n);
        assert_eq!(field(&line, "counter_sum"), n);
        assert_eq!(field(&line, "final_clock"), clock);
        assert_eq!(field(&line, "checksum"), checksum);
        assert_eq!(field(&line, "reference_check"), "pass");
        for key in ["events_per_s", "wall_s", "queue_bytes_per_pending"] {
            let value: f64 = field(&line, key).parse().unwrap();
            assert!(value > 0.0, "{key}={value}");
        }
    }
}

#[test]
fn bench_phold_performance_mode_is_deterministic() {
    let args = [
        "bench",
        "phold",
        "--entities",
        "500",
        "--per-entity",
        "4",
        "--events",
        "50000",
        "--seed",
        "9",
    ];
    let a = String::from_utf8(fabricsim(&args).stdout).unwrap();
    let b = String::from_utf8(fabricsim(&args).stdout).unwrap();
    for key in ["final_clock", "checksum", "counter_sum"] {
        assert_eq!(field(&a, key), field(&b, key));
    }
    assert_eq!(field(&a, "mode"), "performance");
}

#[test]
fn bad_arguments_exit_with_2_and_say_what_is_wrong() {
    let out = fabricsim(&["bench", "phold", "--entities", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("at least one entity"), "{err}");

    let out = fabricsim(&["bench", "phold", "--events", "ten"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--events"));
}

#[test]
fn help_shows_an_example() {
    let out = fabricsim(&["bench", "phold", "--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("Example:"));
}
