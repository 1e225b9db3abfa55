//! A running job's work as a function of its compute time, under rate changes.
//!
//! Within a segment the checkpoint timeline maps wall time to *compute time* (time spent
//! computing, excluding restart and checkpoints). Work is the integral of the rate over
//! compute time; the rate changes when the site's power throttle changes. Marks record
//! (compute time, work, rate) at each change, so work at any compute time is exact:
//! `work(c) = work_i + (c - c_i) × rate_i` for the last mark `i` with `c_i <= c`.
//! Marks before the last completed checkpoint are pruned, so the list stays short.

/// One rate change.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Mark {
    compute_s: f64,
    units: f64,
    rate: f64,
}

/// Work accounting of one segment (reuse it across segments: [`Progress::reset`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Progress {
    marks: Vec<Mark>,
}

impl Progress {
    /// Starts a segment at compute time 0 with `rate` units per compute-second.
    pub(crate) fn reset(&mut self, rate: f64) {
        self.marks.clear();
        self.marks.push(Mark {
            compute_s: 0.0,
            units: 0.0,
            rate,
        });
    }

    fn mark_at(&self, compute_s: f64) -> &Mark {
        let i = self
            .marks
            .partition_point(|m| m.compute_s <= compute_s)
            .max(1);
        &self.marks[i - 1]
    }

    /// Work done by compute time `compute_s`.
    pub(crate) fn units_at(&self, compute_s: f64) -> f64 {
        let m = self.mark_at(compute_s);
        m.units + (compute_s - m.compute_s).max(0.0) * m.rate
    }

    /// Changes the rate from compute time `compute_s` on; marks before `committed_s` (the
    /// last completed checkpoint) that are no longer needed are dropped.
    pub(crate) fn set_rate(&mut self, compute_s: f64, rate: f64, committed_s: f64) {
        let units = self.units_at(compute_s);
        let keep_from = self
            .marks
            .partition_point(|m| m.compute_s <= committed_s)
            .saturating_sub(1);
        self.marks.drain(..keep_from);
        self.marks.push(Mark {
            compute_s,
            units,
            rate,
        });
    }

    /// Compute time at which the work reaches `units` at the current rate (infinite at rate 0).
    pub(crate) fn compute_for(&self, units: f64) -> f64 {
        let m = self.marks.last().expect("invariant: a segment has a mark");
        if m.rate <= 0.0 {
            return f64::INFINITY;
        }
        m.compute_s + ((units - m.units) / m.rate).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_follows_rate_changes_exactly() {
        let mut p = Progress::default();
        p.reset(10.0);
        assert_eq!(p.units_at(5.0), 50.0);
        p.set_rate(5.0, 4.0, 0.0); // throttled at compute time 5
        assert_eq!(p.units_at(7.0), 58.0);
        assert_eq!(p.units_at(3.0), 30.0, "before the change, the old rate");
        assert_eq!(p.compute_for(70.0), 10.0);
        p.set_rate(10.0, 10.0, 6.0); // released; a checkpoint completed at compute time 6
        assert_eq!(
            p.units_at(6.0),
            54.0,
            "the mark covering the checkpoint is kept"
        );
        assert_eq!(p.units_at(12.0), 90.0);
    }

    #[test]
    fn zero_rate_never_finishes() {
        let mut p = Progress::default();
        p.reset(0.0);
        assert!(p.compute_for(1.0).is_infinite());
    }
}
