//! The fit file: its fields, and the checks that locate every problem in it.

use bordersim_config::parse_duration;
use serde::{Deserialize, Serialize};
use toml::{Spanned, Table, Value};

use super::FitError;
use super::locate::FitFile;
use super::paths::{get, number_of};

/// The default limit on simulation runs of a fit.
pub const DEFAULT_MAX_EVALUATIONS: u32 = 60;

/// A fit file as written (`[fit]`, `[[parameter]]`, `[shortcuts]`): the type its loader
/// reads, so that `bordersim schema fit` describes exactly the keys it accepts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFit {
    #[serde(default)]
    fit: RawSettings,
    #[serde(default)]
    parameter: Vec<RawParameter>,
    #[serde(default)]
    shortcuts: RawShortcuts,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    max_evaluations: Option<Spanned<u32>>,
    throughput_weight: Option<Spanned<f64>>,
    #[serde(default)]
    include_censored: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    path: Spanned<String>,
    min: Spanned<Value>,
    max: Spanned<Value>,
    hours: Option<Spanned<[u8; 2]>>,
    #[serde(default)]
    scale: bool,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawShortcuts {
    #[serde(default)]
    lanes_from_observed: bool,
    #[serde(default)]
    demand: Vec<RawDemand>,
    #[serde(default)]
    standing_queue: Vec<Spanned<RawStanding>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemand {
    source: Spanned<String>,
    station: Spanned<String>,
    lane_group: Option<Spanned<String>>,
    class: Option<Spanned<String>>,
    programme: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStanding {
    source: Spanned<String>,
    station: Spanned<String>,
    lane_group: Spanned<String>,
    service: Option<Spanned<String>>,
    wait_bands: Option<Spanned<Vec<u8>>>,
}

/// A lane group whose queue stands: its capacity by hour from the observed volume per
/// open lane, and its source's demand and initial queue inferred from the observed waits
/// smoothed over hour bands (see `standing.rs` and `docs/calibration.md`).
#[derive(Clone, Debug, PartialEq)]
pub struct StandingQueueShortcut {
    /// Where it is written: `file:line:column` of its entry in the fit file and its field
    /// path, so that what the observations lack for it is located there.
    pub at: String,
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
    pub wait_bands: Vec<u8>,
}

/// A source whose hourly profile is set to a group's observed volumes.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandShortcut {
    /// Where it is written: `file:line:column` of its entry in the fit file and its field
    /// path, so that what the observations lack for it is located there.
    pub at: String,
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
    /// Count the waits of censored hours in the objective and the measures (`[fit]
    /// include_censored`, or `calibrate --include-censored`); by default they are left out.
    pub include_censored: bool,
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
/// messages, each of which starts `file:line:column:` and names the field.
///
/// # Errors
///
/// [`FitError::Spec`] with every problem: bad TOML, an unknown field or a value of the
/// wrong type, a path the scenario lacks (with the closest key), bounds that are not finite
/// numbers or durations, a minimum above the maximum, a duration bound on a plain number (or
/// the reverse), an hour band on a value that is not a list of 24 or 168 hourly values; a
/// shortcut naming a source, station, lane group, class or programme the scenario lacks, a
/// standing queue on a source that does not enter its station, bands that are not first
/// hours 0–23 in increasing order, two shortcuts setting the same lane group or source; or
/// no parameter and no shortcut.
pub fn parse_fit(text: &str, file: &str, scenario_text: &str) -> Result<FitSpec, FitError> {
    let fit_file = FitFile { name: file, text };
    let raw: RawFit =
        toml::from_str(text).map_err(|e| FitError::Spec(vec![fit_file.toml_error(&e)]))?;
    let doc: Table =
        toml::from_str(scenario_text).map_err(|e| FitError::Scenario(e.to_string()))?;
    let mut problems = Vec::new();
    let parameters = parameters(&raw.parameter, &fit_file, &doc, &mut problems);
    let demand = demand_shortcuts(&raw.shortcuts.demand, &fit_file, &doc, &mut problems);
    let standing_queue = standing_shortcuts(
        &raw.shortcuts.standing_queue,
        &fit_file,
        &doc,
        &mut problems,
    );
    // Two shortcuts writing the same source profile or lane group: the last would silently
    // undo the first.
    let mut writers: Vec<(String, String)> = Vec::new();
    let mut claim = |what: String, at: &str, problems: &mut Vec<String>| {
        if let Some((_, first)) = writers.iter().find(|(w, _)| *w == what) {
            problems.push(format!(
                "{at}: {what} is already set by the shortcut at {first}"
            ));
        } else {
            writers.push((what, at.to_owned()));
        }
    };
    for d in &demand {
        claim(format!("source `{}`", d.source), &d.at, &mut problems);
    }
    for q in &standing_queue {
        claim(format!("source `{}`", q.source), &q.at, &mut problems);
        claim(
            format!("lane group `{}` of station `{}`", q.lane_group, q.station),
            &q.at,
            &mut problems,
        );
    }
    let max_evaluations = raw
        .fit
        .max_evaluations
        .as_ref()
        .map_or(DEFAULT_MAX_EVALUATIONS, |m| *m.get_ref());
    if let Some(m) = &raw.fit.max_evaluations
        && max_evaluations == 0
    {
        problems.push(format!(
            "{}: fit.max_evaluations must be at least 1",
            fit_file.at(&m.span())
        ));
    }
    let throughput_weight = raw
        .fit
        .throughput_weight
        .as_ref()
        .map_or(1.0, |w| *w.get_ref());
    if let Some(w) = &raw.fit.throughput_weight
        && (!throughput_weight.is_finite() || throughput_weight < 0.0)
    {
        problems.push(format!(
            "{}: fit.throughput_weight must be a number ≥ 0",
            fit_file.at(&w.span())
        ));
    }
    if raw.parameter.is_empty()
        && !raw.shortcuts.lanes_from_observed
        && raw.shortcuts.demand.is_empty()
        && raw.shortcuts.standing_queue.is_empty()
    {
        problems.push(format!(
            "{file}:1:1: nothing to fit: give [[parameter]] entries or [shortcuts]"
        ));
    }
    if !problems.is_empty() {
        return Err(FitError::Spec(problems));
    }
    Ok(FitSpec {
        parameters,
        lanes_from_observed: raw.shortcuts.lanes_from_observed,
        demand,
        standing_queue,
        max_evaluations,
        throughput_weight,
        include_censored: raw.fit.include_censored,
    })
}

/// The free parameters, each checked against the scenario; problems go to `problems`.
fn parameters(
    raw: &[RawParameter],
    f: &FitFile<'_>,
    doc: &Table,
    problems: &mut Vec<String>,
) -> Vec<Parameter> {
    let mut parameters = Vec::new();
    for (i, p) in raw.iter().enumerate() {
        let path = p.path.get_ref();
        let at =
            |span: std::ops::Range<usize>| format!("{}: parameter[{i}] (`{path}`)", f.at(&span));
        let (min, max) = match (bound(p.min.get_ref()), bound(p.max.get_ref())) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) => {
                problems.push(format!("{}, field min: {e}", at(p.min.span())));
                continue;
            }
            (_, Err(e)) => {
                problems.push(format!("{}, field max: {e}", at(p.max.span())));
                continue;
            }
        };
        if min.1 != max.1 {
            problems.push(format!(
                "{}, field max: min and max must both be durations or both numbers",
                at(p.max.span())
            ));
            continue;
        }
        if !min.0.is_finite() || !max.0.is_finite() {
            let (field, span) = if min.0.is_finite() {
                ("max", p.max.span())
            } else {
                ("min", p.min.span())
            };
            problems.push(format!(
                "{}, field {field}: the bound must be finite",
                at(span)
            ));
            continue;
        }
        if min.0 > max.0 {
            problems.push(format!(
                "{}, field min: min {} is above max {}",
                at(p.min.span()),
                min.0,
                max.0
            ));
            continue;
        }
        let value = match get(doc, path) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{}, field path: {e}", at(p.path.span())));
                continue;
            }
        };
        let unit = if p.scale { Unit::Number } else { min.1 };
        if let Some(hours) = &p.hours {
            let [a, b] = *hours.get_ref();
            let ok = matches!(value, Value::Array(v) if (v.len() == 24 || v.len() == 168) && v.iter().all(|x| number_of(x).is_some()));
            if !ok {
                problems.push(format!("{}, field hours: an hour band needs a list of 24 or 168 hourly values at the path", at(hours.span())));
                continue;
            }
            if a > b || b > 23 {
                problems.push(format!(
                    "{}, field hours: [{a}, {b}] is not a band of hours 0–23 (first ≤ last)",
                    at(hours.span())
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
                    "{}, field path: a factor needs numbers or durations at the path",
                    at(p.path.span())
                ));
                continue;
            }
        } else {
            let here = at(p.path.span());
            match (value, unit) {
                (Value::String(s), Unit::Seconds) if parse_duration(s).is_ok() => {}
                (Value::Integer(_) | Value::Float(_), Unit::Number) => {}
                (Value::String(_), Unit::Number) => {
                    problems.push(format!("{here}, field path: the value there is a duration; give min and max as durations (e.g. \"20s\")"));
                    continue;
                }
                (Value::Integer(_) | Value::Float(_), Unit::Seconds) => {
                    problems.push(format!(
                        "{here}, field path: the value there is a number; give min and max as numbers"
                    ));
                    continue;
                }
                _ => {
                    problems.push(format!("{here}, field path: the value there is neither a number nor a duration; give an hour band or another path"));
                    continue;
                }
            }
        }
        parameters.push(Parameter {
            path: path.clone(),
            min: min.0,
            max: max.0,
            hours: p.hours.as_ref().map(|h| *h.get_ref()),
            scale: p.scale,
            unit,
        });
    }
    parameters
}

/// A problem with `path` in the scenario (`id` named), as a message, or `None`.
fn missing(doc: &Table, path: &str) -> Option<String> {
    get(doc, path).err()
}

/// The demand shortcuts, each name checked against the scenario.
fn demand_shortcuts(
    raw: &[RawDemand],
    f: &FitFile<'_>,
    doc: &Table,
    problems: &mut Vec<String>,
) -> Vec<DemandShortcut> {
    let mut out = Vec::new();
    for (i, d) in raw.iter().enumerate() {
        let at = |span: &Spanned<String>| format!("{}: shortcuts.demand[{i}]", f.at(&span.span()));
        let mut check = |field: &str, s: &Spanned<String>, path: String| {
            if let Some(e) = missing(doc, &path) {
                problems.push(format!("{}, field {field}: {e}", at(s)));
            }
        };
        check(
            "source",
            &d.source,
            format!("sources.{}", d.source.get_ref()),
        );
        check(
            "station",
            &d.station,
            format!("stations.{}", d.station.get_ref()),
        );
        if let Some(g) = &d.lane_group {
            check(
                "lane_group",
                g,
                format!("stations.{}.lanes.{}", d.station.get_ref(), g.get_ref()),
            );
        }
        if let Some(c) = &d.class {
            check("class", c, format!("classes.{}", c.get_ref()));
        }
        if let Some(p) = &d.programme
            && p.get_ref() != "none"
        {
            check("programme", p, format!("programmes.{}", p.get_ref()));
        }
        let name = |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.get_ref().clone());
        out.push(DemandShortcut {
            at: at(&d.source),
            source: d.source.get_ref().clone(),
            station: d.station.get_ref().clone(),
            lane_group: name(&d.lane_group),
            class: name(&d.class),
            programme: name(&d.programme),
        });
    }
    out
}

/// The standing-queue shortcuts, each checked against the scenario.
fn standing_shortcuts(
    raw: &[Spanned<RawStanding>],
    f: &FitFile<'_>,
    doc: &Table,
    problems: &mut Vec<String>,
) -> Vec<StandingQueueShortcut> {
    let mut out = Vec::new();
    for (i, entry) in raw.iter().enumerate() {
        let q = entry.get_ref();
        let at = |span: std::ops::Range<usize>| {
            format!("{}: shortcuts.standing_queue[{i}]", f.at(&span))
        };
        let (source, station, group) = (
            q.source.get_ref(),
            q.station.get_ref(),
            q.lane_group.get_ref(),
        );
        match get(doc, &format!("sources.{source}")) {
            Err(e) => problems.push(format!("{}, field source: {e}", at(q.source.span()))),
            Ok(Value::Table(s)) => {
                if let Some(Value::String(entry)) = s.get("entry")
                    && entry != station
                {
                    problems.push(format!(
                        "{}, field source: source `{source}` enters station `{entry}`, not \
                         `{station}`: its demand would not reach the lane group",
                        at(q.source.span())
                    ));
                }
            }
            Ok(_) => {}
        }
        if let Some(e) = missing(doc, &format!("stations.{station}")) {
            problems.push(format!("{}, field station: {e}", at(q.station.span())));
        } else if let Some(e) = missing(doc, &format!("stations.{station}.lanes.{group}")) {
            problems.push(format!(
                "{}, field lane_group: {e}",
                at(q.lane_group.span())
            ));
        }
        if let Some(path) = &q.service {
            let here = at(path.span());
            match get(doc, path.get_ref()) {
                Ok(Value::String(s)) if parse_duration(s).is_ok() => {}
                Ok(_) => problems.push(format!(
                    "{here}, field service: `{}` is not a duration",
                    path.get_ref()
                )),
                Err(e) => problems.push(format!("{here}, field service: {e}")),
            }
        }
        let wait_bands = q
            .wait_bands
            .as_ref()
            .map_or_else(|| vec![0], |b| b.get_ref().clone());
        if let Some(b) = &q.wait_bands {
            let v = b.get_ref();
            if v.is_empty() || v.iter().any(|&h| h > 23) || v.windows(2).any(|w| w[0] >= w[1]) {
                problems.push(format!(
                    "{}, field wait_bands: {v:?} must be first hours 0–23, strictly increasing",
                    at(b.span())
                ));
            }
        }
        out.push(StandingQueueShortcut {
            at: at(entry.span()),
            source: source.clone(),
            station: station.clone(),
            lane_group: group.clone(),
            service: q.service.as_ref().map(|s| s.get_ref().clone()),
            wait_bands,
        });
    }
    out
}
