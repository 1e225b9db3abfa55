//! Request fidelity: every request an entity. A user population's next arrival, routing
//! (see `route.rs`) and the trip to the site, the site's queue and dispatch to a replica's
//! slot, admission (first token and end known in closed form), completion, retries and
//! drops.

use sim_core::engine::Context;
use sim_core::time::SimTime;

use super::report::{Outcome, RequestRecord};
use super::{
    Ev, ReplicaState, Request, ServeEvent, Serving, Source, later, schedule, secs_to_ns, window,
};

impl Serving {
    pub(super) fn schedule_next_arrival(
        &mut self,
        u: u32,
        now: SimTime,
        ctx: &mut Context<'_, Ev>,
    ) {
        let user = &mut self.users[u as usize];
        let next = match &mut user.source {
            Source::Poisson(p) => p.next_after(now, &mut user.rng),
            Source::Trace(records, cursor) => records.get(*cursor).map(|r| r.at.max(now)),
        };
        if let Some(at) = next
            && at <= self.horizon
        {
            schedule(ctx, at, ServeEvent::Arrive(u));
        }
    }

    pub(super) fn on_arrive(&mut self, u: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let user = &mut self.users[u as usize];
        let service = user.service as usize;
        let svc = &self.services[service];
        let (prompt, output) = match &mut user.source {
            Source::Poisson(_) => (
                svc.service.prompt_tokens.sample(&mut user.rng),
                svc.service.output_tokens.sample(&mut user.rng),
            ),
            Source::Trace(records, cursor) => {
                let r = records[*cursor];
                *cursor += 1;
                (r.prompt_tokens, r.output_tokens)
            }
        };
        let local = user.local as usize;
        self.schedule_next_arrival(u, now, ctx);
        let svc = &mut self.services[service];
        svc.figures.requests += 1.0;
        svc.regions[local].requests += 1.0;
        window(&mut svc.windows, now).requests += 1.0;
        window(&mut svc.region_windows[local], now).requests += 1.0;
        self.arrivals_seen += 1;
        let sampled = self.sample_every > 0 && self.arrivals_seen.is_multiple_of(self.sample_every);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.requests.push(Request {
                    generation: 0,
                    user: 0,
                    arrival: now,
                    prompt: 0,
                    output: 0,
                    retries: 0,
                    sidx: u16::MAX,
                    replica: 0,
                    pos: 0,
                    first_token: now,
                    tpot_s: 0.0,
                    sampled: false,
                });
                (self.requests.len() - 1) as u32
            }
        };
        let req = &mut self.requests[slot as usize];
        *req = Request {
            generation: req.generation.wrapping_add(1),
            user: u,
            arrival: now,
            prompt,
            output,
            retries: 0,
            sidx: u16::MAX,
            replica: u32::MAX,
            pos: 0,
            first_token: now,
            tpot_s: 0.0,
            sampled,
        };
        self.send(slot, ctx);
    }

    /// Routes request `slot` from its user's region and sends it on its way, or drops it.
    fn send(&mut self, slot: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        let req = self.requests[slot as usize];
        match self.route(req.user, now) {
            Some((sidx, one_way_ns)) => {
                let req = &mut self.requests[slot as usize];
                req.sidx = sidx;
                req.replica = u32::MAX;
                let generation = req.generation;
                schedule(
                    ctx,
                    later(now, one_way_ns),
                    ServeEvent::Reach { slot, generation },
                );
            }
            None => self.drop_request(slot),
        }
    }

    pub(super) fn retry(&mut self, slot: u32, ctx: &mut Context<'_, Ev>) {
        let req = &mut self.requests[slot as usize];
        req.generation = req.generation.wrapping_add(1);
        let user = &self.users[req.user as usize];
        let svc = &mut self.services[user.service as usize];
        if req.retries >= svc.service.max_retries {
            self.drop_request(slot);
            return;
        }
        req.retries += 1;
        svc.figures.retried += 1.0;
        svc.regions[user.local as usize].retried += 1.0;
        window(&mut svc.windows, req.arrival).retried += 1.0;
        window(&mut svc.region_windows[user.local as usize], req.arrival).retried += 1.0;
        self.send(slot, ctx);
    }

    fn drop_request(&mut self, slot: u32) {
        let req = self.requests[slot as usize];
        let user = &self.users[req.user as usize];
        let svc = &mut self.services[user.service as usize];
        svc.figures.dropped += 1.0;
        svc.regions[user.local as usize].dropped += 1.0;
        window(&mut svc.windows, req.arrival).dropped += 1.0;
        window(&mut svc.region_windows[user.local as usize], req.arrival).dropped += 1.0;
        if req.sampled {
            self.log.push(RequestRecord {
                service: user.service,
                users: user.local,
                arrival: req.arrival,
                site: (req.sidx != u16::MAX).then(|| svc.sites[req.sidx as usize].site),
                prompt_tokens: req.prompt,
                output_tokens: req.output,
                retries: req.retries,
                outcome: Outcome::Dropped,
                ttft_s: f64::NAN,
                tpot_s: f64::NAN,
            });
        }
        self.release_slot(slot);
    }

    fn release_slot(&mut self, slot: u32) {
        let req = &mut self.requests[slot as usize];
        req.generation = req.generation.wrapping_add(1);
        self.free.push(slot);
    }

    pub(super) fn on_reach(&mut self, slot: u32, generation: u32, ctx: &mut Context<'_, Ev>) {
        let req = self.requests[slot as usize];
        if req.generation != generation {
            return;
        }
        let service = self.users[req.user as usize].service as usize;
        let sidx = req.sidx as usize;
        if self.services[service].sites[sidx].live == 0 {
            // Its site lost its last replica while the request was on the wire.
            self.retry(slot, ctx);
        } else if let Some(r) = self.dispatch(service, sidx, ctx.now()) {
            self.admit(r, slot, ctx);
        } else {
            self.services[service].sites[sidx].queue.push_back(slot);
        }
    }

    /// The live replica of a service site with a free slot and the least prefill work
    /// pending (ties: fewer busy slots, then replica order); `None` if every slot is taken.
    #[inline]
    fn dispatch(&self, service: usize, sidx: usize, now: SimTime) -> Option<u32> {
        self.services[service].sites[sidx]
            .replicas
            .iter()
            .copied()
            .filter(|&r| {
                let rep = &self.replicas[r as usize];
                rep.state == ReplicaState::Up && rep.busy < rep.slots
            })
            .min_by_key(|&r| {
                let rep = &self.replicas[r as usize];
                (rep.prefill_free_at.max(now), rep.busy, r)
            })
    }

    /// Admits queued requests of a service site while it has free slots.
    pub(super) fn drain_site_queue(
        &mut self,
        service: usize,
        sidx: usize,
        ctx: &mut Context<'_, Ev>,
    ) {
        while !self.services[service].sites[sidx].queue.is_empty() {
            let Some(r) = self.dispatch(service, sidx, ctx.now()) else {
                break;
            };
            let next = self.services[service].sites[sidx]
                .queue
                .pop_front()
                .expect("checked non-empty");
            self.admit(r, next, ctx);
        }
    }

    /// Gives request `slot` a slot of replica `r`: its first token and its end are now known.
    fn admit(&mut self, r: u32, slot: u32, ctx: &mut Context<'_, Ev>) {
        let now = ctx.now();
        self.account(r, now);
        let rep = &mut self.replicas[r as usize];
        let throttle = self.throttle
            [self.services[rep.service as usize].sites[rep.sidx as usize].site as usize];
        rep.busy += 1;
        let req = &mut self.requests[slot as usize];
        req.replica = r;
        let prefill = rep.speed.prefill_s(req.prompt) / throttle;
        let start = rep.prefill_free_at.max(now);
        let first_token = later(start, secs_to_ns(prefill));
        rep.prefill_free_at = first_token;
        let context = req.prompt.saturating_add(req.output / 2);
        let tpot = rep.speed.tpot_s(rep.busy, context) / throttle;
        let done = later(first_token, secs_to_ns(tpot * f64::from(req.output - 1)));
        req.first_token = first_token;
        req.tpot_s = tpot;
        req.pos = rep.active.len() as u32;
        rep.active.push(slot);
        let generation = req.generation;
        schedule(ctx, done, ServeEvent::Done { slot, generation });
    }

    pub(super) fn on_done(&mut self, slot: u32, generation: u32, ctx: &mut Context<'_, Ev>) {
        let req = self.requests[slot as usize];
        if req.generation != generation {
            return;
        }
        let now = ctx.now();
        let r = req.replica;
        self.account(r, now);
        let rep = &mut self.replicas[r as usize];
        // Leave the batch (swap-remove, fixing the moved request's position).
        let last = rep
            .active
            .pop()
            .expect("invariant: a finishing request is in its batch");
        if last != slot {
            rep.active[req.pos as usize] = last;
            self.requests[last as usize].pos = req.pos;
        }
        rep.busy -= 1;
        let (service, sidx) = (rep.service as usize, rep.sidx as usize);
        let user = &self.users[req.user as usize];
        let half_rtt = user.rtt_ns[sidx] / 2;
        let ttft_s =
            (later(req.first_token, half_rtt).saturating_duration_since(req.arrival)).as_secs_f64();
        let svc = &mut self.services[service];
        let met = ttft_s <= svc.service.slo_ttft.as_secs_f64()
            && req.tpot_s <= svc.service.slo_tpot.as_secs_f64();
        let tokens = f64::from(req.output);
        svc.figures.complete(ttft_s, req.tpot_s, 1.0, met, tokens);
        svc.regions[user.local as usize].complete(ttft_s, req.tpot_s, 1.0, met, tokens);
        window(&mut svc.windows, req.arrival).complete(ttft_s, req.tpot_s, 1.0, met, tokens);
        window(&mut svc.region_windows[user.local as usize], req.arrival)
            .complete(ttft_s, req.tpot_s, 1.0, met, tokens);
        if req.sampled {
            self.log.push(RequestRecord {
                service: service as u16,
                users: user.local,
                arrival: req.arrival,
                site: Some(svc.sites[sidx].site),
                prompt_tokens: req.prompt,
                output_tokens: req.output,
                retries: req.retries,
                outcome: Outcome::Completed,
                ttft_s,
                tpot_s: req.tpot_s,
            });
        }
        self.release_slot(slot);
        // The freed slot goes to the head of the site's queue.
        self.drain_site_queue(service, sidx, ctx);
    }
}
