//! An audit of every dispatching decision: on a crossing that mixes lane schedules with
//! closures, dedicated lanes that share and lanes that do not, priority classes, a queue
//! limited in metres with spillback and a downstream station, the vehicle log is replayed
//! and each Start is checked against the lane rules (ARCHITECTURE.md, "Invariants"):
//!
//! - a vehicle starts only on a lane that is open and free, of a group that serves it, or
//!   that shares when idle; its own groups first, then sharing ones;
//! - the lane takes the best waiting vehicle it may serve: its own vehicles first (highest
//!   class priority, then first come), others only if none of its own waits;
//! - at every instant (after each event time and at each hour boundary), no open free lane
//!   coexists with a waiting vehicle it may serve, and vehicles wait upstream only while the
//!   head of the road queue can neither start nor fit in the queue;
//! - the road queue upstream is FIFO and nobody overtakes it.
//!
//! The lane group of each service is inferred from the rules (when several groups have a
//! free lane, the one the vehicle prefers takes it, as the engine does); the number of
//! services per group must equal the engine's own `lanes[g].served` exactly, and the
//! vehicles queued, busy and upstream at the horizon must equal the engine's levels.

use std::collections::{BTreeMap, VecDeque};

use bordersim_des::SimTime;
use bordersim_model::{
    Channel, ClassId, LaneGroup, LaneSchedule, LogKind, LogRecord, Population, Programme,
    ProgrammeId, ReplicationStats, Scenario, Source, Station, StationId, Storage, StorageLimit,
    Target, VehicleClass, VehicleFilter, WhenFull,
};
use bordersim_tests::{channels, lanes, profile_source, programmes, route, scenario_with};

use crate::support::{exponential, logged, verbose};

/// A vehicle in a station's queue.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    vehicle: u64,
    class: ClassId,
    programme: ProgrammeId,
    /// Order of joining the queue.
    seq: u64,
}

#[derive(Default)]
struct StationAudit {
    busy: Vec<u64>,
    served: Vec<u64>,
    group_of: BTreeMap<u64, usize>,
    waiting: Vec<Waiting>,
    outside: VecDeque<(u64, ClassId, ProgrammeId)>,
    seq: u64,
    /// Services started on a lane of a group the vehicle does not belong to.
    shared_starts: u64,
    /// Starts that overtook an earlier vehicle of lower priority.
    priority_overtakes: u64,
}

struct Audit<'a> {
    scenario: &'a Scenario,
    stations: Vec<StationAudit>,
}

fn eligible(group: &LaneGroup, class: ClassId, programme: ProgrammeId) -> bool {
    group
        .serves
        .classes
        .as_ref()
        .is_none_or(|c| c.contains(&class))
        && group
            .serves
            .programmes
            .as_ref()
            .is_none_or(|p| p.contains(&programme))
}

impl<'a> Audit<'a> {
    fn new(scenario: &'a Scenario) -> Self {
        let stations = scenario
            .crossing
            .stations()
            .iter()
            .map(|st| StationAudit {
                busy: vec![0; st.lanes.len()],
                served: vec![0; st.lanes.len()],
                ..StationAudit::default()
            })
            .collect();
        Audit { scenario, stations }
    }

    fn open(&self, s: usize, g: usize, t: SimTime) -> u64 {
        let group = &self.scenario.crossing.stations()[s].lanes[g];
        u64::from(group.schedule.servers_at(t, self.scenario.start_weekday))
    }

    fn priority(&self, class: ClassId) -> u8 {
        self.scenario.population().classes[class.index()].priority
    }

    fn length_mm(&self, class: ClassId) -> u64 {
        (self.scenario.population().classes[class.index()].length_m * 1000.0).round() as u64
    }

    /// Whether group `g` may take a vehicle of (class, programme): its own, or any if it
    /// shares.
    fn may_serve(&self, s: usize, g: usize, class: ClassId, programme: ProgrammeId) -> bool {
        let group = &self.scenario.crossing.stations()[s].lanes[g];
        group.share_when_idle || eligible(group, class, programme)
    }

    /// The group that gives a free lane to a vehicle: its own groups first, then those that
    /// share, in order.
    fn free_group(
        &self,
        s: usize,
        t: SimTime,
        class: ClassId,
        programme: ProgrammeId,
    ) -> Option<usize> {
        // The engine's preference (`LaneGroup` docs): own lanes before borrowed ones, the
        // group serving the fewest kinds of vehicle, the lowest busy / open, more lanes open.
        let groups = &self.scenario.crossing.stations()[s].lanes;
        let population = self.scenario.crossing.population();
        let kinds = |g: usize| {
            (0..population.classes.len())
                .flat_map(|c| (0..population.programmes.len()).map(move |p| (c, p)))
                .filter(|&(c, p)| eligible(&groups[g], ClassId(c as u16), ProgrammeId(p as u8)))
                .count()
        };
        let busy = |g: usize| self.stations[s].busy[g];
        let open = |g: usize| self.open(s, g, t);
        (0..groups.len())
            .filter(|&g| busy(g) < open(g))
            .filter(|&g| eligible(&groups[g], class, programme) || groups[g].share_when_idle)
            .min_by(|&a, &b| {
                let key = |g: usize| (!eligible(&groups[g], class, programme), kinds(g));
                key(a)
                    .cmp(&key(b))
                    .then((busy(a) * open(b)).cmp(&(busy(b) * open(a))))
                    .then(open(b).cmp(&open(a)))
            })
    }

    fn fits(&self, s: usize, class: ClassId) -> bool {
        let st = &self.stations[s];
        match self.scenario.crossing.stations()[s].storage.limit {
            StorageLimit::Unlimited => true,
            StorageLimit::Vehicles(n) => (st.waiting.len() as u64) < u64::from(n),
            StorageLimit::Metres(m) => {
                let mm: u64 = st.waiting.iter().map(|w| self.length_mm(w.class)).sum();
                (mm + self.length_mm(class)) as f64 <= m * 1000.0
            }
        }
    }

    fn record(&mut self, r: &LogRecord) {
        let Some(s) = r.station.map(StationId::index) else {
            return;
        };
        let what = format!("vehicle {} at station {s}, {:?}", r.vehicle, r.time);
        match r.kind {
            LogKind::Spillback => {
                let full = !self.fits(s, r.class);
                let lane = self.free_group(s, r.time, r.class, r.programme);
                let st = &mut self.stations[s];
                assert!(
                    !st.outside.is_empty() || (full && lane.is_none()),
                    "{what}: spilled back with room or a free lane"
                );
                st.outside.push_back((r.vehicle, r.class, r.programme));
            }
            LogKind::Queue => {
                let st = &mut self.stations[s];
                match st.outside.front() {
                    Some(&(v, _, _)) if v == r.vehicle => {
                        st.outside.pop_front();
                    }
                    _ => assert!(st.outside.is_empty(), "{what}: overtakes the road queue"),
                }
                st.waiting.push(Waiting {
                    vehicle: r.vehicle,
                    class: r.class,
                    programme: r.programme,
                    seq: st.seq,
                });
                st.seq += 1;
            }
            LogKind::Start => self.start(s, r, &what),
            LogKind::End => {
                let st = &mut self.stations[s];
                let g = st.group_of.remove(&r.vehicle).expect("in service");
                st.busy[g] -= 1;
                st.served[g] += 1;
            }
            _ => {}
        }
    }

    fn start(&mut self, s: usize, r: &LogRecord, what: &str) {
        let i = self.stations[s]
            .waiting
            .iter()
            .position(|w| w.vehicle == r.vehicle)
            .expect("a vehicle starts after joining the queue");
        let me = self.stations[s].waiting.remove(i);
        let Some(g) = self.free_group(s, r.time, r.class, r.programme) else {
            panic!("{what}: starts with no free open lane that may serve it");
        };
        let group = &self.scenario.crossing.stations()[s].lanes[g];
        let own = eligible(group, r.class, r.programme);
        let beats = |w: &Waiting| {
            let (pw, pm) = (self.priority(w.class), self.priority(me.class));
            pw > pm || (pw == pm && w.seq < me.seq)
        };
        for w in &self.stations[s].waiting {
            let w_own = eligible(group, w.class, w.programme);
            if own {
                assert!(
                    !(w_own && beats(w)),
                    "{what}: lane group {g} takes it before vehicle {} (priority {}, earlier)",
                    w.vehicle,
                    self.priority(w.class)
                );
            } else {
                assert!(
                    !w_own,
                    "{what}: lane group {g} takes another's vehicle while its own vehicle {} waits",
                    w.vehicle
                );
                assert!(!beats(w), "{what}: shared lane skips vehicle {}", w.vehicle);
            }
        }
        let overtook = self.stations[s]
            .waiting
            .iter()
            .any(|w| w.seq < me.seq && self.priority(w.class) < self.priority(me.class));
        let st = &mut self.stations[s];
        st.priority_overtakes += u64::from(overtook);
        st.shared_starts += u64::from(!own);
        st.busy[g] += 1;
        st.group_of.insert(r.vehicle, g);
    }

    /// Work conservation and the road queue at instant `t` (after every event at `t`).
    fn check(&self, t: SimTime) {
        for (s, st) in self.stations.iter().enumerate() {
            for g in 0..st.busy.len() {
                if st.busy[g] < self.open(s, g, t)
                    && let Some(w) = st
                        .waiting
                        .iter()
                        .find(|w| self.may_serve(s, g, w.class, w.programme))
                {
                    panic!(
                        "station {s}, {t:?}: lane group {g} has a free lane ({} busy of {}) \
                             while vehicle {} waits",
                        st.busy[g],
                        self.open(s, g, t),
                        w.vehicle
                    );
                }
            }
            if let Some(&(v, class, programme)) = st.outside.front() {
                assert!(
                    self.free_group(s, t, class, programme).is_none() && !self.fits(s, class),
                    "station {s}, {t:?}: vehicle {v} waits upstream though it could go on"
                );
            }
        }
    }

    /// Replays `records` (time-ordered), checking at every event time and hour boundary.
    fn run(&mut self, records: &[LogRecord], horizon: SimTime) {
        let hour = SimTime::MS_PER_HOUR;
        let mut last = 0u64;
        let mut i = 0;
        loop {
            let t = records
                .get(i)
                .map_or(horizon.as_millis(), |r| r.time.as_millis());
            let mut boundary = (last / hour + 1) * hour;
            while boundary < t {
                self.check(SimTime(boundary));
                boundary += hour;
            }
            if i == records.len() {
                break;
            }
            while i < records.len() && records[i].time.as_millis() == t {
                self.record(&records[i]);
                i += 1;
            }
            self.check(SimTime(t));
            last = t;
        }
    }

    /// The inferred lane groups and final state against the engine's statistics.
    fn compare(&self, stats: &ReplicationStats) {
        for (s, st) in self.stations.iter().enumerate() {
            let engine = &stats.stations[s];
            for g in 0..st.busy.len() {
                assert_eq!(
                    st.served[g], engine.lanes[g].served,
                    "station {s} group {g}: served"
                );
                assert_eq!(
                    st.busy[g],
                    engine.lanes[g].busy.level(),
                    "station {s} group {g}: busy"
                );
            }
            assert_eq!(
                st.waiting.len() as u64,
                engine.queue_length.level(),
                "station {s}"
            );
            assert_eq!(
                st.outside.len() as u64,
                engine.outside_vehicles.level(),
                "station {s}"
            );
        }
    }
}

/// Cars (5 m; 20% trusted), trucks (18 m; 40% trusted) and perishables (18 m; priority 2),
/// 10% of everyone red.
///
/// Primary: general lanes for everyone (1 at night, 3–5 by day, closed 22:00–24:00), two
/// trusted-traveller lanes that share when idle (05:00–21:00), one truck lane that does not
/// share; 150 m of road, spillback. No two groups of a station change at the same instant, so
/// the audit's replay of the rules can apply schedule changes one group at a time
/// (simultaneous changes: `lanes::lanes_opening_together_serve_their_own_first`). Red
/// vehicles go on to a secondary inspection: one lane
/// (closed 12:00–13:00), room for 3, spillback; perishables first.
fn chaos(horizon: SimTime) -> Scenario {
    let class = |id: &str, length_m: f64, trusted: f64, priority: u8| VehicleClass {
        length_m,
        priority,
        programme_shares: vec![1.0 - trusted, trusted],
        channel_probabilities: vec![[0.9, 0.0, 0.1]; 2],
        ..VehicleClass::simple(id, 2)
    };
    let population = Population {
        classes: vec![
            class("car", 5.0, 0.2, 0),
            class("truck", 18.0, 0.4, 0),
            class("perishable", 18.0, 0.0, 2),
        ],
        programmes: vec![
            Programme { id: "none".into() },
            Programme {
                id: "trusted".into(),
            },
        ],
        directions: Population::simple(&["x"]).directions,
    };
    let mut general = [4u32; 24];
    general[0..6].fill(1);
    general[6] = 3;
    general[7..10].fill(5);
    general[16..20].fill(5);
    general[20..22].fill(3);
    general[22..24].fill(0);
    let mut trusted = [0u32; 24];
    trusted[5..21].fill(2);
    let trucks = VehicleFilter::classes(vec![ClassId(1), ClassId(2)]);
    let service = vec![
        Some(exponential(1.0)),
        Some(exponential(3.0)),
        Some(exponential(3.0)),
    ];
    let primary = Station {
        lanes: vec![
            lanes(
                "general",
                VehicleFilter::any(),
                false,
                LaneSchedule::daily(general),
            ),
            lanes(
                "trusted",
                programmes(&[1]),
                true,
                LaneSchedule::daily(trusted),
            ),
            lanes("trucks", trucks, false, LaneSchedule::Constant(1)),
        ],
        storage: Storage {
            limit: StorageLimit::Metres(150.0),
            when_full: WhenFull::Spillback,
        },
        ..Station::simple(
            "primary",
            1,
            service,
            vec![route(
                channels(&[Channel::Red]),
                Target::Station(StationId(1)),
                1.0,
            )],
        )
    };
    let mut secondary_hours = [1u32; 24];
    secondary_hours[12] = 0;
    let secondary = Station {
        lanes: vec![lanes(
            "secondary",
            VehicleFilter::any(),
            false,
            LaneSchedule::daily(secondary_hours),
        )],
        storage: Storage {
            limit: StorageLimit::Vehicles(3),
            when_full: WhenFull::Spillback,
        },
        ..Station::simple("secondary", 1, vec![Some(exponential(2.5)); 3], vec![])
    };
    let mut cars = [150.0; 24];
    cars[0..6].fill(20.0);
    cars[7..10].fill(220.0);
    cars[22..24].fill(30.0);
    scenario_with(
        "chaos",
        &population,
        vec![primary, secondary],
        vec![
            profile_source("cars", ClassId(0), StationId(0), cars, [1.0; 7]),
            Source::poisson("trucks", ClassId(1), 25.0, StationId(0)),
            Source::poisson("perishables", ClassId(2), 4.0, StationId(0)),
        ],
        horizon,
        SimTime::ZERO,
    )
}

/// Three days, three seeds (≈ 10,000 vehicles each). Besides the rules above, the audit must
/// not be vacuous: shared lanes served others, higher priorities overtook, vehicles spilled
/// back at both stations.
#[test]
fn every_dispatch_decision_follows_the_rules() {
    let horizon = SimTime::from_hours(72);
    let scenario = chaos(horizon);
    let (mut shared, mut overtakes, mut spilled) = (0, 0, [0u64; 2]);
    for seed in [1, 2, 3] {
        let (stats, records) = logged(&scenario, seed, 0);
        let mut audit = Audit::new(&scenario);
        audit.run(&records, horizon);
        audit.compare(&stats);
        shared += audit.stations[0].shared_starts;
        overtakes += audit
            .stations
            .iter()
            .map(|s| s.priority_overtakes)
            .sum::<u64>();
        for (s, n) in spilled.iter_mut().enumerate() {
            *n += stats.stations[s].spilled;
        }
    }
    verbose(format_args!(
        "dispatch audit: {shared} shared starts, {overtakes} priority overtakes, spilled {spilled:?}"
    ));
    assert!(shared > 100, "{shared} shared starts");
    assert!(overtakes > 20, "{overtakes} priority overtakes");
    assert!(spilled.iter().all(|&n| n > 20), "spilled {spilled:?}");
}
