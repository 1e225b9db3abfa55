//! The [`Catalog`] container and its lookups.

use std::sync::Arc;

use super::cap_curve::CapCurve;
use super::types::*;
use crate::ModelError;
use crate::suggest::closest;

/// All catalog entries, indexed by their ids ([`AccelKindId`], [`CloudId`], [`RegionId`]).
///
/// Entries keep the order of the data files (then of the scenario's additions), so every
/// listing is deterministic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub(super) accelerators: Vec<AcceleratorSpec>,
    pub(super) clouds: Vec<CloudSpec>,
    pub(super) regions: Vec<RegionSpec>,
    pub(super) offerings: Vec<Offering>,
    pub(super) rtts: Vec<MeasuredRtt>,
    /// Kinds with their own power-capping curve, sorted by id (most kinds have none and
    /// follow their site's curve).
    pub(super) cap_curves: Vec<(AccelKindId, Arc<CapCurve>)>,
    /// Kinds with a failure-rate factor, sorted by id (a kind without one has
    /// [`DEFAULT_FAILURE_RATE_FACTOR`]); from `data/failure_kind_factors.csv` for the
    /// built-in kinds.
    pub(super) failure_factors: Vec<(AccelKindId, f64, Provenance)>,
}

/// The failure-rate factor of an accelerator kind with none in the catalog (a kind added
/// by a scenario or a plug-in crate): 1, the H100 rates of the failure model.
pub const DEFAULT_FAILURE_RATE_FACTOR: f64 = 1.0;

impl Catalog {
    /// Accelerator kinds.
    pub fn accelerators(&self) -> &[AcceleratorSpec] {
        &self.accelerators
    }

    /// Clouds.
    pub fn clouds(&self) -> &[CloudSpec] {
        &self.clouds
    }

    /// Regions of all clouds.
    pub fn regions(&self) -> &[RegionSpec] {
        &self.regions
    }

    /// Which cloud offers which accelerator, at what price.
    pub fn offerings(&self) -> &[Offering] {
        &self.offerings
    }

    /// Measured region-to-region round-trip times.
    pub fn measured_rtts(&self) -> &[MeasuredRtt] {
        &self.rtts
    }

    /// The id of accelerator `name`.
    pub fn accelerator_id(&self, name: &str) -> Option<AccelKindId> {
        self.accelerators
            .iter()
            .position(|a| a.name == name)
            .map(|i| AccelKindId(i as u16))
    }

    /// The accelerator with id `id`.
    pub fn accelerator(&self, id: AccelKindId) -> &AcceleratorSpec {
        &self.accelerators[id.0 as usize]
    }

    /// The id of cloud `name`.
    pub fn cloud_id(&self, name: &str) -> Option<CloudId> {
        self.clouds
            .iter()
            .position(|c| c.name == name)
            .map(|i| CloudId(i as u16))
    }

    /// The cloud with id `id`.
    pub fn cloud(&self, id: CloudId) -> &CloudSpec {
        &self.clouds[id.0 as usize]
    }

    /// The id of region `region` of cloud `cloud`.
    pub fn region_id(&self, cloud: &str, region: &str) -> Option<RegionId> {
        self.regions
            .iter()
            .position(|r| r.cloud == cloud && r.name == region)
            .map(|i| RegionId(i as u16))
    }

    /// The region with id `id`.
    pub fn region(&self, id: RegionId) -> &RegionSpec {
        &self.regions[id.0 as usize]
    }

    /// The offering of accelerator `accelerator` by cloud `cloud`, if the cloud sells it.
    pub fn offering(&self, cloud: &str, accelerator: &str) -> Option<&Offering> {
        self.offerings
            .iter()
            .find(|o| o.cloud == cloud && o.accelerator == accelerator)
    }

    /// The power-capping curve of kind `id`, if it has its own; `None`: a throttled chip
    /// of this kind follows its site's curve ([`crate::power::SitePower::curve`]).
    /// *O*(kinds with a curve).
    pub fn cap_curve(&self, id: AccelKindId) -> Option<&Arc<CapCurve>> {
        self.cap_curves
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, curve)| curve)
    }

    /// The id of accelerator `name`, or an error at `catalog.accelerators.<name>` saying
    /// that `what` (e.g. "a power-capping curve") needs a kind of the catalog.
    fn known_accelerator(&self, name: &str, what: &str) -> Result<AccelKindId, ModelError> {
        self.accelerator_id(name).ok_or_else(|| {
            ModelError::new(
                &["catalog", "accelerators", name],
                format!("unknown accelerator {name:?}: {what} needs a kind of the catalog; add the kind first"),
            )
            .with_suggestion(closest(
                name,
                self.accelerators.iter().map(|a| a.name.as_str()),
            ))
        })
    }

    /// Gives accelerator `name` its own power-capping curve (`None` removes it, so it
    /// follows its site's curve again). Errors with a suggestion when `name` is not a
    /// kind of the catalog.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use sim_models::catalog::Catalog;
    /// # use sim_models::power::CapCurve;
    /// let mut catalog = Catalog::builtin();
    /// let curve = CapCurve::new([(0.5, 0.9)], &["curve"]).unwrap();
    /// catalog.set_cap_curve("h100", Some(Arc::new(curve))).unwrap();
    /// let h100 = catalog.accelerator_id("h100").unwrap();
    /// assert_eq!(catalog.cap_curve(h100).unwrap().throughput(0.5), 0.9);
    /// assert!(catalog.set_cap_curve("h10", None).is_err());
    /// ```
    pub fn set_cap_curve(
        &mut self,
        name: &str,
        curve: Option<Arc<CapCurve>>,
    ) -> Result<(), ModelError> {
        let id = self.known_accelerator(name, "a power-capping curve")?;
        self.cap_curves.retain(|(k, _)| *k != id);
        if let Some(curve) = curve {
            let at = self.cap_curves.partition_point(|(k, _)| *k < id);
            self.cap_curves.insert(at, (id, curve));
        }
        Ok(())
    }

    /// The failure-rate factor of kind `id`: what the rates of the failure model's
    /// accelerator-scope categories are multiplied by on a cluster of this kind (1 for
    /// H100, whose rates the built-in model is; see [`crate::failure`], "Per-kind
    /// scaling"). [`DEFAULT_FAILURE_RATE_FACTOR`] for a kind without one. *O*(log kinds).
    ///
    /// ```
    /// # use sim_models::catalog::Catalog;
    /// let catalog = Catalog::builtin();
    /// let factor = |k| catalog.failure_rate_factor(catalog.accelerator_id(k).unwrap());
    /// assert_eq!(factor("h100"), 1.0);
    /// assert!(factor("b200") > 1.0);
    /// ```
    pub fn failure_rate_factor(&self, id: AccelKindId) -> f64 {
        self.failure_factor_entry(id)
            .map_or(DEFAULT_FAILURE_RATE_FACTOR, |(_, f, _)| *f)
    }

    /// Where kind `id`'s failure-rate factor comes from (`None`: it has none, and gets
    /// [`DEFAULT_FAILURE_RATE_FACTOR`]).
    pub fn failure_rate_factor_provenance(&self, id: AccelKindId) -> Option<&Provenance> {
        self.failure_factor_entry(id).map(|(_, _, p)| p)
    }

    fn failure_factor_entry(&self, id: AccelKindId) -> Option<&(AccelKindId, f64, Provenance)> {
        self.failure_factors
            .binary_search_by_key(&id, |(k, _, _)| *k)
            .ok()
            .map(|i| &self.failure_factors[i])
    }

    /// Sets accelerator `name`'s failure-rate factor (finite, >= 0). Errors, at
    /// `catalog.accelerators.<name>.failure_rate_factor`, for an unknown kind (with a
    /// suggestion) or a bad factor; `self` is then unchanged.
    ///
    /// ```
    /// # use sim_models::catalog::{Catalog, DataStatus, Provenance};
    /// let mut catalog = Catalog::builtin();
    /// let from = Provenance { status: DataStatus::Scenario, source: "scenario x.toml".into() };
    /// catalog.set_failure_rate_factor("tpu-v5p", 0.5, from).unwrap();
    /// assert_eq!(catalog.failure_rate_factor(catalog.accelerator_id("tpu-v5p").unwrap()), 0.5);
    /// ```
    pub fn set_failure_rate_factor(
        &mut self,
        name: &str,
        factor: f64,
        provenance: Provenance,
    ) -> Result<(), ModelError> {
        let path = ["catalog", "accelerators", name, "failure_rate_factor"];
        let id = self.known_accelerator(name, "a failure-rate factor")?;
        if !(factor.is_finite() && factor >= 0.0) {
            return Err(ModelError::new(
                &path,
                format!(
                    "must be finite and >= 0 (multiplies the accelerator-scope failure rates; \
                     1 keeps H100's), got {factor}"
                ),
            ));
        }
        match self
            .failure_factors
            .binary_search_by_key(&id, |(k, _, _)| *k)
        {
            Ok(i) => self.failure_factors[i] = (id, factor, provenance),
            Err(i) => self.failure_factors.insert(i, (id, factor, provenance)),
        }
        Ok(())
    }
}
