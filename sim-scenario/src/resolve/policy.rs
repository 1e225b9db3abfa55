//! Names looked up in the binary's registry: the placement and failover policies of
//! `[policy]` and the failure model of `[failures]`, each built from its parameters. The
//! registry reports errors without a key path; they are located here, at the name when it
//! is unknown (with the registry's "did you mean"), else at the parameter table whose
//! values the factory rejected.

use sim_models::ModelError;
use sim_models::failure::FailureModel;
use sim_models::policy::{Failover, Placement, PolicyParams, Registry};

use crate::scenario::{PolicySection, Scenario};

/// Gives a registry error its key path: `name_path` if `name` is not one of `names` (the
/// error carries the registry's suggestion), else `params_path` (the factory rejected the
/// parameters).
fn locate<'a>(
    mut e: ModelError,
    mut names: impl Iterator<Item = (&'a str, &'a str)>,
    name: &str,
    name_path: &[&str],
    params_path: &[&str],
) -> ModelError {
    let known = names.any(|(n, _)| n == name);
    let path = if known { params_path } else { name_path };
    e.path = path.iter().map(|k| (*k).to_owned()).collect();
    e
}

/// Placement policy `name` from `registry`, built from `params`; an unknown name is
/// located at `policy.placement`, rejected parameters at `policy.placement_params`.
pub fn build_placement(
    registry: &Registry,
    name: &str,
    params: &PolicyParams,
) -> Result<Box<dyn Placement>, ModelError> {
    registry.placement(name, params).map_err(|e| {
        let names = registry.placements();
        locate(
            e,
            names,
            name,
            &["policy", "placement"],
            &["policy", "placement_params"],
        )
    })
}

/// Failover policy `name` from `registry`, built from `params`; errors located at
/// `policy.failover` or `policy.failover_params`.
pub fn build_failover(
    registry: &Registry,
    name: &str,
    params: &PolicyParams,
) -> Result<Box<dyn Failover>, ModelError> {
    registry.failover(name, params).map_err(|e| {
        let names = registry.failovers();
        locate(
            e,
            names,
            name,
            &["policy", "failover"],
            &["policy", "failover_params"],
        )
    })
}

/// Every problem with `[policy]`: each policy is built once from its parameters.
pub fn policy_errors(policy: &PolicySection, registry: &Registry) -> Vec<ModelError> {
    let placement = build_placement(registry, &policy.placement, &policy.placement_params);
    let failover = build_failover(registry, &policy.failover, &policy.failover_params);
    placement.err().into_iter().chain(failover.err()).collect()
}

/// The failure model of `[failures]`: `model` from `registry`, built from
/// `[failures.params]`, with `[failures.categories.*]` replacing (same name) or adding
/// categories, then every rate times `rate_scale`. Errors are located under `failures`
/// (`failures.model` for an unknown name, `failures.params` for rejected parameters).
pub fn failure_model(
    scenario: &Scenario,
    registry: &Registry,
) -> Result<FailureModel, Vec<ModelError>> {
    let spec = &scenario.failures;
    let mut model = registry
        .failure_model(&spec.model, &scenario.failure_params)
        .map_err(|e| {
            let names = registry.failure_models();
            let e = locate(
                e,
                names,
                &spec.model,
                &["failures", "model"],
                &["failures", "params"],
            );
            vec![e]
        })?;
    for c in &spec.categories {
        match model.category_index(&c.name) {
            Some(i) => model.categories[i] = c.clone(),
            None => model.categories.push(c.clone()),
        }
    }
    let mut errors = model.validate(&["failures"]);
    let scale = spec.rate_scale;
    if !(scale.is_finite() && scale >= 0.0) {
        errors.push(ModelError::new(
            &["failures", "rate_scale"],
            format!("must be finite and >= 0 (1 keeps the model's rates), got {scale}"),
        ));
    }
    if errors.is_empty() {
        Ok(model.scaled(scale))
    } else {
        Err(errors)
    }
}
