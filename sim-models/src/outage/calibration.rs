//! The embedded calibration table `data/outages.csv`: one row per background level.

use std::sync::OnceLock;

use super::OutageLevel;
use crate::data::{DataError, Table};

/// The table's text, compiled in.
const OUTAGES: &str = include_str!("../../data/outages.csv");

/// One parsed row.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct CalibrationRow {
    /// Which level it calibrates.
    pub level: OutageLevel,
    /// Incidents counted (possibly fractional for an estimated share).
    pub incidents: f64,
    /// Instance-years they were counted over.
    pub exposure_years: f64,
    /// Outages per instance per year, `incidents / exposure_years`.
    pub rate_per_year: f64,
    /// Median duration, hours (`exp(mu)` of the log-normal).
    pub duration_median_h: f64,
    /// Log-normal sigma of the duration.
    pub duration_sigma: f64,
}

/// The row of `level`. Parses the table once; a malformed table is a bug of this crate
/// (caught by the unit tests), hence the panic.
pub(super) fn row(level: OutageLevel) -> &'static CalibrationRow {
    static ROWS: OnceLock<Vec<CalibrationRow>> = OnceLock::new();
    ROWS.get_or_init(|| parse().unwrap_or_else(|e| panic!("embedded outages.csv: {e}")))
        .iter()
        .find(|r| r.level == level)
        .expect("outages.csv has a row per level (unit-tested)")
}

/// Parses and checks [`OUTAGES`]: one row per level, positive finite numbers, and a rate
/// that is `incidents / exposure_years` to four significant digits.
fn parse() -> Result<Vec<CalibrationRow>, DataError> {
    let table = Table::parse("outages.csv", OUTAGES)?;
    let mut rows: Vec<CalibrationRow> = Vec::with_capacity(OutageLevel::ALL.len());
    for row in table.rows() {
        let name = row.str("level")?;
        let level = OutageLevel::from_name(name)
            .ok_or_else(|| row.invalid(format!("unknown level `{name}`")))?;
        if rows.iter().any(|r| r.level == level) {
            return Err(row.invalid(format!("duplicate level `{name}`")));
        }
        let parsed = CalibrationRow {
            level,
            incidents: row.f64("incidents")?,
            exposure_years: row.f64("exposure_years")?,
            rate_per_year: row.f64("rate_per_year")?,
            duration_median_h: row.f64("duration_median_h")?,
            duration_sigma: row.f64("duration_sigma")?,
        };
        let numbers = [
            parsed.incidents,
            parsed.exposure_years,
            parsed.rate_per_year,
            parsed.duration_median_h,
            parsed.duration_sigma,
        ];
        if numbers.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
            return Err(row.invalid("every number must be positive and finite"));
        }
        let implied = parsed.incidents / parsed.exposure_years;
        if (parsed.rate_per_year / implied - 1.0).abs() > 1e-3 {
            return Err(row.invalid(format!(
                "rate_per_year {} is not incidents / exposure_years = {implied:.5}",
                parsed.rate_per_year
            )));
        }
        if row.str("source")?.trim().is_empty() {
            return Err(row.invalid("source must cite where the numbers come from"));
        }
        rows.push(parsed);
    }
    if let Some(missing) = OutageLevel::ALL
        .into_iter()
        .find(|l| rows.iter().all(|r| r.level != *l))
    {
        return Err(DataError {
            table: "outages.csv",
            line: 1,
            message: format!("no row for level `{}`", missing.name()),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Log-normal fit: (median = exp(mean ln x), sample standard deviation of ln x).
    fn fit(hours: &[f64]) -> (f64, f64) {
        let n = hours.len() as f64;
        let logs: Vec<f64> = hours.iter().map(|h| h.ln()).collect();
        let mu = logs.iter().sum::<f64>() / n;
        let var = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / (n - 1.0);
        (mu.exp(), var.sqrt())
    }

    #[test]
    fn table_parses_with_one_row_per_level() {
        let rows = parse().expect("outages.csv is well formed");
        assert_eq!(rows.len(), OutageLevel::ALL.len());
        for level in OutageLevel::ALL {
            assert_eq!(row(level).level, level);
        }
    }

    #[test]
    fn region_and_cloud_rows_match_the_reference_arithmetic() {
        // Core durations (h) of the incidents cited in data/outages.csv, as in the module docs.
        let (median, sigma) = fit(&[9.2, 1.0, 2.9, 5.75]);
        let region = row(OutageLevel::Region);
        assert!((region.duration_median_h - median).abs() < 1e-3, "{median}");
        assert!((region.duration_sigma - sigma).abs() < 1e-3, "{sigma}");
        assert!((region.rate_per_year - 5.0 / (3.0 * 4.0)).abs() < 1e-4);

        let (median, sigma) = fit(&[2.0, 1.63, 0.6]);
        let cloud = row(OutageLevel::Cloud);
        assert!((cloud.duration_median_h - median).abs() < 1e-3, "{median}");
        assert!((cloud.duration_sigma - sigma).abs() < 1e-3, "{sigma}");
        assert!((cloud.rate_per_year - 3.0 / (4.0 * 4.0)).abs() < 1e-4);
    }

    #[test]
    fn estimated_rows_follow_their_rules() {
        // R-site: 1 zone loss over 42 regions x 3 zones x 4 years.
        assert!((row(OutageLevel::Site).rate_per_year - 1.0 / 504.0).abs() < 1e-6);
        // R-rack: a quarter of Llama 3's 35 switch/cable interruptions, 32-GPU racks.
        let rack_years = 16_384.0 / 32.0 * 54.0 / 365.0;
        let rack = row(OutageLevel::Rack);
        assert!((rack.exposure_years - rack_years).abs() < 1e-2);
        assert!((rack.rate_per_year - 0.25 * 35.0 / rack_years).abs() < 1e-4);
    }
}
