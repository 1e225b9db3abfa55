//! The catalog: the built-in data against the sourced reference values, and scenario
//! overrides (patches, additions, a fifth cloud, and every error reported at once).

use sim_models::ModelError;
use sim_models::catalog::*;
use sim_models::testing;

const NAMED_ACCELERATORS: [&str; 15] = [
    "a100",
    "h100",
    "h200",
    "b200",
    "gb200",
    "trn1",
    "trn2",
    "trn3",
    "inf2",
    "tpu-v4",
    "tpu-v5e",
    "tpu-v5p",
    "tpu-v6e",
    "tpu-ironwood",
    "mi300x",
];

fn accel<'a>(catalog: &'a Catalog, name: &str) -> &'a AcceleratorSpec {
    let id = catalog
        .accelerator_id(name)
        .unwrap_or_else(|| panic!("no accelerator {name}"));
    catalog.accelerator(id)
}

fn cloud<'a>(catalog: &'a Catalog, name: &str) -> &'a CloudSpec {
    catalog.cloud(
        catalog
            .cloud_id(name)
            .unwrap_or_else(|| panic!("no cloud {name}")),
    )
}

fn region<'a>(catalog: &'a Catalog, cloud: &str, name: &str) -> &'a RegionSpec {
    let id = catalog
        .region_id(cloud, name)
        .unwrap_or_else(|| panic!("no region {cloud}/{name}"));
    catalog.region(id)
}

fn price(catalog: &Catalog, cloud: &str, accelerator: &str) -> Option<f64> {
    catalog
        .offering(cloud, accelerator)
        .unwrap_or_else(|| panic!("{cloud} does not offer {accelerator}"))
        .usd_per_chip_hour
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

fn scenario(source: &str) -> CatalogOverrides {
    CatalogOverrides {
        source: source.into(),
        ..Default::default()
    }
}

fn paths(errors: &[ModelError]) -> Vec<String> {
    errors.iter().map(ModelError::dotted_path).collect()
}

fn find<'a>(errors: &'a [ModelError], path: &str) -> &'a ModelError {
    errors
        .iter()
        .find(|e| e.dotted_path() == path)
        .unwrap_or_else(|| panic!("no error at {path}; got {:#?}", paths(errors)))
}

#[test]
fn builtin_covers_the_named_accelerators_clouds_and_regions() {
    let catalog = Catalog::builtin();
    assert!(catalog.accelerators().len() >= 15);
    for name in NAMED_ACCELERATORS {
        assert!(catalog.accelerator_id(name).is_some(), "missing {name}");
    }
    let clouds: Vec<&str> = catalog.clouds().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(clouds, ["aws", "azure", "gcp", "oci"]);
    for c in clouds {
        let regions = catalog.regions().iter().filter(|r| r.cloud == c).count();
        assert!(regions >= 6, "{c} has {regions} regions");
        let offers = catalog.offerings().iter().filter(|o| o.cloud == c).count();
        assert!(offers > 0, "{c} offers nothing");
    }
    // All 42 reference regions plus documented additions.
    assert!(catalog.regions().len() >= 42 + 2);
    assert!(!catalog.measured_rtts().is_empty());
    assert_eq!(catalog.validate(), Ok(()));
}

#[test]
fn spot_values_equal_the_reference() {
    let catalog = Catalog::builtin();
    // name, bf16 TFLOP/s, HBM GB, HBM TB/s, TDP W (as cited in data/accelerators.csv;
    // GiB converted at 1.073741824 GB per GiB; TDP only where published).
    let specs: [(&str, f64, f64, f64, Option<f64>); 15] = [
        ("a100", 312.0, 80.0, 2.0, Some(400.0)),
        ("h100", 989.0, 80.0, 3.35, Some(700.0)),
        ("h200", 989.0, 141.0, 4.8, Some(700.0)),
        ("b200", 2250.0, 180.0, 8.0, Some(1000.0)),
        ("gb200", 2500.0, 186.0, 8.0, Some(1200.0)),
        ("trn1", 190.0, 34.36, 0.82, None),
        ("trn2", 667.0, 103.08, 2.9, None),
        ("trn3", 671.0, 154.62, 4.9, None),
        ("inf2", 190.0, 34.36, 0.82, None),
        ("tpu-v4", 275.0, 34.36, 1.2, Some(192.0)),
        ("tpu-v5e", 197.0, 16.0, 0.819, None),
        ("tpu-v5p", 459.0, 102.01, 2.765, None),
        ("tpu-v6e", 918.0, 32.0, 1.638, None),
        ("tpu-ironwood", 2307.0, 206.16, 7.37, None),
        ("mi300x", 1307.0, 192.0, 5.3, Some(750.0)),
    ];
    for (name, bf16, hbm_gb, hbm_tbps, tdp) in specs {
        let a = accel(&catalog, name);
        assert_eq!(
            (a.bf16_tflops, a.hbm_gb, a.hbm_tbps),
            (bf16, hbm_gb, hbm_tbps),
            "{name}"
        );
        if let Some(tdp) = tdp {
            assert_eq!(a.tdp_w, tdp, "{name}");
        }
        assert!(a.idle_w < a.tdp_w && a.idle_w > 0.0, "{name}");
    }
    assert!((32.0 * 1.073_741_824_f64 - accel(&catalog, "trn1").hbm_gb).abs() < 0.005);

    let h100 = accel(&catalog, "h100");
    assert_eq!(
        (
            h100.scaleup_gbps,
            h100.scaleup_domain,
            h100.scaleout_gbit,
            h100.instance_chips
        ),
        (900.0, 8, 400.0, 8)
    );
    let gb200 = accel(&catalog, "gb200");
    assert_eq!(
        (
            gb200.scaleup_gbps,
            gb200.scaleup_domain,
            gb200.instance_chips
        ),
        (1800.0, 72, 4)
    );
    assert_eq!(accel(&catalog, "trn2").scaleup_gbps, 1280.0);
    assert_eq!(accel(&catalog, "tpu-v5p").scaleout_gbit, 50.0);
    assert_eq!(accel(&catalog, "tpu-v5e").scaleout_gbit, 25.0);
    assert_eq!(accel(&catalog, "tpu-v6e").scaleup_domain, 256);
    // R-host anchor: (10.2 kW DGX H100 - 8 x 700 W) / 8.
    assert_eq!(h100.host_w_per_chip, 575.0);

    assert_eq!(price(&catalog, "aws", "h100"), Some(12.29));
    assert_eq!(price(&catalog, "oci", "h100"), Some(10.0));
    assert_eq!(price(&catalog, "azure", "h100"), None);
    assert_eq!(price(&catalog, "gcp", "tpu-v5p"), Some(4.2));
    assert_eq!(price(&catalog, "oci", "mi300x"), Some(6.0));
    assert_eq!(price(&catalog, "aws", "trn2"), None);

    let use1 = region(&catalog, "aws", "us-east-1");
    assert_eq!(
        (use1.lat, use1.lon, use1.pue, use1.carbon_g_per_kwh),
        (39.04, -77.49, 1.15, 323.05)
    );
    assert_eq!(use1.metro, "Ashburn VA");
    assert_eq!(
        region(&catalog, "gcp", "europe-north2").carbon_g_per_kwh,
        2.73
    );
    assert_eq!(
        region(&catalog, "gcp", "us-central1").provenance.status,
        DataStatus::Published
    );
    let dublin = region(&catalog, "azure", "northeurope");
    assert_eq!(
        (dublin.carbon_g_per_kwh, dublin.provenance.status),
        (290.0, DataStatus::Estimate)
    );
    assert_eq!(
        region(&catalog, "oci", "us-phoenix-1").carbon_g_per_kwh,
        357.30
    );

    let egress: Vec<(f64, f64)> = catalog
        .clouds()
        .iter()
        .map(|c| (c.egress_usd_per_gb, c.inter_region_usd_per_gb))
        .collect();
    assert_eq!(egress[0], (0.09, 0.02));
    assert_eq!(egress[1].0, 0.087);
    assert_eq!(egress[2].0, 0.12);
    assert_eq!(egress[3].0, 0.0085);

    let virginia_dublin = catalog
        .measured_rtts()
        .iter()
        .find(|m| {
            let ends = [&m.a, &m.b].map(|(c, r)| format!("{c}/{r}"));
            ends.contains(&"azure/eastus".to_owned())
                && ends.contains(&"azure/northeurope".to_owned())
        })
        .expect("Virginia-Dublin is measured");
    assert_eq!(
        (virginia_dublin.rtt_ms, virginia_dublin.statistic.as_str()),
        (76.0, "p95")
    );
}

#[test]
fn every_entry_cites_a_source() {
    let catalog = Catalog::builtin();
    let provenances = catalog
        .accelerators()
        .iter()
        .map(|a| &a.provenance)
        .chain(catalog.clouds().iter().map(|c| &c.provenance))
        .chain(catalog.regions().iter().map(|r| &r.provenance))
        .chain(catalog.offerings().iter().map(|o| &o.provenance))
        .chain(catalog.measured_rtts().iter().map(|m| &m.provenance));
    for p in provenances {
        assert!(!p.source.trim().is_empty());
        assert_ne!(p.status, DataStatus::Scenario);
    }
    // A row is as strong as its weakest field: every accelerator has estimated idle and
    // host power, and says so.
    for a in catalog.accelerators() {
        assert_eq!(a.provenance.status, DataStatus::Estimate, "{}", a.name);
        assert!(a.provenance.source.contains("R-idle"), "{}", a.name);
    }
}

#[test]
fn each_cloud_offers_its_own_kinds() {
    let catalog = Catalog::builtin();
    let offered_by = |accelerator: &str| -> Vec<&str> {
        catalog
            .offerings()
            .iter()
            .filter(|o| o.accelerator == accelerator)
            .map(|o| o.cloud.as_str())
            .collect()
    };
    for gpu in ["a100", "h100", "h200", "b200", "gb200"] {
        assert_eq!(offered_by(gpu), ["aws", "azure", "gcp", "oci"], "{gpu}");
    }
    for neuron in ["trn1", "trn2", "trn3", "inf2"] {
        assert_eq!(offered_by(neuron), ["aws"], "{neuron}");
    }
    for tpu in ["tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6e", "tpu-ironwood"] {
        assert_eq!(offered_by(tpu), ["gcp"], "{tpu}");
    }
    assert_eq!(offered_by("mi300x"), ["azure", "oci"]);
}

/// A scenario adds a GPU-only cloud with a region, offers H100 there at a price, and a
/// new accelerator kind: no code changes, and the fabric builds on it.
#[test]
fn a_fifth_cloud_and_a_new_accelerator_come_from_data_alone() {
    let mut catalog = Catalog::builtin();
    let before = Catalog::builtin();
    let mut overrides = scenario("scenario lambda.toml");
    overrides.accelerators.push((
        "gaudi3".into(),
        AcceleratorPatch {
            display_name: Some("Intel Gaudi 3".into()),
            vendor: Some("Intel".into()),
            bf16_tflops: Some(1835.0),
            hbm_gb: Some(128.0),
            hbm_tbps: Some(3.7),
            tdp_w: Some(900.0),
            idle_w: None,
            host_w_per_chip: Some(500.0),
            scaleup_gbps: Some(1200.0),
            scaleup_domain: Some(8),
            scaleout_gbit: Some(400.0),
            instance_chips: Some(8),
        },
    ));
    overrides.clouds.push((
        "lambda".into(),
        CloudPatch {
            display_name: Some("Lambda".into()),
            egress_usd_per_gb: Some(0.0),
            inter_region_usd_per_gb: Some(0.0),
            offers: Some(vec!["h100".into(), "gaudi3".into()]),
        },
    ));
    overrides.regions.push((
        ("lambda".into(), "us-south-1".into()),
        RegionPatch {
            metro: Some("Dallas TX".into()),
            lat: Some(32.78),
            lon: Some(-96.8),
            pue: Some(1.3),
            carbon_g_per_kwh: Some(302.95),
        },
    ));
    overrides.offerings.push((
        ("lambda".into(), "h100".into()),
        OfferingPatch {
            usd_per_chip_hour: Some(2.99),
        },
    ));
    catalog.apply(&overrides).expect("a complete fifth cloud");

    let scenario_provenance = Provenance {
        status: DataStatus::Scenario,
        source: "scenario lambda.toml".into(),
    };
    let lambda = cloud(&catalog, "lambda");
    assert_eq!(
        (lambda.display_name.as_str(), lambda.egress_usd_per_gb),
        ("Lambda", 0.0)
    );
    assert_eq!(lambda.provenance, scenario_provenance);
    assert_eq!(
        catalog.cloud_id("lambda"),
        Some(CloudId(4)),
        "appended after the built-ins"
    );
    assert_eq!(
        catalog.cloud_id("oci"),
        before.cloud_id("oci"),
        "existing ids are stable"
    );

    let dallas = region(&catalog, "lambda", "us-south-1");
    assert_eq!((dallas.pue, dallas.carbon_g_per_kwh), (1.3, 302.95));
    assert_eq!(price(&catalog, "lambda", "h100"), Some(2.99));
    assert_eq!(
        price(&catalog, "lambda", "gaudi3"),
        None,
        "offers alone has no price"
    );

    let gaudi = accel(&catalog, "gaudi3");
    assert_eq!(gaudi.tdp_w, 900.0);
    assert!(
        close(gaudi.idle_w, DEFAULT_IDLE_FRACTION * 900.0),
        "idle estimated from TDP"
    );
    assert_eq!(gaudi.provenance, scenario_provenance);
    assert_eq!(catalog.validate(), Ok(()));

    // The built-in entries are untouched.
    assert_eq!(
        &catalog.accelerators()[..before.accelerators().len()],
        before.accelerators()
    );
    assert_eq!(
        &catalog.regions()[..before.regions().len()],
        before.regions()
    );

    let clusters = vec![
        testing::cluster("h100-a", "h100", 512),
        testing::cluster("gaudi-a", "gaudi3", 256),
    ];
    let fabric = testing::fabric(
        &catalog,
        vec![testing::site(
            "lambda-dfw",
            "lambda",
            "us-south-1",
            10.0,
            clusters,
        )],
    );
    assert_eq!(fabric.accelerator_count(), 768);
}

#[test]
fn patching_one_field_changes_only_that_field() {
    let before = Catalog::builtin();
    let mut catalog = before.clone();
    let mut overrides = scenario("scenario capped.toml");
    overrides.accelerators.push((
        "h100".into(),
        AcceleratorPatch {
            tdp_w: Some(600.0),
            ..Default::default()
        },
    ));
    catalog.apply(&overrides).expect("a valid patch");

    let mut expected = accel(&before, "h100").clone();
    expected.tdp_w = 600.0;
    expected.provenance = Provenance {
        status: DataStatus::Scenario,
        source: "scenario capped.toml".into(),
    };
    assert_eq!(accel(&catalog, "h100"), &expected);
    for (got, was) in catalog.accelerators().iter().zip(before.accelerators()) {
        if got.name != "h100" {
            assert_eq!(got, was);
        }
    }
    assert_eq!(catalog.clouds(), before.clouds());
    assert_eq!(catalog.regions(), before.regions());
    assert_eq!(catalog.offerings(), before.offerings());
    assert_eq!(catalog.measured_rtts(), before.measured_rtts());

    // An empty patch changes nothing, provenance included.
    let mut unchanged = before.clone();
    let mut empty = scenario("scenario empty.toml");
    empty
        .accelerators
        .push(("a100".into(), AcceleratorPatch::default()));
    empty
        .regions
        .push((("gcp".into(), "us-east4".into()), RegionPatch::default()));
    unchanged.apply(&empty).expect("nothing to check");
    assert_eq!(unchanged, before);
}

#[test]
fn prices_and_offers_patch_and_extend_offerings() {
    let mut catalog = Catalog::builtin();
    let mut overrides = scenario("scenario prices.toml");
    overrides.clouds.push((
        "aws".into(),
        CloudPatch {
            egress_usd_per_gb: Some(0.05),
            // h100 is already offered: its price stays; mi300x is new to AWS.
            offers: Some(vec!["h100".into(), "mi300x".into()]),
            ..Default::default()
        },
    ));
    overrides.offerings.push((
        ("aws".into(), "trn2".into()),
        OfferingPatch {
            usd_per_chip_hour: Some(2.5),
        },
    ));
    overrides
        .offerings
        .push((("gcp".into(), "mi300x".into()), OfferingPatch::default()));
    catalog.apply(&overrides).expect("valid");
    assert_eq!(cloud(&catalog, "aws").egress_usd_per_gb, 0.05);
    assert_eq!(cloud(&catalog, "aws").inter_region_usd_per_gb, 0.02);
    assert_eq!(price(&catalog, "aws", "h100"), Some(12.29));
    assert_eq!(price(&catalog, "aws", "mi300x"), None);
    assert_eq!(price(&catalog, "aws", "trn2"), Some(2.5));
    assert_eq!(
        catalog.offering("aws", "trn2").unwrap().provenance.status,
        DataStatus::Scenario
    );
    assert_eq!(price(&catalog, "gcp", "mi300x"), None);
}

#[test]
fn every_problem_is_reported_at_once_with_its_key_path() {
    let original = Catalog::builtin();
    let mut catalog = original.clone();
    let mut overrides = scenario("scenario broken.toml");
    // A new accelerator with only two fields: one error per missing required field.
    overrides.accelerators.push((
        "my-chip".into(),
        AcceleratorPatch {
            bf16_tflops: Some(100.0),
            tdp_w: Some(300.0),
            ..Default::default()
        },
    ));
    // Bad values on existing entries.
    overrides.accelerators.push((
        "h100".into(),
        AcceleratorPatch {
            tdp_w: Some(-5.0),
            ..Default::default()
        },
    ));
    overrides.accelerators.push((
        "a100".into(),
        AcceleratorPatch {
            idle_w: Some(500.0),
            hbm_tbps: Some(f64::NAN),
            ..Default::default()
        },
    ));
    // A new cloud missing a price, and an existing one offering a misspelled kind.
    overrides.clouds.push((
        "lambda".into(),
        CloudPatch {
            display_name: Some("Lambda".into()),
            egress_usd_per_gb: Some(0.0),
            ..Default::default()
        },
    ));
    overrides.clouds.push((
        "gcp".into(),
        CloudPatch {
            offers: Some(vec!["tpu-v5-p".into()]),
            ..Default::default()
        },
    ));
    // A region of a misspelled cloud, and a new region with every value out of range.
    overrides.regions.push((
        ("awz".into(), "us-east-9".into()),
        RegionPatch {
            metro: Some("Nowhere".into()),
            lat: Some(10.0),
            lon: Some(10.0),
            pue: Some(1.2),
            carbon_g_per_kwh: Some(100.0),
        },
    ));
    overrides.regions.push((
        ("aws".into(), "eu-south-9".into()),
        RegionPatch {
            metro: Some("Atlantis".into()),
            lat: Some(95.0),
            lon: Some(-200.0),
            pue: Some(0.9),
            carbon_g_per_kwh: Some(-1.0),
        },
    ));
    // An offering of a misspelled accelerator, and a negative price.
    overrides.offerings.push((
        ("aws".into(), "h10".into()),
        OfferingPatch {
            usd_per_chip_hour: Some(3.0),
        },
    ));
    overrides.offerings.push((
        ("oci".into(), "h100".into()),
        OfferingPatch {
            usd_per_chip_hour: Some(-2.0),
        },
    ));

    let errors = catalog.apply(&overrides).expect_err("broken overrides");
    assert_eq!(catalog, original, "a failed apply changes nothing");

    let mut expected: Vec<String> = [
        "display_name",
        "vendor",
        "hbm_gb",
        "hbm_tbps",
        "host_w_per_chip",
        "scaleup_gbps",
        "scaleup_domain",
        "scaleout_gbit",
        "instance_chips",
    ]
    .iter()
    .map(|f| format!("catalog.accelerators.my-chip.{f}"))
    .collect();
    expected.extend(
        [
            "catalog.accelerators.h100.tdp_w",
            "catalog.accelerators.a100.hbm_tbps",
            "catalog.accelerators.a100.idle_w",
            "catalog.clouds.lambda.inter_region_usd_per_gb",
            "catalog.clouds.gcp.offers",
            "catalog.regions.awz",
            "catalog.regions.aws.eu-south-9.lat",
            "catalog.regions.aws.eu-south-9.lon",
            "catalog.regions.aws.eu-south-9.pue",
            "catalog.regions.aws.eu-south-9.carbon_g_per_kwh",
            "catalog.offerings.aws.h10",
            "catalog.offerings.oci.h100.usd_per_chip_hour",
        ]
        .map(String::from),
    );
    let mut got = paths(&errors);
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "all errors, once each: {errors:#?}");

    let missing = find(&errors, "catalog.accelerators.my-chip.hbm_gb");
    assert_eq!(
        missing.path,
        ["catalog", "accelerators", "my-chip", "hbm_gb"]
    );
    assert!(missing.message.contains("required"), "{}", missing.message);
    assert!(
        missing.message.contains("HBM capacity per chip, GB"),
        "{}",
        missing.message
    );
    assert_eq!(missing.suggestion, None, "my-chip is not a near miss");

    let negative = find(&errors, "catalog.accelerators.h100.tdp_w");
    assert!(
        negative.message.contains("positive"),
        "{}",
        negative.message
    );
    assert!(
        find(&errors, "catalog.accelerators.a100.idle_w")
            .message
            .contains("exceeds tdp_w")
    );

    let awz = find(&errors, "catalog.regions.awz");
    assert_eq!(awz.suggestion.as_deref(), Some("aws"));
    assert!(
        awz.message.contains("unknown cloud \"awz\""),
        "{}",
        awz.message
    );
    let h10 = find(&errors, "catalog.offerings.aws.h10");
    assert_eq!(h10.suggestion.as_deref(), Some("h100"));
    assert_eq!(
        h10.to_string(),
        "catalog.offerings.aws.h10: unknown accelerator \"h10\": name an accelerator of the \
         catalog or add it under catalog.accelerators (did you mean \"h100\"?)"
    );
    let offers = find(&errors, "catalog.clouds.gcp.offers");
    assert_eq!(offers.suggestion.as_deref(), Some("tpu-v5p"));
    assert!(
        find(&errors, "catalog.regions.aws.eu-south-9.lat")
            .message
            .contains("-90 and 90")
    );
    assert!(
        find(&errors, "catalog.regions.aws.eu-south-9.pue")
            .message
            .contains(">= 1")
    );
}

#[test]
fn a_misspelled_key_is_not_silently_a_new_entry() {
    let mut catalog = Catalog::builtin();
    let mut overrides = scenario("scenario typo.toml");
    overrides.accelerators.push((
        "H10".into(),
        AcceleratorPatch {
            tdp_w: Some(650.0),
            ..Default::default()
        },
    ));
    overrides.clouds.push((
        "azur".into(),
        CloudPatch {
            egress_usd_per_gb: Some(0.05),
            ..Default::default()
        },
    ));
    let errors = catalog
        .apply(&overrides)
        .expect_err("H10 and azur are not in the catalog");
    let accel_errors: Vec<&ModelError> = errors.iter().filter(|e| e.path[2] == "H10").collect();
    assert_eq!(accel_errors.len(), 10, "every required field but tdp_w");
    assert!(
        accel_errors
            .iter()
            .all(|e| e.suggestion.as_deref() == Some("h100"))
    );
    let cloud_errors: Vec<&ModelError> = errors.iter().filter(|e| e.path[2] == "azur").collect();
    assert_eq!(
        cloud_errors.len(),
        2,
        "display_name and inter_region_usd_per_gb"
    );
    assert!(
        cloud_errors
            .iter()
            .all(|e| e.suggestion.as_deref() == Some("azure"))
    );
}

#[test]
fn a_catalog_from_parts_is_checked_by_validate() {
    let builtin = Catalog::builtin();
    let mut regions = builtin.regions().to_vec();
    regions[0].pue = 0.5;
    regions.push(regions[1].clone());
    let mut offerings = builtin.offerings().to_vec();
    offerings[0].accelerator = "h1000".into();
    let catalog = Catalog::from_parts(
        builtin.accelerators().to_vec(),
        builtin.clouds().to_vec(),
        regions,
        offerings,
        builtin.measured_rtts().to_vec(),
    );
    let errors = catalog.validate().expect_err("three problems");
    assert_eq!(
        paths(&errors),
        [
            "catalog.regions.aws.us-east-1.pue",
            "catalog.regions.azure.eastus",
            "catalog.offerings.aws.h1000",
        ]
    );
    assert_eq!(errors[2].suggestion.as_deref(), Some("h100"));
}
