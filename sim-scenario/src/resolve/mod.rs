//! From scenario text to a checked model: parse, extend the catalog with the registry's
//! accelerators and apply the file's overrides, build the fabric and the network, look the
//! policies and the failure model up in the registry, read trace files and resolve the
//! services. Every problem of a file is reported at once, with positions.

mod policy;
mod serving;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sim_core::rng::RngStreams;
use sim_core::time::SimTime;
use sim_models::ModelError;
use sim_models::accounting::{CarbonProfile, CommitmentKind, CommitmentSpec};
use sim_models::catalog::{Catalog, RegionId};
use sim_models::failure::FailureModel;
use sim_models::network::{EgressPrices, RttModel, WanModel};
use sim_models::outage::OutagePlan;
use sim_models::policy::{PolicyParams, Registry};
use sim_models::power::{
    CurtailmentPlan, CurtailmentSpecs, DEFAULT_BACKUP_FRACTION, PowerPolicy, RandomCurtailmentSpec,
    SitePowerSpec,
};
use sim_models::topology::Fabric;
use sim_models::workload::{JobGenerator, TrainingJobSpec};

use crate::scenario::{self, Diagnostics, PolicySection, Scenario};

pub use policy::{build_failover, build_placement, failure_model, policy_errors};

/// The default scenario, compiled into the binary.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../experiments/default/scenario.toml");
/// The name the default scenario goes by in messages and outputs.
pub const DEFAULT_SCENARIO_NAME: &str = "experiments/default/scenario.toml (embedded)";

/// A scenario checked and built.
pub struct Resolved {
    /// The parsed file.
    pub scenario: Scenario,
    /// The built-in catalog with the scenario's overrides applied.
    pub catalog: Catalog,
    /// The built fabric.
    pub fabric: Fabric,
    /// Region-to-region RTTs.
    pub rtt: RttModel,
    /// Site-to-site WAN bandwidth and overrides.
    pub wan: WanModel,
    /// Transfer prices between regions.
    pub prices: EgressPrices,
    /// The failure model in force.
    pub failures: FailureModel,
    /// Scripted, background and planned outages over the horizon.
    pub outages: OutagePlan,
    /// The scenario's jobs followed by the generated ones.
    pub jobs: Vec<TrainingJobSpec>,
    /// Each site's power policy, in fabric site order.
    pub site_power: Vec<SitePowerSpec>,
    /// Curtailments and grid outages over the horizon.
    pub curtailments: CurtailmentPlan,
    /// Committed spend per cloud.
    pub commitments: Vec<CommitmentSpec>,
    /// Hourly grid-intensity profile per site (fabric order), where the scenario gives one.
    pub carbon: Vec<Option<CarbonProfile>>,
    /// Inference services, partitions and the serving fidelity.
    pub serving: sim_models::sim::serving::ServingRun,
    /// `[policy]`: the placement and failover policies by name, with their parameters
    /// (checked against `registry`).
    pub policy: PolicySection,
    /// Where the policies are built from, fresh for each run.
    pub registry: Registry,
}

impl Resolved {
    /// The model's input for one run of this scenario, borrowing everything from `self`.
    pub fn fabric_run(&self) -> sim_models::sim::FabricRun<'_> {
        sim_models::sim::FabricRun {
            fabric: &self.fabric,
            catalog: &self.catalog,
            network: sim_models::sim::Network {
                wan: &self.wan,
                rtt: &self.rtt,
                prices: &self.prices,
            },
            jobs: &self.jobs,
            failures: &self.failures,
            outages: &self.outages,
            horizon: sim_core::time::SimTime::ZERO + self.scenario.horizon,
            seed: self.scenario.seed,
            power: &self.site_power,
            curtailments: &self.curtailments,
            commitments: &self.commitments,
            carbon: &self.carbon,
            serving: &self.serving,
        }
    }

    /// New policies of `[policy]` for one run (policies keep state: never share them
    /// between runs).
    pub fn policies(&self) -> anyhow::Result<sim_models::sim::Policies> {
        self.policies_with(&self.policy.placement, &self.policy.placement_params)
    }

    /// New policies for one run with placement policy `placement` (built from `params`)
    /// instead of the file's; failover and the decision log as `[policy]` says.
    pub fn policies_with(
        &self,
        placement: &str,
        params: &PolicyParams,
    ) -> anyhow::Result<sim_models::sim::Policies> {
        let p = &self.policy;
        let built = || -> Result<_, ModelError> {
            Ok(sim_models::sim::Policies {
                placement: build_placement(&self.registry, placement, params)?,
                failover: build_failover(&self.registry, &p.failover, &p.failover_params)?,
                decisions: match p.decisions {
                    Some(n) => sim_models::policy::DecisionLog::enabled(n),
                    None => sim_models::policy::DecisionLog::default(),
                },
            })
        };
        built().map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// A scenario's text, its name in messages, and the folder its relative paths start from.
pub struct Source {
    /// The file as given on the command line, or [`DEFAULT_SCENARIO_NAME`].
    pub name: String,
    /// Its contents.
    pub text: String,
    /// The file's folder (the current folder for the embedded default): trace files are
    /// found relative to it.
    pub dir: PathBuf,
}

/// Reads `path`, or the embedded default scenario when `path` is `None`.
pub fn load(path: Option<&Path>) -> Result<Source, anyhow::Error> {
    match path {
        None => Ok(Source {
            name: DEFAULT_SCENARIO_NAME.to_owned(),
            text: DEFAULT_SCENARIO.to_owned(),
            dir: PathBuf::from("."),
        }),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading scenario file {}", path.display()))?;
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            Ok(Source {
                name: path.display().to_string(),
                text,
                dir,
            })
        }
    }
}

/// The most jobs all `[job_generators.*]` together may be expected to generate over the
/// horizon (each is a job spec held in memory, and every one is checked and simulated).
pub const MAX_GENERATED_JOBS: f64 = 200_000.0;

/// Parses and builds everything; collects all model errors before giving up. The catalog
/// is the built-in one with `registry`'s accelerator families added, then the scenario's
/// `[catalog.*]` changes; policy and failure model names are looked up in `registry`. `seed`, when given, replaces the
/// scenario's `[sim] seed`.
pub fn resolve(
    source: &Source,
    seed: Option<u64>,
    registry: &Registry,
) -> Result<Resolved, Diagnostics> {
    let (mut scenario, schema) = scenario::parse_lenient(&source.name, &source.text)?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    // The binary's accelerator families first, so the scenario can patch them too.
    let mut catalog = match registry.catalog() {
        Ok(catalog) => catalog,
        Err(e) => {
            let e: Vec<ModelError> = e
                .into_iter()
                .map(|mut e| {
                    e.message = format!(
                        "an accelerator family registered by this binary (not the scenario) \
                         is invalid: {}",
                        e.message
                    );
                    e
                })
                .collect();
            return Err(schema.merge_model(scenario.diagnose(&e)));
        }
    };
    let mut errors: Vec<ModelError> = Vec::new();
    if let Err(e) = catalog.apply(&scenario.catalog) {
        // Building on a catalog whose overrides failed would only repeat these errors.
        return Err(schema.merge_model(scenario.diagnose(&e)));
    }
    let mut fabric_spec = scenario.fabric.clone();
    expand_buildouts(&scenario, &mut fabric_spec, &catalog, &mut errors);
    let fabric = fabric_spec.build(&catalog).map_err(|e| errors.extend(e));
    let rtt = RttModel::from_catalog(&catalog).map_err(|e| errors.extend(e));
    let prices = EgressPrices::from_catalog(&catalog).map_err(|e| errors.extend(e));
    let wan = fabric.as_ref().ok().and_then(|fabric| {
        let sites: Vec<(&str, RegionId)> = fabric
            .sites()
            .iter()
            .map(|s| (s.name.as_str(), s.region))
            .collect();
        WanModel::new(&scenario.network, &sites)
            .map_err(|e| errors.extend(e))
            .ok()
    });
    let failures = failure_model(&scenario, registry).map_err(|e| errors.extend(e));
    errors.extend(policy_errors(&scenario.policy, registry));
    let horizon = SimTime::ZERO + scenario.horizon;
    let streams = RngStreams::new(scenario.seed);
    let outages = fabric.as_ref().ok().and_then(|fabric| {
        OutagePlan::build(
            fabric,
            horizon,
            &scenario.outages,
            &scenario.background_outages,
            &scenario.maintenance,
            &streams,
        )
        .map_err(|e| errors.extend(e))
        .ok()
    });
    let mut jobs = Vec::new();
    for job in &scenario.jobs {
        match job.validate(&["jobs", &job.name], &catalog) {
            Ok(()) => jobs.push(job.clone()),
            Err(e) => errors.extend(e),
        }
    }
    let mut expected_jobs = 0.0;
    for spec in &scenario.generators {
        let prefix = spec.name_prefix.clone();
        // Bounded before drawing: a 584-year horizon with a job every 3 hours would build
        // 1.7 million job specs (600 MB) before anything checks them.
        let window = horizon.saturating_duration_since(spec.template.arrival);
        let mean = spec.mean_interarrival.as_secs_f64();
        if mean > 0.0 {
            expected_jobs += window.as_secs_f64() / mean;
            if expected_jobs > MAX_GENERATED_JOBS {
                errors.push(ModelError::new(
                    &["job_generators", &prefix, "mean_interarrival"],
                    format!(
                        "one job every {} until the horizon ({window} after its first \
                         arrival) brings the generated jobs to about {expected_jobs:.0} (limit \
                         {MAX_GENERATED_JOBS:.0} for all generators together): lengthen \
                         mean_interarrival or shorten the horizon",
                        spec.mean_interarrival
                    ),
                ));
                continue;
            }
        }
        match JobGenerator::new(spec.clone(), &["job_generators", &prefix], &catalog) {
            Ok(generator) => {
                let mut rng = streams.stream(&format!("jobs/generator/{prefix}"));
                jobs.extend(generator.generate(horizon, &mut rng));
            }
            Err(e) => errors.extend(e),
        }
    }
    let power = fabric.as_ref().ok().and_then(|fabric| {
        power_inputs(&scenario, &catalog, fabric, horizon, &streams, &mut errors)
    });
    let serving = fabric.as_ref().ok().and_then(|fabric| {
        let inputs = serving::Inputs {
            fabric,
            catalog: &catalog,
            dir: &source.dir,
            horizon,
            streams: &streams,
        };
        serving::serving_run(&scenario.serving, &inputs, &mut errors)
    });
    match (fabric, rtt, prices, wan, failures, outages, power, serving) {
        (
            Ok(fabric),
            Ok(rtt),
            Ok(prices),
            Some(wan),
            Ok(failures),
            Some(outages),
            Some((site_power, curtailments, carbon)),
            Some(serving),
        ) if errors.is_empty() && schema.0.is_empty() => Ok(Resolved {
            carbon,
            commitments: commitments(&scenario),
            policy: scenario.policy.clone(),
            registry: registry.clone(),
            scenario,
            catalog,
            fabric,
            rtt,
            wan,
            prices,
            failures,
            outages,
            jobs,
            site_power,
            curtailments,
            serving,
        }),
        _ => Err(schema.merge_model(scenario.diagnose(&errors))),
    }
}

/// Site power policies (fabric order) and the curtailment plan, from `[power.sites.*]`,
/// `[[curtailments]]`, `[[random_curtailments]]` and `[[grid_outages]]`.
fn power_inputs(
    scenario: &Scenario,
    catalog: &Catalog,
    fabric: &Fabric,
    horizon: SimTime,
    streams: &RngStreams,
    errors: &mut Vec<ModelError>,
) -> Option<(
    Vec<SitePowerSpec>,
    CurtailmentPlan,
    Vec<Option<CarbonProfile>>,
)> {
    let p = &scenario.power;
    let names: Vec<&str> = fabric.sites().iter().map(|s| s.name.as_str()).collect();
    let mut site_power = vec![SitePowerSpec::default(); names.len()];
    for sp in &p.sites {
        let path = ["power", "sites", sp.site.as_str()];
        let Some(i) = names.iter().position(|n| *n == sp.site) else {
            continue; // the schema reported the unknown site
        };
        match PowerPolicy::parse(&sp.policy, &[path[0], path[1], path[2], "policy"]) {
            Ok(policy) => site_power[i].policy = policy,
            Err(e) => errors.push(e),
        }
        site_power[i].backup_fraction = sp.backup_fraction.unwrap_or(DEFAULT_BACKUP_FRACTION);
    }
    let mut specs = CurtailmentSpecs {
        scripted: p.curtailments.clone(),
        random: Vec::new(),
        grid_outages: p.grid_outages.clone(),
    };
    for (i, r) in p.random_curtailments.iter().enumerate() {
        let index = i.to_string();
        match sim_core::rng::LogNormal::from_median_p90(
            r.duration_median.as_secs_f64(),
            r.duration_p90.as_secs_f64(),
        ) {
            Ok(d) => specs.random.push(RandomCurtailmentSpec {
                site: r.site.clone(),
                rate_per_year: r.rate_per_year,
                duration: d.into(),
                cap_fraction: r.cap_fraction,
            }),
            Err(e) => errors.push(ModelError::new(
                &["random_curtailments", &index, "duration_p90"],
                e.to_string(),
            )),
        }
    }
    for c in &p.commitments {
        if catalog.cloud_id(&c.cloud).is_none() {
            errors.push(ModelError::new(
                &["commitments", &c.cloud],
                format!("no cloud named `{}` in the catalog", c.cloud),
            ));
        }
    }
    let mut carbon: Vec<Option<CarbonProfile>> = vec![None; names.len()];
    for c in &p.carbon_profiles {
        let path = [
            "carbon",
            c.cloud.as_str(),
            c.region.as_str(),
            "hourly_g_per_kwh",
        ];
        match CarbonProfile::from_values(c.hourly_g_per_kwh.clone(), &path) {
            Ok(profile) => {
                let mut used = false;
                for (i, slot) in carbon.iter_mut().enumerate() {
                    if fabric_region(scenario, fabric, i) == (c.cloud.as_str(), c.region.as_str()) {
                        *slot = Some(profile.clone());
                        used = true;
                    }
                }
                if !used {
                    errors.push(ModelError::new(
                        &path[..3],
                        format!(
                            "no site of this scenario is in {}/{}: the profile would not be used",
                            c.cloud, c.region
                        ),
                    ));
                }
            }
            Err(e) => errors.extend(e),
        }
    }
    match CurtailmentPlan::build(&names, &site_power, horizon, &specs, streams) {
        Ok(plan) => Some((site_power, plan, carbon)),
        Err(e) => {
            errors.extend(e);
            None
        }
    }
}

/// The (cloud, region) keys of site `i` as the scenario wrote them.
fn fabric_region<'a>(scenario: &'a Scenario, fabric: &Fabric, i: usize) -> (&'a str, &'a str) {
    let name = &fabric.sites()[i].name;
    scenario
        .fabric
        .sites
        .iter()
        .find(|s| &s.name == name)
        .map_or(("", ""), |s| (s.cloud.as_str(), s.region.as_str()))
}

/// `[commitments.<cloud>]` as committed-spend contracts.
fn commitments(scenario: &Scenario) -> Vec<CommitmentSpec> {
    scenario
        .power
        .commitments
        .iter()
        .map(|c| CommitmentSpec {
            cloud: c.cloud.clone(),
            kind: match &c.capacity {
                Some((accelerator, count, usd_per_chip_hour)) => CommitmentKind::Capacity {
                    accelerator: accelerator.clone(),
                    count: *count,
                    usd_per_chip_hour: *usd_per_chip_hour,
                    start: c.start,
                    period: c.period,
                },
                None => CommitmentKind::Spend {
                    total_usd: c.total_usd.unwrap_or_default(),
                    start: c.start,
                    period: c.period,
                },
            },
        })
        .collect()
}

/// Adds each buildout's weekly clusters to its site, and grows the site's cap by what is built.
fn expand_buildouts(
    scenario: &Scenario,
    fabric: &mut sim_models::topology::FabricSpec,
    catalog: &Catalog,
    errors: &mut Vec<ModelError>,
) {
    for (i, b) in scenario.buildouts.iter().enumerate() {
        let index = i.to_string();
        let path = ["buildouts", index.as_str()];
        let Some(site) = fabric.sites.iter_mut().find(|s| s.name == b.site) else {
            errors.push(
                ModelError::new(
                    &["buildouts", &index, "site"],
                    format!("no site named `{}`", b.site),
                )
                .with_suggestion(sim_models::suggest::closest(
                    &b.site,
                    scenario.fabric.sites.iter().map(|s| s.name.as_str()),
                )),
            );
            continue;
        };
        match b.expand(site, catalog, &path) {
            Ok((clusters, mw)) => {
                site.clusters.extend(clusters);
                site.power_cap_mw += mw;
            }
            Err(e) => errors.extend(e),
        }
    }
}
