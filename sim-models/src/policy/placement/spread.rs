//! `spread`: at most `max_share` of a group's accelerators per failure domain.

use crate::policy::decision::DecisionLog;
use crate::policy::params::PolicyParams;
use crate::policy::placement::{Placement, PlacementRequest, nodes_for, record_placement};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::{ClusterId, SiteId};

/// Registers `spread`.
pub(super) fn register(r: &mut Registry) {
    r.add_placement(
        "spread",
        "at most max_share (default 0.5) of a group per failure domain (level: site, region, cloud)",
        |p: &PolicyParams| {
            p.only(&["level", "max_share"])?;
            Ok(Box::new(Spread::new(
                p.number("max_share", 0.5)?,
                p.text("level", "region")?,
            )?) as Box<dyn Placement>)
        },
    );
}

/// The failure-domain level `spread` caps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpreadLevel {
    /// One datacenter.
    Site,
    /// One region of a cloud.
    Region,
    /// One cloud provider.
    Cloud,
}

impl SpreadLevel {
    /// The level named `name` (`site`, `region` or `cloud`).
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "site" => Ok(Self::Site),
            "region" => Ok(Self::Region),
            "cloud" => Ok(Self::Cloud),
            other => {
                let hint = crate::suggest::closest(other, ["site", "region", "cloud"])
                    .map_or_else(String::new, |s| format!(" (did you mean {s:?}?)"));
                Err(format!(
                    "parameter \"level\" is {other:?}{hint}; expected site, region or cloud"
                ))
            }
        }
    }

    /// Index of the domain at this level holding `c`.
    #[inline]
    fn index(self, view: &FabricView<'_>, c: ClusterId) -> usize {
        match self {
            Self::Site => usize::from(view.site_of(c).0),
            Self::Region => usize::from(view.region_of(c).0),
            Self::Cloud => usize::from(view.cloud_of(c).0),
        }
    }

    /// Number of domains at this level.
    fn count(self, view: &FabricView<'_>) -> usize {
        match self {
            Self::Site => view.fabric.sites().len(),
            Self::Region => view.catalog.regions().len(),
            Self::Cloud => view.catalog.clouds().len(),
        }
    }
}

/// `spread`: no failure domain at `level` holds more than `max_share` of a group's
/// accelerators (`req.group` already held plus this request, out of `req.group_total`,
/// or of held + requested if that is more).
///
/// Each domain may take `floor(max_share × total) − held there` more accelerators. Usable
/// clusters are ordered by their domain's share of the group before this request (score,
/// lowest first; ties in fabric order), then, as in
/// [`place_by_score`](super::place_by_score), the request goes to one cluster whose domain
/// may take all of it; else, if it may span clusters, to one site's clusters; else
/// gathered over domains in that order, each up to its allowance
/// (even for work not marked `multi_site`: splitting it is what spreading means, and it
/// pays the cross-site synchronisation). A node counts for the accelerators of the request
/// it carries.
/// Fails (out empty) when the caps leave too little room. O(C log C + D) for C clusters
/// and D domains; the buffers are reused across calls.
#[derive(Clone, Debug)]
pub struct Spread {
    /// Largest fraction of the group in one domain, in (0, 1].
    pub max_share: f64,
    /// The domain level capped.
    pub level: SpreadLevel,
    candidates: Vec<(f64, ClusterId)>,
    allowance: Vec<u32>,
    left: Vec<u32>,
}

impl Spread {
    /// A `spread` policy; `max_share` must be in (0, 1] and `level` one of `site`,
    /// `region`, `cloud`.
    pub fn new(max_share: f64, level: &str) -> Result<Self, String> {
        if !(max_share > 0.0 && max_share <= 1.0) {
            return Err(format!(
                "parameter \"max_share\" is {max_share}: expected a fraction in (0, 1], e.g. 0.5"
            ));
        }
        Ok(Self {
            max_share,
            level: SpreadLevel::parse(level)?,
            candidates: Vec::new(),
            allowance: Vec::new(),
            left: Vec::new(),
        })
    }

    /// Takes nodes from the candidates (of `site` only, if given) within each domain's
    /// allowance until the request is covered; leaves `out` empty on failure.
    fn gather(
        &mut self,
        view: &FabricView<'_>,
        req: &PlacementRequest<'_>,
        site: Option<SiteId>,
        out: &mut Vec<(ClusterId, u32)>,
    ) -> bool {
        out.clear();
        self.left.clone_from(&self.allowance);
        let mut missing = req.accelerators;
        for &(_, c) in &self.candidates {
            if site.is_some_and(|s| view.site_of(c) != s) {
                continue;
            }
            let d = self.level.index(view, c);
            let size = view.cluster(c).node_size;
            let cap_nodes = if self.left[d] >= missing {
                missing.div_ceil(size)
            } else {
                self.left[d] / size
            };
            let take = cap_nodes.min(view.free_nodes(c));
            if take == 0 {
                continue;
            }
            let used = (take * size).min(missing);
            out.push((c, take));
            missing -= used;
            self.left[d] -= used;
            if missing == 0 {
                return true;
            }
        }
        out.clear();
        false
    }

    fn search(
        &mut self,
        view: &FabricView<'_>,
        req: &PlacementRequest<'_>,
        out: &mut Vec<(ClusterId, u32)>,
    ) -> bool {
        let single = self.candidates.iter().find(|&&(_, c)| {
            self.allowance[self.level.index(view, c)] >= req.accelerators
                && view.free_nodes(c) >= nodes_for(view, c, req.accelerators)
        });
        if let Some(&(_, c)) = single {
            out.push((c, nodes_for(view, c, req.accelerators)));
            return true;
        }
        if req.span_clusters {
            // Sites in candidate order, each tried once.
            for i in 0..self.candidates.len() {
                let site = view.site_of(self.candidates[i].1);
                let seen = self.candidates[..i]
                    .iter()
                    .any(|&(_, c)| view.site_of(c) == site);
                if !seen && self.gather(view, req, Some(site), out) {
                    return true;
                }
            }
        }
        // Spreading is the point: a job not marked `multi_site` is split across domains
        // too (and pays the cross-site synchronisation that implies).
        self.gather(view, req, None, out)
    }
}

impl Placement for Spread {
    fn name(&self) -> &str {
        "spread"
    }

    fn may_span_sites(&self, _multi_site: bool) -> bool {
        true
    }

    fn place(
        &mut self,
        view: &FabricView<'_>,
        req: &PlacementRequest<'_>,
        out: &mut Vec<(ClusterId, u32)>,
        log: &mut DecisionLog,
    ) -> bool {
        out.clear();
        let level = self.level;
        self.allowance.clear();
        self.allowance.resize(level.count(view), 0);
        let mut held_total = 0u32;
        for &(c, n) in req.group {
            self.allowance[level.index(view, c)] += n;
            held_total += n;
        }
        let total = req.group_total.max(held_total + req.accelerators);
        // The epsilon keeps e.g. 0.29 × 100 = 28.999… from rounding down to 28.
        let cap = (self.max_share * f64::from(total) + 1e-9).floor() as u32;
        self.candidates.clear();
        for cl in view.fabric.clusters() {
            if view.free_nodes(cl.id) == 0 || !req.allows(view.kind_of(cl.id)) {
                continue;
            }
            let held = self.allowance[level.index(view, cl.id)];
            self.candidates
                .push((f64::from(held) / f64::from(total.max(1)), cl.id));
        }
        self.candidates
            .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for a in &mut self.allowance {
            *a = cap.saturating_sub(*a);
        }
        let ok = self.search(view, req, out);
        record_placement(log, "spread", view, req, &self.candidates, out);
        ok
    }
}
