//! Phase 4: the model's structural checks, mapped back to field paths (the warnings are
//! in [`super::warnings`]).

use std::collections::BTreeMap;

use bordersim_model::{
    Channel, ClassId, ModelError, ProgrammeId, Station, StationId, Target, VehicleKey, branches_for,
};

use super::source::Kind;
use super::station::StationMeta;
use super::{Cx, Labels};
use crate::spans::{child, index};
use crate::suggest::list;
use crate::units::format_number;

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
pub(super) fn vehicle_phrase(key: VehicleKey, labels: &Labels) -> String {
    format!(
        "class `{}` in programme `{}`",
        labels.classes[key.class.index()],
        labels.programmes[key.programme.index()]
    )
}

pub(super) fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
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
