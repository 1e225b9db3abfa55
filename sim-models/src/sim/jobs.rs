//! Training jobs' lives: the queue of waiting jobs, starting a placed job (its rate on the
//! allocation, its segment and finish event), throttling it, and stopping it (finished,
//! or interrupted: work committed by checkpoints is kept, the rest lost).

use sim_core::engine::Context;
use sim_core::time::{SimDuration, SimTime};

use super::FabricSim;
use super::events::Ev;
use super::state::Segment;
use crate::catalog::AcceleratorSpec;
use crate::topology::SiteId;
use crate::workload::{Allocation, CheckpointTimeline, JobRate, JobWork, WanSpan};

/// What a job's placement (in `FabricSim::placed`) means for its next segment.
struct SegmentTerms {
    /// Accelerators held.
    held: u32,
    /// On-demand price of the priced accelerators, USD per hour, and the count of the others.
    usd_per_h: f64,
    unpriced: u32,
    /// See [`Segment`].
    full_rate: f64,
    flops_per_unit: f64,
    egress_usd_per_flop: f64,
}

impl FabricSim<'_> {
    /// Job `job` arrives: it joins the queue, and whatever waits is placed if it can be.
    pub(super) fn on_arrive(&mut self, job: u32, ctx: &mut Context<'_, Ev>) {
        self.enqueue(job);
        self.schedule_waiting(ctx);
    }

    /// Tries to place every waiting replica, then every waiting job, in queue order.
    pub(super) fn schedule_waiting(&mut self, ctx: &mut Context<'_, Ev>) {
        if !self.replica_wait.is_empty() {
            self.place_replicas(false, ctx);
        }
        if !self.queue.is_empty() {
            self.refresh_view(ctx.now());
        }
        let mut i = 0;
        while i < self.queue.len() {
            let job = self.queue[i];
            if self.try_start(job, ctx) {
                self.queue.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// Queues `job` (if it is not waiting already) by priority, then arrival, then index.
    pub(super) fn enqueue(&mut self, job: u32) {
        let state = &mut self.jobs[job as usize];
        if state.waiting {
            return;
        }
        state.waiting = true;
        let key = |j: u32| {
            let spec = &self.run.jobs[j as usize];
            (std::cmp::Reverse(spec.priority), spec.arrival, j)
        };
        let at = self.queue.partition_point(|&other| key(other) <= key(job));
        self.queue.insert(at, job);
    }

    /// Places and starts `job` if capacity allows.
    fn try_start(&mut self, job: u32, ctx: &mut Context<'_, Ev>) -> bool {
        if !self.place_job(job, ctx.now()) {
            return false;
        }
        let terms = self.segment_terms(job);
        self.start_segment(job, &terms, ctx);
        true
    }

    /// The allocation of `self.placed` for `job`: accelerators by kind and their price,
    /// the sites it spans, and so the job's rate there and its cross-site egress.
    fn segment_terms(&self, job: u32) -> SegmentTerms {
        let fabric = self.run.fabric;
        let catalog = self.run.catalog;
        let spec = &self.run.jobs[job as usize];
        // The allocation by kind, and the sites it spans.
        let mut parts: Vec<(&AcceleratorSpec, u32)> = Vec::new();
        let mut sites: Vec<SiteId> = Vec::new();
        let mut held = 0;
        let (mut usd_per_h, mut unpriced) = (0.0, 0);
        for &(cluster, nodes) in &self.placed {
            let c = fabric.cluster(cluster);
            let count = nodes * c.node_size;
            held += count;
            match self.price[cluster.0 as usize] {
                Some(p) => usd_per_h += p * f64::from(count),
                None => unpriced += count,
            }
            let kind = catalog.accelerator(c.accelerator);
            match parts.iter_mut().find(|(k, _)| k.name == kind.name) {
                Some(p) => p.1 += count,
                None => parts.push((kind, count)),
            }
            if !sites.contains(&c.site) {
                sites.push(c.site);
            }
        }
        let mut alloc = Allocation::new(&parts);
        if sites.len() > 1 {
            alloc = alloc.with_span(self.wan_span(&sites));
        }
        let rate = JobRate::new(spec, &alloc);
        let egress_usd_per_flop = self.sync_egress_usd_per_flop(spec, &sites, rate.step_flops);
        let (full_rate, flops_per_unit) = match spec.work {
            JobWork::Tokens(_) => (rate.useful_flops_per_s, 1.0),
            JobWork::Duration(_) => (1.0, rate.useful_flops_per_s),
        };
        SegmentTerms {
            held,
            usd_per_h,
            unpriced,
            full_rate,
            flops_per_unit,
            egress_usd_per_flop,
        }
    }

    /// The WAN span of a job over `sites` (two or more): their count and the slowest path
    /// between two of them (least bandwidth, then longest RTT).
    fn wan_span(&self, sites: &[SiteId]) -> WanSpan {
        let net = self.run.network;
        let slowest = sites
            .iter()
            .flat_map(|&a| sites.iter().map(move |&b| (a, b)))
            .filter(|(a, b)| a < b)
            .map(|(a, b)| {
                net.wan
                    .path(a.0 as usize, b.0 as usize, net.rtt, net.prices)
            })
            .min_by(|x, y| {
                (x.gbit, -x.rtt.ms)
                    .partial_cmp(&(y.gbit, -y.rtt.ms))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .expect("invariant: two or more sites give at least one pair");
        WanSpan::from_path(sites.len() as u32, &slowest)
    }

    /// Starts `job`'s segment on its allocation (`self.placed`, nodes allocated): restart
    /// overhead and any checkpoint copy first, then work until its finish event; its chips
    /// become busy load of their sites.
    fn start_segment(&mut self, job: u32, terms: &SegmentTerms, ctx: &mut Context<'_, Ev>) {
        let fabric = self.run.fabric;
        // Failover `migrate`: a restart at another site first copies the checkpoint there.
        let new_site = fabric.cluster(self.placed[0].0).site;
        let copy = self.migrate_checkpoint(job, new_site, ctx.now());
        let spec = &self.run.jobs[job as usize];
        let state = &mut self.jobs[job as usize];
        let throttle = 1.0;
        state.progress.reset(terms.full_rate * throttle);
        let mut restart = if state.started_once {
            spec.restart_overhead
        } else {
            SimDuration::ZERO
        };
        if let Some(copy) = copy {
            restart = restart.saturating_add(copy);
        }
        state.pinned.clear();
        state.last_site = Some(new_site);
        let timeline = CheckpointTimeline::new(
            spec.checkpoint_interval,
            spec.checkpoint_cost.time(),
            restart,
        );
        let compute = SimDuration::from_secs_f64(state.progress.compute_for(state.remaining))
            .unwrap_or(SimDuration::MAX);
        let finish_at = ctx
            .now()
            .saturating_add(timeline.elapsed_to_finish(compute));
        let finish = ctx
            .schedule_cancellable_at(finish_at, Ev::Finish(job))
            .expect("invariant: a finish time is not in the past");
        if state.report.first_start.is_none() {
            state.report.first_start = Some(ctx.now());
        }
        state.started_once = true;
        state.waiting = false;
        state.accelerators_held = terms.held;
        state.segment = Some(Segment {
            start: ctx.now(),
            full_rate: terms.full_rate,
            flops_per_unit: terms.flops_per_unit,
            throttle,
            timeline,
            finish,
            usd_per_h: terms.usd_per_h,
            unpriced: terms.unpriced,
            egress_usd_per_flop: terms.egress_usd_per_flop,
        });
        let mut held_now = std::mem::take(&mut state.held);
        held_now.clear();
        for &(cluster, nodes) in &self.placed {
            held_now.push((cluster.0, nodes * fabric.cluster(cluster).node_size));
        }
        self.set_busy(ctx.now(), f64::from(terms.held));
        self.change_load(&held_now, true, ctx);
        self.jobs[job as usize].held = held_now;
        let t = self.job_throttle(job);
        self.set_throttle(job, t, ctx);
        self.update_job_power(job, ctx.now());
    }

    /// Job `job`'s work completes: it is billed, banks all its work and frees its nodes;
    /// whatever waits is placed if it can be.
    pub(super) fn on_finish(&mut self, job: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let state = &mut self.jobs[job as usize];
        if let Some(seg) = &state.segment {
            Self::bill(
                &mut state.report,
                &state.progress,
                seg,
                state.accelerators_held,
                now,
            );
            let elapsed = now.saturating_duration_since(seg.start);
            let done = seg.timeline.compute_done(elapsed).as_secs_f64();
            state.report.useful_compute_s += done;
            state.report.flops_done += state.remaining * seg.flops_per_unit;
            state.remaining = 0.0;
            state.report.completed_at = Some(now);
            state.segment = None;
            self.free_allocation(job, now);
            self.flush_release(ctx);
        }
        self.schedule_waiting(ctx);
    }

    /// Adds `delta` to the fleet's busy accelerators from `now` on.
    fn set_busy(&mut self, now: SimTime, delta: f64) {
        self.busy += delta;
        self.busy_accelerators.set(now, self.busy);
    }

    /// Runs `job` at `throttle` (throughput fraction) from now on: banks its progress at the
    /// old rate and moves its finish event. No effect on a job that is not running.
    pub(super) fn set_throttle(&mut self, job: u32, throttle: f64, ctx: &mut Context<'_, Ev>) {
        let state = &mut self.jobs[job as usize];
        let Some(seg) = state.segment.as_mut() else {
            return;
        };
        if seg.throttle == throttle {
            return;
        }
        let elapsed = ctx.now().saturating_duration_since(seg.start);
        let compute = seg.timeline.compute_done(elapsed).as_secs_f64();
        let committed = seg.timeline.committed_compute(elapsed).as_secs_f64();
        state
            .progress
            .set_rate(compute, seg.full_rate * throttle, committed);
        seg.throttle = throttle;
        ctx.cancel(seg.finish);
        let total = SimDuration::from_secs_f64(state.progress.compute_for(state.remaining))
            .unwrap_or(SimDuration::MAX);
        let finish_at = seg
            .start
            .saturating_add(seg.timeline.elapsed_to_finish(total));
        seg.finish = ctx
            .schedule_cancellable_at(finish_at.max(ctx.now()), Ev::Finish(job))
            .expect("invariant: a finish time is not in the past");
    }

    /// Ends `job`'s segment at `now`: banks the committed work, counts the lost work, frees
    /// its nodes. `planned` means a checkpoint was taken just before (nothing is lost).
    pub(super) fn stop_segment(&mut self, job: u32, now: SimTime, planned: bool) -> f64 {
        let state = &mut self.jobs[job as usize];
        let Some(seg) = state.segment.take() else {
            return 0.0;
        };
        Self::bill(
            &mut state.report,
            &state.progress,
            &seg,
            state.accelerators_held,
            now,
        );
        let elapsed = now.saturating_duration_since(seg.start);
        let done = seg.timeline.compute_done(elapsed).as_secs_f64();
        let committed = if planned {
            done
        } else {
            seg.timeline.committed_compute(elapsed).as_secs_f64()
        };
        let units = state.progress.units_at(committed);
        state.remaining = (state.remaining - units).max(0.0);
        state.report.useful_compute_s += committed;
        state.report.flops_done += units * seg.flops_per_unit;
        let lost_h =
            (done - committed) * f64::from(state.accelerators_held) / crate::units::HOUR_SECS;
        state.report.lost_accel_h += lost_h;
        self.free_allocation(job, now);
        lost_h
    }

    /// Frees a stopped job's nodes and stops metering it; its accelerators wait in
    /// `pending_release` until [`flush_release`](Self::flush_release) returns them to their
    /// sites' loads.
    fn free_allocation(&mut self, job: u32, now: SimTime) {
        let state = &mut self.jobs[job as usize];
        self.capacity.release(self.run.fabric, &state.nodes);
        state.nodes.clear();
        let held = state.accelerators_held;
        state.accelerators_held = 0;
        self.pending_release.extend_from_slice(&state.held);
        state.held.clear();
        state.energy.set(now, 0.0, 0.0);
        self.set_busy(now, -f64::from(held));
    }

    /// Returns the accelerators freed since the last flush to their sites' loads.
    pub(super) fn flush_release(&mut self, ctx: &mut Context<'_, Ev>) {
        let freed = std::mem::take(&mut self.pending_release);
        self.change_load(&freed, false, ctx);
        self.pending_release = freed;
        self.pending_release.clear();
    }
}
