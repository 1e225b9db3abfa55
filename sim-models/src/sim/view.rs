//! What policies see of the fabric: the [`FabricView`](crate::policy::FabricView) built
//! from a [`FabricSim`]'s fields, and its per-site and per-cloud figures, refreshed before
//! each round of decisions.

use sim_core::time::SimTime;

use super::FabricSim;

/// The [`FabricView`](crate::policy::FabricView) policies see, borrowing the fields of a
/// [`FabricSim`] one by one (so the policies themselves can be borrowed mutably beside
/// it).
macro_rules! fabric_view {
    ($sim:expr, $now:expr) => {
        $crate::policy::FabricView {
            now: $now,
            fabric: $sim.run.fabric,
            catalog: $sim.run.catalog,
            capacity: &$sim.capacity,
            usd_per_chip_hour: &$sim.price,
            carbon_g_per_kwh: &$sim.view_carbon,
            power_headroom_w: &$sim.view_headroom,
            pue: &$sim.view_pue,
            commitment_left_usd: &$sim.view_commitment,
            rtt: $sim.run.network.rtt,
            prices: $sim.run.network.prices,
            wan: $sim.run.network.wan,
        }
    };
}

impl FabricSim<'_> {
    /// Refreshes what policies see of sites and clouds: carbon intensity now, power
    /// headroom under the cap in force, unspent commitments. O(sites + clouds).
    pub(super) fn refresh_view(&mut self, now: SimTime) {
        for s in 0..self.sites.len() {
            self.view_carbon[s] = self.sites[s].carbon.profile().intensity_at(now);
            self.view_headroom[s] = self.cap_w(s) - self.sites[s].power.demand_facility_w();
        }
        for (c, left) in self.view_commitment.iter_mut().enumerate() {
            *left =
                self.ledger
                    .unspent_usd(crate::catalog::CloudId(c as u16), now, self.run.horizon);
        }
    }
}
