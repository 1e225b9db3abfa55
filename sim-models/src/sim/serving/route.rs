//! Request routing: which service site a request goes to. (Within the site, its router
//! gives the request a slot of the least-loaded live replica, or queues it: see
//! [`Serving::dispatch`].)
//!
//! A site is a candidate when the users' region reaches its region (no partition) and it
//! has a live replica. A site's load is compared as: one with a free slot before one
//! without; among those with a free slot, the least prefill work pending at its best
//! replica, then the fewest busy slots there; among full ones, the shortest queue.
//!
//! * `nearest`: the candidate with the lowest RTT from the users' region.
//! * `least-loaded`: the least-loaded candidate (ties: lower RTT, then site order).
//! * `latency-aware`: the candidate minimising RTT plus an estimate of its queueing delay:
//!   the prefill work pending at its best replica, plus, when every slot is taken, the
//!   requests ahead in its queue times the service's mean slot time over its live slots.
//!
//! A route costs O(sites of the service x replicas per site); nothing is allocated.

use sim_core::time::SimTime;

use crate::inference::service::Routing;

use super::{ReplicaState, Serving};

/// How loaded a site looks to a router: `(full, queued, pending prefill ns, busy slots)`.
type Load = (bool, usize, u64, u32);

impl Serving {
    /// A service site for a request of user population `u` now, and the one-way delay to
    /// it (ns); `None` when no live replica is reachable.
    pub(super) fn route(&self, u: u32, now: SimTime) -> Option<(u16, u64)> {
        let user = &self.users[u as usize];
        let svc = &self.services[user.service as usize];
        let candidate = |s: usize| {
            let site = &svc.sites[s];
            site.live > 0 && self.reach.connected(user.region, site.region)
        };
        let load = |s: usize| -> Load {
            let site = &svc.sites[s];
            let best = site
                .replicas
                .iter()
                .map(|&r| &self.replicas[r as usize])
                .filter(|rep| rep.state == ReplicaState::Up && rep.busy < rep.slots)
                .map(|rep| {
                    let pending = rep.prefill_free_at.saturating_duration_since(now);
                    (pending.as_nanos(), rep.busy)
                })
                .min();
            match best {
                Some((pending, busy)) => (false, 0, pending, busy),
                None => (true, site.queue.len(), 0, 0),
            }
        };
        let pick = match svc.service.routing {
            Routing::Nearest => user
                .order
                .iter()
                .map(|&s| s as usize)
                .find(|&s| candidate(s)),
            Routing::LeastLoaded => (0..svc.sites.len())
                .filter(|&s| candidate(s))
                .min_by_key(|&s| (load(s), user.rtt_ns[s], s)),
            Routing::LatencyAware => {
                let cost = |s: usize| {
                    let (full, queued, pending_ns, _) = load(s);
                    let queueing = if full {
                        let slots = f64::from(svc.sites[s].live * svc.service.max_batch);
                        (queued + 1) as f64 / slots * svc.mean_service_s
                    } else {
                        pending_ns as f64 / 1e9
                    };
                    user.rtt_ns[s] as f64 / 1e9 + queueing
                };
                (0..svc.sites.len())
                    .filter(|&s| candidate(s))
                    .min_by(|&a, &b| cost(a).total_cmp(&cost(b)).then(a.cmp(&b)))
            }
        }?;
        Some((pick as u16, user.rtt_ns[pick] / 2))
    }
}
