//! Everything the CLI prints or writes: aligned text tables and CSV.

pub mod serving;
pub mod table;
