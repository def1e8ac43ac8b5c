//! From TOML text to a validated [`Scenario`], in four phases, each collecting every
//! problem it finds:
//!
//! 1. **syntax**: the TOML parser; only its first error is reported (what its recovery
//!    finds after one error is mostly consequences), with a hint when an array or inline
//!    table opened earlier is still open;
//! 2. **shape**: each table (`[scenario]`, every `[[classes]]`, `[[stations]]`,
//!    `[[sources]]` entry) is read on its own into its [`crate::raw`] struct, so a wrong
//!    type in one station does not hide a missing field in another;
//! 3. **values and names**: units, ranges, distribution parameters, unique ids, references
//!    to classes and stations (with "did you mean");
//! 4. **structure**: [`Crossing::new`] checks routing sums, exits and service coverage; its
//!    index-based errors are mapped back to field paths. This phase runs only when phases 2
//!    and 3 left the station graph fully known, so it never reports mere consequences of an
//!    earlier error.
//!
//! Every diagnostic carries the field path and the `line:column` where that field (or, for
//! a missing field, its table) is written.

use std::collections::BTreeMap;

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, ClassId, Crossing, Direction, ModelError, Population, Programme, Route, Scenario,
    ServiceDist, Source, Station, StationId, Target, VehicleClass, VehicleFilter, VehicleKey,
    branches_for,
};
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::diagnostic::{ConfigError, Diagnostic};
use crate::raw::{
    DistKind, RawClass, RawConfig, RawDuration, RawRate, RawRoute, RawScenario, RawService,
    RawSource, RawStation,
};
use crate::spans::{LineIndex, SpanIndex, child, index};
use crate::suggest::{did_you_mean, list};
use crate::units::{
    format_duration, format_number, parse_duration, parse_rate_per_hour, parse_sim_time,
};

/// The name that routes use for leaving the crossing; no station may take it.
pub const EXIT: &str = "exit";

const DEFAULT_REPLICATIONS: u32 = 10;
const DEFAULT_SEED: u64 = 1;

/// A scenario that passed validation, with the concerns that do not stop it from running.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    /// E.g. a station whose offered load is 1 or more (its queue grows without bound).
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates a scenario file. `file_name` is only used in diagnostics.
///
/// On failure, the error holds every problem found, in file order (for a TOML syntax
/// error, only the first: later ones are mostly its consequences).
pub fn parse_scenario(source: &str, file_name: &str) -> Result<Loaded, ConfigError> {
    let (root, syntax_errors) = DeTable::parse_recoverable(source);
    let mut cx = Cx {
        file: file_name,
        lines: LineIndex::new(source),
        spans: SpanIndex::build(&root),
        errors: Vec::new(),
        warnings: Vec::new(),
        structure_ok: true,
    };
    // Only the first syntax error (in file order) is reported: after one, the parser's
    // recovery mostly finds consequences (one unclosed bracket can yield dozens).
    if let Some(first) = syntax_errors
        .iter()
        .min_by_key(|e| e.span().map_or(usize::MAX, |s| s.start))
    {
        cx.syntax_error(source, first, syntax_errors.len() - 1);
        return Err(cx.into_error());
    }
    if root.get_ref().is_empty() {
        cx.error_at(
            0,
            "",
            "the file is empty (or holds only comments); a scenario needs a [scenario] table \
             (name, horizon) and at least one [[classes]], [[stations]] and [[sources]] entry",
        );
        return Err(cx.into_error());
    }
    let doc = read_document(&mut cx, root.into_inner());
    let scenario = build(&mut cx, &doc);
    match scenario {
        Some(scenario) if cx.errors.is_empty() => {
            let mut warnings = cx.warnings;
            sort(&mut warnings);
            Ok(Loaded { scenario, warnings })
        }
        _ => Err(cx.into_error()),
    }
}

// ---------------------------------------------------------------------------------------
// Diagnostics context
// ---------------------------------------------------------------------------------------

struct Cx<'a> {
    file: &'a str,
    lines: LineIndex<'a>,
    spans: SpanIndex,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Cleared when a problem leaves the station graph unknown (a table that could not be
    /// read, an unknown or duplicate name, a bad route); the structural checks of phase 4
    /// are then skipped, as they would only report consequences.
    structure_ok: bool,
}

impl Cx<'_> {
    fn diagnostic(&self, offset: usize, path: &str, message: String) -> Diagnostic {
        let (line, column) = self.lines.line_col(offset);
        Diagnostic {
            file: self.file.to_owned(),
            path: path.to_owned(),
            line,
            column,
            message,
        }
    }

    fn error_at(&mut self, offset: usize, path: &str, message: impl Into<String>) {
        let d = self.diagnostic(offset, path, message.into());
        self.errors.push(d);
    }

    /// An error about the value of `path` (or, if it is missing, about its table).
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.error_at(self.spans.value_start(path), path, message);
    }

    /// An error about the name (key) of `path`, e.g. an unknown class in `service_by_class`.
    fn error_at_key(&mut self, path: &str, message: impl Into<String>) {
        self.error_at(self.spans.key_start(path), path, message);
    }

    /// An error that makes the station graph unknown (see [`Cx::structure_ok`]).
    fn structural(&mut self, path: &str, message: impl Into<String>) {
        self.structure_ok = false;
        self.error(path, message);
    }

    /// A reference that did not resolve (reported unless it may be a consequence).
    fn unresolved(&mut self, path: &str, message: Option<String>) {
        self.structure_ok = false;
        if let Some(message) = message {
            self.error(path, message);
        }
    }

    fn warn(&mut self, path: &str, message: String) {
        let d = self.diagnostic(self.spans.value_start(path), path, message);
        self.warnings.push(d);
    }

    /// A syntax error has no field path (the tree around it is not reliable), but when the
    /// parser was still inside an array or inline table, the message says where it opened:
    /// a missing `]` or `}` is the usual cause of a cascade of errors further down.
    fn syntax_error(&mut self, text: &str, e: &toml::de::Error, more: usize) {
        let offset = e.span().map_or(0, |s| s.start);
        let message = e.message();
        let (line, _) = self.lines.line_col(offset);
        let opened = self
            .spans
            .unclosed_container_at(text, offset)
            .and_then(|(path, start, closer)| {
                let what = if closer == ']' { "array" } else { "inline table" };
                let (open_line, _) = self.lines.line_col(start);
                (open_line < line).then(|| {
                    format!("; is the {what} `{path}` opened on line {open_line} missing its `{closer}`?")
                })
            });
        let more = match more {
            0 => String::new(),
            1 => " (1 more syntax error may follow from this one)".to_owned(),
            n => format!(" ({n} more syntax errors may follow from this one)"),
        };
        self.error_at(
            offset,
            "",
            format!(
                "TOML syntax error: {message}{}{more}",
                opened.unwrap_or_default()
            ),
        );
    }

    /// Reports a serde error for the table at `base`, at the exact field where possible,
    /// rephrased in the config's words (tables and arrays, not maps and sequences).
    fn serde_error(&mut self, base: &str, e: &toml::de::Error) {
        self.structure_ok = false;
        let raw = e.message();
        let span = e.span();
        let mut path = span
            .as_ref()
            .and_then(|s| self.spans.path_at(s))
            .filter(|p| p.starts_with(base))
            .unwrap_or_else(|| base.to_owned());
        let offset = span.map_or_else(|| self.spans.value_start(base), |s| s.start);
        let message = if let Some(field) = backticked_after(raw, "missing field ") {
            path = child(&path, field);
            format!("missing required field `{field}`{}", missing_hint(field))
        } else if let Some(field) = backticked_after(raw, "unknown field ") {
            let expected = expected_names(raw);
            let allowed = if expected.is_empty() {
                "this table takes no fields".to_owned()
            } else {
                format!("expected one of {}", list(expected.iter().copied()))
            };
            if path == child("scenario", field) && RawConfig::SECTIONS.contains(&field) {
                format!(
                    "`{field}` is a section of its own, but here it is a key of the [scenario] \
                     table (every key below a header belongs to it): write each entry under a \
                     [[{field}]] header"
                )
            } else {
                format!(
                    "unknown field `{field}`{}; {allowed}",
                    did_you_mean(field, expected.iter().copied())
                )
            }
        } else if let Some(variant) = backticked_after(raw, "unknown variant ") {
            let expected = expected_names(raw);
            let what = if path.ends_with(".dist") {
                "distribution"
            } else {
                "value"
            };
            format!(
                "unknown {what} `{variant}`{}; expected one of {}",
                did_you_mean(variant, expected.iter().copied()),
                list(expected.iter().copied())
            )
        } else if let Some(rest) = raw.strip_prefix("invalid type: ") {
            friendly_mismatch("wrong type", rest)
        } else if let Some(rest) = raw.strip_prefix("invalid value: ") {
            friendly_mismatch("wrong value", rest)
        } else {
            raw.to_owned()
        };
        self.error_at(offset, &path, message);
    }

    fn into_error(self) -> ConfigError {
        let mut diagnostics = self.errors;
        sort(&mut diagnostics);
        diagnostics.dedup();
        ConfigError { diagnostics }
    }
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.line, d.column));
}

/// The first backticked word after `prefix`: `missing field `x`` → `x`.
fn backticked_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split_once('`').map(|(word, _)| word)
}

/// The backticked names after "expected" in a serde message (`expected one of `a`, `b``).
fn expected_names(message: &str) -> Vec<&str> {
    let Some((_, expected)) = message.split_once("expected") else {
        return Vec::new();
    };
    expected.split('`').skip(1).step_by(2).collect()
}

fn friendly_mismatch(kind: &str, rest: &str) -> String {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let found = match found {
        "map" => "a table".to_owned(),
        "sequence" => "an array".to_owned(),
        f => f.replacen("floating point", "float", 1),
    };
    let expected = match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" => "an integer",
        "u8" | "u16" | "u32" | "u64" | "u128" => "a non-negative integer",
        "f32" | "f64" => "a number",
        "a sequence" => "an array",
        "a map" => "a table",
        e if e.starts_with("struct ") => "a table",
        e => e,
    };
    format!("{kind}: found {found}, expected {expected}")
}

fn missing_hint(field: &str) -> String {
    let hint = match field {
        "horizon" => "when the run ends, warm-up included, e.g. horizon = \"7d\"",
        "servers" => "the number of lanes, booths or officers, e.g. servers = 4",
        "dist" => {
            return format!(
                " (the distribution: one of {})",
                list(DistKind::ALL.iter().map(|d| d.name()))
            );
        }
        "p" => "the probability of taking this route, e.g. p = 1",
        "to" => "a station id or \"exit\"",
        "rate" => "vehicles per unit of time, e.g. rate = \"30/h\"",
        "entry" => "the id of the station where these vehicles arrive",
        "class" => "the id of one of the [[classes]]",
        _ => return String::new(),
    };
    format!(" ({hint})")
}

// ---------------------------------------------------------------------------------------
// Phase 2: shape
// ---------------------------------------------------------------------------------------

/// One entry of a `[[section]]`: its raw struct if it could be read, and its id either way
/// (so references to it are not reported as unknown).
struct Item<T> {
    raw: Option<T>,
    id: Option<String>,
}

#[derive(Default)]
struct Document {
    scenario: Option<RawScenario>,
    scenario_written: bool,
    classes: Vec<Item<RawClass>>,
    stations: Vec<Item<RawStation>>,
    sources: Vec<Item<RawSource>>,
    /// Sections written in the wrong form (e.g. `[classes]` instead of `[[classes]]`),
    /// already reported.
    malformed: Vec<&'static str>,
}

fn read_document(cx: &mut Cx<'_>, root: DeTable<'_>) -> Document {
    let mut doc = Document::default();
    for (key, value) in root {
        let key = key.into_inner();
        match key.as_ref() {
            "scenario" => {
                doc.scenario_written = true;
                // A section written below [scenario] without its own header lands in the
                // scenario table: reported there as misplaced, and not again as missing.
                if let Some(table) = value.get_ref().as_table() {
                    for section in ["classes", "stations", "sources"] {
                        if table.contains_key(section) {
                            doc.malformed.push(section);
                        }
                    }
                }
                doc.scenario = read(cx, "scenario", value);
            }
            "classes" => match read_array(cx, "classes", value) {
                Some(items) => doc.classes = items,
                None => doc.malformed.push("classes"),
            },
            "stations" => match read_array(cx, "stations", value) {
                Some(items) => doc.stations = items,
                None => doc.malformed.push("stations"),
            },
            "sources" => match read_array(cx, "sources", value) {
                Some(items) => doc.sources = items,
                None => doc.malformed.push("sources"),
            },
            other => {
                const SCENARIO_FIELDS: [&str; 5] =
                    ["name", "horizon", "warmup", "replications", "seed"];
                let path = child("", other);
                let message = if SCENARIO_FIELDS.contains(&other) {
                    format!(
                        "`{other}` belongs in the [scenario] table; move it below the \
                         [scenario] header"
                    )
                } else {
                    format!(
                        "unknown section `{other}`{}; a scenario file has {}",
                        did_you_mean(other, RawConfig::SECTIONS),
                        "[scenario], [[classes]], [[stations]] and [[sources]]"
                    )
                };
                cx.structure_ok = false;
                cx.error_at_key(&path, message);
            }
        }
    }
    doc
}

fn read<'i, T: Deserialize<'i>>(
    cx: &mut Cx<'_>,
    path: &str,
    value: Spanned<DeValue<'i>>,
) -> Option<T> {
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(t) => Some(t),
        Err(e) => {
            cx.serde_error(path, &e);
            None
        }
    }
}

/// Reads every entry of a `[[section]]`; `None` if the section is not a list of tables.
fn read_array<'i, T: Deserialize<'i>>(
    cx: &mut Cx<'_>,
    section: &str,
    value: Spanned<DeValue<'i>>,
) -> Option<Vec<Item<T>>> {
    let DeValue::Array(items) = value.get_ref() else {
        cx.structural(
            section,
            format!(
                "`{section}` must be a list of tables: write each entry under its own \
                 [[{section}]] header (two brackets); found {}",
                a_type(value.get_ref())
            ),
        );
        return None;
    };
    let items = items
        .iter()
        .enumerate()
        .map(|(i, item)| Item {
            id: item
                .get_ref()
                .as_table()
                .and_then(|t| t.get("id"))
                .and_then(|v| v.get_ref().as_str())
                .map(str::to_owned),
            raw: read(cx, &index(section, i), item.clone()),
        })
        .collect();
    Some(items)
}

fn a_type(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a single table ([header] with one bracket)",
    }
}

// ---------------------------------------------------------------------------------------
// Phase 3: values and names
// ---------------------------------------------------------------------------------------

/// The ids of one section, checked (non-empty, unique) and indexed for references.
struct Names<'d> {
    what: &'static str,
    plural: &'static str,
    known: Vec<&'d str>,
    index: BTreeMap<&'d str, usize>,
    /// Some entry's id could not be read (already reported): an unknown name may be that
    /// one, so it is not reported again.
    incomplete: bool,
}

impl<'d> Names<'d> {
    fn collect<T>(
        cx: &mut Cx<'_>,
        section: &'static str,
        what: &'static str,
        items: &'d [Item<T>],
        malformed: bool,
        raw_id: impl Fn(&'d T) -> &'d str,
    ) -> Self {
        let mut names = Names {
            what,
            plural: section,
            known: Vec::new(),
            index: BTreeMap::new(),
            incomplete: malformed,
        };
        for (i, item) in items.iter().enumerate() {
            let Some(id) = item.raw.as_ref().map(&raw_id).or(item.id.as_deref()) else {
                names.incomplete = true;
                continue;
            };
            let path = child(&index(section, i), "id");
            if id.trim().is_empty() {
                cx.structural(&path, format!("a {what} id must not be empty"));
                continue;
            }
            if let Some(&first) = names.index.get(id) {
                let first_path = child(&index(section, first), "id");
                let (line, _) = cx.lines.line_col(cx.spans.value_start(&first_path));
                cx.structural(
                    &path,
                    format!(
                        "duplicate {what} id `{id}`: {section}[{first}] (line {line}) already \
                         uses it; ids must be unique"
                    ),
                );
                continue;
            }
            names.index.insert(id, i);
            names.known.push(id);
        }
        names
    }

    /// The index of `name`, or the message saying it is unknown (`None` when that may be
    /// a consequence of an earlier error and should not be reported).
    fn resolve(&self, name: &str, extra: &[&'d str]) -> Result<usize, Option<String>> {
        if let Some(&i) = self.index.get(name) {
            return Ok(i);
        }
        if self.incomplete {
            return Err(None);
        }
        let known: Vec<&str> = self.known.iter().chain(extra).copied().collect();
        let (what, plural) = (self.what, self.plural);
        if known.is_empty() {
            return Err(Some(format!(
                "unknown {what} `{name}`: no {plural} are defined"
            )));
        }
        Err(Some(format!(
            "unknown {what} `{name}`{}; known {plural}: {}",
            did_you_mean(name, known.iter().copied()),
            list(known.iter().copied())
        )))
    }
}

struct Settings {
    name: String,
    horizon: SimTime,
    warmup: SimTime,
    replications: u32,
    seed: u64,
}

fn show_duration(raw: &RawDuration) -> String {
    match raw {
        RawDuration::Text(s) => format!("\"{s}\""),
        RawDuration::Number(n) => format_number(*n),
    }
}

fn show_written(raw: &Option<RawDuration>) -> String {
    raw.as_ref().map_or_else(String::new, show_duration)
}

fn bare_number_duration(n: f64) -> String {
    let n = format_number(n);
    format!(
        "`{n}` has no unit; write a duration as a string with a unit, e.g. \"{n}s\" or \
         \"{n}min\" (units: ms, s, min, h, d)"
    )
}

fn duration_ms(cx: &mut Cx<'_>, path: &str, raw: &RawDuration) -> Option<f64> {
    let parsed = match raw {
        RawDuration::Text(s) => parse_duration(s),
        RawDuration::Number(n) => Err(bare_number_duration(*n)),
    };
    parsed.map_err(|e| cx.error(path, e)).ok()
}

fn sim_time(cx: &mut Cx<'_>, path: &str, raw: &RawDuration) -> Option<SimTime> {
    let parsed = match raw {
        RawDuration::Text(s) => parse_sim_time(s),
        RawDuration::Number(n) => Err(bare_number_duration(*n)),
    };
    parsed.map_err(|e| cx.error(path, e)).ok()
}

fn settings(cx: &mut Cx<'_>, doc: &Document) -> Option<Settings> {
    let Some(raw) = &doc.scenario else {
        if !doc.scenario_written {
            cx.structural(
                "scenario",
                "missing the [scenario] table; start the file with [scenario] and its \
                 `name` and `horizon` (e.g. horizon = \"7d\")",
            );
        }
        return None;
    };
    if raw.name.trim().is_empty() {
        cx.error("scenario.name", "the scenario name must not be empty");
    }
    let horizon = sim_time(cx, "scenario.horizon", &raw.horizon);
    if horizon == Some(SimTime::ZERO) {
        cx.error(
            "scenario.horizon",
            "the horizon must be longer than 0: it is when the run ends",
        );
    }
    let warmup = match &raw.warmup {
        Some(w) => sim_time(cx, "scenario.warmup", w),
        None => Some(SimTime::ZERO),
    };
    if let (Some(h), Some(w), Some(raw_w)) = (horizon, warmup, &raw.warmup)
        && h > SimTime::ZERO
        && w >= h
    {
        cx.error(
            "scenario.warmup",
            format!(
                "the warm-up ({}) must be shorter than the horizon ({}); the horizon is the \
                 absolute end of the run and includes the warm-up",
                show_duration(raw_w),
                show_duration(&raw.horizon)
            ),
        );
    }
    let replications = match raw.replications {
        None => Some(DEFAULT_REPLICATIONS),
        Some(n) if n < 1 => {
            cx.error(
                "scenario.replications",
                format!("replications must be at least 1, got {n}"),
            );
            None
        }
        Some(n) => match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                cx.error(
                    "scenario.replications",
                    format!("replications must be at most {}, got {n}", u32::MAX),
                );
                None
            }
        },
    };
    Some(Settings {
        name: raw.name.clone(),
        horizon: horizon?,
        warmup: warmup?,
        replications: replications?,
        seed: raw.seed.unwrap_or(DEFAULT_SEED),
    })
}

fn param_hint(name: &str) -> &'static str {
    match name {
        "mean" => "e.g. mean = \"2min\"",
        "cv" => "a plain number, e.g. cv = 0.5",
        "value" => "e.g. value = \"30s\"",
        "min" => "e.g. min = \"1min\"",
        "mode" => "e.g. mode = \"90s\"",
        "max" => "e.g. max = \"3min\"",
        "values" => "observed durations, e.g. values = [\"40s\", \"65s\", \"2min\"]",
        _ => "",
    }
}

/// Validates a service-time table. `None` when something is wrong (already reported).
fn service(cx: &mut Cx<'_>, path: &str, raw: &RawService) -> Option<ServiceDist> {
    let kind = raw.dist;
    let name = kind.name();
    let takes = kind.parameters();
    let given = raw.given_parameters();
    let mut ok = true;
    for p in &given {
        if !takes.contains(p) {
            cx.error_at_key(
                &child(path, p),
                format!(
                    "`{p}` is not a parameter of {name}; {name} takes {}",
                    list(takes.iter().copied())
                ),
            );
            ok = false;
        }
    }
    for p in takes {
        if !given.contains(p) {
            cx.error(path, format!("{name} needs `{p}` ({})", param_hint(p)));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut duration = |field: &str, v: &Option<RawDuration>| {
        v.as_ref()
            .and_then(|v| duration_ms(cx, &child(path, field), v))
    };
    let mean = duration("mean", &raw.mean);
    let value = duration("value", &raw.value);
    let min = duration("min", &raw.min);
    let mode = duration("mode", &raw.mode);
    let max = duration("max", &raw.max);
    let values: Option<Vec<f64>> = raw.values.as_ref().map(|vs| {
        vs.iter()
            .enumerate()
            .filter_map(|(k, v)| duration_ms(cx, &index(&child(path, "values"), k), v))
            .collect()
    });
    let cv = raw.cv;

    let mean_ok = |cx: &mut Cx<'_>, mean: Option<f64>| match mean {
        Some(m) if m <= 0.0 => {
            cx.error(
                &child(path, "mean"),
                "the mean must be longer than 0 (use `deterministic` with value = \"0s\" for no wait)",
            );
            None
        }
        m => m,
    };
    let cv_ok = |cx: &mut Cx<'_>| match cv {
        Some(c) if !(c.is_finite() && c >= 0.0) => {
            cx.error(
                &child(path, "cv"),
                format!("cv must be zero or positive, got {c}"),
            );
            None
        }
        c => c,
    };
    let dist = match kind {
        DistKind::Exponential => ServiceDist::Exponential {
            mean_ms: mean_ok(cx, mean)?,
        },
        DistKind::Deterministic => ServiceDist::Deterministic { value_ms: value? },
        DistKind::Uniform => {
            let (min_ms, max_ms) = (min?, max?);
            if min_ms > max_ms {
                cx.error(
                    path,
                    format!(
                        "min {} must not exceed max {}",
                        show_written(&raw.min),
                        show_written(&raw.max)
                    ),
                );
                return None;
            }
            ServiceDist::Uniform { min_ms, max_ms }
        }
        DistKind::Triangular => {
            let (min_ms, mode_ms, max_ms) = (min?, mode?, max?);
            if !(min_ms <= mode_ms && mode_ms <= max_ms) {
                cx.error(
                    path,
                    format!(
                        "need min <= mode <= max, got min {}, mode {}, max {}",
                        show_written(&raw.min),
                        show_written(&raw.mode),
                        show_written(&raw.max)
                    ),
                );
                return None;
            }
            ServiceDist::Triangular {
                min_ms,
                mode_ms,
                max_ms,
            }
        }
        DistKind::Lognormal | DistKind::Gamma => {
            let mean = mean_ok(cx, mean);
            let cv = cv_ok(cx);
            let (mean_ms, cv) = (mean?, cv?);
            if kind == DistKind::Lognormal {
                ServiceDist::LogNormal { mean_ms, cv }
            } else {
                ServiceDist::Gamma { mean_ms, cv }
            }
        }
        DistKind::Empirical => {
            let values_ms = values?;
            let count = raw.values.as_ref().map_or(0, Vec::len);
            if count == 0 {
                cx.error(
                    &child(path, "values"),
                    format!(
                        "values must hold at least one observed duration ({})",
                        param_hint("values")
                    ),
                );
                return None;
            }
            if values_ms.len() < count {
                return None; // a bad value, already reported
            }
            ServiceDist::Empirical { values_ms }
        }
    };
    // The model's own check, should it ever be stricter than the ones above.
    if let Err(e) = dist.validate() {
        cx.error(path, e.0);
        return None;
    }
    Some(dist)
}

/// Stands in for a service time that was written but is invalid (already reported), so
/// that the structural checks do not also call it missing.
const PLACEHOLDER: ServiceDist = ServiceDist::Deterministic { value_ms: 0.0 };

fn station(
    cx: &mut Cx<'_>,
    i: usize,
    raw: &RawStation,
    classes: &Names<'_>,
    stations: &Names<'_>,
    class_count: usize,
) -> Station {
    let path = index("stations", i);
    let servers = match u32::try_from(raw.servers) {
        Ok(n) if n >= 1 => n,
        _ => {
            cx.error(
                &child(&path, "servers"),
                format!(
                    "a station needs at least 1 server (lane, booth, scanner or officer), got {}",
                    raw.servers
                ),
            );
            1
        }
    };
    let default = raw
        .service
        .as_ref()
        .map(|s| service(cx, &child(&path, "service"), s).unwrap_or(PLACEHOLDER));
    let mut by_class = vec![default; class_count];
    let by_class_path = child(&path, "service_by_class");
    for (class, spec) in &raw.service_by_class {
        let p = child(&by_class_path, class);
        let dist = service(cx, &p, spec).unwrap_or(PLACEHOLDER);
        match classes.resolve(class, &[]) {
            Ok(c) => by_class[c] = Some(dist),
            Err(message) => {
                cx.structure_ok = false;
                if let Some(message) = message {
                    cx.error_at_key(&p, message);
                }
            }
        }
    }
    let routes_path = child(&path, "routes");
    let routes = raw
        .routes
        .iter()
        .enumerate()
        .filter_map(|(r, route)| self::route(cx, &index(&routes_path, r), route, classes, stations))
        .collect();
    Station::simple(raw.id.clone(), servers, by_class, routes)
}

fn route(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawRoute,
    classes: &Names<'_>,
    stations: &Names<'_>,
) -> Option<Route> {
    let to = if raw.to == EXIT {
        Some(Target::Exit)
    } else {
        match stations.resolve(&raw.to, &[EXIT]) {
            Ok(s) => Some(Target::Station(StationId(s as u32))),
            Err(message) => {
                cx.unresolved(&child(path, "to"), message);
                None
            }
        }
    };
    let resolve_class = |cx: &mut Cx<'_>, p: &str, name: &str| match classes.resolve(name, &[]) {
        Ok(c) => Some(ClassId(c as u16)),
        Err(message) => {
            cx.unresolved(p, message);
            None
        }
    };
    let filter = match (&raw.class, &raw.classes) {
        (Some(_), Some(_)) => {
            cx.structural(
                &child(path, "classes"),
                "give either `class` or `classes`, not both",
            );
            None
        }
        (Some(name), None) => resolve_class(cx, &child(path, "class"), name).map(|c| Some(vec![c])),
        (None, Some(names)) if names.is_empty() => {
            cx.structural(
                &child(path, "classes"),
                "`classes` is empty; omit it to apply the route to every class",
            );
            None
        }
        (None, Some(names)) => {
            let list_path = child(path, "classes");
            let resolved: Vec<Option<ClassId>> = names
                .iter()
                .enumerate()
                .map(|(k, name)| resolve_class(cx, &index(&list_path, k), name))
                .collect();
            resolved
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(|mut ids| {
                    ids.sort();
                    ids.dedup();
                    Some(ids)
                })
        }
        (None, None) => Some(None),
    };
    let p = raw.p;
    if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
        cx.structural(
            &child(path, "p"),
            format!("p is a probability: use a value between 0 and 1, got {p}"),
        );
        return None;
    }
    Some(Route {
        when: VehicleFilter {
            classes: filter?,
            ..VehicleFilter::any()
        },
        to: to?,
        probability: p,
    })
}

fn source(
    cx: &mut Cx<'_>,
    i: usize,
    raw: &RawSource,
    classes: &Names<'_>,
    stations: &Names<'_>,
) -> Option<Source> {
    let path = index("sources", i);
    let class = match classes.resolve(&raw.class, &[]) {
        Ok(c) => Some(ClassId(c as u16)),
        Err(message) => {
            cx.unresolved(&child(&path, "class"), message);
            None
        }
    };
    let entry_path = child(&path, "entry");
    let entry = if raw.entry == EXIT {
        cx.structural(
            &entry_path,
            "vehicles must enter at a station, not at `exit`",
        );
        None
    } else {
        match stations.resolve(&raw.entry, &[]) {
            Ok(s) => Some(StationId(s as u32)),
            Err(message) => {
                cx.unresolved(&entry_path, message);
                None
            }
        }
    };
    let rate_path = child(&path, "rate");
    let rate = match &raw.rate {
        RawRate::Text(s) => match parse_rate_per_hour(s) {
            Ok(r) if r > 0.0 => r,
            Ok(_) => {
                cx.error(
                    &rate_path,
                    format!(
                        "the rate must be positive, got \"{s}\"; remove the source if it sends \
                         no vehicles"
                    ),
                );
                1.0
            }
            Err(e) => {
                cx.error(&rate_path, e);
                1.0
            }
        },
        RawRate::Number(n) => {
            let n = format_number(*n);
            cx.error(
                &rate_path,
                format!(
                    "`{n}` has no time unit; write a rate as a string, e.g. \"{n}/h\" \
                     (per s, min, h or d)"
                ),
            );
            1.0
        }
    };
    Some(Source::poisson(raw.id.clone(), class?, rate, entry?))
}

fn build(cx: &mut Cx<'_>, doc: &Document) -> Option<Scenario> {
    let settings = settings(cx, doc);
    let malformed = &doc.malformed;
    let classes = Names::collect(
        cx,
        "classes",
        "class",
        &doc.classes,
        malformed.contains(&"classes"),
        |c: &RawClass| &c.id,
    );
    let stations = Names::collect(
        cx,
        "stations",
        "station",
        &doc.stations,
        malformed.contains(&"stations"),
        |s: &RawStation| &s.id,
    );
    let _sources = Names::collect(
        cx,
        "sources",
        "source",
        &doc.sources,
        malformed.contains(&"sources"),
        |s: &RawSource| &s.id,
    );

    for (i, item) in doc.stations.iter().enumerate() {
        if let Some(raw) = &item.raw
            && raw.id == EXIT
        {
            cx.structural(
                &child(&index("stations", i), "id"),
                "`exit` is reserved for leaving the crossing (routes use `to = \"exit\"`); \
                 rename the station",
            );
        }
    }
    let sections = [
        (
            doc.classes.is_empty(),
            "classes",
            "no vehicle classes: add a [[classes]] table with an `id`",
        ),
        (
            doc.stations.is_empty(),
            "stations",
            "no stations: add a [[stations]] table with an `id`, `servers`, `service` and `routes`",
        ),
        (
            doc.sources.is_empty(),
            "sources",
            "no sources of vehicles: add a [[sources]] table with an `id`, `class`, `rate` and `entry`",
        ),
    ];
    for (empty, path, message) in sections {
        // A section written in the wrong form was reported when it was read.
        if empty && !malformed.contains(&path) {
            cx.structural(path, message);
        }
    }
    if doc.classes.len() > usize::from(u16::MAX) {
        cx.structural(
            "classes",
            format!("at most {} classes are supported", u16::MAX),
        );
    }

    let class_count = doc.classes.len();
    let built_stations: Vec<Option<Station>> = doc
        .stations
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.raw
                .as_ref()
                .map(|raw| station(cx, i, raw, &classes, &stations, class_count))
        })
        .collect();
    let built_sources: Vec<Option<Source>> = doc
        .sources
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.raw
                .as_ref()
                .and_then(|raw| source(cx, i, raw, &classes, &stations))
        })
        .collect();

    // Phase 4 only on a fully known station graph (see `Cx::structure_ok`).
    if !cx.structure_ok {
        return None;
    }
    let settings = settings?;
    let built_stations: Vec<Station> = built_stations.into_iter().collect::<Option<_>>()?;
    let built_sources: Vec<Source> = built_sources.into_iter().collect::<Option<_>>()?;
    let class_ids: Vec<&str> = doc
        .classes
        .iter()
        .map(|c| c.raw.as_ref().map_or("", |r| r.id.as_str()))
        .collect();
    let population = Population {
        classes: class_ids
            .iter()
            .map(|id| VehicleClass::simple(*id, 1))
            .collect(),
        programmes: vec![Programme { id: "none".into() }],
        directions: vec![Direction {
            id: "inbound".into(),
        }],
    };
    let _ = class_count;
    let crossing = match Crossing::new(
        settings.name.clone(),
        &population,
        built_stations.clone(),
        built_sources,
    ) {
        Ok(c) => c,
        Err(errors) => {
            report_model_errors(cx, &errors, &built_stations, &class_ids);
            return None;
        }
    };
    if !cx.errors.is_empty() {
        return None;
    }
    warn(cx, &crossing, &class_ids, settings.horizon);
    Some(Scenario {
        name: settings.name,
        start_weekday: 0,
        crossing,
        horizon: settings.horizon,
        warmup: settings.warmup,
        replications: settings.replications,
        seed: settings.seed,
    })
}

// ---------------------------------------------------------------------------------------
// Phase 4: structure
// ---------------------------------------------------------------------------------------

/// The indices of the routes of `station` that apply to `class` (as
/// [`bordersim_model::branches_for`] chooses them), and whether they are class-specific.
fn applicable_routes(station: &Station, key: VehicleKey) -> (Vec<usize>, bool) {
    let chosen = branches_for(&station.routes, key);
    let indices: Vec<usize> = station
        .routes
        .iter()
        .enumerate()
        .filter(|(_, r)| chosen.iter().any(|c| std::ptr::eq(*c, *r)))
        .map(|(i, _)| i)
        .collect();
    let specific = chosen.iter().any(|r| r.when.classes.is_some());
    (indices, specific)
}

fn classes_phrase(classes: &[ClassId], class_ids: &[&str]) -> String {
    let names = list(classes.iter().map(|c| class_ids[c.index()]));
    if classes.len() == 1 {
        format!("class {names}")
    } else {
        format!("classes {names}")
    }
}

fn stations_phrase(stations: &[StationId], built: &[Station]) -> String {
    let names = list(stations.iter().map(|s| built[s.index()].id.as_str()));
    if stations.len() == 1 {
        format!("station {names}")
    } else {
        format!("stations {names}")
    }
}

fn report_model_errors(
    cx: &mut Cx<'_>,
    errors: &[ModelError],
    stations: &[Station],
    class_ids: &[&str],
) {
    let station_path = |s: StationId| index("stations", s.index());
    // Routing sums, grouped by the routes concerned: (class-specific?, sum, classes).
    type SumGroup = (bool, f64, Vec<ClassId>);
    let mut sums: BTreeMap<(StationId, Vec<usize>), SumGroup> = BTreeMap::new();
    // Trapped vehicles, grouped by the stations they are trapped in.
    let mut trapped: BTreeMap<ClassId, Vec<StationId>> = BTreeMap::new();
    for e in errors {
        match e {
            ModelError::ProbabilitiesDoNotSumToOne { station, key, sum } => {
                let (routes, specific) = applicable_routes(&stations[station.index()], *key);
                let group = &mut sums
                    .entry((*station, routes))
                    .or_insert((specific, *sum, Vec::new()))
                    .2;
                if !group.contains(&key.class) {
                    group.push(key.class);
                }
            }
            ModelError::NoExit { station, key } => {
                let at = trapped.entry(key.class).or_default();
                if !at.contains(station) {
                    at.push(*station);
                }
            }
            ModelError::NoServiceTimeForClass { station, class } => {
                let name = class_ids[class.index()];
                cx.error(
                    &station_path(*station),
                    format!(
                        "class `{name}` can reach station `{}`, but the station has no service \
                         time for it; add `service` (for every class) or \
                         `service_by_class.{}`",
                        stations[station.index()].id,
                        child("", name)
                    ),
                );
            }
            ModelError::NeverOpen { station } => {
                cx.error(&child(&station_path(*station), "servers"), e.to_string());
            }
            ModelError::RouteTargetOutOfRange { station, route }
            | ModelError::BadProbability { station, route, .. } => {
                let path = index(&child(&station_path(*station), "routes"), *route);
                cx.error(&path, e.to_string());
            }
            ModelError::BadServiceTime { station, .. } => {
                cx.error(&station_path(*station), e.to_string());
            }
            ModelError::BadArrivalRate { source, .. } => {
                cx.error(&child(&index("sources", *source), "rate"), e.to_string());
            }
            ModelError::SourceEntryOutOfRange { source } => {
                cx.error(&child(&index("sources", *source), "entry"), e.to_string());
            }
            ModelError::SourceClassOutOfRange { source } => {
                cx.error(&child(&index("sources", *source), "class"), e.to_string());
            }
            ModelError::NoStations => cx.error("stations", e.to_string()),
            ModelError::NoSources => cx.error("sources", e.to_string()),
            // The model may learn new checks; report them even without a precise place.
            #[allow(unreachable_patterns, reason = "ModelError may gain variants")]
            _ => cx.error("", e.to_string()),
        }
    }
    for ((station, routes), (specific, sum, classes)) in sums {
        let routes_path = child(&station_path(station), "routes");
        let which = routes
            .iter()
            .map(|r| format!("routes[{r}]"))
            .collect::<Vec<_>>()
            .join(", ");
        let whose = if specific {
            format!(
                "the routes for {} ({which})",
                classes_phrase(&classes, class_ids)
            )
        } else if routes.is_empty() {
            "the routes".to_owned()
        } else {
            format!("the routes for every class ({which})")
        };
        let gap = 1.0 - sum;
        let fix = if gap > 0.0 {
            format!(
                "; add the missing {} (e.g. a route {{ to = \"exit\", p = {} }})",
                format_number(gap),
                format_number(gap)
            )
        } else {
            format!("; they exceed 1 by {}", format_number(-gap))
        };
        cx.error(
            &routes_path,
            format!(
                "probabilities of {whose} sum to {}, not 1{fix}",
                format_number(sum)
            ),
        );
    }
    let mut by_trap: BTreeMap<Vec<StationId>, Vec<ClassId>> = BTreeMap::new();
    for (class, mut at) in trapped {
        at.sort();
        by_trap.entry(at).or_default().push(class);
    }
    for (at, classes) in by_trap {
        let first = at[0];
        cx.error(
            &child(&station_path(first), "routes"),
            format!(
                "vehicles of {} that reach {} can never leave: no route from there leads, \
                 directly or through other stations, to \"exit\"; add a route {{ to = \"exit\", \
                 p = ... }} on the way",
                classes_phrase(&classes, class_ids),
                stations_phrase(&at, stations)
            ),
        );
    }
}

/// Concerns that do not stop a run: unstable stations, stations nobody visits, classes
/// nobody sends.
fn warn(cx: &mut Cx<'_>, crossing: &Crossing, class_ids: &[&str], horizon: SimTime) {
    let stations = crossing.stations();
    let rates = crossing.arrival_rates_per_hour(horizon);
    for (i, load) in crossing.offered_loads(horizon).into_iter().enumerate() {
        if load.is_finite() && load < 1.0 {
            continue;
        }
        let st = &stations[i];
        let arrivals: f64 = rates[i].iter().sum();
        let servers = st.mean_servers();
        let mean_service_ms = load * servers * SimTime::MS_PER_HOUR as f64 / arrivals;
        let needed = (load * servers).floor() + 1.0;
        cx.warn(
            &child(&index("stations", i), "servers"),
            format!(
                "unstable: offered load {load:.2} per server at station `{}` ({}/h arriving, \
                 mean service {}, {} servers); the queue grows until the horizon. Stability \
                 needs at least {} servers, faster service or fewer arrivals",
                st.id,
                format_number((arrivals * 10.0).round() / 10.0),
                format_duration(mean_service_ms),
                format_number(servers),
                needed
            ),
        );
    }
    let mut visited = vec![false; stations.len()];
    for c in 0..crossing.class_count() {
        for (v, r) in visited
            .iter_mut()
            .zip(crossing.stations_reached_by(ClassId(c as u16)))
        {
            *v |= r;
        }
    }
    for (i, v) in visited.iter().enumerate() {
        if !v {
            cx.warn(
                &child(&index("stations", i), "id"),
                format!(
                    "station `{}` is never visited: no source enters there and no route with \
                     positive probability leads there",
                    stations[i].id
                ),
            );
        }
    }
    for (c, id) in class_ids.iter().enumerate() {
        if !crossing
            .sources()
            .iter()
            .any(|s| source_sends(s, ClassId(c as u16)))
        {
            cx.warn(
                &child(&index("classes", c), "id"),
                format!("no source sends vehicles of class `{id}`; add a [[sources]] entry or remove the class"),
            );
        }
    }
}

fn source_sends(source: &Source, class: ClassId) -> bool {
    match &source.arrivals {
        Arrivals::Poisson { class: c, .. } | Arrivals::Profile { class: c, .. } => *c == class,
        Arrivals::Trace { arrivals } => arrivals.iter().any(|a| a.class == class),
    }
}
