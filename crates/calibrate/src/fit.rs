//! Fitting free parameters to observations: the fit file, the shortcuts (lanes from the
//! observed open lanes, demand from the observed volumes) and a bounded Nelder–Mead search
//! (argmin) on common random numbers.
//!
//! ```toml
//! [fit]
//! max_evaluations = 60      # simulation runs at most (default 60)
//! throughput_weight = 1.0   # weight of throughput errors against wait errors
//!
//! [[parameter]]
//! path = "stations.primary.service_by_programme.ready.mean"
//! min = "20s"
//! max = "2min"
//!
//! [[parameter]]                 # one value for an hour band of a 24-hour (or 168-hour) list
//! path = "sources.cars.profile"
//! hours = [6, 9]                # hours 6 to 9 inclusive
//! scale = true                  # a factor on the values there
//! min = 0.5
//! max = 2.0
//!
//! [shortcuts]
//! lanes_from_observed = true    # servers_by_hour of each observed lane group from open_lanes
//! demand = [{ source = "cars", station = "primary", lane_group = "general" }]
//! ```
//!
//! A parameter's path is an `[[override]]` path: dot-separated keys, an entry of a list of
//! tables named by its `id`. Every evaluation runs the same replications with the same
//! seed, so the objective changes only with the parameters and the fit is deterministic.

use std::cell::RefCell;

use argmin::core::{CostFunction, Executor};
use argmin::solver::neldermead::NelderMead;
use bordersim_config::{FileReader, parse_duration, parse_scenario_with};
use bordersim_experiment::{ExperimentError, Progress, RunOptions};
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::compare::Calibration;
use crate::observed::{Observations, suggestion};

/// The default limit on simulation runs of a fit.
pub const DEFAULT_MAX_EVALUATIONS: u32 = 60;

/// Why a fit could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// The fit file is wrong: every problem, located by its file and field.
    #[error("{}", .0.join("\n"))]
    Spec(Vec<String>),
    /// The scenario with the shortcuts or the initial values applied is invalid.
    #[error("the scenario with the fit's changes is invalid: {0}")]
    Scenario(String),
    /// A run failed.
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
    /// The optimiser stopped on an error.
    #[error("the optimiser failed: {0}")]
    Optimiser(String),
}

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

/// The value at `path` in `doc` (an entry of a list of tables named by its `id`).
fn get<'a>(doc: &'a Table, path: &str) -> Result<&'a Value, String> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut table = doc;
    let mut i = 0;
    while i < parts.len() {
        let key = parts[i];
        let value = table.get(key).ok_or_else(|| {
            format!(
                "no `{key}` at `{}`{}",
                parts[..i].join("."),
                suggestion(key, table.keys().map(String::as_str))
            )
        })?;
        if i + 1 == parts.len() {
            return Ok(value);
        }
        match value {
            Value::Table(t) => table = t,
            Value::Array(entries) if entries.iter().all(Value::is_table) => {
                let id = parts[i + 1];
                let ids: Vec<&str> = entries
                    .iter()
                    .filter_map(|e| e.get("id").and_then(Value::as_str))
                    .collect();
                let entry = entries
                    .iter()
                    .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
                    .ok_or_else(|| format!("`{key}` has no entry `{id}`{}", suggestion(id, ids)))?;
                if i + 2 == parts.len() {
                    return Ok(entry);
                }
                table = entry.as_table().ok_or("not a table")?;
                i += 1;
            }
            _ => {
                return Err(format!(
                    "`{key}` is not a table: `{path}` goes through a value"
                ));
            }
        }
        i += 1;
    }
    Err("the path is empty".into())
}

/// The value at `path` in `doc`, for writing (the path exists: checked by [`get`]).
fn get_mut<'a>(doc: &'a mut Table, path: &str) -> Option<&'a mut Value> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut table = doc;
    let mut i = 0;
    loop {
        let key = parts[i];
        if i + 1 == parts.len() {
            return table.get_mut(key);
        }
        match table.get_mut(key)? {
            Value::Table(t) => table = t,
            Value::Array(entries) => {
                let id = parts[i + 1];
                let entry = entries
                    .iter_mut()
                    .find(|e| e.get("id").and_then(Value::as_str) == Some(id))?;
                if i + 2 == parts.len() {
                    return Some(entry);
                }
                table = entry.as_table_mut()?;
                i += 1;
            }
            _ => return None,
        }
        i += 1;
    }
}

/// The number a value holds: seconds of a duration string, else the number.
fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => parse_duration(s).ok().map(|ms| ms / 1000.0),
        _ => None,
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
        max_evaluations,
        throughput_weight,
    })
}

/// Writes `x` (seconds or a number) as the kind of value `like` is.
fn like(like: &Value, x: f64) -> Value {
    match like {
        Value::String(_) => Value::String(format!("{}ms", (x * 1000.0).round().max(0.0))),
        Value::Integer(_) => Value::Integer(x.round().max(0.0) as i64),
        _ => Value::Float(x),
    }
}

/// Sets parameter `p` to `x` in `doc` (its initial values read from `base`).
fn set(doc: &mut Table, base: &Table, p: &Parameter, x: f64) {
    let Ok(original) = get(base, &p.path).cloned() else {
        return;
    };
    let Some(target) = get_mut(doc, &p.path) else {
        return;
    };
    let value = |old: &Value| {
        if p.scale {
            like(old, number_of(old).unwrap_or(0.0) * x)
        } else {
            like(old, x)
        }
    };
    match (&original, p.hours) {
        (Value::Array(values), Some([a, b])) => {
            let new: Vec<Value> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let h = (i % 24) as u8;
                    if (a..=b).contains(&h) {
                        value(v)
                    } else {
                        v.clone()
                    }
                })
                .collect();
            *target = Value::Array(new);
        }
        (Value::Array(values), None) => {
            *target = Value::Array(values.iter().map(value).collect());
        }
        (v, _) => *target = value(v),
    }
}

/// The initial value of parameter `p` in `doc`, within its bounds: the value there (the
/// band's mean for an hour band), or 1 for a factor.
fn initial(doc: &Table, p: &Parameter) -> f64 {
    let x = if p.scale {
        1.0
    } else {
        match (get(doc, &p.path), p.hours) {
            (Ok(Value::Array(v)), Some([a, b])) => {
                let band: Vec<f64> = v
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (a..=b).contains(&((i % 24) as u8)))
                    .filter_map(|(_, x)| number_of(x))
                    .collect();
                band.iter().sum::<f64>() / band.len().max(1) as f64
            }
            (Ok(v), _) => number_of(v).unwrap_or(p.min),
            _ => p.min,
        }
    };
    x.clamp(p.min, p.max)
}

/// The shortcuts applied to `doc`; returns what was changed, in words.
fn shortcuts(doc: &mut Table, spec: &FitSpec, observations: &Observations) -> Vec<String> {
    let mut done = Vec::new();
    let groups = observations.by_group();
    if spec.lanes_from_observed {
        for (key, hours) in &groups {
            let Some(group) = &key.lane_group else {
                continue;
            };
            if hours.iter().all(|h| h.open_lanes.is_none()) {
                continue;
            }
            let path = format!("stations.{}.lanes.{group}", key.station);
            let Some(Value::Table(lane)) = get_mut(doc, &path) else {
                continue;
            };
            // Hours without an observation keep the lanes they had.
            let mut by_hour: Vec<Value> = match lane.get("servers_by_hour") {
                Some(Value::Array(v)) if v.len() == 24 => v.clone(),
                _ => vec![lane.get("servers").cloned().unwrap_or(Value::Integer(1)); 24],
            };
            for h in hours {
                if let Some(l) = h.open_lanes {
                    by_hour[usize::from(h.hour)] = Value::Integer(l.round() as i64);
                }
            }
            lane.remove("servers");
            lane.remove("servers_by_day");
            lane.insert("servers_by_hour".into(), Value::Array(by_hour));
            done.push(format!(
                "{path}.servers_by_hour from the observed open lanes"
            ));
        }
    }
    for d in &spec.demand {
        let key = crate::observed::GroupKey {
            station: d.station.clone(),
            lane_group: d.lane_group.clone(),
            class: d.class.clone(),
            programme: d.programme.clone(),
        };
        let Some(hours) = groups.get(&key) else {
            continue;
        };
        let path = format!("sources.{}", d.source);
        let Some(Value::Table(source)) = get_mut(doc, &path) else {
            continue;
        };
        let mut profile: Vec<Value> = match source.get("profile") {
            Some(Value::Array(v)) if v.len() == 24 => v.clone(),
            _ => vec![Value::Float(0.0); 24],
        };
        for h in hours {
            if let Some(v) = h.volume {
                profile[usize::from(h.hour)] = Value::Float(v);
            }
        }
        for k in ["rate", "profile_by_day", "day_factors"] {
            source.remove(k);
        }
        source.insert("profile".into(), Value::Array(profile));
        done.push(format!(
            "{path}.profile from the observed volumes of {}",
            key.name()
        ));
    }
    done
}

/// One fitted parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedParameter {
    /// The parameter's name (its path, band and `(factor)`).
    pub name: String,
    /// Its `[[override]]` path.
    pub path: String,
    /// The hour band, if any.
    pub hours: Option<[u8; 2]>,
    /// Seconds or a number.
    pub unit: Unit,
    /// The fitted value.
    pub value: f64,
    /// The value the fit started from.
    pub initial: f64,
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// Whether the fitted value lies at a bound (within 0.1% of the range): the data pull
    /// past it.
    pub at_bound: bool,
}

/// A fit: the parameters found, and the model against the data before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitReport {
    /// The free parameters, in the fit file's order.
    pub parameters: Vec<FittedParameter>,
    /// The shortcuts applied, in words.
    pub shortcuts: Vec<String>,
    /// Simulation runs made by the search (each of every replication).
    pub evaluations: u32,
    /// Wall-clock seconds of the fit (filled in by the caller that timed it).
    pub wall_s: f64,
    /// `wall_s / evaluations`.
    pub seconds_per_evaluation: f64,
    /// The scenario as given, against the data.
    pub before: Calibration,
    /// The calibrated scenario, against the data.
    pub after: Calibration,
}

/// A fit and the calibrated scenario's text.
#[derive(Clone, Debug)]
pub struct Fitted {
    /// The parameters, before and after.
    pub report: FitReport,
    /// The calibrated scenario as TOML (seed and replications those of the fit, so that
    /// `bordersim run` of it reproduces `report.after`).
    pub scenario_toml: String,
}

struct Problem<'a> {
    base: Table,
    spec: &'a FitSpec,
    file: &'a str,
    reader: FileReader<'a>,
    observations: &'a Observations,
    options: &'a RunOptions,
    progress: &'a dyn Progress,
    /// Evaluations made, and the points evaluated with their objective (an evaluation
    /// asked again is not run again).
    memo: RefCell<Vec<(Vec<f64>, f64)>>,
}

/// The parameters of a point of the unit cube (each coordinate clamped to [0, 1]).
fn point(spec: &FitSpec, u: &[f64]) -> Vec<f64> {
    spec.parameters
        .iter()
        .zip(u)
        .map(|(p, &x)| p.min + x.clamp(0.0, 1.0) * (p.max - p.min))
        .collect()
}

impl Problem<'_> {
    fn doc(&self, values: &[f64]) -> Table {
        let mut doc = self.base.clone();
        for (p, &x) in self.spec.parameters.iter().zip(values) {
            set(&mut doc, &self.base, p, x);
        }
        doc
    }

    fn evaluate(&self, values: &[f64]) -> Result<Option<(Calibration, String)>, FitError> {
        let doc = self.doc(values);
        let text = toml::to_string(&doc).map_err(|e| FitError::Scenario(e.to_string()))?;
        let scenario = match parse_scenario_with(&text, self.file, self.reader) {
            Ok(l) => l.scenario,
            Err(_) => return Ok(None),
        };
        let (_, c) = match crate::assess(
            &scenario,
            self.observations,
            self.options,
            self.spec.throughput_weight,
            self.progress,
        ) {
            Ok(r) => r,
            // Overloaded at these values: a bad point, not a failure of the fit.
            Err(ExperimentError::Unstable { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(Some((c, text)))
    }
}

/// The objective of an invalid or overloaded point: worse than any the data give.
const INFEASIBLE: f64 = 1e12;

/// The objective as argmin sees it (argmin owns its problem; the memo stays with the fit).
struct Cost<'p, 'a>(&'p Problem<'a>);

impl CostFunction for Cost<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        self.0.cost(u)
    }
}

impl Problem<'_> {
    fn cost(&self, u: &[f64]) -> Result<f64, argmin::core::Error> {
        if let Some((_, v)) = self.memo.borrow().iter().find(|(p, _)| p == u) {
            return Ok(*v);
        }
        if self.memo.borrow().len() >= self.spec.max_evaluations as usize {
            // Out of evaluations: refuse every new point so the search stands still.
            return Ok(INFEASIBLE);
        }
        let values = point(self.spec, u);
        // A point outside the cube is evaluated at its projection, plus a penalty that
        // leads the search back.
        let outside: f64 = u.iter().map(|&x| (x - x.clamp(0.0, 1.0)).powi(2)).sum();
        let value = match self.evaluate(&values) {
            Ok(Some((c, _))) => c.objective * (1.0 + outside) + outside,
            Ok(None) => INFEASIBLE,
            Err(e) => return Err(argmin::core::Error::msg(e.to_string())),
        };
        self.memo.borrow_mut().push((u.to_vec(), value));
        Ok(value)
    }
}

/// Fits `spec`'s free parameters of the scenario `scenario_text` (file `file`, its trace
/// files read with `reader`) to `observations`: the shortcuts applied first, then a bounded
/// Nelder–Mead search over the parameters (none: the shortcuts alone), each evaluation a run
/// with `options` (common random numbers). `progress` hears of every replication run.
///
/// # Errors
///
/// [`FitError::Scenario`] when the scenario with the shortcuts is invalid, or the fitted
/// one cannot be written; [`FitError::Experiment`] when a run fails otherwise than by
/// overload; [`FitError::Optimiser`] when the search stops on an error.
pub fn fit(
    scenario_text: &str,
    file: &str,
    reader: FileReader<'_>,
    observations: &Observations,
    spec: &FitSpec,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Fitted, FitError> {
    let original: Table =
        toml::from_str(scenario_text).map_err(|e| FitError::Scenario(e.to_string()))?;
    let before_scenario = parse_scenario_with(scenario_text, file, reader)
        .map_err(|e| FitError::Scenario(e.to_string()))?
        .scenario;
    let (_, before) = crate::assess(
        &before_scenario,
        observations,
        options,
        spec.throughput_weight,
        progress,
    )?;
    let mut base = original.clone();
    let applied = shortcuts(&mut base, spec, observations);
    // The run settings of the fit go into the calibrated scenario, so that running it
    // reproduces the fit.
    if let Some(Value::Table(s)) = base.get_mut("scenario") {
        s.insert("seed".into(), Value::Integer(options.seed as i64));
        s.insert(
            "replications".into(),
            Value::Integer(i64::from(options.replications)),
        );
    }
    let initial_values: Vec<f64> = spec.parameters.iter().map(|p| initial(&base, p)).collect();
    let problem = Problem {
        base,
        spec,
        file,
        reader,
        observations,
        options,
        progress,
        memo: RefCell::new(Vec::new()),
    };
    let n = spec.parameters.len();
    let best_values = if n == 0 {
        Vec::new()
    } else {
        let u0: Vec<f64> = spec
            .parameters
            .iter()
            .zip(&initial_values)
            .map(|(p, &x)| {
                if p.max > p.min {
                    (x - p.min) / (p.max - p.min)
                } else {
                    0.0
                }
            })
            .collect();
        // The first simplex: the start and one step of a quarter of the range along each
        // axis, towards the middle of the range.
        let mut simplex = vec![u0.clone()];
        for i in 0..n {
            let mut v = u0.clone();
            v[i] += if v[i] > 0.5 { -0.25 } else { 0.25 };
            simplex.push(v);
        }
        let solver = NelderMead::new(simplex)
            .with_sd_tolerance(1e-6)
            .map_err(|e| FitError::Optimiser(e.to_string()))?;
        let result = Executor::new(Cost(&problem), solver)
            .configure(|s| s.max_iters(u64::from(spec.max_evaluations)))
            .run()
            .map_err(|e| FitError::Optimiser(e.to_string()))?;
        // The best point evaluated (the memo holds every one, in order; the first best
        // wins a tie, so the result does not depend on the solver's bookkeeping).
        let memo = problem.memo.borrow();
        let best = memo
            .iter()
            .fold(None::<&(Vec<f64>, f64)>, |b, m| match b {
                Some(b) if b.1 <= m.1 => Some(b),
                _ => Some(m),
            })
            .map(|(u, _)| u.clone())
            .or_else(|| result.state.best_param.clone())
            .unwrap_or(u0);
        point(spec, &best)
    };
    let evaluations = problem.memo.borrow().len() as u32;
    let (after, text) = problem
        .evaluate(&best_values)?
        .ok_or_else(|| FitError::Scenario("the fitted scenario is invalid or overloaded".into()))?;
    let parameters = spec
        .parameters
        .iter()
        .zip(&best_values)
        .zip(&initial_values)
        .map(|((p, &value), &initial)| {
            let tol = 1e-3 * (p.max - p.min);
            FittedParameter {
                name: p.name(),
                path: p.path.clone(),
                hours: p.hours,
                unit: p.unit,
                value,
                initial,
                min: p.min,
                max: p.max,
                at_bound: p.max > p.min && (value - p.min <= tol || p.max - value <= tol),
            }
        })
        .collect();
    let header = format!(
        "# Calibrated by `bordersim calibrate` from {file}: the fitted parameters and shortcuts\n\
         # below are set; seed and replications are those of the fit, so `bordersim run` of this\n\
         # file reproduces the fit's simulated values.\n"
    );
    Ok(Fitted {
        report: FitReport {
            parameters,
            shortcuts: applied,
            evaluations,
            wall_s: 0.0,
            seconds_per_evaluation: 0.0,
            before,
            after,
        },
        scenario_toml: header + &text,
    })
}
