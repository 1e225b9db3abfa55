//! `fabricsim report DIR` and the charts of `run --out`, driven through the real binary:
//! both kinds of folder, self-containment, determinism, PNG files, and a look at the page
//! in a real headless browser (Debian's `chromium`) when one is installed.
//!
//! Inputs are in `tests/fixtures/report/` (see its README): a hand-made sweep folder and
//! the files `fabricsim run` wrote for `scenario.toml`. Each test works on a copy in a
//! temporary folder, so no report is ever written into the fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{fabricsim, fabricsim_ok, repo_path, temp_dir};

/// A fresh copy of `tests/fixtures/report/<name>` (or of any repository folder given with
/// a `/`) in a temporary folder tagged `tag`.
fn copy_of(name: &str, tag: &str) -> PathBuf {
    let from = if name.contains('/') {
        repo_path(name)
    } else {
        repo_path("sim-cli/tests/fixtures/report").join(name)
    };
    let to = temp_dir(tag);
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    to
}

/// Runs `fabricsim report dir`, checks it succeeded, and returns `dir/report.html`.
fn report(dir: &Path) -> String {
    let out = fabricsim(&["report", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "fabricsim report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("report.html"), "{stdout}");
    std::fs::read_to_string(dir.join("report.html")).unwrap()
}

/// Nothing in `html` is fetched from elsewhere: no URL, script, stylesheet link, font
/// face or image source.
fn assert_self_contained(html: &str) {
    for needle in [
        "http",
        "//www.",
        "<script",
        "<link",
        "@import",
        "@font-face",
        "url(",
        "src=",
    ] {
        assert!(
            !html.contains(needle),
            "report.html holds {needle:?}, so it is not self-contained"
        );
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
}

/// `(width, height)` of a PNG file, after checking its signature and header chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 33,
        "a PNG is longer than {} bytes",
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "the first chunk is IHDR");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

/// The `width` and `height` attributes of an SVG's root element.
fn svg_size(svg: &str) -> (u32, u32) {
    let root = &svg[..svg.find('>').unwrap()];
    let attr = |name: &str| -> u32 {
        let at = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        root[at..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn a_sweep_folder_gets_charts_and_tables() {
    let dir = copy_of("sweep", "report-sweep");
    let html = report(&dir);
    assert_self_contained(&html);
    for expected in [
        "<h1>cap-by-policy</h1>",
        "9 points × 2 to 3 seeds = 27 runs (26 ok)",
        "Results per point",
        "Goodput (EFLOP) by cap_fraction",
        "ETTR: mean per point",
        "5.371M ± 0.064M",
        "27 runs: 26 ok, 1 failed.",
        "base scenario: experiments/power-cap/baseline.toml",
        "[axes]",
        "from aggregate.csv, runs.csv, sweep.toml",
    ] {
        assert!(
            html.contains(expected),
            "{expected:?} missing in report.html"
        );
    }
    // A line chart and a heatmap per charted figure (six vary; `events` is never charted).
    assert_eq!(
        html.matches("<svg ").count(),
        12,
        "charts in the sweep report"
    );
    assert!(html.contains("<table>") && html.contains("first-fit"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_run_folder_gets_power_timeline_and_tables() {
    let dir = copy_of("run", "report-run");
    let html = report(&dir);
    assert_self_contained(&html);
    for expected in [
        "<h1>report-fixture</h1>",
        "seed 11",
        "Facility power per site (MW)",
        "Utilisation per site: accelerators busy and power cap drawn (%)",
        "Failures, outages and interruptions over time",
        "region:aws/us-east-1",
        "job train-70b",
        "failures per site",
        "TTFT p99 ms",
        "placement:first-fit",
        "All 29 figures of summary.csv",
    ] {
        assert!(
            html.contains(expected),
            "{expected:?} missing in report.html"
        );
    }
    assert_eq!(
        html.matches("<svg ").count(),
        3,
        "power, share of cap, timeline"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_compare_policies_folder_gets_a_report() {
    let dir = copy_of("experiments/placement-policies/results", "report-compare");
    let html = report(&dir);
    assert_self_contained(&html);
    for expected in [
        "Policy comparison",
        "9 points × 20 seeds = 180 runs (180 ok), over policy",
        "Goodput (EFLOP) by policy",
        "Paired differences",
        "heterogeneity-aware",
    ] {
        assert!(
            html.contains(expected),
            "{expected:?} missing in report.html"
        );
    }
    std::fs::remove_dir_all(dir).ok();
}

/// The folder a real `fabricsim sweep` writes (the sweep tests' fixture sweep: two axes
/// and a zipped pair, so lines per combination and no heatmap) gets a report.
#[test]
fn a_real_sweep_output_gets_a_report() {
    let dir = temp_dir("report-real-sweep");
    let sweep = repo_path("sim-cli/tests/fixtures/sweep/sweep.toml");
    fabricsim_ok(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    let stamp = std::fs::read_to_string(dir.join("sweep.toml")).unwrap();
    let name = stamp
        .lines()
        .find_map(|l| l.strip_prefix("# fabricsim-name = "))
        .unwrap()
        .trim_matches('"')
        .to_owned();
    let html = report(&dir);
    assert_self_contained(&html);
    assert!(html.contains(&format!("<h1>{name}</h1>")), "{name}");
    assert!(html.contains("fabricsim report &middot; Sweep"));
    assert!(html.contains("<svg ") && html.contains("Results per point"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn reports_are_byte_identical_on_rerun_and_in_another_folder() {
    for fixture in ["sweep", "run"] {
        let a = copy_of(fixture, &format!("report-det-a-{fixture}"));
        let b = copy_of(fixture, &format!("report-det-b-{fixture}"));
        let first = report(&a);
        assert_eq!(first, report(&a), "{fixture}: a rerun changed report.html");
        assert_eq!(
            first,
            report(&b),
            "{fixture}: the folder's name or path leaked into report.html"
        );
        std::fs::remove_dir_all(a).ok();
        std::fs::remove_dir_all(b).ok();
    }
}

#[test]
fn a_folder_without_results_is_an_error_that_says_what_is_expected() {
    let dir = temp_dir("report-empty");
    std::fs::create_dir_all(&dir).unwrap();
    let out = fabricsim(&["report", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("aggregate.csv") && err.contains("summary.csv"),
        "{err}"
    );
    assert!(!dir.join("report.html").exists());
    let missing = dir.join("no-such-folder");
    let out = fabricsim(&["report", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn run_out_writes_power_and_timeline_charts_as_svg_and_png() {
    let dir = temp_dir("report-run-out");
    let scenario = repo_path("sim-cli/tests/fixtures/report/scenario.toml");
    let out = fabricsim_ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("power.svg, power.png, timeline.svg, timeline.png"),
        "{stdout}"
    );
    for chart in ["power", "timeline"] {
        let svg = std::fs::read_to_string(dir.join(format!("{chart}.svg"))).unwrap();
        assert!(svg.starts_with("<svg "), "{chart}.svg");
        let png = std::fs::read(dir.join(format!("{chart}.png"))).unwrap();
        assert_eq!(png_size(&png), svg_size(&svg), "{chart}: PNG and SVG sizes");
        // The PNG decodes, and is a picture rather than a blank canvas.
        let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut pixels).unwrap();
        let inked = pixels.chunks(3).filter(|p| p != &[255, 255, 255]).count();
        assert!(
            inked * 20 > pixels.len() / 3,
            "{chart}.png is nearly blank ({inked} non-white pixels)"
        );
    }
    let html = report(&dir);
    assert_self_contained(&html);
    std::fs::remove_dir_all(dir).ok();
}

/// `chromium` or `chromium-browser` on PATH.
fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// Opens each report in a real headless browser and checks the screenshot shows a page:
/// a real PNG of the window's size with enough ink and colours to be text and charts.
/// Skipped (passing) when no chromium is installed; on Debian: `apt-get install chromium`.
#[test]
fn reports_render_in_headless_chromium() {
    let Some(chromium) = find_chromium() else {
        println!("skipped: chromium not installed");
        return;
    };
    for fixture in ["sweep", "run"] {
        let dir = copy_of(fixture, &format!("report-browser-{fixture}"));
        report(&dir);
        let page = std::fs::canonicalize(dir.join("report.html")).unwrap();
        let shot = dir.join("screenshot.png");
        let profile = dir.join("chromium-profile");
        let mut child = Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                &format!("--user-data-dir={}", profile.display()),
                &format!("--screenshot={}", shot.display()),
                "--window-size=1280,2000",
                &format!("file://{}", page.display()),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let start = Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if start.elapsed() > Duration::from_secs(120) {
                child.kill().ok();
                panic!("chromium took over two minutes to screenshot {fixture}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let bytes = std::fs::read(&shot)
            .unwrap_or_else(|e| panic!("no screenshot of the {fixture} report: {e}"));
        assert!(
            bytes.len() > 20_000,
            "{fixture}: screenshot of {} bytes",
            bytes.len()
        );
        let mut reader = png::Decoder::new(std::io::Cursor::new(&bytes))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((frame.width, frame.height), (1280, 2000));
        let channels = frame.color_type.samples();
        let mut colours = std::collections::BTreeSet::new();
        let mut counts = std::collections::BTreeMap::<[u8; 3], usize>::new();
        for p in pixels[..frame.buffer_size()].chunks(channels) {
            let rgb = [p[0], p[1], p[2]];
            colours.insert(rgb);
            *counts.entry(rgb).or_default() += 1;
        }
        let commonest = counts.values().max().copied().unwrap_or(0);
        let total = (frame.width * frame.height) as usize;
        assert!(
            colours.len() > 200,
            "{fixture}: only {} colours in the screenshot",
            colours.len()
        );
        assert!(
            commonest * 100 < total * 90,
            "{fixture}: one colour covers {}% of the screenshot",
            commonest * 100 / total
        );
        println!("{fixture} report screenshot: {}", shot.display());
        std::fs::remove_dir_all(profile).ok();
    }
}
