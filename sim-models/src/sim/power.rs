//! Site power: each site's chips by state (busy, idle, down) as loads, re-solved against
//! its cap whenever they or the cap change (preempting under `preempt`, throttling under
//! `throttle`), the site and job meters that follow, and the power log.

use sim_core::engine::Context;
use sim_core::time::{SimDuration, SimTime};

use super::FabricSim;
use super::events::Ev;
use super::report::{Cause, PowerRecord};
use crate::power::PowerPolicy;
use crate::topology::{ClusterId, FailureDomain, SiteId};

impl FabricSim<'_> {
    /// The cap of site `s` now, W: nominal × the lowest active curtailment fraction.
    pub(super) fn cap_w(&self, s: usize) -> f64 {
        self.run.fabric.sites()[s].power_cap_w * self.sites[s].cap_fraction
    }

    /// A curtailment of site `site` starts or ends: its cap is re-read and its power
    /// re-solved.
    pub(super) fn on_cap_change(&mut self, site: u16, ctx: &mut Context<'_, Ev>) {
        let s = site as usize;
        self.sites[s].cap_fraction = self.run.curtailments.cap_fraction_at(s, ctx.now());
        self.recompute_site(s, ctx);
        self.schedule_waiting(ctx);
    }

    /// Marks the accelerators of `held` busy (or idle again) and re-solves their sites' power.
    pub(super) fn change_load(
        &mut self,
        held: &[(u32, u32)],
        busy: bool,
        ctx: &mut Context<'_, Ev>,
    ) {
        let fabric = self.run.fabric;
        let mut touched: [u16; 8] = [u16::MAX; 8];
        let mut n = 0;
        for &(cluster, count) in held {
            let c = fabric.cluster(ClusterId(cluster));
            let s = c.site.0 as usize;
            let load = &mut self.sites[s].power.loads
                [(cluster - fabric.site(c.site).clusters.start) as usize];
            if busy {
                load.busy += count;
                load.idle -= count.min(load.idle);
            } else {
                load.busy -= count.min(load.busy);
                load.idle += count;
            }
            self.charge_cloud(cluster, count, busy, ctx.now());
            if !touched[..n].contains(&c.site.0) && n < touched.len() {
                touched[n] = c.site.0;
                n += 1;
            }
        }
        for &s in &touched[..n] {
            self.recompute_site(s as usize, ctx);
        }
        if n == touched.len() {
            // More sites than the buffer holds: re-solve every site (rare: very wide jobs).
            for s in 0..self.sites.len() {
                self.recompute_site(s, ctx);
            }
        }
    }

    /// Re-solves site `s`'s power against its cap: preempts under `preempt`, throttles the
    /// rest, meters the draw, and applies the throttle to the jobs running there.
    pub(super) fn recompute_site(&mut self, s: usize, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let cap = self.cap_w(s);
        if self.sites[s].policy == PowerPolicy::Preempt {
            self.preempt_over_cap(s, cap, ctx);
        }
        self.refresh_loads(s, now);
        let site = &mut self.sites[s];
        let decision = site.power.throttle_for_cap(cap);
        let throttle = decision.throughput_fraction * decision.running_fraction;
        if site.throttle < 1.0 {
            site.throttled_accel_h += f64::from(site.last_busy)
                * now
                    .saturating_duration_since(site.last_change)
                    .as_hours_f64();
        }
        site.last_change = now;
        site.last_busy = site.power.loads.iter().map(|l| l.busy).sum();
        site.meter
            .set(now, decision.draw_it_w, decision.draw_facility_w);
        site.carbon.set_power(now, decision.draw_facility_w);
        let changed = (throttle - site.throttle).abs() > 1e-12;
        // A job's draw follows the limit and the running and powered shares, which can move
        // while the throttle does not (a flat stretch of the curve, or chips switched off
        // with none running): re-meter its jobs on any of them.
        let draw_changed = (
            decision.limit_fraction,
            decision.running_fraction,
            decision.powered_fraction,
        ) != (site.limit, site.running, site.powered);
        site.throttle = throttle;
        site.limit = decision.limit_fraction;
        site.running = decision.running_fraction;
        site.powered = decision.powered_fraction;
        self.log_power(s, cap, decision.draw_facility_w, now);
        if changed {
            self.serving.set_throttle(s, throttle, now);
        }
        if changed || draw_changed {
            for j in 0..self.jobs.len() as u32 {
                if self.job_on_site(j, s) {
                    if changed {
                        let t = self.job_throttle(j);
                        self.set_throttle(j, t, ctx);
                    }
                    self.update_job_power(j, now);
                }
            }
        }
    }

    /// Under `preempt`: interrupts site `s`'s lowest-priority running jobs (latest first
    /// among equals) until its demand fits under `cap`.
    fn preempt_over_cap(&mut self, s: usize, cap: f64, ctx: &mut Context<'_, Ev>) {
        while self.sites[s].power.demand_facility_w() > cap {
            let victim = (0..self.jobs.len() as u32)
                .filter(|&j| self.job_on_site(j, s))
                .min_by_key(|&j| (self.run.jobs[j as usize].priority, std::cmp::Reverse(j)));
            let Some(victim) = victim else { break };
            self.hit.push(victim);
            self.interrupt_hit(
                Cause::Power,
                FailureDomain::Site(SiteId(s as u16)),
                SimDuration::ZERO,
                ctx,
            );
        }
    }

    /// Writes site `s`'s power state just solved (under `cap`, drawing `draw_facility_w`)
    /// to the power log, if it differs from the site's last row.
    fn log_power(&mut self, s: usize, cap: f64, draw_facility_w: f64, now: SimTime) {
        let site = &mut self.sites[s];
        let record = PowerRecord {
            time: now,
            site: s as u16,
            demand_facility_w: site.power.demand_facility_w(),
            cap_w: cap,
            draw_facility_w,
            throttle: site.throttle,
            busy: site.last_busy,
            accelerators: self.run.fabric.sites()[s].accelerator_count(),
        };
        // One row per actual change: a re-solve that changes nothing writes nothing.
        let same = |p: &PowerRecord| {
            (p.demand_facility_w, p.cap_w, p.draw_facility_w, p.throttle)
                == (
                    record.demand_facility_w,
                    record.cap_w,
                    record.draw_facility_w,
                    record.throttle,
                )
        };
        if site.last_record.as_ref().is_none_or(|p| !same(p)) {
            site.last_record = Some(record);
            self.power_log.push(record);
        }
    }

    /// Re-meters job `j`'s draw from its held chips at their sites' current limits (zero
    /// when it holds none).
    pub(super) fn update_job_power(&mut self, j: u32, now: SimTime) {
        let fabric = self.run.fabric;
        let (mut it_w, mut facility_w) = (0.0, 0.0);
        for &(cluster, count) in &self.jobs[j as usize].held {
            let c = fabric.cluster(ClusterId(cluster));
            let site = &self.sites[c.site.0 as usize];
            let load = &site.power.loads[(cluster - fabric.site(c.site).clusters.start) as usize];
            let busy = load.power.draw_w(
                crate::power::ChipState::Busy {
                    utilisation: load.utilisation,
                },
                Some(site.limit),
            );
            let chip = site.powered
                * (site.running * busy + (1.0 - site.running) * load.power.idle_draw_w());
            it_w += f64::from(count) * chip;
            facility_w += f64::from(count) * chip * site.power.pue;
        }
        self.jobs[j as usize].energy.set(now, it_w, facility_w);
    }

    /// Sets each cluster load's idle and down counts of site `s` from capacity: chips of a
    /// cluster not yet online, and of nodes held down by a failure, draw nothing.
    pub(super) fn refresh_loads(&mut self, s: usize, now: SimTime) {
        let fabric = self.run.fabric;
        let site = fabric.site(SiteId(s as u16));
        for (i, c) in fabric.clusters_of(site.id).iter().enumerate() {
            let count = c.accelerator_count();
            let down = if c.online_from > now {
                count
            } else {
                (self.capacity.down_nodes(c.id) * c.node_size).min(count)
            };
            let load = &mut self.sites[s].power.loads[i];
            load.down = down;
            load.idle = count.saturating_sub(load.busy + down);
        }
    }

    /// The power load of cluster `id` in its site.
    pub(super) fn load_mut(&mut self, id: ClusterId) -> &mut crate::power::KindLoad {
        let fabric = self.run.fabric;
        let c = fabric.cluster(id);
        let index = (id.0 - fabric.site(c.site).clusters.start) as usize;
        &mut self.sites[c.site.0 as usize].power.loads[index]
    }

    /// Whether running job `j` holds accelerators at site `s`.
    pub(super) fn job_on_site(&self, j: u32, s: usize) -> bool {
        let state = &self.jobs[j as usize];
        state.segment.is_some()
            && state
                .held
                .iter()
                .any(|&(c, _)| self.run.fabric.cluster(ClusterId(c)).site.0 as usize == s)
    }

    /// A job's throttle: the slowest of its sites (a synchronous job waits for it).
    pub(super) fn job_throttle(&self, j: u32) -> f64 {
        self.jobs[j as usize]
            .held
            .iter()
            .map(|&(c, _)| {
                self.sites[self.run.fabric.cluster(ClusterId(c)).site.0 as usize].throttle
            })
            .fold(1.0, f64::min)
    }

    /// The per-chip IT draw of load `load` of site `s` in its site's current state: (a busy
    /// chip, an idle chip), W, both times the powered share. What the site meter and the
    /// job meters must add up to.
    pub(super) fn chip_draws_w(&self, s: usize, load: usize) -> (f64, f64) {
        let site = &self.sites[s];
        let l = &site.power.loads[load];
        let busy = l.power.draw_w(
            crate::power::ChipState::Busy {
                utilisation: l.utilisation,
            },
            Some(site.limit),
        );
        let idle = l.power.idle_draw_w();
        (
            site.powered * (site.running * busy + (1.0 - site.running) * idle),
            site.powered * idle,
        )
    }
}
