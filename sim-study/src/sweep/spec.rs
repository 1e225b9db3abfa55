//! Sweep files: read the TOML (with positions), check every key, and describe the axes.
//!
//! ```toml
//! name = "outage-study"                   # optional: the file's folder or stem
//! base = "scenario.toml"                  # required: relative to this file
//! seeds = 20                              # required: 1..=20, or a list [1, 2, 7]
//! [axes]                                  # optional: one dimension per key
//! "policy.placement" = ["first-fit", "cheapest"]
//! [[zip]]                                 # optional: keys of one group vary together
//! "jobs.big.checkpoint_interval" = ["30m", "2h"]
//! "jobs.big.restart_overhead" = ["5m", "20m"]
//! ```
//!
//! Every problem of the file is reported at once with its line and column; nothing here
//! reads the base scenario (see [`super::points`] for the overrides' own checks).

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::path::{KeyPath, Segment, is_bare_key, quote};
use super::plan::canonical_value;
use sim_scenario::scenario::{Diagnostic, Diagnostics, SourceMap};

/// The top-level keys of a sweep file.
const KEYS: &[&str] = &["name", "base", "seeds", "axes", "zip"];

/// The most seeds `seeds = N` may ask for (a list may name any seeds).
pub const MAX_SEEDS: i64 = 1_000_000;

/// A sweep file read and checked on its own (not yet against its base scenario).
#[derive(Clone, Debug)]
pub struct SweepSpec {
    /// `name`, or the sweep file's folder name (its stem when that is not `sweep`).
    pub name: String,
    /// `base` relative to the current folder (the sweep file's folder joined with it).
    pub base: PathBuf,
    /// Where `base` is written in the sweep file.
    pub base_span: Range<usize>,
    /// The seeds, ascending, without repeats.
    pub seeds: Vec<u64>,
    /// The dimensions of the cartesian product, in file order: each `[axes]` key on its
    /// own, then each `[[zip]]` group.
    pub dims: Vec<Dim>,
    /// The file's text and positions, for messages about it.
    pub map: SourceMap,
}

/// One dimension of the product: a single axis, or a `[[zip]]` group whose axes take
/// their i-th values together.
#[derive(Clone, Debug)]
pub struct Dim {
    /// The axes of the dimension (one unless zipped), each with the same number of values.
    pub axes: Vec<Axis>,
}

impl Dim {
    /// Number of values each axis of the dimension has.
    pub fn len(&self) -> usize {
        self.axes.first().map_or(0, |a| a.values.len())
    }
}

/// One overridden key and the values it takes.
#[derive(Clone, Debug)]
pub struct Axis {
    /// The key path in the scenario.
    pub path: KeyPath,
    /// Where in the sweep file the axis is (`axes."policy.placement"`,
    /// `zip[0]."jobs.big.checkpoint_interval"`), for messages.
    pub label: String,
    /// The span of the key in the sweep file.
    pub key_span: Range<usize>,
    /// The values, in file order.
    pub values: Vec<AxisValue>,
}

/// One value of an axis.
#[derive(Clone, Debug)]
pub struct AxisValue {
    /// The TOML value written in the sweep file.
    pub value: toml::Value,
    /// Its span in the sweep file.
    pub span: Range<usize>,
    /// Its canonical TOML text ([`canonical_value`]): what run ids hash.
    pub canonical: String,
}

impl AxisValue {
    /// How the value appears in CSV cells and messages: a string without its quotes,
    /// anything else in canonical TOML.
    pub fn display(&self) -> String {
        match &self.value {
            toml::Value::String(s) => s.clone(),
            _ => self.canonical.clone(),
        }
    }
}

/// Reads sweep file `text` (named `file_name` in messages; `dir` is its folder). Returns
/// every problem at once, sorted by position.
pub fn parse(file_name: &str, text: &str, dir: &Path) -> Result<SweepSpec, Diagnostics> {
    let map = SourceMap::new(file_name, text);
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let list = errors
            .iter()
            .map(|e| {
                map.diagnostic(
                    e.span().unwrap_or(0..0),
                    &[],
                    format!("invalid TOML: {}", e.message().trim_end()),
                    None,
                )
            })
            .collect();
        return Err(Diagnostics::sorted(list));
    }
    let owned: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let d = map.diagnostic(span, &[], format!("invalid TOML: {}", e.message()), None);
            return Err(Diagnostics::sorted(vec![d]));
        }
    };
    let mut r = Reader {
        map,
        problems: Vec::new(),
    };
    let spec = r.read(doc.get_ref(), &owned, file_name, dir);
    if r.problems.is_empty() {
        Ok(spec)
    } else {
        Err(Diagnostics::sorted(r.problems))
    }
}

/// Collects problems while reading.
struct Reader {
    map: SourceMap,
    problems: Vec<Diagnostic>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Reader {
    fn error(
        &mut self,
        span: Range<usize>,
        path: &str,
        message: String,
        suggestion: Option<String>,
    ) {
        let mut d = self.map.diagnostic(span, &[], message, suggestion);
        d.path = path.to_owned();
        self.problems.push(d);
    }

    fn read(
        &mut self,
        root: &DeTable<'_>,
        owned: &toml::Table,
        file: &str,
        dir: &Path,
    ) -> SweepSpec {
        for (key, _) in root.iter() {
            let k = key.get_ref().as_ref();
            if !KEYS.contains(&k) {
                let hint = sim_models::suggest::closest(k, KEYS.iter().copied());
                self.error(
                    key.span(),
                    k,
                    format!(
                        "unknown key `{k}`: a sweep file has `base`, `seeds`, and optionally \
                         `name`, `[axes]` and `[[zip]]`"
                    ),
                    hint,
                );
            }
        }
        let name = match root.get("name") {
            None => default_name(file),
            Some(v) => match v.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => s.to_string(),
                _ => {
                    self.error(v.span(), "name", "expected a non-empty string".into(), None);
                    String::new()
                }
            },
        };
        let base_span = root.get("base").map_or(0..0, Spanned::span);
        let base_written = match root.get("base") {
            None => {
                self.error(
                    0..0,
                    "",
                    "the sweep names no base scenario: add `base = \"scenario.toml\"` (a path \
                     relative to this file)"
                        .into(),
                    None,
                );
                String::new()
            }
            Some(v) => match v.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => s.to_string(),
                _ => {
                    self.error(
                        v.span(),
                        "base",
                        "expected the base scenario's path as a string, e.g. \"scenario.toml\""
                            .into(),
                        None,
                    );
                    String::new()
                }
            },
        };
        let seeds = self.seeds(root, owned);
        let mut dims = Vec::new();
        if let Some(v) = root.get("axes") {
            match (v.get_ref(), owned.get("axes")) {
                (DeValue::Table(t), Some(toml::Value::Table(o))) => {
                    for (key, value) in t.iter() {
                        let k = key.get_ref().as_ref();
                        let label = format!("axes.{}", label_key(k));
                        if let Some(axis) = self.axis(k, key.span(), value, o.get(k), &label) {
                            dims.push(Dim { axes: vec![axis] });
                        }
                    }
                }
                _ => self.error(
                    v.span(),
                    "axes",
                    "expected a table: [axes] with one `\"key.path\" = [values]` per line".into(),
                    None,
                ),
            }
        }
        if let Some(v) = root.get("zip") {
            match (v.get_ref(), owned.get("zip")) {
                (DeValue::Array(groups), Some(toml::Value::Array(o))) => {
                    for (g, (group, og)) in groups.iter().zip(o).enumerate() {
                        if let Some(dim) = self.zip_group(g, group, og) {
                            dims.push(dim);
                        }
                    }
                }
                _ => self.error(
                    v.span(),
                    "zip",
                    "expected an array of tables: [[zip]] with `\"key.path\" = [values]` lines"
                        .into(),
                    None,
                ),
            }
        }
        self.check_paths(&dims);
        SweepSpec {
            name,
            base: dir.join(&base_written),
            base_span,
            seeds,
            dims,
            map: self.map.clone(),
        }
    }

    /// `seeds = N` (1..=N) or a non-empty list of distinct integers >= 0, sorted.
    fn seeds(&mut self, root: &DeTable<'_>, owned: &toml::Table) -> Vec<u64> {
        let Some(v) = root.get("seeds") else {
            self.error(
                0..0,
                "",
                "the sweep has no `seeds`: add `seeds = 10` (seeds 1 to 10) or a list such as \
                 `seeds = [1, 2, 7]`"
                    .into(),
                None,
            );
            return Vec::new();
        };
        match (v.get_ref(), owned.get("seeds")) {
            (DeValue::Integer(_), Some(toml::Value::Integer(n))) => {
                if (1..=MAX_SEEDS).contains(n) {
                    (1..=n.unsigned_abs()).collect()
                } else {
                    self.error(
                        v.span(),
                        "seeds",
                        format!("expected a number of seeds from 1 to {MAX_SEEDS}, found {n}"),
                        None,
                    );
                    Vec::new()
                }
            }
            (DeValue::Array(items), Some(toml::Value::Array(o))) => {
                if items.is_empty() {
                    self.error(
                        v.span(),
                        "seeds",
                        "the list of seeds is empty: give at least one".into(),
                        None,
                    );
                }
                if items.len() > MAX_SEEDS.unsigned_abs() as usize {
                    self.error(
                        v.span(),
                        "seeds",
                        format!(
                            "the list has {} seeds; expected at most {MAX_SEEDS}",
                            items.len()
                        ),
                        None,
                    );
                    return Vec::new();
                }
                let mut seeds: Vec<u64> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for (i, (item, value)) in items.iter().zip(o).enumerate() {
                    let path = format!("seeds[{i}]");
                    match value {
                        toml::Value::Integer(n) if *n >= 0 => {
                            let n = n.unsigned_abs();
                            if !seen.insert(n) {
                                self.error(
                                    item.span(),
                                    &path,
                                    format!("seed {n} is listed twice"),
                                    None,
                                );
                            }
                            seeds.push(n);
                        }
                        other => self.error(
                            item.span(),
                            &path,
                            format!("expected a seed (an integer >= 0), found {}", show(other)),
                            None,
                        ),
                    }
                }
                seeds.sort_unstable();
                seeds.dedup();
                seeds
            }
            (_, other) => {
                self.error(
                    v.span(),
                    "seeds",
                    format!(
                        "expected a number of seeds (`seeds = 20`) or a list (`seeds = [1, 2, 7]`), \
                         found {}",
                        other.map_or_else(|| "nothing".to_owned(), show)
                    ),
                    None,
                );
                Vec::new()
            }
        }
    }

    /// One axis: a key path and a non-empty array of distinct values.
    fn axis(
        &mut self,
        key: &str,
        key_span: Range<usize>,
        v: &Value<'_>,
        owned: Option<&toml::Value>,
        label: &str,
    ) -> Option<Axis> {
        let path = match KeyPath::parse(key) {
            Ok(p) => p,
            Err(e) => {
                self.error(key_span, label, format!("invalid key path: {e}"), None);
                return None;
            }
        };
        if matches!(path.0.as_slice(), [Segment::Key(a), Segment::Key(b)] if a == "sim" && b == "seed")
        {
            self.error(
                key_span,
                label,
                "`sim.seed` is set by `seeds`: give the seeds there (each run replaces the \
                 scenario's seed)"
                    .into(),
                None,
            );
            return None;
        }
        let (DeValue::Array(items), Some(toml::Value::Array(values))) = (v.get_ref(), owned) else {
            self.error(
                v.span(),
                label,
                format!(
                    "expected an array of values, e.g. `{} = [\"a\", \"b\"]`, found {}",
                    label_key(key),
                    owned.map_or_else(|| "nothing".to_owned(), show)
                ),
                None,
            );
            return None;
        };
        if items.is_empty() {
            self.error(
                v.span(),
                label,
                "an axis needs at least one value".into(),
                None,
            );
            return None;
        }
        let mut out: Vec<AxisValue> = Vec::new();
        let mut ok = true;
        // Each value's first index: *O*(n) for an axis of n values, not *O*(n^2).
        let mut first: HashMap<String, usize> = HashMap::new();
        for (i, (item, value)) in items.iter().zip(values).enumerate() {
            let canonical = canonical_value(value);
            if let Some(&j) = first.get(&canonical) {
                self.error(
                    item.span(),
                    &format!("{label}[{i}]"),
                    format!("the value {canonical} is already the axis's value [{j}]"),
                    None,
                );
                ok = false;
            }
            first.entry(canonical.clone()).or_insert(i);
            out.push(AxisValue {
                value: value.clone(),
                span: item.span(),
                canonical,
            });
        }
        ok.then_some(Axis {
            path,
            label: label.to_owned(),
            key_span,
            values: out,
        })
    }

    /// One `[[zip]]` table: at least one axis, all with the same number of values, and no
    /// combination given twice.
    fn zip_group(&mut self, g: usize, group: &Value<'_>, owned: &toml::Value) -> Option<Dim> {
        let label = format!("zip[{g}]");
        let (DeValue::Table(t), toml::Value::Table(o)) = (group.get_ref(), owned) else {
            self.error(
                group.span(),
                &label,
                "expected a table of `\"key.path\" = [values]` lines".into(),
                None,
            );
            return None;
        };
        if t.is_empty() {
            self.error(
                group.span(),
                &label,
                "an empty [[zip]] group: give two or more axes that vary together".into(),
                None,
            );
            return None;
        }
        let mut axes: Vec<Axis> = Vec::new();
        let mut ok = true;
        for (key, value) in t.iter() {
            let k = key.get_ref().as_ref();
            let axis_label = format!("{label}.{}", label_key(k));
            match self.axis(k, key.span(), value, o.get(k), &axis_label) {
                Some(axis) => axes.push(axis),
                None => ok = false,
            }
        }
        let first = axes.first()?;
        let n = first.values.len();
        for a in &axes[1..] {
            if a.values.len() != n {
                let message = format!(
                    "{} has {} value{} but {} has {n}: the axes of one [[zip]] group take their \
                     values together and need as many each",
                    a.label,
                    a.values.len(),
                    if a.values.len() == 1 { "" } else { "s" },
                    first.label,
                );
                self.error(a.key_span.clone(), &a.label, message, None);
                ok = false;
            }
        }
        if ok {
            // Each combination's first index (*O*(n) for n combinations).
            let mut first: HashMap<Vec<&str>, usize> = HashMap::new();
            let mut repeats = Vec::new();
            for i in 0..n {
                let combination: Vec<&str> = axes
                    .iter()
                    .map(|a| a.values[i].canonical.as_str())
                    .collect();
                match first.get(&combination) {
                    Some(&j) => repeats.push((i, j)),
                    None => {
                        first.insert(combination, i);
                    }
                }
            }
            for (i, j) in repeats {
                let message = format!(
                    "the group's combination [{i}] repeats combination [{j}]: every point \
                     would run twice"
                );
                self.error(axes[0].values[i].span.clone(), &label, message, None);
                ok = false;
            }
        }
        ok.then_some(Dim { axes })
    }

    /// No path is given twice (in any spelling) across `[axes]` and `[[zip]]`.
    fn check_paths(&mut self, dims: &[Dim]) {
        let axes: Vec<&Axis> = dims.iter().flat_map(|d| &d.axes).collect();
        for (i, a) in axes.iter().enumerate() {
            if let Some(b) = axes[..i].iter().find(|b| b.path == a.path) {
                let message = format!("`{}` is already an axis ({})", a.path, b.label);
                self.error(a.key_span.clone(), &a.label, message, None);
            }
        }
    }
}

/// The default sweep name: the file's folder name when the file is called `sweep.toml`,
/// else the file's stem.
fn default_name(file: &str) -> String {
    let path = Path::new(file);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|s| s.to_string_lossy().into_owned());
    match folder {
        Some(folder) if stem == "sweep" && !folder.is_empty() => folder,
        _ if stem.is_empty() => "sweep".to_owned(),
        _ => stem,
    }
}

/// A key as it appears in a diagnostic's path: bare if it can be, quoted otherwise.
fn label_key(k: &str) -> String {
    if is_bare_key(k) {
        k.to_owned()
    } else {
        quote(k)
    }
}

/// A value for messages: its kind and canonical text.
fn show(v: &toml::Value) -> String {
    format!("{} ({})", super::path::kind(v), canonical_value(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> SweepSpec {
        parse("s.toml", text, Path::new("dir")).unwrap_or_else(|d| panic!("{d}"))
    }

    fn problems(text: &str) -> String {
        parse("s.toml", text, Path::new("."))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn reads_axes_zip_and_seeds() {
        let s = parse_ok(
            "base = \"b.toml\"\nseeds = 3\n[axes]\n\"policy.placement\" = [\"a\", \"b\"]\n\
             [[zip]]\n\"jobs.x.mfu\" = [0.3, 0.4]\n\"jobs.x.priority\" = [1, 2]\n",
        );
        assert_eq!(s.seeds, [1, 2, 3]);
        assert_eq!(s.base, Path::new("dir").join("b.toml"));
        assert_eq!(s.dims.len(), 2);
        assert_eq!(s.dims[1].axes.len(), 2);
        assert_eq!(s.dims[1].axes[0].label, "zip[0].\"jobs.x.mfu\"");
        assert_eq!(s.name, "s");
        let s = parse_ok("base = \"b.toml\"\nseeds = [7, 2]\n");
        assert_eq!(s.seeds, [2, 7]);
        assert!(s.dims.is_empty());
    }

    #[test]
    fn reports_every_problem_with_its_position() {
        let text = "base = \"b.toml\"\nseed = 3\n[axes]\n\"a.b\" = []\n\"sim.seed\" = [1]\n\
                    \"c\" = [1, 1]\n[[zip]]\n\"x\" = [1, 2]\n\"y\" = [1]\n";
        let got = problems(text);
        assert!(
            got.contains("s.toml:2:1: seed: unknown key `seed`"),
            "{got}"
        );
        assert!(got.contains("(did you mean \"seeds\"?)"), "{got}");
        assert!(got.contains("the sweep has no `seeds`"), "{got}");
        assert!(
            got.contains("s.toml:4:9: axes.\"a.b\": an axis needs at least one value"),
            "{got}"
        );
        assert!(
            got.contains("axes.\"sim.seed\": `sim.seed` is set by `seeds`"),
            "{got}"
        );
        assert!(
            got.contains("s.toml:6:11: axes.c[1]: the value 1 is already"),
            "{got}"
        );
        assert!(
            got.contains("zip[0].y has 1 value but zip[0].x has 2"),
            "{got}"
        );
    }

    #[test]
    fn the_same_path_twice_is_an_error() {
        let got = problems("base = \"b\"\nseeds = 1\n[axes]\n\"a.b\" = [1]\n'a . \"b\"' = [2]\n");
        assert!(
            got.contains("`a.b` is already an axis (axes.\"a.b\")"),
            "{got}"
        );
    }

    #[test]
    fn default_names() {
        assert_eq!(default_name("experiments/study/sweep.toml"), "study");
        assert_eq!(default_name("sweep.toml"), "sweep");
        assert_eq!(default_name("x/outages.toml"), "outages");
    }
}
