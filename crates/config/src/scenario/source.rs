//! `[[sources]]`: Poisson `rate`, hourly `profile` with `day_factors`, or a recorded
//! `trace`; where the vehicles enter.

use bordersim_model::{Arrivals, DirectionId, RateProfile, Source, StationId, TraceArrival};

use super::station::resolve_class;
use super::trace::{self, EntryPlan};
use super::{Cx, EXIT, Refs};
use crate::raw::{RawEntry, RawRate, RawSource};
use crate::spans::{child, index};
use crate::units::{format_number, parse_rate_per_hour};

/// How a source's arrivals are written: the field that holds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Rate,
    Profile,
    Trace,
}

impl Kind {
    pub(super) fn field(self) -> &'static str {
        match self {
            Kind::Rate => "rate",
            Kind::Profile => "profile",
            Kind::Trace => "trace",
        }
    }
}

const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The model sources of `[[sources]]` entry `i` (a trace with an entry per direction gives
/// one per direction), or `None` when something is wrong (already reported).
pub(super) fn source(
    cx: &mut Cx<'_>,
    i: usize,
    raw: &RawSource,
    refs: &Refs<'_>,
    station_directions: &[Option<DirectionId>],
    start_weekday: Option<u8>,
) -> Option<(Kind, Vec<Source>)> {
    let path = index("sources", i);
    if let Some(day) = start_weekday {
        cx.start_weekday = day;
    }
    let given: Vec<Kind> = [
        (Kind::Rate, raw.rate.is_some()),
        (Kind::Profile, raw.profile.is_some()),
        (Kind::Trace, raw.trace.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, given)| given.then_some(k))
    .collect();
    let kind = match given.as_slice() {
        [] => {
            cx.structural(
                &child(&path, "rate"),
                "missing required field `rate` (vehicles per unit of time, e.g. rate = \
                 \"30/h\"; or profile = [24 values], vehicles per hour in each hour of the day; \
                 or trace = \"arrivals.csv\", recorded arrivals)",
            );
            return None;
        }
        [k] => *k,
        [first, second, ..] => {
            cx.structural(
                &child(&path, second.field()),
                format!(
                    "give only one of `rate` (Poisson), `profile` (hour-of-day rates) and \
                     `trace` (recorded arrivals); this source has `{}` and `{}`",
                    first.field(),
                    second.field()
                ),
            );
            return None;
        }
    };
    if raw.day_factors.is_some() && kind != Kind::Profile {
        cx.error(
            &child(&path, "day_factors"),
            format!(
                "`day_factors` multiply an hour-of-day `profile`, but this source has a `{}`; \
                 remove `day_factors` or use `profile`",
                kind.field()
            ),
        );
    }
    let class = match (&raw.class, kind) {
        (Some(_), Kind::Trace) => {
            cx.error(
                &child(&path, "class"),
                "a trace gives each vehicle's class in its `class` column; remove `class` here",
            );
            None
        }
        (None, Kind::Trace) => None,
        // An unknown class does not stop the checks of the rate beside it.
        (Some(name), _) => resolve_class(cx, &child(&path, "class"), name, &refs.classes),
        (None, _) => {
            cx.structural(
                &child(&path, "class"),
                "missing required field `class` (the id of one of the [[classes]])",
            );
            None
        }
    };
    let start = start_date(cx, &path, raw, kind, start_weekday);
    if start == trace::Start::Unusable {
        // Its dated rows cannot be placed: what the crossing's structure would say of a
        // trace without them (no source, say) follows from the error at `start`.
        cx.structure_ok = false;
    }
    let entry_path = child(&path, "entry");
    if kind == Kind::Trace {
        let plan = trace_entry(cx, &entry_path, raw, refs, station_directions);
        let written = raw.trace.as_deref().unwrap_or("");
        let trace_path = child(&path, "trace");
        let rows = trace::load(cx, &trace_path, &raw.id, written, refs, &plan, start)?;
        if matches!(plan, EntryPlan::Unknown) {
            return None;
        }
        return Some((Kind::Trace, split_trace(raw, &plan, rows, refs)));
    }
    let entry = match &raw.entry {
        RawEntry::Station(name) => single_entry(cx, &entry_path, name, refs),
        RawEntry::ByDirection(_) => {
            cx.structural(
                &entry_path,
                "a table of entry stations by direction is only for a `trace` (whose rows name \
                 their direction); give one station id, e.g. entry = \"primary\"",
            );
            None
        }
    };
    // The rates are checked whatever the class: a problem there hides nothing here.
    let arrivals = match kind {
        Kind::Rate => {
            let rate_per_hour = rate(cx, &child(&path, "rate"), raw.rate.as_ref()?);
            Arrivals::Poisson {
                class: class?,
                rate_per_hour,
            }
        }
        Kind::Profile => {
            let profile = profile(cx, &path, raw);
            Arrivals::Profile {
                class: class?,
                profile,
            }
        }
        Kind::Trace => unreachable!("handled above"),
    };
    Some((
        kind,
        vec![Source {
            id: raw.id.clone(),
            entry: entry?,
            arrivals,
        }],
    ))
}

fn single_entry(cx: &mut Cx<'_>, path: &str, name: &str, refs: &Refs<'_>) -> Option<StationId> {
    if name == EXIT {
        cx.structural(path, "vehicles must enter at a station, not at `exit`");
        return None;
    }
    match refs.stations.resolve(name, &[]) {
        Ok(s) => Some(StationId(s as u32)),
        Err(message) => {
            cx.unresolved(path, message);
            None
        }
    }
}

fn trace_entry(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawSource,
    refs: &Refs<'_>,
    station_directions: &[Option<DirectionId>],
) -> EntryPlan {
    match &raw.entry {
        RawEntry::Station(name) => {
            let Some(station) = single_entry(cx, path, name, refs) else {
                return EntryPlan::Unknown;
            };
            match station_directions.get(station.index()).copied().flatten() {
                Some(direction) => EntryPlan::Single {
                    station,
                    name: name.clone(),
                    direction,
                },
                None => EntryPlan::Unknown,
            }
        }
        RawEntry::ByDirection(map) => {
            if map.is_empty() {
                cx.structural(
                    path,
                    "`entry` is an empty table; give the entry station of each direction, e.g. \
                     entry = { northbound = \"nb-primary\" }",
                );
                return EntryPlan::Unknown;
            }
            let mut entries = Vec::new();
            let mut ok = true;
            for (dir_name, station_name) in map {
                let p = child(path, dir_name);
                let dir = match refs.directions.resolve(dir_name, &[]) {
                    Ok(d) => Some(DirectionId(d as u8)),
                    Err(message) => {
                        cx.structure_ok = false;
                        if let Some(message) = message {
                            cx.error_at_key(&p, message);
                        }
                        None
                    }
                };
                let station = single_entry(cx, &p, station_name, refs);
                match (dir, station) {
                    (Some(dir), Some(station)) => {
                        match station_directions.get(station.index()).copied().flatten() {
                            Some(serves) if serves != dir => {
                                let serves_name = refs
                                    .directions
                                    .known
                                    .get(serves.index())
                                    .copied()
                                    .unwrap_or("?");
                                cx.structural(
                                    &p,
                                    format!(
                                        "station `{station_name}` serves direction \
                                         `{serves_name}`, not `{dir_name}`"
                                    ),
                                );
                                ok = false;
                            }
                            Some(_) => entries.push((dir, station)),
                            None => ok = false,
                        }
                    }
                    _ => ok = false,
                }
            }
            if ok {
                entries.sort();
                EntryPlan::ByDirection(entries)
            } else {
                EntryPlan::Unknown
            }
        }
    }
}

/// The trace's `start` date (a day number, see [`trace::Date`]), checked: only with a
/// trace, a real date, on the scenario's `start_weekday`. One that is not a date, or on
/// the wrong weekday (the date or the weekday is wrong: which, only the user knows), is
/// reported and [`trace::Start::Unusable`], so that the rows written as dates are not each
/// reported again (as lacking a start, or before it).
fn start_date(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawSource,
    kind: Kind,
    start_weekday: Option<u8>,
) -> trace::Start {
    let Some(written) = raw.start.as_deref() else {
        return trace::Start::None;
    };
    let start_path = child(path, "start");
    if kind != Kind::Trace {
        cx.error(
            &start_path,
            format!(
                "`start` dates the rows of a recorded `trace`, but this source has a `{}`; \
                 remove `start`",
                kind.field()
            ),
        );
        return trace::Start::Unusable;
    }
    let date = match trace::Date::parse(written.trim()) {
        Ok(d) => d,
        Err(e) => {
            cx.error(
                &start_path,
                format!(
                    "{e}; write the date whose midnight is time zero as YYYY-MM-DD, e.g. \
                     start = \"2024-03-01\""
                ),
            );
            return trace::Start::Unusable;
        }
    };
    if let Some(expected) = start_weekday
        && date.weekday() != expected
    {
        let day = WEEKDAY_NAMES[usize::from(date.weekday())];
        cx.error(
            &start_path,
            format!(
                "{written} is a {day}, but the scenario starts on a {} (`start_weekday` in \
                 [scenario]); set start_weekday = \"{}\" so that schedules and profiles line \
                 up with the trace's dates",
                WEEKDAY_NAMES[usize::from(expected)],
                day.to_ascii_lowercase()
            ),
        );
        return trace::Start::Unusable;
    }
    trace::Start::At(date)
}

/// One model source per direction present in the trace (named `{id}/{direction}` when
/// the entry is given per direction).
fn split_trace(
    raw: &RawSource,
    plan: &EntryPlan,
    rows: Vec<trace::Row>,
    refs: &Refs<'_>,
) -> Vec<Source> {
    let mut by_direction: Vec<(DirectionId, StationId, Vec<TraceArrival>)> = Vec::new();
    for row in rows {
        let Some(entry) = row.entry else { continue };
        match by_direction
            .iter_mut()
            .find(|(d, _, _)| *d == row.direction)
        {
            Some((_, _, arrivals)) => arrivals.push(row.arrival),
            None => by_direction.push((row.direction, entry, vec![row.arrival])),
        }
    }
    by_direction.sort_by_key(|(d, _, _)| *d);
    let per_direction = matches!(plan, EntryPlan::ByDirection(_));
    by_direction
        .into_iter()
        .map(|(direction, entry, arrivals)| Source {
            id: if per_direction {
                let name = refs
                    .directions
                    .known
                    .get(direction.index())
                    .copied()
                    .unwrap_or("?");
                format!("{}/{name}", raw.id)
            } else {
                raw.id.clone()
            },
            entry,
            arrivals: Arrivals::Trace { arrivals },
        })
        .collect()
}

fn rate(cx: &mut Cx<'_>, path: &str, raw: &RawRate) -> f64 {
    match raw {
        RawRate::Text(s) => match parse_rate_per_hour(s) {
            Ok(r) if r > 0.0 => r,
            Ok(_) => {
                cx.error(
                    path,
                    format!(
                        "the rate must be positive, got \"{s}\"; remove the source if it sends \
                         no vehicles"
                    ),
                );
                1.0
            }
            Err(e) => {
                cx.error(path, e);
                1.0
            }
        },
        RawRate::Number(n) => {
            let n = format_number(*n);
            cx.error(
                path,
                format!(
                    "`{n}` has no time unit; write a rate as a string, e.g. \"{n}/h\" \
                     (per s, min, h or d)"
                ),
            );
            1.0
        }
    }
}

/// Checks `values` (`len` of them, each zero or positive, not all zero); `None` when wrong
/// (already reported).
fn non_negative<const N: usize>(
    cx: &mut Cx<'_>,
    path: &str,
    values: &[f64],
    describe: &str,
    slot: impl Fn(usize) -> String,
) -> Option<[f64; N]> {
    if values.len() != N {
        cx.error(
            path,
            format!("needs {N} values, {describe}, got {}", values.len()),
        );
        return None;
    }
    let mut out = [0.0; N];
    let mut ok = true;
    for (k, (&v, o)) in values.iter().zip(&mut out).enumerate() {
        if v.is_finite() && v >= 0.0 {
            *o = v;
        } else {
            cx.error(
                &index(path, k),
                format!(
                    "{} must be zero or positive, got {}",
                    slot(k),
                    format_number(v)
                ),
            );
            ok = false;
        }
    }
    if ok && out.iter().all(|&v| v == 0.0) {
        cx.error(
            path,
            format!("every value is 0, so the source sends no vehicles; {describe}"),
        );
        ok = false;
    }
    ok.then_some(out)
}

fn profile(cx: &mut Cx<'_>, path: &str, raw: &RawSource) -> RateProfile {
    let hourly = raw.profile.as_deref().unwrap_or(&[]);
    let hourly_per_hour = non_negative::<24>(
        cx,
        &child(path, "profile"),
        hourly,
        "the vehicles per hour in each hour of the day from midnight (00:00-01:00 first)",
        |h| format!("the rate at {h:02}:00-{:02}:00 (vehicles per hour)", h + 1),
    )
    .unwrap_or([1.0; 24]);
    let day_factors = match &raw.day_factors {
        None => [1.0; 7],
        Some(days) => non_negative::<7>(
            cx,
            &child(path, "day_factors"),
            days,
            &format!(
                "multipliers of the profile for {} to {}",
                WEEKDAY_NAMES[0], WEEKDAY_NAMES[6]
            ),
            |d| format!("the factor for {}", WEEKDAY_NAMES[d]),
        )
        .unwrap_or([1.0; 7]),
    };
    RateProfile {
        hourly_per_hour,
        day_factors,
    }
}
