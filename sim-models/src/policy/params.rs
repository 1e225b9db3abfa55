//! Parameters of a policy or model as a scenario gives them (`[policy.placement_params]`
//! and the like): [`ParamValue`] and [`PolicyParams`]. Their own module so that the
//! registry and every policy can read them without importing each other.

use std::collections::BTreeMap;

use crate::suggest::closest;

/// A parameter value of a policy or model, as a scenario gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
    /// A table of named values.
    Table(BTreeMap<String, ParamValue>),
}

/// Named parameters of a policy or model (`[policy.placement_params]` and the like).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyParams {
    /// The values, by key.
    pub values: BTreeMap<String, ParamValue>,
}

impl PolicyParams {
    /// Parameters from `(key, value)` pairs.
    pub fn from_pairs<I: IntoIterator<Item = (String, ParamValue)>>(pairs: I) -> Self {
        Self {
            values: pairs.into_iter().collect(),
        }
    }

    /// Fails on a key not in `known` (with a suggestion in the message).
    pub fn only(&self, known: &[&str]) -> Result<(), String> {
        for key in self.values.keys() {
            if !known.contains(&key.as_str()) {
                let hint = closest(key, known.iter().copied())
                    .map_or_else(String::new, |s| format!(" (did you mean {s:?}?)"));
                return Err(format!(
                    "unknown parameter {key:?}{hint}; expected one of: {}",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
        Ok(())
    }

    /// Number `key`, or `default` when absent.
    pub fn number(&self, key: &str, default: f64) -> Result<f64, String> {
        match self.values.get(key) {
            None => Ok(default),
            Some(ParamValue::Number(x)) => Ok(*x),
            Some(other) => Err(format!("parameter {key:?} must be a number, got {other:?}")),
        }
    }

    /// Text `key`, or `default` when absent.
    pub fn text<'a>(&'a self, key: &str, default: &'a str) -> Result<&'a str, String> {
        match self.values.get(key) {
            None => Ok(default),
            Some(ParamValue::Text(s)) => Ok(s),
            Some(other) => Err(format!("parameter {key:?} must be a string, got {other:?}")),
        }
    }

    /// Table `key` (empty when absent).
    pub fn table(&self, key: &str) -> Result<BTreeMap<String, ParamValue>, String> {
        match self.values.get(key) {
            None => Ok(BTreeMap::new()),
            Some(ParamValue::Table(t)) => Ok(t.clone()),
            Some(other) => Err(format!("parameter {key:?} must be a table, got {other:?}")),
        }
    }
}
