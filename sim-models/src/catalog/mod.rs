//! The catalog: accelerator specs, clouds, regions, offerings (which cloud sells which
//! accelerator, at what price) and measured region-to-region round-trip times.
//!
//! The built-in catalog ([`Catalog::builtin`]) is data shipped in `data/*.csv`, each row
//! with its source and a status saying whether it is published or an estimate. A scenario
//! changes it only through [`CatalogOverrides`]: patch any field of an existing entry, or
//! add new entries, a new cloud included, without touching code. A plug-in crate adds
//! accelerator kinds in code ([`Catalog::add_accelerator`], usually through
//! [`Registry::extend_catalog`](crate::policy::Registry::extend_catalog)), each optionally
//! with its own power-capping curve ([`Catalog::cap_curve`]). Each kind also has a
//! failure-rate factor ([`Catalog::failure_rate_factor`], `data/failure_kind_factors.csv`)
//! that scales the failure model's accelerator-scope rates on its clusters.

mod builtin;
pub mod cap_curve;
mod overrides;
mod parts;
mod store;
mod types;

pub use cap_curve::{CapCurve, CurvePoint};
pub use overrides::DEFAULT_IDLE_FRACTION;
pub use store::{Catalog, DEFAULT_FAILURE_RATE_FACTOR};
pub use types::*;
