//! The pieces of `report.html`: a page of sections with tables, figure cards and inline
//! SVG charts, styled by one inline `<style>`; nothing is fetched from anywhere.

use std::fmt::Write as _;

use crate::numbers::pretty;

/// `s` safe inside HTML text and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Several blocks of HTML side by side, wrapping when the page is narrow.
pub fn row(blocks: &[String]) -> String {
    let mut out = String::from("<div class=\"row\">\n");
    for b in blocks.iter().filter(|b| !b.is_empty()) {
        let _ = writeln!(out, "<div>{b}</div>");
    }
    out.push_str("</div>\n");
    out
}

/// A CSV field for a table: a number made [`pretty`], anything else as written.
pub fn pretty_field(field: &str) -> String {
    super::csv::num(field).map_or_else(|| field.to_owned(), pretty)
}

/// A table cell: text (left-aligned) or a number already formatted (right-aligned).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Left-aligned text.
    Text(String),
    /// Right-aligned, tabular figures.
    Num(String),
}

/// A table; a column is right-aligned when its header is marked `Cell::Num`. Wide tables
/// scroll sideways inside their box instead of widening the page.
pub fn table(headers: &[Cell], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("<div class=\"scroll\"><table>\n<thead><tr>");
    for h in headers {
        match h {
            Cell::Text(t) => {
                let _ = write!(out, "<th>{}</th>", esc(t));
            }
            Cell::Num(t) => {
                let _ = write!(out, "<th class=\"n\">{}</th>", esc(t));
            }
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            match cell {
                Cell::Text(t) => {
                    let _ = write!(out, "<td>{}</td>", esc(t));
                }
                Cell::Num(t) => {
                    let _ = write!(out, "<td class=\"n\">{}</td>", esc(t));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// Headline figures as a row of cards: `(label, value)`.
pub fn cards(items: &[(String, String)]) -> String {
    let mut out = String::from("<div class=\"cards\">\n");
    for (label, value) in items {
        let _ = writeln!(
            out,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"l\">{}</div></div>",
            esc(value),
            esc(label)
        );
    }
    out.push_str("</div>\n");
    out
}

/// An SVG chart inline with a caption. The SVG namespace attribute is dropped (HTML puts
/// `<svg>` in it anyway), so the page holds no URL at all.
pub fn figure(svg: &str, caption: &str) -> String {
    let svg = svg
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replace("\n</svg>", "</svg>");
    let svg = svg.trim_end();
    format!(
        "<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
        esc(caption)
    )
}

/// A paragraph of plain text.
pub fn para(text: &str) -> String {
    format!("<p>{}</p>\n", esc(text))
}

/// A note in muted type.
pub fn note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", esc(text))
}

/// `inner` (HTML) folded under a `summary` line.
pub fn details(summary: &str, inner: &str) -> String {
    format!(
        "<details><summary>{}</summary>\n{inner}</details>\n",
        esc(summary)
    )
}

/// Preformatted text (a sweep definition).
pub fn pre(text: &str) -> String {
    format!("<pre>{}</pre>\n", esc(text))
}

/// One `report.html`: a header, a table of contents and sections in order.
#[derive(Debug, Default)]
pub struct Page {
    kind: String,
    title: String,
    meta: Vec<String>,
    sections: Vec<(String, String, String)>,
}

impl Page {
    /// A page about `title`, labelled `kind` ("Sweep", "Run", "Policy comparison").
    pub fn new(kind: &str, title: &str) -> Page {
        Page {
            kind: kind.to_owned(),
            title: title.to_owned(),
            ..Page::default()
        }
    }

    /// Adds a line of plain text under the title.
    pub fn meta(&mut self, line: String) {
        self.meta.push(line);
    }

    /// Adds a section `heading` (anchor `id`) holding `html`; an empty `html` adds nothing.
    pub fn section(&mut self, id: &str, heading: &str, html: String) {
        if !html.is_empty() {
            self.sections
                .push((id.to_owned(), heading.to_owned(), html));
        }
    }

    /// The whole document, ending with `footer` (plain text).
    pub fn render(&self, footer: &str) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{} - {} - fabricsim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
            esc(&self.kind),
            esc(&self.title),
        );
        let _ = writeln!(
            out,
            "<header>\n<div class=\"kind\">fabricsim report &middot; {}</div>\n<h1>{}</h1>",
            esc(&self.kind),
            esc(&self.title)
        );
        for line in &self.meta {
            let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(line));
        }
        if self.sections.len() > 1 {
            out.push_str("<nav>");
            for (i, (id, heading, _)) in self.sections.iter().enumerate() {
                if i > 0 {
                    out.push_str(" &middot; ");
                }
                let _ = write!(out, "<a href=\"#{}\">{}</a>", esc(id), esc(heading));
            }
            out.push_str("</nav>\n");
        }
        out.push_str("</header>\n");
        for (id, heading, html) in &self.sections {
            let _ = write!(
                out,
                "<section id=\"{}\">\n<h2>{}</h2>\n{html}</section>\n",
                esc(id),
                esc(heading)
            );
        }
        let _ = write!(
            out,
            "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
            esc(footer)
        );
        out
    }
}

/// The page's only styling: system fonts, a centred column, quiet tables.
const STYLE: &str = "
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef1f4; color: #1f2328;
  font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 36px 40px; background: #fff;
  min-height: 100vh; box-shadow: 0 0 0 1px #dde2e7; }
header { border-bottom: 3px solid #4e79a7; padding-bottom: 14px; }
.kind { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: #4e79a7; font-weight: 600; }
h1 { font-size: 28px; line-height: 1.2; margin: 4px 0 8px; }
.meta { margin: 2px 0; color: #57606a; }
nav { margin-top: 12px; font-size: 14px; }
nav a { color: #0969da; text-decoration: none; }
nav a:hover { text-decoration: underline; }
h2 { font-size: 20px; margin: 34px 0 12px; padding-bottom: 6px; border-bottom: 1px solid #d8dee4; }
p { margin: 8px 0; }
.note { color: #57606a; font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 14px 0 6px; }
.card { border: 1px solid #d8dee4; border-radius: 8px; padding: 10px 12px; background: #fafbfc; }
.card .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .l { font-size: 12px; color: #57606a; }
.scroll { overflow-x: auto; max-width: 100%; margin: 10px 0 16px; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid #eaeef2; text-align: left; white-space: nowrap; }
th { background: #f3f5f7; font-weight: 600; border-bottom: 1px solid #d0d7de;
  white-space: normal; vertical-align: bottom; min-width: 4em; }
.n { text-align: right; }
tbody tr:nth-child(even) { background: #fafbfc; }
tbody tr:hover { background: #f0f4f9; }
.row { display: flex; flex-wrap: wrap; gap: 0 28px; align-items: flex-start; }
figure { margin: 16px 0 26px; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #eaeef2; border-radius: 6px; }
figcaption { font-size: 13px; color: #57606a; margin-top: 6px; }
details { margin: 10px 0 16px; }
summary { cursor: pointer; color: #0969da; font-size: 14px; }
pre { background: #f6f8fa; border: 1px solid #eaeef2; border-radius: 6px; padding: 12px 14px;
  overflow-x: auto; font-size: 12.5px; line-height: 1.45; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid #d8dee4; font-size: 12px; color: #57606a; }
@media print { body { background: #fff; } main { box-shadow: none; padding: 0; }
  figure, table { break-inside: avoid; } }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
    }

    #[test]
    fn fields_are_pretty_when_they_are_numbers() {
        assert_eq!(pretty_field("first-fit"), "first-fit");
        assert_eq!(pretty_field("42"), "42");
    }

    #[test]
    fn figures_lose_the_namespace_url() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n";
        let html = figure(svg, "a <caption>");
        assert!(!html.contains("http"), "{html}");
        assert!(html.contains("&lt;caption&gt;"));
    }

    #[test]
    fn a_page_has_a_header_sections_and_no_urls() {
        let mut page = Page::new("Run", "demo <1>");
        page.meta("seed 1".into());
        page.section("a", "First", para("x"));
        page.section("b", "Second", para("y"));
        page.section("c", "Empty", String::new());
        let html = page.render("made by test");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<h1>demo &lt;1&gt;</h1>"));
        assert!(html.contains("<a href=\"#b\">Second</a>") && !html.contains("Empty"));
        assert!(!html.contains("http"));
    }
}
