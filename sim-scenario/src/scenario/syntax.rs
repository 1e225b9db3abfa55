//! TOML syntax errors as diagnostics: the parser's message and position, plus the key path
//! read back from the raw lines (there is no tree to ask when the text does not parse).

use std::ops::Range;

use super::diagnostic::{Diagnostic, SourceMap, dotted};

/// Every syntax error of the file, located and explained.
pub(crate) fn diagnostics(map: &SourceMap, errors: &[toml::de::Error]) -> Vec<Diagnostic> {
    let lines = scan(&map.text);
    errors
        .iter()
        .map(|e| {
            let span = e.span().unwrap_or(0..0);
            let at = line_of(&lines, span.start);
            let path = lines.get(at).map(|l| l.path.clone()).unwrap_or_default();
            let message = explain(map, &lines, at, span.clone(), e.message(), &path);
            map.diagnostic(span, &path, message, None)
        })
        .collect()
}

/// What the raw text says about one line.
struct Line {
    /// Byte offset of its first character.
    start: usize,
    /// The key path it defines (a header's table, or a `key = value`'s key), else the
    /// table it sits in.
    path: Vec<String>,
    /// Whether it is a `[table]` or `[[array]]` header.
    header: bool,
    /// Whether it defines `path` (a header or a key), rather than just sitting in it.
    defines: bool,
}

/// Reads headers and keys line by line. A best-effort reading for messages only: it knows
/// quoted keys and skips the inside of multi-line strings, nothing more.
fn scan(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut table: Vec<String> = Vec::new();
    let mut in_multiline = false;
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim();
        let mut entry = Line {
            start,
            path: table.clone(),
            header: false,
            defines: false,
        };
        start += raw.len();
        let toggles = line.matches("\"\"\"").count() + line.matches("'''").count();
        if in_multiline {
            in_multiline = toggles % 2 == 0;
            out.push(entry);
            continue;
        }
        if let Some(inner) = line.strip_prefix('[') {
            let inner = inner.trim_start_matches('[');
            let inner = inner.split(']').next().unwrap_or_default();
            table = split_keys(inner);
            entry.path = table.clone();
            entry.header = true;
            entry.defines = true;
        } else if !line.starts_with('#')
            && let Some(eq) = find_unquoted(line, '=')
        {
            entry.path.extend(split_keys(&line[..eq]));
            entry.defines = true;
        }
        in_multiline = toggles % 2 == 1;
        out.push(entry);
    }
    out
}

/// The index of the line holding byte `offset`.
fn line_of(lines: &[Line], offset: usize) -> usize {
    lines
        .partition_point(|l| l.start <= offset)
        .saturating_sub(1)
}

/// The first `ch` of `s` outside quotes.
fn find_unquoted(s: &str, ch: char) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, _) if c == ch => return Some(i),
            _ => {}
        }
    }
    None
}

/// `a."b.c" . d` -> `["a", "b.c", "d"]`.
fn split_keys(s: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let end = find_unquoted(rest, '.').unwrap_or(rest.len());
        let key = rest[..end].trim();
        let key = key
            .strip_prefix('"')
            .and_then(|k| k.strip_suffix('"'))
            .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
            .unwrap_or(key);
        keys.push(key.to_owned());
        rest = rest.get(end + 1..).unwrap_or_default().trim_start();
    }
    keys
}

/// The parser's message, reworded where a scenario author benefits.
fn explain(
    map: &SourceMap,
    lines: &[Line],
    at: usize,
    span: Range<usize>,
    message: &str,
    path: &[String],
) -> String {
    let text = map.text.get(span).unwrap_or_default();
    if message.starts_with("duplicate key") {
        let header = lines.get(at).is_some_and(|l| l.header);
        let what = if header {
            format!("the table [{}]", dotted(path))
        } else {
            format!("the key `{}`", dotted(path))
        };
        let first = lines[..at]
            .iter()
            .position(|l| l.defines && l.path == path)
            .map(|i| format!(" at line {}", i + 1))
            .unwrap_or_default();
        return format!(
            "duplicate key: {what} is already defined{first}; TOML allows each table and \
             key only once, so give each site or cluster its own name (or merge the two)"
        );
    }
    if message.starts_with("string values must be quoted") && !text.trim().is_empty() {
        return format!("string values must be quoted: write \"{}\"", text.trim());
    }
    if message.starts_with("string values must be quoted") {
        return "a value is missing after `=`".to_owned();
    }
    format!("invalid TOML: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keys_handles_quotes_and_spaces() {
        assert_eq!(split_keys("sites . \"a.b\".c"), ["sites", "a.b", "c"]);
        assert_eq!(split_keys("'x y'"), ["x y"]);
        assert!(split_keys("").is_empty());
    }

    #[test]
    fn scan_tracks_headers_keys_and_multiline_strings() {
        let text = "[a.b]\nk = 1\nm = \"\"\"\n[not.a.header]\n\"\"\"\n[[c]]\nx.y = 2\n";
        let lines = scan(text);
        let paths: Vec<String> = lines.iter().map(|l| l.path.join(".")).collect();
        assert_eq!(paths, ["a.b", "a.b.k", "a.b.m", "a.b", "a.b", "c", "c.x.y"]);
        assert!(lines[0].header && lines[5].header && !lines[3].header);
    }
}
