//! What an inference service is: the model it serves, its replicas, its users, its SLOs and
//! how its router chooses a replica. [`ServiceSpec`] is the input (names, as a scenario
//! gives them); [`Service`] is the same service resolved against a fabric and catalog.
//!
//! Model presets (`llama3-8b`, `llama3-70b`, `llama3-405b`) take their parameter counts and
//! attention shapes (layers, KV heads, head dimension) from the Llama 3 Herd of Models
//! paper; their KV bytes per token follow [`kv_bytes_per_token`] in BF16. The default
//! prefill MFU of 0.5 is an estimate (between the 38-43 % of Llama 3 training and the
//! 55.2 % of MegaScale, NSDI'24, arXiv 2402.15627; prefill is a large dense matmul).

use sim_core::time::SimDuration;

use crate::ModelError;
use crate::catalog::Catalog;
use crate::catalog::{AccelKindId, RegionId};
use crate::inference::arrival::{RateProfile, TraceRecord};
use crate::inference::roofline::{BF16_BYTES_PER_PARAM, ReplicaSpeed, kv_bytes_per_token};
use crate::inference::tokens::{TokenDist, Tokens};
use crate::suggest::closest;
use crate::topology::{ClusterId, Fabric, SiteId};

/// Prefill model FLOPs utilisation used when a service gives none (estimate; module docs).
pub const DEFAULT_PREFILL_MFU: f64 = 0.5;

/// The served model's size and shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServedModel {
    /// Parameters.
    pub params: f64,
    /// Bytes per weight (2 for BF16).
    pub bytes_per_param: f64,
    /// KV-cache bytes per token of context.
    pub kv_bytes_per_token: f64,
    /// Prefill model FLOPs utilisation, in `(0, 1]`.
    pub mfu: f64,
}

impl ServedModel {
    /// A built-in model by name: `llama3-8b`, `llama3-70b` or `llama3-405b`.
    pub fn preset(name: &str) -> Option<Self> {
        let (params, layers) = match name {
            "llama3-8b" => (8.03e9, 32),
            "llama3-70b" => (70.6e9, 80),
            "llama3-405b" => (405e9, 126),
            _ => return None,
        };
        Some(Self {
            params,
            bytes_per_param: BF16_BYTES_PER_PARAM,
            kv_bytes_per_token: kv_bytes_per_token(layers, 8, 128, 2.0),
            mfu: DEFAULT_PREFILL_MFU,
        })
    }

    /// The preset names, for error messages.
    pub const PRESETS: [&'static str; 3] = ["llama3-8b", "llama3-70b", "llama3-405b"];
}

/// How a router picks a replica for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Routing {
    /// The reachable site with the lowest RTT from the user's region that has a live
    /// replica; within it, the replica with the fewest requests.
    #[default]
    Nearest,
    /// The live reachable replica with the lowest load (requests per slot), anywhere.
    LeastLoaded,
    /// The live reachable replica with the lowest RTT plus estimated queueing delay.
    LatencyAware,
}

impl Routing {
    /// The scenario name.
    pub fn name(self) -> &'static str {
        match self {
            Routing::Nearest => "nearest",
            Routing::LeastLoaded => "least-loaded",
            Routing::LatencyAware => "latency-aware",
        }
    }

    /// Every routing, in a stable order.
    pub const ALL: [Routing; 3] = [
        Routing::Nearest,
        Routing::LeastLoaded,
        Routing::LatencyAware,
    ];

    /// Parses a scenario name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Where requests come from and when.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrivals {
    /// A (possibly time-varying) Poisson process; sizes from the service's distributions.
    Profile(RateProfile),
    /// A replayed trace, sizes included (times relative to the start of the run).
    Trace(Vec<TraceRecord>),
}

/// A population of users in one region.
#[derive(Clone, Debug, PartialEq)]
pub struct UserSpec {
    /// The catalog region the users are in (`cloud/region`, e.g. `aws/us-east-1`): the RTT
    /// to every site is measured from there.
    pub region: String,
    /// When they send requests.
    pub arrivals: Arrivals,
}

/// Replicas of one service: on a named cluster, or of a named accelerator kind wherever
/// the placement policy puts them.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaGroupSpec {
    /// Site name (with `cluster`); `None` lets the placement policy choose.
    pub site: Option<String>,
    /// Cluster name within the site.
    pub cluster: Option<String>,
    /// Accelerator kind, when the placement policy chooses the cluster.
    pub accelerator: Option<String>,
    /// Number of replicas.
    pub count: u32,
    /// Accelerators per replica (rounded up to whole nodes when placed).
    pub chips: u32,
}

/// The largest `max_batch` a service may give: far above any real replica's concurrent
/// sequences, and low enough that the per-slot work of the flow model and the request
/// model's slots stay bounded (a fuzzed `max_batch = 4294967295` hung the flow model).
pub const MAX_BATCH: u32 = 1 << 16;

/// An inference service as a scenario describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceSpec {
    /// Unique name.
    pub name: String,
    /// The model served.
    pub model: ServedModel,
    /// Prompt length distribution (ignored for trace arrivals, which carry their own).
    pub prompt_tokens: TokenDist,
    /// Output length distribution (ditto).
    pub output_tokens: TokenDist,
    /// Requests a replica decodes at once (continuous batching slots).
    pub max_batch: u32,
    /// SLO on time to first token.
    pub slo_ttft: SimDuration,
    /// SLO on time per output token.
    pub slo_tpot: SimDuration,
    /// How requests are routed.
    pub routing: Routing,
    /// How many times a request whose replica dies is sent elsewhere before it is dropped.
    pub max_retries: u32,
    /// Time a replica takes to (re)start after its nodes come back (loading weights).
    pub startup: SimDuration,
    /// Replica groups.
    pub replicas: Vec<ReplicaGroupSpec>,
    /// User populations.
    pub users: Vec<UserSpec>,
}

/// Default replica (re)start time: 5 minutes (estimate: loading 140 GB of BF16 weights at
/// a few GB/s, plus warm-up).
pub const DEFAULT_STARTUP: SimDuration = SimDuration::from_secs(300);

/// Default retries for a request whose replica dies.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// Replicas of one service, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaGroup {
    /// The cluster holding them, or `None` when the placement policy chooses (per
    /// replica, among the clusters of `kind`).
    pub cluster: Option<ClusterId>,
    /// Its site (`None` with `cluster`).
    pub site: Option<SiteId>,
    /// Their accelerator kind.
    pub kind: AccelKindId,
    /// Number of replicas.
    pub count: u32,
    /// Accelerators per replica.
    pub chips: u32,
    /// Whole nodes per replica on the fixed cluster (0 when the policy chooses).
    pub nodes: u32,
    /// How fast one replica prefills and decodes at full power.
    pub speed: ReplicaSpeed,
}

/// A user population, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Users {
    /// Their region.
    pub region: RegionId,
    /// The region's `cloud/region` key.
    pub region_key: String,
    /// When they send requests.
    pub arrivals: Arrivals,
}

/// A service resolved against a fabric and catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// Unique name.
    pub name: String,
    /// The model served.
    pub model: ServedModel,
    /// Prompt lengths.
    pub prompt_tokens: Tokens,
    /// Output lengths.
    pub output_tokens: Tokens,
    /// Slots per replica.
    pub max_batch: u32,
    /// SLO on time to first token.
    pub slo_ttft: SimDuration,
    /// SLO on time per output token.
    pub slo_tpot: SimDuration,
    /// Routing.
    pub routing: Routing,
    /// Retries before a request is dropped.
    pub max_retries: u32,
    /// Replica (re)start time.
    pub startup: SimDuration,
    /// Replica groups.
    pub replicas: Vec<ReplicaGroup>,
    /// User populations.
    pub users: Vec<Users>,
}

impl ServiceSpec {
    /// Resolves site, cluster and region names and builds each group's roofline speed;
    /// every problem is reported, located under `services.<name>`.
    pub fn resolve(&self, fabric: &Fabric, catalog: &Catalog) -> Result<Service, Vec<ModelError>> {
        let mut errors = Vec::new();
        let base = ["services", self.name.as_str()];
        let at = |rest: &[&str]| {
            let mut p = base.to_vec();
            p.extend_from_slice(rest);
            p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
        };
        let error = |path: Vec<String>, msg: String| ModelError {
            path,
            message: msg,
            suggestion: None,
        };
        let prompt_tokens = self
            .prompt_tokens
            .clone()
            .prepare(&[base[0], base[1], "prompt_tokens"])
            .map_err(|e| errors.push(e))
            .ok();
        let output_tokens = self
            .output_tokens
            .clone()
            .prepare(&[base[0], base[1], "output_tokens"])
            .map_err(|e| errors.push(e))
            .ok();
        if self.max_batch == 0 {
            errors.push(error(at(&["max_batch"]), "must be >= 1".into()));
        } else if self.max_batch > MAX_BATCH {
            errors.push(error(
                at(&["max_batch"]),
                format!(
                    "is {}; expected at most {MAX_BATCH} sequences per replica (the models \
                     do O(max_batch) work per replica and per state change)",
                    self.max_batch
                ),
            ));
        }
        if self.replicas.is_empty() {
            errors.push(error(
                at(&["replicas"]),
                "a service needs at least one replica group".into(),
            ));
        }
        if self.users.is_empty() {
            errors.push(error(
                at(&["users"]),
                "a service needs at least one user population".into(),
            ));
        }
        let mut replicas = Vec::new();
        for (i, g) in self.replicas.iter().enumerate() {
            let idx = i.to_string();
            if g.count == 0 {
                errors.push(error(
                    at(&["replicas", &idx, "count"]),
                    "must be >= 1".into(),
                ));
            }
            if g.chips == 0 {
                errors.push(error(
                    at(&["replicas", &idx, "chips"]),
                    "must be >= 1".into(),
                ));
                continue;
            }
            let (cluster, site, kind, nodes) = match (&g.site, &g.cluster, &g.accelerator) {
                (Some(site_name), Some(cluster_name), None) => {
                    let Some(site) = fabric.site_by_name(site_name) else {
                        let names: Vec<&str> =
                            fabric.sites().iter().map(|s| s.name.as_str()).collect();
                        errors.push(
                            error(
                                at(&["replicas", &idx, "site"]),
                                format!("no site named {site_name:?}"),
                            )
                            .with_suggestion(closest(site_name, names.iter().copied())),
                        );
                        continue;
                    };
                    let Some(cluster) = fabric.cluster_by_name(site_name, cluster_name) else {
                        let names: Vec<&str> = fabric
                            .clusters_of(site.id)
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect();
                        errors.push(
                            error(
                                at(&["replicas", &idx, "cluster"]),
                                format!("site {site_name:?} has no cluster named {cluster_name:?}"),
                            )
                            .with_suggestion(closest(cluster_name, names.iter().copied())),
                        );
                        continue;
                    };
                    let nodes = g.chips.div_ceil(cluster.node_size);
                    let need = u64::from(nodes) * u64::from(g.count) * u64::from(cluster.node_size);
                    if need > u64::from(cluster.accelerator_count()) {
                        errors.push(error(
                            at(&["replicas", &idx, "count"]),
                            format!(
                                "{} replicas of {} nodes of {} need {need} accelerators; cluster {:?} has {}",
                                g.count,
                                nodes,
                                cluster.node_size,
                                cluster_name,
                                cluster.accelerator_count()
                            ),
                        ));
                    }
                    (Some(cluster.id), Some(site.id), cluster.accelerator, nodes)
                }
                (None, None, Some(kind_name)) => {
                    let Some(kind) = catalog.accelerator_id(kind_name) else {
                        errors.push(
                            error(
                                at(&["replicas", &idx, "accelerator"]),
                                format!("no accelerator named {kind_name:?} in the catalog"),
                            )
                            .with_suggestion(closest(
                                kind_name,
                                catalog.accelerators().iter().map(|a| a.name.as_str()),
                            )),
                        );
                        continue;
                    };
                    if !fabric.clusters().iter().any(|c| c.accelerator == kind) {
                        errors.push(error(
                            at(&["replicas", &idx, "accelerator"]),
                            format!("no cluster of the fabric has {kind_name:?} accelerators"),
                        ));
                        continue;
                    }
                    let have: u64 = fabric
                        .clusters()
                        .iter()
                        .filter(|c| c.accelerator == kind)
                        .map(|c| u64::from(c.accelerator_count()))
                        .sum();
                    let need = u64::from(g.count) * u64::from(g.chips);
                    if need > have {
                        errors.push(error(
                            at(&["replicas", &idx, "count"]),
                            format!(
                                "{} replicas of {} chips need {need} {kind_name:?} accelerators; \
                                 the fabric has {have}",
                                g.count, g.chips
                            ),
                        ));
                        continue;
                    }
                    (None, None, kind, 0)
                }
                _ => {
                    errors.push(error(
                        at(&["replicas", &idx]),
                        "give `site` and `cluster` (a fixed cluster), or `accelerator` alone \
                         (the placement policy chooses the cluster)"
                            .into(),
                    ));
                    continue;
                }
            };
            match ReplicaSpeed::new(
                self.model.params,
                catalog.accelerator(kind),
                g.chips,
                self.model.mfu,
                self.model.bytes_per_param,
                self.model.kv_bytes_per_token,
            ) {
                Ok(speed) => replicas.push(ReplicaGroup {
                    cluster,
                    site,
                    kind,
                    count: g.count,
                    chips: g.chips,
                    nodes,
                    speed,
                }),
                Err(es) => errors.extend(es.into_iter().map(|e| {
                    let mut path = at(&["replicas", &idx]);
                    path.extend(e.path.into_iter().skip(1));
                    ModelError { path, ..e }
                })),
            }
        }
        let mut users = Vec::new();
        for (i, u) in self.users.iter().enumerate() {
            let idx = i.to_string();
            let region = u
                .region
                .split_once('/')
                .and_then(|(c, r)| catalog.region_id(c, r));
            let Some(region) = region else {
                let keys: Vec<String> = catalog
                    .regions()
                    .iter()
                    .map(|r| format!("{}/{}", r.cloud, r.name))
                    .collect();
                errors.push(
                    error(
                        at(&["users", &idx, "region"]),
                        format!("no catalog region {:?} (expected cloud/region)", u.region),
                    )
                    .with_suggestion(closest(&u.region, keys.iter().map(String::as_str))),
                );
                continue;
            };
            match &u.arrivals {
                Arrivals::Profile(p) => {
                    if let Err(es) = p.validate(&[base[0], base[1], "users", &idx]) {
                        errors.extend(es);
                    }
                }
                Arrivals::Trace(records) => {
                    if let Err(es) =
                        crate::inference::arrival::TraceReplay::new(&self.name, records.clone())
                    {
                        errors.extend(es);
                    }
                }
            }
            users.push(Users {
                region,
                region_key: u.region.clone(),
                arrivals: u.arrivals.clone(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Service {
            name: self.name.clone(),
            model: self.model,
            prompt_tokens: prompt_tokens.expect("invariant: no errors"),
            output_tokens: output_tokens.expect("invariant: no errors"),
            max_batch: self.max_batch,
            slo_ttft: self.slo_ttft,
            slo_tpot: self.slo_tpot,
            routing: self.routing,
            max_retries: self.max_retries,
            startup: self.startup,
            replicas,
            users,
        })
    }
}

impl Service {
    /// Replicas over all groups.
    pub fn replica_count(&self) -> u32 {
        self.replicas
            .iter()
            .fold(0u32, |n, g| n.saturating_add(g.count))
    }

    /// Accelerators over all replicas: whole nodes on fixed clusters, chips per replica
    /// where the policy places them (their clusters' node sizes are not known yet).
    pub fn accelerators(&self, fabric: &Fabric) -> u32 {
        self.replicas
            .iter()
            .map(|g| match g.cluster {
                Some(c) => g
                    .count
                    .saturating_mul(g.nodes)
                    .saturating_mul(fabric.cluster(c).node_size),
                None => g.count.saturating_mul(g.chips),
            })
            .fold(0u32, u32::saturating_add)
    }
}
