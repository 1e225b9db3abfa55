//! The runs of a sweep: points (the cartesian product of the dimensions), seeds, stable
//! ids, and shards.
//!
//! # Ids
//!
//! A run's id is a hash of its parameters, never of its position, so adding a value to an
//! axis (or a seed) leaves every other run's id as it was and finished runs are reused.
//! The canonical string of a point lists its axes sorted by canonical path, each with the
//! canonical TOML text of its value ([`canonical_value`]): `path1=value1;path2=value2`; a
//! run appends `;seed=S` (`seed=S` alone without axes). The id is the 64-bit FNV-1a hash
//! of the string's bytes followed by the SplitMix64 finaliser (FNV-1a alone mixes its low
//! bits poorly, and shards take the id modulo N), written as 16 hex digits. Neither
//! depends on the Rust release (std's `DefaultHasher` may change between releases).
//!
//! # Order
//!
//! Points come in axis order: the first dimension varies slowest, like nested loops in
//! file order; runs are each point's seeds ascending. Every output is written in this
//! order, whatever order runs finish in.

use std::fmt::Write as _;

use sim_core::hash::{FNV_OFFSET, fnv1a64};
use sim_core::rng::mix64;

use super::spec::SweepSpec;

/// The sweep's points, seeds and runs in canonical order.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The sweep's name.
    pub name: String,
    /// Every axis, in column order (dimension order, axes of a `[[zip]]` group in file
    /// order): the columns of `runs.csv` and `aggregate.csv`.
    pub axes: Vec<PlanAxis>,
    /// The points, in canonical order.
    pub points: Vec<Point>,
    /// The seeds, ascending.
    pub seeds: Vec<u64>,
    /// The runs, in canonical order: point by point, seeds ascending.
    pub runs: Vec<Run>,
    /// Hash of everything that defines the runs and their results: the base scenario's
    /// fingerprint, the dimensions with their values, and the seeds. Sweep output folders
    /// with the same definition hold comparable results and can be merged.
    pub definition: u64,
}

/// One axis of a [`Plan`].
#[derive(Clone, Debug)]
pub struct PlanAxis {
    /// The canonical key path (the column header).
    pub path: String,
    /// Each value's canonical TOML text.
    pub canonical: Vec<String>,
    /// Each value as shown in CSV cells ([`super::spec::AxisValue::display`]).
    pub display: Vec<String>,
    /// Each value as JSON (for `--json`).
    pub json: Vec<serde_json::Value>,
}

/// One point: a value of every axis.
#[derive(Clone, Debug)]
pub struct Point {
    /// The point's id (hash of [`Point::canonical`]).
    pub id: u64,
    /// The index of the value of each axis, in [`Plan::axes`] order.
    pub values: Vec<usize>,
    /// The canonical string the id hashes.
    pub canonical: String,
}

/// One run: a point and a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// The run's id.
    pub id: u64,
    /// Index into [`Plan::points`].
    pub point: usize,
    /// The seed that replaces the scenario's `[sim] seed`.
    pub seed: u64,
}

/// `--shard K/N`: the runs whose id modulo N is K - 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K, from 1.
    pub index: u64,
    /// N, at least 1.
    pub count: u64,
}

impl Shard {
    /// Whether run id `id` belongs to this shard.
    pub fn contains(self, id: u64) -> bool {
        id % self.count == self.index - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N` with 1 <= K <= N.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}`: expected K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

/// The most runs one sweep may have. The plan holds every run (and every point) in
/// memory before the first run starts, so this bounds its size: a million runs take some
/// 50 MB. A bigger study is several sweeps (or one sweep's points split by a `[[zip]]`).
pub const MAX_RUNS: usize = 1_000_000;

/// The most bytes the points' canonical strings may take together (each point's string
/// holds every axis value's canonical text, so long values times many points add up).
pub const MAX_POINT_TEXT: usize = 64 << 20;

impl Plan {
    /// The plan of `spec`, whose base scenario text hashes to `base_fingerprint`. Fails
    /// (with a message for the user) when the sweep has more than [`MAX_RUNS`] runs or,
    /// against all odds, two runs share an id.
    pub fn new(spec: &SweepSpec, base_fingerprint: u64) -> anyhow::Result<Self> {
        let mut axes = Vec::new();
        let mut dim_of_axis = Vec::new();
        for (d, dim) in spec.dims.iter().enumerate() {
            for axis in &dim.axes {
                axes.push(PlanAxis {
                    path: axis.path.to_string(),
                    canonical: axis.values.iter().map(|v| v.canonical.clone()).collect(),
                    display: axis.values.iter().map(|v| v.display()).collect(),
                    json: axis.values.iter().map(|v| to_json(&v.value)).collect(),
                });
                dim_of_axis.push(d);
            }
        }
        let lens: Vec<usize> = spec.dims.iter().map(|d| d.len()).collect();
        let n_points = lens
            .iter()
            .try_fold(1usize, |n, &l| n.checked_mul(l))
            .filter(|&n| {
                n.checked_mul(spec.seeds.len())
                    .is_some_and(|r| r <= MAX_RUNS)
            });
        let Some(n_points) = n_points else {
            anyhow::bail!(
                "the sweep has more than {MAX_RUNS} runs (points x seeds = {} x {}): split it \
                 into smaller sweeps, or use fewer seeds or axis values",
                if lens.is_empty() {
                    "1".to_owned()
                } else {
                    lens.iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(" x ")
                },
                spec.seeds.len()
            );
        };
        // Every value of an axis appears in n_points / len(its dimension) points.
        let text_bytes = spec
            .dims
            .iter()
            .zip(&lens)
            .try_fold(0usize, |sum, (dim, &len)| {
                let per_value = n_points / len.max(1);
                dim.axes.iter().try_fold(sum, |sum, axis| {
                    let path = axis.path.to_string().len() + 2;
                    axis.values.iter().try_fold(sum, |sum, v| {
                        (v.canonical.len() + path)
                            .checked_mul(per_value)
                            .and_then(|b| b.checked_add(sum))
                    })
                })
            });
        if text_bytes.is_none_or(|b| b > MAX_POINT_TEXT) {
            anyhow::bail!(
                "the sweep's {n_points} points would take more than {} MiB to describe (each \
                 point names every axis value, and some values are long): shorten the values \
                 or split the sweep",
                MAX_POINT_TEXT >> 20
            );
        }
        // Axes sorted by canonical path, for the canonical strings.
        let mut sorted: Vec<usize> = (0..axes.len()).collect();
        sorted.sort_by(|&a, &b| axes[a].path.cmp(&axes[b].path));
        let mut points = Vec::with_capacity(n_points);
        let mut index = vec![0usize; lens.len()];
        for _ in 0..n_points {
            let values: Vec<usize> = dim_of_axis.iter().map(|&d| index[d]).collect();
            let mut canonical = String::new();
            for (k, &a) in sorted.iter().enumerate() {
                if k > 0 {
                    canonical.push(';');
                }
                let _ = write!(
                    canonical,
                    "{}={}",
                    axes[a].path, axes[a].canonical[values[a]]
                );
            }
            points.push(Point {
                id: hash(&canonical),
                values,
                canonical,
            });
            // The odometer: the last dimension turns fastest.
            for d in (0..lens.len()).rev() {
                index[d] += 1;
                if index[d] < lens[d] {
                    break;
                }
                index[d] = 0;
            }
        }
        let mut runs = Vec::with_capacity(n_points * spec.seeds.len());
        for (p, point) in points.iter().enumerate() {
            // The point's part of the run ids is hashed once, not once per seed: a point
            // may name long values and have a million seeds.
            let prefix = run_id_prefix(&point.canonical);
            for &seed in &spec.seeds {
                runs.push(Run {
                    id: run_id_from(prefix, seed),
                    point: p,
                    seed,
                });
            }
        }
        let mut ids: Vec<u64> = runs.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            anyhow::bail!(
                "two runs of this sweep have the same id {:016x} (a 64-bit hash collision): \
                 change a value or a seed slightly",
                w[0]
            );
        }
        let mut definition = format!("base={base_fingerprint:016x}\n");
        for dim in &spec.dims {
            definition.push_str("dim");
            for axis in &dim.axes {
                let values: Vec<&str> = axis.values.iter().map(|v| v.canonical.as_str()).collect();
                let _ = write!(definition, " {}=[{}]", axis.path, values.join(", "));
            }
            definition.push('\n');
        }
        let seeds: Vec<String> = spec.seeds.iter().map(u64::to_string).collect();
        let _ = writeln!(definition, "seeds={}", seeds.join(","));
        Ok(Self {
            name: spec.name.clone(),
            axes,
            points,
            seeds: spec.seeds.clone(),
            runs,
            definition: hash(&definition),
        })
    }

    /// The indices into [`Plan::runs`] of the runs of `shard` (all without one), in
    /// canonical order.
    pub fn selected(&self, shard: Option<Shard>) -> Vec<usize> {
        (0..self.runs.len())
            .filter(|&i| shard.is_none_or(|s| s.contains(self.runs[i].id)))
            .collect()
    }

    /// `path=value, path=value` of point `p` for messages (`(no axes)` without axes).
    pub fn describe(&self, p: usize) -> String {
        if self.axes.is_empty() {
            return "(no axes)".to_owned();
        }
        let point = &self.points[p];
        let parts: Vec<String> = self
            .axes
            .iter()
            .zip(&point.values)
            .map(|(a, &v)| format!("{}={}", a.path, shorten(&a.display[v])))
            .collect();
        parts.join(", ")
    }
}

/// The run id of `seed` at the point with canonical string `point` (the plan computes
/// ids from [`run_id_prefix`] once per point).
#[cfg(test)]
pub fn run_id(point: &str, seed: u64) -> u64 {
    run_id_from(run_id_prefix(point), seed)
}

/// The FNV-1a state of a run id's string up to its seed: `point;` (nothing without axes).
fn run_id_prefix(point: &str) -> u64 {
    if point.is_empty() {
        FNV_OFFSET
    } else {
        fnv1a64(fnv1a64(FNV_OFFSET, point.as_bytes()), b";")
    }
}

/// The run id from [`run_id_prefix`]: `seed=S` appended, then the finaliser.
fn run_id_from(prefix: u64, seed: u64) -> u64 {
    mix64(fnv1a64(prefix, format!("seed={seed}").as_bytes()))
}

/// FNV-1a 64 of `text`'s bytes, then the SplitMix64 finaliser.
pub fn hash(text: &str) -> u64 {
    mix64(fnv1a64(FNV_OFFSET, text.as_bytes()))
}

/// `text` as shown in messages: at most [`SHOWN_VALUE`] characters, then `...` (a message
/// is repeated per point and per problem, so a 100 kB axis value must not be copied into
/// each).
pub fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(SHOWN_VALUE) {
        None => text.into(),
        Some((end, _)) => format!("{}...", &text[..end]).into(),
    }
}

/// The most characters of an axis value a message shows.
pub const SHOWN_VALUE: usize = 60;

/// An id as written in files: 16 lowercase hex digits.
pub fn hex(id: u64) -> String {
    format!("{id:016x}")
}

/// The canonical TOML text of a value: strings as basic strings with minimal escapes,
/// integers in decimal, floats in Rust's shortest round-trip form (`0.25`, `2.0`; with an
/// exponent, `1e300`, `1.5e-7`, outside 1e-5 <= |x| < 1e16; `nan`, `inf`, `-inf` as TOML
/// writes them), arrays as `[a, b]`, tables as
/// `{ k = v, ... }` with keys sorted (TOML tables are unordered, so `{a=1,b=2}` and
/// `{b=2,a=1}` are one value).
pub fn canonical_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => super::path::quote(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => {
            if f.is_nan() {
                "nan".to_owned()
            } else if f.is_infinite() {
                if *f > 0.0 { "inf" } else { "-inf" }.to_owned()
            } else if *f != 0.0 && !(1e-5..1e16).contains(&f.abs()) {
                format!("{f:e}")
            } else {
                let s = f.to_string();
                if s.contains('.') { s } else { format!("{s}.0") }
            }
        }
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_value).collect();
            format!("[{}]", items.join(", "))
        }
        toml::Value::Table(t) => {
            if t.is_empty() {
                return "{}".to_owned();
            }
            let mut keys: Vec<&String> = t.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .iter()
                .map(|k| {
                    let key = if super::path::is_bare_key(k) {
                        (*k).clone()
                    } else {
                        super::path::quote(k)
                    };
                    format!("{key} = {}", canonical_value(&t[k.as_str()]))
                })
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// A TOML value as JSON (date-times as strings, non-finite floats as null).
pub fn to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(items) => items.iter().map(to_json).collect(),
        toml::Value::Table(t) => t
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn plan(text: &str) -> Plan {
        let spec = super::super::spec::parse("s.toml", text, Path::new("."))
            .unwrap_or_else(|d| panic!("{d}"));
        Plan::new(&spec, 1).unwrap()
    }

    #[test]
    fn canonical_values_are_stable_text() {
        let v: toml::Table = "a = \"x\\\"y\"\nb = 2\nc = 2.0\nd = 1e300\ne = [1, \"z\"]\n\
                              f = { y = 1, x = 0.5 }\ng = -0.25\nh = inf\n"
            .parse()
            .unwrap();
        let got: Vec<String> = v.values().map(canonical_value).collect();
        assert_eq!(
            got,
            [
                "\"x\\\"y\"",
                "2",
                "2.0",
                "1e300",
                "[1, \"z\"]",
                "{ x = 0.5, y = 1 }",
                "-0.25",
                "inf"
            ]
        );
        let small: toml::Value = "1.5e-7".parse().unwrap();
        assert_eq!(canonical_value(&small), "1.5e-7");
        assert_eq!(
            canonical_value(&toml::Value::Float(15.6e12)),
            "15600000000000.0"
        );
    }

    #[test]
    fn expansion_is_the_product_in_axis_order_with_zipped_groups() {
        let p = plan(
            "base = \"b\"\nseeds = 2\n[axes]\nx = [1, 2]\ny = [\"a\", \"b\", \"c\"]\n\
             [[zip]]\nu = [10, 20]\nv = [true, false]\n",
        );
        assert_eq!(p.points.len(), 2 * 3 * 2);
        assert_eq!(p.runs.len(), 24);
        let shown: Vec<String> = (0..3).map(|i| p.describe(i)).collect();
        assert_eq!(shown[0], "x=1, y=a, u=10, v=true");
        assert_eq!(shown[1], "x=1, y=a, u=20, v=false");
        assert_eq!(shown[2], "x=1, y=b, u=10, v=true");
        assert_eq!(p.describe(11), "x=2, y=c, u=20, v=false");
        assert_eq!(p.points[0].canonical, "u=10;v=true;x=1;y=\"a\"");
        assert_eq!((p.runs[0].seed, p.runs[1].seed, p.runs[1].point), (1, 2, 0));
    }

    #[test]
    fn ids_depend_on_parameters_not_positions() {
        let a = plan("base = \"b\"\nseeds = 3\n[axes]\nx = [1, 2]\ny = [\"a\"]\n");
        let b =
            plan("base = \"b\"\nseeds = [3, 1, 2, 9]\n[axes]\ny = [\"z\", \"a\"]\nx = [0, 2, 1]\n");
        let ids = |p: &Plan| -> Vec<(String, u64, u64)> {
            p.runs
                .iter()
                .map(|r| (p.points[r.point].canonical.clone(), r.seed, r.id))
                .collect()
        };
        let (a, b) = (ids(&a), ids(&b));
        for run in &a {
            assert!(b.contains(run), "{run:?} kept its id");
        }
        // Golden: ids must never change between releases (finished runs are found by id).
        assert_eq!(hex(run_id("x=1;y=\"a\"", 1)), "44c5c2dcc85bbcc1");
        assert_eq!(run_id("x=1", 7), hash("x=1;seed=7"));
        assert_eq!(run_id("", 7), hash("seed=7"));
    }

    #[test]
    fn shards_partition_the_runs() {
        let p = plan("base = \"b\"\nseeds = 50\n[axes]\nx = [1, 2, 3, 4]\n");
        let all = p.selected(None);
        let mut union: Vec<usize> = Vec::new();
        for k in 1..=3 {
            let s: Shard = format!("{k}/3").parse().unwrap();
            let part = p.selected(Some(s));
            assert!(
                part.len() > 40 && part.len() < 95,
                "shard {k}: {}",
                part.len()
            );
            union.extend(part);
        }
        union.sort_unstable();
        assert_eq!(union, all);
        for bad in ["0/2", "3/2", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn fuzz_huge_products_are_refused_before_expansion() {
        // 20 axes of 10 values: 10^20 points, more than usize holds on 64 bits.
        let mut text = String::from("base = \"b\"\nseeds = 1\n[axes]\n");
        for a in 0..20 {
            text.push_str(&format!("a{a} = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n"));
        }
        let spec = super::super::spec::parse("s.toml", &text, Path::new("."))
            .unwrap_or_else(|d| panic!("{d}"));
        let e = Plan::new(&spec, 1).unwrap_err().to_string();
        assert!(e.contains("more than 1000000 runs"), "{e}");
        let spec = super::super::spec::parse(
            "s.toml",
            "base = \"b\"\nseeds = 1000000\n[axes]\nx = [1, 2]\n",
            Path::new("."),
        )
        .unwrap();
        let e = Plan::new(&spec, 1).unwrap_err().to_string();
        assert!(e.contains("points x seeds = 2 x 1000000"), "{e}");
        // Few points, but each names a 100 kB value: refused by size.
        let long = "x".repeat(100_000);
        let values: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let text = format!(
            "base = \"b\"\nseeds = 1\n[axes]\nx = [{}]\ny = [\"{long}\"]\nz = [{}]\n",
            values.join(", "),
            values.join(", ")
        );
        let spec = super::super::spec::parse("s.toml", &text, Path::new(".")).unwrap();
        let e = Plan::new(&spec, 1).unwrap_err().to_string();
        assert!(e.contains("MiB to describe"), "{e}");
    }
}
