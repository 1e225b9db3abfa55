//! # sim_report: what fabricsim shows and writes
//!
//! Everything a run, a sweep or a comparison turns into for people and machines: aligned
//! text tables and CSV text ([`table`]), the figures of a run by name ([`summary`]), the
//! per-event records ([`records`]) and serving files ([`serving`]), charts drawn with
//! plotters from plain data ([`plots`]), the self-contained `report.html`
//! ([`report`]), and safe writing of all of it ([`out`]). Numbers are formatted by
//! [`numbers`] (sim-scenario's, re-exported here).
//!
//! ```text
//! RunSummary + Resolved --summary / records / serving--> CSV text --out::write_atomically--> DIR/*.csv
//!                                                  \--plots--> SVG / PNG charts
//! DIR/*.csv --report::write_report--> DIR/report.html
//! ```
//!
//! It depends on sim-scenario (for a resolved scenario's names) and below; nothing here
//! runs a simulation.

#![forbid(unsafe_code)]

pub mod describe;
pub use sim_scenario::numbers;
pub mod out;
pub mod plots;
pub mod records;
pub mod report;
pub mod serving;
pub mod summary;
pub mod table;
