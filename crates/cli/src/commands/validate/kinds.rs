//! The kinds of file bordersim reads besides scenarios, regions and policies — sweep plans,
//! calibration fit files, staffing plans and observation CSVs —, each told apart by its
//! top-level table (or, for a CSV, its extension) and checked by the loader its command
//! uses, with the same located messages.

use std::path::Path;

use anyhow::anyhow;
use toml::de::DeTable;

use crate::args::RunSettings;
use crate::failure::Failure;

/// A kind of input file other than a scenario, region or policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `[sweep]`: a sweep plan (`bordersim sweep`).
    Sweep,
    /// `[fit]` or `[[parameter]]`: a calibration fit file (`bordersim calibrate --fit`).
    Fit,
    /// `[plan]`: a staffing plan (`bordersim optimise-staffing`).
    Staffing,
    /// A `.csv` file: observations (`bordersim calibrate --observed`).
    Observations,
}

impl Kind {
    /// What a message calls it.
    fn name(self) -> &'static str {
        match self {
            Kind::Sweep => "sweep plan",
            Kind::Fit => "fit",
            Kind::Staffing => "staffing plan",
            Kind::Observations => "observation",
        }
    }
}

/// The kind of `text` at `path` by its top-level tables, `None` for a scenario, region or
/// policy (or a file whose TOML cannot be read, which the scenario loader then locates).
pub(super) fn kind_of(path: &Path, text: &str) -> Option<Kind> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        return Some(Kind::Observations);
    }
    let root = DeTable::parse(text).ok()?;
    let root = root.get_ref();
    if ["scenario", "region", "policy"]
        .iter()
        .any(|k| root.contains_key(*k))
    {
        return None;
    }
    if root.contains_key("sweep") {
        Some(Kind::Sweep)
    } else if root.contains_key("fit") || root.contains_key("parameter") {
        Some(Kind::Fit)
    } else if root.contains_key("plan") {
        Some(Kind::Staffing)
    } else {
        None
    }
}

/// Checks a file of `kind` as its command would, against the scenario `baseline` where
/// the file needs one (a fit file, a staffing plan, observations); returns the line
/// `validate` prints.
///
/// # Errors
///
/// [`Failure::BadInput`] / [`Failure::Invalid`] (exit 2) with the located problems, or when
/// a scenario is needed and not given.
pub(super) fn validate(
    kind: Kind,
    path: &Path,
    text: &str,
    baseline: Option<&Path>,
) -> Result<String, Failure> {
    let file = path.display().to_string();
    if kind == Kind::Sweep {
        if let Some(b) = baseline {
            return Err(Failure::BadInput(anyhow!(
                "--baseline '{}': a sweep plan names its own base (`scenario` or `region` in \
                 [sweep]); check it alone with `bordersim validate {file}`",
                b.display()
            )));
        }
        let settings = RunSettings {
            replications: None,
            seed: None,
            threads: None,
            format: None,
            output: None,
            report: None,
            quiet: true,
        };
        let study = super::super::sweep::load_study(path, &settings)?;
        let points = study.plan.points.len();
        return Ok(format!(
            "{file}: ok (sweep plan: {}, {})\n",
            super::count(points, "point"),
            super::count(study.units.len(), "unit")
        ));
    }
    let Some(scenario_path) = baseline else {
        return Err(Failure::BadInput(anyhow!(
            "'{file}' is a {} file; it is checked against the scenario it is for: \
             `bordersim validate {file} --baseline SCENARIO.toml`",
            kind.name()
        )));
    };
    let scenario_text = super::super::read_scenario(scenario_path)?;
    let scenario_file = scenario_path.display().to_string();
    let scenario = super::super::load_text(&scenario_text, scenario_path, scenario_file.clone())?;
    let line = match kind {
        Kind::Fit => {
            let spec = bordersim_calibrate::parse_fit(text, &file, &scenario_text)
                .map_err(|e| Failure::BadInput(anyhow!("{e}")))?;
            format!(
                "fit file: {}, for {scenario_file}",
                super::count(spec.parameters.len(), "parameter")
            )
        }
        Kind::Staffing => {
            let plan = bordersim_planning::parse_plan(text, &file, &scenario, &scenario_text)
                .map_err(|error| Failure::Invalid {
                    file: file.clone(),
                    error,
                })?;
            format!(
                "staffing plan: {}, for {scenario_file}",
                super::count(plan.targets.len(), "lane group")
            )
        }
        Kind::Observations => {
            bordersim_calibrate::parse_observations(text, &file, &scenario).map_err(|e| {
                Failure::BadInput(anyhow!("the observation file '{file}' has problems:\n{e}"))
            })?;
            format!("observations for {scenario_file}")
        }
        Kind::Sweep => unreachable!("a sweep plan returned above"),
    };
    Ok(format!("{file}: ok ({line})\n"))
}
