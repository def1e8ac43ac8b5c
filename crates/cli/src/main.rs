//! `bordersim`: the command-line front end. Thin glue: parse arguments, read the scenario
//! file, hand its text to `bordersim-config`, run it with `bordersim-experiment`, render the
//! report. This binary is the only place that reads files, prints, or reads the clock.
//!
//! Exit codes: 0 success; 2 bad input (unreadable or invalid scenario file, bad arguments:
//! clap exits with 2 by itself); 1 any other failure.

mod args;
mod event_log;
mod output;
mod region;
mod render;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, anyhow};
use bordersim_config::{ConfigError, Loaded};
use bordersim_experiment::{ExperimentError, Outcome, Performance, RunOptions};
use bordersim_model::{CompiledScenario, Scenario};
use clap::Parser;
use event_log::EventLog;

use crate::args::{Cli, Command, CompareArgs, RunArgs, ValidateArgs};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate(args) => validate(&args),
        Command::Compare(args) => compare(&args),
        Command::Region(args) => region::region(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.print();
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Why the program stops early; decides the exit code.
#[derive(Debug)]
enum Failure {
    /// The user must fix the input (file or arguments): exit code 2.
    BadInput(anyhow::Error),
    /// The scenario file is invalid: its diagnostics. Exit code 2.
    Invalid { file: String, error: ConfigError },
    /// The region file (or a crossing file it names) is invalid: its diagnostics. Exit code 2.
    InvalidRegion { file: String, error: ConfigError },
    /// Anything else: exit code 1.
    Failed(anyhow::Error),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::BadInput(_) | Failure::Invalid { .. } | Failure::InvalidRegion { .. } => 2,
            Failure::Failed(_) => 1,
        }
    }

    fn print(&self) {
        match self {
            Failure::BadInput(e) | Failure::Failed(e) => stderr_line(&format!("error: {e:#}")),
            Failure::Invalid { file, error } => invalid(file, error, None),
            Failure::InvalidRegion { file, error } => invalid(file, error, Some("region")),
        }
    }
}

/// The diagnostics of an invalid file, one per line, exactly as the config crate words them
/// (`file:line:col: path: message`, which editors turn into links), then the verdict.
/// `what` names the kind of file when only one kind can be meant (a scenario or a policy
/// file both end here, so neither is named).
fn invalid(file: &str, error: &ConfigError, what: Option<&str>) {
    stderr_line(&error.to_string());
    let n = error.diagnostics.len();
    let verdict = match what {
        Some(what) => format!("is not a valid {what}"),
        None => "is not valid".to_owned(),
    };
    stderr_line(&format!(
        "error: '{file}' {verdict} ({n} problem{})",
        if n == 1 { "" } else { "s" }
    ));
}

/// Writes one line to standard error. Nothing useful can be done if that fails.
fn stderr_line(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

fn warn(message: &str) {
    stderr_line(&format!("warning: {message}"));
}

/// Reads and checks a scenario file, printing its warnings. Files the scenario names
/// (recorded arrival traces) are read relative to the scenario file's directory.
fn load(path: &Path) -> Result<Scenario, Failure> {
    let text = read_scenario(path)?;
    if bordersim_config::is_region(&text) {
        return Err(Failure::BadInput(anyhow!(
            "'{}' is a region file (it has a [region] table): run it with `bordersim region`",
            path.display()
        )));
    }
    load_text(&text, path, path.display().to_string())
}

fn read_scenario(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read scenario file '{}'", path.display()))
        .map_err(Failure::BadInput)
}

/// Loads scenario `text`, read from (or derived from) the file at `path`, whose directory
/// trace files are relative to; diagnostics name `file`.
fn load_text(text: &str, path: &Path, file: String) -> Result<Scenario, Failure> {
    let base = output::directory_of(path);
    // The config crate words the message around the reason ("cannot read trace file
    // `counts.csv`: <reason>"), naming the file relative to the scenario's directory.
    let read = |name: &str| -> Result<String, String> {
        std::fs::read_to_string(base.join(name)).map_err(|e| e.to_string())
    };
    let Loaded { scenario, warnings } = bordersim_config::parse_scenario_with(text, &file, &read)
        .map_err(|error| Failure::Invalid { file, error })?;
    // The loader's warnings include unstable stations (offered load >= 1 per server).
    for w in &warnings {
        warn(&w.to_string());
    }
    Ok(scenario)
}

fn validate(args: &ValidateArgs) -> Result<(), Failure> {
    let text = read_scenario(&args.file)?;
    if bordersim_config::is_region(&text) {
        let line = region::validate(&args.file, &text)?;
        return print_stdout(line.as_bytes());
    }
    let scenario = load_text(&text, &args.file, args.file.display().to_string())?;
    // The same check `run` makes before simulating, so `validate` accepts exactly what
    // `run` accepts.
    CompiledScenario::new(&scenario)
        .map_err(|e| Failure::BadInput(anyhow!("{}: {e}", args.file.display())))?;
    let crossing = &scenario.crossing;
    let mut parts = vec![
        count(crossing.stations().len(), "station"),
        count(scenario.population().classes.len(), "class"),
        count(crossing.sources().len(), "source"),
    ];
    let directions = scenario.population().directions.len();
    if directions > 1 {
        parts.push(count(directions, "direction"));
    }
    let line = format!("{}: ok ({})\n", args.file.display(), parts.join(", "));
    print_stdout(line.as_bytes())
}

fn count(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

fn run(args: &RunArgs) -> Result<(), Failure> {
    let format = args.settings.resolved_format();
    let destination = args.settings.output_file();
    if let Some(path) = destination {
        check_output_path("--output", path, &args.file)?;
    }
    if let Some(path) = &args.event_log {
        if path.as_os_str() == "-" {
            return Err(Failure::BadInput(anyhow!(
                "--event-log needs a file path (standard output carries the report)"
            )));
        }
        check_output_path("--event-log", path, &args.file)?;
        // Two writers may share a device (`/dev/null`), never a file.
        let clash = |d: &Path| {
            let special = std::fs::metadata(d).is_ok_and(|m| !m.is_file() && !m.is_dir());
            !special && (d == path || same_file(d, path))
        };
        if destination.is_some_and(clash) {
            return Err(Failure::BadInput(anyhow!(
                "--event-log and --output both name '{}'; choose two paths",
                path.display()
            )));
        }
    }

    let scenario = load(&args.file)?;
    let replications = args.settings.replications.unwrap_or(scenario.replications);
    let threads = resolve_threads(args.settings.threads, replications);
    let options = RunOptions {
        replications,
        seed: args.settings.seed.unwrap_or(scenario.seed),
        threads: Some(threads),
    };
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
    let (outcome, wall_s) = timed_run(&scenario, &options, event_log.as_ref());
    let (outcome, parts) = outcome
        .map_err(|e| experiment_failure(e, format!("cannot run '{}'", args.file.display())))?;
    let mut report = outcome.report;
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

    let bytes = render::render(&report, format).map_err(Failure::Failed)?;
    if let Some(log) = &event_log {
        log.finish(parts).map_err(Failure::Failed)?;
    }
    match destination {
        Some(path) => output::write_atomically(path, &bytes).map_err(Failure::Failed),
        None => print_stdout(&bytes),
    }
}

fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let format = args.settings.resolved_format();
    let destination = args.settings.output_file();
    if let Some(path) = destination {
        check_output_path("--output", path, &args.base)?;
        for v in &args.variants {
            check_output_path("--output", path, v)?;
        }
    }
    let base_text = read_scenario(&args.base)?;
    if bordersim_config::is_region(&base_text) {
        return region::compare(args, &base_text);
    }
    let base = load_text(&base_text, &args.base, args.base.display().to_string())?;
    let mut variants = Vec::with_capacity(args.policies.len() + args.variants.len());
    for path in &args.policies {
        let policy = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read policy file '{}'", path.display()))
            .map_err(Failure::BadInput)?;
        let file = path.display().to_string();
        let applied =
            bordersim_config::apply_policy(&base_text, &policy, &file).map_err(|error| {
                Failure::Invalid {
                    file: file.clone(),
                    error,
                }
            })?;
        if let Some(crossing) = &applied.crossing {
            warn(&format!(
                "{file}: `crossing = \"{crossing}\"` names a crossing of a region, but the \
                 baseline is one crossing's scenario: the policy applies to it"
            ));
        }
        // The changed scenario is validated like a file; its diagnostics name both files.
        let label = format!("{} with {}", args.base.display(), file);
        let scenario = load_text(&applied.scenario_text, &args.base, label)?;
        variants.push((applied.name, scenario));
    }
    for path in &args.variants {
        let scenario = load(path)?;
        variants.push((scenario.name.clone(), scenario));
    }
    let replications = args.settings.replications.unwrap_or(base.replications);
    let options = RunOptions {
        replications,
        seed: args.settings.seed.unwrap_or(base.seed),
        threads: Some(resolve_threads(args.settings.threads, replications)),
    };
    let (comparison, _) = bordersim_experiment::compare(&base, &variants, &options)
        .map_err(|e| experiment_failure(e, "cannot run the comparison".to_owned()))?;
    let bytes = render::compare::render(&comparison, format).map_err(Failure::Failed)?;
    match destination {
        Some(path) => output::write_atomically(path, &bytes).map_err(Failure::Failed),
        None => print_stdout(&bytes),
    }
}

/// An experiment that could not run: bad input when the scenario cannot be prepared or no
/// replication was asked for, a failure otherwise.
fn experiment_failure(e: ExperimentError, context: String) -> Failure {
    let bad_input = matches!(
        e,
        ExperimentError::NoReplications | ExperimentError::Model(_)
    );
    let e = anyhow::Error::new(e).context(context);
    if bad_input {
        Failure::BadInput(e)
    } else {
        Failure::Failed(e)
    }
}

/// Rejects, before any long computation, an output path that is the scenario file itself or
/// cannot be written: it is a bad argument.
fn check_output_path(option: &str, path: &Path, scenario: &Path) -> Result<(), Failure> {
    if same_file(path, scenario) {
        return Err(Failure::BadInput(anyhow!(
            "{option} '{}' is the scenario file itself; choose another path",
            path.display()
        )));
    }
    output::check_destination(path).map_err(Failure::BadInput)
}

/// The worker threads to use: as asked, else one per core; never more than there are
/// replications to share out (results do not depend on the count).
fn resolve_threads(asked: Option<u32>, replications: u32) -> usize {
    let threads = match asked {
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    threads.min(replications.max(1) as usize).max(1)
}

/// The outcome of a run and the event log's parts (empty without a log).
type Logged<'a> = (Outcome, Vec<event_log::PartLog<'a>>);

/// Runs the experiment (writing the event log's parts, if any) and measures its wall-clock
/// time in seconds.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI alone reads the clock, to report wall time and events per second"
)]
fn timed_run<'a>(
    scenario: &Scenario,
    options: &RunOptions,
    event_log: Option<&'a EventLog>,
) -> (Result<Logged<'a>, ExperimentError>, f64) {
    let start = Instant::now();
    let outcome = match event_log {
        Some(log) => bordersim_experiment::run_logged(scenario, options, |r| log.part(r)),
        None => bordersim_experiment::run(scenario, options).map(|o| (o, Vec::new())),
    };
    (outcome, start.elapsed().as_secs_f64())
}

/// Writes to standard output. A closed pipe (`bordersim run … | head`) is not an error.
fn print_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Failed(
            anyhow::Error::new(e).context("cannot write to standard output"),
        )),
    }
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_plural_when_needed() {
        assert_eq!(count(1, "station"), "1 station");
        assert_eq!(count(3, "station"), "3 stations");
        assert_eq!(count(2, "class"), "2 classes");
        assert_eq!(count(0, "source"), "0 sources");
    }

    #[test]
    fn threads_never_exceed_replications() {
        assert_eq!(resolve_threads(Some(8), 3), 3);
        assert_eq!(resolve_threads(Some(1), 10), 1);
        assert!(resolve_threads(None, 1000) >= 1);
        assert_eq!(resolve_threads(Some(4), 0), 1);
    }
}
