//! Closed-form M/M/c queues (Erlang C), with M/M/1 as `c = 1`.
//!
//! With arrival rate `λ`, service rate `μ` per server, `c` servers and offered load
//! `a = λ / μ` (utilisation `ρ = a / c < 1`):
//!
//! * Erlang B by the recurrence `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))`, which
//!   stays in `[0, 1]` and never forms `a^c` or `c!` (stable for `c` in the tens of
//!   thousands, O(c) time);
//! * Erlang C, the probability of waiting: `C = c B / (c - a (1 - B))`;
//! * mean wait `Wq = C / (cμ - λ)`; waiting-time tail `P(Wq > t) = C exp(-(cμ - λ) t)`.
//!
//! Source: standard queueing theory (e.g. Kleinrock, *Queueing Systems* vol. 1, 1975).

use crate::ModelError;

/// Erlang B blocking probability for `servers` servers and offered load `a` Erlangs
/// (`a >= 0`).
///
/// Uses the recurrence on the inverse, `1 / B(k) = 1 + (k / a) / B(k - 1)`: a multiply
/// and an add per server and no division in the loop (the flow fidelity calls this
/// millions of times). Overflow of `1 / B` to infinity gives `B = 0`, its correct limit.
pub fn erlang_b(servers: u32, a: f64) -> f64 {
    if servers == 0 {
        return 1.0;
    }
    if a <= 0.0 {
        return 0.0;
    }
    let per_server = 1.0 / a;
    let mut inverse = 1.0f64;
    for k in 1..=servers {
        inverse = f64::from(k) * per_server * inverse + 1.0;
    }
    1.0 / inverse
}

/// Erlang C probability that an arrival waits, for `servers` servers and offered load
/// `a < servers` Erlangs; 1 if `a >= servers` (unstable: everyone waits eventually).
pub fn erlang_c(servers: u32, a: f64) -> f64 {
    let c = f64::from(servers);
    if a >= c {
        return 1.0;
    }
    let b = erlang_b(servers, a);
    c * b / (c - a * (1.0 - b))
}

/// An M/M/c queue: Poisson arrivals, exponential service, `c` identical servers, FIFO.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mmc {
    arrival_rate: f64,
    service_rate: f64,
    servers: u32,
    prob_wait: f64,
}

impl Mmc {
    /// An M/M/c queue; rates per second, both finite and > 0, `servers >= 1`. Unstable
    /// queues (`λ >= cμ`) are allowed and report infinite waits.
    pub fn new(arrival_rate: f64, service_rate: f64, servers: u32) -> Result<Self, ModelError> {
        for (field, v) in [
            ("arrival_rate", arrival_rate),
            ("service_rate", service_rate),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(ModelError::new(
                    &["queue", field],
                    format!("must be finite and > 0, got {v}"),
                ));
            }
        }
        if servers == 0 {
            return Err(ModelError::new(
                &["queue", "servers"],
                "must be >= 1, got 0",
            ));
        }
        Ok(Self {
            arrival_rate,
            service_rate,
            servers,
            prob_wait: erlang_c(servers, arrival_rate / service_rate),
        })
    }

    /// An M/M/1 queue (`c = 1`).
    pub fn mm1(arrival_rate: f64, service_rate: f64) -> Result<Self, ModelError> {
        Self::new(arrival_rate, service_rate, 1)
    }

    /// Utilisation per server, `ρ = λ / (c μ)`.
    pub fn utilisation(&self) -> f64 {
        self.arrival_rate / (f64::from(self.servers) * self.service_rate)
    }

    /// Whether the queue has a steady state (`ρ < 1`).
    pub fn is_stable(&self) -> bool {
        self.utilisation() < 1.0
    }

    /// Erlang C: the probability an arrival has to wait.
    pub fn prob_wait(&self) -> f64 {
        self.prob_wait
    }

    /// `cμ - λ`, the decay rate of the waiting-time tail, per second.
    fn drain_rate(&self) -> f64 {
        f64::from(self.servers) * self.service_rate - self.arrival_rate
    }

    /// Mean time in queue `Wq = C / (cμ - λ)`, seconds; infinite if unstable.
    pub fn mean_wait_s(&self) -> f64 {
        if !self.is_stable() {
            return f64::INFINITY;
        }
        self.prob_wait / self.drain_rate()
    }

    /// Mean time in system `W = Wq + 1/μ`, seconds.
    pub fn mean_response_s(&self) -> f64 {
        self.mean_wait_s() + 1.0 / self.service_rate
    }

    /// Mean number waiting, `Lq = λ Wq` (Little's law).
    pub fn mean_queue_len(&self) -> f64 {
        self.arrival_rate * self.mean_wait_s()
    }

    /// `P(Wq > t) = C exp(-(cμ - λ) t)` for `t >= 0` seconds; 1 if unstable.
    pub fn wait_exceeds(&self, t_s: f64) -> f64 {
        if !self.is_stable() {
            return 1.0;
        }
        self.prob_wait * (-self.drain_rate() * t_s.max(0.0)).exp()
    }

    /// The `p`-quantile of the waiting time, seconds: 0 when `p <= 1 - C` (the arrival
    /// does not wait), else `ln(C / (1 - p)) / (cμ - λ)`. Infinite if unstable or `p >= 1`;
    /// `p` is clamped to `[0, 1]`.
    pub fn wait_quantile_s(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        if !self.is_stable() || p >= 1.0 {
            return f64::INFINITY;
        }
        if p <= 1.0 - self.prob_wait {
            return 0.0;
        }
        (self.prob_wait / (1.0 - p)).ln() / self.drain_rate()
    }
}
