//! The value readers of the [`Walker`]: one per schema [`Kind`], each looking the key up,
//! checking type and range, and reporting what is wrong where it is written.

use sim_core::time::SimDuration;
use toml::de::{DeTable, DeValue};

use super::{Value, Walker, closest, join};
use crate::scenario::diagnostic::dotted;
use crate::scenario::schema::{Field, Kind, Presence};

impl Walker {
    /// `table[field.key]` and its path, or `None` (reported if the field is required).
    pub(crate) fn value<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &[String],
        field: &Field,
    ) -> Option<(&'t Value<'i>, Vec<String>)> {
        let p = join(path, field.key);
        match table.get(field.key) {
            Some(v) => Some((v, p)),
            None => {
                if field.presence == Presence::Required {
                    let span = self.map.span(path);
                    self.error(
                        span,
                        &p,
                        format!(
                            "missing required key `{}`: expected {}",
                            field.key,
                            field.kind.expected()
                        ),
                        None,
                    );
                }
                None
            }
        }
    }

    /// A `Str` field.
    pub(crate) fn str(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<String> {
        debug_assert_eq!(field.kind, Kind::Str, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        self.string_value(v, &p)
    }

    /// A non-empty string value already looked up.
    pub(crate) fn string_value(&mut self, v: &Value<'_>, path: &[String]) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Some(s.to_string()),
            DeValue::String(_) => {
                self.error(
                    v.span(),
                    path,
                    "expected a non-empty string, found an empty string",
                    None,
                );
                None
            }
            _ => {
                self.wrong_type(v, path, &Kind::Str.expected());
                None
            }
        }
    }

    /// A `Duration` or `PositiveDuration` field; a bare number gets a hint to add the unit.
    pub(crate) fn duration(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<SimDuration> {
        debug_assert!(
            matches!(field.kind, Kind::Duration | Kind::PositiveDuration),
            "{}",
            field.key
        );
        let (v, p) = self.value(table, path, field)?;
        match v.get_ref() {
            DeValue::String(s) => match s.parse::<SimDuration>() {
                Ok(d) if d.is_zero() && field.kind == Kind::PositiveDuration => {
                    self.out_of_range(v, &p, field.kind, "");
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    self.error(v.span(), &p, e.to_string(), None);
                    None
                }
            },
            DeValue::Integer(_) | DeValue::Float(_) => {
                let literal = self.map.text.get(v.span()).unwrap_or_default();
                let message = format!(
                    "expected {}, found a number ({literal}); write the unit inside quotes, \
                     e.g. \"{literal}h\"",
                    field.kind.expected()
                );
                self.error(v.span(), &p, message, None);
                None
            }
            _ => {
                self.wrong_type(v, &p, &field.kind.expected());
                None
            }
        }
    }

    /// An integer field of kind `NonNegativeInt` or `PositiveInt`, range-checked.
    pub(crate) fn integer(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<u64> {
        let (v, p) = self.value(table, path, field)?;
        self.integer_value(v, &p, field.kind)
    }

    /// [`Self::integer`] for a value already looked up.
    pub(crate) fn integer_value(&mut self, v: &Value<'_>, p: &[String], kind: Kind) -> Option<u64> {
        let (min, max) = match kind {
            Kind::NonNegativeInt => (0, u64::MAX),
            Kind::PositiveInt => (1, u64::from(u32::MAX)),
            other => unreachable!("{} is not an integer kind ({other:?})", dotted(p)),
        };
        let DeValue::Integer(i) = v.get_ref() else {
            self.wrong_type(v, p, &kind.expected());
            return None;
        };
        let n = i128::from_str_radix(i.as_str(), i.radix()).unwrap_or(i128::MAX);
        if n < i128::from(min) {
            self.out_of_range(v, p, kind, "");
            None
        } else if n > i128::from(max) {
            self.out_of_range(v, p, kind, &format!(", more than the maximum {max}"));
            None
        } else {
            u64::try_from(n).ok()
        }
    }

    /// A `PositiveInt` field as `u32`.
    pub(crate) fn u32(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<u32> {
        debug_assert_eq!(field.kind, Kind::PositiveInt, "{}", field.key);
        self.integer(table, path, field)
            .and_then(|n| u32::try_from(n).ok())
    }

    /// A number field (integers accepted), range-checked by its kind.
    pub(crate) fn number(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<f64> {
        let (v, p) = self.value(table, path, field)?;
        self.number_value(v, &p, field.kind)
    }

    /// [`Self::number`] for a value already looked up.
    pub(crate) fn number_value(&mut self, v: &Value<'_>, p: &[String], kind: Kind) -> Option<f64> {
        let x = match v.get_ref() {
            DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix())
                .map(|n| n as f64)
                .unwrap_or(f64::NAN),
            DeValue::Float(f) => f.as_str().parse::<f64>().unwrap_or(f64::NAN),
            _ => {
                self.wrong_type(v, p, &kind.expected());
                return None;
            }
        };
        let ok = x.is_finite()
            && match kind {
                Kind::PositiveNumber => x > 0.0,
                Kind::NonNegativeNumber => x >= 0.0,
                Kind::Pue => x >= 1.0,
                Kind::Range(lo, hi) => (lo..=hi).contains(&x),
                Kind::Fraction => x > 0.0 && x <= 1.0,
                Kind::FractionBelowOne => (0.0..1.0).contains(&x),
                Kind::HourOfDay => (0.0..24.0).contains(&x),
                Kind::AtLeastOne => x >= 1.0,
                other => unreachable!("{} is not a number kind ({other:?})", dotted(p)),
            };
        if ok {
            Some(x)
        } else {
            self.out_of_range(v, p, kind, "");
            None
        }
    }

    /// A `StrList` field: non-empty strings, none listed twice.
    pub(crate) fn str_list(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<Vec<String>> {
        debug_assert_eq!(field.kind, Kind::StrList, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let ip = join(&p, &i.to_string());
            match self.string_value(item, &ip) {
                Some(s) if out.contains(&s) => {
                    ok = false;
                    self.error(item.span(), &ip, format!("{s:?} is listed twice"), None);
                }
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// An integer field of kind `Int` (fits `i32`).
    pub(crate) fn i32(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<i32> {
        debug_assert_eq!(field.kind, Kind::Int, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        let DeValue::Integer(i) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        let n = i128::from_str_radix(i.as_str(), i.radix()).unwrap_or(i128::MAX);
        match i32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                let note = format!(", outside {} to {}", i32::MIN, i32::MAX);
                self.out_of_range(v, &p, field.kind, &note);
                None
            }
        }
    }

    /// A `Bool` field.
    pub(crate) fn bool(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<bool> {
        debug_assert_eq!(field.kind, Kind::Bool, "{}", field.key);
        let (v, p) = self.value(table, path, field)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(v, &p, &field.kind.expected());
                None
            }
        }
    }

    /// A field of kind `OneOf(names)`: the index of the name given, with a "did you mean"
    /// for anything else.
    pub(crate) fn choice(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<usize> {
        let Kind::OneOf(names) = field.kind else {
            unreachable!("{} is not a choice field", field.key);
        };
        let (v, p) = self.value(table, path, field)?;
        let DeValue::String(s) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        if let Some(i) = names.iter().position(|n| *n == s.as_ref()) {
            return Some(i);
        }
        self.error(
            v.span(),
            &p,
            format!("expected {}, found {s:?}", field.kind.expected()),
            closest(s, names),
        );
        None
    }

    /// A `SizeTable` field: `[[accelerators, weight], ...]`. An invalid pair is reported
    /// and replaced by `(1, 1.0)`, so the rest can still be checked.
    pub(crate) fn sizes(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<Vec<(u32, f64)>> {
        debug_assert_eq!(field.kind, Kind::SizeTable, "{}", field.key);
        let (items, p) = self.non_empty_array(table, path, field)?;
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = join(&p, &i.to_string());
            let pair = match item.get_ref() {
                DeValue::Array(pair) if pair.len() == 2 => Some(pair),
                _ => None,
            };
            let Some(pair) = pair else {
                self.wrong_type(item, &ip, "an [accelerators, weight] pair such as [8, 0.6]");
                out.push((1, 1.0));
                continue;
            };
            let count = self.integer_value(&pair[0], &join(&ip, "0"), Kind::PositiveInt);
            let weight = self.number_value(&pair[1], &join(&ip, "1"), Kind::NonNegativeNumber);
            match (count.and_then(|c| u32::try_from(c).ok()), weight) {
                (Some(c), Some(w)) => out.push((c, w)),
                _ => out.push((1, 1.0)),
            }
        }
        Some(out)
    }

    /// The items of an array field that must not be empty (errors for another type or `[]`).
    pub(crate) fn non_empty_array<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &[String],
        field: &Field,
    ) -> Option<(&'t [Value<'i>], Vec<String>)> {
        let (v, p) = self.value(table, path, field)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        if items.is_empty() {
            self.error(
                v.span(),
                &p,
                format!("expected {}, found an empty array", field.kind.expected()),
                None,
            );
            return None;
        }
        Some((&items[..], p))
    }

    /// A `Profile` field: a non-empty array of numbers >= 0. Every bad element is reported.
    pub(crate) fn profile(
        &mut self,
        table: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<Vec<f64>> {
        debug_assert_eq!(field.kind, Kind::Profile, "{}", field.key);
        let (items, p) = self.non_empty_array(table, path, field)?;
        self.non_negative_numbers(items, &p)
    }

    /// Every element of an array as a number >= 0, each bad one reported at `p.<i>`.
    pub(crate) fn non_negative_numbers(
        &mut self,
        items: &[Value<'_>],
        p: &[String],
    ) -> Option<Vec<f64>> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let ip = join(p, &i.to_string());
            match self.number_value(item, &ip, Kind::NonNegativeNumber) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A `NonNegativeInt` field that must fit `u32`.
    pub(crate) fn small_count(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<u32> {
        let (v, p) = self.value(t, path, field)?;
        let n = self.integer_value(v, &p, field.kind)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                self.out_of_range(v, &p, field.kind, &format!(", more than {}", u32::MAX));
                None
            }
        }
    }

    /// A `TokenCounts` field: a non-empty array of integers >= 1 (fits `u32`).
    pub(crate) fn token_counts(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<Vec<u32>> {
        let (items, p) = self.non_empty_array(t, path, field)?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let ip = join(&p, &i.to_string());
            match self.integer_value(item, &ip, Kind::PositiveInt) {
                Some(n) => out.push(u32::try_from(n).unwrap_or(u32::MAX)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A `Multipliers(n)` field: exactly `n` numbers >= 0; every bad element is reported.
    pub(crate) fn multipliers(
        &mut self,
        t: &DeTable<'_>,
        path: &[String],
        field: &Field,
    ) -> Option<Vec<f64>> {
        let Kind::Multipliers(n) = field.kind else {
            unreachable!("{} is not a multipliers field", field.key);
        };
        let (v, p) = self.value(t, path, field)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(v, &p, &field.kind.expected());
            return None;
        };
        let mut ok = true;
        if items.len() != n {
            let found = match items.len() {
                1 => "1 value".to_owned(),
                k => format!("{k} values"),
            };
            self.error(
                v.span(),
                &p,
                format!("expected {}, found {found}", field.kind.expected()),
                None,
            );
            ok = false;
        }
        let out = self.non_negative_numbers(items, &p);
        if ok { out } else { None }
    }
}
