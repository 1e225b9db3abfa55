//! What a scenario says about the network.

/// WAN settings of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkSpec {
    /// Default WAN bandwidth between two sites in different regions, Gbit/s.
    pub wan_gbit_default: f64,
    /// Per-pair overrides.
    pub links: Vec<LinkSpec>,
}

/// A WAN bandwidth (and optionally RTT) override between two sites.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkSpec {
    /// One site key.
    pub a: String,
    /// The other site key.
    pub b: String,
    /// Bandwidth, Gbit/s.
    pub gbit: f64,
    /// Round-trip time override, ms.
    pub rtt_ms: Option<f64>,
}
