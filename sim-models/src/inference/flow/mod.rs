//! Flow fidelity for one replica: steady-state latency from a queueing approximation.
//!
//! # What is approximated
//!
//! The request fidelity runs each replica as `c = max_batch` slots with a FIFO queue in
//! front and one FIFO prefill server inside:
//!
//! ```text
//! Poisson λ -> [FIFO slot queue] --W_q--> slot taken -> [prefill server] --W_p, P-->
//!     first token -> (out - 1) decode steps -> slot freed
//! ```
//!
//! A request admitted when `b` slots are busy (itself included) waits `W_p` for the
//! prefill server, prefills in `P = prefill_s(prompt) / θ`, then decodes `out - 1` more
//! tokens at a TPOT frozen at admission, `tpot_s(b, prompt + out / 2) / θ` (`θ` in `(0, 1]`
//! is the power-throttle throughput fraction). It holds its slot for
//! `S = W_p + P + D` with `D = (out - 1) tpot`; its TTFT (no network) is `W_q + W_p + P`.
//!
//! # The approximation ([`FlowQueue::steady_state`])
//!
//! 1. **Prefill backlog.** The prefill work ahead of an arrival, `X`, is the M/G/1
//!    (Pollaczek–Khinchine) wait at the served rate `λ`, with `k` the prefill seconds per
//!    prompt token at this throttle: `E[P] = k E[prompt]`, `E[P²] = k² E[prompt²]`,
//!    `ρ_p = λ E[P]`, `E[X] = λ E[P²] / (2 (1 - ρ_p))`; `X` is 0 with probability
//!    `1 - ρ_p`, else exponential with mean `m_x = E[X] / ρ_p`.
//! 2. **Which part of it is waited inside a slot.** On average `K = c - λ E[D]` slots are
//!    not decoding, so at most about `K` requests wait for or run prefill inside slots;
//!    the rest of the backlog is waited in the slot queue. If the number of requests
//!    needing prefill is geometric (`P(N >= n) = ρ_p^n`), the in-slot number is
//!    `min(N, K)`, whose queue is the fraction `1 - ρ_p^(K-1)` of the untruncated one.
//!    Equivalently, `W_p = min(X, τ)` with `τ = m_x (K - 1) ln(1 / ρ_p)`, so
//!    `E[W_p] = E[X] (1 - ρ_p^(K-1))`, and the spill `B = (X - τ)⁺` is 0 with probability
//!    `1 - ρ_p^K`, else exponential with mean `m_x` (memoryless). For `K <= 1` all of `X`
//!    spills. Near saturation this undercounts: a request admitted into a full pool waits
//!    behind the prefills of the others, `W_sat` from the closed network of step 7. So
//!    `E[W_p] = max(E[X] (1 - ρ_p^(K-1)), C(c, a)⁴ W_sat)`, the fourth power keeping the
//!    floor out of the way until the pool is nearly always full (if the floor binds, `τ`
//!    moves, or `min(X, τ)` is scaled up, to match).
//! 3. **Decode.** The roofline step time is `max(t_w + b ctx m, b f)` (weights time, KV time
//!    per sequence-token, compute time per sequence; read off [`ReplicaSpeed`] once) and is
//!    linear in `b`, so the mean decode time depends on the batch only through its mean at
//!    admission `b̄`. An arrival that finds `n` busy slots is admitted with
//!    `b = min(n + 1, c)`, so by PASTA `b̄ = E[busy] + 1 - P(all busy)` exactly; the flow
//!    uses `E[busy] = a = λ E[S]` and Erlang C `C(c, a)`. With prompt and output
//!    independent, the memory-bound mean is exact in the first two output moments:
//!    `E[(out - 1)(t_w + b̄ m (prompt + out / 2))] = t_w (E[out] - 1) +
//!    b̄ m ((E[out] - 1) E[prompt] + (E[out²] - E[out]) / 2)`; the compute-bound one is
//!    `b̄ f (E[out] - 1)`. The flow takes the larger, which is exact when every context is
//!    on one side of the roofline ridge and slightly low when the ridge falls inside the
//!    context distribution.
//! 4. **Fixed point.** `a = λ (E[W_p] + E[P] + E[D](b̄(a)))` is solved on `[0, c]` by the
//!    Illinois variant of regula falsi (bracketed, superlinear; a handful of O(c) Erlang C
//!    evaluations, to 1e-10 relative).
//! 5. **Slot delay** `Y`, M/G/c by Allen–Cunneen: `P(Y > 0) = C(c, a)` and
//!    `E[Y] = C S_c / (c - λ S_c) x (1 + cs²) / 2`, where `S_c = E[W_p] + E[P] + E[D](c)`
//!    is the slot time of a request admitted into a full batch (while every slot is busy,
//!    that is what drains the queue; with `E[S]` instead, llama3-8b TTFT on 16 slots at
//!    utilisation 0.8 came out 8 % (mean) and 14 % (p99) low). `cs² = Var(S) / E[S]²`
//!    with `Var(S) ≈ Var(W_p) + Var(P) + Var(D)`: `Var(W_p)` from the truncated
//!    exponential above, `Var(P) = k² Var(prompt)`, and `Var(D) ≈ τ_D² Var(out)` with
//!    `τ_D = E[D] / (E[out] - 1)` (the spread of TPOT across contexts and batches is
//!    ignored).
//! 6. **Slot wait** `W_q = max(Y, B)`: an arrival leaves the slot queue once a slot is free
//!    for decode reasons and the prefill backlog has drained into the slots. With `Y` and
//!    `B` independent, `E[W_q] = E[Y] + E[B] - C ρ_p^K m_y m_x / (m_y + m_x)` with
//!    `m_y = E[Y] / C`. Then `E[TTFT] = E[W_q] + E[W_p] + E[P]`, and
//!    [`FlowState::ttft_s`] draws exactly this: `Y` from one uniform, `X` from the other,
//!    split at `τ`.
//! 7. **Capacity and overload.** Saturated, the pool is a closed network of `c` requests
//!    cycling through the FIFO prefill server and a decode delay at full batch; mean value
//!    analysis with Reiser's residual-time correction gives its in-slot prefill wait
//!    `W_sat` in O(c). [`FlowQueue::capacity`] is the `λ` at which `a` reaches `c` in the
//!    model above with `C = 1`: `λ (max(E[X](λ) (1 - ρ_p^(K-1)), W_sat) + E[P] + E[D](c))
//!    = c`, or the prefill bound `1 / E[P]` if smaller. The flow serves
//!    `min(λ, 0.999 x capacity)` ([`SATURATED_FRACTION`]) and reports waits at the served
//!    rate, so every output is finite and TTFT is non-decreasing in `λ`; the caller counts
//!    `λ - served` as overload.
//!
//! Step 2 replaces the plain "M/G/1 prefill wait inside the slot, plus an M/G/c slot wait"
//! sum, which counts the prefill backlog twice once slots fill up: it overestimated TTFT by
//! 40-80 % for code-like traffic (long prompts, short outputs) on 4 slots at utilisation
//! 0.7-0.8, and declared a replica saturated where the simulation still had 14 % of its
//! slots free (llama3-70b, conversation tokens, 32 slots, prefill utilisation 0.93).
//! Capacity from step 7 is within 2 % of the simulated saturation throughput.
//!
//! # Accuracy and known limits
//!
//! Against a direct simulation of the request semantics (`accuracy_sweep` below, ignored by
//! default: llama3-8b on one H100 and llama3-70b on 8 H100, Azure conversation and code
//! tokens, c = 4, 16, 32, 64, utilisation = the larger of slot and prefill utilisation
//! 0.5 to 0.9, 400,000 requests per point):
//!
//! * up to utilisation 0.8, mean TTFT is within 7 % everywhere, and p99 TTFT within 16 %
//!   except on 4 slots with code traffic at 0.8, where p99 is 17-21 % low: the spill `B`
//!   and the slot delay `Y` are positively correlated in bursts of long prompts, and the
//!   prefill server idles while all slots decode, both of which the independent
//!   exponential parts miss;
//! * at utilisation 0.9 the model is within 5 % when one resource clearly binds, but
//!   16-17 % low (p99 15-34 % low) when slots bind on 16-32 slots, and 40 % low on 4 slots
//!   with code traffic;
//! * pools of 1-2 slots with code traffic (checked by hand, not in the sweep) are the
//!   weakest case: on 2 slots at 0.8 mean TTFT is 37 % low (p99 42 %), on 1 slot p99 is
//!   13-22 % low; conversation traffic on 1-8 slots stays within 3 % (mean) and 7 % (p99);
//! * close to capacity on small pools the floor of step 2 switches on late: at
//!   0.999 x capacity, 4 slots with code traffic sit at 0.93 slot utilisation with a 2 s
//!   mean TTFT, where the request mode's queue grows without bound;
//! * tails are exponential beyond what the prompt length adds through `P`: far past p99
//!   expect larger errors;
//! * steady state only: the caller changes `λ` and `θ` piecewise, and each piece should
//!   last long compared with the relaxation time, about `E[S] / (1 - ρ)²`.
//!
//! # Cost
//!
//! [`FlowQueue::steady_state`] allocates nothing; it costs one O(c) mean value analysis and
//! a handful of O(c) Erlang C recurrences: about 1 µs at c = 16, 2.3 µs at c = 64 and
//! 30 µs at c = 1024.

use crate::inference::queueing::erlang_c;
use crate::inference::roofline::ReplicaSpeed;
use crate::inference::tokens::Tokens;

/// Fraction of [`FlowQueue::capacity`] a saturated replica serves; the rest of the offered
/// rate is overload. Below 1 so that every wait stays finite.
pub const SATURATED_FRACTION: f64 = 0.999;

/// Relative tolerance of the fixed points (`a = λ E[S]`, capacity).
const FIXED_POINT_TOL: f64 = 1e-10;

/// Iteration cap of the fixed points.
const FIXED_POINT_MAX_ITER: usize = 50;

/// One replica's static description for the flow fidelity; see the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlowQueue {
    slots: u32,
    /// Prefill seconds per prompt token at full speed.
    prefill_s_per_token: f64,
    /// Decode step time for the weights alone, seconds (`t_w`).
    weights_s: f64,
    /// Decode step time per sequence per context token of KV cache, seconds (`m`).
    kv_s_per_token: f64,
    /// Decode step compute time per sequence, seconds (`f`).
    compute_s_per_seq: f64,
    prompt_mean: f64,
    prompt_var: f64,
    output_var: f64,
    /// `E[prompt] + E[out] / 2`, the mean context of a decode.
    context_mean: f64,
    /// `E[out - 1]`.
    decode_tokens: f64,
    /// `(E[out] - 1) E[prompt] + (E[out²] - E[out]) / 2 = E[(out - 1)(prompt + out / 2)]`.
    decode_context_tokens: f64,
    /// `W_sat` and the capacity at full speed. Every time scales as `1 / θ`, so at
    /// throttle `θ` they are `W_sat / θ` and `θ x capacity`: computed once.
    saturated_wait_full: f64,
    capacity_full: f64,
}

/// One replica's steady state at an arrival rate and throttle; see the [module docs](self).
///
/// Rates are per second, times in seconds; no network time is included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlowState {
    /// Offered arrival rate.
    pub lambda: f64,
    /// Accepted rate: `lambda`, or [`SATURATED_FRACTION`] x `capacity` if that is smaller
    /// (the excess is overload, dropped by the caller).
    pub served: f64,
    /// The replica's capacity at this throttle ([`FlowQueue::capacity`]).
    pub capacity: f64,
    /// Busy slots over slots, in `[0, 1]`.
    pub slot_utilisation: f64,
    /// Mean busy slots, `served x mean_service_s`.
    pub busy_slots: f64,
    /// Mean batch a request is admitted into (itself included), in `[1, c]`.
    pub admission_batch: f64,
    /// Probability an arrival waits for a slot, `P(max(Y, B) > 0)`.
    pub prob_slot_wait: f64,
    /// Mean slot wait `E[W_q] = E[max(Y, B)]` over all arrivals.
    pub mean_slot_wait_s: f64,
    /// Prefill server utilisation `ρ_p = served x E[P]`.
    pub prefill_utilisation: f64,
    /// Probability an admitted request waits for the prefill server (`ρ_p`).
    pub prob_prefill_wait: f64,
    /// Mean prefill wait inside the slot, `E[W_p] = E[min(X, τ)]`, over all requests.
    pub mean_prefill_wait_s: f64,
    /// Mean prefill time `E[P]`.
    pub mean_prefill_s: f64,
    /// Mean TPOT over requests.
    pub tpot_s: f64,
    /// Mean slot holding time `E[S] = E[W_p] + E[P] + E[D]`, `D = (out - 1) tpot`.
    pub mean_service_s: f64,
    /// Squared coefficient of variation of the slot holding time, `Var(S) / E[S]²`.
    pub service_scv: f64,
    /// Mean time to first token, `E[W_q] + E[W_p] + E[P]`.
    pub mean_ttft_s: f64,
    /// `P(Y > 0)`, Erlang C of the slot pool.
    prob_slot_delay: f64,
    /// `E[Y]`, the Allen–Cunneen slot delay.
    slot_delay_s: f64,
    /// `m_x`, the mean prefill backlog given it is non-zero.
    backlog_cond_s: f64,
    /// `τ`, the part of the backlog waited inside a slot.
    backlog_cap_s: f64,
    /// `σ`, the in-slot wait per second of backlog below `τ`.
    backlog_scale: f64,
    /// Prefill seconds per prompt token at this throttle.
    prefill_s_per_token: f64,
}

impl FlowQueue {
    /// A replica of `speed` with `max_batch >= 1` slots serving requests whose prompt and
    /// output lengths follow `prompt` and `output` (independent).
    ///
    /// # Panics
    /// If `max_batch` is 0.
    pub fn new(speed: ReplicaSpeed, max_batch: u32, prompt: &Tokens, output: &Tokens) -> Self {
        assert!(max_batch >= 1, "a replica needs max_batch >= 1 slots");
        // prefill_s is linear in tokens; a large count keeps the per-token rate exact.
        const N: u32 = 1 << 20;
        let prefill_s_per_token = speed.prefill_s(N) / f64::from(N);
        // decode_step_s(b, ctx) = max(t_w + b ctx m, b f). Batch 0 isolates the weights.
        let weights_s = speed.decode_step_s(0, 0);
        // At the largest batch and context the KV term dominates any realistic roofline;
        // if compute still wins there, m < f / u32::MAX and the KV term is negligible
        // against the compute term at every batch and context a u32 can express.
        let max = f64::from(u32::MAX);
        let compute_s_per_seq = speed.decode_step_s(u32::MAX, 0) / max;
        let big = speed.decode_step_s(u32::MAX, u32::MAX);
        let kv_s_per_token = if big > compute_s_per_seq * max {
            ((big - weights_s) / (max * max)).max(0.0)
        } else {
            0.0
        };
        let (pm, om) = (prompt.mean(), output.mean());
        let mut q = Self {
            slots: max_batch,
            prefill_s_per_token,
            weights_s,
            kv_s_per_token,
            compute_s_per_seq,
            prompt_mean: pm,
            prompt_var: (prompt.mean_square() - pm * pm).max(0.0),
            output_var: (output.mean_square() - om * om).max(0.0),
            context_mean: pm + om / 2.0,
            decode_tokens: om - 1.0,
            decode_context_tokens: (om - 1.0) * pm + (output.mean_square() - om) / 2.0,
            saturated_wait_full: 0.0,
            capacity_full: 0.0,
        };
        q.saturated_wait_full = q.compute_saturated_wait(1.0);
        q.capacity_full = q.capacity_given(1.0, q.saturated_wait_full);
        q
    }

    /// The number of slots, `c`.
    pub fn max_batch(&self) -> u32 {
        self.slots
    }

    /// One decode step of `batch` sequences at `context` tokens each, at full speed: the
    /// same roofline as [`ReplicaSpeed::decode_step_s`], at a fractional batch and context.
    pub fn decode_step_s(&self, batch: f64, context: f64) -> f64 {
        (self.weights_s + batch * context * self.kv_s_per_token).max(batch * self.compute_s_per_seq)
    }

    /// Mean decode time `E[(out - 1) tpot]` at mean admission batch `b` and throttle `θ`.
    #[inline]
    fn mean_decode_s(&self, b: f64, throttle: f64) -> f64 {
        let memory = self.weights_s * self.decode_tokens
            + b * self.kv_s_per_token * self.decode_context_tokens;
        let compute = b * self.compute_s_per_seq * self.decode_tokens;
        memory.max(compute) / throttle
    }

    /// Prefill moments at throttle `θ`: `(E[P], E[P²])`.
    #[inline]
    fn prefill_moments(&self, throttle: f64) -> (f64, f64) {
        let k = self.prefill_s_per_token / throttle;
        let m1 = k * self.prompt_mean;
        let m2 = k * k * (self.prompt_var + self.prompt_mean * self.prompt_mean);
        (m1, m2)
    }

    /// The prefill backlog an arrival finds at served rate `lambda`, prefill moments
    /// `(p1, p2)` and mean decode time `decode` (steps 1 and 2 of the module docs).
    #[inline]
    fn backlog(&self, lambda: f64, p1: f64, p2: f64, decode: f64, pool: u32) -> Backlog {
        let rho = lambda * p1;
        let room = f64::from(self.slots) - lambda * decode;
        // Pooled (join-the-shortest-queue) prefill servers wait like M/G/n: the probability
        // of waiting is Erlang C, and the conditional wait is n times shorter.
        let (prob, pool_f) = if pool > 1 {
            let n = f64::from(pool);
            (erlang_c(pool, n * rho.min(1.0)), n)
        } else {
            (rho, 1.0)
        };
        Backlog {
            prob,
            cond_mean: p2 / (2.0 * p1 * (1.0 - rho)) / pool_f,
            spill: if room <= 1.0 {
                1.0
            } else {
                rho.powf(room - 1.0)
            },
            scale: 1.0,
        }
    }

    /// Requests per second one replica sustains at `throttle` in `(0, 1]`: the rate at
    /// which all `c` slots are busy with every request admitted into a full batch, or the
    /// prefill bound `1 / E[P]` if smaller (step 7 of the [module docs](self)). O(c).
    ///
    /// # Panics
    /// If `throttle` is outside `(0, 1]`.
    pub fn capacity(&self, throttle: f64) -> f64 {
        assert_throttle(throttle);
        self.capacity_full * throttle
    }

    /// [`capacity`](Self::capacity) given the saturated in-slot wait: the root of
    /// `λ (max(E[W_p](λ), W_sat) + E[P] + E[D](c)) = c` by Illinois steps.
    fn capacity_given(&self, throttle: f64, saturated_wait: f64) -> f64 {
        let c = f64::from(self.slots);
        let (p1, p2) = self.prefill_moments(throttle);
        let decode = self.mean_decode_s(c, throttle);
        let upper = (c / (p1 + decode)).min(1.0 / p1) * (1.0 - 1e-12);
        let f = |l: f64| {
            let free = self.backlog(l, p1, p2, decode, 1).in_slot_mean();
            l * (free.max(saturated_wait) + p1 + decode) - c
        };
        let f_hi = f(upper);
        if f_hi <= 0.0 {
            return upper;
        }
        illinois(f, 0.0, -c, upper, f_hi)
    }

    /// The slot pool saturated (a queue always waiting): a closed network of `n = c`
    /// requests cycling through the FIFO prefill server and a decode delay, solved by mean
    /// value analysis with Reiser's residual-time correction for non-exponential prefill.
    /// By the arrival theorem an admission sees the network with `n - 1` requests:
    /// `W(n) = (Q(n-1) - U(n-1)) E[P] + U(n-1) E[P²] / (2 E[P])`,
    /// `X(n) = n / (W(n) + E[P] + E[D](n))`, `Q(n) = X(n) (W(n) + E[P])`,
    /// `U(n) = X(n) E[P]`. Returns `W_sat = W(c)`. O(c).
    fn saturated_wait(&self, throttle: f64) -> f64 {
        assert_throttle(throttle);
        self.saturated_wait_full / throttle
    }

    /// [`saturated_wait`](Self::saturated_wait) computed from scratch. O(c).
    fn compute_saturated_wait(&self, throttle: f64) -> f64 {
        let (p1, p2) = self.prefill_moments(throttle);
        let residual = p2 / (2.0 * p1);
        let (mut queue, mut busy, mut wait) = (0.0f64, 0.0f64, 0.0);
        for n in 1..=self.slots {
            let n = f64::from(n);
            wait = (queue - busy).max(0.0) * p1 + busy * residual;
            let throughput = n / (wait + p1 + self.mean_decode_s(n, throttle));
            queue = throughput * (wait + p1);
            busy = (throughput * p1).min(1.0);
        }
        wait
    }

    /// The steady state at per-replica arrival rate `lambda >= 0` and `throttle` in
    /// `(0, 1]`; see the [module docs](self). Allocation-free; O(c): one mean value
    /// analysis and a handful of Erlang C evaluations (about 2.3 µs at c = 64).
    ///
    /// # Panics
    /// If `lambda` is negative or not finite, or `throttle` is outside `(0, 1]`.
    pub fn steady_state(&self, lambda: f64, throttle: f64) -> FlowState {
        self.steady_state_pooled(lambda, throttle, 1)
    }

    /// [`steady_state`](Self::steady_state) of one of `pool >= 1` identical replicas that
    /// share their traffic by joining the shortest queue (a site's replicas behind its
    /// router): the per-replica rate is `lambda`, but waits are those of the pooled
    /// system, `pool` prefill servers (M/G/n) and `pool x c` slots (M/G/nc). JSQ is close to
    /// pooling at the loads a service runs at; it is not quite as good, so this slightly
    /// underestimates the waits of large pools near saturation. O(pool x c).
    ///
    /// # Panics
    /// As [`steady_state`](Self::steady_state), and if `pool` is 0.
    pub fn steady_state_pooled(&self, lambda: f64, throttle: f64, pool: u32) -> FlowState {
        assert!(pool >= 1, "a pool has at least one replica");
        assert!(
            lambda.is_finite() && lambda >= 0.0,
            "arrival rate must be finite and >= 0, got {lambda}"
        );
        let saturated_wait = self.saturated_wait(throttle);
        let capacity = self.capacity(throttle);
        let served = lambda.min(SATURATED_FRACTION * capacity);
        let c = f64::from(self.slots);
        let k = self.prefill_s_per_token / throttle;
        let (p1, p2) = self.prefill_moments(throttle);
        let rho_p = served * p1;

        // In-slot prefill wait (step 2), floored near saturation by the closed network's.
        let in_slot = |decode: f64, erlang: f64| {
            let free = self.backlog(served, p1, p2, decode, pool).in_slot_mean();
            free.max(erlang.powi(4) * saturated_wait)
        };
        // E[S] at trial a (through C, b̄ and the decode time).
        let service = |a: f64, erlang: f64| {
            let b = (a + 1.0 - erlang).clamp(1.0, c);
            let decode = self.mean_decode_s(b, throttle);
            in_slot(decode, erlang) + p1 + decode
        };
        let (a, prob_wait) = if served > 0.0 {
            let n = f64::from(pool);
            let pooled_c = |a: f64| erlang_c(self.slots * pool, a * n);
            let h = |a: f64| served * service(a, pooled_c(a)) - a;
            // h(0) > 0, and h(c) = c (served / capacity - 1) < 0.
            let a = illinois(
                h,
                0.0,
                served * service(0.0, 0.0),
                c,
                served * service(c, 1.0) - c,
            );
            (a, pooled_c(a))
        } else {
            (0.0, 0.0)
        };
        let b = (a + 1.0 - prob_wait).clamp(1.0, c);
        let decode = self.mean_decode_s(b, throttle);
        let x = self
            .backlog(served, p1, p2, decode, pool)
            .rebalanced(in_slot(decode, prob_wait));
        let wait_p = x.in_slot_mean();
        let mean_service = wait_p + p1 + decode;

        // Allen–Cunneen M/G/c slot delay Y.
        let var_wait_p = x.in_slot_mean_square() - wait_p * wait_p;
        let var_prefill = k * k * self.prompt_var;
        let tau = if self.decode_tokens > 0.0 {
            decode / self.decode_tokens
        } else {
            0.0
        };
        let var_decode = tau * tau * self.output_var;
        let scv = (var_wait_p + var_prefill + var_decode) / (mean_service * mean_service);
        // While every slot is busy, the requests holding them were admitted into a full
        // batch: the queue drains at c / E[S](b = c) - λ, not at c / E[S](b̄) - λ.
        let full_decode = self.mean_decode_s(c, throttle);
        let full_service = in_slot(full_decode, prob_wait) + p1 + full_decode;
        let slot_delay = if prob_wait > 0.0 {
            // A pool of n drains n times faster.
            let drain = f64::from(pool) * (c - served * full_service).max(1e-9 * c);
            prob_wait * full_service / drain * (1.0 + scv) / 2.0
        } else {
            0.0
        };
        // Slot wait max(Y, B), B = (X - τ)⁺, independent zero-or-exponential parts.
        let prob_spill = x.prob * x.spill;
        let overlap = if prob_wait > 0.0 && prob_spill > 0.0 {
            let m_y = slot_delay / prob_wait;
            prob_wait * prob_spill * m_y * x.cond_mean / (m_y + x.cond_mean)
        } else {
            0.0
        };
        let wait_q = slot_delay + prob_spill * x.cond_mean - overlap;

        FlowState {
            lambda,
            served,
            capacity,
            slot_utilisation: (a / c).min(1.0),
            busy_slots: a,
            admission_batch: b,
            prob_slot_wait: 1.0 - (1.0 - prob_wait) * (1.0 - prob_spill),
            mean_slot_wait_s: wait_q,
            prefill_utilisation: rho_p,
            prob_prefill_wait: x.prob,
            mean_prefill_wait_s: wait_p,
            mean_prefill_s: p1,
            tpot_s: self.decode_step_s(b, self.context_mean) / throttle,
            mean_service_s: mean_service,
            service_scv: scv,
            mean_ttft_s: wait_q + wait_p + p1,
            prob_slot_delay: prob_wait,
            slot_delay_s: slot_delay,
            backlog_cond_s: x.cond_mean,
            backlog_cap_s: x.cap(),
            backlog_scale: x.scale,
            prefill_s_per_token: k,
        }
    }
}

/// The prefill backlog `X` an arrival finds: 0 with probability `1 - prob`, else
/// exponential with mean `cond_mean` (M/G/1). The first `τ = cap()` seconds of it are
/// waited inside a slot, the rest `B = (X - τ)⁺` in the slot queue.
#[derive(Clone, Copy, Debug)]
struct Backlog {
    prob: f64,
    cond_mean: f64,
    /// `P(X > τ | X > 0)`.
    spill: f64,
    /// `σ`: the in-slot wait is `σ min(X, τ)`.
    scale: f64,
}

impl Backlog {
    /// `E[X]`.
    fn mean(&self) -> f64 {
        self.prob * self.cond_mean
    }

    /// `E[σ min(X, τ)] = σ E[X] (1 - spill)`.
    fn in_slot_mean(&self) -> f64 {
        self.scale * self.mean() * (1.0 - self.spill)
    }

    /// `E[(σ min(X, τ))²] = 2 σ² prob m² (1 - spill (1 + τ / m))`, `τ / m = -ln spill`.
    fn in_slot_mean_square(&self) -> f64 {
        let m = self.cond_mean;
        let tail = if self.spill > 0.0 {
            self.spill * (1.0 - self.spill.ln())
        } else {
            0.0
        };
        2.0 * self.scale * self.scale * self.prob * m * m * (1.0 - tail)
    }

    /// `τ = m ln(1 / spill)`: infinite when nothing spills, 0 when everything does.
    fn cap(&self) -> f64 {
        -self.cond_mean * self.spill.ln()
    }

    /// The same backlog with its in-slot mean set to `in_slot`: by moving `τ` while
    /// `in_slot <= E[X]`, beyond that by scaling (`τ` infinite, `σ = in_slot / E[X]`).
    fn rebalanced(self, in_slot: f64) -> Self {
        let mean = self.mean();
        let (spill, scale) = if mean <= 0.0 {
            (self.spill, 1.0)
        } else if in_slot <= mean {
            ((1.0 - in_slot / mean).clamp(0.0, 1.0), 1.0)
        } else {
            (0.0, in_slot / mean)
        };
        Self {
            spill,
            scale,
            ..self
        }
    }
}

/// Root of `f` in `[lo, hi]` given `f(lo) = f_lo` and `f(hi) = f_hi` of opposite signs,
/// by the Illinois variant of regula falsi (converged to [`FIXED_POINT_TOL`] relative or
/// after [`FIXED_POINT_MAX_ITER`] steps).
fn illinois(f: impl Fn(f64) -> f64, mut lo: f64, mut f_lo: f64, mut hi: f64, mut f_hi: f64) -> f64 {
    let mut x = lo;
    let mut side = 0i8;
    for _ in 0..FIXED_POINT_MAX_ITER {
        let next = ((lo * f_hi - hi * f_lo) / (f_hi - f_lo)).clamp(lo, hi);
        let moved = (next - x).abs();
        x = next;
        let fx = f(x);
        if fx == 0.0 || moved <= FIXED_POINT_TOL * x.abs() {
            return x;
        }
        // Illinois: halve the stale end's value when the same end moves twice.
        if (fx > 0.0) == (f_lo > 0.0) {
            (lo, f_lo) = (x, fx);
            if side > 0 {
                f_hi /= 2.0;
            }
            side = 1;
        } else {
            (hi, f_hi) = (x, fx);
            if side < 0 {
                f_lo /= 2.0;
            }
            side = -1;
        }
    }
    x
}

impl FlowState {
    /// One TTFT draw (no network), seconds, from three independent inputs: `u_slot` and
    /// `u_prefill` uniform in `[0, 1)` and a prompt length (steps 1, 2 and 6 of the
    /// [module docs](self)). `u_slot` gives the slot delay `Y` and `u_prefill` the prefill
    /// backlog `X`, each 0 when `u < 1 - P(> 0)` and otherwise the inverse CDF of an
    /// exponential with the conditional mean; the draw is
    /// `max(Y, (X - τ)⁺) + min(X, τ) + prompt_tokens x k`. Its mean over independent
    /// uniforms and prompts is `mean_ttft_s`; it is monotone in each input, so stratified
    /// grids work. O(1).
    pub fn ttft_s(&self, u_slot: f64, u_prefill: f64, prompt_tokens: u32) -> f64 {
        let slot = conditional_exponential(u_slot, self.prob_slot_delay, self.slot_delay_s);
        let p = self.prob_prefill_wait;
        let backlog = conditional_exponential(u_prefill, p, p * self.backlog_cond_s);
        let below = backlog.min(self.backlog_cap_s);
        slot.max(backlog - below)
            + self.backlog_scale * below
            + f64::from(prompt_tokens) * self.prefill_s_per_token
    }

    /// Whether the offered rate exceeds what the replica serves.
    pub fn is_overloaded(&self) -> bool {
        self.served < self.lambda
    }

    /// Offered rate the replica does not serve, `lambda - served` (requests per second).
    pub fn overload(&self) -> f64 {
        self.lambda - self.served
    }
}

/// A wait that is 0 with probability `1 - p` and exponential with mean `mean / p`
/// otherwise, at quantile `u`: `(mean / p) ln(p / (1 - u))` for `u >= 1 - p`.
#[inline]
fn conditional_exponential(u: f64, p: f64, mean: f64) -> f64 {
    if p <= 0.0 || mean <= 0.0 || u < 1.0 - p {
        return 0.0;
    }
    let tail = (1.0 - u).max(f64::MIN_POSITIVE);
    (mean / p) * (p / tail).ln().max(0.0)
}

#[inline]
fn assert_throttle(throttle: f64) {
    assert!(
        throttle > 0.0 && throttle <= 1.0,
        "throttle must be in (0, 1], got {throttle}"
    );
}

#[cfg(test)]
mod tests;
