//! Assembling a [`Catalog`] from entries made in code (tests, user crates).

use std::sync::Arc;

use super::cap_curve::CapCurve;
use super::store::Catalog;
use super::types::*;
use crate::ModelError;

impl Catalog {
    /// A catalog of exactly these entries, in this order (their ids are their positions).
    ///
    /// Nothing is checked: names should be unique, and offerings, regions and round-trip
    /// times should name clouds, regions and accelerators of the catalog. Scenarios get
    /// their catalog from the built-in one plus [`CatalogOverrides`] instead.
    pub fn from_parts(
        accelerators: Vec<AcceleratorSpec>,
        clouds: Vec<CloudSpec>,
        regions: Vec<RegionSpec>,
        offerings: Vec<Offering>,
        rtts: Vec<MeasuredRtt>,
    ) -> Self {
        Self {
            accelerators,
            clouds,
            regions,
            offerings,
            rtts,
            cap_curves: Vec::new(),
            failure_factors: Vec::new(),
        }
    }

    /// Adds accelerator kind `spec` (or replaces every field of the kind of that name,
    /// keeping its id), the `offerings` of clouds selling it, and its own power-capping
    /// `curve` (`None`: it follows its site's curve). This is how a plug-in crate's
    /// accelerator family gets into a run (through
    /// [`Registry::extend_catalog`](crate::policy::Registry::extend_catalog)).
    ///
    /// The checks are those of a scenario's `[catalog.*]` additions ([`Catalog::apply`]):
    /// numbers in range, a usable key, offerings naming clouds of the catalog (with a
    /// "did you mean"); additionally every offering must name `spec.name`. Unlike a
    /// scenario's additions, the entries keep their own provenance. On error, returns
    /// every problem (at `catalog.accelerators.<name>...` and
    /// `catalog.offerings.<cloud>.<name>` paths) and leaves `self` unchanged.
    ///
    /// ```
    /// # use sim_models::catalog::*;
    /// let mut catalog = Catalog::builtin();
    /// let mut spec = catalog.accelerator(catalog.accelerator_id("h100").unwrap()).clone();
    /// spec.name = "h100-lowpower".into();
    /// spec.tdp_w = 500.0;
    /// let offering = Offering {
    ///     cloud: "aws".into(),
    ///     accelerator: "h100-lowpower".into(),
    ///     usd_per_chip_hour: Some(9.5),
    ///     provenance: spec.provenance.clone(),
    /// };
    /// catalog.add_accelerator(&spec, &[offering], None).unwrap();
    /// assert_eq!(catalog.offering("aws", "h100-lowpower").unwrap().usd_per_chip_hour, Some(9.5));
    /// ```
    pub fn add_accelerator(
        &mut self,
        spec: &AcceleratorSpec,
        offerings: &[Offering],
        curve: Option<Arc<CapCurve>>,
    ) -> Result<(), Vec<ModelError>> {
        let mut errors = Vec::new();
        for o in offerings {
            if o.accelerator != spec.name {
                errors.push(ModelError::new(
                    &[
                        "catalog",
                        "offerings",
                        o.cloud.as_str(),
                        o.accelerator.as_str(),
                    ],
                    format!(
                        "an offering added with accelerator {:?} must name it, not {:?}",
                        spec.name, o.accelerator
                    ),
                ));
            }
        }
        let overrides = CatalogOverrides {
            accelerators: vec![(spec.name.clone(), full_patch(spec))],
            offerings: offerings
                .iter()
                .filter(|o| o.accelerator == spec.name)
                .map(|o| {
                    (
                        (o.cloud.clone(), o.accelerator.clone()),
                        OfferingPatch {
                            usd_per_chip_hour: o.usd_per_chip_hour,
                        },
                    )
                })
                .collect(),
            source: spec.provenance.source.clone(),
            ..CatalogOverrides::default()
        };
        let mut next = self.clone();
        if let Err(e) = next.apply(&overrides) {
            errors.extend(e);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // `apply` marked the entries as a scenario's; give them back their own provenance.
        if let Some(id) = next.accelerator_id(&spec.name) {
            next.accelerators[id.0 as usize].provenance = spec.provenance.clone();
        }
        for o in offerings {
            if let Some(entry) = next
                .offerings
                .iter_mut()
                .find(|e| e.cloud == o.cloud && e.accelerator == o.accelerator)
            {
                entry.provenance = o.provenance.clone();
            }
        }
        next.set_cap_curve(&spec.name, curve).map_err(|e| vec![e])?;
        *self = next;
        Ok(())
    }
}

/// A patch setting every field of `spec`.
fn full_patch(spec: &AcceleratorSpec) -> AcceleratorPatch {
    AcceleratorPatch {
        display_name: Some(spec.display_name.clone()),
        vendor: Some(spec.vendor.clone()),
        bf16_tflops: Some(spec.bf16_tflops),
        hbm_gb: Some(spec.hbm_gb),
        hbm_tbps: Some(spec.hbm_tbps),
        tdp_w: Some(spec.tdp_w),
        idle_w: Some(spec.idle_w),
        host_w_per_chip: Some(spec.host_w_per_chip),
        scaleup_gbps: Some(spec.scaleup_gbps),
        scaleup_domain: Some(spec.scaleup_domain),
        scaleout_gbit: Some(spec.scaleout_gbit),
        instance_chips: Some(spec.instance_chips),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chip(name: &str) -> AcceleratorSpec {
        let catalog = Catalog::builtin();
        let mut spec = catalog
            .accelerator(catalog.accelerator_id("h100").unwrap())
            .clone();
        spec.name = name.into();
        spec.provenance = Provenance {
            status: DataStatus::Estimate,
            source: "test crate".into(),
        };
        spec
    }

    fn offering(cloud: &str, accelerator: &str, usd: f64) -> Offering {
        Offering {
            cloud: cloud.into(),
            accelerator: accelerator.into(),
            usd_per_chip_hour: Some(usd),
            provenance: Provenance {
                status: DataStatus::Estimate,
                source: "test price".into(),
            },
        }
    }

    #[test]
    fn added_kinds_keep_their_provenance_offerings_and_curve() {
        let mut catalog = Catalog::builtin();
        let before = catalog.accelerators().len();
        let curve = Arc::new(CapCurve::new([(0.5, 0.9)], &["x"]).unwrap());
        catalog
            .add_accelerator(
                &chip("x1"),
                &[offering("aws", "x1", 3.0)],
                Some(curve.clone()),
            )
            .unwrap();
        let id = catalog.accelerator_id("x1").unwrap();
        assert_eq!(usize::from(id.0), before);
        assert_eq!(catalog.accelerator(id).provenance.source, "test crate");
        let o = catalog.offering("aws", "x1").unwrap();
        assert_eq!(o.usd_per_chip_hour, Some(3.0));
        assert_eq!(o.provenance.source, "test price");
        assert_eq!(catalog.cap_curve(id), Some(&curve));
        assert_eq!(catalog.cap_curve(AccelKindId(0)), None);
        assert!(catalog.validate().is_ok());
    }

    #[test]
    fn replacing_a_kind_keeps_its_id() {
        let mut catalog = Catalog::builtin();
        let id = catalog.accelerator_id("a100").unwrap();
        let mut spec = chip("a100");
        spec.tdp_w = 123.0;
        spec.idle_w = 20.0;
        catalog.add_accelerator(&spec, &[], None).unwrap();
        assert_eq!(catalog.accelerator_id("a100"), Some(id));
        assert_eq!(catalog.accelerator(id).tdp_w, 123.0);
    }

    #[test]
    fn bad_families_report_every_problem_and_change_nothing() {
        let mut catalog = Catalog::builtin();
        let mut spec = chip("x2");
        spec.tdp_w = -1.0;
        let errors = catalog
            .add_accelerator(
                &spec,
                &[offering("awz", "x2", 1.0), offering("aws", "x3", 1.0)],
                None,
            )
            .unwrap_err();
        let paths: Vec<String> = errors.iter().map(ModelError::dotted_path).collect();
        assert!(
            paths.contains(&"catalog.accelerators.x2.tdp_w".to_owned()),
            "{paths:?}"
        );
        assert!(
            paths.contains(&"catalog.offerings.awz".to_owned()),
            "{paths:?}"
        );
        assert!(
            paths.contains(&"catalog.offerings.aws.x3".to_owned()),
            "{paths:?}"
        );
        let awz = errors.iter().find(|e| e.path.contains(&"awz".to_owned()));
        assert_eq!(awz.unwrap().suggestion.as_deref(), Some("aws"));
        assert_eq!(catalog, Catalog::builtin());
    }
}
