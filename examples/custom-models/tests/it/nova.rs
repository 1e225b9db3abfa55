//! nova-1: its catalog entry and offerings, and its power curve in a site's throttle.

use custom_models::nova::{CURVE_CAPS, NOVA_1, nova_curve, nova_model_throughput};
use sim_models::catalog::{Catalog, DataStatus};
use sim_models::power::{CapCurve, SitePower};
use sim_models::testing;
use sim_models::topology::{ClusterSpec, Fabric};

fn catalog() -> Catalog {
    custom_models::registry()
        .catalog()
        .unwrap_or_else(|e| panic!("the registry's families fit the built-in catalog: {e:?}"))
}

/// One AWS us-east-1 site: 64 nova-1 (load 0), then 64 H100 (load 1).
fn fabric(catalog: &Catalog) -> Fabric {
    let cluster = |name: &str, kind: &str| ClusterSpec {
        node_size: Some(8),
        ..testing::cluster(name, kind, 64)
    };
    let clusters = vec![cluster("nova", NOVA_1), cluster("h100", "h100")];
    testing::fabric(
        catalog,
        vec![testing::site("aws-use1", "aws", "us-east-1", 1.0, clusters)],
    )
}

#[test]
fn nova_1_is_in_the_catalog_with_its_offerings_and_curve() {
    let catalog = catalog();
    let id = catalog.accelerator_id(NOVA_1).unwrap();
    let spec = catalog.accelerator(id);
    assert_eq!(spec.provenance.status, DataStatus::Estimate);
    assert_eq!((spec.bf16_tflops, spec.tdp_w), (1_800.0, 800.0));
    let price = |cloud| {
        catalog
            .offering(cloud, NOVA_1)
            .and_then(|o| o.usd_per_chip_hour)
    };
    assert_eq!(
        (price("aws"), price("gcp"), price("oci")),
        (Some(6.40), Some(6.10), None)
    );
    assert_eq!(catalog.cap_curve(id).map(|c| &**c), Some(&nova_curve()));
    // Built-in kinds keep the site's curve.
    assert!(
        catalog
            .cap_curve(catalog.accelerator_id("h100").unwrap())
            .is_none()
    );
    assert!(catalog.validate().is_ok());
}

#[test]
fn the_curve_is_the_documented_dvfs_model() {
    let curve = nova_curve();
    assert_eq!(curve.min_cap(), 0.4);
    let table = [0.739, 0.812, 0.865, 0.908, 0.943, 0.973];
    for (&cap, &documented) in CURVE_CAPS.iter().zip(&table) {
        assert!(
            (curve.throughput(cap) - documented).abs() < 5e-4,
            "cap {cap}"
        );
        assert_eq!(curve.throughput(cap), nova_model_throughput(cap));
    }
    assert_eq!(curve.throughput(1.0), 1.0);
    // Between points the curve interpolates linearly; the model is concave, so it stays
    // below the model, by less than 0.005.
    for cap in [0.45, 0.55, 0.75, 0.95] {
        let (c, m) = (curve.throughput(cap), nova_model_throughput(cap));
        assert!(c <= m && m - c < 5e-3, "cap {cap}: curve {c}, model {m}");
    }
}

#[test]
fn a_throttled_nova_1_follows_its_own_curve() {
    let catalog = catalog();
    let fabric = fabric(&catalog);
    let mut site = SitePower::for_site(&fabric, &catalog, fabric.sites()[0].id);
    // The nova-1 cluster busy, the H100s idle; cap at 85 % of demand.
    site.loads[0].busy = 64;
    site.loads[0].idle = 0;
    let cap = 0.85 * site.demand_facility_w();
    let d = site.throttle_for_cap(cap);
    assert!(d.draw_facility_w <= cap);
    assert!(d.limit_fraction < 1.0 && d.limit_fraction > 0.4);
    let expected = nova_curve().throughput(d.limit_fraction);
    assert_eq!(d.throughput_fraction, expected);
    assert_eq!(site.throughput_of(0, d.limit_fraction), expected);
    // The built-in curve would have slowed it more at the same limit.
    let builtin = CapCurve::builtin().throughput(d.limit_fraction);
    assert!(
        expected > builtin + 0.01,
        "nova {expected} vs built-in {builtin}"
    );

    // The same cap with the H100s busy instead: the built-in curve applies.
    site.loads[0].busy = 0;
    site.loads[0].idle = 64;
    site.loads[1].busy = 64;
    site.loads[1].idle = 0;
    let d = site.throttle_for_cap(0.85 * site.demand_facility_w());
    assert!(d.limit_fraction < 1.0);
    assert_eq!(
        d.throughput_fraction,
        CapCurve::builtin().throughput(d.limit_fraction)
    );
}

#[test]
fn nova_1_can_be_capped_deeper_than_built_in_kinds() {
    let catalog = catalog();
    let fabric = fabric(&catalog);
    let mut site = SitePower::for_site(&fabric, &catalog, fabric.sites()[0].id);
    site.loads[0].busy = 64;
    site.loads[0].idle = 0;
    // Just above what the site draws with nova-1 limited to 0.42 of TDP.
    let spec = catalog.accelerator(catalog.accelerator_id(NOVA_1).unwrap());
    let h100_idle = 64.0 * (105.0 + 287.5);
    let nova_at = |limit: f64| 64.0 * (limit * spec.tdp_w + spec.host_w_per_chip);
    let cap = (h100_idle + nova_at(0.42)) * site.pue * (1.0 + 1e-9);
    let d = site.throttle_for_cap(cap);
    assert_eq!(d.running_fraction, 1.0, "no chip needs pausing");
    assert!(
        (d.limit_fraction - 0.42).abs() < 1e-6,
        "{}",
        d.limit_fraction
    );
}
