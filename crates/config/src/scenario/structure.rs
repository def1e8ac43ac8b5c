//! Phase 4: the model's structural checks, mapped back to field paths (the warnings are
//! in [`super::warnings`]).

use std::collections::BTreeMap;

use bordersim_model::{
    Channel, ClassId, ModelError, Place, ProgrammeId, Station, StationId, StorageLimit, Target,
    VehicleKey, WhenFull, branches_for,
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

/// Maps a model [`Place`] to the field path of the file that wrote it, so that any
/// [`ModelError`] is located, including one this crate has no arm for.
struct Locator<'a> {
    metas: &'a [StationMeta],
    /// For each model source, the `[[sources]]` entry it came from and how its arrivals
    /// are written (a trace with an entry per direction gives several sources).
    origins: &'a [(usize, Kind)],
}

impl Locator<'_> {
    fn station(&self, station: StationId) -> String {
        index("stations", station.index())
    }

    /// The `[[sources]]` entry of model source `source`, and how its arrivals are written.
    fn source(&self, source: usize) -> (String, Kind) {
        let (raw, kind) = self
            .origins
            .get(source)
            .copied()
            .unwrap_or((source, Kind::Rate));
        (index("sources", raw), kind)
    }

    /// The field path of `place`; the model's field names become the file's.
    fn path(&self, place: Place) -> String {
        match place {
            Place::Model => String::new(),
            // Directions and programmes have built-in names: of the population, only the
            // classes must be written.
            Place::Population => "classes".to_owned(),
            Place::Stations => "stations".to_owned(),
            Place::Sources => "sources".to_owned(),
            Place::Class { class, field } => {
                let path = index("classes", class.index());
                match field {
                    // Written in `channels` or `channels_by_programme.<programme>`.
                    None | Some("channel_probabilities") => path,
                    Some("programme_shares") => child(&path, "programmes"),
                    Some(field) => child(&path, field),
                }
            }
            Place::Station { station, field } => {
                let meta = &self.metas[station.index()];
                match field {
                    // Written in `service` or `service_by_class.<class>`.
                    None | Some("service") => self.station(station),
                    // `servers`, `servers_by_hour`, `servers_by_day` or `lanes`.
                    Some("lanes") => meta.servers_path.clone(),
                    // `queue_capacity` or `queue_length`.
                    Some("storage") => meta.storage_path.clone(),
                    Some(field) => child(&self.station(station), field),
                }
            }
            Place::Route { station, route } => {
                index(&child(&self.station(station), "routes"), route)
            }
            Place::LaneGroup { station, group } => {
                let meta = &self.metas[station.index()];
                // A station written with `servers` is its own (only) lane group.
                if meta.servers_path.ends_with(".lanes") {
                    index(&meta.servers_path, group)
                } else {
                    self.station(station)
                }
            }
            Place::Source { source, field } => {
                let (path, kind) = self.source(source);
                match field {
                    None => path,
                    Some("arrivals") => child(&path, kind.field()),
                    Some(field) => child(&path, field),
                }
            }
        }
    }
}

/// The built model the errors are about, and how it was written.
struct Built<'a> {
    stations: &'a [Station],
    labels: &'a Labels,
    locate: Locator<'a>,
}

/// Errors grouped before they are reported: one message covers many vehicle kinds.
#[derive(Default)]
struct Groups {
    /// Route probabilities that do not sum to 1, by station and applicable routes.
    sums: BTreeMap<(StationId, Vec<usize>), SumGroup>,
    /// Trapped vehicles, grouped by the stations they are trapped in.
    trapped: BTreeMap<ClassId, Vec<StationId>>,
    /// Vehicles no lane serves, by station.
    unserved: BTreeMap<StationId, Vec<VehicleKey>>,
}

impl Groups {
    /// Adds `e` to its group; `false` if it is not reported in a group.
    fn add(&mut self, e: &ModelError, stations: &[Station]) -> bool {
        match e {
            ModelError::ProbabilitiesDoNotSumToOne { station, key, sum } => {
                let (routes, dims) = applicable_routes(&stations[station.index()], *key);
                let group = self
                    .sums
                    .entry((*station, routes))
                    .or_insert_with(|| SumGroup {
                        dims,
                        sum: *sum,
                        ..SumGroup::default()
                    });
                push_unique(&mut group.classes, key.class);
                push_unique(&mut group.programmes, key.programme);
                push_unique(&mut group.channels, key.channel);
            }
            ModelError::NoExit { station, key } => {
                push_unique(self.trapped.entry(key.class).or_default(), *station);
            }
            ModelError::NoLaneForVehicle { station, key } => {
                let lane_key = VehicleKey {
                    channel: Channel::Green,
                    ..*key
                };
                push_unique(self.unserved.entry(*station).or_default(), lane_key);
            }
            _ => return false,
        }
        true
    }
}

/// Reports the model's structural errors at the fields of the file that caused them.
///
/// Every error is located from its [`ModelError::place`]; the arms of [`reworded`] only
/// word some errors in the file's terms (names rather than indices) or point at a more
/// precise field than the place does, and [`Groups`] merges errors about many vehicle
/// kinds into one message.
pub(super) fn report_model_errors(
    cx: &mut Cx<'_>,
    errors: &[ModelError],
    stations: &[Station],
    metas: &[StationMeta],
    origins: &[(usize, Kind)],
    labels: &Labels,
) {
    let built = Built {
        stations,
        labels,
        locate: Locator { metas, origins },
    };
    let mut groups = Groups::default();
    for e in errors {
        if groups.add(e, stations) {
            continue;
        }
        let at = built.locate.path(e.place());
        let (path, message) =
            reworded(e, &built, &at).unwrap_or_else(|| (at.clone(), e.to_string()));
        cx.error(&path, message);
    }
    report_sums(cx, groups.sums, labels);
    report_trapped(cx, groups.trapped, stations, labels);
    report_unserved(cx, groups.unserved, stations, metas, labels);
}

/// The path and message of `e` when the file's terms say it better than the model's
/// message and place (`at`, the field path of that place); `None` to report the model's.
fn reworded(e: &ModelError, built: &Built<'_>, at: &str) -> Option<(String, String)> {
    let Built {
        stations,
        labels,
        locate,
    } = built;
    let station_id = |s: &StationId| stations[s.index()].id.as_str();
    let at = at.to_owned();
    let reported = match e {
        ModelError::NoServiceTimeForClass { station, class } => {
            let name = &labels.classes[class.index()];
            let message = format!(
                "class `{name}` can reach station `{}`, but the station has no service time \
                 for it; add `service` (for every class) or `service_by_class.{}`",
                station_id(station),
                child("", name)
            );
            (at, message)
        }
        ModelError::NeverOpen { station } => {
            let field = at.rsplit('.').next().unwrap_or("");
            let why = match field {
                "lanes" => "every lane group is closed at every hour",
                "servers_by_day" => "every hour of every day is 0",
                _ => "every hour of `servers_by_hour` is 0",
            };
            let message = format!(
                "station `{}` never has an open server: {why}; open at least one server in \
                 some hour",
                station_id(station)
            );
            (at, message)
        }
        ModelError::RouteCrossesDirection { station, route } => {
            let from = &stations[station.index()];
            let to = match from.routes[*route].to {
                Target::Station(t) => &stations[t.index()],
                Target::Exit => from,
            };
            let message = format!(
                "station `{}` serves direction `{}`, but this route leads to `{}`, which serves \
                 `{}`; a vehicle stays in its direction: give each direction its own stations",
                from.id,
                labels.directions[from.direction.index()],
                to.id,
                labels.directions[to.direction.index()]
            );
            (child(&at, "to"), message)
        }
        ModelError::BadStorage { station, reason } => (
            at,
            format!(
                "queue storage of station `{}`: {reason}",
                station_id(station)
            ),
        ),
        ModelError::BadGroupStorage {
            station,
            group,
            reason,
        } => {
            let st = &stations[station.index()];
            let field = match st.storage_of_group(*group).map(|s| s.limit) {
                Some(StorageLimit::Metres(_)) => "queue_length",
                _ => "queue_capacity",
            };
            let name = st.lanes.get(*group).map_or("", |g| g.id.as_str());
            (
                child(&at, field),
                format!(
                    "queue storage of lane group `{name}` of station `{}`: {reason}",
                    st.id
                ),
            )
        }
        ModelError::TwoApproaches {
            station,
            groups,
            key,
        } => {
            let st = &stations[station.index()];
            let message = format!(
                "lane groups `{}` and `{}` of station `{}` both have their own queue storage \
                 and both serve {} vehicles of programme `{}`: a vehicle queues on one \
                 approach; narrow one group's `serves` or drop one group's storage",
                st.lanes[groups.0].id,
                st.lanes[groups.1].id,
                st.id,
                labels.classes[key.class.index()],
                labels.programmes[key.programme.index()]
            );
            (at, message)
        }
        ModelError::BlockingCycle { station, cycle } => {
            let st = &stations[station.index()];
            // The station's own `when_full`, or the lane group whose storage blocks.
            let at = if st.storage.when_full == WhenFull::Block {
                at
            } else {
                let group = (0..st.lanes.len())
                    .find(|&g| {
                        st.storage_of_group(g)
                            .is_some_and(|s| s.when_full == WhenFull::Block)
                    })
                    .unwrap_or(0);
                child(
                    &locate.path(Place::LaneGroup {
                        station: *station,
                        group,
                    }),
                    "when_full",
                )
            };
            let mut names: Vec<&str> = cycle.iter().map(&station_id).collect();
            names.push(station_id(station));
            let message = format!(
                "station `{}` blocks when full (when_full = \"block\") and lies on a route \
                 cycle on which every station blocks ({}): vehicles could hold every lane \
                 of the cycle waiting for each other for ever; let one station of the cycle \
                 spill back (when_full = \"spillback\")",
                st.id,
                names.join(" -> ")
            );
            (at, message)
        }
        ModelError::BadLaneRule {
            station, reason, ..
        } => (
            child(&at, "lane_rule"),
            format!("lane rule at station `{}`: {reason}", station_id(station)),
        ),
        ModelError::BadMerge { station, reason } => {
            // The place is the station: the reason says which of the two fields.
            let st = &stations[station.index()];
            let field = if st.merged_into.is_some() {
                "merged_into"
            } else {
                "joint_service_factor"
            };
            (child(&at, field), format!("station `{}`: {reason}", st.id))
        }
        ModelError::BadPreLodged { reason, .. } | ModelError::BadArrivalRate { reason, .. } => {
            (at, reason.clone())
        }
        // The model places it at the arrivals; the file names the class in its own field.
        ModelError::SourceClassOutOfRange { source } => {
            (child(&locate.source(*source).0, "class"), e.to_string())
        }
        ModelError::UnsortedTrace { source, row } => (
            child(&locate.source(*source).0, "trace"),
            format!("trace arrival {row} is earlier than the one before it; sort the rows by time"),
        ),
        ModelError::ProgrammeSharesDoNotSumToOne { sum, .. } => (
            at,
            format!("programme shares sum to {}, not 1", format_number(*sum)),
        ),
        _ => return None,
    };
    Some(reported)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn locate<'a>(metas: &'a [StationMeta], origins: &'a [(usize, Kind)]) -> Locator<'a> {
        Locator { metas, origins }
    }

    /// Station 0 written with `servers` and `queue_length`, station 1 with lane groups.
    fn metas() -> Vec<StationMeta> {
        vec![
            StationMeta {
                direction: None,
                servers_path: "stations[0].servers".into(),
                storage_path: "stations[0].queue_length".into(),
                shortest_mean_ms: None,
            },
            StationMeta {
                direction: None,
                servers_path: "stations[1].lanes".into(),
                storage_path: "stations[1].queue_capacity".into(),
                shortest_mean_ms: None,
            },
        ]
    }

    /// Source 0 a rate, sources 1 and 2 the two directions of trace entry 1.
    const ORIGINS: [(usize, Kind); 3] = [(0, Kind::Rate), (1, Kind::Trace), (1, Kind::Trace)];

    #[test]
    fn errors_without_an_arm_are_located_from_their_place() {
        let metas = metas();
        let loc = locate(&metas, &ORIGINS);
        let path = |e: ModelError| loc.path(e.place());
        assert_eq!(
            path(ModelError::NoLanes {
                station: StationId(0)
            }),
            "stations[0].servers"
        );
        assert_eq!(
            path(ModelError::NoLanes {
                station: StationId(1)
            }),
            "stations[1].lanes"
        );
        assert_eq!(
            path(ModelError::BadProgrammeServiceTime {
                station: StationId(1),
                programme: ProgrammeId(1),
                reason: "x".into(),
            }),
            "stations[1].service_by_programme"
        );
        assert_eq!(
            path(ModelError::SourceProgrammeOutOfRange { source: 2 }),
            "sources[1].trace"
        );
        assert_eq!(path(ModelError::NoClasses), "classes");
        assert_eq!(path(ModelError::NoProgrammes), "classes");
        assert_eq!(path(ModelError::NoStations), "stations");
        assert_eq!(path(ModelError::NoSources), "sources");
        // A size limit concerns the model as a whole: the whole file.
        let too_many = ModelError::TooMany {
            what: "lane groups at one station",
            count: 300,
            limit: 255,
        };
        assert_eq!(path(too_many), "");
    }

    #[test]
    fn every_place_maps_to_the_field_that_wrote_it() {
        let metas = metas();
        let loc = locate(&metas, &ORIGINS);
        let station = |s, field| Place::Station {
            station: StationId(s),
            field,
        };
        assert_eq!(loc.path(station(0, None)), "stations[0]");
        assert_eq!(loc.path(station(0, Some("service"))), "stations[0]");
        assert_eq!(
            loc.path(station(0, Some("storage"))),
            "stations[0].queue_length"
        );
        assert_eq!(loc.path(station(1, Some("routes"))), "stations[1].routes");
        let route = Place::Route {
            station: StationId(1),
            route: 2,
        };
        assert_eq!(loc.path(route), "stations[1].routes[2]");
        let group = |s| Place::LaneGroup {
            station: StationId(s),
            group: 1,
        };
        assert_eq!(loc.path(group(0)), "stations[0]");
        assert_eq!(loc.path(group(1)), "stations[1].lanes[1]");
        let source = |source, field| Place::Source { source, field };
        assert_eq!(loc.path(source(0, Some("arrivals"))), "sources[0].rate");
        assert_eq!(loc.path(source(1, None)), "sources[1]");
        assert_eq!(loc.path(source(2, Some("entry"))), "sources[1].entry");
        let class = |field| Place::Class {
            class: ClassId(1),
            field,
        };
        assert_eq!(loc.path(class(None)), "classes[1]");
        assert_eq!(
            loc.path(class(Some("programme_shares"))),
            "classes[1].programmes"
        );
        assert_eq!(loc.path(class(Some("channel_probabilities"))), "classes[1]");
        assert_eq!(loc.path(Place::Model), "");
    }
}
