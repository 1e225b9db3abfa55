//! Per-job outcome: interruptions, lost work, useful compute, goodput, ETTR.

use sim_core::time::{SimDuration, SimTime};

use super::checkpoint::SegmentTimes;

/// What happened to one training job, filled in by the simulator as segments end.
///
/// Definitions:
///
/// * `useful_compute_s`: compute time that counts toward the job's progress: a segment's
///   compute when it ends normally (finish, or the horizon, where work is kept), its
///   committed compute when it is interrupted.
/// * `wall_s`: from the first start (not the arrival: queueing before the first start is
///   not the job's fault) to completion, or to the horizon if unfinished; it includes
///   restarts, checkpoints, lost work and any wait for re-placement after an interruption.
/// * ETTR (effective training time ratio) = `useful_compute_s / wall_s`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobMetrics {
    /// Interruptions by failure category, in order of first occurrence.
    pub interruptions_by_category: Vec<(String, u32)>,
    /// Compute thrown away by interruptions, accelerator-hours (lost compute × chips).
    pub lost_accel_hours: f64,
    /// Compute thrown away by interruptions, s.
    pub lost_compute_s: f64,
    /// Useful compute time, s (see above).
    pub useful_compute_s: f64,
    /// Time spent restarting, s.
    pub restart_s: f64,
    /// Time spent writing checkpoints, s.
    pub checkpoint_s: f64,
    /// Wall time from first start to completion or horizon, s (see [`JobMetrics::close`]).
    pub wall_s: f64,
    /// Training FLOPs that count toward the job (lost work excluded).
    pub flops_done: f64,
    /// When the job first started, if it did.
    pub first_start: Option<SimTime>,
    /// When the job completed, if it did.
    pub completed_at: Option<SimTime>,
}

impl JobMetrics {
    /// Counts one interruption of `category` (e.g. a Llama 3 taxonomy name, or `outage`).
    /// *O*(categories seen).
    pub fn record_interruption(&mut self, category: &str) {
        match self
            .interruptions_by_category
            .iter_mut()
            .find(|(c, _)| c == category)
        {
            Some((_, n)) => *n += 1,
            None => self
                .interruptions_by_category
                .push((category.to_owned(), 1)),
        }
    }

    /// Total interruptions.
    pub fn interruptions(&self) -> u32 {
        self.interruptions_by_category.iter().map(|(_, n)| n).sum()
    }

    /// Adds the times of one ended segment run on `accelerators` chips (from
    /// [`CheckpointTimeline::segment_times`](super::CheckpointTimeline::segment_times)).
    /// FLOPs are the caller's: they depend on the rate, which may change inside a segment.
    pub fn add_segment(&mut self, times: &SegmentTimes, accelerators: u32) {
        let lost = times.compute_lost.as_secs_f64();
        self.lost_compute_s += lost;
        self.lost_accel_hours += lost * f64::from(accelerators) / 3600.0;
        self.useful_compute_s += times.compute_kept.as_secs_f64();
        self.restart_s += times.restart.as_secs_f64();
        self.checkpoint_s += times.checkpoint.as_secs_f64();
    }

    /// Sets `wall_s` from `first_start` to `completed_at`, else to `horizon`; zero if the
    /// job never started.
    pub fn close(&mut self, horizon: SimTime) {
        self.wall_s = match self.first_start {
            Some(start) => self
                .completed_at
                .unwrap_or(horizon)
                .saturating_duration_since(start)
                .as_secs_f64(),
            None => SimDuration::ZERO.as_secs_f64(),
        };
    }

    /// Effective training time ratio, `useful_compute_s / wall_s`; `None` if no wall time.
    pub fn ettr(&self) -> Option<f64> {
        (self.wall_s > 0.0).then(|| self.useful_compute_s / self.wall_s)
    }

    /// Goodput: training FLOPs that count, in EFLOP (1e18).
    pub fn goodput_eflop(&self) -> f64 {
        self.flops_done / 1e18
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::CheckpointTimeline;

    #[test]
    fn segments_interruptions_and_ettr() {
        let mut m = JobMetrics::default();
        assert_eq!(m.ettr(), None);
        let h = SimDuration::HOUR;
        let min = SimDuration::from_mins;
        // Restart 10 min, compute 50 min, checkpoint 10 min.
        let tl = CheckpointTimeline::new(min(50), min(10), min(10));
        m.first_start = Some(SimTime::ZERO);
        // Interrupted at 2h30m: 2 checkpoints (100 min kept), 20 min lost.
        m.add_segment(&tl.segment_times(h * 2 + min(30), true), 16);
        m.record_interruption("Faulty GPU");
        m.record_interruption("Network Switch/Cable");
        m.record_interruption("Faulty GPU");
        // Resumed after a 30 min wait; ran 1 h to the finish.
        m.add_segment(&tl.segment_times(h, false), 16);
        m.completed_at = Some(SimTime::ZERO + h * 4);
        m.close(SimTime::ZERO + h * 100);
        assert_eq!(m.interruptions(), 3);
        assert_eq!(m.interruptions_by_category[0], ("Faulty GPU".into(), 2));
        assert_eq!(m.useful_compute_s, (100.0 + 50.0) * 60.0);
        assert_eq!(m.lost_compute_s, 20.0 * 60.0);
        assert!((m.lost_accel_hours - 16.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.restart_s, 20.0 * 60.0);
        assert_eq!(m.checkpoint_s, 20.0 * 60.0);
        assert_eq!(m.wall_s, 4.0 * 3600.0);
        assert_eq!(m.ettr(), Some(150.0 / 240.0));
        m.flops_done = 2.5e21;
        assert_eq!(m.goodput_eflop(), 2500.0);
        // Unfinished: wall runs to the horizon.
        m.completed_at = None;
        m.close(SimTime::ZERO + h * 10);
        assert_eq!(m.wall_s, 36_000.0);
    }
}
