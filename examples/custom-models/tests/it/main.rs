//! custom-models' integration tests, one module per behaviour: each plug-in on its own
//! (the bathtub hazard, nova-1's power curve, the flops-per-watt choice), then the whole
//! crate through its `fabricsim-custom` binary.

mod bathtub;
mod cli;
mod nova;
mod placement;
