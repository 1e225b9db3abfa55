//! The CSV tables shipped in `data/`, read with the `csv` crate (RFC 4180 quoting, a header row).
//!
//! The tables are embedded with `include_str!`, so a malformed one is a bug in this crate,
//! caught by the catalog's unit tests; errors still name the table, line and column.

use std::fmt;
use std::io::Read as _;

/// A parsed table: the header and the data rows, each with its 1-based line number.
#[derive(Debug)]
pub(crate) struct Table {
    name: &'static str,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

/// A problem in an embedded table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataError {
    /// Table name, e.g. `accelerators.csv`.
    pub table: &'static str,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.table, self.line, self.message)
    }
}

impl std::error::Error for DataError {}

/// One data row with access to fields by column name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    table: &'a Table,
    line: usize,
    fields: &'a [String],
}

impl Table {
    /// Parses `text`; `name` is used in error messages.
    pub(crate) fn parse(name: &'static str, text: &str) -> Result<Self, DataError> {
        let mut records = read_records(name, text)?.into_iter();
        let (_, header) = records.next().ok_or(DataError {
            table: name,
            line: 1,
            message: "empty table: expected a header row".into(),
        })?;
        let mut rows = Vec::new();
        for (line, fields) in records {
            if fields.len() == 1 && fields[0].is_empty() {
                continue;
            }
            if fields.len() != header.len() {
                return Err(DataError {
                    table: name,
                    line,
                    message: format!(
                        "expected {} fields as in the header, found {}",
                        header.len(),
                        fields.len()
                    ),
                });
            }
            rows.push((line, fields));
        }
        Ok(Self { name, header, rows })
    }

    /// The data rows in file order.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, fields)| Row {
            table: self,
            line: *line,
            fields,
        })
    }
}

impl<'a> Row<'a> {
    /// 1-based line number of this row.
    pub(crate) fn line(&self) -> usize {
        self.line
    }

    fn error(&self, message: String) -> DataError {
        DataError {
            table: self.table.name,
            line: self.line,
            message,
        }
    }

    /// An error at this row's table and line, for checks beyond the field accessors.
    pub(crate) fn invalid(&self, message: impl Into<String>) -> DataError {
        self.error(message.into())
    }

    /// The raw (trimmed) text of column `column`.
    pub(crate) fn str(&self, column: &str) -> Result<&'a str, DataError> {
        let index = self
            .table
            .header
            .iter()
            .position(|h| h == column)
            .ok_or_else(|| self.error(format!("no column named {column:?}")))?;
        Ok(self.fields[index].trim())
    }

    /// Column `column` as a number; empty is an error.
    pub(crate) fn f64(&self, column: &str) -> Result<f64, DataError> {
        let text = self.str(column)?;
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                self.error(format!(
                    "column {column}: expected a number, found {text:?}"
                ))
            })
    }

    /// Column `column` as a number, `None` when empty.
    pub(crate) fn opt_f64(&self, column: &str) -> Result<Option<f64>, DataError> {
        if self.str(column)?.is_empty() {
            Ok(None)
        } else {
            self.f64(column).map(Some)
        }
    }

    /// Column `column` as a non-negative integer.
    pub(crate) fn u32(&self, column: &str) -> Result<u32, DataError> {
        let text = self.str(column)?;
        text.parse::<u32>().map_err(|_| {
            self.error(format!(
                "column {column}: expected a whole number, found {text:?}"
            ))
        })
    }
}

/// What [`read_records`] appends to the text: outside a quoted field it is a record of its
/// own (a lone NUL), inside one it becomes the end of that field, which tells the two apart
/// (the `csv` crate ends an unterminated quoted field at the end of the input silently).
const SENTINEL: &[u8] = b"\n\0";

/// The records of `text` (the `csv` crate: RFC 4180 quoting with `""` escapes, `\n` or
/// `\r\n` line ends, blank lines skipped), each with the 1-based line it starts on.
fn read_records(name: &'static str, text: &str) -> Result<Vec<(usize, Vec<String>)>, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes().chain(SENTINEL));
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| DataError {
            table: name,
            line: e.position().map_or(1, |p| p.line() as usize),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(1, |p| start_line(text, p));
        records.push((line, record.iter().map(str::to_owned).collect::<Vec<_>>()));
    }
    match records.pop() {
        Some((_, fields)) if fields == ["\0"] => Ok(records),
        Some((line, _)) => Err(DataError {
            table: name,
            line,
            message: "unterminated quoted field".into(),
        }),
        None => unreachable!("invariant: the sentinel is always read"),
    }
}

/// The line a record starts on. The `csv` crate gives the position where it began reading
/// the record, before the line ends it skips (the `\n` of a `\r\n` ending the previous
/// record, blank lines); those are counted here.
fn start_line(text: &str, position: &csv::Position) -> usize {
    let rest = text.as_bytes().get(position.byte() as usize..);
    let skipped = rest
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .filter(|&&b| b == b'\n')
        .count();
    position.line() as usize + skipped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_fields_and_reports_lines() {
        let t = Table::parse("t.csv", "a,b,c\n1,\"x, \"\"y\"\"\",3\n\n4,5,\n").unwrap();
        let rows: Vec<_> = t.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].str("b").unwrap(), "x, \"y\"");
        assert_eq!(rows[0].f64("c").unwrap(), 3.0);
        assert_eq!(rows[1].line(), 4);
        assert_eq!(rows[1].opt_f64("c").unwrap(), None);
        let err = rows[0].f64("b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:2: column b: expected a number, found \"x, \\\"y\\\"\""
        );
    }

    #[test]
    fn crlf_line_ends_and_an_unterminated_quote() {
        let t = Table::parse("t.csv", "a,b\r\n1,\"two\r\nlines\"\r\n3,4").unwrap();
        let rows: Vec<_> = t.rows().collect();
        assert_eq!(rows[0].str("b").unwrap(), "two\r\nlines");
        assert_eq!(rows[1].line(), 4);
        let err = Table::parse("t.csv", "a,b\n1,2\n3,\"x\ny\n").unwrap_err();
        assert_eq!(err.to_string(), "t.csv:3: unterminated quoted field");
        let err = Table::parse("t.csv", "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:1: empty table: expected a header row"
        );
    }

    #[test]
    fn wrong_field_count_is_an_error() {
        let err = Table::parse("t.csv", "a,b\n1\n").unwrap_err();
        assert!(err.to_string().starts_with("t.csv:2: expected 2 fields"));
    }
}
