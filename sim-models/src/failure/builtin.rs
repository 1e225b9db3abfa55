//! The built-in failure models, parsed from `data/failures_llama3.csv` (embedded).

use sim_core::rng::{DurationDist, LogNormal};

use super::{FailureCategory, FailureModel, FailureScope};
use crate::data::{DataError, Row, Table};

/// Built-in model names, in the order [`FailureModel::builtin_names`] lists them.
pub(super) const NAMES: &[&str] = &["none", "llama3-h100"];

const LLAMA3_CSV: &str = include_str!("../../data/failures_llama3.csv");

/// The built-in model called `name`.
pub(super) fn model(name: &str) -> Option<FailureModel> {
    let categories = match name {
        "none" => Vec::new(),
        "llama3-h100" => llama3_categories().expect("embedded failures_llama3.csv is valid"),
        _ => return None,
    };
    Some(FailureModel {
        name: name.to_owned(),
        categories,
    })
}

/// The categories of `failures_llama3.csv`, in file order.
fn llama3_categories() -> Result<Vec<FailureCategory>, DataError> {
    let table = Table::parse("failures_llama3.csv", LLAMA3_CSV)?;
    table.rows().map(|row| category(&row)).collect()
}

fn category(row: &Row<'_>) -> Result<FailureCategory, DataError> {
    let scope_name = row.str("scope")?;
    let scope = FailureScope::from_name(scope_name).ok_or_else(|| {
        row.invalid(format!(
            "column scope: expected accelerator, node or rack, found {scope_name:?}"
        ))
    })?;
    let median_s = row.f64("repair_median_min")? * 60.0;
    let p90_s = row.f64("repair_p90_min")? * 60.0;
    let repair = LogNormal::from_median_p90(median_s, p90_s)
        .map_err(|e| row.invalid(format!("repair time: {e}")))?;
    let source = row.str("source")?;
    if source.is_empty() {
        return Err(row.invalid("column source: every row must cite its source"));
    }
    let category = FailureCategory {
        name: row.str("name")?.to_owned(),
        component: row.str("component")?.to_owned(),
        scope,
        rate_per_accel_hour: row.f64("rate_per_gpu_hour")?,
        ttf_shape: row.f64("ttf_shape")?,
        repair: DurationDist::from(repair),
        provenance: format!(
            "{} ({}): {source}",
            row.str("category")?,
            row.str("status")?
        ),
    };
    if let Some(e) = category.validate(&[]).first() {
        return Err(row.invalid(e.to_string()));
    }
    Ok(category)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GPU-hours of the Llama 3 snapshot: 16,384 H100 for 54 days.
    const LLAMA3_GPU_HOURS: f64 = 16_384.0 * 54.0 * 24.0;

    #[test]
    fn every_row_parses_cites_a_source_and_reproduces_its_count() {
        let table = Table::parse("failures_llama3.csv", LLAMA3_CSV).unwrap();
        let mut total = 0;
        for row in table.rows() {
            let c = category(&row).unwrap();
            let count = row.u32("count").unwrap();
            total += count;
            let expected = c.rate_per_accel_hour * LLAMA3_GPU_HOURS;
            assert!(
                (expected - f64::from(count)).abs() < 1e-3,
                "{}: rate x GPU-hours = {expected}, paper count {count}",
                c.name
            );
            assert!(row.str("source").unwrap().contains("Llama 3"));
            assert_eq!(row.str("status").unwrap(), "estimate");
            for field in row.str("estimated").unwrap().split_whitespace() {
                row.str(field).expect("estimated names a real column");
            }
        }
        assert_eq!(
            total, 419,
            "unexpected interruptions in the Llama 3 snapshot"
        );
    }

    #[test]
    fn names_are_unique_kebab_case_and_builtins_resolve() {
        let m = model("llama3-h100").unwrap();
        assert_eq!(m.categories.len(), 18);
        assert!(m.validate(&[]).is_empty());
        for c in &m.categories {
            assert!(
                c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{} is not kebab-case",
                c.name
            );
        }
        for name in NAMES {
            assert_eq!(model(name).unwrap().name, *name);
        }
        assert!(model("none").unwrap().categories.is_empty());
        assert_eq!(model("llama3"), None);
    }

    #[test]
    fn repair_estimates_have_the_documented_medians() {
        let m = model("llama3-h100").unwrap();
        let median_h = |name: &str| match &m.categories[m.category_index(name).unwrap()].repair {
            DurationDist::LogNormal(d) => d.median() / crate::units::HOUR_SECS,
            other => panic!("{name}: expected log-normal repair, got {other:?}"),
        };
        assert!((median_h("faulty-gpu") - 24.0).abs() < 1e-9);
        assert!((median_h("nic") - 12.0).abs() < 1e-9);
        assert!((median_h("network-switch-cable") - 4.0).abs() < 1e-9);
        assert!((median_h("host-maintenance") - 2.0).abs() < 1e-9);
        assert!((median_h("software-bug") - 10.0 / 60.0).abs() < 1e-9);
    }
}
