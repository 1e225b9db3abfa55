//! The journal `DIR/runs.journal`: one JSON line per finished run, appended, flushed and
//! synced to disk as each run finishes, so a crash or a kill loses at most the line being
//! written. Reading skips a line that does not parse (a truncated last line); a later line
//! for the same run replaces an earlier one (a failed run that succeeded on a resume).
//!
//! ```text
//! {"figures":{"ettr":"0.825972",...},"point":"1f0c...","run":"9a3e...","seed":3,"status":"ok"}
//! {"error":"...","point":"1f0c...","run":"77b1...","seed":4,"status":"failed"}
//! ```
//!
//! The journal is in completion order, which depends on the thread count; `runs.csv` and
//! `aggregate.csv` are the canonical, byte-reproducible outputs.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::plan::hex;
use super::tables;

/// The journal's file name in an output folder.
pub const FILE: &str = "runs.journal";

/// What one run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The run's id.
    pub run: u64,
    /// Whether it finished without error.
    pub ok: bool,
    /// Its figures, for an ok run.
    pub figures: Figures,
    /// Why it failed, when known.
    pub error: Option<String>,
}

impl Record {
    /// The cell of figure `name`, if the run has it.
    pub fn figure(&self, name: &str) -> Option<&str> {
        self.figures.get(name)
    }

    /// The journal line (no line break) of this record, for run `point`/`seed`.
    pub fn to_line(&self, point: u64, seed: u64) -> String {
        let mut m = serde_json::Map::new();
        m.insert("run".into(), hex(self.run).into());
        m.insert("point".into(), hex(point).into());
        m.insert("seed".into(), seed.into());
        m.insert(
            "status".into(),
            if self.ok { "ok" } else { "failed" }.into(),
        );
        if self.ok {
            let figures: serde_json::Map<String, serde_json::Value> = self
                .figures
                .iter()
                .map(|(k, v)| (k.to_owned(), v.into()))
                .collect();
            m.insert("figures".into(), figures.into());
        }
        if let Some(e) = &self.error {
            m.insert("error".into(), e.clone().into());
        }
        serde_json::Value::Object(m).to_string()
    }

    /// Reads one journal line; `None` if it is not a complete record.
    pub fn from_line(line: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let run = u64::from_str_radix(v.get("run")?.as_str()?, 16).ok()?;
        let ok = match v.get("status")?.as_str()? {
            "ok" => true,
            "failed" => false,
            _ => return None,
        };
        let figures = match v.get("figures") {
            Some(serde_json::Value::Object(m)) => Figures::from_pairs(
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?))),
            ),
            _ => Figures::default(),
        };
        let error = v.get("error").and_then(|e| e.as_str()).map(str::to_owned);
        Some(Self {
            run,
            ok,
            figures,
            error,
        })
    }
}

/// A run's figures, compactly (a sweep may hold millions in memory): the cell of every
/// figure a run can have ([`tables::all_figures`] order), empty where undefined, joined
/// by a unit separator in one allocation. Figures this binary does not know are dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures(Box<str>);

/// Separates the cells of [`Figures`] (never in a number).
const SEP: char = '\u{1f}';

impl Figures {
    /// The figures of `(name, cell)` pairs; unknown names and empty cells are left out.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let all = tables::all_figures();
        let mut cells = vec![""; all.len()];
        for (name, cell) in pairs {
            if let Some(i) = all.iter().position(|f| *f == name)
                && !cell.contains(SEP)
            {
                cells[i] = cell;
            }
        }
        if cells.iter().all(|c| c.is_empty()) {
            return Self::default();
        }
        Self(cells.join(&SEP.to_string()).into_boxed_str())
    }

    /// The cell of figure `name`, if defined.
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = tables::all_figures().iter().position(|f| *f == name)?;
        self.0.split(SEP).nth(i).filter(|c| !c.is_empty())
    }

    /// Every cell, aligned with [`tables::all_figures`] (empty where undefined).
    pub fn cells(&self) -> Vec<&str> {
        let n = tables::all_figures().len();
        let mut cells: Vec<&str> = if self.0.is_empty() {
            Vec::new()
        } else {
            self.0.split(SEP).collect()
        };
        cells.resize(n, "");
        cells
    }

    /// The defined figures as (name, cell), in [`tables::all_figures`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        tables::all_figures()
            .iter()
            .copied()
            .zip(self.0.split(SEP))
            .filter(|(_, c)| !c.is_empty())
    }
}

/// Every record of `dir`'s journal by run id (the last line of a run wins), and how many
/// lines were skipped as unreadable. A missing journal is empty.
pub fn read(dir: &Path) -> anyhow::Result<(BTreeMap<u64, Record>, usize)> {
    let path = dir.join(FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((BTreeMap::new(), 0)),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let mut records = BTreeMap::new();
    let mut skipped = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match Record::from_line(line) {
            Some(r) => {
                records.insert(r.run, r);
            }
            None => skipped += 1,
        }
    }
    Ok((records, skipped))
}

/// The journal open for appending.
pub struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    /// Opens (or creates) `dir`'s journal for appending. A last line without its line
    /// break (the process died while writing it) is cut off first, so the next record
    /// starts on a line of its own; if that line is a whole record (only the line break
    /// was lost), the line break is added instead: [`read`] already counted the run as
    /// done, so cutting it would lose it from the journal.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(FILE);
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .with_context(|| format!("reading {}", path.display()))?;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let whole = std::str::from_utf8(&bytes[keep..])
                .ok()
                .and_then(Record::from_line)
                .is_some();
            if whole {
                file.write_all(b"\n")
                    .and_then(|()| file.sync_data())
                    .with_context(|| format!("ending the last line of {}", path.display()))?;
            } else {
                file.set_len(keep as u64).with_context(|| {
                    format!("truncating the partial last line of {}", path.display())
                })?;
                file.seek(SeekFrom::End(0))
                    .with_context(|| format!("seeking {}", path.display()))?;
            }
        }
        Ok(Self { file, path })
    }

    /// Appends `records` (each with its point id and seed), one line each, and syncs them
    /// to disk with one sync.
    pub fn append(&mut self, records: &[(&Record, u64, u64)]) -> anyhow::Result<()> {
        let mut lines = String::new();
        for (record, point, seed) in records {
            lines.push_str(&record.to_line(*point, *seed));
            lines.push('\n');
        }
        self.file
            .write_all(lines.as_bytes())
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data())
            .with_context(|| format!("appending to {}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_partial_lines_are_skipped() {
        let ok = Record {
            run: 0xabc,
            ok: true,
            figures: Figures::from_pairs([("ettr", "0.5"), ("util", "1"), ("nonsense", "2")]),
            error: None,
        };
        let failed = Record {
            run: 7,
            ok: false,
            figures: Figures::default(),
            error: Some("boom \"quoted\"\nline".into()),
        };
        assert_eq!(ok.figure("util"), Some("1"));
        assert_eq!(ok.figure("cost_usd"), None);
        assert_eq!(ok.figures.iter().count(), 2, "unknown names are dropped");
        for r in [&ok, &failed] {
            assert_eq!(Record::from_line(&r.to_line(1, 2)).as_ref(), Some(r));
        }
        let line = ok.to_line(1, 2);
        assert_eq!(Record::from_line(&line[..line.len() - 3]), None);
    }

    #[test]
    fn open_cuts_a_partial_last_line() {
        let dir = std::env::temp_dir().join(format!("fabricsim-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let r = |run| Record {
            run,
            ok: true,
            figures: Figures::from_pairs([("ettr", "1")]),
            error: None,
        };
        let whole = r(1).to_line(0, 1);
        let partial = r(2).to_line(0, 2);
        std::fs::write(
            dir.join(FILE),
            format!("{whole}\n{}", &partial[..partial.len() / 2]),
        )
        .unwrap();
        assert_eq!(read(&dir).unwrap().1, 1, "the partial line is skipped");
        let mut j = Journal::open(&dir).unwrap();
        j.append(&[(&r(3), 0, 3)]).unwrap();
        let (records, skipped) = read(&dir).unwrap();
        assert_eq!(skipped, 0);
        assert_eq!(records.keys().copied().collect::<Vec<_>>(), [1, 3]);
        // A whole record that lost only its line break is kept, on a line of its own.
        let last = r(4).to_line(0, 4);
        let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
        std::fs::write(dir.join(FILE), format!("{text}{last}")).unwrap();
        let mut j = Journal::open(&dir).unwrap();
        j.append(&[(&r(5), 0, 5)]).unwrap();
        let (records, skipped) = read(&dir).unwrap();
        assert_eq!(skipped, 0);
        assert_eq!(records.keys().copied().collect::<Vec<_>>(), [1, 3, 4, 5]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
