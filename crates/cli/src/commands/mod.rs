//! The subcommands, one file each, and what they share: reading a scenario file and the
//! trace files it names, reading a policy file, and the run options (replications, seed,
//! threads) after the command line's overrides.

pub mod calibrate;
pub mod compare;
pub mod completions;
pub mod merge;
pub mod optimise_staffing;
pub mod policy;
pub mod region;
pub mod run;
pub mod schema;
pub mod serve;
pub mod sweep;
pub mod validate;

use std::path::Path;

use anyhow::anyhow;
use bordersim_config::Loaded;
use bordersim_experiment::RunOptions;
use bordersim_model::Scenario;

use crate::args::{MAX_REPLICATIONS, MAX_REPLICATIONS_WHY, RunSettings};
use crate::failure::{Failure, warn};
use crate::input;
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
    if policy::is_policy(&text) {
        return Err(policy::not_a_scenario(path, "a scenario"));
    }
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
    read_input(path, "scenario")
}

/// The text of the input file at `path` (a `what` file: scenario, policy, region), read with
/// the size limit and checked to be UTF-8.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the file when it cannot be read, is too large or is not
/// UTF-8 (located).
fn read_input(path: &Path, what: &str) -> Result<String, Failure> {
    input::read_text(path).map_err(|e| {
        Failure::BadInput(anyhow!(
            "cannot read {what} file '{}': {}",
            path.display(),
            e.describe(path)
        ))
    })
}

/// Reads a file named in another (a trace named by a scenario, a crossing named by a
/// region), with `name` relative to the directory `base`; the error names the file (and,
/// for text that is not UTF-8, its line and column) for the config crate to wrap.
fn read_named(base: &Path, name: &str) -> Result<String, String> {
    let path = base.join(name);
    input::read_text(&path).map_err(|e| e.describe(&path))
}

/// The text of the policy file at `path`.
///
/// # Errors
///
/// [`Failure::BadInput`] when it cannot be read.
fn read_policy(path: &Path) -> Result<String, Failure> {
    read_input(path, "policy")
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
    move |name: &str| read_named(base, name)
}

/// The run options: the command line's replications and seed, else the file's
/// (`replications`, `seed`, of the file at `file`); threads as resolved by
/// [`resolve_threads`].
///
/// # Errors
///
/// [`Failure::BadInput`] when the file asks for more than [`MAX_REPLICATIONS`] (the
/// command line's count is checked when it is parsed).
fn run_options(
    settings: &RunSettings,
    replications: u32,
    seed: u64,
    file: &Path,
) -> Result<RunOptions, Failure> {
    if settings.replications.is_none() {
        check_file_replications(replications, file)?;
    }
    let replications = settings.replications.unwrap_or(replications);
    Ok(RunOptions {
        replications,
        seed: settings.seed.unwrap_or(seed),
        threads: Some(resolve_threads(settings.threads, replications)),
    })
}

/// Rejects a file's `replications` above [`MAX_REPLICATIONS`], so that `validate` refuses
/// what `run`, `compare` and `region` would.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the file, the field and the limit.
fn check_file_replications(replications: u32, file: &Path) -> Result<(), Failure> {
    if replications > MAX_REPLICATIONS {
        return Err(Failure::BadInput(anyhow!(
            "{}: `replications = {replications}` is above the limit of {MAX_REPLICATIONS}: \
             {MAX_REPLICATIONS_WHY}; lower it (or give --replications)",
            file.display()
        )));
    }
    Ok(())
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
