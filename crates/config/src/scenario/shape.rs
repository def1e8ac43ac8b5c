//! Phase 2, shape: each table is read on its own into its [`crate::raw`] struct, so a wrong
//! type in one station does not hide a missing field in another.

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::{Cx, Names, Refs};
use crate::raw::{
    RawClass, RawConfig, RawDirection, RawDuration, RawProgramme, RawScenario, RawSource,
    RawStation,
};
use crate::spans::{child, index};
use crate::suggest::did_you_mean;

/// One entry of a `[[section]]`: its raw struct if it could be read, and its id either way
/// (so references to it are not reported as unknown).
pub(super) struct Item<T> {
    pub(super) raw: Option<T>,
    pub(super) id: Option<String>,
}

#[derive(Default)]
pub(super) struct Document {
    pub(super) scenario: Option<RawScenario>,
    pub(super) scenario_written: bool,
    pub(super) directions: Vec<Item<RawDirection>>,
    pub(super) programmes: Vec<Item<RawProgramme>>,
    pub(super) classes: Vec<Item<RawClass>>,
    pub(super) stations: Vec<Item<RawStation>>,
    pub(super) sources: Vec<Item<RawSource>>,
    /// Sections written in the wrong form (e.g. `[classes]` instead of `[[classes]]`),
    /// already reported.
    pub(super) malformed: Vec<&'static str>,
}

pub(super) fn read_document(cx: &mut Cx<'_>, root: DeTable<'_>) -> Document {
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
                doc.scenario = read_scenario(cx, value);
            }
            "directions" => match read_array(cx, "directions", value, no_check) {
                Some(items) => doc.directions = items,
                None => doc.malformed.push("directions"),
            },
            "programmes" => match read_array(cx, "programmes", value, no_check) {
                Some(items) => doc.programmes = items,
                None => doc.malformed.push("programmes"),
            },
            "classes" => match read_array(cx, "classes", value, check_class) {
                Some(items) => doc.classes = items,
                None => doc.malformed.push("classes"),
            },
            "stations" => match read_array(cx, "stations", value, check_station) {
                Some(items) => doc.stations = items,
                None => doc.malformed.push("stations"),
            },
            "sources" => match read_array(cx, "sources", value, check_source) {
                Some(items) => doc.sources = items,
                None => doc.malformed.push("sources"),
            },
            other => {
                const SCENARIO_FIELDS: [&str; 7] = [
                    "name",
                    "horizon",
                    "warmup",
                    "replications",
                    "seed",
                    "start_weekday",
                    "max_in_system",
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

/// `[scenario]` as written; when it cannot be read so, its values written right (its
/// events and booking systems among them) are still checked, on the table read with
/// stand-ins. A horizon that stands in is taken as long as the clock allows (and the series
/// bin, checked against it, is left out), so that nothing is reported against it.
fn read_scenario(cx: &mut Cx<'_>, value: Spanned<DeValue<'_>>) -> Option<RawScenario> {
    let mut recovered = read_recovering::<RawScenario>(&value);
    if recovered.errors.is_empty() {
        return recovered.value;
    }
    for e in &recovered.errors {
        cx.serde_error("scenario", e);
    }
    if recovered.stood_in.iter().any(|p| p == "horizon")
        && let Some(raw) = &mut recovered.value
    {
        raw.horizon = RawDuration::Text(LONGEST_HORIZON.to_owned());
        raw.series_bin = None;
    }
    check_recovered(cx, "scenario", 0, &recovered, check_scenario);
    None
}

/// A horizon no check finds too short (and the clock can still count).
const LONGEST_HORIZON: &str = "100000d";

fn check_scenario(cx: &mut Cx<'_>, _: usize, raw: &RawScenario, refs: &Refs<'_>) {
    let doc = Document {
        scenario: Some(raw.clone()),
        scenario_written: true,
        ..Document::default()
    };
    let horizon = super::settings::settings(cx, &doc).map(|s| s.horizon);
    super::build::check_scenario_lists(cx, &doc, refs, horizon);
}

/// The most problems reported for one table (each costs a few readings of it).
const MOST_PROBLEMS: usize = 64;

/// Values tried in place of a wrong or missing one, so that the reading can go on past
/// it: one of each kind a field of the config takes (the words of its named values, a
/// duration, a rate…).
const STAND_INS: [&str; 12] = [
    "1",
    "1.0",
    "true",
    "\"1h\"",
    "\"1/h\"",
    "\"exponential\"",
    "\"balk\"",
    "\"green\"",
    "\"mon\"",
    "[]",
    "{}",
    "\"x\"",
];

/// One step down a TOML tree: a key of a table or a position in an array.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    At(usize),
}

/// [`read_recovering`] for callers that need the table as written: any error makes this
/// `Err`, so the stand-ins never reach them.
///
/// # Errors
///
/// Every problem found, in the order found.
pub(crate) fn read_every<'i, T: Deserialize<'i>>(
    value: &Spanned<DeValue<'i>>,
) -> Result<T, Vec<toml::de::Error>> {
    let recovered = read_recovering::<T>(value);
    match recovered.value {
        Some(t) if recovered.errors.is_empty() => Ok(t),
        _ => Err(recovered.errors),
    }
}

/// Reports serde's errors of a whole file read by [`read_recovering`], each at the field its
/// span falls in, in the file's words.
pub(crate) fn report_serde_errors(
    cx: &mut crate::diagnostic::Collector<'_>,
    errors: &[toml::de::Error],
) {
    for e in errors {
        let offset = e.span().map_or(0, |s| s.start);
        let path = e
            .span()
            .and_then(|s| cx.spans().and_then(|spans| spans.path_at(&s)))
            .unwrap_or_default();
        let (path, message) = crate::scenario::messages::rephrase(e.message(), path);
        cx.error_at(offset, &path, message);
    }
}

/// What [`read_recovering`] made of a table.
pub(crate) struct Recovered<T> {
    /// The table read, with every fault set aside (a stand-in in place of each wrong or
    /// missing value, unknown keys dropped); `None` where some fault could not be set aside.
    /// Only for checking the values that were written right: never to be run.
    pub(crate) value: Option<T>,
    /// Every problem found, in the order found; empty when the table reads as written.
    pub(crate) errors: Vec<toml::de::Error>,
    /// The fields (paths relative to the table, as [`child`] and [`index`] write them)
    /// whose value is a stand-in, or that were dropped (unknown keys): checks of `value`
    /// say nothing about them.
    pub(crate) stood_in: Vec<String>,
    /// The keys dropped as unknown (paths as in `stood_in`, which holds them too).
    pub(crate) dropped: Vec<String>,
}

impl<T> Recovered<T> {
    /// Whether a check's finding (`message` at `path`) on the table read at `entry` (its
    /// path in the file) may be about a stand-in or a dropped key rather than about what
    /// the file says: then it is left out.
    pub(crate) fn explains(&self, entry: &str, path: &str, message: &str) -> bool {
        let stood_in: Vec<String> = self.stood_in.iter().map(|r| join(entry, r)).collect();
        about_stand_ins(path, entry, &stood_in)
            // A field reported missing beside a key dropped as unknown is most likely that
            // key misspelt (as when reading).
            || (message.starts_with("missing")
                && self.dropped.iter().any(|k| {
                    crate::spans::parent(&join(entry, k)) == crate::spans::parent(path)
                }))
    }
}

/// Whether `path` is `outer` or a field or element below it.
pub(crate) fn within(path: &str, outer: &str) -> bool {
    outer.is_empty()
        || path
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The path (as diagnostics write it) of `steps` below `base`.
fn steps_path(base: &str, steps: &[Step]) -> String {
    steps.iter().fold(base.to_owned(), |path, step| match step {
        Step::Key(k) => child(&path, k),
        Step::At(i) => index(&path, *i),
    })
}

/// Reads `value` as a `T`, reporting every problem serde finds in it, not only the first
/// (serde stops a table at its first error, so a wrong type would hide a misspelt key
/// beside it until the first was fixed). After each error the reading goes on with the
/// fault set aside: an unknown key is dropped; a value of the wrong type, or a missing
/// one, is replaced by a stand-in of a type the field takes (found by trying
/// [`STAND_INS`]). Where no stand-in fits, the reading stops there, so no error is a
/// consequence of another. The table read with its stand-ins is returned beside the
/// errors, so that the values written right can still be checked in the same pass.
pub(crate) fn read_recovering<'i, T: Deserialize<'i>>(
    value: &Spanned<DeValue<'i>>,
) -> Recovered<T> {
    let mut value = value.clone();
    let mut errors = Vec::new();
    let mut stood_in = Vec::new();
    let mut dropped = Vec::new();
    // Tables an unknown key was dropped from: a field missing there is most likely that
    // key misspelt, so it is not reported again as missing.
    let mut misspelt_in: Vec<std::ops::Range<usize>> = Vec::new();
    let mut attempts = 0;
    while errors.len() < MOST_PROBLEMS && attempts < 2 * MOST_PROBLEMS {
        attempts += 1;
        let e = match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(t) => {
                return Recovered {
                    value: Some(t),
                    errors,
                    stood_in,
                    dropped,
                };
            }
            Err(e) => e,
        };
        let Some(span) = e.span() else {
            errors.push(e);
            break;
        };
        let message = e.message().to_owned();
        let set_aside = if let Some(field) = backticked(&message, "missing field ") {
            let field = field.to_owned();
            if !misspelt_in.contains(&span) {
                errors.push(e);
            }
            let table = steps_to(&value, &span);
            stood_in.push(child(&steps_path("", &table), &field));
            fill_missing::<T>(&mut value, &span, &field)
        } else {
            errors.push(e);
            let steps = steps_to(&value, &span);
            if message.starts_with("unknown field ") {
                let table = steps
                    .split_last()
                    .and_then(|(_, parent)| at_mut(&mut value, parent))
                    .map(|t| t.span());
                misspelt_in.extend(table);
                // What the checks then say about its table may be about the key missing.
                stood_in.push(steps_path("", &steps));
                dropped.push(steps_path("", &steps));
                remove(&mut value, &steps)
            } else {
                stood_in.push(steps_path("", &steps));
                replace::<T>(&mut value, &steps)
            }
        };
        if !set_aside {
            break;
        }
    }
    if errors.is_empty() {
        // Only consequences were found (cannot happen: a misspelt key is reported first).
        errors.push(serde::de::Error::custom("this table cannot be read"));
    }
    Recovered {
        value: None,
        errors,
        stood_in,
        dropped,
    }
}

/// The first backticked word after `prefix` in `message`.
fn backticked<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split_once('`').map(|(word, _)| word)
}

fn covers(outer: &std::ops::Range<usize>, inner: &std::ops::Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The bytes `value` and everything in it are written on: a table written under its own
/// `[header]` has a span of its header only, its keys below it.
fn extent(value: &Spanned<DeValue<'_>>) -> std::ops::Range<usize> {
    let mut range = value.span();
    let mut widen = |r: std::ops::Range<usize>| {
        range.start = range.start.min(r.start);
        range.end = range.end.max(r.end);
    };
    match value.get_ref() {
        DeValue::Table(table) => {
            for (k, v) in table {
                widen(k.span());
                widen(extent(v));
            }
        }
        DeValue::Array(items) => items.iter().for_each(|v| widen(extent(v))),
        _ => {}
    }
    range
}

/// The steps from `value` to the innermost entry (table key or array element) whose key
/// or value covers `span`.
fn steps_to(value: &Spanned<DeValue<'_>>, span: &std::ops::Range<usize>) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut at = value;
    loop {
        let next = match at.get_ref() {
            DeValue::Table(table) => table
                .iter()
                .find(|(k, v)| covers(&k.span(), span) || covers(&extent(v), span))
                .map(|(k, v)| (Step::Key(k.get_ref().to_string()), v)),
            DeValue::Array(items) => items
                .iter()
                .enumerate()
                .find(|(_, v)| covers(&extent(v), span))
                .map(|(i, v)| (Step::At(i), v)),
            _ => None,
        };
        match next {
            Some((step, v)) => {
                steps.push(step);
                at = v;
            }
            None => return steps,
        }
    }
}

/// The value reached by `steps`.
fn at_mut<'v, 'i>(
    value: &'v mut Spanned<DeValue<'i>>,
    steps: &[Step],
) -> Option<&'v mut Spanned<DeValue<'i>>> {
    let mut at = value;
    for step in steps {
        at = match (step, at.get_mut()) {
            (Step::Key(k), DeValue::Table(t)) => t.get_mut(k.as_str())?,
            (Step::At(i), DeValue::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(at)
}

/// Drops the table entry reached by `steps` (an unknown key); `false` if it is not one.
fn remove(value: &mut Spanned<DeValue<'_>>, steps: &[Step]) -> bool {
    let Some((Step::Key(key), parent)) = steps.split_last() else {
        return false;
    };
    match at_mut(value, parent).map(Spanned::get_mut) {
        Some(DeValue::Table(t)) => t.remove(key.as_str()).is_some(),
        _ => false,
    }
}

/// Whether reading `value` as a `T` still stops at the place set aside: an error within
/// `span`, or `missing` (a field) reported missing.
fn still_stuck<'i, T: Deserialize<'i>>(
    value: &Spanned<DeValue<'i>>,
    span: &std::ops::Range<usize>,
    missing: Option<&str>,
) -> bool {
    match T::deserialize(ValueDeserializer::from(value.clone())) {
        Ok(_) => false,
        Err(e) => {
            let field = backticked(e.message(), "missing field ");
            (field.is_some() && field == missing) || e.span().is_none_or(|s| covers(span, &s))
        }
    }
}

/// A stand-in value (one of [`STAND_INS`]) at `span`.
fn stand_in<'i>(
    literal: &'static str,
    span: &std::ops::Range<usize>,
) -> Option<Spanned<DeValue<'i>>> {
    let parsed = DeValue::parse(literal).ok()?;
    Some(Spanned::new(span.clone(), parsed.into_inner()))
}

/// Replaces the value reached by `steps` with the first stand-in under which the reading
/// of a `T` gets past it, else drops it if it is an optional entry of a table; `false`
/// (the value left as it was) if neither does.
fn replace<'i, T: Deserialize<'i>>(value: &mut Spanned<DeValue<'i>>, steps: &[Step]) -> bool {
    let Some((last, parent)) = steps.split_last() else {
        return false;
    };
    let Some(original) = at_mut(value, steps).map(|v| v.clone()) else {
        return false;
    };
    let span = original.span();
    for literal in STAND_INS {
        let (Some(new), Some(slot)) = (stand_in(literal, &span), at_mut(value, steps)) else {
            continue;
        };
        *slot = new;
        if !still_stuck::<T>(value, &span, None) {
            return true;
        }
    }
    if let Some(slot) = at_mut(value, steps) {
        *slot = original.clone();
    }
    if let Step::Key(key) = last
        && remove(value, steps)
    {
        if !still_stuck::<T>(value, &span, Some(key)) {
            return true;
        }
        if let Some(DeValue::Table(t)) = at_mut(value, parent).map(Spanned::get_mut) {
            t.insert(Spanned::new(span.clone(), key.clone().into()), original);
        }
    }
    false
}

/// Inserts the missing `field` into the table whose span is `span` (where serde reports
/// it missing), with the first stand-in under which the reading of a `T` gets past it;
/// `false` if none does.
fn fill_missing<'i, T: Deserialize<'i>>(
    value: &mut Spanned<DeValue<'i>>,
    span: &std::ops::Range<usize>,
    field: &str,
) -> bool {
    let steps = steps_to(value, span);
    let is_table = |v: &mut Spanned<DeValue<'i>>| v.span() == *span && v.get_ref().is_table();
    if !at_mut(value, &steps).is_some_and(is_table) {
        return false;
    }
    // The stand-in gets a span of its own (empty, at the table's end), so that an error
    // inside it is told from the table's other missing fields (reported at the table).
    let own = span.end..span.end;
    for literal in STAND_INS {
        let Some(new) = stand_in(literal, &own) else {
            continue;
        };
        if let Some(DeValue::Table(t)) = at_mut(value, &steps).map(Spanned::get_mut) {
            t.insert(Spanned::new(own.clone(), field.to_owned().into()), new);
        }
        if !still_stuck::<T>(value, &own, Some(field)) {
            return true;
        }
    }
    if let Some(DeValue::Table(t)) = at_mut(value, &steps).map(Spanned::get_mut) {
        t.remove(field);
    }
    false
}

/// The values of an entry that could not be read as written, checked on the entry read
/// with stand-ins (see [`read_recovering`]), with the names it refers to unknown.
type Check<T> = fn(&mut Cx<'_>, usize, &T, &Refs<'_>);

fn no_check<T>(_: &mut Cx<'_>, _: usize, _: &T, _: &Refs<'_>) {}

fn check_class(cx: &mut Cx<'_>, i: usize, raw: &RawClass, refs: &Refs<'_>) {
    let _ = super::population::class(
        cx,
        i,
        raw,
        &refs.programmes,
        &refs.directions,
        &refs.stations,
        1,
    );
}

fn check_station(cx: &mut Cx<'_>, i: usize, raw: &RawStation, refs: &Refs<'_>) {
    let _ = super::station::station(cx, i, raw, refs, 0);
}

fn check_source(cx: &mut Cx<'_>, i: usize, raw: &RawSource, _: &Refs<'_>) {
    // Its class is known (as class 0), so that the values that depend on it are checked.
    let mut refs = unknown_names();
    if let Some(class) = raw.class.as_deref() {
        refs.classes.index.insert(class, 0);
        refs.classes.known.push(class);
    }
    let _ = super::source::source(cx, i, raw, &refs, &[None], None);
}

/// Names that know nothing and say nothing: every reference is left unresolved without a
/// message (the names are checked once the whole file is read).
fn unknown_names<'d>() -> Refs<'d> {
    let silent = |what, plural| Names {
        what,
        plural,
        known: Vec::new(),
        index: Default::default(),
        incomplete: true,
    };
    Refs {
        directions: silent("direction", "directions"),
        programmes: silent("programme", "programmes"),
        classes: silent("class", "classes"),
        stations: silent("station", "stations"),
    }
}

/// `rel` (a path relative to an entry, as [`Recovered::stood_in`] holds it) below `base`.
fn join(base: &str, rel: &str) -> String {
    if base.is_empty() {
        rel.to_owned()
    } else if rel.is_empty() || rel.starts_with('[') {
        format!("{base}{rel}")
    } else {
        format!("{base}.{rel}")
    }
}

/// Whether a finding at `path` in the entry at `entry` may be about a stand-in (in
/// `stood_in`): at or below one, above one (a finding about a table may come from any of its
/// values), or beside one in a table below the entry's own (a service's `min` is checked
/// against its `max`). Beside one at the entry's own level, fields are read on their own:
/// a wrong `servers` says nothing about `queue_capacity`.
fn about_stand_ins(path: &str, entry: &str, stood_in: &[String]) -> bool {
    stood_in.iter().any(|s| {
        within(path, s)
            || within(s, path)
            || (crate::spans::parent(path) == crate::spans::parent(s)
                && crate::spans::parent(path) != entry)
    })
}

/// An entry at `path` that could not be read as written: its values written
/// right are checked on the entry read with stand-ins, so that a wrong value beside a wrong
/// type comes in the same pass. What the checks say about a stand-in (or anything below
/// it) is left out; the rest is reported at its place in the file.
fn check_recovered<T>(
    cx: &mut Cx<'_>,
    path: &str,
    i: usize,
    recovered: &Recovered<T>,
    check: Check<T>,
) {
    let Some(value) = &recovered.value else {
        return;
    };
    // The checks report into a collector of their own (without the file's positions), so
    // that their findings can be sifted; those kept are then placed through the file's.
    let file = cx.file().to_owned();
    let own = crate::diagnostic::Collector::new(file.clone(), "");
    let kept = std::mem::replace(&mut cx.diags, own);
    let structure_ok = cx.structure_ok;
    check(cx, i, value, &unknown_names());
    let found = std::mem::replace(&mut cx.diags, kept).into_errors();
    cx.structure_ok = structure_ok && cx.structure_ok;
    for d in found {
        if d.file != file {
            // A file the entry names (a trace): located there already.
            cx.extend([d]);
        } else if !recovered.explains(path, &d.path, &d.message) {
            cx.error(&d.path, d.message);
        }
    }
}

/// Reads every entry of a `[[section]]`; `None` if the section is not a list of tables.
/// An entry that cannot be read as written is still checked (see [`check_recovered`]).
fn read_array<'i, T: Deserialize<'i>>(
    cx: &mut Cx<'_>,
    section: &str,
    value: Spanned<DeValue<'i>>,
    check: Check<T>,
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
            raw: {
                let path = index(section, i);
                let recovered = read_recovering::<T>(item);
                if recovered.errors.is_empty() {
                    recovered.value
                } else {
                    for e in &recovered.errors {
                        cx.serde_error(&path, e);
                    }
                    check_recovered(cx, &path, i, &recovered, check);
                    None
                }
            },
        })
        .collect();
    Some(items)
}

pub(super) fn a_type(v: &DeValue<'_>) -> &'static str {
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
