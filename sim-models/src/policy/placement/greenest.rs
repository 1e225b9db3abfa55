//! `greenest`: lowest grid carbon now × PUE.

use crate::policy::placement::{PlacementRequest, plain};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::ClusterId;

/// Registers `greenest`.
pub(super) fn register(r: &mut Registry) {
    plain(r, "greenest", "lowest grid carbon now x PUE", || Greenest);
}

/// `greenest`: lowest carbon per kWh of IT energy. Score, g CO2e/kWh:
/// `carbon_g_per_kwh[site] × pue[site]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Greenest;

impl Greenest {
    /// Site carbon intensity now × site PUE.
    pub fn score(&self, view: &FabricView<'_>, _req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        let s = usize::from(view.site_of(c).0);
        view.carbon_g_per_kwh[s] * view.pue[s]
    }
}

scored_placement!(Greenest, "greenest");
