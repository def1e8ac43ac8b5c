//! The event loop for one replication.
//!
//! Hot-path rules: events are a small `Copy` enum; vehicles live in a slab reused through a
//! free list; queues are `VecDeque`s that keep their buffers; statistics are fixed-size. After
//! the first moments of a run nothing allocates per event.
//!
//! Randomness (common random numbers): each source has its own named stream, from which it
//! draws its inter-arrival times and, for each vehicle, one 64-bit *vehicle seed*. Everything
//! else about the vehicle — at each stage visited, its routing draw and its service time —
//! comes from a generator seeded by (vehicle seed, stage index). A change at one station
//! therefore never shifts the random numbers of any other vehicle or any other stage.

use std::collections::VecDeque;

use bordersim_des::{EventQueue, RandomStreams, SimTime, StreamRng, stage_rng};
use rand::Rng;
use rand_distr::{Distribution, Exp};

use crate::dist::Sampler;
use crate::scenario::{
    ArrivalProcess, ClassId, ModelError, Scenario, StationId, Target, branches_for,
};
use crate::stats::ReplicationStats;

/// Encodes [`Target::Exit`] in the compact routing tables.
const EXIT: u32 = u32::MAX;

/// A scenario prepared for fast simulation: distributions built, routing tables flattened.
/// Built once and shared (read-only) by every replication.
#[derive(Clone, Debug)]
pub struct CompiledScenario {
    horizon_ms: u64,
    warmup_ms: u64,
    class_count: usize,
    stations: Vec<CompiledStation>,
    sources: Vec<CompiledSource>,
}

#[derive(Clone, Debug)]
struct CompiledStation {
    servers: u32,
    /// Indexed by class; `None` where the class never comes.
    samplers: Vec<Option<Sampler>>,
    /// Indexed by class: (cumulative probability, target) with the last entry at 1.0.
    routing: Vec<Vec<(f64, u32)>>,
}

#[derive(Clone, Debug)]
struct CompiledSource {
    stream_name: String,
    class: u16,
    entry: u32,
    interarrival_ms: Exp<f64>,
}

impl CompiledScenario {
    pub fn new(scenario: &Scenario) -> Result<Self, ModelError> {
        let crossing = &scenario.crossing;
        let class_count = crossing.class_count();
        let mut stations = Vec::with_capacity(crossing.stations().len());
        for (i, st) in crossing.stations().iter().enumerate() {
            let station = StationId(i as u32);
            let mut samplers = Vec::with_capacity(class_count);
            let mut routing = Vec::with_capacity(class_count);
            for c in 0..class_count {
                let class = ClassId(c as u16);
                samplers.push(match st.service.get(c) {
                    Some(Some(d)) => Some(d.sampler().map_err(|e| ModelError::BadServiceTime {
                        station,
                        class,
                        reason: e.0,
                    })?),
                    _ => None,
                });
                let mut table = Vec::new();
                let mut cumulative = 0.0;
                for r in branches_for(&st.routes, class) {
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
                    // Probabilities sum to 1 within a tolerance; make the last bound exact so
                    // every draw in [0, 1) finds a branch.
                    Some(last) => last.0 = f64::INFINITY,
                    None => table.push((f64::INFINITY, EXIT)),
                }
                routing.push(table);
            }
            stations.push(CompiledStation {
                servers: st.servers,
                samplers,
                routing,
            });
        }
        let sources = crossing
            .sources()
            .iter()
            .enumerate()
            .map(|(i, src)| {
                let ArrivalProcess::Poisson { rate_per_hour } = src.arrivals;
                let rate_per_ms = rate_per_hour / SimTime::MS_PER_HOUR as f64;
                let interarrival_ms =
                    Exp::new(rate_per_ms).map_err(|_| ModelError::BadArrivalRate {
                        source: i,
                        rate_per_hour,
                    })?;
                Ok(CompiledSource {
                    stream_name: format!("source/{}", src.id),
                    class: src.class.0,
                    entry: src.entry.0,
                    interarrival_ms,
                })
            })
            .collect::<Result<Vec<_>, ModelError>>()?;
        Ok(CompiledScenario {
            horizon_ms: scenario.horizon.as_millis(),
            warmup_ms: scenario
                .warmup
                .as_millis()
                .min(scenario.horizon.as_millis()),
            class_count,
            stations,
            sources,
        })
    }

    pub fn station_count(&self) -> usize {
        self.stations.len()
    }
}

#[derive(Clone, Copy, Debug)]
enum Event {
    Arrival { source: u32 },
    Departure { station: u32, vehicle: u32 },
    WarmupEnd,
}

#[derive(Clone, Copy, Debug, Default)]
struct Vehicle {
    seed: u64,
    arrived_ms: u64,
    queued_ms: u64,
    /// Global order of joining a queue: FIFO across the per-class queues of a station.
    queue_seq: u64,
    /// Where the vehicle goes after its current service (station index or [`EXIT`]).
    next: u32,
    stage: u32,
    class: u16,
}

#[derive(Debug)]
struct StationState {
    busy: u32,
    open: u32,
    queued: u64,
    /// One FIFO per class, so that lanes restricted to some classes and priority classes
    /// need no scan of a mixed queue.
    queues: Vec<VecDeque<u32>>,
}

impl StationState {
    /// The class whose head vehicle joined the queue first.
    #[inline]
    fn next_class(&self, vehicles: &[Vehicle]) -> Option<usize> {
        let mut best: Option<(u64, usize)> = None;
        for (c, q) in self.queues.iter().enumerate() {
            if let Some(&v) = q.front() {
                let seq = vehicles[v as usize].queue_seq;
                if best.is_none_or(|(s, _)| seq < s) {
                    best = Some((seq, c));
                }
            }
        }
        best.map(|(_, c)| c)
    }
}

struct SourceState {
    rng: StreamRng,
    /// Exact (unrounded) time of the next arrival, so rounding to the 1 ms clock never
    /// accumulates along the stream.
    next_ms: f64,
}

struct Engine<'a> {
    model: &'a CompiledScenario,
    events: EventQueue<Event>,
    vehicles: Vec<Vehicle>,
    free: Vec<u32>,
    live: u64,
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
    let streams = RandomStreams::new(seed, replication);
    let servers: Vec<u32> = model.stations.iter().map(|s| s.servers).collect();
    let mut engine = Engine {
        model,
        events: EventQueue::with_capacity(1024),
        vehicles: Vec::with_capacity(1024),
        free: Vec::with_capacity(1024),
        live: 0,
        queue_seq: 0,
        stations: model
            .stations
            .iter()
            .map(|s| StationState {
                busy: 0,
                open: s.servers,
                queued: 0,
                queues: (0..model.class_count)
                    .map(|_| VecDeque::with_capacity(64))
                    .collect(),
            })
            .collect(),
        sources: model
            .sources
            .iter()
            .map(|s| SourceState {
                rng: streams.stream(&s.stream_name),
                next_ms: 0.0,
            })
            .collect(),
        stats: ReplicationStats::new(replication, model.class_count, &servers),
    };
    engine.run();
    engine.stats
}

impl Engine<'_> {
    fn run(&mut self) {
        let horizon = SimTime(self.model.horizon_ms);
        if self.model.warmup_ms > 0 {
            self.events
                .schedule(SimTime(self.model.warmup_ms), Event::WarmupEnd);
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
                Event::WarmupEnd => self.stats.reset(now, self.live),
            }
        }
        self.stats.window_end_ms = self.model.horizon_ms;
        self.stats.vehicles.in_system_at_end = self.live;
        self.stats.events = processed;
    }

    fn schedule_next_arrival(&mut self, source: usize) {
        let src = &self.model.sources[source];
        let state = &mut self.sources[source];
        state.next_ms += src.interarrival_ms.sample(&mut state.rng);
        let at = SimTime::from_millis_f64(state.next_ms);
        if at.as_millis() <= self.model.horizon_ms {
            self.events.schedule(
                at,
                Event::Arrival {
                    source: source as u32,
                },
            );
        }
    }

    fn on_arrival(&mut self, now: u64, source: usize) {
        let src = &self.model.sources[source];
        let seed = self.sources[source].rng.next_u64();
        let (class, entry) = (src.class, src.entry);
        self.schedule_next_arrival(source);

        let vehicle = Vehicle {
            seed,
            arrived_ms: now,
            class,
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
        self.stats.classes[class as usize].arrived += 1;
        self.enter_station(now, id, entry);
    }

    fn enter_station(&mut self, now: u64, id: u32, station: u32) {
        let st = &mut self.stations[station as usize];
        let stats = &mut self.stats.stations[station as usize];
        stats.entered += 1;
        let v = &mut self.vehicles[id as usize];
        v.queued_ms = now;
        if st.busy < st.open && st.queued == 0 {
            self.start_service(now, id, station);
        } else {
            v.queue_seq = self.queue_seq;
            self.queue_seq += 1;
            st.queues[v.class as usize].push_back(id);
            st.queued += 1;
            stats.queue_length.set(now, st.queued);
        }
    }

    fn start_service(&mut self, now: u64, id: u32, station: u32) {
        let model_station = &self.model.stations[station as usize];
        let v = &mut self.vehicles[id as usize];
        let class = v.class as usize;
        let mut rng = stage_rng(v.seed, v.stage);
        // The routing draw comes first and is always exactly one number, so a change of
        // service distribution here cannot change where the vehicle goes next.
        let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        let routing = &model_station.routing[class];
        v.next = routing
            .iter()
            .find(|(bound, _)| u < *bound)
            .map_or(EXIT, |&(_, to)| to);
        // Validation guarantees a sampler for every class that can reach this station.
        let service_ms = model_station.samplers[class]
            .as_ref()
            .map_or(0.0, |s| s.sample_ms(&mut rng));

        let stats = &mut self.stats.stations[station as usize];
        stats.wait_by_class[class].record(now - v.queued_ms);
        let st = &mut self.stations[station as usize];
        st.busy += 1;
        stats.busy_servers.set(now, u64::from(st.busy));
        self.events.schedule(
            SimTime(now) + SimTime::from_millis_f64(service_ms),
            Event::Departure {
                station,
                vehicle: id,
            },
        );
    }

    fn on_departure(&mut self, now: u64, station: u32, id: u32) {
        let s = station as usize;
        {
            let st = &mut self.stations[s];
            let stats = &mut self.stats.stations[s];
            st.busy -= 1;
            stats.busy_servers.set(now, u64::from(st.busy));
            stats.served += 1;
        }
        // The freed server takes the next vehicle before the departing one moves on, so a
        // vehicle routed back to this station queues behind those already waiting.
        self.serve_from_queue(now, station);

        let v = &mut self.vehicles[id as usize];
        v.stage += 1;
        let next = v.next;
        if next == EXIT {
            let class = v.class as usize;
            let time_in_system = now - v.arrived_ms;
            let cs = &mut self.stats.classes[class];
            cs.time_in_system.record(time_in_system);
            cs.departed += 1;
            self.stats.vehicles.departed += 1;
            self.live -= 1;
            self.free.push(id);
        } else {
            self.enter_station(now, id, next);
        }
    }

    fn serve_from_queue(&mut self, now: u64, station: u32) {
        let st = &mut self.stations[station as usize];
        if st.busy >= st.open || st.queued == 0 {
            return;
        }
        let Some(class) = st.next_class(&self.vehicles) else {
            return;
        };
        let Some(id) = st.queues[class].pop_front() else {
            return;
        };
        st.queued -= 1;
        self.stats.stations[station as usize]
            .queue_length
            .set(now, st.queued);
        self.start_service(now, id, station);
    }
}
