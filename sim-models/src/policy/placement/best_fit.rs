//! `best-fit`: the cluster left with the fewest free nodes (least fragmentation).

use crate::policy::placement::{PlacementRequest, nodes_for, plain};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::ClusterId;

/// Registers `best-fit`.
pub(super) fn register(r: &mut Registry) {
    plain(
        r,
        "best-fit",
        "the cluster left with the fewest free nodes (least fragmentation)",
        || BestFit,
    );
}

/// `best-fit`: least fragmentation. Score: free nodes left in the cluster after taking
/// the request's nodes; a cluster that cannot hold it all scores its free nodes, so a
/// gathered placement fills nearly full clusters first.
#[derive(Clone, Copy, Debug, Default)]
pub struct BestFit;

impl BestFit {
    /// Free nodes left after the request (free nodes when it does not fit).
    pub fn score(&self, view: &FabricView<'_>, req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        let free = view.free_nodes(c);
        let need = nodes_for(view, c, req.accelerators);
        f64::from(if free >= need { free - need } else { free })
    }
}

scored_placement!(BestFit, "best-fit");
