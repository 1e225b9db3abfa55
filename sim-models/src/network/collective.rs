//! Intra-cluster collectives by the alpha-beta model: a message of `n` bytes crossing one
//! hop costs `α + n/β`, with `α` the per-hop latency (s) and `β` the per-direction
//! bandwidth of the link (bytes/s).
//!
//! For `p` participants each holding `n` bytes (e.g. a gradient buffer), a ring moves
//! `n/p`-byte chunks in `p - 1` steps per phase:
//!
//! ```text
//! reduce-scatter = all-gather = (p-1) α + (p-1)/p · n/β
//! ring all-reduce             = 2(p-1) α + 2(p-1)/p · n/β
//! ```
//!
//! Hierarchical all-reduce over `m` scale-up domains of `k` chips (`p = k m`): a
//! reduce-scatter inside each domain over scale-up leaves each chip `n/k` bytes; `k`
//! parallel rings (one per chip position, each chip on its own NIC) all-reduce those over
//! scale-out across the `m` domains; an all-gather inside each domain completes it:
//!
//! ```text
//! T = 2(k-1) α_up + 2(k-1)/k · n/β_up  +  2(m-1) α_out + 2(m-1)/m · (n/k)/β_out
//! ```
//!
//! Units: catalog scale-up bandwidth is GB/s *bidirectional* per chip (NVLink, NeuronLink,
//! ICI marketing figures), so a ring sees half of it per direction; scale-out is Gbit/s per
//! chip and NIC line rates are already per direction (full duplex), so `β_out` is that
//! figure / 8. Default hop latencies are estimates (no vendor datasheet figure): about
//! 1 µs per scale-up hop and 5 µs per scale-out (RDMA) hop, the upper end of its 1-5 µs
//! NIC-to-NIC range to leave room for software per step.

use crate::catalog::AcceleratorSpec;

/// Default per-hop latency on the scale-up fabric (NVLink class), s. Estimate.
pub const SCALEUP_HOP_LATENCY_S: f64 = 1e-6;

/// Default per-hop latency on the scale-out fabric (RDMA over InfiniBand or RoCE), s.
/// Estimate.
pub const SCALEOUT_HOP_LATENCY_S: f64 = 5e-6;

/// The cost of one hop: latency `α` and per-direction bandwidth `β`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AlphaBeta {
    /// Per-hop latency `α`, s.
    pub latency_s: f64,
    /// Per-direction bandwidth `β`, bytes/s.
    pub bytes_per_s: f64,
}

impl AlphaBeta {
    /// A scale-up link from the catalog's bidirectional GB/s per chip (halved for one
    /// direction).
    pub fn scaleup(gbps_bidir: f64, latency_s: f64) -> Self {
        Self {
            latency_s,
            bytes_per_s: gbps_bidir / 2.0 * 1e9,
        }
    }

    /// A scale-out link from the catalog's Gbit/s per chip (per direction).
    pub fn scaleout(gbit: f64, latency_s: f64) -> Self {
        Self {
            latency_s,
            bytes_per_s: gbit * 1e9 / 8.0,
        }
    }
}

/// Time of a ring reduce-scatter (or all-gather) of `bytes` per participant over
/// `participants` on `link`, s: `(p-1) α + (p-1)/p · n/β`. Zero for one participant.
pub fn ring_reduce_scatter_secs(bytes: f64, participants: u32, link: AlphaBeta) -> f64 {
    if participants <= 1 {
        return 0.0;
    }
    let p = f64::from(participants);
    (p - 1.0) * link.latency_s + (p - 1.0) / p * bytes / link.bytes_per_s
}

/// Time of a ring all-gather; the same as [`ring_reduce_scatter_secs`].
pub fn ring_all_gather_secs(bytes: f64, participants: u32, link: AlphaBeta) -> f64 {
    ring_reduce_scatter_secs(bytes, participants, link)
}

/// Time of a ring all-reduce of `bytes` per participant over `participants` on `link`,
/// s: `2(p-1) α + 2(p-1)/p · n/β` (a reduce-scatter then an all-gather).
pub fn ring_all_reduce_secs(bytes: f64, participants: u32, link: AlphaBeta) -> f64 {
    2.0 * ring_reduce_scatter_secs(bytes, participants, link)
}

/// The two tiers of a cluster's fabric and the size of its scale-up domain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClusterLinks {
    /// Hop inside a scale-up domain.
    pub scaleup: AlphaBeta,
    /// Hop between domains.
    pub scaleout: AlphaBeta,
    /// Chips per scale-up domain (at least 1).
    pub domain_chips: u32,
}

impl ClusterLinks {
    /// The links of an accelerator kind, with the default hop latencies.
    pub fn from_accelerator(spec: &AcceleratorSpec) -> Self {
        Self {
            scaleup: AlphaBeta::scaleup(spec.scaleup_gbps, SCALEUP_HOP_LATENCY_S),
            scaleout: AlphaBeta::scaleout(spec.scaleout_gbit, SCALEOUT_HOP_LATENCY_S),
            domain_chips: spec.scaleup_domain.max(1),
        }
    }

    /// The same links with another scale-up domain size (a cluster's override).
    pub fn with_domain(self, domain_chips: u32) -> Self {
        Self {
            domain_chips: domain_chips.max(1),
            ..self
        }
    }

    /// Hierarchical all-reduce time, s; see [`hierarchical_all_reduce_secs`].
    pub fn all_reduce_secs(&self, bytes: f64, participants: u32) -> f64 {
        hierarchical_all_reduce_secs(bytes, participants, self)
    }
}

/// Time of a hierarchical all-reduce of `bytes` per participant over `participants`
/// chips of a cluster with `links`, s (formula in the module docs).
///
/// With `k = min(domain_chips, p)` and `m = ⌈p/k⌉`: a partial last domain is costed as a
/// full one (an upper bound), and `p <= domain_chips` is a ring all-reduce over scale-up.
pub fn hierarchical_all_reduce_secs(bytes: f64, participants: u32, links: &ClusterLinks) -> f64 {
    if participants <= 1 {
        return 0.0;
    }
    let k = links.domain_chips.clamp(1, participants);
    let m = participants.div_ceil(k);
    let intra = ring_reduce_scatter_secs(bytes, k, links.scaleup)
        + ring_all_gather_secs(bytes, k, links.scaleup);
    let inter = ring_all_reduce_secs(bytes / f64::from(k), m, links.scaleout);
    intra + inter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DataStatus, Provenance};

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() <= 1e-12 * want.abs().max(1e-300)
    }

    /// H100 SXM per `data/accelerators.csv`: 900 GB/s NVLink bidirectional,
    /// 8 per domain, 400 Gbit/s per GPU.
    fn h100() -> AcceleratorSpec {
        AcceleratorSpec {
            name: "h100".into(),
            display_name: "NVIDIA H100 SXM 80GB".into(),
            vendor: "NVIDIA".into(),
            bf16_tflops: 989.0,
            hbm_gb: 80.0,
            hbm_tbps: 3.35,
            tdp_w: 700.0,
            idle_w: 70.0,
            host_w_per_chip: 300.0,
            scaleup_gbps: 900.0,
            scaleup_domain: 8,
            scaleout_gbit: 400.0,
            instance_chips: 8,
            provenance: Provenance {
                status: DataStatus::Published,
                source: "test".into(),
            },
        }
    }

    #[test]
    fn units_halve_bidirectional_scaleup_and_divide_gbit_by_eight() {
        let l = ClusterLinks::from_accelerator(&h100());
        assert_eq!(l.scaleup.bytes_per_s, 450e9);
        assert_eq!(l.scaleout.bytes_per_s, 50e9);
        assert_eq!(l.scaleup.latency_s, 1e-6);
        assert_eq!(l.scaleout.latency_s, 5e-6);
        assert_eq!(l.domain_chips, 8);
    }

    #[test]
    fn ring_all_reduce_by_hand() {
        // p = 4, n = 1 GB over 400 Gbit/s, 5 us: 2·3·5e-6 + 2·3/4 · 1e9/50e9 = 0.03003 s.
        let link = AlphaBeta::scaleout(400.0, 5e-6);
        assert!(close(ring_all_reduce_secs(1e9, 4, link), 0.030_03));
        assert!(close(ring_reduce_scatter_secs(1e9, 4, link), 0.015_015));
        assert!(close(ring_all_gather_secs(1e9, 4, link), 0.015_015));
        assert_eq!(ring_all_reduce_secs(1e9, 1, link), 0.0);
        assert_eq!(ring_all_reduce_secs(1e9, 0, link), 0.0);
    }

    #[test]
    fn hierarchical_all_reduce_by_hand() {
        // 64 H100 = 8 domains of 8, n = 1 GB.
        // intra: 2·7·1e-6 + 2·7/8 · 1e9/450e9 = 1.4e-5 + 0.003888... = 0.003902888...
        // inter: 2·7·5e-6 + 2·7/8 · 1.25e8/50e9 = 7e-5 + 0.004375   = 0.004445
        let l = ClusterLinks::from_accelerator(&h100());
        let want = 1.4e-5 + 1.75 / 450.0 + 7e-5 + 0.004_375;
        assert!(close(l.all_reduce_secs(1e9, 64), want));
        assert!((want - 0.008_347_89).abs() < 1e-8);
        // A flat ring over scale-out is about 5x slower: 6.3e-4 + 0.039375 = 0.040005 s.
        let flat = ring_all_reduce_secs(1e9, 64, l.scaleout);
        assert!(close(flat, 0.040_005));
    }

    #[test]
    fn hierarchical_within_one_domain_is_a_scaleup_ring() {
        let l = ClusterLinks::from_accelerator(&h100());
        for p in 1..=8 {
            assert!(close(
                hierarchical_all_reduce_secs(1e9, p, &l),
                ring_all_reduce_secs(1e9, p, l.scaleup)
            ));
        }
    }

    #[test]
    fn partial_domains_cost_as_full_ones() {
        // 12 chips, domains of 8: k = 8, m = 2, the same as 16 chips.
        let l = ClusterLinks::from_accelerator(&h100());
        assert_eq!(l.all_reduce_secs(1e9, 12), l.all_reduce_secs(1e9, 16));
        // NVL72-sized domain override: 144 chips = 2 domains of 72.
        let nvl = l.with_domain(72);
        let want =
            2.0 * 71.0 * 1e-6 + 2.0 * 71.0 / 72.0 * 1e9 / 450e9 + 2.0 * 5e-6 + 1e9 / 72.0 / 50e9;
        assert!(close(nvl.all_reduce_secs(1e9, 144), want));
        assert_eq!(l.with_domain(0).domain_chips, 1);
    }
}
