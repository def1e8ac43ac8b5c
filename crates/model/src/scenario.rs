//! The validated description of what to simulate: stations, lanes, routes and sources of one
//! crossing, and the run's timing.
//!
//! These types are built by `bordersim-config` from a file, or directly by code (tests,
//! benches). [`Crossing::new`] checks the structural rules (routing probabilities, exits
//! reachable, a lane for every vehicle), so an engine handed a `Scenario` never meets an
//! impossible model.

use bordersim_des::SimTime;
use petgraph::Direction as Dir;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::dist::ServiceDist;
use crate::population::{Channel, Population, VehicleFilter, VehicleKey};
use crate::schedule::{HOURS_PER_WEEK, LaneSchedule, RateProfile};

/// Index of a vehicle class in [`Population::classes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(pub u16);

/// Index of a programme in [`Population::programmes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProgrammeId(pub u8);

/// Index of a direction in [`Population::directions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DirectionId(pub u8);

/// Index of a station in its crossing (also its node index in the station graph).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StationId(pub u32);

impl StationId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ClassId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl ProgrammeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl DirectionId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a vehicle goes after a station.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Station(StationId),
    /// Leaves the crossing.
    Exit,
}

/// One branch out of a station: the vehicles matching `when` go to `to` with `probability`.
///
/// For a vehicle, the branches whose filter matches it and that are the most specific among
/// those (constrain the most of class, programme, channel) apply; their probabilities must sum
/// to 1. A station without any applicable branch sends the vehicle to the exit.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub when: VehicleFilter,
    pub to: Target,
    pub probability: f64,
}

/// Servers of a station that share a schedule and serve the same vehicles: e.g. 8 general
/// booths and 2 FAST booths.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneGroup {
    pub id: String,
    /// The vehicles these lanes serve (the channel dimension is not used for lanes).
    pub serves: VehicleFilter,
    /// Whether an idle lane of this group takes other traffic when none of its own waits
    /// (the "open the FAST lane to everyone" question).
    pub share_when_idle: bool,
    pub schedule: LaneSchedule,
    /// Opens and closes lanes by the wait instead of by the clock; the schedule (then a
    /// constant) gives the lanes open at the start.
    pub rule: Option<LaneRule>,
}

/// Automatic lane opening and closing, as in the SANDAG Otay Mesa East model: at every
/// review, one more lane opens if the median wait of the vehicles this group served since
/// the last review exceeds `max_wait` (and fewer than `max_lanes` are open), one closes if it
/// is below `min_wait` (and more than `min_lanes` are open). With no vehicle served since the
/// last review, the wait of the longest-waiting vehicle the group serves stands in (zero if
/// none waits).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaneRule {
    pub min_wait: SimTime,
    pub max_wait: SimTime,
    pub min_lanes: u32,
    pub max_lanes: u32,
    pub review: SimTime,
}

impl LaneRule {
    /// Why the rule cannot work, if it cannot.
    pub fn problem(&self, starting_lanes: u32) -> Option<String> {
        if self.min_wait > self.max_wait {
            return Some(format!(
                "min_wait ({} s) must not exceed max_wait ({} s)",
                self.min_wait.as_secs_f64(),
                self.max_wait.as_secs_f64()
            ));
        }
        if self.max_lanes == 0 || self.min_lanes > self.max_lanes {
            return Some(format!(
                "need 0 <= min_lanes <= max_lanes and max_lanes >= 1, got {} and {}",
                self.min_lanes, self.max_lanes
            ));
        }
        if self.review == SimTime::ZERO {
            return Some("the review interval must be longer than 0".into());
        }
        if !(self.min_lanes..=self.max_lanes).contains(&starting_lanes) {
            return Some(format!(
                "the lanes open at the start ({starting_lanes}) must be within min_lanes ({}) \
                 and max_lanes ({})",
                self.min_lanes, self.max_lanes
            ));
        }
        None
    }
}

/// What a vehicle whose declaration was lodged before arrival does at a station.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum PreLodged {
    /// The same as any other vehicle.
    #[default]
    Same,
    /// Passes without stopping: its documents were processed before it arrived.
    Skip,
    /// Its service time here is multiplied by this factor (in (0, 1] to shorten it).
    Scale(f64),
}

impl LaneGroup {
    /// `servers` lanes serving everyone, always open.
    pub fn general(servers: u32) -> Self {
        LaneGroup {
            id: "lanes".into(),
            serves: VehicleFilter::any(),
            share_when_idle: false,
            schedule: LaneSchedule::Constant(servers),
            rule: None,
        }
    }
}

/// How much queue a station can hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StorageLimit {
    Unlimited,
    Vehicles(u32),
    /// Road length; each vehicle takes its class's `length_m`.
    Metres(f64),
}

/// What happens to a vehicle that finds the queue full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenFull {
    /// It waits upstream, outside the facility, and enters when there is room (FIFO).
    Spillback,
    /// It leaves without being served (lost, counted).
    Balk,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Storage {
    pub limit: StorageLimit,
    pub when_full: WhenFull,
}

impl Storage {
    pub fn unlimited() -> Self {
        Storage {
            limit: StorageLimit::Unlimited,
            when_full: WhenFull::Spillback,
        }
    }
}

/// A queue plus servers (lanes, booths, scanners, officers, desks).
#[derive(Clone, Debug, PartialEq)]
pub struct Station {
    pub id: String,
    pub direction: DirectionId,
    /// At least one group.
    pub lanes: Vec<LaneGroup>,
    /// Service time for each class, indexed by [`ClassId`]; `None` for a class that never
    /// visits (a visit by such a class is a structural error caught by [`Crossing::new`]).
    pub service: Vec<Option<ServiceDist>>,
    /// Service time for the vehicles of a programme, whatever their class, indexed by
    /// [`ProgrammeId`]; overrides `service` (e.g. Ready lanes are faster because Ready
    /// travellers' documents are read remotely). Empty or `None`: no override.
    pub service_by_programme: Vec<Option<ServiceDist>>,
    pub routes: Vec<Route>,
    pub storage: Storage,
    /// The end of service here releases the goods (TRS "release"); a vehicle's release is
    /// its exit if it passes no releasing station.
    pub releases: bool,
    /// What vehicles whose declaration was lodged before arrival do here.
    pub pre_lodged: PreLodged,
    /// This control's work is done at another station (a single window, a one-stop border
    /// post's joint control): vehicles pass here without stopping, on the same routes.
    pub merged_into: Option<StationId>,
    /// At a station other controls are merged into: the combined service time (its own plus
    /// theirs) is multiplied by this factor, for the duplication the merger removes.
    pub joint_service_factor: f64,
    /// Service time factor per programme, indexed by [`ProgrammeId`] (e.g. authorised
    /// operators' faster primary); empty or missing entries mean 1.
    pub service_factor_by_programme: Vec<f64>,
}

impl Station {
    /// A plain FIFO multi-server station: `servers` lanes for everyone, unlimited queue.
    pub fn simple(
        id: impl Into<String>,
        servers: u32,
        service: Vec<Option<ServiceDist>>,
        routes: Vec<Route>,
    ) -> Self {
        Station {
            id: id.into(),
            direction: DirectionId(0),
            lanes: vec![LaneGroup::general(servers)],
            service,
            service_by_programme: Vec::new(),
            routes,
            storage: Storage::unlimited(),
            releases: false,
            pre_lodged: PreLodged::Same,
            merged_into: None,
            joint_service_factor: 1.0,
            service_factor_by_programme: Vec::new(),
        }
    }

    /// The service time of vehicles of `class` in `programme`: the programme's override,
    /// else the class's.
    pub fn service_for(&self, class: ClassId, programme: ProgrammeId) -> Option<&ServiceDist> {
        self.service_by_programme
            .get(programme.index())
            .and_then(Option::as_ref)
            .or_else(|| self.service.get(class.index()).and_then(Option::as_ref))
    }

    /// The service-time factor of vehicles of `programme`.
    pub fn programme_service_factor(&self, programme: ProgrammeId) -> f64 {
        self.service_factor_by_programme
            .get(programme.index())
            .copied()
            .unwrap_or(1.0)
    }

    /// The most servers ever open at once (for a group under a lane rule, its `max_lanes`).
    pub fn max_servers(&self) -> u32 {
        let at = |g: &LaneGroup, hour: u64| match &g.rule {
            Some(rule) => rule.max_lanes,
            None => g.schedule.servers_at(SimTime::from_hours(hour), 0),
        };
        if self
            .lanes
            .iter()
            .all(|g| g.rule.is_some() || matches!(g.schedule, LaneSchedule::Constant(_)))
        {
            return self.lanes.iter().map(|g| at(g, 0)).sum();
        }
        (0..HOURS_PER_WEEK as u64)
            .map(|h| self.lanes.iter().map(|g| at(g, h)).sum::<u32>())
            .max()
            .unwrap_or(0)
    }

    /// Mean open servers over a week (for a group under a lane rule, its `max_lanes`: the
    /// capacity it can reach, as the load check needs).
    pub fn mean_servers(&self) -> f64 {
        self.lanes
            .iter()
            .map(|g| match &g.rule {
                Some(rule) => f64::from(rule.max_lanes),
                None => g.schedule.mean(),
            })
            .sum()
    }
}

/// One recorded arrival to replay.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceArrival {
    pub time: SimTime,
    pub class: ClassId,
    /// `None`: drawn from the class's programme shares.
    pub programme: Option<ProgrammeId>,
}

/// How a source generates vehicles.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "a scenario has a handful of sources; boxing would only add an indirection"
)]
pub enum Arrivals {
    /// A homogeneous Poisson process of one class.
    Poisson { class: ClassId, rate_per_hour: f64 },
    /// A non-homogeneous Poisson process of one class, rate by hour of day and day of week
    /// (simulated exactly, by thinning).
    Profile {
        class: ClassId,
        profile: RateProfile,
    },
    /// Recorded arrivals, sorted by time, replayed as they are.
    Trace { arrivals: Vec<TraceArrival> },
    /// A non-homogeneous Poisson process of one class, by thinning candidates drawn at a
    /// fixed `peak_per_hour` (at least the profile's highest rate). Unlike `Profile`, every
    /// candidate draws its acceptance uniform and its vehicle seed whether it is kept or not,
    /// so two processes with the same peak and the same source id differ only in which
    /// candidates they keep: raising a rate adds vehicles, lowering it removes some, and every
    /// other vehicle keeps its arrival time and everything drawn from its seed. Demand that
    /// changes between runs (a region's equilibrium iterations) is thereby compared on common
    /// random numbers. The profile may be zero everywhere (no vehicles).
    Thinned {
        class: ClassId,
        peak_per_hour: f64,
        profile: RateProfile,
    },
}

impl Arrivals {
    /// The long-run mean rate of a generated process; `None` for a recorded trace (whose
    /// rate depends on the horizon it is spread over).
    pub fn mean_rate_per_hour(&self) -> Option<f64> {
        match self {
            Arrivals::Poisson { rate_per_hour, .. } => Some(*rate_per_hour),
            Arrivals::Profile { profile, .. } => Some(profile.mean_rate_per_hour()),
            Arrivals::Trace { .. } => None,
            Arrivals::Thinned { profile, .. } => Some(profile.mean_rate_per_hour()),
        }
    }
}

/// Vehicles entering the crossing at one station. Each source owns a named random stream, so
/// adding a source never changes the vehicles of another.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub id: String,
    pub entry: StationId,
    pub arrivals: Arrivals,
}

impl Source {
    /// A Poisson source of one class.
    pub fn poisson(
        id: impl Into<String>,
        class: ClassId,
        rate_per_hour: f64,
        entry: StationId,
    ) -> Self {
        Source {
            id: id.into(),
            entry,
            arrivals: Arrivals::Poisson {
                class,
                rate_per_hour,
            },
        }
    }

    /// Long-run mean arrivals per hour of each class (indexed by class).
    pub fn mean_rates_per_hour(&self, classes: usize, horizon: SimTime) -> Vec<f64> {
        let mut rates = vec![0.0; classes];
        match &self.arrivals {
            Arrivals::Poisson {
                class,
                rate_per_hour,
            } => rates[class.index()] += rate_per_hour,
            Arrivals::Profile { class, profile } => {
                rates[class.index()] += profile.mean_rate_per_hour()
            }
            Arrivals::Thinned { class, profile, .. } => {
                rates[class.index()] += profile.mean_rate_per_hour()
            }
            Arrivals::Trace { arrivals } => {
                let hours = horizon.as_hours_f64().max(1e-9);
                for a in arrivals {
                    if a.class.index() < classes {
                        rates[a.class.index()] += 1.0 / hours;
                    }
                }
            }
        }
        rates
    }
}

/// An edge of the station graph: some vehicle can go from one station to the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Largest probability of this move over all vehicle kinds.
    pub max_probability: f64,
}

/// A node of the station graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Station(StationId),
    Exit,
}

/// A structural problem, naming the station, class, programme or source concerned by index
/// (so that a config loader can point at the place in its file).
#[derive(Clone, Debug, PartialEq)]
pub enum ModelError {
    NoStations,
    NoSources,
    NoClasses,
    NoDirections,
    NoProgrammes,
    /// More of something than the engine's compact vehicle records can index.
    TooMany {
        what: &'static str,
        count: usize,
        limit: usize,
    },
    NoLanes {
        station: StationId,
    },
    /// Every lane group of the station has zero servers at every hour.
    NeverOpen {
        station: StationId,
    },
    RouteTargetOutOfRange {
        station: StationId,
        route: usize,
    },
    BadProbability {
        station: StationId,
        route: usize,
        probability: f64,
    },
    ProbabilitiesDoNotSumToOne {
        station: StationId,
        key: VehicleKey,
        sum: f64,
    },
    /// A route joins stations of different directions.
    RouteCrossesDirection {
        station: StationId,
        route: usize,
    },
    NoServiceTimeForClass {
        station: StationId,
        class: ClassId,
    },
    BadServiceTime {
        station: StationId,
        class: ClassId,
        reason: String,
    },
    BadProgrammeServiceTime {
        station: StationId,
        programme: ProgrammeId,
        reason: String,
    },
    /// No lane group serves (or shares with) these vehicles.
    NoLaneForVehicle {
        station: StationId,
        key: VehicleKey,
    },
    BadStorage {
        station: StationId,
        reason: String,
    },
    BadLaneRule {
        station: StationId,
        group: usize,
        reason: String,
    },
    BadPreLodged {
        station: StationId,
        reason: String,
    },
    /// A merged control (`merged_into`) or a joint service factor that cannot work.
    BadMerge {
        station: StationId,
        reason: String,
    },
    BadArrivalRate {
        source: usize,
        reason: String,
    },
    SourceEntryOutOfRange {
        source: usize,
    },
    SourceClassOutOfRange {
        source: usize,
    },
    SourceProgrammeOutOfRange {
        source: usize,
    },
    UnsortedTrace {
        source: usize,
        row: usize,
    },
    ProgrammeSharesDoNotSumToOne {
        class: ClassId,
        sum: f64,
    },
    ChannelProbabilitiesDoNotSumToOne {
        class: ClassId,
        programme: ProgrammeId,
        sum: f64,
    },
    BadClassParameter {
        class: ClassId,
        reason: String,
    },
    /// Vehicles of this kind that reach `station` can never reach an exit.
    NoExit {
        station: StationId,
        key: VehicleKey,
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

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use ModelError as E;
        match self {
            E::NoStations => write!(f, "the crossing has no station"),
            E::NoSources => write!(f, "the crossing has no source of vehicles"),
            E::NoClasses => write!(f, "no vehicle class is defined"),
            E::NoDirections => write!(f, "no direction is defined"),
            E::NoProgrammes => write!(f, "no programme is defined"),
            E::TooMany { what, count, limit } => {
                write!(f, "{count} {what}; at most {limit} are supported")
            }
            E::NoLanes { station } => write!(f, "station #{} has no lane group", station.0),
            E::NeverOpen { station } => {
                write!(
                    f,
                    "station #{} never has an open server; give it at least one",
                    station.0
                )
            }
            E::RouteTargetOutOfRange { station, route } => {
                write!(
                    f,
                    "route {route} of station #{} leads to no station",
                    station.0
                )
            }
            E::BadProbability {
                station,
                route,
                probability,
            } => write!(
                f,
                "route {route} of station #{} has probability {probability}; use a value in [0, 1]",
                station.0
            ),
            E::ProbabilitiesDoNotSumToOne { station, key, sum } => write!(
                f,
                "routes of station #{} for {} sum to {sum}, not 1",
                station.0,
                key_text(key)
            ),
            E::RouteCrossesDirection { station, route } => write!(
                f,
                "route {route} of station #{} leads to a station of another direction",
                station.0
            ),
            E::NoServiceTimeForClass { station, class } => write!(
                f,
                "class #{} reaches station #{} but the station has no service time for it",
                class.0, station.0
            ),
            E::BadServiceTime {
                station,
                class,
                reason,
            } => write!(
                f,
                "service time of station #{} for class #{}: {reason}",
                station.0, class.0
            ),
            E::BadProgrammeServiceTime {
                station,
                programme,
                reason,
            } => write!(
                f,
                "service time of station #{} for programme #{}: {reason}",
                station.0, programme.0
            ),
            E::NoLaneForVehicle { station, key } => write!(
                f,
                "no lane of station #{} serves {}",
                station.0,
                key_text(key)
            ),
            E::BadStorage { station, reason } => {
                write!(f, "storage of station #{}: {reason}", station.0)
            }
            E::BadLaneRule {
                station,
                group,
                reason,
            } => write!(
                f,
                "lane rule of lane group {group} of station #{}: {reason}",
                station.0
            ),
            E::BadMerge { station, reason } => {
                write!(f, "merged control at station #{}: {reason}", station.0)
            }
            E::BadPreLodged { station, reason } => {
                write!(
                    f,
                    "pre-lodged treatment at station #{}: {reason}",
                    station.0
                )
            }
            E::BadArrivalRate { source, reason } => write!(f, "source #{source}: {reason}"),
            E::SourceEntryOutOfRange { source } => {
                write!(f, "source #{source} enters at no station")
            }
            E::SourceClassOutOfRange { source } => write!(f, "source #{source} names no class"),
            E::SourceProgrammeOutOfRange { source } => {
                write!(f, "source #{source} names a programme that does not exist")
            }
            E::UnsortedTrace { source, row } => write!(
                f,
                "source #{source}: trace arrival {row} is earlier than the one before it"
            ),
            E::ProgrammeSharesDoNotSumToOne { class, sum } => {
                write!(
                    f,
                    "programme shares of class #{} sum to {sum}, not 1",
                    class.0
                )
            }
            E::ChannelProbabilitiesDoNotSumToOne {
                class,
                programme,
                sum,
            } => write!(
                f,
                "channel probabilities of class #{} programme #{} sum to {sum}, not 1",
                class.0, programme.0
            ),
            E::BadClassParameter { class, reason } => write!(f, "class #{}: {reason}", class.0),
            E::NoExit { station, key } => write!(
                f,
                "vehicles ({}) at station #{} can never reach an exit",
                key_text(key),
                station.0
            ),
        }
    }
}

/// Tolerance on sums of probabilities and shares (they are typed by people, in decimals).
pub const PROBABILITY_SUM_TOLERANCE: f64 = 1e-6;

fn is_probability(p: f64) -> bool {
    p.is_finite() && (0.0..=1.0).contains(&p)
}

/// One border crossing: its stations as a directed graph, and its sources of vehicles.
#[derive(Clone, Debug)]
pub struct Crossing {
    pub name: String,
    stations: Vec<Station>,
    sources: Vec<Source>,
    population: Population,
    graph: DiGraph<Node, Link>,
}

impl Crossing {
    /// Builds and checks a crossing. Every problem found is returned, not just the first.
    pub fn new(
        name: impl Into<String>,
        population: &Population,
        stations: Vec<Station>,
        sources: Vec<Source>,
    ) -> Result<Crossing, Vec<ModelError>> {
        let mut errors = check_population(population);
        errors.extend(check_parts(population, &stations, &sources));
        if !errors.is_empty() {
            return Err(errors);
        }
        let graph = build_graph(population, &stations);
        let crossing = Crossing {
            name: name.into(),
            stations,
            sources,
            population: population.clone(),
            graph,
        };
        let errors = crossing.check_reachability();
        if errors.is_empty() {
            Ok(crossing)
        } else {
            Err(errors)
        }
    }

    /// Every vehicle kind that can arrive, from every source, with where it enters (sorted,
    /// without repeats).
    pub fn entering_keys(&self) -> Vec<(StationId, VehicleKey)> {
        let mut out = Vec::new();
        for src in &self.sources {
            // (class, programme named explicitly by a trace row, if any)
            let mut kinds: Vec<(ClassId, Option<ProgrammeId>)> = match &src.arrivals {
                Arrivals::Poisson { class, .. } | Arrivals::Profile { class, .. } => {
                    vec![(*class, None)]
                }
                Arrivals::Trace { arrivals } => {
                    arrivals.iter().map(|a| (a.class, a.programme)).collect()
                }
                Arrivals::Thinned { class, .. } => vec![(*class, None)],
            };
            kinds.sort();
            kinds.dedup();
            for (class, programme) in kinds {
                for key in self.possible_keys(class, programme) {
                    out.push((src.entry, key));
                }
            }
        }
        out.sort_by_key(|(s, k)| (*s, *k));
        out.dedup();
        out
    }

    /// The (programme, channel) combinations a vehicle of `class` can have: the programme
    /// given, or any programme with a positive share.
    pub fn possible_keys(&self, class: ClassId, programme: Option<ProgrammeId>) -> Vec<VehicleKey> {
        let c = &self.population.classes[class.index()];
        let programmes: Vec<usize> = match programme {
            Some(p) => vec![p.index()],
            None => (0..c.programme_shares.len())
                .filter(|&p| c.programme_shares[p] > 0.0)
                .collect(),
        };
        let mut keys = Vec::new();
        for p in programmes {
            for ch in Channel::ALL {
                let possible = c.channel_probabilities[p][ch.index()] > 0.0
                    || (ch == Channel::Red && c.random_inspection > 0.0);
                if possible {
                    keys.push(VehicleKey {
                        class,
                        programme: ProgrammeId(p as u8),
                        channel: ch,
                    });
                }
            }
        }
        keys
    }

    /// For every vehicle kind, walk from where it enters: every station it can reach must
    /// have a service time and a lane for it and must lead it to an exit.
    fn check_reachability(&self) -> Vec<ModelError> {
        let mut errors = Vec::new();
        let mut starts: Vec<(VehicleKey, Vec<StationId>)> = Vec::new();
        for (station, key) in self.entering_keys() {
            match starts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(station),
                None => starts.push((key, vec![station])),
            }
        }
        for (key, entries) in starts {
            let reached = self.stations_reached(key, &entries);
            let can_exit = self.stations_leading_to_exit(key);
            for (i, &r) in reached.iter().enumerate() {
                if !r {
                    continue;
                }
                let station = StationId(i as u32);
                let st = &self.stations[i];
                if st.service_for(key.class, key.programme).is_none() {
                    let e = ModelError::NoServiceTimeForClass {
                        station,
                        class: key.class,
                    };
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
                let lane_key = VehicleKey {
                    channel: Channel::Green,
                    ..key
                };
                let served = st
                    .lanes
                    .iter()
                    .any(|g| g.share_when_idle || lane_filter_matches(&g.serves, key));
                if !served {
                    let e = ModelError::NoLaneForVehicle {
                        station,
                        key: lane_key,
                    };
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
                if !can_exit[i] {
                    errors.push(ModelError::NoExit { station, key });
                }
            }
        }
        errors
    }

    fn stations_leading_to_exit(&self, key: VehicleKey) -> Vec<bool> {
        let mut can_exit = vec![false; self.stations.len()];
        let mut changed = true;
        while changed {
            changed = false;
            for (i, st) in self.stations.iter().enumerate() {
                if can_exit[i] {
                    continue;
                }
                let ok = moves(&st.routes, key).any(|t| match t {
                    Target::Exit => true,
                    Target::Station(s) => can_exit[s.index()],
                });
                if ok {
                    can_exit[i] = true;
                    changed = true;
                }
            }
        }
        can_exit
    }

    /// Which stations vehicles of kind `key` entering at `entries` can visit.
    pub fn stations_reached(&self, key: VehicleKey, entries: &[StationId]) -> Vec<bool> {
        let mut reached = vec![false; self.stations.len()];
        let mut stack = entries.to_vec();
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut reached[s.index()], true) {
                continue;
            }
            for t in moves(&self.stations[s.index()].routes, key) {
                if let Target::Station(next) = t
                    && !reached[next.index()]
                {
                    stack.push(next);
                }
            }
        }
        reached
    }

    /// Which stations vehicles of `class` (any programme, any channel) can visit.
    pub fn stations_reached_by(&self, class: ClassId) -> Vec<bool> {
        let mut all = vec![false; self.stations.len()];
        for (station, key) in self.entering_keys() {
            if key.class == class {
                for (a, r) in all.iter_mut().zip(self.stations_reached(key, &[station])) {
                    *a |= r;
                }
            }
        }
        all
    }

    /// The service time vehicles of (`class`, `programme`) get at `station`: its own, plus
    /// that of every control merged into it (times the joint factor), times the programme's
    /// factor. `None` where such vehicles have no service time at all.
    pub fn effective_service(
        &self,
        station: StationId,
        class: ClassId,
        programme: ProgrammeId,
    ) -> Option<ServiceDist> {
        let st = &self.stations[station.index()];
        let merged: Vec<ServiceDist> = self
            .stations
            .iter()
            .filter(|other| other.merged_into == Some(station))
            .filter_map(|other| other.service_for(class, programme).cloned())
            .collect();
        let mut scale = st.programme_service_factor(programme);
        if !merged.is_empty() {
            scale *= st.joint_service_factor;
        }
        let mut parts: Vec<ServiceDist> = st
            .service_for(class, programme)
            .cloned()
            .into_iter()
            .chain(merged)
            .collect();
        match parts.len() {
            0 => None,
            1 if scale == 1.0 => parts.pop(),
            _ => Some(ServiceDist::Sum { parts, scale }),
        }
    }

    pub fn stations(&self) -> &[Station] {
        &self.stations
    }

    pub fn station(&self, id: StationId) -> &Station {
        &self.stations[id.index()]
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn population(&self) -> &Population {
        &self.population
    }

    pub fn class_count(&self) -> usize {
        self.population.classes.len()
    }

    /// The direction a source's vehicles travel in.
    pub fn source_direction(&self, source: usize) -> DirectionId {
        self.stations[self.sources[source].entry.index()].direction
    }

    /// The station graph: one node per station plus one exit node; an edge wherever some
    /// vehicle can move.
    pub fn graph(&self) -> &DiGraph<Node, Link> {
        &self.graph
    }

    /// The nodes a station feeds (for reports and diagrams).
    pub fn successors(&self, id: StationId) -> Vec<Node> {
        self.graph
            .edges_directed(NodeIndex::new(id.index()), Dir::Outgoing)
            .map(|e| self.graph[e.target()])
            .collect()
    }

    /// Mean arrival rate at each station per class (vehicles per hour), from the traffic
    /// equations λ = λ₀ + λP over every vehicle kind, solved by fixed-point iteration
    /// (converges because every station leads to an exit). `horizon` spreads trace arrivals.
    pub fn arrival_rates_per_hour(&self, horizon: SimTime) -> Vec<Vec<f64>> {
        let programmes = self.population.programmes.len().max(1);
        self.arrival_rates_by_kind(horizon)
            .into_iter()
            .map(|per_kind| {
                per_kind
                    .chunks(programmes)
                    .map(|per_programme| per_programme.iter().sum())
                    .collect()
            })
            .collect()
    }

    /// Mean arrival rate at each station per (class, programme), indexed
    /// `class × programmes + programme`, vehicles per hour.
    pub fn arrival_rates_by_kind(&self, horizon: SimTime) -> Vec<Vec<f64>> {
        let n = self.stations.len();
        let classes = self.class_count();
        let programmes = self.population.programmes.len();
        let mut rates = vec![vec![0.0; classes * programmes]; n];
        for src in &self.sources {
            let per_class = src.mean_rates_per_hour(classes, horizon);
            for (c, rate) in per_class.into_iter().enumerate() {
                if rate <= 0.0 {
                    continue;
                }
                let class = &self.population.classes[c];
                for (p, share) in class.programme_shares.iter().enumerate() {
                    for ch in Channel::ALL {
                        let mut pc = class.channel_probabilities[p][ch.index()];
                        // Random selection turns a share of every channel into red.
                        pc = if ch == Channel::Red {
                            pc + (1.0 - pc) * class.random_inspection
                        } else {
                            pc * (1.0 - class.random_inspection)
                        };
                        let lam0 = rate * share * pc;
                        if lam0 <= 0.0 {
                            continue;
                        }
                        let key = VehicleKey {
                            class: ClassId(c as u16),
                            programme: ProgrammeId(p as u8),
                            channel: ch,
                        };
                        let flow = self.flow_of(key, src.entry, lam0);
                        for (s, f) in flow.into_iter().enumerate() {
                            rates[s][c * programmes + p] += f;
                        }
                    }
                }
            }
        }
        rates
    }

    fn flow_of(&self, key: VehicleKey, entry: StationId, lam0: f64) -> Vec<f64> {
        let n = self.stations.len();
        let mut lambda = vec![0.0; n];
        lambda[entry.index()] = lam0;
        for _ in 0..100_000 {
            let mut next = vec![0.0; n];
            next[entry.index()] = lam0;
            for (i, st) in self.stations.iter().enumerate() {
                for r in branches_for(&st.routes, key) {
                    if let Target::Station(t) = r.to {
                        next[t.index()] += lambda[i] * r.probability;
                    }
                }
            }
            let delta = next
                .iter()
                .zip(&lambda)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            lambda = next;
            if delta < 1e-12 * lam0.max(1.0) {
                break;
            }
        }
        lambda
    }

    /// Offered load per open server at each station, averaged over the week:
    /// Σ λ E[S] over (class, programme) / mean open servers. A value ≥ 1 means the queue
    /// grows without bound.
    pub fn offered_loads(&self, horizon: SimTime) -> Vec<f64> {
        let rates = self.arrival_rates_by_kind(horizon);
        let programmes = self.population.programmes.len().max(1);
        self.stations
            .iter()
            .zip(&rates)
            .enumerate()
            .map(|(i, (st, per_kind))| {
                if st.merged_into.is_some() {
                    return 0.0; // vehicles pass without stopping
                }
                let work_ms_per_hour: f64 = per_kind
                    .iter()
                    .enumerate()
                    .filter_map(|(k, &lam)| {
                        let class = ClassId((k / programmes) as u16);
                        let programme = ProgrammeId((k % programmes) as u8);
                        // Pre-lodged vehicles skip the station or are served faster.
                        let share = self.population.classes[class.index()].pre_lodged_share;
                        let work = match st.pre_lodged {
                            PreLodged::Same => 1.0,
                            PreLodged::Skip => 1.0 - share,
                            PreLodged::Scale(f) => 1.0 - share + share * f,
                        };
                        self.effective_service(StationId(i as u32), class, programme)
                            .map(|d| lam * work * d.mean_ms())
                    })
                    .sum();
                let servers = st.mean_servers();
                if servers <= 0.0 {
                    f64::INFINITY
                } else {
                    work_ms_per_hour / SimTime::MS_PER_HOUR as f64 / servers
                }
            })
            .collect()
    }
}

/// Lanes ignore the channel dimension.
pub fn lane_filter_matches(filter: &VehicleFilter, key: VehicleKey) -> bool {
    filter
        .classes
        .as_ref()
        .is_none_or(|c| c.contains(&key.class))
        && filter
            .programmes
            .as_ref()
            .is_none_or(|p| p.contains(&key.programme))
}

fn check_population(population: &Population) -> Vec<ModelError> {
    let mut errors = Vec::new();
    if population.classes.is_empty() {
        errors.push(ModelError::NoClasses);
    }
    if population.directions.is_empty() {
        errors.push(ModelError::NoDirections);
    }
    if population.programmes.is_empty() {
        errors.push(ModelError::NoProgrammes);
    }
    // Vehicle records keep programme and direction in a byte and the station cell
    // (class × programme × channel) in 16 bits.
    let limits = [
        (
            "programmes",
            population.programmes.len(),
            usize::from(u8::MAX),
        ),
        (
            "directions",
            population.directions.len(),
            usize::from(u8::MAX),
        ),
        (
            "class × programme × channel combinations",
            population.classes.len() * population.programmes.len() * 3,
            usize::from(u16::MAX),
        ),
    ];
    for (what, count, limit) in limits {
        if count > limit {
            errors.push(ModelError::TooMany { what, count, limit });
        }
    }
    let programmes = population.programmes.len();
    for (c, class) in population.classes.iter().enumerate() {
        let cid = ClassId(c as u16);
        if !(class.length_m.is_finite() && class.length_m > 0.0) {
            errors.push(ModelError::BadClassParameter {
                class: cid,
                reason: format!("length must be positive, got {} m", class.length_m),
            });
        }
        if !is_probability(class.pre_lodged_share) {
            errors.push(ModelError::BadClassParameter {
                class: cid,
                reason: format!(
                    "the pre-lodged share must be in [0, 1], got {}",
                    class.pre_lodged_share
                ),
            });
        }
        if !is_probability(class.random_inspection) {
            errors.push(ModelError::BadClassParameter {
                class: cid,
                reason: format!(
                    "random inspection rate must be in [0, 1], got {}",
                    class.random_inspection
                ),
            });
        }
        if class.programme_shares.len() != programmes
            || class.channel_probabilities.len() != programmes
        {
            errors.push(ModelError::BadClassParameter {
                class: cid,
                reason: format!(
                    "needs one share and one channel split for each of the {programmes} programmes"
                ),
            });
            continue;
        }
        if class.programme_shares.iter().any(|&s| !is_probability(s)) {
            errors.push(ModelError::BadClassParameter {
                class: cid,
                reason: "every programme share must be in [0, 1]".into(),
            });
        }
        let sum: f64 = class.programme_shares.iter().sum();
        if (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
            errors.push(ModelError::ProgrammeSharesDoNotSumToOne { class: cid, sum });
        }
        for (p, probs) in class.channel_probabilities.iter().enumerate() {
            if probs.iter().any(|&x| !is_probability(x)) {
                errors.push(ModelError::BadClassParameter {
                    class: cid,
                    reason: "every channel probability must be in [0, 1]".into(),
                });
            }
            let sum: f64 = probs.iter().sum();
            if (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
                errors.push(ModelError::ChannelProbabilitiesDoNotSumToOne {
                    class: cid,
                    programme: ProgrammeId(p as u8),
                    sum,
                });
            }
        }
    }
    errors
}

fn check_parts(
    population: &Population,
    stations: &[Station],
    sources: &[Source],
) -> Vec<ModelError> {
    let mut errors = Vec::new();
    if stations.is_empty() {
        errors.push(ModelError::NoStations);
    }
    if sources.is_empty() {
        errors.push(ModelError::NoSources);
    }
    let n = stations.len();
    let classes = population.classes.len();
    for (i, st) in stations.iter().enumerate() {
        let sid = StationId(i as u32);
        if st.lanes.len() > usize::from(u8::MAX) {
            errors.push(ModelError::TooMany {
                what: "lane groups at one station",
                count: st.lanes.len(),
                limit: usize::from(u8::MAX),
            });
        }
        if st.lanes.is_empty() {
            errors.push(ModelError::NoLanes { station: sid });
        } else if st.max_servers() == 0 {
            errors.push(ModelError::NeverOpen { station: sid });
        }
        for (g, group) in st.lanes.iter().enumerate() {
            let Some(rule) = &group.rule else { continue };
            let reason = match group.schedule {
                LaneSchedule::Constant(start) => rule.problem(start),
                _ => Some(
                    "a lane rule opens and closes lanes itself: give the lanes open at the \
                     start as a constant, not an hourly schedule"
                        .into(),
                ),
            };
            if let Some(reason) = reason {
                errors.push(ModelError::BadLaneRule {
                    station: sid,
                    group: g,
                    reason,
                });
            }
        }
        if let Some(target) = st.merged_into {
            let reason = if target.index() >= n {
                Some("it names no station".to_owned())
            } else if target.index() == i {
                Some("a station cannot be merged into itself".to_owned())
            } else if stations[target.index()].merged_into.is_some() {
                Some(format!(
                    "`{}` is itself merged into another station: merge into the joint stop",
                    stations[target.index()].id
                ))
            } else if stations[target.index()].direction != st.direction {
                Some(format!(
                    "`{}` serves another direction",
                    stations[target.index()].id
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                errors.push(ModelError::BadMerge {
                    station: sid,
                    reason,
                });
            }
        }
        if !(st.joint_service_factor.is_finite() && st.joint_service_factor > 0.0) {
            errors.push(ModelError::BadMerge {
                station: sid,
                reason: format!(
                    "the joint service factor must be positive, got {}",
                    st.joint_service_factor
                ),
            });
        }
        for (p, f) in st.service_factor_by_programme.iter().enumerate() {
            if !(f.is_finite() && *f > 0.0) {
                errors.push(ModelError::BadProgrammeServiceTime {
                    station: sid,
                    programme: ProgrammeId(p as u8),
                    reason: format!("the service-time factor must be positive, got {f}"),
                });
            }
        }
        if let PreLodged::Scale(f) = st.pre_lodged
            && !(f.is_finite() && f > 0.0)
        {
            errors.push(ModelError::BadPreLodged {
                station: sid,
                reason: format!(
                    "the service factor for pre-lodged vehicles must be positive (to pass \
                     without stopping, skip the station), got {f}"
                ),
            });
        }
        match st.storage.limit {
            StorageLimit::Unlimited => {}
            StorageLimit::Vehicles(0) => errors.push(ModelError::BadStorage {
                station: sid,
                reason: "a queue must hold at least one vehicle".into(),
            }),
            StorageLimit::Vehicles(_) => {}
            StorageLimit::Metres(m) => {
                let longest = population
                    .classes
                    .iter()
                    .map(|c| c.length_m)
                    .fold(0.0, f64::max);
                let mm = |metres: f64| (metres * 1000.0).round();
                if !(m.is_finite() && mm(m) >= mm(longest)) {
                    errors.push(ModelError::BadStorage {
                        station: sid,
                        reason: format!(
                            "{m} m cannot hold even one vehicle of the longest class ({longest} m)"
                        ),
                    });
                }
            }
        }
        for (r, route) in st.routes.iter().enumerate() {
            if let Target::Station(t) = route.to {
                if t.index() >= n {
                    errors.push(ModelError::RouteTargetOutOfRange {
                        station: sid,
                        route: r,
                    });
                } else if stations[t.index()].direction != st.direction {
                    errors.push(ModelError::RouteCrossesDirection {
                        station: sid,
                        route: r,
                    });
                }
            }
            if !is_probability(route.probability) {
                errors.push(ModelError::BadProbability {
                    station: sid,
                    route: r,
                    probability: route.probability,
                });
            }
        }
        for (p, d) in st.service_by_programme.iter().enumerate() {
            if let Some(Err(e)) = d.as_ref().map(ServiceDist::validate) {
                errors.push(ModelError::BadProgrammeServiceTime {
                    station: sid,
                    programme: ProgrammeId(p as u8),
                    reason: e.0,
                });
            }
        }
        if st.service_by_programme.len() > population.programmes.len() {
            errors.push(ModelError::TooMany {
                what: "programme service times at one station",
                count: st.service_by_programme.len(),
                limit: population.programmes.len(),
            });
        }
        for c in 0..classes {
            let class = ClassId(c as u16);
            if let Some(Some(d)) = st.service.get(c)
                && let Err(e) = d.validate()
            {
                errors.push(ModelError::BadServiceTime {
                    station: sid,
                    class,
                    reason: e.0,
                });
            }
            for p in 0..population.programmes.len() {
                for ch in Channel::ALL {
                    let key = VehicleKey {
                        class,
                        programme: ProgrammeId(p as u8),
                        channel: ch,
                    };
                    let branches = branches_for(&st.routes, key);
                    if !branches.is_empty() {
                        let sum: f64 = branches.iter().map(|r| r.probability).sum();
                        if (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
                            errors.push(ModelError::ProbabilitiesDoNotSumToOne {
                                station: sid,
                                key,
                                sum,
                            });
                        }
                    }
                }
            }
        }
    }
    for (i, src) in sources.iter().enumerate() {
        if src.entry.index() >= n {
            errors.push(ModelError::SourceEntryOutOfRange { source: i });
        }
        match &src.arrivals {
            Arrivals::Poisson {
                class,
                rate_per_hour,
            } => {
                if class.index() >= classes {
                    errors.push(ModelError::SourceClassOutOfRange { source: i });
                }
                if !(rate_per_hour.is_finite() && *rate_per_hour > 0.0) {
                    errors.push(ModelError::BadArrivalRate {
                        source: i,
                        reason: format!("arrival rate must be positive, got {rate_per_hour}/h"),
                    });
                }
            }
            Arrivals::Profile { class, profile } => {
                if class.index() >= classes {
                    errors.push(ModelError::SourceClassOutOfRange { source: i });
                }
                let bad = profile
                    .hourly_per_hour
                    .iter()
                    .chain(&profile.day_factors)
                    .any(|x| !(x.is_finite() && *x >= 0.0));
                if bad || profile.max_rate_per_hour() <= 0.0 {
                    errors.push(ModelError::BadArrivalRate {
                        source: i,
                        reason: "profile rates and day factors must be zero or positive, and not all zero".into(),
                    });
                }
            }
            Arrivals::Thinned {
                class,
                peak_per_hour,
                profile,
            } => {
                if class.index() >= classes {
                    errors.push(ModelError::SourceClassOutOfRange { source: i });
                }
                let bad = profile
                    .hourly_per_hour
                    .iter()
                    .chain(&profile.day_factors)
                    .any(|x| !(x.is_finite() && *x >= 0.0));
                if bad
                    || !(peak_per_hour.is_finite() && *peak_per_hour > 0.0)
                    || profile.max_rate_per_hour() > *peak_per_hour
                {
                    errors.push(ModelError::BadArrivalRate {
                        source: i,
                        reason: format!(
                            "thinned profile rates must be zero or positive and at most the \
                             peak rate, which must be positive (peak {peak_per_hour}/h, highest \
                             rate {}/h)",
                            profile.max_rate_per_hour()
                        ),
                    });
                }
            }
            Arrivals::Trace { arrivals } => {
                for (row, pair) in arrivals.windows(2).enumerate() {
                    if pair[1].time < pair[0].time {
                        errors.push(ModelError::UnsortedTrace {
                            source: i,
                            row: row + 1,
                        });
                        break;
                    }
                }
                if arrivals.iter().any(|a| a.class.index() >= classes) {
                    errors.push(ModelError::SourceClassOutOfRange { source: i });
                }
                let programmes = population.programmes.len();
                if arrivals
                    .iter()
                    .any(|a| a.programme.is_some_and(|p| p.index() >= programmes))
                {
                    errors.push(ModelError::SourceProgrammeOutOfRange { source: i });
                }
            }
        }
    }
    errors
}

/// The targets a vehicle can move to from a station with these routes (positive probability).
fn moves(routes: &[Route], key: VehicleKey) -> impl Iterator<Item = Target> + '_ {
    let branches = branches_for(routes, key);
    let exit_by_default = branches.is_empty();
    branches
        .into_iter()
        .filter(|r| r.probability > 0.0)
        .map(|r| r.to)
        .chain(exit_by_default.then_some(Target::Exit))
}

/// The branches that apply to a vehicle: those matching it with the highest specificity.
pub fn branches_for(routes: &[Route], key: VehicleKey) -> Vec<&Route> {
    let best = routes
        .iter()
        .filter(|r| r.when.matches(key))
        .map(|r| r.when.specificity())
        .max();
    match best {
        None => Vec::new(),
        Some(s) => routes
            .iter()
            .filter(|r| r.when.matches(key) && r.when.specificity() == s)
            .collect(),
    }
}

fn build_graph(population: &Population, stations: &[Station]) -> DiGraph<Node, Link> {
    let mut graph = DiGraph::with_capacity(stations.len() + 1, stations.len() * 2);
    for i in 0..stations.len() {
        graph.add_node(Node::Station(StationId(i as u32)));
    }
    let exit = graph.add_node(Node::Exit);
    for (i, st) in stations.iter().enumerate() {
        let from = NodeIndex::new(i);
        for c in 0..population.classes.len() {
            for p in 0..population.programmes.len() {
                for ch in Channel::ALL {
                    let key = VehicleKey {
                        class: ClassId(c as u16),
                        programme: ProgrammeId(p as u8),
                        channel: ch,
                    };
                    let branches = branches_for(&st.routes, key);
                    let targets: Vec<(NodeIndex, f64)> = if branches.is_empty() {
                        vec![(exit, 1.0)]
                    } else {
                        branches
                            .iter()
                            .map(|r| match r.to {
                                Target::Exit => (exit, r.probability),
                                Target::Station(s) => (NodeIndex::new(s.index()), r.probability),
                            })
                            .collect()
                    };
                    for (to, prob) in targets {
                        match graph.find_edge(from, to) {
                            Some(e) => {
                                let link: &mut Link = &mut graph[e];
                                link.max_probability = link.max_probability.max(prob);
                            }
                            None => {
                                graph.add_edge(
                                    from,
                                    to,
                                    Link {
                                        max_probability: prob,
                                    },
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    graph
}

/// Everything needed to run: the crossing and the run's timing.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub crossing: Crossing,
    /// The run ends here (absolute simulation time, warm-up included).
    pub horizon: SimTime,
    /// Statistics are reset at this time; must be shorter than the horizon.
    pub warmup: SimTime,
    /// Default number of replications (the CLI may override).
    pub replications: u32,
    /// Default master seed (the CLI may override).
    pub seed: u64,
    /// Day of the week at time zero (0 = Monday … 6 = Sunday); time zero is midnight.
    pub start_weekday: u8,
}

impl Scenario {
    pub fn population(&self) -> &Population {
        self.crossing.population()
    }

    pub fn class_id(&self, id: &str) -> Option<ClassId> {
        self.population().class_id(id)
    }

    pub fn station_id(&self, id: &str) -> Option<StationId> {
        self.crossing
            .stations()
            .iter()
            .position(|s| s.id == id)
            .map(|i| StationId(i as u32))
    }

    /// The length of the observation window (horizon minus warm-up).
    pub fn observed(&self) -> SimTime {
        self.horizon - self.warmup
    }

    /// Offered load per open server of each station (see [`Crossing::offered_loads`]).
    pub fn offered_loads(&self) -> Vec<f64> {
        self.crossing.offered_loads(self.horizon)
    }
}
