//! A small table type rendered as aligned text (for people) or CSV (for machines).

use std::fmt::Write as _;

/// Column alignment in text output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Left-aligned (names).
    Left,
    /// Right-aligned (numbers).
    Right,
}

/// A table of strings with a header row.
#[derive(Clone, Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the given columns.
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Self {
            headers: columns.iter().map(|(h, _)| (*h).to_owned()).collect(),
            aligns: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    ///
    /// # Panics
    ///
    /// If the row does not have one cell per column (a programming error).
    pub fn push(&mut self, row: Vec<String>) {
        assert_eq!(
            row.len(),
            self.headers.len(),
            "invariant: a table row has one cell per column"
        );
        self.rows.push(row);
    }

    /// Aligned text with a header underline, every line ending in `\n`.
    pub fn to_text(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r[c].chars().count())
                    .chain(std::iter::once(self.headers[c].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        let line = |out: &mut String, cells: &[String]| {
            let mut text = String::new();
            for (c, cell) in cells.iter().enumerate() {
                if c > 0 {
                    text.push_str("  ");
                }
                let pad = widths[c] - cell.chars().count();
                match self.aligns[c] {
                    Align::Left => {
                        text.push_str(cell);
                        text.extend(std::iter::repeat_n(' ', pad));
                    }
                    Align::Right => {
                        text.extend(std::iter::repeat_n(' ', pad));
                        text.push_str(cell);
                    }
                }
            }
            let _ = writeln!(out, "{}", text.trim_end());
        };
        line(&mut out, &self.headers);
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        line(&mut out, &rule);
        for row in &self.rows {
            line(&mut out, row);
        }
        out
    }

    /// RFC 4180 CSV with a header row, `\n` line ends, written with the `csv` crate: a field
    /// is quoted when it contains a comma, quote or line break.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            writer
                .write_record(row)
                .expect("invariant: writing CSV to memory cannot fail");
        }
        let bytes = writer
            .into_inner()
            .expect("invariant: writing CSV to memory cannot fail");
        String::from_utf8(bytes).expect("invariant: CSV of UTF-8 cells is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(&[("name", Align::Left), ("count", Align::Right)]);
        t.push(vec!["h100".into(), "16384".into()]);
        t.push(vec!["a, \"b\"".into(), "7".into()]);
        t
    }

    #[test]
    fn text_is_aligned() {
        assert_eq!(
            sample().to_text(),
            "name    count\n------  -----\nh100    16384\na, \"b\"      7\n"
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(
            sample().to_csv(),
            "name,count\nh100,16384\n\"a, \"\"b\"\"\",7\n"
        );
    }

    #[test]
    fn csv_quotes_line_breaks_and_leaves_other_cells_bare() {
        let mut t = Table::new(&[("a", Align::Left), ("b", Align::Left), ("c", Align::Left)]);
        t.push(vec!["x\ny".into(), String::new(), "# 1 ±2 'q' ".into()]);
        t.push(vec!["cr\r".into(), " lead".into(), "-".into()]);
        assert_eq!(
            t.to_csv(),
            "a,b,c\n\"x\ny\",,# 1 ±2 'q' \n\"cr\r\", lead,-\n"
        );
    }
}
