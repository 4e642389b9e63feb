//! A progress display on stderr, shared by every command that can run for more than a second.
//! It appears only on a terminal, only once the work has outlasted a second (so quick commands
//! and pipes never see it), and never with `--no-progress`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    enabled: bool,
    shown: AtomicBool,
}

impl Progress {
    /// A bar over `total` units of work, counted in `unit` ("runs", "evaluations").
    pub fn new(total: u64, wanted: bool, unit: &str) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{msg}} {{wide_bar}} {{percent:>3}}%  {{human_pos}}/{{human_len}} {unit}  eta {{eta}}"
            ))
            .expect("valid template"),
        );
        Progress {
            bar,
            start: Instant::now(),
            enabled: wanted && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
        }
    }

    pub fn advance(&self, units: u64) {
        self.bar.inc(units);
        self.show_if_slow();
    }

    /// What the work is doing now, shown after the bar ("point 3 of 8").
    pub fn say(&self, message: String) {
        self.bar.set_message(message);
        self.show_if_slow();
    }

    /// Work that cannot be counted (a Sobol study): a spinner with its name, shown at once,
    /// since nothing will call back to show it later.
    pub fn stage(&self, name: &str) {
        self.bar.set_style(
            ProgressStyle::with_template(&format!("{{spinner}} {name}  {{elapsed}}"))
                .expect("valid template"),
        );
        if self.enabled {
            self.bar.enable_steady_tick(Duration::from_millis(100));
            if !self.shown.swap(true, Ordering::Relaxed) {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    /// Whether the display has appeared (the work so far outlasted a second).
    pub fn shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn show_if_slow(&self) {
        if self.enabled
            && self.start.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}
