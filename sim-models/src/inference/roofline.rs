//! Per-replica serving speed from a roofline model.
//!
//! A replica is `chips` accelerators holding one copy of the model's weights (tensor or
//! pipeline parallel; communication is not modelled here).
//!
//! * Prefill is compute bound: `prefill_s(n) = 2 x params x n / (chips x peak x mfu)`, the
//!   `2 N` FLOPs per token rule (Kaplan et al. 2020, *Scaling Laws for Neural Language
//!   Models*) without the attention term.
//! * A decode step reads all weights plus every sequence's KV cache once:
//!   `memory_s = (params x bytes_per_param + batch x context x kv_bytes_per_token) /
//!   (chips x hbm_bandwidth)`; it is also at least the compute time of `2 N` FLOPs per
//!   sequence, so `decode_step_s = max(memory_s, 2 x params x batch / (chips x peak x mfu))`.
//! * The batch is bounded by HBM capacity: `max_batch(context) = floor((chips x hbm -
//!   weights) / (context x kv_bytes_per_token))`; activations, fragmentation and runtime
//!   reserve are ignored, so this is an upper bound.
//!
//! KV bytes per token is `2 (K and V) x layers x kv_heads x head_dim x bytes_per_value`
//! ([`kv_bytes_per_token`]). For Llama 3 405B (126 layers, 8 KV heads of dimension 128,
//! BF16; architecture from the Llama 3 Herd of Models paper, arXiv 2407.21783)
//! that is 516,096 B, about 0.5 MB per token: an estimate that ignores paging overhead.

use crate::ModelError;
use crate::catalog::AcceleratorSpec;

/// KV-cache bytes per token: `2 x layers x kv_heads x head_dim x bytes_per_value`
/// (keys and values for every layer; grouped-query attention counts KV heads only).
pub fn kv_bytes_per_token(layers: u32, kv_heads: u32, head_dim: u32, bytes_per_value: f64) -> f64 {
    2.0 * f64::from(layers) * f64::from(kv_heads) * f64::from(head_dim) * bytes_per_value
}

/// Llama 3 405B KV bytes per token in BF16 (126 layers, 8 KV heads, head dim 128):
/// 516,096 B. Estimate from the published architecture; see the [module docs](self).
pub const LLAMA3_405B_KV_BYTES_PER_TOKEN: f64 = 516_096.0;

/// BF16 weights: 2 bytes per parameter.
pub const BF16_BYTES_PER_PARAM: f64 = 2.0;

/// How fast one model replica prefills and decodes; see the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplicaSpeed {
    params: f64,
    weight_bytes: f64,
    kv_bytes_per_token: f64,
    /// `chips x peak x mfu`, FLOP/s.
    effective_flops: f64,
    /// `chips x HBM bandwidth`, bytes/s.
    hbm_bytes_per_s: f64,
    /// `chips x HBM capacity`, bytes.
    hbm_bytes: f64,
}

impl ReplicaSpeed {
    /// A replica of a `params`-parameter model on `chips` chips of `accelerator`, running at
    /// model FLOPs utilisation `mfu` in `(0, 1]`, storing weights at `bytes_per_param`
    /// ([`BF16_BYTES_PER_PARAM`] for BF16) and `kv_bytes_per_token` of KV cache per token.
    ///
    /// Errors (at `["replica", field]`) on non-finite or non-positive inputs and on weights
    /// that do not fit in the replica's HBM.
    pub fn new(
        params: f64,
        accelerator: &AcceleratorSpec,
        chips: u32,
        mfu: f64,
        bytes_per_param: f64,
        kv_bytes_per_token: f64,
    ) -> Result<Self, Vec<ModelError>> {
        let mut errors = Vec::new();
        let mut positive = |field: &str, v: f64| {
            if !(v.is_finite() && v > 0.0) {
                errors.push(ModelError::new(
                    &["replica", field],
                    format!("must be finite and > 0, got {v}"),
                ));
            }
        };
        positive("params", params);
        positive("chips", f64::from(chips));
        positive("bytes_per_param", bytes_per_param);
        positive("kv_bytes_per_token", kv_bytes_per_token);
        positive("bf16_tflops", accelerator.bf16_tflops);
        positive("hbm_tbps", accelerator.hbm_tbps);
        positive("hbm_gb", accelerator.hbm_gb);
        if !(mfu.is_finite() && mfu > 0.0 && mfu <= 1.0) {
            errors.push(ModelError::new(
                &["replica", "mfu"],
                format!("must be in (0, 1], got {mfu}"),
            ));
        }
        let n = f64::from(chips);
        let weight_bytes = params * bytes_per_param;
        let hbm_bytes = n * accelerator.hbm_gb * 1e9;
        if errors.is_empty() && weight_bytes >= hbm_bytes {
            errors.push(ModelError::new(
                &["replica", "chips"],
                format!(
                    "weights ({:.1} GB) do not fit in {chips} x {} GB of HBM",
                    weight_bytes / 1e9,
                    accelerator.hbm_gb
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            params,
            weight_bytes,
            kv_bytes_per_token,
            effective_flops: n * accelerator.bf16_tflops * 1e12 * mfu,
            hbm_bytes_per_s: n * accelerator.hbm_tbps * 1e12,
            hbm_bytes,
        })
    }

    /// Weight bytes held by the replica.
    pub fn weight_bytes(&self) -> f64 {
        self.weight_bytes
    }

    /// Seconds to prefill `prompt_tokens`: `2 x params x tokens / (chips x peak x mfu)`.
    pub fn prefill_s(&self, prompt_tokens: u32) -> f64 {
        2.0 * self.params * f64::from(prompt_tokens) / self.effective_flops
    }

    /// Seconds for one decode step of `batch` sequences of `context_tokens` each: the larger
    /// of the HBM time (weights + KV) and the compute time (`2 x params` FLOPs per sequence).
    pub fn decode_step_s(&self, batch: u32, context_tokens: u32) -> f64 {
        let b = f64::from(batch);
        let kv = b * f64::from(context_tokens) * self.kv_bytes_per_token;
        let memory_s = (self.weight_bytes + kv) / self.hbm_bytes_per_s;
        let compute_s = 2.0 * self.params * b / self.effective_flops;
        memory_s.max(compute_s)
    }

    /// Time per output token seen by each sequence in a batch of `batch` at
    /// `context_tokens`: one decode step.
    pub fn tpot_s(&self, batch: u32, context_tokens: u32) -> f64 {
        self.decode_step_s(batch, context_tokens)
    }

    /// Output tokens per second of the whole replica: `batch / decode_step_s`.
    pub fn tokens_per_s(&self, batch: u32, context_tokens: u32) -> f64 {
        f64::from(batch) / self.decode_step_s(batch, context_tokens)
    }

    /// The largest batch whose KV cache at `context_tokens` per sequence fits in HBM after
    /// the weights: `floor((chips x hbm - weights) / (context x kv_bytes_per_token))`.
    /// An upper bound (no activation or runtime reserve); `u32::MAX` at zero context.
    pub fn max_batch(&self, context_tokens: u32) -> u32 {
        let per_seq = f64::from(context_tokens) * self.kv_bytes_per_token;
        let free = self.hbm_bytes - self.weight_bytes;
        if per_seq <= 0.0 {
            return u32::MAX;
        }
        // `as` saturates, so a huge ratio clamps to u32::MAX.
        (free / per_seq).floor() as u32
    }
}
