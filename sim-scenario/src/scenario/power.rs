//! The power, commitment and carbon sections of a scenario file, as plain data: the
//! `fabricsim` run maps them to the sim-models power, accounting and carbon types
//! (scripted curtailments and grid outages are read into sim-models' specs directly).
//!
//! Site keys are checked against the file's `[sites.*]` by the walker; cloud and region
//! keys (of `[commitments.*]` and `[carbon.*.*]`) are checked when the run is built, under
//! the key paths each field's doc names.

use sim_core::time::{SimDuration, SimTime};
use sim_models::power::{CurtailmentSpec, GridOutageSpec};

/// Everything the power, commitment and carbon sections say; empty when the file has none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PowerSection {
    /// `[power.sites.<site>]`, in file order (key path `["power", "sites", site]`).
    pub sites: Vec<SitePowerEntry>,
    /// `[[curtailments]]`, in file order (key path `["curtailments", index]`); sites are
    /// site keys of the file, `cap_fraction` is in `[0, 1)`.
    pub curtailments: Vec<CurtailmentSpec>,
    /// `[[random_curtailments]]`, in file order (key path `["random_curtailments", index]`).
    pub random_curtailments: Vec<RandomCurtailment>,
    /// `[[grid_outages]]`, in file order (key path `["grid_outages", index]`).
    pub grid_outages: Vec<GridOutageSpec>,
    /// `[commitments.<cloud>]`, in file order (key path `["commitments", cloud]`).
    pub commitments: Vec<Commitment>,
    /// `[carbon.<cloud>.<region>]`, in file order (key path `["carbon", cloud, region]`).
    pub carbon_profiles: Vec<CarbonProfile>,
}

/// `[power.sites.<site>]`: how one site behaves when its power is short.
#[derive(Clone, Debug, PartialEq)]
pub struct SitePowerEntry {
    /// The site key (the table name), a site of the file.
    pub site: String,
    /// `policy`: `"throttle"` (the default), `"refuse"` or `"preempt"`.
    pub policy: String,
    /// `backup_fraction`: the share of the site's power cap its backup power supplies
    /// during a grid outage, in `(0, 1]`; `None` when the site has no backup power.
    pub backup_fraction: Option<f64>,
}

/// `[[random_curtailments]]`: curtailments arriving as a Poisson process.
#[derive(Clone, Debug, PartialEq)]
pub struct RandomCurtailment {
    /// `site`: a site key of the file, or `None` for every site (one process each).
    pub site: Option<String>,
    /// `rate_per_year`: curtailments per site per year (>= 0).
    pub rate_per_year: f64,
    /// `duration_median`: median duration of a log-normal (> 0).
    pub duration_median: SimDuration,
    /// `duration_p90`: 90th percentile of the duration, above `duration_median`.
    pub duration_p90: SimDuration,
    /// `cap_fraction`: the power available meanwhile, as a fraction of the site's power
    /// cap, in `[0, 1)`.
    pub cap_fraction: f64,
}

/// `[commitments.<cloud>]`: committed spend with one cloud.
#[derive(Clone, Debug, PartialEq)]
pub struct Commitment {
    /// The cloud key (the table name; checked against the catalog by the run).
    pub cloud: String,
    /// `total_usd`: spend committed over the whole period, USD (> 0), for a spend commitment.
    pub total_usd: Option<f64>,
    /// `accelerator`, `count` and optional `usd_per_chip_hour`, for a capacity commitment.
    pub capacity: Option<(String, u32, Option<f64>)>,
    /// `start`: when the commitment starts (`0s` when absent).
    pub start: SimTime,
    /// `period`: length of the commitment (> 0), e.g. `"2555d"`.
    pub period: SimDuration,
}

/// `[carbon.<cloud>.<region>]`: an hourly carbon-intensity profile of one region.
#[derive(Clone, Debug, PartialEq)]
pub struct CarbonProfile {
    /// The cloud key (the first table name).
    pub cloud: String,
    /// The region code (the second table name).
    pub region: String,
    /// `hourly_g_per_kwh`: gCO2e/kWh per hour, non-empty, each >= 0; hour `h` of the run
    /// uses value `h mod len` (24 values: a daily cycle; 8760: a year).
    pub hourly_g_per_kwh: Vec<f64>,
}
