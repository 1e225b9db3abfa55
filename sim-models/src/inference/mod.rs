//! # Inference serving: pure building blocks
//!
//! The pieces the inference-serving model is assembled from, each usable and testable on
//! its own, with no events and no state beyond what is passed in:
//!
//! * [`arrival`]: request rates over time ([`arrival::RateProfile`]: constant, 24-hour
//!   diurnal table, sinusoid, weekly pattern), a non-homogeneous Poisson
//!   [`arrival::ArrivalProcess`] drawn by thinning, and [`arrival::TraceReplay`] of an
//!   in-memory request trace.
//! * [`roofline`]: per-replica speed, [`roofline::ReplicaSpeed`]: prefill bound by
//!   compute, decode bound by HBM bandwidth, batch size bound by HBM capacity.
//! * [`queueing`]: closed-form M/M/1 and M/M/c (Erlang C) waiting times and waiting-time
//!   quantiles, for the flow mode and for checking the request mode.
//! * [`flow`]: one replica's steady state in the flow fidelity ([`flow::FlowQueue`]):
//!   M/G/1 prefill, roofline decode at the mean admission batch, Allen–Cunneen M/G/c slot
//!   wait, and TTFT draws for quantiles.
//! * [`histogram`]: [`histogram::WeightedHistogram`], a log-bucketed weighted histogram
//!   (DDSketch mapping, 1 % relative accuracy by default) for latency quantiles.
//!
//! Time zero of a run is Monday 00:00 in the profile's own clock; hours and weekdays are
//! counted from there.

pub mod arrival;
pub mod flow;
pub mod histogram;
pub mod queueing;
pub mod roofline;
pub mod service;
pub mod tokens;
