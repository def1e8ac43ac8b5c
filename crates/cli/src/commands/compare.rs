//! `bordersim compare`: a baseline and its variants (policy files applied to it, or whole
//! variant scenarios) on common random numbers, reported as paired differences; a region
//! file as the baseline compares two equilibria, the policy applied to one crossing.

use std::path::Path;

use anyhow::anyhow;
use bordersim_config::{PolicyApplied, PolicyError};
use bordersim_experiment::region::compare_regions;

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
    let mut inputs: Vec<&Path> = vec![&args.base];
    inputs.extend(args.variants.iter().map(|v| v.as_path()));
    inputs.extend(args.policies.iter().map(|p| p.as_path()));
    check_output(&args.settings, &inputs)?;
    let base_text = super::read_scenario(&args.base)?;
    if bordersim_config::is_region(&base_text) {
        return compare_region(args, &base_text);
    }
    let base = super::load_text(&base_text, &args.base, args.base.display().to_string())?;
    let mut variants = Vec::with_capacity(args.policies.len() + args.variants.len());
    for path in &args.policies {
        let policy = super::read_policy(path)?;
        let file = path.display().to_string();
        // The policy pipeline ends in a validated scenario: nothing is parsed twice.
        let applied = match bordersim_config::apply_policy_with(
            &base_text,
            &args.base.display().to_string(),
            &policy,
            &file,
            &super::trace_reader(&args.base),
        ) {
            Ok(applied) => applied,
            Err(PolicyError::Policy(error)) => return Err(Failure::Invalid { file, error }),
            Err(PolicyError::Scenario {
                applied,
                label,
                error,
            }) => {
                warn_region_crossing(&file, &applied);
                // The changed scenario's diagnostics name both files.
                return Err(Failure::Invalid { file: label, error });
            }
        };
        warn_region_crossing(&file, &applied.applied);
        // The loader's warnings include unstable stations (offered load >= 1 per server).
        for w in &applied.loaded.warnings {
            warn(&w.to_string());
        }
        variants.push((applied.applied.name, applied.loaded.scenario));
    }
    for path in &args.variants {
        let scenario = super::load(path)?;
        variants.push((scenario.name.clone(), scenario));
    }
    // Every file read (traces of the baseline and variants) is an input too.
    check_outputs_not_inputs(&args.settings, None)?;
    let options = super::run_options(&args.settings, base.replications, base.seed, &args.base)?;
    let progress = Display::spinner(
        &args.settings,
        &format!(
            "comparing {} with {} variant(s), {} paired replications",
            base.name,
            variants.len(),
            options.replications
        ),
    );
    let (comparison, _) = bordersim_experiment::compare(&base, &variants, &options)
        .map_err(|e| Failure::from_experiment(e, "cannot run the comparison".to_owned()))?;
    drop(progress);
    output::emit(
        &args.settings,
        |format| render::compare::render(&comparison, format),
        || bordersim_report::compare(&comparison),
    )
}

/// Warns that a policy written for a region's crossing (`[policy] crossing`) is applied to a
/// single scenario.
fn warn_region_crossing(file: &str, applied: &PolicyApplied) {
    if let Some(crossing) = &applied.crossing {
        warn(&format!(
            "{file}: `crossing = \"{crossing}\"` names a crossing of a region, but the \
             baseline is one crossing's scenario: the policy applies to it"
        ));
    }
}

/// `bordersim compare REGION --policy FILE`: the policy applies to the crossing it names.
fn compare_region(args: &CompareArgs, text: &str) -> Result<(), Failure> {
    if !args.variants.is_empty() || args.policies.len() != 1 {
        return Err(Failure::BadInput(anyhow!(
            "a region is compared with exactly one --policy (naming its crossing with \
             crossing = \"id\" in [policy]); --variant files are for single crossings"
        )));
    }
    let base = super::region::load(&args.base, text)?;
    let policy_path = &args.policies[0];
    let policy = super::read_policy(policy_path)?;
    let read = super::region::reader(&args.base);
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
    // The crossing files and their traces are inputs too.
    check_outputs_not_inputs(&args.settings, None)?;
    let options = super::region::options(&base, &args.settings, &args.base)?;
    let name = format!("{} (at {})", applied.name, applied.crossing);
    let progress = Display::spinner(&args.settings, &format!("region: baseline and {name}"));
    let comparison = compare_regions(&base.model, &name, &applied.region.model, &options)
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
