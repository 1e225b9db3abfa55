//! Capacity growth at a rate: a buildout adds a cluster to a site every week.

use sim_core::time::{SimDuration, SimTime};

use super::spec::{ClusterSpec, SiteSpec};
use crate::ModelError;
use crate::catalog::Catalog;

/// A buildout: from `start` until `until`, `mw_per_week` of facility power worth of
/// `accelerator` comes online at site `site` each week, as one new cluster per week.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildoutSpec {
    /// Site key.
    pub site: String,
    /// Accelerator key.
    pub accelerator: String,
    /// Facility power added per week, MW (chips at full load, host share and PUE included).
    pub mw_per_week: f64,
    /// When the first weekly cluster comes online.
    pub start: SimTime,
    /// No cluster comes online at or after this time.
    pub until: SimTime,
    /// Accelerators per node; `None` uses the accelerator's instance size.
    pub node_size: Option<u32>,
    /// Nodes per rack.
    pub rack_nodes: u32,
}

impl BuildoutSpec {
    /// The weekly clusters of this buildout for `site` (whose spec gives the PUE override),
    /// and the facility MW they add. Week `k` (from 0) comes online at `start + k weeks`,
    /// named `<accelerator>-build-<k>`, with `floor(mw_per_week / chip facility W)`
    /// accelerators rounded down to whole nodes. Errors are located under `path`.
    pub fn expand(
        &self,
        site: &SiteSpec,
        catalog: &Catalog,
        path: &[&str],
    ) -> Result<(Vec<ClusterSpec>, f64), Vec<ModelError>> {
        let at = |key: &'static str| {
            let mut p = path.to_vec();
            p.push(key);
            p
        };
        let mut errors = Vec::new();
        let kind = catalog
            .accelerator_id(&self.accelerator)
            .map(|id| catalog.accelerator(id));
        if kind.is_none() {
            errors.push(
                ModelError::new(
                    &at("accelerator"),
                    format!("unknown accelerator `{}`", self.accelerator),
                )
                .with_suggestion(crate::suggest::closest(
                    &self.accelerator,
                    catalog.accelerators().iter().map(|a| a.name.as_str()),
                )),
            );
        }
        if !(self.mw_per_week.is_finite() && self.mw_per_week > 0.0) {
            errors.push(ModelError::new(
                &at("mw_per_week"),
                "expected a positive number of MW per week",
            ));
        }
        if self.until <= self.start {
            errors.push(ModelError::new(
                &at("until"),
                "the buildout must end after it starts",
            ));
        }
        let pue = site.pue.or_else(|| {
            catalog
                .region_id(&site.cloud, &site.region)
                .map(|r| catalog.region(r).pue)
        });
        let (Some(kind), Some(pue), true) = (kind, pue, errors.is_empty()) else {
            return Err(errors);
        };
        let node = self.node_size.unwrap_or(kind.instance_chips).max(1);
        let chip_w = (kind.tdp_w + kind.host_w_per_chip) * pue;
        let per_week = ((self.mw_per_week * crate::units::W_PER_MW / chip_w) as u32 / node) * node;
        if per_week == 0 {
            return Err(vec![ModelError::new(
                &at("mw_per_week"),
                format!(
                    "{} MW buys less than one node of {} ({:.0} W per node at the facility)",
                    self.mw_per_week,
                    self.accelerator,
                    chip_w * f64::from(node)
                ),
            )]);
        }
        let mut clusters = Vec::new();
        let mut t = self.start;
        let mut k = 0u32;
        while t < self.until {
            clusters.push(ClusterSpec {
                name: format!("{}-build-{k}", self.accelerator),
                accelerator: self.accelerator.clone(),
                count: per_week,
                node_size: Some(node),
                rack_nodes: self.rack_nodes,
                scaleup_domain: None,
                online_from: t,
            });
            k += 1;
            t = t.saturating_add(SimDuration::WEEK);
        }
        let mw = f64::from(per_week) * chip_w * f64::from(k) / crate::units::W_PER_MW;
        Ok((clusters, mw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_clusters_at_the_rate() {
        let catalog = Catalog::builtin();
        let site = SiteSpec {
            name: "dc".into(),
            cloud: "aws".into(),
            region: "us-east-1".into(),
            power_cap_mw: 1.0,
            pue: None,
            online_from: SimTime::ZERO,
            clusters: Vec::new(),
        };
        let spec = BuildoutSpec {
            site: "dc".into(),
            accelerator: "h100".into(),
            mw_per_week: 10.0,
            start: SimTime::ZERO,
            until: SimTime::ZERO + SimDuration::from_days(28),
            node_size: Some(8),
            rack_nodes: 4,
        };
        let (clusters, mw) = spec.expand(&site, &catalog, &["buildouts", "0"]).unwrap();
        // 10 MW / (1,275 W × 1.15) = 6,820 H100 → 852 nodes → 6,816 per week, 4 weeks.
        assert_eq!(clusters.len(), 4);
        assert_eq!(clusters[0].count, 6_816);
        assert_eq!(
            clusters[3].online_from,
            SimTime::ZERO + SimDuration::from_days(21)
        );
        assert!(mw <= 40.0 && mw > 39.9, "{mw}");
        let bad = BuildoutSpec {
            accelerator: "h10".into(),
            ..spec
        };
        let err = bad
            .expand(&site, &catalog, &["buildouts", "0"])
            .unwrap_err();
        assert_eq!(err[0].suggestion.as_deref(), Some("h100"));
    }
}
