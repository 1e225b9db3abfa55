//! Many jobs from a recipe: Poisson arrivals, an empirical size distribution and a work
//! distribution, every other field copied from a template job.

use rand::Rng;
use sim_core::rng::{
    DistError, DurationDist, Empirical, Exponential, LogNormal, PiecewiseLinear, Weibull,
};
use sim_core::time::{SimDuration, SimTime};

use super::training::{JobWork, TrainingJobSpec};
use crate::ModelError;
use crate::catalog::Catalog;

/// A distribution of token counts per job.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenDist {
    /// Always this many tokens.
    Constant(f64),
    /// Exponential with this mean.
    Exponential(Exponential),
    /// Log-normal.
    LogNormal(LogNormal),
    /// Weibull.
    Weibull(Weibull),
    /// Weighted discrete values.
    Empirical(Empirical),
    /// Piecewise-linear CDF.
    PiecewiseLinear(PiecewiseLinear),
}

impl TokenDist {
    /// One draw, tokens.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Self::Constant(t) => *t,
            Self::Exponential(d) => d.sample(rng),
            Self::LogNormal(d) => d.sample(rng),
            Self::Weibull(d) => d.sample(rng),
            Self::Empirical(d) => d.sample(rng),
            Self::PiecewiseLinear(d) => d.sample(rng),
        }
    }
}

/// How much work a generated job gets.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkDist {
    /// A token budget; draws below 1 token become 1.
    Tokens(TokenDist),
    /// A useful compute time; draws below 1 s become 1 s.
    Duration(DurationDist),
}

/// The recipe of a [`JobGenerator`].
#[derive(Clone, Debug, PartialEq)]
pub struct JobGeneratorSpec {
    /// Generated jobs are named `{name_prefix}-0001`, `{name_prefix}-0002`, ...
    pub name_prefix: String,
    /// Mean time between arrivals (a Poisson process).
    pub mean_interarrival: SimDuration,
    /// Accelerator counts and their weights, e.g. `[(8, 0.6), (64, 0.3), (512, 0.1)]`.
    pub sizes: Vec<(u32, f64)>,
    /// Work per job.
    pub work: WorkDist,
    /// Every other field, kinds included. Its `name`, `work` and `accelerators` are
    /// replaced; its `arrival` is when the arrival process starts.
    pub template: TrainingJobSpec,
}

/// Turns a [`JobGeneratorSpec`] into job specs, deterministically for a given stream.
#[derive(Clone, Debug, PartialEq)]
pub struct JobGenerator {
    spec: JobGeneratorSpec,
    gaps: Exponential,
    sizes: Empirical,
}

impl JobGenerator {
    /// Checks `spec` (errors located under `path`) and builds the generator.
    ///
    /// Errors, all reported at once: an empty prefix; a zero mean inter-arrival time; an
    /// empty size table, a size of 0, a weight that is not finite and non-negative, or no
    /// positive weight; a constant token count that is not finite and positive; and the
    /// template's own errors (under `template`).
    pub fn new(
        spec: JobGeneratorSpec,
        path: &[&str],
        catalog: &Catalog,
    ) -> Result<Self, Vec<ModelError>> {
        let mut errors = Vec::new();
        let at = |keys: &[&str], message: String| {
            let full: Vec<&str> = path.iter().chain(keys).copied().collect();
            ModelError::new(&full, message)
        };
        if spec.name_prefix.trim().is_empty() {
            errors.push(at(
                &["name_prefix"],
                "empty prefix; generated jobs are named <prefix>-0001, ...".into(),
            ));
        }
        let gaps = Exponential::new(spec.mean_interarrival.as_secs_f64());
        if gaps.is_err() {
            errors.push(at(
                &["mean_interarrival"],
                "0s: expected a positive mean time between arrivals, e.g. \"2h\"".into(),
            ));
        }
        for (i, &(count, weight)) in spec.sizes.iter().enumerate() {
            if count == 0 {
                errors.push(at(
                    &["sizes", &i.to_string(), "accelerators"],
                    "0: expected at least one accelerator".into(),
                ));
            }
            if !(weight.is_finite() && weight >= 0.0) {
                errors.push(at(
                    &["sizes", &i.to_string(), "weight"],
                    format!("{weight}: expected a finite weight >= 0"),
                ));
            }
        }
        let sizes = Empirical::new(spec.sizes.iter().map(|&(c, w)| (f64::from(c), w)));
        if let Err(DistError::Empty { .. }) = sizes {
            errors.push(at(
                &["sizes"],
                "no size with a positive weight; give at least one (accelerators, weight) \
                 pair, e.g. (8, 1.0)"
                    .into(),
            ));
        }
        if let WorkDist::Tokens(TokenDist::Constant(t)) = spec.work
            && !(t.is_finite() && t > 0.0)
        {
            errors.push(at(
                &["work", "tokens"],
                format!("{t}: expected a positive token budget"),
            ));
        }
        // The replaced fields are checked on generated jobs, not on the template.
        let template = TrainingJobSpec {
            name: spec.name_prefix.clone(),
            work: JobWork::Duration(SimDuration::SECOND),
            accelerators: 1,
            ..spec.template.clone()
        };
        let template_path: Vec<&str> = path.iter().copied().chain(["template"]).collect();
        if let Err(e) = template.validate(&template_path, catalog) {
            errors.extend(
                e.into_iter()
                    .filter(|e| e.path.last().is_none_or(|k| k != "name")),
            );
        }
        match (gaps, sizes) {
            (Ok(gaps), Ok(sizes)) if errors.is_empty() => Ok(Self { spec, gaps, sizes }),
            _ => Err(errors),
        }
    }

    /// The recipe.
    pub fn spec(&self) -> &JobGeneratorSpec {
        &self.spec
    }

    /// Jobs arriving in `[template.arrival, until)`, in arrival order.
    ///
    /// Per job, in this order: one exponential gap, one size draw, one work draw, so the
    /// result depends only on the recipe and `rng`'s state. *O*(jobs).
    pub fn generate<R: Rng + ?Sized>(&self, until: SimTime, rng: &mut R) -> Vec<TrainingJobSpec> {
        let mut jobs = Vec::new();
        let mut t = self.spec.template.arrival;
        loop {
            let gap = DurationDist::from(self.gaps).sample(rng);
            t = match t.checked_add(gap) {
                Some(t) if t < until => t,
                _ => break,
            };
            // Sizes are validated whole numbers >= 1, stored as f64.
            let accelerators = self.sizes.sample(rng) as u32;
            let work = match &self.spec.work {
                WorkDist::Tokens(d) => JobWork::Tokens(d.sample(rng).max(1.0)),
                WorkDist::Duration(d) => JobWork::Duration(d.sample(rng).max(SimDuration::SECOND)),
            };
            jobs.push(TrainingJobSpec {
                name: format!("{}-{:04}", self.spec.name_prefix, jobs.len() + 1),
                work,
                accelerators,
                arrival: t,
                ..self.spec.template.clone()
            });
        }
        jobs
    }
}

#[cfg(test)]
mod tests {
    use sim_core::rng::RngStreams;

    use super::*;

    fn spec() -> JobGeneratorSpec {
        JobGeneratorSpec {
            name_prefix: "gen".into(),
            mean_interarrival: SimDuration::from_hours(1),
            sizes: vec![(8, 0.6), (64, 0.3), (512, 0.1)],
            work: WorkDist::Tokens(TokenDist::LogNormal(
                LogNormal::from_median_p90(1e11, 1e12).unwrap(),
            )),
            template: TrainingJobSpec::new("t", 7e9, JobWork::Tokens(1.0), 1),
        }
    }

    #[test]
    fn deterministic_per_stream_and_poisson_on_average() {
        let catalog = Catalog::builtin();
        let g = JobGenerator::new(spec(), &["generators", "0"], &catalog).unwrap();
        let until = SimTime::ZERO + SimDuration::from_days(400);
        let streams = RngStreams::new(3);
        let a = g.generate(until, &mut streams.stream("arrival/training"));
        let b = g.generate(until, &mut streams.stream("arrival/training"));
        assert_eq!(a, b);
        // 9,600 expected arrivals; Poisson sd ≈ 98, so 4 sd is ±392.
        assert!((a.len() as f64 - 9600.0).abs() < 392.0, "{}", a.len());
        assert_eq!(a[0].name, "gen-0001");
        assert_eq!(a[41].name, "gen-0042");
        assert!(a.windows(2).all(|w| w[0].arrival <= w[1].arrival));
        assert!(a.iter().all(|j| j.arrival < until && j.params == 7e9));
        assert!(a.iter().all(|j| [8, 64, 512].contains(&j.accelerators)));
        let big = a.iter().filter(|j| j.accelerators == 512).count() as f64;
        assert!((big / a.len() as f64 - 0.1).abs() < 0.02);
        assert!(a.iter().all(|j| j.validate(&["jobs"], &catalog).is_ok()));
        let other = g.generate(until, &mut streams.stream("arrival/other"));
        assert_ne!(a, other);
    }

    #[test]
    fn arrivals_start_at_the_template_arrival() {
        let mut s = spec();
        s.template.arrival = SimTime::ZERO + SimDuration::from_days(10);
        s.work = WorkDist::Duration(DurationDist::from(SimDuration::ZERO));
        let g = JobGenerator::new(s, &[], &Catalog::builtin()).unwrap();
        let mut rng = RngStreams::new(1).stream("x");
        let jobs = g.generate(SimTime::ZERO + SimDuration::from_days(11), &mut rng);
        assert!(!jobs.is_empty());
        assert!(
            jobs.iter()
                .all(|j| j.arrival.as_secs_f64() > 10.0 * 86_400.0)
        );
        // A zero-duration draw is floored at 1 s.
        assert!(
            jobs.iter()
                .all(|j| j.work == JobWork::Duration(SimDuration::SECOND))
        );
        assert!(g.generate(SimTime::ZERO, &mut rng).is_empty());
    }

    #[test]
    fn bad_recipes_are_reported_with_paths() {
        let mut s = spec();
        s.name_prefix = " ".into();
        s.mean_interarrival = SimDuration::ZERO;
        s.sizes = vec![(0, f64::NAN)];
        s.work = WorkDist::Tokens(TokenDist::Constant(-1.0));
        s.template.kinds = vec!["h10".into()];
        let errs = JobGenerator::new(s, &["gen"], &Catalog::builtin()).unwrap_err();
        let paths: Vec<String> = errs.iter().map(ModelError::dotted_path).collect();
        assert_eq!(
            paths,
            [
                "gen.name_prefix",
                "gen.mean_interarrival",
                "gen.sizes.0.accelerators",
                "gen.sizes.0.weight",
                "gen.work.tokens",
                "gen.template.kinds.0",
            ]
        );
        assert_eq!(errs[5].suggestion.as_deref(), Some("h100"));
        let mut s = spec();
        s.sizes = vec![(8, 0.0)];
        let errs = JobGenerator::new(s, &["gen"], &Catalog::builtin()).unwrap_err();
        assert_eq!(errs[0].dotted_path(), "gen.sizes");
    }
}
