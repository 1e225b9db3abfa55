//! `heterogeneity-aware`: kinds where the subject has a comparative throughput advantage
//! (Gavel).

use std::collections::BTreeMap;

use crate::policy::decision::DecisionLog;
use crate::policy::params::{ParamValue, PolicyParams};
use crate::policy::placement::{Placement, PlacementRequest, place_by_score};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::ClusterId;

/// Registers `heterogeneity-aware`.
pub(super) fn register(r: &mut Registry) {
    r.add_placement(
        "heterogeneity-aware",
        "kinds where the subject has a comparative throughput advantage (Gavel; throughput table)",
        |p: &PolicyParams| {
            p.only(&["throughput"])?;
            Ok(Box::new(HeterogeneityAware::new(&p.table("throughput")?)?) as Box<dyn Placement>)
        },
    );
}

/// `heterogeneity-aware`: the kind where this subject has a comparative advantage, in the
/// spirit of Gavel (Narayanan et al., OSDI '20).
///
/// `throughput` is a table `subject -> kind -> relative throughput` (any unit, one per
/// subject). The throughput of subject `s` on kind `k` is its table value; a kind missing
/// from `s`'s row is estimated as `bf16_tflops(k) × e`, with `e` the row's mean of
/// value ÷ `bf16_tflops` over the catalog kinds it lists (1 if none); a subject not in the
/// table gets `bf16_tflops(k)`. The subject is matched by its full name, else by the part
/// before `#` (a replica `chat#3` uses row `chat`). Score of a cluster of kind `k`:
/// `−thr(subject, k) ÷ mean over table subjects of thr(·, k)`; with an empty table,
/// `−bf16_tflops(k) ÷ the fastest kind's in the fabric` (fastest first). O(C × T) for
/// C clusters and T table cells.
#[derive(Clone, Debug, Default)]
pub struct HeterogeneityAware {
    /// `(subject, [(kind, throughput)])`, sorted by subject, then kind.
    rows: Vec<(String, Vec<(String, f64)>)>,
    /// Per row, throughput per bf16 TFLOP/s (scratch, refreshed per call).
    efficiency: Vec<f64>,
}

impl HeterogeneityAware {
    /// From the `throughput` table; every value must be a positive number.
    pub fn new(table: &BTreeMap<String, ParamValue>) -> Result<Self, String> {
        let mut rows = Vec::with_capacity(table.len());
        for (subject, row) in table {
            let ParamValue::Table(cells) = row else {
                return Err(format!(
                    "parameter \"throughput.{subject}\" must be a table of kind = throughput, \
                     e.g. {{ h100 = 1.0, tpu-v6e = 0.8 }}, got {row:?}"
                ));
            };
            let mut kinds = Vec::with_capacity(cells.len());
            for (kind, value) in cells {
                match value {
                    ParamValue::Number(x) if x.is_finite() && *x > 0.0 => {
                        kinds.push((kind.clone(), *x));
                    }
                    other => {
                        return Err(format!(
                            "parameter \"throughput.{subject}.{kind}\" must be a positive \
                             number, got {other:?}"
                        ));
                    }
                }
            }
            rows.push((subject.clone(), kinds));
        }
        Ok(Self {
            rows,
            efficiency: Vec::new(),
        })
    }

    /// The row of `subject`: by full name, else by the part before `#`.
    fn row_of(&self, subject: &str) -> Option<usize> {
        let find = |name: &str| {
            self.rows
                .binary_search_by(|(s, _)| s.as_str().cmp(name))
                .ok()
        };
        find(subject).or_else(|| find(subject.split_once('#')?.0))
    }

    /// Throughput of row `i` on kind `kind` with peak `bf16` TFLOP/s.
    fn throughput(&self, i: usize, kind: &str, bf16: f64) -> f64 {
        self.rows[i]
            .1
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(bf16 * self.efficiency[i], |&(_, x)| x)
    }
}

impl Placement for HeterogeneityAware {
    fn name(&self) -> &str {
        "heterogeneity-aware"
    }

    fn place(
        &mut self,
        view: &FabricView<'_>,
        req: &PlacementRequest<'_>,
        out: &mut Vec<(ClusterId, u32)>,
        log: &mut DecisionLog,
    ) -> bool {
        self.efficiency.clear();
        for (_, cells) in &self.rows {
            let (mut sum, mut n) = (0.0, 0u32);
            for (kind, x) in cells {
                if let Some(id) = view.catalog.accelerator_id(kind) {
                    sum += x / view.catalog.accelerator(id).bf16_tflops;
                    n += 1;
                }
            }
            self.efficiency
                .push(if n > 0 { sum / f64::from(n) } else { 1.0 });
        }
        let this = &*self;
        let bf16_of = |c: ClusterId| {
            view.catalog
                .accelerator(view.cluster(c).accelerator)
                .bf16_tflops
        };
        if this.rows.is_empty() {
            let fastest = view
                .fabric
                .clusters()
                .iter()
                .map(|c| bf16_of(c.id))
                .fold(0.0, f64::max);
            return place_by_score(self.name(), view, req, out, log, |c| {
                Some(-bf16_of(c) / fastest)
            });
        }
        let own = this.row_of(req.subject);
        place_by_score(this.name(), view, req, out, log, |c| {
            let (kind, bf16) = (view.kind_of(c), bf16_of(c));
            let mean = (0..this.rows.len())
                .map(|i| this.throughput(i, kind, bf16))
                .sum::<f64>()
                / this.rows.len() as f64;
            let mine = own.map_or(bf16, |i| this.throughput(i, kind, bf16));
            Some(-mine / mean)
        })
    }
}
