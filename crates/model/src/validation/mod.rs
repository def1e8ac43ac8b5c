//! Structural problems of a model: [`ModelError`], each variant with its message and the
//! [`Place`] it concerns written side by side (in [`ModelError::describe`]), and the checks
//! that find them ([`Crossing::new`](crate::Crossing::new) runs them).
//!
//! Adding a check: add the variant (with its fields' docs), its arm in `describe` (its
//! message and its place), and the check that pushes it in `checks`. The config crate
//! locates the new error from its place in the file it loads, and needs an arm for it only
//! to reword it.

mod blocking;
mod checks;
mod cycles;

pub(crate) use blocking::check_blocking;
pub(crate) use checks::{check_parts, check_population};
pub(crate) use cycles::{station_flows, stations_leading_to_exit};

use crate::ids::{ClassId, ProgrammeId, StationId};
use crate::population::VehicleKey;

/// Tolerance on sums of probabilities and shares (they are typed by people, in decimals).
pub const PROBABILITY_SUM_TOLERANCE: f64 = 1e-6;

/// Where in a model a problem lies, by index: what a config loader points at in its file.
/// `field` names a field of the model type ([`Station`](crate::Station),
/// [`Source`](crate::Source), [`VehicleClass`](crate::VehicleClass)) when the problem is
/// in one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The model as a whole (a size limit).
    Model,
    /// The population: its classes, programmes and directions.
    Population,
    /// The list of stations.
    Stations,
    /// The list of sources.
    Sources,
    /// One vehicle class.
    Class {
        /// The class.
        class: ClassId,
        /// The field concerned, if one.
        field: Option<&'static str>,
    },
    /// One station.
    Station {
        /// The station.
        station: StationId,
        /// The field concerned, if one.
        field: Option<&'static str>,
    },
    /// One route of a station (index into [`Station::routes`](crate::Station::routes)).
    Route {
        /// The station.
        station: StationId,
        /// Index of the route.
        route: usize,
    },
    /// One lane group of a station (index into [`Station::lanes`](crate::Station::lanes)).
    LaneGroup {
        /// The station.
        station: StationId,
        /// Index of the lane group.
        group: usize,
    },
    /// One source (index into [`Crossing::sources`](crate::Crossing::sources)).
    Source {
        /// Index of the source.
        source: usize,
        /// The field concerned, if one.
        field: Option<&'static str>,
    },
}

/// A structural problem, naming the station, class, programme or source concerned by index
/// (so that a config loader can point at the place in its file, see [`ModelError::place`]).
#[derive(Clone, Debug, PartialEq)]
pub enum ModelError {
    /// The crossing has no station.
    NoStations,
    /// The crossing has no source.
    NoSources,
    /// The population has no class.
    NoClasses,
    /// The population has no direction.
    NoDirections,
    /// The population has no programme.
    NoProgrammes,
    /// More of something than the engine's compact vehicle records can index.
    TooMany {
        /// What there are too many of (plural noun phrase).
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The most supported.
        limit: usize,
    },
    /// A station whose lane groups open more servers at once than the engine supports
    /// (u32::MAX: a station's open servers are counted in 32 bits).
    TooManyServers {
        /// The station.
        station: StationId,
        /// Most servers its lane groups open at once, summed over groups.
        count: u64,
        /// The most supported.
        limit: u64,
    },
    /// A station without lane groups.
    NoLanes {
        /// The station.
        station: StationId,
    },
    /// Every lane group of the station has zero servers at every hour.
    NeverOpen {
        /// The station.
        station: StationId,
    },
    /// A route names a station that does not exist.
    RouteTargetOutOfRange {
        /// The station the route leaves.
        station: StationId,
        /// Index of the route.
        route: usize,
    },
    /// A route's probability is not in [0, 1].
    BadProbability {
        /// The station the route leaves.
        station: StationId,
        /// Index of the route.
        route: usize,
        /// The probability given.
        probability: f64,
    },
    /// The branches that apply to some vehicle kind do not sum to 1 (within
    /// [`PROBABILITY_SUM_TOLERANCE`]).
    ProbabilitiesDoNotSumToOne {
        /// The station.
        station: StationId,
        /// The vehicle kind.
        key: VehicleKey,
        /// The sum found.
        sum: f64,
    },
    /// A route joins stations of different directions.
    RouteCrossesDirection {
        /// The station the route leaves.
        station: StationId,
        /// Index of the route.
        route: usize,
    },
    /// Vehicles of a class can reach a station that has no service time for them.
    NoServiceTimeForClass {
        /// The station.
        station: StationId,
        /// The class.
        class: ClassId,
    },
    /// A class's service-time distribution is invalid.
    BadServiceTime {
        /// The station.
        station: StationId,
        /// The class.
        class: ClassId,
        /// Why.
        reason: String,
    },
    /// A programme's service-time distribution or factor is invalid.
    BadProgrammeServiceTime {
        /// The station.
        station: StationId,
        /// The programme.
        programme: ProgrammeId,
        /// Why.
        reason: String,
    },
    /// No lane group serves (or shares with) these vehicles.
    NoLaneForVehicle {
        /// The station.
        station: StationId,
        /// The vehicle kind (channel green: lanes ignore the channel).
        key: VehicleKey,
    },
    /// A queue storage that cannot hold a vehicle.
    BadStorage {
        /// The station.
        station: StationId,
        /// Why.
        reason: String,
    },
    /// A lane group's own queue storage that cannot hold a vehicle (or a group that does not
    /// exist).
    BadGroupStorage {
        /// The station.
        station: StationId,
        /// Index of the lane group.
        group: usize,
        /// Why.
        reason: String,
    },
    /// Two lane groups with their own storage both serve a vehicle kind as their own: it
    /// would have two approaches.
    TwoApproaches {
        /// The station.
        station: StationId,
        /// Indices of the two lane groups.
        groups: (usize, usize),
        /// The vehicle kind (channel green: lanes ignore the channel).
        key: VehicleKey,
    },
    /// A route cycle on which every station's storage blocks when full: the vehicles could
    /// all hold their lanes waiting for each other for ever (a deadlock).
    BlockingCycle {
        /// The first station of the cycle, whose storage blocks.
        station: StationId,
        /// The stations on the cycle, in route order from `station`.
        cycle: Vec<StationId>,
    },
    /// A lane rule that cannot work.
    BadLaneRule {
        /// The station.
        station: StationId,
        /// Index of the lane group.
        group: usize,
        /// Why.
        reason: String,
    },
    /// An invalid treatment of pre-lodged vehicles.
    BadPreLodged {
        /// The station.
        station: StationId,
        /// Why.
        reason: String,
    },
    /// A merged control (`merged_into`) or a joint service factor that cannot work.
    BadMerge {
        /// The station.
        station: StationId,
        /// Why.
        reason: String,
    },
    /// A source's arrival process is invalid.
    BadArrivalRate {
        /// Index of the source.
        source: usize,
        /// Why.
        reason: String,
    },
    /// A source enters at a station that does not exist.
    SourceEntryOutOfRange {
        /// Index of the source.
        source: usize,
    },
    /// A source names a class that does not exist.
    SourceClassOutOfRange {
        /// Index of the source.
        source: usize,
    },
    /// A trace names a programme that does not exist.
    SourceProgrammeOutOfRange {
        /// Index of the source.
        source: usize,
    },
    /// A trace's arrivals are not sorted by time.
    UnsortedTrace {
        /// Index of the source.
        source: usize,
        /// Index of the first arrival earlier than the one before it.
        row: usize,
    },
    /// A class's programme shares do not sum to 1.
    ProgrammeSharesDoNotSumToOne {
        /// The class.
        class: ClassId,
        /// The sum found.
        sum: f64,
    },
    /// A class's channel probabilities for a programme do not sum to 1.
    ChannelProbabilitiesDoNotSumToOne {
        /// The class.
        class: ClassId,
        /// The programme.
        programme: ProgrammeId,
        /// The sum found.
        sum: f64,
    },
    /// A class parameter out of its range.
    BadClassParameter {
        /// The class.
        class: ClassId,
        /// Why.
        reason: String,
    },
    /// Vehicles of this kind that reach `station` can never reach an exit.
    NoExit {
        /// The station.
        station: StationId,
        /// The vehicle kind.
        key: VehicleKey,
    },
    /// Vehicles of `class` can go round a loop of routes through `station` taking no time
    /// (the clock would never advance).
    ZeroTimeCycle {
        /// The first station of the loop.
        station: StationId,
        /// The class.
        class: ClassId,
        /// The loop, by station names, and what to do.
        reason: String,
    },
    /// Vehicles of `class` would visit `station` more than a million times each on average:
    /// a loop they almost never leave.
    EndlessLoop {
        /// The station visited most.
        station: StationId,
        /// The class.
        class: ClassId,
        /// The mean visits and what to do.
        reason: String,
    },
}

fn key_text(key: &VehicleKey) -> String {
    format!(
        "class #{} programme #{} channel {}",
        key.class.0,
        key.programme.0,
        key.channel.name()
    )
}

impl ModelError {
    /// Where the problem lies and what it is: one arm per variant, so each variant's place
    /// and message are written together.
    pub fn describe(&self) -> (Place, String) {
        use ModelError as E;
        let station_field = |station: &StationId, field| Place::Station {
            station: *station,
            field,
        };
        let source_field = |source: &usize, field| Place::Source {
            source: *source,
            field,
        };
        match self {
            E::NoStations => (Place::Stations, "the crossing has no station".into()),
            E::NoSources => (
                Place::Sources,
                "the crossing has no source of vehicles".into(),
            ),
            E::NoClasses => (Place::Population, "no vehicle class is defined".into()),
            E::NoDirections => (Place::Population, "no direction is defined".into()),
            E::NoProgrammes => (Place::Population, "no programme is defined".into()),
            E::TooMany { what, count, limit } => (
                Place::Model,
                format!("{count} {what}; at most {limit} are supported"),
            ),
            E::TooManyServers {
                station,
                count,
                limit,
            } => (
                station_field(station, Some("lanes")),
                format!(
                    "{count} servers open at once (summed over its lane groups); at most \
                     {limit} are supported"
                ),
            ),
            E::NoLanes { station } => (
                station_field(station, Some("lanes")),
                format!("station #{} has no lane group", station.0),
            ),
            E::NeverOpen { station } => (
                station_field(station, Some("lanes")),
                format!(
                    "station #{} never has an open server; give it at least one",
                    station.0
                ),
            ),
            E::RouteTargetOutOfRange { station, route } => (
                Place::Route {
                    station: *station,
                    route: *route,
                },
                format!(
                    "route {route} of station #{} leads to no station",
                    station.0
                ),
            ),
            E::BadProbability {
                station,
                route,
                probability,
            } => (
                Place::Route {
                    station: *station,
                    route: *route,
                },
                format!(
                    "route {route} of station #{} has probability {probability}; use a value in \
                     [0, 1]",
                    station.0
                ),
            ),
            E::ProbabilitiesDoNotSumToOne { station, key, sum } => (
                station_field(station, Some("routes")),
                format!(
                    "routes of station #{} for {} sum to {sum}, not 1",
                    station.0,
                    key_text(key)
                ),
            ),
            E::RouteCrossesDirection { station, route } => (
                Place::Route {
                    station: *station,
                    route: *route,
                },
                format!(
                    "route {route} of station #{} leads to a station of another direction",
                    station.0
                ),
            ),
            E::NoServiceTimeForClass { station, class } => (
                station_field(station, Some("service")),
                format!(
                    "class #{} reaches station #{} but the station has no service time for it",
                    class.0, station.0
                ),
            ),
            E::BadServiceTime {
                station,
                class,
                reason,
            } => (
                station_field(station, Some("service")),
                format!(
                    "service time of station #{} for class #{}: {reason}",
                    station.0, class.0
                ),
            ),
            E::BadProgrammeServiceTime {
                station,
                programme,
                reason,
            } => (
                station_field(station, Some("service_by_programme")),
                format!(
                    "service time of station #{} for programme #{}: {reason}",
                    station.0, programme.0
                ),
            ),
            E::NoLaneForVehicle { station, key } => (
                station_field(station, Some("lanes")),
                format!("no lane of station #{} serves {}", station.0, key_text(key)),
            ),
            E::BadStorage { station, reason } => (
                station_field(station, Some("storage")),
                format!("storage of station #{}: {reason}", station.0),
            ),
            E::BadGroupStorage {
                station,
                group,
                reason,
            } => (
                Place::LaneGroup {
                    station: *station,
                    group: *group,
                },
                format!(
                    "storage of lane group {group} of station #{}: {reason}",
                    station.0
                ),
            ),
            E::TwoApproaches {
                station,
                groups,
                key,
            } => (
                Place::LaneGroup {
                    station: *station,
                    group: groups.1,
                },
                format!(
                    "lane groups {} and {} of station #{} both have their own storage and both \
                     serve {}: a vehicle queues in one storage",
                    groups.0,
                    groups.1,
                    station.0,
                    key_text(key)
                ),
            ),
            E::BlockingCycle { station, cycle } => (
                station_field(station, Some("when_full")),
                format!(
                    "station #{} blocks when full and lies on a route cycle on which every \
                     station blocks ({}): vehicles could hold every lane waiting for each \
                     other for ever",
                    station.0,
                    cycle
                        .iter()
                        .map(|s| format!("#{}", s.0))
                        .collect::<Vec<_>>()
                        .join(" -> ")
                ),
            ),
            E::BadLaneRule {
                station,
                group,
                reason,
            } => (
                Place::LaneGroup {
                    station: *station,
                    group: *group,
                },
                format!(
                    "lane rule of lane group {group} of station #{}: {reason}",
                    station.0
                ),
            ),
            E::BadMerge { station, reason } => (
                // `merged_into` or `joint_service_factor`: the reason says which.
                station_field(station, None),
                format!("merged control at station #{}: {reason}", station.0),
            ),
            E::BadPreLodged { station, reason } => (
                station_field(station, Some("pre_lodged")),
                format!("pre-lodged treatment at station #{}: {reason}", station.0),
            ),
            E::BadArrivalRate { source, reason } => (
                source_field(source, Some("arrivals")),
                format!("source #{source}: {reason}"),
            ),
            E::SourceEntryOutOfRange { source } => (
                source_field(source, Some("entry")),
                format!("source #{source} enters at no station"),
            ),
            E::SourceClassOutOfRange { source } => (
                source_field(source, Some("arrivals")),
                format!("source #{source} names no class"),
            ),
            E::SourceProgrammeOutOfRange { source } => (
                source_field(source, Some("arrivals")),
                format!("source #{source} names a programme that does not exist"),
            ),
            E::UnsortedTrace { source, row } => (
                source_field(source, Some("arrivals")),
                format!("source #{source}: trace arrival {row} is earlier than the one before it"),
            ),
            E::ProgrammeSharesDoNotSumToOne { class, sum } => (
                Place::Class {
                    class: *class,
                    field: Some("programme_shares"),
                },
                format!("programme shares of class #{} sum to {sum}, not 1", class.0),
            ),
            E::ChannelProbabilitiesDoNotSumToOne {
                class,
                programme,
                sum,
            } => (
                Place::Class {
                    class: *class,
                    field: Some("channel_probabilities"),
                },
                format!(
                    "channel probabilities of class #{} programme #{} sum to {sum}, not 1",
                    class.0, programme.0
                ),
            ),
            E::BadClassParameter { class, reason } => (
                Place::Class {
                    class: *class,
                    field: None,
                },
                format!("class #{}: {reason}", class.0),
            ),
            E::NoExit { station, key } => (
                station_field(station, Some("routes")),
                format!(
                    "vehicles ({}) at station #{} can never reach an exit",
                    key_text(key),
                    station.0
                ),
            ),
            E::ZeroTimeCycle {
                station, reason, ..
            }
            | E::EndlessLoop {
                station, reason, ..
            } => (station_field(station, Some("routes")), reason.clone()),
        }
    }

    /// Where the problem lies (see [`ModelError::describe`]).
    pub fn place(&self) -> Place {
        self.describe().0
    }
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe().1)
    }
}
