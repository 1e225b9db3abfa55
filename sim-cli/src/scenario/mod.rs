//! Scenario files: one TOML file describing a fabric and a study, read into the sim-models
//! spec types with every error located by file, line, column and key path.
//!
//! # Format
//!
//! ```toml
//! [sim]                       # required: what to run
//! name = "default"            # optional
//! horizon = "30d"             # required duration, > 0
//! seed = 42                   # required integer >= 0
//!
//! [network]                   # optional
//! wan_gbit_default = 400      # Gbit/s between regions; 100 when absent
//! [[network.links]]           # any number; one per pair of sites
//! a = "aws-use1"              # site keys of this file
//! b = "gcp-usc1"
//! gbit = 800
//! rtt_ms = 30                 # optional
//!
//! [sites.aws-use1]            # one table per site; the table name is the site key
//! cloud = "aws"
//! region = "us-east-1"
//! power_cap_mw = 120
//! pue = 1.12                  # optional: the region's PUE
//! online_from = "0s"          # optional, "0s"
//!
//! [sites.aws-use1.clusters.h100-a]   # at least one per site; key unique within it
//! accelerator = "h100"
//! count = 16384
//! node_size = 8               # optional: the accelerator's instance size
//! rack_nodes = 4              # optional, 4
//! scaleup_domain = 8          # optional: the accelerator's
//!
//! [catalog.accelerators.h100]          # patch any field, or add a new accelerator
//! tdp_w = 650
//! [catalog.clouds.lambda]              # incl. offers = ["h100"]
//! [catalog.regions.lambda.us-tx-1]     # cloud, then region
//! [catalog.offerings.lambda.h100]      # cloud, then accelerator
//! usd_per_chip_hour = 2.49
//! ```
//!
//! Durations are strings of numbers and units with no space (`"90s"`, `"1.5h"`, `"1h30m"`;
//! units ns, us, ms, s, m, h, d, w). Integers are accepted wherever a number is expected,
//! never the reverse. Unknown keys are errors with a "did you mean"; the top-level sections
//! `power`, `failures`, `outages`, `workloads`, `training`, `inference` and `policies` are
//! reserved for later releases and rejected with a message saying so. The full reference,
//! `docs/scenario-format.md`, is generated from [`schema`] by [`reference::markdown`]
//! (a test fails when it is stale; `FABRICSIM_BLESS=1` rewrites it).
//!
//! # Checking
//!
//! [`parse`] reports syntax errors (all of them, and nothing else: a half-read file would
//! produce misleading schema errors), else every schema error: types, ranges, required and
//! unknown keys, names, links between sites. Cross-references into the catalog (is
//! `accelerator` known, does the cloud offer it, does the region exist) are checked by the
//! sim-models builders; [`Scenario::diagnose`] maps their [`ModelError`] key paths back to
//! positions in the file.
//!
//! ```text
//! text --toml::de::DeTable (spanned)--> syntax errors?  --> Diagnostics
//!                                        | no
//!                                        v
//!                 walk::Walker + schema tables ---------> Diagnostics (all at once)
//!                                        | none
//!                                        v
//!   Scenario { specs, CatalogOverrides, SourceMap } --builders--> ModelError --diagnose--> Diagnostics
//! ```

mod diagnostic;
pub(crate) mod reference;
pub(crate) mod schema;
mod syntax;
mod walk;

#[cfg(test)]
mod tests;

#[allow(unused_imports)] // `Diagnostic` is for the CLI commands to inspect
pub use diagnostic::{Diagnostic, Diagnostics, SourceMap};

use sim_core::time::SimDuration;
use sim_models::ModelError;
use sim_models::catalog::CatalogOverrides;
use sim_models::network::NetworkSpec;
use sim_models::topology::FabricSpec;

/// A scenario file read and checked against the schema (not yet against the catalog).
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// `[sim] name`, if given.
    pub name: Option<String>,
    /// `[sim] horizon`: simulated time of one run (> 0).
    pub horizon: SimDuration,
    /// `[sim] seed`: the master seed.
    pub seed: u64,
    /// `[catalog.*]` patches, in file order; `source` is `"scenario FILE"`.
    pub catalog: CatalogOverrides,
    /// `[sites.*]` with their clusters, in file order.
    pub fabric: FabricSpec,
    /// `[network]`, with its defaults filled in.
    pub network: NetworkSpec,
    /// The file's text and where each key path is written in it.
    pub source: SourceMap,
}

impl Scenario {
    /// Locates errors a sim-models builder returned for this scenario (e.g. from
    /// `Catalog::apply` or `FabricSpec::build`), by their key paths, sorted by position.
    pub fn diagnose(&self, errors: &[ModelError]) -> Diagnostics {
        self.source.diagnose(errors)
    }
}

/// Reads scenario `text` (named `file_name` in messages): TOML syntax, then the schema.
/// Returns every problem found, sorted by position, or the scenario if there are none.
pub fn parse(file_name: &str, text: &str) -> Result<Scenario, Diagnostics> {
    match parse_lenient(file_name, text)? {
        (scenario, schema) if schema.0.is_empty() => Ok(scenario),
        (_, schema) => Err(schema),
    }
}

/// Like [`parse`], but a file whose TOML parses is returned even with schema problems,
/// together with them: invalid or missing values are left at neutral defaults, so the
/// model builders can still check the rest of the file and every problem is reported in
/// one pass. Keep builder errors under a path the schema already flagged out of the report
/// ([`Diagnostics::merge_model`]).
pub fn parse_lenient(file_name: &str, text: &str) -> Result<(Scenario, Diagnostics), Diagnostics> {
    let map = SourceMap::new(file_name, text);
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(Diagnostics::sorted(syntax::diagnostics(&map, &errors)));
    }
    let mut walker = walk::Walker::new(map);
    let parts = walker.scenario(doc.get_ref());
    let schema = Diagnostics::sorted(std::mem::take(&mut walker.diagnostics));
    let mut catalog = parts.catalog;
    catalog.source = format!("scenario {file_name}");
    let scenario = Scenario {
        name: parts.name,
        horizon: parts.horizon,
        seed: parts.seed,
        catalog,
        fabric: parts.fabric,
        network: parts.network,
        source: walker.map,
    };
    Ok((scenario, schema))
}
