//! Resolving a scenario's scope key (`region:aws/us-east-1`) to a [`FailureDomain`], with a
//! "did you mean" over the fabric's keys of the same level.

use crate::ModelError;
use crate::suggest::closest;
use crate::topology::{Fabric, FailureDomain};

/// Levels a key may name, outermost first.
const LEVELS: [&str; 7] = [
    "cloud",
    "region",
    "site",
    "cluster",
    "rack",
    "node",
    "accelerator",
];

/// How many valid keys an error message lists before "...".
const LISTED: usize = 6;

/// The domain `key` names, or an error at `path`. O(sites + clusters) on error, and on
/// success O(sites + clusters of the named site) (by [`Fabric::domain_by_key`]).
pub(super) fn resolve(
    fabric: &Fabric,
    key: &str,
    path: &[&str],
) -> Result<FailureDomain, ModelError> {
    if let Some(domain) = fabric.domain_by_key(key) {
        return Ok(domain);
    }
    let Some((level, rest)) = key.split_once(':').filter(|(l, _)| LEVELS.contains(l)) else {
        let all: Vec<String> = LEVELS[..4]
            .iter()
            .flat_map(|level| level_keys(fabric, level))
            .collect();
        return Err(ModelError::new(
            path,
            format!(
                "`{key}` is not a failure-domain key: expected `<level>:<name>` with level one \
                 of {}, e.g. `region:aws/us-east-1` or `cluster:aws-use1/h100-a`",
                LEVELS.join(", ")
            ),
        )
        .with_suggestion(closest(key, all.iter().map(String::as_str))));
    };
    if matches!(level, "rack" | "node" | "accelerator") {
        return Err(in_cluster_error(fabric, key, level, rest, path));
    }
    let valid = level_keys(fabric, level);
    let mut listed: Vec<&str> = valid.iter().take(LISTED).map(String::as_str).collect();
    if valid.len() > LISTED {
        listed.push("...");
    }
    Err(ModelError::new(
        path,
        format!(
            "no {level} `{rest}` in the fabric; {level} keys with capacity: {}",
            if listed.is_empty() {
                "none".to_owned()
            } else {
                listed.join(", ")
            }
        ),
    )
    .with_suggestion(closest(key, valid.iter().map(String::as_str))))
}

/// Error for `rack:`, `node:` and `accelerator:` keys (`<site>/<cluster>/<index>`): a
/// bad index says the valid range, a bad cluster suggests the nearest cluster.
fn in_cluster_error(
    fabric: &Fabric,
    key: &str,
    level: &str,
    rest: &str,
    path: &[&str],
) -> ModelError {
    let (cluster_part, index) = rest.rsplit_once('/').unwrap_or((rest, ""));
    let cluster = cluster_part
        .split_once('/')
        .and_then(|(s, c)| fabric.cluster_by_name(s, c));
    if let Some(cluster) = cluster {
        let count = match level {
            "rack" => cluster.racks.len(),
            "node" => cluster.nodes.len(),
            _ => cluster.accelerators.len(),
        };
        return ModelError::new(
            path,
            format!(
                "`{key}`: {level} index `{index}` is not in 0..{count} (cluster \
                 `{cluster_part}` has {count} {level}s)"
            ),
        );
    }
    let clusters = level_keys(fabric, "cluster");
    let names = clusters.iter().map(|k| &k["cluster:".len()..]);
    let suggestion = closest(cluster_part, names).map(|c| format!("{level}:{c}/{index}"));
    ModelError::new(
        path,
        format!(
            "`{key}`: no cluster `{cluster_part}`; a {level} key is \
             `{level}:<site>/<cluster>/<index>`"
        ),
    )
    .with_suggestion(suggestion)
}

/// The keys of `level` (cloud, region, site or cluster) that hold capacity in `fabric`,
/// in fabric order without duplicates. O(sites + clusters).
pub(super) fn level_keys(fabric: &Fabric, level: &str) -> Vec<String> {
    let mut keys: Vec<String> = match level {
        "cloud" => fabric
            .sites()
            .iter()
            .map(|s| fabric.domain_key(FailureDomain::Cloud(s.cloud)))
            .collect(),
        "region" => fabric
            .sites()
            .iter()
            .map(|s| fabric.domain_key(FailureDomain::Region(s.region)))
            .collect(),
        "site" => fabric
            .sites()
            .iter()
            .map(|s| fabric.domain_key(FailureDomain::Site(s.id)))
            .collect(),
        "cluster" => fabric
            .clusters()
            .iter()
            .map(|c| fabric.domain_key(FailureDomain::Cluster(c.id)))
            .collect(),
        _ => Vec::new(),
    };
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    keys.retain(|k| seen.insert(k.clone()));
    keys
}
