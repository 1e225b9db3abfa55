//! One run's power per site over time, as small multiples: a panel per site with the draw,
//! the unthrottled demand and the cap, or the share of the cap drawn.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Drawn, Figure, GRID, INK, Kind, MUTED, clip, text};
use crate::numbers::compact;

/// A site's power state from `time_h` until its next point (a row of `power.csv`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerPoint {
    /// When the state begins, hours from the start.
    pub time_h: f64,
    /// Facility power the site's chips would draw unthrottled, MW.
    pub demand_mw: f64,
    /// The cap in force, MW.
    pub cap_mw: f64,
    /// Facility power drawn, MW.
    pub draw_mw: f64,
    /// Share of the site's accelerators busy (held by jobs and replicas), % (`NaN` when
    /// unknown).
    pub busy_pct: f64,
}

/// One site's power states in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct SitePowerSeries {
    /// Site name (the panel's title).
    pub site: String,
    /// States in time order; several at one time keep the last.
    pub points: Vec<PowerPoint>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Power,
    ShareOfCap,
}

#[derive(Clone, Debug)]
pub(super) struct Spec {
    title: String,
    sites: Vec<SitePowerSeries>,
    horizon_h: f64,
    mode: Mode,
    columns: u32,
}

const WIDTH: u32 = 980;
const PANEL_H: u32 = 180;
const LEGEND_H: u32 = 26;
/// Most states kept per site; more are merged per time bucket (keeping each bucket's
/// highest draw and demand and its last cap), so a long run still draws in milliseconds.
const MAX_POINTS: usize = 1200;

/// A panel per site (three to a row) of facility power in MW against hours: the draw
/// filled, the unthrottled demand as a line (above the fill when the site is throttled),
/// and the cap dashed in red where it falls within 3x the site's peak (the panel title
/// gives the largest cap either way). States hold until the next one; the last holds to
/// `horizon_h`.
pub fn site_power_over_time(title: &str, sites: &[SitePowerSeries], horizon_h: f64) -> Figure {
    figure(title, sites, horizon_h, Mode::Power)
}

/// A panel per site of its utilisation against hours: the share of its accelerators busy
/// (a line, when the points carry it) and the share of its power cap drawn (draw / cap, %,
/// filled); 100% drawn means the site runs at its cap (throttled, refusing or preempting
/// work).
pub fn utilisation_over_time(title: &str, sites: &[SitePowerSeries], horizon_h: f64) -> Figure {
    figure(title, sites, horizon_h, Mode::ShareOfCap)
}

fn figure(title: &str, sites: &[SitePowerSeries], horizon_h: f64, mode: Mode) -> Figure {
    let columns = sites.len().clamp(1, 3) as u32;
    let rows = sites.len().div_ceil(3).max(1) as u32;
    let last = sites
        .iter()
        .filter_map(|s| s.points.last())
        .map(|p| p.time_h)
        .fold(0.0, f64::max);
    let horizon_h = if horizon_h.is_finite() && horizon_h > 0.0 {
        horizon_h
    } else {
        last.max(1.0)
    };
    Figure {
        width: WIDTH,
        height: 36 + LEGEND_H + rows * PANEL_H + 8,
        kind: Kind::Power(Spec {
            title: title.to_owned(),
            sites: sites
                .iter()
                .map(|s| SitePowerSeries {
                    site: s.site.clone(),
                    points: reduce(&s.points, horizon_h),
                })
                .collect(),
            horizon_h,
            mode,
            columns,
        }),
    }
}

/// One state per distinct time (the last), then at most [`MAX_POINTS`] by bucketing.
fn reduce(points: &[PowerPoint], horizon_h: f64) -> Vec<PowerPoint> {
    let mut out: Vec<PowerPoint> = Vec::with_capacity(points.len().min(MAX_POINTS));
    for p in points.iter().filter(|p| p.time_h.is_finite()) {
        match out.last_mut() {
            Some(last) if last.time_h == p.time_h => *last = *p,
            _ => out.push(*p),
        }
    }
    if out.len() <= MAX_POINTS {
        return out;
    }
    let buckets = MAX_POINTS / 2;
    let width = horizon_h.max(f64::MIN_POSITIVE) / buckets as f64;
    let mut merged: Vec<PowerPoint> = Vec::with_capacity(buckets + 1);
    let mut current: Option<(i64, PowerPoint)> = None;
    for p in out {
        let b = (p.time_h / width).floor() as i64;
        current = match current {
            Some((cb, mut acc)) if cb == b => {
                acc.draw_mw = acc.draw_mw.max(p.draw_mw);
                acc.demand_mw = acc.demand_mw.max(p.demand_mw);
                acc.cap_mw = p.cap_mw;
                Some((cb, acc))
            }
            Some((_, acc)) => {
                merged.push(acc);
                Some((b, p))
            }
            None => Some((b, p)),
        };
    }
    merged.extend(current.map(|(_, p)| p));
    merged
}

/// `(t, v)` pairs of a step function through `points`, held to `end`.
fn steps(points: &[PowerPoint], end: f64, value: impl Fn(&PowerPoint) -> f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2 + 1);
    for (i, p) in points.iter().enumerate() {
        let v = value(p);
        out.push((p.time_h, v));
        let next = points.get(i + 1).map_or(end, |n| n.time_h);
        out.push((next.max(p.time_h), v));
    }
    out
}

pub(super) fn draw<DB: DrawingBackend>(
    spec: &Spec,
    root: &DrawingArea<DB, Shift>,
) -> Drawn<DB::ErrorType> {
    let body = super::title_area(root, &spec.title)?;
    let (legend, panels) = body.split_vertically(LEGEND_H);
    let accent = super::colour(0);
    let cap_colour = super::colour(2);
    let key = text(12, INK).pos(Pos::new(HPos::Left, VPos::Center));
    match spec.mode {
        Mode::Power => {
            legend.draw(&Rectangle::new(
                [(14, 6), (34, 16)],
                accent.mix(0.35).filled(),
            ))?;
            legend.draw_text("draw (MW)", &key, (40, 11))?;
            legend.draw(&PathElement::new(
                vec![(130, 11), (150, 11)],
                INK.stroke_width(1),
            ))?;
            legend.draw_text("demand unthrottled", &key, (156, 11))?;
            legend.draw(&PathElement::new(
                vec![(300, 11), (306, 11)],
                cap_colour.stroke_width(2),
            ))?;
            legend.draw(&PathElement::new(
                vec![(310, 11), (316, 11)],
                cap_colour.stroke_width(2),
            ))?;
            legend.draw_text("cap", &key, (322, 11))?;
            legend.draw_text("x: hours from start", &text(12, MUTED), (380, 11 - 7))?;
        }
        Mode::ShareOfCap => {
            legend.draw(&Rectangle::new(
                [(14, 6), (34, 16)],
                accent.mix(0.35).filled(),
            ))?;
            legend.draw_text("draw / cap (%)", &key, (40, 11))?;
            legend.draw(&PathElement::new(
                vec![(150, 11), (170, 11)],
                INK.stroke_width(2),
            ))?;
            legend.draw_text("busy accelerators (%)", &key, (176, 11))?;
            legend.draw_text("x: hours from start", &text(12, MUTED), (340, 11 - 7))?;
        }
    }
    if spec.sites.is_empty() {
        panels.draw_text("no power records", &text(13, MUTED), (14, 20))?;
        return Ok(());
    }
    let rows = spec.sites.len().div_ceil(spec.columns as usize);
    let cells = panels.split_evenly((rows, spec.columns as usize));
    for (site, area) in spec.sites.iter().zip(&cells) {
        draw_panel(spec, site, area)?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    spec: &Spec,
    site: &SitePowerSeries,
    area: &DrawingArea<DB, Shift>,
) -> Drawn<DB::ErrorType> {
    let end = spec.horizon_h;
    let accent = super::colour(0);
    let cap_colour = super::colour(2);
    let peak = site
        .points
        .iter()
        .map(|p| p.draw_mw.max(p.demand_mw))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let cap_max = site
        .points
        .iter()
        .map(|p| p.cap_mw)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let caption = match spec.mode {
        Mode::Power if cap_max > 0.0 => format!(
            "{} (cap up to {} MW)",
            clip(&site.site, 26),
            compact(cap_max)
        ),
        _ => clip(&site.site, 34),
    };
    let y_hi = match spec.mode {
        Mode::Power => {
            let cap_in_view = site
                .points
                .iter()
                .map(|p| p.cap_mw)
                .filter(|&c| c.is_finite() && c <= 3.0 * peak)
                .fold(0.0, f64::max);
            (peak.max(cap_in_view) * 1.1).max(1e-3)
        }
        Mode::ShareOfCap => 105.0,
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, text(13, INK))
        .margin(6)
        .margin_right(14)
        .x_label_area_size(22)
        .y_label_area_size(46)
        .build_cartesian_2d(0.0..end, 0.0..y_hi)?;
    let fmt = |v: &f64| compact(*v);
    chart
        .configure_mesh()
        .max_light_lines(0)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .label_style(text(11, INK))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .draw()?;
    match spec.mode {
        Mode::Power => {
            let draw = steps(&site.points, end, |p| p.draw_mw);
            chart.draw_series(AreaSeries::new(draw.iter().copied(), 0.0, accent.mix(0.35)))?;
            chart.draw_series(LineSeries::new(
                draw.iter().copied(),
                accent.stroke_width(1),
            ))?;
            let demand = steps(&site.points, end, |p| p.demand_mw);
            chart.draw_series(LineSeries::new(demand, INK.stroke_width(1)))?;
            // The cap, broken where it leaves the view.
            let cap = steps(&site.points, end, |p| p.cap_mw);
            let mut run: Vec<(f64, f64)> = Vec::new();
            for (t, c) in cap.into_iter().chain([(f64::NAN, f64::NAN)]) {
                if c.is_finite() && c <= y_hi {
                    run.push((t, c));
                } else if !run.is_empty() {
                    chart.draw_series(DashedLineSeries::new(
                        std::mem::take(&mut run),
                        6,
                        4,
                        cap_colour.stroke_width(2),
                    ))?;
                }
            }
        }
        Mode::ShareOfCap => {
            let share = steps(&site.points, end, |p| {
                if p.cap_mw.is_finite() && p.cap_mw > 0.0 {
                    (100.0 * p.draw_mw / p.cap_mw).clamp(0.0, 100.0)
                } else {
                    0.0
                }
            });
            chart.draw_series(AreaSeries::new(
                share.iter().copied(),
                0.0,
                accent.mix(0.35),
            ))?;
            chart.draw_series(LineSeries::new(share, accent.stroke_width(1)))?;
            if site.points.iter().any(|p| p.busy_pct.is_finite()) {
                let busy = steps(&site.points, end, |p| {
                    if p.busy_pct.is_finite() {
                        p.busy_pct.clamp(0.0, 100.0)
                    } else {
                        0.0
                    }
                });
                chart.draw_series(LineSeries::new(busy, INK.stroke_width(2)))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(time_h: f64, draw_mw: f64) -> PowerPoint {
        PowerPoint {
            busy_pct: 0.0,
            time_h,
            demand_mw: draw_mw,
            cap_mw: 10.0,
            draw_mw,
        }
    }

    #[test]
    fn equal_times_keep_the_last_state() {
        let r = reduce(&[p(0.0, 1.0), p(0.0, 2.0), p(1.0, 3.0)], 2.0);
        assert_eq!(r, [p(0.0, 2.0), p(1.0, 3.0)]);
    }

    #[test]
    fn long_runs_are_bucketed_keeping_peaks() {
        let many: Vec<PowerPoint> = (0..10_000)
            .map(|i| p(f64::from(i) / 100.0, if i == 5_001 { 9.0 } else { 1.0 }))
            .collect();
        let r = reduce(&many, 100.0);
        assert!(r.len() <= MAX_POINTS, "{}", r.len());
        assert!(r.iter().any(|q| q.draw_mw == 9.0), "the peak survives");
    }

    #[test]
    fn steps_hold_each_state_until_the_next() {
        let s = steps(&[p(0.0, 1.0), p(2.0, 3.0)], 5.0, |q| q.draw_mw);
        assert_eq!(s, [(0.0, 1.0), (2.0, 1.0), (2.0, 3.0), (5.0, 3.0)]);
    }

    #[test]
    fn draws_panels_in_both_modes() {
        let sites = [
            SitePowerSeries {
                site: "aws-use1".into(),
                points: vec![p(0.0, 2.0), p(5.0, 9.5)],
            },
            SitePowerSeries {
                site: "gcp-usc1".into(),
                points: vec![p(0.0, 1.0)],
            },
        ];
        let power = site_power_over_time("Power", &sites, 10.0);
        assert!(power.svg().unwrap().contains("aws-use1"));
        let share = utilisation_over_time("Share", &sites, 10.0);
        assert_eq!(&share.png().unwrap()[1..4], b"PNG");
        site_power_over_time("Power", &[], 10.0).svg().unwrap();
    }
}
