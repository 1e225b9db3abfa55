//! Reads `[policy]` and free-form parameter tables (`[policy.placement_params]`,
//! `[policy.failover_params]`, `[failures.params]`) into [`PolicyParams`].
//!
//! Names are not checked here: the binary's registry decides which exist (the run looks
//! them up). A parameter table takes any key; its values must be numbers, strings or
//! tables of them ([`ParamValue`]); a boolean, an array or a date is an error at its key.

use std::collections::BTreeMap;

use sim_models::policy::ParamValue;
use sim_models::policy::PolicyParams;
use toml::de::{DeTable, DeValue};

use super::{Value, Walker, join, key_str};
use crate::scenario::policy::PolicySection;
use crate::scenario::schema::policy as p;

/// What a parameter value may be, for "expected ..." messages.
const PARAM_VALUE: &str = "a number, a string or a table of them";

impl Walker {
    /// `[policy]` (the table `t`), with its defaults filled in.
    pub(super) fn policy(&mut self, t: &DeTable<'_>) -> PolicySection {
        let path = vec!["policy".to_owned()];
        self.check_keys(t, &path, &p::TABLE);
        let mut out = PolicySection::default();
        if let Some(name) = self.str(t, &path, &p::PLACEMENT) {
            out.placement = name;
        }
        if let Some(name) = self.str(t, &path, &p::FAILOVER) {
            out.failover = name;
        }
        let keep = self.bool(t, &path, &p::DECISIONS).unwrap_or(false);
        let options = self
            .integer(t, &path, &p::DECISION_OPTIONS)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(p::DEFAULT_DECISION_OPTIONS);
        out.decisions = keep.then_some(options);
        if let Some(v) = t.get("placement_params") {
            out.placement_params = self.params(
                v,
                &join(&path, "placement_params"),
                p::PLACEMENT_PARAMS.header,
            );
        }
        if let Some(v) = t.get("failover_params") {
            out.failover_params = self.params(
                v,
                &join(&path, "failover_params"),
                p::FAILOVER_PARAMS.header,
            );
        }
        out
    }

    /// A free-form parameter table `v` (written at `path`, header `header`). Values of
    /// the wrong type are reported and left out.
    pub(super) fn params(&mut self, v: &Value<'_>, path: &[String], header: &str) -> PolicyParams {
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
