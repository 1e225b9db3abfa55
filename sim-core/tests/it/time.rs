//! Simulated time through the public API: parsing scenario values, arithmetic, printing.

use sim_core::time::{SimDuration, SimTime, TimeError};

#[test]
fn scenario_values_parse_to_exact_nanoseconds() {
    let horizon: SimDuration = "54d".parse().unwrap();
    let checkpoint: SimDuration = "1.5h".parse().unwrap();
    let rpc: SimDuration = "250ms".parse().unwrap();
    assert_eq!(horizon, SimDuration::DAY * 54);
    assert_eq!(checkpoint.as_nanos(), 5_400_000_000_000);
    assert_eq!(rpc, SimDuration::from_millis(250));
    assert_eq!("1h30m".parse::<SimDuration>(), Ok(checkpoint));
}

#[test]
fn times_advance_and_subtract() {
    let start: SimTime = "6h".parse().unwrap();
    let step = SimDuration::from_mins(15);
    let mut now = start;
    for _ in 0..4 {
        now += step;
    }
    assert_eq!(now - start, SimDuration::HOUR);
    assert_eq!(now, SimTime::ZERO + SimDuration::from_hours(7));
    assert_eq!(now.to_string(), "7h");
    assert_eq!(start.saturating_duration_since(now), SimDuration::ZERO);
    assert_eq!(start.checked_duration_since(now), None);
    assert_eq!(SimTime::MAX.checked_add(step), None);
}

#[test]
fn printed_durations_read_back_identically() {
    let values = [
        SimDuration::ZERO,
        SimDuration::NANOSECOND,
        SimDuration::from_secs(90),
        SimDuration::from_days(54),
        SimDuration::WEEK * 3 + SimDuration::NANOSECOND,
        SimDuration::MAX,
    ];
    for v in values {
        assert_eq!(v.to_string().parse::<SimDuration>(), Ok(v), "{v}");
    }
    let total: SimDuration = values[..4].iter().sum();
    assert_eq!(total.to_string().parse::<SimDuration>(), Ok(total));
}

#[test]
fn bad_input_errors_quote_it_and_say_what_to_write() {
    let e = "6 hours".parse::<SimDuration>().unwrap_err();
    assert!(matches!(e, TimeError::Invalid { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("\"6 hours\"") && msg.contains("\"90s\""),
        "{msg}"
    );
    assert!(
        "-5m"
            .parse::<SimTime>()
            .unwrap_err()
            .to_string()
            .contains("cannot be negative")
    );
    assert!(matches!(
        "99999999999999999999d".parse::<SimDuration>(),
        Err(TimeError::Overflow { .. })
    ));
}

#[test]
fn floats_convert_at_the_edges_only() {
    assert_eq!(
        SimDuration::from_hours_f64(1.5),
        Ok(SimDuration::from_mins(90))
    );
    assert_eq!(
        SimDuration::from_secs_f64(0.25),
        Ok(SimDuration::from_millis(250))
    );
    assert!(SimDuration::from_secs_f64(f64::NAN).is_err());
    assert_eq!(
        SimDuration::HOUR.mul_f64(0.5),
        Ok(SimDuration::from_mins(30))
    );
    assert!((SimDuration::from_mins(90).as_hours_f64() - 1.5).abs() < 1e-12);
    assert!((SimTime::from_nanos(2_500_000_000).as_secs_f64() - 2.5).abs() < 1e-12);
}
