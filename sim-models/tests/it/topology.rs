//! Fabric topology: building from a spec, failure-domain lookups, and O(clusters) size.

use std::mem::size_of_val;

use sim_models::ModelError;
use sim_models::catalog::*;
use sim_models::sim_core::time::{SimDuration, SimTime};
use sim_models::testing::{self, cluster};
use sim_models::topology::*;

fn provenance() -> Provenance {
    Provenance {
        status: DataStatus::Estimate,
        source: "integration test".into(),
    }
}

/// Four clouds, a few regions each, NVIDIA, Trainium and TPU kinds.
fn catalog() -> Catalog {
    // (name, bf16 TFLOP/s, TDP W, host W per chip, scale-up domain, chips per instance)
    let accelerators = [
        ("h100", 989.0, 700.0, 300.0, 8, 8),
        ("gb200", 2500.0, 1200.0, 400.0, 72, 4),
        ("trn2", 667.0, 500.0, 150.0, 64, 16),
        ("tpu-v5p", 459.0, 450.0, 100.0, 8960, 4),
    ]
    .into_iter()
    .map(
        |(name, tflops, tdp, host, domain, chips): (&str, f64, f64, f64, u32, u32)| {
            AcceleratorSpec {
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
            }
        },
    )
    .collect();
    let clouds = ["aws", "azure", "gcp", "oci"]
        .into_iter()
        .map(|name| CloudSpec {
            name: name.into(),
            display_name: name.to_uppercase(),
            egress_usd_per_gb: 0.09,
            inter_region_usd_per_gb: 0.02,
            provenance: provenance(),
        })
        .collect();
    let regions = [
        ("aws", "us-east-1", 1.15),
        ("aws", "us-west-2", 1.15),
        ("azure", "eastus", 1.18),
        ("gcp", "us-central1", 1.1),
        ("gcp", "europe-west4", 1.09),
        ("oci", "us-ashburn-1", 1.2),
    ]
    .into_iter()
    .map(|(cloud, name, pue)| RegionSpec {
        cloud: cloud.into(),
        name: name.into(),
        metro: name.into(),
        lat: 40.0,
        lon: -80.0,
        pue,
        carbon_g_per_kwh: 350.0,
        provenance: provenance(),
    })
    .collect();
    let offerings = [
        ("aws", "h100"),
        ("aws", "trn2"),
        ("azure", "h100"),
        ("azure", "gb200"),
        ("gcp", "tpu-v5p"),
        ("gcp", "h100"),
        ("oci", "h100"),
        ("oci", "gb200"),
    ]
    .into_iter()
    .map(|(cloud, accelerator)| Offering {
        cloud: cloud.into(),
        accelerator: accelerator.into(),
        usd_per_chip_hour: None,
        provenance: provenance(),
    })
    .collect();
    Catalog::from_parts(accelerators, clouds, regions, offerings, Vec::new())
}

fn site(name: &str, cloud: &str, region: &str, clusters: Vec<ClusterSpec>) -> SiteSpec {
    testing::site(name, cloud, region, 100.0, clusters)
}

/// Four clouds, six sites (one with two kinds), ~5,000 accelerators.
fn four_clouds() -> FabricSpec {
    let mut late = site(
        "gcp-euw4",
        "gcp",
        "europe-west4",
        vec![cluster("v5p", "tpu-v5p", 512)],
    );
    late.online_from = SimTime::ZERO + SimDuration::from_days(30);
    FabricSpec {
        sites: vec![
            site(
                "aws-use1",
                "aws",
                "us-east-1",
                vec![
                    cluster("h100-a", "h100", 1024),
                    cluster("trn2-a", "trn2", 1024),
                ],
            ),
            site(
                "aws-usw2",
                "aws",
                "us-west-2",
                vec![cluster("h100-b", "h100", 256)],
            ),
            site(
                "azure-eus",
                "azure",
                "eastus",
                vec![cluster("gb200-a", "gb200", 720)],
            ),
            site(
                "gcp-usc1",
                "gcp",
                "us-central1",
                vec![cluster("v5p", "tpu-v5p", 1024)],
            ),
            late,
            site(
                "oci-iad",
                "oci",
                "us-ashburn-1",
                vec![cluster("h100", "h100", 512)],
            ),
        ],
    }
}

#[test]
fn four_cloud_fabric_builds_with_totals() {
    let catalog = catalog();
    let fabric = four_clouds().build(&catalog).expect("valid spec");
    assert_eq!(fabric.sites().len(), 6);
    assert_eq!(fabric.clusters().len(), 7);
    assert_eq!(fabric.accelerator_count(), 5072);
    // 720 gb200 in 4-chip nodes, one 72-chip NVL72 domain each.
    let gb200 = fabric.cluster_by_name("azure-eus", "gb200-a").unwrap();
    assert_eq!((gb200.nodes.len(), gb200.scaleup_domain), (180, 72));
    assert_eq!(
        fabric.sites()[4].online_from,
        SimTime::ZERO + SimDuration::from_days(30)
    );

    let by_cloud_kind = fabric.counts_by_cloud_and_kind();
    let name = |(c, k, n): (CloudId, AccelKindId, u32)| {
        (
            catalog.cloud(c).name.as_str(),
            catalog.accelerator(k).name.as_str(),
            n,
        )
    };
    let named: Vec<_> = by_cloud_kind.iter().copied().map(name).collect();
    assert_eq!(
        named,
        [
            ("aws", "h100", 1280),
            ("aws", "trn2", 1024),
            ("azure", "gb200", 720),
            ("gcp", "tpu-v5p", 1536),
            ("oci", "h100", 512),
        ]
    );

    let it: f64 = fabric.clusters().iter().map(Cluster::peak_it_w).sum();
    assert!((fabric.peak_it_power_w() - it).abs() < 1e-6);
    let aws_use1 = &fabric.sites()[0];
    assert_eq!(aws_use1.peak_it_w, 1024.0 * 1000.0 + 1024.0 * 650.0);
    assert!(fabric.peak_facility_power_w() > fabric.peak_it_power_w());
    assert_eq!(fabric.over_cap_sites().count(), 0);
}

/// Every accelerator's ancestors hold it, and every domain's ranges hold exactly the
/// accelerators whose ancestors name that domain (checked by brute force).
#[test]
fn ancestors_agree_with_accelerators_in() {
    let fabric = four_clouds().build(&catalog()).unwrap();
    let n = fabric.accelerator_count();
    let mut per_domain = std::collections::BTreeMap::<FailureDomain, Vec<u32>>::new();
    for a in 0..n {
        for d in fabric.ancestors(AcceleratorId(a)) {
            per_domain.entry(d).or_default().push(a);
        }
    }
    for (domain, members) in &per_domain {
        let from_ranges: Vec<u32> = fabric.accelerators_in(*domain).flatten().collect();
        assert_eq!(&from_ranges, members, "{}", fabric.domain_key(*domain));
        assert_eq!(
            fabric.domain_by_key(&fabric.domain_key(*domain)),
            Some(*domain)
        );
    }
    assert_eq!(
        per_domain
            .keys()
            .filter(|d| matches!(d, FailureDomain::Node(_)))
            .count(),
        fabric.node_count() as usize
    );
    assert_eq!(
        per_domain
            .keys()
            .filter(|d| matches!(d, FailureDomain::Rack(_)))
            .count(),
        fabric.rack_count() as usize
    );
}

#[test]
fn every_problem_is_reported_with_its_key_path() {
    let mut bad = four_clouds();
    bad.sites[0].clusters[0].count = 1001;
    bad.sites[1].region = "us-west-3".into();
    bad.sites[2].clusters[0].accelerator = "gb20".into();
    bad.sites[3].clusters[0].accelerator = "trn2".into();
    bad.sites[4].power_cap_mw = -1.0;
    bad.sites[5].name = "aws-use1".into();
    let errors = bad.build(&catalog()).expect_err("invalid spec");
    let shown: Vec<String> = errors.iter().map(ModelError::to_string).collect();
    assert_eq!(shown.len(), 6, "{shown:#?}");
    assert!(shown[0].starts_with(
        "sites.aws-use1.clusters.h100-a.count: \
         count 1001 is not a whole number of 8-accelerator nodes"
    ));
    assert!(shown[1].starts_with("sites.aws-usw2.region: aws has no region \"us-west-3\""));
    assert!(shown[1].ends_with("(did you mean \"us-west-2\"?)"));
    assert!(
        shown[2].starts_with(
            "sites.azure-eus.clusters.gb200-a.accelerator: unknown accelerator \"gb20\""
        )
    );
    assert!(shown[2].ends_with("(did you mean \"gb200\"?)"));
    assert!(shown[3].starts_with(
        "sites.gcp-usc1.clusters.v5p.accelerator: \
         gcp does not offer trn2 in the catalog (offered by aws)"
    ));
    assert!(
        shown[4].starts_with("sites.gcp-euw4.power_cap_mw: power cap must be a positive number")
    );
    assert!(shown[5].starts_with("sites.aws-use1: duplicate site name"));
}

/// A million accelerators take O(clusters) memory: the fabric's storage is the same size
/// whether each of its 100 clusters holds 10,000 accelerators or 16.
#[test]
fn million_accelerators_take_o_clusters_memory() {
    fn spec(count: u32) -> FabricSpec {
        let kinds = [
            ("aws", "us-east-1", "h100"),
            ("aws", "us-west-2", "trn2"),
            ("gcp", "us-central1", "tpu-v5p"),
            ("oci", "us-ashburn-1", "gb200"),
        ];
        FabricSpec {
            sites: (0..10)
                .map(|s| {
                    let (cloud, region, accel) = kinds[s % kinds.len()];
                    let clusters = (0..10)
                        .map(|c| cluster(&format!("c{c}"), accel, count))
                        .collect();
                    site(&format!("site-{s}"), cloud, region, clusters)
                })
                .collect(),
        }
    }
    fn storage_bytes(f: &Fabric) -> usize {
        size_of_val(f.sites())
            + size_of_val(f.clusters())
            + f.sites().iter().map(|s| s.name.len()).sum::<usize>()
            + f.clusters().iter().map(|c| c.name.len()).sum::<usize>()
    }

    let catalog = catalog();
    let big = spec(10_000).build(&catalog).expect("valid spec");
    let small = spec(16).build(&catalog).expect("valid spec");
    assert_eq!(big.accelerator_count(), 1_000_000);
    assert_eq!(storage_bytes(&big), storage_bytes(&small));
    assert!(
        storage_bytes(&big) < 64 * 1024,
        "{} bytes for 100 clusters",
        storage_bytes(&big)
    );

    // Lookups at the edges and across the whole id space stay consistent.
    let last = AcceleratorId(999_999);
    assert_eq!(big.cluster_of_accelerator(last), ClusterId(99));
    assert_eq!(
        big.domain_key(big.ancestors(last)[6]),
        "accelerator:site-9/c9/9999"
    );
    for a in (0..1_000_000).step_by(9_973) {
        let c = big.cluster(big.cluster_of_accelerator(AcceleratorId(a)));
        assert!(c.accelerators.contains(&a));
        assert_eq!(c.id.0, a / 10_000);
    }
    assert_eq!(
        big.accelerator_count_in(FailureDomain::Cloud(big.sites()[0].cloud)),
        600_000
    );
}

/// The shipped catalog: a mixed four-cloud fabric builds, and its power and FLOP/s totals
/// follow the catalog's per-chip numbers.
#[test]
fn builds_against_the_builtin_catalog() {
    let catalog = Catalog::builtin();
    let spec = FabricSpec {
        sites: vec![
            site(
                "aws-use1",
                "aws",
                "us-east-1",
                vec![cluster("h100", "h100", 2048), cluster("trn2", "trn2", 1024)],
            ),
            site(
                "azure-eus",
                "azure",
                "eastus",
                vec![cluster("nvl72", "gb200", 1152)],
            ),
            site(
                "gcp-usc1",
                "gcp",
                "us-central1",
                vec![cluster("v5p", "tpu-v5p", 4096)],
            ),
            site(
                "oci-iad",
                "oci",
                "us-ashburn-1",
                vec![cluster("h200", "h200", 512)],
            ),
        ],
    };
    let fabric = spec
        .build(&catalog)
        .expect("valid against the builtin catalog");
    assert_eq!(fabric.accelerator_count(), 2048 + 1024 + 1152 + 4096 + 512);
    for c in fabric.clusters() {
        let a = catalog.accelerator(c.accelerator);
        assert_eq!(c.chip_peak_it_w, a.tdp_w + a.host_w_per_chip, "{}", c.name);
        assert_eq!(c.node_size, a.instance_chips, "{}", c.name);
        assert!(c.scaleup_domain <= c.accelerator_count());
    }
    for s in fabric.sites() {
        assert_eq!(s.pue, catalog.region(s.region).pue, "{}", s.name);
    }

    let mut wrong = spec.clone();
    wrong.sites[2].clusters[0].accelerator = "trn2".into();
    let errors = wrong.build(&catalog).expect_err("gcp does not sell trn2");
    assert_eq!(
        errors[0].dotted_path(),
        "sites.gcp-usc1.clusters.v5p.accelerator"
    );
    assert!(
        errors[0].message.contains("[catalog.offerings.gcp.trn2]"),
        "{}",
        errors[0]
    );
}
