//! The event loop for one replication.
//!
//! Hot-path rules: events are a small `Copy` enum; vehicles live in a slab reused through a
//! free list; queues are `VecDeque`s that keep their buffers; statistics are fixed-size. After
//! the first moments of a run nothing allocates per event.
//!
//! Randomness (common random numbers): each source has its own named stream. For each
//! vehicle it draws, at arrival and always in the same order, a 64-bit vehicle seed and the
//! uniforms that fix its programme, risk channel and random selection; then the time to the
//! next arrival. Everything later about the vehicle — at each station visited, its routing
//! draw and its service time — comes from a generator seeded by (vehicle seed, station name,
//! visit number).
//! A policy change at one station therefore never shifts the random numbers of any other
//! vehicle or any other stage.
//!
//! Lanes: a station's servers come in lane groups, each serving some vehicle kinds and
//! following its own schedule. Invariant: a free lane never coexists with a waiting vehicle
//! it may serve — every time a lane frees or opens it takes the best waiting vehicle
//! (highest class priority, then first come), and an arriving vehicle takes a free lane if
//! one may serve it.

use std::collections::VecDeque;

use bordersim_des::{
    EventQueue, RandomStreams, SimTime, StageRng, StreamRng, stage_rng, stream_id,
};
use rand::Rng;
use rand_distr::{Distribution, Exp};

use crate::dist::Sampler;
use crate::log::{LogKind, LogRecord, NoLog, VehicleLog};
use crate::population::{Channel, VehicleKey};
use crate::scenario::{
    Arrivals, ClassId, DirectionId, LaneRule, ModelError, PreLodged, ProgrammeId, Scenario,
    StationId, StorageLimit, Target, TraceArrival, WhenFull, branches_for, lane_filter_matches,
};
use crate::schedule::{LaneSchedule, RateProfile, hour_of_day};
use crate::stats::{CellShape, ReplicationStats};

/// Encodes [`Target::Exit`] in the compact routing tables.
const EXIT: u32 = u32::MAX;
/// "Not released yet".
const NOT_RELEASED: u64 = u64::MAX;
/// The vehicle sub-stream for its draws at arrival (programme, channel, random selection);
/// stage sub-streams are keyed by a hash of the station's name plus the visit number.
const ARRIVAL_SUBSTREAM: u64 = u64::MAX;

/// Millimetres in `m` metres, rounded as class lengths are.
#[inline]
fn metres_to_mm(m: f64) -> u64 {
    (m * 1000.0).round() as u64
}

/// Which visit of the vehicle to `station` this is (0 for the first), counted per station in
/// four-bit fields for the first 32 stations. Past 15 visits, or at a station of index 32 or
/// more, the stage number on the route stands in (offset past 15 so it never collides): the
/// draws stay distinct, but no longer independent of the rest of the route.
#[inline]
fn visit_number(visits: &mut u128, station: u32, stage: u32) -> u64 {
    if station < 32 {
        let shift = station * 4;
        let n = ((*visits >> shift) & 0xF) as u64;
        if n < 15 {
            *visits += 1u128 << shift;
            return n;
        }
    }
    16 + u64::from(stage)
}

/// Where a vehicle goes after a station, from its routing table (cumulative probability,
/// target), using exactly one draw of `rng` (the stage's first).
#[inline]
fn route(table: &[(f64, u32)], rng: &mut StageRng) -> u32 {
    if let [(_, to)] = table {
        // One way out: the draw is not needed, but it is consumed all the same, so the
        // service time that follows is the same number whatever the routing.
        rng.discard(1);
        return *to;
    }
    let u = unit_f64(rng.next_u64());
    table
        .iter()
        .find(|(bound, _)| u < *bound)
        .map_or(EXIT, |&(_, to)| to)
}

/// The generator of a vehicle's visit to `station` (whose name hashes to `stream_key`),
/// counting the visit. Keyed by the station's name and the visit number, not by the position
/// on the route: adding, removing or reordering stations leaves the draws at every other
/// station unchanged.
#[inline]
fn stage_stream(v: &mut Vehicle, station: u32, stream_key: u64) -> StageRng {
    let visit = visit_number(&mut v.visits, station, v.stage);
    stage_rng(v.seed, stream_key.wrapping_add(visit))
}

#[inline]
fn unit_f64(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A scenario prepared for fast simulation: distributions built, routing tables flattened.
/// Built once and shared (read-only) by every replication.
#[derive(Clone, Debug)]
pub struct CompiledScenario {
    horizon_ms: u64,
    warmup_ms: u64,
    start_weekday: u8,
    shape: CellShape,
    /// Priority of each queue key (class × programme).
    key_priority: Vec<u8>,
    /// Length of each class, millimetres.
    class_length_mm: Vec<u64>,
    /// Cumulative programme shares per class.
    programme_cdf: Vec<Vec<f64>>,
    /// Cumulative [green, yellow] channel probabilities per class × programme.
    channel_cdf: Vec<[f64; 2]>,
    random_inspection: Vec<f64>,
    /// Per class: share of vehicles whose declaration is lodged before arrival.
    pre_lodged_share: Vec<f64>,
    /// Per class: pre-lodged green vehicles are released on arrival.
    pre_lodged_release: Vec<bool>,
    /// Per class: programme 0 for sure, green for sure, no random selection — the arrival
    /// draws can be skipped.
    degenerate_draws: Vec<bool>,
    any_release_station: bool,
    /// A regional (aligned) source feeds the crossing: record the hourly border times the
    /// region's crossing choice reads. Plain runs skip that work on every exit.
    hourly_exit_times: bool,
    stations: Vec<CompiledStation>,
    sources: Vec<CompiledSource>,
}

#[derive(Clone, Debug)]
struct CompiledGroup {
    /// Indexed by queue key.
    eligible: Vec<bool>,
    share_when_idle: bool,
    schedule: LaneSchedule,
    rule: Option<LaneRule>,
}

#[derive(Clone, Debug)]
struct CompiledStation {
    groups: Vec<CompiledGroup>,
    /// Indexed by queue key (class × programme); `None` where such vehicles never come.
    samplers: Vec<Option<Sampler>>,
    /// Indexed by station cell (class × programme × channel): (cumulative probability,
    /// target) with the last bound at +∞.
    routing: Vec<Vec<(f64, u32)>>,
    limit: StorageLimit,
    when_full: WhenFull,
    releases: bool,
    pre_lodged: PreLodged,
    /// Merged into another station: every vehicle passes without stopping.
    pass_all: bool,
    /// One lane group: its busy level is the station's.
    single_group: bool,
    /// Keys the vehicles' sub-streams at this station: a hash of the station's name, so that
    /// adding, removing or reordering other stations leaves these draws unchanged.
    stream_key: u64,
}

#[derive(Clone, Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "a scenario has a handful of sources; boxing would only add an indirection"
)]
enum CompiledArrivals {
    Poisson {
        class: u16,
        interarrival_ms: Exp<f64>,
    },
    /// Thinning: candidates at `peak_rate`, each kept with probability rate(t) / peak.
    Thinning {
        class: u16,
        candidate_ms: Exp<f64>,
        peak_rate: f64,
        profile: RateProfile,
        /// A rejected candidate also consumes the draw of the vehicle seed it would have
        /// had (regional sources), so that the stream stays aligned whatever the rates.
        aligned: bool,
    },
    Trace(Vec<TraceArrival>),
}

#[derive(Clone, Debug)]
struct CompiledSource {
    stream_name: String,
    entry: u32,
    direction: u8,
    arrivals: CompiledArrivals,
}

fn cdf(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    values
        .into_iter()
        .map(|v| {
            acc += v;
            acc
        })
        .collect()
}

impl CompiledScenario {
    pub fn new(scenario: &Scenario) -> Result<Self, ModelError> {
        let crossing = &scenario.crossing;
        let population = crossing.population();
        let shape = CellShape {
            classes: population.classes.len(),
            programmes: population.programmes.len(),
            directions: population.directions.len(),
        };
        let keys = shape.classes * shape.programmes;
        let key_of = |k: usize| VehicleKey {
            class: ClassId((k / shape.programmes) as u16),
            programme: ProgrammeId((k % shape.programmes) as u8),
            channel: Channel::Green,
        };
        let mut stations = Vec::with_capacity(crossing.stations().len());
        for (i, st) in crossing.stations().iter().enumerate() {
            let station = StationId(i as u32);
            let mut samplers = Vec::with_capacity(keys);
            for k in 0..keys {
                let class = ClassId((k / shape.programmes) as u16);
                let programme = ProgrammeId((k % shape.programmes) as u8);
                samplers.push(
                    match crossing.effective_service(station, class, programme) {
                        Some(d) => Some(d.sampler().map_err(|e| ModelError::BadServiceTime {
                            station,
                            class,
                            reason: e.0,
                        })?),
                        None => None,
                    },
                );
            }
            let mut routing = Vec::with_capacity(shape.station_cells());
            for cell in 0..shape.station_cells() {
                let (class, programme, channel) = shape.decode_station_cell(cell);
                let key = VehicleKey {
                    class,
                    programme,
                    channel,
                };
                let mut table = Vec::new();
                let mut cumulative = 0.0;
                for r in branches_for(&st.routes, key) {
                    if r.probability <= 0.0 {
                        continue;
                    }
                    cumulative += r.probability;
                    let to = match r.to {
                        Target::Exit => EXIT,
                        Target::Station(s) => s.0,
                    };
                    table.push((cumulative, to));
                }
                match table.last_mut() {
                    // Probabilities sum to 1 within a tolerance; make the last bound infinite
                    // so every draw in [0, 1) finds a branch.
                    Some(last) => last.0 = f64::INFINITY,
                    None => table.push((f64::INFINITY, EXIT)),
                }
                routing.push(table);
            }
            let groups = st
                .lanes
                .iter()
                .map(|g| CompiledGroup {
                    eligible: (0..keys)
                        .map(|k| lane_filter_matches(&g.serves, key_of(k)))
                        .collect(),
                    share_when_idle: g.share_when_idle,
                    schedule: g.schedule.clone(),
                    rule: g.rule,
                })
                .collect();
            stations.push(CompiledStation {
                single_group: st.lanes.len() == 1,
                stream_key: stream_id(&format!("station/{}", st.id)),
                groups,
                samplers,
                routing,
                limit: st.storage.limit,
                when_full: st.storage.when_full,
                releases: st.releases,
                pre_lodged: st.pre_lodged,
                pass_all: st.merged_into.is_some(),
            });
        }
        let sources = crossing
            .sources()
            .iter()
            .enumerate()
            .map(|(i, src)| {
                let bad = |reason: String| ModelError::BadArrivalRate { source: i, reason };
                let per_ms = |per_hour: f64| per_hour / SimTime::MS_PER_HOUR as f64;
                let arrivals = match &src.arrivals {
                    Arrivals::Poisson {
                        class,
                        rate_per_hour,
                    } => CompiledArrivals::Poisson {
                        class: class.0,
                        interarrival_ms: Exp::new(per_ms(*rate_per_hour))
                            .map_err(|e| bad(e.to_string()))?,
                    },
                    Arrivals::Profile { class, profile } => {
                        let peak_rate = profile.max_rate_per_hour();
                        CompiledArrivals::Thinning {
                            class: class.0,
                            candidate_ms: Exp::new(per_ms(peak_rate))
                                .map_err(|e| bad(e.to_string()))?,
                            peak_rate,
                            profile: profile.clone(),
                            aligned: false,
                        }
                    }
                    Arrivals::Trace { arrivals } => CompiledArrivals::Trace(arrivals.clone()),
                    Arrivals::Thinned {
                        class,
                        peak_per_hour,
                        profile,
                    } => CompiledArrivals::Thinning {
                        class: class.0,
                        candidate_ms: Exp::new(per_ms(*peak_per_hour))
                            .map_err(|e| bad(e.to_string()))?,
                        peak_rate: *peak_per_hour,
                        profile: profile.clone(),
                        aligned: true,
                    },
                };
                Ok(CompiledSource {
                    stream_name: format!("source/{}", src.id),
                    entry: src.entry.0,
                    direction: crossing.source_direction(i).0,
                    arrivals,
                })
            })
            .collect::<Result<Vec<_>, ModelError>>()?;
        let mut key_priority = vec![0; keys];
        for (k, p) in key_priority.iter_mut().enumerate() {
            *p = population.classes[k / shape.programmes].priority;
        }
        Ok(CompiledScenario {
            horizon_ms: scenario.horizon.as_millis(),
            warmup_ms: scenario
                .warmup
                .as_millis()
                .min(scenario.horizon.as_millis()),
            start_weekday: scenario.start_weekday,
            shape,
            key_priority,
            class_length_mm: population
                .classes
                .iter()
                .map(|c| (c.length_m * 1000.0).round() as u64)
                .collect(),
            programme_cdf: population
                .classes
                .iter()
                .map(|c| cdf(c.programme_shares.iter().copied()))
                .collect(),
            channel_cdf: population
                .classes
                .iter()
                .flat_map(|c| c.channel_probabilities.iter().map(|p| [p[0], p[0] + p[1]]))
                .collect(),
            random_inspection: population
                .classes
                .iter()
                .map(|c| c.random_inspection)
                .collect(),
            pre_lodged_share: population
                .classes
                .iter()
                .map(|c| c.pre_lodged_share)
                .collect(),
            pre_lodged_release: population
                .classes
                .iter()
                .map(|c| c.pre_lodged_release_on_arrival)
                .collect(),
            degenerate_draws: population
                .classes
                .iter()
                .map(|c| {
                    c.programme_shares.first() == Some(&1.0)
                        && c.channel_probabilities.first().is_some_and(|p| p[0] == 1.0)
                        && c.random_inspection == 0.0
                        && c.pre_lodged_share == 0.0
                })
                .collect(),
            any_release_station: crossing.stations().iter().any(|s| s.releases),
            hourly_exit_times: sources
                .iter()
                .any(|s| matches!(s.arrivals, CompiledArrivals::Thinning { aligned: true, .. })),
            stations,
            sources,
        })
    }

    /// Whether a vehicle's goods are released on its arrival: lodged in advance, found
    /// green, of a class whose pre-lodged shipments are released on arrival.
    #[inline]
    fn released_on_arrival(&self, pre_lodged: bool, channel: u8, class: u16) -> bool {
        pre_lodged && channel == Channel::Green as u8 && self.pre_lodged_release[usize::from(class)]
    }

    pub fn station_count(&self) -> usize {
        self.stations.len()
    }
}

#[derive(Clone, Copy, Debug)]
enum Event {
    Arrival {
        source: u32,
    },
    Departure {
        station: u32,
        vehicle: u32,
    },
    /// Some lane group of the station changes its number of open lanes.
    LaneChange {
        station: u32,
    },
    /// A lane rule looks at the wait of a lane group and may open or close a lane.
    LaneReview {
        station: u32,
        group: u8,
    },
    WarmupEnd,
}

#[derive(Clone, Copy, Debug, Default)]
struct Vehicle {
    seed: u64,
    serial: u64,
    arrived_ms: u64,
    /// When it reached the current station (end of queue, or upstream of a full one).
    queued_ms: u64,
    /// When its goods were released ([`NOT_RELEASED`] until then).
    released_ms: u64,
    /// Global order of joining a queue: FIFO across the per-key queues of a station.
    queue_seq: u64,
    /// Where the vehicle goes after its current service (station index or [`EXIT`]).
    next: u32,
    stage: u32,
    /// Visits so far to each station of index < 32, four bits each (saturating at 15).
    visits: u128,
    class: u16,
    /// Queue key: class × programme.
    key: u16,
    /// Station cell: class × programme × channel.
    cell: u16,
    programme: u8,
    channel: u8,
    direction: u8,
    group: u8,
    logged: bool,
    /// Its declaration was lodged and processed before arrival.
    pre_lodged: bool,
}

#[derive(Debug, Default, Clone, Copy)]
struct GroupState {
    open: u32,
    busy: u32,
    /// Lanes a lane rule wants open (groups under a rule only).
    ruled: u32,
}

#[derive(Debug)]
struct StationState {
    groups: Vec<GroupState>,
    /// One FIFO per queue key, so that dedicated lanes and priorities need no scan of a
    /// mixed queue.
    queues: Vec<VecDeque<u32>>,
    queued: u64,
    queued_mm: u64,
    /// Vehicles waiting upstream of a full queue, in arrival order.
    outside: VecDeque<u32>,
    outside_mm: u64,
    /// Per lane group under a lane rule: waits (ms) of the vehicles it started serving since
    /// the last review. Cleared, never shrunk: no allocation once grown.
    rule_waits: Vec<Vec<u64>>,
}

enum SourceState {
    Generated { rng: StreamRng, next_ms: f64 },
    Trace { rng: StreamRng, next_row: usize },
}

struct Engine<'a, L: VehicleLog> {
    model: &'a CompiledScenario,
    log: &'a mut L,
    events: EventQueue<Event>,
    vehicles: Vec<Vehicle>,
    free: Vec<u32>,
    live: u64,
    serial: u64,
    queue_seq: u64,
    stations: Vec<StationState>,
    sources: Vec<SourceState>,
    stats: ReplicationStats,
}

/// Simulates replication `replication` of `model` with master seed `seed`.
///
/// The result depends only on (model, seed, replication): never on the thread that runs it
/// or on other replications.
pub fn run_replication(model: &CompiledScenario, seed: u64, replication: u64) -> ReplicationStats {
    run_replication_logged(model, seed, replication, &mut NoLog)
}

/// As [`run_replication`], handing every event of the vehicles `log` wants to `log`.
pub fn run_replication_logged<L: VehicleLog>(
    model: &CompiledScenario,
    seed: u64,
    replication: u64,
    log: &mut L,
) -> ReplicationStats {
    let streams = RandomStreams::new(seed, replication);
    let keys = model.shape.classes * model.shape.programmes;
    let groups: Vec<usize> = model.stations.iter().map(|s| s.groups.len()).collect();
    let mut engine = Engine {
        model,
        log,
        events: EventQueue::with_capacity(1024),
        vehicles: Vec::with_capacity(1024),
        free: Vec::with_capacity(1024),
        live: 0,
        serial: 0,
        queue_seq: 0,
        stations: model
            .stations
            .iter()
            .map(|s| StationState {
                groups: vec![GroupState::default(); s.groups.len()],
                queues: (0..keys).map(|_| VecDeque::with_capacity(16)).collect(),
                queued: 0,
                queued_mm: 0,
                outside: VecDeque::new(),
                outside_mm: 0,
                rule_waits: vec![Vec::new(); s.groups.len()],
            })
            .collect(),
        sources: model
            .sources
            .iter()
            .map(|s| {
                let rng = streams.stream(&s.stream_name);
                match s.arrivals {
                    CompiledArrivals::Trace(_) => SourceState::Trace { rng, next_row: 0 },
                    _ => SourceState::Generated { rng, next_ms: 0.0 },
                }
            })
            .collect(),
        stats: ReplicationStats::new(replication, model.shape, &groups),
    };
    engine.run();
    engine.stats
}

impl<L: VehicleLog> Engine<'_, L> {
    fn run(&mut self) {
        let horizon = SimTime(self.model.horizon_ms);
        if self.model.warmup_ms > 0 {
            self.events
                .schedule(SimTime(self.model.warmup_ms), Event::WarmupEnd);
        }
        for (s, station) in self.model.stations.iter().enumerate() {
            for (g, group) in station.groups.iter().enumerate() {
                if let Some(rule) = &group.rule {
                    self.stations[s].groups[g].ruled = group.schedule.servers_at(SimTime::ZERO, 0);
                    self.events.schedule(
                        rule.review,
                        Event::LaneReview {
                            station: s as u32,
                            group: g as u8,
                        },
                    );
                }
            }
            self.on_lane_change(0, s);
        }
        for s in 0..self.sources.len() {
            self.schedule_next_arrival(s);
        }
        let mut processed: u64 = 0;
        while let Some(ev) = self.events.pop_until(horizon) {
            processed += 1;
            let now = ev.time.as_millis();
            match ev.event {
                Event::Arrival { source } => self.on_arrival(now, source as usize),
                Event::Departure { station, vehicle } => self.on_departure(now, station, vehicle),
                Event::LaneChange { station } => self.on_lane_change(now, station as usize),
                Event::LaneReview { station, group } => {
                    self.on_lane_review(now, station as usize, group as usize)
                }
                Event::WarmupEnd => self.stats.reset(now, self.live),
            }
        }
        // A station with one lane group leaves that group's busy level to the station's own
        // (the same numbers, kept once on the hot path).
        for (st, stats) in self.model.stations.iter().zip(&mut self.stats.stations) {
            if st.single_group {
                stats.lanes[0].busy = stats.busy_servers;
            }
        }
        self.stats.window_end_ms = self.model.horizon_ms;
        self.stats.vehicles.in_system_at_end = self.live;
        self.stats.events = processed;
    }

    // ----- arrivals -----------------------------------------------------------------

    fn schedule_next_arrival(&mut self, source: usize) {
        let src = &self.model.sources[source];
        let horizon = self.model.horizon_ms;
        let at = match (&src.arrivals, &mut self.sources[source]) {
            (
                CompiledArrivals::Poisson {
                    interarrival_ms, ..
                },
                SourceState::Generated { rng, next_ms },
            ) => {
                *next_ms += interarrival_ms.sample(rng);
                SimTime::from_millis_f64(*next_ms)
            }
            (
                CompiledArrivals::Thinning {
                    candidate_ms,
                    peak_rate,
                    profile,
                    aligned,
                    ..
                },
                SourceState::Generated { rng, next_ms },
            ) => {
                // Thinning (Lewis & Shedler): candidates at the peak rate, each kept with
                // probability rate(t) / peak. Exact for any piecewise-constant profile. An
                // aligned source gives every candidate the same draws whether kept or not —
                // its time, its acceptance uniform, its vehicle seed (drawn in `on_arrival`
                // when kept, skipped here otherwise).
                loop {
                    *next_ms += candidate_ms.sample(rng);
                    let t = SimTime::from_millis_f64(*next_ms);
                    if t.as_millis() > horizon {
                        break t;
                    }
                    let keep = profile.rate_per_hour_at(t, self.model.start_weekday) / peak_rate;
                    if unit_f64(rng.next_u64()) < keep {
                        break t;
                    }
                    if *aligned {
                        rng.next_u64();
                    }
                }
            }
            (CompiledArrivals::Trace(rows), SourceState::Trace { next_row, .. }) => {
                match rows.get(*next_row) {
                    Some(row) => row.time,
                    None => return,
                }
            }
            _ => return,
        };
        if at.as_millis() <= horizon {
            self.events.schedule(
                at,
                Event::Arrival {
                    source: source as u32,
                },
            );
        }
    }

    fn on_arrival(&mut self, now: u64, source: usize) {
        let model = self.model;
        let src = &model.sources[source];
        // The source stream gives the vehicle its seed; everything else about the vehicle
        // comes from its own sub-streams, so skipping a draw a class does not need (one
        // programme, all green) never shifts the source's stream.
        let (rng, class, programme) = match (&src.arrivals, &mut self.sources[source]) {
            (CompiledArrivals::Poisson { class, .. }, SourceState::Generated { rng, .. })
            | (CompiledArrivals::Thinning { class, .. }, SourceState::Generated { rng, .. }) => {
                (rng, *class, None)
            }
            (CompiledArrivals::Trace(rows), SourceState::Trace { rng, next_row }) => {
                let row = rows[*next_row];
                *next_row += 1;
                (rng, row.class.0, row.programme.map(|p| p.0))
            }
            _ => return,
        };
        let seed = rng.next_u64();
        self.schedule_next_arrival(source);

        let c = class as usize;
        let shape = model.shape;
        let mut pre_lodged = false;
        let (programme, channel) = if model.degenerate_draws[c] && programme.is_none() {
            (0, Channel::Green)
        } else {
            let mut own = stage_rng(seed, ARRIVAL_SUBSTREAM);
            let u_programme = unit_f64(own.next_u64());
            let u_channel = unit_f64(own.next_u64());
            let u_random = unit_f64(own.next_u64());
            // Drawn last, so pre-arrival processing never changes programme or channel; the
            // pre-lodged at a share are among those pre-lodged at any larger share.
            pre_lodged = unit_f64(own.next_u64()) < model.pre_lodged_share[c];
            let programme = programme.unwrap_or_else(|| {
                let cdf = &model.programme_cdf[c];
                cdf.iter()
                    .position(|&bound| u_programme < bound)
                    .unwrap_or(cdf.len() - 1) as u8
            });
            let key = c * shape.programmes + programme as usize;
            let channel = if u_random < model.random_inspection[c] {
                Channel::Red
            } else {
                let [green, yellow] = model.channel_cdf[key];
                if u_channel < green {
                    Channel::Green
                } else if u_channel < yellow {
                    Channel::Yellow
                } else {
                    Channel::Red
                }
            };
            (programme, channel)
        };
        let key = c * shape.programmes + programme as usize;
        let serial = self.serial;
        self.serial += 1;
        let vehicle = Vehicle {
            seed,
            serial,
            arrived_ms: now,
            released_ms: NOT_RELEASED,
            class,
            key: key as u16,
            cell: shape.station_cell(c, programme as usize, channel.index()) as u16,
            programme,
            channel: channel as u8,
            direction: src.direction,
            logged: L::ENABLED && self.log.wants(serial),
            pre_lodged,
            ..Vehicle::default()
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.vehicles[id as usize] = vehicle;
                id
            }
            None => {
                self.vehicles.push(vehicle);
                (self.vehicles.len() - 1) as u32
            }
        };
        self.live += 1;
        self.stats.vehicles.arrived += 1;
        self.stats.classes[c].arrived += 1;
        self.stats.direction_arrivals[src.direction as usize] += 1;
        self.log_event(id, LogKind::Arrive, None, now);
        if model.released_on_arrival(pre_lodged, channel as u8, class) {
            self.vehicles[id as usize].released_ms = now;
            self.log_event(id, LogKind::Release, None, now);
        }
        self.enter_station(now, id, src.entry);
    }

    // ----- stations -----------------------------------------------------------------

    /// A vehicle reaches a station: it takes a free lane, joins the queue, waits upstream
    /// of a full queue, or balks.
    fn enter_station(&mut self, now: u64, id: u32, mut station: u32) {
        // Vehicles pass merged controls, and pre-lodged vehicles the stations they skip,
        // without stopping, taking the route they would have taken after service there.
        while self.model.stations[station as usize].pass_all
            || (self.vehicles[id as usize].pre_lodged
                && self.model.stations[station as usize].pre_lodged == PreLodged::Skip)
        {
            let next = self.pass_through(now, id, station);
            if next == EXIT {
                self.exit(now, id);
                return;
            }
            station = next;
        }
        let s = station as usize;
        self.stats.stations[s].entered += 1;
        let v = &mut self.vehicles[id as usize];
        v.queued_ms = now;
        let (key, length) = (v.key as usize, self.model.class_length_mm[v.class as usize]);
        let st = &self.stations[s];
        if st.outside.is_empty() {
            if let Some(g) = self.free_lane_for(s, key) {
                self.log_event(id, LogKind::Queue, Some(station), now);
                self.start_service(now, id, station, g);
                return;
            }
            if self.fits(s, length) {
                self.log_event(id, LogKind::Queue, Some(station), now);
                self.push_queue(now, id, s);
                return;
            }
        }
        match self.model.stations[s].when_full {
            WhenFull::Balk => self.balk(now, id, station),
            WhenFull::Spillback => {
                let st = &mut self.stations[s];
                st.outside.push_back(id);
                st.outside_mm += length;
                let stats = &mut self.stats.stations[s];
                stats.spilled += 1;
                stats.outside_vehicles.set(now, st.outside.len() as u64);
                stats.outside_length_cm.set(now, st.outside_mm / 10);
                self.log_event(id, LogKind::Spillback, Some(station), now);
            }
        }
    }

    /// A vehicle passes `station` without stopping (pre-lodged, or a merged control): its routing draw is the one
    /// service there would have used, it is released if the station releases; returns where
    /// it goes next.
    fn pass_through(&mut self, now: u64, id: u32, station: u32) -> u32 {
        let s = station as usize;
        let model_station = &self.model.stations[s];
        let v = &mut self.vehicles[id as usize];
        let mut rng = stage_stream(v, station, model_station.stream_key);
        let next = route(&model_station.routing[v.cell as usize], &mut rng);
        v.stage += 1;
        let release = model_station.releases && v.released_ms == NOT_RELEASED;
        if release {
            v.released_ms = now;
        }
        self.stats.stations[s].passed += 1;
        if release {
            self.log_event(id, LogKind::Release, Some(station), now);
        }
        next
    }

    #[inline]
    fn fits(&self, s: usize, length_mm: u64) -> bool {
        let st = &self.stations[s];
        match self.model.stations[s].limit {
            StorageLimit::Unlimited => true,
            StorageLimit::Vehicles(n) => st.queued < u64::from(n),
            // Whole millimetres on both sides, rounded alike, so a road exactly N vehicles
            // long holds N of them.
            StorageLimit::Metres(m) => st.queued_mm + length_mm <= metres_to_mm(m),
        }
    }

    /// A lane group with a free lane that may serve a vehicle of queue key `key`: its own
    /// lanes first, then lanes that share when idle.
    #[inline]
    fn free_lane_for(&self, s: usize, key: usize) -> Option<usize> {
        let groups = &self.model.stations[s].groups;
        let state = &self.stations[s].groups;
        let free = |g: usize| state[g].busy < state[g].open;
        (0..groups.len())
            .find(|&g| groups[g].eligible[key] && free(g))
            .or_else(|| (0..groups.len()).find(|&g| groups[g].share_when_idle && free(g)))
    }

    fn push_queue(&mut self, now: u64, id: u32, s: usize) {
        let v = &mut self.vehicles[id as usize];
        v.queue_seq = self.queue_seq;
        self.queue_seq += 1;
        let st = &mut self.stations[s];
        st.queues[v.key as usize].push_back(id);
        st.queued += 1;
        st.queued_mm += self.model.class_length_mm[v.class as usize];
        self.stats.stations[s].queue_length.set(now, st.queued);
    }

    /// The queue key lane group `g` serves next: highest priority, then first come; its own
    /// vehicles first, others only if it shares when idle (and `own_only` is false).
    fn next_key_for(&self, s: usize, g: usize, own_only: bool) -> Option<usize> {
        let group = &self.model.stations[s].groups[g];
        let st = &self.stations[s];
        let mut best: Option<(u8, u64, usize)> = None;
        let consider = |own_only: bool, best: &mut Option<(u8, u64, usize)>| {
            for (k, q) in st.queues.iter().enumerate() {
                if own_only && !group.eligible[k] {
                    continue;
                }
                if let Some(&v) = q.front() {
                    let prio = self.model.key_priority[k];
                    let seq = self.vehicles[v as usize].queue_seq;
                    let better = match *best {
                        None => true,
                        Some((bp, bs, _)) => prio > bp || (prio == bp && seq < bs),
                    };
                    if better {
                        *best = Some((prio, seq, k));
                    }
                }
            }
        };
        consider(true, &mut best);
        if best.is_none() && group.share_when_idle && !own_only {
            consider(false, &mut best);
        }
        best.map(|(_, _, k)| k)
    }

    /// Lets group `g` take waiting vehicles while it has free lanes, then lets vehicles
    /// waiting upstream in.
    fn fill_lanes(&mut self, now: u64, s: usize, g: usize) {
        self.take_waiting(now, s, g, false);
        self.admit_from_outside(now, s);
    }

    /// Lets group `g` take waiting vehicles (only its own with `own_only`) while it has free
    /// lanes.
    fn take_waiting(&mut self, now: u64, s: usize, g: usize, own_only: bool) {
        while self.stations[s].queued > 0
            && self.stations[s].groups[g].busy < self.stations[s].groups[g].open
        {
            let Some(key) = self.next_key_for(s, g, own_only) else {
                break;
            };
            let st = &mut self.stations[s];
            let Some(id) = st.queues[key].pop_front() else {
                break;
            };
            st.queued -= 1;
            let class = self.vehicles[id as usize].class as usize;
            st.queued_mm -= self.model.class_length_mm[class];
            self.stats.stations[s].queue_length.set(now, st.queued);
            self.start_service(now, id, s as u32, g);
        }
    }

    /// Moves vehicles waiting upstream into the facility while there is room.
    #[inline]
    fn admit_from_outside(&mut self, now: u64, s: usize) {
        if self.stations[s].outside.is_empty() {
            return;
        }
        self.admit_from_outside_slow(now, s);
    }

    fn admit_from_outside_slow(&mut self, now: u64, s: usize) {
        while let Some(&id) = self.stations[s].outside.front() {
            let (key, length) = {
                let v = &self.vehicles[id as usize];
                (v.key as usize, self.model.class_length_mm[v.class as usize])
            };
            let lane = self.free_lane_for(s, key);
            if lane.is_none() && !self.fits(s, length) {
                break;
            }
            let st = &mut self.stations[s];
            st.outside.pop_front();
            st.outside_mm -= length;
            let stats = &mut self.stats.stations[s];
            stats.outside_vehicles.set(now, st.outside.len() as u64);
            stats.outside_length_cm.set(now, st.outside_mm / 10);
            let v = &self.vehicles[id as usize];
            stats.time_outside.record(now - v.queued_ms);
            self.log_event(id, LogKind::Queue, Some(s as u32), now);
            match lane {
                Some(g) => self.start_service(now, id, s as u32, g),
                None => self.push_queue(now, id, s),
            }
        }
    }

    fn start_service(&mut self, now: u64, id: u32, station: u32, group: usize) {
        let s = station as usize;
        let model_station = &self.model.stations[s];
        let v = &mut self.vehicles[id as usize];
        let mut rng = stage_stream(v, station, model_station.stream_key);
        // The routing draw comes first and is always exactly one number, so a change of
        // service distribution here cannot change where the vehicle goes next.
        v.next = route(&model_station.routing[v.cell as usize], &mut rng);
        // Validation guarantees a sampler for every class that can reach this station.
        let mut service_ms = model_station.samplers[v.key as usize]
            .as_ref()
            .map_or(0.0, |d| d.sample_ms(&mut rng));
        if v.pre_lodged
            && let PreLodged::Scale(factor) = model_station.pre_lodged
        {
            // The same draw, scaled: the vehicle keeps its service quantile.
            service_ms *= factor;
        }
        v.group = group as u8;

        let stats = &mut self.stats.stations[s];
        let wait = now - v.queued_ms;
        stats.waits.record(v.cell as usize, wait);
        let st = &mut self.stations[s];
        if model_station.groups[group].rule.is_some() {
            st.rule_waits[group].push(wait);
        }
        let gs = &mut st.groups[group];
        gs.busy += 1;
        let lane = &mut stats.lanes[group];
        if !model_station.single_group {
            lane.busy.set(now, u64::from(gs.busy));
        }
        // Staffed = max(open, busy): it moves with `busy` only while a closed lane finishes.
        if gs.busy > gs.open {
            lane.staffed.set(now, u64::from(gs.busy));
        }
        stats.busy_servers.increment(now);
        self.events.schedule(
            SimTime(now) + SimTime::from_millis_f64(service_ms),
            Event::Departure {
                station,
                vehicle: id,
            },
        );
        self.log_event(id, LogKind::Start, Some(station), now);
    }

    fn on_departure(&mut self, now: u64, station: u32, id: u32) {
        let s = station as usize;
        let (group, cell, queued_ms) = {
            let v = &self.vehicles[id as usize];
            (v.group as usize, v.cell as usize, v.queued_ms)
        };
        {
            let stats = &mut self.stats.stations[s];
            stats.stages.record(cell, now - queued_ms);
            stats.served += 1;
            stats.busy_servers.decrement(now);
            let gs = &mut self.stations[s].groups[group];
            let lane = &mut stats.lanes[group];
            if gs.busy > gs.open {
                lane.staffed.set(now, u64::from((gs.busy - 1).max(gs.open)));
            }
            gs.busy -= 1;
            lane.served += 1;
            if !self.model.stations[s].single_group {
                lane.busy.set(now, u64::from(gs.busy));
            }
        }
        self.log_event(id, LogKind::End, Some(station), now);
        if self.model.stations[s].releases && self.vehicles[id as usize].released_ms == NOT_RELEASED
        {
            self.vehicles[id as usize].released_ms = now;
            self.log_event(id, LogKind::Release, Some(station), now);
        }
        // The freed lane takes the next vehicle before the departing one moves on, so a
        // vehicle routed back to this station queues behind those already waiting.
        self.fill_lanes(now, s, group);

        let v = &mut self.vehicles[id as usize];
        v.stage += 1;
        let next = v.next;
        if next == EXIT {
            self.exit(now, id);
        } else {
            self.enter_station(now, id, next);
        }
    }

    /// A schedule boundary of station `s`: applies every group's lanes and schedules the
    /// next boundary.
    fn on_lane_change(&mut self, now: u64, s: usize) {
        let at = SimTime(now);
        let weekday = self.model.start_weekday;
        let next_change = self.model.stations[s]
            .groups
            .iter()
            .filter(|g| g.rule.is_none())
            .filter_map(|g| g.schedule.next_change_after(at, weekday))
            .min();
        if let Some(next) = next_change {
            self.events
                .schedule(next, Event::LaneChange { station: s as u32 });
        }
        self.set_open_lanes(now, s);
    }

    /// A lane rule's review of group `g` of station `s`: the median wait of the vehicles the
    /// group began serving since the last review (or, if none, the wait so far of the
    /// longest-waiting vehicle it may serve) against the rule's band.
    fn on_lane_review(&mut self, now: u64, s: usize, g: usize) {
        let Some(rule) = self.model.stations[s].groups[g].rule else {
            return;
        };
        let wait = {
            let waits = &mut self.stations[s].rule_waits[g];
            if waits.is_empty() {
                self.longest_wait_for(now, s, g)
            } else {
                let mid = waits.len() / 2;
                let (_, median, _) = waits.select_nth_unstable(mid);
                *median
            }
        };
        self.stations[s].rule_waits[g].clear();
        let gs = &mut self.stations[s].groups[g];
        let lane = &mut self.stats.stations[s].lanes[g];
        if wait > rule.max_wait.as_millis() && gs.ruled < rule.max_lanes {
            gs.ruled += 1;
            lane.rule_openings += 1;
        } else if wait < rule.min_wait.as_millis() && gs.ruled > rule.min_lanes {
            gs.ruled -= 1;
            lane.rule_closings += 1;
        }
        self.events.schedule(
            SimTime(now) + rule.review,
            Event::LaneReview {
                station: s as u32,
                group: g as u8,
            },
        );
        if self.stations[s].groups[g].ruled != self.stations[s].groups[g].open {
            self.set_open_lanes(now, s);
        }
    }

    /// How long the longest-waiting vehicle that group `g` of station `s` serves has waited.
    fn longest_wait_for(&self, now: u64, s: usize, g: usize) -> u64 {
        let eligible = &self.model.stations[s].groups[g].eligible;
        self.stations[s]
            .queues
            .iter()
            .enumerate()
            .filter(|(k, _)| eligible[*k])
            .filter_map(|(_, q)| q.front())
            .map(|&v| now - self.vehicles[v as usize].queued_ms)
            .max()
            .unwrap_or(0)
    }

    /// Applies the lanes every group of station `s` should have open at `now` (by schedule
    /// or by lane rule), as one step: all groups change first, then each takes its own
    /// waiting vehicles, and only then do lanes that share when idle take others — so a
    /// sharing lane never takes a vehicle whose own lane opens at the same instant.
    fn set_open_lanes(&mut self, now: u64, s: usize) {
        let at = SimTime(now);
        let weekday = self.model.start_weekday;
        let groups = &self.model.stations[s].groups;
        for (g, group) in groups.iter().enumerate() {
            let open = match group.rule {
                Some(_) => self.stations[s].groups[g].ruled,
                None => group.schedule.servers_at(at, weekday),
            };
            let gs = &mut self.stations[s].groups[g];
            let stats = &mut self.stats.stations[s];
            let total = stats.open_servers.level() + u64::from(open) - u64::from(gs.open);
            gs.open = open;
            stats.open_servers.set(now, total);
            let lane = &mut stats.lanes[g];
            lane.open.set(now, u64::from(open));
            lane.staffed.set(now, u64::from(gs.busy.max(open)));
        }
        // Lanes that close finish their vehicle (busy may exceed open until they do); lanes
        // that open take waiting vehicles at once, their own first.
        for g in 0..groups.len() {
            self.take_waiting(now, s, g, true);
        }
        for (g, group) in groups.iter().enumerate() {
            if group.share_when_idle {
                self.take_waiting(now, s, g, false);
            }
        }
        self.admit_from_outside(now, s);
    }

    // ----- leaving ------------------------------------------------------------------

    fn exit(&mut self, now: u64, id: u32) {
        let v = self.vehicles[id as usize];
        let shape = self.model.shape;
        let cell = shape.system_cell(
            v.direction as usize,
            v.class as usize,
            v.programme as usize,
            v.channel as usize,
        );
        let released = if v.released_ms == NOT_RELEASED {
            now
        } else {
            v.released_ms
        };
        self.stats.exit.record(cell, now - v.arrived_ms);
        if v.pre_lodged {
            self.stats.pre_lodged_exits[v.direction as usize] += 1;
            if self
                .model
                .released_on_arrival(v.pre_lodged, v.channel, v.class)
            {
                self.stats.released_on_arrival[v.direction as usize] += 1;
            }
        }
        if self.model.any_release_station {
            self.stats.release.record(cell, released - v.arrived_ms);
        }
        let hour = hour_of_day(SimTime(v.arrived_ms));
        self.stats
            .release_by_hour
            .record(v.direction as usize * 24 + hour, released - v.arrived_ms);
        if self.model.hourly_exit_times {
            let by_class = (v.direction as usize * shape.classes + v.class as usize) * 24 + hour;
            self.stats.exit_by_hour[by_class].record(now - v.arrived_ms);
        }
        self.stats.classes[v.class as usize].departed += 1;
        self.stats.vehicles.departed += 1;
        self.log_event(id, LogKind::Exit, None, now);
        self.live -= 1;
        self.free.push(id);
    }

    fn balk(&mut self, now: u64, id: u32, station: u32) {
        let class = self.vehicles[id as usize].class as usize;
        self.stats.stations[station as usize].balked += 1;
        self.stats.classes[class].balked += 1;
        self.stats.vehicles.balked += 1;
        self.log_event(id, LogKind::Balk, Some(station), now);
        self.live -= 1;
        self.free.push(id);
    }

    #[inline]
    fn log_event(&mut self, id: u32, kind: LogKind, station: Option<u32>, now: u64) {
        if !L::ENABLED {
            return;
        }
        let v = &self.vehicles[id as usize];
        if v.logged {
            self.log.record(&LogRecord {
                vehicle: v.serial,
                class: ClassId(v.class),
                programme: ProgrammeId(v.programme),
                channel: Channel::from_index(v.channel as usize),
                direction: DirectionId(v.direction),
                kind,
                station: station.map(StationId),
                time: SimTime(now),
            });
        }
    }
}
