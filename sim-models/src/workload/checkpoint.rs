//! The checkpoint timeline of one run segment in closed form, the Young/Daly interval and
//! the first-order effective training time ratio (formulas in the [module docs](super)).

use sim_core::time::SimDuration;

/// What a run segment is doing at some elapsed time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Paying the restart overhead; no compute yet.
    Restarting,
    /// Training.
    Computing,
    /// Writing a checkpoint (training blocked).
    Checkpointing,
}

/// Where the elapsed time of a segment went, from [`CheckpointTimeline::segment_times`].
/// The four parts sum to the elapsed time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentTimes {
    /// Restart overhead paid.
    pub restart: SimDuration,
    /// Compute that counts: all of it for a segment that ended normally, the committed
    /// part for an interrupted one.
    pub compute_kept: SimDuration,
    /// Compute thrown away by the interruption (zero if not interrupted).
    pub compute_lost: SimDuration,
    /// Time spent writing checkpoints (including a partial one cut by an interruption).
    pub checkpoint: SimDuration,
}

/// One run segment: from a (re)start at elapsed 0, `restart` first, then `interval` of
/// compute and `cost` of blocking checkpoint, alternating.
///
/// ```text
///  0        R        R+I   R+P      R+P+I  R+2P
///  |restart | compute | ckpt | compute | ckpt | compute ...    P = I + C
/// ```
///
/// A checkpoint commits the compute before it once it *completes*. Every method is
/// closed form, *O*(1), exact in integer nanoseconds (intermediate products in `u128`),
/// and saturates at [`SimDuration::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointTimeline {
    interval: SimDuration,
    cost: SimDuration,
    restart: SimDuration,
}

fn nanos(d: SimDuration) -> u128 {
    u128::from(d.as_nanos())
}

fn saturate(ns: u128) -> SimDuration {
    SimDuration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))
}

impl CheckpointTimeline {
    /// A timeline with compute `interval` between checkpoints, checkpoint `cost` and
    /// `restart` overhead. Panics if `interval` is zero.
    pub fn new(interval: SimDuration, cost: SimDuration, restart: SimDuration) -> Self {
        assert!(
            !interval.is_zero(),
            "CheckpointTimeline: the checkpoint interval must be > 0"
        );
        Self {
            interval,
            cost,
            restart,
        }
    }

    /// Compute time between checkpoints (`I`).
    pub fn interval(&self) -> SimDuration {
        self.interval
    }

    /// Time one checkpoint blocks training (`C`).
    pub fn cost(&self) -> SimDuration {
        self.cost
    }

    /// Restart overhead at the start of the segment (`R`).
    pub fn restart(&self) -> SimDuration {
        self.restart
    }

    /// `(k, r)`: completed checkpoint periods and the time into the current period, or
    /// `None` while restarting.
    fn position(&self, elapsed: SimDuration) -> Option<(u128, u128)> {
        let x = nanos(elapsed.checked_sub(self.restart)?);
        let p = nanos(self.interval) + nanos(self.cost);
        Some((x / p, x % p))
    }

    /// The phase at `elapsed` (a boundary belongs to the phase that starts there).
    pub fn phase(&self, elapsed: SimDuration) -> Phase {
        match self.position(elapsed) {
            None => Phase::Restarting,
            Some((_, r)) if r < nanos(self.interval) => Phase::Computing,
            Some(_) => Phase::Checkpointing,
        }
    }

    /// Checkpoints completed by `elapsed`: `⌊(e − R) / P⌋`.
    pub fn checkpoints_done(&self, elapsed: SimDuration) -> u64 {
        self.position(elapsed)
            .map_or(0, |(k, _)| u64::try_from(k).unwrap_or(u64::MAX))
    }

    /// Compute done by `elapsed`: `k I + min(r, I)` with `k = ⌊(e − R)/P⌋`,
    /// `r = (e − R) mod P`; zero while restarting.
    pub fn compute_done(&self, elapsed: SimDuration) -> SimDuration {
        match self.position(elapsed) {
            None => SimDuration::ZERO,
            Some((k, r)) => saturate(k * nanos(self.interval) + r.min(nanos(self.interval))),
        }
    }

    /// Compute saved by completed checkpoints at `elapsed`: `k I`.
    pub fn committed_compute(&self, elapsed: SimDuration) -> SimDuration {
        match self.position(elapsed) {
            None => SimDuration::ZERO,
            Some((k, _)) => saturate(k * nanos(self.interval)),
        }
    }

    /// Compute lost if the segment is interrupted at `elapsed`: done − committed =
    /// `min(r, I)` (a checkpoint cut short saves nothing).
    pub fn lost_on_interrupt(&self, elapsed: SimDuration) -> SimDuration {
        match self.position(elapsed) {
            None => SimDuration::ZERO,
            Some((_, r)) => saturate(r.min(nanos(self.interval))),
        }
    }

    /// Elapsed time at which `remaining` compute is done: `R + W + (⌈W/I⌉ − 1) C`, the
    /// smallest `e` with `compute_done(e) = W`. The final interval, full or partial, ends
    /// the job and writes no checkpoint; `W = 0` gives `R`.
    pub fn elapsed_to_finish(&self, remaining: SimDuration) -> SimDuration {
        let w = nanos(remaining);
        let checkpoints = w.saturating_sub(1) / nanos(self.interval);
        saturate(nanos(self.restart) + w + checkpoints * nanos(self.cost))
    }

    /// Elapsed time at which the next checkpoint after `elapsed` completes:
    /// `R + (k + 1) P`. It may lie past the job's finish, where no checkpoint is written.
    pub fn next_checkpoint_done(&self, elapsed: SimDuration) -> SimDuration {
        let k = self.position(elapsed).map_or(0, |(k, _)| k);
        let p = nanos(self.interval) + nanos(self.cost);
        saturate(nanos(self.restart) + (k + 1) * p)
    }

    /// Where `elapsed` went, for a segment that was `interrupted` at `elapsed` or ended
    /// there normally (finished, or stopped at the horizon with its work kept).
    pub fn segment_times(&self, elapsed: SimDuration, interrupted: bool) -> SegmentTimes {
        let restart = elapsed.min(self.restart);
        let done = self.compute_done(elapsed);
        let (kept, lost) = if interrupted {
            let kept = self.committed_compute(elapsed);
            (kept, done - kept)
        } else {
            (done, SimDuration::ZERO)
        };
        SegmentTimes {
            restart,
            compute_kept: kept,
            compute_lost: lost,
            checkpoint: elapsed - restart - done,
        }
    }
}

/// The Young/Daly checkpoint interval `√(2 M C)` for mean time between failures `mtbf`
/// and checkpoint cost `cost`; at least 1 ns (a free checkpoint would be taken
/// continuously).
///
/// ```
/// use sim_core::time::SimDuration;
/// use sim_models::workload::young_daly_interval;
/// // MTBF 3 h, 60 s checkpoints: √(2 × 10,800 × 60) ≈ 1,138 s.
/// let i = young_daly_interval(SimDuration::from_hours(3), SimDuration::from_secs(60));
/// assert_eq!(i.as_secs_f64().round(), 1138.0);
/// ```
pub fn young_daly_interval(mtbf: SimDuration, cost: SimDuration) -> SimDuration {
    let secs = (2.0 * mtbf.as_secs_f64() * cost.as_secs_f64()).sqrt();
    SimDuration::from_secs_f64(secs)
        .unwrap_or(SimDuration::MAX)
        .max(SimDuration::NANOSECOND)
}

/// First-order expected ETTR (useful compute / wall time) of a long job with failures at
/// rate `1/M`, checkpoint `interval` `I`, `cost` `C`, `restart` `R`:
///
/// ```text
/// ETTR ≈ I / (I + C) × (1 − (R + (I + C)/2) / M)
/// ```
///
/// clamped to `[0, 1]` (see the [module docs](super) for the derivation and its error).
pub fn first_order_ettr(
    mtbf: SimDuration,
    cost: SimDuration,
    restart: SimDuration,
    interval: SimDuration,
) -> f64 {
    let (m, c, r, i) = (
        mtbf.as_secs_f64(),
        cost.as_secs_f64(),
        restart.as_secs_f64(),
        interval.as_secs_f64(),
    );
    if m <= 0.0 || i <= 0.0 {
        return 0.0;
    }
    let p = i + c;
    (i / p * (1.0 - (r + p / 2.0) / m)).clamp(0.0, 1.0)
}

/// Exact expected ETTR of an endless job under exponential failures of mean `M` that can
/// also strike during restarts and checkpoints (no repair wait):
///
/// ```text
/// ETTR = λ I / (e^{λR} (e^{λ(I+C)} − 1)),   λ = 1/M
/// ```
///
/// (expected time to commit one period, `e^{λR} (e^{λP} − 1) / λ`: Daly 2006; Bougeret
/// et al. 2011 with zero downtime). [`first_order_ettr`] is its first-order expansion.
pub fn exponential_ettr(
    mtbf: SimDuration,
    cost: SimDuration,
    restart: SimDuration,
    interval: SimDuration,
) -> f64 {
    let m = mtbf.as_secs_f64();
    if m <= 0.0 || interval.is_zero() {
        return 0.0;
    }
    let lambda = 1.0 / m;
    let i = interval.as_secs_f64();
    let p = i + cost.as_secs_f64();
    lambda * i / ((lambda * restart.as_secs_f64()).exp() * (lambda * p).exp_m1())
}

#[cfg(test)]
mod tests {
    use rand::Rng;
    use sim_core::rng::{Exponential, RngStreams};

    use super::*;

    const NS: fn(u64) -> SimDuration = SimDuration::from_nanos;

    /// The same timeline stepped one nanosecond at a time with an explicit state machine.
    struct Brute {
        /// Per elapsed ns e (index), the state after e ns: (compute done, committed,
        /// checkpoints completed).
        states: Vec<(u64, u64, u64)>,
        phases: Vec<Phase>,
    }

    fn brute(i: u64, c: u64, r: u64, horizon: u64) -> Brute {
        let mut states = vec![(0, 0, 0)];
        let mut phases = Vec::new();
        let (mut done, mut committed, mut ckpts) = (0, 0, 0);
        let (mut in_interval, mut in_ckpt) = (0, 0);
        let mut phase = if r > 0 {
            Phase::Restarting
        } else {
            Phase::Computing
        };
        let mut restart_left = r;
        for _ in 0..horizon {
            phases.push(phase);
            match phase {
                Phase::Restarting => {
                    restart_left -= 1;
                    if restart_left == 0 {
                        phase = Phase::Computing;
                    }
                }
                Phase::Computing => {
                    done += 1;
                    in_interval += 1;
                    if in_interval == i {
                        in_interval = 0;
                        if c == 0 {
                            committed = done;
                            ckpts += 1;
                        } else {
                            phase = Phase::Checkpointing;
                        }
                    }
                }
                Phase::Checkpointing => {
                    in_ckpt += 1;
                    if in_ckpt == c {
                        in_ckpt = 0;
                        committed = done;
                        ckpts += 1;
                        phase = Phase::Computing;
                    }
                }
            }
            states.push((done, committed, ckpts));
        }
        Brute { states, phases }
    }

    #[test]
    fn closed_form_matches_a_step_simulation_on_random_timelines() {
        let mut rng = RngStreams::new(7).stream("test/workload/timeline");
        for case in 0..300 {
            let i = rng.random_range(1..40u64);
            let c = rng.random_range(0..15u64);
            let r = rng.random_range(0..25u64);
            let horizon = 400;
            let b = brute(i, c, r, horizon);
            let tl = CheckpointTimeline::new(NS(i), NS(c), NS(r));
            let ctx = format!("case {case}: I={i} C={c} R={r}");
            for e in 0..=horizon {
                let (done, committed, ckpts) = b.states[e as usize];
                assert_eq!(tl.compute_done(NS(e)), NS(done), "{ctx} e={e}");
                assert_eq!(tl.committed_compute(NS(e)), NS(committed), "{ctx} e={e}");
                assert_eq!(tl.lost_on_interrupt(NS(e)), NS(done - committed), "{ctx}");
                assert_eq!(tl.checkpoints_done(NS(e)), ckpts, "{ctx} e={e}");
                if e < horizon {
                    assert_eq!(tl.phase(NS(e)), b.phases[e as usize], "{ctx} e={e}");
                }
                // The next checkpoint completes at the first later instant with ckpts + 1.
                let next = tl.next_checkpoint_done(NS(e)).as_nanos();
                if next <= horizon {
                    assert!(next > e, "{ctx} e={e}");
                    assert_eq!(b.states[next as usize].2, ckpts + 1, "{ctx} e={e}");
                    assert_eq!(b.states[next as usize - 1].2, ckpts, "{ctx} e={e}");
                }
                let s = tl.segment_times(NS(e), true);
                assert_eq!(
                    s.restart + s.compute_kept + s.compute_lost + s.checkpoint,
                    NS(e)
                );
                assert_eq!(s.compute_kept, NS(committed), "{ctx}");
                let s = tl.segment_times(NS(e), false);
                assert_eq!(s.compute_kept, NS(done), "{ctx}");
            }
            // elapsed_to_finish(W): the first instant at which W compute is done, in the
            // brute force the first e with done = W (a final checkpoint is not awaited).
            for w in 1..=b.states[horizon as usize].0 {
                let first = b.states.iter().position(|s| s.0 == w).unwrap() as u64;
                assert_eq!(tl.elapsed_to_finish(NS(w)), NS(first), "{ctx} W={w}");
            }
            assert_eq!(tl.elapsed_to_finish(SimDuration::ZERO), NS(r));
        }
    }

    #[test]
    fn huge_values_saturate_instead_of_overflowing() {
        let tl = CheckpointTimeline::new(SimDuration::MAX, SimDuration::MAX, SimDuration::HOUR);
        assert_eq!(tl.elapsed_to_finish(SimDuration::MAX), SimDuration::MAX);
        assert_eq!(tl.next_checkpoint_done(SimDuration::MAX), SimDuration::MAX);
        assert_eq!(
            tl.compute_done(SimDuration::MAX),
            SimDuration::MAX - SimDuration::HOUR
        );
    }

    #[test]
    #[should_panic(expected = "interval must be > 0")]
    fn zero_interval_is_rejected() {
        let _ = CheckpointTimeline::new(SimDuration::ZERO, SimDuration::SECOND, SimDuration::ZERO);
    }

    /// ETTR of one long job simulated with the timeline functions: exponential failures,
    /// each interruption keeps the committed compute and restarts a segment.
    fn monte_carlo_ettr(tl: &CheckpointTimeline, mtbf: SimDuration, seed: u64) -> f64 {
        let ttf = Exponential::new(mtbf.as_secs_f64()).unwrap();
        let mut rng = RngStreams::new(seed).stream("test/workload/ettr");
        // About 20,000 failures: the estimate's standard error is well below 0.1 pp.
        let work = SimDuration::from_secs_f64(20_000.0 * mtbf.as_secs_f64()).unwrap();
        let (mut remaining, mut wall) = (work, SimDuration::ZERO);
        loop {
            let failure = SimDuration::from_secs_f64(ttf.sample(&mut rng)).unwrap();
            let finish = tl.elapsed_to_finish(remaining);
            if failure >= finish {
                wall += finish;
                break;
            }
            wall += failure;
            remaining -= tl.committed_compute(failure);
        }
        work.as_secs_f64() / wall.as_secs_f64()
    }

    #[test]
    fn young_daly_first_order_ettr_matches_monte_carlo() {
        let min = SimDuration::from_mins;
        let cases = [
            // (MTBF, checkpoint cost, restart)
            (SimDuration::from_hours(3), min(1), min(5)), // Llama 3 16K-GPU MTBF
            (SimDuration::from_hours(12), min(5), min(10)),
            (
                SimDuration::from_hours(1),
                SimDuration::from_secs(20),
                min(1),
            ),
            (SimDuration::from_hours(24), min(15), min(15)),
        ];
        for (k, &(mtbf, cost, restart)) in cases.iter().enumerate() {
            let interval = young_daly_interval(mtbf, cost);
            let tl = CheckpointTimeline::new(interval, cost, restart);
            let simulated = monte_carlo_ettr(&tl, mtbf, k as u64);
            let first = first_order_ettr(mtbf, cost, restart, interval);
            let exact = exponential_ettr(mtbf, cost, restart, interval);
            let ctx = format!("M={mtbf} C={cost} R={restart} I={interval}");
            assert!(
                (simulated - first).abs() < 0.02,
                "{ctx}: {simulated} vs {first}"
            );
            // The exact formula is closer still: the timeline math is right.
            assert!(
                (simulated - exact).abs() < 0.003,
                "{ctx}: {simulated} vs {exact}"
            );
            assert!(
                first <= exact,
                "first order is pessimistic: {first} vs {exact}"
            );
        }
    }

    #[test]
    fn young_daly_is_near_the_first_order_optimum() {
        let (m, c, r) = (
            SimDuration::from_hours(3),
            SimDuration::from_mins(1),
            SimDuration::from_mins(5),
        );
        let yd = young_daly_interval(m, c);
        let at = |i: SimDuration| first_order_ettr(m, c, r, i);
        for f in [0.5, 0.8, 1.25, 2.0] {
            assert!(at(yd) >= at(yd.mul_f64(f).unwrap()), "factor {f}");
        }
        assert_eq!(
            young_daly_interval(m, SimDuration::ZERO),
            SimDuration::NANOSECOND
        );
        // No failures: only the checkpoint overhead remains.
        let never = SimDuration::MAX;
        assert!((first_order_ettr(never, c, r, yd) - 1138.4 / 1198.4).abs() < 1e-3);
        assert!((exponential_ettr(never, c, r, yd) - 1138.4 / 1198.4).abs() < 1e-3);
    }
}
