//! A figure over two axes: one coloured cell per (x, y) point with its value written in,
//! and a colour scale.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Drawn, Figure, INK, Kind, MUTED, clip, text};
use crate::numbers::compact;

/// One axis of a heatmap: its name and its values' labels, in drawing order.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatAxis {
    /// The axis name, e.g. `policy.placement`.
    pub name: String,
    /// One label per column (x) or row (y).
    pub labels: Vec<String>,
}

#[derive(Clone, Debug)]
pub(super) struct Spec {
    title: String,
    x: HeatAxis,
    y: HeatAxis,
    values: Vec<Vec<Option<f64>>>,
    label_width: u32,
    cell_h: u32,
}

const WIDTH: u32 = 760;
const SCALE_W: u32 = 86;

/// A cell per `values[row][column]`, row `i` labelled `y.labels[i]` (first row at the
/// top, like a table) and column `j` labelled `x.labels[j]`, coloured on the viridis scale
/// from the smallest to the largest value, with the value written in (compact, 4
/// significant digits). A missing value is a grey cell marked `-`. Rows or columns beyond
/// the labels are ignored; missing ones are blank.
pub fn heatmap(title: &str, x: &HeatAxis, y: &HeatAxis, values: &[Vec<Option<f64>>]) -> Figure {
    let label_width = y
        .labels
        .iter()
        .map(|l| super::text_width(&clip(l, 22), 12))
        .max()
        .unwrap_or(0)
        .max(30)
        + 40;
    let rows = y.labels.len().max(1) as u32;
    let cell_h = (320 / rows).clamp(26, 64);
    Figure {
        width: WIDTH,
        height: 36 + 12 + rows * cell_h + 64,
        kind: Kind::Heatmap(Spec {
            title: title.to_owned(),
            x: x.clone(),
            y: y.clone(),
            values: values.to_vec(),
            label_width,
            cell_h,
        }),
    }
}

/// Viridis at five stops, interpolated linearly in RGB.
const VIRIDIS: [(f64, f64, f64); 5] = [
    (68.0, 1.0, 84.0),
    (59.0, 82.0, 139.0),
    (33.0, 145.0, 140.0),
    (94.0, 201.0, 98.0),
    (253.0, 231.0, 37.0),
];

/// The colour of `t` in [0, 1] on the viridis scale.
fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (VIRIDIS.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(VIRIDIS.len() - 2);
    let f = scaled - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Dark text on light cells, white on dark ones (relative luminance).
fn ink_on(c: RGBColor) -> RGBColor {
    let l = 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
    if l > 140.0 { INK } else { WHITE }
}

pub(super) fn draw<DB: DrawingBackend>(
    spec: &Spec,
    root: &DrawingArea<DB, Shift>,
) -> Drawn<DB::ErrorType> {
    let body = super::title_area(root, &spec.title)?;
    let (cols, rows) = (spec.x.labels.len(), spec.y.labels.len());
    let finite = || {
        spec.values
            .iter()
            .take(rows)
            .flat_map(|r| r.iter().take(cols))
            .flatten()
            .copied()
            .filter(|v| v.is_finite())
    };
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let scale = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };

    let left = spec.label_width as i32;
    let top = 12;
    let grid_w = (WIDTH - spec.label_width - SCALE_W - 16) as i32;
    let cell_w = grid_w / cols.max(1) as i32;
    let cell_h = spec.cell_h as i32;
    let grid_h = cell_h * rows.max(1) as i32;

    let value_style = |c: RGBColor| text(13, c).pos(Pos::new(HPos::Center, VPos::Center));
    for (r, row_label) in spec.y.labels.iter().enumerate() {
        let y0 = top + cell_h * r as i32;
        for c in 0..cols {
            let x0 = left + cell_w * c as i32;
            let value = spec
                .values
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .flatten()
                .filter(|v| v.is_finite());
            let fill = value.map_or(RGBColor(0xdd, 0xdd, 0xdd), |v| viridis(scale(v)));
            body.draw(&Rectangle::new(
                [(x0, y0), (x0 + cell_w, y0 + cell_h)],
                fill.filled(),
            ))?;
            body.draw(&Rectangle::new(
                [(x0, y0), (x0 + cell_w, y0 + cell_h)],
                WHITE.stroke_width(2),
            ))?;
            let label = value.map_or_else(|| "-".to_owned(), compact);
            body.draw_text(
                &label,
                &value_style(ink_on(fill)),
                (x0 + cell_w / 2, y0 + cell_h / 2),
            )?;
        }
        body.draw_text(
            &clip(row_label, 22),
            &text(12, INK).pos(Pos::new(HPos::Right, VPos::Center)),
            (left - 8, y0 + cell_h / 2),
        )?;
    }
    let max_chars = usize::try_from(cell_w / 7).unwrap_or(4).max(4);
    for (c, col_label) in spec.x.labels.iter().enumerate() {
        body.draw_text(
            &clip(col_label, max_chars),
            &text(12, INK).pos(Pos::new(HPos::Center, VPos::Top)),
            (left + cell_w * c as i32 + cell_w / 2, top + grid_h + 8),
        )?;
    }
    body.draw_text(
        &clip(&spec.x.name, 60),
        &text(13, INK).pos(Pos::new(HPos::Center, VPos::Top)),
        (left + cell_w * cols.max(1) as i32 / 2, top + grid_h + 30),
    )?;
    let y_name_chars = usize::try_from(grid_h / 7).unwrap_or(4).clamp(4, 40);
    body.draw_text(
        &clip(&spec.y.name, y_name_chars),
        &text(13, INK)
            .pos(Pos::new(HPos::Center, VPos::Top))
            .transform(FontTransform::Rotate270),
        (6, top + grid_h / 2),
    )?;

    // The colour scale: a vertical gradient, high at the top, with its ends labelled.
    if lo.is_finite() {
        let x0 = (WIDTH - SCALE_W) as i32;
        let steps = 48;
        for s in 0..steps {
            let t = 1.0 - (s as f64 + 0.5) / steps as f64;
            let y0 = top + grid_h * s / steps;
            let y1 = top + grid_h * (s + 1) / steps;
            body.draw(&Rectangle::new(
                [(x0, y0), (x0 + 14, y1)],
                viridis(t).filled(),
            ))?;
        }
        body.draw(&Rectangle::new(
            [(x0, top), (x0 + 14, top + grid_h)],
            MUTED.stroke_width(1),
        ))?;
        let end = |y| (x0 + 20, y);
        let style = text(11, INK).pos(Pos::new(HPos::Left, VPos::Center));
        body.draw_text(&compact(hi), &style, end(top + 5))?;
        body.draw_text(&compact(lo), &style, end(top + grid_h - 5))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_contrast() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), RGBColor(68, 1, 84));
        assert_eq!(ink_on(viridis(0.0)), WHITE);
        assert_eq!(ink_on(viridis(1.0)), INK);
    }

    #[test]
    fn draws_values_and_gaps() {
        let axis = |name: &str, labels: &[&str]| HeatAxis {
            name: name.to_owned(),
            labels: labels.iter().map(|s| (*s).to_owned()).collect(),
        };
        let f = heatmap(
            "ETTR",
            &axis("cap", &["0.6", "0.8", "1"]),
            &axis("policy", &["first-fit", "cheapest"]),
            &[
                vec![Some(0.81), Some(0.9), Some(0.95)],
                vec![Some(0.8), None],
            ],
        );
        let svg = f.svg().unwrap();
        assert!(svg.contains("\n0.95\n") && svg.contains("\n-\n"), "{svg}");
        assert_eq!(&f.png().unwrap()[1..4], b"PNG");
    }
}
