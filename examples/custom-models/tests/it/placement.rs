//! flops-per-watt on a hand-made fabric view: scores, choices, exclusions and parameters.

use custom_models::flops_per_watt::{FLOPS_PER_WATT, FlopsPerWatt};
use custom_models::nova::NOVA_1;
use sim_models::capacity::Capacity;
use sim_models::policy::{
    DecisionLog, FabricView, ParamValue, Placement, PlacementRequest, PolicyParams,
};
use sim_models::sim_core::time::SimTime;
use sim_models::testing::{self, ViewInputs, place};
use sim_models::topology::{ClusterId, ClusterSpec};

// Clusters in fabric order.
const AWS_H100: ClusterId = ClusterId(0); // aws-use1, 4 nodes of 8
const AWS_NOVA: ClusterId = ClusterId(1); // aws-use1, 4 nodes
const GCP_NOVA: ClusterId = ClusterId(2); // gcp-usc1, 2 nodes
const GCP_B200: ClusterId = ClusterId(3); // gcp-usc1, 4 nodes

/// The test fabric, its catalog (with nova-1) and network, and the numbers of its views.
struct World {
    world: testing::World,
    inputs: ViewInputs,
}

impl World {
    fn new() -> Self {
        let catalog = custom_models::registry().catalog().expect("families fit");
        let cluster = |name: &str, kind: &str, nodes: u32| ClusterSpec {
            node_size: Some(8),
            rack_nodes: 2,
            ..testing::cluster(name, kind, nodes * 8)
        };
        let world = testing::World::new(
            catalog,
            vec![
                testing::site(
                    "aws-use1",
                    "aws",
                    "us-east-1",
                    10.0,
                    vec![cluster("h100", "h100", 4), cluster("nova", NOVA_1, 4)],
                ),
                testing::site(
                    "gcp-usc1",
                    "gcp",
                    "us-central1",
                    10.0,
                    vec![cluster("nova", NOVA_1, 2), cluster("b200", "b200", 4)],
                ),
            ],
        );
        let inputs = ViewInputs {
            usd_per_chip_hour: vec![None; world.fabric.clusters().len()],
            carbon_g_per_kwh: vec![300.0; 2],
            power_headroom_w: vec![1e6; 2],
            pue: world.fabric.sites().iter().map(|s| s.pue).collect(),
            commitment_left_usd: vec![0.0; world.catalog.clouds().len()],
        };
        Self { world, inputs }
    }

    fn view<'a>(&'a self, capacity: &'a Capacity) -> FabricView<'a> {
        self.world.view(&self.inputs, capacity, SimTime::ZERO)
    }
}

fn request<'a>(accelerators: u32, kinds: &'a [String]) -> PlacementRequest<'a> {
    PlacementRequest {
        kinds,
        ..testing::request(accelerators)
    }
}

fn policy(params: &[(&str, f64)]) -> Box<dyn Placement> {
    let params = PolicyParams::from_pairs(
        params
            .iter()
            .map(|&(k, v)| (k.to_owned(), ParamValue::Number(v))),
    );
    custom_models::registry()
        .placement(FLOPS_PER_WATT, &params)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn scores_are_tflops_per_facility_watt() {
    let w = World::new();
    let capacity = Capacity::new(&w.world.fabric);
    let view = w.view(&capacity);
    let p = FlopsPerWatt::default();
    let score = |c| p.score(&view, c).unwrap();
    // nova-1: 1,800 TFLOP/s / ((800 + 350) W x PUE).
    let aws_pue = w.inputs.pue[0];
    assert!((score(AWS_NOVA) + 1_800.0 / (1_150.0 * aws_pue)).abs() < 1e-12);
    assert!((score(AWS_H100) + 989.0 / (1_275.0 * aws_pue)).abs() < 1e-12);
    // Lower PUE, same chip: a better (lower) score.
    assert!(w.inputs.pue[1] < aws_pue);
    assert!(score(GCP_NOVA) < score(AWS_NOVA));
    assert!(score(GCP_NOVA) < score(GCP_B200) && score(GCP_B200) < score(AWS_H100));
}

#[test]
fn picks_the_most_efficient_cluster_that_fits() {
    let w = World::new();
    let capacity = Capacity::new(&w.world.fabric);
    let view = w.view(&capacity);
    let mut p = policy(&[]);
    let mut log = DecisionLog::enabled(8);
    let any: Vec<String> = Vec::new();
    // 16 chips fit in gcp-usc1's nova-1 (2 nodes): best score.
    assert_eq!(
        place(&mut *p, &view, &request(16, &any), &mut log),
        [(GCP_NOVA, 2)]
    );
    // 32 do not: the next best, aws-use1's nova-1.
    assert_eq!(
        place(&mut *p, &view, &request(32, &any), &mut log),
        [(AWS_NOVA, 4)]
    );
    // Only H100 allowed.
    let h100 = vec!["h100".to_owned()];
    assert_eq!(
        place(&mut *p, &view, &request(8, &h100), &mut log),
        [(AWS_H100, 1)]
    );
    // Too big for any one cluster and no spanning allowed: refused.
    assert_eq!(place(&mut *p, &view, &request(40, &any), &mut log), []);
    let records = log.records();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0].policy, "placement:flops-per-watt");
    assert_eq!(records[0].choice, "gcp-usc1/nova x 2");
    assert_eq!(records[0].options[0].option, "gcp-usc1/nova");
    assert_eq!(records[3].choice, "none");
}

#[test]
fn max_pue_excludes_sites_and_is_checked() {
    let w = World::new();
    let capacity = Capacity::new(&w.world.fabric);
    let view = w.view(&capacity);
    let mut p = policy(&[("max_pue", 1.12)]);
    let any: Vec<String> = Vec::new();
    let mut log = DecisionLog::default();
    // aws-use1 (PUE 1.15) is out: 32 chips fit nowhere in gcp-usc1's nova-1, so b200.
    assert_eq!(
        place(&mut *p, &view, &request(32, &any), &mut log),
        [(GCP_B200, 4)]
    );
    let h100 = vec!["h100".to_owned()];
    assert_eq!(place(&mut *p, &view, &request(8, &h100), &mut log), []);

    let registry = custom_models::registry();
    let bad = |v: ParamValue| {
        let params = PolicyParams::from_pairs([("max_pue".to_owned(), v)]);
        registry
            .placement(FLOPS_PER_WATT, &params)
            .err()
            .unwrap()
            .message
    };
    assert!(bad(ParamValue::Number(0.9)).contains("PUE >= 1"));
    assert!(bad(ParamValue::Number(f64::NAN)).contains("PUE >= 1"));
    assert!(bad(ParamValue::Text("low".into())).contains("must be a number"));
    let params = PolicyParams::from_pairs([("max_peu".to_owned(), ParamValue::Number(1.2))]);
    let e = registry.placement(FLOPS_PER_WATT, &params).err().unwrap();
    assert!(
        e.message.contains("did you mean \"max_pue\""),
        "{}",
        e.message
    );
}

#[test]
fn a_busy_cluster_is_skipped() {
    let w = World::new();
    let mut capacity = Capacity::new(&w.world.fabric);
    let mut nodes = Vec::new();
    assert!(capacity.allocate(&w.world.fabric, GCP_NOVA, 2, 0, &mut nodes));
    let view = w.view(&capacity);
    let mut p = policy(&[]);
    let any: Vec<String> = Vec::new();
    let got = place(
        &mut *p,
        &view,
        &request(16, &any),
        &mut DecisionLog::default(),
    );
    assert_eq!(got, [(AWS_NOVA, 2)]);
}
