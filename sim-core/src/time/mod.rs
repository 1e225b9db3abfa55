//! Simulated time: instants ([`SimTime`]) and spans ([`SimDuration`]) as integer nanoseconds.
//!
//! # Why integer nanoseconds
//!
//! The event queue orders events by time, so time must compare exactly. With an `f64` clock,
//! `a + b + c` and `a + (b + c)` can differ in the last bit, so two runs that schedule the
//! same events in a different association order can pop them in a different order, and code
//! needs an `EPSILON` to decide whether two events are "at the same time". A `u64` count of
//! nanoseconds has neither problem: addition is associative, equal means equal, and a run is
//! reproducible bit for bit on every platform. A `u64` holds about 584 years of nanoseconds,
//! which is ample for any study (a year is about 2^55 ns); overflow is an error, never a wrap.
//!
//! Floating point appears only at the edges: [`SimDuration::from_secs_f64`] and friends
//! round an `f64` to the nearest nanosecond exactly, and [`SimDuration::as_secs_f64`] reads
//! a value back for statistics.
//!
//! # Text form
//!
//! Durations parse from and print to a compact form such as `"90s"`, `"15m"`, `"1.5h"`,
//! `"1h30m"`. Parsing is exact integer arithmetic (no `f64`), so `"1.5h"` is exactly
//! 5 400 000 000 000 ns, and printing then parsing gives back the same value for every
//! duration. See [`SimDuration`]'s `FromStr` and `Display` impls for the grammar and the
//! printing rule.
//!
//! ```
//! use sim_core::time::{SimDuration, SimTime};
//!
//! let step: SimDuration = "1.5h".parse()?;
//! assert_eq!(step, SimDuration::from_mins(90));
//!
//! let t = SimTime::ZERO + step + SimDuration::from_secs(30);
//! assert_eq!(t - SimTime::ZERO, "1h30m30s".parse()?);
//! assert_eq!(t.to_string(), "90.5m");
//! assert_eq!(step.to_string(), "1.5h");
//! # Ok::<(), sim_core::time::TimeError>(())
//! ```

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Sub, SubAssign};
use std::str::FromStr;

use thiserror::Error;

const NANOS_PER_MICRO: u64 = 1_000;
const NANOS_PER_MILLI: u64 = 1_000_000;
const NANOS_PER_SEC: u64 = 1_000_000_000;
const NANOS_PER_MIN: u64 = 60 * NANOS_PER_SEC;
const NANOS_PER_HOUR: u64 = 60 * NANOS_PER_MIN;
const NANOS_PER_DAY: u64 = 24 * NANOS_PER_HOUR;
const NANOS_PER_WEEK: u64 = 7 * NANOS_PER_DAY;

/// What every parse error message says a duration should look like.
const EXPECTED: &str = "expected a number followed by a unit (ns, us, ms, s, m, h, d, w) \
                        with no space, e.g. \"90s\", \"15m\", \"1.5h\"";

/// Units tried by `Display`, largest first; `ns` always succeeds, so printing terminates.
const DISPLAY_UNITS: [(u64, &str); 8] = [
    (NANOS_PER_WEEK, "w"),
    (NANOS_PER_DAY, "d"),
    (NANOS_PER_HOUR, "h"),
    (NANOS_PER_MIN, "m"),
    (NANOS_PER_SEC, "s"),
    (NANOS_PER_MILLI, "ms"),
    (NANOS_PER_MICRO, "us"),
    (1, "ns"),
];

/// A duration or time value that could not be built from text or from a float.
///
/// These come from build-time APIs (reading a scenario, converting a parameter); nothing has
/// been scheduled yet, so the run is unaffected: fix the input and try again.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The text was empty or only whitespace. Fix the input; nothing was parsed.
    #[error("empty duration: {EXPECTED}")]
    Empty,
    /// The text does not follow the duration grammar; `reason` says what was wrong.
    /// Fix the input; nothing was parsed.
    #[error("invalid duration \"{input}\": {reason}")]
    Invalid {
        /// The text as given.
        input: String,
        /// What was wrong and what was expected instead.
        reason: String,
    },
    /// A number was followed by something that is not a known unit. Fix the unit.
    #[error(
        "invalid duration \"{input}\": unknown unit \"{unit}\"; expected one of \
         ns, us (or µs), ms, s, m (or min), h, d, w, written right after the number"
    )]
    UnknownUnit {
        /// The text as given.
        input: String,
        /// The unrecognised unit.
        unit: String,
    },
    /// The value was negative. Durations and times are never negative; fix the input.
    #[error("invalid duration \"{input}\": durations cannot be negative")]
    Negative {
        /// The input as given (text, or the float and its unit).
        input: String,
    },
    /// A float input was NaN or infinite. Pass a finite number.
    #[error("invalid duration \"{input}\": the value must be a finite number")]
    NotFinite {
        /// The float and its unit, e.g. `"NaN seconds"`.
        input: String,
    },
    /// The value exceeds [`SimDuration::MAX`] (about 584 years). Use a smaller value.
    #[error(
        "duration \"{input}\" is too large: the maximum is 18446744073709551615ns \
         (about 584 years)"
    )]
    Overflow {
        /// The input as given (text, or the float and its unit).
        input: String,
    },
    /// The text asked for a fraction of a nanosecond, which integer time cannot hold.
    /// Round the input to whole nanoseconds.
    #[error(
        "invalid duration \"{input}\": sub-nanosecond precision is not supported; \
         the smallest step is 1ns"
    )]
    SubNanosecond {
        /// The text as given.
        input: String,
    },
}

/// An instant of simulated time: nanoseconds since the start of the simulation.
///
/// Totally ordered and exact; see the [module docs](self) for why it is an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(u64);

/// A span of simulated time in nanoseconds, never negative.
///
/// Arithmetic operators panic on overflow and underflow, like [`std::time::Duration`]; the
/// `checked_*` and `saturating_*` methods are the non-panicking paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimDuration(u64);

impl SimTime {
    /// The start of the simulation.
    pub const ZERO: SimTime = SimTime(0);
    /// The latest representable instant, about 584 years after the start.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// The instant `ns` nanoseconds after the start.
    pub const fn from_nanos(ns: u64) -> Self {
        SimTime(ns)
    }

    /// Nanoseconds since the start.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// `self + d`, or `None` if that is later than [`SimTime::MAX`].
    pub fn checked_add(self, d: SimDuration) -> Option<SimTime> {
        self.0.checked_add(d.0).map(SimTime)
    }

    /// `self - d`, or `None` if that is before the start.
    pub fn checked_sub(self, d: SimDuration) -> Option<SimTime> {
        self.0.checked_sub(d.0).map(SimTime)
    }

    /// `self + d`, clamped to [`SimTime::MAX`].
    pub fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// The time elapsed from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn checked_duration_since(self, earlier: SimTime) -> Option<SimDuration> {
        self.0.checked_sub(earlier.0).map(SimDuration)
    }

    /// The time elapsed from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// The offset of this instant from the start of the simulation.
    pub fn since_start(self) -> SimDuration {
        SimDuration(self.0)
    }

    /// Seconds since the start, as a float (for statistics and output, not for ordering).
    pub fn as_secs_f64(self) -> f64 {
        self.since_start().as_secs_f64()
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);
    /// The longest representable duration, `u64::MAX` ns (about 584 years).
    pub const MAX: SimDuration = SimDuration(u64::MAX);
    /// One nanosecond, the resolution of simulated time.
    pub const NANOSECOND: SimDuration = SimDuration(1);
    /// One microsecond.
    pub const MICROSECOND: SimDuration = SimDuration(NANOS_PER_MICRO);
    /// One millisecond.
    pub const MILLISECOND: SimDuration = SimDuration(NANOS_PER_MILLI);
    /// One second.
    pub const SECOND: SimDuration = SimDuration(NANOS_PER_SEC);
    /// One minute (60 s).
    pub const MINUTE: SimDuration = SimDuration(NANOS_PER_MIN);
    /// One hour (60 min).
    pub const HOUR: SimDuration = SimDuration(NANOS_PER_HOUR);
    /// One day (24 h; simulated time has no leap seconds or time zones).
    pub const DAY: SimDuration = SimDuration(NANOS_PER_DAY);
    /// One week (7 days).
    pub const WEEK: SimDuration = SimDuration(NANOS_PER_WEEK);

    /// `ns` nanoseconds.
    pub const fn from_nanos(ns: u64) -> Self {
        SimDuration(ns)
    }

    /// `us` microseconds. Panics if the result exceeds [`SimDuration::MAX`].
    pub const fn from_micros(us: u64) -> Self {
        expect_scaled(
            us,
            NANOS_PER_MICRO,
            "SimDuration::from_micros: duration overflows u64 nanoseconds (max about 584 years); \
             use checked_from_micros",
        )
    }

    /// `ms` milliseconds. Panics if the result exceeds [`SimDuration::MAX`].
    pub const fn from_millis(ms: u64) -> Self {
        expect_scaled(
            ms,
            NANOS_PER_MILLI,
            "SimDuration::from_millis: duration overflows u64 nanoseconds (max about 584 years); \
             use checked_from_millis",
        )
    }

    /// `secs` seconds. Panics if the result exceeds [`SimDuration::MAX`].
    pub const fn from_secs(secs: u64) -> Self {
        expect_scaled(
            secs,
            NANOS_PER_SEC,
            "SimDuration::from_secs: duration overflows u64 nanoseconds (max about 584 years); \
             use checked_from_secs",
        )
    }

    /// `mins` minutes. Panics if the result exceeds [`SimDuration::MAX`].
    pub const fn from_mins(mins: u64) -> Self {
        expect_scaled(
            mins,
            NANOS_PER_MIN,
            "SimDuration::from_mins: duration overflows u64 nanoseconds (max about 584 years); \
             use checked_from_mins",
        )
    }

    /// `hours` hours. Panics if the result exceeds [`SimDuration::MAX`].
    pub const fn from_hours(hours: u64) -> Self {
        expect_scaled(
            hours,
            NANOS_PER_HOUR,
            "SimDuration::from_hours: duration overflows u64 nanoseconds (max about 584 years); \
             use checked_from_hours",
        )
    }

    /// `days` days of 24 h. Panics if the result exceeds [`SimDuration::MAX`].
    pub const fn from_days(days: u64) -> Self {
        expect_scaled(
            days,
            NANOS_PER_DAY,
            "SimDuration::from_days: duration overflows u64 nanoseconds (max about 584 years); \
             use checked_from_days",
        )
    }

    /// `weeks` weeks of 7 days. Panics if the result exceeds [`SimDuration::MAX`].
    pub const fn from_weeks(weeks: u64) -> Self {
        expect_scaled(
            weeks,
            NANOS_PER_WEEK,
            "SimDuration::from_weeks: duration overflows u64 nanoseconds (max about 584 years); \
             use checked_from_weeks",
        )
    }

    /// `us` microseconds, or `None` on overflow.
    pub const fn checked_from_micros(us: u64) -> Option<Self> {
        checked_scaled(us, NANOS_PER_MICRO)
    }

    /// `ms` milliseconds, or `None` on overflow.
    pub const fn checked_from_millis(ms: u64) -> Option<Self> {
        checked_scaled(ms, NANOS_PER_MILLI)
    }

    /// `secs` seconds, or `None` on overflow.
    pub const fn checked_from_secs(secs: u64) -> Option<Self> {
        checked_scaled(secs, NANOS_PER_SEC)
    }

    /// `mins` minutes, or `None` on overflow.
    pub const fn checked_from_mins(mins: u64) -> Option<Self> {
        checked_scaled(mins, NANOS_PER_MIN)
    }

    /// `hours` hours, or `None` on overflow.
    pub const fn checked_from_hours(hours: u64) -> Option<Self> {
        checked_scaled(hours, NANOS_PER_HOUR)
    }

    /// `days` days, or `None` on overflow.
    pub const fn checked_from_days(days: u64) -> Option<Self> {
        checked_scaled(days, NANOS_PER_DAY)
    }

    /// `weeks` weeks, or `None` on overflow.
    pub const fn checked_from_weeks(weeks: u64) -> Option<Self> {
        checked_scaled(weeks, NANOS_PER_WEEK)
    }

    /// `secs` seconds rounded to the nearest nanosecond (ties away from zero).
    ///
    /// The rounding is exact (no intermediate `secs * 1e9` in floating point). Errors if
    /// `secs` is NaN, infinite, negative (`-0.0` is zero), or rounds to more than
    /// [`SimDuration::MAX`].
    pub fn from_secs_f64(secs: f64) -> Result<SimDuration, TimeError> {
        from_f64_units(secs, NANOS_PER_SEC, || format!("{secs} seconds"))
    }

    /// `hours` hours rounded to the nearest nanosecond; same rules as
    /// [`SimDuration::from_secs_f64`].
    pub fn from_hours_f64(hours: f64) -> Result<SimDuration, TimeError> {
        from_f64_units(hours, NANOS_PER_HOUR, || format!("{hours} hours"))
    }

    /// The length in nanoseconds.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// The length in seconds, as a float (for statistics and output, not for ordering).
    pub fn as_secs_f64(self) -> f64 {
        // Split like std's `Duration` so large values keep their fractional part.
        (self.0 / NANOS_PER_SEC) as f64 + (self.0 % NANOS_PER_SEC) as f64 / NANOS_PER_SEC as f64
    }

    /// The length in hours, as a float.
    pub fn as_hours_f64(self) -> f64 {
        (self.0 / NANOS_PER_HOUR) as f64 + (self.0 % NANOS_PER_HOUR) as f64 / NANOS_PER_HOUR as f64
    }

    /// Whether this is [`SimDuration::ZERO`].
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self + rhs`, or `None` on overflow.
    pub fn checked_add(self, rhs: SimDuration) -> Option<SimDuration> {
        self.0.checked_add(rhs.0).map(SimDuration)
    }

    /// `self - rhs`, or `None` if `rhs` is longer than `self`.
    pub fn checked_sub(self, rhs: SimDuration) -> Option<SimDuration> {
        self.0.checked_sub(rhs.0).map(SimDuration)
    }

    /// `self * rhs`, or `None` on overflow.
    pub fn checked_mul(self, rhs: u64) -> Option<SimDuration> {
        self.0.checked_mul(rhs).map(SimDuration)
    }

    /// `self + rhs`, clamped to [`SimDuration::MAX`].
    pub fn saturating_add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }

    /// `self - rhs`, clamped to [`SimDuration::ZERO`].
    pub fn saturating_sub(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(rhs.0))
    }

    /// `self * rhs`, clamped to [`SimDuration::MAX`].
    pub fn saturating_mul(self, rhs: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(rhs))
    }

    /// `self * f` rounded to the nearest nanosecond (ties away from zero), computed exactly.
    ///
    /// Errors if `f` is NaN, infinite or negative (`-0.0` is zero), or if the product
    /// exceeds [`SimDuration::MAX`].
    pub fn mul_f64(self, f: f64) -> Result<SimDuration, TimeError> {
        from_f64_units(f, self.0, || format!("{self} * {f}"))
    }
}

/// `n * unit` ns, or `None` on overflow.
const fn checked_scaled(n: u64, unit: u64) -> Option<SimDuration> {
    match n.checked_mul(unit) {
        Some(ns) => Some(SimDuration(ns)),
        None => None,
    }
}

/// `n * unit` ns; panics with `msg` on overflow (a const fn can only panic with a fixed text).
const fn expect_scaled(n: u64, unit: u64, msg: &'static str) -> SimDuration {
    match n.checked_mul(unit) {
        Some(ns) => SimDuration(ns),
        None => panic!("{}", msg),
    }
}

/// `x * unit_ns` rounded to the nearest integer (ties away from zero), exactly.
///
/// An `f64` is `m * 2^e` with a 53-bit integer `m`, so the product is `m * unit_ns * 2^e`:
/// one `u128` multiply (at most 2^117) and one shift with rounding. No step rounds early,
/// unlike `(x * 1e9).round()`, which rounds twice.
fn from_f64_units(
    x: f64,
    unit_ns: u64,
    describe: impl FnOnce() -> String,
) -> Result<SimDuration, TimeError> {
    if !x.is_finite() {
        return Err(TimeError::NotFinite { input: describe() });
    }
    if x < 0.0 {
        return Err(TimeError::Negative { input: describe() });
    }
    let bits = x.to_bits();
    let biased_exp = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // Subnormals have no implicit leading bit and the minimum exponent.
    let (mantissa, exp) = if biased_exp == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased_exp - 1075)
    };
    let product = u128::from(mantissa) * u128::from(unit_ns);
    let overflow = || TimeError::Overflow { input: describe() };
    let ns = if product == 0 {
        0
    } else if exp >= 0 {
        // Any non-zero product shifted by 64 or more exceeds u64::MAX.
        if exp >= 64 || product > u128::from(u64::MAX) >> exp {
            return Err(overflow());
        }
        product << exp
    } else {
        let shift = exp.unsigned_abs();
        if shift > 120 {
            0 // product < 2^117, so the exact value is below one half
        } else {
            let half = 1u128 << (shift - 1);
            let rounded_up = product & ((half << 1) - 1) >= half;
            (product >> shift) + u128::from(rounded_up)
        }
    };
    u64::try_from(ns).map(SimDuration).map_err(|_| overflow())
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;

    /// Panics if the result is later than [`SimTime::MAX`]; see [`SimTime::checked_add`].
    fn add(self, rhs: SimDuration) -> SimTime {
        self.checked_add(rhs)
            .expect("SimTime + SimDuration overflowed SimTime::MAX (about 584 years)")
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub<SimDuration> for SimTime {
    type Output = SimTime;

    /// Panics if the result is before the start; see [`SimTime::checked_sub`].
    fn sub(self, rhs: SimDuration) -> SimTime {
        self.checked_sub(rhs)
            .expect("SimTime - SimDuration went before the start of the simulation")
    }
}

impl SubAssign<SimDuration> for SimTime {
    fn sub_assign(&mut self, rhs: SimDuration) {
        *self = *self - rhs;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;

    /// Panics if `rhs` is later than `self`; see [`SimTime::checked_duration_since`].
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.checked_duration_since(rhs).expect(
            "SimTime - SimTime: the right-hand time is later than the left; \
             use saturating_duration_since or checked_duration_since",
        )
    }
}

impl Add for SimDuration {
    type Output = SimDuration;

    /// Panics on overflow; see [`SimDuration::checked_add`].
    fn add(self, rhs: SimDuration) -> SimDuration {
        self.checked_add(rhs)
            .expect("SimDuration + SimDuration overflowed SimDuration::MAX (about 584 years)")
    }
}

impl AddAssign for SimDuration {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub for SimDuration {
    type Output = SimDuration;

    /// Panics if `rhs` is longer than `self`; see [`SimDuration::checked_sub`].
    fn sub(self, rhs: SimDuration) -> SimDuration {
        self.checked_sub(rhs).expect(
            "SimDuration - SimDuration would be negative; use saturating_sub or checked_sub",
        )
    }
}

impl SubAssign for SimDuration {
    fn sub_assign(&mut self, rhs: SimDuration) {
        *self = *self - rhs;
    }
}

impl Mul<u64> for SimDuration {
    type Output = SimDuration;

    /// Panics on overflow; see [`SimDuration::checked_mul`].
    fn mul(self, rhs: u64) -> SimDuration {
        self.checked_mul(rhs)
            .expect("SimDuration * u64 overflowed SimDuration::MAX (about 584 years)")
    }
}

impl Mul<SimDuration> for u64 {
    type Output = SimDuration;

    /// Panics on overflow; see [`SimDuration::checked_mul`].
    fn mul(self, rhs: SimDuration) -> SimDuration {
        rhs * self
    }
}

impl Sum for SimDuration {
    /// Panics on overflow, like `+`.
    fn sum<I: Iterator<Item = SimDuration>>(iter: I) -> SimDuration {
        iter.fold(SimDuration::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a SimDuration> for SimDuration {
    /// Panics on overflow, like `+`.
    fn sum<I: Iterator<Item = &'a SimDuration>>(iter: I) -> SimDuration {
        iter.copied().sum()
    }
}

/// Prints the canonical compact form, which parses back to exactly the same value.
///
/// The rule: `0` prints as `0s`; otherwise use the largest unit among w, d, h, m, s, ms, us,
/// ns that is not longer than the value and in which the value is written exactly with at
/// most one decimal digit. Examples: `15m`, `6h`, `54d`, `1.5h` (not `90m`), `1.5m` (for
/// 90 s), `250ms`, `3601s`, `1w`. `ns` always qualifies, so e.g. `1h` plus 1 ns prints as
/// `3600000000001ns`. Width, fill and alignment flags are honoured (`{:>8}`).
impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&canonical(self.0))
    }
}

/// Prints the offset since the start in the same form as [`SimDuration`], e.g. `54d`.
impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.since_start(), f)
    }
}

/// The canonical text of `ns` nanoseconds; see the `Display` impl of [`SimDuration`].
fn canonical(ns: u64) -> String {
    if ns == 0 {
        return "0s".to_owned();
    }
    for (unit, suffix) in DISPLAY_UNITS {
        if ns < unit {
            continue;
        }
        let (whole, rest) = (ns / unit, ns % unit);
        if rest == 0 {
            return format!("{whole}{suffix}");
        }
        // One decimal digit is exact when 10 * rest is a multiple of the unit.
        if (rest * 10).is_multiple_of(unit) {
            return format!("{whole}.{}{suffix}", rest * 10 / unit);
        }
    }
    unreachable!("the ns unit divides every value")
}

/// Parses the compact duration form.
///
/// Grammar: surrounding ASCII whitespace is ignored; the rest is one or more terms
/// `<number><unit>` written together, and their values add up (`"1h30m"`). A number is
/// digits with an optional `.digits` fraction: no sign, no exponent, at least one digit on
/// each side of the point. Units: `ns`; `us` or `µs`; `ms`; `s`; `m` or `min` (minutes);
/// `h`; `d` (24 h); `w` (7 d). The value is computed exactly in integers, and a value that
/// is not a whole number of nanoseconds (`"0.5ns"`) is an error rather than rounded.
impl FromStr for SimDuration {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_duration(s)
    }
}

/// Parses an offset since the start, with the grammar of [`SimDuration`]'s `FromStr`.
impl FromStr for SimTime {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_duration(s).map(|d| SimTime(d.0))
    }
}

/// Nanoseconds per unit, for every unit spelling the parser accepts.
fn unit_nanos(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => 1,
        "us" | "µs" | "μs" => NANOS_PER_MICRO, // micro sign U+00B5 and Greek mu U+03BC
        "ms" => NANOS_PER_MILLI,
        "s" => NANOS_PER_SEC,
        "m" | "min" => NANOS_PER_MIN,
        "h" => NANOS_PER_HOUR,
        "d" => NANOS_PER_DAY,
        "w" => NANOS_PER_WEEK,
        _ => return None,
    })
}

/// Splits `s` after its leading run of characters matching `pred`.
fn split_while(s: &str, pred: impl Fn(char) -> bool) -> (&str, &str) {
    s.split_at(s.find(|c: char| !pred(c)).unwrap_or(s.len()))
}

fn parse_duration(input: &str) -> Result<SimDuration, TimeError> {
    let s = input.trim_matches(|c: char| c.is_ascii_whitespace());
    if s.is_empty() {
        return Err(TimeError::Empty);
    }
    let invalid = |reason: String| TimeError::Invalid {
        input: input.to_owned(),
        reason,
    };
    let overflow = || TimeError::Overflow {
        input: input.to_owned(),
    };
    let mut total: u128 = 0;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let parsed = &s[..s.len() - rest.len()];
        match c {
            '0'..='9' => {}
            '-' if parsed.is_empty() => {
                return Err(TimeError::Negative {
                    input: input.to_owned(),
                });
            }
            '+' => {
                return Err(invalid(
                    "a '+' sign is not allowed; write just the number and unit, e.g. \"5m\""
                        .to_owned(),
                ));
            }
            '-' => {
                return Err(invalid(
                    "unexpected '-': durations cannot be negative, and terms simply add up, \
                     e.g. \"1h30m\""
                        .to_owned(),
                ));
            }
            '.' => {
                return Err(invalid(
                    "a decimal point needs a digit before it, e.g. \"0.5h\"".to_owned(),
                ));
            }
            c if c.is_whitespace() => {
                return Err(invalid(
                    "spaces are not allowed inside a duration; write the terms together, \
                     e.g. \"1h30m\""
                        .to_owned(),
                ));
            }
            _ => {
                let (token, _) = split_while(rest, |c| !c.is_ascii_digit() && !c.is_whitespace());
                return Err(invalid(if parsed.is_empty() {
                    format!("missing number before \"{token}\"; {EXPECTED}")
                } else {
                    format!("unexpected \"{token}\" after \"{parsed}\"; {EXPECTED}")
                }));
            }
        }

        let term = rest;
        let (int_digits, after) = split_while(rest, |c| c.is_ascii_digit());
        rest = after;
        let mut frac_digits = "";
        if let Some(after_point) = rest.strip_prefix('.') {
            (frac_digits, rest) = split_while(after_point, |c| c.is_ascii_digit());
            if frac_digits.is_empty() {
                return Err(invalid(
                    "a decimal point must be followed by a digit, e.g. \"1.5h\"".to_owned(),
                ));
            }
        }
        let number = &term[..term.len() - rest.len()];

        let (unit, after) = split_while(rest, char::is_alphabetic);
        if unit.is_empty() {
            return Err(match after.chars().next() {
                None => invalid(format!("missing unit after \"{number}\"; {EXPECTED}")),
                Some('.') => invalid("a number can have only one decimal point".to_owned()),
                Some(c) if c.is_whitespace() => invalid(EXPECTED.to_owned()),
                Some(_) => {
                    let (token, _) = split_while(after, |c| {
                        !c.is_ascii_digit() && !c.is_whitespace() && c != '.'
                    });
                    TimeError::UnknownUnit {
                        input: input.to_owned(),
                        unit: token.to_owned(),
                    }
                }
            });
        }
        if matches!(unit, "e" | "E") && starts_exponent(after) {
            return Err(invalid(
                "exponent notation (e.g. \"1e3\") is not supported; write the number out in \
                 full, and note the maximum is about 584 years"
                    .to_owned(),
            ));
        }
        let Some(unit_ns) = unit_nanos(unit) else {
            return Err(TimeError::UnknownUnit {
                input: input.to_owned(),
                unit: unit.to_owned(),
            });
        };
        let term_ns = term_nanos(int_digits, frac_digits, unit_ns).map_err(|e| match e {
            TermError::Overflow => overflow(),
            TermError::SubNanosecond => TimeError::SubNanosecond {
                input: input.to_owned(),
            },
        })?;
        total = total.checked_add(term_ns).ok_or_else(overflow)?;
        rest = after;
    }
    u64::try_from(total)
        .map(SimDuration)
        .map_err(|_| overflow())
}

/// Whether `s` (the text after an `e`) continues like an exponent: a digit, or a sign and a digit.
fn starts_exponent(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// Why one `<number><unit>` term has no nanosecond value.
enum TermError {
    Overflow,
    SubNanosecond,
}

/// The exact value in ns of `int.frac` units of `unit_ns` each. Both digit strings are ASCII
/// digits; `frac` may be empty.
fn term_nanos(int: &str, frac: &str, unit_ns: u64) -> Result<u128, TermError> {
    let unit = u128::from(unit_ns);
    let whole = int
        .bytes()
        .try_fold(0u128, |acc, b| {
            acc.checked_mul(10)?.checked_add(u128::from(b - b'0'))
        })
        .and_then(|n| n.checked_mul(unit))
        .ok_or(TermError::Overflow)?;

    // The fraction f / 10^k contributes f * unit / 10^k, which must be a whole number.
    // Trailing zeros do not change the value, and once they are gone a fraction needing
    // more than 38 digits cannot be exact (unit has at most 2^16 and 5^11 as factors).
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        return Ok(whole);
    }
    let Some(scale) = u32::try_from(frac.len())
        .ok()
        .and_then(|k| 10u128.checked_pow(k))
    else {
        return Err(TermError::SubNanosecond);
    };
    let f = frac
        .bytes()
        .fold(0u128, |acc, b| acc * 10 + u128::from(b - b'0')); // f < scale, no overflow
    let g = gcd(unit, scale);
    let denominator = scale / g;
    if !f.is_multiple_of(denominator) {
        return Err(TermError::SubNanosecond);
    }
    // f / scale < 1, so this part is below one unit and cannot overflow.
    let part = f / denominator * (unit / g);
    whole.checked_add(part).ok_or(TermError::Overflow)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests;
