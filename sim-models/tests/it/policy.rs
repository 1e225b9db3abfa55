//! Placement and failover policies: each built-in's choice on a hand-made fabric view,
//! spanning rules, the decision log and the registry.

use std::collections::BTreeMap;

use sim_models::capacity::Capacity;
use sim_models::catalog::{Catalog, RegionId};
use sim_models::policy::placement::{OVER_CAP_PENALTY_W, UNPRICED_USD_PER_H};
use sim_models::policy::{
    DecisionLog, FabricView, FailoverContext, FailoverDecision, ParamValue, PlacementRequest,
    PolicyParams, Registry,
};
use sim_models::sim_core::time::{SimDuration, SimTime};
use sim_models::testing::{self, ViewInputs, World, request};
use sim_models::topology::{ClusterId, ClusterSpec, FailureDomain, SiteId, SiteSpec};

// Clusters of the test fabric, in fabric order.
const AWS_A: ClusterId = ClusterId(0); // aws us-east-1 h100, 4 nodes of 8
const AWS_B: ClusterId = ClusterId(1); // aws us-east-1 h100, 2 nodes
const GCP: ClusterId = ClusterId(2); // gcp europe-west4 tpu-v6e, 4 nodes
const OCI: ClusterId = ClusterId(3); // oci us-ashburn-1 h200, 4 nodes
const AZURE: ClusterId = ClusterId(4); // azure westeurope h100, 4 nodes

const AWS_SITE: SiteId = SiteId(0);
const AZURE_SITE: SiteId = SiteId(3);

fn cluster(name: &str, kind: &str, nodes: u32) -> ClusterSpec {
    ClusterSpec {
        node_size: Some(8),
        rack_nodes: 2,
        ..testing::cluster(name, kind, nodes * 8)
    }
}

fn site(name: &str, cloud: &str, region: &str, clusters: Vec<ClusterSpec>) -> SiteSpec {
    testing::site(name, cloud, region, 10.0, clusters)
}

/// The fabric, its catalog and network, built once per test.
fn world() -> World {
    World::new(
        Catalog::builtin(),
        vec![
            site(
                "aws-use1",
                "aws",
                "us-east-1",
                vec![cluster("h100-a", "h100", 4), cluster("h100-b", "h100", 2)],
            ),
            site(
                "gcp-euw4",
                "gcp",
                "europe-west4",
                vec![cluster("v6e", "tpu-v6e", 4)],
            ),
            site(
                "oci-ash",
                "oci",
                "us-ashburn-1",
                vec![cluster("h200", "h200", 4)],
            ),
            site(
                "az-weu",
                "azure",
                "westeurope",
                vec![cluster("h100", "h100", 4)],
            ),
        ],
    )
}

/// The default state: AWS_A 2 free, AWS_B 1 free, AZURE 3 free, the rest empty.
fn partly_full(world: &World) -> Capacity {
    world.capacity(&[(AWS_A, 2), (AWS_B, 1), (AZURE, 1)])
}

fn region(world: &World, cloud: &str, region: &str) -> RegionId {
    world
        .catalog
        .region_id(cloud, region)
        .expect("known region")
}

fn cloud(world: &World, cloud: &str) -> usize {
    usize::from(world.catalog.cloud_id(cloud).expect("known cloud").0)
}

/// The per-cluster, per-site and per-cloud numbers of a view: catalog-like prices (Azure
/// h100 unpriced), carbon and PUE; headroom largest at OCI.
fn knobs(world: &World) -> ViewInputs {
    ViewInputs {
        usd_per_chip_hour: vec![Some(12.29), Some(12.29), Some(2.70), Some(12.25), None],
        carbon_g_per_kwh: vec![323.05, 208.81, 323.05, 208.81],
        power_headroom_w: vec![5e5, 1e5, 2e6, 3e4],
        pue: vec![1.15, 1.10, 1.15, 1.18],
        commitment_left_usd: vec![0.0; world.catalog.clouds().len()],
    }
}

/// The view three hours in.
fn view_of<'a>(knobs: &'a ViewInputs, world: &'a World, capacity: &'a Capacity) -> FabricView<'a> {
    world.view(knobs, capacity, SimTime::ZERO + SimDuration::from_hours(3))
}

fn kinds(names: &[&str]) -> Vec<String> {
    names.iter().map(|&s| s.to_owned()).collect()
}

fn policy(name: &str, params: &[(&str, ParamValue)]) -> Box<dyn sim_models::policy::Placement> {
    let params = PolicyParams::from_pairs(params.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    Registry::builtin()
        .placement(name, &params)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs policy `name` and returns its allocation (empty when it refused).
fn place(
    name: &str,
    params: &[(&str, ParamValue)],
    view: &FabricView<'_>,
    req: &PlacementRequest<'_>,
) -> Vec<(ClusterId, u32)> {
    let mut p = policy(name, params);
    testing::place(&mut *p, view, req, &mut DecisionLog::default())
}

/// Runs policy `name` with a log and returns its one record.
fn logged(
    name: &str,
    params: &[(&str, ParamValue)],
    view: &FabricView<'_>,
    req: &PlacementRequest<'_>,
) -> sim_models::policy::DecisionRecord {
    let mut p = policy(name, params);
    let mut log = DecisionLog::enabled(16);
    p.place(view, req, &mut Vec::new(), &mut log);
    let mut records = log.take();
    assert_eq!(records.len(), 1);
    records.pop().expect("one record")
}

fn score_of(record: &sim_models::policy::DecisionRecord, option: &str) -> f64 {
    record
        .options
        .iter()
        .find(|o| o.option == option)
        .unwrap_or_else(|| panic!("no option {option} in {record:?}"))
        .score
}

#[test]
fn first_fit_takes_fabric_order() {
    let world = world();
    let capacity = partly_full(&world);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    assert_eq!(place("first-fit", &[], &view, &request(8)), [(AWS_A, 1)]);
    // 24 chips: AWS_A has 2 free nodes, AWS_B 1, the TPU cluster 4.
    assert_eq!(place("first-fit", &[], &view, &request(24)), [(GCP, 3)]);
}

#[test]
fn best_fit_takes_the_fullest_cluster_that_fits() {
    let world = world();
    let capacity = partly_full(&world);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    assert_eq!(place("best-fit", &[], &view, &request(8)), [(AWS_B, 1)]);
    assert_eq!(place("best-fit", &[], &view, &request(16)), [(AWS_A, 2)]);
    assert_eq!(place("best-fit", &[], &view, &request(24)), [(AZURE, 3)]);
    // Gathering within a site prefers the nearly full cluster first.
    let req = PlacementRequest {
        span_clusters: true,
        kinds: &kinds(&["h100"]),
        ..request(24)
    };
    let world_capacity = world.capacity(&[(AWS_A, 2), (AWS_B, 1), (AZURE, 2)]);
    let view = view_of(&knobs, &world, &world_capacity);
    assert_eq!(
        place("best-fit", &[], &view, &req),
        [(AWS_B, 1), (AWS_A, 2)]
    );
}

#[test]
fn cheapest_takes_the_lowest_price_and_counts_egress_from_home() {
    let world = world();
    let capacity = partly_full(&world);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    assert_eq!(place("cheapest", &[], &view, &request(8)), [(GCP, 1)]);
    let gpus = kinds(&["h100", "h200"]);
    let req = PlacementRequest {
        kinds: &gpus,
        ..request(8)
    };
    assert_eq!(place("cheapest", &[], &view, &req), [(OCI, 1)]);
    // A 1 TB checkpoint at AWS: 90 USD of internet egress to OCI over 24 h outweighs
    // OCI's 0.32 USD/h saving; spread over 10 000 h it does not.
    let moving = PlacementRequest {
        home: Some(AWS_SITE),
        checkpoint_bytes: 1e12,
        ..req
    };
    assert_eq!(place("cheapest", &[], &view, &moving), [(AWS_A, 1)]);
    let long = [("amortise_h", ParamValue::Number(1e4))];
    assert_eq!(place("cheapest", &long, &view, &moving), [(OCI, 1)]);
    let record = logged("cheapest", &[], &view, &moving);
    let egress = world
        .net
        .wan
        .path(0, 2, &world.net.rtt, &world.net.prices)
        .transfer_usd(1e12);
    assert!((score_of(&record, "oci-ash/h200") - (12.25 * 8.0 + egress / 24.0)).abs() < 1e-9);
    assert!((score_of(&record, "aws-use1/h100-a") - 12.29 * 8.0).abs() < 1e-9);
    // Unpriced Azure stays eligible, after every priced cluster.
    assert!(score_of(&record, "az-weu/h100") >= UNPRICED_USD_PER_H);
    let azure_only = PlacementRequest {
        kinds: &kinds(&["h100"]),
        ..request(24)
    };
    assert_eq!(place("cheapest", &[], &view, &azure_only), [(AZURE, 3)]);
}

#[test]
fn greenest_takes_the_lowest_carbon_times_pue() {
    let world = world();
    let capacity = partly_full(&world);
    let mut knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    // 208.81 x 1.10 (GCP) < 208.81 x 1.18 (Azure) < 323.05 x 1.15.
    assert_eq!(place("greenest", &[], &view, &request(8)), [(GCP, 1)]);
    let gpus = kinds(&["h100", "h200"]);
    let req = PlacementRequest {
        kinds: &gpus,
        ..request(8)
    };
    assert_eq!(place("greenest", &[], &view, &req), [(AZURE, 1)]);
    // PUE counts: a worse PUE at equal carbon loses.
    knobs.carbon_g_per_kwh = vec![200.0, 300.0, 200.0, 300.0];
    knobs.pue = vec![1.3, 1.1, 1.2, 1.1];
    let view = view_of(&knobs, &world, &capacity);
    assert_eq!(place("greenest", &[], &view, &req), [(OCI, 1)]);
}

#[test]
fn lowest_latency_takes_the_site_nearest_the_users() {
    let world = world();
    let capacity = partly_full(&world);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    let europe = [(region(&world, "gcp", "europe-west4"), 1.0)];
    let req = PlacementRequest {
        users: &europe,
        kinds: &kinds(&["h100", "h200"]),
        ..request(8)
    };
    assert_eq!(place("lowest-latency", &[], &view, &req), [(AZURE, 1)]);
    // Three quarters of the weight in Virginia pulls it to AWS.
    let (use1, euw4) = (
        region(&world, "aws", "us-east-1"),
        region(&world, "gcp", "europe-west4"),
    );
    let mixed = [(use1, 3.0), (euw4, 1.0)];
    let req = PlacementRequest {
        users: &mixed,
        ..request(8)
    };
    assert_eq!(place("lowest-latency", &[], &view, &req), [(AWS_A, 1)]);
    let record = logged("lowest-latency", &[], &view, &req);
    let to = region(&world, "azure", "westeurope");
    let expected =
        (3.0 * world.net.rtt.rtt_ms(use1, to).ms + world.net.rtt.rtt_ms(euw4, to).ms) / 4.0;
    assert!((score_of(&record, "az-weu/h100") - expected).abs() < 1e-9);
    // No users: nearest to home; neither: fabric order.
    let homed = PlacementRequest {
        home: Some(AZURE_SITE),
        ..request(8)
    };
    assert_eq!(place("lowest-latency", &[], &view, &homed), [(AZURE, 1)]);
    assert_eq!(
        place("lowest-latency", &[], &view, &request(8)),
        [(AWS_A, 1)]
    );
}

#[test]
fn power_headroom_takes_the_site_with_most_room() {
    let world = world();
    let capacity = partly_full(&world);
    let mut knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    assert_eq!(place("power-headroom", &[], &view, &request(8)), [(OCI, 1)]);
    let record = logged("power-headroom", &[], &view, &request(8));
    let draw = 8.0 * (700.0 + 575.0) * 1.15; // h200 at TDP with its host, times PUE
    assert!((score_of(&record, "oci-ash/h200") + (2e6 - draw)).abs() < 1e-6);
    // AWS (5 kW) cannot take 8 H100s; Azure (30 kW) can, though it has less room than
    // AWS had before the request.
    knobs.power_headroom_w = vec![5e3, 1e5, 1e6, 3e4];
    let view = view_of(&knobs, &world, &capacity);
    let h100 = kinds(&["h100"]);
    let req = PlacementRequest {
        kinds: &h100,
        ..request(8)
    };
    assert_eq!(place("power-headroom", &[], &view, &req), [(AZURE, 1)]);
    assert!(
        score_of(
            &logged("power-headroom", &[], &view, &req),
            "aws-use1/h100-a"
        ) > OVER_CAP_PENALTY_W
    );
    // Over the cap everywhere: still placed, on the smallest overshoot.
    knobs.power_headroom_w = vec![5e3, 1e3, 1e3, 1e3];
    let view = view_of(&knobs, &world, &capacity);
    assert_eq!(place("power-headroom", &[], &view, &req), [(AWS_A, 1)]);
}

#[test]
fn spanning_rules_are_honoured() {
    let world = world();
    // H100 free: AWS_A 2, AWS_B 2 (one site, 4 nodes), AZURE 2.
    let capacity = world.capacity(&[(AWS_A, 2), (AZURE, 2)]);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    let h100 = kinds(&["h100"]);
    let one = PlacementRequest {
        kinds: &h100,
        ..request(32)
    };
    // (`spread` splits across domains whatever the request allows: tested on its own.)
    for (name, params) in [
        ("first-fit", &[][..]),
        ("best-fit", &[]),
        ("cheapest", &[]),
        ("greenest", &[]),
        ("power-headroom", &[]),
    ] {
        assert!(
            place(name, params, &view, &one).is_empty(),
            "{name}: one cluster only"
        );
        let clusters = PlacementRequest {
            span_clusters: true,
            ..one
        };
        let out = place(name, params, &view, &clusters);
        assert_eq!(out.len(), 2, "{name}: {out:?}");
        assert!(
            out.iter().all(|&(c, _)| view.site_of(c) == AWS_SITE),
            "{name}: one site"
        );
        // 48 chips need both sites.
        let big = PlacementRequest {
            accelerators: 48,
            ..clusters
        };
        assert!(
            place(name, params, &view, &big).is_empty(),
            "{name}: one site only"
        );
        let anywhere = PlacementRequest {
            multi_site: true,
            ..big
        };
        let out = place(name, params, &view, &anywhere);
        assert_eq!(
            out.iter().map(|&(_, n)| n).sum::<u32>(),
            6,
            "{name}: {out:?}"
        );
    }
}

#[test]
fn decision_log_lists_options_best_first_and_the_choice() {
    let world = world();
    let capacity = partly_full(&world);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    let record = logged("cheapest", &[], &view, &request(8));
    assert_eq!(record.policy, "placement:cheapest");
    assert_eq!(record.subject, "job");
    assert_eq!(record.time, view.now);
    assert_eq!(record.options.len(), 5);
    assert!(record.options.windows(2).all(|w| w[0].score <= w[1].score));
    assert_eq!(record.options[0].option, "gcp-euw4/v6e");
    assert_eq!(record.choice, "gcp-euw4/v6e x 1");
    // Nothing fits: the options are still there, the choice is `none`.
    let record = logged("cheapest", &[], &view, &request(800));
    assert_eq!(record.choice, "none");
    assert_eq!(record.options.len(), 5);
    // A gathered placement lists every part.
    let spanning = PlacementRequest {
        span_clusters: true,
        kinds: &kinds(&["h100"]),
        ..request(24)
    };
    let capacity = world.capacity(&[(AWS_A, 2), (AWS_B, 1), (AZURE, 2)]);
    let view = view_of(&knobs, &world, &capacity);
    assert_eq!(
        logged("first-fit", &[], &view, &spanning).choice,
        "aws-use1/h100-a x 2 + aws-use1/h100-b x 1"
    );
}

fn spread_params(max_share: f64, level: &str) -> [(&'static str, ParamValue); 2] {
    [
        ("max_share", ParamValue::Number(max_share)),
        ("level", ParamValue::Text(level.to_owned())),
    ]
}

#[test]
fn spread_splits_over_regions_and_refuses_when_the_cap_cannot_be_met() {
    let world = world();
    let capacity = world.capacity(&[]);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    // H100 lives in two regions: aws us-east-1 (6 nodes) and azure westeurope (4).
    let h100 = kinds(&["h100"]);
    let req = PlacementRequest {
        kinds: &h100,
        multi_site: true,
        ..request(16)
    };
    let half = spread_params(0.5, "region");
    assert_eq!(
        place("spread", &half, &view, &req),
        [(AWS_A, 1), (AZURE, 1)]
    );
    assert!(place("spread", &spread_params(0.3, "region"), &view, &req).is_empty());
    // Without multi_site the split is made all the same: spreading is the point.
    let local = PlacementRequest {
        multi_site: false,
        span_clusters: true,
        ..req
    };
    assert_eq!(
        place("spread", &half, &view, &local),
        [(AWS_A, 1), (AZURE, 1)]
    );
    // A cap of 1 lets one cluster take it all.
    assert_eq!(
        place("spread", &spread_params(1.0, "region"), &view, &local),
        [(AWS_A, 2)]
    );
    let record = logged("spread", &half, &view, &req);
    assert_eq!(record.policy, "placement:spread");
    assert_eq!(record.choice, "aws-use1/h100-a x 1 + az-weu/h100 x 1");
}

#[test]
fn spread_counts_what_the_group_already_holds() {
    let world = world();
    let capacity = world.capacity(&[]);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    // Half the group already in us-east-1: the second half goes elsewhere, in one piece.
    let held = [(AWS_A, 8)];
    let gpus = kinds(&["h100", "h200"]);
    let req = PlacementRequest {
        kinds: &gpus,
        group: &held,
        group_total: 16,
        ..request(8)
    };
    let half = spread_params(0.5, "region");
    assert_eq!(place("spread", &half, &view, &req), [(OCI, 1)]);
    // H100 only: Azure is the one other cloud (and region) with H100s.
    let h100 = kinds(&["h100"]);
    let req = PlacementRequest {
        kinds: &h100,
        ..req
    };
    assert_eq!(
        place("spread", &spread_params(0.5, "cloud"), &view, &req),
        [(AZURE, 1)]
    );
    // Over the cap already in Azure too: refused.
    let held = [(AWS_A, 8), (AZURE, 8)];
    let req = PlacementRequest {
        group: &held,
        group_total: 24,
        ..req
    };
    assert!(place("spread", &half, &view, &req).is_empty());
}

#[test]
fn commitment_burn_prefers_the_cloud_with_most_commitment_left() {
    let world = world();
    let capacity = partly_full(&world);
    let mut knobs = knobs(&world);
    // No commitment anywhere: same as cheapest.
    let view = view_of(&knobs, &world, &capacity);
    assert_eq!(
        place("commitment-burn", &[], &view, &request(8)),
        [(GCP, 1)]
    );
    knobs.commitment_left_usd[cloud(&world, "oci")] = 100.0;
    knobs.commitment_left_usd[cloud(&world, "azure")] = 5000.0;
    let view = view_of(&knobs, &world, &capacity);
    // Azure's h100 has no price, but the commitment is spent first.
    assert_eq!(
        place("commitment-burn", &[], &view, &request(8)),
        [(AZURE, 1)]
    );
    let record = logged("commitment-burn", &[], &view, &request(8));
    let names: Vec<&str> = record.options.iter().map(|o| o.option.as_str()).collect();
    assert_eq!(names[..3], ["az-weu/h100", "oci-ash/h200", "gcp-euw4/v6e"]);
    assert_eq!(record.options[0].score, -5000.0);
}

fn throughput_table() -> [(&'static str, ParamValue); 1] {
    let row = |cells: &[(&str, f64)]| {
        ParamValue::Table(
            cells
                .iter()
                .map(|&(k, v)| (k.to_owned(), ParamValue::Number(v)))
                .collect(),
        )
    };
    let table: BTreeMap<String, ParamValue> = [
        (
            "chat".to_owned(),
            row(&[("h100", 1.0), ("h200", 1.2), ("tpu-v6e", 1.5)]),
        ),
        (
            "train".to_owned(),
            row(&[("h100", 1.0), ("h200", 1.1), ("tpu-v6e", 0.5)]),
        ),
    ]
    .into_iter()
    .collect();
    [("throughput", ParamValue::Table(table))]
}

#[test]
fn heterogeneity_aware_follows_comparative_advantage() {
    let world = world();
    let capacity = partly_full(&world);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    let table = throughput_table();
    let named = |subject| PlacementRequest {
        subject,
        ..request(8)
    };
    // chat is relatively best on TPUs (1.5 vs a mean of 1.0), train on H100s (1.0 vs 1.0,
    // beating 1.1 / 1.15 on H200 and 0.5 / 1.0 on TPUs).
    assert_eq!(
        place("heterogeneity-aware", &table, &view, &named("chat")),
        [(GCP, 1)]
    );
    assert_eq!(
        place("heterogeneity-aware", &table, &view, &named("chat#3")),
        [(GCP, 1)]
    );
    assert_eq!(
        place("heterogeneity-aware", &table, &view, &named("train")),
        [(AWS_A, 1)]
    );
    let record = logged("heterogeneity-aware", &table, &view, &named("train"));
    assert!((score_of(&record, "oci-ash/h200") + 1.1 / 1.15).abs() < 1e-12);
    // Not in the table: bf16 TFLOP/s over the table's mean, 989 / 1.0 on H100 is best.
    assert_eq!(
        place("heterogeneity-aware", &table, &view, &named("other")),
        [(AWS_A, 1)]
    );
    // No table: the fastest kind (H100 and H200 tie at 989; fabric order).
    assert_eq!(
        place("heterogeneity-aware", &[], &view, &named("chat")),
        [(AWS_A, 1)]
    );
    let record = logged("heterogeneity-aware", &[], &view, &named("chat"));
    assert!((score_of(&record, "gcp-euw4/v6e") + 918.0 / 989.0).abs() < 1e-12);
    // A kind missing from a row: estimated at the row's throughput per TFLOP/s elsewhere.
    let sparse = [(
        "throughput",
        ParamValue::Table(
            [(
                "x".to_owned(),
                ParamValue::Table([("h100".to_owned(), ParamValue::Number(2.0))].into()),
            )]
            .into(),
        ),
    )];
    let record = logged("heterogeneity-aware", &sparse, &view, &named("x"));
    assert!((score_of(&record, "gcp-euw4/v6e") + 1.0).abs() < 1e-12);
    let record = logged("heterogeneity-aware", &sparse, &view, &named("y"));
    let tpu_estimate = 918.0 * 2.0 / 989.0;
    assert!((score_of(&record, "gcp-euw4/v6e") + 918.0 / tpu_estimate).abs() < 1e-9);
    // A value that is not a positive number is refused.
    let bad = [(
        "throughput",
        ParamValue::Table([("x".to_owned(), ParamValue::Number(2.0))].into()),
    )];
    let e = Registry::builtin()
        .placement(
            "heterogeneity-aware",
            &PolicyParams::from_pairs(bad.map(|(k, v)| (k.to_owned(), v))),
        )
        .err()
        .unwrap();
    assert!(e.message.contains("throughput.x"), "{e}");
}

#[test]
fn every_builtin_is_registered_and_checks_its_parameters() {
    let registry = Registry::builtin();
    let placements: Vec<&str> = registry.placements().map(|(name, _)| name).collect();
    for name in [
        "best-fit",
        "cheapest",
        "commitment-burn",
        "first-fit",
        "greenest",
        "heterogeneity-aware",
        "lowest-latency",
        "power-headroom",
        "spread",
    ] {
        assert!(
            placements.contains(&name),
            "{name} missing from {placements:?}"
        );
        let p = registry.placement(name, &PolicyParams::default()).unwrap();
        assert_eq!(p.name(), name);
        let bogus = PolicyParams::from_pairs([("bogus".to_owned(), ParamValue::Number(1.0))]);
        let e = registry.placement(name, &bogus).err().unwrap();
        assert!(
            e.message.contains("unknown parameter \"bogus\""),
            "{name}: {e}"
        );
    }
    let failovers: Vec<&str> = registry.failovers().map(|(name, _)| name).collect();
    assert_eq!(failovers, ["migrate", "restart", "threshold", "wait"]);
    for name in failovers {
        assert_eq!(
            registry
                .failover(name, &PolicyParams::default())
                .unwrap()
                .name(),
            name
        );
    }
    let misspelt = |kind: &str, name: &str, key: &str, want: &str| {
        let p = PolicyParams::from_pairs([(key.to_owned(), ParamValue::Number(1.0))]);
        let message = if kind == "placement" {
            registry.placement(name, &p).err().unwrap().message
        } else {
            registry.failover(name, &p).err().unwrap().message
        };
        assert!(
            message.contains(&format!("did you mean {want:?}")),
            "{message}"
        );
    };
    misspelt("placement", "cheapest", "amortize_h", "amortise_h");
    misspelt("placement", "commitment-burn", "amortise", "amortise_h");
    misspelt("placement", "spread", "max_shares", "max_share");
    misspelt(
        "placement",
        "heterogeneity-aware",
        "througput",
        "throughput",
    );
    misspelt("failover", "threshold", "max_wiat", "max_wait");
    // Bad values say what is expected.
    let p = PolicyParams::from_pairs([("level".to_owned(), ParamValue::Text("regoin".into()))]);
    let e = registry.placement("spread", &p).err().unwrap();
    assert!(e.message.contains("did you mean \"region\""), "{e}");
    let p = PolicyParams::from_pairs([("max_share".to_owned(), ParamValue::Number(0.0))]);
    assert!(registry.placement("spread", &p).is_err());
    let p = PolicyParams::from_pairs([("amortise_h".to_owned(), ParamValue::Number(-1.0))]);
    assert!(registry.placement("cheapest", &p).is_err());
    let p = PolicyParams::from_pairs([("max_wait".to_owned(), ParamValue::Text("2 hours".into()))]);
    assert!(registry.failover("threshold", &p).is_err());
}

fn interruption(repair: SimDuration) -> FailoverContext<'static> {
    FailoverContext {
        subject: "train",
        domain: FailureDomain::Site(AWS_SITE),
        expected_repair: repair,
        home: AWS_SITE,
        accelerators: 16,
        checkpoint_bytes: 1e12,
    }
}

#[test]
fn threshold_waits_for_short_repairs_and_migrates_otherwise() {
    let world = world();
    let capacity = partly_full(&world);
    let knobs = knobs(&world);
    let view = view_of(&knobs, &world, &capacity);
    let registry = Registry::builtin();
    let two_hours =
        PolicyParams::from_pairs([("max_wait".to_owned(), ParamValue::Text("2h".into()))]);
    let mut log = DecisionLog::enabled(4);
    let mut p = registry.failover("threshold", &two_hours).unwrap();
    let decide = |p: &mut Box<dyn sim_models::policy::Failover>, log: &mut DecisionLog, mins| {
        p.decide(&view, &interruption(SimDuration::from_mins(mins)), log)
    };
    assert_eq!(decide(&mut p, &mut log, 30), FailoverDecision::Wait);
    assert_eq!(decide(&mut p, &mut log, 120), FailoverDecision::Wait);
    assert_eq!(decide(&mut p, &mut log, 121), FailoverDecision::Migrate);
    let records = log.records();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].policy, "failover:threshold");
    assert_eq!(records[0].subject, "train");
    assert_eq!(records[0].options[0].option, "wait");
    assert_eq!(records[0].options[0].score, 1800.0);
    assert_eq!(records[1].choice, "wait");
    assert_eq!(records[2].choice, "migrate");
    assert_eq!(records[2].options[0].option, "migrate");
    assert_eq!(records[2].options[0].score, 7200.0);
    // Seconds work too; the default is one hour.
    let secs = PolicyParams::from_pairs([("max_wait".to_owned(), ParamValue::Number(600.0))]);
    let mut p = registry.failover("threshold", &secs).unwrap();
    assert_eq!(decide(&mut p, &mut log, 11), FailoverDecision::Migrate);
    let mut p = registry
        .failover("threshold", &PolicyParams::default())
        .unwrap();
    assert_eq!(decide(&mut p, &mut log, 60), FailoverDecision::Wait);
    assert_eq!(decide(&mut p, &mut log, 61), FailoverDecision::Migrate);
    // The fixed policies always say the same, and log it.
    for (name, want) in [
        ("wait", FailoverDecision::Wait),
        ("restart", FailoverDecision::Restart),
        ("migrate", FailoverDecision::Migrate),
    ] {
        let mut p = registry.failover(name, &PolicyParams::default()).unwrap();
        let mut log = DecisionLog::enabled(4);
        assert_eq!(decide(&mut p, &mut log, 1), want);
        assert_eq!(decide(&mut p, &mut log, 10_000), want);
        assert_eq!(log.records()[0].choice, name);
        assert_eq!(log.records()[0].policy, format!("failover:{name}"));
    }
}
