//! WAN egress totals by cloud.

use sim_core::time::SimTime;

use crate::catalog::CloudId;

/// Bytes and dollars of WAN traffic of one cloud.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EgressTotals {
    /// Bytes this cloud sent (inter-region within the cloud, or to another cloud).
    pub sent_bytes: u64,
    /// Bytes this cloud received from another region or cloud.
    pub received_bytes: u64,
    /// Egress this cloud was billed, $ (the sender pays, as in the network model).
    pub usd: f64,
}

/// WAN egress totals per cloud: the network model prices each transfer, this ledger adds
/// it up. *O*(1) and allocation-free per transfer; one dense slot per catalog cloud.
///
/// ```
/// # use sim_models::accounting::EgressLedger;
/// # use sim_models::catalog::CloudId;
/// # use sim_core::time::SimTime;
/// let mut e = EgressLedger::new(2);
/// e.add(SimTime::ZERO, CloudId(0), CloudId(1), 1_000_000_000, 0.09);
/// assert_eq!(e.cloud(CloudId(0)).usd, 0.09);
/// assert_eq!(e.cloud(CloudId(1)).received_bytes, 1_000_000_000);
/// assert_eq!(e.total_usd(), 0.09);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EgressLedger {
    clouds: Vec<EgressTotals>,
    last: SimTime,
}

impl EgressLedger {
    /// A ledger for clouds `0..n_clouds` (the catalog's cloud ids).
    pub fn new(n_clouds: usize) -> Self {
        Self {
            clouds: vec![EgressTotals::default(); n_clouds],
            last: SimTime::ZERO,
        }
    }

    /// A transfer of `bytes` from `from` to `to` at `now`, priced `usd` (billed to
    /// `from`). *O*(1).
    ///
    /// # Panics
    ///
    /// If a cloud id is out of range. Debug builds also panic if time goes backwards or
    /// `usd` is negative or not finite.
    #[inline]
    pub fn add(&mut self, now: SimTime, from: CloudId, to: CloudId, bytes: u64, usd: f64) {
        debug_assert!(
            now >= self.last,
            "EgressLedger::add: time must not go backwards (now {now:?} < {:?})",
            self.last
        );
        debug_assert!(
            usd.is_finite() && usd >= 0.0,
            "EgressLedger::add: price must be finite and >= 0, got {usd}"
        );
        self.last = self.last.max(now);
        let src = &mut self.clouds[usize::from(from.0)];
        src.sent_bytes = src.sent_bytes.saturating_add(bytes);
        src.usd += usd;
        let dst = &mut self.clouds[usize::from(to.0)];
        dst.received_bytes = dst.received_bytes.saturating_add(bytes);
    }

    /// Totals of `cloud`.
    pub fn cloud(&self, cloud: CloudId) -> EgressTotals {
        self.clouds[usize::from(cloud.0)]
    }

    /// Totals of every cloud, indexed by cloud id.
    pub fn clouds(&self) -> &[EgressTotals] {
        &self.clouds
    }

    /// Egress billed across all clouds, $.
    pub fn total_usd(&self) -> f64 {
        self.clouds.iter().map(|c| c.usd).sum()
    }

    /// Bytes sent across all clouds.
    pub fn total_bytes(&self) -> u64 {
        self.clouds.iter().map(|c| c.sent_bytes).sum()
    }
}
