//! Numbers for people: every formatter of the workspace's text, tables, CSV files, charts
//! and report, in one place so that one kind of figure always reads the same.
//!
//! | formatter | output | for |
//! |---|---|---|
//! | [`sci`] | `2.4e10`, `350000` | counts in the resource guard's messages and `validate` |
//! | [`size`] | `1.2 GiB` | memory sizes in messages |
//! | [`size_flag`] | `12GiB` | a `--max-memory` value to suggest |
//! | [`duration`] | `under a second`, `45 s`, `12 min`, `3.1 h` | estimated run times |
//! | [`elapsed`] | `42 s`, `3 min 05 s`, `2 h 07 min` | the sweep's progress line |
//! | [`hours_or_dash`] | `12.5`, `-` | simulated instants in hours (the `run` job table) |
//! | [`sig`] | `0.13`, `1234` | `digits` significant digits, trailing zeros trimmed |
//! | [`compact`] | `0.9258`, `34k`, `13.12M` | tick labels and chart cells, where space is short |
//! | [`pretty`] | `13,115,975`, `0.9258` | report tables |
//! | [`mean_ci`] | `249.1 ± 7.6`, `5.371M ± 0.064M` | a mean and its 95 % CI in the report |
//! | [`sig6`] | `0.5`, `1.23457e+09` | six significant digits like C's `%g`: CSV records, printed sweep tables |
//! | [`fixed`] | `12.50`, empty | CSV cells with fixed decimals (serving tables) |
//! | [`shown`] | `12.50`, `-` | printed cells with fixed decimals (serving tables) |
//! | [`six_decimals`] | `0.000000`, empty | the sweep's `aggregate.csv` (never `-0.000000`) |
//! | [`plain`] | `700`, `3.35` | catalog listings: up to four decimals, no trailing zeros |
//! | [`signed_pct_ci`] | `+1.23% ± 0.45` | bar labels of the paired chart |
//! | [`tick`] | `-10`, `2.5`, `0.05` | axis ticks of the paired chart |

use sim_core::time::SimTime;

/// A count for people: `2.4e10`, or plain digits below a million.
pub fn sci(x: f64) -> String {
    if x < 1e6 {
        format!("{x:.0}")
    } else {
        format!("{x:.1e}")
    }
}

/// A memory size for people: `1.2 GiB`.
pub fn size(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A `--max-memory` value at least `bytes`: `12GiB`.
pub fn size_flag(bytes: f64) -> String {
    let gib = (bytes / (1024.0 * 1024.0 * 1024.0)).ceil().max(1.0);
    format!("{gib:.0}GiB")
}

/// A rough length of time (`about 3 h`): `under a second`, whole seconds below two
/// minutes, whole minutes below two hours, else hours with one decimal.
pub fn duration(seconds: f64) -> String {
    if seconds < 1.0 {
        "under a second".to_owned()
    } else if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// Wall-clock time as a clock reads it: `42 s`, `3 min 05 s`, `2 h 07 min`.
pub fn elapsed(s: f64) -> String {
    let s = s.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// A simulated instant in hours with one decimal, `-` when it did not happen.
pub fn hours_or_dash(t: Option<SimTime>) -> String {
    t.map_or_else(
        || "-".to_owned(),
        |t| format!("{:.1}", t.as_secs_f64() / 3600.0),
    )
}

/// `x` to `digits` significant digits, trailing zeros trimmed (`sig(0.125, 2)` = `0.13`,
/// `sig(1234.0, 4)` = `1234`).
pub fn sig(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x == 0.0 {
            "0".to_owned()
        } else {
            x.to_string()
        };
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = usize::try_from((digits - 1 - magnitude).max(0)).unwrap_or(0);
    let text = trim_zeros(&format!("{x:.decimals$}"));
    if text == "-0" { "0".to_owned() } else { text }
}

/// The SI unit of a magnitude `a` from ten thousand up: `(1e3, "k")`, `(1e6, "M")`,
/// `(1e9, "G")`, `(1e12, "T")`; `(1.0, "")` below.
fn si(a: f64) -> (f64, &'static str) {
    match a {
        a if a >= 1e12 => (1e12, "T"),
        a if a >= 1e9 => (1e9, "G"),
        a if a >= 1e6 => (1e6, "M"),
        a if a >= 1e4 => (1e3, "k"),
        _ => (1.0, ""),
    }
}

/// `x` with at most four significant digits and an SI suffix above a thousand: `0.9258`,
/// `12.5`, `3,400` becomes `3.4k`, `13115975` becomes `13.12M`. For tick labels and cell
/// values, where space is short.
pub fn compact(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let (scale, suffix) = si(x.abs());
    format!("{}{suffix}", sig(x / scale, 4))
}

/// `x` for a table: whole numbers and anything of 1,000 or more with thousands separators
/// and no decimals (`13,115,975`), smaller values to four significant digits (`0.9258`,
/// `153.1`).
pub fn pretty(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.abs() >= 1000.0 || (x.fract() == 0.0 && x.abs() < 1e15) {
        let digits = format!("{:.0}", x.abs());
        let mut grouped = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(d);
        }
        let negative = x < 0.0 && digits != "0";
        return format!("{}{grouped}", if negative { "-" } else { "" });
    }
    sig(x, 4)
}

/// `mean ± ci` as a reader wants it: the CI to two significant digits and the mean to
/// the same decimal place, both in the SI unit of the mean above ten thousand
/// (`0.875 ± 0.013`, `249.1 ± 7.6`, `5.371M ± 0.064M`); the mean alone (four significant
/// digits) without a CI.
pub fn mean_ci(mean: f64, ci: Option<f64>) -> String {
    let (scale, suffix) = si(mean.abs());
    let (m, c) = (mean / scale, ci.map(|c| c / scale));
    match c {
        Some(c) if c.is_finite() && c > 0.0 => {
            let decimals = usize::try_from((1 - c.log10().floor() as i32).clamp(0, 8)).unwrap_or(0);
            format!("{m:.decimals$}{suffix} ± {c:.decimals$}{suffix}")
        }
        Some(0.0) => format!("{}{suffix} ± 0", sig(m, 4)),
        _ => format!("{}{suffix}", sig(m, 4)),
    }
}

/// `x` to six significant digits, without trailing zeros, like C's `%g`: `0.5`, `128`,
/// `1.23457e+09`, `-3.2e-07`; `inf`, `-inf`, `NaN` as Rust writes them.
pub fn sig6(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    // The exponent after rounding to six digits (9.999996 rounds to 1.00000e1).
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-5..6).contains(&exp) {
        let decimals = usize::try_from(5 - exp).unwrap_or(0);
        trim_zeros(&format!("{x:.decimals$}"))
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_zeros(mantissa), exp.abs())
    }
}

/// `1.50000` -> `1.5`, `2.000` -> `2`; integers unchanged.
fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s.to_owned()
    }
}

/// `x` with `decimals` decimals; empty when not finite. A negative zero (the sum of
/// nothing) is written as zero.
pub fn fixed(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        let x = x + 0.0;
        format!("{x:.decimals$}")
    } else {
        String::new()
    }
}

/// `x` with `decimals` decimals, or `-` (for the printed table).
pub fn shown(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        fixed(x, decimals)
    } else {
        "-".to_owned()
    }
}

/// Six decimals, never `-0.000000`; empty when undefined.
pub fn six_decimals(x: Option<f64>) -> String {
    match x {
        Some(x) if x.is_finite() => {
            let s = format!("{:.6}", x + 0.0);
            if s.strip_prefix('-')
                .is_some_and(|r| r.bytes().all(|b| b == b'0' || b == b'.'))
            {
                s[1..].to_owned()
            } else {
                s
            }
        }
        _ => String::new(),
    }
}

/// A number with at most four decimals and no trailing zeros (`700`, `3.35`).
pub fn plain(x: f64) -> String {
    // `{:.4}` always writes a point when `x` is finite; `inf` and `NaN` pass unchanged.
    trim_zeros(&format!("{x:.4}"))
}

/// `+1.23% ± 0.45` (or without the interval).
pub fn signed_pct_ci(pct: f64, ci: Option<f64>) -> String {
    match ci.filter(|c| c.is_finite()) {
        Some(ci) => format!("{pct:+.2}% ± {ci:.2}"),
        None => format!("{pct:+.2}%"),
    }
}

/// A tick value without needless digits: `-10`, `2.5`, `0.05`.
pub fn tick(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn numbers_are_compact() {
        assert_eq!(compact(0.925_819), "0.9258");
        assert_eq!(compact(12.5), "12.5");
        assert_eq!(compact(3400.0), "3400");
        assert_eq!(compact(34_000.0), "34k");
        assert_eq!(compact(13_115_974.96), "13.12M");
        assert_eq!(compact(-2.5e9), "-2.5G");
        assert_eq!(compact(0.0), "0");
        assert_eq!(sig(0.126, 2), "0.13");
        assert_eq!(sig(-0.0001, 2), "-0.0001");
    }

    #[test]
    fn pretty_numbers() {
        assert_eq!(pretty(13_115_974.96), "13,115,975");
        assert_eq!(pretty(-1234.6), "-1,235");
        assert_eq!(pretty(720.0), "720");
        assert_eq!(pretty(0.925_819), "0.9258");
        assert_eq!(pretty(153.100_101), "153.1");
        assert_eq!(pretty(0.0), "0");
    }

    #[test]
    fn means_with_intervals() {
        assert_eq!(mean_ci(0.875_214, Some(0.012_538)), "0.875 ± 0.013");
        assert_eq!(mean_ci(249.118_658, Some(7.594_848)), "249.1 ± 7.6");
        assert_eq!(mean_ci(5_371_318.88, Some(64_183.86)), "5.371M ± 0.064M");
        assert_eq!(mean_ci(67_197_092.5, Some(2_379_049.2)), "67.2M ± 2.4M");
        assert_eq!(mean_ci(3136.67, Some(147.0)), "3137 ± 147");
        assert_eq!(mean_ci(3136.67, Some(0.0)), "3137 ± 0");
        assert_eq!(mean_ci(0.5, None), "0.5");
    }

    #[test]
    fn six_significant_digits_like_printf_g() {
        for (x, want) in [
            (0.0, "0"),
            (0.5, "0.5"),
            (128.0, "128"),
            (-3.25, "-3.25"),
            (1.0 / 3.0, "0.333333"),
            (123_456.7, "123457"),
            (999_999.7, "1e+06"),
            (1_234_567_890.0, "1.23457e+09"),
            (-3.2e-7, "-3.2e-07"),
            (0.000_123_456_78, "0.000123457"),
            (9.999_996, "10"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(sig6(x), want, "{x}");
        }
    }

    #[test]
    fn numbers_have_six_decimals_and_no_negative_zero() {
        assert_eq!(six_decimals(Some(-0.0)), "0.000000");
        assert_eq!(six_decimals(Some(-1e-9)), "0.000000");
        assert_eq!(six_decimals(Some(-1.5)), "-1.500000");
        assert_eq!(six_decimals(None), "");
        assert_eq!(six_decimals(Some(f64::NAN)), "");
    }

    #[test]
    fn counts_sizes_and_durations_for_people() {
        assert_eq!(sci(350_000.0), "350000");
        assert_eq!(sci(2.4e10), "2.4e10");
        assert_eq!(size(512.0), "512.0 B");
        assert_eq!(size(1.2 * 1024.0 * 1024.0 * 1024.0), "1.2 GiB");
        assert_eq!(size_flag(11.5 * 1024.0 * 1024.0 * 1024.0), "12GiB");
        assert_eq!(size_flag(0.0), "1GiB");
        assert_eq!(duration(0.5), "under a second");
        assert_eq!(duration(45.0), "45 s");
        assert_eq!(duration(720.0), "12 min");
        assert_eq!(duration(11_160.0), "3.1 h");
        assert_eq!(elapsed(42.0), "42 s");
        assert_eq!(elapsed(185.0), "3 min 05 s");
        assert_eq!(elapsed(7620.0), "2 h 07 min");
        assert_eq!(hours_or_dash(None), "-");
        assert_eq!(hours_or_dash(Some("90m".parse().unwrap())), "1.5");
    }

    #[test]
    fn fixed_decimals_and_plain_numbers() {
        assert_eq!(fixed(-0.0, 2), "0.00");
        assert_eq!(fixed(f64::NAN, 2), "");
        assert_eq!(shown(12.5, 2), "12.50");
        assert_eq!(shown(f64::INFINITY, 2), "-");
        assert_eq!(plain(700.0), "700");
        assert_eq!(plain(3.35), "3.35");
        assert_eq!(plain(0.123_456), "0.1235");
        assert_eq!(plain(f64::INFINITY), "inf");
    }
}
