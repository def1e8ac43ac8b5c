//! Recorded arrivals: a CSV file with a header row naming its columns, `time` and `class`
//! required, `direction` and `programme` optional, in any order.
//!
//! ```csv
//! time,class,direction,programme
//! 0,truck,northbound,fast
//! 95.5,truck,southbound,
//! 6.5h,car,northbound,none
//! ```
//!
//! `time` is seconds from time zero, a duration with a unit (`6.5h`), a clock time from
//! midnight of time zero (`06:30:00`; hours may pass 24), or, when the source gives a
//! `start` date (`start = "2024-03-01"`, whose midnight is time zero), an ISO 8601 date and
//! time (`2024-03-01T06:30:00` or `2024-03-01 06:30:00`); rows are sorted by time. Lines
//! may end in LF, CRLF or a lone CR.
//! An empty `programme` is drawn from the class's shares. Lines starting with `#` are
//! comments. Problems are reported against the CSV file, with its line and column and the
//! row number (1-based, data rows only).

use std::path::Path;

use bordersim_des::SimTime;
use bordersim_model::{ClassId, DirectionId, ProgrammeId, StationId, TraceArrival};

pub(super) use self::time::{Date, Start};
use self::time::{NO_START, parse_time};
use super::{Cx, Names, Refs};
use crate::diagnostic::{Collector, Diagnostic};
use crate::suggest::{did_you_mean, list};

#[cfg(test)]
mod tests;
mod time;

/// At most this many problems are listed per trace file; the rest are counted.
const MAX_PROBLEMS: usize = 20;

const COLUMNS: [&str; 4] = ["time", "class", "direction", "programme"];

/// Where the rows of a trace enter the crossing.
pub(super) enum EntryPlan {
    /// One station (of one direction) for every row.
    Single {
        station: StationId,
        name: String,
        direction: DirectionId,
    },
    /// A station per direction.
    ByDirection(Vec<(DirectionId, StationId)>),
    /// The entry could not be resolved (already reported): rows are still checked.
    Unknown,
}

/// One replayable row: its direction, entry station and arrival.
pub(super) struct Row {
    pub(super) direction: DirectionId,
    pub(super) entry: Option<StationId>,
    pub(super) arrival: TraceArrival,
}

/// The name diagnostics give a trace file: the path as written, joined to the scenario
/// file's directory when relative (where the CLI reads it from).
pub(super) fn display_name(scenario_file: &str, written: &str) -> String {
    let p = Path::new(written);
    if p.is_absolute() {
        return written.to_owned();
    }
    match Path::new(scenario_file).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(p).display().to_string(),
        _ => written.to_owned(),
    }
}

/// Problems found in one trace file, located by line and column; past [`MAX_PROBLEMS`],
/// only counted.
struct Problems<'t> {
    found: Collector<'t>,
    more: usize,
}

impl Problems<'_> {
    fn add(&mut self, offset: usize, path: String, message: String) {
        if self.found.error_count() >= MAX_PROBLEMS {
            self.more += 1;
            return;
        }
        self.found.error_at(offset, &path, message);
    }
}

/// The byte offset of field `k` of the record starting at `start`: exact for unquoted
/// lines, the record's start otherwise.
fn field_offset(text: &str, start: usize, k: usize) -> usize {
    let line = text[start..].split('\n').next().unwrap_or("");
    if line.contains('"') {
        return start;
    }
    let mut offset = start;
    for (j, part) in line.split(',').enumerate() {
        if j == k {
            return offset + (part.len() - part.trim_start().len());
        }
        offset += part.len() + 1;
    }
    start
}

fn resolve<T>(
    names: &Names<'_>,
    value: &str,
    make: impl Fn(usize) -> T,
) -> Result<T, Option<String>> {
    names.resolve(value, &[]).map(make)
}

/// Reads the trace of source `i` (written as `written` at `path`) and checks every row.
/// `None` when the file cannot be read or holds no usable row (already reported).
pub(super) fn load(
    cx: &mut Cx<'_>,
    path: &str,
    source_id: &str,
    written: &str,
    refs: &Refs<'_>,
    entry: &EntryPlan,
    start: Start,
) -> Option<Vec<Row>> {
    if written.trim().is_empty() {
        cx.structural(
            path,
            "the trace file name is empty; write the path of a CSV file",
        );
        return None;
    }
    let file = display_name(cx.file(), written);
    let Some(read) = cx.read else {
        cx.structural(
            path,
            format!(
                "trace files need a file reader: this scenario replays `{written}`; load it \
                 with `parse_scenario_with` (the bordersim CLI does)"
            ),
        );
        return None;
    };
    let text = match read(written) {
        Ok(text) => text,
        Err(e) => {
            cx.structural(path, format!("cannot read trace file `{file}`: {e}"));
            return None;
        }
    };
    // Spreadsheets often start a CSV export with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Old Mac tools end lines with a lone CR; the CSV reader ends comments only at LF.
    // Replaced byte for byte, so every offset (line and column) stays that of the file.
    let text = &lone_cr_to_lf(text);
    let mut problems = Problems {
        found: Collector::new(file.clone(), text),
        more: 0,
    };
    let rows = rows(text, &mut problems, source_id, refs, entry, start);
    let mut found = problems.found.into_errors();
    let failed = !found.is_empty();
    if problems.more > 0 {
        let last = found.last().map_or(1, |d| d.line);
        let (line, column) = (last, 1);
        found.push(Diagnostic {
            file,
            path: String::new(),
            line,
            column,
            message: format!(
                "{} more problem{} in this file not shown",
                problems.more,
                if problems.more == 1 { "" } else { "s" }
            ),
        });
    }
    cx.extend(found);
    if failed {
        // The rows that could be read would give a partial crossing: the structural checks
        // would only report consequences.
        cx.structure_ok = false;
        return None;
    }
    rows
}

/// The rows of a trace, each checked; `None` when the file holds no row to check (reported).
fn rows(
    text: &str,
    problems: &mut Problems<'_>,
    source_id: &str,
    refs: &Refs<'_>,
    entry: &EntryPlan,
    start: Start,
) -> Option<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = header(problems, records.next())?;
    let at = columns(text, problems, &header)?;
    let mut out = Vec::new();
    let mut previous: Option<(SimTime, usize, String)> = None;
    let mut row = 0;
    for record in records {
        row += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                csv_error(problems, &e);
                continue;
            }
        };
        let fields = Fields {
            text,
            start: record.position().map_or(0, |p| p.byte() as usize),
            row,
            record: &record,
            at: &at,
            start_date: start,
        };
        if record.len() != header.len() {
            fields.width_problem(problems, &header);
            continue;
        }
        let placement = Placement {
            source_id,
            refs,
            entry,
        };
        if let Some(r) = fields.read(problems, &mut previous, &placement) {
            out.push(r);
        }
    }
    if row == 0 {
        problems.add(
            text.len(),
            String::new(),
            "the trace has a header but no arrivals; add one row per vehicle".to_owned(),
        );
        return None;
    }
    Some(out)
}

/// The header row, the first record of the file; `None` when there is none (reported).
fn header(
    problems: &mut Problems<'_>,
    first: Option<csv::Result<csv::StringRecord>>,
) -> Option<csv::StringRecord> {
    match first {
        None => {
            problems.add(
                0,
                String::new(),
                "the trace file is empty; it needs a header row naming its columns (`time`, \
                 `class`, and optionally `direction`, `programme`) and one row per arrival"
                    .to_owned(),
            );
            None
        }
        Some(Err(e)) => {
            csv_error(problems, &e);
            None
        }
        Some(Ok(h)) => Some(h),
    }
}

/// What a row's names are resolved against and where its vehicle enters.
struct Placement<'a, 'd> {
    source_id: &'a str,
    refs: &'a Refs<'d>,
    entry: &'a EntryPlan,
}

/// One data row of a trace and where its fields are written.
struct Fields<'a> {
    text: &'a str,
    /// Byte offset of the row in `text`.
    start: usize,
    /// 1-based number of the row among the data rows.
    row: usize,
    record: &'a csv::StringRecord,
    /// Field index of each of [`COLUMNS`], if the header has it.
    at: &'a [Option<usize>; 4],
    /// The source's `start` date, if given: rows may then give dates and times.
    start_date: Start,
}

impl Fields<'_> {
    /// The value of column `c` (in [`COLUMNS`] order), if the header has it.
    fn field(&self, c: usize) -> Option<&str> {
        self.at[c].map(|k| self.record.get(k).unwrap_or(""))
    }

    /// A problem with the value of column `c`.
    fn report(&self, problems: &mut Problems<'_>, c: usize, message: String) {
        let k = self.at[c].unwrap_or(0);
        problems.add(
            field_offset(self.text, self.start, k),
            format!("row {}, column {}", self.row, COLUMNS[c]),
            message,
        );
    }

    /// The row has not as many fields as the header.
    fn width_problem(&self, problems: &mut Problems<'_>, header: &csv::StringRecord) {
        let len = self.record.len();
        problems.add(
            self.start,
            format!("row {}", self.row),
            format!(
                "{len} field{}, but the header has {} ({}); quote a value that holds a comma",
                if len == 1 { "" } else { "s" },
                header.len(),
                list(header.iter())
            ),
        );
    }

    /// The row as an arrival, each problem reported; `None` when it has one. `previous` is
    /// the time, row number and written time of the last row with a valid time.
    fn read(
        &self,
        problems: &mut Problems<'_>,
        previous: &mut Option<(SimTime, usize, String)>,
        placement: &Placement<'_, '_>,
    ) -> Option<Row> {
        let refs = placement.refs;
        let (time, in_order) = self.time(problems, previous);
        let class = self.field(1).and_then(|s| {
            self.named(problems, 1, &refs.classes, s, |c| ClassId(c as u16))
                .ok()
        });
        let direction = self.optional(problems, 2, &refs.directions, |d| DirectionId(d as u8));
        let programme = self.optional(problems, 3, &refs.programmes, |p| ProgrammeId(p as u8));
        let (Some(time), Some(class), Ok(direction), Ok(programme)) =
            (time, class, direction, programme)
        else {
            return None;
        };
        let placed = place(refs, placement.source_id, placement.entry, direction);
        let (direction, entry_station) = match placed {
            Ok(p) => p,
            Err(message) => {
                self.report(problems, 2, message);
                return None;
            }
        };
        in_order.then_some(Row {
            direction,
            entry: entry_station,
            arrival: TraceArrival {
                time,
                class,
                programme,
            },
        })
    }

    /// The row's time, and whether it is not earlier than the previous row's.
    fn time(
        &self,
        problems: &mut Problems<'_>,
        previous: &mut Option<(SimTime, usize, String)>,
    ) -> (Option<SimTime>, bool) {
        let time = self
            .field(0)
            .and_then(|s| match parse_time(s, self.start_date.date()) {
                Ok(t) => Some(t),
                Err(e) => {
                    if !(self.start_date == Start::Unusable && e.contains(NO_START)) {
                        self.report(problems, 0, e);
                    }
                    None
                }
            });
        let written = self.field(0).unwrap_or("");
        let mut in_order = true;
        if let (Some(t), Some((prev, prev_row, prev_text))) = (time, &*previous)
            && t < *prev
        {
            self.report(
                problems,
                0,
                format!(
                    "time `{written}` is earlier than row {prev_row}'s `{prev_text}`: the rows \
                     must be sorted by time"
                ),
            );
            in_order = false;
        }
        if let Some(t) = time {
            *previous = Some((t, self.row, written.to_owned()));
        }
        (time, in_order)
    }

    /// The name `s` of column `c`, resolved (a problem reported otherwise).
    fn named<T>(
        &self,
        problems: &mut Problems<'_>,
        c: usize,
        names: &Names<'_>,
        s: &str,
        make: impl Fn(usize) -> T,
    ) -> Result<T, ()> {
        resolve(names, s, make).map_err(|message| {
            // `None`: the names are incomplete after an error reported already.
            if let Some(message) = message {
                self.report(problems, c, message);
            }
        })
    }

    /// The name of optional column `c`: `Ok(None)` when absent or empty.
    fn optional<T>(
        &self,
        problems: &mut Problems<'_>,
        c: usize,
        names: &Names<'_>,
        make: impl Fn(usize) -> T,
    ) -> Result<Option<T>, ()> {
        match self.field(c) {
            Some("") | None => Ok(None),
            Some(s) => self.named(problems, c, names, s, make).map(Some),
        }
    }
}

/// The column index of `time`, `class`, `direction` and `programme` (in [`COLUMNS`] order)
/// from the header row; `None` when the header is wrong (reported).
fn columns(
    text: &str,
    problems: &mut Problems<'_>,
    header: &csv::StringRecord,
) -> Option<[Option<usize>; 4]> {
    let header_start = header.position().map_or(0, |p| p.byte() as usize);
    // Column index of time, class, direction, programme.
    let mut at: [Option<usize>; 4] = [None; 4];
    let mut ok = true;
    for (k, name) in header.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        let offset = field_offset(text, header_start, k);
        match COLUMNS.iter().position(|c| *c == lower) {
            Some(c) if at[c].is_some() => {
                problems.add(
                    offset,
                    "header".to_owned(),
                    format!("column `{name}` appears twice; name each column once"),
                );
                ok = false;
            }
            Some(c) => at[c] = Some(k),
            None => {
                problems.add(
                    offset,
                    "header".to_owned(),
                    format!(
                        "unknown column `{name}`{}; a trace has the columns `time`, `class` and \
                         optionally `direction`, `programme` (a header row must come first)",
                        did_you_mean(&lower, COLUMNS)
                    ),
                );
                // The rows can still be read (the column is not one of them): their own
                // problems come in the same pass.
            }
        }
    }
    for (c, what) in [
        (
            0,
            "the arrival time: seconds from time zero, a duration like \"6.5h\", a clock \
             time like 06:30:00, or a date and time with the source's `start` date",
        ),
        (1, "the id of one of the [[classes]]"),
    ] {
        if at[c].is_none() {
            problems.add(
                header_start,
                "header".to_owned(),
                format!(
                    "the header has no `{}` column ({what}); found {}",
                    COLUMNS[c],
                    list(header.iter())
                ),
            );
            ok = false;
        }
    }
    ok.then_some(at)
}

/// The direction and entry station of a row whose direction column says `direction`.
fn place(
    refs: &Refs<'_>,
    source_id: &str,
    entry: &EntryPlan,
    direction: Option<DirectionId>,
) -> Result<(DirectionId, Option<StationId>), String> {
    let dir_name = |d: DirectionId| refs.directions.known.get(d.index()).copied().unwrap_or("?");
    match entry {
        EntryPlan::Unknown => Ok((direction.unwrap_or(DirectionId(0)), None)),
        EntryPlan::Single {
            station,
            name,
            direction: d,
        } => match direction {
            Some(dir) if dir != *d => Err(format!(
                "direction `{}`, but source `{source_id}` enters at station `{name}`, which \
                 serves `{}`; give the source an entry per direction, e.g. entry = {{ {} = \
                 \"...\", {} = \"...\" }}",
                dir_name(dir),
                dir_name(*d),
                dir_name(*d),
                dir_name(dir)
            )),
            _ => Ok((*d, Some(*station))),
        },
        EntryPlan::ByDirection(entries) => {
            let dir = match direction {
                Some(dir) => dir,
                None if refs.directions.known.len() == 1 => DirectionId(0),
                None => {
                    return Err(format!(
                        "no direction: source `{source_id}` enters at a station per direction, \
                         so every row names its direction (one of {})",
                        list(refs.directions.known.iter().copied())
                    ));
                }
            };
            match entries.iter().find(|(d, _)| *d == dir) {
                Some((_, station)) => Ok((dir, Some(*station))),
                None => Err(format!(
                    "direction `{}` has no entry station: add {} = \"<station>\" to the \
                     `entry` of source `{source_id}`",
                    dir_name(dir),
                    dir_name(dir)
                )),
            }
        }
    }
}

/// `text` with each CR that does not start a CRLF replaced by LF (same length, so every
/// offset, line and column stays that of the file): old Mac tools end CSV lines with a lone
/// CR, which CSV readers do not end a line or a comment at.
pub fn lone_cr_to_lf(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let out: Vec<u8> = bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
                b'\n'
            } else {
                b
            }
        })
        .collect();
    // Only ASCII CR bytes were replaced, by ASCII LF: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn csv_error(problems: &mut Problems<'_>, e: &csv::Error) {
    let offset = e.position().map_or(0, |p| p.byte() as usize);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the file is not valid UTF-8 text; save it as UTF-8 CSV".to_owned()
        }
        _ => format!("cannot read this CSV row: {e}"),
    };
    problems.add(offset, String::new(), message);
}
