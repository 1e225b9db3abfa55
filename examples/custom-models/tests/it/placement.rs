//! flops-per-watt on a hand-made fabric view: scores, choices, exclusions and parameters.

use custom_models::flops_per_watt::{FLOPS_PER_WATT, FlopsPerWatt};
use custom_models::nova::NOVA_1;
use sim_models::capacity::Capacity;
use sim_models::catalog::{Catalog, RegionId};
use sim_models::network::{EgressPrices, NetworkSpec, RttModel, WanModel};
use sim_models::policy::registry::ParamValue;
use sim_models::policy::{DecisionLog, FabricView, Placement, PlacementRequest, PolicyParams};
use sim_models::sim_core::time::SimTime;
use sim_models::topology::{ClusterId, ClusterSpec, Fabric, FabricSpec, SiteSpec};

// Clusters in fabric order.
const AWS_H100: ClusterId = ClusterId(0); // aws-use1, 4 nodes of 8
const AWS_NOVA: ClusterId = ClusterId(1); // aws-use1, 4 nodes
const GCP_NOVA: ClusterId = ClusterId(2); // gcp-usc1, 2 nodes
const GCP_B200: ClusterId = ClusterId(3); // gcp-usc1, 4 nodes

struct World {
    catalog: Catalog,
    fabric: Fabric,
    rtt: RttModel,
    prices: EgressPrices,
    wan: WanModel,
    usd: Vec<Option<f64>>,
    carbon: Vec<f64>,
    headroom: Vec<f64>,
    pue: Vec<f64>,
    commitments: Vec<f64>,
}

impl World {
    fn new() -> Self {
        let catalog = custom_models::registry().catalog().expect("families fit");
        let cluster = |name: &str, kind: &str, nodes: u32| ClusterSpec {
            name: name.into(),
            accelerator: kind.into(),
            count: nodes * 8,
            node_size: Some(8),
            rack_nodes: 2,
            scaleup_domain: None,
            online_from: SimTime::ZERO,
        };
        let site = |name: &str, cloud: &str, region: &str, clusters| SiteSpec {
            name: name.into(),
            cloud: cloud.into(),
            region: region.into(),
            power_cap_mw: 10.0,
            pue: None,
            online_from: SimTime::ZERO,
            clusters,
        };
        let fabric = FabricSpec {
            sites: vec![
                site(
                    "aws-use1",
                    "aws",
                    "us-east-1",
                    vec![cluster("h100", "h100", 4), cluster("nova", NOVA_1, 4)],
                ),
                site(
                    "gcp-usc1",
                    "gcp",
                    "us-central1",
                    vec![cluster("nova", NOVA_1, 2), cluster("b200", "b200", 4)],
                ),
            ],
        }
        .build(&catalog)
        .expect("a valid fabric");
        let sites: Vec<(&str, RegionId)> = fabric
            .sites()
            .iter()
            .map(|s| (s.name.as_str(), s.region))
            .collect();
        let wan = WanModel::new(
            &NetworkSpec {
                wan_gbit_default: 100.0,
                links: Vec::new(),
            },
            &sites,
        )
        .expect("default WAN");
        let pue = fabric.sites().iter().map(|s| s.pue).collect();
        Self {
            rtt: RttModel::from_catalog(&catalog).expect("built-in RTTs"),
            prices: EgressPrices::from_catalog(&catalog).expect("built-in prices"),
            wan,
            usd: vec![None; fabric.clusters().len()],
            carbon: vec![300.0; 2],
            headroom: vec![1e6; 2],
            pue,
            commitments: vec![0.0; catalog.clouds().len()],
            catalog,
            fabric,
        }
    }

    fn view<'a>(&'a self, capacity: &'a Capacity) -> FabricView<'a> {
        FabricView {
            now: SimTime::ZERO,
            fabric: &self.fabric,
            catalog: &self.catalog,
            capacity,
            usd_per_chip_hour: &self.usd,
            carbon_g_per_kwh: &self.carbon,
            power_headroom_w: &self.headroom,
            pue: &self.pue,
            commitment_left_usd: &self.commitments,
            rtt: &self.rtt,
            prices: &self.prices,
            wan: &self.wan,
        }
    }
}

fn request<'a>(accelerators: u32, kinds: &'a [String]) -> PlacementRequest<'a> {
    PlacementRequest {
        subject: "job",
        accelerators,
        kinds,
        span_clusters: false,
        multi_site: false,
        params: 70e9,
        home: None,
        checkpoint_bytes: 0.0,
        users: &[],
        group: &[],
        group_total: accelerators,
    }
}

fn place(
    policy: &mut dyn Placement,
    view: &FabricView<'_>,
    req: &PlacementRequest<'_>,
    log: &mut DecisionLog,
) -> Vec<(ClusterId, u32)> {
    let mut out = vec![(ClusterId(99), 99)];
    let ok = policy.place(view, req, &mut out, log);
    assert_eq!(ok, !out.is_empty(), "place returns whether it filled out");
    out
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
    let capacity = Capacity::new(&w.fabric);
    let view = w.view(&capacity);
    let p = FlopsPerWatt::default();
    let score = |c| p.score(&view, c).unwrap();
    // nova-1: 1,800 TFLOP/s / ((800 + 350) W x PUE).
    let aws_pue = w.pue[0];
    assert!((score(AWS_NOVA) + 1_800.0 / (1_150.0 * aws_pue)).abs() < 1e-12);
    assert!((score(AWS_H100) + 989.0 / (1_275.0 * aws_pue)).abs() < 1e-12);
    // Lower PUE, same chip: a better (lower) score.
    assert!(w.pue[1] < aws_pue);
    assert!(score(GCP_NOVA) < score(AWS_NOVA));
    assert!(score(GCP_NOVA) < score(GCP_B200) && score(GCP_B200) < score(AWS_H100));
}

#[test]
fn picks_the_most_efficient_cluster_that_fits() {
    let w = World::new();
    let capacity = Capacity::new(&w.fabric);
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
    let capacity = Capacity::new(&w.fabric);
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
    let mut capacity = Capacity::new(&w.fabric);
    let mut nodes = Vec::new();
    assert!(capacity.allocate(&w.fabric, GCP_NOVA, 2, 0, &mut nodes));
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
