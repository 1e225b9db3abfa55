//! A scenario's changes to the catalog ([`Catalog::apply`]) and the value checks every
//! catalog entry must pass ([`Catalog::validate`]).
//!
//! Overrides are applied in four passes so that later kinds can refer to earlier
//! additions: accelerators, then clouds (whose `offers` name accelerators), then regions
//! (which name clouds), then offerings (which name both). Within a pass, patches apply
//! in file order; a key given twice is patched twice.
//!
//! Errors are collected, never short-circuited: one pass over a scenario reports every
//! missing field, bad value and unknown name, each at its key path
//! (`catalog.accelerators.my-chip.tdp_w`), with a "did you mean" for a name close to an
//! existing one. A failed [`Catalog::apply`] leaves the catalog as it was.

use super::store::Catalog;
use super::types::*;
use crate::ModelError;
use crate::suggest::closest;

/// Idle board power of a new accelerator given without `idle_w`, as a fraction of its
/// `tdp_w` (rule R-idle of `data/README.md`, also used for every built-in accelerator).
pub const DEFAULT_IDLE_FRACTION: f64 = 0.15;

/// Sets every field the patch gives; evaluates to whether any was given.
macro_rules! patch_fields {
    ($target:expr, $patch:expr; $($field:ident),+ $(,)?) => {{
        let mut changed = false;
        $(
            if let Some(value) = &$patch.$field {
                $target.$field = value.clone();
                changed = true;
            }
        )+
        changed
    }};
}

/// The names of the fields the patch leaves out.
macro_rules! missing_fields {
    ($patch:expr; $($field:ident),+ $(,)?) => {{
        let mut missing: Vec<&'static str> = Vec::new();
        $(
            if $patch.$field.is_none() {
                missing.push(stringify!($field));
            }
        )+
        missing
    }};
}

impl Catalog {
    /// Applies a scenario's overrides: patches existing entries field by field and adds
    /// new accelerators, clouds, regions and offerings.
    ///
    /// A new entry needs every required field (see the `*Patch` types); a new accelerator
    /// without `idle_w` gets [`DEFAULT_IDLE_FRACTION`] of its `tdp_w`. Changed and added
    /// entries get provenance `{ status: Scenario, source: overrides.source }`. A cloud's
    /// `offers` adds offerings with an unknown price.
    ///
    /// On error, returns every problem found (missing fields, values out of range, names
    /// of unknown clouds or accelerators with a suggestion) and leaves `self` unchanged.
    ///
    /// ```
    /// # use sim_models::catalog::*;
    /// let mut catalog = Catalog::builtin();
    /// let overrides = CatalogOverrides {
    ///     clouds: vec![("lambda".into(), CloudPatch {
    ///         display_name: Some("Lambda".into()),
    ///         egress_usd_per_gb: Some(0.0),
    ///         inter_region_usd_per_gb: Some(0.0),
    ///         offers: Some(vec!["h100".into()]),
    ///     })],
    ///     source: "scenario gpu-cloud.toml".into(),
    ///     ..Default::default()
    /// };
    /// catalog.apply(&overrides).unwrap();
    /// assert!(catalog.offering("lambda", "h100").is_some());
    /// ```
    pub fn apply(&mut self, overrides: &CatalogOverrides) -> Result<(), Vec<ModelError>> {
        let mut next = self.clone();
        let mut errors = Vec::new();
        let provenance = Provenance {
            status: DataStatus::Scenario,
            source: overrides.source.clone(),
        };
        for (name, patch) in &overrides.accelerators {
            next.apply_accelerator(name, patch, &provenance, &mut errors);
        }
        for (name, factor) in &overrides.failure_rate_factors {
            if let Err(e) = next.set_failure_rate_factor(name, *factor, provenance.clone()) {
                errors.push(e);
            }
        }
        for (name, patch) in &overrides.clouds {
            next.apply_cloud(name, patch, &provenance, &mut errors);
        }
        for ((cloud, region), patch) in &overrides.regions {
            next.apply_region(cloud, region, patch, &provenance, &mut errors);
        }
        for ((cloud, accelerator), patch) in &overrides.offerings {
            next.apply_offering(cloud, accelerator, patch, &provenance, &mut errors);
        }
        if errors.is_empty() {
            *self = next;
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks every entry: numbers in range, names non-empty and unique, and every
    /// region, offering and round-trip time naming entries of this catalog. Useful for a
    /// catalog assembled with [`Catalog::from_parts`]; the built-in one passes.
    pub fn validate(&self) -> Result<(), Vec<ModelError>> {
        let mut errors = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for a in &self.accelerators {
            let path = ["catalog", "accelerators", a.name.as_str()];
            duplicate(&mut seen, &path, &mut errors);
            check_accelerator(a, &path, &[], &mut errors);
        }
        for c in &self.clouds {
            let path = ["catalog", "clouds", c.name.as_str()];
            duplicate(&mut seen, &path, &mut errors);
            check_cloud(c, &path, &[], &mut errors);
        }
        for r in &self.regions {
            let path = ["catalog", "regions", r.cloud.as_str(), r.name.as_str()];
            duplicate(&mut seen, &path, &mut errors);
            check_region(r, &path, &[], &mut errors);
            if self.cloud_id(&r.cloud).is_none() {
                errors.push(self.unknown_cloud(&r.cloud, &path[..3], "a region"));
            }
        }
        for o in &self.offerings {
            let path = [
                "catalog",
                "offerings",
                o.cloud.as_str(),
                o.accelerator.as_str(),
            ];
            duplicate(&mut seen, &path, &mut errors);
            check_offering(o, &path, &mut errors);
            if self.cloud_id(&o.cloud).is_none() {
                errors.push(self.unknown_cloud(&o.cloud, &path[..3], "an offering"));
            }
            if self.accelerator_id(&o.accelerator).is_none() {
                errors.push(self.unknown_accelerator(&o.accelerator, &path, ""));
            }
        }
        for rtt in &self.rtts {
            let (a, b) = (
                format!("{}/{}", rtt.a.0, rtt.a.1),
                format!("{}/{}", rtt.b.0, rtt.b.1),
            );
            let path = ["catalog", "rtts", a.as_str(), b.as_str()];
            if !(rtt.rtt_ms.is_finite() && rtt.rtt_ms > 0.0) {
                errors.push(ModelError::new(
                    &path,
                    format!(
                        "rtt_ms must be a positive finite number of ms, got {}",
                        rtt.rtt_ms
                    ),
                ));
            }
            for (cloud, region) in [&rtt.a, &rtt.b] {
                if self.region_id(cloud, region).is_none() {
                    errors.push(ModelError::new(
                        &path,
                        format!("{cloud}/{region} is not a region of the catalog"),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn apply_accelerator(
        &mut self,
        name: &str,
        patch: &AcceleratorPatch,
        provenance: &Provenance,
        errors: &mut Vec<ModelError>,
    ) {
        let path = ["catalog", "accelerators", name];
        if let Some(id) = self.accelerator_id(name) {
            let spec = &mut self.accelerators[id.0 as usize];
            if patch_accelerator(spec, patch) {
                spec.provenance = provenance.clone();
            }
            check_accelerator(spec, &path, &[], errors);
            return;
        }
        if !valid_key(name, &path, "accelerator", errors) {
            return;
        }
        let missing = missing_fields!(patch; display_name, vendor, bf16_tflops, hbm_gb,
            hbm_tbps, tdp_w, host_w_per_chip, scaleup_gbps, scaleup_domain, scaleout_gbit,
            instance_chips);
        let suggestion = closest(name, self.accelerators.iter().map(|a| a.name.as_str()));
        for field in &missing {
            errors.push(missing_field(
                &path,
                field,
                "accelerator",
                accelerator_field(field),
                &suggestion,
            ));
        }
        let mut spec = AcceleratorSpec {
            name: name.to_owned(),
            display_name: String::new(),
            vendor: String::new(),
            bf16_tflops: f64::NAN,
            hbm_gb: f64::NAN,
            hbm_tbps: f64::NAN,
            tdp_w: f64::NAN,
            idle_w: f64::NAN,
            host_w_per_chip: f64::NAN,
            scaleup_gbps: f64::NAN,
            scaleup_domain: 0,
            scaleout_gbit: f64::NAN,
            instance_chips: 0,
            provenance: provenance.clone(),
        };
        patch_accelerator(&mut spec, patch);
        if patch.idle_w.is_none() {
            spec.idle_w = DEFAULT_IDLE_FRACTION * spec.tdp_w;
        }
        check_accelerator(&spec, &path, &missing, errors);
        // Added even when incomplete, so later references to it are not reported too;
        // the whole apply fails anyway.
        self.accelerators.push(spec);
    }

    fn apply_cloud(
        &mut self,
        name: &str,
        patch: &CloudPatch,
        provenance: &Provenance,
        errors: &mut Vec<ModelError>,
    ) {
        let path = ["catalog", "clouds", name];
        if let Some(id) = self.cloud_id(name) {
            let spec = &mut self.clouds[id.0 as usize];
            if patch_fields!(spec, patch; display_name, egress_usd_per_gb, inter_region_usd_per_gb)
            {
                spec.provenance = provenance.clone();
            }
            check_cloud(spec, &path, &[], errors);
        } else if valid_key(name, &path, "cloud", errors) {
            let missing =
                missing_fields!(patch; display_name, egress_usd_per_gb, inter_region_usd_per_gb);
            let suggestion = closest(name, self.clouds.iter().map(|c| c.name.as_str()));
            for field in &missing {
                errors.push(missing_field(
                    &path,
                    field,
                    "cloud",
                    cloud_field(field),
                    &suggestion,
                ));
            }
            let mut spec = CloudSpec {
                name: name.to_owned(),
                display_name: String::new(),
                egress_usd_per_gb: f64::NAN,
                inter_region_usd_per_gb: f64::NAN,
                provenance: provenance.clone(),
            };
            patch_fields!(spec, patch; display_name, egress_usd_per_gb, inter_region_usd_per_gb);
            check_cloud(&spec, &path, &missing, errors);
            self.clouds.push(spec);
        } else {
            return;
        }
        for accelerator in patch.offers.iter().flatten() {
            if self.accelerator_id(accelerator).is_none() {
                let offers_path = ["catalog", "clouds", name, "offers"];
                errors.push(self.unknown_accelerator(accelerator, &offers_path, " in offers"));
            } else if self.offering(name, accelerator).is_none() {
                self.offerings.push(Offering {
                    cloud: name.to_owned(),
                    accelerator: accelerator.clone(),
                    usd_per_chip_hour: None,
                    provenance: provenance.clone(),
                });
            }
        }
    }

    fn apply_region(
        &mut self,
        cloud: &str,
        name: &str,
        patch: &RegionPatch,
        provenance: &Provenance,
        errors: &mut Vec<ModelError>,
    ) {
        let path = ["catalog", "regions", cloud, name];
        if let Some(id) = self.region_id(cloud, name) {
            let spec = &mut self.regions[id.0 as usize];
            if patch_region(spec, patch) {
                spec.provenance = provenance.clone();
            }
            check_region(spec, &path, &[], errors);
            return;
        }
        let cloud_known = self.cloud_id(cloud).is_some();
        if !cloud_known {
            errors.push(self.unknown_cloud(cloud, &path[..3], "a region"));
        }
        if !valid_key(name, &path, "region", errors) {
            return;
        }
        // With an unknown cloud, whether this region is new is unknown too: check only
        // the values given.
        let missing = missing_fields!(patch; metro, lat, lon, pue, carbon_g_per_kwh);
        if cloud_known {
            let suggestion = closest(
                name,
                self.regions
                    .iter()
                    .filter(|r| r.cloud == cloud)
                    .map(|r| r.name.as_str()),
            );
            for field in &missing {
                errors.push(missing_field(
                    &path,
                    field,
                    "region",
                    region_field(field),
                    &suggestion,
                ));
            }
        }
        let mut spec = RegionSpec {
            cloud: cloud.to_owned(),
            name: name.to_owned(),
            metro: String::new(),
            lat: f64::NAN,
            lon: f64::NAN,
            pue: f64::NAN,
            carbon_g_per_kwh: f64::NAN,
            provenance: provenance.clone(),
        };
        patch_region(&mut spec, patch);
        check_region(&spec, &path, &missing, errors);
        if cloud_known {
            self.regions.push(spec);
        }
    }

    fn apply_offering(
        &mut self,
        cloud: &str,
        accelerator: &str,
        patch: &OfferingPatch,
        provenance: &Provenance,
        errors: &mut Vec<ModelError>,
    ) {
        let path = ["catalog", "offerings", cloud, accelerator];
        let offering = Offering {
            cloud: cloud.to_owned(),
            accelerator: accelerator.to_owned(),
            usd_per_chip_hour: patch.usd_per_chip_hour,
            provenance: provenance.clone(),
        };
        check_offering(&offering, &path, errors);
        if let Some(existing) = self
            .offerings
            .iter_mut()
            .find(|o| o.cloud == cloud && o.accelerator == accelerator)
        {
            if patch.usd_per_chip_hour.is_some() {
                existing.usd_per_chip_hour = patch.usd_per_chip_hour;
                existing.provenance = provenance.clone();
            }
            return;
        }
        let mut known = true;
        if self.cloud_id(cloud).is_none() {
            errors.push(self.unknown_cloud(cloud, &path[..3], "an offering"));
            known = false;
        }
        if self.accelerator_id(accelerator).is_none() {
            errors.push(self.unknown_accelerator(accelerator, &path, ""));
            known = false;
        }
        if known {
            self.offerings.push(offering);
        }
    }

    fn unknown_cloud(&self, cloud: &str, path: &[&str], what: &str) -> ModelError {
        ModelError::new(
            path,
            format!(
                "unknown cloud {cloud:?}: {what} must name a cloud of the catalog or one \
                 added under catalog.clouds"
            ),
        )
        .with_suggestion(closest(cloud, self.clouds.iter().map(|c| c.name.as_str())))
    }

    fn unknown_accelerator(&self, accelerator: &str, path: &[&str], context: &str) -> ModelError {
        ModelError::new(
            path,
            format!(
                "unknown accelerator {accelerator:?}{context}: name an accelerator of the catalog or \
                 add it under catalog.accelerators"
            ),
        )
        .with_suggestion(closest(
            accelerator,
            self.accelerators.iter().map(|a| a.name.as_str()),
        ))
    }
}

fn patch_accelerator(spec: &mut AcceleratorSpec, patch: &AcceleratorPatch) -> bool {
    patch_fields!(spec, patch; display_name, vendor, bf16_tflops, hbm_gb, hbm_tbps, tdp_w,
        idle_w, host_w_per_chip, scaleup_gbps, scaleup_domain, scaleout_gbit, instance_chips)
}

fn patch_region(spec: &mut RegionSpec, patch: &RegionPatch) -> bool {
    patch_fields!(spec, patch; metro, lat, lon, pue, carbon_g_per_kwh)
}

/// What an accelerator field holds, for error messages.
fn accelerator_field(field: &str) -> &'static str {
    match field {
        "display_name" => "human name, e.g. \"NVIDIA H100 SXM 80GB\"",
        "vendor" => "vendor, e.g. \"NVIDIA\"",
        "bf16_tflops" => "peak dense BF16 TFLOP/s per chip",
        "hbm_gb" => "HBM capacity per chip, GB",
        "hbm_tbps" => "HBM bandwidth per chip, TB/s",
        "tdp_w" => "board power at full load, W",
        "idle_w" => "board power when idle, W",
        "host_w_per_chip" => "host server power per chip at full load, W",
        "scaleup_gbps" => "scale-up bandwidth per chip, GB/s bidirectional",
        "scaleup_domain" => "chips in one scale-up domain",
        "scaleout_gbit" => "scale-out NIC bandwidth per chip, Gbit/s",
        "instance_chips" => "chips per cloud instance, 0 for none",
        _ => "",
    }
}

fn cloud_field(field: &str) -> &'static str {
    match field {
        "display_name" => "human name, e.g. \"Lambda\"",
        "egress_usd_per_gb" => "internet egress price, first tier, USD per GB",
        "inter_region_usd_per_gb" => "transfer price between its regions, USD per GB",
        _ => "",
    }
}

fn region_field(field: &str) -> &'static str {
    match field {
        "metro" => "metro name, e.g. \"Ashburn VA\"",
        "lat" => "latitude of the metro, degrees",
        "lon" => "longitude of the metro, degrees",
        "pue" => "power usage effectiveness, >= 1",
        "carbon_g_per_kwh" => "grid carbon intensity, gCO2e per kWh",
        _ => "",
    }
}

/// What a number must satisfy.
#[derive(Clone, Copy)]
enum Rule {
    Positive,
    NonNegative,
    Pue,
    Latitude,
    Longitude,
}

impl Rule {
    fn holds(self, value: f64) -> bool {
        value.is_finite()
            && match self {
                Rule::Positive => value > 0.0,
                Rule::NonNegative => value >= 0.0,
                Rule::Pue => value >= 1.0,
                Rule::Latitude => (-90.0..=90.0).contains(&value),
                Rule::Longitude => (-180.0..=180.0).contains(&value),
            }
    }

    fn expected(self) -> &'static str {
        match self {
            Rule::Positive => "a positive finite number",
            Rule::NonNegative => "a finite number >= 0",
            Rule::Pue => "a finite number >= 1 (facility power / IT power)",
            Rule::Latitude => "between -90 and 90 degrees",
            Rule::Longitude => "between -180 and 180 degrees",
        }
    }
}

/// Pushes an error for each number that breaks its rule, unless its field is in `skip`
/// (fields already reported missing).
fn check_numbers(
    fields: &[(&str, f64, Rule, &str)],
    path: &[&str],
    skip: &[&str],
    errors: &mut Vec<ModelError>,
) {
    for &(field, value, rule, what) in fields {
        if !skip.contains(&field) && !rule.holds(value) {
            errors.push(ModelError::new(
                &with(path, field),
                format!("{field} ({what}) must be {}, got {value}", rule.expected()),
            ));
        }
    }
}

fn check_text(
    field: &str,
    value: &str,
    path: &[&str],
    skip: &[&str],
    errors: &mut Vec<ModelError>,
) {
    if !skip.contains(&field) && value.trim().is_empty() {
        errors.push(ModelError::new(
            &with(path, field),
            format!("{field} must not be empty"),
        ));
    }
}

fn check_accelerator(
    a: &AcceleratorSpec,
    path: &[&str],
    skip: &[&str],
    errors: &mut Vec<ModelError>,
) {
    use Rule::*;
    check_text("display_name", &a.display_name, path, skip, errors);
    check_text("vendor", &a.vendor, path, skip, errors);
    let d = accelerator_field;
    check_numbers(
        &[
            ("bf16_tflops", a.bf16_tflops, Positive, d("bf16_tflops")),
            ("hbm_gb", a.hbm_gb, Positive, d("hbm_gb")),
            ("hbm_tbps", a.hbm_tbps, Positive, d("hbm_tbps")),
            ("tdp_w", a.tdp_w, Positive, d("tdp_w")),
            ("idle_w", a.idle_w, NonNegative, d("idle_w")),
            (
                "host_w_per_chip",
                a.host_w_per_chip,
                NonNegative,
                d("host_w_per_chip"),
            ),
            (
                "scaleup_gbps",
                a.scaleup_gbps,
                NonNegative,
                d("scaleup_gbps"),
            ),
            (
                "scaleout_gbit",
                a.scaleout_gbit,
                NonNegative,
                d("scaleout_gbit"),
            ),
        ],
        path,
        skip,
        errors,
    );
    if !skip.contains(&"scaleup_domain") && a.scaleup_domain == 0 {
        errors.push(ModelError::new(
            &with(path, "scaleup_domain"),
            "scaleup_domain (chips in one scale-up domain) must be at least 1",
        ));
    }
    let comparable =
        !skip.contains(&"tdp_w") && Positive.holds(a.tdp_w) && NonNegative.holds(a.idle_w);
    if comparable && a.idle_w > a.tdp_w {
        errors.push(ModelError::new(
            &with(path, "idle_w"),
            format!(
                "idle_w ({} W) exceeds tdp_w ({} W): idle power cannot be above full-load \
                 power; lower idle_w, or set both when lowering tdp_w",
                a.idle_w, a.tdp_w
            ),
        ));
    }
}

fn check_cloud(c: &CloudSpec, path: &[&str], skip: &[&str], errors: &mut Vec<ModelError>) {
    check_text("display_name", &c.display_name, path, skip, errors);
    check_numbers(
        &[
            (
                "egress_usd_per_gb",
                c.egress_usd_per_gb,
                Rule::NonNegative,
                cloud_field("egress_usd_per_gb"),
            ),
            (
                "inter_region_usd_per_gb",
                c.inter_region_usd_per_gb,
                Rule::NonNegative,
                cloud_field("inter_region_usd_per_gb"),
            ),
        ],
        path,
        skip,
        errors,
    );
}

fn check_region(r: &RegionSpec, path: &[&str], skip: &[&str], errors: &mut Vec<ModelError>) {
    check_text("metro", &r.metro, path, skip, errors);
    let d = region_field;
    check_numbers(
        &[
            ("lat", r.lat, Rule::Latitude, d("lat")),
            ("lon", r.lon, Rule::Longitude, d("lon")),
            ("pue", r.pue, Rule::Pue, d("pue")),
            (
                "carbon_g_per_kwh",
                r.carbon_g_per_kwh,
                Rule::NonNegative,
                d("carbon_g_per_kwh"),
            ),
        ],
        path,
        skip,
        errors,
    );
}

fn check_offering(o: &Offering, path: &[&str], errors: &mut Vec<ModelError>) {
    if let Some(price) = o.usd_per_chip_hour {
        check_numbers(
            &[(
                "usd_per_chip_hour",
                price,
                Rule::NonNegative,
                "price per chip-hour, USD",
            )],
            path,
            &[],
            errors,
        );
    }
}

/// A new entry's key must be usable as a scenario key.
fn valid_key(name: &str, path: &[&str], what: &str, errors: &mut Vec<ModelError>) -> bool {
    let ok = !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '/');
    if !ok {
        errors.push(ModelError::new(
            path,
            format!("{what} key {name:?} must be non-empty, without spaces or '/'"),
        ));
    }
    ok
}

fn missing_field(
    path: &[&str],
    field: &str,
    what: &str,
    description: &str,
    suggestion: &Option<String>,
) -> ModelError {
    let name = path[path.len() - 1];
    ModelError::new(
        &with(path, field),
        format!(
            "{field} is required: {name:?} is not a {what} of the catalog, and a new {what} \
             needs {field} ({description})"
        ),
    )
    .with_suggestion(suggestion.clone())
}

fn duplicate<'a>(
    seen: &mut std::collections::HashSet<Vec<&'a str>>,
    path: &[&'a str],
    errors: &mut Vec<ModelError>,
) {
    if !seen.insert(path.to_vec()) {
        errors.push(ModelError::new(
            path,
            "defined more than once; keys must be unique",
        ));
    }
}

fn with<'a>(path: &[&'a str], field: &'a str) -> Vec<&'a str> {
    let mut p = path.to_vec();
    p.push(field);
    p
}
