//! Concerns that do not stop a run: unstable stations, stations nobody visits, classes
//! nobody sends, vehicles whose lanes never open, trace rows outside the run.

use std::collections::BTreeMap;

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, Channel, ClassId, Crossing, LaneSchedule, PreLodged, Source, Station, StationId,
    StorageLimit, Target, VehicleKey, WhenFull, lane_filter_matches,
};

use super::source::Kind;
use super::station::StationMeta;
use super::structure::{push_unique, vehicle_phrase};
use super::{Cx, Labels};
use crate::spans::{child, index};
use crate::units::{format_duration, format_number};
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
    unstable(cx, crossing, metas, horizon);
    super::overload::lane_groups(cx, crossing, metas, horizon);
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

fn unstable(cx: &mut Cx<'_>, crossing: &Crossing, metas: &[StationMeta], horizon: SimTime) {
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
        let plural = if needed == 1.0 { "server" } else { "servers" };
        let constant = st
            .lanes
            .iter()
            .all(|g| matches!(g.schedule, LaneSchedule::Constant(_)));
        let (have, need) = if constant {
            (
                format!("{} servers", format_number(servers)),
                format!("at least {needed} {plural}"),
            )
        } else {
            (
                format!(
                    "{} servers open on average over the week",
                    format_number((servers * 10.0).round() / 10.0)
                ),
                format!("at least {needed} {plural} open on average"),
            )
        };
        // A limited storage whose overflow balks cannot grow: the excess is lost (a loss
        // system at capacity 0, Erlang B), which is the result to read, not instability.
        if st.storage.limit != StorageLimit::Unlimited && st.storage.when_full == WhenFull::Balk {
            cx.warn(
                &metas[i].servers_path,
                format!(
                    "overloaded: offered load {load:.2} per server at station `{}` ({}/h \
                     arriving on average, mean service {}, {have}); its storage is limited \
                     and when_full = \"balk\", so the queue stays bounded and the excess \
                     leaves: expect a large share of balked vehicles; {need} would carry it",
                    st.id,
                    format_number((arrivals * 10.0).round() / 10.0),
                    format_duration(mean_service_ms),
                ),
            );
            continue;
        }
        cx.warn(
            &metas[i].servers_path,
            format!(
                "unstable: offered load {load:.2} per server at station `{}` ({}/h arriving on \
                 average, mean service {}, {have}); the queue grows until the horizon. \
                 Stability needs {need}, faster service or fewer arrivals",
                st.id,
                format_number((arrivals * 10.0).round() / 10.0),
                format_duration(mean_service_ms),
            ),
        );
    }
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
