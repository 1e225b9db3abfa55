//! sim-core: the discrete-event engine under fabricsim (docs written with the engine).

pub mod engine;
pub mod phold;
pub mod queue;
pub mod rng;
pub mod stats;
pub mod time;
