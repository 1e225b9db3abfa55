//! Charts drawn with plotters, each as SVG text and PNG bytes, needing no system library.
//!
//! A chart function takes plain data (no file, no simulator type) and returns a
//! [`Figure`]: what to draw and its size. [`Figure::svg`] and [`Figure::png`] draw the same
//! picture on plotters' SVG and bitmap backends, so the two never disagree.
//!
//! ```text
//! line_with_ci / heatmap / site_power_over_time / utilisation_over_time / timeline /
//! paired_chart
//!        |  (data -> Figure, nothing drawn yet)
//!        v
//!     Figure --svg()--> String  (text names `sans-serif`; the viewer picks the face)
//!            --png()--> Vec<u8> (glyphs from the embedded DejaVu Sans subset)
//! ```
//!
//! Text in PNGs is rasterised with `ab_glyph` (`raster`) from a font compiled into the
//! binary (`fonts/DejaVuSans-subset.ttf`, see `fonts/README.md` for its licence), which
//! plotters also measures labels with, so no fontconfig, freetype or installed font is
//! involved. Both outputs are deterministic: the same data gives the same bytes. Charts
//! thin their data to what the pixels can show (power states per time slice, failure
//! ticks per slice of a lane), so a year-long run of 500,000 accelerators still draws in
//! a fraction of a second.

mod heatmap;
mod line_ci;
mod paired;
mod power;
mod raster;
mod timeline;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use heatmap::{HeatAxis, heatmap};
pub use line_ci::{CiPoint, Series, X, line_with_ci, points_with_ci};
pub use paired::{Bar, Better, Panel, paired_chart};
pub use power::{PowerPoint, SitePowerSeries, site_power_over_time, utilisation_over_time};
pub use timeline::{Span, timeline};

/// The face PNG labels are drawn with and every label is measured with (registered with
/// plotters as `sans-serif`).
static FONT: &[u8] = include_bytes!("fonts/DejaVuSans-subset.ttf");

/// Registers [`FONT`] with plotters once per process; plotters keeps fonts in a global table.
fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let ok = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok();
        debug_assert!(ok, "the embedded font parses");
    });
}

/// A chart ready to draw: its data and its size in pixels. Build one with a chart function
/// ([`line_with_ci`], [`heatmap()`], [`site_power_over_time`], [`utilisation_over_time`],
/// [`timeline()`], [`paired_chart`]), then call [`Figure::svg`] or [`Figure::png`].
#[derive(Clone, Debug)]
pub struct Figure {
    width: u32,
    height: u32,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    LineCi(line_ci::Spec),
    Heatmap(heatmap::Spec),
    Power(power::Spec),
    Timeline(timeline::Spec),
    Paired(paired::Spec),
}

/// The result of drawing on a backend whose error type is `E`.
type Drawn<E> = Result<(), DrawingAreaErrorKind<E>>;

impl Figure {
    /// Width and height in pixels (of the SVG's view box and of the PNG).
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The same chart with `lines` above the legend's entries, saying what they are (for
    /// a sweep: the names of the axes whose values name the lines). Only line charts
    /// ([`line_with_ci`], [`points_with_ci`]) with a legend have one; others are unchanged.
    #[must_use]
    pub fn with_legend_title(mut self, lines: &[&str]) -> Figure {
        if let Kind::LineCi(spec) = &mut self.kind {
            self.width += spec.set_legend_title(lines);
        }
        self
    }

    /// The chart as a standalone SVG document.
    pub fn svg(&self) -> anyhow::Result<String> {
        register_font();
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, self.size()).into_drawing_area();
            self.draw(&root)
                .and_then(|()| root.present())
                .map_err(|e| anyhow::anyhow!("drawing an SVG chart: {e}"))?;
        }
        Ok(text)
    }

    /// The chart as a PNG file (8-bit RGB).
    pub fn png(&self) -> anyhow::Result<Vec<u8>> {
        register_font();
        let (w, h) = self.size();
        let mut pixels = vec![0u8; w as usize * h as usize * 3];
        {
            let root = raster::Canvas::new(&mut pixels, (w, h)).into_drawing_area();
            self.draw(&root)
                .and_then(|()| root.present())
                .map_err(|e| anyhow::anyhow!("drawing a PNG chart: {e}"))?;
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
        Ok(out)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB::ErrorType> {
        root.fill(&WHITE)?;
        match &self.kind {
            Kind::LineCi(spec) => line_ci::draw(spec, root),
            Kind::Heatmap(spec) => heatmap::draw(spec, root),
            Kind::Power(spec) => power::draw(spec, root),
            Kind::Timeline(spec) => timeline::draw(spec, root),
            Kind::Paired(spec) => paired::draw(spec, root),
        }
    }
}

/// Line and marker colours, told apart by most colour-blind readers (Tableau 10).
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xac),
];

/// The `i`-th series colour (wraps after ten).
fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

/// A text style with an em of `px` pixels in `colour`. (plotters writes an SVG
/// `font-size` of its size / 1.24, and [`raster::Canvas`] draws PNG text the same.)
fn text(px: u32, colour: RGBColor) -> TextStyle<'static> {
    ("sans-serif", f64::from(px) * 1.24)
        .into_font()
        .color(&colour)
}

/// The chart title, left-aligned at the top; returns the area below it.
fn title_area<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.draw_text(title, &text(17, INK), (12, 10))?;
    Ok(root.split_vertically(36).1)
}

/// `(lo, hi)` widened by `pad` of its span on each side; a zero span becomes +-1 (or +-10 %).
fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - d, hi + d);
    }
    (lo - pad * span, hi + pad * span)
}

/// Approximate width in pixels of `s` at `size` px in DejaVu Sans (0.6 em per character),
/// for layout decisions made before anything is drawn.
fn text_width(s: &str, size: u32) -> u32 {
    (s.chars().count() as f64 * f64::from(size) * 0.6).ceil() as u32
}

/// `s` cut to `max` characters with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_handles_flat_and_bad_ranges() {
        assert_eq!(padded(0.0, 10.0, 0.1), (-1.0, 11.0));
        assert_eq!(padded(5.0, 5.0, 0.1), (4.5, 5.5));
        assert_eq!(padded(0.0, 0.0, 0.1), (-1.0, 1.0));
        assert_eq!(padded(f64::NAN, 1.0, 0.1), (0.0, 1.0));
    }

    #[test]
    fn long_labels_are_clipped() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
