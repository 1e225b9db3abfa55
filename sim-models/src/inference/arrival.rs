//! Request arrivals: rate profiles over time, a non-homogeneous Poisson process drawn by
//! thinning, and replay of an in-memory trace.
//!
//! Profiles read time as seconds since Monday 00:00 (time zero of the run). Drawing an
//! arrival costs `max_rate / mean_rate` candidate draws in expectation (Lewis-Shedler
//! thinning), a constant for a given profile; it allocates nothing.

use std::f64::consts::PI;

use rand::Rng;
use sim_core::time::{SimDuration, SimTime};

use crate::ModelError;
use crate::units::HOUR_SECS;

const HOURS_PER_DAY: f64 = 24.0;

/// A request rate (requests per second) as a function of time of day and day of week.
#[derive(Clone, Debug, PartialEq)]
pub enum RateProfile {
    /// The same rate at all times (a homogeneous Poisson process).
    Constant {
        /// Requests per second.
        rate_per_s: f64,
    },
    /// `base_rate_per_s x hourly[h]` during hour `h` of the day (piecewise constant).
    Diurnal {
        /// Requests per second at multiplier 1.
        base_rate_per_s: f64,
        /// 24 multipliers, hour 0 (00:00-01:00) first; each finite and >= 0.
        hourly: Vec<f64>,
    },
    /// `mean_rate_per_s x (1 + amplitude x cos(2 pi (h - peak_hour) / 24))` at hour `h`.
    Sinusoid {
        /// Daily mean, requests per second.
        mean_rate_per_s: f64,
        /// Relative swing in `[0, 1]`: 0 is constant, 1 falls to zero at the trough.
        amplitude: f64,
        /// Hour of the daily peak, in `[0, 24)`.
        peak_hour: f64,
    },
    /// `daily[d] x inner(t)` on weekday `d` (0 = Monday).
    Weekly {
        /// 7 multipliers, Monday first; each finite and >= 0.
        daily: [f64; 7],
        /// The within-day profile; must not itself be `Weekly`.
        inner: Box<RateProfile>,
    },
}

fn hour_of_day(t: SimTime) -> f64 {
    (t.as_secs_f64() / HOUR_SECS).rem_euclid(HOURS_PER_DAY)
}

fn check_rate(errors: &mut Vec<ModelError>, path: &[&str], field: &str, v: f64) {
    if !(v.is_finite() && v >= 0.0) {
        let mut p = path.to_vec();
        p.push(field);
        errors.push(ModelError::new(
            &p,
            format!("must be finite and >= 0, got {v}"),
        ));
    }
}

fn check_multipliers(errors: &mut Vec<ModelError>, path: &[&str], field: &str, vs: &[f64]) {
    for (i, &v) in vs.iter().enumerate() {
        if !(v.is_finite() && v >= 0.0) {
            let idx = i.to_string();
            let mut p = path.to_vec();
            p.extend([field, idx.as_str()]);
            errors.push(ModelError::new(
                &p,
                format!("multiplier must be finite and >= 0, got {v}"),
            ));
        }
    }
}

impl RateProfile {
    /// The rate at `t`, requests per second (>= 0 for a validated profile).
    pub fn rate_at(&self, t: SimTime) -> f64 {
        match self {
            RateProfile::Constant { rate_per_s } => *rate_per_s,
            RateProfile::Diurnal {
                base_rate_per_s,
                hourly,
            } => {
                let h = (hour_of_day(t) as usize).min(hourly.len().saturating_sub(1));
                base_rate_per_s * hourly.get(h).copied().unwrap_or(0.0)
            }
            RateProfile::Sinusoid {
                mean_rate_per_s,
                amplitude,
                peak_hour,
            } => {
                let phase = 2.0 * PI * (hour_of_day(t) - peak_hour) / HOURS_PER_DAY;
                (mean_rate_per_s * (1.0 + amplitude * phase.cos())).max(0.0)
            }
            RateProfile::Weekly { daily, inner } => {
                let day = (t.as_secs_f64() / (HOUR_SECS * HOURS_PER_DAY)) as u64 % 7;
                daily[day as usize] * inner.rate_at(t)
            }
        }
    }

    /// An upper bound on [`rate_at`](Self::rate_at) over all time (tight for every variant).
    pub fn max_rate(&self) -> f64 {
        match self {
            RateProfile::Constant { rate_per_s } => *rate_per_s,
            RateProfile::Diurnal {
                base_rate_per_s,
                hourly,
            } => base_rate_per_s * hourly.iter().copied().fold(0.0, f64::max),
            RateProfile::Sinusoid {
                mean_rate_per_s,
                amplitude,
                ..
            } => mean_rate_per_s * (1.0 + amplitude),
            RateProfile::Weekly { daily, inner } => {
                daily.iter().copied().fold(0.0, f64::max) * inner.max_rate()
            }
        }
    }

    /// The long-run mean rate over a week, requests per second.
    pub fn mean_rate(&self) -> f64 {
        match self {
            RateProfile::Constant { rate_per_s } => *rate_per_s,
            RateProfile::Diurnal {
                base_rate_per_s,
                hourly,
            } => base_rate_per_s * hourly.iter().sum::<f64>() / HOURS_PER_DAY,
            RateProfile::Sinusoid {
                mean_rate_per_s, ..
            } => *mean_rate_per_s,
            // The inner profile repeats daily, so each day has the same inner mean.
            RateProfile::Weekly { daily, inner } => {
                daily.iter().sum::<f64>() / 7.0 * inner.mean_rate()
            }
        }
    }

    /// Checks every field; `path` locates this profile in the scenario
    /// (e.g. `["services", "chat", "arrival"]`). Returns every problem found.
    pub fn validate(&self, path: &[&str]) -> Result<(), Vec<ModelError>> {
        let mut errors = Vec::new();
        self.collect_errors(path, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn collect_errors(&self, path: &[&str], errors: &mut Vec<ModelError>) {
        match self {
            RateProfile::Constant { rate_per_s } => {
                check_rate(errors, path, "rate_per_s", *rate_per_s);
            }
            RateProfile::Diurnal {
                base_rate_per_s,
                hourly,
            } => {
                check_rate(errors, path, "base_rate_per_s", *base_rate_per_s);
                if hourly.len() != 24 {
                    let mut p = path.to_vec();
                    p.push("hourly");
                    errors.push(ModelError::new(
                        &p,
                        format!("needs exactly 24 hourly multipliers, got {}", hourly.len()),
                    ));
                }
                check_multipliers(errors, path, "hourly", hourly);
            }
            RateProfile::Sinusoid {
                mean_rate_per_s,
                amplitude,
                peak_hour,
            } => {
                check_rate(errors, path, "mean_rate_per_s", *mean_rate_per_s);
                if !(amplitude.is_finite() && (0.0..=1.0).contains(amplitude)) {
                    let mut p = path.to_vec();
                    p.push("amplitude");
                    errors.push(ModelError::new(
                        &p,
                        format!("must be in [0, 1], got {amplitude}"),
                    ));
                }
                if !(peak_hour.is_finite() && (0.0..HOURS_PER_DAY).contains(peak_hour)) {
                    let mut p = path.to_vec();
                    p.push("peak_hour");
                    errors.push(ModelError::new(
                        &p,
                        format!("must be in [0, 24), got {peak_hour}"),
                    ));
                }
            }
            RateProfile::Weekly { daily, inner } => {
                check_multipliers(errors, path, "daily", daily);
                let mut p = path.to_vec();
                p.push("inner");
                if matches!(**inner, RateProfile::Weekly { .. }) {
                    errors.push(ModelError::new(
                        &p,
                        "a weekly profile cannot nest another weekly profile",
                    ));
                } else {
                    inner.collect_errors(&p, errors);
                }
            }
        }
    }
}

/// A non-homogeneous Poisson arrival process with intensity given by a [`RateProfile`],
/// drawn by Lewis-Shedler thinning against [`RateProfile::max_rate`].
#[derive(Clone, Debug, PartialEq)]
pub struct ArrivalProcess {
    profile: RateProfile,
    max_rate: f64,
}

impl ArrivalProcess {
    /// Validates `profile` (errors located under `path`) and prepares it for sampling.
    pub fn new(profile: RateProfile, path: &[&str]) -> Result<Self, Vec<ModelError>> {
        profile.validate(path)?;
        let max_rate = profile.max_rate();
        Ok(Self { profile, max_rate })
    }

    /// The profile this process follows.
    pub fn profile(&self) -> &RateProfile {
        &self.profile
    }

    /// The next arrival after `now` (at `now` only if the gap rounds below 1 ns):
    /// candidates arrive at `max_rate` and each is kept with probability
    /// `rate_at(t) / max_rate`.
    ///
    /// `None` if the rate is zero everywhere or the next arrival is past [`SimTime::MAX`].
    pub fn next_after<R: Rng + ?Sized>(&self, now: SimTime, rng: &mut R) -> Option<SimTime> {
        if self.max_rate <= 0.0 {
            return None;
        }
        let mean_gap = 1.0 / self.max_rate;
        let mut t = now;
        loop {
            // 1 - U lies in (0, 1], so the log is finite.
            let u: f64 = rng.random();
            let gap = -(1.0 - u).ln() * mean_gap;
            let d = SimDuration::from_secs_f64(gap).ok()?;
            t = t.checked_add(d)?;
            let accept: f64 = rng.random();
            if accept * self.max_rate < self.profile.rate_at(t) {
                return Some(t);
            }
        }
    }
}

/// One request of a replayed trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceRecord {
    /// When the request arrives.
    pub at: SimTime,
    /// Prompt (input) tokens, > 0.
    pub prompt_tokens: u32,
    /// Output (generated) tokens, > 0.
    pub output_tokens: u32,
}

/// Replays a validated, time-ordered request trace, one record at a time.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceReplay {
    records: Vec<TraceRecord>,
    cursor: usize,
}

impl TraceReplay {
    /// Checks that times never decrease and token counts are positive; errors sit at
    /// `["services", service, "trace", i]`. Returns every problem found.
    pub fn new(service: &str, records: Vec<TraceRecord>) -> Result<Self, Vec<ModelError>> {
        let mut errors = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let idx = i.to_string();
            let path = ["services", service, "trace", idx.as_str()];
            if i > 0 && r.at < records[i - 1].at {
                errors.push(ModelError::new(
                    &path,
                    format!(
                        "timestamp {} s is earlier than the previous record's {} s",
                        r.at.as_secs_f64(),
                        records[i - 1].at.as_secs_f64()
                    ),
                ));
            }
            if r.prompt_tokens == 0 {
                errors.push(ModelError::new(&path, "prompt_tokens must be > 0"));
            }
            if r.output_tokens == 0 {
                errors.push(ModelError::new(&path, "output_tokens must be > 0"));
            }
        }
        if errors.is_empty() {
            Ok(Self { records, cursor: 0 })
        } else {
            Err(errors)
        }
    }

    /// All records, in time order.
    pub fn records(&self) -> &[TraceRecord] {
        &self.records
    }

    /// The next record without consuming it.
    pub fn peek(&self) -> Option<&TraceRecord> {
        self.records.get(self.cursor)
    }

    /// Consumes and returns the next record, or `None` at the end of the trace.
    pub fn next_record(&mut self) -> Option<TraceRecord> {
        let r = self.records.get(self.cursor).copied()?;
        self.cursor += 1;
        Some(r)
    }

    /// Records not yet consumed.
    pub fn remaining(&self) -> usize {
        self.records.len() - self.cursor
    }

    /// Mean arrival rate over the trace's span, requests per second (`None` if the span is
    /// zero).
    pub fn mean_rate_per_s(&self) -> Option<f64> {
        let (first, last) = (self.records.first()?, self.records.last()?);
        let span = last.at.saturating_duration_since(first.at).as_secs_f64();
        (span > 0.0).then(|| (self.records.len() - 1) as f64 / span)
    }
}
