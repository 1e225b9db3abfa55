//! The serving sections of a scenario file (`[serving]`, `[[services]]`, `[[partitions]]`,
//! `[random_partitions]`) as read, before the run resolves them: a service's trace users
//! still name their CSV file, which the run reads (the CLI owns file I/O).
//!
//! Key paths: a service is located by its name (`["services", name, ...]`, as
//! `ServiceSpec::resolve` reports), its replica groups and users by index
//! (`["services", name, "replicas", i]`, `["services", name, "users", i]`); partitions
//! by index (`["partitions", i]`); `["random_partitions", field]`.

use sim_models::inference::arrival::RateProfile;
use sim_models::inference::service::ServiceSpec;
use sim_models::network::{PartitionSpec, RandomPartitionSpec};
use sim_models::sim::serving::Fidelity;

/// Everything the serving sections say; no services and no partitions when absent.
#[derive(Clone, Debug, PartialEq)]
pub struct ServingSection {
    /// `[serving] fidelity` (with `flow_interval`); request fidelity when absent.
    pub fidelity: Fidelity,
    /// `[serving] sample_requests`: keep one request in this many for `requests.csv`
    /// (0: none).
    pub sample_requests: u64,
    /// `[[services]]`, in file order.
    pub services: Vec<ServiceSection>,
    /// `[[partitions]]`, in file order.
    pub partitions: Vec<PartitionSpec>,
    /// `[random_partitions]`, if given.
    pub random_partitions: Option<RandomPartitionSpec>,
}

impl Default for ServingSection {
    fn default() -> Self {
        Self {
            fidelity: Fidelity::Request,
            sample_requests: 0,
            services: Vec::new(),
            partitions: Vec::new(),
            random_partitions: None,
        }
    }
}

/// One `[[services]]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceSection {
    /// The service with its defaults filled in, except `users` (empty here: see
    /// [`Self::users`]).
    pub spec: ServiceSpec,
    /// `[[services.users]]`, in file order.
    pub users: Vec<UserSection>,
}

/// One `[[services.users]]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct UserSection {
    /// `region`: a catalog `cloud/region` (checked when the run is built).
    pub region: String,
    /// `rate_per_s` and its profile, or `trace`.
    pub arrivals: UserArrivals,
}

/// When a population of users sends requests.
#[derive(Clone, Debug, PartialEq)]
pub enum UserArrivals {
    /// A Poisson process with this rate profile.
    Profile(RateProfile),
    /// A trace to replay: the CSV file as written, relative to the scenario's folder.
    TraceFile(String),
}
