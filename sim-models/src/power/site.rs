//! A site's demand against its cap, and the throttle that meets the cap.

use std::sync::Arc;

use super::chip::clamp_unit;
use super::{AcceleratorPower, CapCurve, ChipState};
use crate::catalog::Catalog;
use crate::topology::{Fabric, SiteId};

/// Bisection steps in [`SitePower::throttle_for_cap`]: 2^-60 of the interval, below
/// `f64` resolution of a fraction.
const BISECTION_STEPS: u32 = 60;

/// The chips of one kind (or one cluster) at a site, by state.
#[derive(Clone, Debug, PartialEq)]
pub struct KindLoad {
    /// Power model of the kind.
    pub power: AcceleratorPower,
    /// Chips running work.
    pub busy: u32,
    /// Chips powered and idle.
    pub idle: u32,
    /// Chips down (drawing nothing).
    pub down: u32,
    /// Utilisation of the busy chips, in [0, 1] (1 for training).
    pub utilisation: f64,
    /// The kind's own power-capping curve ([`crate::catalog::Catalog::cap_curve`]);
    /// `None` follows the site's [`SitePower::curve`].
    pub curve: Option<Arc<CapCurve>>,
}

impl KindLoad {
    /// IT power of these chips, W, with a limit (fraction of TDP) on the busy ones, a
    /// share `running` of the busy ones running (the rest idle) and a share `powered` of
    /// the non-down ones powered (the rest off). *O*(1).
    fn draw_it_w(&self, limit: f64, running: f64, powered: f64) -> f64 {
        let busy_w = self.power.draw_w(
            ChipState::Busy {
                utilisation: self.utilisation,
            },
            Some(limit),
        );
        let idle_w = self.power.idle_draw_w();
        let busy = f64::from(self.busy);
        let idle = f64::from(self.idle);
        let on = busy * (running * busy_w + (1.0 - running) * idle_w) + idle * idle_w;
        powered * on
    }
}

/// How a site meets a power cap by throttling; made by [`SitePower::throttle_for_cap`].
///
/// Normally only `limit_fraction` moves. When even the deepest limit the curve covers
/// ([`CapCurve::min_cap`]) leaves the site over its cap, busy chips are paused too
/// (`running_fraction` < 1; paused chips draw idle power); when even an all-idle site is
/// over (a deep curtailment, backup power), chips are switched off (`powered_fraction` <
/// 1). To turn the fractions into whole chips, round the running and powered counts
/// **down**: draw only falls, so it stays within the cap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThrottleDecision {
    /// Per-accelerator power limit as a fraction of each kind's TDP, applied to busy
    /// chips; 1 when the cap does not bind.
    pub limit_fraction: f64,
    /// Throughput of a chip busy at full load under the limit, relative to unlimited:
    /// `curve.throughput(limit_fraction)`, with the site's curve, or, when busy kinds
    /// have their own curves ([`KindLoad::curve`]), the lowest value among the busy
    /// kinds' curves (the site runs at one throttle, and a synchronous job waits for its
    /// slowest chip). Per kind, and for chips at lower utilisation (which lose less), see
    /// [`SitePower::throughput_of`].
    pub throughput_fraction: f64,
    /// Share of the busy chips that keep running; 1 unless the limit alone cannot reach
    /// the cap.
    pub running_fraction: f64,
    /// Share of the non-down chips that stay powered; 1 unless all-idle exceeds the cap.
    pub powered_fraction: f64,
    /// IT power after the decision, W.
    pub draw_it_w: f64,
    /// Facility power after the decision, W: `draw_it_w x PUE`, never above the cap.
    pub draw_facility_w: f64,
}

/// One site's power: its chips by kind and state, its PUE and the throttle curve.
///
/// A load whose kind has its own curve ([`KindLoad::curve`]) follows that curve; every
/// other load follows [`SitePower::curve`].
///
/// Every method is *O*(kinds) (a handful per site), so the simulator can call them at
/// each state change. The cap is **facility** power, as [`crate::topology::Site`]'s
/// `power_cap_w`: IT power x PUE is compared against it. Idle and down draws, and the
/// host share of busy chips, are not throttleable.
#[derive(Clone, Debug, PartialEq)]
pub struct SitePower {
    /// Power usage effectiveness (facility / IT), >= 1.
    pub pue: f64,
    /// The site's chips, one entry per kind or cluster.
    pub loads: Vec<KindLoad>,
    /// The cap-to-throughput curve for throttled chips of kinds without their own.
    pub curve: CapCurve,
}

impl SitePower {
    /// A site with no chips yet, the built-in curve, and `pue`.
    pub fn new(pue: f64) -> Self {
        Self {
            pue,
            loads: Vec::new(),
            curve: CapCurve::builtin().clone(),
        }
    }

    /// The site `site` of `fabric` (built against `catalog`): one load per cluster, in
    /// cluster order, every chip idle, utilisation 1, the site's PUE, and each kind's own
    /// curve where the catalog has one ([`Catalog::cap_curve`]).
    pub fn for_site(fabric: &Fabric, catalog: &Catalog, site: SiteId) -> Self {
        let mut power = Self::new(fabric.site(site).pue);
        for cluster in fabric.clusters_of(site) {
            power.loads.push(KindLoad {
                power: AcceleratorPower::from_spec(catalog.accelerator(cluster.accelerator)),
                busy: 0,
                idle: cluster.accelerator_count(),
                down: 0,
                utilisation: 1.0,
                curve: catalog.cap_curve(cluster.accelerator).cloned(),
            });
        }
        power
    }

    /// Adds `count` chips of `power` in state `state` as a new load (busy at the
    /// state's utilisation); returns `self` for chaining.
    pub fn with(mut self, power: AcceleratorPower, state: ChipState, count: u32) -> Self {
        let (busy, idle, down, utilisation) = match state {
            ChipState::Busy { utilisation } => (count, 0, 0, utilisation),
            ChipState::Idle => (0, count, 0, 1.0),
            ChipState::Down => (0, 0, count, 1.0),
        };
        self.loads.push(KindLoad {
            power,
            busy,
            idle,
            down,
            utilisation,
            curve: None,
        });
        self
    }

    /// Gives the load added last its own power-capping curve (see [`KindLoad::curve`]);
    /// no effect on a site without loads. Returns `self` for chaining.
    pub fn with_curve(mut self, curve: Arc<CapCurve>) -> Self {
        if let Some(load) = self.loads.last_mut() {
            load.curve = Some(curve);
        }
        self
    }

    /// The curve load `load`'s chips follow: the kind's own, else the site's.
    #[inline]
    pub fn curve_of(&self, load: usize) -> &CapCurve {
        self.loads[load].curve.as_deref().unwrap_or(&self.curve)
    }

    /// IT power demanded with no limit, W.
    pub fn demand_it_w(&self) -> f64 {
        self.draw_it_w(1.0, 1.0, 1.0)
    }

    /// Facility power demanded with no limit, W: IT x PUE.
    pub fn demand_facility_w(&self) -> f64 {
        self.demand_it_w() * self.pue
    }

    /// Facility power left under `cap_w` at current demand, W (negative when over).
    pub fn headroom_w(&self, cap_w: f64) -> f64 {
        cap_w - self.demand_facility_w()
    }

    /// Facility power added by starting `count` idle chips of load `load` at that load's
    /// utilisation, W: what the `refuse` policy checks against [`SitePower::headroom_w`].
    pub fn start_cost_facility_w(&self, load: usize, count: u32) -> f64 {
        let l = &self.loads[load];
        let busy = l.power.draw_w(
            ChipState::Busy {
                utilisation: l.utilisation,
            },
            None,
        );
        f64::from(count) * (busy - l.power.idle_draw_w()) * self.pue
    }

    /// Whether starting `count` idle chips of load `load` keeps demand within `cap_w`
    /// (the `refuse` policy's test).
    pub fn fits(&self, load: usize, count: u32, cap_w: f64) -> bool {
        self.start_cost_facility_w(load, count) <= self.headroom_w(cap_w)
    }

    /// Busy chips of load `load` that must stop (go idle) to bring demand within `cap_w`,
    /// if only that load gives way; `None` if stopping all of them is not enough. The
    /// `preempt` policy stops the lowest-priority work until this reaches zero.
    pub fn busy_to_stop(&self, load: usize, cap_w: f64) -> Option<u32> {
        let excess = -self.headroom_w(cap_w);
        if excess <= 0.0 {
            return Some(0);
        }
        let per_chip = self.start_cost_facility_w(load, 1);
        if per_chip <= 0.0 {
            return None;
        }
        let n = (excess / per_chip).ceil();
        (n <= f64::from(self.loads[load].busy)).then_some(n as u32)
    }

    /// Throughput fraction of load `load`'s busy chips under `limit` (fraction of TDP),
    /// along the load's curve ([`SitePower::curve_of`]).
    pub fn throughput_of(&self, load: usize, limit: f64) -> f64 {
        let l = &self.loads[load];
        l.power
            .throughput(l.utilisation, limit, self.curve_of(load))
    }

    /// The throttle that keeps facility draw within `cap_w` (see [`ThrottleDecision`]).
    ///
    /// Under the cap, nothing changes: the limit is 1 and the draw is the demand. Over
    /// it, one per-site limit (a fraction of each kind's TDP) is applied to every busy
    /// chip. Draw is continuous and non-decreasing in the limit (piecewise linear, one
    /// kink per kind), and then in the running and powered shares, so each stage is
    /// solved by bisection (60 steps) keeping the invariant `draw(lo) <= cap`; the answer
    /// is `lo`, so the draw never exceeds the cap. A negative or NaN cap counts as 0.
    /// The deepest limit is the highest [`CapCurve::min_cap`] among the busy loads'
    /// curves (no busy chip is pushed below the data of its curve). *O*(kinds).
    pub fn throttle_for_cap(&self, cap_w: f64) -> ThrottleDecision {
        let cap_it = if cap_w.is_nan() || cap_w <= 0.0 {
            0.0
        } else {
            cap_w / self.pue
        };
        // Compare facility draws (it x pue) against cap_w: the quantity reported.
        let fits = |it: f64| it * self.pue <= cap_w.max(0.0);
        let min_limit = self
            .busy_curves()
            .map(CapCurve::min_cap)
            .reduce(f64::max)
            .unwrap_or_else(|| self.curve.min_cap());
        let (limit, running, powered) = if fits(self.draw_it_w(1.0, 1.0, 1.0)) {
            (1.0, 1.0, 1.0)
        } else if fits(self.draw_it_w(min_limit, 1.0, 1.0)) {
            let l = bisect(min_limit, 1.0, |l| fits(self.draw_it_w(l, 1.0, 1.0)));
            (l, 1.0, 1.0)
        } else if fits(self.draw_it_w(min_limit, 0.0, 1.0)) {
            let r = bisect(0.0, 1.0, |r| fits(self.draw_it_w(min_limit, r, 1.0)));
            (min_limit, r, 1.0)
        } else {
            let all_idle = self.draw_it_w(min_limit, 0.0, 1.0);
            let guess = (cap_it / all_idle).clamp(0.0, 1.0);
            let p = if fits(self.draw_it_w(min_limit, 0.0, guess)) {
                guess
            } else {
                bisect(0.0, guess, |p| fits(self.draw_it_w(min_limit, 0.0, p)))
            };
            (min_limit, 0.0, p)
        };
        let draw_it_w = self.draw_it_w(limit, running, powered);
        ThrottleDecision {
            limit_fraction: limit,
            throughput_fraction: self
                .busy_curves()
                .map(|c| c.throughput(limit))
                .reduce(f64::min)
                .unwrap_or_else(|| self.curve.throughput(limit)),
            running_fraction: running,
            powered_fraction: powered,
            draw_it_w,
            draw_facility_w: draw_it_w * self.pue,
        }
    }

    /// The curves of the loads with busy chips, in load order.
    fn busy_curves(&self) -> impl Iterator<Item = &CapCurve> + '_ {
        (0..self.loads.len())
            .filter(|&i| self.loads[i].busy > 0)
            .map(|i| self.curve_of(i))
    }

    /// IT draw of all loads under (limit, running share, powered share).
    fn draw_it_w(&self, limit: f64, running: f64, powered: f64) -> f64 {
        self.loads
            .iter()
            .map(|l| l.draw_it_w(limit, clamp_unit(running), clamp_unit(powered)))
            .sum()
    }
}

/// The largest `x` found in `[lo, hi]` with `ok(x)`, given `ok(lo)` and a monotone `ok`
/// (true below some threshold, false above): [`BISECTION_STEPS`] halvings, returning the
/// last point known to be ok.
fn bisect(mut lo: f64, mut hi: f64, ok: impl Fn(f64) -> bool) -> f64 {
    debug_assert!(ok(lo), "bisection needs ok(lo)");
    for _ in 0..BISECTION_STEPS {
        let mid = 0.5 * (lo + hi);
        if ok(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn h100() -> AcceleratorPower {
        let catalog = Catalog::builtin();
        AcceleratorPower::from_spec(catalog.accelerator(catalog.accelerator_id("h100").unwrap()))
    }

    /// A curve that loses little down to 0.4 of TDP, unlike the built-in one.
    fn flat_curve() -> Arc<CapCurve> {
        Arc::new(CapCurve::new([(0.4, 0.7), (0.6, 0.95)], &["test"]).unwrap())
    }

    const BUSY: ChipState = ChipState::Busy { utilisation: 1.0 };

    #[test]
    fn a_kind_with_its_own_curve_throttles_along_it() {
        let own = SitePower::new(1.2)
            .with(h100(), BUSY, 1_000)
            .with_curve(flat_curve());
        let site = SitePower::new(1.2).with(h100(), BUSY, 1_000);
        let cap = 0.8 * site.demand_facility_w();
        let (d_own, d_site) = (own.throttle_for_cap(cap), site.throttle_for_cap(cap));
        // Same chips, same draw: the same limit; only the throughput read off differs.
        assert_eq!(d_own.limit_fraction, d_site.limit_fraction);
        assert!(d_own.limit_fraction < 1.0);
        let limit = d_own.limit_fraction;
        assert_eq!(d_own.throughput_fraction, flat_curve().throughput(limit));
        assert_eq!(
            d_site.throughput_fraction,
            CapCurve::builtin().throughput(limit)
        );
        assert!(d_own.throughput_fraction > d_site.throughput_fraction + 0.01);
        assert_eq!(own.throughput_of(0, limit), flat_curve().throughput(limit));
        assert_eq!(own.curve_of(0), &*flat_curve());
    }

    #[test]
    fn the_deepest_limit_follows_the_busy_kinds_curves() {
        // Board power only: a cap that the built-in curve (min 0.5) cannot reach without
        // pausing chips, but a curve with data down to 0.4 can.
        let chip = AcceleratorPower {
            host_w: 0.0,
            host_idle_w: 0.0,
            ..h100()
        };
        let cap = 0.45 * 700.0 * 100.0;
        let own = SitePower::new(1.0)
            .with(chip, BUSY, 100)
            .with_curve(flat_curve());
        let d = own.throttle_for_cap(cap);
        assert_eq!(d.running_fraction, 1.0);
        assert!((d.limit_fraction - 0.45).abs() < 1e-9);
        assert!((d.throughput_fraction - flat_curve().throughput(0.45)).abs() < 1e-12);
        let site = SitePower::new(1.0).with(chip, BUSY, 100);
        let d = site.throttle_for_cap(cap);
        assert_eq!(d.limit_fraction, 0.5);
        assert!(d.running_fraction < 1.0);
    }

    #[test]
    fn a_mixed_site_runs_at_its_slowest_busy_kind() {
        let cap_of = |s: &SitePower| 0.8 * s.demand_facility_w();
        // Both busy: the built-in curve is the slower one.
        let mixed = SitePower::new(1.2)
            .with(h100(), BUSY, 500)
            .with(h100(), BUSY, 500)
            .with_curve(flat_curve());
        let d = mixed.throttle_for_cap(cap_of(&mixed));
        let builtin = CapCurve::builtin().throughput(d.limit_fraction);
        assert_eq!(d.throughput_fraction, builtin);
        assert!(mixed.throughput_of(1, d.limit_fraction) > builtin);
        // Only the kind with its own curve busy: its curve alone sets the throttle.
        let idle_builtin = SitePower::new(1.2)
            .with(h100(), ChipState::Idle, 500)
            .with(h100(), BUSY, 500)
            .with_curve(flat_curve());
        let d = idle_builtin.throttle_for_cap(cap_of(&idle_builtin));
        assert!(d.limit_fraction < 1.0);
        assert_eq!(
            d.throughput_fraction,
            flat_curve().throughput(d.limit_fraction)
        );
    }
}
