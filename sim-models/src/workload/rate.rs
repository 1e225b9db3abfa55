//! How fast a placed job trains: compute at the slowest kind's pace, plus the exposed
//! intra-cluster gradient all-reduce, plus the cross-site sync when it spans sites
//! (formulas in the [module docs](super)).

use super::training::{TRAINING_STATE_BYTES_PER_PARAM, TrainingJobSpec};
use crate::catalog::AcceleratorSpec;
use crate::network::{
    AlphaBeta, ClusterLinks, SCALEOUT_HOP_LATENCY_S, SCALEUP_HOP_LATENCY_S, WanPath,
};

/// Default fraction of the intra-cluster gradient all-reduce hidden behind the backward
/// pass: 0.9. Estimate (bucketed all-reduce overlaps all but the last buckets). The
/// default MFU is an end-to-end measurement that already contains Llama 3's exposed
/// communication, so the exposed remainder is kept small.
pub const DEFAULT_COMM_OVERLAP: f64 = 0.9;

/// Gradient bytes per parameter: BF16, 2.
pub const GRADIENT_BYTES_PER_PARAM: f64 = 2.0;

/// Knobs of the rate model; [`Default`] gives the documented defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateParams {
    /// Fraction of the intra-cluster all-reduce hidden behind compute, in [0, 1]
    /// ([`DEFAULT_COMM_OVERLAP`]).
    pub overlap: f64,
    /// Fraction of the cross-site sync hidden behind compute, in [0, 1]; default 0 (a
    /// WAN round is far longer than the backward pass it could hide behind).
    pub wan_overlap: f64,
    /// Gradient bytes per parameter ([`GRADIENT_BYTES_PER_PARAM`]).
    pub gradient_bytes_per_param: f64,
    /// Training-state bytes per parameter, which set the model-parallel degree
    /// ([`TRAINING_STATE_BYTES_PER_PARAM`]).
    pub state_bytes_per_param: f64,
}

impl Default for RateParams {
    fn default() -> Self {
        Self {
            overlap: DEFAULT_COMM_OVERLAP,
            wan_overlap: 0.0,
            gradient_bytes_per_param: GRADIENT_BYTES_PER_PARAM,
            state_bytes_per_param: TRAINING_STATE_BYTES_PER_PARAM,
        }
    }
}

/// The WAN side of an allocation that spans sites.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WanSpan {
    /// Sites the job runs in (2 or more to cost anything).
    pub sites: u32,
    /// Round-trip time of the slowest path among them, ms.
    pub rtt_ms: f64,
    /// Bandwidth of the slowest path among them, Gbit/s.
    pub gbit: f64,
}

impl WanSpan {
    /// A span over `sites` sites whose slowest path is `path`.
    pub fn from_path(sites: u32, path: &WanPath) -> Self {
        Self {
            sites,
            rtt_ms: path.rtt.ms,
            gbit: path.gbit,
        }
    }
}

/// What the simulator placed a job on.
#[derive(Clone, Copy, Debug)]
pub struct Allocation<'a> {
    /// Accelerators by kind: (spec, count). Kinds with count 0 are ignored.
    pub parts: &'a [(&'a AcceleratorSpec, u32)],
    /// The WAN span, or `None` for a job inside one site.
    pub span: Option<WanSpan>,
    /// Power throttle factor in [0, 1]; 1 is full speed.
    pub throttle: f64,
}

impl<'a> Allocation<'a> {
    /// An allocation in one site at full speed.
    pub fn new(parts: &'a [(&'a AcceleratorSpec, u32)]) -> Self {
        Self {
            parts,
            span: None,
            throttle: 1.0,
        }
    }

    /// The same allocation spanning sites.
    pub fn with_span(self, span: WanSpan) -> Self {
        Self {
            span: Some(span),
            ..self
        }
    }

    /// The same allocation at another throttle factor.
    pub fn with_throttle(self, throttle: f64) -> Self {
        Self { throttle, ..self }
    }
}

/// A job's training rate on an allocation, with the per-step breakdown behind it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobRate {
    /// Accelerators in the allocation (`n`).
    pub accelerators: u32,
    /// Model-parallel degree (chips holding one model replica).
    pub model_parallel: u32,
    /// Data-parallel degree (replicas): `max(1, ⌊n / model_parallel⌋)`.
    pub data_parallel: u32,
    /// `n × slowest peak` FLOP/s (no MFU, no throttle).
    pub peak_flops_per_s: f64,
    /// FLOPs per step: `6 × params × global batch tokens`.
    pub step_flops: f64,
    /// Compute time per step, s.
    pub compute_s: f64,
    /// Full intra-cluster gradient all-reduce time per step, s (before overlap).
    pub all_reduce_s: f64,
    /// Cross-site sync time per step, s (before overlap; 0 in one site).
    pub wan_sync_s: f64,
    /// Communication not hidden behind compute, s.
    pub exposed_comm_s: f64,
    /// Step time: compute + exposed communication, s.
    pub step_s: f64,
    /// Useful training FLOP/s: `step_flops / step_s`; 0 if the job cannot progress.
    pub useful_flops_per_s: f64,
}

impl JobRate {
    /// The rate of `spec` on `alloc` with the default [`RateParams`].
    pub fn new(spec: &TrainingJobSpec, alloc: &Allocation<'_>) -> Self {
        Self::with_params(spec, alloc, &RateParams::default())
    }

    /// The rate of `spec` on `alloc` with `params`. *O*(kinds in the allocation).
    ///
    /// Mixed kinds run at the slowest peak, and communicate over the slowest scale-up and
    /// scale-out links, the smallest scale-up domain and the smallest HBM among them.
    pub fn with_params(
        spec: &TrainingJobSpec,
        alloc: &Allocation<'_>,
        params: &RateParams,
    ) -> Self {
        let step_flops = spec.step_flops();
        let mut n = 0u32;
        let (mut peak, mut hbm_gb, mut up_gbps, mut out_gbit) =
            (f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::INFINITY);
        let mut domain = u32::MAX;
        for &(kind, count) in alloc.parts.iter().filter(|p| p.1 > 0) {
            n = n.saturating_add(count);
            peak = peak.min(kind.bf16_tflops);
            hbm_gb = hbm_gb.min(kind.hbm_gb);
            up_gbps = up_gbps.min(kind.scaleup_gbps);
            out_gbit = out_gbit.min(kind.scaleout_gbit);
            domain = domain.min(kind.scaleup_domain);
        }
        if n == 0 {
            return Self {
                accelerators: 0,
                model_parallel: 1,
                data_parallel: 1,
                peak_flops_per_s: 0.0,
                step_flops,
                compute_s: f64::INFINITY,
                all_reduce_s: 0.0,
                wan_sync_s: 0.0,
                exposed_comm_s: 0.0,
                step_s: f64::INFINITY,
                useful_flops_per_s: 0.0,
            };
        }
        let peak_flops_per_s = f64::from(n) * peak * 1e12;
        let compute_s = step_flops / (peak_flops_per_s * spec.mfu() * alloc.throttle);

        // Model parallelism: the smallest power of two of chips whose HBM holds the state.
        let chips_for_state = (params.state_bytes_per_param * spec.params / (hbm_gb * 1e9))
            .ceil()
            .max(1.0);
        let model_parallel = if chips_for_state >= f64::from(n) {
            n
        } else {
            // chips_for_state < n <= u32::MAX, so the cast is exact.
            (chips_for_state as u32).next_power_of_two().min(n)
        };
        let data_parallel = (n / model_parallel).max(1);

        // Each chip all-reduces its shard with its data-parallel peers; the members of
        // one group inside a scale-up domain are the domain's chips / model_parallel.
        let shard_bytes = params.gradient_bytes_per_param * spec.params / f64::from(model_parallel);
        let links = ClusterLinks {
            scaleup: AlphaBeta::scaleup(up_gbps, SCALEUP_HOP_LATENCY_S),
            scaleout: AlphaBeta::scaleout(out_gbit, SCALEOUT_HOP_LATENCY_S),
            domain_chips: domain,
        }
        .with_domain(domain / model_parallel);
        let all_reduce_s = links.all_reduce_secs(shard_bytes, data_parallel);

        let wan_sync_s = match alloc.span {
            Some(span) if span.sites >= 2 => {
                let gradient = params.gradient_bytes_per_param * spec.params;
                wan_ring_all_reduce_secs(gradient, span)
            }
            _ => 0.0,
        };
        let exposed_comm_s =
            all_reduce_s * (1.0 - params.overlap) + wan_sync_s * (1.0 - params.wan_overlap);
        let step_s = compute_s + exposed_comm_s;
        let useful_flops_per_s = if step_s.is_finite() && step_s > 0.0 {
            step_flops / step_s
        } else {
            0.0
        };
        Self {
            accelerators: n,
            model_parallel,
            data_parallel,
            peak_flops_per_s,
            step_flops,
            compute_s,
            all_reduce_s,
            wan_sync_s,
            exposed_comm_s,
            step_s,
            useful_flops_per_s,
        }
    }

    /// Achieved fraction of peak: useful FLOP/s / peak FLOP/s (MFU × throttle × the
    /// communication loss); 0 for an empty allocation.
    pub fn effective_mfu(&self) -> f64 {
        if self.peak_flops_per_s > 0.0 {
            self.useful_flops_per_s / self.peak_flops_per_s
        } else {
            0.0
        }
    }
}

/// Cross-site sync: one copy of `gradient` bytes all-reduced in a ring over the sites,
/// one-way latency `RTT/2` per hop: `2(s−1) RTT/2 + 2(s−1)/s · G / B`; infinite on a
/// zero-bandwidth (partitioned) path.
fn wan_ring_all_reduce_secs(gradient: f64, span: WanSpan) -> f64 {
    if span.gbit <= 0.0 {
        return f64::INFINITY;
    }
    let s = f64::from(span.sites);
    let link = AlphaBeta {
        latency_s: span.rtt_ms * 1e-3 / 2.0,
        bytes_per_s: span.gbit * 1e9 / 8.0,
    };
    2.0 * (s - 1.0) * link.latency_s + 2.0 * (s - 1.0) / s * gradient / link.bytes_per_s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DataStatus, Provenance};
    use crate::workload::JobWork;

    /// Round numbers: 1000 TFLOP/s, 100 GB, 800 GB/s bidirectional scale-up (400 GB/s per
    /// direction), 400 Gbit/s scale-out (50 GB/s), domains of 8.
    fn chip(name: &str, tflops: f64) -> AcceleratorSpec {
        AcceleratorSpec {
            name: name.into(),
            display_name: name.into(),
            vendor: "test".into(),
            bf16_tflops: tflops,
            hbm_gb: 100.0,
            hbm_tbps: 3.0,
            tdp_w: 700.0,
            idle_w: 100.0,
            host_w_per_chip: 300.0,
            scaleup_gbps: 800.0,
            scaleup_domain: 8,
            scaleout_gbit: 400.0,
            instance_chips: 8,
            provenance: Provenance {
                status: DataStatus::Estimate,
                source: "test".into(),
            },
        }
    }

    fn job(params: f64, batch: f64) -> TrainingJobSpec {
        TrainingJobSpec {
            mfu: Some(0.5),
            global_batch_tokens: Some(batch),
            ..TrainingJobSpec::new("j", params, JobWork::Tokens(1e12), 64)
        }
    }

    fn close(got: f64, want: f64) {
        assert!((got - want).abs() <= 1e-9 * want.abs(), "{got} vs {want}");
    }

    #[test]
    fn single_kind_by_hand() {
        // 10B params: state 160 GB -> 2 chips -> model_parallel 2, data_parallel 32.
        let a = chip("a", 1000.0);
        let parts = [(&a, 64)];
        let r = JobRate::new(&job(10e9, 1e6), &Allocation::new(&parts));
        assert_eq!((r.model_parallel, r.data_parallel), (2, 32));
        // step = 6 × 10e9 × 1e6 = 6e16 FLOPs over 64 × 1e15 × 0.5 = 3.2e16 FLOP/s.
        close(r.step_flops, 6e16);
        close(r.compute_s, 1.875);
        // Shard 2 × 10e9 / 2 = 1e10 B; groups of 4 per domain (k = 4), m = 8 domains:
        // 2·3·1e-6 + 2·(3/4)·1e10/4e11 + 2·7·5e-6 + 2·(7/8)·(1e10/4)/5e10.
        let ar = 6e-6 + 1.5 * 1e10 / 4e11 + 14.0 * 5e-6 + 1.75 * 2.5e9 / 5e10;
        close(r.all_reduce_s, ar);
        close(r.exposed_comm_s, 0.1 * ar);
        close(r.step_s, 1.875 + 0.1 * ar);
        close(r.useful_flops_per_s, 6e16 / (1.875 + 0.1 * ar));
        assert_eq!(r.wan_sync_s, 0.0);
        assert!(r.effective_mfu() < 0.5 && r.effective_mfu() > 0.49);
    }

    #[test]
    fn mixed_kinds_run_at_the_slowest_pace() {
        let (fast, slow) = (chip("fast", 2000.0), chip("slow", 1000.0));
        let j = job(10e9, 1e6);
        let mixed = [(&fast, 32), (&slow, 32)];
        let all_slow = [(&slow, 64)];
        let m = JobRate::new(&j, &Allocation::new(&mixed));
        let s = JobRate::new(&j, &Allocation::new(&all_slow));
        assert_eq!(m, s);
        close(m.peak_flops_per_s, 64e15);
        // Throttle scales compute only.
        let t = JobRate::new(&j, &Allocation::new(&mixed).with_throttle(0.5));
        close(t.compute_s, 2.0 * m.compute_s);
        close(t.exposed_comm_s, m.exposed_comm_s);
        // Kinds with no chips are ignored; no chips at all: no progress.
        let unused = [(&slow, 64), (&chip("tiny", 1.0), 0)];
        assert_eq!(JobRate::new(&j, &Allocation::new(&unused)), s);
        let none = JobRate::new(&j, &Allocation::new(&[]));
        assert_eq!(none.useful_flops_per_s, 0.0);
        let stopped = JobRate::new(&j, &Allocation::new(&all_slow).with_throttle(0.0));
        assert_eq!(stopped.useful_flops_per_s, 0.0);
    }

    #[test]
    fn spanning_sites_adds_the_wan_sync() {
        let a = chip("a", 1000.0);
        let parts = [(&a, 64)];
        let j = job(10e9, 1e6);
        let local = JobRate::new(&j, &Allocation::new(&parts));
        let span = WanSpan {
            sites: 2,
            rtt_ms: 20.0,
            gbit: 400.0,
        };
        let wide = JobRate::new(&j, &Allocation::new(&parts).with_span(span));
        // 2 sites: RTT + G / B = 0.02 + 2e10 / 5e10 = 0.42 s, fully exposed.
        close(wide.wan_sync_s, 0.42);
        close(wide.step_s, local.step_s + 0.42);
        // 4 sites: 6 × 0.01 + 1.5 × 0.4.
        let four = JobRate::new(
            &j,
            &Allocation::new(&parts).with_span(WanSpan { sites: 4, ..span }),
        );
        close(four.wan_sync_s, 0.06 + 0.6);
        // One site in a span costs nothing; a partitioned path stops the job.
        let one = JobRate::new(
            &j,
            &Allocation::new(&parts).with_span(WanSpan { sites: 1, ..span }),
        );
        assert_eq!(one, local);
        let cut = JobRate::new(
            &j,
            &Allocation::new(&parts).with_span(WanSpan { gbit: 0.0, ..span }),
        );
        assert_eq!(cut.useful_flops_per_s, 0.0);
        // Overlap knobs.
        let hidden = RateParams {
            overlap: 1.0,
            wan_overlap: 1.0,
            ..RateParams::default()
        };
        let h = JobRate::with_params(&j, &Allocation::new(&parts).with_span(span), &hidden);
        close(h.step_s, h.compute_s);
    }

    #[test]
    fn model_parallel_covers_the_state_and_caps_at_n() {
        let a = chip("a", 1000.0);
        // 405B: 6.48 TB / 100 GB = 65 chips -> 128.
        let parts = [(&a, 1024)];
        let r = JobRate::new(&job(405e9, 16e6), &Allocation::new(&parts));
        assert_eq!((r.model_parallel, r.data_parallel), (128, 8));
        // With domain 8 and model_parallel 128, the groups are one chip per domain: a
        // scale-out ring of 8 over 2 × 405e9 / 128 B.
        let shard = 8.1e11 / 128.0;
        close(r.all_reduce_s, 14.0 * 5e-6 + 1.75 * shard / 5e10);
        let few = [(&a, 16)];
        let r = JobRate::new(&job(405e9, 16e6), &Allocation::new(&few));
        assert_eq!(
            (r.model_parallel, r.data_parallel, r.all_reduce_s),
            (16, 1, 0.0)
        );
        let tiny = JobRate::new(&job(1e9, 1e6), &Allocation::new(&few));
        assert_eq!((tiny.model_parallel, tiny.data_parallel), (1, 16));
    }
}
