//! Unit tests of the parent module.

use super::*;
use approx::assert_relative_eq;
use proptest::prelude::*;

fn d(s: &str) -> SimDuration {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

fn err(s: &str) -> TimeError {
    match s.parse::<SimDuration>() {
        Ok(v) => panic!("{s:?} should not parse, got {v:?}"),
        Err(e) => e,
    }
}

const YEAR: SimDuration = SimDuration::from_nanos(365 * NANOS_PER_DAY + 6 * NANOS_PER_HOUR);

#[test]
fn unit_constants() {
    assert_eq!(SimDuration::MICROSECOND.as_nanos(), 1_000);
    assert_eq!(SimDuration::MILLISECOND.as_nanos(), 1_000_000);
    assert_eq!(SimDuration::SECOND.as_nanos(), 1_000_000_000);
    assert_eq!(SimDuration::MINUTE, SimDuration::from_secs(60));
    assert_eq!(SimDuration::HOUR, SimDuration::from_mins(60));
    assert_eq!(SimDuration::DAY, SimDuration::from_hours(24));
    assert_eq!(SimDuration::WEEK, SimDuration::from_days(7));
    assert_eq!(SimDuration::from_weeks(2), SimDuration::from_days(14));
    assert_eq!(SimDuration::from_micros(3), SimDuration::from_nanos(3_000));
    assert_eq!(SimDuration::from_millis(3), SimDuration::from_micros(3_000));
    assert_eq!(SimDuration::NANOSECOND, SimDuration::from_nanos(1));
    assert_eq!(SimDuration::default(), SimDuration::ZERO);
    assert_eq!(SimTime::default(), SimTime::ZERO);
}

#[test]
fn a_year_fits_with_room_to_spare() {
    // u64 ns holds about 584 years: plenty for any study, but not 1000 years.
    assert!(YEAR.checked_mul(500).is_some_and(|t| t < SimDuration::MAX));
    assert!(YEAR.checked_mul(584).is_some());
    assert_eq!(YEAR.checked_mul(585), None);
    assert_eq!(YEAR.checked_mul(1000), None);
    assert!(SimTime::ZERO.checked_add(YEAR * 100).is_some());
}

#[test]
fn parses_documented_forms() {
    let cases = [
        ("90s", SimDuration::from_secs(90)),
        ("15m", SimDuration::from_mins(15)),
        ("6h", SimDuration::from_hours(6)),
        ("54d", SimDuration::from_days(54)),
        ("1.5h", SimDuration::from_nanos(5_400_000_000_000)),
        ("250ms", SimDuration::from_millis(250)),
        ("2w", SimDuration::from_days(14)),
        ("1h30m", SimDuration::from_mins(90)),
        ("1h30m15s", SimDuration::from_secs(5415)),
        ("0s", SimDuration::ZERO),
        ("0.0ns", SimDuration::ZERO),
        ("  90s\t\n", SimDuration::from_secs(90)),
        ("5min", SimDuration::from_mins(5)),
        ("3us", SimDuration::from_micros(3)),
        ("3µs", SimDuration::from_micros(3)),
        ("3μs", SimDuration::from_micros(3)),
        ("7ns", SimDuration::from_nanos(7)),
        ("007s", SimDuration::from_secs(7)),
        ("1.000000001s", SimDuration::from_nanos(1_000_000_001)),
        (
            "1.5000000000000000000000000000000000000000000s",
            SimDuration::from_millis(1500),
        ),
        ("0.1m", SimDuration::from_secs(6)),
        ("0.25d", SimDuration::from_hours(6)),
        ("1.5w", SimDuration::from_hours(252)),
        ("30m1h", SimDuration::from_mins(90)),
        ("18446744073709551615ns", SimDuration::MAX),
        ("18446744073.709551615s", SimDuration::MAX),
    ];
    for (text, want) in cases {
        assert_eq!(d(text), want, "{text:?}");
    }
}

#[test]
fn bad_durations_are_errors_that_explain_themselves() {
    let bad = [
        "6 hours",
        "-5m",
        "1e99d",
        "",
        "   ",
        "5",
        "h",
        "1.h",
        "99999999999999999999d",
        "5x",
        ".5h",
        "+5m",
        "1h 30m",
        "1..5h",
        "1.5.5h",
        "1h-30m",
        "0.5ns",
        "1.0000000001s",
        "18446744073709551616ns",
        "5s%",
        "6hours",
        "1_000s",
        "1e-3s",
        "h5",
        "5 ",
        "1.",
    ];
    for text in bad {
        let e = err(text);
        let msg = e.to_string();
        if !matches!(e, TimeError::Empty) {
            assert!(
                msg.contains(&format!("\"{text}\"")),
                "{msg} should quote {text:?}"
            );
        }
    }
}

#[test]
fn error_messages_name_the_problem() {
    assert_eq!(
        err("6 hours").to_string(),
        "invalid duration \"6 hours\": expected a number followed by a unit \
         (ns, us, ms, s, m, h, d, w) with no space, e.g. \"90s\", \"15m\", \"1.5h\""
    );
    assert_eq!(
        err("-5m"),
        TimeError::Negative {
            input: "-5m".into()
        }
    );
    assert!(err("-5m").to_string().contains("cannot be negative"));
    assert!(err("1e99d").to_string().contains("exponent"));
    assert!(err("1e-3s").to_string().contains("exponent"));
    assert_eq!(err(""), TimeError::Empty);
    assert_eq!(err(" \t"), TimeError::Empty);
    assert!(
        err("")
            .to_string()
            .contains("expected a number followed by a unit")
    );
    assert!(err("5").to_string().contains("missing unit after \"5\""));
    assert!(err("h").to_string().contains("missing number before \"h\""));
    assert!(err("1.h").to_string().contains("followed by a digit"));
    assert!(err(".5h").to_string().contains("digit before"));
    assert!(err("1h 30m").to_string().contains("spaces are not allowed"));
    assert!(err("1.5.5h").to_string().contains("only one decimal point"));
    assert_eq!(
        err("99999999999999999999d"),
        TimeError::Overflow {
            input: "99999999999999999999d".into()
        }
    );
    assert!(matches!(err(&"9".repeat(100)), TimeError::Invalid { .. }));
    assert!(matches!(
        err(&format!("{}s", "9".repeat(100))),
        TimeError::Overflow { .. }
    ));
    assert_eq!(
        err("5x"),
        TimeError::UnknownUnit {
            input: "5x".into(),
            unit: "x".into()
        }
    );
    assert_eq!(
        err("6hours"),
        TimeError::UnknownUnit {
            input: "6hours".into(),
            unit: "hours".into()
        }
    );
    assert!(err("5x").to_string().contains("unknown unit \"x\""));
    assert_eq!(
        err("0.5ns"),
        TimeError::SubNanosecond {
            input: "0.5ns".into()
        }
    );
    assert!(
        err("0.5ns")
            .to_string()
            .contains("sub-nanosecond precision")
    );
    assert!(matches!(
        err(&format!("1.{}1s", "0".repeat(60))),
        TimeError::SubNanosecond { .. }
    ));
}

#[test]
fn displays_the_human_form() {
    let cases = [
        (SimDuration::ZERO, "0s"),
        (SimDuration::from_secs(90), "1.5m"),
        (SimDuration::from_secs(45), "45s"),
        (SimDuration::from_mins(15), "15m"),
        (SimDuration::from_hours(6), "6h"),
        (SimDuration::from_days(54), "54d"),
        (SimDuration::from_mins(90), "1.5h"),
        (SimDuration::from_millis(250), "250ms"),
        (SimDuration::from_millis(1500), "1.5s"),
        (SimDuration::from_millis(1250), "1250ms"),
        (SimDuration::from_secs(3601), "3601s"),
        (SimDuration::from_hours(36), "1.5d"),
        (SimDuration::from_days(14), "2w"),
        (SimDuration::from_micros(7), "7us"),
        (SimDuration::NANOSECOND, "1ns"),
        (
            SimDuration::HOUR + SimDuration::NANOSECOND,
            "3600000000001ns",
        ),
        (SimDuration::MAX, "18446744073709551615ns"),
    ];
    for (value, text) in cases {
        assert_eq!(value.to_string(), text);
        assert_eq!(d(text), value);
    }
    assert_eq!(format!("{:>6}|", SimDuration::from_mins(15)), "   15m|");
    assert_eq!(format!("{:<6}|", SimTime::from_nanos(0)), "0s    |");
    assert_eq!(
        SimTime::ZERO + SimDuration::from_days(54),
        "54d".parse().unwrap()
    );
    assert_eq!(SimTime::from_nanos(5_400_000_000_000).to_string(), "1.5h");
}

#[test]
fn checked_arithmetic_returns_none_at_the_edges() {
    let one = SimDuration::NANOSECOND;
    assert_eq!(SimDuration::MAX.checked_add(one), None);
    assert_eq!(SimDuration::ZERO.checked_sub(one), None);
    assert_eq!(SimDuration::MAX.checked_mul(2), None);
    assert_eq!(SimDuration::MAX.checked_mul(1), Some(SimDuration::MAX));
    assert_eq!(SimDuration::SECOND.checked_mul(0), Some(SimDuration::ZERO));
    assert_eq!(SimDuration::MAX.saturating_add(one), SimDuration::MAX);
    assert_eq!(SimDuration::ZERO.saturating_sub(one), SimDuration::ZERO);
    assert_eq!(SimDuration::MAX.saturating_mul(3), SimDuration::MAX);
    assert_eq!(SimTime::MAX.checked_add(one), None);
    assert_eq!(SimTime::MAX.saturating_add(one), SimTime::MAX);
    assert_eq!(SimTime::ZERO.checked_sub(one), None);
    assert_eq!(
        SimTime::ZERO.checked_duration_since(SimTime::from_nanos(1)),
        None
    );
    assert_eq!(
        SimTime::ZERO.saturating_duration_since(SimTime::MAX),
        SimDuration::ZERO
    );
    assert_eq!(SimDuration::checked_from_secs(u64::MAX), None);
    assert_eq!(SimDuration::checked_from_micros(u64::MAX / 1_000 + 1), None);
    assert_eq!(SimDuration::checked_from_millis(u64::MAX), None);
    assert_eq!(SimDuration::checked_from_mins(u64::MAX), None);
    assert_eq!(SimDuration::checked_from_hours(u64::MAX), None);
    assert_eq!(SimDuration::checked_from_days(1_000_000), None);
    assert_eq!(SimDuration::checked_from_weeks(100_000), None);
    assert_eq!(
        SimDuration::checked_from_days(213_503),
        Some(SimDuration::from_days(213_503))
    );
}

#[test]
fn operators_agree_with_checked_methods() {
    let mut t = SimTime::from_nanos(10);
    t += SimDuration::from_nanos(5);
    assert_eq!(t, SimTime::from_nanos(15));
    t -= SimDuration::from_nanos(15);
    assert_eq!(t, SimTime::ZERO);
    assert_eq!(
        SimTime::from_nanos(9) - SimTime::from_nanos(4),
        SimDuration::from_nanos(5)
    );
    assert_eq!(
        SimTime::from_nanos(9) - SimDuration::from_nanos(4),
        SimTime::from_nanos(5)
    );
    let mut dur = SimDuration::SECOND;
    dur += SimDuration::SECOND;
    dur -= SimDuration::MILLISECOND;
    assert_eq!(dur, SimDuration::from_millis(1999));
    assert_eq!(SimDuration::MINUTE * 60, SimDuration::HOUR);
    assert_eq!(24 * SimDuration::HOUR, SimDuration::DAY);
    assert_eq!(
        SimTime::from_nanos(7).since_start(),
        SimDuration::from_nanos(7)
    );
    assert!(SimTime::from_nanos(1) < SimTime::from_nanos(2));
    assert!(SimDuration::ZERO.is_zero() && !SimDuration::NANOSECOND.is_zero());
}

#[test]
fn sums_durations() {
    let parts = [SimDuration::HOUR, SimDuration::from_mins(30)];
    assert_eq!(parts.iter().sum::<SimDuration>(), d("1.5h"));
    assert_eq!(parts.into_iter().sum::<SimDuration>(), d("90m"));
    assert_eq!(
        std::iter::empty::<SimDuration>().sum::<SimDuration>(),
        SimDuration::ZERO
    );
}

#[test]
#[should_panic(expected = "SimDuration + SimDuration overflowed")]
fn add_panics_on_overflow() {
    let _ = SimDuration::MAX + SimDuration::NANOSECOND;
}

#[test]
#[should_panic(expected = "would be negative")]
fn sub_panics_on_underflow() {
    let _ = SimDuration::ZERO - SimDuration::NANOSECOND;
}

#[test]
#[should_panic(expected = "SimDuration * u64 overflowed")]
fn mul_panics_on_overflow() {
    let _ = SimDuration::MAX * 2;
}

#[test]
#[should_panic(expected = "SimTime + SimDuration overflowed")]
fn time_add_panics_on_overflow() {
    let _ = SimTime::MAX + SimDuration::NANOSECOND;
}

#[test]
#[should_panic(expected = "right-hand time is later")]
fn time_sub_panics_when_reversed() {
    let _ = SimTime::ZERO - SimTime::from_nanos(1);
}

#[test]
#[should_panic(expected = "overflows u64 nanoseconds")]
fn from_secs_panics_on_overflow() {
    let _ = SimDuration::from_secs(u64::MAX);
}

#[test]
#[should_panic(expected = "overflowed")]
fn sum_panics_on_overflow() {
    let _: SimDuration = [SimDuration::MAX, SimDuration::NANOSECOND].iter().sum();
}

#[test]
fn from_secs_f64_edge_cases() {
    let f = SimDuration::from_secs_f64;
    assert_eq!(f(0.0), Ok(SimDuration::ZERO));
    assert_eq!(f(-0.0), Ok(SimDuration::ZERO));
    assert_eq!(f(1.5), Ok(SimDuration::from_millis(1500)));
    assert_eq!(f(1e-9), Ok(SimDuration::NANOSECOND));
    assert_eq!(f(0.4e-9), Ok(SimDuration::ZERO));
    assert_eq!(f(0.6e-9), Ok(SimDuration::NANOSECOND));
    assert_eq!(f(0.1), Ok(SimDuration::from_millis(100)));
    assert_eq!(f(f64::MIN_POSITIVE), Ok(SimDuration::ZERO));
    assert_eq!(f(f64::from_bits(1)), Ok(SimDuration::ZERO)); // smallest subnormal
    assert_eq!(
        f(18_446_744_073.0),
        Ok(SimDuration::from_secs(18_446_744_073))
    );
    // The nearest f64 to u64::MAX ns is 18446744073.709553 s, just past MAX.
    assert!(matches!(
        f(18_446_744_073.709_553),
        Err(TimeError::Overflow { .. })
    ));
    assert!(matches!(f(1e20), Err(TimeError::Overflow { .. })));
    assert!(matches!(f(f64::MAX), Err(TimeError::Overflow { .. })));
    assert!(matches!(f(f64::NAN), Err(TimeError::NotFinite { .. })));
    assert!(matches!(f(f64::INFINITY), Err(TimeError::NotFinite { .. })));
    assert!(matches!(
        f(f64::NEG_INFINITY),
        Err(TimeError::NotFinite { .. })
    ));
    assert_eq!(
        f(-1.0),
        Err(TimeError::Negative {
            input: "-1 seconds".into()
        })
    );
    assert!(matches!(f(-1e-300), Err(TimeError::Negative { .. })));
    assert!(
        f(f64::NAN)
            .unwrap_err()
            .to_string()
            .contains("\"NaN seconds\"")
    );
}

#[test]
fn from_hours_f64_is_exact() {
    assert_eq!(SimDuration::from_hours_f64(1.5), Ok(d("1.5h")));
    // 0.1 is slightly above 1/10 as an f64; the exact product still rounds to 6 minutes.
    assert_eq!(
        SimDuration::from_hours_f64(0.1),
        Ok(SimDuration::from_mins(6))
    );
    assert_eq!(
        SimDuration::from_hours_f64(24.0 * 365.0),
        Ok(SimDuration::from_days(365))
    );
    assert!(matches!(
        SimDuration::from_hours_f64(1e7),
        Err(TimeError::Overflow { .. })
    ));
    assert!(matches!(
        SimDuration::from_hours_f64(-2.0),
        Err(TimeError::Negative { .. })
    ));
    assert!(matches!(
        SimDuration::from_hours_f64(f64::NAN),
        Err(TimeError::NotFinite { .. })
    ));
}

#[test]
fn mul_f64_rounds_and_checks() {
    assert_eq!(SimDuration::HOUR.mul_f64(1.5), Ok(d("90m")));
    assert_eq!(
        SimDuration::NANOSECOND.mul_f64(0.5),
        Ok(SimDuration::NANOSECOND)
    );
    assert_eq!(SimDuration::NANOSECOND.mul_f64(0.49), Ok(SimDuration::ZERO));
    assert_eq!(
        SimDuration::from_nanos(3).mul_f64(0.5),
        Ok(SimDuration::from_nanos(2))
    );
    assert_eq!(SimDuration::MAX.mul_f64(1.0), Ok(SimDuration::MAX));
    assert_eq!(SimDuration::MAX.mul_f64(0.0), Ok(SimDuration::ZERO));
    assert_eq!(SimDuration::SECOND.mul_f64(-0.0), Ok(SimDuration::ZERO));
    assert!(matches!(
        SimDuration::MAX.mul_f64(1.5),
        Err(TimeError::Overflow { .. })
    ));
    assert!(matches!(
        SimDuration::SECOND.mul_f64(-1.0),
        Err(TimeError::Negative { .. })
    ));
    assert!(matches!(
        SimDuration::SECOND.mul_f64(f64::NAN),
        Err(TimeError::NotFinite { .. })
    ));
    assert_eq!(
        SimDuration::SECOND.mul_f64(-1.0).unwrap_err().to_string(),
        "invalid duration \"1s * -1\": durations cannot be negative"
    );
}

#[test]
fn float_views() {
    assert_relative_eq!(d("1.5h").as_hours_f64(), 1.5);
    assert_relative_eq!(d("1.5h").as_secs_f64(), 5400.0);
    assert_relative_eq!(d("250ms").as_secs_f64(), 0.25);
    assert_relative_eq!(SimTime::from_nanos(1_500_000_000).as_secs_f64(), 1.5);
    assert_relative_eq!(SimDuration::MAX.as_secs_f64(), 18_446_744_073.709_553);
}

/// Strings built from the grammar's alphabet, to hit the parser's branches often.
fn duration_like() -> impl Strategy<Value = String> {
    "[ 0-9.+\\-eµμnumsihdwx]{0,24}"
}

/// A unit spelling the parser accepts and its length in ns.
fn unit() -> impl Strategy<Value = (&'static str, u64)> {
    prop::sample::select(vec![
        ("ns", 1),
        ("us", NANOS_PER_MICRO),
        ("µs", NANOS_PER_MICRO),
        ("ms", NANOS_PER_MILLI),
        ("s", NANOS_PER_SEC),
        ("m", NANOS_PER_MIN),
        ("min", NANOS_PER_MIN),
        ("h", NANOS_PER_HOUR),
        ("d", NANOS_PER_DAY),
        ("w", NANOS_PER_WEEK),
    ])
}

proptest! {
    #[test]
    fn display_round_trips_every_value(ns in any::<u64>()) {
        let x = SimDuration::from_nanos(ns);
        prop_assert_eq!(x.to_string().parse::<SimDuration>(), Ok(x));
        let t = SimTime::from_nanos(ns);
        prop_assert_eq!(t.to_string().parse::<SimTime>(), Ok(t));
    }

    #[test]
    fn display_round_trips_round_values(n in 0u64..10_000, (_, u) in unit(), tenth in 0u64..10) {
        let x = SimDuration::from_nanos(n * u + tenth * u / 10);
        prop_assert_eq!(x.to_string().parse::<SimDuration>(), Ok(x));
    }

    #[test]
    fn parses_number_unit_exactly(n in 0u64..10_000, tenth in 0u64..10, (name, u) in unit()) {
        prop_assert_eq!(d(&format!("{n}{name}")), SimDuration::from_nanos(n * u));
        let parsed = format!("{n}.{tenth}{name}").parse::<SimDuration>();
        if (tenth * u).is_multiple_of(10) {
            prop_assert_eq!(parsed, Ok(SimDuration::from_nanos(n * u + tenth * u / 10)));
        } else {
            prop_assert!(
                matches!(parsed, Err(TimeError::SubNanosecond { .. })),
                "{parsed:?}"
            );
        }
    }

    #[test]
    fn compound_terms_add_up(a in 0u64..10_000, (na, ua) in unit(), b in 0u64..10_000, (nb, ub) in unit()) {
        prop_assert_eq!(d(&format!("{a}{na}{b}{nb}")), SimDuration::from_nanos(a * ua + b * ub));
    }

    #[test]
    fn parsing_never_panics(s in any::<String>()) {
        let _ = s.parse::<SimDuration>();
        let _ = s.parse::<SimTime>();
    }

    #[test]
    fn parsing_near_misses_never_panics(s in duration_like()) {
        if let Ok(x) = s.parse::<SimDuration>() {
            prop_assert_eq!(x.to_string().parse::<SimDuration>(), Ok(x));
        }
    }

    #[test]
    fn checked_ops_agree_with_wide_arithmetic(a in any::<u64>(), b in any::<u64>()) {
        let (x, y) = (SimDuration::from_nanos(a), SimDuration::from_nanos(b));
        let sum = u128::from(a) + u128::from(b);
        prop_assert_eq!(x.checked_add(y), u64::try_from(sum).ok().map(SimDuration::from_nanos));
        prop_assert_eq!(x.checked_sub(y), a.checked_sub(b).map(SimDuration::from_nanos));
        let product = u128::from(a) * u128::from(b);
        prop_assert_eq!(x.checked_mul(b), u64::try_from(product).ok().map(SimDuration::from_nanos));
        let t = SimTime::from_nanos(a);
        if let Some(later) = t.checked_add(y) {
            prop_assert_eq!(later - t, y);
            prop_assert_eq!(later - y, t);
        }
    }

    #[test]
    fn float_conversions_never_panic(x in any::<f64>(), ns in any::<u64>()) {
        let _ = SimDuration::from_secs_f64(x);
        let _ = SimDuration::from_hours_f64(x);
        let _ = SimDuration::from_nanos(ns).mul_f64(x);
    }

    #[test]
    fn whole_seconds_convert_exactly(s in 0u64..18_446_744_073) {
        prop_assert_eq!(SimDuration::from_secs_f64(s as f64), Ok(SimDuration::from_secs(s)));
    }

    #[test]
    fn from_secs_f64_is_within_half_a_nanosecond(x in 0.0f64..1e6) {
        let got = SimDuration::from_secs_f64(x).unwrap().as_nanos() as f64;
        // x * 1e9 rounds once in f64; allow that plus the half-nanosecond rounding.
        prop_assert!((got - x * 1e9).abs() <= 0.5 + x * 1e9 * f64::EPSILON);
    }
}
