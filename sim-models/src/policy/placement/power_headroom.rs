//! `power-headroom`: the site with the most power left under its cap after the request.

use crate::policy::placement::{PlacementRequest, plain};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::ClusterId;

/// Added to the `power-headroom` score of a site the request would push over its cap, so
/// every site that stays under its cap comes first (over-cap sites stay eligible).
pub const OVER_CAP_PENALTY_W: f64 = 1e12;

/// Registers `power-headroom`.
pub(super) fn register(r: &mut Registry) {
    plain(
        r,
        "power-headroom",
        "the site with the most power left under its cap after the request",
        || PowerHeadroom,
    );
}

/// `power-headroom`: the site with the most room under its power cap. Score, W:
/// `−(power_headroom_w[site] − draw)` with `draw = accelerators × (tdp_w + host_w_per_chip)
/// × pue[site]`; a site the request would push over its cap scores
/// `OVER_CAP_PENALTY_W + overshoot`, after every site that fits.
#[derive(Clone, Copy, Debug, Default)]
pub struct PowerHeadroom;

impl PowerHeadroom {
    /// Negative room left after the request's facility draw at TDP (penalised when over).
    pub fn score(&self, view: &FabricView<'_>, req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        let s = usize::from(view.site_of(c).0);
        let draw = f64::from(req.accelerators) * view.cluster(c).chip_peak_it_w * view.pue[s];
        let room = view.power_headroom_w[s] - draw;
        if room >= 0.0 {
            -room
        } else {
            OVER_CAP_PENALTY_W - room
        }
    }
}

scored_placement!(PowerHeadroom, "power-headroom");
