//! Renders the scenario-format reference (`docs/scenario-format.md`) from the `schema`
//! tables the walker reads with, so the reference cannot drift from the parser.
//!
//! A test compares the file with [`markdown`]; run `FABRICSIM_BLESS=1 cargo test -p sim-scenario
//! scenario` to rewrite it after changing the schema.

use std::fmt::Write as _;

use sim_models::policy::Registry;

use super::schema::{self, Presence, TABLES};

/// A complete scenario using every table; the reference shows it and a test parses it.
pub(crate) const EXAMPLE: &str = r#"[sim]
name = "two-clouds"
horizon = "30d"
seed = 42

[network]
wan_gbit_default = 400

[[network.links]]
a = "aws-use1"
b = "gcp-usc1"
gbit = 800
rtt_ms = 30

[sites.aws-use1]
cloud = "aws"
region = "us-east-1"
power_cap_mw = 120
pue = 1.12

[sites.aws-use1.clusters.h100-a]
accelerator = "h100"
count = 16384
node_size = 8
rack_nodes = 4

[sites.aws-use1.clusters.trn2-a]
accelerator = "trn2"
count = 8192
node_size = 16
scaleup_domain = 64

[sites.gcp-usc1]
cloud = "gcp"
region = "us-central1"
power_cap_mw = 60
online_from = "7d"

[sites.gcp-usc1.clusters.v5p-a]
accelerator = "tpu-v5p"
count = 8960

[sites.lambda-tx]
cloud = "lambda"
region = "us-tx-1"
power_cap_mw = 10

[sites.lambda-tx.clusters.h100-l]
accelerator = "h100"
count = 2048

# Catalog changes: a different H100 TDP, and a new cloud with one region.
[catalog.accelerators.h100]
tdp_w = 650

[catalog.clouds.lambda]
display_name = "Lambda"
egress_usd_per_gb = 0.0
inter_region_usd_per_gb = 0.0
offers = ["h100"]

[catalog.regions.lambda.us-tx-1]
metro = "Dallas TX"
lat = 32.78
lon = -96.8
pue = 1.3
carbon_g_per_kwh = 370

[catalog.offerings.lambda.h100]
usd_per_chip_hour = 2.49

# The workload: one large job, and small jobs arriving at random.
[jobs.llama-405b]
params = 405e9
tokens = 15.6e12
accelerators = 16384
kinds = ["h100"]
mfu = 0.38
checkpoint_interval = "45m"
storage_gbit = 8000
priority = 10

[job_generators.research]
mean_interarrival = "6h"
sizes = [[8, 0.6], [64, 0.3], [512, 0.1]]
duration_median = "12h"
duration_p90 = "3d"
params = 8e9
kinds = ["h100", "trn2"]
arrival = "1d"

# What goes wrong: component failures, a scripted regional outage, random regional
# outages and planned maintenance.
[failures]
model = "llama3-h100"
rate_scale = 1.5

[failures.categories.optics]
scope = "node"
rate_per_accel_hour = 1e-6
repair_median = "2h"
repair_p90 = "8h"

[[outages]]
scope = "region:aws/us-east-1"
at = "12d"
duration = "6h"

[[background_outages]]
level = "region"
rate_per_year = 0.5

[[maintenance]]
scope = "cluster:aws-use1/h100-a"
count = 20
duration = "30m"
first_at = "1d"
spread = "random"

# Power: how sites behave when the grid caps or cuts their power, and when it does.
[power.sites.aws-use1]
policy = "preempt"
backup_fraction = 0.3

[power.sites.gcp-usc1]
policy = "throttle"

[[curtailments]]
site = "aws-use1"
at = "3d"
duration = "4h"
cap_fraction = 0.6

[[random_curtailments]]
rate_per_year = 6
duration_median = "2h"
duration_p90 = "8h"
cap_fraction = 0.5

[[grid_outages]]
site = "gcp-usc1"
at = "20d"
duration = "90m"

# Money and carbon: a 7-year spend commitment, and a daily carbon-intensity cycle.
[commitments.aws]
total_usd = 2.5e9
period = "2555d"

[carbon.aws.us-east-1]
hourly_g_per_kwh = [
  420, 410, 400, 395, 390, 395, 405, 420, 410, 380, 350, 330,
  320, 315, 320, 335, 360, 400, 430, 445, 450, 445, 435, 425,
]

# Inference: a chat service on two sites for users on two continents, a scripted
# partition between them, and random isolations of single regions.
[serving]
fidelity = "request"
sample_requests = 1000

[[services]]
name = "chat"
model = "llama3-70b"
output_tokens = { dist = "lognormal", median = 129, p90 = 424, max = 1000 }
max_batch = 32
routing = "latency-aware"

[[services.replicas]]
site = "lambda-tx"
cluster = "h100-l"
count = 16
chips = 8

[[services.replicas]]
site = "gcp-usc1"
cluster = "v5p-a"
count = 8
chips = 4

[[services.users]]
region = "aws/us-east-1"
rate_per_s = 20
profile = "sinusoid"
amplitude = 0.5
peak_hour = 14
weekly = [1, 1, 1, 1, 1, 0.6, 0.5]

[[services.users]]
region = "gcp/europe-west4"
rate_per_s = 8
# or replay a trace instead of rate_per_s:
# trace = "traces/chat.csv"   # timestamp_s,prompt_tokens,output_tokens

[[partitions]]
a = "aws/us-east-1"
b = "gcp/europe-west4"
at = "2d"
duration = "2h"

[random_partitions]
rate_per_year = 2
duration_median = "30m"
duration_p90 = "4h"

# Policies: where work goes, what an interrupted job does, and a log of the decisions.
[policy]
placement = "cheapest"
failover = "threshold"
decisions = true

[policy.placement_params]
amortise_h = 48

[policy.failover_params]
max_wait = "2h"
"#;

/// A file with several mistakes; the reference shows what `fabricsim` says about it.
pub(crate) const BAD_EXAMPLE: &str = r#"[sim]
horizon = "30 days"
seed = 42

[sites.aws-use1]
cloud = "aws"
region = "us-east-1"
powr_cap_mw = 45

[sites.aws-use1.clusters.h100-a]
accelerator = "h100"
count = "lots"
"#;

const INTRO: &str = "\
A scenario file describes a study (`[sim]`), the fabric it runs on (sites and their \
clusters, the wide-area network between them, and changes to the hardware catalog), the \
training jobs and inference services it runs, the placement and failover policies they run \
under, what goes wrong (random failures, scripted and background outages, planned \
maintenance, network partitions), the power sites get \
(per-site policies, grid curtailments and outages), spend commitments and hourly carbon \
intensity, in one TOML file.

Rules that hold everywhere:

- **Unknown keys are errors**, with a \"did you mean\" for a misspelling. Nothing is \
silently ignored.
- **Durations** are strings: a number and a unit with no space, terms adding up: `\"90s\"`, \
`\"15m\"`, `\"1.5h\"`, `\"1h30m\"`, `\"30d\"`. Units: `ns`, `us`, `ms`, `s`, `m` (or `min`), \
`h`, `d`, `w`. Never negative.
- **Numbers**: an integer is accepted wherever a number is expected (`power_cap_mw = 45`); \
an integer key does not accept a float (`count = 1.5` is an error).
- **Names** (site, cluster, job, generator, service, failure-category and catalog keys) \
use letters, digits, `-` and `_`.
- **Alternatives**: where a table offers alternative keys (a job's `tokens` or `duration`, \
a maintenance `count` or `every`, a `repair` or `repair_median` + `repair_p90`), give \
exactly one; giving two is an error, as is half of a pair.
- **Every problem is reported at once**, each as `file:line:column: key.path: message`, \
sorted by position. TOML syntax errors are reported first and alone (a file that does not \
parse cannot be checked further).
- The schema checks types, ranges and references within the file (the site keys a link or \
a power section names). References into the catalog (an unknown accelerator, cloud or \
region, including those of `[commitments.<cloud>]` and `[carbon.<cloud>.<region>]`; a \
cloud that does not offer an accelerator; a job's `kinds`; the regions of services' users \
and of partitions), policy and failure model names and their parameters (against the \
models of the binary: `fabricsim models`), outage scopes (domain keys of the built fabric), \
the sites and clusters of service replicas (do the weights fit in their HBM?) and trace \
files (`FILE:LINE: column: problem`) are checked when the run is built, and reported the \
same way.
";

/// The reference as Markdown; the [Models](#models) section lists `registry`'s entries
/// (the built-ins for `docs/scenario-format.md`; a plug-in binary's own as well).
pub fn markdown(registry: &Registry) -> String {
    let mut out = String::new();
    out.push_str("# Scenario file format\n\n");
    out.push_str(
        "<!-- Generated from sim-scenario/src/scenario/sections/ by scenario::reference::markdown(); \
         do not edit.\n     Regenerate: FABRICSIM_BLESS=1 cargo test -p sim-scenario reference -->\n\n",
    );
    out.push_str(INTRO);
    out.push_str("\n## Example\n\n```toml\n");
    out.push_str(EXAMPLE);
    out.push_str("```\n\n## Tables\n");
    for table in TABLES {
        let _ = write!(out, "\n### `{}`\n\n{}\n", table.header, table.doc);
        if !table.fields.is_empty() {
            out.push_str("\n| Key | Type | When absent | Meaning |\n|---|---|---|---|\n");
            for f in table.fields {
                let absent = match f.presence {
                    Presence::Required => "**required**".to_owned(),
                    Presence::Optional(what) => what.to_owned(),
                    Presence::Default(v) => format!("`{v}`"),
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    f.key,
                    f.kind.doc_type(),
                    absent,
                    f.doc
                );
            }
        }
        if !table.children.is_empty() {
            let children: Vec<String> = table.children.iter().map(|c| format!("`{c}`")).collect();
            let _ = writeln!(out, "\nSub-tables: {}.", children.join(", "));
        }
    }
    models(&mut out, registry);
    if !schema::RESERVED.is_empty() {
        out.push_str(
            "\n## Reserved sections\n\nThese top-level sections are kept for later releases. \
             Writing one is an error saying so, never silently ignored:\n\n",
        );
        for (key, what) in schema::RESERVED {
            let _ = writeln!(out, "- `[{key}]`: {what} not simulated yet.");
        }
    }
    out.push_str("\n## Errors\n\nFor this file:\n\n```toml\n");
    out.push_str(BAD_EXAMPLE);
    out.push_str("```\n\n`fabricsim` reports:\n\n```text\n");
    match super::parse("scenario.toml", BAD_EXAMPLE) {
        Ok(_) => out.push_str("(no errors)\n"),
        Err(d) => {
            let _ = writeln!(out, "{d}");
        }
    }
    out.push_str("```\n");
    out
}

/// The `## Models` section: every placement policy, failover policy and failure model of
/// `registry`, with its summary (which names its parameters).
fn models(out: &mut String, registry: &Registry) {
    out.push_str(
        "\n## Models\n\nThe names `[policy] placement`, `[policy] failover` and \
         `[failures] model` accept, with what each does and the parameters it takes \
         (`[policy.placement_params]`, `[policy.failover_params]`, `[failures.params]`). \
         `fabricsim models` prints the same list for the binary at hand, including models \
         a plug-in binary adds.\n",
    );
    for section in crate::models::sections(registry) {
        let _ = write!(
            out,
            "\n### {} (`{}`)\n\n| Name | What it does |\n|---|---|\n",
            section.title, section.key
        );
        for (name, summary) in section.entries {
            let _ = writeln!(out, "| `{name}` | {} |", summary.replace('|', "\\|"));
        }
    }
}
