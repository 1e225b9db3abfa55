//! Everything the CLI prints or writes: aligned text tables, CSV and SVG charts.

pub mod records;
pub mod serving;
pub mod svg;
pub mod table;
