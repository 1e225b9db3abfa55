//! The `flops-per-watt` placement policy: the most compute per watt drawn from the grid.
//!
//! Score of a cluster (lower is better, as for every policy built on
//! [`place_by_score`]):
//!
//! ```text
//! score = -(chip BF16 TFLOP/s) / (chip peak IT W × site PUE)
//! ```
//!
//! that is, minus the peak TFLOP/s per facility watt: a chip that does more work per watt,
//! at a site that wastes less of it on cooling, comes first. Ties go to fabric order. The
//! search (one cluster that holds the request, else one site's clusters, else clusters
//! anywhere, as the request allows) is the built-in policies' [`place_by_score`].
//!
//! Parameter (`[policy.placement_params]`): `max_pue` (default: none), sites whose PUE is
//! above it are not considered at all, which shows how a policy excludes a cluster.
//!
//! Cost: *O*(C log C) for C clusters per placement; nothing is kept between calls.

use sim_models::policy::placement::place_by_score;
use sim_models::policy::{DecisionLog, FabricView, Placement, PlacementRequest, PolicyParams};
use sim_models::topology::ClusterId;

/// The policy's name in scenario files (`[policy] placement = "flops-per-watt"`).
pub const FLOPS_PER_WATT: &str = "flops-per-watt";

/// `flops-per-watt` (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlopsPerWatt {
    /// Sites with a PUE above this are skipped (`f64::INFINITY`: none is).
    pub max_pue: f64,
}

impl Default for FlopsPerWatt {
    /// No PUE limit.
    fn default() -> Self {
        Self {
            max_pue: f64::INFINITY,
        }
    }
}

impl FlopsPerWatt {
    /// From `[policy.placement_params]`: optional `max_pue`, a number >= 1.
    pub fn from_params(p: &PolicyParams) -> Result<Self, String> {
        p.only(&["max_pue"])?;
        let max_pue = p.number("max_pue", f64::INFINITY)?;
        if max_pue.is_nan() || max_pue < 1.0 {
            return Err(format!(
                "parameter \"max_pue\" is {max_pue}: expected a PUE >= 1, e.g. 1.2"
            ));
        }
        Ok(Self { max_pue })
    }

    /// The score of cluster `c` (minus peak TFLOP/s per facility watt), or `None` when
    /// its site's PUE is above `max_pue` or the chip draws nothing (no meaningful ratio).
    pub fn score(&self, view: &FabricView<'_>, c: ClusterId) -> Option<f64> {
        let pue = view.pue[usize::from(view.site_of(c).0)];
        let cluster = view.cluster(c);
        let facility_w = cluster.chip_peak_it_w * pue;
        (pue <= self.max_pue && facility_w > 0.0).then(|| -cluster.chip_bf16_tflops / facility_w)
    }
}

impl Placement for FlopsPerWatt {
    fn name(&self) -> &str {
        FLOPS_PER_WATT
    }

    fn place(
        &mut self,
        view: &FabricView<'_>,
        req: &PlacementRequest<'_>,
        out: &mut Vec<(ClusterId, u32)>,
        log: &mut DecisionLog,
    ) -> bool {
        place_by_score(FLOPS_PER_WATT, view, req, out, log, |c| self.score(view, c))
    }
}
