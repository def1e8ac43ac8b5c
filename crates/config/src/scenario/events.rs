//! Operations on top of the weekly pattern: `service_factor_by_hour` and `initial_queue`
//! of stations and lane groups, and `[[scenario.events]]` — outages, closures, demand
//! surges and drops, slowdowns and date-specific schedules. Read in phase 3 (values and
//! names, each problem located at its field), then handed to
//! [`Crossing::with_operations`](bordersim_model::Crossing::with_operations), whose
//! findings (a standing queue of vehicles a station cannot serve) are located at the field
//! that asked for them.

use bordersim_des::SimTime;
use bordersim_model::scenario::{
    EventKind, HourlyFactor, InitialQueue, Operations, OperationsItem, ScenarioEvent,
};
use bordersim_model::{ClassId, Crossing, StationId};

use super::super::shape::Document;
use super::super::station::{resolve_class, warn_sub_clock_factors};
use super::super::{Cx, Refs};
use crate::raw::{RawEvent, RawLaneGroup};
use crate::spans::{child, index};
use crate::suggest::did_you_mean;
use crate::units::parse_sim_time;

/// The kinds of event a scenario may give.
const KINDS: [&str; 5] = ["outage", "closure", "demand", "slowdown", "schedule"];

/// Operations read from a file, with the field path of each item for the model's findings.
#[derive(Default)]
pub(super) struct Pending {
    ops: Operations,
    factor_paths: Vec<String>,
    queue_paths: Vec<String>,
    event_paths: Vec<String>,
}

/// Reads every station's and lane group's `service_factor_by_hour` and `initial_queue`,
/// and the scenario's events (checked against `horizon` when it is known).
pub(super) fn read(
    cx: &mut Cx<'_>,
    doc: &Document,
    refs: &Refs<'_>,
    horizon: Option<SimTime>,
    shortest_means: &[Option<f64>],
) -> Pending {
    let mut pending = Pending::default();
    for (i, item) in doc.stations.iter().enumerate() {
        let Some(raw) = &item.raw else { continue };
        let path = index("stations", i);
        let station = StationId(i as u32);
        place(
            cx,
            &mut pending,
            refs,
            &path,
            (station, None),
            (
                raw.service_factor_by_hour.as_deref(),
                raw.initial_queue,
                raw.initial_queue_class.as_deref(),
            ),
        );
        for (k, group) in raw.lanes.iter().flatten().enumerate() {
            let group_path = index(&child(&path, "lanes"), k);
            place(
                cx,
                &mut pending,
                refs,
                &group_path,
                (station, Some(k)),
                (
                    group.service_factor_by_hour.as_deref(),
                    group.initial_queue,
                    group.initial_queue_class.as_deref(),
                ),
            );
        }
    }
    if let Some(scenario) = &doc.scenario {
        let events_path = child("scenario", "events");
        for (i, raw) in scenario.events.iter().enumerate() {
            let path = index(&events_path, i);
            if let Some(e) = event(cx, &path, raw, doc, refs, horizon) {
                pending.ops.events.push(e);
                pending.event_paths.push(path);
            }
        }
    }
    warn_sub_clock(cx, &pending, shortest_means);
    pending
}

/// Hourly factors (the smallest of each day) and slowdowns that make a station's shortest
/// mean service (`shortest_means`, ms, by station) shorter than the clock's millisecond,
/// warned at the factor as a station's own factors are.
fn warn_sub_clock(cx: &mut Cx<'_>, pending: &Pending, shortest_means: &[Option<f64>]) {
    let hourly = (pending
        .ops
        .service_factors
        .iter()
        .zip(&pending.factor_paths))
    .map(|(f, p)| {
        let (h, least) = (f.by_hour.iter().enumerate()).fold((0, f64::INFINITY), |a, (h, &x)| {
            if x < a.1 { (h, x) } else { a }
        });
        (f.station, index(p, h), least)
    });
    let slowdowns =
        (pending.ops.events.iter().zip(&pending.event_paths)).filter_map(|(e, p)| match e.kind {
            EventKind::Slowdown {
                station, factor, ..
            } => Some((station, child(p, "factor"), factor)),
            _ => None,
        });
    let found: Vec<(StationId, String, f64)> = hourly.chain(slowdowns).collect();
    for (station, at, factor) in found {
        let shortest = shortest_means.get(station.index()).copied().flatten();
        let station_path = index("stations", station.index());
        warn_sub_clock_factors(cx, &station_path, shortest, &[(at, factor)]);
    }
}

/// The crossing with the operations read, each finding of the model located at its field.
pub(super) fn attach(cx: &mut Cx<'_>, crossing: Crossing, pending: Pending) -> Option<Crossing> {
    if pending.ops.is_empty() {
        return Some(crossing);
    }
    if !outages_within_lanes(cx, &crossing, &pending) {
        return None;
    }
    match crossing.with_operations(pending.ops) {
        Ok(c) => Some(c),
        Err(errors) => {
            for e in errors {
                let path = match e.item {
                    OperationsItem::ServiceFactor(i) => &pending.factor_paths[i],
                    OperationsItem::InitialQueue(i) => &pending.queue_paths[i],
                    OperationsItem::Event(i) => &pending.event_paths[i],
                };
                cx.error(path, e.message);
            }
            None
        }
    }
}

/// The most lanes lane group `g` of `station` ever has open: the most of its schedule, or
/// of its lane rule's `max_lanes`.
fn most_lanes(station: &bordersim_model::Station, g: usize) -> u32 {
    let group = &station.lanes[g];
    group
        .schedule
        .max()
        .max(group.rule.as_ref().map_or(0, |r| r.max_lanes))
}

/// Whether every outage's `lanes` is at most the lanes its lane group has (each group of
/// the station, for an outage of the whole station: the largest of them); an outage of
/// more is an error at its `lanes`. The model would only close what is open, so such a
/// number is a mistake about the station (`lanes = 50` on 10 booths), not a disruption.
fn outages_within_lanes(cx: &mut Cx<'_>, crossing: &Crossing, pending: &Pending) -> bool {
    let mut ok = true;
    for (e, path) in pending.ops.events.iter().zip(&pending.event_paths) {
        let EventKind::Outage {
            station,
            group,
            lanes: Some(lanes),
        } = e.kind
        else {
            continue;
        };
        let Some(st) = crossing.stations().get(station.index()) else {
            continue;
        };
        let groups: Vec<usize> = group.map_or_else(|| (0..st.lanes.len()).collect(), |g| vec![g]);
        let most = groups.iter().map(|&g| most_lanes(st, g)).max().unwrap_or(0);
        if lanes > most {
            let whose = match group {
                Some(g) => format!("lane group `{}` of station `{}`", st.lanes[g].id, st.id),
                None if st.lanes.len() > 1 => format!("any lane group of station `{}`", st.id),
                None => format!("station `{}`", st.id),
            };
            cx.error(
                &child(path, "lanes"),
                format!(
                    "the outage takes out {lanes} lanes but {whose} has at most {most} open in                      any hour: give at most {most}, or leave `lanes` out to take out every lane"
                ),
            );
            ok = false;
        }
    }
    ok
}

/// A station's or a lane group's hourly factor and standing queue.
fn place(
    cx: &mut Cx<'_>,
    pending: &mut Pending,
    refs: &Refs<'_>,
    path: &str,
    (station, group): (StationId, Option<usize>),
    (by_hour, queue, class): (Option<&[f64]>, Option<i64>, Option<&str>),
) {
    if let Some(values) = by_hour {
        let p = child(path, "service_factor_by_hour");
        if values.len() != 24 {
            cx.error(
                &p,
                format!(
                    "service_factor_by_hour needs 24 values, one per hour of the day from \
                     midnight; got {}",
                    values.len()
                ),
            );
        } else if values.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
            // Every bad hour, not only the first.
            for (h, bad) in values.iter().enumerate() {
                if !(bad.is_finite() && *bad > 0.0) {
                    let message = format!(
                        "a service-time factor must be positive and finite, got {bad} for hour {h}"
                    );
                    cx.error(&index(&p, h), message);
                }
            }
        } else {
            let mut hours = [1.0; 24];
            hours.copy_from_slice(values);
            pending.ops.service_factors.push(HourlyFactor {
                station,
                group,
                by_hour: hours,
            });
            pending.factor_paths.push(p);
        }
    }
    let class_path = child(path, "initial_queue_class");
    let class = class.and_then(|name| resolve_class(cx, &class_path, name, &refs.classes));
    match queue {
        None => {
            if class.is_some() {
                cx.error(
                    &class_path,
                    "initial_queue_class without initial_queue: say how many vehicles stand \
                     in the queue at time zero, e.g. initial_queue = 350",
                );
            }
        }
        Some(n) => {
            let p = child(path, "initial_queue");
            match u32::try_from(n) {
                Ok(0) => {}
                Ok(vehicles) => {
                    pending.ops.initial_queues.push(InitialQueue {
                        station,
                        group,
                        vehicles,
                        class,
                    });
                    pending.queue_paths.push(p);
                }
                Err(_) => cx.error(
                    &p,
                    format!(
                        "initial_queue is a number of vehicles, from 0 to {}; got {n}",
                        u32::MAX
                    ),
                ),
            }
        }
    }
}

/// A time of an event: a duration from time zero (`"34h"`) or `"day N HH:MM"` (day 1 is
/// the run's first).
fn parse_time(s: &str) -> Result<SimTime, String> {
    let t = s.trim();
    let Some(rest) = t.strip_prefix("day") else {
        return parse_sim_time(t)
            .map_err(|e| format!("{e}; or write a day and a clock time, e.g. \"day 2 10:00\""));
    };
    let bad = || {
        format!(
            "\"{s}\" is not a day and a clock time: write e.g. \"day 2 10:00\" (day 1 is the \
             run's first day, the clock from 00:00 to 24:00), or a duration from the start \
             such as \"34h\""
        )
    };
    let mut parts = rest.split_whitespace();
    let (Some(day), Some(clock), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let day: u64 = day.parse().ok().filter(|d| *d >= 1).ok_or_else(bad)?;
    let (h, m) = clock.split_once(':').ok_or_else(bad)?;
    let (h, m): (u64, u64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    let ms = day
        .checked_sub(1)
        .and_then(|d| d.checked_mul(SimTime::MS_PER_DAY))
        .and_then(|d| d.checked_add(h * SimTime::MS_PER_HOUR + m * SimTime::MS_PER_MINUTE))
        .filter(|ms| *ms <= crate::units::MAX_SIM_TIME_MS)
        .ok_or_else(|| format!("\"{s}\" is too late for the simulation clock"))?;
    Ok(SimTime(ms))
}

/// One `[[scenario.events]]` entry, every problem reported at its field.
fn event(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawEvent,
    doc: &Document,
    refs: &Refs<'_>,
    horizon: Option<SimTime>,
) -> Option<ScenarioEvent> {
    let errors_before = cx.error_count();
    let kind = raw.kind.as_str();
    if !KINDS.contains(&kind) {
        cx.error(
            &child(path, "kind"),
            format!(
                "unknown event kind `{kind}`{}; the kinds are {}",
                did_you_mean(kind, KINDS),
                KINDS.join(", ")
            ),
        );
        return None;
    }
    // Fields a kind does not use are errors, not silently ignored.
    let uses = |field: &str| -> bool {
        match field {
            "station" => kind != "demand",
            "lane_group" => matches!(kind, "outage" | "slowdown" | "schedule"),
            "lanes" => kind == "outage",
            "factor" => matches!(kind, "demand" | "slowdown"),
            "classes" => kind == "demand",
            "servers_by_hour" => kind == "schedule",
            _ => true,
        }
    };
    let given = [
        ("station", raw.station.is_some()),
        ("lane_group", raw.lane_group.is_some()),
        ("lanes", raw.lanes.is_some()),
        ("factor", raw.factor.is_some()),
        ("classes", raw.classes.is_some()),
        ("servers_by_hour", raw.servers_by_hour.is_some()),
    ];
    for (field, present) in given {
        if present && !uses(field) {
            cx.error_at_key(
                &child(path, field),
                format!("`{field}` has no meaning for a `{kind}` event"),
            );
        }
    }
    let window = window(cx, path, raw, horizon);
    // The station and lane group.
    let station = if uses("station") {
        match &raw.station {
            None => {
                cx.error(
                    path,
                    format!("a `{kind}` event needs the `station` it happens at"),
                );
                None
            }
            Some(name) => match refs.stations.resolve(name, &[]) {
                Ok(s) => Some(s),
                Err(message) => {
                    if let Some(message) = message {
                        cx.error(&child(path, "station"), message);
                    }
                    None
                }
            },
        }
    } else {
        None
    };
    let lanes_of = |s: usize| -> Option<&Vec<RawLaneGroup>> {
        doc.stations
            .get(s)
            .and_then(|item| item.raw.as_ref())
            .and_then(|raw| raw.lanes.as_ref())
    };
    let group = match (station, &raw.lane_group) {
        (Some(s), Some(name)) if uses("lane_group") => match lanes_of(s) {
            None => {
                cx.error(
                    &child(path, "lane_group"),
                    format!(
                        "station `{}` has no lane groups ([[stations.lanes]]): leave \
                         `lane_group` out",
                        raw.station.as_deref().unwrap_or_default()
                    ),
                );
                None
            }
            Some(groups) => match groups.iter().position(|g| &g.id == name) {
                Some(g) => Some(g),
                None => {
                    let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
                    cx.error(
                        &child(path, "lane_group"),
                        format!(
                            "station `{}` has no lane group `{name}`{}; its groups: {}",
                            raw.station.as_deref().unwrap_or_default(),
                            did_you_mean(name, ids.iter().copied()),
                            ids.join(", ")
                        ),
                    );
                    None
                }
            },
        },
        _ => None,
    };
    let lanes = match raw.lanes {
        None => None,
        Some(n) => match u32::try_from(n) {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                cx.error(
                    &child(path, "lanes"),
                    format!("`lanes` is how many lanes fail: at least 1, got {n}"),
                );
                None
            }
        },
    };
    let factor = |cx: &mut Cx<'_>, zero_ok: bool| -> Option<f64> {
        let Some(f) = raw.factor else {
            cx.error(path, format!("a `{kind}` event needs its `factor`"));
            return None;
        };
        let ok = f.is_finite() && (f > 0.0 || (zero_ok && f == 0.0));
        if !ok {
            let range = if zero_ok { "0 or more" } else { "positive" };
            cx.error(
                &child(path, "factor"),
                format!("a `{kind}` factor must be {range} and finite, got {f}"),
            );
            return None;
        }
        Some(f)
    };
    let built = match kind {
        "outage" => station.map(|s| EventKind::Outage {
            station: StationId(s as u32),
            group,
            lanes,
        }),
        "closure" => station.map(|s| EventKind::Closure {
            station: StationId(s as u32),
        }),
        "slowdown" => {
            let f = factor(cx, false);
            station.zip(f).map(|(s, factor)| EventKind::Slowdown {
                station: StationId(s as u32),
                group,
                factor,
            })
        }
        "demand" => {
            let f = factor(cx, true);
            let classes = raw.classes.as_ref().map(|names| {
                let classes_path = child(path, "classes");
                names
                    .iter()
                    .enumerate()
                    .filter_map(|(k, name)| {
                        resolve_class(cx, &index(&classes_path, k), name, &refs.classes)
                    })
                    .collect::<Vec<ClassId>>()
            });
            f.map(|factor| EventKind::Demand { factor, classes })
        }
        _ => schedule(cx, path, raw, station, group, lanes_of),
    };
    let (from, to) = window?;
    let kind = built?;
    (cx.error_count() == errors_before).then_some(ScenarioEvent { from, to, kind })
}

/// A `schedule` event's lanes by hour, for its lane group (the station's only group when
/// it has no lane groups).
fn schedule<'d>(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawEvent,
    station: Option<usize>,
    group: Option<usize>,
    lanes_of: impl Fn(usize) -> Option<&'d Vec<RawLaneGroup>>,
) -> Option<EventKind> {
    let hours_path = child(path, "servers_by_hour");
    let hours = match &raw.servers_by_hour {
        None => {
            cx.error(
                path,
                "a `schedule` event needs `servers_by_hour`: the lanes open in each hour of \
                 the day during the window (24 values)",
            );
            None
        }
        Some(values) if values.len() != 24 => {
            cx.error(
                &hours_path,
                format!(
                    "servers_by_hour needs 24 values, one per hour of the day; got {}",
                    values.len()
                ),
            );
            None
        }
        Some(values) => {
            let mut hours = [0u32; 24];
            let mut ok = true;
            for (h, (&v, slot)) in values.iter().zip(&mut hours).enumerate() {
                match u32::try_from(v) {
                    Ok(n) => *slot = n,
                    Err(_) => {
                        cx.error(
                            &index(&hours_path, h),
                            format!("open lanes cannot be negative, got {v} for hour {h}"),
                        );
                        ok = false;
                    }
                }
            }
            ok.then_some(hours)
        }
    };
    let s = station?;
    let group = match (group, lanes_of(s)) {
        (Some(g), _) => g,
        (None, None) => 0,
        (None, Some(groups)) if groups.len() == 1 => 0,
        (None, Some(_)) => {
            cx.error(
                path,
                "this station has several lane groups: give the `lane_group` whose lanes the \
                 schedule sets",
            );
            return None;
        }
    };
    hours.map(|servers_by_hour| EventKind::Schedule {
        station: StationId(s as u32),
        group,
        servers_by_hour,
    })
}

/// An event's window: `day`, or `from` and `to`, inside [0, horizon].
fn window(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawEvent,
    horizon: Option<SimTime>,
) -> Option<(SimTime, SimTime)> {
    let (from, to) = match raw.day {
        Some(day) => {
            if raw.from.is_some() || raw.to.is_some() {
                cx.error(
                    &child(path, "day"),
                    "give either `day` (the whole day) or `from` and `to`, not both",
                );
                return None;
            }
            let Some(start) = u64::try_from(day)
                .ok()
                .filter(|d| *d >= 1)
                .and_then(|d| (d - 1).checked_mul(SimTime::MS_PER_DAY))
                .filter(|ms| *ms < crate::units::MAX_SIM_TIME_MS)
            else {
                cx.error(
                    &child(path, "day"),
                    format!("`day` counts the run's days from 1; got {day}"),
                );
                return None;
            };
            (SimTime(start), SimTime(start + SimTime::MS_PER_DAY))
        }
        None => {
            let mut time = |field: &str, value: &Option<String>| -> Option<SimTime> {
                match value {
                    None => {
                        cx.error(
                            path,
                            format!(
                                "missing `{field}`: an event needs its window, `from` and `to` \
                                 (e.g. from = \"day 1 10:00\", to = \"day 1 12:00\"), or `day`"
                            ),
                        );
                        None
                    }
                    Some(text) => parse_time(text)
                        .map_err(|e| cx.error(&child(path, field), e))
                        .ok(),
                }
            };
            let from = time("from", &raw.from);
            let to = time("to", &raw.to);
            let (from, to) = (from?, to?);
            if to <= from {
                cx.error(
                    &child(path, "to"),
                    format!(
                        "the event must end after it starts: `to` ({} h) is not after `from` \
                         ({} h)",
                        hours(to),
                        hours(from)
                    ),
                );
                return None;
            }
            (from, to)
        }
    };
    if let Some(horizon) = horizon
        && to > horizon
    {
        let field = if raw.day.is_some() { "day" } else { "to" };
        cx.error(
            &child(path, field),
            format!(
                "the event's window ({} h to {} h from the start) is outside the run, which \
                 ends at the horizon ({} h): move it inside or lengthen the horizon",
                hours(from),
                hours(to),
                hours(horizon)
            ),
        );
        return None;
    }
    Some((from, to))
}

/// `t` in hours, for messages.
fn hours(t: SimTime) -> String {
    crate::units::format_number(t.as_millis() as f64 / SimTime::MS_PER_HOUR as f64)
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
