//! Reading the CSV files fabricsim writes: a header row, then rows of fields, quoted (RFC
//! 4180) when they hold a comma, quote or line break.

use std::path::Path;

use anyhow::Context as _;

/// A CSV file held in memory: its header and its rows (each as long as the header).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csv {
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, each padded or cut to the header's length.
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Parses `text`; an empty text is a file with no columns. Errors name the line of an
    /// unterminated quote.
    pub fn parse(text: &str) -> Result<Csv, String> {
        let mut records: Vec<Vec<String>> = Vec::new();
        let mut record: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut line = 1;
        let mut quote_line = 0;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    _ => {
                        if c == '\n' {
                            line += 1;
                        }
                        field.push(c);
                    }
                }
                continue;
            }
            match c {
                '"' if field.is_empty() => {
                    quoted = true;
                    quote_line = line;
                }
                ',' => record.push(std::mem::take(&mut field)),
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                    line += 1;
                }
                _ => field.push(c),
            }
        }
        if quoted {
            return Err(format!("line {quote_line}: a quoted field is never closed"));
        }
        if !field.is_empty() || !record.is_empty() {
            record.push(field);
            records.push(record);
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
    fn numbers() {
        assert_eq!(num("1.5"), Some(1.5));
        assert_eq!(num(""), None);
        assert_eq!(num("inf"), None);
        assert_eq!(num("first-fit"), None);
    }
}
