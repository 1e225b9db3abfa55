//! Small self-contained SVG charts, written by hand (no plotting dependency): the paired
//! comparison of `compare-policies` (`paired.svg`).
//!
//! Coordinates are printed with one decimal, so a chart is byte-identical whenever its
//! data is.

use std::fmt::Write as _;

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

const WIDTH: f64 = 820.0;
const LABEL_RIGHT: f64 = 170.0;
const PLOT_LEFT: f64 = 180.0;
const PLOT_RIGHT: f64 = 680.0;
const ROW: f64 = 24.0;
const BAR: f64 = 14.0;
const GOOD: &str = "#2a9d8f";
const BAD: &str = "#e76f51";

/// A chart of `panels` stacked top to bottom under `title` and a one-line legend: per panel a zero line, grid
/// lines at half and full scale (symmetric, a 1-2-5 step covering every bar and whisker),
/// a horizontal bar per policy coloured by whether it is better or worse than the
/// baseline, its 95% CI as a whisker, and its value on the right.
pub fn paired_chart(title: &str, panels: &[Panel]) -> String {
    let panel_height = |p: &Panel| 30.0 + ROW * p.bars.len().max(1) as f64 + 36.0;
    let height = 52.0 + panels.iter().map(panel_height).sum::<f64>();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {WIDTH:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" fill=\"white\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"24\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        WIDTH / 2.0,
        escape(title)
    );
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"40\" text-anchor=\"middle\" fill=\"#555\">bar: mean paired difference, % of the baseline's mean; whisker: its 95% CI; <tspan fill=\"{GOOD}\">better</tspan> / <tspan fill=\"{BAD}\">worse</tspan> than the baseline</text>",
        WIDTH / 2.0
    );
    let mut y = 52.0;
    for p in panels {
        panel(&mut out, p, y);
        y += panel_height(p);
    }
    out.push_str("</svg>\n");
    out
}

/// Draws panel `p` with its top at `top`.
fn panel(out: &mut String, p: &Panel, top: f64) {
    let better = match p.better {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
    };
    let _ = writeln!(
        out,
        "<text x=\"{PLOT_LEFT:.1}\" y=\"{:.1}\" font-weight=\"bold\">{} <tspan font-weight=\"normal\" fill=\"#555\">difference vs baseline, % ({better})</tspan></text>",
        top + 16.0,
        escape(&p.title)
    );
    let rows_top = top + 26.0;
    let rows = p.bars.len().max(1) as f64;
    let rows_bottom = rows_top + ROW * rows;
    let reach = p
        .bars
        .iter()
        .filter_map(|b| b.pct.map(|v| v.abs() + b.ci_pct.unwrap_or(0.0)))
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let scale = nice_ceiling(reach);
    let x = |v: f64| PLOT_LEFT + (v + scale) / (2.0 * scale) * (PLOT_RIGHT - PLOT_LEFT);
    for tick in [-scale, -scale / 2.0, 0.0, scale / 2.0, scale] {
        let tx = x(tick);
        let (stroke, width) = if tick == 0.0 {
            ("#444", 1.5)
        } else {
            ("#ddd", 1.0)
        };
        let _ = writeln!(
            out,
            "<line x1=\"{tx:.1}\" y1=\"{rows_top:.1}\" x2=\"{tx:.1}\" y2=\"{rows_bottom:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>"
        );
        let _ = writeln!(
            out,
            "<text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}%</text>",
            rows_bottom + 14.0,
            tick_label(tick)
        );
    }
    if p.bars.iter().all(|b| b.pct.is_none()) {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">no data (not defined for this scenario)</text>",
            (PLOT_LEFT + PLOT_RIGHT) / 2.0,
            rows_top + ROW / 2.0 + 4.0
        );
    }
    for (i, b) in p.bars.iter().enumerate() {
        let mid = rows_top + ROW * i as f64 + ROW / 2.0;
        let _ = writeln!(
            out,
            "<text x=\"{LABEL_RIGHT:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            mid + 4.0,
            escape(&b.label)
        );
        let Some(pct) = b.pct.filter(|v| v.is_finite()) else {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#555\">n/a</text>",
                PLOT_RIGHT + 10.0,
                mid + 4.0
            );
            continue;
        };
        let good = match p.better {
            Better::Higher => pct >= 0.0,
            Better::Lower => pct <= 0.0,
        };
        let (x0, x1) = (x(0.0).min(x(pct)), x(0.0).max(x(pct)));
        let _ = writeln!(
            out,
            "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{BAR:.1}\" fill=\"{}\"><title>{}: {}</title></rect>",
            mid - BAR / 2.0,
            (x1 - x0).max(0.5),
            if good { GOOD } else { BAD },
            escape(&b.label),
            value_label(pct, b.ci_pct)
        );
        if let Some(ci) = b.ci_pct.filter(|c| c.is_finite()) {
            let (lo, hi) = (x(pct - ci), x(pct + ci));
            let _ = writeln!(
                out,
                "<path d=\"M{lo:.1} {:.1}V{:.1}M{lo:.1} {mid:.1}H{hi:.1}M{hi:.1} {:.1}V{:.1}\" stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>",
                mid - 5.0,
                mid + 5.0,
                mid - 5.0,
                mid + 5.0
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            PLOT_RIGHT + 10.0,
            mid + 4.0,
            value_label(pct, b.ci_pct)
        );
    }
}

/// `+1.23% ± 0.45` (or without the interval).
fn value_label(pct: f64, ci: Option<f64>) -> String {
    match ci.filter(|c| c.is_finite()) {
        Some(ci) => format!("{pct:+.2}% ± {ci:.2}"),
        None => format!("{pct:+.2}%"),
    }
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

/// A tick value without needless digits: `-10`, `2.5`, `0.05`.
fn tick_label(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Escapes text for SVG content and attribute values.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
        assert_eq!(tick_label(-2.5), "-2.5");
        assert_eq!(tick_label(10.0), "10");
        assert_eq!(tick_label(0.0), "0");
    }

    #[test]
    fn chart_has_a_bar_and_whisker_per_policy_and_escapes_names() {
        let svg = paired_chart(
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
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>\n"));
        assert!(svg.contains("vs &lt;first-fit&gt;"));
        assert!(svg.contains(">a&amp;b<"));
        assert_eq!(svg.matches("<rect").count(), 3, "background + 2 bars");
        assert_eq!(svg.matches("<path").count(), 1, "one whisker");
        assert!(svg.contains(GOOD) && svg.contains(BAD));
        assert!(svg.contains("+2.00% ± 0.50"));
        assert!(svg.contains("no data"));
    }
}
