//! From TOML text to a validated [`Scenario`], in four phases, each collecting every
//! problem it finds:
//!
//! 1. **syntax**: the TOML parser; only its first error is reported (what its recovery
//!    finds after one error is mostly consequences), with a hint when an array or inline
//!    table opened earlier is still open;
//! 2. **shape**: each table (`[scenario]`, every `[[directions]]`, `[[programmes]]`,
//!    `[[classes]]`, `[[stations]]`, `[[sources]]` entry) is read on its own into its
//!    [`crate::raw`] struct, so a wrong type in one station does not hide a missing field in
//!    another;
//! 3. **values and names**: units, ranges, schedules, shares and probabilities,
//!    distribution parameters, unique ids, references to directions, programmes, classes
//!    and stations (with "did you mean"), and recorded traces (located in their CSV file);
//! 4. **structure**: [`Crossing::new`] checks routing sums, exits, lane and service
//!    coverage; its index-based errors are mapped back to field paths. This phase runs only
//!    when phases 2 and 3 left the station graph fully known, so it never reports mere
//!    consequences of an earlier error.
//!
//! Every diagnostic carries the field path and the `line:column` where that field (or, for
//! a missing field, its table) is written.

mod population;
mod source;
mod station;
mod structure;
mod trace;

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use bordersim_des::SimTime;
use bordersim_model::{
    Crossing, Direction, DirectionId, Population, Programme, Scenario, ServiceDist, Source,
    Station, VehicleClass,
};
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use self::source::Kind;
use self::station::StationMeta;
use crate::diagnostic::{Collector, ConfigError, Diagnostic};
use crate::raw::{
    DistKind, RawClass, RawConfig, RawDirection, RawDuration, RawProgramme, RawScenario,
    RawService, RawSource, RawStation,
};
use crate::spans::{SpanIndex, child, index};
use crate::suggest::{did_you_mean, list};
use crate::units::{format_number, parse_duration, parse_sim_time};

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

/// Reads a file named in a scenario (a `trace`), given the path exactly as written: returns
/// its text, or a message saying why it cannot be read. The caller resolves the path
/// (the CLI: relative to the scenario file).
pub type FileReader<'r> = &'r dyn Fn(&str) -> Result<String, String>;

/// Parses and validates a scenario file. `file_name` is only used in diagnostics.
///
/// On failure, the error holds every problem found, in file order (for a TOML syntax
/// error, only the first: later ones are mostly its consequences).
///
/// A scenario that replays a recorded `trace` needs [`parse_scenario_with`], which can read
/// the trace file; here each `trace` is reported as an error.
pub fn parse_scenario(source: &str, file_name: &str) -> Result<Loaded, ConfigError> {
    parse(source, file_name, None)
}

/// [`parse_scenario`] for scenarios that name other files (recorded `trace`s): `read` is
/// called with each path as written in the file and returns the file's text or an error
/// message. This crate never touches the file system itself. Problems inside a trace file
/// are reported against that file (its path joined to the scenario's directory), with the
/// CSV line, column and row.
pub fn parse_scenario_with(
    source: &str,
    file_name: &str,
    read: FileReader<'_>,
) -> Result<Loaded, ConfigError> {
    parse(source, file_name, Some(read))
}

fn parse(
    source: &str,
    file_name: &str,
    read: Option<FileReader<'_>>,
) -> Result<Loaded, ConfigError> {
    let (root, syntax_errors) = DeTable::parse_recoverable(source);
    let mut cx = Cx {
        diags: Collector::with_spans(file_name, source, SpanIndex::build(&root)),
        structure_ok: true,
        read,
    };
    // Only the first syntax error (in file order) is reported: after one, the parser's
    // recovery mostly finds consequences (one unclosed bracket can yield dozens).
    if let Some(first) = syntax_errors
        .iter()
        .min_by_key(|e| e.span().map_or(usize::MAX, |s| s.start))
    {
        cx.syntax_error(source, first, syntax_errors.len() - 1);
        return Err(cx.diags.into_error());
    }
    if root.get_ref().is_empty() {
        cx.error_at(
            0,
            "",
            "the file is empty (or holds only comments); a scenario needs a [scenario] table \
             (name, horizon) and at least one [[classes]], [[stations]] and [[sources]] entry",
        );
        return Err(cx.diags.into_error());
    }
    let doc = read_document(&mut cx, root.into_inner());
    let scenario = build(&mut cx, &doc);
    match scenario {
        Some(scenario) if !cx.has_errors() => Ok(Loaded {
            scenario,
            warnings: cx.diags.into_warnings(),
        }),
        _ => Err(cx.diags.into_error()),
    }
}

// ---------------------------------------------------------------------------------------
// Diagnostics context
// ---------------------------------------------------------------------------------------

struct Cx<'a> {
    diags: Collector<'a>,
    /// Cleared when a problem leaves the station graph unknown (a table that could not be
    /// read, an unknown or duplicate name, a bad route); the structural checks of phase 4
    /// are then skipped, as they would only report consequences.
    structure_ok: bool,
    /// Reads trace files; `None` for [`parse_scenario`].
    read: Option<FileReader<'a>>,
}

/// The checks report through the collector directly: `cx.error(path, message)`.
impl<'a> Deref for Cx<'a> {
    type Target = Collector<'a>;

    fn deref(&self) -> &Collector<'a> {
        &self.diags
    }
}

impl DerefMut for Cx<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.diags
    }
}

impl Cx<'_> {
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

    /// A syntax error has no field path (the tree around it is not reliable), but when the
    /// parser was still inside an array or inline table, the message says where it opened:
    /// a missing `]` or `}` is the usual cause of a cascade of errors further down.
    fn syntax_error(&mut self, text: &str, e: &toml::de::Error, more: usize) {
        let offset = e.span().map_or(0, |s| s.start);
        let message = e.message();
        let (line, _) = self.line_col(offset);
        let opened = self
            .spans()
            .and_then(|spans| spans.unclosed_container_at(text, offset))
            .and_then(|(path, start, closer)| {
                let what = if closer == ']' { "array" } else { "inline table" };
                let (open_line, _) = self.line_col(start);
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
            .and_then(|s| self.spans().and_then(|spans| spans.path_at(s)))
            .filter(|p| p.starts_with(base))
            .unwrap_or_else(|| base.to_owned());
        let offset = span.map_or_else(|| self.value_start(base), |s| s.start);
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
        } else if raw == "wanted string or table" {
            // A non-string where a named value (an enum) belongs.
            match named_values(&path) {
                Some(names) => format!("wrong type: expected one of {}", list(names)),
                None => "wrong type: expected a string".to_owned(),
            }
        } else if let Some(rest) = raw.strip_prefix("invalid type: ") {
            let mut message = friendly_mismatch("wrong type", rest);
            if path.ends_with(".lanes") && rest.starts_with("map") {
                message.push_str(
                    "; write each lane group under its own [[stations.lanes]] header (two \
                     brackets)",
                );
            }
            message
        } else if let Some(rest) = raw.strip_prefix("invalid value: ") {
            friendly_mismatch("wrong value", rest)
        } else {
            raw.to_owned()
        };
        self.error_at(offset, &path, message);
    }
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

/// The values a named-value field takes, by the field's name.
fn named_values(path: &str) -> Option<Vec<&'static str>> {
    let field = path.rsplit('.').next()?;
    let field = field.split('[').next()?;
    Some(match field {
        "dist" => DistKind::ALL.iter().map(|d| d.name()).collect(),
        "when_full" => vec!["spillback", "balk"],
        "channel" | "channels" => vec!["green", "yellow", "red"],
        _ => return None,
    })
}

fn missing_hint(field: &str) -> String {
    let hint = match field {
        "horizon" => "when the run ends, warm-up included, e.g. horizon = \"7d\"",
        "dist" => {
            return format!(
                " (the distribution: one of {})",
                list(DistKind::ALL.iter().map(|d| d.name()))
            );
        }
        "p" => "the probability of taking this route, e.g. p = 1",
        "to" => "a station id or \"exit\"",
        "rate" => "vehicles per unit of time, e.g. rate = \"30/h\"",
        "entry" => {
            "the id of the station where these vehicles arrive (for a trace, it may be a \
             table of stations by direction)"
        }
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
    directions: Vec<Item<RawDirection>>,
    programmes: Vec<Item<RawProgramme>>,
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
                    for &section in &RawConfig::SECTIONS[1..] {
                        if table.contains_key(section) {
                            doc.malformed.push(section);
                        }
                    }
                }
                doc.scenario = read(cx, "scenario", value);
            }
            "directions" => match read_array(cx, "directions", value) {
                Some(items) => doc.directions = items,
                None => doc.malformed.push("directions"),
            },
            "programmes" => match read_array(cx, "programmes", value) {
                Some(items) => doc.programmes = items,
                None => doc.malformed.push("programmes"),
            },
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
                const SCENARIO_FIELDS: [&str; 6] = [
                    "name",
                    "horizon",
                    "warmup",
                    "replications",
                    "seed",
                    "start_weekday",
                ];
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
                        "[scenario], [[directions]], [[programmes]], [[classes]], [[stations]] \
                         and [[sources]]"
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
        Self::collect_after(cx, section, what, &[], items, malformed, raw_id)
    }

    /// Like [`Names::collect`], with built-in names taking the first indices (programme
    /// `none`); an entry may not declare one of them.
    fn collect_after<T>(
        cx: &mut Cx<'_>,
        section: &'static str,
        what: &'static str,
        builtin: &[&'static str],
        items: &'d [Item<T>],
        malformed: bool,
        raw_id: impl Fn(&'d T) -> &'d str,
    ) -> Self {
        let mut names = Names {
            what,
            plural: section,
            known: builtin.to_vec(),
            index: builtin.iter().enumerate().map(|(i, b)| (*b, i)).collect(),
            incomplete: malformed,
        };
        let offset = builtin.len();
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
            if builtin.contains(&id) {
                cx.structural(
                    &path,
                    format!(
                        "`{id}` is built in (the vehicles in no {what}) and must not be \
                         declared; remove this entry"
                    ),
                );
                continue;
            }
            if let Some(&first) = names.index.get(id) {
                let first = first - offset;
                let first_path = child(&index(section, first), "id");
                let line = cx.line_of(&first_path).unwrap_or(1);
                cx.structural(
                    &path,
                    format!(
                        "duplicate {what} id `{id}`: {section}[{first}] (line {line}) already \
                         uses it; ids must be unique"
                    ),
                );
                continue;
            }
            names.index.insert(id, offset + i);
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
        let suggestion = did_you_mean(name, known.iter().copied());
        // Directions and programmes have built-in names: a new one may just be undeclared.
        let declare = if suggestion.is_empty() && matches!(plural, "directions" | "programmes") {
            format!(" (declare it in a [[{plural}]] table)")
        } else {
            String::new()
        };
        Err(Some(format!(
            "unknown {what} `{name}`{suggestion}; known {plural}: {}{declare}",
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
    start_weekday: u8,
}

/// Day names as `start_weekday` takes them, Monday first.
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn weekday(cx: &mut Cx<'_>, written: &str) -> Option<u8> {
    let lower = written.trim().to_ascii_lowercase();
    let found = WEEKDAYS
        .iter()
        .position(|d| *d == lower || (lower.len() == 3 && d.starts_with(&lower)));
    match found {
        Some(d) => Some(d as u8),
        None => {
            cx.error(
                "scenario.start_weekday",
                format!(
                    "unknown day `{written}`{}; write one of {} (or their first three letters)",
                    did_you_mean(&lower, WEEKDAYS),
                    list(WEEKDAYS)
                ),
            );
            None
        }
    }
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
    let start_weekday = match &raw.start_weekday {
        None => Some(0),
        Some(day) => weekday(cx, day),
    };
    Some(Settings {
        start_weekday: start_weekday?,
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
        "parts" => {
            "the distributions added, e.g. parts = [{ dist = \"exponential\", mean = \"2min\" }, \
             { dist = \"deterministic\", value = \"30s\" }]"
        }
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
    let optional = kind.optional_parameters();
    for p in &given {
        if !takes.contains(p) && !optional.contains(p) {
            cx.error_at_key(
                &child(path, p),
                format!(
                    "`{p}` is not a parameter of {name}; {name} takes {}",
                    list(takes.iter().chain(optional).copied())
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
        DistKind::Sum => {
            let raw_parts = raw.parts.as_deref().unwrap_or_default();
            if raw_parts.is_empty() {
                cx.error(
                    &child(path, "parts"),
                    format!(
                        "parts must hold at least one distribution ({})",
                        param_hint("parts")
                    ),
                );
                return None;
            }
            let parts: Vec<ServiceDist> = raw_parts
                .iter()
                .enumerate()
                .filter_map(|(k, part)| service(cx, &index(&child(path, "parts"), k), part))
                .collect();
            let scale = raw.scale.unwrap_or(1.0);
            if !(scale.is_finite() && scale > 0.0) {
                cx.error(
                    &child(path, "scale"),
                    format!("scale multiplies the sum: use a positive number, got {scale}"),
                );
                return None;
            }
            if parts.len() < raw_parts.len() {
                return None; // a bad part, already reported
            }
            ServiceDist::Sum { parts, scale }
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

/// The names every section may refer to.
struct Refs<'d> {
    directions: Names<'d>,
    programmes: Names<'d>,
    classes: Names<'d>,
    stations: Names<'d>,
}

/// The names of the built model's parts, by index, for messages.
pub(super) struct Labels {
    pub(super) classes: Vec<String>,
    pub(super) programmes: Vec<String>,
    pub(super) directions: Vec<String>,
}

/// Programme 0, the vehicles in no programme.
const NO_PROGRAMME: &str = "none";
/// The direction of a file that declares none.
const DEFAULT_DIRECTION: &str = "inbound";

fn build(cx: &mut Cx<'_>, doc: &Document) -> Option<Scenario> {
    let settings = settings(cx, doc);
    let malformed = &doc.malformed;
    let no_directions = doc.directions.is_empty() && !malformed.contains(&"directions");
    let directions = Names::collect_after(
        cx,
        "directions",
        "direction",
        if no_directions {
            &[DEFAULT_DIRECTION]
        } else {
            &[]
        },
        &doc.directions,
        malformed.contains(&"directions"),
        |d: &RawDirection| &d.id,
    );
    let programmes = Names::collect_after(
        cx,
        "programmes",
        "programme",
        &[NO_PROGRAMME],
        &doc.programmes,
        malformed.contains(&"programmes"),
        |p: &RawProgramme| &p.id,
    );
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
    let refs = Refs {
        directions,
        programmes,
        classes,
        stations,
    };

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
    let limits = [
        ("classes", doc.classes.len(), usize::from(u16::MAX)),
        ("programmes", doc.programmes.len(), usize::from(u8::MAX)),
        ("directions", doc.directions.len(), usize::from(u8::MAX) + 1),
    ];
    let mut too_many = false;
    for (section, count, max) in limits {
        if count > max {
            cx.structural(section, format!("at most {max} {section} are supported"));
            too_many = true;
        }
    }
    if too_many {
        // Indices would not fit the model's ids.
        return None;
    }

    let programme_count = 1 + doc.programmes.len();
    let built_classes: Vec<Option<VehicleClass>> = doc
        .classes
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.raw
                .as_ref()
                .map(|raw| population::class(cx, i, raw, &refs.programmes, programme_count))
        })
        .collect();
    let class_count = doc.classes.len();
    let built_stations: Vec<Option<(Station, StationMeta)>> = doc
        .stations
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.raw
                .as_ref()
                .map(|raw| station::station(cx, i, raw, &refs, class_count))
        })
        .collect();
    let station_directions: Vec<Option<DirectionId>> = built_stations
        .iter()
        .map(|s| s.as_ref().and_then(|(_, meta)| meta.direction))
        .collect();
    let built_sources: Vec<Option<(Kind, Vec<Source>)>> = doc
        .sources
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.raw
                .as_ref()
                .and_then(|raw| source::source(cx, i, raw, &refs, &station_directions))
        })
        .collect();

    // Phase 4 only on a fully known station graph (see `Cx::structure_ok`).
    if !cx.structure_ok {
        return None;
    }
    let settings = settings?;
    let classes: Vec<VehicleClass> = built_classes.into_iter().collect::<Option<_>>()?;
    let (stations, metas): (Vec<Station>, Vec<StationMeta>) = built_stations
        .into_iter()
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .unzip();
    let mut sources = Vec::new();
    let mut origins = Vec::new();
    for (i, built) in built_sources.into_iter().enumerate() {
        let (kind, parts) = built?;
        for part in parts {
            origins.push((i, kind));
            sources.push(part);
        }
    }
    // A trace split by direction names its parts `{id}/{direction}`: each source's name
    // seeds its random stream, so two must never share one.
    for (k, src) in sources.iter().enumerate() {
        if let Some(first) = sources[..k].iter().position(|s| s.id == src.id) {
            let (a, b) = (origins[first].0, origins[k].0);
            cx.error(
                &child(&index("sources", b), "id"),
                format!(
                    "source name `{}` is taken twice: sources[{a}] and sources[{b}] both use it \
                     (a trace with an entry per direction names its parts `<id>/<direction>`); \
                     rename one",
                    src.id
                ),
            );
        }
    }
    let labels = Labels {
        classes: classes.iter().map(|c| c.id.clone()).collect(),
        programmes: refs
            .programmes
            .known
            .iter()
            .map(|p| (*p).to_owned())
            .collect(),
        directions: refs
            .directions
            .known
            .iter()
            .map(|d| (*d).to_owned())
            .collect(),
    };
    let population = Population {
        classes,
        programmes: labels
            .programmes
            .iter()
            .map(|id| Programme { id: id.clone() })
            .collect(),
        directions: labels
            .directions
            .iter()
            .map(|id| Direction { id: id.clone() })
            .collect(),
    };
    let crossing = match Crossing::new(
        settings.name.clone(),
        &population,
        stations.clone(),
        sources,
    ) {
        Ok(c) => c,
        Err(errors) => {
            structure::report_model_errors(cx, &errors, &stations, &metas, &origins, &labels);
            return None;
        }
    };
    if cx.has_errors() {
        return None;
    }
    structure::warn(
        cx,
        &crossing,
        &metas,
        &origins,
        &labels,
        settings.horizon,
        settings.warmup,
    );
    Some(Scenario {
        name: settings.name,
        start_weekday: settings.start_weekday,
        crossing,
        horizon: settings.horizon,
        warmup: settings.warmup,
        replications: settings.replications,
        seed: settings.seed,
    })
}
