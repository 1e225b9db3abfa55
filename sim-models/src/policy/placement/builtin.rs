//! The built-in placement policies: each is a score over candidate clusters (lower is
//! better) fed to the shared search [`place_by_score`], except [`Spread`], which caps what
//! each failure domain may receive and gathers nodes domain by domain.
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

use std::collections::BTreeMap;

use crate::topology::{ClusterId, SiteId};

use super::super::decision::{DecisionLog, DecisionRecord, ScoredOption};
use super::super::registry::{ParamValue, PolicyParams, Registry};
use super::super::view::FabricView;
use super::{Placement, PlacementRequest};

/// Score standing in for the hourly price of a cluster with no published price: far above
/// any real allocation, so unpriced clusters come last but stay eligible.
pub const UNPRICED_USD_PER_H: f64 = 1e12;

/// Added to the `power-headroom` score of a site the request would push over its cap, so
/// every site that stays under its cap comes first (over-cap sites stay eligible).
pub const OVER_CAP_PENALTY_W: f64 = 1e12;

/// Default of `amortise_h` (`cheapest`, `commitment-burn`): hours over which the one-off
/// egress of moving a checkpoint is spread.
pub const DEFAULT_AMORTISE_H: f64 = 24.0;

/// Registers every built-in placement policy.
pub fn register(r: &mut Registry) {
    plain(
        r,
        "first-fit",
        "the first cluster (in fabric order) with room",
        || FirstFit,
    );
    plain(
        r,
        "best-fit",
        "the cluster left with the fewest free nodes (least fragmentation)",
        || BestFit,
    );
    r.add_placement(
        "cheapest",
        "lowest on-demand USD/h plus amortised checkpoint egress (amortise_h, default 24)",
        |p: &PolicyParams| {
            p.only(&["amortise_h"])?;
            Ok(Box::new(Cheapest {
                amortise_h: amortise_h(p)?,
            }) as Box<dyn Placement>)
        },
    );
    plain(r, "greenest", "lowest grid carbon now x PUE", || Greenest);
    plain(
        r,
        "lowest-latency",
        "lowest weighted mean RTT from the users' regions (else from the job's home)",
        || LowestLatency,
    );
    plain(
        r,
        "power-headroom",
        "the site with the most power left under its cap after the request",
        || PowerHeadroom,
    );
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
    r.add_placement(
        "commitment-burn",
        "clouds with the most unspent commitment first, then cheapest (amortise_h)",
        |p: &PolicyParams| {
            p.only(&["amortise_h"])?;
            Ok(Box::new(CommitmentBurn {
                amortise_h: amortise_h(p)?,
            }) as Box<dyn Placement>)
        },
    );
    r.add_placement(
        "heterogeneity-aware",
        "kinds where the subject has a comparative throughput advantage (Gavel; throughput table)",
        |p: &PolicyParams| {
            p.only(&["throughput"])?;
            Ok(Box::new(HeterogeneityAware::new(&p.table("throughput")?)?) as Box<dyn Placement>)
        },
    );
}

fn amortise_h(p: &PolicyParams) -> Result<f64, String> {
    let h = p.number("amortise_h", DEFAULT_AMORTISE_H)?;
    if h.is_finite() && h > 0.0 {
        Ok(h)
    } else {
        Err(format!(
            "parameter \"amortise_h\" is {h}: expected a positive number of hours, e.g. 24"
        ))
    }
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

/// Generates the [`Placement`] impl of a policy whose `place` is [`place_by_score`] with
/// the score method `$score(&self, view, req, cluster) -> f64`.
macro_rules! scored_placement {
    ($ty:ty, $name:literal) => {
        impl Placement for $ty {
            fn name(&self) -> &str {
                $name
            }

            fn place(
                &mut self,
                view: &FabricView<'_>,
                req: &PlacementRequest<'_>,
                out: &mut Vec<(ClusterId, u32)>,
                log: &mut DecisionLog,
            ) -> bool {
                let this = &*self;
                place_by_score($name, view, req, out, log, |c| {
                    Some(this.score(view, req, c))
                })
            }
        }
    };
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

/// `cheapest`: lowest hourly cost. Score, USD/h:
/// `usd_per_chip_hour × accelerators` ([`UNPRICED_USD_PER_H`] when unpriced), plus, when
/// the request has a `home` at another site, the egress of moving `checkpoint_bytes` from
/// there (WAN path price) divided by `amortise_h`.
#[derive(Clone, Copy, Debug)]
pub struct Cheapest {
    /// Hours over which the one-off checkpoint egress is spread (default 24).
    pub amortise_h: f64,
}

impl Default for Cheapest {
    fn default() -> Self {
        Self {
            amortise_h: DEFAULT_AMORTISE_H,
        }
    }
}

impl Cheapest {
    /// USD/h of the allocation on `c` plus amortised checkpoint egress.
    pub fn score(&self, view: &FabricView<'_>, req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        let hourly = view.usd_per_chip_hour[c.0 as usize]
            .map_or(UNPRICED_USD_PER_H, |p| p * f64::from(req.accelerators));
        let egress = match req.home {
            Some(home) if home != view.site_of(c) && req.checkpoint_bytes > 0.0 => view
                .wan
                .path(
                    usize::from(home.0),
                    usize::from(view.site_of(c).0),
                    view.rtt,
                    view.prices,
                )
                .transfer_usd(req.checkpoint_bytes),
            _ => 0.0,
        };
        hourly + egress / self.amortise_h
    }
}

scored_placement!(Cheapest, "cheapest");

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

/// `commitment-burn`: spend committed money first. Score: `−commitment_left_usd[cloud]`
/// for a cloud with commitment left (most unspent first), else [`Cheapest`]'s score
/// (never negative, so after every committed cloud).
#[derive(Clone, Copy, Debug)]
pub struct CommitmentBurn {
    /// `amortise_h` of the [`Cheapest`] fallback (default 24).
    pub amortise_h: f64,
}

impl Default for CommitmentBurn {
    fn default() -> Self {
        Self {
            amortise_h: DEFAULT_AMORTISE_H,
        }
    }
}

impl CommitmentBurn {
    /// −commitment left in the cluster's cloud, else the cheapest score.
    pub fn score(&self, view: &FabricView<'_>, req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        let left = view.commitment_left_usd[usize::from(view.cloud_of(c).0)];
        if left > 0.0 {
            -left
        } else {
            Cheapest {
                amortise_h: self.amortise_h,
            }
            .score(view, req, c)
        }
    }
}

scored_placement!(CommitmentBurn, "commitment-burn");

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
/// lowest first; ties in fabric order), then, as in [`place_by_score`], the request goes
/// to one cluster whose domain may take all of it; else, if it may span clusters, to one
/// site's clusters; else gathered over domains in that order, each up to its allowance
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

/// `heterogeneity-aware`: the kind where this subject has a comparative advantage, in the
/// spirit of Gavel (Narayanan et al., OSDI '20).
///
/// `throughput` is a table `subject -> kind -> relative throughput` (any unit, one per
/// subject). The throughput of subject `s` on kind `k` is its table value; a kind missing
/// from `s`'s row is estimated as `bf16_tflops(k) × e`, with `e` the row's mean of
/// value ÷ `bf16_tflops` over the catalog kinds it lists (1 if none); a subject not in the
/// table gets `bf16_tflops(k)`. The subject is matched by its full name, else by the part
/// before `#` (a replica `chat#3` uses row `chat`). Score of a cluster of kind `k`:
/// `−thr(subject, k) ÷ mean over table subjects of thr(·, k)`; with an empty table,
/// `−bf16_tflops(k) ÷ the fastest kind's in the fabric` (fastest first). O(C × T) for
/// C clusters and T table cells.
#[derive(Clone, Debug, Default)]
pub struct HeterogeneityAware {
    /// `(subject, [(kind, throughput)])`, sorted by subject, then kind.
    rows: Vec<(String, Vec<(String, f64)>)>,
    /// Per row, throughput per bf16 TFLOP/s (scratch, refreshed per call).
    efficiency: Vec<f64>,
}

impl HeterogeneityAware {
    /// From the `throughput` table; every value must be a positive number.
    pub fn new(table: &BTreeMap<String, ParamValue>) -> Result<Self, String> {
        let mut rows = Vec::with_capacity(table.len());
        for (subject, row) in table {
            let ParamValue::Table(cells) = row else {
                return Err(format!(
                    "parameter \"throughput.{subject}\" must be a table of kind = throughput, \
                     e.g. {{ h100 = 1.0, tpu-v6e = 0.8 }}, got {row:?}"
                ));
            };
            let mut kinds = Vec::with_capacity(cells.len());
            for (kind, value) in cells {
                match value {
                    ParamValue::Number(x) if x.is_finite() && *x > 0.0 => {
                        kinds.push((kind.clone(), *x));
                    }
                    other => {
                        return Err(format!(
                            "parameter \"throughput.{subject}.{kind}\" must be a positive \
                             number, got {other:?}"
                        ));
                    }
                }
            }
            rows.push((subject.clone(), kinds));
        }
        Ok(Self {
            rows,
            efficiency: Vec::new(),
        })
    }

    /// The row of `subject`: by full name, else by the part before `#`.
    fn row_of(&self, subject: &str) -> Option<usize> {
        let find = |name: &str| {
            self.rows
                .binary_search_by(|(s, _)| s.as_str().cmp(name))
                .ok()
        };
        find(subject).or_else(|| find(subject.split_once('#')?.0))
    }

    /// Throughput of row `i` on kind `kind` with peak `bf16` TFLOP/s.
    fn throughput(&self, i: usize, kind: &str, bf16: f64) -> f64 {
        self.rows[i]
            .1
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(bf16 * self.efficiency[i], |&(_, x)| x)
    }
}

impl Placement for HeterogeneityAware {
    fn name(&self) -> &str {
        "heterogeneity-aware"
    }

    fn place(
        &mut self,
        view: &FabricView<'_>,
        req: &PlacementRequest<'_>,
        out: &mut Vec<(ClusterId, u32)>,
        log: &mut DecisionLog,
    ) -> bool {
        self.efficiency.clear();
        for (_, cells) in &self.rows {
            let (mut sum, mut n) = (0.0, 0u32);
            for (kind, x) in cells {
                if let Some(id) = view.catalog.accelerator_id(kind) {
                    sum += x / view.catalog.accelerator(id).bf16_tflops;
                    n += 1;
                }
            }
            self.efficiency
                .push(if n > 0 { sum / f64::from(n) } else { 1.0 });
        }
        let this = &*self;
        let bf16_of = |c: ClusterId| {
            view.catalog
                .accelerator(view.cluster(c).accelerator)
                .bf16_tflops
        };
        if this.rows.is_empty() {
            let fastest = view
                .fabric
                .clusters()
                .iter()
                .map(|c| bf16_of(c.id))
                .fold(0.0, f64::max);
            return place_by_score(self.name(), view, req, out, log, |c| {
                Some(-bf16_of(c) / fastest)
            });
        }
        let own = this.row_of(req.subject);
        place_by_score(this.name(), view, req, out, log, |c| {
            let (kind, bf16) = (view.kind_of(c), bf16_of(c));
            let mean = (0..this.rows.len())
                .map(|i| this.throughput(i, kind, bf16))
                .sum::<f64>()
                / this.rows.len() as f64;
            let mine = own.map_or(bf16, |i| this.throughput(i, kind, bf16));
            Some(-mine / mean)
        })
    }
}
