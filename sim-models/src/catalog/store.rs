//! The [`Catalog`] container and its lookups.

use super::types::*;

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
}

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
}
