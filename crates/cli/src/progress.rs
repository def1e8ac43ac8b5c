//! Progress on standard error while a command simulates: a bar of replications for `run`, a
//! spinner with the elapsed time for `compare` and `region` (with the current iteration and
//! gap when the equilibrium reports them). Shown only when standard error is a terminal and
//! `--quiet` is not given, so that logs, pipes and tests see nothing; the experiment crate
//! only calls the [`Progress`] trait, and knows nothing of terminals.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bordersim_experiment::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} replications, {elapsed} elapsed, about {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
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
                "{msg} [{bar:30}] {pos}/{len} evaluations at most, {elapsed} elapsed",
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
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} units, {elapsed} elapsed, about {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
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
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
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
        let base = self.bar.message();
        let base = base.split(" | ").next().unwrap_or_default().to_owned();
        self.bar.set_message(format!(
            "{base} | iteration {iteration}/{max}, gap {gap:.4}"
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
}
