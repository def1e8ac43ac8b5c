//! The validated description of what to simulate: classes, stations, routes, sources.
//!
//! These types are built by `bordersim-config` from a file, or directly by code (tests,
//! benches). [`Crossing::new`] checks the structural rules (routing probabilities, exits
//! reachable), so an engine handed a `Scenario` never meets an impossible model.

use bordersim_des::SimTime;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::dist::ServiceDist;

/// Index of a vehicle class in [`Scenario::classes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(pub u16);

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

/// A user-defined kind of vehicle (truck, car, bus, pedestrian, …).
#[derive(Clone, Debug, PartialEq)]
pub struct VehicleClass {
    pub id: String,
}

/// Where a vehicle goes after a station.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Station(StationId),
    /// Leaves the crossing (released).
    Exit,
}

/// Which vehicles a route (or, later, a lane) applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassFilter {
    All,
    Only(Vec<ClassId>),
}

impl ClassFilter {
    pub fn matches(&self, class: ClassId) -> bool {
        match self {
            ClassFilter::All => true,
            ClassFilter::Only(list) => list.contains(&class),
        }
    }
}

/// One branch out of a station: the vehicles it applies to go to `to` with `probability`.
///
/// For each class, the branches that name it explicitly are used if there are any; otherwise
/// the branches for all classes are. Those probabilities must sum to 1. A station without
/// branches for a class sends that class to the exit.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub classes: ClassFilter,
    pub to: Target,
    pub probability: f64,
}

/// A queue plus identical servers (lanes, booths, scanners, officers, desks).
#[derive(Clone, Debug, PartialEq)]
pub struct Station {
    pub id: String,
    /// Number of parallel servers; at least one.
    pub servers: u32,
    /// Service time for each class, indexed by [`ClassId`]; `None` for a class that never
    /// visits (a visit by such a class is a structural error caught by [`Crossing::new`]).
    pub service: Vec<Option<ServiceDist>>,
    pub routes: Vec<Route>,
}

/// How a source generates arrival instants.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrivalProcess {
    /// A homogeneous Poisson process.
    Poisson { rate_per_hour: f64 },
}

impl ArrivalProcess {
    /// Long-run mean arrival rate.
    pub fn mean_rate_per_hour(&self) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate_per_hour } => *rate_per_hour,
        }
    }
}

/// A stream of vehicles of one class entering the crossing at one station. Each source owns
/// a named random stream, so adding a source never changes the vehicles of another.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub id: String,
    pub class: ClassId,
    pub arrivals: ArrivalProcess,
    pub entry: StationId,
}

/// An edge of the station graph: some class can go from one station to the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Largest probability of this move over all classes (for display and reachability).
    pub max_probability: f64,
}

/// A node of the station graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Station(StationId),
    Exit,
}

/// A structural problem in a crossing, naming the station, class or source concerned by
/// index (so that a config loader can point at the place in its file).
#[derive(Clone, Debug, PartialEq)]
pub enum ModelError {
    NoStations,
    NoSources,
    ZeroServers {
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
        class: ClassId,
        sum: f64,
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
    BadArrivalRate {
        source: usize,
        rate_per_hour: f64,
    },
    SourceEntryOutOfRange {
        source: usize,
    },
    SourceClassOutOfRange {
        source: usize,
    },
    /// Vehicles of `class` that reach `station` can never reach an exit.
    NoExit {
        station: StationId,
        class: ClassId,
    },
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelError::NoStations => write!(f, "the crossing has no station"),
            ModelError::NoSources => write!(f, "the crossing has no source of vehicles"),
            ModelError::ZeroServers { station } => {
                write!(
                    f,
                    "station #{} has no server; give it at least one",
                    station.0
                )
            }
            ModelError::RouteTargetOutOfRange { station, route } => {
                write!(
                    f,
                    "route {route} of station #{} leads to no station",
                    station.0
                )
            }
            ModelError::BadProbability {
                station,
                route,
                probability,
            } => write!(
                f,
                "route {route} of station #{} has probability {probability}; use a value in [0, 1]",
                station.0
            ),
            ModelError::ProbabilitiesDoNotSumToOne {
                station,
                class,
                sum,
            } => write!(
                f,
                "routes of station #{} for class #{} sum to {sum}, not 1",
                station.0, class.0
            ),
            ModelError::NoServiceTimeForClass { station, class } => write!(
                f,
                "class #{} reaches station #{} but the station has no service time for it",
                class.0, station.0
            ),
            ModelError::BadServiceTime {
                station,
                class,
                reason,
            } => write!(
                f,
                "service time of station #{} for class #{}: {reason}",
                station.0, class.0
            ),
            ModelError::BadArrivalRate {
                source,
                rate_per_hour,
            } => write!(
                f,
                "source #{source} has arrival rate {rate_per_hour}/h; it must be positive"
            ),
            ModelError::SourceEntryOutOfRange { source } => {
                write!(f, "source #{source} enters at no station")
            }
            ModelError::SourceClassOutOfRange { source } => {
                write!(f, "source #{source} names no class")
            }
            ModelError::NoExit { station, class } => write!(
                f,
                "vehicles of class #{} at station #{} can never reach an exit",
                class.0, station.0
            ),
        }
    }
}

/// Tolerance on the sum of routing probabilities (they are typed by people, in decimals).
pub const PROBABILITY_SUM_TOLERANCE: f64 = 1e-6;

/// One border crossing: its stations as a directed graph, and its sources of vehicles.
#[derive(Clone, Debug)]
pub struct Crossing {
    pub name: String,
    stations: Vec<Station>,
    sources: Vec<Source>,
    class_count: usize,
    graph: DiGraph<Node, Link>,
}

impl Crossing {
    /// Builds and checks a crossing. Every problem found is returned, not just the first.
    pub fn new(
        name: impl Into<String>,
        class_count: usize,
        stations: Vec<Station>,
        sources: Vec<Source>,
    ) -> Result<Crossing, Vec<ModelError>> {
        let mut errors = Vec::new();
        if stations.is_empty() {
            errors.push(ModelError::NoStations);
        }
        if sources.is_empty() {
            errors.push(ModelError::NoSources);
        }
        let n = stations.len();
        for (i, st) in stations.iter().enumerate() {
            let sid = StationId(i as u32);
            if st.servers == 0 {
                errors.push(ModelError::ZeroServers { station: sid });
            }
            for (r, route) in st.routes.iter().enumerate() {
                if let Target::Station(t) = route.to
                    && t.index() >= n
                {
                    errors.push(ModelError::RouteTargetOutOfRange {
                        station: sid,
                        route: r,
                    });
                }
                if !(route.probability.is_finite() && (0.0..=1.0).contains(&route.probability)) {
                    errors.push(ModelError::BadProbability {
                        station: sid,
                        route: r,
                        probability: route.probability,
                    });
                }
            }
            for c in 0..class_count {
                let class = ClassId(c as u16);
                let branches = branches_for(&st.routes, class);
                if !branches.is_empty() {
                    let sum: f64 = branches.iter().map(|r| r.probability).sum();
                    if (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
                        errors.push(ModelError::ProbabilitiesDoNotSumToOne {
                            station: sid,
                            class,
                            sum,
                        });
                    }
                }
                if let Some(Some(d)) = st.service.get(c)
                    && let Err(e) = d.validate()
                {
                    errors.push(ModelError::BadServiceTime {
                        station: sid,
                        class,
                        reason: e.0,
                    });
                }
            }
        }
        for (i, src) in sources.iter().enumerate() {
            if src.entry.index() >= n {
                errors.push(ModelError::SourceEntryOutOfRange { source: i });
            }
            if src.class.index() >= class_count {
                errors.push(ModelError::SourceClassOutOfRange { source: i });
            }
            let rate = src.arrivals.mean_rate_per_hour();
            if !(rate.is_finite() && rate > 0.0) {
                errors.push(ModelError::BadArrivalRate {
                    source: i,
                    rate_per_hour: rate,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let graph = build_graph(&stations, class_count);
        let crossing = Crossing {
            name: name.into(),
            stations,
            sources,
            class_count,
            graph,
        };
        let errors = crossing.check_reachability();
        if errors.is_empty() {
            Ok(crossing)
        } else {
            Err(errors)
        }
    }

    /// For every class, walk from its sources: every station it can reach must have a service
    /// time for it and must lead it to an exit.
    fn check_reachability(&self) -> Vec<ModelError> {
        let mut errors = Vec::new();
        for c in 0..self.class_count {
            let class = ClassId(c as u16);
            let reached = self.stations_reached_by(class);
            // Stations from which this class can reach the exit: backwards search over the
            // moves this class can make.
            let mut can_exit = vec![false; self.stations.len()];
            let mut changed = true;
            while changed {
                changed = false;
                for (i, st) in self.stations.iter().enumerate() {
                    if can_exit[i] {
                        continue;
                    }
                    let ok = self.moves(st, class).any(|t| match t {
                        Target::Exit => true,
                        Target::Station(s) => can_exit[s.index()],
                    });
                    if ok {
                        can_exit[i] = true;
                        changed = true;
                    }
                }
            }
            for (i, &r) in reached.iter().enumerate() {
                if !r {
                    continue;
                }
                let sid = StationId(i as u32);
                if !matches!(self.stations[i].service.get(c), Some(Some(_))) {
                    errors.push(ModelError::NoServiceTimeForClass {
                        station: sid,
                        class,
                    });
                }
                if !can_exit[i] {
                    errors.push(ModelError::NoExit {
                        station: sid,
                        class,
                    });
                }
            }
        }
        errors
    }

    /// The targets a vehicle of `class` can move to from `station` (with positive probability).
    fn moves<'a>(
        &'a self,
        station: &'a Station,
        class: ClassId,
    ) -> impl Iterator<Item = Target> + 'a {
        let branches = branches_for(&station.routes, class);
        let exit_by_default = branches.is_empty();
        branches
            .into_iter()
            .filter(|r| r.probability > 0.0)
            .map(|r| r.to)
            .chain(exit_by_default.then_some(Target::Exit))
    }

    /// Which stations vehicles of `class` can visit.
    pub fn stations_reached_by(&self, class: ClassId) -> Vec<bool> {
        let mut reached = vec![false; self.stations.len()];
        let mut stack: Vec<StationId> = self
            .sources
            .iter()
            .filter(|s| s.class == class)
            .map(|s| s.entry)
            .collect();
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut reached[s.index()], true) {
                continue;
            }
            for t in self.moves(&self.stations[s.index()], class) {
                if let Target::Station(next) = t
                    && !reached[next.index()]
                {
                    stack.push(next);
                }
            }
        }
        reached
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

    pub fn class_count(&self) -> usize {
        self.class_count
    }

    /// The station graph: one node per station plus one exit node; an edge wherever some
    /// class can move.
    pub fn graph(&self) -> &DiGraph<Node, Link> {
        &self.graph
    }

    /// The stations a station feeds, in graph order (for reports and diagrams).
    pub fn successors(&self, id: StationId) -> Vec<Node> {
        self.graph
            .edges_directed(NodeIndex::new(id.index()), Direction::Outgoing)
            .map(|e| self.graph[e.target()])
            .collect()
    }

    /// The arrival rate at each station per class (vehicles per hour), from the traffic
    /// equations λ = λ₀ + λP, solved by fixed-point iteration (converges because every
    /// station leads to an exit).
    pub fn arrival_rates_per_hour(&self) -> Vec<Vec<f64>> {
        let n = self.stations.len();
        let mut external = vec![vec![0.0; self.class_count]; n];
        for src in &self.sources {
            external[src.entry.index()][src.class.index()] += src.arrivals.mean_rate_per_hour();
        }
        let mut lambda = external.clone();
        for _ in 0..100_000 {
            let mut next = external.clone();
            for (i, st) in self.stations.iter().enumerate() {
                for c in 0..self.class_count {
                    for r in branches_for(&st.routes, ClassId(c as u16)) {
                        if let Target::Station(t) = r.to {
                            next[t.index()][c] += lambda[i][c] * r.probability;
                        }
                    }
                }
            }
            let delta = next
                .iter()
                .flatten()
                .zip(lambda.iter().flatten())
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            lambda = next;
            if delta < 1e-12 {
                break;
            }
        }
        lambda
    }

    /// Offered load per server at each station: Σ_c λ_c E[S_c] / servers. A value ≥ 1 means
    /// the queue grows without bound.
    pub fn offered_loads(&self) -> Vec<f64> {
        let rates = self.arrival_rates_per_hour();
        self.stations
            .iter()
            .zip(&rates)
            .map(|(st, per_class)| {
                let work_ms_per_hour: f64 = per_class
                    .iter()
                    .enumerate()
                    .filter_map(|(c, &lam)| st.service[c].as_ref().map(|d| lam * d.mean_ms()))
                    .sum();
                work_ms_per_hour / SimTime::MS_PER_HOUR as f64 / f64::from(st.servers)
            })
            .collect()
    }
}

/// The branches that apply to `class`: those naming it, else those for all classes.
pub fn branches_for(routes: &[Route], class: ClassId) -> Vec<&Route> {
    let specific: Vec<&Route> = routes
        .iter()
        .filter(|r| matches!(&r.classes, ClassFilter::Only(list) if list.contains(&class)))
        .collect();
    if !specific.is_empty() {
        return specific;
    }
    routes
        .iter()
        .filter(|r| r.classes == ClassFilter::All)
        .collect()
}

fn build_graph(stations: &[Station], class_count: usize) -> DiGraph<Node, Link> {
    let mut graph = DiGraph::with_capacity(stations.len() + 1, stations.len() * 2);
    for i in 0..stations.len() {
        graph.add_node(Node::Station(StationId(i as u32)));
    }
    let exit = graph.add_node(Node::Exit);
    for (i, st) in stations.iter().enumerate() {
        let from = NodeIndex::new(i);
        for c in 0..class_count {
            let branches = branches_for(&st.routes, ClassId(c as u16));
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
            for (to, p) in targets {
                match graph.find_edge(from, to) {
                    Some(e) => {
                        let link: &mut Link = &mut graph[e];
                        link.max_probability = link.max_probability.max(p);
                    }
                    None => {
                        graph.add_edge(from, to, Link { max_probability: p });
                    }
                }
            }
        }
    }
    graph
}

/// Everything needed to run: the crossing, its classes and the run's timing.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub classes: Vec<VehicleClass>,
    pub crossing: Crossing,
    /// The run ends here (absolute simulation time, warm-up included).
    pub horizon: SimTime,
    /// Statistics are reset at this time; must be shorter than the horizon.
    pub warmup: SimTime,
    /// Default number of replications (the CLI may override).
    pub replications: u32,
    /// Default master seed (the CLI may override).
    pub seed: u64,
}

impl Scenario {
    pub fn class_id(&self, id: &str) -> Option<ClassId> {
        self.classes
            .iter()
            .position(|c| c.id == id)
            .map(|i| ClassId(i as u16))
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
}
