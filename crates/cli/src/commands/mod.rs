//! The subcommands, one file each, and what they share: reading a scenario file and the
//! trace files it names, reading a policy file, and the run options (replications, seed,
//! threads) after the command line's overrides.

pub mod compare;
pub mod region;
pub mod run;
pub mod validate;

use std::path::Path;

use anyhow::{Context, anyhow};
use bordersim_config::Loaded;
use bordersim_experiment::RunOptions;
use bordersim_model::Scenario;

use crate::args::RunSettings;
use crate::failure::{Failure, warn};
use crate::output;

/// Reads and checks a scenario file, printing its warnings. Files the scenario names
/// (recorded arrival traces) are read relative to the scenario file's directory.
///
/// # Errors
///
/// [`Failure::BadInput`] for an unreadable file or a region file;
/// [`Failure::Invalid`] with the diagnostics of an invalid one.
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

/// The text of the scenario (or region) file at `path`.
///
/// # Errors
///
/// [`Failure::BadInput`] when it cannot be read.
fn read_scenario(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read scenario file '{}'", path.display()))
        .map_err(Failure::BadInput)
}

/// The text of the policy file at `path`.
///
/// # Errors
///
/// [`Failure::BadInput`] when it cannot be read.
fn read_policy(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read policy file '{}'", path.display()))
        .map_err(Failure::BadInput)
}

/// Loads scenario `text`, read from (or derived from) the file at `path`, whose directory
/// trace files are relative to; diagnostics name `file`.
///
/// # Errors
///
/// [`Failure::Invalid`] with the diagnostics of an invalid scenario.
fn load_text(text: &str, path: &Path, file: String) -> Result<Scenario, Failure> {
    let read = trace_reader(path);
    let Loaded { scenario, warnings } = bordersim_config::parse_scenario_with(text, &file, &read)
        .map_err(|error| Failure::Invalid { file, error })?;
    // The loader's warnings include unstable stations (offered load >= 1 per server).
    for w in &warnings {
        warn(&w.to_string());
    }
    Ok(scenario)
}

/// Reads the files a scenario names (traces), relative to the scenario's directory. The config
/// crate words the message around the reason ("cannot read trace file `counts.csv`:
/// reason").
fn trace_reader(scenario: &Path) -> impl Fn(&str) -> Result<String, String> {
    let base = output::directory_of(scenario);
    move |name: &str| std::fs::read_to_string(base.join(name)).map_err(|e| e.to_string())
}

/// The run options: the command line's replications and seed, else the file's
/// (`replications`, `seed`); threads as resolved by [`resolve_threads`].
fn run_options(settings: &RunSettings, replications: u32, seed: u64) -> RunOptions {
    let replications = settings.replications.unwrap_or(replications);
    RunOptions {
        replications,
        seed: settings.seed.unwrap_or(seed),
        threads: Some(resolve_threads(settings.threads, replications)),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_never_exceed_replications() {
        assert_eq!(resolve_threads(Some(8), 3), 3);
        assert_eq!(resolve_threads(Some(1), 10), 1);
        assert!(resolve_threads(None, 1000) >= 1);
        assert_eq!(resolve_threads(Some(4), 0), 1);
    }
}
