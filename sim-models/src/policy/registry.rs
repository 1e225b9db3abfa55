//! Models by name: the built-in placement and failover policies and failure models, plus
//! whatever a user crate adds. Scenario files refer to entries by name; a misspelled name
//! gets a "did you mean". A user crate can also add accelerator families (a spec, the
//! clouds selling it, and optionally its own power-capping curve), which
//! [`Registry::extend_catalog`] adds to a run's catalog so that clusters can name them.
//! The guide `docs/writing-a-model-crate.md` walks through a whole plug-in crate.
//!
//! ```
//! use sim_models::policy::{Registry, PolicyParams};
//! let registry = Registry::builtin();
//! let p = registry.placement("cheapest", &PolicyParams::default()).unwrap();
//! assert_eq!(p.name(), "cheapest");
//! let e = registry.placement("cheapst", &PolicyParams::default()).err().unwrap();
//! assert_eq!(e.suggestion.as_deref(), Some("cheapest"));
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ModelError;
use crate::catalog::{AcceleratorSpec, CapCurve, Catalog, Offering};
use crate::failure::FailureModel;
use crate::suggest::closest;

use super::failover::Failover;
use super::params::PolicyParams;
use super::placement::Placement;

/// Builds a placement policy from its parameters.
pub type PlacementFactory =
    Arc<dyn Fn(&PolicyParams) -> Result<Box<dyn Placement>, String> + Send + Sync>;
/// Builds a failover policy from its parameters.
pub type FailoverFactory =
    Arc<dyn Fn(&PolicyParams) -> Result<Box<dyn Failover>, String> + Send + Sync>;
/// Builds a failure model from its parameters.
pub type FailureFactory = Arc<dyn Fn(&PolicyParams) -> Result<FailureModel, String> + Send + Sync>;

#[derive(Clone)]
struct Entry<F> {
    summary: String,
    factory: F,
}

/// An accelerator family a crate added: its spec, offerings and optional curve.
#[derive(Clone, Debug)]
struct AcceleratorEntry {
    spec: AcceleratorSpec,
    offerings: Vec<Offering>,
    curve: Option<Arc<CapCurve>>,
}

/// Every model and policy that scenario files can name. Cheap to clone; `Send + Sync`, so
/// parallel runs share one.
#[derive(Clone, Default)]
pub struct Registry {
    placements: BTreeMap<String, Entry<PlacementFactory>>,
    failovers: BTreeMap<String, Entry<FailoverFactory>>,
    failure_models: BTreeMap<String, Entry<FailureFactory>>,
    /// In the order added: the order their kinds get catalog ids.
    accelerators: Vec<AcceleratorEntry>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("placements", &self.placements.keys().collect::<Vec<_>>())
            .field("failovers", &self.failovers.keys().collect::<Vec<_>>())
            .field(
                "failure_models",
                &self.failure_models.keys().collect::<Vec<_>>(),
            )
            .field(
                "accelerators",
                &self
                    .accelerators
                    .iter()
                    .map(|a| a.spec.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn lookup<'a, F>(
    map: &'a BTreeMap<String, Entry<F>>,
    what: &str,
    name: &str,
) -> Result<&'a F, ModelError> {
    map.get(name).map(|e| &e.factory).ok_or_else(|| {
        ModelError::new(
            &[],
            format!(
                "unknown {what} {name:?}; known: {}",
                map.keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .with_suggestion(closest(name, map.keys().map(String::as_str)))
    })
}

impl Registry {
    /// No entries at all.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The built-in policies and failure models.
    pub fn builtin() -> Self {
        let mut r = Self::empty();
        super::placement::register(&mut r);
        super::failover::register(&mut r);
        for &name in FailureModel::builtin_names() {
            let model = FailureModel::builtin(name).expect("a listed built-in exists");
            r.add_failure_model(name, "built-in failure model", move |p: &PolicyParams| {
                p.only(&[])?;
                Ok(model.clone())
            });
        }
        r
    }

    /// Adds (or replaces) placement policy `name`.
    pub fn add_placement(
        &mut self,
        name: &str,
        summary: &str,
        factory: impl Fn(&PolicyParams) -> Result<Box<dyn Placement>, String> + Send + Sync + 'static,
    ) {
        self.placements.insert(
            name.to_owned(),
            Entry {
                summary: summary.to_owned(),
                factory: Arc::new(factory),
            },
        );
    }

    /// Adds (or replaces) failover policy `name`.
    pub fn add_failover(
        &mut self,
        name: &str,
        summary: &str,
        factory: impl Fn(&PolicyParams) -> Result<Box<dyn Failover>, String> + Send + Sync + 'static,
    ) {
        self.failovers.insert(
            name.to_owned(),
            Entry {
                summary: summary.to_owned(),
                factory: Arc::new(factory),
            },
        );
    }

    /// Adds (or replaces) failure model `name`.
    pub fn add_failure_model(
        &mut self,
        name: &str,
        summary: &str,
        factory: impl Fn(&PolicyParams) -> Result<FailureModel, String> + Send + Sync + 'static,
    ) {
        self.failure_models.insert(
            name.to_owned(),
            Entry {
                summary: summary.to_owned(),
                factory: Arc::new(factory),
            },
        );
    }

    /// A new placement policy `name` built from `params`. The error has an empty path
    /// (the caller knows where the name came from) and a suggestion for a misspelling.
    pub fn placement(
        &self,
        name: &str,
        params: &PolicyParams,
    ) -> Result<Box<dyn Placement>, ModelError> {
        let f = lookup(&self.placements, "placement policy", name)?;
        f(params).map_err(|m| ModelError::new(&[], m))
    }

    /// A new failover policy `name` built from `params`.
    pub fn failover(
        &self,
        name: &str,
        params: &PolicyParams,
    ) -> Result<Box<dyn Failover>, ModelError> {
        let f = lookup(&self.failovers, "failover policy", name)?;
        f(params).map_err(|m| ModelError::new(&[], m))
    }

    /// Failure model `name` built from `params`.
    pub fn failure_model(
        &self,
        name: &str,
        params: &PolicyParams,
    ) -> Result<FailureModel, ModelError> {
        let f = lookup(&self.failure_models, "failure model", name)?;
        f(params).map_err(|m| ModelError::new(&[], m))
    }

    /// Placement policy names and summaries, sorted.
    pub fn placements(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.placements
            .iter()
            .map(|(k, e)| (k.as_str(), e.summary.as_str()))
    }

    /// Failover policy names and summaries, sorted.
    pub fn failovers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.failovers
            .iter()
            .map(|(k, e)| (k.as_str(), e.summary.as_str()))
    }

    /// Failure model names and summaries, sorted.
    pub fn failure_models(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.failure_models
            .iter()
            .map(|(k, e)| (k.as_str(), e.summary.as_str()))
    }

    /// Adds (or replaces, by `spec.name`) an accelerator family: its spec, the clouds
    /// selling it (each [`Offering`] naming `spec.name` and a cloud of the catalog), and
    /// its own power-capping curve (`None`: throttled chips of this kind follow their
    /// site's curve). Nothing is checked here: [`Registry::extend_catalog`] checks it
    /// against the catalog of a run.
    ///
    /// ```
    /// # use sim_models::catalog::Catalog;
    /// # use sim_models::policy::Registry;
    /// # use sim_models::power::CapCurve;
    /// let catalog = Catalog::builtin();
    /// let mut spec = catalog.accelerator(catalog.accelerator_id("h100").unwrap()).clone();
    /// spec.name = "h100-cool".into();
    /// let curve = CapCurve::new([(0.5, 0.8)], &["h100-cool"]).unwrap();
    /// let mut registry = Registry::builtin();
    /// registry.add_accelerator(spec, Vec::new(), Some(curve));
    /// let catalog = registry.catalog().unwrap();
    /// let id = catalog.accelerator_id("h100-cool").unwrap();
    /// assert_eq!(catalog.cap_curve(id).unwrap().throughput(0.5), 0.8);
    /// ```
    pub fn add_accelerator(
        &mut self,
        spec: AcceleratorSpec,
        offerings: Vec<Offering>,
        curve: Option<CapCurve>,
    ) {
        let entry = AcceleratorEntry {
            spec,
            offerings,
            curve: curve.map(Arc::new),
        };
        match self
            .accelerators
            .iter_mut()
            .find(|a| a.spec.name == entry.spec.name)
        {
            Some(existing) => *existing = entry,
            None => self.accelerators.push(entry),
        }
    }

    /// The accelerator families added, in the order added.
    pub fn accelerators(&self) -> impl Iterator<Item = &AcceleratorSpec> + '_ {
        self.accelerators.iter().map(|a| &a.spec)
    }

    /// Adds every accelerator family of this registry to `catalog`, in the order added
    /// (see [`Catalog::add_accelerator`]): a new kind is appended, a kind of the same
    /// name is replaced in place; offerings and curves come along.
    ///
    /// Call it on the built-in catalog *before* applying a scenario's `[catalog.*]`
    /// overrides, so that a scenario can patch a plug-in kind (its price, say) like any
    /// other. With no families added this does nothing, so the built-in registry leaves
    /// the catalog exactly as it was.
    ///
    /// On error, returns every problem, at paths `registry.accelerators.<kind>.<field>`
    /// and `registry.offerings.<cloud>.<kind>`, and leaves `catalog` unchanged: the fault
    /// is in the crate that added the family, not in the scenario.
    pub fn extend_catalog(&self, catalog: &mut Catalog) -> Result<(), Vec<ModelError>> {
        if self.accelerators.is_empty() {
            return Ok(());
        }
        let mut next = catalog.clone();
        let mut errors = Vec::new();
        for a in &self.accelerators {
            if let Err(e) = next.add_accelerator(&a.spec, &a.offerings, a.curve.clone()) {
                errors.extend(e.into_iter().map(|mut e| {
                    match e.path.first_mut() {
                        Some(first) if first == "catalog" => "registry".clone_into(first),
                        _ => e.path.insert(0, "registry".to_owned()),
                    }
                    e
                }));
            }
        }
        if errors.is_empty() {
            *catalog = next;
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The built-in catalog extended with this registry's accelerator families
    /// ([`Registry::extend_catalog`]).
    pub fn catalog(&self) -> Result<Catalog, Vec<ModelError>> {
        let mut catalog = Catalog::builtin();
        self.extend_catalog(&mut catalog)?;
        Ok(catalog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DataStatus, Provenance};

    fn family(name: &str, cloud: &str) -> (AcceleratorSpec, Vec<Offering>) {
        let catalog = Catalog::builtin();
        let mut spec = catalog
            .accelerator(catalog.accelerator_id("b200").unwrap())
            .clone();
        spec.name = name.into();
        spec.provenance = Provenance {
            status: DataStatus::Estimate,
            source: "registry test".into(),
        };
        let offering = Offering {
            cloud: cloud.into(),
            accelerator: name.into(),
            usd_per_chip_hour: Some(4.0),
            provenance: spec.provenance.clone(),
        };
        (spec, vec![offering])
    }

    #[test]
    fn the_builtin_registry_leaves_the_catalog_as_it_is() {
        let mut catalog = Catalog::builtin();
        Registry::builtin().extend_catalog(&mut catalog).unwrap();
        assert_eq!(catalog, Catalog::builtin());
        assert_eq!(Registry::builtin().accelerators().count(), 0);
    }

    #[test]
    fn families_are_added_in_order_with_offerings_and_curves() {
        let mut r = Registry::builtin();
        let (a, offers_a) = family("chip-a", "gcp");
        let (b, offers_b) = family("chip-b", "aws");
        let curve = CapCurve::new([(0.3, 0.6)], &["chip-b"]).unwrap();
        r.add_accelerator(a.clone(), offers_a, None);
        r.add_accelerator(b, offers_b, Some(curve.clone()));
        // Replacing keeps the place in the order.
        let mut a2 = a;
        a2.tdp_w = 900.0;
        r.add_accelerator(a2, Vec::new(), None);
        let names: Vec<&str> = r.accelerators().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["chip-a", "chip-b"]);
        let catalog = r.catalog().unwrap();
        let n = Catalog::builtin().accelerators().len();
        let (ia, ib) = (
            catalog.accelerator_id("chip-a").unwrap(),
            catalog.accelerator_id("chip-b").unwrap(),
        );
        assert_eq!((usize::from(ia.0), usize::from(ib.0)), (n, n + 1));
        assert_eq!(catalog.accelerator(ia).tdp_w, 900.0);
        assert!(catalog.offering("gcp", "chip-a").is_none());
        assert_eq!(
            catalog.offering("aws", "chip-b").unwrap().usd_per_chip_hour,
            Some(4.0)
        );
        assert_eq!(catalog.cap_curve(ia), None);
        assert_eq!(catalog.cap_curve(ib).map(|c| &**c), Some(&curve));
        assert!(format!("{r:?}").contains("chip-b"));
    }

    #[test]
    fn a_scenario_can_patch_a_registered_kind_which_keeps_its_curve() {
        let mut r = Registry::builtin();
        let (spec, offers) = family("chip-c", "oci");
        let curve = CapCurve::new([(0.4, 0.7)], &["chip-c"]).unwrap();
        r.add_accelerator(spec, offers, Some(curve.clone()));
        let mut catalog = r.catalog().unwrap();
        let overrides = crate::catalog::CatalogOverrides {
            offerings: vec![(
                ("oci".into(), "chip-c".into()),
                crate::catalog::OfferingPatch {
                    usd_per_chip_hour: Some(2.5),
                },
            )],
            source: "scenario test.toml".into(),
            ..Default::default()
        };
        catalog.apply(&overrides).unwrap();
        let id = catalog.accelerator_id("chip-c").unwrap();
        assert_eq!(catalog.cap_curve(id).map(|c| &**c), Some(&curve));
        let offering = catalog.offering("oci", "chip-c").unwrap();
        assert_eq!(offering.usd_per_chip_hour, Some(2.5));
        assert_eq!(offering.provenance.status, DataStatus::Scenario);
    }

    #[test]
    fn a_bad_family_is_reported_at_registry_paths_and_changes_nothing() {
        let mut r = Registry::empty();
        let (good, offers) = family("chip-ok", "aws");
        let (mut bad, bad_offers) = family("chip-bad", "azur");
        bad.hbm_gb = f64::NAN;
        r.add_accelerator(good, offers, None);
        r.add_accelerator(bad, bad_offers, None);
        let mut catalog = Catalog::builtin();
        let errors = r.extend_catalog(&mut catalog).unwrap_err();
        let paths: Vec<String> = errors.iter().map(ModelError::dotted_path).collect();
        assert_eq!(
            paths,
            [
                "registry.accelerators.chip-bad.hbm_gb",
                "registry.offerings.azur"
            ]
        );
        assert_eq!(errors[1].suggestion.as_deref(), Some("azure"));
        assert_eq!(
            catalog,
            Catalog::builtin(),
            "a failed extension changes nothing"
        );
    }
}
