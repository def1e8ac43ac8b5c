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
//! visit number); visit numbers count each station's visits exactly, with no limit on
//! stations or visits (see `visits`).
//! A policy change at one station therefore never shifts the random numbers of any other
//! vehicle or any other stage.
//!
//! Same instant: at any instant, the end of the warm-up comes first, then schedule
//! boundaries, then lane-rule reviews, then departures and arrivals (these two in the order
//! they were scheduled) — whatever the order the events were scheduled in. A lane that a
//! schedule closes at 02:00 is closed for a vehicle that arrives, or is freed to start, at
//! 02:00; a vehicle arriving at a lane's opening instant finds it open. Each event's class in
//! the queue key ([`Event::class`]) enforces this.
//!
//! Run window: the half-open [0, horizon). An event exactly at the horizon is not processed:
//! a trace row or arrival at the horizon is not replayed, a lane opening at the horizon
//! starts nothing, a service ending at the horizon leaves its vehicle in the system.
//!
//! Lanes: a station's servers come in lane groups, each serving some vehicle kinds and
//! following its own schedule. Invariant: a free lane never coexists with a waiting vehicle
//! it may serve — every time a lane frees or opens it takes the best waiting vehicle
//! (highest class priority, then first come), and an arriving vehicle takes a free lane if
//! one may serve it.
//!
//! The event loop and the vehicle's way out are here; the rest by concern: `compile` (the
//! scenario turned into tables), `arrivals` (sources), `service` (reaching a station,
//! service, departure), `lanes` (which vehicle a lane takes, schedules and lane rules),
//! `visits` (visit numbers).

mod abandonment;
mod appointments;
mod arrivals;
#[cfg(test)]
mod blocking_tests;
mod compile;
mod lanes;
#[cfg(test)]
mod operations_tests;
mod service;
#[cfg(test)]
mod tests;
mod visits;

use std::collections::VecDeque;

use bordersim_des::{
    EventQueue, RandomStreams, Scheduled, SimTime, StageRng, StreamRng, stage_rng,
};
use rand::Rng;

use crate::log::{LogKind, LogRecord, NoLog, VehicleLog};
use crate::population::Channel;
use crate::scenario::{ClassId, DirectionId, ProgrammeId, StationId};
use crate::schedule::hour_of_day;
use crate::stats::ReplicationStats;

use compile::CompiledArrivals;
pub use compile::CompiledScenario;
use visits::VisitOverflow;

/// Encodes [`Target::Exit`](crate::Target::Exit) in the compact routing tables.
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

#[inline]
fn unit_f64(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
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
    /// A scenario event on a station starts, ends, or (a date-specific schedule) reaches
    /// an hour boundary: the station's lanes and service factors are set afresh.
    Disruption {
        index: u32,
    },
    /// A lane rule looks at the wait of a lane group and may open or close a lane.
    LaneReview {
        station: u32,
        group: u8,
    },
    WarmupEnd,
    /// A booked vehicle's slot comes: it leaves the waiting area for the station.
    CallForward {
        vehicle: u32,
        appointment: u32,
    },
    /// A queued vehicle's patience runs out (ignored unless it is still in the queue it
    /// joined: `stamp` is the low half of that join's `queue_seq`).
    Abandon {
        vehicle: u32,
        stamp: u32,
    },
}

impl Event {
    /// The event's class in the queue key: at one instant, lower classes fire first. The
    /// warm-up's end opens the observed window before anything else of its instant happens;
    /// lanes change (schedule boundaries, then lane-rule reviews, which see the lanes the
    /// schedule gives) before any vehicle of that instant arrives or starts service.
    #[inline(always)]
    fn class(&self) -> u8 {
        match self {
            Event::WarmupEnd => 0,
            Event::LaneChange { .. } | Event::Disruption { .. } => 1,
            Event::LaneReview { .. } => 2,
            // After the departures of its instant: a lane freed then is free for it.
            Event::CallForward { .. } => 4,
            Event::Arrival { .. } | Event::Departure { .. } | Event::Abandon { .. } => 3,
        }
    }
}

/// The future event list: each event goes in at the class its kind gives it, so the
/// same-instant rule cannot depend on where in the engine an event is scheduled.
#[derive(Debug)]
struct Events(EventQueue<Event>);

impl Events {
    /// Schedules `event` at `time` (clamped to now) in its class.
    #[inline(always)]
    fn schedule(&mut self, time: SimTime, event: Event) {
        self.0.schedule_in_class(time, event.class(), event);
    }

    /// The next event strictly before `end`.
    #[inline(always)]
    fn pop_before(&mut self, end: SimTime) -> Option<Scheduled<Event>> {
        self.0.pop_before(end)
    }
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
    /// Visits so far to each station of index < 32, four bits each (saturating at 15; the
    /// count goes on in the slot's [`VisitOverflow`]).
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
    /// The station whose queue it last joined (read when its patience runs out).
    waiting_at: u32,
}

#[derive(Debug, Default, Clone, Copy)]
struct GroupState {
    open: u32,
    busy: u32,
    /// Lanes a lane rule wants open (groups under a rule only).
    ruled: u32,
}

/// "Holds no lane": a vehicle waiting on the road, not in another station's lane.
const NO_LANE: u32 = u32::MAX;

/// A vehicle waiting upstream of a full storage: on the road, or (blocking after service)
/// still in the lane of station `held` where it was served.
#[derive(Clone, Copy, Debug)]
struct Upstream {
    vehicle: u32,
    /// The station whose lane it holds, or [`NO_LANE`].
    held: u32,
}

/// One storage of a station (its own, or a lane group's own approach): the vehicles queued
/// in it and the first-come line upstream of it.
#[derive(Debug, Default)]
struct AreaState {
    queued: u64,
    queued_mm: u64,
    /// Vehicles waiting upstream of it when full, in the order they came.
    outside: VecDeque<Upstream>,
    /// Of those, the ones on the road (not holding a lane elsewhere), and their length.
    road: u64,
    road_mm: u64,
}

#[derive(Debug)]
struct StationState {
    groups: Vec<GroupState>,
    /// One FIFO per queue key, so that dedicated lanes and priorities need no scan of a
    /// mixed queue.
    queues: Vec<VecDeque<u32>>,
    /// Vehicles queued, every storage together.
    queued: u64,
    /// The station's storage, then each lane group's own (as compiled).
    areas: Vec<AreaState>,
    /// Vehicles waiting upstream of any of its storages.
    upstream: u64,
    /// Per lane group under a lane rule: waits (ms) of the vehicles it started serving since
    /// the last review. Cleared, never shrunk: no allocation once grown.
    rule_waits: Vec<Vec<u64>>,
    /// Per lane group: the factor on service times of the slowdowns in force (1 if none).
    slowdown: Vec<f64>,
    /// Per lane group: lanes out of service by the outages in force (`u32::MAX`: all).
    out: Vec<u32>,
    /// Per lane group: the date-specific schedule in force (its disruption's index).
    schedule_override: Vec<Option<u32>>,
}

enum SourceState {
    Generated { rng: StreamRng, next_ms: f64 },
    Trace { rng: StreamRng, next_row: usize },
}

struct Engine<'a, L: VehicleLog> {
    model: &'a CompiledScenario,
    log: &'a mut L,
    events: Events,
    vehicles: Vec<Vehicle>,
    /// Per vehicle slot: visit counts beyond the vehicle's nibbles. Grown only when a vehicle
    /// first needs it; a list is cleared when the next vehicle of its slot first uses it,
    /// never shrunk.
    visit_overflow: Vec<VisitOverflow>,
    free: Vec<u32>,
    live: u64,
    serial: u64,
    queue_seq: u64,
    stations: Vec<StationState>,
    sources: Vec<SourceState>,
    /// The random stream of each standing queue at time zero.
    initial: Vec<StreamRng>,
    stats: ReplicationStats,
    /// When the run stopped with more vehicles in the crossing than it may hold.
    stopped_ms: Option<u64>,
    /// When vehicles in the crossing are counted ([`growth_sample_times`]), and how many
    /// counts are taken.
    sample_ms: [u64; 3],
    samples_taken: usize,
    /// Per booking system: its slots and waiting area.
    bookings: Vec<appointments::Booking>,
}

/// Simulates replication `replication` of `model` with master seed `seed`.
///
/// The result depends only on (model, seed, replication): never on the thread that runs it
/// or on other replications. A run that comes to hold more vehicles than the crossing's
/// [`max_in_system`](crate::Crossing::max_in_system) stops there: see [`stopped_at_cap`].
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
        events: Events(EventQueue::with_capacity(1024)),
        vehicles: Vec::with_capacity(1024),
        visit_overflow: Vec::new(),
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
                areas: s.areas.iter().map(|_| AreaState::default()).collect(),
                upstream: 0,
                rule_waits: vec![Vec::new(); s.groups.len()],
                slowdown: vec![1.0; s.groups.len()],
                out: vec![0; s.groups.len()],
                schedule_override: vec![None; s.groups.len()],
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
        initial: model
            .initial
            .iter()
            .map(|q| streams.stream(&q.stream_name))
            .collect(),
        stats: ReplicationStats::new(replication, model.shape, &groups)
            .with_series(model.series_bin_ms, model.horizon_ms),
        stopped_ms: None,
        sample_ms: growth_sample_times(SimTime(model.warmup_ms), SimTime(model.horizon_ms))
            .map(SimTime::as_millis),
        samples_taken: 0,
        bookings: appointments::bookings(model),
    };
    engine.stats.appointments = appointments::stats(model);
    engine.run();
    engine.stats
}

/// When a replication was stopped because more vehicles than the crossing may hold were in
/// it at once (an unstable model: arrivals faster than the crossing can serve), `None` when
/// it ran to its horizon. Its statistics then cover only the window up to that time.
pub fn stopped_at_cap(model: &CompiledScenario, stats: &ReplicationStats) -> Option<SimTime> {
    (stats.window_end_ms < model.horizon_ms).then_some(SimTime(stats.window_end_ms))
}

/// The three times in-system counts are taken
/// ([`ReplicationStats::in_system_samples`]): after one, two and three equal steps from the
/// end of the warm-up, each step a whole number of weeks when the window holds three weeks
/// or more, of days when it holds three days or more (so that every count falls at the same
/// time of the week, or of the day, as the warm-up's end: profiles and schedules repeat),
/// and a third of the window otherwise. The last is at most the horizon.
pub fn growth_sample_times(warmup: SimTime, horizon: SimTime) -> [SimTime; 3] {
    const MS_PER_WEEK: u64 = 7 * SimTime::MS_PER_DAY;
    let window = horizon.as_millis().saturating_sub(warmup.as_millis());
    let third = window / 3;
    let step = if third >= MS_PER_WEEK {
        third / MS_PER_WEEK * MS_PER_WEEK
    } else if third >= SimTime::MS_PER_DAY {
        third / SimTime::MS_PER_DAY * SimTime::MS_PER_DAY
    } else {
        third
    };
    [1, 2, 3].map(|k| SimTime(warmup.as_millis() + k * step))
}

impl<L: VehicleLog> Engine<'_, L> {
    /// Counts the vehicles in the crossing for every sample time up to `now` (before the
    /// events of `now`: the count at those times) and returns the next sample time.
    #[cold]
    #[inline(never)]
    fn sample_in_system(&mut self, now: u64) -> u64 {
        while self.samples_taken < 3 && self.sample_ms[self.samples_taken] <= now {
            self.stats.in_system_samples[self.samples_taken] = self.live;
            self.samples_taken += 1;
        }
        self.sample_ms
            .get(self.samples_taken)
            .copied()
            .unwrap_or(u64::MAX)
    }

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
        for (i, d) in self.model.disruptions.iter().enumerate() {
            for at in [d.from_ms, d.to_ms] {
                if at < self.model.horizon_ms {
                    self.events
                        .schedule(SimTime(at), Event::Disruption { index: i as u32 });
                }
            }
        }
        // Standing queues at time zero: after the lanes open, before any arrival.
        for q in 0..self.model.initial.len() {
            self.place_initial_queue(q);
        }
        for s in 0..self.sources.len() {
            self.schedule_next_arrival(s);
        }
        let mut processed: u64 = 0;
        let mut next_sample_ms = self.sample_ms[0];
        // The half-open window [0, horizon): nothing at the horizon itself is processed.
        while let Some(ev) = self.events.pop_before(horizon) {
            processed += 1;
            let now = ev.time.as_millis();
            if now >= next_sample_ms {
                next_sample_ms = self.sample_in_system(now);
            }
            match ev.event {
                Event::Arrival { source } => self.on_arrival(now, source as usize),
                Event::Departure { station, vehicle } => self.on_departure(now, station, vehicle),
                Event::LaneChange { station } => self.on_lane_change(now, station as usize),
                Event::Disruption { index } => self.on_disruption(now, index as usize),
                Event::LaneReview { station, group } => {
                    self.on_lane_review(now, station as usize, group as usize)
                }
                Event::WarmupEnd => self.stats.reset(now, self.live),
                Event::CallForward {
                    vehicle,
                    appointment,
                } => self.on_call_forward(now, vehicle, appointment),
                Event::Abandon { vehicle, stamp } => self.on_abandon(now, vehicle, stamp),
            }
        }
        // A station with one lane group leaves that group's busy level to the station's own
        // (the same numbers, kept once on the hot path).
        for (st, stats) in self.model.stations.iter().zip(&mut self.stats.stations) {
            if st.single_group {
                stats.lanes[0].busy = stats.busy_servers;
            }
        }
        // A run stopped at the vehicle cap ends its window there (see `stopped_at_cap`).
        self.stats.window_end_ms = self.stopped_ms.unwrap_or(self.model.horizon_ms);
        self.stats.vehicles.in_system_at_end = self.live;
        self.sample_in_system(u64::MAX);
        self.stats.events = processed;
    }

    /// The generator of vehicle `id`'s visit to `station` (whose name hashes to
    /// `stream_key`), counting the visit. Keyed by the station's name and the visit number,
    /// not by the position on the route: adding, removing or reordering stations leaves the
    /// draws at every other station unchanged.
    #[inline]
    fn stage_stream(&mut self, id: u32, station: u32, stream_key: u64) -> StageRng {
        let v = &mut self.vehicles[id as usize];
        let seed = v.seed;
        let visit = match visits::nibble_visit(&mut v.visits, station) {
            Some(visit) => visit,
            None => self.overflow_visit(id, station),
        };
        stage_rng(seed, visits::stage_index(stream_key, visit))
    }

    /// A visit the vehicle record's four-bit counts cannot hold: counted in the slot's list.
    #[cold]
    #[inline(never)]
    fn overflow_visit(&mut self, id: u32, station: u32) -> u64 {
        let serial = self.vehicles[id as usize].serial;
        visits::overflow_visit(
            visits::slot_list(&mut self.visit_overflow, id, serial),
            station,
        )
    }

    /// The vehicle leaves the crossing: its times are recorded and its slot freed.
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
        if self.model.record_release {
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
