//! A figure against one axis: a line per series (e.g. per policy) through the point
//! means, each with its 95% confidence interval as a bar.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Drawn, Figure, GRID, INK, Kind, MUTED, clip, text};
use crate::numbers::compact;

/// A position on the x axis: a number (a numeric axis, spaced by value) or a label (a
/// categorical axis, spaced evenly in order of first appearance).
#[derive(Clone, Debug, PartialEq)]
pub enum X {
    /// A value of a numeric axis.
    Value(f64),
    /// A category (a policy name, a duration written as text).
    Label(String),
}

/// One point of a series: the mean over seeds and its 95% CI half-width.
#[derive(Clone, Debug, PartialEq)]
pub struct CiPoint {
    /// Where on the x axis.
    pub x: X,
    /// Mean of the figure (a non-finite mean is skipped).
    pub mean: f64,
    /// Half-width of the 95% confidence interval (`None`: fewer than two runs).
    pub ci95: Option<f64>,
}

/// One line: a name for the legend and its points in x order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend entry (e.g. `policy.placement = cheapest`); empty for a lone unnamed line.
    pub name: String,
    /// The points, drawn in this order.
    pub points: Vec<CiPoint>,
}

#[derive(Clone, Debug)]
pub(super) struct Spec {
    title: String,
    x_label: String,
    y_label: String,
    series: Vec<Series>,
    legend_width: u32,
    /// Lines above the legend's entries saying what they are (e.g. the axes' names).
    legend_title: Vec<String>,
    joined: bool,
    /// Category labels written downwards (they do not fit across), and the height they
    /// need under the axis.
    vertical_labels: bool,
    x_area: u32,
}

const WIDTH: u32 = 760;
const HEIGHT: u32 = 420;
/// Legend lines longer than this are cut with an ellipsis.
const LEGEND_CHARS: usize = 30;
/// Category labels longer than this are cut with an ellipsis.
const MAX_LABEL: usize = 24;

/// `series` as lines against `x_label` with `y_label` up the side, a marker at each mean
/// and its 95% CI as a capped bar. When the x values are all [`X::Value`] the axis is
/// numeric; otherwise it lists the labels (numbers written as text) in order of first
/// appearance. Lines sharing an x position are nudged apart so their bars do not hide
/// each other. A legend on the right names the series when there are several.
pub fn line_with_ci(title: &str, x_label: &str, y_label: &str, series: &[Series]) -> Figure {
    build(title, x_label, y_label, series, true)
}

/// Like [`line_with_ci`] without the lines: a marker and CI bar per point, for x values
/// with no order between them (policies compared on the same seeds).
pub fn points_with_ci(title: &str, x_label: &str, y_label: &str, series: &[Series]) -> Figure {
    build(title, x_label, y_label, series, false)
}

fn build(title: &str, x_label: &str, y_label: &str, series: &[Series], joined: bool) -> Figure {
    let named = series.len() > 1 || series.iter().any(|s| !s.name.is_empty());
    let legend_width = if named {
        let longest = series
            .iter()
            .map(|s| super::text_width(&clip(&s.name, LEGEND_CHARS), 12))
            .max()
            .unwrap_or(0);
        (longest + 44).clamp(100, 260)
    } else {
        0
    };
    // Category labels go across when the longest fits its slot, else downwards.
    let (vertical_labels, x_area) = match Axis::of(series) {
        Axis::Categories(labels) => {
            let slot = (WIDTH - 110) / labels.len().max(1) as u32;
            let longest = labels
                .iter()
                .map(|l| super::text_width(&clip(l, MAX_LABEL), 12))
                .max()
                .unwrap_or(0);
            if longest + 6 > slot {
                (true, longest * 4 / 5 + 36)
            } else {
                (false, 46)
            }
        }
        Axis::Numeric => (false, 46),
    };
    Figure {
        width: WIDTH + legend_width,
        height: HEIGHT + x_area - 46,
        kind: Kind::LineCi(Spec {
            title: title.to_owned(),
            x_label: x_label.to_owned(),
            y_label: y_label.to_owned(),
            series: series.to_vec(),
            legend_width,
            legend_title: Vec::new(),
            joined,
            vertical_labels,
            x_area,
        }),
    }
}

impl Spec {
    /// Sets the legend's heading lines and widens the legend to fit them.
    pub(super) fn set_legend_title(&mut self, lines: &[&str]) -> u32 {
        self.legend_title = lines.iter().map(|l| (*l).to_owned()).collect();
        if self.legend_width == 0 {
            return 0;
        }
        let widest = lines
            .iter()
            .map(|l| super::text_width(&clip(l, LEGEND_CHARS), 12) + 16)
            .max()
            .unwrap_or(0);
        let before = self.legend_width;
        self.legend_width = self.legend_width.max(widest).min(260);
        self.legend_width - before
    }
}

/// The x axis: numeric, or the category labels in order.
enum Axis {
    Numeric,
    Categories(Vec<String>),
}

impl Axis {
    fn of(series: &[Series]) -> Axis {
        let numeric = series
            .iter()
            .flat_map(|s| &s.points)
            .all(|p| matches!(p.x, X::Value(v) if v.is_finite()));
        if numeric {
            return Axis::Numeric;
        }
        let mut labels: Vec<String> = Vec::new();
        for p in series.iter().flat_map(|s| &s.points) {
            let label = match &p.x {
                X::Value(v) => crate::numbers::sig(*v, 6),
                X::Label(l) => l.clone(),
            };
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        Axis::Categories(labels)
    }

    fn position(&self, x: &X) -> f64 {
        match (self, x) {
            (Axis::Numeric, X::Value(v)) => *v,
            (Axis::Categories(labels), x) => {
                let label = match x {
                    X::Value(v) => crate::numbers::sig(*v, 6),
                    X::Label(l) => l.clone(),
                };
                labels.iter().position(|l| *l == label).unwrap_or(0) as f64
            }
            (Axis::Numeric, X::Label(_)) => 0.0,
        }
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    spec: &Spec,
    root: &DrawingArea<DB, Shift>,
) -> Drawn<DB::ErrorType> {
    let body = super::title_area(root, &spec.title)?;
    let (plot_area, legend_area) = body.split_horizontally(WIDTH);
    let axis = Axis::of(&spec.series);
    let positions: Vec<Vec<(f64, f64, Option<f64>)>> = spec
        .series
        .iter()
        .map(|s| {
            s.points
                .iter()
                .filter(|p| p.mean.is_finite())
                .map(|p| {
                    (
                        axis.position(&p.x),
                        p.mean,
                        p.ci95.filter(|c| c.is_finite()),
                    )
                })
                .collect()
        })
        .collect();

    // x range, and the slot each x position owns (for nudging series apart).
    let (x_lo, x_hi, slot) = match &axis {
        Axis::Categories(labels) => (-0.5, labels.len().max(1) as f64 - 0.5, 1.0),
        Axis::Numeric => {
            let mut xs: Vec<f64> = positions.iter().flatten().map(|p| p.0).collect();
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            let (lo, hi) = match (xs.first(), xs.last()) {
                (Some(&lo), Some(&hi)) => (lo, hi),
                _ => (0.0, 1.0),
            };
            let gap = xs
                .windows(2)
                .map(|w| w[1] - w[0])
                .fold(f64::INFINITY, f64::min);
            let (lo, hi) = super::padded(lo, hi, 0.06);
            let slot = if gap.is_finite() { gap } else { hi - lo };
            (lo, hi, slot)
        }
    };
    let k = spec.series.len().max(1) as f64;
    let nudge_step = slot * 0.25 / k;
    let nudge = |i: usize| (i as f64 - (k - 1.0) / 2.0) * nudge_step;

    let (mut y_lo, mut y_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &(_, mean, ci) in positions.iter().flatten() {
        let c = ci.unwrap_or(0.0);
        y_lo = y_lo.min(mean - c);
        y_hi = y_hi.max(mean + c);
    }
    let (y_lo, y_hi) = super::padded(y_lo, y_hi, 0.08);

    let mut chart = ChartBuilder::on(&plot_area)
        .margin_left(8)
        .margin_right(16)
        .margin_bottom(6)
        .x_label_area_size(spec.x_area)
        .y_label_area_size(74)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    let categorical = matches!(axis, Axis::Categories(_));
    let x_fmt = |v: &f64| compact(*v);
    let y_fmt = |v: &f64| compact(*v);
    let mut mesh = chart.configure_mesh();
    mesh.max_light_lines(0)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .label_style(text(12, INK))
        .axis_desc_style(text(13, INK))
        .x_desc(spec.x_label.as_str())
        .y_desc(spec.y_label.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_labels(8);
    if categorical {
        mesh.disable_x_mesh().x_labels(0);
    } else {
        mesh.x_labels(10);
    }
    mesh.draw()?;

    if let Axis::Categories(labels) = &axis {
        let style = if spec.vertical_labels {
            text(12, INK)
                .pos(Pos::new(HPos::Right, VPos::Center))
                .transform(FontTransform::Rotate270)
        } else {
            text(12, INK).pos(Pos::new(HPos::Center, VPos::Top))
        };
        // backend_coord is in whole-canvas pixels; draw_text wants the area's own.
        let (ox, oy) = plot_area.get_base_pixel();
        for (i, label) in labels.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, y_lo));
            plot_area.draw_text(&clip(label, MAX_LABEL), &style, (px - ox, py - oy + 8))?;
        }
    }

    for (i, points) in positions.iter().enumerate() {
        let c = super::colour(i);
        let shifted: Vec<(f64, f64, Option<f64>)> = points
            .iter()
            .map(|&(x, m, ci)| (x + nudge(i), m, ci))
            .collect();
        if spec.joined {
            chart.draw_series(LineSeries::new(
                shifted.iter().map(|&(x, m, _)| (x, m)),
                c.stroke_width(2),
            ))?;
        }
        let cap = slot * 0.06 / k.sqrt();
        chart.draw_series(shifted.iter().filter_map(|&(x, m, ci)| {
            ci.map(|ci| {
                PathElement::new(
                    vec![
                        (x - cap, m - ci),
                        (x + cap, m - ci),
                        (x, m - ci),
                        (x, m + ci),
                        (x - cap, m + ci),
                        (x + cap, m + ci),
                    ],
                    c.stroke_width(1),
                )
            })
        }))?;
        chart.draw_series(
            shifted
                .iter()
                .map(|&(x, m, _)| Circle::new((x, m), 4, c.filled())),
        )?;
    }

    if spec.legend_width > 0 {
        let style = text(12, INK).pos(Pos::new(HPos::Left, VPos::Center));
        let mut y = 10;
        for line in &spec.legend_title {
            legend_area.draw_text(
                &clip(line, LEGEND_CHARS),
                &text(12, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
                (8, y),
            )?;
            y += 18;
        }
        y += 8;
        for (i, s) in spec.series.iter().enumerate() {
            let c = super::colour(i);
            if spec.joined {
                legend_area.draw(&PathElement::new(vec![(8, y), (30, y)], c.stroke_width(2)))?;
            }
            legend_area.draw(&Circle::new((19, y), 4, c.filled()))?;
            let name = if s.name.is_empty() { "(all)" } else { &s.name };
            legend_area.draw_text(&clip(name, LEGEND_CHARS), &style, (36, y))?;
            y += 22;
        }
        legend_area.draw_text(
            "bars: 95% CI",
            &text(11, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
            (8, y + 4),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, xs: &[X]) -> Series {
        Series {
            name: name.to_owned(),
            points: xs
                .iter()
                .enumerate()
                .map(|(i, x)| CiPoint {
                    x: x.clone(),
                    mean: i as f64,
                    ci95: Some(0.5),
                })
                .collect(),
        }
    }

    #[test]
    fn numeric_and_categorical_axes() {
        let num = [series("a", &[X::Value(0.5), X::Value(1.0)])];
        assert!(matches!(Axis::of(&num), Axis::Numeric));
        let cat = [
            series("a", &[X::Label("30m".into()), X::Label("1h".into())]),
            series("b", &[X::Label("2h".into()), X::Label("1h".into())]),
        ];
        match Axis::of(&cat) {
            Axis::Categories(l) => assert_eq!(l, ["30m", "1h", "2h"]),
            Axis::Numeric => panic!("labels make a categorical axis"),
        }
    }

    #[test]
    fn draws_svg_with_a_legend_and_is_deterministic() {
        let s = [
            series("first-fit", &[X::Value(1.0), X::Value(2.0), X::Value(4.0)]),
            series("cheapest", &[X::Value(1.0), X::Value(2.0), X::Value(4.0)]),
        ];
        let f = line_with_ci("goodput", "cap", "EFLOP", &s);
        let a = f.svg().unwrap();
        assert!(a.starts_with("<svg"), "{}", &a[..80]);
        assert!(a.contains("first-fit") && a.contains("cheapest"));
        assert_eq!(a, f.svg().unwrap());
        let png = f.png().unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn empty_or_nan_series_still_draw() {
        let s = [Series {
            name: String::new(),
            points: vec![CiPoint {
                x: X::Value(1.0),
                mean: f64::NAN,
                ci95: None,
            }],
        }];
        line_with_ci("t", "x", "y", &s).svg().unwrap();
        line_with_ci("t", "x", "y", &[]).svg().unwrap();
    }
}
