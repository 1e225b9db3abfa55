//! Synthetic fabrics of a chosen size, for benchmarks and scaling studies.

use sim_core::time::SimTime;

use super::spec::{ClusterSpec, FabricSpec, SiteSpec};
use crate::catalog::Catalog;

/// Clusters per synthetic site.
pub const SYNTHETIC_CLUSTERS_PER_SITE: u32 = 10;

/// A fabric of about `accelerators` H100s in `sites` sites of
/// [`SYNTHETIC_CLUSTERS_PER_SITE`] clusters, the sites placed round-robin on the catalog's
/// regions whose cloud offers `h100`. Cluster sizes are rounded down to whole 8-GPU nodes
/// (at least one node); power caps are set generously (twice the peak) so the fabric is
/// valid as built.
///
/// Returns `None` if the catalog has no cloud offering `h100` with a region.
pub fn uniform_h100_spec(catalog: &Catalog, accelerators: u32, sites: u32) -> Option<FabricSpec> {
    let regions: Vec<_> = catalog
        .regions()
        .iter()
        .filter(|r| catalog.offering(&r.cloud, "h100").is_some())
        .collect();
    let h100 = catalog.accelerator(catalog.accelerator_id("h100")?);
    let sites = sites.max(1);
    let clusters = u64::from(sites) * u64::from(SYNTHETIC_CLUSTERS_PER_SITE);
    let per_cluster = ((u64::from(accelerators) / clusters / 8).max(1) * 8) as u32;
    let chip_w = h100.tdp_w + h100.host_w_per_chip;
    let site_peak_mw =
        f64::from(per_cluster) * f64::from(SYNTHETIC_CLUSTERS_PER_SITE) * chip_w * 2.0
            / crate::units::W_PER_MW;
    let specs = (0..sites)
        .map(|i| {
            let region = regions.get(i as usize % regions.len().max(1))?;
            Some(SiteSpec {
                name: format!("site-{i}"),
                cloud: region.cloud.clone(),
                region: region.name.clone(),
                power_cap_mw: site_peak_mw * region.pue,
                pue: None,
                online_from: SimTime::ZERO,
                clusters: (0..SYNTHETIC_CLUSTERS_PER_SITE)
                    .map(|c| ClusterSpec {
                        online_from: sim_core::time::SimTime::ZERO,
                        name: format!("c{c}"),
                        accelerator: "h100".to_owned(),
                        count: per_cluster,
                        node_size: Some(8),
                        rack_nodes: 4,
                        scaleup_domain: None,
                    })
                    .collect(),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(FabricSpec { sites: specs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_million_accelerators() {
        let catalog = Catalog::builtin();
        let spec = uniform_h100_spec(&catalog, 1_000_000, 10).unwrap();
        let fabric = spec.build(&catalog).unwrap();
        assert_eq!(fabric.accelerator_count(), 1_000_000);
        assert_eq!(fabric.clusters().len(), 100);
        assert_eq!(fabric.over_cap_sites().count(), 0);
    }
}
