//! Unit tests of the parent module.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::Rng;
use sim_core::rng::RngStreams;

use super::*;
use crate::catalog::{AcceleratorSpec, Catalog};
use crate::inference::histogram::WeightedHistogram;
use crate::inference::queueing::Mmc;
use crate::inference::tokens::TokenDist;

fn h100() -> AcceleratorSpec {
    let catalog = Catalog::builtin();
    catalog
        .accelerator(catalog.accelerator_id("h100").unwrap())
        .clone()
}

/// llama3-70b on 8 H100 at MFU 0.5, BF16, 327,680 KV bytes per token
/// (2 x 80 layers x 8 KV heads x 128 x 2 bytes).
fn llama70b() -> ReplicaSpeed {
    ReplicaSpeed::new(70.6e9, &h100(), 8, 0.5, 2.0, 327_680.0).unwrap()
}

/// llama3-8b on one H100 (32 layers: 131,072 KV bytes per token).
fn llama8b() -> ReplicaSpeed {
    ReplicaSpeed::new(8.03e9, &h100(), 1, 0.5, 2.0, 131_072.0).unwrap()
}

/// Near-zero prefill and a batch-independent TPOT (the weights time): a plain
/// M/G/c queue whose service is `(out - 1) x t_w`.
fn plain_speed() -> ReplicaSpeed {
    let mut fast = h100();
    fast.bf16_tflops *= 1e6;
    ReplicaSpeed::new(70.6e9, &fast, 8, 0.5, 2.0, 1e-6).unwrap()
}

fn tokens(d: TokenDist) -> Tokens {
    d.prepare(&["test"]).unwrap()
}

fn conv() -> (Tokens, Tokens) {
    (
        tokens(TokenDist::azure_conv_prompt()),
        tokens(TokenDist::azure_conv_output()),
    )
}

fn code() -> (Tokens, Tokens) {
    (
        tokens(TokenDist::azure_code_prompt()),
        tokens(TokenDist::azure_code_output()),
    )
}

fn rel(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs()
}

/// The arrival rate at which the larger of the flow's slot and prefill utilisations
/// is `target` (bisection).
fn lambda_for_utilisation(q: &FlowQueue, target: f64, throttle: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, q.capacity(throttle));
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        let s = q.steady_state(mid, throttle);
        if s.slot_utilisation.max(s.prefill_utilisation) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[test]
fn throttled_capacity_and_saturated_wait_scale_exactly() {
    let (prompt, output) = code();
    for speed in [llama70b(), llama8b()] {
        for slots in [1, 4, 32] {
            let q = FlowQueue::new(speed, slots, &prompt, &output);
            for theta in [0.3, 0.71, 1.0] {
                let wait = q.compute_saturated_wait(theta);
                let got = q.saturated_wait(theta);
                assert!(
                    (got - wait).abs() <= 1e-9 * wait,
                    "{slots} {theta}: {got} vs {wait}"
                );
                assert!(rel(q.capacity(theta), q.capacity_given(theta, wait)) < 1e-6);
            }
        }
    }
}

#[test]
fn decode_model_matches_the_roofline() {
    let (prompt, output) = conv();
    for speed in [llama70b(), llama8b(), plain_speed()] {
        let q = FlowQueue::new(speed, 16, &prompt, &output);
        for b in [0, 1, 7, 16, 64, 300, 1000, 5000] {
            for ctx in [0, 1, 100, 1500, 8000, 100_000] {
                let want = speed.decode_step_s(b, ctx);
                let got = q.decode_step_s(f64::from(b), f64::from(ctx));
                assert!(rel(got, want) < 1e-9, "b {b} ctx {ctx}: {got} vs {want}");
            }
        }
        assert!(rel(q.prefill_s_per_token, speed.prefill_s(1)) < 1e-12);
    }
}

#[test]
fn single_slot_matches_mm1_and_md1() {
    let speed = plain_speed();
    let prompt = tokens(TokenDist::Fixed(1));
    // Geometric outputs: (out - 1) x t_w is geometric on {0, 1, ...}, cs² = 1 + 1/999.
    let geometric = tokens(TokenDist::Geometric { mean: 1000.0 });
    let q = FlowQueue::new(speed, 1, &prompt, &geometric);
    let es = q.steady_state(0.0, 1.0).mean_service_s;
    for rho in [0.3, 0.5, 0.8, 0.95] {
        let s = q.steady_state(rho / es, 1.0);
        let mm1 = Mmc::mm1(s.served, 1.0 / s.mean_service_s).unwrap();
        assert!(rel(s.slot_utilisation, rho) < 1e-6, "{s:?}");
        assert!(rel(s.prob_slot_wait, mm1.prob_wait()) < 1e-6);
        let (got, want) = (s.mean_slot_wait_s, mm1.mean_wait_s());
        assert!(rel(got, want) < 0.02, "rho {rho}: {got} vs M/M/1 {want}");
    }
    // Fixed outputs: M/D/1, Wq = ρ E[S] / (2 (1 - ρ)).
    let q = FlowQueue::new(speed, 1, &prompt, &tokens(TokenDist::Fixed(1000)));
    let es = q.steady_state(0.0, 1.0).mean_service_s;
    for rho in [0.5, 0.8] {
        let s = q.steady_state(rho / es, 1.0);
        let want = rho * s.mean_service_s / (2.0 * (1.0 - rho));
        assert!(rel(s.mean_slot_wait_s, want) < 0.01, "rho {rho}: {s:?}");
    }
}

#[test]
fn eight_slots_match_mmc() {
    let q = FlowQueue::new(
        plain_speed(),
        8,
        &tokens(TokenDist::Fixed(1)),
        &tokens(TokenDist::Geometric { mean: 1000.0 }),
    );
    let es = q.steady_state(0.0, 1.0).mean_service_s;
    for rho in [0.5, 0.8] {
        let s = q.steady_state(8.0 * rho / es, 1.0);
        let mmc = Mmc::new(s.served, 1.0 / s.mean_service_s, 8).unwrap();
        let (got, want) = (s.mean_slot_wait_s, mmc.mean_wait_s());
        assert!(rel(got, want) < 0.03, "rho {rho}: {got} vs M/M/8 {want}");
        assert!(rel(s.slot_utilisation, rho) < 1e-3);
    }
}

#[test]
fn latency_grows_with_load_and_overload_is_capped() {
    for (c, (prompt, output)) in [(16, conv()), (4, code()), (64, code())] {
        let q = FlowQueue::new(llama70b(), c, &prompt, &output);
        for throttle in [1.0, 0.6] {
            let cap = q.capacity(throttle);
            let mut last = q.steady_state(0.0, throttle);
            for i in 1..=300 {
                let s = q.steady_state(cap * f64::from(i) / 200.0, throttle);
                assert!(s.mean_ttft_s >= last.mean_ttft_s, "{last:?} -> {s:?}");
                assert!(s.served >= last.served);
                assert!(s.slot_utilisation >= last.slot_utilisation);
                assert!((0.0..=1.0).contains(&s.slot_utilisation));
                assert!(s.mean_ttft_s.is_finite() && s.mean_slot_wait_s >= 0.0);
                last = s;
            }
            // Past capacity: saturated, one resource nearly full, waits long, the
            // excess overload.
            assert!(last.is_overloaded());
            assert!(rel(last.served, SATURATED_FRACTION * cap) < 1e-12);
            let full = last.slot_utilisation.max(last.prefill_utilisation);
            assert!(full > 0.9, "{last:?}");
            let idle = q.steady_state(0.0, throttle).mean_ttft_s;
            assert!(last.mean_ttft_s > 10.0 * idle, "{last:?}");
            assert!(last.prefill_utilisation < 1.0);
            assert!(rel(last.overload(), 1.5 * cap - last.served) < 1e-12);
            let below = q.steady_state(0.9 * cap, throttle);
            assert!(!below.is_overloaded() && below.slot_utilisation < 0.99);
        }
        // Throttling slows everything down by the same factor: capacity scales with it.
        assert!(rel(q.capacity(0.5), 0.5 * q.capacity(1.0)) < 1e-9);
        let lambda = 0.5 * q.capacity(0.5);
        let (full, slow) = (q.steady_state(lambda, 1.0), q.steady_state(lambda, 0.5));
        assert!(slow.mean_ttft_s > full.mean_ttft_s && slow.tpot_s > full.tpot_s);
    }
}

#[test]
fn idle_replica_is_a_lone_request() {
    let speed = llama70b();
    let (prompt, output) = conv();
    let q = FlowQueue::new(speed, 16, &prompt, &output);
    let s = q.steady_state(0.0, 1.0);
    assert_eq!((s.served, s.busy_slots, s.prob_slot_wait), (0.0, 0.0, 0.0));
    assert_eq!((s.mean_slot_wait_s, s.mean_prefill_wait_s), (0.0, 0.0));
    assert_eq!(s.admission_batch, 1.0);
    assert!(rel(s.mean_ttft_s, speed.prefill_s(1) * prompt.mean()) < 1e-9);
    let ctx = prompt.mean() + output.mean() / 2.0;
    assert!(rel(s.tpot_s, speed.tpot_s(1, ctx.round() as u32)) < 1e-4);
    assert!(rel(s.ttft_s(0.99, 0.99, 100), speed.prefill_s(100)) < 1e-12);
}

#[test]
fn ttft_draws_average_to_the_mean() {
    let mut rng = RngStreams::new(3).stream("flow/ttft");
    for (c, (prompt, output)) in [(16, conv()), (4, code())] {
        let q = FlowQueue::new(llama70b(), c, &prompt, &output);
        for util in [0.5, 0.8, 0.95] {
            let s = q.steady_state(lambda_for_utilisation(&q, util, 1.0), 1.0);
            let n = 300;
            let mut sum = 0.0;
            for i in 0..n {
                for j in 0..n {
                    let u_slot = (f64::from(i) + 0.5) / f64::from(n);
                    let u_prefill = (f64::from(j) + 0.5) / f64::from(n);
                    sum += s.ttft_s(u_slot, u_prefill, prompt.sample(&mut rng));
                }
            }
            let mean = sum / f64::from(n * n);
            assert!(
                rel(mean, s.mean_ttft_s) < 0.02,
                "c {c} util {util}: {mean} vs {s:?}"
            );
        }
    }
}

/// A time for the completion heap: f64 ordered by `total_cmp`.
#[derive(Clone, Copy, PartialEq)]
struct At(f64);
impl Eq for At {}
impl PartialOrd for At {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for At {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// One replica under the request-fidelity semantics, simulated directly.
struct Replica<'a> {
    speed: &'a ReplicaSpeed,
    throttle: f64,
    busy: u32,
    prefill_free_at: f64,
    done: BinaryHeap<Reverse<At>>,
}

impl Replica<'_> {
    /// Admits a request that arrived at `arrived` into a slot at `t`; returns its TTFT.
    fn admit(&mut self, t: f64, (arrived, prompt, output): (f64, u32, u32)) -> f64 {
        self.busy += 1;
        let start = t.max(self.prefill_free_at);
        let first_token = start + self.speed.prefill_s(prompt) / self.throttle;
        self.prefill_free_at = first_token;
        let tpot = self.speed.tpot_s(self.busy, prompt + output / 2) / self.throttle;
        let end = first_token + f64::from(output - 1) * tpot;
        self.done.push(Reverse(At(end)));
        first_token - arrived
    }
}

/// What [`simulate`] measured after warm-up.
struct Simulated {
    /// Each admitted request's TTFT (no network), in admission order.
    ttft: Vec<f64>,
    /// Time-average busy slots over slots.
    slot_utilisation: f64,
    /// Admissions per second.
    throughput: f64,
}

/// Simulates one replica until `requests` admissions, dropping the first `warmup`.
fn simulate(
    speed: &ReplicaSpeed,
    slots: u32,
    (prompt, output): &(Tokens, Tokens),
    lambda: f64,
    throttle: f64,
    (requests, warmup): (usize, usize),
) -> Simulated {
    let streams = RngStreams::new(42);
    let mut arrivals = streams.stream("mc/arrival");
    let mut sizes = streams.stream("mc/tokens");
    let mut replica = Replica {
        speed,
        throttle,
        busy: 0,
        prefill_free_at: 0.0,
        done: BinaryHeap::new(),
    };
    let mut queue: VecDeque<(f64, u32, u32)> = VecDeque::new();
    let mut ttft = Vec::with_capacity(requests);
    let mut admitted = 0usize;
    let (mut now, mut busy_area, mut since) = (0.0f64, 0.0, 0.0);
    let mut next_arrival = -(1.0 - arrivals.random::<f64>()).ln() / lambda;
    while admitted < requests {
        let next_done = replica.done.peek().map_or(f64::INFINITY, |r| r.0.0);
        let t = next_arrival.min(next_done);
        if admitted >= warmup {
            busy_area += f64::from(replica.busy) * (t - now);
        } else {
            since = t;
        }
        now = t;
        let request = if next_done <= next_arrival {
            replica.done.pop();
            replica.busy -= 1;
            queue.pop_front()
        } else {
            let r = (t, prompt.sample(&mut sizes), output.sample(&mut sizes));
            next_arrival = t - (1.0 - arrivals.random::<f64>()).ln() / lambda;
            if replica.busy < slots {
                Some(r)
            } else {
                queue.push_back(r);
                None
            }
        };
        if let Some(r) = request {
            let x = replica.admit(t, r);
            if admitted >= warmup {
                ttft.push(x);
            }
            admitted += 1;
        }
    }
    Simulated {
        throughput: ttft.len() as f64 / (now - since),
        slot_utilisation: busy_area / ((now - since) * f64::from(slots)),
        ttft,
    }
}

/// The flow's TTFT `p`-quantile from 90,000 stratified [`FlowState::ttft_s`] draws.
fn flow_quantile(s: &FlowState, prompt: &Tokens, p: f64) -> f64 {
    let mut rng = RngStreams::new(9).stream("flow/quantile");
    let mut h = WeightedHistogram::default();
    let n = 300;
    for i in 0..n {
        for j in 0..n {
            let u_slot = (f64::from(i) + rng.random::<f64>()) / f64::from(n);
            let u_prefill = (f64::from(j) + rng.random::<f64>()) / f64::from(n);
            h.add(s.ttft_s(u_slot, u_prefill, prompt.sample(&mut rng)), 1.0);
        }
    }
    h.quantile(p).unwrap()
}

/// Flow vs simulation at one operating point: relative errors of mean and p99 TTFT.
fn compare(
    label: &str,
    speed: ReplicaSpeed,
    slots: u32,
    mix: &(Tokens, Tokens),
    util: f64,
    throttle: f64,
    run: (usize, usize),
) -> (f64, f64) {
    let q = FlowQueue::new(speed, slots, &mix.0, &mix.1);
    let lambda = lambda_for_utilisation(&q, util, throttle);
    let s = q.steady_state(lambda, throttle);
    let mut sim = simulate(&speed, slots, mix, lambda, throttle, run);
    let sim_mean = sim.ttft.iter().sum::<f64>() / sim.ttft.len() as f64;
    sim.ttft.sort_unstable_by(f64::total_cmp);
    let sim_p99 = sim.ttft[(0.99 * sim.ttft.len() as f64) as usize];
    let flow_p99 = flow_quantile(&s, &mix.0, 0.99);
    let (mean_err, p99_err) = (s.mean_ttft_s / sim_mean - 1.0, flow_p99 / sim_p99 - 1.0);
    eprintln!(
        "{label:9} c {slots:2} util {util} θ {throttle}: slots flow {:.3} sim {:.3}, \
         prefill {:.2} | mean TTFT {:.4} vs {sim_mean:.4} ({:+5.1} %) | \
         p99 {flow_p99:.4} vs {sim_p99:.4} ({:+5.1} %)",
        s.slot_utilisation,
        sim.slot_utilisation,
        s.prefill_utilisation,
        s.mean_ttft_s,
        100.0 * mean_err,
        100.0 * p99_err,
    );
    (mean_err, p99_err)
}

/// The acceptance test of the flow fidelity: mean TTFT within 10 % and p99 TTFT within
/// 20 % of a direct simulation of the request semantics, for llama3-70b on 8 H100 with
/// 16 slots and Azure conversation tokens at slot utilisation 0.5 and 0.8 (also
/// throttled), plus two prefill-heavy points with code tokens.
#[test]
fn flow_matches_request_simulation() {
    let run = (200_000, 10_000);
    let cases = [
        ("70b conv", 16, conv(), 0.5, 1.0),
        ("70b conv", 16, conv(), 0.8, 1.0),
        ("70b conv", 16, conv(), 0.8, 0.7),
        ("70b code", 16, code(), 0.8, 1.0),
        ("70b code", 4, code(), 0.7, 1.0),
    ];
    for (label, slots, mix, util, throttle) in cases {
        let (mean_err, p99_err) = compare(label, llama70b(), slots, &mix, util, throttle, run);
        assert!(
            mean_err.abs() < 0.10,
            "{label} c {slots} at {util}: mean TTFT"
        );
        assert!(
            p99_err.abs() < 0.20,
            "{label} c {slots} at {util}: p99 TTFT"
        );
    }
}

/// Capacity is where the simulated replica stops keeping up.
#[test]
fn capacity_matches_simulated_saturation() {
    for (slots, mix) in [(16, conv()), (4, code()), (32, conv())] {
        let q = FlowQueue::new(llama70b(), slots, &mix.0, &mix.1);
        let cap = q.capacity(1.0);
        let sim = simulate(&llama70b(), slots, &mix, 2.0 * cap, 1.0, (100_000, 10_000));
        eprintln!("c {slots}: capacity {cap} vs simulated {}", sim.throughput);
        assert!(
            rel(cap, sim.throughput) < 0.05,
            "c {slots}: capacity {cap} vs simulated {}",
            sim.throughput
        );
    }
}

/// The sweep behind the accuracy table in the module docs (slow: run with
/// `cargo test -p sim-models --lib accuracy_sweep -- --ignored --nocapture`).
#[test]
#[ignore]
fn accuracy_sweep() {
    let mut worst: f64 = 0.0;
    for (label, speed, mix) in [
        ("70b conv", llama70b(), conv()),
        ("70b code", llama70b(), code()),
        ("8b conv", llama8b(), conv()),
        ("8b code", llama8b(), code()),
    ] {
        for slots in [4, 16, 32, 64] {
            for util in [0.5, 0.7, 0.8, 0.9] {
                let run = (400_000, 20_000);
                let (m, p) = compare(label, speed, slots, &mix, util, 1.0, run);
                if util <= 0.8 {
                    worst = worst.max(m.abs() / 0.1).max(p.abs() / 0.2);
                }
            }
        }
    }
    eprintln!("worst error / tolerance up to utilisation 0.8: {worst:.2}");
}
