//! `commitment-burn`: clouds with the most unspent commitment first, then `cheapest`.

use crate::policy::params::PolicyParams;
use crate::policy::placement::cheapest::{DEFAULT_AMORTISE_H, amortise_h};
use crate::policy::placement::{Cheapest, Placement, PlacementRequest};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::ClusterId;

/// Registers `commitment-burn`.
pub(super) fn register(r: &mut Registry) {
    r.add_placement(
        "commitment-burn",
        "clouds with the most unspent commitment first, then cheapest (amortise_h)",
        |p: &PolicyParams| {
            p.only(&["amortise_h"])?;
            Ok(Box::new(CommitmentBurn {
                amortise_h: amortise_h(p)?,
            }) as Box<dyn Placement>)
        },
    );
}

/// `commitment-burn`: spend committed money first. Score: `−commitment_left_usd[cloud]`
/// for a cloud with commitment left (most unspent first), else [`Cheapest`]'s score
/// (never negative, so after every committed cloud).
#[derive(Clone, Copy, Debug)]
pub struct CommitmentBurn {
    /// `amortise_h` of the [`Cheapest`] fallback (default 24).
    pub amortise_h: f64,
}

impl Default for CommitmentBurn {
    fn default() -> Self {
        Self {
            amortise_h: DEFAULT_AMORTISE_H,
        }
    }
}

impl CommitmentBurn {
    /// −commitment left in the cluster's cloud, else the cheapest score.
    pub fn score(&self, view: &FabricView<'_>, req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        let left = view.commitment_left_usd[usize::from(view.cloud_of(c).0)];
        if left > 0.0 {
            -left
        } else {
            Cheapest {
                amortise_h: self.amortise_h,
            }
            .score(view, req, c)
        }
    }
}

scored_placement!(CommitmentBurn, "commitment-burn");
