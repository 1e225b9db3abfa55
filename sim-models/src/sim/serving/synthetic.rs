//! Synthetic serving scenarios for benchmarks: one busy service, or many services over
//! the four clouds, and [`SyntheticServing`] to run them with no training jobs and no
//! failures. No file is read; everything is built from the built-in catalog.

use sim_core::time::{SimDuration, SimTime};

use crate::catalog::{Catalog, RegionId};
use crate::failure::FailureModel;
use crate::inference::arrival::RateProfile;
use crate::inference::service::{
    Arrivals, DEFAULT_MAX_RETRIES, DEFAULT_STARTUP, ReplicaGroupSpec, Routing, ServedModel,
    ServiceSpec, UserSpec,
};
use crate::inference::tokens::TokenDist;
use crate::network::{EgressPrices, NetworkSpec, PartitionPlan, RttModel, WanModel};
use crate::outage::OutagePlan;
use crate::policy::{DecisionLog, PolicyParams, Registry};
use crate::power::CurtailmentPlan;
use crate::sim::serving::{Fidelity, ServingRun};
use crate::sim::{FabricRun, FabricSim, Network, Policies, RunSummary};
use crate::topology::{ClusterSpec, Fabric, FabricSpec, SiteSpec};

/// The four-cloud serving sites: (name, cloud, region, accelerator, node size).
const SITES: [(&str, &str, &str, &str, u32); 8] = [
    ("aws-use1", "aws", "us-east-1", "h100", 8),
    ("aws-euw1", "aws", "eu-west-1", "h100", 8),
    ("azure-eus", "azure", "eastus", "h100", 8),
    ("azure-weu", "azure", "westeurope", "h100", 8),
    ("gcp-usc1", "gcp", "us-central1", "h100", 8),
    ("gcp-euw4", "gcp", "europe-west4", "h100", 8),
    ("oci-ash", "oci", "us-ashburn-1", "h200", 8),
    ("oci-phx", "oci", "us-phoenix-1", "h200", 8),
];

/// User regions of the synthetic services, with the hour (UTC) of their daily peak.
const USERS: [(&str, f64); 4] = [
    ("aws/us-east-1", 19.0),
    ("azure/westeurope", 13.0),
    ("gcp/us-central1", 20.0),
    ("aws/ap-northeast-1", 4.0),
];

/// A site with one cluster named `serve` of `nodes` nodes of `node` chips of `kind`, with a
/// cap (1 GW) that never binds.
pub fn site(name: &str, cloud: &str, region: &str, kind: &str, node: u32, nodes: u32) -> SiteSpec {
    SiteSpec {
        name: name.into(),
        cloud: cloud.into(),
        region: region.into(),
        power_cap_mw: 1000.0,
        pue: None,
        online_from: SimTime::ZERO,
        clusters: vec![ClusterSpec {
            online_from: SimTime::ZERO,
            name: "serve".into(),
            accelerator: kind.into(),
            count: nodes * node,
            node_size: Some(node),
            rack_nodes: 4,
            scaleup_domain: None,
        }],
    }
}

fn chat(
    name: &str,
    routing: Routing,
    replicas: Vec<ReplicaGroupSpec>,
    users: Vec<UserSpec>,
) -> ServiceSpec {
    ServiceSpec {
        name: name.into(),
        model: ServedModel::preset("llama3-70b").expect("built-in preset"),
        prompt_tokens: TokenDist::azure_conv_prompt(),
        output_tokens: TokenDist::azure_conv_output(),
        max_batch: 32,
        slo_ttft: SimDuration::from_secs(2),
        slo_tpot: SimDuration::from_millis(200),
        routing,
        max_retries: DEFAULT_MAX_RETRIES,
        startup: DEFAULT_STARTUP,
        replicas,
        users,
    }
}

/// One llama3-70b chat service on `replicas` replicas of 8 H100 in one AWS region, with
/// users in the same region at `rate_per_s` (a constant Poisson rate).
pub fn single_service(replicas: u32, rate_per_s: f64) -> (FabricSpec, Vec<ServiceSpec>) {
    let fabric = FabricSpec {
        sites: vec![site("aws-use1", "aws", "us-east-1", "h100", 8, replicas)],
    };
    let service = chat(
        "chat",
        Routing::Nearest,
        vec![ReplicaGroupSpec {
            site: Some("aws-use1".into()),
            cluster: Some("serve".into()),
            accelerator: None,
            count: replicas,
            chips: 8,
        }],
        vec![UserSpec {
            region: "aws/us-east-1".into(),
            arrivals: Arrivals::Profile(RateProfile::Constant { rate_per_s }),
        }],
    );
    (fabric, vec![service])
}

/// `services` llama3-70b services over eight sites of the four clouds, each with
/// `replicas_per_site` replicas at four of the sites (rotating) and diurnal users in four
/// regions (sinusoids peaking in their evening) at `rate_per_s` mean each; routing
/// rotates over nearest, least-loaded and latency-aware.
pub fn multi_cloud(
    services: u32,
    replicas_per_site: u32,
    rate_per_s: f64,
) -> (FabricSpec, Vec<ServiceSpec>) {
    let nodes = services * replicas_per_site; // enough for every service at every site
    let fabric = FabricSpec {
        sites: SITES
            .iter()
            .map(|&(n, c, r, k, node)| site(n, c, r, k, node, nodes))
            .collect(),
    };
    let routings = [
        Routing::Nearest,
        Routing::LeastLoaded,
        Routing::LatencyAware,
    ];
    let specs = (0..services)
        .map(|i| {
            let replicas = (0..4)
                .map(|j| {
                    let s = SITES[(i as usize * 2 + j * 2 + (j % 2)) % SITES.len()];
                    ReplicaGroupSpec {
                        site: Some(s.0.into()),
                        cluster: Some("serve".into()),
                        accelerator: None,
                        count: replicas_per_site,
                        chips: 8,
                    }
                })
                .collect();
            let users = USERS
                .iter()
                .map(|&(region, peak)| UserSpec {
                    region: region.into(),
                    arrivals: Arrivals::Profile(RateProfile::Sinusoid {
                        mean_rate_per_s: rate_per_s,
                        amplitude: 0.6,
                        peak_hour: peak,
                    }),
                })
                .collect();
            chat(
                &format!("svc-{i}"),
                routings[i as usize % 3],
                replicas,
                users,
            )
        })
        .collect();
    (fabric, specs)
}

/// A built serving scenario, ready to run many times.
pub struct SyntheticServing {
    catalog: Catalog,
    fabric: Fabric,
    wan: WanModel,
    rtt: RttModel,
    prices: EgressPrices,
    services: Vec<ServiceSpec>,
}

impl SyntheticServing {
    /// Builds `fabric` and checks `services` against it.
    ///
    /// # Panics
    ///
    /// If the synthetic scenario does not build (a bug in the generator).
    pub fn new(fabric: FabricSpec, services: Vec<ServiceSpec>) -> Self {
        let catalog = Catalog::builtin();
        let fabric = fabric.build(&catalog).expect("synthetic fabric builds");
        let sites: Vec<(&str, RegionId)> = fabric
            .sites()
            .iter()
            .map(|s| (s.name.as_str(), s.region))
            .collect();
        let wan = WanModel::new(
            &NetworkSpec {
                wan_gbit_default: 100.0,
                links: Vec::new(),
            },
            &sites,
        )
        .expect("default WAN");
        let rtt = RttModel::from_catalog(&catalog).expect("built-in RTTs");
        let prices = EgressPrices::from_catalog(&catalog).expect("built-in prices");
        Self {
            catalog,
            fabric,
            wan,
            rtt,
            prices,
            services,
        }
    }

    /// The catalog (built in).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The built fabric.
    pub fn fabric(&self) -> &Fabric {
        &self.fabric
    }

    /// Runs its services to `horizon` at `fidelity`.
    ///
    /// # Panics
    ///
    /// If a service does not resolve (a bug in the generator).
    pub fn run(&self, horizon: SimTime, fidelity: Fidelity, seed: u64) -> RunSummary {
        self.run_with(
            &self.services,
            horizon,
            fidelity,
            seed,
            RunExtras::default(),
        )
    }

    /// Runs `services` (instead of its own) to `horizon` at `fidelity`, with `extras`.
    ///
    /// # Panics
    ///
    /// If a service does not resolve against the fabric, a policy name is not built in, or
    /// (with `check_invariants`) a model invariant is violated.
    pub fn run_with(
        &self,
        services: &[ServiceSpec],
        horizon: SimTime,
        fidelity: Fidelity,
        seed: u64,
        extras: RunExtras,
    ) -> RunSummary {
        let services = services
            .iter()
            .map(|s| {
                s.resolve(&self.fabric, &self.catalog)
                    .expect("service resolves")
            })
            .collect();
        let run = FabricRun {
            fabric: &self.fabric,
            catalog: &self.catalog,
            network: Network {
                wan: &self.wan,
                rtt: &self.rtt,
                prices: &self.prices,
            },
            jobs: &extras.jobs,
            failures: &extras.failures.unwrap_or_else(|| FailureModel {
                name: "none".into(),
                categories: Vec::new(),
            }),
            outages: &extras.outages,
            horizon,
            seed,
            power: &extras.power,
            curtailments: &extras.curtailments,
            commitments: &[],
            carbon: &[],
            serving: &ServingRun {
                services,
                partitions: extras.partitions,
                fidelity,
                sample_every: extras.sample_every,
            },
        };
        let registry = Registry::builtin();
        let params = PolicyParams::default();
        let mut policies = Policies::default();
        if let Some(name) = &extras.placement {
            policies.placement = registry
                .placement(name, &params)
                .expect("a built-in placement");
        }
        if let Some(name) = &extras.failover {
            policies.failover = registry
                .failover(name, &params)
                .expect("a built-in failover");
        }
        if extras.decision_options > 0 {
            policies.decisions = DecisionLog::enabled(extras.decision_options);
        }
        let sim = FabricSim::new(run, policies).expect("synthetic run is valid");
        if extras.check_invariants {
            sim.run_checked()
                .unwrap_or_else(|violation| panic!("model invariant violated {violation}"))
        } else {
            sim.run()
        }
    }
}

/// What else a synthetic run has (nothing by default): outages, partitions, training jobs
/// sharing the fleet, site power policies, request sampling.
#[derive(Clone, Debug, Default)]
pub struct RunExtras {
    /// Outages of the fabric.
    pub outages: OutagePlan,
    /// Training jobs on the same fleet.
    pub jobs: Vec<crate::workload::TrainingJobSpec>,
    /// Site power policies, in fabric site order (empty: `throttle` everywhere).
    pub power: Vec<crate::power::SitePowerSpec>,
    /// Curtailments of site caps.
    pub curtailments: CurtailmentPlan,
    /// Network partitions.
    pub partitions: PartitionPlan,
    /// Keep one request in this many (0: none).
    pub sample_every: u64,
    /// Random component failures (`None`: none).
    pub failures: Option<FailureModel>,
    /// Placement policy by built-in name (`None`: `first-fit`).
    pub placement: Option<String>,
    /// Failover policy by built-in name (`None`: `restart`).
    pub failover: Option<String>,
    /// Keep policy decisions (up to this many options each; 0: none).
    pub decision_options: usize,
    /// Check the model's invariants after every event (slow; for tests).
    pub check_invariants: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn synthetic_scenarios_resolve() {
        let catalog = Catalog::builtin();
        let (fabric, services) = single_service(4, 10.0);
        let fabric = fabric.build(&catalog).unwrap();
        assert!(services[0].resolve(&fabric, &catalog).is_ok());
        let (fabric, services) = multi_cloud(20, 2, 5.0);
        let fabric = fabric.build(&catalog).unwrap();
        for s in &services {
            let r = s.resolve(&fabric, &catalog).unwrap();
            assert_eq!(r.replica_count(), 8);
        }
    }
}
