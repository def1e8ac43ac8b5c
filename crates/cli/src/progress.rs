//! Progress on standard error while a command simulates: a bar of replications for `run`, a
//! spinner with the elapsed time for `compare` and `region` (with the current iteration and
//! gap when the equilibrium reports them). Shown only when standard error is a terminal and
//! `--quiet` is not given, so that logs, pipes and tests see nothing; the experiment crate
//! only calls the [`Progress`] trait, and knows nothing of terminals.
//!
//! Every line fits the terminal's width: the label is the one element that stretches
//! (`{wide_msg}`), cut to the room the counts leave, so a long scenario name never wraps
//! the line (a wrapped line is redrawn one row lower each time). The time left is shown
//! only once a step has finished: before that there is nothing to estimate it from.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bordersim_experiment::Progress;
use indicatif::{HumanDuration, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::args::RunSettings;

/// A progress display, hidden or on standard error; cleared when dropped.
#[derive(Debug)]
pub struct Display {
    /// The bar (hidden ones count too, drawing nothing).
    bar: ProgressBar,
    /// Replications per step of the bar (1, or a calibration's replications per
    /// evaluation).
    per_step: u64,
    /// Replications done so far.
    done: AtomicU64,
}

/// Whether progress is drawn: standard error is a terminal and `--quiet` is not given.
fn visible(settings: &RunSettings) -> bool {
    !settings.quiet && std::io::stderr().is_terminal()
}

impl Display {
    /// A bar of `total` replications, labelled `what`.
    pub fn replications(settings: &RunSettings, total: u32, what: &str) -> Display {
        let bar = ProgressBar::with_draw_target(Some(total.into()), target(settings));
        bar.set_style(bar_style("replications"));
        bar.set_message(what.to_owned());
        Display::of(bar, 1)
    }

    /// A bar of `total` evaluations of a calibration's search, each of `replications`
    /// replications, labelled `what`.
    pub fn evaluations(
        settings: &RunSettings,
        total: u32,
        replications: u32,
        what: &str,
    ) -> Display {
        let bar = ProgressBar::with_draw_target(Some(total.into()), target(settings));
        bar.set_style(
            ProgressStyle::with_template(
                "{wide_msg} [{bar:16}] {pos}/{len} evaluations at most, {elapsed} elapsed",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(what.to_owned());
        Display::of(bar, replications.max(1).into())
    }

    fn of(bar: ProgressBar, per_step: u64) -> Display {
        Display {
            bar,
            per_step,
            done: AtomicU64::new(0),
        }
    }

    /// A bar of `total` work units of a sweep, labelled `what` (run, or read and merged).
    pub fn units(settings: &RunSettings, total: u64, what: &str) -> Display {
        let bar = ProgressBar::with_draw_target(Some(total), target(settings));
        bar.set_style(bar_style("units"));
        bar.set_message(what.to_owned());
        Display::of(bar, 1)
    }

    /// `n` more units done.
    pub fn units_done(&self, n: u64) {
        self.bar.inc(n);
    }

    /// A spinner with the elapsed time, labelled `what`.
    pub fn spinner(settings: &RunSettings, what: &str) -> Display {
        let bar = ProgressBar::with_draw_target(None, target(settings));
        bar.set_style(spinner_style());
        bar.set_message(what.to_owned());
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Display::of(bar, 1)
    }

    /// Replications finished so far.
    #[cfg(test)]
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    /// The current message.
    #[cfg(test)]
    pub fn message(&self) -> String {
        self.bar.message()
    }
}

/// The style of a bar of `steps` (`replications`, `units`): the label cut to fit the
/// terminal, a bar, the count, the time elapsed and, once a step has finished, the time
/// left.
fn bar_style(steps: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{wide_msg}} [{{bar:16}}] {{pos}}/{{len}} {steps}, {{elapsed}} elapsed{{left}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .with_key("left", time_left)
    .progress_chars("=> ")
}

/// `, about 3m left` once a step has finished and some remain; nothing before (no rate
/// to estimate it from: indicatif would say 0s) or after the last.
fn time_left(state: &ProgressState, w: &mut dyn std::fmt::Write) {
    let remaining = state.len().is_some_and(|len| state.pos() < len);
    if state.pos() > 0 && remaining {
        let _ = write!(w, ", about {:#} left", HumanDuration(state.eta()));
    }
}

/// The style of a spinner: the spinner, the label cut to fit the terminal, the time
/// elapsed.
pub fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {wide_msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// One side of a comparison of two regions on one spinner: its iterations are shown as
/// the side's (`… | reform: iteration 4/50, gap 0.4709`), as `bordersim region` shows
/// its own.
#[derive(Debug)]
pub struct Side<'a> {
    display: &'a Display,
    name: &'static str,
}

impl Display {
    /// The view of this display for side `name` of a comparison (`baseline`, `reform`).
    pub fn side(&self, name: &'static str) -> Side<'_> {
        Side {
            display: self,
            name,
        }
    }

    /// The label as first set, without any iteration appended.
    fn label(&self) -> String {
        let message = self.bar.message();
        message.split(" | ").next().unwrap_or_default().to_owned()
    }
}

impl Progress for Side<'_> {
    fn replication_done(&self, total: u32) {
        self.display.replication_done(total);
    }

    fn iteration_done(&self, iteration: u32, max: u32, gap: f64) {
        let label = self.display.label();
        self.display.bar.set_message(format!(
            "{label} | {}: iteration {iteration}/{max}, gap {gap:.4}",
            self.name
        ));
    }

    fn cancelled(&self) -> bool {
        self.display.cancelled()
    }
}

/// Standard error when progress is shown, else nowhere.
fn target(settings: &RunSettings) -> ProgressDrawTarget {
    if visible(settings) {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

impl Progress for Display {
    fn replication_done(&self, _total: u32) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if done.is_multiple_of(self.per_step) {
            self.bar.inc(1);
        }
    }

    fn iteration_done(&self, iteration: u32, max: u32, gap: f64) {
        let label = self.label();
        self.bar.set_message(format!(
            "{label} | iteration {iteration}/{max}, gap {gap:.4}"
        ));
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use clap::Parser;

    fn settings(extra: &[&str]) -> RunSettings {
        let mut argv = vec!["bordersim", "run", "s.toml"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Run(r)) => r.settings,
            other => panic!("unexpected parse: {other:?}"),
        }
    }

    #[test]
    fn quiet_hides_and_counting_goes_on() {
        let quiet = settings(&["--quiet"]);
        assert!(!visible(&quiet));
        let bar = Display::replications(&quiet, 3, "s");
        assert!(bar.bar.is_hidden());
        for _ in 0..3 {
            bar.replication_done(3);
        }
        assert_eq!(bar.position(), 3);
    }

    #[test]
    fn a_calibration_counts_evaluations() {
        let bar = Display::evaluations(&settings(&["-q"]), 7, 3, "fitting s");
        for _ in 0..8 {
            bar.replication_done(3);
        }
        // Two evaluations of three replications done, the third under way.
        assert_eq!(bar.position(), 2);
        assert_eq!(bar.bar.length(), Some(7));
    }

    #[test]
    fn a_sweep_counts_units_hidden_when_quiet() {
        let bar = Display::units(&settings(&["-q"]), 12, "sweep s");
        assert!(bar.bar.is_hidden());
        bar.units_done(5);
        bar.units_done(7);
        assert_eq!(bar.position(), 12);
        assert_eq!(bar.bar.length(), Some(12));
    }

    #[test]
    fn a_region_iteration_names_its_gap() {
        let bar = Display::spinner(&settings(&["-q"]), "region r");
        bar.iteration_done(2, 50, 0.123_45);
        assert_eq!(bar.message(), "region r | iteration 2/50, gap 0.1235");
        bar.iteration_done(3, 50, 0.05);
        assert_eq!(bar.message(), "region r | iteration 3/50, gap 0.0500");
    }

    /// A terminal `width` columns wide that keeps every line drawn on it.
    #[derive(Clone, Debug)]
    struct Screen {
        width: u16,
        lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    }

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            self.width
        }
        fn move_cursor_up(&self, _n: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _n: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _n: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _n: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.is_empty() {
                self.lines.lock().expect("lines").push(s.to_owned());
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The lines `display` draws on a terminal `width` wide, after `steps` (each the
    /// replications finished then).
    fn drawn(display: &Display, width: u16, steps: &[u32]) -> Vec<String> {
        let screen = Screen {
            width,
            lines: std::sync::Arc::default(),
        };
        display
            .bar
            .set_draw_target(ProgressDrawTarget::term_like(Box::new(screen.clone())));
        display.bar.force_draw();
        for &n in steps {
            for _ in 0..n {
                display.replication_done(6);
            }
            display.bar.force_draw();
        }
        screen.lines.lock().expect("lines").clone()
    }

    #[test]
    fn every_line_fits_the_terminal_and_no_time_left_is_guessed_before_a_step_ends() {
        let name = "Commercial truck crossing (Otay Mesa-like), both directions";
        for width in [72u16, 80, 120, 200] {
            let bar = Display::replications(&settings(&["-q"]), 6, name);
            let lines = drawn(&bar, width, &[1, 2, 3]);
            assert!(lines.len() >= 4, "{lines:?}");
            for line in &lines {
                let shown = console_width(line);
                assert!(shown <= usize::from(width), "{shown} > {width}: {line:?}");
            }
            // Nothing finished: no time left; some finished: an estimate; all: none.
            assert!(lines[0].contains("0/6 replications") && !lines[0].contains("left"));
            assert!(
                lines[1].contains("1/6") && lines[1].contains("left"),
                "{lines:?}"
            );
            assert!(
                lines
                    .last()
                    .is_some_and(|l| l.contains("6/6") && !l.contains("left"))
            );
            // A wide terminal shows the whole name.
            if width >= 120 {
                assert!(lines[0].contains(name), "{lines:?}");
            }
        }
        for display in [
            Display::units(&settings(&["-q"]), 6, name),
            Display::evaluations(&settings(&["-q"]), 6, 1, name),
            Display::spinner(&settings(&["-q"]), name),
        ] {
            for line in drawn(&display, 72, &[1]) {
                assert!(console_width(&line) <= 72, "{line:?}");
            }
        }
    }

    /// Columns `line` takes (ASCII and the bar's characters: one column each).
    fn console_width(line: &str) -> usize {
        line.chars().count()
    }

    #[test]
    fn a_region_comparison_names_each_sides_iterations() {
        let bar = Display::spinner(&settings(&["-q"]), "region: baseline and osbp");
        bar.side("baseline").iteration_done(4, 50, 0.470_9);
        assert_eq!(
            bar.message(),
            "region: baseline and osbp | baseline: iteration 4/50, gap 0.4709"
        );
        bar.side("reform").iteration_done(1, 50, 1.0);
        assert_eq!(
            bar.message(),
            "region: baseline and osbp | reform: iteration 1/50, gap 1.0000"
        );
    }
}
