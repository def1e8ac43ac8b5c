//! `bordersim calibrate SCENARIO --observed OBS.csv [--fit FIT.toml]`: the scenario against
//! observed hourly waits and volumes (per group and hour, with fit measures), and, with a
//! fit file, its free parameters fitted to them (`docs/calibration.md`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, anyhow};
use bordersim_calibrate::{Calibration, FitReport, Measures, Observations};

use crate::args::{Format, RunSettings};
use crate::failure::{Failure, warn};
use crate::output::{self, check_output, check_output_path, write_atomically};
use crate::progress::Display;

/// `bordersim calibrate SCENARIO --observed OBS.csv`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The observation file is a tidy CSV keyed by the scenario's names: columns \
    station, hour (0-23, hour of arrival) and wait_min (minutes) required; lane_group, \
    direction, class, programme, day, volume, open_lanes, wait_p95_min and weight optional \
    (docs/calibration.md). Without --fit the report compares the scenario as `run` would \
    simulate it (same replications and seed) with the observations. With --fit the free \
    parameters the fit file names are fitted on common random numbers; an --output ending \
    in .toml writes the calibrated scenario (the report then goes to standard output). \
    --report PATH.html (or an --output ending in .html) writes the calibration page: observed \
    against simulated hourly waits and throughput with the simulation's 95% band, the fit \
    measures before and after, and the fitted values. An hour is censored when more than 10% \
    of its joiners' waits are cut off by the run's end (its simulated wait is biased short): \
    flagged in every output, and its wait left out of the measures and of a fit's objective \
    unless --include-censored; every output states how many hours were left out.\n\n\
    Examples:\n  \
    bordersim calibrate scenario.toml --observed observed.csv\n  \
    bordersim calibrate scenario.toml --observed observed.csv --format csv -o fit.csv\n  \
    bordersim calibrate scenario.toml --observed observed.csv --fit fit.toml --output calibrated.toml\n  \
    bordersim calibrate scenario.toml --observed observed.csv --fit fit.toml --report fit.html",
    mut_arg("replications", |a| a.help(format!(
        "Replications of the scenario, and of every candidate of a fit (the same vehicles \
         for each: common random numbers), at most {} [default: the scenario's \
         `replications`, else {}]",
        crate::args::MAX_REPLICATIONS,
        crate::args::DEFAULT_SCENARIO_REPLICATIONS
    ))),
    mut_arg("seed", |a| a.help(
        "Master random seed, the same for every candidate of a fit [default: the \
         scenario's `seed`]"
    ))
)]
pub struct CalibrateArgs {
    /// Scenario file (TOML)
    #[arg(value_name = "SCENARIO")]
    pub file: PathBuf,

    /// Observation file (CSV; see docs/calibration.md)
    #[arg(long, value_name = "OBS.csv")]
    pub observed: PathBuf,

    /// Fit file (TOML): the free parameters, their bounds and the shortcuts to use
    #[arg(long, value_name = "FIT.toml")]
    pub fit: Option<PathBuf>,

    /// Count the waits of censored hours (more than 10% of their joiners' waits cut off by
    /// the run's end) in the measures and a fit's objective; by default they are left out
    #[arg(long)]
    pub include_censored: bool,

    // Replications, seed, threads, format and output, as for `run`.
    #[command(flatten)]
    pub settings: RunSettings,
}

/// Runs `bordersim calibrate`.
///
/// # Errors
///
/// [`Failure::BadInput`] for bad paths, an unloadable scenario, a bad observation or fit
/// file (every problem located; nothing is written); [`Failure::Invalid`] for an invalid
/// scenario; [`Failure::Failed`] when a run or the writing fails.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI alone reads the clock, to report the time per evaluation of a fit"
)]
pub fn calibrate(args: &CalibrateArgs) -> Result<(), Failure> {
    // An --output ending in .toml is the calibrated scenario; the report goes to standard
    // output then.
    let mut settings = clone_settings(&args.settings);
    let scenario_out = settings.output.take_if(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    });
    let mut inputs: Vec<&Path> = vec![&args.file, &args.observed];
    if let Some(f) = &args.fit {
        inputs.push(f);
    }
    check_output(&settings, &inputs)?;
    if let Some(path) = &scenario_out {
        check_output_path("--output", path, &inputs)?;
        if args.fit.is_none() {
            return Err(Failure::BadInput(anyhow!(
                "--output '{}': a calibrated scenario is written only by a fit; give --fit FIT.toml",
                path.display()
            )));
        }
    }
    let text = super::read_scenario(&args.file)?;
    let scenario = super::load(&args.file)?;
    let options = super::run_options(&settings, scenario.replications, scenario.seed, &args.file)?;
    let observed_text = super::read_input(&args.observed, "observation")?;
    let observations: Observations = bordersim_calibrate::parse_observations(
        &observed_text,
        &args.observed.display().to_string(),
        &scenario,
    )
    .map_err(|e| {
        Failure::BadInput(anyhow!(
            "the observation file '{}' has problems:\n{e}",
            args.observed.display()
        ))
    })?;
    let spec = match &args.fit {
        None => None,
        Some(path) => {
            let fit_text = super::read_input(path, "fit")?;
            let mut spec =
                bordersim_calibrate::parse_fit(&fit_text, &path.display().to_string(), &text)
                    .map_err(|e| Failure::BadInput(anyhow!("{e}")))?;
            spec.include_censored |= args.include_censored;
            Some(spec)
        }
    };
    let context = || format!("cannot run '{}'", args.file.display());
    let report = match spec {
        None => {
            let progress = Display::replications(&settings, options.replications, &scenario.name);
            let (_, model) = bordersim_calibrate::assess_with(
                &scenario,
                &observations,
                &options,
                1.0,
                args.include_censored,
                &progress,
            )
            .map_err(|e| Failure::from_experiment(e, context()))?;
            drop(progress);
            Output { model, fit: None }
        }
        Some(spec) => {
            // Every evaluation runs every replication; the bar counts evaluations and ends
            // early when the search converges before its last.
            let progress = Display::evaluations(
                &settings,
                spec.max_evaluations.saturating_add(2),
                options.replications,
                &format!("fitting {}", scenario.name),
            );
            let start = Instant::now();
            let base = args.file.parent().unwrap_or(Path::new("."));
            let reader = |name: &str| -> Result<String, String> { super::read_named(base, name) };
            let fitted = bordersim_calibrate::fit(
                &text,
                &args.file.display().to_string(),
                &reader,
                &observations,
                &spec,
                &options,
                &progress,
            )
            .map_err(|e| match e {
                bordersim_calibrate::FitError::Experiment(e) => {
                    Failure::from_experiment(e, context())
                }
                other => Failure::BadInput(anyhow!("{other}")),
            })?;
            drop(progress);
            let mut fit = fitted.report;
            fit.wall_s = start.elapsed().as_secs_f64();
            fit.seconds_per_evaluation = fit.wall_s / fit.evaluations.max(1) as f64;
            for p in &fit.parameters {
                if p.at_bound {
                    warn(&format!(
                        "the fitted `{}` is at a bound of its range: widen it if the bound is not a real limit",
                        p.name
                    ));
                }
            }
            if let Some(path) = &scenario_out {
                write_atomically(path, fitted.scenario_toml.as_bytes())
                    .context("cannot write the calibrated scenario")
                    .map_err(Failure::Failed)?;
            }
            Output {
                model: fit.before.clone(),
                fit: Some(fit),
            }
        }
    };
    output::emit(
        &settings,
        |format| match format {
            Format::Json => {
                let mut s = serde_json::to_string_pretty(&report).context("cannot write JSON")?;
                s.push('\n');
                Ok(s.into_bytes())
            }
            Format::Csv => Ok(bordersim_serve::calibration::csv(
                &report.model,
                report.fit.as_ref(),
            )?),
            Format::Table => Ok(table(&report).into_bytes()),
        },
        || {
            bordersim_report::calibration(&bordersim_serve::calibration::view(
                &report.model,
                report.fit.as_ref(),
            ))
        },
    )
}

/// The settings, copied (clap's types are not `Clone`).
fn clone_settings(s: &RunSettings) -> RunSettings {
    RunSettings {
        replications: s.replications,
        seed: s.seed,
        threads: s.threads,
        format: s.format,
        output: s.output.clone(),
        report: s.report.clone(),
        quiet: s.quiet,
    }
}

/// What `calibrate` reports: the model against the data, and the fit when there is one.
#[derive(Debug, serde::Serialize)]
struct Output {
    /// The scenario as given against the observations (before any fit).
    #[serde(flatten)]
    model: Calibration,
    /// The fit: parameters, before and after.
    #[serde(skip_serializing_if = "Option::is_none")]
    fit: Option<FitReport>,
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("-".to_owned(), |v| format!("{v:.digits$}"))
}

fn measures_line(out: &mut String, what: &str, m: Option<&Measures>) {
    let Some(m) = m else {
        let _ = writeln!(out, "  {what}: no pairs to compare");
        return;
    };
    let _ = writeln!(
        out,
        "  {what}: n {}, observed mean {:.2}, simulated mean {:.2}, RMSE {:.2} ({}), MAE {:.2}, bias {:+.2}, MAPE {}, Theil's U {}",
        m.n,
        m.observed_mean,
        m.simulated_mean,
        m.rmse,
        m.rmse_relative
            .map_or("-".to_owned(), |r| format!("{:.1}% of the mean", r * 100.0)),
        m.mae,
        m.mean_bias,
        m.mape_percent
            .map_or("-".to_owned(), |p| format!("{p:.1}% (n {})", m.mape_n)),
        opt(m.theil_u, 3),
    );
}

/// The censored column of an hour: the share of its joiners' waits cut off, and whether
/// its wait is left out (`left out`) or only flagged (`censored`).
fn censored_cell(h: &bordersim_calibrate::HourFit) -> String {
    let share = h
        .censored_share
        .map_or("-".to_owned(), |s| format!("{:.1}%", s * 100.0));
    let flag = match (h.excluded, h.censored) {
        (true, _) => " left out",
        (false, true) => " censored",
        (false, false) => "",
    };
    format!("{share}{flag}")
}

/// How many hours' waits the measures leave out, in words.
fn left_out_line(out: &mut String, c: &Calibration, hours: usize) {
    if c.include_censored {
        let _ = writeln!(out, "  censored hours included (--include-censored)");
    } else {
        let _ = writeln!(
            out,
            "  censored hours left out of the wait measures and the objective: {hours}"
        );
    }
}

fn calibration_table(out: &mut String, c: &Calibration) {
    for g in &c.groups {
        let _ = writeln!(out, "{}", g.group);
        let _ = writeln!(
            out,
            "  hour  obs wait  sim wait  ±95%    obs vol  sim thr  ±95%   lanes  cut off"
        );
        for h in &g.hours {
            let _ = writeln!(
                out,
                "  {:>4}  {:>8}  {:>8}  {:>6}  {:>7}  {:>7}  {:>5}  {:>5}  {}",
                h.hour,
                opt(h.observed_wait_min, 1),
                opt(h.simulated_wait_min, 1),
                opt(h.simulated_wait_ci95_min, 1),
                opt(h.observed_volume, 0),
                opt(h.simulated_throughput, 0),
                opt(h.simulated_throughput_ci95, 0),
                opt(h.observed_open_lanes, 0),
                censored_cell(h),
            );
        }
        measures_line(out, "wait (min)", g.wait.as_ref());
        measures_line(out, "throughput (veh/h)", g.throughput.as_ref());
        left_out_line(out, c, g.censored_excluded);
        out.push('\n');
    }
    let _ = writeln!(out, "all groups");
    measures_line(out, "wait (min)", c.wait.as_ref());
    measures_line(out, "throughput (veh/h)", c.throughput.as_ref());
    left_out_line(out, c, c.censored_excluded);
    let _ = writeln!(out, "  objective (weighted SSE): {:.4}", c.objective);
    let _ = writeln!(
        out,
        "  (cut off: share of the hour's joiners whose wait the run's end cut off; censored \
         above {:.0}%)",
        bordersim_calibrate::CENSORED_MAX * 100.0
    );
}

/// The report as plain-text tables, waits in minutes.
fn table(o: &Output) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} against the observations ({} replications, seed {})\n",
        o.model.scenario, o.model.replications, o.model.seed
    );
    match &o.fit {
        None => calibration_table(&mut out, &o.model),
        Some(fit) => {
            let _ = writeln!(out, "BEFORE the fit");
            calibration_table(&mut out, &fit.before);
            let _ = writeln!(out, "\nAFTER the fit");
            calibration_table(&mut out, &fit.after);
            let _ = writeln!(
                out,
                "\nfitted parameters ({} evaluations, {:.3} s each, {:.1} s in all; objective {:.4} -> {:.4})",
                fit.evaluations,
                fit.seconds_per_evaluation,
                fit.wall_s,
                fit.before.objective,
                fit.after.objective
            );
            for p in &fit.parameters {
                let _ = writeln!(
                    out,
                    "  {:<60} {:>10.4} {}  (initial {:.4}, range {:.4}..{:.4}){}",
                    p.name,
                    p.value,
                    match p.unit {
                        bordersim_calibrate::Unit::Seconds => "s",
                        bordersim_calibrate::Unit::Number => "",
                    },
                    p.initial,
                    p.min,
                    p.max,
                    if p.at_bound { "  AT BOUND" } else { "" }
                );
            }
        }
    }
    out
}
