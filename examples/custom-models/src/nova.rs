//! The Nova accelerator family: one fictional kind, `nova-1`, with its own power-capping
//! curve and on-demand offerings on AWS and Google Cloud.
//!
//! **Every number here is an estimate for a chip that does not exist.** They are chosen to
//! be plausible for a 2025-era training accelerator, a little more efficient per watt than
//! a B200, so that the example's placement policy has a reason to prefer it. Replace them
//! with a real chip's datasheet figures when you copy this file.
//!
//! # The power-capping curve
//!
//! fabricsim's built-in curve comes from a DVFS model (power `0.25 + 0.75 x^2.5` and step
//! time `0.7 / x + 0.3` at clock ratio `x`; see `sim_models::catalog::cap_curve`). Nova-1 is
//! modelled the same way with different, equally estimated, constants:
//!
//! * power at clock ratio `x`: `P(x) = 0.2 + 0.8 x^3` of TDP (less static power, steeper
//!   voltage scaling), so a cap `c` allows `x = ((c - 0.2) / 0.8)^(1/3)`;
//! * step time: `0.6 / x + 0.4` (40 % of a step memory- or network-bound, unaffected by
//!   the clock), so throughput is `1 / (0.6 / x + 0.4)`.
//!
//! | cap | 0.4 | 0.5 | 0.6 | 0.7 | 0.8 | 0.9 | 1.0 |
//! |---|---|---|---|---|---|---|---|
//! | nova-1 | 0.739 | 0.812 | 0.865 | 0.908 | 0.943 | 0.973 | 1 |
//! | built-in | (no data) | 0.72 | 0.80 | 0.86 | 0.915 | 0.96 | 1 |
//!
//! A throttled `nova-1` therefore loses less throughput than a built-in kind at the same
//! cap, and can be capped down to 0.4 of its TDP (the built-in curve stops at 0.5).

use sim_models::catalog::{AcceleratorSpec, DataStatus, Offering, Provenance};
use sim_models::power::CapCurve;

/// The kind's key in scenario files (`accelerator = "nova-1"`).
pub const NOVA_1: &str = "nova-1";

/// Where every Nova number comes from.
const SOURCE: &str = "examples/custom-models: fictional chip, every value an estimate";

/// Cap fractions at which [`nova_curve`] has points.
pub const CURVE_CAPS: [f64; 6] = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

fn estimate(source: &str) -> Provenance {
    Provenance {
        status: DataStatus::Estimate,
        source: source.to_owned(),
    }
}

/// The `nova-1` spec. All values are **estimates** for a fictional chip.
pub fn nova_1() -> AcceleratorSpec {
    AcceleratorSpec {
        name: NOVA_1.to_owned(),
        display_name: "Nova-1 (fictional)".to_owned(),
        vendor: "Nova Compute (fictional)".to_owned(),
        // Estimate: between an H200 (989) and a B200 (2,250) dense BF16 TFLOP/s.
        bf16_tflops: 1_800.0,
        // Estimate: HBM3e, 6 stacks of 32 GB.
        hbm_gb: 192.0,
        hbm_tbps: 6.0,
        // Estimate: 800 W board, idle at 0.125 of it (the catalog's rule is 0.15).
        tdp_w: 800.0,
        idle_w: 100.0,
        // Estimate: a leaner host than a DGX H100's 575 W per GPU.
        host_w_per_chip: 350.0,
        // Estimate: a 16-chip scale-up domain at 1.8 TB/s per chip.
        scaleup_gbps: 1_800.0,
        scaleup_domain: 16,
        scaleout_gbit: 400.0,
        instance_chips: 8,
        provenance: estimate(SOURCE),
    }
}

/// Clouds selling `nova-1` on demand: AWS at 6.40 and Google Cloud at 6.10 USD per
/// chip-hour. **Estimates** (between the catalog's H100 and B200 prices).
pub fn nova_offerings() -> Vec<Offering> {
    [("aws", 6.40), ("gcp", 6.10)]
        .into_iter()
        .map(|(cloud, usd)| Offering {
            cloud: cloud.to_owned(),
            accelerator: NOVA_1.to_owned(),
            usd_per_chip_hour: Some(usd),
            provenance: estimate("examples/custom-models: estimated on-demand price"),
        })
        .collect()
}

/// Throughput of `nova-1` relative to uncapped at power-cap fraction `cap` (of TDP), by
/// the DVFS model in the [module docs](self). Meaningful for `cap` in (0.2, 1].
pub fn nova_model_throughput(cap: f64) -> f64 {
    let x = ((cap - 0.2) / 0.8).cbrt();
    1.0 / (0.6 / x + 0.4)
}

/// The `nova-1` power-capping curve: [`nova_model_throughput`] at [`CURVE_CAPS`], plus
/// `(1, 1)`.
pub fn nova_curve() -> CapCurve {
    CapCurve::new(
        CURVE_CAPS.map(|c| (c, nova_model_throughput(c))),
        &["custom-models", "nova-1", "curve"],
    )
    .expect("the DVFS model is increasing in the cap, within (0, 1] on [0.4, 1]")
}
