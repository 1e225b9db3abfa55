//! Reading the CSV files fabricsim writes (with the `csv` crate): a header row, then rows of
//! fields, quoted (RFC 4180) when they hold a comma, quote or line break.

use std::io::Read as _;
use std::path::Path;

use anyhow::Context as _;

/// What [`Csv::parse`] appends to the text: outside a quoted field it is a record of its own
/// (a lone NUL), inside one it becomes the end of that field, which tells the two apart (the
/// `csv` crate ends an unterminated quoted field at the end of the input silently).
const SENTINEL: &[u8] = b"\n\0";

/// A CSV file held in memory: its header and its rows (each as long as the header).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csv {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, each padded or cut to the header's length.
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Parses `text` with the `csv` crate; an empty text is a file with no columns. Errors
    /// name the line of an unterminated quote.
    pub fn parse(text: &str) -> Result<Csv, String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes().chain(SENTINEL));
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| e.to_string())?;
            records.push(record.iter().map(str::to_owned).collect::<Vec<_>>());
        }
        match records.pop() {
            Some(last) if last == ["\0"] => {}
            Some(last) => {
                // The open field holds every line end after its quote (and the sentinel's).
                let lines = |s: &str| s.bytes().filter(|&b| b == b'\n').count();
                let open = last.last().map_or(0, |f| lines(f));
                let quote_line = 1 + lines(text) + 1 - open;
                return Err(format!("line {quote_line}: a quoted field is never closed"));
            }
            None => unreachable!("invariant: the sentinel is always read"),
        }
        let mut records = records.into_iter();
        let headers = records.next().unwrap_or_default();
        let width = headers.len();
        let rows = records
            .filter(|r| !(r.len() == 1 && r[0].is_empty()))
            .map(|mut r| {
                r.resize(width, String::new());
                r
            })
            .collect();
        Ok(Csv { headers, rows })
    }

    /// Reads and parses `dir/name`; `None` when the file does not exist.
    pub fn read(dir: &Path, name: &str) -> anyhow::Result<Option<Csv>> {
        let path = dir.join(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        Csv::parse(&text).map(Some).map_err(|e| {
            anyhow::anyhow!(
                "reading {}: {e}: the file is damaged; run the command that wrote it again",
                path.display()
            )
        })
    }

    /// The index of column `name`.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Column `name` of every row (empty when the column is missing).
    pub fn column(&self, name: &str) -> Vec<&str> {
        match self.col(name) {
            Some(i) => self.rows.iter().map(|r| r[i].as_str()).collect(),
            None => Vec::new(),
        }
    }
}

/// A finite number, or `None` for an empty or non-numeric field.
pub fn num(field: &str) -> Option<f64> {
    field.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quotes_and_short_rows() {
        let csv = Csv::parse("a,b,c\n1,\"x, \"\"y\"\"\",3\r\n4,5\n\n").unwrap();
        assert_eq!(csv.headers, ["a", "b", "c"]);
        assert_eq!(csv.rows, [vec!["1", "x, \"y\"", "3"], vec!["4", "5", ""]]);
        assert_eq!(csv.column("c"), ["3", ""]);
        assert!(csv.column("z").is_empty());
    }

    #[test]
    fn no_final_newline_and_empty_text() {
        assert_eq!(Csv::parse("a\n1").unwrap().rows, [vec!["1"]]);
        assert_eq!(Csv::parse("").unwrap(), Csv::default());
    }

    #[test]
    fn an_open_quote_is_an_error() {
        assert_eq!(
            Csv::parse("a\n\"oops\n").unwrap_err(),
            "line 2: a quoted field is never closed"
        );
    }

    #[test]
    fn an_open_quote_names_the_line_it_opens_on() {
        assert_eq!(
            Csv::parse("a,b\n\"two\nlines\",1\n2,\"x\ny\nz").unwrap_err(),
            "line 4: a quoted field is never closed"
        );
        assert_eq!(
            Csv::parse("a\n\"x\"\"").unwrap_err(),
            "line 2: a quoted field is never closed"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(num("1.5"), Some(1.5));
        assert_eq!(num(""), None);
        assert_eq!(num("inf"), None);
        assert_eq!(num("first-fit"), None);
    }
}
