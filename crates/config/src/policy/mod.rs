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
mod locate;
mod lookup;
pub(crate) mod measure;
pub(crate) mod measures;
pub(crate) mod schema;

use std::fmt;

use toml::de::DeTable;
use toml::{Table, Value};

use crate::diagnostic::{Collector, single};
use crate::spans::SpanIndex;
use crate::{ConfigError, Diagnostic, FileReader, Loaded};

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
    /// The policy cannot be applied, or the scenario it gives is not valid: every problem
    /// found, in one pass, each located where it can be fixed — in the policy file (a syntax
    /// error, an unknown field or name, a share outside [0, 1], two conflicting changes, a
    /// value the changed scenario rejects, at the change that wrote it), in the baseline
    /// file (a field no change wrote), or in a file the scenario names (a trace).
    Policy(ConfigError),
    /// The policy applied, but the changed scenario is not valid; its diagnostics are
    /// located as [`PolicyError::Policy`]'s are, never in the generated text.
    Scenario {
        /// The policy's `[policy]` table and the changed scenario's text.
        applied: Box<PolicyApplied>,
        /// The name of the changed scenario: `"{baseline file} with {policy file}"`.
        label: String,
        /// The changed scenario's problems, located.
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
/// Every problem is found in one pass and located where it can be fixed: the policy's own
/// (schema, names, ranges, conflicts) and the changed scenario's, each at the change that
/// wrote the field concerned (an `[[override]]`'s `value`), or at the field in the baseline
/// file when no change wrote it. The loader's warnings are located the same way.
///
/// # Errors
///
/// [`PolicyError::Policy`] with every problem when the policy cannot be applied (and the
/// changed scenario's problems, if it could be built); [`PolicyError::Scenario`] when only
/// the changed scenario is not valid.
pub fn apply_policy_with(
    baseline: &str,
    baseline_file: &str,
    policy: &str,
    policy_file: &str,
    read: FileReader<'_>,
) -> Result<PolicyScenario, PolicyError> {
    let mut cx = Collector::new(policy_file, policy);
    let draft = draft(&mut cx, baseline, baseline_file, policy).map_err(PolicyError::Policy)?;
    let Some(draft) = draft else {
        return Err(PolicyError::Policy(cx.into_error()));
    };
    if draft.applied.scenario_text.is_empty() {
        return Err(PolicyError::Policy(cx.into_error()));
    }
    let label = format!("{baseline_file} with {policy_file}");
    let policy_ok = !cx.has_errors();
    let locator = locate::Locator {
        sections: &draft.sections,
        baseline: &draft.baseline,
        baseline_file,
        baseline_text: baseline,
        changed: &draft.doc,
        label: &label,
    };
    let located = |cx: &Collector<'_>, diagnostics: Vec<Diagnostic>| {
        let mut out: Vec<Diagnostic> = diagnostics
            .into_iter()
            .flat_map(|d| locator.locate(cx, d))
            .collect();
        crate::diagnostic::sort(&mut out, policy_file);
        out.dedup();
        out
    };
    match crate::parse_scenario_with(&draft.applied.scenario_text, &label, read) {
        Ok(mut loaded) if policy_ok => {
            let mut warnings = located(&cx, std::mem::take(&mut loaded.warnings));
            // The policy's own concerns (e.g. a merge that cannot pool every member's
            // officers), at their lines of the policy file.
            warnings.extend(cx.into_warnings());
            crate::diagnostic::sort(&mut warnings, policy_file);
            loaded.warnings = warnings;
            Ok(PolicyScenario {
                applied: draft.applied,
                label,
                loaded,
            })
        }
        Ok(_) => Err(PolicyError::Policy(cx.into_error())),
        Err(error) => {
            let mut diagnostics = located(&cx, error.diagnostics);
            if policy_ok {
                return Err(PolicyError::Scenario {
                    applied: Box::new(draft.applied),
                    label,
                    error: ConfigError { diagnostics },
                });
            }
            let mut all = cx.into_errors();
            all.append(&mut diagnostics);
            crate::diagnostic::sort(&mut all, policy_file);
            all.dedup();
            Err(PolicyError::Policy(ConfigError { diagnostics: all }))
        }
    }
}

/// The first step of [`apply_policy_with`]: applies the policy `policy` (the text of file
/// `policy_name`, which diagnostics name) to the baseline scenario text `base`, and returns
/// the changed scenario's text, not yet validated. Prefer [`apply_policy_with`], which
/// validates it.
///
/// # Errors
///
/// Every problem found, in one pass, located in the policy file: a TOML syntax error (only
/// that one), every field the schema lacks or of the wrong type (each entry read on its
/// own), every change that conflicts with an earlier one, and every change naming something
/// the baseline lacks or with a value out of range. A baseline that is not TOML is one
/// diagnostic of file `baseline`.
pub fn apply_policy(
    base: &str,
    policy: &str,
    policy_name: &str,
) -> Result<PolicyApplied, ConfigError> {
    let mut cx = Collector::new(policy_name, policy);
    match draft(&mut cx, base, "baseline", policy)? {
        Some(draft) if !cx.has_errors() => Ok(draft.applied),
        // In the order found: the schema, conflicts, then each change in catalogue order.
        _ => Err(cx.into_error_as_found()),
    }
}

/// The problems of a policy that no baseline is needed to find: a TOML syntax error (only
/// that one), and every section, field or type its schema rejects, located in the policy
/// file in file order. For a policy whose baseline cannot be known (an unknown crossing of a
/// region, or a region that does not load), so that these come in the same pass.
pub(crate) fn schema_problems(policy: &str, policy_file: &str) -> Vec<Diagnostic> {
    let root = match DeTable::parse(policy) {
        Ok(root) => root,
        Err(e) => {
            return single(
                policy_file,
                policy,
                e.span().map_or(0, |s| s.start),
                String::new(),
                format!("TOML syntax error: {}", e.message()),
            )
            .diagnostics;
        }
    };
    let mut cx = Collector::with_spans(policy_file, policy, SpanIndex::build(&root));
    let _ = schema::read_policy(&mut cx, &root);
    let mut errors = cx.into_errors();
    crate::diagnostic::sort(&mut errors, policy_file);
    errors.dedup();
    errors
}

/// The scenario document as TOML, its sections in the order of a scenario file (`[scenario]`,
/// directions, programmes, classes, stations, sources, then any other), for a reader.
fn scenario_toml(doc: &Table) -> Result<String, toml::ser::Error> {
    const ORDER: [&str; 6] = [
        "scenario",
        "directions",
        "programmes",
        "classes",
        "stations",
        "sources",
    ];
    let rank = |key: &str| ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len());
    let mut keys: Vec<&String> = doc.keys().collect();
    keys.sort_by_key(|k| rank(k));
    let mut out = String::new();
    for key in keys {
        let mut one = Table::new();
        one.insert(key.clone(), doc[key.as_str()].clone());
        let text = toml::to_string(&one)?;
        if !out.is_empty() && !text.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
    }
    Ok(out)
}

/// A policy applied to a baseline, checks done, before the changed scenario is validated.
struct Draft {
    applied: PolicyApplied,
    /// The policy's changes, by section.
    sections: Vec<measure::Section>,
    /// The baseline document.
    baseline: Table,
    /// The changed document.
    doc: Table,
}

/// Reads the policy, checks its changes for conflicts and applies them to the baseline
/// `base` (file `base_file`), every problem reported to `cx`; `None` when the policy's
/// `[policy]` table cannot be read.
///
/// # Errors
///
/// A TOML syntax error in the policy (nothing else can be read), or a baseline that is not
/// TOML.
fn draft(
    cx: &mut Collector<'_>,
    base: &str,
    base_file: &str,
    policy: &str,
) -> Result<Option<Draft>, ConfigError> {
    let root = match DeTable::parse(policy) {
        Ok(root) => root,
        Err(e) => {
            return Err(single(
                cx.file(),
                policy,
                e.span().map_or(0, |s| s.start),
                String::new(),
                format!("TOML syntax error: {}", e.message()),
            ));
        }
    };
    cx.set_spans(SpanIndex::build(&root));
    // The baseline must at least be TOML; its own validation comes after the changes.
    let baseline: Table = toml::from_str(base).map_err(|e| {
        single(
            base_file,
            base,
            e.span().map_or(0, |s| s.start),
            String::new(),
            format!("the baseline is not valid TOML: {}", e.message()),
        )
    })?;
    let raw = schema::read_policy(cx, &root);
    let Some(raw) = raw else {
        return Ok(None);
    };
    let mut doc = baseline.clone();
    conflicts::check_conflicts(cx, &doc, &raw.sections);
    for section in &raw.sections {
        for (path, change) in section.entries() {
            change.apply(cx, &mut doc, &path);
        }
    }
    if let Some(Value::Table(scenario)) = doc.get_mut("scenario") {
        scenario.insert("name".into(), Value::String(raw.policy.name.clone()));
    }
    let scenario_text = match scenario_toml(&doc) {
        Ok(text) => text,
        Err(e) => {
            cx.error_at(0, "", format!("cannot write the changed scenario: {e}"));
            String::new()
        }
    };
    Ok(Some(Draft {
        applied: PolicyApplied {
            name: raw.policy.name,
            measure: raw.policy.measure,
            description: raw.policy.description,
            crossing: raw.policy.crossing,
            baseline: raw.policy.baseline,
            scenario_text,
        },
        sections: raw.sections,
        baseline,
        doc,
    }))
}

#[cfg(test)]
mod tests;
