//! Benchmark baselines.
