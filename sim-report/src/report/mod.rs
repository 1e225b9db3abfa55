//! `fabricsim report DIR`: one self-contained `report.html` from the files a run, a sweep
//! or a policy comparison wrote.
//!
//! ```text
//! DIR/aggregate.csv or runs.csv (sweep, compare-policies) --> sweep::Study  --.
//! DIR/summary.csv, power.csv, components.csv, ... (run)   --> single::RunDir --+--> html::Page
//!                                                                              --> DIR/report.html
//! ```
//!
//! The page carries its charts as inline SVG and its styling as one `<style>` element: no
//! script, stylesheet, font or image is fetched, so it opens offline and can be attached
//! to an email as it is. It holds no date, path or other detail of the machine: the same
//! files give the same bytes.

mod csv;
mod figures;
mod html;
mod single;
mod sweep;

use std::path::{Path, PathBuf};

pub use single::run_charts;

/// Reads whatever study `dir` holds and writes `dir/report.html`, returning its path.
///
/// A folder with `aggregate.csv`, or a `runs.csv` with a `seed` column (a sweep or a
/// `compare-policies` output), gets the sweep report: a chart per figure that changes
/// across points, a heatmap when there are exactly two axes, tables per point and of
/// every figure, the runs by status and `sweep.toml` verbatim. A folder with
/// `summary.csv` (`run --out`) gets the run report: headline figures, power per site,
/// the timeline of failures, outages and interruptions, and tables. A sweep wins when a
/// folder has both.
pub fn write_report(dir: &Path) -> anyhow::Result<PathBuf> {
    if !dir.is_dir() {
        let what = if dir.exists() {
            "is a file, not a folder"
        } else {
            "does not exist"
        };
        anyhow::bail!(
            "{} {what}: give the folder a run (`fabricsim run --out DIR`), a sweep or \
             `compare-policies --out DIR` wrote",
            dir.display()
        );
    }
    let (page, sources) = if let Some(study) = sweep::Study::read(dir)? {
        study.page()?
    } else if let Some(run) = single::RunDir::read(dir)? {
        run.page()?
    } else {
        anyhow::bail!(
            "{} holds no fabricsim results: expected aggregate.csv or runs.csv (a sweep or \
             compare-policies --out) or summary.csv (run --out); give the folder one of them \
             wrote, e.g. `fabricsim run FILE --out {}` first",
            dir.display(),
            dir.display()
        );
    };
    let footer = format!(
        "Made by fabricsim {} (fabricsim report) from {}. Self-contained: opens offline.",
        env!("CARGO_PKG_VERSION"),
        sources.join(", ")
    );
    let text = page.render(&footer);
    crate::out::write_atomically(dir, "report.html", &text)?;
    Ok(dir.join("report.html"))
}
