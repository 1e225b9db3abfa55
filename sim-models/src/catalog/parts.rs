//! Assembling a [`Catalog`] from entries made in code (tests, user crates).

use super::store::Catalog;
use super::types::*;

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
        }
    }
}
