//! One border crossing as a graph of queueing stations ([`Crossing`]), and the questions
//! asked about it without simulating: which vehicles reach which stations, the traffic
//! equations and offered loads (`flows`), and what an entry offers a class (`entry`).

mod appointments;
mod entry;
mod flows;
mod operations;

pub use operations::{
    EventKind, HourlyFactor, InitialQueue, Operations, OperationsError, OperationsItem,
    ScenarioEvent,
};

use petgraph::Direction as Dir;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::dist::ServiceDist;
use crate::ids::{ClassId, DirectionId, ProgrammeId, StationId};
use crate::population::{Channel, Population, VehicleKey};
use crate::source::{Arrivals, Source};
use crate::station::{Station, Target, branches_for, lane_filter_matches, moves};
use crate::validation::{ModelError, check_blocking, check_parts, check_population};

/// An edge of the station graph: some vehicle can go from one station to the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Largest probability of this move over all vehicle kinds.
    pub max_probability: f64,
}

/// A node of the station graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// A station (node index = station index).
    Station(StationId),
    /// The exit (the last node).
    Exit,
}

/// The most vehicles a crossing holds at once, by default, before a run is stopped as
/// unstable: far above any real crossing's queues, and about 100 MB of vehicle records per
/// replication running at once.
pub const DEFAULT_MAX_IN_SYSTEM: u64 = 1_000_000;

/// The width of the queue and wait series' time bins when a page asks for them and nothing
/// else says: a quarter of an hour, ms.
pub const DEFAULT_SERIES_BIN_MS: u64 = 15 * 60_000;

/// One border crossing: its stations as a directed graph, and its sources of vehicles.
#[derive(Clone, Debug)]
pub struct Crossing {
    /// Name of the crossing.
    pub name: String,
    stations: Vec<Station>,
    sources: Vec<Source>,
    population: Population,
    graph: DiGraph<Node, Link>,
    /// For each station, the stations merged into it (so that a station's service is found
    /// without a scan of every station).
    merged_into_each: Vec<Vec<StationId>>,
    /// A run stops, as unstable, once more vehicles than this are in the crossing.
    max_in_system: u64,
    staff_costs: Vec<crate::StaffCostRate>,
    detection_rates: crate::DetectionRates,
    /// Hourly service factors, standing queues and events on top of the weekly pattern.
    operations: Operations,
    /// Width of the time bins of the queue and wait series, ms (`None`: not collected).
    series_bin_ms: Option<u64>,
    /// Booked arrival slots (`appointments.rs`).
    appointments: Vec<crate::appointments::Appointment>,
}

impl Crossing {
    /// Builds and checks a crossing. Every problem found is returned, not just the first.
    ///
    /// # Errors
    ///
    /// Every structural problem found (see [`ModelError`]): the population's and each
    /// station's and source's own, then (only if there are none) those of the graph — a
    /// station some vehicle reaches without a service time, a lane, or a way to an exit.
    pub fn new(
        name: impl Into<String>,
        population: &Population,
        stations: Vec<Station>,
        sources: Vec<Source>,
    ) -> Result<Crossing, Vec<ModelError>> {
        let mut errors = check_population(population);
        errors.extend(check_parts(population, &stations, &sources));
        if errors.is_empty() {
            errors.extend(check_blocking(population, &stations));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let graph = build_graph(population, &stations);
        let mut merged_into_each = vec![Vec::new(); stations.len()];
        for (i, st) in stations.iter().enumerate() {
            if let Some(target) = st.merged_into {
                merged_into_each[target.index()].push(StationId(i as u32));
            }
        }
        let crossing = Crossing {
            merged_into_each,
            max_in_system: DEFAULT_MAX_IN_SYSTEM,
            name: name.into(),
            stations,
            sources,
            population: population.clone(),
            graph,
            staff_costs: Vec::new(),
            detection_rates: crate::DetectionRates::ILLUSTRATIVE,
            operations: Operations::default(),
            series_bin_ms: None,
            appointments: Vec::new(),
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
        crate::validation::stations_leading_to_exit(&self.stations, key)
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
        let merged: Vec<ServiceDist> = self.merged_into_each[station.index()]
            .iter()
            .filter_map(|other| {
                self.stations[other.index()]
                    .service_for(class, programme)
                    .cloned()
            })
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

    /// The same crossing fed by `sources` instead of its own (a region's flows): its
    /// stations, population, vehicle cap, staff costs, detection rates, operations (hourly
    /// service factors, standing queues, events), series bins and booked slots are kept,
    /// so a crossing behaves in a region as its file says.
    ///
    /// # Errors
    ///
    /// Every structural problem [`Crossing::new`] finds with the new sources.
    pub fn with_sources(&self, sources: Vec<Source>) -> Result<Crossing, Vec<ModelError>> {
        let fed = Crossing::new(
            self.name.clone(),
            &self.population,
            self.stations.clone(),
            sources,
        )?;
        Ok(Crossing {
            max_in_system: self.max_in_system,
            staff_costs: self.staff_costs.clone(),
            detection_rates: self.detection_rates,
            operations: self.operations.clone(),
            series_bin_ms: self.series_bin_ms,
            appointments: self.appointments.clone(),
            ..fed
        })
    }

    /// The crossing with a run stopped, as unstable, once more than `vehicles` are in it at
    /// once (at least 1; see [`DEFAULT_MAX_IN_SYSTEM`]).
    pub fn with_max_in_system(mut self, vehicles: u64) -> Self {
        self.max_in_system = vehicles.max(1);
        self
    }

    /// The most vehicles the crossing may hold at once before a run is stopped as unstable.
    pub fn max_in_system(&self) -> u64 {
        self.max_in_system
    }

    /// The crossing with queue and wait series collected in bins of `bin_ms` ms (at least
    /// 1; `None`: not collected, the default, which costs the event loop a test per queue
    /// change and start of service). See
    /// [`LevelBins`](crate::stats::LevelBins).
    pub fn with_series_bin_ms(mut self, bin_ms: Option<u64>) -> Self {
        self.series_bin_ms = bin_ms.map(|b| b.max(1));
        self
    }

    /// The crossing with its series collected, as a page that draws them needs: in its own
    /// bins if it has them, else [`DEFAULT_SERIES_BIN_MS`].
    pub fn with_series_for_a_page(self) -> Self {
        let bin_ms = self.series_bin_ms().unwrap_or(DEFAULT_SERIES_BIN_MS);
        self.with_series_bin_ms(Some(bin_ms))
    }

    /// The width of the series' time bins, ms, when series are collected.
    pub fn series_bin_ms(&self) -> Option<u64> {
        self.series_bin_ms
    }

    /// The stations, indexed by [`StationId`].
    pub fn stations(&self) -> &[Station] {
        &self.stations
    }

    /// One station.
    ///
    /// # Panics
    ///
    /// If `id` is not a station of this crossing.
    pub fn station(&self, id: StationId) -> &Station {
        &self.stations[id.index()]
    }

    /// The sources of vehicles.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Staff cost per lane-hour by station and lane group (see
    /// [`StaffCostRate::lookup`](crate::StaffCostRate::lookup)); empty unless set.
    pub fn staff_costs(&self) -> &[crate::StaffCostRate] {
        &self.staff_costs
    }

    /// The crossing with these staff costs per lane-hour (an appraisal input: the
    /// simulation does not read them).
    #[must_use]
    pub fn with_staff_costs(mut self, rates: Vec<crate::StaffCostRate>) -> Self {
        self.staff_costs = rates;
        self
    }

    /// The probability that one inspection finds an irregularity, per channel and
    /// selection kind ([`DetectionRates::ILLUSTRATIVE`](crate::DetectionRates::ILLUSTRATIVE)
    /// unless set).
    pub fn detection_rates(&self) -> &crate::DetectionRates {
        &self.detection_rates
    }

    /// The crossing with these detection probabilities (an appraisal input: the simulation
    /// does not read them).
    #[must_use]
    pub fn with_detection_rates(mut self, rates: crate::DetectionRates) -> Self {
        self.detection_rates = rates;
        self
    }

    /// Who crosses: classes, programmes, directions.
    pub fn population(&self) -> &Population {
        &self.population
    }

    /// The number of vehicle classes.
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
}

/// The station graph: one node per station, then the exit; an edge wherever some vehicle
/// kind has a branch, weighted by the largest probability over kinds.
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
