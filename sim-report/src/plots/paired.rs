//! The paired comparison of `compare-policies` (`paired.svg`): per figure a panel with a
//! horizontal bar per policy, its mean paired difference from the baseline in % of the
//! baseline's mean, and the 95% CI as a whisker.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Drawn, Figure, INK, Kind, MUTED, clip, text};
use crate::numbers;

/// Which direction of a figure is good (colours the bars).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// More is better (goodput).
    Higher,
    /// Less is better (latency, cost, carbon).
    Lower,
}

/// One bar: a policy's mean paired difference from the baseline, percent of the
/// baseline's mean, with the 95% CI half-width in the same unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The policy.
    pub label: String,
    /// Mean paired difference, % of the baseline (`None`: not defined, e.g. no requests).
    pub pct: Option<f64>,
    /// 95% CI half-width of `pct` (`None`: fewer than two pairs).
    pub ci_pct: Option<f64>,
}

/// One panel: a figure, and a bar per policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// The figure's name, e.g. `goodput_eflop`.
    pub title: String,
    /// Which way is good.
    pub better: Better,
    /// One per policy compared, top to bottom.
    pub bars: Vec<Bar>,
}

#[derive(Clone, Debug)]
pub(super) struct Spec {
    title: String,
    panels: Vec<Panel>,
}

const WIDTH: u32 = 820;
/// The legend line under the title.
const LEGEND: u32 = 24;
const LABEL_RIGHT: i32 = 170;
const PLOT_LEFT: i32 = 180;
const PLOT_RIGHT: i32 = 680;
const ROW: i32 = 24;
const BAR: i32 = 14;
/// Policy labels longer than this are cut with an ellipsis.
const MAX_LABEL: usize = 22;
const GOOD: RGBColor = RGBColor(0x2a, 0x9d, 0x8f);
const BAD: RGBColor = RGBColor(0xe7, 0x6f, 0x51);
const ZERO: RGBColor = RGBColor(0x44, 0x44, 0x44);
const TICK: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// Height of panel `p`: its title line, a row per bar and the tick labels.
fn panel_height(p: &Panel) -> i32 {
    30 + ROW * p.bars.len().max(1) as i32 + 36
}

/// A chart of `panels` stacked top to bottom under `title` and a one-line legend: per
/// panel a zero line, grid lines at half and full scale (symmetric, a 1-2-5 step covering
/// every bar and whisker), a horizontal bar per policy coloured by whether it is better or
/// worse than the baseline, its 95% CI as a whisker, and its value on the right.
pub fn paired_chart(title: &str, panels: &[Panel]) -> Figure {
    let height = 36 + LEGEND as i32 + panels.iter().map(panel_height).sum::<i32>();
    Figure {
        width: WIDTH,
        height: u32::try_from(height).unwrap_or(0),
        kind: Kind::Paired(Spec {
            title: title.to_owned(),
            panels: panels.to_vec(),
        }),
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    spec: &Spec,
    root: &DrawingArea<DB, Shift>,
) -> Drawn<DB::ErrorType> {
    let body = super::title_area(root, &spec.title)?;
    legend(&body)?;
    let mut top = LEGEND as i32;
    for p in &spec.panels {
        panel(&body, p, top)?;
        top += panel_height(p);
    }
    Ok(())
}

/// `bar: ...; whisker: ...;` then a swatch each for better and worse.
fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Drawn<DB::ErrorType> {
    let style = text(12, MUTED).pos(Pos::new(HPos::Left, VPos::Center));
    let y = 4;
    let mut x = 12;
    let write = |area: &DrawingArea<DB, Shift>, s: &str, x: &mut i32| -> Drawn<DB::ErrorType> {
        area.draw_text(s, &style, (*x, y))?;
        *x += area.estimate_text_size(s, &style)?.0 as i32;
        Ok(())
    };
    write(
        area,
        "bar: mean paired difference, % of the baseline's mean; whisker: its 95% CI;",
        &mut x,
    )?;
    for (colour, what) in [(GOOD, "better"), (BAD, "worse than the baseline")] {
        x += 10;
        area.draw(&Rectangle::new(
            [(x, y - 5), (x + 10, y + 5)],
            colour.filled(),
        ))?;
        x += 14;
        write(area, what, &mut x)?;
    }
    Ok(())
}

/// Draws panel `p` with its top at `top`.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Panel,
    top: i32,
) -> Drawn<DB::ErrorType> {
    let better = match p.better {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
    };
    let name_style = text(13, INK).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw_text(&p.title, &name_style, (PLOT_LEFT, top + 12))?;
    let name_w = area.estimate_text_size(&p.title, &name_style)?.0 as i32;
    area.draw_text(
        &format!("difference vs baseline, % ({better})"),
        &text(12, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
        (PLOT_LEFT + name_w + 6, top + 12),
    )?;

    let rows_top = top + 26;
    let rows_bottom = rows_top + ROW * p.bars.len().max(1) as i32;
    let reach = p
        .bars
        .iter()
        .filter_map(|b| b.pct.map(|v| v.abs() + b.ci_pct.unwrap_or(0.0)))
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let scale = nice_ceiling(reach);
    let x = |v: f64| {
        let at =
            f64::from(PLOT_LEFT) + (v + scale) / (2.0 * scale) * f64::from(PLOT_RIGHT - PLOT_LEFT);
        at.round() as i32
    };
    let tick_style = text(12, MUTED).pos(Pos::new(HPos::Center, VPos::Top));
    for tick in [-scale, -scale / 2.0, 0.0, scale / 2.0, scale] {
        let tx = x(tick);
        let line = if tick == 0.0 {
            ZERO.stroke_width(2)
        } else {
            TICK.stroke_width(1)
        };
        area.draw(&PathElement::new([(tx, rows_top), (tx, rows_bottom)], line))?;
        area.draw_text(
            &format!("{}%", numbers::tick(tick)),
            &tick_style,
            (tx, rows_bottom + 6),
        )?;
    }
    if p.bars.iter().all(|b| b.pct.is_none()) {
        area.draw_text(
            "no data (not defined for this scenario)",
            &text(12, MUTED).pos(Pos::new(HPos::Center, VPos::Center)),
            ((PLOT_LEFT + PLOT_RIGHT) / 2, rows_top + ROW / 2),
        )?;
    }
    let value_style = text(12, INK).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, b) in p.bars.iter().enumerate() {
        let mid = rows_top + ROW * i as i32 + ROW / 2;
        area.draw_text(
            &clip(&b.label, MAX_LABEL),
            &text(12, INK).pos(Pos::new(HPos::Right, VPos::Center)),
            (LABEL_RIGHT, mid),
        )?;
        let Some(pct) = b.pct.filter(|v| v.is_finite()) else {
            area.draw_text(
                "n/a",
                &text(12, MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
                (PLOT_RIGHT + 10, mid),
            )?;
            continue;
        };
        let good = match p.better {
            Better::Higher => pct >= 0.0,
            Better::Lower => pct <= 0.0,
        };
        let fill = if good { GOOD } else { BAD };
        // At least a pixel wide, so a tiny difference still shows its colour.
        let (x0, x1) = (x(0.0).min(x(pct)), x(0.0).max(x(pct)));
        let x1 = x1.max(x0 + 1);
        area.draw(&Rectangle::new(
            [(x0, mid - BAR / 2), (x1, mid + BAR / 2)],
            fill.filled(),
        ))?;
        if let Some(ci) = b.ci_pct.filter(|c| c.is_finite()) {
            let (lo, hi) = (x(pct - ci), x(pct + ci));
            // One line: the left cap, across, the right cap.
            area.draw(&PathElement::new(
                [
                    (lo, mid - 5),
                    (lo, mid + 5),
                    (lo, mid),
                    (hi, mid),
                    (hi, mid - 5),
                    (hi, mid + 5),
                ],
                INK.stroke_width(1),
            ))?;
        }
        area.draw_text(
            &numbers::signed_pct_ci(pct, b.ci_pct),
            &value_style,
            (PLOT_RIGHT + 10, mid),
        )?;
    }
    Ok(())
}

/// The smallest 1, 2 or 5 times a power of ten at or above `x` (1 for 0 or less).
fn nice_ceiling(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let mut step = 10f64.powi(x.log10().floor() as i32);
    loop {
        for m in [1.0, 2.0, 5.0] {
            if m * step >= x * (1.0 - 1e-12) {
                return m * step;
            }
        }
        step *= 10.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_is_a_1_2_5_step_covering_the_data() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(0.7), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(1.3), 2.0);
        assert_eq!(nice_ceiling(3.1), 5.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(0.013), 0.02);
        assert_eq!(numbers::tick(-2.5), "-2.5");
        assert_eq!(numbers::tick(10.0), "10");
        assert_eq!(numbers::tick(0.0), "0");
    }

    #[test]
    fn chart_has_a_bar_and_whisker_per_policy_and_escapes_names() {
        let figure = paired_chart(
            "vs <first-fit>",
            &[
                Panel {
                    title: "goodput_eflop".into(),
                    better: Better::Higher,
                    bars: vec![
                        Bar {
                            label: "a&b".into(),
                            pct: Some(2.0),
                            ci_pct: Some(0.5),
                        },
                        Bar {
                            label: "c".into(),
                            pct: Some(-1.0),
                            ci_pct: None,
                        },
                    ],
                },
                Panel {
                    title: "ttft_p99_ms".into(),
                    better: Better::Lower,
                    bars: vec![Bar {
                        label: "c".into(),
                        pct: None,
                        ci_pct: None,
                    }],
                },
            ],
        );
        assert_eq!(
            figure.size(),
            (820, 36 + 24 + (30 + 48 + 36) + (30 + 24 + 36))
        );
        let svg = figure.svg().unwrap();
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains(" xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("vs &lt;first-fit&gt;"));
        assert!(svg.contains("\na&amp;b\n"));
        assert!(svg.contains("\ngoodput_eflop\n") && svg.contains("\nttft_p99_ms\n"));
        assert_eq!(
            svg.matches("<rect").count(),
            5,
            "background + 2 legend swatches + 2 bars"
        );
        assert_eq!(
            svg.matches("<polyline").count(),
            1 + 10,
            "one whisker, 10 ticks"
        );
        assert!(svg.contains("#2A9D8F") || svg.contains("#2a9d8f"));
        assert!(svg.contains("#E76F51") || svg.contains("#e76f51"));
        assert!(svg.contains("+2.00% ± 0.50"));
        assert!(svg.contains("\nn/a\n") && svg.contains("no data"));
        assert_eq!(&figure.png().unwrap()[1..4], b"PNG");
    }
}
