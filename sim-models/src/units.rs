//! Units and time constants shared by the models, defined once.
//!
//! Every constant is the exact value its name says, so `x / 3600.0` and `x / HOUR_SECS`
//! give bit-identical results: replacing a literal by its constant never changes a number.

/// Seconds in an hour.
pub const HOUR_SECS: f64 = 3600.0;

/// Seconds in the year that rates are quoted per: 365 days of 24 h (8 760 h, as cloud SLAs
/// count a year). Used by every `rate_per_year` (outages, curtailments,
/// network partitions).
pub const YEAR_SECS: f64 = 365.0 * 24.0 * HOUR_SECS;

/// Watts in a megawatt (site power caps are given in MW).
pub const W_PER_MW: f64 = 1e6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_the_literals_they_replace() {
        assert_eq!(HOUR_SECS.to_bits(), 3600.0_f64.to_bits());
        assert_eq!(YEAR_SECS.to_bits(), (365.0_f64 * 24.0 * 3600.0).to_bits());
        assert_eq!(YEAR_SECS, 31_536_000.0);
        assert_eq!(W_PER_MW.to_bits(), 1e6_f64.to_bits());
    }
}
