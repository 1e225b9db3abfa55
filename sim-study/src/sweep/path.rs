//! Key paths into a scenario (`policy.placement`, `outages[0].duration`,
//! `jobs."llama.405b".mfu`): parsing, canonical text, and setting a value in a TOML tree.
//!
//! Grammar: keys separated by dots, each bare (`A-Za-z0-9_-`) or quoted (`"..."` with
//! TOML basic-string escapes, or `'...'` literal), each followed by any number of array
//! indices `[n]`. Whitespace around dots is allowed, as in TOML dotted keys. The canonical
//! form writes bare keys bare, other keys in double quotes, and indices as `[n]`; it is
//! what run ids hash and what column headers show, so two spellings of one path
//! (`"a".b`, `a . b`) name the same axis.

use std::fmt;

/// The most segments a path may have. Setting a value walks the path recursively (and
/// the scenario is written back and parsed again), so a 50 000-key path would overflow
/// the stack; real scenario values are under ten deep.
pub const MAX_SEGMENTS: usize = 64;

/// One step of a [`KeyPath`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A key of a table.
    Key(String),
    /// A 0-based element of an array.
    Index(usize),
}

/// A path from the scenario's root to one value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPath(pub Vec<Segment>);

impl KeyPath {
    /// Parses `text`; the error says what is wrong and where (0-based character offset).
    pub fn parse(text: &str) -> Result<Self, String> {
        let chars: Vec<char> = text.chars().collect();
        let mut at = 0;
        let mut segments = Vec::new();
        let skip_space = |at: &mut usize| {
            while *at < chars.len() && (chars[*at] == ' ' || chars[*at] == '\t') {
                *at += 1;
            }
        };
        loop {
            skip_space(&mut at);
            let key = match chars.get(at) {
                None => return Err(format!("a key is missing at the end of `{text}`")),
                Some('"') => basic_string(&chars, &mut at, text)?,
                Some('\'') => {
                    let start = at + 1;
                    let end = (start..chars.len())
                        .find(|&i| chars[i] == '\'')
                        .ok_or_else(|| format!("unterminated quoted key in `{text}`"))?;
                    at = end + 1;
                    chars[start..end].iter().collect()
                }
                Some(_) => {
                    let start = at;
                    while at < chars.len()
                        && (chars[at].is_ascii_alphanumeric()
                            || chars[at] == '-'
                            || chars[at] == '_')
                    {
                        at += 1;
                    }
                    if at == start {
                        return Err(format!(
                            "unexpected `{}` in `{text}`: keys are bare (letters, digits, `-`, \
                             `_`) or quoted, separated by dots, with array indices as `[0]`",
                            chars[at]
                        ));
                    }
                    chars[start..at].iter().collect()
                }
            };
            segments.push(Segment::Key(key));
            if segments.len() > MAX_SEGMENTS {
                return Err(format!(
                    "the path has more than {MAX_SEGMENTS} keys and indices: no scenario \
                     value is that deep"
                ));
            }
            skip_space(&mut at);
            while chars.get(at) == Some(&'[') {
                let start = at + 1;
                let end = (start..chars.len())
                    .find(|&i| chars[i] == ']')
                    .ok_or_else(|| format!("`[` without `]` in `{text}`"))?;
                let digits: String = chars[start..end].iter().collect();
                let digits = digits.trim();
                let index = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    digits.parse::<usize>().ok()
                } else {
                    None
                }
                .ok_or_else(|| {
                    format!(
                        "`[{digits}]` in `{text}`: an array index is a whole number such as [0]"
                    )
                })?;
                segments.push(Segment::Index(index));
                if segments.len() > MAX_SEGMENTS {
                    return Err(format!(
                        "the path has more than {MAX_SEGMENTS} keys and indices: no scenario \
                         value is that deep"
                    ));
                }
                at = end + 1;
                skip_space(&mut at);
            }
            match chars.get(at) {
                None => return Ok(Self(segments)),
                Some('.') => at += 1,
                Some(c) => {
                    return Err(format!(
                        "unexpected `{c}` in `{text}`: separate keys with dots, e.g. \
                         `outages[0].duration`"
                    ));
                }
            }
        }
    }

    /// Whether `self` is `other` or lies under it. A key of digits matches an index of
    /// the same number (scenario diagnostics write `links.0` for some arrays).
    pub fn starts_with(&self, other: &KeyPath) -> bool {
        other.0.len() <= self.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| same(a, b))
    }

    /// The value at this path in `root`, if there is one.
    #[cfg(test)]
    pub fn get<'a>(&self, root: &'a toml::Table) -> Option<&'a toml::Value> {
        let (first, rest) = self.0.split_first()?;
        let Segment::Key(k) = first else { return None };
        let mut v = root.get(k)?;
        for s in rest {
            v = match (s, v) {
                (Segment::Key(k), toml::Value::Table(t)) => t.get(k)?,
                (Segment::Index(i), toml::Value::Array(a)) => a.get(*i)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// Sets the value at this path in `root`. The last key of a table may be new; a missing
    /// table on the way is created (optional sections such as `[policy]` or
    /// `[policy.placement_params]` need not be in the base), unless its key looks like a
    /// misspelling of a key that is there (`jobs.bgi` next to `jobs.big`): that is an error
    /// with a "did you mean". Arrays are never created or extended: an index must exist.
    /// Whatever is created, the scenario's own checks then judge.
    pub fn set(&self, root: &mut toml::Table, value: toml::Value) -> Result<(), PathError> {
        if !matches!(self.0.first(), Some(Segment::Key(_))) {
            return Err(PathError::new("a path starts with a key"));
        }
        self.set_in_table(root, 0, value)
    }

    /// Sets the rest of the path from segment `at` (a key) in table `t`.
    fn set_in_table(
        &self,
        t: &mut toml::Table,
        at: usize,
        value: toml::Value,
    ) -> Result<(), PathError> {
        let Segment::Key(k) = &self.0[at] else {
            unreachable!("invariant: set_in_table is called at a key segment")
        };
        if at + 1 == self.0.len() {
            t.insert(k.clone(), value);
            return Ok(());
        }
        if !t.contains_key(k) {
            let done = KeyPath(self.0[..=at].to_vec());
            let misspelt = sim_models::suggest::closest(k, t.keys().map(String::as_str)).is_some();
            if misspelt || matches!(self.0[at + 1], Segment::Index(_)) {
                return Err(missing_key(&done, t.keys()));
            }
            t.insert(k.clone(), toml::Value::Table(toml::Table::new()));
        }
        let next = t
            .get_mut(k)
            .expect("invariant: the key was just checked or inserted");
        self.set_in_value(next, at + 1, value)
    }

    /// Sets the rest of the path from segment `at` in value `v`.
    fn set_in_value(
        &self,
        v: &mut toml::Value,
        at: usize,
        value: toml::Value,
    ) -> Result<(), PathError> {
        let done = KeyPath(self.0[..at].to_vec());
        match (&self.0[at], v) {
            (Segment::Key(_), toml::Value::Table(t)) => self.set_in_table(t, at, value),
            (Segment::Index(n), toml::Value::Array(a)) => {
                let len = a.len();
                let Some(slot) = a.get_mut(*n) else {
                    return Err(PathError::new(format!(
                        "`{done}` has {len} element{}: [{n}] is out of range (indices start at 0)",
                        if len == 1 { "" } else { "s" }
                    )));
                };
                if at + 1 == self.0.len() {
                    *slot = value;
                    Ok(())
                } else {
                    self.set_in_value(slot, at + 1, value)
                }
            }
            (s, other) => {
                let want = match s {
                    Segment::Key(_) => "a table",
                    Segment::Index(_) => "an array",
                };
                Err(PathError::new(format!(
                    "`{done}` is {} in the base scenario, not {want}: `{self}` cannot be set",
                    kind(other)
                )))
            }
        }
    }
}

/// Why a path cannot be set, with the nearest existing key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// What is wrong.
    pub message: String,
    /// The nearest key that exists, for "did you mean".
    pub suggestion: Option<String>,
}

impl PathError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            suggestion: None,
        }
    }
}

impl fmt::Display for KeyPath {
    /// The canonical form: `jobs."llama.405b".kinds[0]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if is_bare_key(k) {
                        f.write_str(k)?;
                    } else {
                        f.write_str(&quote(k))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Whether `key` can be written without quotes in TOML (`A-Za-z0-9_-`, non-empty).
pub fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `s` as a TOML basic string: double quotes, with `\\`, `\"`, `\n`, `\t`, `\r` and
/// `\uXXXX` for other control characters. Stable across Rust releases (unlike `{:?}`),
/// because ids hash it.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn same(a: &Segment, b: &Segment) -> bool {
    match (a, b) {
        (Segment::Key(x), Segment::Index(n)) | (Segment::Index(n), Segment::Key(x)) => {
            *x == n.to_string()
        }
        _ => a == b,
    }
}

fn missing_key<'a>(path: &KeyPath, keys: impl Iterator<Item = &'a String>) -> PathError {
    let keys: Vec<&str> = keys.map(String::as_str).collect();
    let last = match path.0.last() {
        Some(Segment::Key(k)) => k.as_str(),
        _ => "",
    };
    let parent = KeyPath(path.0[..path.0.len() - 1].to_vec());
    let within = if parent.0.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("in `{parent}`")
    };
    PathError {
        message: format!("`{path}` is not in the base scenario: there is no key `{last}` {within}"),
        suggestion: sim_models::suggest::closest(last, keys.iter().copied()),
    }
}

/// "a string", "a table", ... for messages.
pub fn kind(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date-time",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

/// Reads a `"..."` key starting at `chars[*at]`, unescaping TOML basic-string escapes.
fn basic_string(chars: &[char], at: &mut usize, text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut i = *at + 1;
    loop {
        match chars.get(i) {
            None => return Err(format!("unterminated quoted key in `{text}`")),
            Some('"') => {
                *at = i + 1;
                return Ok(out);
            }
            Some('\\') => {
                let c = chars
                    .get(i + 1)
                    .ok_or_else(|| format!("unterminated quoted key in `{text}`"))?;
                let (ch, used) = match c {
                    '"' => ('"', 2),
                    '\\' => ('\\', 2),
                    'n' => ('\n', 2),
                    't' => ('\t', 2),
                    'r' => ('\r', 2),
                    'b' => ('\u{8}', 2),
                    'f' => ('\u{c}', 2),
                    'e' => ('\u{1b}', 2),
                    'u' | 'U' => {
                        let n = if *c == 'u' { 4 } else { 8 };
                        let hex: String = chars.iter().skip(i + 2).take(n).collect();
                        let ch = u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == n)
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("invalid escape `\\{c}{hex}` in `{text}`"))?;
                        (ch, 2 + n)
                    }
                    other => return Err(format!("invalid escape `\\{other}` in `{text}`")),
                };
                out.push(ch);
                i += used;
            }
            Some(c) => {
                out.push(*c);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> KeyPath {
        KeyPath::parse(text).unwrap()
    }

    #[test]
    fn parses_keys_indices_and_quotes() {
        assert_eq!(
            p("outages[0].duration").0,
            [
                Segment::Key("outages".into()),
                Segment::Index(0),
                Segment::Key("duration".into())
            ]
        );
        assert_eq!(
            p(r#"jobs."a.b" . 'c d'"#).to_string(),
            r#"jobs."a.b"."c d""#
        );
        assert_eq!(p("a[1][2].b").to_string(), "a[1][2].b");
        assert_eq!(p(r#""x\"y""#).to_string(), r#""x\"y""#);
        for bad in ["", "a.", ".a", "a[", "a[x]", "a b", "[0]", "\"a", "a..b"] {
            assert!(KeyPath::parse(bad).is_err(), "{bad:?} parses");
        }
    }

    #[test]
    fn prefix_matching_treats_digit_keys_as_indices() {
        assert!(p("outages[0].duration").starts_with(&p("outages[0]")));
        assert!(p("network.links.0.gbit").starts_with(&p("network.links[0]")));
        assert!(!p("outages").starts_with(&p("outages[0]")));
    }

    #[test]
    fn set_replaces_adds_a_last_key_and_reports_missing_parents() {
        let mut t: toml::Table = "[policy]\nplacement = \"first-fit\"\n[[outages]]\nat = \"1d\"\n"
            .parse()
            .unwrap();
        p("policy.placement")
            .set(&mut t, toml::Value::String("cheapest".into()))
            .unwrap();
        p("outages[0].duration")
            .set(&mut t, toml::Value::String("6h".into()))
            .unwrap();
        assert_eq!(
            p("outages[0].duration").get(&t),
            Some(&toml::Value::String("6h".into()))
        );
        assert_eq!(
            p("policy.placement").get(&t),
            Some(&toml::Value::String("cheapest".into()))
        );
        let e = p("polcy.placement")
            .set(&mut t, toml::Value::Integer(1))
            .unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("policy"));
        // Missing tables are created, unless the key looks misspelt.
        p("policy.placement_params.amortise_h")
            .set(&mut t, toml::Value::Integer(48))
            .unwrap();
        p("serving.fidelity")
            .set(&mut t, toml::Value::String("flow".into()))
            .unwrap();
        assert_eq!(
            p("policy.placement_params.amortise_h").get(&t),
            Some(&toml::Value::Integer(48))
        );
        let e = p("partitions[0].at")
            .set(&mut t, toml::Value::Integer(1))
            .unwrap_err();
        assert!(
            e.message
                .contains("`partitions` is not in the base scenario"),
            "{}",
            e.message
        );
        let e = p("outages[2].at")
            .set(&mut t, toml::Value::Integer(1))
            .unwrap_err();
        assert!(e.message.contains("has 1 element"), "{}", e.message);
        let e = p("policy.placement.x")
            .set(&mut t, toml::Value::Integer(1))
            .unwrap_err();
        assert!(e.message.contains("is a string"), "{}", e.message);
    }

    /// Issue 9 (fuzzing): a 50 000-key axis path overflowed the stack when set.
    #[test]
    fn fuzz_very_deep_paths_are_refused() {
        let deep = format!("{}b", "a.".repeat(50_000));
        let e = KeyPath::parse(&deep).unwrap_err();
        assert!(e.contains("more than 64 keys"), "{e}");
        let deep = format!("a{}", "[0]".repeat(100));
        assert!(KeyPath::parse(&deep).is_err());
        let ok = format!("{}b", "a.".repeat(63));
        assert_eq!(KeyPath::parse(&ok).unwrap().0.len(), 64);
    }
}
