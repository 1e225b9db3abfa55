//! `[policy]`, `[policy.placement_params]` and `[policy.failover_params]`, and the reader of
//! free-form parameter tables (these and `[failures.params]`) into [`PolicyParams`].
//!
//! Names are not checked here: the binary's registry decides which exist (the run looks
//! them up). A parameter table takes any key; its values must be numbers, strings or
//! tables of them ([`ParamValue`]); a boolean, an array or a date is an error at its key.

use std::collections::BTreeMap;

use sim_models::policy::ParamValue;
use sim_models::policy::PolicyParams;
use toml::de::{DeTable, DeValue};

use crate::scenario::policy::PolicySection;
use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def};
use crate::scenario::walk::{Parts, Value, Walker, join, key_str};

/// Default of `placement`.
pub(crate) const DEFAULT_PLACEMENT: &str = "first-fit";
/// Default of `failover`.
pub(crate) const DEFAULT_FAILOVER: &str = "restart";
/// Default of `decision_options`.
pub(crate) const DEFAULT_DECISION_OPTIONS: usize = 8;

/// `placement`.
pub(crate) const PLACEMENT: Field = def(
    "placement",
    Kind::Str,
    D::Str(DEFAULT_PLACEMENT),
    "Where jobs (and replicas without a fixed cluster) go: a placement policy by name \
     (see [Models](#models)).",
);
/// `failover`.
pub(crate) const FAILOVER: Field = def(
    "failover",
    Kind::Str,
    D::Str(DEFAULT_FAILOVER),
    "What a job interrupted by a failure or outage does: a failover policy by name \
     (see [Models](#models)).",
);
/// `decisions`.
pub(crate) const DECISIONS: Field = def(
    "decisions",
    Kind::Bool,
    D::Text("false"),
    "Keep every placement and failover decision, with the options scored, for \
     `decisions.csv` (`run --out`).",
);
/// `decision_options`.
pub(crate) const DECISION_OPTIONS: Field = def(
    "decision_options",
    Kind::PositiveInt,
    D::Int(DEFAULT_DECISION_OPTIONS as u64),
    "Options kept per decision, best first.",
);
/// The table.
pub(crate) const TABLE: Table = Table {
    header: "[policy]",
    doc: "Optional, once. The placement and failover policies of the run; `first-fit` \
          and `restart` when absent. Names are checked against the models of the \
          binary (`fabricsim models`), with a \"did you mean\".",
    fields: &[PLACEMENT, FAILOVER, DECISIONS, DECISION_OPTIONS],
    children: &["placement_params", "failover_params"],
};
/// The table.
pub(crate) const PLACEMENT_PARAMS: Table = Table {
    header: "[policy.placement_params]",
    doc: "Optional, once. Parameters of the placement policy, passed to it as written: \
          numbers, strings and tables of them (e.g. `max_share = 0.5`, or \
          `[policy.placement_params.throughput.llama]` for `heterogeneity-aware`). \
          Which keys a policy takes is in its summary under [Models](#models); an \
          unknown or invalid one is reported here.",
    fields: &[],
    children: &[],
};
/// The table.
pub(crate) const FAILOVER_PARAMS: Table = Table {
    header: "[policy.failover_params]",
    doc: "Optional, once. Parameters of the failover policy, as for \
          `[policy.placement_params]` (e.g. `max_wait = \"2h\"` for `threshold`).",
    fields: &[],
    children: &[],
};

/// What a parameter value may be, for "expected ..." messages.
const PARAM_VALUE: &str = "a number, a string or a table of them";

impl Walker {
    /// `[policy]`, if the document has it.
    pub(crate) fn policy_section(&mut self, root: &DeTable<'_>, parts: &mut Parts) {
        if let Some(t) = self.optional_table(root, &[], "policy", TABLE.header) {
            parts.policy = self.policy(t);
        }
    }

    /// `[policy]` (the table `t`), with its defaults filled in.
    pub(crate) fn policy(&mut self, t: &DeTable<'_>) -> PolicySection {
        let path = vec!["policy".to_owned()];
        self.check_keys(t, &path, &TABLE);
        let mut out = PolicySection::default();
        if let Some(name) = self.str(t, &path, &PLACEMENT) {
            out.placement = name;
        }
        if let Some(name) = self.str(t, &path, &FAILOVER) {
            out.failover = name;
        }
        let keep = self.bool(t, &path, &DECISIONS).unwrap_or(false);
        let options = self
            .integer(t, &path, &DECISION_OPTIONS)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(DEFAULT_DECISION_OPTIONS);
        out.decisions = keep.then_some(options);
        if let Some(v) = t.get("placement_params") {
            out.placement_params =
                self.params(v, &join(&path, "placement_params"), PLACEMENT_PARAMS.header);
        }
        if let Some(v) = t.get("failover_params") {
            out.failover_params =
                self.params(v, &join(&path, "failover_params"), FAILOVER_PARAMS.header);
        }
        out
    }

    /// A free-form parameter table `v` (written at `path`, header `header`). Values of
    /// the wrong type are reported and left out.
    pub(crate) fn params(&mut self, v: &Value<'_>, path: &[String], header: &str) -> PolicyParams {
        match self.table(v, path, header) {
            Some(t) => PolicyParams {
                values: self.param_table(t, path),
            },
            None => PolicyParams::default(),
        }
    }

    fn param_table(&mut self, t: &DeTable<'_>, path: &[String]) -> BTreeMap<String, ParamValue> {
        let mut out = BTreeMap::new();
        for (key, v) in t.iter() {
            let key = key_str(key);
            let p = join(path, &key);
            if let Some(value) = self.param_value(v, &p) {
                out.insert(key, value);
            }
        }
        out
    }

    fn param_value(&mut self, v: &Value<'_>, path: &[String]) -> Option<ParamValue> {
        match v.get_ref() {
            DeValue::Integer(i) => {
                let n = i128::from_str_radix(i.as_str(), i.radix()).unwrap_or(i128::MAX);
                Some(ParamValue::Number(n as f64))
            }
            DeValue::Float(f) => match f.as_str().parse::<f64>() {
                Ok(x) if x.is_finite() => Some(ParamValue::Number(x)),
                _ => {
                    let literal = self.map.text.get(v.span()).unwrap_or_default();
                    let message = format!("expected a finite number, found {literal}");
                    self.error(v.span(), path, message, None);
                    None
                }
            },
            DeValue::String(s) => Some(ParamValue::Text(s.to_string())),
            DeValue::Table(t) => Some(ParamValue::Table(self.param_table(t, path))),
            _ => {
                self.wrong_type(v, path, PARAM_VALUE);
                None
            }
        }
    }
}
