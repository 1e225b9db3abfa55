//! Curtailments and grid outages: windows during which a site's cap is lowered.

use sim_core::rng::{DurationDist, Exponential, RngStreams};
use sim_core::time::{SimDuration, SimTime};

use super::SitePowerSpec;
use crate::ModelError;
use crate::outage::MAX_EXPECTED_OUTAGES;
use crate::suggest::closest;
use crate::units::YEAR_SECS;

/// Key-path root of scripted curtailments in errors: `curtailments.<i>.<field>`.
pub const CURTAILMENT_SECTION: &str = "curtailments";
/// Key-path root of random curtailment processes: `random_curtailments.<i>.<field>`.
pub const RANDOM_CURTAILMENT_SECTION: &str = "random_curtailments";
/// Key-path root of grid outages: `grid_outages.<i>.<field>`.
pub const GRID_OUTAGE_SECTION: &str = "grid_outages";

/// One scripted curtailment: `site`'s cap is `cap_fraction` of nominal from `at` for
/// `duration`. In a scenario: `{ site = "aws-use1", at = "3d", duration = "4h",
/// cap_fraction = 0.7 }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurtailmentSpec {
    /// Site name.
    pub site: String,
    /// When it starts.
    pub at: SimTime,
    /// How long it lasts (positive).
    pub duration: SimDuration,
    /// The lowered cap as a fraction of the site's nominal cap, in [0, 1].
    pub cap_fraction: f64,
}

/// A random curtailment process (grid demand response): every site is curtailed as an
/// independent Poisson process of `rate_per_year` (8 760 h years), each event lasting a
/// draw of `duration` at `cap_fraction` of its cap. Site `s` draws from stream
/// `curtailment/site/<s>` (`curtailment/site#1/<s>` for a second process, and so on), so
/// adding a site leaves the others' draws unchanged.
#[derive(Clone, Debug, PartialEq)]
pub struct RandomCurtailmentSpec {
    /// The one site this process curtails; `None` gives every site its own process.
    pub site: Option<String>,
    /// Events per site per year (finite, >= 0; 0 turns the process off).
    pub rate_per_year: f64,
    /// Length of each event (mean > 0).
    pub duration: DurationDist,
    /// The lowered cap as a fraction of nominal, in [0, 1].
    pub cap_fraction: f64,
}

/// A grid outage: `site` runs on backup power, [`SitePowerSpec::backup_fraction`] of its
/// cap, from `at` for `duration`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GridOutageSpec {
    /// Site name.
    pub site: String,
    /// When the grid is lost.
    pub at: SimTime,
    /// How long until it returns (positive).
    pub duration: SimDuration,
}

/// Every curtailment input of a scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurtailmentSpecs {
    /// Scripted curtailments.
    pub scripted: Vec<CurtailmentSpec>,
    /// Random processes, each applied to every site.
    pub random: Vec<RandomCurtailmentSpec>,
    /// Grid outages (backup power).
    pub grid_outages: Vec<GridOutageSpec>,
}

/// Where a curtailment came from; ordered as declared (the tie-break after start time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CurtailmentKind {
    /// A [`CurtailmentSpec`].
    Scripted,
    /// Drawn from a [`RandomCurtailmentSpec`].
    Random,
    /// A [`GridOutageSpec`]: the site on backup power.
    GridOutage,
}

/// One window with a lowered cap: site `site` (an index into the site list given to the
/// generator) may draw at most `cap_fraction` of its nominal cap in
/// `[start, start + duration)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Curtailment {
    /// Index of the site in the list passed to [`CurtailmentPlan::build`] or
    /// [`RandomCurtailmentSpec::curtailments`].
    pub site: usize,
    /// When the cap drops.
    pub start: SimTime,
    /// How long it stays down.
    pub duration: SimDuration,
    /// The cap during the window, as a fraction of nominal.
    pub cap_fraction: f64,
    /// Scripted, random or grid outage.
    pub kind: CurtailmentKind,
    /// Index of the spec that produced it, within its kind.
    pub spec: u32,
}

impl Curtailment {
    /// When the cap returns, `start + duration` (saturating).
    pub fn end(&self) -> SimTime {
        self.start.saturating_add(self.duration)
    }

    /// Whether the window covers `t`.
    pub fn is_active(&self, t: SimTime) -> bool {
        self.start <= t && t < self.end()
    }
}

impl RandomCurtailmentSpec {
    /// The events of this process over `[0, horizon)` for each of `sites` (names, used
    /// only as stream keys), sorted by (start, site). Alternates gap, duration draws on
    /// each site's stream. A process with a rate that is not positive and finite yields
    /// nothing; [`CurtailmentPlan::build`] reports it as an error first.
    pub fn curtailments(
        &self,
        sites: &[&str],
        horizon: SimTime,
        streams: &RngStreams,
    ) -> Vec<Curtailment> {
        let mut out = Vec::new();
        self.draw(sites, horizon, streams, 0, &mut out);
        sort(&mut out);
        out
    }

    /// Appends the events of this process, the `index`-th random spec, to `out`.
    fn draw(
        &self,
        sites: &[&str],
        horizon: SimTime,
        streams: &RngStreams,
        index: u32,
        out: &mut Vec<Curtailment>,
    ) {
        if !(self.rate_per_year.is_finite() && self.rate_per_year > 0.0) {
            return;
        }
        let Ok(gap) = Exponential::new(YEAR_SECS / self.rate_per_year) else {
            return;
        };
        let gap = DurationDist::from(gap);
        let family = if index == 0 {
            "curtailment/site".to_owned()
        } else {
            format!("curtailment/site#{index}")
        };
        for (site, name) in sites.iter().enumerate() {
            if self.site.as_deref().is_some_and(|only| only != *name) {
                continue;
            }
            let mut rng = streams.stream(&format!("{family}/{name}"));
            let mut t = SimTime::ZERO;
            loop {
                match t.checked_add(gap.sample(&mut rng)) {
                    Some(next) if next < horizon => t = next,
                    _ => break,
                }
                out.push(Curtailment {
                    site,
                    start: t,
                    duration: self.duration.sample(&mut rng).max(SimDuration::SECOND),
                    cap_fraction: self.cap_fraction,
                    kind: CurtailmentKind::Random,
                    spec: index,
                });
            }
        }
    }
}

/// Every curtailment of a run, sorted by (start, kind, spec, site). Overlapping windows
/// of a site do not add up: the lowest fraction active at a time holds
/// ([`CurtailmentPlan::cap_fraction_at`]), so the simulator keeps, per site, the active
/// windows and applies their minimum.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurtailmentPlan {
    curtailments: Vec<Curtailment>,
}

impl CurtailmentPlan {
    /// Checks `specs` against the sites (`sites[i]` is named `names[i]` with power spec
    /// `power[i]`) and draws the random ones over `[0, horizon)`. Grid outages become
    /// windows at the site's `backup_fraction`. Every problem is reported, at key paths
    /// under [`CURTAILMENT_SECTION`], [`RANDOM_CURTAILMENT_SECTION`] and
    /// [`GRID_OUTAGE_SECTION`], with a "did you mean" for a misspelled site.
    ///
    /// # Panics
    ///
    /// If `names` and `power` differ in length.
    pub fn build(
        names: &[&str],
        power: &[SitePowerSpec],
        horizon: SimTime,
        specs: &CurtailmentSpecs,
        streams: &RngStreams,
    ) -> Result<Self, Vec<ModelError>> {
        assert_eq!(names.len(), power.len(), "one SitePowerSpec per site");
        let mut errors = Vec::new();
        let mut out = Vec::new();
        let site_index = |name: &str, path: &[&str], errors: &mut Vec<ModelError>| {
            let found = names.iter().position(|n| *n == name);
            if found.is_none() {
                errors.push(
                    ModelError::new(path, format!("no site named `{name}`"))
                        .with_suggestion(closest(name, names.iter().copied())),
                );
            }
            found
        };
        for (n, spec) in specs.scripted.iter().enumerate() {
            let i = n.to_string();
            let at = |f: &'static str| [CURTAILMENT_SECTION, i.as_str(), f];
            let site = site_index(&spec.site, &at("site"), &mut errors);
            check_fraction(spec.cap_fraction, &at("cap_fraction"), &mut errors);
            check_duration(spec.duration, &at("duration"), &mut errors);
            if let Some(site) = site {
                out.push(Curtailment {
                    site,
                    start: spec.at,
                    duration: spec.duration,
                    cap_fraction: spec.cap_fraction,
                    kind: CurtailmentKind::Scripted,
                    spec: n as u32,
                });
            }
        }
        for (n, spec) in specs.grid_outages.iter().enumerate() {
            let i = n.to_string();
            let at = |f: &'static str| [GRID_OUTAGE_SECTION, i.as_str(), f];
            let site = site_index(&spec.site, &at("site"), &mut errors);
            check_duration(spec.duration, &at("duration"), &mut errors);
            if let Some(site) = site {
                out.push(Curtailment {
                    site,
                    start: spec.at,
                    duration: spec.duration,
                    cap_fraction: power[site].backup_fraction,
                    kind: CurtailmentKind::GridOutage,
                    spec: n as u32,
                });
            }
        }
        let years = horizon.as_secs_f64() / YEAR_SECS;
        for (i, spec) in specs.random.iter().enumerate() {
            let index = i.to_string();
            let at = |f: &'static str| [RANDOM_CURTAILMENT_SECTION, index.as_str(), f];
            let rate = spec.rate_per_year;
            let expected = rate * years * names.len() as f64;
            if !(rate.is_finite() && rate >= 0.0) {
                errors.push(ModelError::new(
                    &at("rate_per_year"),
                    format!("rate {rate}: expected events per site per year, finite and >= 0"),
                ));
            } else if expected > MAX_EXPECTED_OUTAGES {
                errors.push(ModelError::new(
                    &at("rate_per_year"),
                    format!(
                        "{rate} per site per year would generate about {expected:.0} \
                         curtailments (limit {MAX_EXPECTED_OUTAGES:.0}); the rate is per \
                         year, not per hour"
                    ),
                ));
            }
            check_fraction(spec.cap_fraction, &at("cap_fraction"), &mut errors);
            if let Some(site) = &spec.site {
                site_index(site, &at("site"), &mut errors);
            }
            let mean = spec.duration.mean_secs();
            if mean.is_nan() || mean <= 0.0 {
                errors.push(ModelError::new(
                    &at("duration"),
                    format!("duration has mean {mean} s; expected a positive length"),
                ));
            }
            if errors.is_empty() {
                spec.draw(names, horizon, streams, i as u32, &mut out);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        sort(&mut out);
        Ok(Self { curtailments: out })
    }

    /// All windows, sorted by start (ties: kind, spec, site).
    pub fn curtailments(&self) -> &[Curtailment] {
        &self.curtailments
    }

    /// The cap fraction of site `site` at `t`: the lowest active window's fraction, 1 when
    /// none is active. *O*(windows); for reports and tests, the simulator tracks windows
    /// by event.
    pub fn cap_fraction_at(&self, site: usize, t: SimTime) -> f64 {
        self.curtailments
            .iter()
            .filter(|c| c.site == site && c.is_active(t))
            .map(|c| c.cap_fraction)
            .fold(1.0, f64::min)
    }
}

/// Sorts by (start, kind, spec, site, duration).
fn sort(out: &mut [Curtailment]) {
    out.sort_by(|a, b| {
        (a.start, a.kind, a.spec, a.site, a.duration)
            .cmp(&(b.start, b.kind, b.spec, b.site, b.duration))
    });
}

/// Pushes an error unless `x` is in [0, 1].
fn check_fraction(x: f64, path: &[&str], errors: &mut Vec<ModelError>) {
    if !(0.0..=1.0).contains(&x) {
        errors.push(ModelError::new(
            path,
            format!("cap fraction {x}: expected a fraction of the site's cap in [0, 1]"),
        ));
    }
}

/// Pushes an error if `d` is zero.
fn check_duration(d: SimDuration, path: &[&str], errors: &mut Vec<ModelError>) {
    if d.is_zero() {
        errors.push(ModelError::new(path, "duration must be positive"));
    }
}
