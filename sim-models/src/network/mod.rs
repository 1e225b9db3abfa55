//! The network: inter-region round-trip times, WAN bandwidth and egress prices, transfer
//! times, and intra-cluster collective times.
//!
//! ```text
//!   Catalog ──> RttModel      (region x region RTT: measured, else estimated)
//!           ──> EgressPrices  (region x region USD/GB)
//!   NetworkSpec + sites ──> WanModel (site x site Gbit/s, RTT overrides)
//!   WanModel::path(a, b, &RttModel, &EgressPrices) ──> WanPath { rtt, gbit, usd_per_gb }
//!   WanPath::transfer_time(bytes, &TransferParams)  ──> SimDuration
//!   ClusterLinks::from_accelerator(spec).all_reduce_secs(bytes, chips) ──> seconds
//! ```
//!
//! Every lookup after construction is O(1) (dense matrices; regions and sites number
//! below 100).
//!
//! # Round-trip time between regions ([`RttModel`])
//!
//! In order of precedence, for regions `a` and `b`:
//!
//! 1. a measurement in the catalog ([`RttBasis::Measured`]; either order, duplicates
//!    averaged);
//! 2. a catalog row of status `estimate` ([`RttBasis::CatalogEstimate`]);
//! 3. `a == b`: [`SAME_REGION_RTT_MS`] = 1 ms ([`RttBasis::SameRegion`], an estimate
//!    between Azure's measured 0.9 ms same-zone and 1.6 ms cross-zone means);
//! 4. one metro (same metro name, or centroids within [`SAME_METRO_RADIUS_KM`] = 50 km):
//!    [`SAME_METRO_RTT_MS`] = 2 ms ([`RttBasis::SameMetro`], an estimate inside the
//!    estimated 1-5 ms for cross-cloud same-metro pairs);
//! 5. otherwise the great-circle estimate ([`RttBasis::GreatCircle`]):
//!
//! ```text
//! d         = haversine distance between metro centroids, R = 6371 km
//! fibre(d)  = 2 d / (2/3 c)                 ≈ 1 ms per 100 km
//! rtt(d)    = max(a + f · fibre(d), fibre(d))
//! ```
//!
//! `f` (route inflation) and `a` (fixed delay) minimise the squared *relative* error over
//! the catalog's measured pairs of distinct metros (see [`RttFit`] for why relative and
//! why an intercept). On the built-in catalog (36 Azure P95 pairs, 12-242 ms):
//!
//! | fit                        | a (ms) | f     | median err | max err | RMS err |
//! |----------------------------|--------|-------|------------|---------|---------|
//! | in-sample                  | 8.71   | 1.428 | 13.4 %     | 41.5 %  | 15.7 %  |
//! | leave-one-out (per pair)   |        |       | 14.0 %     | 42.1 %  | 16.4 %  |
//!
//! The worst pair is Tokyo-Amsterdam (242 ms measured, 141 ms estimated): traffic goes via
//! the US or Suez, not along the great circle over Russia. 90 % of pairs are within 22 %.
//! Because the data are P95 values, estimates are P95-like too. [`RttModel::fit`] reports
//! the numbers for whatever catalog the model was built from (scenario additions
//! included), and [`RttModel::fit_pairs`] lists every pair's residual.
//!
//! # WAN bandwidth and prices ([`WanModel`], [`EgressPrices`])
//!
//! Every pair of sites gets [`NetworkSpec::wan_gbit_default`] unless a [`LinkSpec`]
//! overrides it (bandwidth and optionally RTT). Data sent from region `a` to `b` costs the
//! inter-AZ price both ways (0.02 $/GB) within one region, the cloud's inter-region price
//! within one cloud, and the *source* cloud's internet egress price across clouds.
//!
//! # Transfer time ([`TransferParams`])
//!
//! ```text
//! t = s · RTT + 8 N / min(B, 8 W / RTT)      (s = 2 setup round trips, W optional)
//! ```
//!
//! # Collectives ([`ClusterLinks`])
//!
//! Alpha-beta model, `n` bytes per participant, `β` per direction (half the catalog's
//! bidirectional scale-up GB/s; the scale-out Gbit/s / 8), `α` per hop (1 µs scale-up,
//! 5 µs scale-out by default):
//!
//! ```text
//! ring all-reduce          2(p-1) α + 2(p-1)/p · n/β
//! hierarchical (k x m)     2(k-1) α_up + 2(k-1)/k · n/β_up + 2(m-1) α_out + 2(m-1)/m · n/(k β_out)
//! ```
//!
//! ```
//! use sim_models::network::{AlphaBeta, ClusterLinks, TransferParams};
//!
//! // 64 H100 (domains of 8; 900 GB/s NVLink bidirectional; 400 Gbit/s per GPU), 1 GB.
//! let links = ClusterLinks {
//!     scaleup: AlphaBeta::scaleup(900.0, 1e-6),
//!     scaleout: AlphaBeta::scaleout(400.0, 5e-6),
//!     domain_chips: 8,
//! };
//! let t = links.all_reduce_secs(1e9, 64);
//! assert!((t - 0.008_347_89).abs() < 1e-8);
//!
//! // A 2 TB checkpoint over 400 Gbit/s at 76 ms RTT: 2 x 0.076 s + 40 s.
//! let d = TransferParams::default().time(2e12, 76.0, 400.0);
//! assert_eq!(d.as_nanos(), 40_152_000_000);
//! ```

mod collective;
mod geo;
mod partition;
mod rtt;
mod spec;
mod transfer;
mod wan;

pub use collective::*;
pub use geo::*;
pub use partition::*;
pub use rtt::*;
pub use spec::*;
pub use transfer::*;
pub use wan::*;
