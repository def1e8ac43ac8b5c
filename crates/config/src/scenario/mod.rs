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
//! 4. **structure**: [`Crossing::new`](bordersim_model::Crossing::new) checks routing sums, exits, lane and service
//!    coverage; its index-based errors are mapped back to field paths. This phase runs only
//!    when phases 2 and 3 left the station graph fully known, so it never reports mere
//!    consequences of an earlier error.
//!
//! Every diagnostic carries the field path and the `line:column` where that field (or, for
//! a missing field, its table) is written.

pub(crate) mod appointments;
mod build;
mod detection;
mod inspection;
mod lanes;
pub(crate) mod messages;
mod names;
mod overload;
mod patience;
mod population;
mod service;
mod settings;
pub(crate) mod shape;
mod source;
mod station;
mod structure;
mod trace;
mod warnings;

pub use self::trace::lone_cr_to_lf;

use std::ops::{Deref, DerefMut};

use bordersim_model::Scenario;

use toml::de::DeTable;

use self::build::build;
use self::names::{DEFAULT_DIRECTION, Labels, NO_PROGRAMME, Names, Refs};
pub(crate) use self::service::MAX_EMPIRICAL_VALUES;
use self::service::{PLACEHOLDER, service};
use self::settings::sim_time;
use self::shape::read_document;
use crate::diagnostic::{Collector, ConfigError, Diagnostic};
use crate::spans::SpanIndex;

/// The name that routes use for leaving the crossing; no station may take it.
pub const EXIT: &str = "exit";

/// A scenario that passed validation, with the concerns that do not stop it from running.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The validated scenario, ready to compile and run.
    pub scenario: Scenario,
    /// E.g. a station whose offered load is 1 or more (its queue grows without bound).
    pub warnings: Vec<Diagnostic>,
}

/// Reads a file named in a scenario (a `trace`), given the path exactly as written: returns
/// its text, or a message saying why it cannot be read. The caller resolves the path
/// (the CLI: relative to the scenario file).
pub type FileReader<'r> = &'r dyn Fn(&str) -> Result<String, String>;

/// The number of `[[sources]]` entries a scenario file declares, as its author counts them:
/// a trace with an entry per direction is one source, though the model splits it into one
/// per direction (`Crossing::sources` then holds more). `None` when `text` is not TOML or
/// its `sources` is not an array of tables; `Some(0)` when it has none.
pub fn source_count(text: &str) -> Option<usize> {
    let doc: toml::Table = toml::from_str(text).ok()?;
    match doc.get("sources") {
        None => Some(0),
        Some(toml::Value::Array(items)) if items.iter().all(toml::Value::is_table) => {
            Some(items.len())
        }
        Some(_) => None,
    }
}

/// Parses and validates a scenario file. `file_name` is only used in diagnostics.
///
/// On failure, the error holds every problem found, in file order (for a TOML syntax
/// error, only the first: later ones are mostly its consequences).
///
/// A scenario that replays a recorded `trace` needs [`parse_scenario_with`], which can read
/// the trace file; here each `trace` is reported as an error.
///
/// # Errors
///
/// A [`ConfigError`] holding every problem found, each located in the file.
pub fn parse_scenario(source: &str, file_name: &str) -> Result<Loaded, ConfigError> {
    parse(source, file_name, None)
}

/// [`parse_scenario`] for scenarios that name other files (recorded `trace`s): `read` is
/// called with each path as written in the file and returns the file's text or an error
/// message. This crate never touches the file system itself. Problems inside a trace file
/// are reported against that file (its path joined to the scenario's directory), with the
/// CSV line, column and row.
///
/// # Errors
///
/// A [`ConfigError`] holding every problem found, in the scenario file and in the trace
/// files it names (also when one cannot be read).
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
        start_weekday: 0,
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
    /// The scenario's `start_weekday` (0 = Monday), noted when the sources are read: the
    /// warnings count only the hours of the week the run covers.
    start_weekday: u8,
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
}
