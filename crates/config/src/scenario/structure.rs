//! Phase 4: the model's structural checks, mapped back to field paths, and the warnings
//! about a crossing that runs but probably not as meant.

use std::collections::BTreeMap;

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, Channel, ClassId, Crossing, LaneSchedule, ModelError, ProgrammeId, Source, Station,
    StationId, Target, VehicleKey, branches_for, lane_filter_matches,
};

use super::source::Kind;
use super::station::StationMeta;
use super::{Cx, Labels};
use crate::spans::{child, index};
use crate::suggest::list;
use crate::units::{format_duration, format_number};

/// Which dimensions the routes chosen for some vehicles constrain.
#[derive(Clone, Copy, Debug, Default)]
struct Dims {
    classes: bool,
    programmes: bool,
    channels: bool,
}

/// The indices of the routes of `station` that apply to `key` (as
/// [`bordersim_model::branches_for`] chooses them), and what they constrain.
fn applicable_routes(station: &Station, key: VehicleKey) -> (Vec<usize>, Dims) {
    let chosen = branches_for(&station.routes, key);
    let indices: Vec<usize> = station
        .routes
        .iter()
        .enumerate()
        .filter(|(_, r)| chosen.iter().any(|c| std::ptr::eq(*c, *r)))
        .map(|(i, _)| i)
        .collect();
    let dims = Dims {
        classes: chosen.iter().any(|r| r.when.classes.is_some()),
        programmes: chosen.iter().any(|r| r.when.programmes.is_some()),
        channels: chosen.iter().any(|r| r.when.channels.is_some()),
    };
    (indices, dims)
}

fn phrase(singular: &str, plural: &str, names: Vec<&str>) -> String {
    let one = names.len() == 1;
    let names = list(names);
    if one {
        format!("{singular} {names}")
    } else {
        format!("{plural} {names}")
    }
}

fn classes_phrase(classes: &[ClassId], labels: &Labels) -> String {
    phrase(
        "class",
        "classes",
        classes
            .iter()
            .map(|c| labels.classes[c.index()].as_str())
            .collect(),
    )
}

fn programmes_phrase(programmes: &[ProgrammeId], labels: &Labels) -> String {
    phrase(
        "programme",
        "programmes",
        programmes
            .iter()
            .map(|p| labels.programmes[p.index()].as_str())
            .collect(),
    )
}

fn channels_phrase(channels: &[Channel]) -> String {
    phrase(
        "channel",
        "channels",
        channels.iter().map(|c| c.name()).collect(),
    )
}

fn stations_phrase(stations: &[StationId], built: &[Station]) -> String {
    phrase(
        "station",
        "stations",
        stations
            .iter()
            .map(|s| built[s.index()].id.as_str())
            .collect(),
    )
}

/// `class `truck` in programme `fast``, for lane coverage (lanes ignore the channel).
fn vehicle_phrase(key: VehicleKey, labels: &Labels) -> String {
    format!(
        "class `{}` in programme `{}`",
        labels.classes[key.class.index()],
        labels.programmes[key.programme.index()]
    )
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// Vehicles a group of routes applies to, collected over the keys reported for it.
#[derive(Default)]
struct SumGroup {
    dims: Dims,
    sum: f64,
    classes: Vec<ClassId>,
    programmes: Vec<ProgrammeId>,
    channels: Vec<Channel>,
}

pub(super) fn report_model_errors(
    cx: &mut Cx<'_>,
    errors: &[ModelError],
    stations: &[Station],
    metas: &[StationMeta],
    origins: &[(usize, Kind)],
    labels: &Labels,
) {
    let station_path = |s: StationId| index("stations", s.index());
    let source_path = |s: usize| {
        let (raw, kind) = origins.get(s).copied().unwrap_or((s, Kind::Rate));
        (index("sources", raw), kind)
    };
    let mut sums: BTreeMap<(StationId, Vec<usize>), SumGroup> = BTreeMap::new();
    // Trapped vehicles, grouped by the stations they are trapped in.
    let mut trapped: BTreeMap<ClassId, Vec<StationId>> = BTreeMap::new();
    // Vehicles no lane serves, by station.
    let mut unserved: BTreeMap<StationId, Vec<VehicleKey>> = BTreeMap::new();
    for e in errors {
        match e {
            ModelError::ProbabilitiesDoNotSumToOne { station, key, sum } => {
                let (routes, dims) = applicable_routes(&stations[station.index()], *key);
                let group = sums.entry((*station, routes)).or_insert_with(|| SumGroup {
                    dims,
                    sum: *sum,
                    ..SumGroup::default()
                });
                push_unique(&mut group.classes, key.class);
                push_unique(&mut group.programmes, key.programme);
                push_unique(&mut group.channels, key.channel);
            }
            ModelError::NoExit { station, key } => {
                push_unique(trapped.entry(key.class).or_default(), *station);
            }
            ModelError::NoLaneForVehicle { station, key } => {
                let lane_key = VehicleKey {
                    channel: Channel::Green,
                    ..*key
                };
                push_unique(unserved.entry(*station).or_default(), lane_key);
            }
            ModelError::NoServiceTimeForClass { station, class } => {
                let name = &labels.classes[class.index()];
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
                let meta = &metas[station.index()];
                let field = meta.servers_path.rsplit('.').next().unwrap_or("");
                let why = match field {
                    "lanes" => "every lane group is closed at every hour",
                    "servers_by_day" => "every hour of every day is 0",
                    _ => "every hour of `servers_by_hour` is 0",
                };
                cx.error(
                    &meta.servers_path,
                    format!(
                        "station `{}` never has an open server: {why}; open at least one \
                         server in some hour",
                        stations[station.index()].id
                    ),
                );
            }
            ModelError::RouteTargetOutOfRange { station, route }
            | ModelError::BadProbability { station, route, .. } => {
                let path = index(&child(&station_path(*station), "routes"), *route);
                cx.error(&path, e.to_string());
            }
            ModelError::RouteCrossesDirection { station, route } => {
                let from = &stations[station.index()];
                let path = child(
                    &index(&child(&station_path(*station), "routes"), *route),
                    "to",
                );
                let to = match from.routes[*route].to {
                    Target::Station(t) => &stations[t.index()],
                    Target::Exit => from,
                };
                cx.error(
                    &path,
                    format!(
                        "station `{}` serves direction `{}`, but this route leads to `{}`, which \
                         serves `{}`; a vehicle stays in its direction: give each direction its \
                         own stations",
                        from.id,
                        labels.directions[from.direction.index()],
                        to.id,
                        labels.directions[to.direction.index()]
                    ),
                );
            }
            ModelError::BadServiceTime { station, .. } => {
                cx.error(&station_path(*station), e.to_string());
            }
            ModelError::BadStorage { station, reason } => {
                cx.error(
                    &metas[station.index()].storage_path,
                    format!(
                        "queue storage of station `{}`: {reason}",
                        stations[station.index()].id
                    ),
                );
            }
            ModelError::BadLaneRule {
                station,
                group,
                reason,
            } => {
                let meta = &metas[station.index()];
                let owner = if meta.servers_path.ends_with(".lanes") {
                    index(&meta.servers_path, *group)
                } else {
                    station_path(*station)
                };
                cx.error(
                    &child(&owner, "lane_rule"),
                    format!(
                        "lane rule at station `{}`: {reason}",
                        stations[station.index()].id
                    ),
                );
            }
            ModelError::BadMerge { station, reason } => {
                let st = &stations[station.index()];
                let field = if st.merged_into.is_some() {
                    "merged_into"
                } else {
                    "joint_service_factor"
                };
                cx.error(
                    &child(&station_path(*station), field),
                    format!("station `{}`: {reason}", st.id),
                );
            }
            ModelError::BadPreLodged { station, reason } => {
                cx.error(
                    &child(&station_path(*station), "pre_lodged"),
                    reason.clone(),
                );
            }
            ModelError::BadArrivalRate { source, reason } => {
                let (path, kind) = source_path(*source);
                cx.error(&child(&path, kind.field()), reason.clone());
            }
            ModelError::SourceEntryOutOfRange { source } => {
                cx.error(&child(&source_path(*source).0, "entry"), e.to_string());
            }
            ModelError::SourceClassOutOfRange { source } => {
                cx.error(&child(&source_path(*source).0, "class"), e.to_string());
            }
            ModelError::UnsortedTrace { source, row } => {
                cx.error(
                    &child(&source_path(*source).0, "trace"),
                    format!("trace arrival {row} is earlier than the one before it; sort the rows by time"),
                );
            }
            ModelError::ProgrammeSharesDoNotSumToOne { class, sum } => {
                cx.error(
                    &child(&index("classes", class.index()), "programmes"),
                    format!("programme shares sum to {}, not 1", format_number(*sum)),
                );
            }
            ModelError::ChannelProbabilitiesDoNotSumToOne { class, .. }
            | ModelError::BadClassParameter { class, .. } => {
                cx.error(&index("classes", class.index()), e.to_string());
            }
            ModelError::NoStations => cx.error("stations", e.to_string()),
            ModelError::NoSources => cx.error("sources", e.to_string()),
            // The model may learn new checks; report them even without a precise place.
            #[allow(unreachable_patterns, reason = "ModelError may gain variants")]
            _ => cx.error("", e.to_string()),
        }
    }
    report_sums(cx, sums, labels);
    report_trapped(cx, trapped, stations, labels);
    report_unserved(cx, unserved, stations, metas, labels);
}

fn station_routes(station: StationId) -> String {
    child(&index("stations", station.index()), "routes")
}

/// Route probabilities that do not sum to 1, one message per station and group of routes.
fn report_sums(
    cx: &mut Cx<'_>,
    sums: BTreeMap<(StationId, Vec<usize>), SumGroup>,
    labels: &Labels,
) {
    for ((station, routes), group) in sums {
        let routes_path = station_routes(station);
        let which = routes
            .iter()
            .map(|r| format!("routes[{r}]"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut parts = Vec::new();
        if group.dims.classes {
            parts.push(classes_phrase(&group.classes, labels));
        }
        if group.dims.programmes {
            parts.push(programmes_phrase(&group.programmes, labels));
        }
        if group.dims.channels {
            parts.push(channels_phrase(&group.channels));
        }
        let whose = if !parts.is_empty() {
            format!("the routes for {} ({which})", parts.join(", "))
        } else if routes.is_empty() {
            "the routes".to_owned()
        } else {
            format!("the routes for every class ({which})")
        };
        let gap = 1.0 - group.sum;
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
                format_number(group.sum)
            ),
        );
    }
}

/// Vehicles that can never reach the exit, one message per set of stations they are
/// trapped in.
fn report_trapped(
    cx: &mut Cx<'_>,
    trapped: BTreeMap<ClassId, Vec<StationId>>,
    stations: &[Station],
    labels: &Labels,
) {
    let mut by_trap: BTreeMap<Vec<StationId>, Vec<ClassId>> = BTreeMap::new();
    for (class, mut at) in trapped {
        at.sort();
        by_trap.entry(at).or_default().push(class);
    }
    for (at, classes) in by_trap {
        let first = at[0];
        cx.error(
            &station_routes(first),
            format!(
                "vehicles of {} that reach {} can never leave: no route from there leads, \
                 directly or through other stations, to \"exit\"; add a route {{ to = \"exit\", \
                 p = ... }} on the way",
                classes_phrase(&classes, labels),
                stations_phrase(&at, stations)
            ),
        );
    }
}

/// Vehicles that reach a station where no lane group serves them, one message per station.
fn report_unserved(
    cx: &mut Cx<'_>,
    unserved: BTreeMap<StationId, Vec<VehicleKey>>,
    stations: &[Station],
    metas: &[StationMeta],
    labels: &Labels,
) {
    for (station, keys) in unserved {
        let st = &stations[station.index()];
        let who = keys
            .iter()
            .map(|k| vehicle_phrase(*k, labels))
            .collect::<Vec<_>>()
            .join(", ");
        cx.error(
            &metas[station.index()].servers_path,
            format!(
                "no lane group of station `{}` serves {who}, yet they reach it; add them to a \
                 group's `serves`, add a group for everyone, or let a group take other traffic \
                 when idle (share_when_idle = true)",
                st.id
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Warnings
// ---------------------------------------------------------------------------------------

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

/// Trace rows the run never replays (at or after the horizon), and traces that end before
/// the warm-up does (none of their vehicles would be observed).
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
                    "the trace ends at {}, before the warm-up ({}) does: none of its vehicles \
                     are observed; shorten the warm-up",
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
