//! What a scenario says about random failures.

use super::{FailureCategory, FailureModel, child};
use crate::ModelError;
use crate::suggest::closest;

/// The random-failure settings of a scenario: a built-in model, a rate scale, and
/// optional explicit categories.
///
/// An explicit category whose name matches one of the model's replaces it; any other is
/// added. `model = "none"` with explicit categories is a fully custom model.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureSpec {
    /// Built-in model name ([`FailureModel::builtin_names`]).
    pub model: String,
    /// Multiplies every rate (finite, >= 0); 1 keeps the model's rates.
    pub rate_scale: f64,
    /// Categories replacing (same name) or extending the model's.
    pub categories: Vec<FailureCategory>,
}

impl Default for FailureSpec {
    /// No failures: model `none`, scale 1, no categories.
    fn default() -> Self {
        Self {
            model: "none".into(),
            rate_scale: 1.0,
            categories: Vec::new(),
        }
    }
}

impl FailureSpec {
    /// The spec of built-in model `model` at scale 1.
    pub fn builtin(model: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            ..Self::default()
        }
    }

    /// The model this spec describes, with `rate_scale` applied, or every problem found,
    /// located under `path` (the spec's key path, e.g. `["failures"]`).
    pub fn resolve(&self, path: &[&str]) -> Result<FailureModel, Vec<ModelError>> {
        let at = |key| child(path, key);
        let mut errors = Vec::new();
        let base = FailureModel::builtin(&self.model);
        if base.is_none() {
            let names = FailureModel::builtin_names();
            errors.push(
                ModelError::new(
                    &at("model"),
                    format!(
                        "unknown failure model {:?}; built-in models: {}",
                        self.model,
                        names.join(", ")
                    ),
                )
                .with_suggestion(closest(&self.model, names.iter().copied())),
            );
        }
        let scale = self.rate_scale;
        if !(scale.is_finite() && scale >= 0.0) {
            errors.push(ModelError::new(
                &at("rate_scale"),
                format!("must be finite and >= 0 (1 keeps the model's rates), got {scale}"),
            ));
        }
        let mut model = base.unwrap_or_else(|| FailureModel {
            name: self.model.clone(),
            categories: Vec::new(),
        });
        for c in &self.categories {
            match model.category_index(&c.name) {
                Some(i) => model.categories[i] = c.clone(),
                None => model.categories.push(c.clone()),
            }
        }
        errors.extend(model.validate(path));
        if errors.is_empty() {
            Ok(model.scaled(scale))
        } else {
            Err(errors)
        }
    }
}
