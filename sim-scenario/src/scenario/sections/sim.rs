//! `[sim]`: what to run (name, horizon, seed).

use toml::de::DeTable;

use crate::scenario::schema::{Field, Kind, Table, opt, req};
use crate::scenario::walk::{Parts, Walker, join};

/// `name`.
pub(crate) const NAME: Field = opt(
    "name",
    Kind::Str,
    "unnamed",
    "Name of the study, shown in outputs.",
);
/// `horizon`.
pub(crate) const HORIZON: Field = req(
    "horizon",
    Kind::Duration,
    "Simulated time span of one run; must be longer than `0s`.",
);
/// `seed`.
pub(crate) const SEED: Field = req(
    "seed",
    Kind::NonNegativeInt,
    "Master seed; every random stream derives from it and a stable stream key.",
);
/// The table.
pub(crate) const TABLE: Table = Table {
    header: "[sim]",
    doc: "Required, once. What to run.",
    fields: &[NAME, HORIZON, SEED],
    children: &[],
};

impl Walker {
    /// `[sim]` (the table `t`) into `parts`.
    pub(crate) fn sim(&mut self, t: &DeTable<'_>, parts: &mut Parts) {
        let path = ["sim".to_owned()];
        self.check_keys(t, &path, &TABLE);
        parts.name = self.str(t, &path, &NAME);
        if let Some(h) = self.duration(t, &path, &HORIZON) {
            if h.is_zero() {
                let p = join(&path, "horizon");
                let span = self.map.span(&p);
                self.error(span, &p, "expected a duration longer than 0s", None);
            }
            parts.horizon = h;
        }
        if let Some(seed) = self.integer(t, &path, &SEED) {
            parts.seed = seed;
        }
    }
}
