//! The registry's models by kind (placement, failover, failure models): what `fabricsim
//! models` lists and what the scenario-format reference documents.

use sim_models::policy::Registry;

/// One kind of model in the registry and its entries.
pub struct Section<'r> {
    /// `placement`, `failover` or `failure-model` (the `kind` column of the CSV).
    pub kind: &'static str,
    /// Heading, e.g. `Placement policies`.
    pub title: &'static str,
    /// Where a scenario names one, e.g. `[policy] placement`.
    pub key: &'static str,
    /// `(name, summary)`, sorted by name.
    pub entries: Vec<(&'r str, &'r str)>,
}

/// The registry's placement policies, failover policies and failure models, in that order.
pub fn sections(registry: &Registry) -> [Section<'_>; 3] {
    [
        Section {
            kind: "placement",
            title: "Placement policies",
            key: "[policy] placement",
            entries: registry.placements().collect(),
        },
        Section {
            kind: "failover",
            title: "Failover policies",
            key: "[policy] failover",
            entries: registry.failovers().collect(),
        },
        Section {
            kind: "failure-model",
            title: "Failure models",
            key: "[failures] model",
            entries: registry.failure_models().collect(),
        },
    ]
}
