//! What the serving side of a run reports: per service, per user region, per hour, and a
//! sample of individual requests.
//!
//! Counts are `f64` because the flow fidelity produces expected counts; in request mode
//! they are whole numbers.

use sim_core::time::SimTime;

/// Latency percentiles of one population of requests, milliseconds (`NaN` when empty).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencySummary {
    /// Requests measured.
    pub count: f64,
    /// Mean.
    pub mean_ms: f64,
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
}

impl LatencySummary {
    /// No requests measured.
    pub const EMPTY: Self = Self {
        count: 0.0,
        mean_ms: f64::NAN,
        p50_ms: f64::NAN,
        p90_ms: f64::NAN,
        p99_ms: f64::NAN,
    };
}

/// Request outcomes and latencies of a group of requests (a service, one user region of a
/// service, or one hour).
#[derive(Clone, Debug, PartialEq)]
pub struct ServingFigures {
    /// Requests that arrived.
    pub requests: f64,
    /// Requests completed (first and last token delivered) within the horizon.
    pub completed: f64,
    /// Requests dropped: no reachable live replica, or retries exhausted.
    pub dropped: f64,
    /// Re-sends of requests whose replica died (one request may be retried several times).
    pub retried: f64,
    /// Time to first token of completed requests, including the network round trip.
    pub ttft: LatencySummary,
    /// Time per output token of completed requests.
    pub tpot: LatencySummary,
    /// Share of arrived requests that completed within both SLOs (dropped ones miss).
    pub slo_attainment: f64,
    /// Output tokens delivered.
    pub tokens_out: f64,
}

/// One hour of one service (a row of `service_timeline.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceWindow {
    /// Start of the hour.
    pub start: SimTime,
    /// Requests that arrived in the hour: outcomes, latencies and SLO attainment.
    pub figures: ServingFigures,
}

/// One user region of one service.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionReport {
    /// `cloud/region` of the users.
    pub region: String,
    /// Their requests.
    pub figures: ServingFigures,
    /// Per hour of the run (request fidelity only; empty at flow fidelity).
    pub timeline: Vec<ServiceWindow>,
}

/// The figures of one service over the run (a row of `services.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceReport {
    /// Service name.
    pub name: String,
    /// All its requests.
    pub figures: ServingFigures,
    /// Per user population, in input order.
    pub regions: Vec<RegionReport>,
    /// Per hour of the run.
    pub timeline: Vec<ServiceWindow>,
    /// Output tokens per second over the horizon.
    pub tokens_per_s: f64,
    /// Busy slot-time over live slot-time of its replicas.
    pub utilisation: f64,
    /// Replica-hours lost to failures, outages and restarts.
    pub replica_down_h: f64,
    /// Facility energy of its replicas, kWh.
    pub energy_kwh: f64,
    /// Facility energy per 1,000 output tokens, Wh.
    pub wh_per_1k_tokens: f64,
    /// On-demand cost of its replicas' accelerators over the horizon, USD.
    pub cost_usd: f64,
    /// Cost per million output tokens, USD.
    pub usd_per_m_tokens: f64,
}

/// What happened to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered its last token.
    Completed,
    /// Dropped (no route, or retries exhausted).
    Dropped,
}

impl Outcome {
    /// The name written to `requests.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Dropped => "dropped",
        }
    }
}

/// One sampled request (a row of `requests.csv`, request fidelity only).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RequestRecord {
    /// Service index.
    pub service: u16,
    /// User population index within the service.
    pub users: u16,
    /// When the user sent it.
    pub arrival: SimTime,
    /// Site of the replica that served it (last one tried), if any.
    pub site: Option<u16>,
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Output tokens.
    pub output_tokens: u32,
    /// Times it was re-sent after its replica died.
    pub retries: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// Time to first token, s (`NaN` if dropped).
    pub ttft_s: f64,
    /// Time per output token, s (`NaN` if dropped).
    pub tpot_s: f64,
}
