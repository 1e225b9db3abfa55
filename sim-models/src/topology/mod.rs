//! The fabric: cloud -> region -> site -> cluster -> rack -> node -> accelerator.
//!
//! A [`FabricSpec`] (what a scenario describes) is built against a catalog into a
//! [`Fabric`]. Every level is a failure domain with a stable id; accelerators, nodes and
//! racks are contiguous index ranges of their cluster, never one object each, so a fabric
//! of a million accelerators takes a few kilobytes and builds in O(sites + clusters).
//!
//! * `spec`: the scenario's description ([`FabricSpec`], [`SiteSpec`], [`ClusterSpec`]).
//! * `build`: [`FabricSpec::build`], its checks and the decisions behind them.
//! * `fabric`: [`Fabric`] with its lookups ([`Fabric::ancestors`],
//!   [`Fabric::accelerators_in`], [`Fabric::domain_key`]) and totals.
//! * `ids`: the id newtypes and [`FailureDomain`].
//!
//! ```
//! # use sim_models::catalog::*;
//! # use sim_models::topology::*;
//! # use sim_models::sim_core::time::SimTime;
//! # fn provenance() -> Provenance {
//! #     Provenance { status: DataStatus::Estimate, source: "doc".into() }
//! # }
//! # let catalog = Catalog::from_parts(
//! #     vec![AcceleratorSpec {
//! #         name: "h100".into(), display_name: "H100".into(), vendor: "NVIDIA".into(),
//! #         bf16_tflops: 989.0, hbm_gb: 80.0, hbm_tbps: 3.35, tdp_w: 700.0, idle_w: 100.0,
//! #         host_w_per_chip: 300.0, scaleup_gbps: 900.0, scaleup_domain: 8,
//! #         scaleout_gbit: 400.0, instance_chips: 8, provenance: provenance(),
//! #     }],
//! #     vec![CloudSpec {
//! #         name: "aws".into(), display_name: "AWS".into(), egress_usd_per_gb: 0.09,
//! #         inter_region_usd_per_gb: 0.02, provenance: provenance(),
//! #     }],
//! #     vec![RegionSpec {
//! #         cloud: "aws".into(), name: "us-east-1".into(), metro: "Ashburn VA".into(),
//! #         lat: 39.0, lon: -77.5, pue: 1.15, carbon_g_per_kwh: 380.0,
//! #         provenance: provenance(),
//! #     }],
//! #     vec![Offering {
//! #         cloud: "aws".into(), accelerator: "h100".into(), usd_per_chip_hour: None,
//! #         provenance: provenance(),
//! #     }],
//! #     vec![],
//! # );
//! let spec = FabricSpec {
//!     sites: vec![SiteSpec {
//!         name: "aws-use1".into(),
//!         cloud: "aws".into(),
//!         region: "us-east-1".into(),
//!         power_cap_mw: 20.0,
//!         pue: None,
//!         online_from: SimTime::ZERO,
//!         clusters: vec![ClusterSpec {
//! online_from: sim_core::time::SimTime::ZERO,
//!             name: "h100-a".into(),
//!             accelerator: "h100".into(),
//!             count: 1024,
//!             node_size: None, // the catalog's 8 per instance
//!             rack_nodes: 4,
//!             scaleup_domain: None,
//!         }],
//!     }],
//! };
//! let fabric = spec.build(&catalog).expect("a valid spec");
//! assert_eq!(fabric.accelerator_count(), 1024);
//! assert_eq!((fabric.node_count(), fabric.rack_count()), (128, 32)); // 8 per node, 4 per rack
//!
//! let chip = AcceleratorId(100);
//! let rack = fabric.ancestors(chip)[4];
//! assert_eq!(fabric.domain_key(rack), "rack:aws-use1/h100-a/3");
//! assert_eq!(fabric.accelerators_in(rack).next(), Some(96..128));
//! // 1024 chips × (700 W TDP + 300 W host) × PUE 1.15
//! assert!((fabric.sites()[0].peak_facility_w() - 1_177_600.0).abs() < 1e-6);
//! ```

mod build;
mod buildout;
mod fabric;
mod ids;
mod spec;
mod synthetic;

pub use buildout::BuildoutSpec;
pub use fabric::{Cluster, DomainRanges, Fabric, Site};
pub use ids::*;
pub use spec::*;
pub use synthetic::{SYNTHETIC_CLUSTERS_PER_SITE, uniform_h100_spec};

/// Hand-made catalog and spec helpers for this module's unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::catalog::*;

    fn provenance() -> Provenance {
        Provenance {
            status: DataStatus::Estimate,
            source: "unit test".into(),
        }
    }

    /// (name, bf16 TFLOP/s, TDP W, host W per chip, scale-up domain, chips per instance).
    const ACCELERATORS: [(&str, f64, f64, f64, u32, u32); 3] = [
        ("h100", 989.0, 700.0, 300.0, 8, 8),
        ("trn2", 667.0, 500.0, 150.0, 64, 16),
        ("tpu-v5p", 459.0, 450.0, 100.0, 8960, 4),
    ];

    /// Clouds aws, gcp, azure; regions aws/us-east-1 (PUE 1.15), aws/us-west-2 (1.2),
    /// gcp/us-central1 (1.1), azure/eastus (1.18); aws offers h100 and trn2, gcp tpu-v5p,
    /// azure h100.
    pub(crate) fn catalog() -> Catalog {
        let accelerators = ACCELERATORS
            .iter()
            .map(
                |&(name, tflops, tdp, host, domain, chips)| AcceleratorSpec {
                    name: name.into(),
                    display_name: name.to_uppercase(),
                    vendor: "test".into(),
                    bf16_tflops: tflops,
                    hbm_gb: 96.0,
                    hbm_tbps: 3.0,
                    tdp_w: tdp,
                    idle_w: tdp / 5.0,
                    host_w_per_chip: host,
                    scaleup_gbps: 900.0,
                    scaleup_domain: domain,
                    scaleout_gbit: 400.0,
                    instance_chips: chips,
                    provenance: provenance(),
                },
            )
            .collect();
        let clouds = ["aws", "gcp", "azure"]
            .iter()
            .map(|&name| CloudSpec {
                name: name.into(),
                display_name: name.to_uppercase(),
                egress_usd_per_gb: 0.09,
                inter_region_usd_per_gb: 0.02,
                provenance: provenance(),
            })
            .collect();
        let regions = [
            ("aws", "us-east-1", 1.15),
            ("aws", "us-west-2", 1.2),
            ("gcp", "us-central1", 1.1),
            ("azure", "eastus", 1.18),
        ]
        .iter()
        .map(|&(cloud, name, pue)| RegionSpec {
            cloud: cloud.into(),
            name: name.into(),
            metro: name.into(),
            lat: 40.0,
            lon: -90.0,
            pue,
            carbon_g_per_kwh: 400.0,
            provenance: provenance(),
        })
        .collect();
        let offerings = [
            ("aws", "h100"),
            ("aws", "trn2"),
            ("gcp", "tpu-v5p"),
            ("azure", "h100"),
        ]
        .iter()
        .map(|&(cloud, accelerator)| Offering {
            cloud: cloud.into(),
            accelerator: accelerator.into(),
            usd_per_chip_hour: None,
            provenance: provenance(),
        })
        .collect();
        Catalog::from_parts(accelerators, clouds, regions, offerings, Vec::new())
    }

    /// A site with a 50 MW cap, the region's PUE, online from the start.
    pub(crate) fn site(
        name: &str,
        cloud: &str,
        region: &str,
        clusters: Vec<ClusterSpec>,
    ) -> SiteSpec {
        SiteSpec {
            name: name.into(),
            cloud: cloud.into(),
            region: region.into(),
            power_cap_mw: 50.0,
            pue: None,
            online_from: sim_core::time::SimTime::ZERO,
            clusters,
        }
    }

    /// A cluster with catalog defaults for node size and scale-up domain.
    pub(crate) fn cluster(
        name: &str,
        accelerator: &str,
        count: u32,
        rack_nodes: u32,
    ) -> ClusterSpec {
        ClusterSpec {
            online_from: sim_core::time::SimTime::ZERO,
            name: name.into(),
            accelerator: accelerator.into(),
            count,
            node_size: None,
            rack_nodes,
            scaleup_domain: None,
        }
    }
}
