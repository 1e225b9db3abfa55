//! [`OutagePlan::build`]: scope resolution, background draws and maintenance slots.

use rand::Rng;
use sim_core::rng::{DurationDist, Exponential, RngStreams, StreamRng};
use sim_core::time::{SimDuration, SimTime};

use super::scope::{level_keys, resolve};
use super::{
    BACKGROUND_SECTION, BackgroundOutageSpec, MAINTENANCE_SECTION, MaintenanceCadence,
    MaintenanceSpec, Outage, OutageKind, OutageLevel, OutagePlan, SCRIPTED_SECTION,
    ScriptedOutageSpec, Spread,
};
use crate::ModelError;
use crate::topology::{Fabric, FailureDomain, RackId};
use crate::units::YEAR_SECS;

/// The shortest outage: a shorter background draw is rounded up to this, so every outage
/// has a positive duration.
pub const MIN_OUTAGE: SimDuration = SimDuration::SECOND;

/// The most outages one spec may be expected to generate; beyond this the input is
/// surely a unit mistake and [`OutagePlan::build`] reports it instead of running out of
/// memory.
pub const MAX_EXPECTED_OUTAGES: f64 = 10_000_000.0;

/// The most outages one run may be expected to have, every background and maintenance
/// spec together (each within [`MAX_EXPECTED_OUTAGES`]): the plan is held in memory, 32
/// bytes an outage, so many specs near the per-spec limit must not add up to gigabytes.
pub const MAX_RUN_OUTAGES: f64 = 4_000_000.0;

impl OutagePlan {
    /// Resolves, draws and schedules every outage of a run, sorted by start.
    ///
    /// * `scripted[i]`: one outage each, errors at `outages.<i>.scope` or `.duration`;
    /// * `background[i]`: a Poisson process per domain instance of its level that holds
    ///   capacity, each on its own stream (see the [module docs](super#streams)), starts
    ///   in `[0, horizon)`; errors at `background_outages.<i>.*`;
    /// * `maintenance[i]`: evenly spaced or stratified-random slots in
    ///   `[first_at, horizon)`; errors at `maintenance.<i>.*`.
    ///
    /// Every problem is reported, not just the first. Outages are sorted by (start, kind,
    /// spec index, domain, duration): a total order on content, independent of how the
    /// draws were interleaved. O(outages · log outages + domain instances), never
    /// O(accelerators).
    pub fn build(
        fabric: &Fabric,
        horizon: SimTime,
        scripted: &[ScriptedOutageSpec],
        background: &[BackgroundOutageSpec],
        maintenance: &[MaintenanceSpec],
        streams: &RngStreams,
    ) -> Result<OutagePlan, Vec<ModelError>> {
        let mut errors = Vec::new();
        let mut outages = Vec::new();
        for (i, spec) in scripted.iter().enumerate() {
            let index = i.to_string();
            let at = |field: &'static str| [SCRIPTED_SECTION, index.as_str(), field];
            let domain = resolve(fabric, &spec.scope, &at("scope")).map_err(|e| errors.push(e));
            if spec.duration.is_zero() {
                errors.push(ModelError::new(
                    &at("duration"),
                    "an outage must last a positive time, e.g. \"6h\"",
                ));
            }
            if let Ok(domain) = domain {
                outages.push(Outage {
                    domain,
                    start: spec.at,
                    duration: spec.duration,
                    kind: OutageKind::Scripted,
                    spec: i as u32,
                });
            }
        }
        // Expected outages of the specs checked so far, against MAX_RUN_OUTAGES.
        let mut budget = outages.len() as f64;
        let mut over_budget = |expected: f64, path: [&str; 3], errors: &mut Vec<ModelError>| {
            budget += expected;
            let over = budget > MAX_RUN_OUTAGES;
            if over {
                errors.push(ModelError::new(
                    &path,
                    format!(
                        "with this entry the run would have about {budget:.0} outages (limit \
                         {MAX_RUN_OUTAGES:.0} for all background outages and maintenance \
                         windows together): lower the rates or counts"
                    ),
                ));
            }
            over
        };
        for (i, spec) in background.iter().enumerate() {
            let occurrence = background[..i]
                .iter()
                .filter(|s| s.level == spec.level)
                .count();
            let index = i.to_string();
            let expected = spec.rate_per_year * horizon.as_secs_f64() / YEAR_SECS
                * instance_count(fabric, spec.level) as f64;
            let path = [BACKGROUND_SECTION, index.as_str(), "rate_per_year"];
            match check_background(fabric, horizon, spec, i) {
                Ok(()) if over_budget(expected, path, &mut errors) => {}
                Ok(()) => draw_background(
                    fabric,
                    horizon,
                    spec,
                    i as u32,
                    occurrence,
                    streams,
                    &mut outages,
                ),
                Err(mut e) => errors.append(&mut e),
            }
        }
        for (i, spec) in maintenance.iter().enumerate() {
            let occurrence = maintenance[..i]
                .iter()
                .filter(|s| s.scope == spec.scope)
                .count();
            let index = i.to_string();
            let (field, expected) = match spec.cadence {
                MaintenanceCadence::Count(n) => ("count", f64::from(n)),
                MaintenanceCadence::Every(every) => (
                    "every",
                    horizon
                        .saturating_duration_since(spec.first_at)
                        .as_secs_f64()
                        / every.as_secs_f64(),
                ),
            };
            let path = [MAINTENANCE_SECTION, index.as_str(), field];
            match check_maintenance(fabric, horizon, spec, i) {
                Ok(_) if over_budget(expected, path, &mut errors) => {}
                Ok(domain) => schedule_maintenance(
                    horizon,
                    spec,
                    domain,
                    i as u32,
                    occurrence,
                    streams,
                    &mut outages,
                ),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        outages.sort_by_key(|o| (o.start, o.kind, o.spec, o.domain, o.duration));
        Ok(OutagePlan { outages })
    }
}

/// Number of domain instances of `level` with capacity: O(sites).
fn instance_count(fabric: &Fabric, level: OutageLevel) -> usize {
    match level {
        OutageLevel::Rack => fabric.rack_count() as usize,
        OutageLevel::Site => fabric.sites().len(),
        OutageLevel::Region => level_keys(fabric, "region").len(),
        OutageLevel::Cloud => level_keys(fabric, "cloud").len(),
    }
}

/// Checks a background spec's rate and duration.
fn check_background(
    fabric: &Fabric,
    horizon: SimTime,
    spec: &BackgroundOutageSpec,
    i: usize,
) -> Result<(), Vec<ModelError>> {
    let index = i.to_string();
    let at = |field: &'static str| [BACKGROUND_SECTION, index.as_str(), field];
    let mut errors = Vec::new();
    let rate = spec.rate_per_year;
    if !(rate.is_finite() && rate >= 0.0) {
        errors.push(ModelError::new(
            &at("rate_per_year"),
            format!(
                "rate_per_year is {rate}; expected outages per {} per year, finite and >= 0",
                spec.level.name()
            ),
        ));
    } else {
        let years = horizon.as_secs_f64() / YEAR_SECS;
        let expected = rate * years * instance_count(fabric, spec.level) as f64;
        if expected > MAX_EXPECTED_OUTAGES {
            errors.push(ModelError::new(
                &at("rate_per_year"),
                format!(
                    "{rate} per {} per year would generate about {expected:.0} outages \
                     (limit {MAX_EXPECTED_OUTAGES:.0}); the rate is per year, not per hour",
                    spec.level.name()
                ),
            ));
        }
    }
    let mean = spec.duration.mean_secs();
    if mean.is_nan() || mean <= 0.0 {
        errors.push(ModelError::new(
            &at("duration"),
            format!("duration has mean {mean} s; expected a positive time to repair"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The stream family key of `level`'s instances for the `occurrence`-th spec of that
/// level: `outage/region` for the first, `outage/region#1` for the second, and so on.
fn family(prefix: &str, occurrence: usize) -> String {
    if occurrence == 0 {
        prefix.to_owned()
    } else {
        format!("{prefix}#{occurrence}")
    }
}

/// `key` of `domain` without its `level:` prefix, e.g. `aws/us-east-1`.
fn name_of(fabric: &Fabric, domain: FailureDomain) -> String {
    let key = fabric.domain_key(domain);
    key.split_once(':')
        .map_or(key.clone(), |(_, n)| n.to_owned())
}

/// Draws one Poisson process per instance of the spec's level.
fn draw_background(
    fabric: &Fabric,
    horizon: SimTime,
    spec: &BackgroundOutageSpec,
    spec_index: u32,
    occurrence: usize,
    streams: &RngStreams,
    out: &mut Vec<Outage>,
) {
    if spec.rate_per_year == 0.0 || horizon == SimTime::ZERO {
        return;
    }
    // A rate so small (5e-324) that the mean gap overflows to infinity: no outage fits in
    // any horizon.
    let Ok(gap) = Exponential::new(YEAR_SECS / spec.rate_per_year) else {
        return;
    };
    let gap: DurationDist = gap.into();
    let family = family(&format!("outage/{}", spec.level.name()), occurrence);
    let mut process = |domain: FailureDomain, mut rng: StreamRng| {
        let mut t = SimTime::ZERO;
        loop {
            match t.checked_add(gap.sample(&mut rng)) {
                Some(next) if next < horizon => t = next,
                _ => break,
            }
            out.push(Outage {
                domain,
                start: t,
                duration: spec.duration.sample(&mut rng).max(MIN_OUTAGE),
                kind: OutageKind::Background,
                spec: spec_index,
            });
        }
    };
    let mut seen = Vec::new();
    let mut once = |domain: FailureDomain| {
        let new = !seen.contains(&domain);
        if new {
            seen.push(domain);
        }
        new
    };
    match spec.level {
        OutageLevel::Rack => {
            for cluster in fabric.clusters() {
                let key = format!(
                    "{family}/{}",
                    name_of(fabric, FailureDomain::Cluster(cluster.id))
                );
                for (local, rack) in cluster.racks.clone().enumerate() {
                    let rng = streams.stream_indexed(&key, local as u64);
                    process(FailureDomain::Rack(RackId(rack)), rng);
                }
            }
        }
        level => {
            for site in fabric.sites() {
                let domain = match level {
                    OutageLevel::Site => FailureDomain::Site(site.id),
                    OutageLevel::Region => FailureDomain::Region(site.region),
                    _ => FailureDomain::Cloud(site.cloud),
                };
                if once(domain) {
                    let rng = streams.stream(&format!("{family}/{}", name_of(fabric, domain)));
                    process(domain, rng);
                }
            }
        }
    }
}

/// Resolves a maintenance spec's scope and checks its numbers.
fn check_maintenance(
    fabric: &Fabric,
    horizon: SimTime,
    spec: &MaintenanceSpec,
    i: usize,
) -> Result<FailureDomain, Vec<ModelError>> {
    let index = i.to_string();
    let at = |field: &'static str| [MAINTENANCE_SECTION, index.as_str(), field];
    let mut errors = Vec::new();
    let domain = resolve(fabric, &spec.scope, &at("scope")).map_err(|e| errors.push(e));
    if spec.duration.is_zero() {
        errors.push(ModelError::new(
            &at("duration"),
            "a maintenance window must last a positive time, e.g. \"2h\"",
        ));
    }
    if spec.first_at >= horizon {
        errors.push(ModelError::new(
            &at("first_at"),
            format!(
                "first_at {} is not before the end of the run ({horizon}); no window would fit",
                spec.first_at
            ),
        ));
    }
    match spec.cadence {
        MaintenanceCadence::Count(0) => errors.push(ModelError::new(
            &at("count"),
            "count is 0; expected at least 1 (or remove the entry)",
        )),
        MaintenanceCadence::Count(n) if f64::from(n) > MAX_EXPECTED_OUTAGES => {
            errors.push(ModelError::new(
                &at("count"),
                format!("count is {n}; expected at most {MAX_EXPECTED_OUTAGES:.0} windows"),
            ));
        }
        MaintenanceCadence::Count(_) => {}
        MaintenanceCadence::Every(every) if every.is_zero() => errors.push(ModelError::new(
            &at("every"),
            "every must be a positive time, e.g. \"7d\"",
        )),
        MaintenanceCadence::Every(every) => {
            let window = horizon.saturating_duration_since(spec.first_at);
            let events = window.as_secs_f64() / every.as_secs_f64();
            if events > MAX_EXPECTED_OUTAGES {
                errors.push(ModelError::new(
                    &at("every"),
                    format!("every {every} would schedule about {events:.0} windows"),
                ));
            }
        }
    }
    match domain {
        Ok(domain) if errors.is_empty() => Ok(domain),
        _ => Err(errors),
    }
}

/// Places a checked maintenance spec's windows. O(windows).
fn schedule_maintenance(
    horizon: SimTime,
    spec: &MaintenanceSpec,
    domain: FailureDomain,
    spec_index: u32,
    occurrence: usize,
    streams: &RngStreams,
    out: &mut Vec<Outage>,
) {
    let first = spec.first_at.as_nanos();
    let window = horizon.as_nanos() - first;
    let mut rng = (spec.spread == Spread::Random).then(|| {
        let family = family("outage/maintenance", occurrence);
        streams.stream(&format!("{family}/{}", spec.scope.replacen(':', "/", 1)))
    });
    let mut push = |slot_start: u64, slot_end: u64| {
        let offset = match rng.as_mut() {
            Some(rng) if slot_end > slot_start => rng.random_range(0..slot_end - slot_start),
            _ => 0,
        };
        let start = slot_start + offset;
        if start < horizon.as_nanos() {
            out.push(Outage {
                domain,
                start: SimTime::from_nanos(start),
                duration: spec.duration,
                kind: OutageKind::Planned,
                spec: spec_index,
            });
        }
    };
    match spec.cadence {
        MaintenanceCadence::Count(n) => {
            // Exact: slot k starts at first + floor(k * window / n), no accumulated drift.
            let slot = |k: u32| first + (u128::from(k) * u128::from(window) / u128::from(n)) as u64;
            for k in 0..n {
                push(slot(k), slot(k + 1));
            }
        }
        MaintenanceCadence::Every(every) => {
            let every = every.as_nanos();
            let mut start = first;
            while start < horizon.as_nanos() {
                let end = start.saturating_add(every);
                push(start, end);
                start = end;
            }
        }
    }
}
