//! # custom-models: a fabricsim plug-in crate
//!
//! This example demonstrates how a crate outside fabricsim's own adds models without
//! editing them, and gets a `fabricsim` binary that knows them by name:
//!
//! * an accelerator family, [`nova`]: the fictional `nova-1` chip with its own
//!   power-capping curve, sold on AWS and Google Cloud;
//! * a failure model, [`bathtub`]: infant mortality, a constant random rate and wear-out;
//! * a placement policy, [`flops_per_watt`]: the most BF16 TFLOP/s per facility watt.
//!
//! ```text
//! Registry::builtin()
//!   .add_accelerator(nova_1(), nova_offerings(), Some(nova_curve()))   accelerator = "nova-1"
//!   .add_failure_model("bathtub", ..)                                   [failures] model = "bathtub"
//!   .add_placement("flops-per-watt", ..)                                [policy] placement = "flops-per-watt"
//!        │
//!        ▼
//! fabricsim_cli::main_with(registry)       src/main.rs: the `fabricsim-custom` binary
//! ```
//!
//! Build and run it on the example scenario:
//!
//! ```text
//! cargo run -p custom-models -- run examples/custom-models/scenario.toml
//! ```
//!
//! The guide `docs/writing-a-model-crate.md` explains each step.
//!
//! ```
//! use sim_models::policy::PolicyParams;
//!
//! let registry = custom_models::registry();
//! let model = registry.failure_model("bathtub", &PolicyParams::default()).unwrap();
//! assert_eq!(model.categories.len(), 3);
//! let policy = registry.placement("flops-per-watt", &PolicyParams::default()).unwrap();
//! assert_eq!(policy.name(), "flops-per-watt");
//! let catalog = registry.catalog().unwrap();
//! let nova = catalog.accelerator_id("nova-1").unwrap();
//! assert!(catalog.cap_curve(nova).is_some());
//! // Everything built in is still there.
//! assert!(registry.placement("cheapest", &PolicyParams::default()).is_ok());
//! ```

pub mod bathtub;
pub mod flops_per_watt;
pub mod nova;

use sim_models::policy::{Placement, PolicyParams, Registry};

use bathtub::{BATHTUB, Bathtub};
use flops_per_watt::{FLOPS_PER_WATT, FlopsPerWatt};
use nova::{nova_1, nova_curve, nova_offerings};

/// fabricsim's built-in models plus this crate's: `nova-1`, `bathtub` and
/// `flops-per-watt`.
pub fn registry() -> Registry {
    let mut r = Registry::builtin();
    r.add_accelerator(nova_1(), nova_offerings(), Some(nova_curve()));
    r.add_failure_model(
        BATHTUB,
        "infant mortality (Weibull shape < 1) + constant rate + wear-out (Weibull shape > 1), \
         per node (infant_shape, infant_scale_h, random_rate_per_h, wearout_shape, \
         wearout_scale_h, node_accelerators, repair_median_h, repair_p90_h)",
        |p: &PolicyParams| Bathtub::from_params(p)?.model(),
    );
    r.add_placement(
        FLOPS_PER_WATT,
        "most peak BF16 TFLOP/s per facility watt (chip peak IT W x site PUE); max_pue",
        |p: &PolicyParams| Ok(Box::new(FlopsPerWatt::from_params(p)?) as Box<dyn Placement>),
    );
    r
}
