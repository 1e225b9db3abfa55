//! The built-in catalog: the CSV tables of `data/`, embedded in the crate at compile time.
//!
//! `data/README.md` describes every table, its units, its statuses and the rule behind
//! every estimate. The tables are parsed once per process and cloned out; a malformed
//! table is a bug in this crate, caught by the unit tests below, so parsing panics with
//! the table, line and problem rather than returning an error nobody can act on.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::store::Catalog;
use super::types::*;
use crate::data::{DataError, Row, Table};

const ACCELERATORS: &str = include_str!("../../data/accelerators.csv");
const CLOUDS: &str = include_str!("../../data/clouds.csv");
const REGIONS: &str = include_str!("../../data/regions.csv");
const OFFERINGS: &str = include_str!("../../data/offerings.csv");
const REGION_RTT: &str = include_str!("../../data/region_rtt.csv");
const FAILURE_FACTORS: &str = include_str!("../../data/failure_kind_factors.csv");

/// Accelerator fields that the `estimated` column of `accelerators.csv` may name.
const ACCELERATOR_FIELDS: [&str; 12] = [
    "display_name",
    "vendor",
    "bf16_tflops",
    "hbm_gb",
    "hbm_tbps",
    "tdp_w",
    "idle_w",
    "host_w_per_chip",
    "scaleup_gbps",
    "scaleup_domain",
    "scaleout_gbit",
    "instance_chips",
];

impl Catalog {
    /// The catalog shipped with the crate: 15 accelerator kinds, the clouds AWS, Azure,
    /// Google Cloud and Oracle with their regions, who offers what at which price, and
    /// measured inter-region round-trip times. Every entry carries its source and status.
    ///
    /// ```
    /// # use sim_models::catalog::Catalog;
    /// let catalog = Catalog::builtin();
    /// let h100 = catalog.accelerator(catalog.accelerator_id("h100").unwrap());
    /// assert_eq!((h100.bf16_tflops, h100.tdp_w), (989.0, 700.0));
    /// assert!(catalog.offering("gcp", "tpu-v5p").is_some());
    /// ```
    pub fn builtin() -> Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                parse_builtin()
                    .unwrap_or_else(|e| panic!("embedded catalog table is malformed: {e}"))
            })
            .clone()
    }
}

/// Parses all embedded tables.
fn parse_builtin() -> Result<Catalog, DataError> {
    let mut catalog = parse_tables()?;
    let factors = parse(
        "failure_kind_factors.csv",
        FAILURE_FACTORS,
        &["accelerator"],
        |row| {
            let name = key(row, "accelerator")?;
            let id = catalog.accelerator_id(&name).ok_or_else(|| {
                row.invalid(format!("accelerator {name:?} is not in accelerators.csv"))
            })?;
            let factor = row.f64("accel_scope_factor")?;
            if !(factor.is_finite() && factor >= 0.0) {
                return Err(row.invalid(format!(
                    "column accel_scope_factor: expected a finite factor >= 0, found {factor}"
                )));
            }
            Ok((id, factor, provenance(row)?))
        },
    )?;
    if let Some(missing) = catalog.accelerators.iter().find(|a| {
        !factors
            .iter()
            .any(|(id, _, _)| catalog.accelerator(*id).name == a.name)
    }) {
        return Err(DataError {
            table: "failure_kind_factors.csv",
            line: 1,
            message: format!(
                "accelerator {:?} has no row: every built-in kind needs one",
                missing.name
            ),
        });
    }
    catalog.failure_factors = factors;
    catalog.failure_factors.sort_by_key(|(id, _, _)| *id);
    Ok(catalog)
}

/// Parses the tables of entries (everything but the per-kind failure factors).
fn parse_tables() -> Result<Catalog, DataError> {
    Ok(Catalog::from_parts(
        parse("accelerators.csv", ACCELERATORS, &["name"], |row| {
            let provenance = provenance(row)?;
            check_estimated(row, &provenance)?;
            Ok(AcceleratorSpec {
                name: key(row, "name")?,
                display_name: text(row, "display_name")?,
                vendor: text(row, "vendor")?,
                bf16_tflops: row.f64("bf16_tflops")?,
                hbm_gb: row.f64("hbm_gb")?,
                hbm_tbps: row.f64("hbm_tbps")?,
                tdp_w: row.f64("tdp_w")?,
                idle_w: row.f64("idle_w")?,
                host_w_per_chip: row.f64("host_w_per_chip")?,
                scaleup_gbps: row.f64("scaleup_gbps")?,
                scaleup_domain: row.u32("scaleup_domain")?,
                scaleout_gbit: row.f64("scaleout_gbit")?,
                instance_chips: row.u32("instance_chips")?,
                provenance,
            })
        })?,
        parse("clouds.csv", CLOUDS, &["cloud"], |row| {
            Ok(CloudSpec {
                name: key(row, "cloud")?,
                display_name: text(row, "display_name")?,
                egress_usd_per_gb: row.f64("egress_usd_per_gb")?,
                inter_region_usd_per_gb: row.f64("inter_region_usd_per_gb")?,
                provenance: provenance(row)?,
            })
        })?,
        parse("regions.csv", REGIONS, &["cloud", "region"], |row| {
            Ok(RegionSpec {
                cloud: key(row, "cloud")?,
                name: key(row, "region")?,
                metro: text(row, "metro")?,
                lat: row.f64("lat")?,
                lon: row.f64("lon")?,
                pue: row.f64("pue")?,
                carbon_g_per_kwh: row.f64("carbon_g_per_kwh")?,
                provenance: provenance(row)?,
            })
        })?,
        parse(
            "offerings.csv",
            OFFERINGS,
            &["cloud", "accelerator"],
            |row| {
                Ok(Offering {
                    cloud: key(row, "cloud")?,
                    accelerator: key(row, "accelerator")?,
                    usd_per_chip_hour: row.opt_f64("usd_per_chip_hour")?,
                    provenance: provenance(row)?,
                })
            },
        )?,
        parse(
            "region_rtt.csv",
            REGION_RTT,
            &["a_cloud", "a_region", "b_cloud", "b_region"],
            |row| {
                Ok(MeasuredRtt {
                    a: (key(row, "a_cloud")?, key(row, "a_region")?),
                    b: (key(row, "b_cloud")?, key(row, "b_region")?),
                    rtt_ms: row.f64("rtt_ms")?,
                    statistic: text(row, "statistic")?,
                    provenance: provenance(row)?,
                })
            },
        )?,
    ))
}

/// Parses every row of one table with `entry`; the `key` columns together must be unique.
fn parse<T>(
    name: &'static str,
    text: &str,
    key: &[&str],
    entry: impl Fn(Row<'_>) -> Result<T, DataError>,
) -> Result<Vec<T>, DataError> {
    let table = Table::parse(name, text)?;
    let mut first_line = HashMap::new();
    let mut entries = Vec::new();
    for row in table.rows() {
        let k = key
            .iter()
            .map(|column| row.str(column))
            .collect::<Result<Vec<_>, _>>()?
            .join("/");
        if let Some(line) = first_line.insert(k.clone(), row.line()) {
            return Err(row.invalid(format!("duplicate key {k} (first on line {line})")));
        }
        entries.push(entry(row)?);
    }
    Ok(entries)
}

/// A non-empty field.
fn text(row: Row<'_>, column: &str) -> Result<String, DataError> {
    let value = row.str(column)?;
    if value.is_empty() {
        return Err(row.invalid(format!("column {column} is empty")));
    }
    Ok(value.to_owned())
}

/// A non-empty key without whitespace (keys are matched exactly by scenarios).
fn key(row: Row<'_>, column: &str) -> Result<String, DataError> {
    let value = text(row, column)?;
    if value.chars().any(char::is_whitespace) {
        return Err(row.invalid(format!(
            "column {column}: key {value:?} contains whitespace"
        )));
    }
    Ok(value)
}

/// The `status` and `source` columns.
fn provenance(row: Row<'_>) -> Result<Provenance, DataError> {
    let status = match row.str("status")? {
        "published" => DataStatus::Published,
        "secondary" => DataStatus::Secondary,
        "derived" => DataStatus::Derived,
        "estimate" => DataStatus::Estimate,
        other => {
            return Err(row.invalid(format!(
                "column status: expected published, secondary, derived or estimate, \
                     found {other:?}"
            )));
        }
    };
    Ok(Provenance {
        status,
        source: text(row, "source")?,
    })
}

/// The `estimated` column of `accelerators.csv` names real fields, and a row with any
/// estimated field has status `estimate` (a row's status is its weakest field's).
fn check_estimated(row: Row<'_>, provenance: &Provenance) -> Result<(), DataError> {
    let estimated = row.str("estimated")?;
    for field in estimated.split_whitespace() {
        if !ACCELERATOR_FIELDS.contains(&field) {
            return Err(row.invalid(format!("column estimated: no field named {field:?}")));
        }
    }
    if !estimated.is_empty() && provenance.status != DataStatus::Estimate {
        return Err(row.invalid(format!(
            "status is {} but fields are estimated ({estimated}); the status must be estimate",
            provenance.status
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_table_parses() {
        for (name, text) in [
            ("accelerators.csv", ACCELERATORS),
            ("clouds.csv", CLOUDS),
            ("regions.csv", REGIONS),
            ("offerings.csv", OFFERINGS),
            ("region_rtt.csv", REGION_RTT),
            ("failure_kind_factors.csv", FAILURE_FACTORS),
        ] {
            let table = Table::parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            assert!(table.rows().count() > 0, "{name} has no rows");
        }
        parse_builtin().unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn every_kind_has_a_sourced_failure_factor_and_h100_is_exactly_one() {
        let catalog = Catalog::builtin();
        for (i, a) in catalog.accelerators().iter().enumerate() {
            let id = AccelKindId(i as u16);
            let p = catalog
                .failure_rate_factor_provenance(id)
                .unwrap_or_else(|| panic!("{} has no failure factor row", a.name));
            assert!(!p.source.is_empty());
            // A factor other than H100's own is either derived from data or says which
            // estimate rule it follows.
            assert!(
                p.status == DataStatus::Derived
                    || a.name == "h100"
                    || p.source.starts_with("R-fk-"),
                "{}: {:?}",
                a.name,
                p
            );
        }
        let factor = |k| catalog.failure_rate_factor(catalog.accelerator_id(k).unwrap());
        assert_eq!(factor("h100").to_bits(), 1.0f64.to_bits());
        // B200: Lablup's 10 GPU failures on 504 B200 in 55 days over Llama 3's 268
        // GPU-component interruptions on 16,384 H100 in 54 days.
        let b200 = (10.0 / (504.0 * 55.0 * 24.0)) / (268.0 / (16_384.0 * 54.0 * 24.0));
        assert!((factor("b200") - b200).abs() < 5e-4, "{b200}");
        assert_eq!(factor("gb200"), factor("b200"));
        assert_eq!(factor("h200"), 1.0);
    }

    #[test]
    fn builtin_catalog_passes_its_own_validation() {
        let catalog = Catalog::builtin();
        if let Err(errors) = catalog.validate() {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("built-in catalog is invalid:\n{}", list.join("\n"));
        }
    }

    #[test]
    fn estimate_rules_hold_where_the_data_says_they_were_used() {
        let table = Table::parse("accelerators.csv", ACCELERATORS).unwrap();
        for row in table.rows() {
            let name = row.str("name").unwrap();
            let estimated = row.str("estimated").unwrap();
            let tdp = row.f64("tdp_w").unwrap();
            // R-idle: idle is 15 % of TDP.
            assert!(
                estimated.contains("idle_w"),
                "{name}: idle_w is never sourced"
            );
            let idle = row.f64("idle_w").unwrap();
            assert!(
                (idle - 0.15 * tdp).abs() < 1e-9,
                "{name}: idle_w {idle} != 0.15 x {tdp}"
            );
            // R-host: 575 W per 700 W of TDP, rounded to a watt (GB200 uses its rack figure).
            let host = row.f64("host_w_per_chip").unwrap();
            if name == "gb200" {
                assert!((host - (120_000.0 / 72.0 - tdp)).abs() <= 0.5);
            } else {
                assert!(
                    (host - tdp * 575.0 / 700.0).abs() <= 0.5,
                    "{name}: host_w {host}"
                );
            }
        }
    }

    #[test]
    fn bad_rows_are_reported_with_table_and_line() {
        let bad_status = "name,status,source\nx,guess,somewhere\n";
        let table = Table::parse("t.csv", bad_status).unwrap();
        let row = table.rows().next().unwrap();
        let e = provenance(row).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("t.csv:2: column status"), "{e}");

        let empty_source = "name,status,source\nx,estimate,\n";
        let table = Table::parse("t.csv", empty_source).unwrap();
        let e = provenance(table.rows().next().unwrap()).unwrap_err();
        assert_eq!(e.to_string(), "t.csv:2: column source is empty");

        let spaced_key = "name\nh 100\n";
        let table = Table::parse("t.csv", spaced_key).unwrap();
        assert!(key(table.rows().next().unwrap(), "name").is_err());

        let e = parse("t.csv", "name\na\nb\na\n", &["name"], |row| {
            key(row, "name")
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "t.csv:4: duplicate key a (first on line 2)");

        let wrong_estimate = "estimated,status,source\nidle_w,published,x\n";
        let table = Table::parse("t.csv", wrong_estimate).unwrap();
        let row = table.rows().next().unwrap();
        assert!(check_estimated(row, &provenance(row).unwrap()).is_err());
        let unknown_field = "estimated,status,source\nidle_watts,estimate,x\n";
        let table = Table::parse("t.csv", unknown_field).unwrap();
        let row = table.rows().next().unwrap();
        assert!(check_estimated(row, &provenance(row).unwrap()).is_err());
    }
}
