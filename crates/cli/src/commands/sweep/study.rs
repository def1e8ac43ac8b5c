//! A plan loaded: every point turned into a scenario (policy, overrides, demand scaled),
//! all checked before anything runs, and the plan's fingerprint.

use std::path::{Path, PathBuf};

use bordersim_config::sweep::{Plan, Point, Unit, parse_plan};
use bordersim_config::{ConfigError, Diagnostic, PolicyError};
use bordersim_experiment::RunOptions;
use bordersim_experiment::region::RegionModel;
use bordersim_model::Scenario;

use super::demand::scale_demand;
use crate::args::RunSettings;
use crate::failure::Failure;
use crate::output;

/// A loaded plan: its points as scenarios, its units, and its fingerprint.
pub(crate) struct Study {
    pub plan: Plan,
    /// Each point's scenario (empty when the base is a region).
    pub scenarios: Vec<Scenario>,
    /// Each point's region (empty when the base is a scenario).
    pub regions: Vec<RegionModel>,
    pub units: Vec<Unit>,
    pub options: RunOptions,
    pub hash: String,
}

/// Loads the plan at `path` and every point's scenario (all checked before anything runs).
///
/// # Errors
///
/// [`Failure::BadInput`] / [`Failure::Invalid`] for an unreadable or invalid plan, base
/// scenario or policy, or a point that gives an invalid scenario.
pub(crate) fn load_study(path: &Path, settings: &RunSettings) -> Result<Study, Failure> {
    let text = super::super::read_input(path, "sweep plan")?;
    let file = path.display().to_string();
    let plan = parse_plan(&text, &file).map_err(|error| Failure::Invalid {
        file: file.clone(),
        error,
    })?;
    if plan.region.is_some() {
        return super::region::load_region_study(plan, &text, path, settings);
    }
    let dir = output::directory_of(path);
    let mut hasher = Fnv::default();
    hasher.add(text.as_bytes());
    // Each base scenario file, read and loaded once: (text, path, file name, scenario).
    let mut bases: Vec<(String, String, PathBuf, Scenario)> = Vec::new();
    let mut scenarios = Vec::with_capacity(plan.points.len());
    let scenario_field = (plan.kinds.iter())
        .position(|k| *k == bordersim_config::sweep::AxisKind::Scenario)
        .map_or_else(
            || "sweep.scenario".to_owned(),
            |i| format!("axis[{i}].scenario"),
        );
    for point in &plan.points {
        let b = match bases.iter().position(|(name, ..)| *name == point.scenario) {
            Some(b) => b,
            None => {
                let base_path = dir.join(&point.scenario);
                let base_text = super::named::Named {
                    plan: &file,
                    text: &text,
                    field: &scenario_field,
                    name: &point.scenario,
                }
                .read(&base_path, "scenario", super::super::read_scenario)?;
                let base = super::super::load_text(
                    &base_text,
                    &base_path,
                    base_path.display().to_string(),
                )?;
                hasher.add(base_text.as_bytes());
                bases.push((point.scenario.clone(), base_text, base_path, base));
                bases.len() - 1
            }
        };
        let (_, base_text, base_path, base) = &bases[b];
        let base_file = base_path.display().to_string();
        let policy_path = point.policy.as_ref().map(|p| dir.join(p));
        let policy_file =
            read_point_policy(policy_path.as_deref(), &mut hasher, (&file, &text, point))?;
        let label = format!("{file} point {}", point.id);
        let (scenario, scenario_text) = match plan.policy_text_lines(point, policy_file.as_deref())
        {
            None => (base.clone(), None),
            Some((policy, starts)) => {
                let relocate =
                    |error| relocate(error, &label, &file, policy_path.as_deref(), &starts, point);
                match bordersim_config::apply_policy_with(
                    base_text,
                    &base_file,
                    &policy,
                    &label,
                    &super::super::trace_reader(base_path),
                ) {
                    Ok(applied) => (applied.loaded.scenario, Some(applied.applied.scenario_text)),
                    Err(PolicyError::Policy(error) | PolicyError::Scenario { error, .. }) => {
                        return Err(Failure::Invalid {
                            file: file.clone(),
                            error: relocate(error),
                        });
                    }
                }
            }
        };
        if point.demand.is_empty() {
            scenarios.push(scenario);
            continue;
        }
        let scaled =
            scale_demand(scenario_text.as_deref().unwrap_or(base_text), point).map_err(|d| {
                Failure::Invalid {
                    file: file.clone(),
                    error: ConfigError {
                        diagnostics: vec![Diagnostic {
                            file: file.clone(),
                            ..d
                        }],
                    },
                }
            })?;
        // The scaled text is generated: its problems (a station the extra demand
        // overloads) are reported at the point's demand axis in the plan.
        let at = |mut d: Diagnostic| {
            let origin = &point.demand[0].origin;
            d.message = format!("{} (point {}, demand scaled)", d.message, point.id);
            d.file.clone_from(&file);
            d.line = origin.line;
            d.column = origin.column;
            d.path.clone_from(&origin.field);
            d
        };
        let loaded = bordersim_config::parse_scenario_with(
            &scaled,
            &label,
            &super::super::trace_reader(base_path),
        )
        .map_err(|e| Failure::Invalid {
            file: file.clone(),
            error: ConfigError {
                diagnostics: e.diagnostics.into_iter().map(at).collect(),
            },
        })?;
        for w in loaded.warnings {
            crate::failure::warn(&at(w).to_string());
        }
        scenarios.push(loaded.scenario);
    }
    let replications = settings.replications.unwrap_or(plan.replications);
    // Without a seed in the plan, the first base scenario's.
    let seed = settings
        .seed
        .or(plan.seed)
        .unwrap_or_else(|| bases.first().map_or(0, |b| b.3.seed));
    let mut plan = plan;
    if replications != plan.replications {
        plan.replications = replications;
        plan.block = plan.block.min(replications);
    }
    // --replications may ask for more blocks than the plan did: counted before they are made.
    if let Some(m) =
        bordersim_config::sweep::units_refusal(plan.points.len(), plan.replications, plan.block)
    {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "{file}: --replications {replications}: {m}"
        )));
    }
    let units = plan.units();
    hasher.add(format!("{replications} {} {seed}", plan.block).as_bytes());
    Ok(Study {
        options: RunOptions {
            replications,
            seed,
            threads: settings.threads.map(|t| t as usize),
        },
        hash: format!("{:016x}", hasher.0),
        plan,
        scenarios,
        regions: Vec::new(),
        units,
    })
}

/// The text of a point's policy file at `path`, added to the plan's `hasher`; `None` for a
/// point without a policy. `(plan file, plan text, point)` locate a problem where the plan
/// names the file.
///
/// # Errors
///
/// As reading a policy file, located in the plan.
pub(super) fn read_point_policy(
    path: Option<&Path>,
    hasher: &mut Fnv,
    (plan, plan_text, point): (&str, &str, &Point),
) -> Result<Option<String>, Failure> {
    let Some(path) = path else {
        return Ok(None);
    };
    let named = super::named::Named {
        plan,
        text: plan_text,
        field: point
            .policy_origin
            .as_ref()
            .map_or("policy", |o| o.field.as_str()),
        name: point.policy.as_deref().unwrap_or_default(),
    };
    let text = named.read(path, "policy", super::super::read_policy)?;
    hasher.add(text.as_bytes());
    Ok(Some(text))
}

/// Diagnostics of point `point`'s generated policy (named `label`) located where they can
/// be fixed: a problem with one of the point's overrides at the axis value in the plan file
/// `plan`, one in the policy file's own lines in that file (`policy`). Others (in the base
/// scenario, a trace) are left as they are.
pub(super) fn relocate(
    mut error: ConfigError,
    label: &str,
    plan: &str,
    policy: Option<&Path>,
    starts: &[usize],
    point: &Point,
) -> ConfigError {
    for d in &mut error.diagnostics {
        if d.file != label {
            continue;
        }
        if let Some(k) = starts.iter().rposition(|&s| d.line >= s) {
            let origin = &point.origins[k];
            d.message = format!(
                "{} (override `{}` = {} of point {})",
                d.message, point.overrides[k].0, point.overrides[k].1, point.id
            );
            d.file = plan.to_owned();
            d.line = origin.line;
            d.column = origin.column;
            d.path.clone_from(&origin.field);
        } else if let Some(policy) = policy {
            d.file = policy.display().to_string();
        } else if let Some(origin) = point.origins.first() {
            d.file = plan.to_owned();
            d.line = origin.line;
            d.column = origin.column;
            d.path.clone_from(&origin.field);
        }
    }
    error
}

/// FNV-1a, 64 bits: a fingerprint of the plan and the files it names, stable across
/// versions and machines (not a defence against tampering).
pub(super) struct Fnv(pub(super) u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub(super) fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // Separates consecutive inputs.
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3) ^ 0xff;
    }
}
