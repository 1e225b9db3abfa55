//! `first-fit`: the first cluster in fabric order with room.

use crate::policy::placement::{PlacementRequest, plain};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::ClusterId;

/// Registers `first-fit`.
pub(super) fn register(r: &mut Registry) {
    plain(
        r,
        "first-fit",
        "the first cluster (in fabric order) with room",
        || FirstFit,
    );
}

/// `first-fit`: the first cluster in fabric order with room (score: its index).
#[derive(Clone, Copy, Debug, Default)]
pub struct FirstFit;

impl FirstFit {
    /// The cluster's index.
    pub fn score(&self, _view: &FabricView<'_>, _req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        f64::from(c.0)
    }
}

scored_placement!(FirstFit, "first-fit");
