//! # sim_fuzz: a structure-aware fuzzer for fabricsim's scenario and sweep files
//!
//! `cargo-fuzz` needs a nightly compiler; this crate fuzzes on stable. It starts from a
//! corpus of real files ([`corpus`]: every `*.toml` of `experiments/` and
//! `sim-cli/tests/fixtures/`) and makes inputs from them with [`mutate`]: byte-level
//! changes (flip, insert, delete, duplicate, splice two files, truncate) and TOML-aware
//! ones (parse the file with the `toml` crate, replace a value with an extreme, delete,
//! duplicate or rename a key, add an unknown one, grow an array or a nesting, add sweep
//! axes; then write it back). The binary `fabricsim-fuzz` runs each input through
//! `sim_study::fuzzing` and records every panic, hang, huge allocation or unclear
//! error; `fuzz/tests/` property-tests the same mutators.
//!
//! ```text
//! corpus --pick a seed--> mutate (1..=4 stacked ops, deterministic RNG) --> input
//!        --> sim_study::fuzzing::{scenario, sweep} --> Ok | Err(message) | finding
//! ```
//!
//! Every input is a function of (seed, index): [`input_rng`] seeds a fresh RNG per input,
//! so any input can be made again alone (`--replay INDEX`).
//!
//! ```
//! let seed = sim_fuzz::Seed::scenario("a.toml", "[sim]\nhorizon = \"1d\"\nseed = 1\n");
//! let corpus = sim_fuzz::Corpus::new(vec![seed]);
//! let mut rng = sim_fuzz::input_rng(1, 0);
//! let (i, text) = sim_fuzz::mutate(&mut rng, &corpus, sim_fuzz::Target::Scenario).unwrap();
//! assert_eq!(i, 0);
//! assert!(text.len() <= sim_fuzz::MAX_INPUT_BYTES);
//! ```

use std::path::{Path, PathBuf};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use toml::{Table, Value};

/// The longest input made (longer results are truncated): big enough for huge strings and
/// long arrays, small enough to run a million inputs.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Which entry point an input is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A scenario file (`fabricsim validate`).
    Scenario,
    /// A sweep file (the checks of `fabricsim sweep`).
    Sweep,
}

impl Target {
    /// `scenario` or `sweep`, as in file names.
    pub fn name(self) -> &'static str {
        match self {
            Target::Scenario => "scenario",
            Target::Sweep => "sweep",
        }
    }
}

/// One corpus file.
#[derive(Clone, Debug)]
pub struct Seed {
    /// Its path, for messages.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Which entry point it is for.
    pub target: Target,
    /// A sweep's folder (its base scenario is found there); unused for scenarios.
    pub dir: PathBuf,
}

impl Seed {
    /// A scenario seed.
    pub fn scenario(name: &str, text: &str) -> Self {
        Self {
            name: name.to_owned(),
            text: text.to_owned(),
            target: Target::Scenario,
            dir: PathBuf::from("."),
        }
    }
}

/// Every `*.toml` under `root/experiments` and `root/sim-cli/tests/fixtures` (the embedded
/// default scenario is `experiments/default/scenario.toml`), sorted by path so the corpus
/// order, and with it every input, is the same on every machine. A file whose name starts
/// with `sweep` is a sweep; its folder is where its base scenario is.
pub fn corpus(root: &Path) -> std::io::Result<Vec<Seed>> {
    let mut files = Vec::new();
    for dir in ["experiments", "sim-cli/tests/fixtures"] {
        collect(&root.join(dir), &mut files)?;
    }
    files.sort();
    let mut seeds = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path)?;
        let is_sweep = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("sweep"));
        seeds.push(Seed {
            name: path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string(),
            text,
            target: if is_sweep {
                Target::Sweep
            } else {
                Target::Scenario
            },
            dir: path
                .parent()
                .map_or_else(|| root.to_owned(), Path::to_owned),
        });
    }
    Ok(seeds)
}

/// Adds every `*.toml` under `dir` (recursively) to `out`.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// The header lines the fuzzer writes above a saved input (`# fuzz finding: ...`,
/// `# made by: ...`, `# base_dir: DIR`).
pub const HEADER_PREFIXES: [&str; 3] = ["# fuzz finding:", "# made by:", "# base_dir:"];

/// A saved input without its header lines, and the `base_dir` the header names.
pub fn strip_header(text: &str) -> (&str, Option<&str>) {
    let mut rest = text;
    let mut base_dir = None;
    while let Some(prefix) = HEADER_PREFIXES.iter().find(|p| rest.starts_with(*p)) {
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        if *prefix == HEADER_PREFIXES[2] {
            base_dir = Some(rest[prefix.len()..end].trim());
        }
        rest = &rest[end..];
    }
    (rest, base_dir)
}

/// The RNG of input `index` of a run with master seed `seed` (SplitMix64 of both, so
/// neighbouring indices get unrelated streams).
pub fn input_rng(seed: u64, index: u64) -> Xoshiro256PlusPlus {
    let z = seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    Xoshiro256PlusPlus::seed_from_u64(sim_scenario::sim_core::rng::mix64(z))
}

/// The corpus, with what mutations need from it computed once.
#[derive(Clone, Debug)]
pub struct Corpus {
    /// The files.
    pub seeds: Vec<Seed>,
    /// Each file parsed as TOML (`None` when it does not parse).
    tables: Vec<Option<Table>>,
    /// Key paths of the scenarios (`jobs.x.mfu`, `outages[0].at`), for sweep axes.
    vocabulary: Vec<String>,
}

impl Corpus {
    /// Prepares `seeds` for mutation.
    pub fn new(seeds: Vec<Seed>) -> Self {
        let tables: Vec<Option<Table>> = seeds.iter().map(|s| s.text.parse().ok()).collect();
        let mut vocabulary: Vec<String> = seeds
            .iter()
            .zip(&tables)
            .filter(|(s, _)| s.target == Target::Scenario)
            .filter_map(|(_, t)| t.as_ref())
            .flat_map(dotted_paths)
            .collect();
        vocabulary.sort();
        vocabulary.dedup();
        Self {
            seeds,
            tables,
            vocabulary,
        }
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.seeds.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.seeds.is_empty()
    }
}

/// Makes one input for `target`: picks a corpus file of that target and applies one to
/// four mutations ([`mutate_text`]). Returns the index of the file picked (a sweep's base
/// scenario is in its folder) and the input; `None` when the corpus has no such file.
pub fn mutate(rng: &mut impl Rng, corpus: &Corpus, target: Target) -> Option<(usize, String)> {
    let mine: Vec<usize> = (0..corpus.len())
        .filter(|&i| corpus.seeds[i].target == target)
        .collect();
    let &pick = mine.choose(rng)?;
    let mut text = corpus.seeds[pick].text.clone();
    for _ in 0..rng.random_range(1..=4) {
        text = mutate_text(rng, &text, corpus, target);
    }
    Some((pick, text))
}

/// Applies one mutation to `text`: a TOML-aware one (60%, when the text parses) or a
/// byte-level one, splicing and grafting from `corpus`. The result is at most
/// [`MAX_INPUT_BYTES`] long.
pub fn mutate_text(rng: &mut impl Rng, text: &str, corpus: &Corpus, target: Target) -> String {
    let mut out = if rng.random_bool(0.6) {
        match text.parse::<Table>() {
            Ok(mut table) => {
                toml_mutation(rng, &mut table, corpus, target);
                toml::to_string(&table).unwrap_or_else(|_| text.to_owned())
            }
            Err(_) => byte_mutation(rng, text, corpus),
        }
    } else {
        byte_mutation(rng, text, corpus)
    };
    if out.len() > MAX_INPUT_BYTES {
        let mut end = MAX_INPUT_BYTES;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

/// Tokens worth inserting: TOML punctuation and values that stress number and duration
/// parsing.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ".",
    ",",
    "\n",
    "#",
    "\"\"\"",
    "'''",
    "\\",
    "-",
    "+",
    "0",
    "1e400",
    "-1",
    "nan",
    "inf",
    "-inf",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "\"1e400d\"",
    "\"-5h\"",
    "\"99999999999999d\"",
    "\"0s\"",
    "\"abc\"",
    "0x7fffffffffffffff",
    "1979-05-27T07:32:00Z",
    "\u{feff}",
    "\u{0}",
    "\r",
    "\t",
    "🦀",
    "true",
    "[]",
    "{}",
    "[[[[[[[[",
    "]]]]]]]]",
];

/// One byte-level mutation. Works on bytes, then repairs the UTF-8 (the CLI reads files
/// as UTF-8 and refuses anything else before parsing).
pub fn byte_mutation(rng: &mut impl Rng, text: &str, corpus: &Corpus) -> String {
    let mut b = text.as_bytes().to_vec();
    let len = b.len();
    let at = |rng: &mut dyn rand::RngCore, n: usize| {
        if n == 0 { 0 } else { rng.random_range(0..=n) }
    };
    match rng.random_range(0..8) {
        // Flip a bit.
        0 if len > 0 => {
            let i = rng.random_range(0..len);
            b[i] ^= 1 << rng.random_range(0..8);
        }
        // Insert a token or a random byte.
        1 | 2 => {
            let i = at(rng, len);
            let token: Vec<u8> = if rng.random_bool(0.8) {
                TOKENS
                    .choose(rng)
                    .map_or(b"=".to_vec(), |t| t.as_bytes().to_vec())
            } else {
                vec![rng.random::<u8>()]
            };
            b.splice(i..i, token);
        }
        // Delete a range.
        3 if len > 0 => {
            let i = rng.random_range(0..len);
            let n = rng.random_range(1..=(len - i).min(64));
            b.drain(i..i + n);
        }
        // Duplicate a range somewhere else (repeats keys, tables, nesting).
        4 if len > 0 => {
            let i = rng.random_range(0..len);
            let n = rng.random_range(1..=(len - i).min(256));
            let piece = b[i..i + n].to_vec();
            let times = if rng.random_bool(0.1) {
                rng.random_range(2..200)
            } else {
                1
            };
            let j = at(rng, len);
            b.splice(j..j, piece.repeat(times));
        }
        // Splice: the start of this file and the end of another, at line starts.
        5 => {
            if let Some(other) = corpus.seeds.choose(rng).map(|s| s.text.as_str()) {
                let cut = line_start(text, at(rng, len));
                let other_cut = line_start(other, at(rng, other.len()));
                b.truncate(cut);
                b.extend_from_slice(&other.as_bytes()[other_cut..]);
            }
        }
        // Truncate.
        6 => {
            let n = at(rng, len);
            b.truncate(n);
        }
        // Replace a number in the text by another.
        _ => {
            let digits: Vec<usize> = (0..len).filter(|&i| b[i].is_ascii_digit()).collect();
            if let Some(&i) = digits.choose(rng) {
                let mut j = i;
                while j < len && (b[j].is_ascii_digit() || b[j] == b'.') {
                    j += 1;
                }
                let token = TOKENS[20..30].choose(rng).copied().unwrap_or("0");
                b.splice(i..j, token.bytes());
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// The start of the line holding byte `at` of `text` (or `text.len()`).
fn line_start(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text.as_bytes()[..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1)
}

/// One step into a TOML tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A key of a table.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// Every value's path in `table` (tables and arrays included, outermost first).
pub fn value_paths(table: &Table) -> Vec<Vec<Step>> {
    fn walk(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(path.clone());
        match v {
            Value::Table(t) => {
                for (k, v) in t {
                    path.push(Step::Key(k.clone()));
                    walk(v, path, out);
                    path.pop();
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate().take(64) {
                    path.push(Step::Index(i));
                    walk(v, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut path = Vec::new();
    for (k, v) in table {
        path.push(Step::Key(k.clone()));
        walk(v, &mut path, &mut out);
        path.pop();
    }
    out
}

/// Every leaf's path in `table` written as a sweep axis key (`jobs.x.mfu`,
/// `outages[0].at`, quoted keys where needed).
pub fn dotted_paths(table: &Table) -> Vec<String> {
    value_paths(table)
        .into_iter()
        .map(|path| {
            let mut s = String::new();
            for step in path {
                match step {
                    Step::Index(i) => s.push_str(&format!("[{i}]")),
                    Step::Key(k) => {
                        if !s.is_empty() {
                            s.push('.');
                        }
                        let bare = !k.is_empty()
                            && k.bytes()
                                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
                        if bare {
                            s.push_str(&k);
                        } else {
                            s.push_str(&format!("{k:?}"));
                        }
                    }
                }
            }
            s
        })
        .collect()
}

/// The value at `path` in `table`.
pub fn value_mut<'a>(table: &'a mut Table, path: &[Step]) -> Option<&'a mut Value> {
    let (Step::Key(first), rest) = path.split_first()? else {
        return None;
    };
    let mut v = table.get_mut(first)?;
    for step in rest {
        v = match (step, v) {
            (Step::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Step::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// An extreme or ill-typed value: zero, negatives, the ends of every integer type, NaN,
/// infinities, huge and empty strings, overflowing and malformed durations, long arrays,
/// deep nesting.
pub fn extreme_value(rng: &mut (impl Rng + ?Sized)) -> Value {
    const DURATIONS: &[&str] = &[
        "1e400d",
        "-5h",
        "99999999999999d",
        "0s",
        "abc",
        "1e19s",
        "18446744073709551615ns",
        "18446744073709551616ns",
        "5e-324s",
        "1e-400s",
        "nan",
        "infd",
        "1h30",
        "1.5h",
        "d",
        "0.0000000001ns",
        "9223372036854775807s",
        "1w1w1w1w",
        "",
        " 1h",
        "1 h",
        "+1h",
        "1_000s",
        "1e3m",
        "30m-1s",
    ];
    match rng.random_range(0..24) {
        0 => Value::Integer(0),
        1 => Value::Integer(-1),
        2 => Value::Integer(i64::MAX),
        3 => Value::Integer(i64::MIN),
        4 => Value::Integer(i64::from(u32::MAX)),
        5 => Value::Integer(i64::from(u32::MAX) + 1),
        6 => Value::Integer(i64::from(u16::MAX) + 1),
        7 => Value::Float(f64::NAN),
        8 => Value::Float(f64::INFINITY),
        9 => Value::Float(f64::NEG_INFINITY),
        10 => Value::Float(1e308),
        11 => Value::Float(-1e308),
        // u64::MAX, as near as a TOML float gets.
        12 => Value::Float(1.8446744073709552e19),
        13 => Value::Float(
            *[5e-324, -0.0, 1e-300, 0.5, 1.0 - 1e-16]
                .choose(rng)
                .unwrap_or(&0.0),
        ),
        14 => Value::String(String::new()),
        15 => Value::String("x".repeat(rng.random_range(1_000..100_000))),
        16 | 17 => Value::String((*DURATIONS.choose(rng).unwrap_or(&"0s")).to_owned()),
        18 => Value::Boolean(rng.random()),
        19 => {
            let n = rng.random_range(100..50_000);
            let item = match rng.random_range(0..3) {
                0 => Value::Integer(1),
                1 => Value::Float(0.5),
                _ => Value::String("1h".into()),
            };
            Value::Array(vec![item; n])
        }
        20 => nested(rng.random_range(2..200), rng.random()),
        21 => Value::Array(Vec::new()),
        22 => Value::Table(Table::new()),
        _ => Value::String(
            ["🦀", "\u{0}", "a\nb", "\"", "aws/", "/", "..", "h100 "]
                .choose(rng)
                .copied()
                .unwrap_or("")
                .to_owned(),
        ),
    }
}

/// A value nested `depth` deep: arrays of arrays, or tables of tables.
pub fn nested(depth: usize, tables: bool) -> Value {
    let mut v = Value::Integer(1);
    for _ in 0..depth {
        v = if tables {
            let mut t = Table::new();
            t.insert("a".into(), v);
            Value::Table(t)
        } else {
            Value::Array(vec![v])
        };
    }
    v
}

/// A small change of a number: off by one, scaled, negated.
fn nudge(rng: &mut impl Rng, v: &Value) -> Value {
    match v {
        Value::Integer(i) => Value::Integer(match rng.random_range(0..5) {
            0 => i.wrapping_add(1),
            1 => i.wrapping_sub(1),
            2 => i.wrapping_mul(1000),
            3 => i.wrapping_neg(),
            _ => i / 2,
        }),
        Value::Float(f) => Value::Float(match rng.random_range(0..4) {
            0 => f * 1e6,
            1 => -f,
            2 => f + 1.0,
            _ => f / 1e6,
        }),
        other => other.clone(),
    }
}

/// One TOML-aware mutation of `table` in place.
pub fn toml_mutation(rng: &mut impl Rng, table: &mut Table, corpus: &Corpus, target: Target) {
    let paths = value_paths(table);
    let op = rng.random_range(0..if target == Target::Sweep { 11 } else { 9 });
    if op >= 9 {
        sweep_mutation(rng, table, &corpus.vocabulary);
        return;
    }
    let Some(path) = paths.choose(rng).cloned() else {
        table.insert("sim".into(), extreme_value(rng));
        return;
    };
    match op {
        // Replace a value with an extreme (most often).
        0..=2 => {
            if let Some(v) = value_mut(table, &path) {
                *v = extreme_value(rng);
            }
        }
        // Nudge a number.
        3 => {
            if let Some(v) = value_mut(table, &path) {
                *v = nudge(rng, v);
            }
        }
        // Delete, duplicate, rename a key; add an unknown one.
        4..=6 => {
            let (last, parent) = path.split_last().expect("paths are non-empty");
            let parent_value = if parent.is_empty() {
                None
            } else {
                value_mut(table, parent)
            };
            match (parent.is_empty(), parent_value, last) {
                (true, _, Step::Key(k)) => edit_table(rng, table, k, op),
                (false, Some(Value::Table(t)), Step::Key(k)) => edit_table(rng, t, k, op),
                (false, Some(Value::Array(a)), Step::Index(i)) => {
                    let i = *i;
                    match op {
                        4 => {
                            a.remove(i);
                        }
                        5 => {
                            let copy = a[i].clone();
                            let times = if rng.random_bool(0.1) { 1000 } else { 1 };
                            for _ in 0..times {
                                a.push(copy.clone());
                            }
                        }
                        _ => a.push(extreme_value(rng)),
                    }
                }
                _ => {}
            }
        }
        // Swap in a value from elsewhere (type confusion).
        7 => {
            if let Some(other) = paths.choose(rng).cloned() {
                let v = value_mut(table, &other).map(|v| v.clone());
                if let (Some(v), Some(slot)) = (v, value_mut(table, &path)) {
                    *slot = v;
                }
            }
        }
        // Graft a top-level key of another corpus file.
        _ => {
            if let Some(Some(other)) = corpus.tables.choose(rng) {
                let keys: Vec<&String> = other.keys().collect();
                if let Some(&k) = keys.choose(rng) {
                    table.insert(k.clone(), other[k.as_str()].clone());
                }
            }
        }
    }
}

/// Deletes (op 4), duplicates under a near name (op 5), or renames key `k` of `t`, or
/// adds an unknown key (op 6, half the time).
fn edit_table(rng: &mut impl Rng, t: &mut Table, k: &str, op: u32) {
    let Some(v) = t.get(k).cloned() else { return };
    let near = |rng: &mut dyn rand::RngCore| match rng.random_range(0..4) {
        0 => format!("{k}x"),
        1 => k.chars().skip(1).collect(),
        2 => k.to_uppercase(),
        _ => format!("{k}.{k}"),
    };
    match op {
        4 => {
            t.remove(k);
        }
        5 => {
            t.insert(near(rng), v);
        }
        _ if rng.random_bool(0.5) => {
            t.insert(
                ["unknown", "", "🦀", "sim", "seed", "__proto__"]
                    .choose(rng)
                    .copied()
                    .unwrap_or("u")
                    .to_owned(),
                extreme_value(rng),
            );
        }
        _ => {
            t.remove(k);
            t.insert(near(rng), v);
        }
    }
}

/// A sweep-specific mutation: add an axis over a scenario key path (with corpus-like or
/// extreme values), a `[[zip]]` group, many big axes (an astronomically large product), or
/// change `seeds`.
pub fn sweep_mutation(rng: &mut impl Rng, table: &mut Table, vocabulary: &[String]) {
    let values = |rng: &mut dyn rand::RngCore, n: usize| -> Value {
        let mut out: Vec<Value> = Vec::new();
        for i in 0..n {
            let v = if rng.random_bool(0.5) {
                extreme_value(rng)
            } else {
                Value::Integer(i as i64)
            };
            out.push(v);
        }
        Value::Array(out)
    };
    let path = vocabulary
        .choose(rng)
        .cloned()
        .unwrap_or_else(|| "sim.horizon".into());
    match rng.random_range(0..5) {
        0 | 1 => {
            let n = rng.random_range(1..4);
            let v = values(rng, n);
            axes(table).insert(path, v);
        }
        2 => {
            let n = rng.random_range(1..4);
            let mut group = Table::new();
            group.insert(path, values(rng, n));
            if let Some(second) = vocabulary.choose(rng) {
                group.insert(second.clone(), values(rng, n));
            }
            let zip = table
                .entry("zip")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = zip {
                a.push(Value::Table(group));
            }
        }
        // Many axes with many values each: the product must be refused, not expanded.
        3 => {
            let axes = axes(table);
            for i in 0..rng.random_range(2..12) {
                let n = rng.random_range(10..2_000);
                let values: Vec<Value> = (0..n).map(Value::Integer).collect();
                axes.insert(
                    format!("policy.placement_params.p{i}"),
                    Value::Array(values),
                );
            }
        }
        _ => {
            let seeds = match rng.random_range(0..5) {
                0 => Value::Integer(i64::MAX),
                1 => Value::Integer(1_000_000),
                2 => Value::Array(
                    (0..rng.random_range(1..20_000))
                        .map(Value::Integer)
                        .collect(),
                ),
                3 => Value::Integer(0),
                _ => extreme_value(rng),
            };
            table.insert("seeds".into(), seeds);
        }
    }
}

/// The `[axes]` table of a sweep, made a table if it is missing or not one.
fn axes(table: &mut Table) -> &mut Table {
    let slot = table
        .entry("axes")
        .or_insert_with(|| Value::Table(Table::new()));
    if !slot.is_table() {
        *slot = Value::Table(Table::new());
    }
    match slot {
        Value::Table(t) => t,
        _ => unreachable!("invariant: the slot was just made a table"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = "[sim]\nhorizon = \"1d\"\nseed = 1\n[jobs.a]\nparams = 1e9\n\
                            duration = \"1h\"\naccelerators = 8\n[[outages]]\nat = \"1h\"\n";

    #[test]
    fn paths_reach_every_value() {
        let t: Table = SCENARIO.parse().unwrap();
        let dotted = dotted_paths(&t);
        for want in [
            "sim",
            "sim.horizon",
            "jobs.a.params",
            "outages",
            "outages[0].at",
        ] {
            assert!(dotted.iter().any(|p| p == want), "{want} in {dotted:?}");
        }
        let mut t = t;
        let paths = value_paths(&t);
        for p in &paths {
            assert!(value_mut(&mut t, p).is_some(), "{p:?}");
        }
    }

    #[test]
    fn mutations_are_deterministic_per_input() {
        let corpus = Corpus::new(vec![Seed::scenario("a.toml", SCENARIO)]);
        let a = mutate(&mut input_rng(7, 3), &corpus, Target::Scenario);
        let b = mutate(&mut input_rng(7, 3), &corpus, Target::Scenario);
        assert_eq!(a, b);
        let c: Vec<_> = (0..20)
            .map(|i| mutate(&mut input_rng(7, i), &corpus, Target::Scenario))
            .collect();
        assert!(c.iter().any(|x| x != &a), "inputs differ");
        assert!(mutate(&mut input_rng(7, 3), &corpus, Target::Sweep).is_none());
    }

    #[test]
    fn byte_mutations_change_the_text_and_stay_utf8() {
        let corpus = Corpus::new(vec![Seed::scenario("x.toml", "x = 1\n")]);
        let mut changed = 0;
        for i in 0..500 {
            let out = byte_mutation(&mut input_rng(1, i), SCENARIO, &corpus);
            changed += usize::from(out != SCENARIO);
            assert!(std::str::from_utf8(out.as_bytes()).is_ok());
        }
        assert!(changed > 400, "{changed}");
    }

    #[test]
    fn toml_mutations_write_back_toml() {
        let corpus = Corpus::new(vec![Seed::scenario("a.toml", SCENARIO)]);
        let mut parsed = 0;
        for i in 0..300 {
            let out = mutate_text(&mut input_rng(2, i), SCENARIO, &corpus, Target::Scenario);
            assert!(out.len() <= MAX_INPUT_BYTES);
            parsed += usize::from(out.parse::<Table>().is_ok());
        }
        assert!(parsed > 150, "{parsed}");
    }

    #[test]
    fn sweep_mutations_add_axes_and_seeds() {
        let vocabulary = vec!["jobs.a.params".to_owned()];
        let mut saw_axes = false;
        let mut saw_big = false;
        for i in 0..200 {
            let mut t: Table = "base = \"s.toml\"\nseeds = 2\n".parse().unwrap();
            sweep_mutation(&mut input_rng(3, i), &mut t, &vocabulary);
            if let Some(Value::Table(a)) = t.get("axes") {
                saw_axes |= a.contains_key("jobs.a.params");
                saw_big |= a.len() >= 2;
            }
            assert!(toml::to_string(&t).is_ok());
        }
        assert!(saw_axes && saw_big);
    }

    #[test]
    fn extremes_cover_the_edges() {
        let values: Vec<Value> = (0..2_000)
            .map(|i| extreme_value(&mut input_rng(4, i)))
            .collect();
        assert!(values.contains(&Value::Integer(i64::MIN)));
        assert!(values.iter().any(|v| v.as_float().is_some_and(f64::is_nan)));
        assert!(values.iter().any(|v| v.as_str() == Some("1e400d")));
        assert!(
            values
                .iter()
                .any(|v| v.as_array().is_some_and(|a| a.len() >= 100))
        );
        assert_eq!(nested(3, false).to_string(), "[[[1]]]");
    }
}
