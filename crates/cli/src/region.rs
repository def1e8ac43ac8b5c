//! `bordersim region` and region files given to `validate` and `compare`: read the region
//! file and the crossing files it names (relative to it), hand the texts to
//! `bordersim-config`, run the equilibrium with `bordersim-experiment`, render.

use std::path::Path;

use anyhow::{Context, anyhow};
use bordersim_config::LoadedRegion;
use bordersim_experiment::RunOptions;
use bordersim_experiment::region::{RegionError, RegionModel, compare_regions, run_region};

use crate::args::{CompareArgs, RegionArgs};
use crate::render::region::{convergence_line, render, render_comparison};
use crate::{Failure, check_output_path, output, print_stdout, resolve_threads, warn};

/// Reads a file named in a region file (a crossing, or a trace named by a crossing), with
/// the path relative to the region file's directory.
fn reader(path: &Path) -> impl Fn(&str) -> Result<String, String> + '_ {
    let base = output::directory_of(path);
    move |name: &str| std::fs::read_to_string(base.join(name)).map_err(|e| e.to_string())
}

fn invalid(path: &Path, error: bordersim_config::ConfigError) -> Failure {
    Failure::InvalidRegion {
        file: path.display().to_string(),
        error,
    }
}

pub fn load(path: &Path, text: &str) -> Result<LoadedRegion, Failure> {
    let read = reader(path);
    bordersim_config::parse_region_with(text, &path.display().to_string(), &read)
        .map_err(|e| invalid(path, e))
}

/// A region that cannot be run: bad input when the region itself is wrong (a flow left
/// with no open crossing, a crossing that cannot take its flows), a failure otherwise.
fn region_failure(e: RegionError, context: String) -> Failure {
    let bad_input = matches!(
        e,
        RegionError::NoOpenCrossing { .. } | RegionError::Model { .. } | RegionError::NoIterations
    ) || matches!(
        &e,
        RegionError::Run { source, .. } if matches!(
            source,
            bordersim_experiment::ExperimentError::Model(_)
                | bordersim_experiment::ExperimentError::NoReplications
        )
    );
    let e = anyhow::Error::new(e).context(context);
    if bad_input {
        Failure::BadInput(e)
    } else {
        Failure::Failed(e)
    }
}

fn options(loaded: &LoadedRegion, settings: &crate::args::RunSettings) -> RunOptions {
    let replications = settings.replications.unwrap_or(loaded.replications);
    RunOptions {
        replications,
        seed: settings.seed.unwrap_or(loaded.seed),
        threads: Some(resolve_threads(settings.threads, replications)),
    }
}

fn read_region(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read region file '{}'", path.display()))
        .map_err(Failure::BadInput)
}

pub fn region(args: &RegionArgs) -> Result<(), Failure> {
    let format = args.settings.resolved_format();
    let destination = args.settings.output_file();
    if let Some(path) = destination {
        check_output_path("--output", path, &args.file)?;
    }
    let text = read_region(&args.file)?;
    if !bordersim_config::is_region(&text) {
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
    let options = options(&loaded, &args.settings);
    let outcome = run_region(&loaded.model, &options)
        .map_err(|e| region_failure(e, format!("cannot run region '{}'", args.file.display())))?;
    if !outcome.report.converged {
        warn(&format!(
            "{}: {}",
            args.file.display(),
            convergence_line(&outcome.report)
        ));
    }
    let bytes = render(&outcome.report, format).map_err(Failure::Failed)?;
    match destination {
        Some(path) => output::write_atomically(path, &bytes).map_err(Failure::Failed),
        None => print_stdout(&bytes),
    }
}

/// `bordersim validate` on a region file: the summary line.
pub fn validate(path: &Path, text: &str) -> Result<String, Failure> {
    let loaded = load(path, text)?;
    let model: &RegionModel = &loaded.model;
    Ok(format!(
        "{}: ok (region: {} crossings, {} zones, {} flows)\n",
        path.display(),
        model.crossings.len(),
        model.region.zones.len(),
        model.region.demand.len()
    ))
}

/// `bordersim compare REGION --policy FILE`: the policy applies to the crossing it names.
pub fn compare(args: &CompareArgs, text: &str) -> Result<(), Failure> {
    let format = args.settings.resolved_format();
    let destination = args.settings.output_file();
    if let Some(path) = destination {
        check_output_path("--output", path, &args.base)?;
    }
    if !args.variants.is_empty() || args.policies.len() != 1 {
        return Err(Failure::BadInput(anyhow!(
            "a region is compared with exactly one --policy (naming its crossing with \
             crossing = \"id\" in [policy]); --variant files are for single crossings"
        )));
    }
    let base = load(&args.base, text)?;
    let policy_path = &args.policies[0];
    let policy = std::fs::read_to_string(policy_path)
        .with_context(|| format!("cannot read policy file '{}'", policy_path.display()))
        .map_err(Failure::BadInput)?;
    let read = reader(&args.base);
    let policy_file = policy_path.display().to_string();
    let applied = bordersim_config::apply_region_policy(
        text,
        &args.base.display().to_string(),
        &read,
        &policy,
        &policy_file,
    )
    .map_err(|error| Failure::InvalidRegion {
        file: format!("{}' with policy '{policy_file}", args.base.display()),
        error,
    })?;
    let options = options(&base, &args.settings);
    let name = format!("{} (at {})", applied.name, applied.crossing);
    let comparison = compare_regions(&base.model, &name, &applied.region.model, &options)
        .map_err(|e| region_failure(e, "cannot run the region comparison".to_owned()))?;
    for (which, report) in [
        ("baseline", &comparison.baseline),
        ("reform", &comparison.reform),
    ] {
        if !report.converged {
            warn(&format!("{which}: {}", convergence_line(report)));
        }
    }
    let bytes = render_comparison(&comparison, format).map_err(Failure::Failed)?;
    match destination {
        Some(path) => output::write_atomically(path, &bytes).map_err(Failure::Failed),
        None => print_stdout(&bytes),
    }
}
