//! `cheapest`: lowest on-demand USD/h plus amortised checkpoint egress.

use crate::policy::params::PolicyParams;
use crate::policy::placement::{Placement, PlacementRequest};
use crate::policy::registry::Registry;
use crate::policy::view::FabricView;
use crate::topology::ClusterId;

/// Score standing in for the hourly price of a cluster with no published price: far above
/// any real allocation, so unpriced clusters come last but stay eligible.
pub const UNPRICED_USD_PER_H: f64 = 1e12;

/// Default of `amortise_h` (`cheapest`, `commitment-burn`): hours over which the one-off
/// egress of moving a checkpoint is spread.
pub const DEFAULT_AMORTISE_H: f64 = 24.0;

/// Registers `cheapest`.
pub(super) fn register(r: &mut Registry) {
    r.add_placement(
        "cheapest",
        "lowest on-demand USD/h plus amortised checkpoint egress (amortise_h, default 24)",
        |p: &PolicyParams| {
            p.only(&["amortise_h"])?;
            Ok(Box::new(Cheapest {
                amortise_h: amortise_h(p)?,
            }) as Box<dyn Placement>)
        },
    );
}

/// Parameter `amortise_h` (`cheapest`, `commitment-burn`): a positive number of hours,
/// [`DEFAULT_AMORTISE_H`] when absent.
pub(super) fn amortise_h(p: &PolicyParams) -> Result<f64, String> {
    let h = p.number("amortise_h", DEFAULT_AMORTISE_H)?;
    if h.is_finite() && h > 0.0 {
        Ok(h)
    } else {
        Err(format!(
            "parameter \"amortise_h\" is {h}: expected a positive number of hours, e.g. 24"
        ))
    }
}

/// `cheapest`: lowest hourly cost. Score, USD/h:
/// `usd_per_chip_hour × accelerators` ([`UNPRICED_USD_PER_H`] when unpriced), plus, when
/// the request has a `home` at another site, the egress of moving `checkpoint_bytes` from
/// there (WAN path price) divided by `amortise_h`.
#[derive(Clone, Copy, Debug)]
pub struct Cheapest {
    /// Hours over which the one-off checkpoint egress is spread (default 24).
    pub amortise_h: f64,
}

impl Default for Cheapest {
    fn default() -> Self {
        Self {
            amortise_h: DEFAULT_AMORTISE_H,
        }
    }
}

impl Cheapest {
    /// USD/h of the allocation on `c` plus amortised checkpoint egress.
    pub fn score(&self, view: &FabricView<'_>, req: &PlacementRequest<'_>, c: ClusterId) -> f64 {
        let hourly = view.usd_per_chip_hour[c.0 as usize]
            .map_or(UNPRICED_USD_PER_H, |p| p * f64::from(req.accelerators));
        let egress = match req.home {
            Some(home) if home != view.site_of(c) && req.checkpoint_bytes > 0.0 => view
                .wan
                .path(
                    usize::from(home.0),
                    usize::from(view.site_of(c).0),
                    view.rtt,
                    view.prices,
                )
                .transfer_usd(req.checkpoint_bytes),
            _ => 0.0,
        };
        hourly + egress / self.amortise_h
    }
}

scored_placement!(Cheapest, "cheapest");
