//! Concerns that do not stop a run: unstable stations, stations nobody visits, classes
//! nobody sends, vehicles whose lanes never open, trace rows outside the run.

use std::collections::BTreeMap;

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, Channel, ClassId, Crossing, HOURS_PER_WEEK, LaneSchedule, PreLodged, Source, Station,
    StationId, StorageLimit, Target, VehicleKey, WhenFull, lane_filter_matches,
};

use super::source::Kind;
use super::station::StationMeta;
use super::structure::{push_unique, vehicle_phrase};
use super::{Cx, Labels};
use crate::spans::{child, index};
use crate::units::{format_duration, format_number};

mod loss;
mod windows;

/// Concerns that do not stop a run: unstable stations, stations nobody visits, classes
/// nobody sends, vehicles whose lanes never open, trace rows outside the run.
pub(super) fn warn(
    cx: &mut Cx<'_>,
    crossing: &Crossing,
    metas: &[StationMeta],
    origins: &[(usize, Kind)],
    labels: &Labels,
    horizon: SimTime,
    warmup: SimTime,
) {
    // A lane group after a loss system sees only the carried flow, as a station does.
    let carried = loss::carried(crossing, horizon);
    let carried = carried.as_ref().map(|(c, _)| c);
    let findings = windows::follow(
        crossing,
        carried.unwrap_or(crossing),
        horizon,
        cx.start_weekday,
    );
    // When a station overloaded all run passes the vehicle cap, its one warning says when.
    let mut capped = vec![None; crossing.stations().len()];
    for f in &findings {
        if f.cause == windows::Cause::Plain {
            capped[f.station] = f.capped_at;
        }
    }
    let warned = unstable(cx, crossing, metas, horizon, &capped);
    windows::warn(cx, crossing, &findings, metas, horizon, &warned);
    super::overload::lane_groups(cx, crossing, carried, metas, horizon);
    let stations = crossing.stations();
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
    for (c, id) in labels.classes.iter().enumerate() {
        if !crossing
            .sources()
            .iter()
            .any(|s| source_sends(s, ClassId(c as u16)))
        {
            cx.warn(
                &child(&index("classes", c), "id"),
                format!(
                    "no source sends vehicles of class `{id}`; add a [[sources]] entry or \
                     remove the class"
                ),
            );
        }
    }
    never_served(cx, crossing, metas, labels);
    trace_outside_run(cx, crossing, origins, horizon, warmup);
    blocking_without_upstream(cx, crossing, metas);
}

/// A storage that blocks when full at a station no served vehicle is routed to: nobody can
/// hold a lane for it, so it works as spillback — probably not what was meant.
fn blocking_without_upstream(cx: &mut Cx<'_>, crossing: &Crossing, metas: &[StationMeta]) {
    let stations = crossing.stations();
    if !stations.iter().any(Station::blocks) {
        return;
    }
    // Stations a vehicle can reach straight from a service, looking through the stations
    // it may pass without stopping.
    let mut fed = vec![false; stations.len()];
    let mut stack: Vec<usize> = Vec::new();
    let targets = |st: &Station, stack: &mut Vec<usize>| {
        for r in &st.routes {
            if let Target::Station(t) = r.to
                && r.probability > 0.0
            {
                stack.push(t.index());
            }
        }
    };
    for st in stations.iter().filter(|st| st.merged_into.is_none()) {
        targets(st, &mut stack);
    }
    while let Some(t) = stack.pop() {
        if fed[t] {
            continue;
        }
        fed[t] = true;
        let st = &stations[t];
        if st.merged_into.is_some() || st.pre_lodged == PreLodged::Skip {
            targets(st, &mut stack);
        }
    }
    for (i, st) in stations.iter().enumerate() {
        if fed[i] || !st.blocks() {
            continue;
        }
        let path = if st.storage.when_full == WhenFull::Block {
            child(&index("stations", i), "when_full")
        } else {
            let g = (0..st.lanes.len())
                .find(|&g| {
                    st.storage_of_group(g)
                        .is_some_and(|s| s.when_full == WhenFull::Block)
                })
                .unwrap_or(0);
            child(&index(&metas[i].servers_path, g), "when_full")
        };
        cx.warn(
            &path,
            format!(
                "station `{}` blocks when full, but no station routes vehicles to it: no lane \
                 is ever held for it, and vehicles from the road wait there as with \
                 \"spillback\"",
                st.id
            ),
        );
    }
}

/// How many hours of the run fall in each hour of the week (Monday 00:00 first) when the
/// run covers [0, `horizon`) and starts on `start_weekday` (0 = Monday): a profile's rate or
/// a schedule's lanes in hours the run never reaches count for nothing.
pub(super) fn hours_in_run(horizon: SimTime, start_weekday: u8) -> [f64; HOURS_PER_WEEK] {
    let week = HOURS_PER_WEEK as f64;
    let hours = horizon.as_millis() as f64 / SimTime::MS_PER_HOUR as f64;
    let whole_weeks = (hours / week).floor();
    let mut weights = [whole_weeks; HOURS_PER_WEEK];
    let mut rest = hours - whole_weeks * week;
    let mut h = usize::from(start_weekday % 7) * 24;
    while rest > 0.0 {
        weights[h % HOURS_PER_WEEK] += rest.min(1.0);
        rest -= 1.0;
        h += 1;
    }
    weights
}

/// The mean of `per_hour` (by hour of the week) over the hours of the run (`weights`, as
/// [`hours_in_run`] gives them).
pub(super) fn mean_in_run(weights: &[f64; HOURS_PER_WEEK], per_hour: impl Fn(usize) -> f64) -> f64 {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    weights
        .iter()
        .enumerate()
        .filter(|(_, w)| **w > 0.0)
        .map(|(h, w)| w * per_hour(h))
        .sum::<f64>()
        / total
}

/// A number for a message: rounded to `decimals` decimals, or in scientific notation with
/// three significant digits when that would print more than a dozen digits or hide it
/// (`1e300`/h is "1e300", not a 301-digit number; 2e-7 is "2e-7", not "0").
pub(super) fn readable(x: f64, decimals: i32) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "infinite" } else { "-infinite" }.to_owned();
    }
    if x.is_nan() {
        return "undefined".to_owned();
    }
    let a = x.abs();
    if a >= 1e9 || (a > 0.0 && a < 10f64.powi(-decimals) / 2.0) {
        let s = format!("{x:.2e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let scale = 10f64.powi(decimals);
    format_number((x * scale).round() / scale)
}

/// A load (or another ratio of two computed sums) for a message: as [`readable`] writes it
/// when finite; sums past the largest float (rates near 1e308/h) give no number to print.
pub(super) fn readable_ratio(x: f64, decimals: i32) -> String {
    if x.is_finite() {
        readable(x, decimals)
    } else {
        "too large to compute".to_owned()
    }
}

/// A duration for a message, as [`format_duration`] writes it, in scientific notation
/// when enormous.
pub(super) fn readable_duration(ms: f64) -> String {
    if ms.is_finite() && ms.abs() >= 1e9 * SimTime::MS_PER_HOUR as f64 * 24.0 {
        format!(
            "{}d",
            readable(ms / (SimTime::MS_PER_HOUR as f64 * 24.0), 2)
        )
    } else if ms.is_finite() {
        format_duration(ms)
    } else {
        readable(ms, 0)
    }
}

/// `crossing` with each profile's sources at their mean rate over the hours the run covers
/// (`weights`), not over the whole week; `None` when that changes nothing. A source that
/// sends nobody in the run is left out.
fn over_the_run(crossing: &Crossing, weights: &[f64; HOURS_PER_WEEK]) -> Option<Crossing> {
    let mut changed = false;
    let sources: Vec<Source> = crossing
        .sources()
        .iter()
        .filter_map(|src| match &src.arrivals {
            Arrivals::Profile { class, profile } | Arrivals::Thinned { class, profile, .. } => {
                let rate = mean_in_run(weights, |h| {
                    profile.rate_per_hour_at(SimTime::from_hours(h as u64), 0)
                });
                let whole_week = profile.mean_rate_per_hour();
                if rate == whole_week {
                    return Some(src.clone());
                }
                changed = true;
                (rate > 0.0).then(|| Source::poisson(src.id.clone(), *class, rate, src.entry))
            }
            _ => Some(src.clone()),
        })
        .collect();
    if !changed || sources.is_empty() {
        return None;
    }
    Crossing::new(
        crossing.name.clone(),
        crossing.population(),
        crossing.stations().to_vec(),
        sources,
    )
    .ok()
}

/// Open servers of `st` on average over the hours of the run (`weights`); a group under a
/// lane rule counts its most.
fn servers_in_run(st: &Station, weights: &[f64; HOURS_PER_WEEK]) -> f64 {
    st.lanes
        .iter()
        .map(|g| match &g.rule {
            Some(rule) => f64::from(rule.max_lanes),
            None => mean_in_run(weights, |h| {
                f64::from(g.schedule.servers_at(SimTime::from_hours(h as u64), 0))
            }),
        })
        .sum()
}

/// Warns at each station whose mean load over the run is 1 or more, saying when the run
/// stops at its vehicle cap where `capped` gives that instant; returns which stations it
/// warned.
fn unstable(
    cx: &mut Cx<'_>,
    crossing: &Crossing,
    metas: &[StationMeta],
    horizon: SimTime,
    capped: &[Option<SimTime>],
) -> Vec<bool> {
    let mut warned = vec![false; crossing.stations().len()];
    let weights = hours_in_run(horizon, cx.start_weekday);
    let whole_weeks = weights.iter().all(|w| *w == weights[0]);
    if weights.iter().all(|w| *w == 0.0) {
        return warned;
    }
    let in_run = over_the_run(crossing, &weights);
    let in_run = in_run.as_ref().unwrap_or(crossing);
    if in_run.sources().is_empty() {
        return warned;
    }
    // Downstream of a loss system only the carried flow arrives.
    let offered_rates = in_run.arrival_rates_per_hour(horizon);
    let carried = loss::carried(in_run, horizon);
    let (in_run, losses) = match &carried {
        Some((carried, losses)) => (carried, losses.as_slice()),
        None => (in_run, &[][..]),
    };
    let stations = in_run.stations();
    let rates = in_run.arrival_rates_per_hour(horizon);
    for (i, week_load) in in_run.offered_loads(horizon).into_iter().enumerate() {
        let st = &stations[i];
        let arrivals: f64 = rates[i].iter().sum();
        let offered: f64 = offered_rates[i].iter().sum();
        // `offered_loads` spreads the work over the week's mean servers; the run has its own.
        let servers = if whole_weeks {
            st.mean_servers()
        } else {
            servers_in_run(st, &weights)
        };
        let load = if st.merged_into.is_some() || arrivals <= 0.0 {
            0.0
        } else if servers > 0.0 {
            week_load * st.mean_servers() / servers
        } else {
            f64::INFINITY
        };
        if load.is_finite() && load < 1.0 {
            continue;
        }
        warned[i] = true;
        let mean_service_ms = if week_load.is_finite() {
            week_load * st.mean_servers() * SimTime::MS_PER_HOUR as f64 / arrivals
        } else {
            f64::NAN
        };
        let service = if mean_service_ms.is_finite() {
            format!(", mean service {}", readable_duration(mean_service_ms))
        } else {
            String::new()
        };
        // The work in servers' worth (Erlangs) is the week's load on its mean servers; the
        // servers it needs are stated only when they are a count a file can give.
        let erlangs = week_load * st.mean_servers();
        let needed = (erlangs.floor() + 1.0).max(1.0);
        let countable = erlangs.is_finite() && needed <= f64::from(u32::MAX);
        let plural = if needed == 1.0 { "server" } else { "servers" };
        let constant = st
            .lanes
            .iter()
            .all(|g| matches!(g.schedule, LaneSchedule::Constant(_)));
        let over = if whole_weeks { "the week" } else { "the run" };
        let needed_text = readable(needed, 0);
        let (have, need) = if constant {
            (
                format!(
                    "{} {}",
                    readable(servers, 6),
                    if servers == 1.0 { "server" } else { "servers" }
                ),
                format!("at least {needed_text} {plural}"),
            )
        } else {
            (
                format!(
                    "{} servers open on average over {over}",
                    readable(servers, 1)
                ),
                format!("at least {needed_text} {plural} open on average"),
            )
        };
        // What would make it stable, and what would carry the excess of a bounded one.
        let (stable_by, carried_by) = if countable {
            (
                format!("{need}, faster service or fewer arrivals"),
                format!("{need} would carry it"),
            )
        } else if st.mean_servers() > 0.0 {
            (
                // A station has at most u32::MAX servers open at once (the model's limit).
                format!(
                    "faster service or fewer arrivals: no number of servers a station can \
                     have (at most {} open at once) keeps up",
                    u32::MAX
                ),
                "no number of servers a station can have would carry it".to_owned(),
            )
        } else {
            (
                "open servers, faster service or fewer arrivals".to_owned(),
                "open servers would carry it".to_owned(),
            )
        };
        let arrivals_text = if arrivals.is_finite() {
            readable(arrivals, 1)
        } else {
            "more than 1.8e308".to_owned()
        };
        // Fewer arrive than are offered upstream: some are lost at a loss system on the way.
        let carried_note = if arrivals < offered * (1.0 - 1e-9) {
            format!(
                " (the carried flow: {arrivals_text}/h of the {}/h offered reach it, the rest \
                 lost upstream at {})",
                readable(offered, 1),
                losses_text(losses, stations)
            )
        } else {
            String::new()
        };
        let load_word = if carried_note.is_empty() {
            "offered"
        } else {
            "carried"
        };
        let arrivals_phrase = format!("{arrivals_text}/h arriving on average{carried_note}");
        let load_text = if load.is_finite() {
            format!("{load_word} load {} per server", readable(load, 2))
        } else if servers > 0.0 {
            format!("{load_word} load per server too large to compute")
        } else {
            format!("{load_word} load with no server open over {over}")
        };
        // A limited storage whose overflow balks cannot grow: the excess is lost (a loss
        // system at capacity 0, Erlang B), which is the result to read, not instability.
        if st.storage.limit != StorageLimit::Unlimited && st.storage.when_full == WhenFull::Balk {
            cx.warn(
                &metas[i].servers_path,
                format!(
                    "overloaded: {load_text} at station `{}` ({}{service}, {have}); \
                     its storage is \
                     limited and when_full = \"balk\", so the queue stays bounded and the \
                     excess leaves: expect a large share of balked vehicles; {carried_by}",
                    st.id, arrivals_phrase,
                ),
            );
            continue;
        }
        let until = match capped.get(i).copied().flatten() {
            Some(at) => format!(
                "until the run stops at its vehicle cap by {} (more than the {} vehicles \
                 `max_in_system` allows)",
                windows::when(at),
                readable(crossing.max_in_system() as f64, 0)
            ),
            None => "until the horizon".to_owned(),
        };
        cx.warn(
            &metas[i].servers_path,
            format!(
                "unstable: {load_text} at station `{}` \
                 ({}{service}, {have}); the queue grows \
                 {until}. Stability needs {stable_by}",
                st.id, arrivals_phrase,
            ),
        );
    }
    warned
}

/// The loss systems that lose vehicles, with their loss probability and how it was
/// computed: "station `gate` (52.9% lost; Erlang B, exact for …)".
fn losses_text(losses: &[loss::Loss], stations: &[Station]) -> String {
    let parts: Vec<String> = losses
        .iter()
        .map(|l| {
            format!(
                "station `{}` ({}% lost; {})",
                stations[l.station].id,
                readable(100.0 * l.probability, 1),
                l.formula.describe()
            )
        })
        .collect();
    parts.join(", ")
}

/// Vehicles that reach a station whose lanes for them (their own groups and the groups
/// that share when idle) are closed at every hour: they wait until the horizon.
fn never_served(cx: &mut Cx<'_>, crossing: &Crossing, metas: &[StationMeta], labels: &Labels) {
    let stations = crossing.stations();
    let mut stranded: BTreeMap<StationId, Vec<VehicleKey>> = BTreeMap::new();
    for (entry, key) in crossing.entering_keys() {
        let reached = crossing.stations_reached(key, &[entry]);
        for s in (0..stations.len()).filter(|&s| reached[s]) {
            let mut serving = stations[s]
                .lanes
                .iter()
                .filter(|g| g.share_when_idle || lane_filter_matches(&g.serves, key))
                .peekable();
            let closed = serving.peek().is_some() && serving.all(|g| g.schedule.max() == 0);
            if closed {
                let lane_key = VehicleKey {
                    channel: Channel::Green,
                    ..key
                };
                push_unique(stranded.entry(StationId(s as u32)).or_default(), lane_key);
            }
        }
    }
    for (station, keys) in stranded {
        let who = keys
            .iter()
            .map(|k| vehicle_phrase(*k, labels))
            .collect::<Vec<_>>()
            .join(", ");
        cx.warn(
            &metas[station.index()].servers_path,
            format!(
                "vehicles of {who} reach station `{}`, but every lane group that serves them is \
                 closed at every hour: they wait until the horizon",
                stations[station.index()].id
            ),
        );
    }
}

/// Trace rows the run never replays (at or after the horizon: the run covers [0, horizon)),
/// and traces that end before the warm-up does (none of their arrivals is observed; only what
/// their vehicles still in the crossing do after the warm-up is recorded).
fn trace_outside_run(
    cx: &mut Cx<'_>,
    crossing: &Crossing,
    origins: &[(usize, Kind)],
    horizon: SimTime,
    warmup: SimTime,
) {
    // (rows, rows at or after the horizon, last time) per `[[sources]]` entry.
    let mut per_source: BTreeMap<usize, (usize, usize, SimTime)> = BTreeMap::new();
    for (src, &(raw, _)) in crossing.sources().iter().zip(origins) {
        if let Arrivals::Trace { arrivals } = &src.arrivals {
            let e = per_source.entry(raw).or_insert((0, 0, SimTime::ZERO));
            e.0 += arrivals.len();
            e.1 += arrivals.iter().filter(|a| a.time >= horizon).count();
            e.2 = e.2.max(arrivals.last().map_or(SimTime::ZERO, |a| a.time));
        }
    }
    for (raw, (rows, late, last)) in per_source {
        let path = child(&index("sources", raw), "trace");
        if late > 0 {
            cx.warn(
                &path,
                format!(
                    "{late} of the trace's {rows} arrivals come at or after the horizon ({}) and \
                     are not replayed; lengthen the horizon or trim the trace",
                    format_duration(horizon.as_millis() as f64)
                ),
            );
        } else if warmup > SimTime::ZERO && last < warmup {
            cx.warn(
                &path,
                format!(
                    "the trace ends at {}, before the warm-up ({}) does: none of its arrivals \
                     is observed, only the waits, services and departures after the warm-up of \
                     its vehicles still in the crossing then; shorten the warm-up",
                    format_duration(last.as_millis() as f64),
                    format_duration(warmup.as_millis() as f64)
                ),
            );
        }
    }
}

fn source_sends(source: &Source, class: ClassId) -> bool {
    match &source.arrivals {
        Arrivals::Poisson { class: c, .. } | Arrivals::Profile { class: c, .. } => *c == class,
        Arrivals::Trace { arrivals } => arrivals.iter().any(|a| a.class == class),
        Arrivals::Thinned { class: c, .. } => *c == class,
    }
}
