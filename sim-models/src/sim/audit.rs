//! Self-checks for tests: [`FabricSim::run_checked`] runs the model checking its
//! invariants ([`FabricSim::check_invariants`]) and auditing its energy accounting and
//! logs ([`EnergyAudit`]) after every event.

use sim_core::engine::Simulation;
use sim_core::time::SimTime;

use super::{FabricSim, RunSummary, serving};
use crate::topology::ClusterId;
use crate::workload::JobWork;

/// What [`FabricSim::run_checked`]'s energy audit carries from one event to the next.
#[derive(Clone, Debug)]
struct EnergyAudit {
    /// Time of the previous check.
    last: SimTime,
    /// Per site, its IT draw since `last` as recomputed from its chips, W, and its integral
    /// from the start, J.
    site_it_w: Vec<f64>,
    site_it_j: Vec<f64>,
    /// Draw of replicas' and idle chips (sites' draw minus jobs'), W, and its integral, J.
    other_it_w: f64,
    other_it_j: f64,
    /// Per site, the power log integrated to `log_at`, J, and the draw of its last row, W.
    log_j: Vec<f64>,
    log_w: Vec<f64>,
    log_at: Vec<SimTime>,
    /// Power log rows read so far, and the time of the last.
    log_cursor: usize,
    log_last: SimTime,
    /// Component and interruption records read so far, and their last times.
    component_cursor: usize,
    component_last: SimTime,
    interruption_cursor: usize,
    interruption_last: SimTime,
    /// Per site, its IT energy at the previous check (energy never decreases).
    prev_site_it_j: Vec<f64>,
}

impl EnergyAudit {
    /// The audit of a model before its first event: everything at zero (meters start at
    /// zero power; the first re-solve of each site happens at time zero).
    fn new(sim: &FabricSim<'_>) -> Self {
        let n = sim.sites.len();
        Self {
            last: SimTime::ZERO,
            site_it_w: vec![0.0; n],
            site_it_j: vec![0.0; n],
            other_it_w: 0.0,
            other_it_j: 0.0,
            log_j: vec![0.0; n],
            log_w: vec![0.0; n],
            log_at: vec![SimTime::ZERO; n],
            log_cursor: 0,
            log_last: SimTime::ZERO,
            component_cursor: 0,
            component_last: SimTime::ZERO,
            interruption_cursor: 0,
            interruption_last: SimTime::ZERO,
            prev_site_it_j: vec![0.0; n],
        }
    }

    /// Integrates the draw since the previous check up to `now` (`dt` seconds later).
    fn integrate(&mut self, dt: f64) {
        for (s, w) in self.site_it_w.iter().enumerate() {
            self.site_it_j[s] += w * dt;
        }
        self.other_it_j += self.other_it_w * dt;
    }

    /// Reads the power log since the last check: in time order, at or before `now`;
    /// integrates each site's logged draw.
    fn read_power_log(
        &mut self,
        power_log: &[super::PowerRecord],
        now: SimTime,
    ) -> Result<(), String> {
        for r in &power_log[self.log_cursor..] {
            let s = r.site as usize;
            if r.time > now || r.time < self.log_at[s] || r.time < self.log_last {
                return Err(format!(
                    "power record of site {s} at {} out of order (last {}, now {now})",
                    r.time, self.log_at[s]
                ));
            }
            let held = r
                .time
                .saturating_duration_since(self.log_at[s])
                .as_secs_f64();
            self.log_j[s] += self.log_w[s] * held;
            self.log_w[s] = r.draw_facility_w;
            self.log_at[s] = r.time;
            self.log_last = r.time;
        }
        self.log_cursor = power_log.len();
        Ok(())
    }

    /// Reads the component and interruption logs since the last check: each in time
    /// order, at or before `now`.
    fn read_records(
        &mut self,
        components: &[super::ComponentRecord],
        interruptions: &[super::InterruptionRecord],
        now: SimTime,
    ) -> Result<(), String> {
        for (what, times) in [
            (
                "component record",
                &mut components[self.component_cursor..].iter().map(|c| c.time)
                    as &mut dyn Iterator<Item = SimTime>,
            ),
            (
                "interruption",
                &mut interruptions[self.interruption_cursor..]
                    .iter()
                    .map(|c| c.time),
            ),
        ] {
            let last = if what == "interruption" {
                &mut self.interruption_last
            } else {
                &mut self.component_last
            };
            for t in times {
                if t < *last || t > now {
                    return Err(format!(
                        "{what} at {t} out of order (last {last}, now {now})"
                    ));
                }
                *last = t;
            }
        }
        self.component_cursor = components.len();
        self.interruption_cursor = interruptions.len();
        Ok(())
    }
}

/// Whether two audited figures agree: relative 1e-9 plus 1e-6 absolute (float rounding,
/// not modelling slack).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-6
}

impl FabricSim<'_> {
    /// [`run`](Self::run), checking the model's invariants after every event
    /// ([`check_invariants`](Self::check_invariants)) and auditing its energy accounting
    /// (every site's meter against the integral of its chips' draw and of its power log,
    /// and the split into jobs, replicas and idle chips; time order of every log; see
    /// `FabricSim::audit`); returns the first violation with the time it was found.
    /// O(nodes + jobs + sites x kinds) per event: for tests, not for studies.
    pub fn run_checked(self) -> Result<RunSummary, String> {
        let horizon = self.run.horizon;
        let mut sim = self.into_simulation();
        let mut audit = EnergyAudit::new(sim.model());
        if let Some(v) = Self::run_audited(&mut sim, &mut audit, horizon) {
            return Err(v);
        }
        let events = sim.events_processed();
        Ok(sim.into_model().finish(horizon, events))
    }

    /// Runs `sim` to `until`, checking [`check_invariants`](Self::check_invariants) and the
    /// energy audit after every event; the first violation, with its time.
    fn run_audited(
        sim: &mut Simulation<Self>,
        audit: &mut EnergyAudit,
        until: SimTime,
    ) -> Option<String> {
        let mut violation = None;
        let limits = sim_core::engine::RunLimits {
            until: Some(until),
            ..Default::default()
        };
        sim.run_with(
            limits,
            |model, now| match model
                .check_invariants(now)
                .and_then(|()| model.audit(now, audit))
            {
                Ok(()) => false,
                Err(e) => {
                    violation = Some(format!("at {now}: {e}"));
                    true
                }
            },
            |_| {},
        );
        violation
    }

    /// Energy conservation and time order, checked against `audit` (the state carried from
    /// the previous check) at `now`, after an event; updates `audit`. *O*(sites x kinds +
    /// jobs' and replicas' allocations + records since the last check).
    ///
    /// * time never goes backwards, and the power log, component log and interruption log
    ///   are in time order and not in the future;
    /// * each site's meter energy (IT and facility) equals the audit's own integral of the
    ///   site's draw recomputed from its chips by state (busy at the site's limit and
    ///   running share, idle, down; times the powered share), facility = IT x PUE, and the
    ///   power log integrated over time (draw x duration per row) gives the same facility
    ///   energy;
    /// * the site's current draw equals that recomputation, each running job's meter draws
    ///   exactly its held chips at their sites' busy draw (nothing when it holds none), and
    ///   every busy chip of a cluster is held by a job or a replica (no more, no fewer);
    /// * the split adds up: the jobs' metered energy plus the audit's integral of the
    ///   replicas' and idle chips' draw equals the sites' IT energy;
    /// * no job's accounted time, energy or work is negative, token jobs' work is conserved
    ///   (done + remaining = total: no progress past 100 %), and no start or completion is
    ///   in the future or before the job's arrival.
    ///
    /// Tolerances are relative 1e-9 (plus 1e-6 J or W absolute): float rounding, not
    /// modelling slack.
    fn audit(&self, now: SimTime, audit: &mut EnergyAudit) -> Result<(), String> {
        if now < audit.last {
            return Err(format!("time went backwards from {} to {now}", audit.last));
        }
        let dt = now.saturating_duration_since(audit.last).as_secs_f64();
        // Integrate what the state since the previous check drew.
        audit.integrate(dt);
        audit.read_power_log(&self.power_log, now)?;
        audit.read_records(&self.components, &self.interruptions, now)?;
        // Metered energy against the audit's integrals.
        let sites_it_j = self.audit_site_energy(now, audit)?;
        let jobs_it_j: f64 = self.jobs.iter().map(|j| j.energy.energy_it_j(now)).sum();
        if !close(jobs_it_j + audit.other_it_j, sites_it_j) {
            return Err(format!(
                "jobs' {jobs_it_j} J + replicas' and idle chips' {} J != sites' {sites_it_j} J",
                audit.other_it_j
            ));
        }
        // The draw from now on, recomputed from the chips' states.
        let fabric = self.run.fabric;
        let mut held = vec![0u64; fabric.clusters().len()];
        let jobs_w = self.audit_jobs(now, &mut held)?;
        for nodes in &self.replica_nodes {
            for &n in nodes {
                let c = fabric.cluster_of_node(crate::topology::NodeId(n));
                held[c.0 as usize] += u64::from(fabric.cluster(c).node_size);
            }
        }
        let sites_w = self.audit_site_draw(&held, audit)?;
        audit.other_it_w = sites_w - jobs_w;
        audit.last = now;
        Ok(())
    }

    /// Each site's metered energy at `now` against the audit's integrals of its chips' draw
    /// and of its power log, facility = IT x PUE, and never decreasing; the sites' total IT
    /// energy, J.
    fn audit_site_energy(&self, now: SimTime, audit: &mut EnergyAudit) -> Result<f64, String> {
        let mut sites_it_j = 0.0;
        for (s, site) in self.sites.iter().enumerate() {
            let it = site.meter.energy_it_j(now);
            let facility = site.meter.energy_facility_j(now);
            sites_it_j += it;
            if !close(it, audit.site_it_j[s]) {
                return Err(format!(
                    "site {s} metered {it} J of IT energy, its chips drew {} J",
                    audit.site_it_j[s]
                ));
            }
            if !close(facility, it * site.power.pue) {
                return Err(format!(
                    "site {s} facility energy {facility} J is not IT {it} J x PUE {}",
                    site.power.pue
                ));
            }
            let logged = audit.log_j[s]
                + audit.log_w[s] * now.saturating_duration_since(audit.log_at[s]).as_secs_f64();
            if !close(facility, logged) {
                return Err(format!(
                    "site {s} metered {facility} J at the facility, its power log integrates to {logged} J"
                ));
            }
            let prev = audit.prev_site_it_j[s];
            if it < prev - (1e-12 * prev + 1e-6) {
                return Err(format!(
                    "site {s}'s IT energy went down from {prev} J to {it} J"
                ));
            }
            audit.prev_site_it_j[s] = it;
        }
        Ok(sites_it_j)
    }

    /// Each job's meter against its held chips' draw, and its books (nothing negative,
    /// token work conserved, starts and ends in range); adds the chips each job holds to
    /// `held` (per cluster) and returns the jobs' total draw, W.
    fn audit_jobs(&self, now: SimTime, held: &mut [u64]) -> Result<f64, String> {
        let fabric = self.run.fabric;
        let mut jobs_w = 0.0;
        for (j, state) in self.jobs.iter().enumerate() {
            let mut expected = 0.0;
            for &(cluster, count) in &state.held {
                let c = fabric.cluster(ClusterId(cluster));
                let load = (cluster - fabric.site(c.site).clusters.start) as usize;
                expected += f64::from(count) * self.chip_draws_w(c.site.0 as usize, load).0;
                held[cluster as usize] += u64::from(count);
            }
            if !close(state.energy.it_w(), expected) {
                return Err(format!(
                    "job {j} meters {} W, its {} held chips draw {expected} W",
                    state.energy.it_w(),
                    state.accelerators_held
                ));
            }
            jobs_w += expected;
            let r = &state.report;
            let spec = &self.run.jobs[j];
            for (what, x) in [
                ("accel_hours", r.accel_hours),
                ("lost_accel_h", r.lost_accel_h),
                ("useful_compute_s", r.useful_compute_s),
                ("flops_done", r.flops_done),
                ("cost_usd", r.cost_usd),
                ("egress_usd", r.egress_usd),
                ("energy", state.energy.energy_it_j(now)),
            ] {
                if !(x.is_finite() && x >= 0.0) {
                    return Err(format!("job {j} has {what} {x}"));
                }
            }
            if let JobWork::Tokens(_) = spec.work {
                let total = spec.total_flops().unwrap_or(0.0);
                if !close(r.flops_done + state.remaining, total)
                    || r.flops_done > total * (1.0 + 1e-9)
                {
                    return Err(format!(
                        "job {j}: {} FLOPs done + {} remaining != {total}",
                        r.flops_done, state.remaining
                    ));
                }
            }
            for t in [r.first_start, r.completed_at].into_iter().flatten() {
                if t > now || t < spec.arrival {
                    return Err(format!(
                        "job {j} has a start or end at {t} (arrival {}, now {now})",
                        spec.arrival
                    ));
                }
            }
        }
        Ok(jobs_w)
    }

    /// Each cluster's busy chips against what jobs and replicas hold (`held`), and each
    /// site's meter against its chips' draw, which becomes the audit's draw from now on;
    /// the sites' total draw, W.
    fn audit_site_draw(&self, held: &[u64], audit: &mut EnergyAudit) -> Result<f64, String> {
        let fabric = self.run.fabric;
        let mut sites_w = 0.0;
        for (s, site) in self.sites.iter().enumerate() {
            let first = fabric.sites()[s].clusters.start;
            let mut expected = 0.0;
            for (i, load) in site.power.loads.iter().enumerate() {
                let cluster = first as usize + i;
                if u64::from(load.busy) != held[cluster] {
                    return Err(format!(
                        "cluster {cluster} has {} busy chips, jobs and replicas hold {}",
                        load.busy, held[cluster]
                    ));
                }
                let (busy_w, idle_w) = self.chip_draws_w(s, i);
                expected += f64::from(load.busy) * busy_w + f64::from(load.idle) * idle_w;
            }
            if site.last_record.is_none() {
                // Not yet solved (its first re-solve is an event at time zero): it draws
                // nothing until then, for no time.
                expected = 0.0;
            }
            if !close(site.meter.it_w(), expected) {
                return Err(format!(
                    "site {s} meters {} W, its chips draw {expected} W",
                    site.meter.it_w()
                ));
            }
            audit.site_it_w[s] = expected;
            sites_w += expected;
        }
        Ok(sites_w)
    }

    /// The model's invariants at time `now`:
    ///
    /// * every node is held by at most one job or replica, and capacity agrees on who;
    /// * a job is running (has a segment) or waiting (queued), never both;
    /// * a running job's segment did not start in the future, and its remaining work is
    ///   neither negative nor more than it started with;
    /// * the fleet's busy count is the sum of what running jobs hold;
    /// * every site's power draw and energy are finite and non-negative.
    pub fn check_invariants(&self, now: SimTime) -> Result<(), String> {
        let fabric = self.run.fabric;
        let mut holder = vec![u32::MAX; fabric.node_count() as usize];
        let mut claim = |node: u32, who: u32| -> Result<(), String> {
            let slot = &mut holder[node as usize];
            if *slot != u32::MAX {
                return Err(format!("node {node} held by both {} and {who}", *slot));
            }
            *slot = who;
            Ok(())
        };
        let mut busy = 0u64;
        for (j, state) in self.jobs.iter().enumerate() {
            for &n in &state.nodes {
                claim(n, j as u32)?;
            }
            let queued = self.queue.contains(&(j as u32));
            match (&state.segment, queued || state.waiting) {
                (Some(_), true) => return Err(format!("job {j} is both running and queued")),
                (Some(seg), false) => {
                    if seg.start > now {
                        return Err(format!("job {j}'s segment starts in the future"));
                    }
                    busy += u64::from(state.accelerators_held);
                }
                (None, _) => {
                    if !state.nodes.is_empty() {
                        return Err(format!("job {j} holds nodes without running"));
                    }
                }
            }
            let total = match self.run.jobs[j].work {
                JobWork::Tokens(_) => self.run.jobs[j].total_flops().unwrap_or(0.0),
                JobWork::Duration(d) => d.as_secs_f64(),
            };
            if !(state.remaining >= 0.0 && state.remaining <= total * (1.0 + 1e-9)) {
                return Err(format!(
                    "job {j} has {} of {total} work remaining",
                    state.remaining
                ));
            }
        }
        for (r, nodes) in self.replica_nodes.iter().enumerate() {
            for &n in nodes {
                claim(n, serving::REPLICA_OWNER_BASE + r as u32)?;
            }
        }
        for (n, &who) in holder.iter().enumerate() {
            let owner = self.capacity.owner(crate::topology::NodeId(n as u32));
            let expected = if who == u32::MAX {
                crate::capacity::FREE
            } else {
                who
            };
            if owner != expected {
                return Err(format!(
                    "node {n}: capacity says {owner}, holders say {expected}"
                ));
            }
        }
        self.capacity.check(fabric)?;
        if (self.busy - busy as f64).abs() > 0.5 {
            return Err(format!("busy count {} but jobs hold {busy}", self.busy));
        }
        for (i, site) in self.sites.iter().enumerate() {
            let it = site.meter.energy_it_mwh(now);
            if !(it.is_finite() && it >= 0.0) {
                return Err(format!("site {i} has IT energy {it} MWh"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use sim_core::time::SimDuration;

    use super::*;
    use crate::catalog::Catalog;
    use crate::failure::FailureModel;
    use crate::network::{EgressPrices, NetworkSpec, PartitionPlan, RttModel, WanModel};
    use crate::outage::OutagePlan;
    use crate::power::CurtailmentPlan;
    use crate::sim::events::Ev;
    use crate::sim::{FabricRun, Network, Policies};
    use crate::topology::FabricSpec;
    use crate::workload::TrainingJobSpec;

    /// One H100 site running one job from time zero, for `hours`, audited at every event;
    /// `corrupt` breaks the model's books at the halfway point.
    fn audited(corrupt: impl FnOnce(&mut FabricSim<'_>)) -> Option<String> {
        let catalog = Catalog::builtin();
        let spec = FabricSpec {
            sites: vec![serving::synthetic::site(
                "aws-use1",
                "aws",
                "us-east-1",
                "h100",
                8,
                8,
            )],
        };
        let fabric = spec.build(&catalog).unwrap();
        let sites = [("aws-use1", fabric.sites()[0].region)];
        let wan = WanModel::new(
            &NetworkSpec {
                wan_gbit_default: 100.0,
                links: Vec::new(),
            },
            &sites,
        )
        .unwrap();
        let rtt = RttModel::from_catalog(&catalog).unwrap();
        let prices = EgressPrices::from_catalog(&catalog).unwrap();
        let job =
            TrainingJobSpec::new("j", 8e9, JobWork::Duration(SimDuration::from_hours(10)), 32);
        let horizon = SimTime::ZERO + SimDuration::from_hours(20);
        let run = FabricRun {
            fabric: &fabric,
            catalog: &catalog,
            network: Network {
                wan: &wan,
                rtt: &rtt,
                prices: &prices,
            },
            jobs: &[job],
            failures: &FailureModel::builtin("none").unwrap(),
            outages: &OutagePlan::default(),
            horizon,
            seed: 1,
            power: &[],
            curtailments: &CurtailmentPlan::default(),
            commitments: &[],
            carbon: &[],
            serving: &serving::ServingRun {
                services: Vec::new(),
                partitions: PartitionPlan::default(),
                fidelity: serving::Fidelity::Request,
                sample_every: 0,
            },
        };
        let model = FabricSim::new(run, Policies::default()).unwrap();
        let mut sim = Simulation::new(model);
        for (at, ev) in sim.model_mut().initial_events() {
            sim.schedule_at(at, ev).unwrap();
        }
        // A mid-run event to audit after the corruption.
        let half = SimTime::ZERO + SimDuration::from_hours(5);
        sim.schedule_at(half, Ev::CapChange(0)).unwrap();
        let mut audit = EnergyAudit::new(sim.model());
        let quarter = SimTime::ZERO + SimDuration::from_hours(3);
        if let Some(v) = FabricSim::run_audited(&mut sim, &mut audit, quarter) {
            return Some(format!("before the corruption: {v}"));
        }
        corrupt(sim.model_mut());
        FabricSim::run_audited(&mut sim, &mut audit, horizon)
    }

    #[test]
    fn the_audit_passes_honest_books() {
        assert_eq!(audited(|_| {}), None);
    }

    #[test]
    fn the_audit_catches_broken_energy_accounting() {
        let at = SimTime::ZERO + SimDuration::from_hours(3);
        // A job meter that stops counting while its chips keep drawing.
        let v = audited(|m| m.jobs[0].energy.set(at, 0.0, 0.0)).unwrap();
        assert!(v.contains("jobs' ") || v.contains("job 0 meters"), "{v}");
        // A site meter drawing more than its chips (and than its power log says).
        let v = audited(|m| {
            let (it, f) = (m.sites[0].meter.it_w(), m.sites[0].meter.facility_w());
            m.sites[0].meter.set(at, it + 1e3, f + 1e3);
        })
        .unwrap();
        assert!(v.contains("site 0"), "{v}");
        // A busy chip nobody holds (double-booked or leaked).
        let v = audited(|m| m.sites[0].power.loads[0].busy += 8).unwrap();
        assert!(v.contains("busy chips"), "{v}");
        // Token-job style progress past its total.
        let v = audited(|m| m.jobs[0].remaining = -1.0).unwrap();
        assert!(v.contains("remaining"), "{v}");
    }
}
