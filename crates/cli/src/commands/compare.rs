//! `bordersim compare`: a baseline and its variants (policy files applied to it, or whole
//! variant scenarios) on common random numbers, reported as paired differences; a region
//! file as the baseline compares two equilibria, the policy applied to one crossing.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use bordersim_experiment::compare_folded;
use bordersim_experiment::region::compare_regions_with_progress;

use crate::args::CompareArgs;
use crate::failure::{Failure, warn};
use crate::output::{self, check_output, check_outputs_not_inputs};
use crate::progress::Display;
use crate::render;
use crate::render::region::{convergence_line, render_comparison};

/// Runs `bordersim compare`.
///
/// # Errors
///
/// [`Failure::BadInput`] for bad paths or inputs that cannot be run, [`Failure::Invalid`] /
/// [`Failure::InvalidRegion`] with the diagnostics of an invalid file (a policy's name both
/// files), [`Failure::Failed`] when the runs or the writing fail.
pub fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let policies = args
        .policies
        .iter()
        .map(|path| super::read_policy(path).map(|text| (path.as_path(), text)))
        .collect::<Result<Vec<_>, _>>()?;
    for (path, text) in &policies {
        if !super::policy::is_policy(text) && toml::de::DeTable::parse(text).is_ok() {
            return Err(Failure::BadInput(anyhow!(
                "--policy '{}' is not a policy file (it has no [policy] table); a whole \
                 scenario is compared with --variant",
                path.display()
            )));
        }
    }
    let base_path = baseline(args, &policies)?;
    let mut inputs: Vec<&Path> = vec![&base_path];
    inputs.extend(args.variants.iter().map(|v| v.as_path()));
    inputs.extend(args.policies.iter().map(|p| p.as_path()));
    check_output(&args.settings, &inputs)?;
    let base_text = super::read_scenario(&base_path)?;
    if super::policy::is_policy(&base_text) {
        return Err(super::policy::not_a_scenario(&base_path, "a baseline"));
    }
    if bordersim_config::is_region(&base_text) {
        return compare_region(args, &base_path, &base_text, &policies);
    }
    if args.max_iterations.is_some() {
        return Err(Failure::BadInput(anyhow!(
            "--max-iterations limits a region's equilibrium iterations, but '{}' is a \
             scenario, not a region",
            base_path.display()
        )));
    }
    let mut base = super::load_text(&base_text, &base_path, base_path.display().to_string())?;
    let cap = |scenario: &mut bordersim_model::Scenario| {
        if let Some(cap) = args.max_in_system {
            scenario.crossing = scenario.crossing.clone().with_max_in_system(cap);
        }
    };
    cap(&mut base);
    let mut variants = Vec::with_capacity(policies.len() + args.variants.len());
    for (path, policy) in &policies {
        // The policy pipeline ends in a validated scenario: nothing is parsed twice.
        let applied = super::policy::apply_to_scenario(&base_path, &base_text, path, policy)?;
        variants.push((applied.applied.name, applied.loaded.scenario));
    }
    for path in &args.variants {
        let scenario = super::load(path)?;
        variants.push((scenario.name.clone(), scenario));
    }
    for (_, scenario) in &mut variants {
        cap(scenario);
    }
    // Every file read (traces of the baseline and variants) is an input too.
    check_outputs_not_inputs(&args.settings, None)?;
    let options = super::run_options(&args.settings, base.replications, base.seed, &base_path)?;
    let runs = 1 + variants.len() as u32;
    let progress = Display::replications(
        &args.settings,
        options.replications.saturating_mul(runs),
        &format!("{} and {} variant(s)", base.name, variants.len()),
    );
    let comparison = compare_folded(&base, &variants, &options, &progress)
        .map_err(|e| Failure::from_experiment(e, "cannot run the comparison".to_owned()))?;
    drop(progress);
    output::emit(
        &args.settings,
        |format| render::compare::render(&comparison, format),
        || bordersim_report::compare(&comparison),
    )
}

/// The baseline: BASE as given (each policy naming another is warned about), else the one
/// the policies name (`baseline =` in `[policy]`), which must be the same for all.
fn baseline(args: &CompareArgs, policies: &[(&Path, String)]) -> Result<PathBuf, Failure> {
    if let Some(base) = &args.base {
        for (path, text) in policies {
            super::policy::baseline_for(path, text, Some(base))?;
        }
        return Ok(base.clone());
    }
    let mut chosen: Option<(PathBuf, &Path)> = None;
    for (path, text) in policies {
        let named = super::policy::baseline_for(path, text, None)?;
        match &chosen {
            None => chosen = Some((named, path)),
            Some((first, first_policy)) => {
                if !super::policy::same_path(first, &named) {
                    return Err(Failure::BadInput(anyhow!(
                        "the policies name different baselines ('{}' in '{}', '{}' in '{}'): \
                         give BASE",
                        first.display(),
                        first_policy.display(),
                        named.display(),
                        path.display()
                    )));
                }
            }
        }
    }
    chosen.map(|(path, _)| path).ok_or_else(|| {
        Failure::BadInput(anyhow!(
            "give the baseline BASE: only a --policy can name its own baseline"
        ))
    })
}

/// `bordersim compare REGION --policy FILE`: the policy applies to the crossing it names.
fn compare_region(
    args: &CompareArgs,
    base_path: &Path,
    text: &str,
    policies: &[(&Path, String)],
) -> Result<(), Failure> {
    if !args.variants.is_empty() || policies.len() != 1 {
        return Err(Failure::BadInput(anyhow!(
            "a region is compared with exactly one --policy (naming its crossing with \
             crossing = \"id\" in [policy]); --variant files are for single crossings"
        )));
    }
    if args.max_in_system.is_some() {
        return Err(Failure::BadInput(anyhow!(
            "--max-in-system applies to a scenario comparison; a region's crossings take \
             their `max_in_system` from their own files"
        )));
    }
    let mut base = super::region::load(base_path, text)?;
    let (policy_path, policy) = &policies[0];
    let read = super::region::reader(base_path);
    let policy_file = policy_path.display().to_string();
    let applied = bordersim_config::apply_region_policy(
        text,
        &base_path.display().to_string(),
        &read,
        policy,
        &policy_file,
    )
    .map_err(|error| Failure::InvalidRegion {
        file: format!("{}' with policy '{policy_file}", base_path.display()),
        error,
    })?;
    let mut applied = applied;
    if let Some(n) = args.max_iterations {
        base.model.max_iterations = n;
        applied.region.model.max_iterations = n;
    }
    // The crossing files and their traces are inputs too.
    check_outputs_not_inputs(&args.settings, None)?;
    let options = super::region::options(&base, &args.settings, base_path)?;
    let name = format!("{} (at {})", applied.name, applied.crossing);
    let progress = Display::spinner(&args.settings, &format!("region: baseline and {name}"));
    let comparison = compare_regions_with_progress(
        &base.model,
        &name,
        &applied.region.model,
        &options,
        [&progress.side("baseline"), &progress.side("reform")],
    )
    .map_err(|e| Failure::from_region(e, "cannot run the region comparison".to_owned()))?;
    drop(progress);
    for (which, report) in [
        ("baseline", &comparison.baseline),
        ("reform", &comparison.reform),
    ] {
        if !report.converged {
            warn(&format!("{which}: {}", convergence_line(report)));
        }
    }
    output::emit(
        &args.settings,
        |format| render_comparison(&comparison, format),
        || bordersim_report::region_comparison(&comparison),
    )
}
