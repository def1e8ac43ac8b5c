//! `bordersim region`: read a region file and the crossing files it names (relative to
//! it), hand the texts to `bordersim-config`, find the equilibrium with
//! `bordersim-experiment`, render it. Also the region loading that `validate` and `compare`
//! share when given a region file.

use std::path::Path;

use anyhow::anyhow;
use bordersim_config::{ConfigError, LoadedRegion};
use bordersim_experiment::RunOptions;
use bordersim_experiment::region::run_region_with_progress;

use crate::args::{RegionArgs, RunSettings};
use crate::failure::{Failure, warn};
use crate::output::{self, check_output, check_outputs_not_inputs};
use crate::progress::Display;
use crate::render::region::{convergence_line, render};

/// Runs `bordersim region`.
///
/// # Errors
///
/// [`Failure::BadInput`] for bad paths, a file that is not a region, or a region that
/// cannot be run; [`Failure::InvalidRegion`] with the diagnostics of an invalid one;
/// [`Failure::Failed`] when the run or the writing fails.
pub fn region(args: &RegionArgs) -> Result<(), Failure> {
    check_output(&args.settings, &[&args.file])?;
    let text = read_region(&args.file)?;
    if !bordersim_config::is_region(&text) {
        if super::policy::is_policy(&text) {
            return Err(super::policy::not_a_scenario(&args.file, "a region file"));
        }
        if toml::de::DeTable::parse(&text).is_err() {
            // Not TOML at all: the syntax error, located, exactly as every command words it.
            super::load_text(&text, &args.file, args.file.display().to_string())?;
        }
        return Err(Failure::BadInput(anyhow!(
            "'{}' is not a region file (it has no [region] table); use `bordersim run` for a \
             single crossing",
            args.file.display()
        )));
    }
    let mut loaded = load(&args.file, &text)?;
    if let Some(n) = args.max_iterations {
        loaded.model.max_iterations = n;
    }
    // The crossing files and their traces are inputs too.
    check_outputs_not_inputs(&args.settings, None)?;
    let options = options(&loaded, &args.settings, &args.file)?;
    let progress = Display::spinner(
        &args.settings,
        &format!("region {}", loaded.model.region.name),
    );
    let outcome = run_region_with_progress(&loaded.model, &options, &progress).map_err(|e| {
        Failure::from_region(e, format!("cannot run region '{}'", args.file.display()))
    })?;
    drop(progress);
    if !outcome.report.converged {
        warn(&format!(
            "{}: {}",
            args.file.display(),
            convergence_line(&outcome.report)
        ));
    }
    output::emit(
        &args.settings,
        |format| render(&outcome.report, format),
        || bordersim_report::region(&outcome.report),
    )
}

/// The one-line summary `bordersim validate` prints for a valid region file.
///
/// # Errors
///
/// [`Failure::InvalidRegion`] with the diagnostics of an invalid one.
pub fn summary(path: &Path, text: &str) -> Result<String, Failure> {
    let loaded = load(path, text)?;
    super::check_file_replications(loaded.replications, path)?;
    let model = &loaded.model;
    Ok(format!(
        "{}: ok (region: {} crossings, {} zones, {} flows)\n",
        path.display(),
        model.crossings.len(),
        model.region.zones.len(),
        model.region.demand.len()
    ))
}

/// Reads a file named in a region file (a crossing, or a trace named by a crossing), with
/// the path relative to the region file's directory.
pub fn reader(path: &Path) -> impl Fn(&str) -> Result<String, String> + '_ {
    let base = output::directory_of(path);
    move |name: &str| super::read_named(base, name)
}

/// Loads region `text`, read from the file at `path`, with the crossing files it names.
///
/// # Errors
///
/// [`Failure::InvalidRegion`] with the diagnostics of an invalid region.
pub fn load(path: &Path, text: &str) -> Result<LoadedRegion, Failure> {
    let read = reader(path);
    bordersim_config::parse_region_with(text, &path.display().to_string(), &read).map_err(
        |e: ConfigError| Failure::InvalidRegion {
            file: path.display().to_string(),
            error: e,
        },
    )
}

/// The run options of a region: the command line's, else the region file's.
///
/// # Errors
///
/// [`Failure::BadInput`] when the region file asks for too many replications.
pub fn options(
    loaded: &LoadedRegion,
    settings: &RunSettings,
    file: &Path,
) -> Result<RunOptions, Failure> {
    super::run_options(settings, loaded.replications, loaded.seed, file)
}

/// The text of the region file at `path`.
fn read_region(path: &Path) -> Result<String, Failure> {
    super::read_input(path, "region")
}
