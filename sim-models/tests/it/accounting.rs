//! Accounting: energy, carbon and spend integrate exactly between events (seeded
//! property loops against independent sums), the 1,000 x H100 x 24 h hand scenario, and
//! commitment burn-downs computed by hand.

use rand::Rng;
use sim_core::rng::{RngStreams, StreamRng};
use sim_core::time::{SimDuration, SimTime};
use sim_models::accounting::*;
use sim_models::catalog::{Catalog, CloudId};

const HOUR_NS: u64 = 3_600_000_000_000;
const SEC_NS: u64 = 1_000_000_000;

fn t(ns: u64) -> SimTime {
    SimTime::from_nanos(ns)
}

fn hours(h: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_hours(h)
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(f64::MIN_POSITIVE)
}

fn rng(key: &str, i: u64) -> StreamRng {
    RngStreams::new(20_250_601).stream_indexed(key, i)
}

/// Property: on random event sequences (gaps of 0 ns to 2 h, integer watts up to 10 MW,
/// PUE 1.0-1.6), IT energy equals `Σ p_i × Δt_i` computed exactly in integers
/// (W·ns in u128), and facility energy equals the plain f64 sum of `p_i × pue_i × Δt_i`,
/// both within a relative 1e-12 (f64 rounding only; the meter is compensated), at every
/// event and at a final time after the last one.
#[test]
fn energy_is_the_integral_of_power_on_random_sequences() {
    for case in 0..200 {
        let mut r = rng("test/accounting/energy", case);
        let start = t(r.random_range(0..10 * HOUR_NS));
        let mut m = EnergyMeter::new(start);
        let (mut now, mut p_w, mut pue) = (start, 0u64, 1.0f64);
        let mut it_w_ns: u128 = 0;
        let mut fac_j = 0.0f64;
        let n = r.random_range(1..300);
        for _ in 0..n {
            let gap = if r.random_bool(0.1) {
                0
            } else {
                r.random_range(1..2 * HOUR_NS)
            };
            let next = t(now.as_nanos() + gap);
            it_w_ns += u128::from(p_w) * u128::from(gap);
            fac_j += p_w as f64 * pue * gap as f64 * 1e-9;
            now = next;
            p_w = r.random_range(0..=10_000_000);
            pue = r.random_range(1.0..1.6);
            m.set_power(now, p_w as f64, pue);
            let want = it_w_ns as f64 * 1e-9;
            assert!(close(m.energy_it_j(now), want, 1e-12), "case {case}");
            assert!(close(m.energy_facility_j(now), fac_j, 1e-12), "case {case}");
        }
        let end = t(now.as_nanos() + r.random_range(0..HOUR_NS));
        let tail = end.as_nanos() - now.as_nanos();
        it_w_ns += u128::from(p_w) * u128::from(tail);
        fac_j += p_w as f64 * pue * tail as f64 * 1e-9;
        let want = it_w_ns as f64 * 1e-9;
        assert!(close(m.energy_it_j(end), want, 1e-12), "case {case}");
        assert!(
            close(m.energy_it_mwh(end), want / 3.6e9, 1e-12),
            "case {case}"
        );
        assert!(close(m.energy_facility_j(end), fac_j, 1e-12), "case {case}");
        assert_eq!(m.it_w(), p_w as f64);
    }
}

/// Random hourly profile of 1-48 values (or 8 760 for a year), g/kWh in [0, 800).
fn random_profile(r: &mut StreamRng) -> Vec<f64> {
    let n = if r.random_bool(0.2) {
        8760
    } else {
        r.random_range(1..=48)
    };
    (0..n).map(|_| r.random_range(0.0..800.0)).collect()
}

/// Property: `∫ intensity dt` over a random window of whole seconds (up to 3 days,
/// starting anywhere in the first two years) equals a brute-force per-second sum of the
/// raw values within a relative 1e-9 (the per-second sum adds up to 259 200 f64 terms).
#[test]
fn carbon_integral_equals_a_per_second_sum() {
    for case in 0..40 {
        let mut r = rng("test/accounting/carbon-integral", case);
        let values = random_profile(&mut r);
        let p = CarbonProfile::from_values(values.clone(), &["carbon"]).unwrap();
        let s0 = r.random_range(0..2 * 8760 * 3600u64);
        let s1 = s0 + r.random_range(0..3 * 86_400u64);
        let mut brute = 0.0;
        for s in s0..s1 {
            brute += values[((s / 3600) % values.len() as u64) as usize] / 3600.0;
        }
        let got = p.integral_g_per_kwh_h(t(s0 * SEC_NS), t(s1 * SEC_NS));
        assert!(close(got, brute, 1e-9), "case {case}: {got} vs {brute}");
        assert_eq!(p.period_hours(), values.len());
        let h = (s0 / 3600) as usize % values.len();
        assert_eq!(p.intensity_at(t(s0 * SEC_NS)), values[h]);
    }
}

/// Property: with random power changes at whole seconds and a random hourly profile,
/// the carbon meter equals `Σ_s P(s) × I(s) / 3.6e6` g summed second by second, within
/// a relative 1e-9.
#[test]
fn carbon_meter_equals_a_per_second_sum_with_varying_power() {
    for case in 0..30 {
        let mut r = rng("test/accounting/carbon-meter", case);
        let values = random_profile(&mut r);
        let profile = CarbonProfile::from_values(values.clone(), &["carbon"]).unwrap();
        let s0 = r.random_range(0..8760 * 3600u64);
        let s_end = s0 + r.random_range(1..2 * 86_400u64);
        let mut m = CarbonMeter::new(t(s0 * SEC_NS), profile);
        let mut power = vec![0.0f64; (s_end - s0) as usize];
        let mut s = s0;
        while s < s_end {
            let p = r.random_range(0.0..5e6);
            m.set_power(t(s * SEC_NS), p);
            let next = (s + r.random_range(1..20_000)).min(s_end);
            power[(s - s0) as usize..(next - s0) as usize].fill(p);
            s = next;
        }
        let brute: f64 = (s0..s_end)
            .map(|s| {
                power[(s - s0) as usize] * values[((s / 3600) % values.len() as u64) as usize]
                    / 3.6e6
            })
            .sum();
        let got = m.co2_g(t(s_end * SEC_NS));
        assert!(close(got, brute, 1e-9), "case {case}: {got} vs {brute}");
        assert!(close(m.co2_t(t(s_end * SEC_NS)), brute * 1e-6, 1e-9));
    }
}

/// Over whole periods, the integral is (periods x period sum), also far from time zero.
#[test]
fn carbon_integral_over_whole_periods_and_constants() {
    let values: Vec<f64> = (0..24).map(|h| 200.0 + 10.0 * f64::from(h)).collect();
    let p = CarbonProfile::from_values(values, &["carbon"]).unwrap();
    let day_sum = 24.0 * 200.0 + 10.0 * 276.0; // 276 = 0 + 1 + ... + 23
    assert!(close(
        p.integral_g_per_kwh_h(hours(24 * 1000), hours(24 * 1365)),
        365.0 * day_sum,
        1e-14
    ));
    assert!(close(p.mean_g_per_kwh(), day_sum / 24.0, 1e-14));
    // Half an hour at hour 5 of any day: 250 g/kWh x 0.5 h.
    let half = SimDuration::from_mins(30);
    let at = hours(24 * 400 + 5);
    assert!(close(p.integral_g_per_kwh_h(at, at + half), 125.0, 1e-12));
    assert_eq!(p.integral_g_per_kwh_h(at + half, at), 0.0);

    let c = CarbonProfileSpec::Constant(400.0)
        .build(&["carbon"])
        .unwrap();
    assert_eq!(c, CarbonProfile::constant(400.0));
    assert!(close(
        c.integral_g_per_kwh_h(t(123), t(123 + 90 * HOUR_NS)),
        36_000.0,
        1e-13
    ));
}

#[test]
fn carbon_profile_validation_reports_every_problem_with_its_path() {
    let errs =
        CarbonProfile::from_values(vec![], &["regions", "aws/us-east-1", "carbon"]).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].dotted_path(), "regions.aws/us-east-1.carbon");
    assert!(errs[0].message.contains("empty"), "{}", errs[0]);

    let spec = CarbonProfileSpec::Hourly {
        values: vec![1.0, -2.0, f64::NAN, 4.0, f64::INFINITY],
    };
    let errs = spec.build(&["carbon"]).unwrap_err();
    let paths: Vec<String> = errs.iter().map(|e| e.dotted_path()).collect();
    assert_eq!(paths, ["carbon.1", "carbon.2", "carbon.4"]);
    assert!(CarbonProfileSpec::Constant(-1.0).build(&["c"]).is_err());
}

/// The validation scenario: 1,000 H100 at full load for 24 h in aws/us-east-1.
///
/// Hand calculation (catalog values: tdp 700 W, host 575 W per chip, PUE 1.15,
/// 323.05 g CO2/kWh, 12.29 $/chip-h):
///
/// * IT power  = 1,000 x (700 + 575) W = 1,275,000 W = 1.275 MW
/// * IT energy = 1.275 MW x 24 h = 30.6 MWh
/// * facility  = 30.6 MWh x 1.15 = 35.19 MWh
/// * CO2       = 35,190 kWh x 323.05 g/kWh = 11,368,129.5 g = 11.3681295 t
///   (35,190 x 323 = 11,366,370; 35,190 x 0.05 = 1,759.5)
/// * cost      = 1,000 x 24 h x 12.29 $ = 294,960 $
#[test]
fn thousand_h100_for_a_day_matches_the_hand_calculation() {
    let catalog = Catalog::builtin();
    let h100 = catalog.accelerator(catalog.accelerator_id("h100").unwrap());
    let region = catalog.region(catalog.region_id("aws", "us-east-1").unwrap());
    let price = catalog
        .offering("aws", "h100")
        .unwrap()
        .usd_per_chip_hour
        .unwrap();
    // The hand calculation below assumed these catalog values.
    assert_eq!((h100.tdp_w, h100.host_w_per_chip), (700.0, 575.0));
    assert_eq!(
        (region.pue, region.carbon_g_per_kwh, price),
        (1.15, 323.05, 12.29)
    );

    let chips = 1_000u32;
    let it_w = f64::from(chips) * (h100.tdp_w + h100.host_w_per_chip);
    let start = SimTime::ZERO;
    let end = hours(24);
    let mut energy = EnergyMeter::new(start);
    let mut carbon = CarbonMeter::new(start, CarbonProfile::constant(region.carbon_g_per_kwh));
    let mut cost = CostMeter::new(start, price);
    energy.set_power(start, it_w, region.pue);
    carbon.set_power(start, energy.facility_w());
    cost.set_chips(start, chips);
    // Stop at 24 h; queried later, nothing more accrues.
    energy.set_power(end, 0.0, region.pue);
    carbon.set_power(end, 0.0);
    cost.set_chips(end, 0);
    let later = hours(48);

    let (it_mwh, fac_mwh, co2_t, usd) = (30.6, 35.19, 11.368_129_5, 294_960.0);
    assert!(close(energy.energy_it_mwh(later), it_mwh, 1e-3));
    assert!(close(energy.energy_facility_mwh(later), fac_mwh, 1e-3));
    assert!(close(carbon.co2_t(later), co2_t, 1e-3));
    assert!(close(cost.cost_usd(later), usd, 1e-3));
    assert!(close(cost.accel_hours(later), 24_000.0, 1e-3));
    // And far tighter than the 0.1 % the validation asks for.
    assert!(close(energy.energy_facility_mwh(later), fac_mwh, 1e-12));
    assert!(close(carbon.co2_t(later), co2_t, 1e-12));
    assert!(close(cost.cost_usd(later), usd, 1e-12));
}

fn year() -> SimDuration {
    SimDuration::from_hours(8760)
}

fn spend(cloud: &str, total_usd: f64, start: SimTime, period: SimDuration) -> CommitmentSpec {
    CommitmentSpec {
        cloud: cloud.into(),
        kind: CommitmentKind::Spend {
            total_usd,
            start,
            period,
        },
    }
}

fn burn_close(got: BurnDown, want: [f64; 4]) {
    let got_a = [
        got.committed_usd,
        got.used_usd,
        got.unused_usd,
        got.on_demand_above_usd,
    ];
    for (g, w) in got_a.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-9 * want[0].abs().max(1.0),
            "{got:?} vs {want:?}"
        );
    }
}

/// $38 B over 7 years, one year simulated: 38/7 = 5.428 571 428 6 B committed so far.
/// * $5 B spent in year 1: used 5 B, unused 0.428 571 428 6 B, on demand 0.
/// * $6 B spent in year 1: used 5.428 571 428 6 B, unused 0, on demand 0.571 428 571 4 B.
#[test]
fn thirty_eight_billion_over_seven_years_burn_down() {
    let catalog = Catalog::builtin();
    let aws = catalog.cloud_id("aws").unwrap();
    let specs = [spend("aws", 38e9, SimTime::ZERO, year() * 7)];
    let horizon = SimTime::ZERO + year();

    let mut ledger = CommitmentLedger::build(&specs, &catalog).unwrap();
    for month in 0..10 {
        ledger.add_spend(
            SimTime::ZERO + SimDuration::from_hours(730 * month),
            aws,
            0.5e9,
        );
    }
    let r = &ledger.report(horizon)[0];
    assert_eq!((r.cloud.as_str(), r.cloud_id), ("aws", aws));
    assert_eq!(
        (r.start, r.end, r.contract_usd),
        (SimTime::ZERO, SimTime::ZERO + year() * 7, 38e9)
    );
    assert!(close(r.spend_usd, 5e9, 1e-15));
    burn_close(r.burn, [5.428_571_428_6e9, 5e9, 0.428_571_428_6e9, 0.0]);

    // The same $6 B as a continuous rate over the year: cumulative comparison at the
    // horizon, so the early excess is not on demand unless the year's total exceeds it.
    let mut ledger = CommitmentLedger::build(&specs, &catalog).unwrap();
    ledger.set_rate(SimTime::ZERO, aws, 6e9 / 8760.0);
    assert!(close(ledger.rate(aws), 6e9 / 8760.0, 1e-15));
    let r = &ledger.report(horizon)[0];
    burn_close(
        r.burn,
        [5.428_571_428_6e9, 5.428_571_428_6e9, 0.0, 0.571_428_571_4e9],
    );
    assert!(close(ledger.spend_usd(aws, horizon), 6e9, 1e-12));

    // Over the full 7 years at $5 B a year: 38 committed, 35 used, 3 unused.
    let r = &ledger_with_rate(&specs, &catalog, aws, 5e9 / 8760.0)
        .report(SimTime::ZERO + year() * 7)[0];
    burn_close(r.burn, [38e9, 35e9, 3e9, 0.0]);
}

fn ledger_with_rate(
    specs: &[CommitmentSpec],
    catalog: &Catalog,
    cloud: CloudId,
    usd_h: f64,
) -> CommitmentLedger {
    let mut l = CommitmentLedger::build(specs, catalog).unwrap();
    l.set_rate(SimTime::ZERO, cloud, usd_h);
    l
}

/// Window [10 h, 20 h) worth $2,000; spend $100/h from 15 h to 25 h plus a $50 lump at
/// 5 h and a $70 lump at 19 h; horizon 30 h (the whole window simulated).
/// In window: 5 h x 100 + 70 = 570 -> used 570, unused 1,430. Outside: 5 h x 100 + 50 =
/// 550 on demand. A cloud with no commitment is not reported.
#[test]
fn spend_outside_the_window_or_above_it_is_on_demand() {
    let catalog = Catalog::builtin();
    let gcp = catalog.cloud_id("gcp").unwrap();
    let aws = catalog.cloud_id("aws").unwrap();
    let specs = [spend(
        "gcp",
        2_000.0,
        hours(10),
        SimDuration::from_hours(10),
    )];
    let mut l = CommitmentLedger::build(&specs, &catalog).unwrap();
    l.add_spend(hours(5), gcp, 50.0);
    l.set_rate(hours(15), gcp, 100.0);
    l.add_spend(hours(19), gcp, 70.0);
    l.set_rate(hours(25), gcp, 0.0);
    l.add_spend(hours(26), aws, 1e6);
    let reports = l.report(hours(30));
    assert_eq!(reports.len(), 1);
    burn_close(reports[0].burn, [2_000.0, 570.0, 1_430.0, 550.0]);
    assert!(close(reports[0].spend_usd, 1_120.0, 1e-15));
    assert_eq!(l.spend_usd(aws, hours(30)), 1e6);

    // Horizon inside the window (at 18 h): committed 2,000 x 8/10 = 1,600; in window
    // 3 h x 100 = 300; outside 50.
    let mut l = CommitmentLedger::build(&specs, &catalog).unwrap();
    l.add_spend(hours(5), gcp, 50.0);
    l.set_rate(hours(15), gcp, 100.0);
    burn_close(l.report(hours(18))[0].burn, [1_600.0, 300.0, 1_300.0, 50.0]);

    // A window starting after the horizon commits nothing yet.
    burn_close(
        BurnDown::compute(1e9, hours(100), year(), hours(50), 0.0, 42.0),
        [0.0, 0.0, 0.0, 42.0],
    );
}

/// 100 H100 on aws for 24 h at the catalog price: 100 x 24 x 12.29 = $29,496 committed;
/// a given price overrides it.
#[test]
fn capacity_commitment_is_valued_at_its_price() {
    let catalog = Catalog::builtin();
    let aws = catalog.cloud_id("aws").unwrap();
    let cap = |price| CommitmentSpec {
        cloud: "aws".into(),
        kind: CommitmentKind::Capacity {
            accelerator: "h100".into(),
            count: 100,
            usd_per_chip_hour: price,
            start: SimTime::ZERO,
            period: SimDuration::from_hours(24),
        },
    };
    let mut l = CommitmentLedger::build(&[cap(None)], &catalog).unwrap();
    let mut meter = CostMeter::new(SimTime::ZERO, 12.29);
    meter.set_chips(SimTime::ZERO, 120);
    l.set_rate(SimTime::ZERO, aws, meter.usd_per_hour());
    let r = &l.report(hours(24))[0];
    assert!(close(r.contract_usd, 29_496.0, 1e-12));
    // 120 chips x 24 h x 12.29 = 35,395.2: 29,496 used, 5,899.2 on demand.
    burn_close(r.burn, [29_496.0, 29_496.0, 0.0, 5_899.2]);

    let l = CommitmentLedger::build(&[cap(Some(2.0))], &catalog).unwrap();
    burn_close(l.report(hours(12))[0].burn, [2_400.0, 0.0, 2_400.0, 0.0]);
}

#[test]
fn commitment_errors_name_the_key_and_the_fix() {
    let catalog = Catalog::builtin();
    let specs = [
        spend("asw", 1.0, SimTime::ZERO, year()),
        spend("aws", 1.0, SimTime::ZERO, year()),
        spend("aws", f64::NAN, SimTime::ZERO, SimDuration::ZERO),
        CommitmentSpec {
            cloud: "gcp".into(),
            kind: CommitmentKind::Capacity {
                accelerator: "h10".into(),
                count: 0,
                usd_per_chip_hour: Some(-1.0),
                start: SimTime::ZERO,
                period: year(),
            },
        },
        CommitmentSpec {
            cloud: "azure".into(),
            kind: CommitmentKind::Capacity {
                accelerator: "nonexistent-chip".into(),
                count: 1,
                usd_per_chip_hour: None,
                start: SimTime::MAX,
                period: year(),
            },
        },
    ];
    let errs = CommitmentLedger::build(&specs, &catalog).unwrap_err();
    let paths: Vec<String> = errs.iter().map(|e| e.dotted_path()).collect();
    assert_eq!(
        paths,
        [
            "commitments.0.cloud",
            "commitments.2.cloud",
            "commitments.2.period",
            "commitments.2.total_usd",
            "commitments.3.accelerator",
            "commitments.3.count",
            "commitments.3.usd_per_chip_hour",
            "commitments.4.period",
            "commitments.4.accelerator",
            "commitments.4.usd_per_chip_hour",
        ],
        "{errs:#?}"
    );
    assert_eq!(errs[0].suggestion.as_deref(), Some("aws"));
    assert!(errs[1].message.contains("commitments.1"), "{}", errs[1]);
    assert_eq!(errs[4].suggestion.as_deref(), Some("h100"));
}

#[test]
fn egress_totals_by_cloud() {
    let catalog = Catalog::builtin();
    let aws = catalog.cloud_id("aws").unwrap();
    let gcp = catalog.cloud_id("gcp").unwrap();
    let mut e = EgressLedger::new(catalog.clouds().len());
    e.add(hours(1), aws, gcp, 10_000_000_000, 0.9);
    e.add(hours(2), aws, aws, 5_000_000_000, 0.1);
    e.add(hours(2), gcp, aws, 1_000_000_000, 0.12);
    let a = e.cloud(aws);
    assert_eq!(
        (a.sent_bytes, a.received_bytes),
        (15_000_000_000, 6_000_000_000)
    );
    assert!(close(a.usd, 1.0, 1e-15));
    assert_eq!(e.cloud(gcp).received_bytes, 10_000_000_000);
    assert!(close(e.total_usd(), 1.12, 1e-15));
    assert_eq!(e.total_bytes(), 16_000_000_000);
    assert_eq!(e.clouds().len(), catalog.clouds().len());
}
