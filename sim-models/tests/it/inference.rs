//! Inference building blocks: rate profiles and arrivals, trace replay, roofline speed,
//! and M/M/c queueing formulas.

use rand::Rng;
use sim_models::catalog::Catalog;
use sim_models::inference::arrival::*;
use sim_models::inference::queueing::*;
use sim_models::inference::roofline::*;
use sim_models::sim_core::rng::{Exponential, RngStreams};
use sim_models::sim_core::time::{SimDuration, SimTime};

fn rel_close(got: f64, want: f64, tol: f64) -> bool {
    ((got - want) / want).abs() <= tol
}

fn at_hours(h: f64) -> SimTime {
    SimTime::ZERO + SimDuration::from_hours_f64(h).unwrap()
}

fn diurnal() -> RateProfile {
    let mut hourly = vec![1.0; 24];
    hourly[3] = 0.0;
    hourly[12] = 3.0;
    hourly[20] = 0.5;
    RateProfile::Diurnal {
        base_rate_per_s: 0.05,
        hourly,
    }
}

// ---------------------------------------------------------------- profiles

#[test]
fn profiles_give_hand_computed_rates() {
    let d = diurnal();
    assert!(rel_close(d.rate_at(at_hours(12.5)), 0.15, 1e-12));
    assert_eq!(d.rate_at(at_hours(3.99)), 0.0);
    assert!(rel_close(d.rate_at(at_hours(24.0 + 20.1)), 0.025, 1e-12));
    assert!(rel_close(d.max_rate(), 0.15, 1e-12));
    assert!(rel_close(d.mean_rate(), 0.05 * 24.5 / 24.0, 1e-12));

    let s = RateProfile::Sinusoid {
        mean_rate_per_s: 10.0,
        amplitude: 0.5,
        peak_hour: 14.0,
    };
    assert!(rel_close(s.rate_at(at_hours(14.0)), 15.0, 1e-12));
    assert!(rel_close(s.rate_at(at_hours(2.0)), 5.0, 1e-12));
    assert!(rel_close(s.rate_at(at_hours(20.0)), 10.0, 1e-9));
    assert_eq!(s.max_rate(), 15.0);

    let mut daily = [1.0; 7];
    daily[5] = 0.5; // Saturday
    daily[6] = 0.25; // Sunday
    let w = RateProfile::Weekly {
        daily,
        inner: Box::new(RateProfile::Constant { rate_per_s: 4.0 }),
    };
    assert_eq!(w.rate_at(at_hours(1.0)), 4.0);
    assert_eq!(w.rate_at(at_hours(5.0 * 24.0 + 1.0)), 2.0);
    assert_eq!(w.rate_at(at_hours(6.0 * 24.0 + 23.0)), 1.0);
    assert_eq!(w.rate_at(at_hours(7.0 * 24.0 + 1.0)), 4.0); // next Monday
    assert_eq!(w.max_rate(), 4.0);
    assert!(rel_close(w.mean_rate(), 4.0 * 5.75 / 7.0, 1e-12));
}

#[test]
fn invalid_profiles_report_every_problem_with_paths() {
    let bad = RateProfile::Diurnal {
        base_rate_per_s: -1.0,
        hourly: vec![1.0, f64::NAN],
    };
    let errs = bad.validate(&["services", "chat", "arrival"]).unwrap_err();
    let paths: Vec<String> = errs.iter().map(|e| e.dotted_path()).collect();
    assert_eq!(
        paths,
        [
            "services.chat.arrival.base_rate_per_s",
            "services.chat.arrival.hourly",
            "services.chat.arrival.hourly.1",
        ]
    );

    let bad = RateProfile::Weekly {
        daily: [1.0; 7],
        inner: Box::new(RateProfile::Sinusoid {
            mean_rate_per_s: 1.0,
            amplitude: 1.5,
            peak_hour: 24.0,
        }),
    };
    let errs = bad.validate(&["a"]).unwrap_err();
    assert_eq!(errs.len(), 2);
    assert_eq!(errs[0].dotted_path(), "a.inner.amplitude");

    let nested = RateProfile::Weekly {
        daily: [1.0; 7],
        inner: Box::new(RateProfile::Weekly {
            daily: [1.0; 7],
            inner: Box::new(RateProfile::Constant { rate_per_s: 1.0 }),
        }),
    };
    assert!(ArrivalProcess::new(nested, &["a"]).is_err());
    assert!(ArrivalProcess::new(RateProfile::Constant { rate_per_s: 2.0 }, &["a"]).is_ok());
}

// ---------------------------------------------------------------- arrivals

#[test]
fn thinning_matches_the_hourly_profile() {
    let p = ArrivalProcess::new(diurnal(), &["a"]).unwrap();
    let mut rng = RngStreams::new(7).stream("arrival/test");
    let days = 100.0;
    let end = at_hours(24.0 * days);
    let mut counts = [0u64; 24];
    let mut t = SimTime::ZERO;
    while let Some(next) = p.next_after(t, &mut rng) {
        if next >= end {
            break;
        }
        assert!(next >= t);
        counts[(next.as_secs_f64() / 3600.0) as usize % 24] += 1;
        t = next;
    }
    assert_eq!(counts[3], 0);
    for (h, &n) in counts.iter().enumerate() {
        let want = p.profile().rate_at(at_hours(h as f64 + 0.5)) * 3600.0 * days;
        if want > 0.0 {
            // sd of a Poisson count of >= 9000 is <= 1.1%; 5% is > 4.5 sd.
            assert!(rel_close(n as f64, want, 0.05), "hour {h}: {n} vs {want}");
        }
    }
}

#[test]
fn zero_rate_has_no_arrivals() {
    let p = ArrivalProcess::new(RateProfile::Constant { rate_per_s: 0.0 }, &["a"]).unwrap();
    let mut rng = RngStreams::new(1).stream("x");
    assert_eq!(p.next_after(SimTime::ZERO, &mut rng), None);
}

#[test]
fn simulated_mm1_matches_the_formula_within_3_percent() {
    // Lindley recursion W(n+1) = max(0, W(n) + S(n) - A(n+1)) with arrivals from the
    // thinning process at a constant rate.
    let (lambda, mu) = (0.5, 1.0);
    let p = ArrivalProcess::new(RateProfile::Constant { rate_per_s: lambda }, &["a"]).unwrap();
    let service = Exponential::new(1.0 / mu).unwrap();
    let streams = RngStreams::new(42);
    let mut arr_rng = streams.stream("arrival");
    let mut svc_rng = streams.stream("service");
    let n = 400_000;
    let mut t = SimTime::ZERO;
    let (mut w, mut sum) = (0.0f64, 0.0f64);
    for _ in 0..n {
        let next = p.next_after(t, &mut arr_rng).unwrap();
        let gap = (next - t).as_secs_f64();
        w = (w + service.sample(&mut svc_rng) - gap).max(0.0);
        sum += w;
        t = next;
    }
    let want = Mmc::mm1(lambda, mu).unwrap().mean_wait_s();
    assert!(
        rel_close(sum / n as f64, want, 0.03),
        "{} vs {want}",
        sum / n as f64
    );
    // The rng is usable generically too.
    let _: f64 = arr_rng.random();
}

// ---------------------------------------------------------------- trace

fn rec(secs: u64, p: u32, o: u32) -> TraceRecord {
    TraceRecord {
        at: SimTime::from_nanos(secs * 1_000_000_000),
        prompt_tokens: p,
        output_tokens: o,
    }
}

#[test]
fn trace_replays_in_order() {
    let mut t = TraceReplay::new("chat", vec![rec(0, 10, 5), rec(0, 3, 1), rec(4, 7, 2)]).unwrap();
    assert_eq!(t.mean_rate_per_s(), Some(0.5));
    assert_eq!(t.peek(), Some(&rec(0, 10, 5)));
    assert_eq!(t.next_record(), Some(rec(0, 10, 5)));
    assert_eq!(t.remaining(), 2);
    assert_eq!(t.next_record(), Some(rec(0, 3, 1)));
    assert_eq!(t.next_record(), Some(rec(4, 7, 2)));
    assert_eq!(t.next_record(), None);
}

#[test]
fn trace_validation_locates_each_bad_record() {
    let errs =
        TraceReplay::new("chat", vec![rec(5, 1, 1), rec(4, 0, 1), rec(6, 1, 0)]).unwrap_err();
    let paths: Vec<String> = errs.iter().map(|e| e.dotted_path()).collect();
    assert_eq!(
        paths,
        [
            "services.chat.trace.1",
            "services.chat.trace.1",
            "services.chat.trace.2"
        ]
    );
    assert!(errs[0].message.contains("earlier"));
}

// ---------------------------------------------------------------- roofline

fn h100_70b() -> ReplicaSpeed {
    let catalog = Catalog::builtin();
    let h100 = catalog.accelerator(catalog.accelerator_id("h100").unwrap());
    assert_eq!(
        (h100.bf16_tflops, h100.hbm_tbps, h100.hbm_gb),
        (989.0, 3.35, 80.0)
    );
    // Llama 3 70B: 80 layers, 8 KV heads of dim 128 -> 327,680 B/token in BF16.
    let kv = kv_bytes_per_token(80, 8, 128, 2.0);
    assert_eq!(kv, 327_680.0);
    ReplicaSpeed::new(70e9, h100, 8, 0.5, BF16_BYTES_PER_PARAM, kv).unwrap()
}

#[test]
fn roofline_h100_hand_computed() {
    let r = h100_70b();
    // 2 x 70e9 x 1000 / (8 x 989e12 x 0.5) = 1.4e14 / 3.956e15
    assert!(rel_close(r.prefill_s(1000), 0.035_389_282, 1e-6));
    // 140e9 B / (8 x 3.35e12 B/s)
    assert!(rel_close(r.decode_step_s(1, 0), 0.005_223_881, 1e-6));
    // (140e9 + 32 x 2000 x 327,680) / 2.68e13 = 1.6097152e11 / 2.68e13
    assert!(rel_close(r.decode_step_s(32, 2000), 0.006_006_400, 1e-6));
    assert_eq!(r.tpot_s(32, 2000), r.decode_step_s(32, 2000));
    assert!(rel_close(r.tokens_per_s(32, 2000), 5327.650, 1e-6));
    // Compute bound at batch 1000, no context: 2 x 70e9 x 1000 / 3.956e15.
    assert!(rel_close(r.decode_step_s(1000, 0), 0.035_389_282, 1e-6));
    // (640e9 - 140e9) / (2000 x 327,680) = 762.9
    assert_eq!(r.max_batch(2000), 762);
    assert_eq!(r.weight_bytes(), 140e9);
}

#[test]
fn roofline_rejects_bad_inputs() {
    let catalog = Catalog::builtin();
    let h100 = catalog.accelerator(catalog.accelerator_id("h100").unwrap());
    // 405B x 2 B = 810 GB > 8 x 80 GB.
    let errs =
        ReplicaSpeed::new(405e9, h100, 8, 0.4, 2.0, LLAMA3_405B_KV_BYTES_PER_TOKEN).unwrap_err();
    assert_eq!(errs[0].dotted_path(), "replica.chips");
    assert!(ReplicaSpeed::new(405e9, h100, 16, 0.4, 2.0, LLAMA3_405B_KV_BYTES_PER_TOKEN).is_ok());
    let errs = ReplicaSpeed::new(-1.0, h100, 0, 1.5, 2.0, 1.0).unwrap_err();
    assert_eq!(errs.len(), 3);
    assert_eq!(
        kv_bytes_per_token(126, 8, 128, 2.0),
        LLAMA3_405B_KV_BYTES_PER_TOKEN
    );
}

// ---------------------------------------------------------------- queueing

#[test]
fn mm1_textbook_values() {
    // ρ = 0.8: C = ρ, Wq = ρ / (μ - λ) = 4, W = 5, Lq = ρ² / (1 - ρ) = 3.2.
    let q = Mmc::mm1(0.8, 1.0).unwrap();
    assert!(rel_close(q.prob_wait(), 0.8, 1e-12));
    assert!(rel_close(q.mean_wait_s(), 4.0, 1e-12));
    assert!(rel_close(q.mean_response_s(), 5.0, 1e-12));
    assert!(rel_close(q.mean_queue_len(), 3.2, 1e-12));
    // Median: 0.8 e^{-0.2 t} = 0.5 -> t = 5 ln 1.6.
    assert!(rel_close(q.wait_quantile_s(0.5), 5.0 * 1.6f64.ln(), 1e-12));
    assert_eq!(q.wait_quantile_s(0.1), 0.0);
    assert!(rel_close(
        q.wait_exceeds(q.wait_quantile_s(0.9)),
        0.1,
        1e-12
    ));
}

#[test]
fn erlang_c_table_values() {
    // c = 2, a = 1: B = 0.5 / 2.5 = 0.2, C = 0.4 / 1.2 = 1/3, Wq = C / (2 - 1) = 1/3.
    assert!(rel_close(erlang_b(2, 1.0), 0.2, 1e-12));
    assert!(rel_close(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12));
    let q = Mmc::new(1.0, 1.0, 2).unwrap();
    assert!(rel_close(q.mean_wait_s(), 1.0 / 3.0, 1e-12));
    // c = 3, a = 2: terms 1, 2, 2, then (8/6) x 3 = 4 -> C = 4 / 9.
    assert!(rel_close(erlang_c(3, 2.0), 4.0 / 9.0, 1e-12));
    // c = 10, a = 5 against the direct factorial formula.
    let (c, a) = (10u32, 5.0f64);
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let last = term * f64::from(c) / (f64::from(c) - a);
    assert!(rel_close(erlang_c(c, a), last / (sum + last), 1e-12));
}

#[test]
fn erlang_c_is_stable_for_large_c() {
    // Very large c at ρ = 0.99: finite probability in (0, 1), no overflow.
    let p = erlang_c(10_000, 9_900.0);
    assert!(p.is_finite() && p > 0.0 && p < 1.0, "{p}");
    // Halfin-Whitt: at c = 10,000, ρ = 0.99 (β = 1) C is about 0.22.
    assert!((0.15..0.3).contains(&p), "{p}");
    assert!(erlang_c(10_000, 5_000.0) < 1e-100);
    let q = Mmc::new(2.0, 1.0, 2).unwrap();
    assert!(!q.is_stable());
    assert_eq!(q.mean_wait_s(), f64::INFINITY);
    assert_eq!(q.wait_quantile_s(0.5), f64::INFINITY);
    assert!(Mmc::new(1.0, 0.0, 1).is_err());
    assert!(Mmc::new(1.0, 1.0, 0).is_err());
}
