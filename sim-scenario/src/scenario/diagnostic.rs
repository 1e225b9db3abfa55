//! Located errors: `file:line:column: key.path: message`, rendered like rustc with the
//! source line and a caret, plus the [`SourceMap`] that turns key paths into positions.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use sim_models::ModelError;

/// One problem in a scenario file, located by line, column and key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// File name as given to [`parse`](super::parse).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Dotted key path of the offending key or value, e.g. `sites.aws-use1.power_cap_mw`
    /// (array elements as `network.links[0]`); empty for a file-level problem.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// The nearest valid name, for a misspelled key or reference.
    pub suggestion: Option<String>,
    /// The text of line `line`, without its line break (for the caret display); a line
    /// longer than `MAX_SHOWN` characters is shown clipped around the column, with `...`
    /// where text is left out.
    pub source_line: String,
    /// 1-based column of the caret in `source_line` (`column` unless the line is clipped).
    pub caret_column: usize,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
}

/// The most characters of a source line a diagnostic shows: a file written on one huge
/// line (a 100 000-value array) must not copy the line into each of its diagnostics.
pub const MAX_SHOWN: usize = 160;

impl fmt::Display for Diagnostic {
    /// `file:line:column: path: message (did you mean "x"?)`, then the source line and a
    /// caret under the offending text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean \"{s}\"?)")?;
        }
        let gutter = self.line.to_string();
        let blank = " ".repeat(gutter.len());
        write!(f, "\n {gutter} | {}", self.source_line.trim_end())?;
        // Keep tabs so the caret lines up under tab-indented text.
        let pad: String = self
            .source_line
            .chars()
            .take(self.caret_column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "\n {blank} | {pad}{}", "^".repeat(self.width.max(1)))
    }
}

/// Every problem found in one scenario file, sorted by position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts by (line, column), keeping discovery order for equal positions.
    pub fn sorted(mut list: Vec<Diagnostic>) -> Self {
        list.sort_by_key(|d| (d.line, d.column));
        list.dedup();
        Self(list)
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no diagnostic.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds located builder errors, leaving out any at or under a key path already
    /// reported here (a builder checking a value the schema rejected, or left at a neutral
    /// default, would only repeat the problem), and re-sorts.
    pub fn merge_model(self, model: Diagnostics) -> Self {
        let covered = |path: &str| {
            self.0.iter().any(|d| {
                path.strip_prefix(d.path.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            })
        };
        let mut all = self.0.clone();
        all.extend(model.0.into_iter().filter(|d| !covered(&d.path)));
        Self::sorted(all)
    }
}

impl fmt::Display for Diagnostics {
    /// Every diagnostic, one after another, separated by newlines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The text of a scenario file and where each key path of it was written.
///
/// Paths are the keys from the root, outermost first, exactly as [`ModelError::path`]
/// spells them: `["sites", "aws-use1", "clusters", "h100-a", "count"]`. Array elements
/// are their 0-based index: `["network", "links", "0", "gbit"]`. A value's path maps to
/// the span of the value (so a caret lands under `"h10"`); a table's path maps to its key
/// in the header (`[sites.aws-use1]` -> `aws-use1`); the root maps to the start of file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceMap {
    /// File name as given to [`parse`](super::parse).
    pub file: String,
    /// The whole file.
    pub text: String,
    spans: HashMap<Vec<String>, Range<usize>>,
    line_starts: Vec<usize>,
    /// For each character of more than one byte, in order: the byte offset just past it
    /// and the extra bytes (beyond one per character) up to there. Turns byte offsets into
    /// character counts in *O*(log n), so a file of one huge line with thousands of
    /// problems is not read again for each.
    multibyte: Vec<(usize, usize)>,
}

impl SourceMap {
    /// A map of `text` with no paths recorded yet.
    pub fn new(file: &str, text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut extra = 0;
        let multibyte = text
            .char_indices()
            .filter(|(_, c)| c.len_utf8() > 1)
            .map(|(i, c)| {
                extra += c.len_utf8() - 1;
                (i + c.len_utf8(), extra)
            })
            .collect();
        Self {
            file: file.to_owned(),
            text: text.to_owned(),
            spans: HashMap::new(),
            line_starts,
            multibyte,
        }
    }

    /// Records where `path` was written (the first record wins).
    pub(crate) fn record(&mut self, path: &[String], span: Range<usize>) {
        self.spans.entry(path.to_vec()).or_insert(span);
    }

    /// Records `alias` as written where `target` is, if `target` was recorded (the first
    /// record of `alias` wins): for builder errors that name a field differently from
    /// the key the file uses.
    pub(crate) fn alias(&mut self, alias: &[String], target: &[String]) {
        if let Some(span) = self.spans.get(target).cloned() {
            self.record(alias, span);
        }
    }

    /// The span of `path`, or of its longest prefix that has one; the start of the file if
    /// none does.
    pub fn span(&self, path: &[String]) -> Range<usize> {
        (0..=path.len())
            .rev()
            .find_map(|n| self.spans.get(&path[..n]).cloned())
            .unwrap_or(0..0)
    }

    /// 1-based (line, column in characters) of byte `offset`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        (line + 1, self.chars_between(start, offset) + 1)
    }

    /// Number of characters between byte offsets `a <= b` (*O*(log n)).
    fn chars_between(&self, a: usize, b: usize) -> usize {
        let extra = |at: usize| {
            let i = self.multibyte.partition_point(|&(end, _)| end <= at);
            if i == 0 { 0 } else { self.multibyte[i - 1].1 }
        };
        let b = b.max(a);
        (b - a).saturating_sub(extra(b) - extra(a))
    }

    /// The byte range of the line `start..end` shown for a caret at `at`: the whole line
    /// when it has at most [`MAX_SHOWN`] characters, else [`MAX_SHOWN`] of them starting a
    /// little before `at` (*O*([`MAX_SHOWN`]), whatever the line's length).
    fn window(&self, start: usize, at: usize, end: usize) -> (usize, usize) {
        const BEFORE: usize = 40;
        if self.chars_between(start, end) <= MAX_SHOWN {
            return (start, end);
        }
        let back = |from: usize, n: usize| {
            self.text[start..from]
                .char_indices()
                .rev()
                .nth(n - 1)
                .map_or(start, |(i, _)| start + i)
        };
        let from = back(at, BEFORE).min(back(end, MAX_SHOWN));
        let to = self.text[from..end]
            .char_indices()
            .nth(MAX_SHOWN)
            .map_or(end, |(i, _)| from + i);
        (from, to)
    }

    /// A diagnostic at byte range `span` (only its first line is underlined).
    pub fn diagnostic(
        &self,
        span: Range<usize>,
        path: &[String],
        message: String,
        suggestion: Option<String>,
    ) -> Diagnostic {
        let (line, column) = self.line_column(span.start);
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let end = start + self.text[start..end].trim_end_matches('\r').len();
        let at = floor_boundary(&self.text, span.start.clamp(start, end));
        let shown_end = floor_boundary(&self.text, span.end.clamp(at, end));
        let (from, to) = self.window(start, at, end);
        let mut source_line = String::new();
        let mut caret_column = self.chars_between(from, at) + 1;
        if from > start {
            source_line.push_str("...");
            caret_column += 3;
        }
        source_line.push_str(&self.text[from..to]);
        if to < end {
            source_line.push_str("...");
        }
        let width = self.chars_between(at, shown_end.min(to)).max(1);
        Diagnostic {
            file: self.file.clone(),
            line,
            column,
            path: dotted(path),
            message,
            suggestion,
            source_line,
            caret_column,
            width,
        }
    }

    /// Locates the errors a model builder returned (by key path, falling back to the
    /// longest prefix written in the file), sorted by position.
    pub fn diagnose(&self, errors: &[ModelError]) -> Diagnostics {
        Diagnostics::sorted(
            errors
                .iter()
                .map(|e| {
                    self.diagnostic(
                        self.span(&e.path),
                        &e.path,
                        e.message.clone(),
                        e.suggestion.clone(),
                    )
                })
                .collect(),
        )
    }
}

/// The largest char boundary of `text` at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The key path as written in TOML: keys joined by dots, quoted when they are not bare
/// keys; array indices as `[n]` (`network.links[0].gbit`).
pub(crate) fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for (i, key) in path.iter().enumerate() {
        if is_array_index(path, i) {
            out.push_str(&format!("[{key}]"));
            continue;
        }
        if i > 0 {
            out.push('.');
        }
        if is_bare_key(key) {
            out.push_str(key);
        } else {
            out.push_str(&format!("{key:?}"));
        }
    }
    out
}

/// Whether `path[i]` indexes one of the scenario's arrays (`network.links`, `outages`,
/// `catalog.clouds.<cloud>.offers`, `jobs.<job>.kinds`, ...) rather than naming a key.
fn is_array_index(path: &[String], i: usize) -> bool {
    const ARRAYS: &[&[&str]] = &[
        &["network", "links"],
        &["catalog", "clouds", "", "offers"],
        &["outages"],
        &["background_outages"],
        &["maintenance"],
        &["curtailments"],
        &["random_curtailments"],
        &["grid_outages"],
        &["carbon", "", "", "hourly_g_per_kwh"],
        &["jobs", "", "kinds"],
        &["job_generators", "", "kinds"],
        &["job_generators", "", "template", "kinds"],
        &["job_generators", "", "sizes"],
        &["job_generators", "", "sizes", ""],
        &["services"],
        &["services", "", "replicas"],
        &["services", "", "users"],
        &["services", "", "users", "", "hourly"],
        &["services", "", "users", "", "weekly"],
        &["services", "", "prompt_tokens", "values"],
        &["services", "", "prompt_tokens", "weights"],
        &["services", "", "output_tokens", "values"],
        &["services", "", "output_tokens", "weights"],
        &["partitions"],
    ];
    let index = path[i].bytes().all(|b| b.is_ascii_digit());
    let under = |prefix: &[&str]| {
        i == prefix.len() && path.iter().zip(prefix).all(|(p, q)| q.is_empty() || p == q)
    };
    index && ARRAYS.iter().any(|prefix| under(prefix))
}

/// Whether `key` can be written without quotes in TOML (`A-Za-z0-9_-`, non-empty).
pub(crate) fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_clipped_around_the_caret() {
        let text = format!("a = [{}]\n", "1, ".repeat(10_000));
        let map = SourceMap::new("f.toml", &text);
        let d = map.diagnostic(15_000..15_001, &[], "bad".into(), None);
        assert_eq!((d.line, d.column), (1, 15_001));
        assert!(d.source_line.len() < MAX_SHOWN + 10, "{}", d.source_line);
        assert!(d.source_line.starts_with("...") && d.source_line.ends_with("..."));
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        let caret = lines[2].find('^').unwrap();
        assert_eq!(&lines[1][caret..=caret], &text[15_000..15_001], "{shown}");
        let short = map.diagnostic(0..1, &[], "bad".into(), None);
        assert_eq!(short.caret_column, 1);
        let end = SourceMap::new("f.toml", &"x".repeat(500));
        let d = end.diagnostic(500..500, &[], "bad".into(), None);
        assert!(d.to_string().contains('^'));
    }
}
