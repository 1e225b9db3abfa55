//! Placement: which clusters, and how many whole nodes of each, a piece of work gets.
//!
//! The built-in policies (in [`builtin`]) share one search ([`builtin::place_by_score`]): every
//! cluster of an allowed kind that can run now is scored; the work goes to the
//! best-scoring cluster that can hold all of it; failing that, if it may span clusters, to
//! the best-scoring site whose clusters together can hold it (best clusters first); failing
//! that, if it may span sites, over the best clusters anywhere. A policy is then just a
//! score (lower is better) and, for `spread`, a cap per failure domain.

pub mod builtin;

use crate::catalog::RegionId;
use crate::topology::{ClusterId, SiteId};

use super::decision::DecisionLog;
use super::view::FabricView;

/// What is to be placed.
#[derive(Clone, Copy, Debug)]
pub struct PlacementRequest<'a> {
    /// Who asks: a job name or a replica (`chat#3`), for the decision log.
    pub subject: &'a str,
    /// Accelerators needed (whole nodes are taken: rounded up per cluster).
    pub accelerators: u32,
    /// Allowed accelerator kinds; empty allows every kind.
    pub kinds: &'a [String],
    /// May take nodes of several clusters of one site.
    pub span_clusters: bool,
    /// May take nodes of several sites.
    pub multi_site: bool,
    /// Model parameters (what a throughput table or checkpoint size refers to).
    pub params: f64,
    /// Site it last ran at (its checkpoint and data are there), if any.
    pub home: Option<SiteId>,
    /// Bytes that move with the work if it changes site (its checkpoint), for egress.
    pub checkpoint_bytes: f64,
    /// Users' regions and their relative weights (their mean request rates, for an
    /// inference replica; empty for training).
    pub users: &'a [(RegionId, f64)],
    /// Accelerators the same job or service already holds, per cluster (for `spread`).
    pub group: &'a [(ClusterId, u32)],
    /// Accelerators the job or service holds in total once this request is placed.
    pub group_total: u32,
}

impl PlacementRequest<'_> {
    /// Whether kind `name` is allowed.
    #[inline]
    pub fn allows(&self, name: &str) -> bool {
        self.kinds.is_empty() || self.kinds.iter().any(|k| k == name)
    }
}

/// A placement policy. Implementations decide from `view` only and fill `out` with
/// `(cluster, nodes)`; the simulation allocates exactly those nodes.
pub trait Placement {
    /// The policy's name (as in scenario files).
    fn name(&self) -> &str;

    /// Whether this policy may place work over several sites: `multi_site` (the
    /// request's own flag) unless the policy spreads work regardless. The simulation uses
    /// it to skip placement attempts that cannot succeed.
    fn may_span_sites(&self, multi_site: bool) -> bool {
        multi_site
    }

    /// Chooses clusters and node counts for `req`, or returns `false` (and leaves `out`
    /// empty) if it cannot be placed now. Records its options in `log` when enabled.
    fn place(
        &mut self,
        view: &FabricView<'_>,
        req: &PlacementRequest<'_>,
        out: &mut Vec<(ClusterId, u32)>,
        log: &mut DecisionLog,
    ) -> bool;
}
