//! `lowest-latency`: closest to the users (else to the job's home).

use crate::policy::placement::{PlacementRequest, plain};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::ClusterId;

/// Registers `lowest-latency`.
pub(super) fn register(r: &mut Registry) {
    plain(
        r,
        "lowest-latency",
        "lowest weighted mean RTT from the users' regions (else from the job's home)",
        || LowestLatency,
    );
}

/// `lowest-latency`: closest to the users. Score, ms: the mean RTT from `req.users`'
/// regions to the cluster's region weighted by their weights (negative weights count as
/// 0; all-zero weights give the plain mean); with no users, the WAN RTT from `req.home`;
/// with neither, 0 (fabric order).
#[derive(Clone, Copy, Debug, Default)]
pub struct LowestLatency;

impl LowestLatency {
    /// Weighted mean RTT to the users (else RTT from home, else 0), ms.
    pub fn score(&self, view: &FabricView<'_>, req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        let region = view.region_of(c);
        if !req.users.is_empty() {
            let (mut sum, mut weight, mut plain) = (0.0, 0.0, 0.0);
            for &(u, w) in req.users {
                let ms = view.rtt.rtt_ms(u, region).ms;
                sum += w.max(0.0) * ms;
                weight += w.max(0.0);
                plain += ms;
            }
            if weight > 0.0 {
                sum / weight
            } else {
                plain / req.users.len() as f64
            }
        } else if let Some(home) = req.home {
            view.wan
                .path(
                    usize::from(home.0),
                    usize::from(view.site_of(c).0),
                    view.rtt,
                    view.prices,
                )
                .rtt
                .ms
        } else {
            0.0
        }
    }
}

scored_placement!(LowestLatency, "lowest-latency");
