//! Token-length distributions of `prompt_tokens` and `output_tokens`: a preset or
//! `{ dist = ... }`.

use sim_models::inference::tokens::TokenDist;
use toml::de::{DeTable, DeValue};

use crate::scenario::schema::{Field, Kind, Table, opt, req};
use crate::scenario::walk::{Walker, closest, join};

/// Token-distribution preset names.
pub(crate) const TOKEN_PRESETS: &[&str] = &["azure-conv", "azure-code"];

/// Distribution names, in the order of [`DIST`]'s documentation.
pub(crate) const DISTS: &[&str] = &["fixed", "geometric", "lognormal", "empirical"];
/// `dist`.
pub(crate) const DIST: Field = req(
    "dist",
    Kind::OneOf(DISTS),
    "`fixed` (`value`), `geometric` (`mean`), `lognormal` (`median`, `p90`, `max`) or \
     `empirical` (`values`, `weights`); no other keys.",
);
/// `value`.
pub(crate) const VALUE: Field = opt(
    "value",
    Kind::PositiveInt,
    "required for `fixed`",
    "Every request has this many tokens.",
);
/// `mean`.
pub(crate) const MEAN: Field = opt(
    "mean",
    Kind::AtLeastOne,
    "required for `geometric`",
    "Mean of `1 + Geometric` (memoryless lengths).",
);
/// `median`.
pub(crate) const MEDIAN: Field = opt(
    "median",
    Kind::PositiveNumber,
    "required for `lognormal`",
    "Median of the log-normal.",
);
/// `p90`.
pub(crate) const P90: Field = opt(
    "p90",
    Kind::PositiveNumber,
    "required for `lognormal`",
    "90th percentile, above `median`.",
);
/// `max`.
pub(crate) const MAX: Field = opt(
    "max",
    Kind::PositiveInt,
    "required for `lognormal`",
    "Longest length drawn (the log-normal is truncated there), at least `median`.",
);
/// `values`.
pub(crate) const VALUES: Field = opt(
    "values",
    Kind::TokenCounts,
    "required for `empirical`",
    "Token counts, e.g. `[10, 100, 1000]`.",
);
/// `weights`.
pub(crate) const WEIGHTS: Field = opt(
    "weights",
    Kind::Profile,
    "required for `empirical`",
    "Relative weight of each value, as many as `values`, not all zero.",
);
/// The keys each distribution takes besides `dist`, in [`DISTS`] order.
pub(crate) const DIST_KEYS: [&[&str]; 4] = [
    &["value"],
    &["mean"],
    &["median", "p90", "max"],
    &["values", "weights"],
];
/// A `prompt_tokens` or `output_tokens` inline table.
pub(crate) const TOKEN_DIST: Table = Table {
    header: "[[services]] prompt_tokens / output_tokens = { dist = ... }",
    doc: "A token-length distribution written inline, e.g. `output_tokens = { dist = \
          \"lognormal\", median = 129, p90 = 424, max = 1000 }`. Every draw is an integer \
          >= 1.",
    fields: &[DIST, VALUE, MEAN, MEDIAN, P90, MAX, VALUES, WEIGHTS],
    children: &[],
};

impl Walker {
    /// A `prompt_tokens` / `output_tokens` value: a preset name or an inline table. Absent:
    /// the `azure-conv` preset; invalid: a placeholder (reported).
    pub(crate) fn token_dist(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        field: &Field,
        prompt: bool,
    ) -> TokenDist {
        let placeholder = TokenDist::Fixed(1);
        let Some((v, p)) = self.value(t, path, field) else {
            return if prompt {
                TokenDist::azure_conv_prompt()
            } else {
                TokenDist::azure_conv_output()
            };
        };
        match v.get_ref() {
            DeValue::String(name) => match (name.as_ref(), prompt) {
                ("azure-conv", true) => TokenDist::azure_conv_prompt(),
                ("azure-conv", false) => TokenDist::azure_conv_output(),
                ("azure-code", true) => TokenDist::azure_code_prompt(),
                ("azure-code", false) => TokenDist::azure_code_output(),
                _ => {
                    self.error(
                        v.span(),
                        &p,
                        format!("expected {}, found {name:?}", field.kind.expected()),
                        closest(name, TOKEN_PRESETS),
                    );
                    placeholder
                }
            },
            DeValue::Table(table) => self.token_table(table, &p).unwrap_or(placeholder),
            _ => {
                self.wrong_type(v, &p, &field.kind.expected());
                placeholder
            }
        }
    }

    /// `{ dist = ..., ... }`: only the keys of its `dist`, each required.
    pub(crate) fn token_table(&mut self, t: &DeTable<'_>, path: &[String]) -> Option<TokenDist> {
        let dist = self.choice(t, path, &DIST);
        let all = TOKEN_DIST.keys();
        let allowed: Vec<&str> = match dist {
            Some(d) => std::iter::once("dist")
                .chain(DIST_KEYS[d].iter().copied())
                .collect(),
            None => all.clone(),
        };
        for (key, _) in t.iter() {
            let k = key.get_ref().to_string();
            if allowed.contains(&k.as_str()) {
                continue;
            }
            let p = join(path, &k);
            let message = match dist {
                Some(d) if all.contains(&k.as_str()) => format!(
                    "`{k}` does not apply to dist = \"{}\"; it takes {}",
                    DISTS[d],
                    DIST_KEYS[d].join(", ")
                ),
                _ => format!(
                    "unknown key `{k}` in a token distribution; expected one of: {}",
                    allowed.join(", ")
                ),
            };
            self.error(key.span(), &p, message, closest(&k, &allowed));
        }
        let d = dist?;
        let needed_for = format!("for dist = \"{}\"", DISTS[d]);
        for key in DIST_KEYS[d] {
            let field = TOKEN_DIST
                .fields
                .iter()
                .find(|f| f.key == *key)
                .expect("invariant: DIST_KEYS name fields of TOKEN_DIST");
            self.needed(t, path, field, &needed_for);
        }
        let dist = match d {
            0 => TokenDist::Fixed(self.u32(t, path, &VALUE)?),
            1 => TokenDist::Geometric {
                mean: self.number(t, path, &MEAN)?,
            },
            2 => {
                let median = self.number(t, path, &MEDIAN);
                let p90 = self.number(t, path, &P90);
                let max = self.u32(t, path, &MAX);
                let (median, p90, max) = (median?, p90?, max?);
                if p90 <= median {
                    let m = "expected `p90` to be greater than `median`".to_owned();
                    self.error_at(path, "p90", m);
                    return None;
                }
                if f64::from(max) < median {
                    let m = format!("expected `max` to be at least `median` ({median})");
                    self.error_at(path, "max", m);
                    return None;
                }
                TokenDist::LogNormal { median, p90, max }
            }
            _ => {
                let values = self.token_counts(t, path, &VALUES);
                let weights = self.profile(t, path, &WEIGHTS);
                let (values, weights) = (values?, weights?);
                if values.len() != weights.len() {
                    let m = format!(
                        "expected as many `weights` as `values` ({}), found {}",
                        values.len(),
                        weights.len()
                    );
                    self.error_at(path, "weights", m);
                    return None;
                }
                if weights.iter().all(|w| *w == 0.0) {
                    let m = "expected `weights` not all zero".to_owned();
                    self.error_at(path, "weights", m);
                    return None;
                }
                TokenDist::Empirical(values.into_iter().zip(weights).collect())
            }
        };
        Some(dist)
    }
}
