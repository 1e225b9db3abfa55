//! Building a [`Fabric`] from a [`FabricSpec`]: name resolution, semantic checks, and
//! id-range allocation. The rules are in the docs of [`FabricSpec::build`].
//!
//! # Complexity
//!
//! O(sites + clusters) time and memory (plus the catalog's name lists when an error needs
//! a suggestion); never O(accelerators).

use std::collections::HashMap;

use super::fabric::{Cluster, Fabric, Site};
use super::ids::{ClusterId, SiteId};
use super::spec::{ClusterSpec, FabricSpec, SiteSpec};
use crate::ModelError;
use crate::catalog::{AccelKindId, Catalog, CloudId, RegionId};
use crate::suggest::closest;

impl FabricSpec {
    /// Resolves this spec against `catalog` into a [`Fabric`], or returns every problem
    /// found, each at its key path (e.g. `["sites", "aws-use1", "clusters", "h100-a",
    /// "count"]`). O(sites + clusters), never O(accelerators).
    ///
    /// # Rules
    ///
    /// * Site and cluster names are non-empty ASCII letters, digits, `-` and `_` (TOML
    ///   bare keys), so the keys of [`Fabric::domain_key`] parse back unambiguously. Site
    ///   names are unique in the fabric, cluster names within their site.
    /// * The cloud, the region (of that cloud) and the accelerator exist in the catalog,
    ///   and the cloud offers the accelerator (a scenario declares a new offering in its
    ///   catalog section, which lands in the catalog this builds against).
    /// * `power_cap_mw` is finite and positive; a `pue` override is finite and at least 1.
    /// * `count` is at least 1 and a whole number of nodes: a multiple of the node size
    ///   (the spec's `node_size`, else the accelerator's `instance_chips`). Nodes are never
    ///   partial, because cloud instances are not; the error names the nearest multiples.
    /// * `rack_nodes` is at least 1; the last rack of a cluster may be partial.
    /// * An explicit `scaleup_domain` is between 1 and `count`; the catalog default is
    ///   clamped to `count` (256 TPU v5p chips form one 256-chip slice, not a piece of an
    ///   8,960-chip pod). The last scale-up domain of a cluster may be partial.
    /// * A site with no clusters is allowed: it holds no accelerators and draws no power.
    ///   A fabric with no sites is allowed too. (The scenario reader may be stricter.)
    /// * The whole fabric holds at most `u32::MAX` accelerators and 65,536 sites.
    /// * A site whose peak facility power exceeds its cap is *not* an error (the power
    ///   model throttles); see [`Fabric::over_cap_sites`].
    pub fn build(&self, catalog: &Catalog) -> Result<Fabric, Vec<ModelError>> {
        let mut b = Builder {
            catalog,
            errors: Vec::new(),
            sites: Vec::with_capacity(self.sites.len()),
            clusters: Vec::with_capacity(self.sites.iter().map(|s| s.clusters.len()).sum()),
            next_accelerator: 0,
            next_node: 0,
            next_rack: 0,
            overflowed: false,
        };
        if self.sites.len() > usize::from(u16::MAX) + 1 {
            b.errors.push(ModelError::new(
                &["sites"],
                format!(
                    "{} sites declared; a fabric holds at most {}",
                    self.sites.len(),
                    usize::from(u16::MAX) + 1
                ),
            ));
        }
        let mut names: HashMap<&str, usize> = HashMap::with_capacity(self.sites.len());
        for (i, site) in self.sites.iter().enumerate() {
            if let Some(first) = names.insert(&site.name, i) {
                b.errors.push(ModelError::new(
                    &["sites", &site.name],
                    format!(
                        "duplicate site name {:?} (sites {} and {} in file order); site names \
                         must be unique",
                        site.name,
                        first + 1,
                        i + 1
                    ),
                ));
            }
            b.site(SiteId(i as u16), site);
        }
        if !b.errors.is_empty() {
            return Err(b.errors);
        }
        Ok(Fabric {
            sites: b.sites,
            clusters: b.clusters,
            cloud_names: catalog.clouds().iter().map(|c| c.name.clone()).collect(),
            region_keys: catalog
                .regions()
                .iter()
                .map(|r| format!("{}/{}", r.cloud, r.name))
                .collect(),
        })
    }
}

/// State of one build: what is made so far and every problem found.
struct Builder<'a> {
    catalog: &'a Catalog,
    errors: Vec<ModelError>,
    sites: Vec<Site>,
    clusters: Vec<Cluster>,
    /// Next free global ids, wide so that overflow is detected rather than wrapped.
    next_accelerator: u64,
    next_node: u64,
    next_rack: u64,
    /// Whether the accelerator-count overflow was already reported.
    overflowed: bool,
}

impl Builder<'_> {
    fn error(&mut self, path: &[&str], message: impl Into<String>) {
        self.errors.push(ModelError::new(path, message));
    }

    /// Checks and adds site `spec` with its clusters.
    fn site(&mut self, id: SiteId, spec: &SiteSpec) {
        let catalog = self.catalog;
        let name = spec.name.as_str();
        self.check_name(&["sites", name], "site", name);

        let cloud = catalog.cloud_id(&spec.cloud);
        if cloud.is_none() {
            let names = catalog.clouds().iter().map(|c| c.name.as_str());
            let err = ModelError::new(
                &["sites", name, "cloud"],
                format!(
                    "unknown cloud {:?}; known clouds: {} (a scenario adds one under \
                     [catalog.clouds.<name>])",
                    spec.cloud,
                    list(names.clone())
                ),
            )
            .with_suggestion(closest(&spec.cloud, names));
            self.errors.push(err);
        }
        let region = cloud.and_then(|_| catalog.region_id(&spec.cloud, &spec.region));
        if cloud.is_some() && region.is_none() {
            let names = catalog
                .regions()
                .iter()
                .filter(|r| r.cloud == spec.cloud)
                .map(|r| r.name.as_str());
            let err = ModelError::new(
                &["sites", name, "region"],
                format!(
                    "{} has no region {:?} in the catalog; its regions: {} (a scenario adds \
                     one under [catalog.regions.{}.<region>])",
                    spec.cloud,
                    spec.region,
                    list(names.clone()),
                    spec.cloud
                ),
            )
            .with_suggestion(closest(&spec.region, names));
            self.errors.push(err);
        }

        if !(spec.power_cap_mw.is_finite() && spec.power_cap_mw > 0.0) {
            self.error(
                &["sites", name, "power_cap_mw"],
                format!(
                    "power cap must be a positive number of MW, found {}",
                    spec.power_cap_mw
                ),
            );
        }
        let pue = match spec.pue {
            Some(pue) if pue.is_finite() && pue >= 1.0 => pue,
            Some(pue) => {
                self.error(
                    &["sites", name, "pue"],
                    format!(
                        "PUE (facility power / IT power) must be a number of at least 1, \
                         found {pue}"
                    ),
                );
                1.0
            }
            None => region.map_or(1.0, |r| catalog.region(r).pue),
        };

        let first_cluster = self.clusters.len() as u32;
        let first_accelerator = narrow(self.next_accelerator);
        let mut names: HashMap<&str, usize> = HashMap::with_capacity(spec.clusters.len());
        for (i, cluster) in spec.clusters.iter().enumerate() {
            if let Some(first) = names.insert(&cluster.name, i) {
                self.error(
                    &["sites", name, "clusters", &cluster.name],
                    format!(
                        "duplicate cluster name {:?} in site {name:?} (clusters {} and {} in \
                         file order); cluster names must be unique within a site",
                        cluster.name,
                        first + 1,
                        i + 1
                    ),
                );
            }
            self.cluster(id, spec, cloud, cluster);
        }
        let clusters = first_cluster..self.clusters.len() as u32;
        let peak_it_w = self.clusters[clusters.start as usize..]
            .iter()
            .map(Cluster::peak_it_w)
            .sum();
        self.sites.push(Site {
            id,
            name: spec.name.clone(),
            cloud: cloud.unwrap_or(CloudId(0)),
            region: region.unwrap_or(RegionId(0)),
            power_cap_w: spec.power_cap_mw * crate::units::W_PER_MW,
            pue,
            online_from: spec.online_from,
            clusters,
            accelerators: first_accelerator..narrow(self.next_accelerator),
            peak_it_w,
        });
    }

    /// Checks and adds cluster `spec` of site `site_spec` (whose cloud resolved to `cloud`).
    fn cluster(
        &mut self,
        site: SiteId,
        site_spec: &SiteSpec,
        cloud: Option<CloudId>,
        spec: &ClusterSpec,
    ) {
        let catalog = self.catalog;
        let (s, c) = (site_spec.name.as_str(), spec.name.as_str());
        let path = |key: &'static str| ["sites", s, "clusters", c, key];
        self.check_name(&["sites", s, "clusters", c], "cluster", c);

        let kind = catalog.accelerator_id(&spec.accelerator);
        let accel = kind.map(|k| catalog.accelerator(k));
        if kind.is_none() {
            let names = catalog.accelerators().iter().map(|a| a.name.as_str());
            let err = ModelError::new(
                &path("accelerator"),
                format!(
                    "unknown accelerator {:?}; known accelerators: {} (a scenario adds one \
                     under [catalog.accelerators.<name>])",
                    spec.accelerator,
                    list(names.clone())
                ),
            )
            .with_suggestion(closest(&spec.accelerator, names));
            self.errors.push(err);
        } else if cloud.is_some()
            && catalog
                .offering(&site_spec.cloud, &spec.accelerator)
                .is_none()
        {
            let (cl, ac) = (&site_spec.cloud, &spec.accelerator);
            let offered_by = catalog
                .offerings()
                .iter()
                .filter(|o| &o.accelerator == ac)
                .map(|o| o.cloud.as_str());
            let offered_by = match list(offered_by) {
                l if l.is_empty() => "no cloud in the catalog offers it".to_owned(),
                l => format!("offered by {l}"),
            };
            self.error(
                &path("accelerator"),
                format!(
                    "{cl} does not offer {ac} in the catalog ({offered_by}); if the scenario \
                     assumes it does, declare it with [catalog.offerings.{cl}.{ac}] or add \
                     {ac:?} to the `offers` list of [catalog.clouds.{cl}]"
                ),
            );
        }

        if spec.count == 0 {
            self.error(&path("count"), "count must be at least 1 accelerator");
        }
        let node_size = match (spec.node_size, accel) {
            (Some(0), _) => {
                self.error(
                    &path("node_size"),
                    "node_size must be at least 1 accelerator",
                );
                None
            }
            (Some(n), _) => Some(n),
            (None, Some(a)) if a.instance_chips == 0 => {
                self.error(
                    &path("node_size"),
                    format!(
                        "{} has no instance size in the catalog (instance_chips = 0); set \
                         node_size",
                        a.name
                    ),
                );
                None
            }
            (None, Some(a)) => Some(a.instance_chips),
            (None, None) => None,
        };
        if let Some(n) = node_size
            && spec.count > 0
            && !spec.count.is_multiple_of(n)
        {
            let below = spec.count / n * n;
            let above = u64::from(below) + u64::from(n);
            let nearest = match below {
                0 => above.to_string(),
                _ => format!("{below} or {above}"),
            };
            let origin = match spec.node_size {
                Some(_) => String::new(),
                None => format!(
                    " (node_size defaults to the {} instance size; set node_size to change it)",
                    spec.accelerator
                ),
            };
            self.error(
                &path("count"),
                format!(
                    "count {} is not a whole number of {n}-accelerator nodes{origin}; use \
                     {nearest}",
                    spec.count
                ),
            );
        }
        if spec.rack_nodes == 0 {
            self.error(&path("rack_nodes"), "rack_nodes must be at least 1 node");
        }
        let scaleup_domain = match (spec.scaleup_domain, accel) {
            (Some(0), _) => {
                self.error(
                    &path("scaleup_domain"),
                    "scaleup_domain must be at least 1 accelerator",
                );
                1
            }
            (Some(d), _) if spec.count > 0 && d > spec.count => {
                self.error(
                    &path("scaleup_domain"),
                    format!(
                        "a scale-up domain of {d} accelerators exceeds the cluster's count \
                         {}; use at most {}",
                        spec.count, spec.count
                    ),
                );
                d
            }
            (Some(d), _) => d,
            (None, Some(a)) => a.scaleup_domain.clamp(1, spec.count.max(1)),
            (None, None) => 1,
        };

        // Allocate id ranges (placeholders when the spec is wrong: the fabric is then
        // discarded, but building on keeps later errors coming).
        let count = u64::from(spec.count);
        let node_size = node_size.unwrap_or(1).max(1);
        let rack_nodes = spec.rack_nodes.max(1);
        let nodes = count / u64::from(node_size);
        let racks = nodes.div_ceil(u64::from(rack_nodes));
        let end = self.next_accelerator + count;
        if end > u64::from(u32::MAX) && !self.overflowed {
            self.overflowed = true;
            self.error(
                &path("count"),
                format!(
                    "the fabric would hold more than {} accelerators (ids are 32-bit)",
                    u32::MAX
                ),
            );
        }
        let accelerators = narrow(self.next_accelerator)..narrow(end);
        let node_range = narrow(self.next_node)..narrow(self.next_node + nodes);
        let rack_range = narrow(self.next_rack)..narrow(self.next_rack + racks);
        self.next_accelerator = end;
        self.next_node += nodes;
        self.next_rack += racks;
        self.clusters.push(Cluster {
            id: ClusterId(self.clusters.len() as u32),
            name: spec.name.clone(),
            site,
            accelerator: kind.unwrap_or(AccelKindId(0)),
            accelerators,
            nodes: node_range,
            racks: rack_range,
            node_size,
            rack_nodes,
            scaleup_domain,
            chip_peak_it_w: accel.map_or(0.0, |a| a.tdp_w + a.host_w_per_chip),
            chip_bf16_tflops: accel.map_or(0.0, |a| a.bf16_tflops),
            online_from: spec.online_from.max(site_spec.online_from),
        });
    }

    /// Reports `name` (of a `what`) at `path` unless it is a valid key.
    fn check_name(&mut self, path: &[&str], what: &str, name: &str) {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
        if !valid {
            self.error(
                path,
                format!(
                    "{what} name {name:?} must be non-empty ASCII letters, digits, '-' and '_' \
                     (it appears in keys such as `{what}:<name>`)"
                ),
            );
        }
    }
}

/// `x` as a `u32`, saturating (only reached with out-of-range values when the build fails).
fn narrow(x: u64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// Comma-separated names.
fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{catalog, cluster, site};
    use super::*;

    fn build(sites: Vec<SiteSpec>) -> Result<Fabric, Vec<ModelError>> {
        FabricSpec { sites }.build(&catalog())
    }

    fn errors(sites: Vec<SiteSpec>) -> Vec<ModelError> {
        build(sites).expect_err("spec should be rejected")
    }

    fn paths(errors: &[ModelError]) -> Vec<String> {
        errors.iter().map(ModelError::dotted_path).collect()
    }

    #[test]
    fn allocates_contiguous_ranges_in_file_order() {
        let fabric = build(vec![
            site(
                "aws-use1",
                "aws",
                "us-east-1",
                vec![
                    cluster("h100-a", "h100", 1024, 4),
                    cluster("trn2-a", "trn2", 160, 3),
                ],
            ),
            site("empty", "aws", "us-west-2", vec![]),
            site(
                "gcp-usc1",
                "gcp",
                "us-central1",
                vec![cluster("v5p", "tpu-v5p", 256, 16)],
            ),
        ])
        .unwrap();
        let c = fabric.clusters();
        assert_eq!(c.len(), 3);
        assert_eq!(
            (
                c[0].accelerators.clone(),
                c[0].nodes.clone(),
                c[0].racks.clone()
            ),
            (0..1024, 0..128, 0..32)
        );
        // 160 trn2 = 10 nodes of 16 = racks of 3, 3, 3, 1.
        assert_eq!(
            (
                c[1].accelerators.clone(),
                c[1].nodes.clone(),
                c[1].racks.clone()
            ),
            (1024..1184, 128..138, 32..36)
        );
        assert_eq!(
            (
                c[2].accelerators.clone(),
                c[2].nodes.clone(),
                c[2].racks.clone()
            ),
            (1184..1440, 138..202, 36..40)
        );
        let s = fabric.sites();
        assert_eq!(
            (s[0].clusters.clone(), s[0].accelerators.clone()),
            (0..2, 0..1184)
        );
        assert_eq!(
            (s[1].clusters.clone(), s[1].accelerators.clone()),
            (2..2, 1184..1184)
        );
        assert_eq!(
            (s[2].clusters.clone(), s[2].accelerators.clone()),
            (2..3, 1184..1440)
        );
        assert_eq!(s[1].peak_it_w, 0.0);
        assert_eq!(fabric.accelerator_count(), 1440);
    }

    #[test]
    fn defaults_come_from_catalog_and_region() {
        let fabric = build(vec![site(
            "gcp-usc1",
            "gcp",
            "us-central1",
            vec![cluster("v5p", "tpu-v5p", 256, 16)],
        )])
        .unwrap();
        let (s, c) = (&fabric.sites()[0], &fabric.clusters()[0]);
        assert_eq!(s.pue, 1.1);
        assert_eq!(s.power_cap_w, 50e6);
        assert_eq!(c.node_size, 4);
        // The catalog's 8960-chip pod is clamped to the cluster: one 256-chip slice.
        assert_eq!(c.scaleup_domain, 256);
        assert_eq!(c.chip_peak_it_w, 550.0);
    }

    #[test]
    fn explicit_values_override_defaults() {
        let mut c = cluster("h", "h100", 96, 2);
        c.node_size = Some(4);
        c.scaleup_domain = Some(72);
        let mut s = site("aws-use1", "aws", "us-east-1", vec![c]);
        s.pue = Some(1.3);
        let fabric = build(vec![s]).unwrap();
        let c = &fabric.clusters()[0];
        assert_eq!((c.node_size, c.scaleup_domain, c.nodes.len()), (4, 72, 24));
        assert_eq!(fabric.sites()[0].pue, 1.3);
    }

    #[test]
    fn reports_every_problem_at_once_with_paths() {
        let mut bad_cluster = cluster("c", "h100", 0, 0);
        bad_cluster.node_size = Some(0);
        bad_cluster.scaleup_domain = Some(0);
        let mut bad_site = site("s1", "aws", "us-east-1", vec![bad_cluster]);
        bad_site.power_cap_mw = 0.0;
        bad_site.pue = Some(0.9);
        let errs = errors(vec![
            bad_site,
            site("s2", "awz", "us-east-1", vec![cluster("c", "h10", 8, 1)]),
            site("s3", "aws", "us-est-1", vec![]),
        ]);
        assert_eq!(
            paths(&errs),
            [
                "sites.s1.power_cap_mw",
                "sites.s1.pue",
                "sites.s1.clusters.c.count",
                "sites.s1.clusters.c.node_size",
                "sites.s1.clusters.c.rack_nodes",
                "sites.s1.clusters.c.scaleup_domain",
                "sites.s2.cloud",
                "sites.s2.clusters.c.accelerator",
                "sites.s3.region",
            ]
        );
        let suggestions: Vec<_> = errs
            .iter()
            .filter_map(|e| e.suggestion.as_deref())
            .collect();
        assert_eq!(suggestions, ["aws", "h100", "us-east-1"]);
        assert!(
            errs[6].message.contains("known clouds: aws, gcp, azure"),
            "{}",
            errs[6]
        );
        assert!(
            errs[8].message.contains("aws has no region \"us-est-1\""),
            "{}",
            errs[8]
        );
    }

    #[test]
    fn accelerator_not_offered_says_how_to_declare_it() {
        let errs = errors(vec![site(
            "g",
            "gcp",
            "us-central1",
            vec![cluster("c", "h100", 8, 1)],
        )]);
        assert_eq!(paths(&errs), ["sites.g.clusters.c.accelerator"]);
        let m = &errs[0].message;
        assert!(
            m.starts_with("gcp does not offer h100 in the catalog (offered by aws, azure)"),
            "{m}"
        );
        assert!(m.contains("[catalog.offerings.gcp.h100]"), "{m}");
        assert!(m.contains("`offers` list of [catalog.clouds.gcp]"), "{m}");
    }

    #[test]
    fn count_must_be_whole_nodes() {
        let errs = errors(vec![site(
            "a",
            "aws",
            "us-east-1",
            vec![cluster("c", "h100", 1001, 4)],
        )]);
        assert_eq!(paths(&errs), ["sites.a.clusters.c.count"]);
        assert!(
            errs[0]
                .message
                .contains("not a whole number of 8-accelerator nodes")
        );
        assert!(
            errs[0]
                .message
                .contains("node_size defaults to the h100 instance size")
        );
        assert!(errs[0].message.ends_with("use 1000 or 1008"), "{}", errs[0]);

        let mut c = cluster("c", "h100", 3, 4);
        c.node_size = Some(4);
        let errs = errors(vec![site("a", "aws", "us-east-1", vec![c])]);
        assert!(errs[0].message.ends_with("nodes; use 4"), "{}", errs[0]);
    }

    #[test]
    fn scaleup_domain_larger_than_count_is_an_error() {
        let mut c = cluster("c", "h100", 8, 1);
        c.scaleup_domain = Some(72);
        let errs = errors(vec![site("a", "aws", "us-east-1", vec![c])]);
        assert_eq!(paths(&errs), ["sites.a.clusters.c.scaleup_domain"]);
        assert!(errs[0].message.contains("use at most 8"));
    }

    #[test]
    fn non_finite_cap_and_pue_are_errors() {
        let mut s = site("a", "aws", "us-east-1", vec![]);
        s.power_cap_mw = f64::NAN;
        s.pue = Some(f64::INFINITY);
        let errs = errors(vec![s]);
        assert_eq!(paths(&errs), ["sites.a.power_cap_mw", "sites.a.pue"]);
    }

    #[test]
    fn duplicate_and_malformed_names_are_errors() {
        let errs = errors(vec![
            site(
                "a",
                "aws",
                "us-east-1",
                vec![cluster("c", "h100", 8, 1), cluster("c", "trn2", 16, 1)],
            ),
            site("a", "aws", "us-west-2", vec![]),
            site("b/c", "aws", "us-west-2", vec![cluster("", "h100", 8, 1)]),
        ]);
        assert_eq!(
            paths(&errs),
            [
                "sites.a.clusters.c",
                "sites.a",
                "sites.b/c",
                "sites.b/c.clusters."
            ]
        );
        assert!(errs[0].message.contains("clusters 1 and 2"), "{}", errs[0]);
        assert!(errs[1].message.contains("sites 1 and 2"), "{}", errs[1]);
        assert!(
            errs[2].message.contains("must be non-empty ASCII letters"),
            "{}",
            errs[2]
        );
    }

    #[test]
    fn more_than_u32_accelerators_is_an_error() {
        let mut big = cluster("big", "h100", u32::MAX, 1);
        big.node_size = Some(1);
        let errs = errors(vec![site(
            "a",
            "aws",
            "us-east-1",
            vec![big.clone(), cluster("more", "h100", 8, 1)],
        )]);
        assert_eq!(paths(&errs), ["sites.a.clusters.more.count"]);
        assert!(
            errs[0]
                .message
                .contains("more than 4294967295 accelerators")
        );
        // Exactly u32::MAX accelerators fit.
        let fabric = build(vec![site("a", "aws", "us-east-1", vec![big])]).unwrap();
        assert_eq!(fabric.accelerator_count(), u32::MAX);
    }

    #[test]
    fn empty_fabric_is_allowed() {
        let fabric = build(vec![]).unwrap();
        assert_eq!(fabric.accelerator_count(), 0);
        assert_eq!(fabric.node_count(), 0);
    }
}
