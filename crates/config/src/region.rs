//! The region file format: several crossings, zones on both sides of the border, travel
//! times, tolls and origin–destination demand. TOML in, a validated
//! [`bordersim_experiment::region::RegionModel`] out.
//!
//! ```toml
//! [region]
//! name = "San Diego–Tijuana"
//! sides = ["mx", "us"]          # exactly two; a direction is named by the side it leaves
//! replications = 4              # optional, default 4
//! seed = 1                      # optional, default 1
//! horizon = "2d"                # optional: every crossing's run length (else its own)
//! warmup = "1d"                 # optional: every crossing's warm-up (else its own)
//! elasticity_per_day = -0.01    # optional, default −0.01 (Djankov, Freund & Pham 2010)
//!
//! [equilibrium]                 # optional
//! max_iterations = 50           # default 50
//! tolerance = 0.02              # default 0.02: converged when the gap is below it
//! averaging = "self_regulated"  # default; or "msa" (steps 1/n, or k^d-weighted)
//! worse = 1.5                   # self_regulated: β grows by this when the gap rose
//! better = 0.3                  #                 and by this when it fell
//! exponent = 0                  # msa: response k weighs k^exponent
//!
//! [choice]                      # optional; defaults from the SANDAG SR-11 OME model
//! time_coefficient = -0.025     # utils per generalized minute (the logit scale)
//! border_weight = 2.5           # a border minute weighs 2.5 driving minutes
//! toll_weight = 1.0             # a toll's minutes (toll / value of time) weigh this much
//!
//! [[zones]]
//! id = "tijuana_east"
//! side = "mx"
//! travel = { otay_mesa = "20min", otay_mesa_east = "12min" }   # zone ⇄ crossing
//! travel_from = { otay_mesa = "25min" }   # optional: crossing → zone where it differs
//!
//! [[classes]]
//! id = "truck"                  # the crossings' class of the same id
//! value_of_time_per_h = 20.64   # default for its demand; needed where tolls apply
//! cargo_value = 45000           # per vehicle, default 0
//! elasticity_per_day = -0.01    # optional, else the region's
//! profile = [24 weights]        # optional hour-of-day shape of its demand
//!
//! [[crossings]]
//! id = "otay_mesa"
//! file = "otay_mesa.toml"       # a scenario file, relative to this file; or inline:
//! # scenario = '''  …a whole scenario file…  '''
//! directions = { mx = "northbound", us = "southbound" }  # the crossing's direction for
//!                                                        # traffic leaving each side
//! entries = { mx = "nb-primary" }   # optional: else where its own sources enter
//! constant = 0.0                # alternative-specific constant (utils), default 0
//! closed = false                # true: not an alternative (e.g. not built)
//!
//! [[tolls]]
//! crossing = "otay_mesa_east"
//! class = "truck"               # optional: every class
//! from = "mx"                   # optional: both directions
//! amount = 5.0
//!
//! [[demand]]
//! from = "tijuana_east"         # a zone on one side
//! to = "san_diego_south"        # a zone on the other
//! class = "truck"
//! commodity = "electronics"     # optional group, reported separately
//! vehicles_per_day = 900        # with no border delay
//! cargo_value = 60000           # optional, else the class's
//! value_of_time_per_h = 35.82   # optional, else the class's
//! elasticity_per_day = -0.07    # optional, else the class's, else the region's
//! profile = [24 weights]        # optional, else the class's, else the crossing's own
//! ```
//!
//! Crossing files (and the trace files they name) are read through the caller's reader,
//! with paths relative to the region file (traces: relative to their crossing file).
//! Every problem is reported with the file, the field path and `line:column`; problems in a
//! crossing file are reported in that file.

use std::collections::BTreeMap;
use std::path::Path;

use bordersim_des::SimTime;
use bordersim_experiment::region::{RegionCrossing, RegionModel};
use bordersim_model::{ClassId, DirectionId, Scenario, StationId};
use bordersim_trade::{
    ChoiceParams, CrossingAlternative, Grid, OdDemand, Region, SIDES, StepRule, Zone,
};
use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Collector, ConfigError, Diagnostic, single};
use crate::load::{FileReader, parse_scenario_with};
use crate::policy::apply_policy;
use crate::spans::{LineIndex, SpanIndex, child, index};
use crate::suggest::{did_you_mean, list};
use crate::units::{format_number, parse_duration, parse_sim_time};

pub const DEFAULT_REGION_REPLICATIONS: u32 = 4;
pub const DEFAULT_MAX_ITERATIONS: u32 = 50;
pub const DEFAULT_TOLERANCE: f64 = 0.02;
/// Self-regulated averaging: the step shrinks by `β += WORSE` when the gap rose and by
/// `β += BETTER` when it fell (Liu, He & He 2009 suggest 1.5-2 and 0.01-0.5).
pub const DEFAULT_SRA_WORSE: f64 = 1.5;
pub const DEFAULT_SRA_BETTER: f64 = 0.3;

fn averaging_rule(cx: &mut Collector<'_>, eq: Option<&RawEquilibrium>) -> StepRule {
    let positive =
        |cx: &mut Collector<'_>, field: &str, value: Option<f64>, default: f64| match value {
            None => default,
            Some(v) if v.is_finite() && v > 0.0 => v,
            Some(v) => {
                cx.error(
                    &child("equilibrium", field),
                    format!("must be positive, got {}", format_number(v)),
                );
                default
            }
        };
    let kind = eq
        .and_then(|e| e.averaging.as_deref())
        .unwrap_or("self_regulated");
    match kind {
        "msa" => {
            let exponent = match eq.and_then(|e| e.exponent) {
                None => 0.0,
                Some(d) if d.is_finite() && (0.0..=4.0).contains(&d) => d,
                Some(d) => {
                    cx.error(
                        "equilibrium.exponent",
                        format!(
                            "response k weighs k^d: give d between 0 (the classic MSA) and 4, got {}",
                            format_number(d)
                        ),
                    );
                    0.0
                }
            };
            StepRule::Weighted { exponent }
        }
        "self_regulated" => StepRule::SelfRegulated {
            worse: positive(cx, "worse", eq.and_then(|e| e.worse), DEFAULT_SRA_WORSE),
            better: positive(cx, "better", eq.and_then(|e| e.better), DEFAULT_SRA_BETTER),
        },
        other => {
            cx.error(
                "equilibrium.averaging",
                format!(
                    "unknown averaging `{other}`{}; expected one of `msa`, `self_regulated`",
                    did_you_mean(other, ["msa", "self_regulated"])
                ),
            );
            StepRule::Weighted { exponent: 0.0 }
        }
    }
}
/// Djankov, Freund & Pham (2010): each extra day of delay reduces trade by at least 1%.
pub const DEFAULT_ELASTICITY_PER_DAY: f64 = -0.01;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegionFile {
    region: RawRegionMeta,
    #[serde(default)]
    choice: Option<RawChoice>,
    #[serde(default)]
    equilibrium: Option<RawEquilibrium>,
    #[serde(default)]
    zones: Vec<RawZone>,
    #[serde(default)]
    classes: Vec<RawRegionClass>,
    #[serde(default)]
    crossings: Vec<RawRegionCrossing>,
    #[serde(default)]
    tolls: Vec<RawToll>,
    #[serde(default)]
    demand: Vec<RawDemand>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegionMeta {
    name: String,
    sides: Vec<String>,
    replications: Option<i64>,
    seed: Option<u64>,
    horizon: Option<String>,
    warmup: Option<String>,
    elasticity_per_day: Option<f64>,
    #[allow(dead_code, reason = "documentation only")]
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEquilibrium {
    max_iterations: Option<i64>,
    tolerance: Option<f64>,
    averaging: Option<String>,
    exponent: Option<f64>,
    worse: Option<f64>,
    better: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    time_coefficient: Option<f64>,
    border_weight: Option<f64>,
    toll_weight: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    id: String,
    side: String,
    #[serde(default)]
    travel: BTreeMap<String, String>,
    #[serde(default)]
    travel_from: BTreeMap<String, String>,
    #[allow(dead_code, reason = "documentation only")]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegionClass {
    id: String,
    value_of_time_per_h: Option<f64>,
    cargo_value: Option<f64>,
    elasticity_per_day: Option<f64>,
    profile: Option<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegionCrossing {
    id: String,
    file: Option<String>,
    scenario: Option<String>,
    #[serde(default)]
    directions: BTreeMap<String, String>,
    #[serde(default)]
    entries: BTreeMap<String, String>,
    constant: Option<f64>,
    closed: Option<bool>,
    #[allow(dead_code, reason = "documentation only")]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToll {
    crossing: String,
    class: Option<String>,
    from: Option<String>,
    amount: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemand {
    from: String,
    to: String,
    class: String,
    commodity: Option<String>,
    vehicles_per_day: f64,
    cargo_value: Option<f64>,
    value_of_time_per_h: Option<f64>,
    elasticity_per_day: Option<f64>,
    profile: Option<Vec<f64>>,
}

/// The text of one crossing's scenario, as loaded (policies are applied to it).
#[derive(Clone, Debug)]
pub struct CrossingText {
    pub id: String,
    /// The name its diagnostics use.
    pub file: String,
    pub text: String,
}

/// A region that passed validation.
#[derive(Clone, Debug)]
pub struct LoadedRegion {
    pub model: RegionModel,
    pub replications: u32,
    pub seed: u64,
    pub crossing_texts: Vec<CrossingText>,
}

/// A region with a policy applied to one of its crossings.
#[derive(Clone, Debug)]
pub struct RegionPolicyApplied {
    pub name: String,
    /// The crossing the policy changed.
    pub crossing: String,
    pub region: LoadedRegion,
}

/// Whether a TOML text is a region file (it has a `[region]` table) rather than a
/// scenario. Text that is not TOML is not a region.
pub fn is_region(text: &str) -> bool {
    DeTable::parse(text).is_ok_and(|root| root.get_ref().contains_key("region"))
}

/// Parses and validates a region file. `read` returns the text of a file named in it (a
/// crossing file, or a trace named by a crossing), given its path relative to the region
/// file.
pub fn parse_region_with(
    source: &str,
    file_name: &str,
    read: FileReader<'_>,
) -> Result<LoadedRegion, ConfigError> {
    parse(source, file_name, read, None)
}

/// A crossing whose scenario text replaces its file's (a policy applied to it).
struct Replacement<'a> {
    crossing: usize,
    text: &'a str,
    label: String,
}

fn parse(
    source: &str,
    file_name: &str,
    read: FileReader<'_>,
    replacement: Option<Replacement<'_>>,
) -> Result<LoadedRegion, ConfigError> {
    let root = DeTable::parse(source).map_err(|e| {
        single(
            file_name,
            source,
            e.span().map_or(0, |s| s.start),
            String::new(),
            format!("TOML syntax error: {}", e.message()),
        )
    })?;
    let spans = SpanIndex::build(&root);
    let raw: RawRegionFile = toml::from_str(source).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let path = e.span().and_then(|s| spans.path_at(&s)).unwrap_or_default();
        single(file_name, source, offset, path, e.message().to_owned())
    })?;
    let mut cx = Collector::with_spans(file_name, source, spans);
    let built = build(&mut cx, &raw, source, read, replacement);
    match built {
        Some(loaded) if !cx.has_errors() => Ok(loaded),
        _ => Err(cx.into_error()),
    }
}

/// Unique ids of a section, reporting duplicates.
fn ids<'a>(
    cx: &mut Collector<'_>,
    section: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for (i, id) in ids.enumerate() {
        let path = child(&index(section, i), "id");
        if id.is_empty() {
            cx.error(&path, "an id cannot be empty");
        } else if seen.iter().any(|s| s == id) {
            cx.error(&path, format!("duplicate id `{id}`: ids must be unique"));
        }
        seen.push(id.to_owned());
    }
    seen
}

fn lookup(
    cx: &mut Collector<'_>,
    path: &str,
    what: &str,
    name: &str,
    known: &[String],
    at_key: bool,
) -> Option<usize> {
    let found = known.iter().position(|k| k == name);
    if found.is_none() {
        let message = format!(
            "unknown {what} `{name}`{}; expected one of {}",
            did_you_mean(name, known.iter().map(String::as_str)),
            list(known.iter().map(String::as_str))
        );
        if at_key {
            cx.error_at_key(path, message);
        } else {
            cx.error(path, message);
        }
    }
    found
}

fn profile(cx: &mut Collector<'_>, path: &str, weights: &[f64]) -> Option<[f64; 24]> {
    if weights.len() != 24 {
        cx.error(
            path,
            format!(
                "a profile needs 24 hourly weights (midnight first), got {}",
                weights.len()
            ),
        );
        return None;
    }
    if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
        cx.error(path, "profile weights must be zero or positive");
        return None;
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        cx.error(path, "a profile cannot be zero at every hour");
        return None;
    }
    let mut shape = [0.0; 24];
    for (s, w) in shape.iter_mut().zip(weights) {
        *s = w / total;
    }
    Some(shape)
}

fn non_negative(cx: &mut Collector<'_>, path: &str, value: f64, what: &str) -> f64 {
    if !(value.is_finite() && value >= 0.0) {
        cx.error(
            path,
            format!(
                "{what} must be zero or positive, got {}",
                format_number(value)
            ),
        );
        return 0.0;
    }
    value
}

fn elasticity(cx: &mut Collector<'_>, path: &str, value: f64) -> f64 {
    if !(value.is_finite() && value <= 0.0) {
        cx.error(
            path,
            format!(
                "the elasticity is the relative change in volume per day of border delay: it \
                 must be zero (fixed demand) or negative, got {}",
                format_number(value)
            ),
        );
        return 0.0;
    }
    value
}

/// Minutes of a travel-time entry.
fn minutes(cx: &mut Collector<'_>, path: &str, text: &str) -> Option<f64> {
    match parse_duration(text) {
        Ok(ms) => Some(ms / 60_000.0),
        Err(message) => {
            cx.error(path, format!("travel time: {message}"));
            None
        }
    }
}

/// Where the text of a (multi-line) string value starts, for mapping the positions of an
/// inline scenario back into the region file.
fn string_content_start(source: &str, value_start: usize) -> usize {
    let rest = &source[value_start.min(source.len())..];
    let skip = if rest.starts_with("'''") || rest.starts_with("\"\"\"") {
        let after = &rest[3..];
        3 + if after.starts_with("\r\n") {
            2
        } else {
            usize::from(after.starts_with('\n'))
        }
    } else {
        usize::from(rest.starts_with('\'') || rest.starts_with('"'))
    };
    value_start + skip
}

/// Joins a path written in a file to that file's directory.
fn relative_to(file: &str, path: &str) -> String {
    match Path::new(file).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(path).to_string_lossy().into_owned(),
        _ => path.to_owned(),
    }
}

/// Loads one crossing's scenario (file or inline), reporting its problems in the right file.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces are all distinct"
)]
fn load_crossing(
    cx: &mut Collector<'_>,
    i: usize,
    raw: &RawRegionCrossing,
    source: &str,
    read: FileReader<'_>,
    replacement: Option<&Replacement<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Scenario, CrossingText)> {
    let path = index("crossings", i);
    // Where relative paths inside the crossing (traces) start from, relative to the region.
    let (text, label, base, inline_offset) = match (&raw.file, &raw.scenario) {
        (Some(_), Some(_)) => {
            cx.error(
                &child(&path, "scenario"),
                "give either `file` or an inline `scenario`, not both",
            );
            return None;
        }
        (None, None) => {
            cx.error(
                &path,
                "a crossing needs its model: `file = \"crossing.toml\"` or an inline \
                 `scenario = '''…'''`",
            );
            return None;
        }
        (Some(file), None) => {
            let label = relative_to(cx.file(), file);
            let text = match read(file) {
                Ok(text) => text,
                Err(reason) => {
                    cx.error(
                        &child(&path, "file"),
                        format!("cannot read crossing file `{file}`: {reason}"),
                    );
                    return None;
                }
            };
            let base = Path::new(file)
                .parent()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            (text, label, base, None)
        }
        (None, Some(text)) => {
            let start = cx.value_start(&child(&path, "scenario"));
            (
                text.clone(),
                cx.file().to_owned(),
                String::new(),
                Some(string_content_start(source, start)),
            )
        }
    };
    let (text, label, inline_offset) = match replacement {
        Some(r) => (r.text.to_owned(), r.label.clone(), None),
        None => (text, label, inline_offset),
    };
    let read_inside = |name: &str| {
        if base.is_empty() {
            read(name)
        } else {
            read(&Path::new(&base).join(name).to_string_lossy())
        }
    };
    match parse_scenario_with(&text, &label, &read_inside) {
        // The crossing's own warnings concern its own sources, which the region replaces.
        Ok(loaded) => Some((
            loaded.scenario,
            CrossingText {
                id: raw.id.clone(),
                file: label,
                text,
            },
        )),
        Err(error) => {
            let region_lines = LineIndex::new(source);
            for mut d in error.diagnostics {
                if let Some(offset) = inline_offset
                    && d.file == label
                {
                    let (line, column) = region_lines.line_col(offset);
                    if d.line == 1 {
                        d.column += column - 1;
                    }
                    d.line += line - 1;
                    d.path = if d.path.is_empty() {
                        child(&path, "scenario")
                    } else {
                        format!("{}.{}", child(&path, "scenario"), d.path)
                    };
                }
                diagnostics.push(d);
            }
            None
        }
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "one pass over the sections, in file order; splitting it would only pass the context around"
)]
fn build(
    cx: &mut Collector<'_>,
    raw: &RawRegionFile,
    source: &str,
    read: FileReader<'_>,
    replacement: Option<Replacement<'_>>,
) -> Option<LoadedRegion> {
    let meta = &raw.region;
    // [region]
    if meta.sides.len() != SIDES || meta.sides[0] == meta.sides[1] || meta.sides[0].is_empty() {
        cx.error(
            "region.sides",
            "a border has two sides: give two different ids, e.g. sides = [\"mx\", \"us\"]",
        );
        return None;
    }
    let sides: Vec<String> = meta.sides.clone();
    let replications = match meta.replications {
        None => DEFAULT_REGION_REPLICATIONS,
        Some(n) if (1..=i64::from(u32::MAX)).contains(&n) => n as u32,
        Some(n) => {
            cx.error(
                "region.replications",
                format!("at least 1 replication is needed, got {n}"),
            );
            1
        }
    };
    let eq = raw.equilibrium.as_ref();
    let max_iterations = match eq.and_then(|e| e.max_iterations) {
        None => DEFAULT_MAX_ITERATIONS,
        Some(n) if (1..=100_000).contains(&n) => n as u32,
        Some(n) => {
            cx.error(
                "equilibrium.max_iterations",
                format!("give between 1 and 100000 iterations, got {n}"),
            );
            1
        }
    };
    let tolerance = match eq.and_then(|e| e.tolerance) {
        None => DEFAULT_TOLERANCE,
        Some(t) if t.is_finite() && t > 0.0 => t,
        Some(t) => {
            cx.error(
                "equilibrium.tolerance",
                format!(
                    "the tolerance is the largest gap (share of traffic that would still move) \
                     accepted as converged: it must be positive, got {}",
                    format_number(t)
                ),
            );
            DEFAULT_TOLERANCE
        }
    };
    let averaging = averaging_rule(cx, eq);
    let region_elasticity = meta
        .elasticity_per_day
        .map_or(DEFAULT_ELASTICITY_PER_DAY, |e| {
            elasticity(cx, "region.elasticity_per_day", e)
        });
    let mut timing = |path: &str, text: &Option<String>| -> Option<SimTime> {
        let text = text.as_ref()?;
        match parse_sim_time(text) {
            Ok(t) => Some(t),
            Err(message) => {
                cx.error(path, message);
                None
            }
        }
    };
    let horizon = timing("region.horizon", &meta.horizon);
    let warmup = timing("region.warmup", &meta.warmup);

    // [choice]
    let defaults = ChoiceParams::default();
    let rc = raw.choice.as_ref();
    let choice = ChoiceParams {
        time_coefficient: rc
            .and_then(|c| c.time_coefficient)
            .unwrap_or(defaults.time_coefficient),
        border_weight: rc
            .and_then(|c| c.border_weight)
            .unwrap_or(defaults.border_weight),
        toll_weight: rc
            .and_then(|c| c.toll_weight)
            .unwrap_or(defaults.toll_weight),
    };
    if !(choice.time_coefficient.is_finite() && choice.time_coefficient < 0.0) {
        let why = if choice.time_coefficient == 0.0 {
            "a logit scale of zero makes every crossing equally likely whatever its cost"
        } else {
            "a longer trip must be less attractive"
        };
        cx.error(
            "choice.time_coefficient",
            format!(
                "the logit scale (utils per generalized minute) must be negative, got {}: {why}; \
                 SANDAG's model uses -0.025",
                format_number(choice.time_coefficient)
            ),
        );
    }
    if !(choice.border_weight.is_finite() && choice.border_weight > 0.0) {
        cx.error(
            "choice.border_weight",
            format!(
                "the weight of a border minute must be positive, got {} (SANDAG: 2.5)",
                format_number(choice.border_weight)
            ),
        );
    }
    if !(choice.toll_weight.is_finite() && choice.toll_weight >= 0.0) {
        cx.error(
            "choice.toll_weight",
            format!(
                "the weight of a toll must be zero or positive, got {}",
                format_number(choice.toll_weight)
            ),
        );
    }

    // [[zones]], [[classes]], [[crossings]]: ids first, so references resolve.
    let zone_ids = ids(cx, "zones", raw.zones.iter().map(|z| z.id.as_str()));
    let class_ids = ids(cx, "classes", raw.classes.iter().map(|c| c.id.as_str()));
    let crossing_ids = ids(cx, "crossings", raw.crossings.iter().map(|c| c.id.as_str()));
    if raw.crossings.is_empty() {
        cx.error("region", "a region needs at least one [[crossings]] entry");
    }
    if raw.classes.is_empty() {
        cx.error("region", "a region needs at least one [[classes]] entry");
    }

    let mut zones = Vec::new();
    let mut to_crossing = Vec::new();
    let mut from_crossing = Vec::new();
    for (z, zone) in raw.zones.iter().enumerate() {
        let path = index("zones", z);
        let side =
            lookup(cx, &child(&path, "side"), "side", &zone.side, &sides, false).unwrap_or(0);
        zones.push(Zone {
            id: zone.id.clone(),
            side,
        });
        let mut to = vec![None; raw.crossings.len()];
        let mut from = vec![None; raw.crossings.len()];
        for (field, map, out) in [
            ("travel", &zone.travel, &mut to),
            ("travel_from", &zone.travel_from, &mut from),
        ] {
            for (crossing, text) in map {
                let p = child(&child(&path, field), crossing);
                if let Some(c) = lookup(cx, &p, "crossing", crossing, &crossing_ids, true)
                    && let Some(m) = minutes(cx, &p, text)
                {
                    out[c] = Some(m);
                }
            }
        }
        // The way back is the way there unless given.
        for (f, t) in from.iter_mut().zip(&to) {
            if f.is_none() {
                *f = *t;
            }
        }
        to_crossing.push(to);
        from_crossing.push(from);
    }

    struct ClassDefaults {
        vot: Option<f64>,
        cargo: f64,
        elasticity: f64,
        profile: Option<[f64; 24]>,
    }
    let mut class_defaults = Vec::new();
    for (k, class) in raw.classes.iter().enumerate() {
        let path = index("classes", k);
        let vot = class.value_of_time_per_h.map(|v| {
            non_negative(
                cx,
                &child(&path, "value_of_time_per_h"),
                v,
                "the value of time",
            )
        });
        let cargo = class.cargo_value.map_or(0.0, |v| {
            non_negative(cx, &child(&path, "cargo_value"), v, "the cargo value")
        });
        let e = class.elasticity_per_day.map_or(region_elasticity, |e| {
            elasticity(cx, &child(&path, "elasticity_per_day"), e)
        });
        let shape = class
            .profile
            .as_ref()
            .and_then(|w| profile(cx, &child(&path, "profile"), w));
        class_defaults.push(ClassDefaults {
            vot,
            cargo,
            elasticity: e,
            profile: shape,
        });
    }

    // Crossings: load each model, then map the region's sides and classes onto it.
    let mut crossing_diagnostics = Vec::new();
    let mut crossings = Vec::new();
    let mut texts = Vec::new();
    let mut alternatives = Vec::new();
    for (c, raw_crossing) in raw.crossings.iter().enumerate() {
        let path = index("crossings", c);
        let constant = raw_crossing.constant.unwrap_or(0.0);
        if !constant.is_finite() {
            cx.error(
                &child(&path, "constant"),
                "the constant must be a finite number",
            );
        }
        alternatives.push(CrossingAlternative {
            id: raw_crossing.id.clone(),
            constant,
        });
        let replaced = replacement.as_ref().filter(|r| r.crossing == c);
        let Some((mut scenario, text)) = load_crossing(
            cx,
            c,
            raw_crossing,
            source,
            read,
            replaced,
            &mut crossing_diagnostics,
        ) else {
            continue;
        };
        if let Some(h) = horizon {
            scenario.horizon = h;
        }
        if let Some(w) = warmup {
            scenario.warmup = w;
        }
        if scenario.warmup >= scenario.horizon {
            cx.error(
                if warmup.is_some() {
                    "region.warmup"
                } else {
                    "region.horizon"
                },
                format!(
                    "crossing `{}`: the warm-up must end before the horizon",
                    raw_crossing.id
                ),
            );
        }
        let population = scenario.population().clone();
        let direction_names: Vec<String> =
            population.directions.iter().map(|d| d.id.clone()).collect();
        let mut directions = [None; SIDES];
        if raw_crossing.directions.is_empty() {
            cx.error(
                &path,
                format!(
                    "say which of the crossing's directions ({}) traffic leaving each side takes: \
                     directions = {{ {} = \"…\", {} = \"…\" }}",
                    list(direction_names.iter().map(String::as_str)),
                    sides[0],
                    sides[1]
                ),
            );
        }
        for (side, dir) in &raw_crossing.directions {
            let p = child(&child(&path, "directions"), side);
            let s = lookup(cx, &p, "side", side, &sides, true);
            let d = lookup(
                cx,
                &p,
                "direction of this crossing",
                dir,
                &direction_names,
                false,
            );
            if let (Some(s), Some(d)) = (s, d) {
                if directions.contains(&Some(DirectionId(d as u8))) {
                    cx.error(
                        &p,
                        format!(
                            "both sides take direction `{dir}`: traffic leaving each side needs \
                             its own direction of the crossing (its own stations and statistics)"
                        ),
                    );
                }
                directions[s] = Some(DirectionId(d as u8));
            }
        }
        let mut entries: [Option<StationId>; SIDES] = [None; SIDES];
        for (side, station) in &raw_crossing.entries {
            let p = child(&child(&path, "entries"), side);
            let Some(s) = lookup(cx, &p, "side", side, &sides, true) else {
                continue;
            };
            let station_ids: Vec<String> = scenario
                .crossing
                .stations()
                .iter()
                .map(|st| st.id.clone())
                .collect();
            if let Some(st) = lookup(cx, &p, "station", station, &station_ids, false) {
                let id = StationId(st as u32);
                if Some(scenario.crossing.station(id).direction) != directions[s] {
                    cx.error(
                        &p,
                        format!(
                            "station `{station}` is not in the direction traffic from `{side}` takes"
                        ),
                    );
                }
                entries[s] = Some(id);
            }
        }
        for s in 0..SIDES {
            let Some(direction) = directions[s] else {
                continue;
            };
            if entries[s].is_none() {
                let own = (0..scenario.crossing.sources().len())
                    .find(|&i| scenario.crossing.source_direction(i) == direction)
                    .map(|i| scenario.crossing.sources()[i].entry);
                match own {
                    Some(e) => entries[s] = Some(e),
                    None => cx.error(
                        &child(&child(&path, "directions"), &sides[s]),
                        format!(
                            "the crossing has no source in direction `{}` to say where vehicles \
                             enter: give entries = {{ {} = \"station\" }}",
                            direction_names[direction.index()],
                            sides[s]
                        ),
                    ),
                }
            }
        }
        let classes: Vec<Option<ClassId>> =
            class_ids.iter().map(|k| population.class_id(k)).collect();
        crossings.push(RegionCrossing {
            id: raw_crossing.id.clone(),
            scenario,
            directions,
            entries,
            classes,
            closed: raw_crossing.closed.unwrap_or(false),
        });
        texts.push(text);
    }
    let crossings_ok = crossings.len() == raw.crossings.len();

    // [[tolls]]
    let mut tolls = Grid::new(raw.crossings.len(), raw.classes.len(), 0.0);
    for (t, toll) in raw.tolls.iter().enumerate() {
        let path = index("tolls", t);
        let c = lookup(
            cx,
            &child(&path, "crossing"),
            "crossing",
            &toll.crossing,
            &crossing_ids,
            false,
        );
        let k = match &toll.class {
            Some(name) => {
                lookup(cx, &child(&path, "class"), "class", name, &class_ids, false).map(Some)
            }
            None => Some(None),
        };
        let s = match &toll.from {
            Some(name) => lookup(cx, &child(&path, "from"), "side", name, &sides, false).map(Some),
            None => Some(None),
        };
        let amount = non_negative(cx, &child(&path, "amount"), toll.amount, "a toll");
        if let (Some(c), Some(k), Some(s)) = (c, k, s) {
            for d in 0..SIDES {
                for class in 0..raw.classes.len() {
                    if s.is_none_or(|s| s == d) && k.is_none_or(|k| k == class) {
                        tolls.set(c, d, class, amount);
                    }
                }
            }
        }
    }

    // [[demand]]
    let mut demand = Vec::new();
    let mut profiles = Vec::new();
    let mut zones_with_demand: Vec<Option<usize>> = vec![None; raw.zones.len()];
    for (i, od) in raw.demand.iter().enumerate() {
        let path = index("demand", i);
        let from = lookup(
            cx,
            &child(&path, "from"),
            "zone",
            &od.from,
            &zone_ids,
            false,
        );
        let to = lookup(cx, &child(&path, "to"), "zone", &od.to, &zone_ids, false);
        let class = lookup(
            cx,
            &child(&path, "class"),
            "class",
            &od.class,
            &class_ids,
            false,
        );
        let volume = non_negative(
            cx,
            &child(&path, "vehicles_per_day"),
            od.vehicles_per_day,
            "the demand",
        );
        let (Some(from), Some(to), Some(class)) = (from, to, class) else {
            continue;
        };
        let defaults = &class_defaults[class];
        if zones[from].side == zones[to].side {
            cx.error(
                &child(&path, "to"),
                format!(
                    "`{}` and `{}` are both on side `{}`: a flow must cross the border",
                    od.from, od.to, sides[zones[from].side]
                ),
            );
            continue;
        }
        let direction = zones[from].side;
        let vot = od
            .value_of_time_per_h
            .map(|v| {
                non_negative(
                    cx,
                    &child(&path, "value_of_time_per_h"),
                    v,
                    "the value of time",
                )
            })
            .or(defaults.vot);
        let tolled = (0..raw.crossings.len()).any(|c| *tolls.get(c, direction, class) > 0.0);
        let vot = match vot {
            Some(v) if v > 0.0 => v,
            _ if tolled => {
                cx.error(
                    &child(&path, "value_of_time_per_h"),
                    format!(
                        "a toll applies to `{}` from `{}`: give a positive value of time here or \
                         in its class, to turn the toll into minutes",
                        od.class, sides[direction]
                    ),
                );
                0.0
            }
            other => other.unwrap_or(0.0),
        };
        let cargo = od.cargo_value.map_or(defaults.cargo, |v| {
            non_negative(cx, &child(&path, "cargo_value"), v, "the cargo value")
        });
        let e = od.elasticity_per_day.map_or(defaults.elasticity, |e| {
            elasticity(cx, &child(&path, "elasticity_per_day"), e)
        });
        let shape = match &od.profile {
            Some(w) => profile(cx, &child(&path, "profile"), w),
            None => defaults.profile,
        };
        if volume > 0.0 {
            zones_with_demand[from].get_or_insert(i);
            zones_with_demand[to].get_or_insert(i);
            if crossings_ok {
                let carried = crossings.iter().any(|rc| {
                    !rc.closed && rc.directions[direction].is_some() && rc.classes[class].is_some()
                });
                if !carried {
                    cx.error(
                        &child(&path, "class"),
                        format!(
                            "no open crossing carries `{}` from `{}`: a crossing carries a class \
                             when its model has that class and its `directions` name that side",
                            od.class, sides[direction]
                        ),
                    );
                }
            }
        }
        demand.push(OdDemand {
            origin: from,
            destination: to,
            class,
            commodity: od.commodity.clone(),
            vehicles_per_day: volume,
            cargo_value: cargo,
            value_of_time_per_h: vot,
            elasticity_per_day: e,
        });
        profiles.push(shape);
    }
    // Every zone with demand must reach every crossing.
    for (z, first) in zones_with_demand.iter().enumerate() {
        let Some(od) = first else { continue };
        for (c, id) in crossing_ids.iter().enumerate() {
            if c < raw.crossings.len() && to_crossing[z][c].is_none() {
                cx.error(
                    &child(&index("zones", z), "travel"),
                    format!(
                        "zone `{}` has demand (demand[{od}]) but crossing `{id}` is unreachable \
                         from it: give a travel time to every crossing (a long one for a crossing \
                         far away, or close the crossing)",
                        zone_ids[z]
                    ),
                );
            }
        }
    }

    cx.extend(crossing_diagnostics);
    if cx.has_errors() || !crossings_ok {
        return None;
    }
    let region = Region {
        name: meta.name.clone(),
        sides: [sides[0].clone(), sides[1].clone()],
        zones,
        crossings: alternatives,
        classes: class_ids,
        to_crossing,
        from_crossing,
        tolls,
        demand,
        choice,
    };
    Some(LoadedRegion {
        model: RegionModel {
            region,
            crossings,
            profiles,
            max_iterations,
            tolerance,
            averaging,
        },
        replications,
        seed: meta.seed.unwrap_or(1),
        crossing_texts: texts,
    })
}

// ---------------------------------------------------------------------------------------
// Policies applied to one crossing of a region
// ---------------------------------------------------------------------------------------

/// The crossing a policy names in its `[policy]` table (`crossing = "id"`), with the offset
/// of its value in the policy text (for messages); `None` when it names none.
pub fn policy_crossing(
    policy: &str,
    policy_file: &str,
) -> Result<Option<(String, usize)>, ConfigError> {
    let root = DeTable::parse(policy).map_err(|e| {
        single(
            policy_file,
            policy,
            e.span().map_or(0, |s| s.start),
            String::new(),
            format!("TOML syntax error: {}", e.message()),
        )
    })?;
    let Some(table) = root
        .get_ref()
        .get("policy")
        .and_then(|v| v.get_ref().as_table())
    else {
        return Ok(None);
    };
    let Some((_, value)) = table.iter().find(|(k, _)| k.get_ref() == "crossing") else {
        return Ok(None);
    };
    let DeValue::String(name) = value.get_ref() else {
        return Err(single(
            policy_file,
            policy,
            value.span().start,
            "policy.crossing".into(),
            "wrong type: expected the id of one of the region's crossings, as a string".into(),
        ));
    };
    Ok(Some((name.to_string(), value.span().start)))
}

/// Applies a policy file to the crossing it names (`[policy] crossing = "id"`; optional when
/// the region has one crossing) and loads the region with that crossing changed.
pub fn apply_region_policy(
    region: &str,
    region_file: &str,
    read: FileReader<'_>,
    policy: &str,
    policy_file: &str,
) -> Result<RegionPolicyApplied, ConfigError> {
    let base = parse_region_with(region, region_file, read)?;
    let named = policy_crossing(policy, policy_file)?;
    let ids: Vec<String> = base.model.crossings.iter().map(|c| c.id.clone()).collect();
    let target = match &named {
        Some((name, offset)) => ids.iter().position(|id| id == name).ok_or_else(|| {
            single(
                policy_file,
                policy,
                *offset,
                "policy.crossing".into(),
                format!(
                    "unknown crossing `{name}`{}; the region has {}",
                    did_you_mean(name, ids.iter().map(String::as_str)),
                    list(ids.iter().map(String::as_str))
                ),
            )
        })?,
        None if ids.len() == 1 => 0,
        None => {
            let offset = policy.find("[policy]").unwrap_or(0);
            return Err(single(
                policy_file,
                policy,
                offset,
                "policy".into(),
                format!(
                    "the region has several crossings: name the one this policy changes with \
                     crossing = \"id\" in [policy] (one of {})",
                    list(ids.iter().map(String::as_str))
                ),
            ));
        }
    };
    let crossing_text = &base.crossing_texts[target];
    let applied = apply_policy(&crossing_text.text, policy, policy_file)?;
    let replacement = Replacement {
        crossing: target,
        text: &applied.scenario_text,
        label: format!("{} with {}", crossing_text.file, policy_file),
    };
    let region = parse(region, region_file, read, Some(replacement))?;
    Ok(RegionPolicyApplied {
        name: applied.name,
        crossing: ids[target].clone(),
        region,
    })
}
