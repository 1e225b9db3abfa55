//! One run's events on lanes over time: outages as bars, failures and interruptions as
//! ticks, a lane per site, outage scope or job.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Drawn, Figure, GRID, INK, Kind, MUTED, clip, text};
use crate::numbers::compact;

/// Something that happened on a lane from `start_h` to `end_h` (equal for an instant).
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// The lane: a site, an outage scope (`region:aws/us-east-1`) or a job.
    pub lane: String,
    /// Start, hours from the start of the run.
    pub start_h: f64,
    /// End, hours; `end_h <= start_h` is an instant (drawn as a tick).
    pub end_h: f64,
    /// What it is (`outage:scripted`, `failure`, `interruption:outage`); picks the
    /// colour and the legend entry.
    pub kind: String,
}

#[derive(Clone, Debug)]
pub(super) struct Spec {
    title: String,
    lanes: Vec<String>,
    hidden_lanes: usize,
    kinds: Vec<String>,
    present: Vec<bool>,
    spans: Vec<Span>,
    horizon_h: f64,
    label_width: u32,
    legend_rows: u32,
}

const WIDTH: u32 = 980;
const LANE_H: u32 = 24;
/// Lanes beyond this many are left out (and counted under the chart).
const MAX_LANES: usize = 40;
const LEGEND_ROW: u32 = 22;
/// Slices of the horizon ticks are binned into, per lane and kind (more than the plot is
/// wide in pixels, so thinning never shows).
const TICK_BUCKETS: f64 = 1600.0;

/// A lane per distinct `lane` in order of first appearance (at most 40; the rest are
/// counted in a note), time from 0 to `horizon_h` across. Spans with a duration are bars
/// (at least 2 px wide), instants are ticks. The `i`-th entry of `kinds` always gets the
/// `i`-th palette colour (so a kind keeps its colour from run to run), kinds not listed
/// there follow in order of first appearance; the legend lists the kinds present.
pub fn timeline(title: &str, kinds: &[&str], spans: &[Span], horizon_h: f64) -> Figure {
    let mut lanes: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for s in spans {
        if seen.insert(s.lane.as_str()) {
            lanes.push(s.lane.clone());
        }
    }
    let hidden_lanes = lanes.len().saturating_sub(MAX_LANES);
    lanes.truncate(MAX_LANES);
    let mut all_kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    for s in spans {
        if !all_kinds.contains(&s.kind) {
            all_kinds.push(s.kind.clone());
        }
    }
    let present: Vec<bool> = all_kinds
        .iter()
        .map(|k| spans.iter().any(|s| s.kind == *k))
        .collect();
    let label_width = lanes
        .iter()
        .map(|l| super::text_width(&clip(l, 30), 12))
        .max()
        .unwrap_or(40)
        + 20;
    let legend_width: u32 = all_kinds
        .iter()
        .zip(&present)
        .filter(|(_, p)| **p)
        .map(|(k, _)| super::text_width(k, 12) + 40)
        .sum();
    let legend_rows = legend_width.div_ceil(WIDTH - 40).max(1);
    let last = spans
        .iter()
        .map(|s| s.end_h.max(s.start_h))
        .filter(|t| t.is_finite())
        .fold(0.0, f64::max);
    let horizon_h = if horizon_h.is_finite() && horizon_h > 0.0 {
        horizon_h
    } else {
        last.max(1.0)
    };
    let spans = thin_ticks(spans, &lanes, horizon_h);
    let lane_count = lanes.len().max(1) as u32;
    Figure {
        width: WIDTH,
        height: 36 + lane_count * LANE_H + 30 + (legend_rows + 1) * LEGEND_ROW + 8,
        kind: Kind::Timeline(Spec {
            title: title.to_owned(),
            lanes,
            hidden_lanes,
            kinds: all_kinds,
            present,
            spans,
            horizon_h,
            label_width,
            legend_rows,
        }),
    }
}

/// A long run has hundreds of thousands of ticks, most of them on top of each other.
/// Per lane and kind, ticks are binned into [`TICK_BUCKETS`] slices of the horizon (finer
/// than the plot's pixels); a slice alone keeps one tick (its first), and a run of
/// adjacent occupied slices becomes one bar from its first tick to its last, which is
/// what those ticks look like anyway. Bars are kept as they are and come last, so they
/// are drawn over merged ticks; spans on lanes not shown are dropped. *O*(*n* log *n*).
fn thin_ticks(spans: &[Span], lanes: &[String], horizon_h: f64) -> Vec<Span> {
    use std::collections::BTreeMap;
    let index: BTreeMap<&str, usize> = lanes
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let mut out: Vec<Span> = Vec::new();
    let mut bars: Vec<Span> = Vec::new();
    // (lane, kind) -> slice -> (first tick, last tick), hours.
    type Slices = BTreeMap<i64, (f64, f64)>;
    let mut ticks: BTreeMap<(usize, &str), Slices> = BTreeMap::new();
    for s in spans {
        let Some(&lane) = index.get(s.lane.as_str()) else {
            continue;
        };
        if s.end_h > s.start_h {
            bars.push(s.clone());
            continue;
        }
        let bucket = (s.start_h / horizon_h * TICK_BUCKETS).floor() as i64;
        let slot = ticks
            .entry((lane, s.kind.as_str()))
            .or_default()
            .entry(bucket)
            .or_insert((s.start_h, s.start_h));
        slot.0 = slot.0.min(s.start_h);
        slot.1 = slot.1.max(s.start_h);
    }
    for ((lane, kind), buckets) in ticks {
        let mut run: Option<(i64, f64, f64)> = None; // (last bucket, start, end)
        let flush = |run: (i64, f64, f64), out: &mut Vec<Span>| {
            out.push(Span {
                lane: lanes[lane].clone(),
                start_h: run.1,
                end_h: run.2,
                kind: kind.to_owned(),
            });
        };
        for (b, (first, last)) in buckets {
            run = match run {
                Some((prev, start, _)) if prev + 1 == b => Some((b, start, last)),
                Some(done) => {
                    flush(done, &mut out);
                    Some((b, first, first))
                }
                None => Some((b, first, first)),
            };
        }
        if let Some(done) = run {
            flush(done, &mut out);
        }
    }
    // Real bars (outages) last, so they are drawn over runs of merged ticks.
    out.extend(bars);
    out
}

pub(super) fn draw<DB: DrawingBackend>(
    spec: &Spec,
    root: &DrawingArea<DB, Shift>,
) -> Drawn<DB::ErrorType> {
    let body = super::title_area(root, &spec.title)?;
    let legend_h = (spec.legend_rows + 1) * LEGEND_ROW + 8;
    let (_, body_h) = body.dim_in_pixel();
    let (plot, legend) = body.split_vertically(body_h.saturating_sub(legend_h));
    if spec.lanes.is_empty() {
        plot.draw_text("nothing happened", &text(13, MUTED), (14, 10))?;
        return Ok(());
    }
    let n = spec.lanes.len() as f64;
    let end = spec.horizon_h;
    let mut chart = ChartBuilder::on(&plot)
        .margin_right(18)
        .x_label_area_size(30)
        .y_label_area_size(spec.label_width)
        .build_cartesian_2d(0.0..end, 0.0..n)?;
    let fmt = |v: &f64| compact(*v);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(12)
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .label_style(text(11, INK))
        .x_label_formatter(&fmt)
        .draw()?;
    let (px_range, _) = chart.plotting_area().get_pixel_range();
    let hours_per_px = end / f64::from((px_range.end - px_range.start).max(1));
    // Lane i sits at y in (n - i - 1, n - i): the first lane on top.
    let y_of = |lane: &str| {
        spec.lanes
            .iter()
            .position(|l| l == lane)
            .map(|i| n - i as f64 - 0.5)
    };
    let label_style = text(12, INK).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, lane) in spec.lanes.iter().enumerate() {
        let y = n - i as f64 - 0.5;
        if i % 2 == 0 {
            chart.draw_series([Rectangle::new(
                [(0.0, y - 0.5), (end, y + 0.5)],
                RGBColor(0xf6, 0xf7, 0xf9).filled(),
            )])?;
        }
        // backend_coord is in whole-canvas pixels; draw_text wants the area's own.
        let (_, py) = chart.backend_coord(&(0.0, y));
        let py = py - plot.get_base_pixel().1;
        plot.draw_text(
            &clip(lane, 30),
            &label_style,
            (spec.label_width as i32 - 8, py),
        )?;
    }
    let colour_of =
        |kind: &str| super::colour(spec.kinds.iter().position(|k| k == kind).unwrap_or(0));
    // Bars first, ticks over them.
    chart.draw_series(
        spec.spans
            .iter()
            .filter(|s| s.end_h > s.start_h)
            .filter_map(|s| {
                let y = y_of(&s.lane)?;
                let end_h = s.end_h.max(s.start_h + 2.0 * hours_per_px).min(end);
                Some(Rectangle::new(
                    [(s.start_h, y - 0.34), (end_h, y + 0.34)],
                    colour_of(&s.kind).mix(0.85).filled(),
                ))
            }),
    )?;
    // Ticks of later kinds over earlier ones (a rare outage interruption over a run of
    // failure ticks).
    let mut ticks: Vec<&Span> = spec.spans.iter().filter(|s| s.end_h <= s.start_h).collect();
    ticks.sort_by_key(|s| spec.kinds.iter().position(|k| *k == s.kind));
    chart.draw_series(ticks.into_iter().filter_map(|s| {
        let y = y_of(&s.lane)?;
        Some(PathElement::new(
            vec![(s.start_h, y - 0.38), (s.start_h, y + 0.38)],
            colour_of(&s.kind).mix(0.9).stroke_width(1),
        ))
    }))?;

    let key = text(12, INK).pos(Pos::new(HPos::Left, VPos::Center));
    let (mut x, mut row) = (14i32, 0i32);
    for (i, kind) in spec.kinds.iter().enumerate() {
        if !spec.present[i] {
            continue;
        }
        let w = super::text_width(kind, 12) as i32 + 40;
        if x + w > (WIDTH - 20) as i32 && x > 14 {
            x = 14;
            row += 1;
        }
        let y = 10 + row * LEGEND_ROW as i32;
        legend.draw(&Rectangle::new(
            [(x, y - 5), (x + 16, y + 5)],
            super::colour(i).mix(0.85).filled(),
        ))?;
        legend.draw_text(kind, &key, (x + 22, y))?;
        x += w;
    }
    let note = if spec.hidden_lanes > 0 {
        format!(
            "x: hours from start; {} more lanes not shown",
            spec.hidden_lanes
        )
    } else {
        "x: hours from start".to_owned()
    };
    legend.draw_text(
        &note,
        &text(11, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
        (14, 10 + (row + 1) * LEGEND_ROW as i32),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lane: &str, start_h: f64, end_h: f64, kind: &str) -> Span {
        Span {
            lane: lane.into(),
            start_h,
            end_h,
            kind: kind.into(),
        }
    }

    #[test]
    fn lanes_and_kinds_keep_their_order() {
        let spans = [
            span("aws-use1", 1.0, 1.0, "failure"),
            span("region:aws/us-east-1", 288.0, 294.0, "outage:scripted"),
            span("job big", 288.0, 288.0, "interruption:outage"),
            span("aws-use1", 3.0, 3.0, "failure"),
        ];
        let f = timeline(
            "t",
            &["outage:scripted", "absent", "failure"],
            &spans,
            720.0,
        );
        let Kind::Timeline(spec) = &f.kind else {
            panic!("a timeline")
        };
        assert_eq!(spec.lanes, ["aws-use1", "region:aws/us-east-1", "job big"]);
        assert_eq!(
            spec.kinds,
            [
                "outage:scripted",
                "absent",
                "failure",
                "interruption:outage"
            ]
        );
        assert_eq!(spec.present, [true, false, true, true]);
        let svg = f.svg().unwrap();
        assert!(svg.contains("region:aws/us-east-1"));
        assert_eq!(&f.png().unwrap()[1..4], b"PNG");
    }

    #[test]
    fn too_many_lanes_are_counted() {
        let spans: Vec<Span> = (0..50)
            .map(|i| span(&format!("job {i}"), 1.0, 1.0, "interruption"))
            .collect();
        let f = timeline("t", &[], &spans, 10.0);
        let Kind::Timeline(spec) = &f.kind else {
            panic!("a timeline")
        };
        assert_eq!((spec.lanes.len(), spec.hidden_lanes), (40, 10));
        assert_eq!(spec.spans.len(), 40, "spans on hidden lanes are dropped");
        assert!(f.svg().unwrap().contains("10 more lanes not shown"));
        timeline("t", &[], &[], 10.0).svg().unwrap();
    }

    #[test]
    fn dense_ticks_are_thinned_and_bars_kept() {
        let mut spans: Vec<Span> = (0..10_000)
            .map(|i| span("a", f64::from(i) / 100.0, f64::from(i) / 100.0, "failure"))
            .collect();
        spans.push(span("a", 5.0, 5.01, "outage"));
        let f = timeline("t", &[], &spans, 100.0);
        let Kind::Timeline(spec) = &f.kind else {
            panic!("a timeline")
        };
        // 10,000 ticks 0.01 h apart fill every slice: one bar from the first to the last.
        let failures: Vec<(f64, f64)> = spec
            .spans
            .iter()
            .filter(|s| s.kind == "failure")
            .map(|s| (s.start_h, s.end_h))
            .collect();
        assert_eq!(failures, [(0.0, 99.99)]);
        assert!(spec.spans.iter().any(|s| s.kind == "outage"));
        // Sparse ticks stay ticks.
        let sparse = [span("a", 1.0, 1.0, "f"), span("a", 50.0, 50.0, "f")];
        let f = timeline("t", &[], &sparse, 100.0);
        let Kind::Timeline(spec) = &f.kind else {
            panic!("a timeline")
        };
        assert_eq!(spec.spans, sparse);
    }
}
