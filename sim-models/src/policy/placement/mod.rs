//! Placement: which clusters, and how many whole nodes of each, a piece of work gets.
//!
//! The built-in policies, one per file, share one search ([`place_by_score`]): every
//! cluster of an allowed kind that can run now is scored; the work goes to the
//! best-scoring cluster that can hold all of it; failing that, if it may span clusters, to
//! the best-scoring site whose clusters together can hold it (best clusters first); failing
//! that, if it may span sites, over the best clusters anywhere. A policy is then just a
//! score (lower is better) and, for `spread`, a cap per failure domain.
//!
//! | name | score of a cluster (lower first; ties in fabric order) |
//! |---|---|
//! | `first-fit` | its index |
//! | `best-fit` | free nodes left after taking the request (free nodes if it cannot hold it) |
//! | `cheapest` | USD/h of the allocation + amortised checkpoint egress from `home` |
//! | `greenest` | site carbon now × site PUE |
//! | `lowest-latency` | weighted mean RTT from the users' regions (else from `home`) |
//! | `power-headroom` | −(site headroom − the request's facility draw at TDP) |
//! | `spread` | share of the group already in its failure domain (a cap, not a score) |
//! | `commitment-burn` | −(commitment left in its cloud), else `cheapest` |
//! | `heterogeneity-aware` | −(subject's throughput on its kind ÷ mean over the table) |
//!
//! A policy of another crate implements [`Placement`] and usually reuses
//! [`place_by_score`] (see `docs/writing-a-model-crate.md`).

use crate::catalog::RegionId;
use crate::topology::{ClusterId, SiteId};

use super::decision::{DecisionLog, DecisionRecord, ScoredOption};
use super::params::PolicyParams;
use super::registry::Registry;
use super::view::FabricView;

/// Generates the [`Placement`] impl of a policy whose `place` is [`place_by_score`] with
/// the score method `$score(&self, view, req, cluster) -> f64`. Defined before the policy
/// modules below, which use it.
macro_rules! scored_placement {
    ($ty:ty, $name:literal) => {
        impl $crate::policy::placement::Placement for $ty {
            fn name(&self) -> &str {
                $name
            }

            fn place(
                &mut self,
                view: &$crate::policy::view::FabricView<'_>,
                req: &$crate::policy::placement::PlacementRequest<'_>,
                out: &mut Vec<($crate::topology::ClusterId, u32)>,
                log: &mut $crate::policy::decision::DecisionLog,
            ) -> bool {
                let this = &*self;
                $crate::policy::placement::place_by_score($name, view, req, out, log, |c| {
                    Some(this.score(view, req, c))
                })
            }
        }
    };
}

mod best_fit;
mod cheapest;
mod commitment_burn;
mod first_fit;
mod greenest;
mod heterogeneity_aware;
mod lowest_latency;
mod power_headroom;
mod spread;

pub use best_fit::BestFit;
pub use cheapest::{Cheapest, DEFAULT_AMORTISE_H, UNPRICED_USD_PER_H};
pub use commitment_burn::CommitmentBurn;
pub use first_fit::FirstFit;
pub use greenest::Greenest;
pub use heterogeneity_aware::HeterogeneityAware;
pub use lowest_latency::LowestLatency;
pub use power_headroom::{OVER_CAP_PENALTY_W, PowerHeadroom};
pub use spread::{Spread, SpreadLevel};

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

/// Registers every built-in placement policy, in this order.
pub fn register(r: &mut Registry) {
    first_fit::register(r);
    best_fit::register(r);
    cheapest::register(r);
    greenest::register(r);
    lowest_latency::register(r);
    power_headroom::register(r);
    spread::register(r);
    commitment_burn::register(r);
    heterogeneity_aware::register(r);
}

/// Registers a placement policy that takes no parameters.
fn plain<P: Placement + 'static>(
    r: &mut Registry,
    name: &str,
    summary: &str,
    make: impl Fn() -> P + Send + Sync + 'static,
) {
    r.add_placement(name, summary, move |p: &PolicyParams| {
        p.only(&[])?;
        Ok(Box::new(make()) as Box<dyn Placement>)
    });
}

/// Whole nodes of `cluster` for `accelerators`.
#[inline]
pub fn nodes_for(view: &FabricView<'_>, cluster: ClusterId, accelerators: u32) -> u32 {
    accelerators.div_ceil(view.cluster(cluster).node_size)
}

/// The shared search: score every usable cluster (allowed kind, reachable, some free
/// node; `score` returns `None` to exclude a cluster), then place on
///
/// 1. the best cluster that holds all of the request;
/// 2. if it may span clusters: the best site whose clusters together hold it, taking its
///    clusters best first (a site's score is its best cluster's);
/// 3. if it may span sites: the best clusters anywhere.
///
/// Ties go to fabric order. `out` is filled with `(cluster, nodes)`. Records the scored
/// clusters and the choice in `log` when enabled. O(C log C) for C clusters.
pub fn place_by_score(
    policy: &str,
    view: &FabricView<'_>,
    req: &PlacementRequest<'_>,
    out: &mut Vec<(ClusterId, u32)>,
    log: &mut DecisionLog,
    mut score: impl FnMut(ClusterId) -> Option<f64>,
) -> bool {
    out.clear();
    let mut scored: Vec<(f64, ClusterId)> = Vec::new();
    for c in view.fabric.clusters() {
        if view.free_nodes(c.id) == 0 || !req.allows(view.kind_of(c.id)) {
            continue;
        }
        if let Some(s) = score(c.id) {
            scored.push((s, c.id));
        }
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let fits = |c: ClusterId| view.free_nodes(c) >= nodes_for(view, c, req.accelerators);
    let ok = if let Some(&(_, c)) = scored.iter().find(|&&(_, c)| fits(c)) {
        out.push((c, nodes_for(view, c, req.accelerators)));
        true
    } else {
        let gather = |out: &mut Vec<(ClusterId, u32)>, site: Option<SiteId>| {
            out.clear();
            let mut missing = req.accelerators;
            for &(_, c) in &scored {
                if site.is_some_and(|s| view.site_of(c) != s) {
                    continue;
                }
                let take = nodes_for(view, c, missing).min(view.free_nodes(c));
                if take > 0 {
                    out.push((c, take));
                    missing = missing.saturating_sub(take * view.cluster(c).node_size);
                }
                if missing == 0 {
                    return true;
                }
            }
            out.clear();
            false
        };
        let mut placed = false;
        if req.span_clusters {
            let mut sites: Vec<SiteId> = Vec::new();
            for &(_, c) in &scored {
                let s = view.site_of(c);
                if !sites.contains(&s) {
                    sites.push(s);
                }
            }
            placed = sites.into_iter().any(|s| gather(out, Some(s)));
        }
        placed || (req.multi_site && gather(out, None))
    };
    record_placement(log, policy, view, req, &scored, out);
    ok
}

/// Records a placement decision in `log` (when enabled): every scored cluster as
/// `site/cluster` with its score (the log sorts them best first) and the choice as
/// `site/cluster x nodes` joined by ` + `, or `none` when `chosen` is empty.
pub fn record_placement(
    log: &mut DecisionLog,
    policy: &str,
    view: &FabricView<'_>,
    req: &PlacementRequest<'_>,
    options: &[(f64, ClusterId)],
    chosen: &[(ClusterId, u32)],
) {
    if !log.is_enabled() {
        return;
    }
    let name = |c: ClusterId| {
        let cl = view.cluster(c);
        format!("{}/{}", view.fabric.site(cl.site).name, cl.name)
    };
    log.push(DecisionRecord {
        time: view.now,
        policy: format!("placement:{policy}"),
        subject: req.subject.to_owned(),
        options: options
            .iter()
            .map(|&(s, c)| ScoredOption {
                option: name(c),
                score: s,
            })
            .collect(),
        choice: if chosen.is_empty() {
            "none".to_owned()
        } else {
            chosen
                .iter()
                .map(|&(c, n)| format!("{} x {n}", name(c)))
                .collect::<Vec<_>>()
                .join(" + ")
        },
    });
}
