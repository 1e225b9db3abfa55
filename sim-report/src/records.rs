//! Per-event records of a run as CSV: `components.csv` (what failed, was repaired or went
//! dark, and when: the same for every policy on one seed) and `decisions.csv` (what each
//! policy chose among which options).

use std::fmt::Write as _;

use sim_models::outage::OutageKind;
use sim_models::policy::ParamValue;
use sim_models::policy::{DecisionRecord, PolicyParams};
use sim_models::sim::{ComponentEvent, RunSummary};
use sim_models::topology::Fabric;

use crate::numbers::sig6;
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
