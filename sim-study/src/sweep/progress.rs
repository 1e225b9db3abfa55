//! Progress on stderr: a bar (runs done and failed, elapsed, ETA) when stderr is a
//! terminal, else a plain line every [`PLAIN_EVERY`] and at the end, for logs.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sim_report::numbers;

/// How often the plain (non-terminal) progress line is printed.
pub const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// Progress of the runs of this invocation.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    failed: u64,
    start: Instant,
    last_line: Instant,
}

impl Progress {
    /// Progress over `total` runs to do now.
    pub fn new(total: usize) -> Self {
        let total = total as u64;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} runs, {msg} ETA {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message("0 failed,");
            bar
        });
        let now = Instant::now();
        Self {
            bar,
            total,
            done: 0,
            failed: 0,
            start: now,
            last_line: now,
        }
    }

    /// One more run finished (`failed`: with an error).
    pub fn finished(&mut self, failed: bool) {
        self.done += 1;
        self.failed += u64::from(failed);
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
            bar.set_message(format!("{} failed,", self.failed));
        }
        self.tick();
    }

    /// Prints the plain line when it is due.
    pub fn tick(&mut self) {
        if self.bar.is_none() && self.last_line.elapsed() >= PLAIN_EVERY {
            self.last_line = Instant::now();
            super::note(&self.line());
        }
    }

    /// Prints a message above the bar (or as a line).
    pub fn println(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => super::note(text),
        }
    }

    /// Removes the bar and prints the last progress line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.total > 0 {
            super::note(&self.line());
        }
    }

    /// `sweep: 40/120 runs, 1 failed, 12 s elapsed, ETA 24 s`.
    fn line(&self) -> String {
        let elapsed = self.start.elapsed().as_secs_f64();
        let eta = if self.done == 0 || self.done >= self.total {
            String::new()
        } else {
            let left = elapsed / self.done as f64 * (self.total - self.done) as f64;
            format!(", ETA {}", numbers::elapsed(left))
        };
        format!(
            "sweep: {}/{} runs, {} failed, {} elapsed{eta}",
            self.done,
            self.total,
            self.failed,
            numbers::elapsed(elapsed)
        )
    }
}
