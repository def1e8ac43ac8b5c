//! Policies: named changes applied to a baseline scenario, to compare a reform with it.
//!
//! A policy file says what changes, never the whole scenario:
//!
//! ```toml
//! [policy]
//! name = "Two more general booths by day"
//! measure = "staffing"           # the catalogue entry it represents (documentation)
//!
//! [[staffing]]                    # lanes added or hours extended
//! station = "nb-primary"
//! lanes = "general"               # a lane group; omit for the station's own servers
//! add = 2                         # more servers in every hour that has any open
//! all_day = false                 # true: open the day's busiest count at every hour
//!
//! [[equipment]]                   # more or faster scanners (e.g. drive-through NII)
//! station = "nb-xray"
//! add = 1                         # more servers, as `staffing` does
//! service_factor = 0.14           # every service time of the station × this factor
//!
//! [[risk_management]]             # TFA Art. 7.4: channel probabilities, random selection
//! class = "loaded"
//! channels = { green = 0.90, yellow = 0.03, red = 0.07 }
//! random_inspection = 0.01
//!
//! [[override]]                    # any parameter by its path, for what the catalogue lacks
//! path = "stations.nb-xray.service.mean"   # entries of [[...]] arrays are named by `id`
//! value = "60s"
//! ```
//!
//! and the process measures `[[pre_arrival_processing]]`, `[[authorised_operators]]`,
//! `[[single_window]]`, `[[one_stop_border_post]]` and `[[lane_rule]]`.
//!
//! Each measure is one type in [`measures`] (one file per measure) that declares its
//! section name, its TFA article, its help line, the scenario fields it writes, and how it
//! checks and applies an entry; [`measures::catalogue`] lists them once, in application
//! order, and that list drives the schema ([`schema`]), the order of application, conflict
//! detection ([`conflicts`]) and the help listing ([`catalogue_help`]).
//!
//! The pipeline: the policy is parsed, its changes are checked for conflicts, then applied
//! to the baseline's TOML document measure by measure in catalogue order, and the changed
//! scenario is validated like any scenario file ([`apply_policy_with`]). A change naming
//! something the baseline lacks is an error located in the policy file, and so are two
//! changes to the same thing (which one should win is the user's call, not the order of
//! application's).

mod conflicts;
mod lookup;
mod measure;
mod measures;
pub(crate) mod schema;

use std::fmt;

use toml::de::DeTable;
use toml::{Table, Value};

use crate::diagnostic::{Collector, single};
use crate::spans::{SpanIndex, index};
use crate::{ConfigError, Diagnostic, FileReader, Loaded};
use schema::RawPolicy;

pub use measure::{MeasureInfo, catalogue_help, policy_catalogue};

/// A baseline with a policy applied, before validation: the policy's `[policy]` table and
/// the changed scenario's text.
#[derive(Clone, Debug)]
pub struct PolicyApplied {
    /// The policy's name (`[policy] name`); it also becomes the changed scenario's name.
    pub name: String,
    /// The catalogue entry the policy represents (`[policy] measure`, documentation).
    pub measure: Option<String>,
    /// What the policy is (`[policy] description`).
    pub description: Option<String>,
    /// In a region: the crossing the policy changes (`[policy] crossing`).
    pub crossing: Option<String>,
    /// The scenario the policy was written for (`[policy] baseline`), relative to the
    /// policy file.
    pub baseline: Option<String>,
    /// The changed scenario, as TOML (kept for review: what the policy did can be read in
    /// it).
    pub scenario_text: String,
}

/// A baseline with a policy applied and the result validated: what [`apply_policy_with`]
/// returns.
#[derive(Clone, Debug)]
pub struct PolicyScenario {
    /// The policy's `[policy]` table and the changed scenario's text.
    pub applied: PolicyApplied,
    /// The name the changed scenario's diagnostics use: `"{baseline file} with {policy
    /// file}"`.
    pub label: String,
    /// The changed scenario, validated, with the loader's warnings (e.g. a station whose
    /// offered load is 1 or more); its warnings name [`PolicyScenario::label`].
    pub loaded: Loaded,
}

/// Why a policy could not give a valid scenario.
#[derive(Clone, Debug)]
pub enum PolicyError {
    /// The policy cannot be applied: its diagnostics are located in the policy file (a
    /// syntax error, an unknown field or name, a share outside [0, 1], two conflicting
    /// changes), or the baseline is not TOML (file `baseline`).
    Policy(ConfigError),
    /// The policy applied, but the changed scenario is not valid; its diagnostics name
    /// `label`.
    Scenario {
        /// The policy's `[policy]` table and the changed scenario's text.
        applied: Box<PolicyApplied>,
        /// The name the diagnostics use: `"{baseline file} with {policy file}"`.
        label: String,
        /// The changed scenario's problems.
        error: ConfigError,
    },
}

impl PolicyError {
    /// The diagnostics, whichever step failed.
    pub fn config_error(&self) -> &ConfigError {
        match self {
            PolicyError::Policy(error) | PolicyError::Scenario { error, .. } => error,
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config_error().fmt(f)
    }
}

impl std::error::Error for PolicyError {}

impl From<PolicyError> for ConfigError {
    fn from(e: PolicyError) -> ConfigError {
        match e {
            PolicyError::Policy(error) | PolicyError::Scenario { error, .. } => error,
        }
    }
}

/// Applies the policy `policy` (the text of file `policy_file`) to the baseline scenario
/// `baseline` (the text of file `baseline_file`), then validates the changed scenario as
/// [`crate::parse_scenario_with`] does, with `read` reading the files it names (traces,
/// relative to the baseline's directory). The one path from a policy to a scenario that can
/// run: callers never parse the changed text again.
///
/// # Errors
///
/// [`PolicyError::Policy`] when the policy cannot be applied (every problem located in the
/// policy file, as [`apply_policy`] reports them); [`PolicyError::Scenario`] when the changed
/// scenario is not valid (every problem, naming `"{baseline_file} with {policy_file}"`).
pub fn apply_policy_with(
    baseline: &str,
    baseline_file: &str,
    policy: &str,
    policy_file: &str,
    read: FileReader<'_>,
) -> Result<PolicyScenario, PolicyError> {
    let applied = apply_policy(baseline, policy, policy_file).map_err(PolicyError::Policy)?;
    let label = format!("{baseline_file} with {policy_file}");
    match crate::parse_scenario_with(&applied.scenario_text, &label, read) {
        Ok(loaded) => Ok(PolicyScenario {
            applied,
            label,
            loaded,
        }),
        Err(error) => Err(PolicyError::Scenario {
            applied: Box::new(applied),
            label,
            error,
        }),
    }
}

/// The first step of [`apply_policy_with`]: applies the policy `policy` (the text of file
/// `policy_name`, which diagnostics name) to the baseline scenario text `base`, and returns
/// the changed scenario's text, not yet validated. Prefer [`apply_policy_with`], which
/// validates it.
///
/// # Errors
///
/// Every problem found, located in the policy file: a TOML syntax error (only that one), a
/// field the schema lacks or of the wrong type (only that one), otherwise every change
/// that conflicts with an earlier one, or, when none does, every change naming something the
/// baseline lacks or with a value out of range. A baseline that is not TOML is one
/// diagnostic of file `baseline`.
pub fn apply_policy(
    base: &str,
    policy: &str,
    policy_name: &str,
) -> Result<PolicyApplied, ConfigError> {
    let mut cx = Collector::new(policy_name, policy);
    match DeTable::parse(policy) {
        Ok(root) => cx.set_spans(SpanIndex::build(&root)),
        Err(e) => {
            return Err(single(
                policy_name,
                policy,
                e.span().map_or(0, |s| s.start),
                String::new(),
                format!("TOML syntax error: {}", e.message()),
            ));
        }
    }
    let raw: RawPolicy = match toml::from_str(policy) {
        Ok(raw) => raw,
        Err(e) => {
            let path = cx
                .spans()
                .and_then(|s| e.span().and_then(|span| s.path_at(&span)))
                .unwrap_or_default();
            let (path, message) = crate::scenario::messages::rephrase(e.message(), path);
            return Err(single(
                policy_name,
                policy,
                e.span().map_or(0, |s| s.start),
                path,
                message,
            ));
        }
    };
    // The baseline must at least be TOML; its own validation comes after the changes.
    let mut doc: Table = toml::from_str(base).map_err(|e| ConfigError {
        diagnostics: vec![Diagnostic {
            file: "baseline".into(),
            path: String::new(),
            line: 1,
            column: 1,
            message: format!("the baseline is not valid TOML: {}", e.message()),
        }],
    })?;

    conflicts::check_conflicts(&mut cx, &doc, &raw.sections);
    if cx.has_errors() {
        return Err(cx.into_error_as_found());
    }
    for section in &raw.sections {
        for (i, change) in section.changes.iter().enumerate() {
            change.apply(&mut cx, &mut doc, &index(section.name, i));
        }
    }
    if cx.has_errors() {
        return Err(cx.into_error_as_found());
    }
    if let Some(Value::Table(scenario)) = doc.get_mut("scenario") {
        scenario.insert("name".into(), Value::String(raw.policy.name.clone()));
    }
    let scenario_text = toml::to_string(&doc).map_err(|e| ConfigError {
        diagnostics: vec![Diagnostic {
            file: policy_name.to_owned(),
            path: String::new(),
            line: 1,
            column: 1,
            message: format!("cannot write the changed scenario: {e}"),
        }],
    })?;
    Ok(PolicyApplied {
        name: raw.policy.name,
        measure: raw.policy.measure,
        description: raw.policy.description,
        crossing: raw.policy.crossing,
        baseline: raw.policy.baseline,
        scenario_text,
    })
}

#[cfg(test)]
mod tests;
