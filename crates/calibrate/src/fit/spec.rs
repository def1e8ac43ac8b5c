//! The fit file: its fields, and the checks that locate every problem in it.

use bordersim_config::parse_duration;
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::FitError;
use super::paths::{get, number_of};

/// The default limit on simulation runs of a fit.
pub const DEFAULT_MAX_EVALUATIONS: u32 = 60;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFit {
    #[serde(default)]
    fit: RawSettings,
    #[serde(default)]
    parameter: Vec<RawParameter>,
    #[serde(default)]
    shortcuts: RawShortcuts,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    max_evaluations: Option<u32>,
    throughput_weight: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    path: String,
    min: Value,
    max: Value,
    hours: Option<[u8; 2]>,
    #[serde(default)]
    scale: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawShortcuts {
    #[serde(default)]
    lanes_from_observed: bool,
    #[serde(default)]
    demand: Vec<DemandShortcut>,
    #[serde(default)]
    standing_queue: Vec<StandingQueueShortcut>,
}

/// A lane group whose queue stands: its capacity by hour from the observed volume per
/// open lane, and its source's demand and initial queue inferred from the observed waits
/// smoothed over hour bands (see `standing.rs` and `docs/calibration.md`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StandingQueueShortcut {
    /// The source feeding the lane group: its `profile` becomes the inferred demand.
    pub source: String,
    /// The observed group's station.
    pub station: String,
    /// The observed group's lane group: its `service_factor_by_hour` and `initial_queue`
    /// are set.
    pub lane_group: String,
    /// Path of the service mean of the group's vehicles, set to one hour over the inferred
    /// per-lane rate (seconds); `None`: left as it is.
    pub service: Option<String>,
    /// First hours of the bands over which the observed wait is smoothed (0–23, strictly
    /// increasing; the last band runs to the first around midnight). Default: one band.
    #[serde(default = "one_band")]
    pub wait_bands: Vec<u8>,
}

fn one_band() -> Vec<u8> {
    vec![0]
}

/// A source whose hourly profile is set to a group's observed volumes.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DemandShortcut {
    /// The source's id.
    pub source: String,
    /// The observed group's station.
    pub station: String,
    /// The observed group's lane group (`None`: every one).
    pub lane_group: Option<String>,
    /// The observed group's class (`None`: every one).
    pub class: Option<String>,
    /// The observed group's programme (`None`: every one).
    pub programme: Option<String>,
}

/// What a parameter's values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A duration, in seconds (written `"12.5s"`).
    Seconds,
    /// A plain number (a factor, a rate, lanes).
    Number,
}

/// One free parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Its `[[override]]` path.
    pub path: String,
    /// Lower bound (seconds for a duration).
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// An hour band `[first, last]` of a list of 24 (or 168) hourly values.
    pub hours: Option<[u8; 2]>,
    /// A factor on the values at the path rather than the value itself.
    pub scale: bool,
    /// Seconds or a number.
    pub unit: Unit,
}

impl Parameter {
    /// The name reports give it: the path, with the band and `×` for a factor.
    pub fn name(&self) -> String {
        let mut n = self.path.clone();
        if let Some([a, b]) = self.hours {
            n.push_str(&format!("[{a}-{b}h]"));
        }
        if self.scale {
            n.push_str(" (factor)");
        }
        n
    }
}

/// A checked fit file.
#[derive(Clone, Debug, PartialEq)]
pub struct FitSpec {
    /// The free parameters, in file order.
    pub parameters: Vec<Parameter>,
    /// Set each observed lane group's `servers_by_hour` from the observed open lanes.
    pub lanes_from_observed: bool,
    /// Sources whose hourly profile becomes a group's observed volumes.
    pub demand: Vec<DemandShortcut>,
    /// Lane groups whose demand, capacity by hour and initial queue are inferred from a
    /// standing queue.
    pub standing_queue: Vec<StandingQueueShortcut>,
    /// Simulation runs at most.
    pub max_evaluations: u32,
    /// Weight of throughput errors against wait errors in the objective.
    pub throughput_weight: f64,
}

/// A value a fit file gives for a bound: a number, or a duration with a unit (seconds).
fn bound(v: &Value) -> Result<(f64, Unit), String> {
    match v {
        Value::Integer(i) => Ok((*i as f64, Unit::Number)),
        Value::Float(f) => Ok((*f, Unit::Number)),
        Value::String(s) => parse_duration(s).map(|ms| (ms / 1000.0, Unit::Seconds)),
        other => Err(format!("`{other}` is neither a number nor a duration")),
    }
}

/// Reads and checks a fit file against the scenario text it fits; `file` names it in
/// messages.
///
/// # Errors
///
/// [`FitError::Spec`] with every problem: bad TOML or an unknown field, a path the
/// scenario lacks (with the closest key), bounds that are not numbers or durations, a
/// minimum above the maximum, a duration bound on a plain number (or the reverse), an hour
/// band on a value that is not a list of 24 or 168 hourly values, or no parameter and no
/// shortcut.
pub fn parse_fit(text: &str, file: &str, scenario_text: &str) -> Result<FitSpec, FitError> {
    let raw: RawFit =
        toml::from_str(text).map_err(|e| FitError::Spec(vec![format!("{file}: {e}")]))?;
    let doc: Table =
        toml::from_str(scenario_text).map_err(|e| FitError::Scenario(e.to_string()))?;
    let mut problems = Vec::new();
    let mut parameters = Vec::new();
    for (i, p) in raw.parameter.iter().enumerate() {
        let at = format!("{file}: parameter[{i}] (`{}`)", p.path);
        let (min, max) = match (bound(&p.min), bound(&p.max)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) => {
                problems.push(format!("{at}, field min: {e}"));
                continue;
            }
            (_, Err(e)) => {
                problems.push(format!("{at}, field max: {e}"));
                continue;
            }
        };
        if min.1 != max.1 {
            problems.push(format!(
                "{at}: min and max must both be durations or both numbers"
            ));
            continue;
        }
        if !min.0.is_finite() || !max.0.is_finite() || min.0 > max.0 {
            problems.push(format!("{at}: min {} is above max {}", min.0, max.0));
            continue;
        }
        let value = match get(&doc, &p.path) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{at}, field path: {e}"));
                continue;
            }
        };
        let unit = if p.scale { Unit::Number } else { min.1 };
        if let Some([a, b]) = p.hours {
            let ok = matches!(value, Value::Array(v) if (v.len() == 24 || v.len() == 168) && v.iter().all(|x| number_of(x).is_some()));
            if !ok {
                problems.push(format!("{at}, field hours: an hour band needs a list of 24 or 168 hourly values at the path"));
                continue;
            }
            if a > b || b > 23 {
                problems.push(format!(
                    "{at}, field hours: [{a}, {b}] is not a band of hours 0–23 (first ≤ last)"
                ));
                continue;
            }
        } else if p.scale {
            let ok = match value {
                Value::Array(v) => v.iter().all(|x| number_of(x).is_some()),
                v => number_of(v).is_some(),
            };
            if !ok {
                problems.push(format!(
                    "{at}: a factor needs numbers or durations at the path"
                ));
                continue;
            }
        } else {
            match (value, unit) {
                (Value::String(s), Unit::Seconds) if parse_duration(s).is_ok() => {}
                (Value::Integer(_) | Value::Float(_), Unit::Number) => {}
                (Value::String(_), Unit::Number) => {
                    problems.push(format!("{at}: the value there is a duration; give min and max as durations (e.g. \"20s\")"));
                    continue;
                }
                (Value::Integer(_) | Value::Float(_), Unit::Seconds) => {
                    problems.push(format!(
                        "{at}: the value there is a number; give min and max as numbers"
                    ));
                    continue;
                }
                _ => {
                    problems.push(format!("{at}: the value there is neither a number nor a duration; give an hour band or another path"));
                    continue;
                }
            }
        }
        parameters.push(Parameter {
            path: p.path.clone(),
            min: min.0,
            max: max.0,
            hours: p.hours,
            scale: p.scale,
            unit,
        });
    }
    for (i, d) in raw.shortcuts.demand.iter().enumerate() {
        if let Err(e) = get(&doc, &format!("sources.{}", d.source)) {
            problems.push(format!("{file}: shortcuts.demand[{i}], field source: {e}"));
        }
    }
    for (i, q) in raw.shortcuts.standing_queue.iter().enumerate() {
        let at = format!("{file}: shortcuts.standing_queue[{i}]");
        if let Err(e) = get(&doc, &format!("sources.{}", q.source)) {
            problems.push(format!("{at}, field source: {e}"));
        }
        if let Err(e) = get(
            &doc,
            &format!("stations.{}.lanes.{}", q.station, q.lane_group),
        ) {
            problems.push(format!("{at}, field lane_group: {e}"));
        }
        if let Some(path) = &q.service {
            match get(&doc, path) {
                Ok(Value::String(s)) if parse_duration(s).is_ok() => {}
                Ok(_) => problems.push(format!("{at}, field service: `{path}` is not a duration")),
                Err(e) => problems.push(format!("{at}, field service: {e}")),
            }
        }
        let b = &q.wait_bands;
        if b.is_empty() || b.iter().any(|&h| h > 23) || b.windows(2).any(|w| w[0] >= w[1]) {
            problems.push(format!(
                "{at}, field wait_bands: {b:?} must be first hours 0–23, strictly increasing"
            ));
        }
    }
    let max_evaluations = raw.fit.max_evaluations.unwrap_or(DEFAULT_MAX_EVALUATIONS);
    if max_evaluations == 0 {
        problems.push(format!("{file}: fit.max_evaluations must be at least 1"));
    }
    let throughput_weight = raw.fit.throughput_weight.unwrap_or(1.0);
    if !throughput_weight.is_finite() || throughput_weight < 0.0 {
        problems.push(format!(
            "{file}: fit.throughput_weight must be a number ≥ 0"
        ));
    }
    if raw.parameter.is_empty()
        && !raw.shortcuts.lanes_from_observed
        && raw.shortcuts.demand.is_empty()
        && raw.shortcuts.standing_queue.is_empty()
    {
        problems.push(format!(
            "{file}: nothing to fit: give [[parameter]] entries or [shortcuts]"
        ));
    }
    if !problems.is_empty() {
        return Err(FitError::Spec(problems));
    }
    Ok(FitSpec {
        parameters,
        lanes_from_observed: raw.shortcuts.lanes_from_observed,
        demand: raw.shortcuts.demand,
        standing_queue: raw.shortcuts.standing_queue,
        max_evaluations,
        throughput_weight,
    })
}
