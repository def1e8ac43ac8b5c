//! `bordersim run`: simulate one scenario over independent replications, optionally
//! writing every vehicle's events to a CSV log, and report the delays.

use std::path::Path;
use std::time::Instant;

use anyhow::anyhow;
use bordersim_experiment::{
    Detail, ExperimentError, Performance, Report, RunOptions, run_summary_for,
};
use bordersim_model::{NoLog, Scenario};

use crate::args::RunArgs;
use crate::event_log::{EventLog, PartLog};
use crate::failure::{Failure, warn};
use crate::output::{
    self, check_not_input, check_output, check_output_path, check_outputs_not_inputs, same_file,
};
use crate::progress::Display;
use crate::render;

/// Runs `bordersim run`.
///
/// # Errors
///
/// [`Failure::BadInput`] for bad paths or an unloadable scenario, [`Failure::Invalid`]
/// for an invalid one, [`Failure::Failed`] when the run or the writing fails.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    check_output(&args.settings, &[&args.file])?;
    if let Some(path) = &args.event_log {
        check_event_log(path, args)?;
    }

    if let Some(path) = &args.series {
        check_output_path("--series", path, &[&args.file])?;
        output::check_csv_name("--series", path)?;
    }
    output::check_outputs_distinct(&[
        ("--output", args.settings.output_file()),
        ("--report", args.settings.report.as_deref()),
        ("--event-log", args.event_log.as_deref()),
        ("--series", args.series.as_deref()),
    ])?;

    let mut scenario = super::load(&args.file)?;
    if let Some(cap) = args.max_in_system {
        scenario.crossing = scenario.crossing.clone().with_max_in_system(cap);
    }
    // The trace files the scenario names are inputs too.
    check_outputs_not_inputs(&args.settings, args.event_log.as_deref())?;
    if let Some(path) = &args.series {
        check_not_input("--series", path)?;
    }
    // What only a page draws is computed only when a page is written.
    let detail = if writes_page(args)? {
        Detail::Page
    } else {
        Detail::Data
    };
    collect_series(&mut scenario, args, detail)?;
    let options = super::run_options(
        &args.settings,
        scenario.replications,
        scenario.seed,
        &args.file,
    )?;
    let threads = options.threads.unwrap_or(1);
    let event_log = match &args.event_log {
        Some(path) => {
            let fraction = args.event_log_sample.unwrap_or(1.0);
            Some(
                EventLog::new(path, &scenario, options.seed, fraction)
                    .map_err(Failure::BadInput)?,
            )
        }
        None => None,
    };
    let progress = Display::replications(&args.settings, options.replications, &scenario.name);
    let (outcome, wall_s) = timed_run(&scenario, &options, detail, event_log.as_ref(), &progress);
    drop(progress);
    let (mut report, parts) = outcome.map_err(|e| {
        Failure::from_experiment(e, format!("cannot run '{}'", args.file.display()))
    })?;
    // What the run itself found (a queue growing across the horizon) is said whatever the
    // output format; JSON also carries it in `warnings`.
    for warning in &report.warnings {
        warn(warning);
    }
    let events = report.events;
    report.performance = Some(Performance {
        events,
        wall_s,
        events_per_s: if wall_s > 0.0 {
            events as f64 / wall_s
        } else {
            0.0
        },
        threads,
    });

    if let Some(path) = &args.series {
        let bytes = render::series::render(&report).map_err(Failure::Failed)?;
        output::write_atomically(path, &bytes).map_err(Failure::Failed)?;
    }
    output::emit(
        &args.settings,
        |format| {
            let bytes = render::render(&report, format)?;
            if let Some(log) = &event_log {
                log.finish(parts)?;
            }
            Ok(bytes)
        },
        || bordersim_report::run(&report),
    )
}

/// Most time bins a series may have: its memory is a few words per bin, station and
/// replication in flight, and its summary one value per bin, statistic, station and
/// replication.
const MAX_SERIES_BINS: u64 = 20_000;

/// Asks the scenario for the queue and wait series when `--series`, `--series-bin` or an
/// HTML page (`detail`) wants them. The bins are `--series-bin` wide, else the scenario's
/// `series_bin` (which collects them on its own), else 15 min.
fn collect_series(scenario: &mut Scenario, args: &RunArgs, detail: Detail) -> Result<(), Failure> {
    let page = detail == Detail::Page;
    let configured = scenario.crossing.series_bin_ms().is_some();
    if args.series.is_none() && args.series_bin.is_none() && !configured && !page {
        return Ok(());
    }
    let Some(bin_ms) = args.series_bin else {
        // The file's width was checked against its horizon when it was read.
        scenario.crossing = scenario.crossing.clone().with_series_for_a_page();
        return Ok(());
    };
    let bins = scenario.horizon.as_millis().div_ceil(bin_ms);
    if bins > MAX_SERIES_BINS {
        return Err(Failure::BadInput(anyhow!(
            "--series-bin: bins of {} over the horizon of {} make {bins} bins, more than \
             {MAX_SERIES_BINS}; give a wider bin",
            bordersim_config::format_duration(bin_ms as f64),
            bordersim_config::format_duration(scenario.horizon.as_millis() as f64),
        )));
    }
    scenario.crossing = scenario.crossing.clone().with_series_bin_ms(Some(bin_ms));
    Ok(())
}

/// Whether the run writes an HTML page: `--report`, or an `--output` ending in `.html`.
fn writes_page(args: &RunArgs) -> Result<bool, Failure> {
    Ok(args.settings.report.is_some() || output::written(&args.settings)? == output::Written::Html)
}

/// Rejects an `--event-log` path that is standard output, the scenario file, the
/// `--output` file, or cannot be written.
fn check_event_log(path: &Path, args: &RunArgs) -> Result<(), Failure> {
    if path.as_os_str() == "-" {
        return Err(Failure::BadInput(anyhow!(
            "--event-log needs a file path (standard output carries the report)"
        )));
    }
    check_output_path("--event-log", path, &[&args.file])?;
    // After the path's own checks, which name a more basic fault (a missing directory, an
    // input) first.
    output::check_csv_name("--event-log", path)?;
    // Two writers may share a device (`/dev/null`), never a file.
    let clash = |d: &Path| {
        let special = std::fs::metadata(d).is_ok_and(|m| !m.is_file() && !m.is_dir());
        !special && (d == path || same_file(d, path))
    };
    if args.settings.output_file().is_some_and(clash) {
        return Err(Failure::BadInput(anyhow!(
            "--event-log and --output both name '{}'; choose two paths",
            path.display()
        )));
    }
    Ok(())
}

/// The report of a run and the event log's parts (empty without a log).
type Logged<'a> = (Report, Vec<PartLog<'a>>);

/// Runs the experiment (writing the event log's parts, if any) and measures its wall-clock
/// time in seconds.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI alone reads the clock, to report wall time and events per second"
)]
fn timed_run<'a>(
    scenario: &Scenario,
    options: &RunOptions,
    detail: Detail,
    event_log: Option<&'a EventLog>,
    progress: &Display,
) -> (Result<Logged<'a>, ExperimentError>, f64) {
    let start = Instant::now();
    let outcome = match event_log {
        Some(log) => run_summary_for(scenario, options, detail, |r| log.part(r), progress),
        None => run_summary_for(scenario, options, detail, |_| NoLog, progress)
            .map(|(report, _)| (report, Vec::new())),
    };
    (outcome, start.elapsed().as_secs_f64())
}
