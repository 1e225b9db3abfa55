//! The fabric simulation's events: what [`FabricSim`](super::FabricSim) schedules and
//! handles (the serving side's events ride inside as [`FabricEvent::Serve`]).

use super::serving::ServeEvent;
use crate::topology::FailureDomain;

/// The simulation's events (16 bytes, stored inline in the queue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FabricEvent {
    /// Job `i` arrives.
    Arrive(u32),
    /// Job `i`'s work completes (cancelled if it is interrupted first).
    Finish(u32),
    /// The pending random failure of cluster `i` happens.
    Failure(u32),
    /// A failed domain comes back.
    Repair(FailureDomain),
    /// Outage `i` of the plan begins.
    OutageStart(u32),
    /// Outage `i` of the plan ends.
    OutageEnd(u32),
    /// Cluster `i` comes online (capacity growth).
    ClusterOnline(u32),
    /// The pending Weibull failure of node `i` happens.
    NodeFailure(u32),
    /// Site `i`'s power cap changes (a curtailment starts or ends).
    CapChange(u16),
    /// An event of the inference services.
    Serve(ServeEvent),
}

/// Short name of [`FabricEvent`] inside the simulator.
pub(in crate::sim) type Ev = FabricEvent;
