//! Request traces named by `[[services.users]] trace`: CSV files with the header
//! `timestamp_s,prompt_tokens,output_tokens` (columns in any order, nothing else), one
//! request per row. Times are seconds since the start of the run (a number >= 0, never
//! decreasing); token counts are integers >= 1. Blank lines are skipped.
//!
//! Problems come back as `FILE:LINE: COLUMN: what was expected`, up to
//! [`MAX_REPORTED`] per file; the run attaches them to the scenario key that names the file.

use std::io::BufRead;
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
    parse(std::io::BufReader::new(file), shown, MAX_TRACE_ROWS)
}

/// Parses a trace of at most `max_rows` rows from `reader`; see the [module docs](self).
pub(crate) fn parse(
    mut reader: impl BufRead,
    shown: &str,
    max_rows: usize,
) -> Result<Vec<TraceRecord>, Vec<String>> {
    let mut errors = Vec::new();
    let mut records = Vec::new();
    // Column index of timestamp_s, prompt_tokens and output_tokens.
    let mut order: Option<[usize; 3]> = None;
    let mut previous = SimTime::ZERO;
    let mut buffer = String::new();
    for n in 1.. {
        buffer.clear();
        match std::io::Read::take(&mut reader, MAX_LINE_BYTES + 1).read_line(&mut buffer) {
            Ok(0) => break,
            Ok(_) if buffer.len() as u64 > MAX_LINE_BYTES && !buffer.ends_with('\n') => {
                errors.push(format!(
                    "{shown}:{n}: the line is longer than {MAX_LINE_BYTES} bytes: expected \
                     `timestamp_s,prompt_tokens,output_tokens` rows (is this the trace file?)"
                ));
                break;
            }
            Ok(_) => {}
            Err(e) => {
                errors.push(format!("{shown}:{n}: cannot read the line: {e}"));
                break;
            }
        }
        let line = buffer.as_str();
        let line = line.trim_start_matches('\u{feff}').trim();
        let Some(order) = order else {
            match header(line) {
                Some(o) => order = Some(o),
                None => {
                    errors.push(format!(
                        "{shown}:{n}: expected the header `{}`, found `{line}`",
                        COLUMNS.join(",")
                    ));
                    break;
                }
            }
            continue;
        };
        if line.is_empty() {
            continue;
        }
        if records.len() == max_rows {
            errors.push(format!(
                "{shown}:{n}: the trace has more than {max_rows} rows; replay a shorter or \
                 sampled trace"
            ));
            break;
        }
        match row(line, order, previous) {
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

/// The position of each of [`COLUMNS`] in a header line, if it names exactly those.
fn header(line: &str) -> Option<[usize; 3]> {
    let names: Vec<&str> = line.split(',').map(str::trim).collect();
    if names.len() != COLUMNS.len() {
        return None;
    }
    let mut order = [0; 3];
    for (slot, column) in order.iter_mut().zip(COLUMNS) {
        *slot = names.iter().position(|n| *n == column)?;
    }
    Some(order)
}

/// One row, or `COLUMN: what was expected`.
fn row(line: &str, order: [usize; 3], previous: SimTime) -> Result<TraceRecord, String> {
    let cells: Vec<&str> = line.split(',').map(str::trim).collect();
    if cells.len() != COLUMNS.len() {
        return Err(format!(
            "expected {} comma-separated values ({}), found {}",
            COLUMNS.len(),
            COLUMNS.join(","),
            cells.len()
        ));
    }
    let at = timestamp(cells[order[0]], previous).map_err(|e| format!("{}: {e}", COLUMNS[0]))?;
    let tokens = |c: usize| {
        let cell = cells[order[c]];
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
