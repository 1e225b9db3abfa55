//! Request traces named by `[[services.users]] trace`: CSV files with the header
//! `timestamp_s,prompt_tokens,output_tokens` (columns in any order, nothing else), one
//! request per row. Times are seconds since the start of the run (a number >= 0, never
//! decreasing); token counts are integers >= 1. Blank lines are skipped. Read with the `csv`
//! crate: cells are trimmed and may be quoted (RFC 4180), line ends are `\n` or `\r\n`.
//!
//! Problems come back as `FILE:LINE: COLUMN: what was expected`, up to
//! [`MAX_REPORTED`] per file; the run attaches them to the scenario key that names the file.

use std::io::{BufRead, Read};
use std::path::Path;

use sim_core::time::{SimDuration, SimTime};
use sim_models::inference::arrival::TraceRecord;

/// The most rows a trace may have (50 million records take 800 MB).
pub(crate) const MAX_TRACE_ROWS: usize = 50_000_000;

/// The longest line a trace may have, bytes (a row is three numbers): a longer one is not a
/// trace (e.g. `/dev/zero` or a binary file) and is refused before it fills memory.
pub(crate) const MAX_LINE_BYTES: u64 = 4096;

/// Reading stops after this many bad rows.
pub(crate) const MAX_REPORTED: usize = 10;

/// The columns, as the header names them.
const COLUMNS: [&str; 3] = ["timestamp_s", "prompt_tokens", "output_tokens"];

/// Reads the trace at `path`, naming it `shown` in messages (the path as the scenario
/// writes it).
pub(crate) fn read(path: &Path, shown: &str) -> Result<Vec<TraceRecord>, Vec<String>> {
    let file = std::fs::File::open(path)
        .map_err(|e| vec![format!("cannot read {shown} ({}): {e}", path.display())])?;
    parse(file, shown, MAX_TRACE_ROWS)
}

/// Parses a trace of at most `max_rows` rows from `reader` with the `csv` crate; see the
/// [module docs](self).
pub(crate) fn parse(
    reader: impl Read,
    shown: &str,
    max_rows: usize,
) -> Result<Vec<TraceRecord>, Vec<String>> {
    let mut errors = Vec::new();
    let mut records = Vec::new();
    // Column index of timestamp_s, prompt_tokens and output_tokens.
    let mut order: Option<[usize; 3]> = None;
    let mut previous = SimTime::ZERO;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        // Records end at `\n` (a `\r` before it is trimmed), so the crate counts lines right.
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(LineBound::new(std::io::BufReader::new(reader)));
    let mut cells = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut cells) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(read_error(&e, csv.get_ref(), shown));
                break;
            }
        }
        let n = cells.position().map_or(1, csv::Position::line);
        let Some(order) = order else {
            let first: Vec<&str> = cells.iter().collect();
            match header(&first) {
                Some(o) => order = Some(o),
                None => {
                    errors.push(format!(
                        "{shown}:{n}: expected the header `{}`, found `{}`",
                        COLUMNS.join(","),
                        first.join(",").trim_start_matches('\u{feff}')
                    ));
                    break;
                }
            }
            continue;
        };
        if cells.len() == 1 && cells[0].is_empty() {
            continue;
        }
        if records.len() == max_rows {
            errors.push(format!(
                "{shown}:{n}: the trace has more than {max_rows} rows; replay a shorter or \
                 sampled trace"
            ));
            break;
        }
        match row(&cells, order, previous) {
            Ok(r) => {
                previous = r.at;
                records.push(r);
            }
            Err(what) => {
                errors.push(format!("{shown}:{n}: {what}"));
                if errors.len() == MAX_REPORTED {
                    errors.push(format!("{shown}: stopped after {MAX_REPORTED} bad rows"));
                    break;
                }
            }
        }
    }
    if errors.is_empty() && order.is_none() {
        errors.push(format!(
            "{shown}:1: expected the header `{}`, found an empty file",
            COLUMNS.join(",")
        ));
    } else if errors.is_empty() && records.is_empty() {
        errors.push(format!(
            "{shown}: expected at least one request row after the header"
        ));
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

/// The message for an error reading the trace: a line longer than [`MAX_LINE_BYTES`], text
/// that is not UTF-8, or an I/O error.
fn read_error<R>(e: &csv::Error, bound: &LineBound<R>, shown: &str) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|e| e.is::<LongLine>()) => format!(
            "{shown}:{}: the line is longer than {MAX_LINE_BYTES} bytes: expected \
             `timestamp_s,prompt_tokens,output_tokens` rows (is this the trace file?)",
            bound.line
        ),
        csv::ErrorKind::Utf8 { pos, .. } => format!(
            "{shown}:{}: cannot read the line: stream did not contain valid UTF-8",
            pos.as_ref().map_or(bound.line, csv::Position::line)
        ),
        csv::ErrorKind::Io(io) => format!("{shown}:{}: cannot read the line: {io}", bound.line),
        _ => format!("{shown}:{}: cannot read the line: {e}", bound.line),
    }
}

/// A line longer than [`MAX_LINE_BYTES`] (the error [`LineBound`] fails with).
#[derive(Debug)]
struct LongLine;

impl std::fmt::Display for LongLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a line is longer than {MAX_LINE_BYTES} bytes")
    }
}

impl std::error::Error for LongLine {}

/// The bytes of a trace as the `csv` crate reads them, with two changes. A line longer
/// than [`MAX_LINE_BYTES`] is refused before it fills memory: the bytes before its
/// offending one are handed over (so the rows before it are read), then it fails with
/// [`LongLine`]. A blank line gets a space: the crate would skip it without counting it,
/// so the lines of the rows after it would be off (a record of one blank cell is skipped
/// by [`parse`] instead).
struct LineBound<R> {
    inner: R,
    /// 1-based line of the next byte.
    line: u64,
    /// Bytes of that line so far (without its `\n`).
    run: u64,
    /// The space of a blank line was handed over (its `\n` not yet).
    padded: bool,
    /// Set once a line is too long.
    long: bool,
}

impl<R> LineBound<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            line: 1,
            run: 0,
            padded: false,
            long: false,
        }
    }
}

impl<R: BufRead> Read for LineBound<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.long {
            return Err(std::io::Error::other(LongLine));
        }
        let input = self.inner.fill_buf()?;
        let (mut taken, mut written) = (0, 0);
        while taken < input.len() && written < out.len() {
            let b = input[taken];
            if b == b'\n' && self.run == 0 && !self.padded {
                out[written] = b' ';
                written += 1;
                self.padded = true;
                continue;
            }
            if b == b'\n' {
                self.line += 1;
                self.run = 0;
                self.padded = false;
            } else if self.run == MAX_LINE_BYTES {
                self.long = true;
                break;
            } else {
                self.run += 1;
            }
            out[written] = b;
            written += 1;
            taken += 1;
        }
        self.inner.consume(taken);
        if written == 0 && self.long {
            return Err(std::io::Error::other(LongLine));
        }
        Ok(written)
    }
}

/// The position of each of [`COLUMNS`] in the header's (trimmed) names, if they are
/// exactly those.
fn header(names: &[&str]) -> Option<[usize; 3]> {
    if names.len() != COLUMNS.len() {
        return None;
    }
    let mut order = [0; 3];
    for (slot, column) in order.iter_mut().zip(COLUMNS) {
        *slot = names
            .iter()
            .position(|n| n.trim_start_matches('\u{feff}').trim() == column)?;
    }
    Some(order)
}

/// One row, or `COLUMN: what was expected`.
fn row(
    cells: &csv::StringRecord,
    order: [usize; 3],
    previous: SimTime,
) -> Result<TraceRecord, String> {
    if cells.len() != COLUMNS.len() {
        return Err(format!(
            "expected {} comma-separated values ({}), found {}",
            COLUMNS.len(),
            COLUMNS.join(","),
            cells.len()
        ));
    }
    let at = timestamp(&cells[order[0]], previous).map_err(|e| format!("{}: {e}", COLUMNS[0]))?;
    let tokens = |c: usize| {
        let cell = &cells[order[c]];
        match cell.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!(
                "{}: expected an integer from 1 to {}, found `{cell}`",
                COLUMNS[c],
                u32::MAX
            )),
        }
    };
    Ok(TraceRecord {
        at,
        prompt_tokens: tokens(1)?,
        output_tokens: tokens(2)?,
    })
}

fn timestamp(cell: &str, previous: SimTime) -> Result<SimTime, String> {
    let secs = cell
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| format!("expected a number of seconds >= 0, found `{cell}`"))?;
    let at = SimDuration::from_secs_f64(secs)
        .map(|d| SimTime::ZERO + d)
        .map_err(|e| format!("`{cell}` is not a representable time: {e}"))?;
    if at < previous {
        return Err(format!(
            "expected a time >= the previous row's ({} s), found `{cell}`; rows must be in \
             time order",
            previous.as_secs_f64()
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Vec<TraceRecord>, Vec<String>> {
        parse(text.as_bytes(), "t.csv", 5)
    }

    #[test]
    fn rows_parse_in_any_column_order_with_blank_lines_and_crlf() {
        let got =
            parse_str("output_tokens, timestamp_s ,prompt_tokens\r\n7,0,100\r\n\r\n3,1.5,20\n")
                .unwrap();
        assert_eq!(
            got,
            [
                TraceRecord {
                    at: SimTime::ZERO,
                    prompt_tokens: 100,
                    output_tokens: 7
                },
                TraceRecord {
                    at: SimTime::ZERO + SimDuration::from_millis(1500),
                    prompt_tokens: 20,
                    output_tokens: 3
                },
            ]
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_line_and_column() {
        let errors = parse_str(
            "timestamp_s,prompt_tokens,output_tokens\n1,10,10\n0.5,10,10\n2,0,10\n3,10,x\n\
             -1,1,1\n4,1\n",
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "t.csv:3: timestamp_s: expected a time >= the previous row's (1 s), found \
                 `0.5`; rows must be in time order",
                "t.csv:4: prompt_tokens: expected an integer from 1 to 4294967295, found `0`",
                "t.csv:5: output_tokens: expected an integer from 1 to 4294967295, found `x`",
                "t.csv:6: timestamp_s: expected a number of seconds >= 0, found `-1`",
                "t.csv:7: expected 3 comma-separated values \
                 (timestamp_s,prompt_tokens,output_tokens), found 2",
            ]
        );
    }

    #[test]
    fn header_emptiness_and_size_limits() {
        let e = parse_str("time,prompt,output\n1,2,3\n").unwrap_err();
        assert_eq!(
            e,
            [
                "t.csv:1: expected the header `timestamp_s,prompt_tokens,output_tokens`, found \
              `time,prompt,output`"
            ]
        );
        let e = parse_str("").unwrap_err();
        assert!(e[0].contains("found an empty file"), "{e:?}");
        let e = parse_str("timestamp_s,prompt_tokens,output_tokens\n\n").unwrap_err();
        assert_eq!(
            e,
            ["t.csv: expected at least one request row after the header"]
        );
        let mut big = "timestamp_s,prompt_tokens,output_tokens\n".to_owned();
        for i in 0..6 {
            big.push_str(&format!("{i},1,1\n"));
        }
        let e = parse_str(&big).unwrap_err();
        assert_eq!(
            e,
            ["t.csv:7: the trace has more than 5 rows; replay a shorter or sampled trace"]
        );
    }

    #[test]
    fn an_endless_line_is_refused_without_reading_it_all() {
        let e = read(Path::new("/dev/zero"), "zero.csv").unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("zero.csv:1: the line is longer than 4096 bytes"),
            "{e:?}"
        );
    }

    #[test]
    fn lines_count_blank_lines_and_crlf_and_cells_may_be_quoted() {
        let e = parse_str(
            "timestamp_s,prompt_tokens,output_tokens\r\n1,1,1\r\n\r\n\n\"2\",\" 5 \",1\r\n\
             3,x,1\r\n",
        )
        .unwrap_err();
        assert_eq!(
            e,
            ["t.csv:6: prompt_tokens: expected an integer from 1 to 4294967295, found `x`"]
        );
        let e = parse_str("\ntimestamp_s,prompt_tokens,output_tokens\n1,1,1\n").unwrap_err();
        assert_eq!(
            e,
            ["t.csv:1: expected the header `timestamp_s,prompt_tokens,output_tokens`, found ``"]
        );
        let got = parse_str("\u{feff}timestamp_s,prompt_tokens,output_tokens\n1,2,3").unwrap();
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn the_rows_before_a_long_line_are_read() {
        let text = format!(
            "timestamp_s,prompt_tokens,output_tokens\nx,1,1\n{}\n",
            "1".repeat(5000)
        );
        let e = parse_str(&text).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("t.csv:2: timestamp_s: "), "{e:?}");
        assert!(
            e[1].starts_with("t.csv:3: the line is longer than 4096 bytes"),
            "{e:?}"
        );
        let exact = format!(
            "timestamp_s,prompt_tokens,output_tokens\n1,1,{}\n",
            "1".repeat(4092)
        );
        let e = parse_str(&exact).unwrap_err();
        assert!(e[0].starts_with("t.csv:2: output_tokens: "), "{e:?}");
    }

    #[test]
    fn reading_stops_after_enough_bad_rows() {
        let mut text = "timestamp_s,prompt_tokens,output_tokens\n".to_owned();
        for _ in 0..20 {
            text.push_str("x,1,1\n");
        }
        let e = parse(text.as_bytes(), "t.csv", 100).unwrap_err();
        assert_eq!(e.len(), MAX_REPORTED + 1);
        assert_eq!(e.last().unwrap(), "t.csv: stopped after 10 bad rows");
    }

    #[test]
    fn a_missing_file_names_it() {
        let e = read(Path::new("/nonexistent/t.csv"), "t.csv").unwrap_err();
        assert!(
            e[0].starts_with("cannot read t.csv (/nonexistent/t.csv): "),
            "{e:?}"
        );
    }
}
