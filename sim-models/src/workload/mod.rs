//! Workloads: synchronous training jobs, as pure math the simulator calls between events.
//!
//! ```text
//!  TrainingJobSpec ──validate(path, catalog)──> ok / every error at once
//!  JobGenerator::generate(until, rng) ──> Vec<TrainingJobSpec>      (Poisson arrivals)
//!  placed on Allocation { (kind, count)…, WanSpan?, throttle }
//!      ──JobRate::new──> useful FLOP/s (+ per-step breakdown)
//!  each run segment: spec.timeline() = CheckpointTimeline { I, C, R }
//!      finish at  t0 + elapsed_to_finish(remaining compute)
//!      interrupted at t0 + e: keep committed_compute(e), lose lost_on_interrupt(e)
//!      ──> crate::sim::JobReport { interruptions, lost, useful, wall } ──> ETTR, goodput
//! ```
//!
//! Progress is computed between events, never step by step: nothing here loops over
//! steps or checkpoints.
//!
//! # Work
//!
//! A token job needs `6 × params × tokens` FLOPs ([`FLOPS_PER_PARAM_TOKEN`], Kaplan et
//! al. 2020, the rule the Llama 3 paper uses: 405B × 15.6T tokens = 3.8e25). Its useful
//! compute time at a rate is FLOPs / useful FLOP/s ([`TrainingJobSpec::compute_secs`]). A
//! duration job needs that much useful compute time whatever the rate.
//!
//! # Rate ([`JobRate`])
//!
//! Per optimiser step, for `n` accelerators of (possibly mixed) kinds:
//!
//! ```text
//! step_flops = 6 × params × global_batch_tokens                       (default 16M tokens)
//! compute    = step_flops / (n × min_kind peak × MFU × throttle)        (MFU default 0.40)
//! mp         = next_pow2(⌈16 B × params / min HBM⌉), capped at n        model-parallel degree
//! dp         = max(1, ⌊n / mp⌋)                                         data-parallel degree
//! all_reduce = hierarchical all-reduce of 2 B × params / mp bytes over dp chips,
//!              domain' = domain / mp chips of a group per scale-up domain (network::collective)
//! wan_sync   = 2(s−1) × RTT/2 + 2(s−1)/s × (2 B × params) / B_wan      s sites, 0 if s = 1
//! exposed    = all_reduce × (1 − overlap) + wan_sync × (1 − wan_overlap)  (0.9, 0 by default)
//! useful FLOP/s = step_flops / (compute + exposed)
//! ```
//!
//! * Mixed kinds run at the slowest kind's peak times the total count, and communicate
//!   over the slowest links, the smallest scale-up domain and the smallest HBM.
//! * Model parallelism (tensor x pipeline) is the smallest power of two of chips whose HBM
//!   holds the 16 B/param training state; each chip all-reduces only its shard with its
//!   data-parallel peers. For 405B on H100 (80 GB): ⌈6.48 TB / 80 GB⌉ = 81 -> 128, Llama
//!   3's TP8 x PP16. Activations and optimiser sharding are ignored.
//! * Cross-site sync is hierarchical: gradients are reduced inside each site (the
//!   all-reduce term, costed over all `n` chips as an approximation), then *one* copy of
//!   the full gradient is all-reduced among the `s` sites over a ring of WAN paths, each
//!   costed as the slowest path (RTT, Gbit/s) among them; then it is broadcast inside each
//!   site. For two sites that is `RTT + G / B_wan`: 405B (G = 810 GB) over 400 Gbit/s
//!   adds 16.3 s to a 6.3 s step on 16K H100, so spanning clouds needs far more WAN
//!   bandwidth or fewer syncs to pay. The ratio `wan_sync / compute ≈ 16 n peak MFU /
//!   (6 batch B_wan)` (bandwidth term, 2 sites) does not depend on the model size: on
//!   2 x 1,024 H100 the same link makes 405B train 1.5x faster than on 1,024 in one site.
//! * The default MFU is Llama 3's end-to-end figure, which already includes its exposed
//!   communication; the in-cluster term is a small correction (set `overlap = 1` to drop
//!   it). The WAN term is the one that matters.
//!
//! # Checkpoint timeline ([`CheckpointTimeline`])
//!
//! A run segment (after the first start or an interruption) pays the restart `R`, then
//! alternates `I` of compute and `C` of blocking checkpoint; period `P = I + C`. At elapsed
//! `e ≥ R`, with `k = ⌊(e − R)/P⌋` and `r = (e − R) mod P`:
//!
//! ```text
//! compute_done(e)      = k I + min(r, I)
//! committed_compute(e) = k I                        (checkpoints that completed)
//! lost_on_interrupt(e) = min(r, I)                  (a cut checkpoint saves nothing)
//! elapsed_to_finish(W) = R + W + (⌈W/I⌉ − 1) C      (the last interval needs no checkpoint)
//! next_checkpoint_done = R + (k + 1) P
//! ```
//!
//! All are *O*(1) and exact in integer nanoseconds. If the rate changes inside a segment
//! (throttling), keep the timeline (the cadence is in compute time) and integrate
//! progress over compute time: `progress += rate × Δcompute_done`; on interruption keep
//! the progress reached at compute time `committed_compute(e)`.
//!
//! # Young/Daly and the first-order ETTR
//!
//! Failures arrive at rate `λ = 1/M` (exponential). A long job's wall time splits into
//! segments that end in failures; each failure wastes, on average, the restart `R` plus
//! the time since the last completed checkpoint, which for a failure uniformly placed in
//! a period averages `P/2` (first order: assumes `P, R ≪ M`, one failure per period at
//! most). So a fraction `(R + P/2)/M` of wall time is wasted, and of the rest a fraction
//! `I/P` is compute:
//!
//! ```text
//! ETTR ≈ I/(I + C) × (1 − (R + (I + C)/2) / M)                  first_order_ettr
//! ETTR = λ I / (e^{λR} (e^{λP} − 1))                            exponential_ettr (exact)
//! I*   = √(2 M C)                                               young_daly_interval
//! ```
//!
//! The exact form is the expected time to commit one period with failures also during
//! restarts and checkpoints (Daly 2006); expanding `e^x ≈ 1 + x + x²/2` gives the first
//! order, which is lower by about `(λP)²/12 + (λR)²/2`. `I*` maximises the first order
//! when `C ≪ M`. At `I*`: M = 3 h, C = 1 min, R = 5 min gives 87.1 % (exact 87.4 %);
//! M = 1 h, C = 5 min, R = 5 min gives 55.7 % against an exact 59.2 % — the first order
//! needs `λP` well below 0.5. The unit tests simulate the timeline under exponential
//! failures and check both formulas for four (M, C, R) triples.
//!
//! # Metrics
//!
//! The simulation records them per job in [`crate::sim::JobReport`]: ETTR = useful compute
//! time / wall time from the first start to completion (or the horizon); goodput = FLOPs
//! that count, in EFLOP.

mod checkpoint;
mod generator;
mod rate;
mod training;

pub use checkpoint::*;
pub use generator::*;
pub use rate::*;
pub use training::*;
