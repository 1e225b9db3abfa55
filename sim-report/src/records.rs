//! Per-event records of a run as CSV: `components.csv` (what failed, was repaired or went
//! dark, and when: the same for every policy on one seed) and `decisions.csv` (what each
//! policy chose among which options).

use std::fmt::Write as _;

use sim_models::outage::OutageKind;
use sim_models::policy::ParamValue;
use sim_models::policy::{DecisionRecord, PolicyParams};
use sim_models::sim::{ComponentEvent, RunSummary};
use sim_models::topology::Fabric;

use crate::table::{Align, Table};

/// `components.csv`: `time_s,domain,event`, one row per component failure
/// (`failure:<category>`), repair (`repair`), outage start (`outage-start:<kind>`) and end
/// (`outage-end:<kind>`), in time order; `domain` is the fabric's domain key.
pub fn components_csv(fabric: &Fabric, s: &RunSummary) -> String {
    let mut t = Table::new(&[
        ("time_s", Align::Right),
        ("domain", Align::Left),
        ("event", Align::Left),
    ]);
    for c in &s.components {
        let event = match c.event {
            ComponentEvent::Failure(category) => format!(
                "failure:{}",
                s.categories
                    .get(usize::from(category))
                    .map_or("unknown", String::as_str)
            ),
            ComponentEvent::Repair => "repair".to_owned(),
            ComponentEvent::OutageStart(kind) => format!("outage-start:{}", kind_name(kind)),
            ComponentEvent::OutageEnd(kind) => format!("outage-end:{}", kind_name(kind)),
        };
        t.push(vec![
            format!("{:.6}", c.time.as_secs_f64()),
            fabric.domain_key(c.domain),
            event,
        ]);
    }
    t.to_csv()
}

/// `scripted`, `background` or `planned`.
fn kind_name(kind: OutageKind) -> String {
    format!("{kind:?}").to_lowercase()
}

/// `decisions.csv`: `time_s,policy,subject,choice,options`, one row per decision kept, in
/// time order; `options` is `option=score;option=score;...`, best first, scores to six
/// significant digits.
pub fn decisions_csv(decisions: &[DecisionRecord]) -> String {
    let mut t = Table::new(&[
        ("time_s", Align::Right),
        ("policy", Align::Left),
        ("subject", Align::Left),
        ("choice", Align::Left),
        ("options", Align::Left),
    ]);
    for d in decisions {
        let options: Vec<String> = d
            .options
            .iter()
            .map(|o| format!("{}={}", o.option, sig6(o.score)))
            .collect();
        t.push(vec![
            format!("{:.6}", d.time.as_secs_f64()),
            d.policy.clone(),
            d.subject.clone(),
            d.choice.clone(),
            options.join(";"),
        ]);
    }
    t.to_csv()
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

/// ` (key=value, ...)` for non-empty parameters, empty otherwise (for one-line summaries).
pub fn params_note(params: &PolicyParams) -> String {
    if params.values.is_empty() {
        String::new()
    } else {
        format!(" ({})", param_list(&params.values))
    }
}

fn param_list(values: &std::collections::BTreeMap<String, ParamValue>) -> String {
    let mut out = String::new();
    for (i, (key, value)) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = match value {
            ParamValue::Number(x) => write!(out, "{key}={}", sig6(*x)),
            ParamValue::Text(s) => write!(out, "{key}={s:?}"),
            ParamValue::Table(t) => write!(out, "{key}={{{}}}", param_list(t)),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn params_are_noted_in_key_order() {
        let mut inner = std::collections::BTreeMap::new();
        inner.insert("h100".to_owned(), ParamValue::Number(1.5));
        let p = PolicyParams::from_pairs([
            ("max_wait".to_owned(), ParamValue::Text("2h".to_owned())),
            ("amortise_h".to_owned(), ParamValue::Number(48.0)),
            ("throughput".to_owned(), ParamValue::Table(inner)),
        ]);
        assert_eq!(
            params_note(&p),
            " (amortise_h=48, max_wait=\"2h\", throughput={h100=1.5})"
        );
        assert_eq!(params_note(&PolicyParams::default()), "");
    }
}
