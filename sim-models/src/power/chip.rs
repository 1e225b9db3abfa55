//! One accelerator's IT power by state: board plus its share of the node (host) overhead.

use super::CapCurve;
use crate::catalog::AcceleratorSpec;

/// Host power of an idle node as a fraction of its full-load host power. **Estimate**:
/// CPUs idle and fans slow, but NICs, switches, memory and power conversion stay on; no
/// sourced idle figure for a GPU server was found. Override per kind through
/// [`AcceleratorPower::host_idle_w`].
pub const HOST_IDLE_FRACTION: f64 = 0.5;

/// What an accelerator is doing, for its power draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ChipState {
    /// Powered and allocated to nothing (or waiting).
    Idle,
    /// Running work at `utilisation` in [0, 1] of full load (clamped): 1 for a training
    /// step loop, lower for a memory-bound decode.
    Busy {
        /// Share of full load, 0 to 1.
        utilisation: f64,
    },
    /// Failed, under repair, in an outage or switched off: draws nothing.
    Down,
}

/// The IT power model of one accelerator kind, per chip, in W.
///
/// * **Board**: idle `idle_w`; busy `idle_w + u (tdp_w - idle_w)` at utilisation `u`,
///   linear (the catalog has no utilisation curve; a kind with one can be modelled by
///   mapping its utilisation before the call). A power limit `L` (fraction of TDP) caps a
///   busy board at `L tdp_w`, never below `idle_w`.
/// * **Host** (CPUs, memory, NICs, switches, fans, conversion losses; the node's share per
///   chip): `host_w` at full load, the catalog's `host_w_per_chip` (R-host in
///   `data/README.md`: a DGX H100's 10.2 kW minus 8 x 700 W, over 8); `host_idle_w` when
///   idle ([`HOST_IDLE_FRACTION`] of it, an estimate); linear in utilisation between them.
///   The GPU power limit does not cap the host, so throttled draw is an upper bound.
/// * **Down**: 0 W, host included: a down chip stands for its node switched off or dead.
///   A single failed GPU in a running node really keeps its host share on; this undercounts
///   that by at most `host_idle_w` per failed chip.
///
/// Facility power is IT power times the site's PUE ([`super::SitePower`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AcceleratorPower {
    /// Board power when idle, W.
    pub idle_w: f64,
    /// Board power at full load (TDP), W.
    pub tdp_w: f64,
    /// Host power per chip at full load, W.
    pub host_w: f64,
    /// Host power per chip when idle, W.
    pub host_idle_w: f64,
}

impl AcceleratorPower {
    /// From a catalog entry: its `idle_w`, `tdp_w` and `host_w_per_chip`, with the idle
    /// host share at [`HOST_IDLE_FRACTION`].
    ///
    /// ```
    /// use sim_models::catalog::Catalog;
    /// use sim_models::power::{AcceleratorPower, ChipState};
    /// let catalog = Catalog::builtin();
    /// let h100 = catalog.accelerator(catalog.accelerator_id("h100").unwrap());
    /// let p = AcceleratorPower::from_spec(h100);
    /// // 700 W board + 575 W host at full load; 105 + 287.5 W idle.
    /// assert_eq!(p.draw_w(ChipState::Busy { utilisation: 1.0 }, None), 1275.0);
    /// assert_eq!(p.draw_w(ChipState::Idle, None), 392.5);
    /// ```
    pub fn from_spec(spec: &AcceleratorSpec) -> Self {
        Self {
            idle_w: spec.idle_w,
            tdp_w: spec.tdp_w,
            host_w: spec.host_w_per_chip,
            host_idle_w: spec.host_w_per_chip * HOST_IDLE_FRACTION,
        }
    }

    /// IT power (board + host) in `state` under an optional power limit (fraction of TDP,
    /// applied to a busy board only; `None` is no limit). *O*(1).
    pub fn draw_w(&self, state: ChipState, limit: Option<f64>) -> f64 {
        match state {
            ChipState::Idle => self.idle_draw_w(),
            ChipState::Busy { utilisation } => {
                let u = clamp_unit(utilisation);
                self.board_w(u, limit.unwrap_or(1.0)) + self.host_busy_w(u)
            }
            ChipState::Down => 0.0,
        }
    }

    /// IT power when idle: `idle_w + host_idle_w`.
    pub fn idle_draw_w(&self) -> f64 {
        self.idle_w + self.host_idle_w
    }

    /// Board power busy at utilisation `u` (in [0, 1]) under limit `limit` (fraction of
    /// TDP): `min(idle + u (tdp - idle), max(limit tdp, idle))`.
    pub fn board_w(&self, u: f64, limit: f64) -> f64 {
        let unlimited = self.idle_w + u * (self.tdp_w - self.idle_w);
        let cap = if limit.is_nan() {
            f64::INFINITY
        } else {
            (limit * self.tdp_w).max(self.idle_w)
        };
        unlimited.min(cap)
    }

    /// Host power busy at utilisation `u` (in [0, 1]), linear between idle and full load.
    pub fn host_busy_w(&self, u: f64) -> f64 {
        self.host_idle_w + u * (self.host_w - self.host_idle_w)
    }

    /// Throughput relative to unlimited of a chip busy at `utilisation` under `limit`
    /// (fraction of TDP). The curve is read at the limit relative to what the chip would
    /// draw unlimited, so a limit above its draw does not bind (a decode at 40 % of TDP
    /// is not slowed by a 0.5 limit), and at full load this is `curve.throughput(limit)`.
    pub fn throughput(&self, utilisation: f64, limit: f64, curve: &CapCurve) -> f64 {
        let unlimited = self.board_w(clamp_unit(utilisation), 1.0);
        let limited = self.board_w(clamp_unit(utilisation), limit);
        if unlimited <= 0.0 || limited >= unlimited {
            1.0
        } else {
            curve.throughput(limited / unlimited)
        }
    }
}

/// `x` clamped to [0, 1]; NaN becomes 1 (full load, the conservative reading).
pub(super) fn clamp_unit(x: f64) -> f64 {
    if x.is_nan() { 1.0 } else { x.clamp(0.0, 1.0) }
}
