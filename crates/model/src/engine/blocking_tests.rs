//! Storage rules, as specifications with exact values: blocking after service (a vehicle
//! whose next station is full keeps its lane), a lane group's own approach storage (its
//! vehicles never queue behind a full general road), and the deadlock check of blocking
//! route cycles.

use bordersim_des::SimTime;

use crate::crossing::Crossing;
use crate::ids::{ClassId, ProgrammeId, StationId};
use crate::log::LogKind;
use crate::population::{Population, Programme, VehicleClass, VehicleFilter};
use crate::scenario::{LaneGroup, Scenario, Station, Storage, StorageLimit, WhenFull};
use crate::source::{Arrivals, Source, TraceArrival};
use crate::station::{PreLodged, Route, Target};
use crate::testing::{minutes, run, run_logged, to_station};
use crate::validation::ModelError;

const S: u64 = 1_000;
const MIN: u64 = 60_000;
const TRUCK: u16 = 0;
const CAR: u16 = 1;

fn storage(limit: StorageLimit, when_full: WhenFull) -> Storage {
    Storage { limit, when_full }
}

/// A trace entering at station 0: (millisecond, class, programme) rows, sorted.
fn trace_ms(rows: &[(u64, u16, u8)]) -> Source {
    Source {
        id: "trace".into(),
        entry: StationId(0),
        arrivals: Arrivals::Trace {
            arrivals: rows
                .iter()
                .map(|&(ms, class, programme)| TraceArrival {
                    time: SimTime(ms),
                    class: ClassId(class),
                    programme: Some(ProgrammeId(programme)),
                })
                .collect(),
        },
    }
}

/// Trucks (class 0) and cars (class 1); programmes `none` and `fast` (trucks only).
fn population() -> Population {
    let mut truck = VehicleClass::simple("truck", 2);
    truck.programme_shares = vec![0.5, 0.5];
    let car = VehicleClass::simple("car", 2);
    let mut population = Population::simple(&["truck", "car"]);
    population.classes = vec![truck, car];
    population.programmes = vec![
        Programme { id: "none".into() },
        Programme { id: "fast".into() },
    ];
    population
}

fn scenario_of(stations: Vec<Station>, source: Source, horizon_min: u64) -> Scenario {
    Scenario {
        name: "storage".into(),
        crossing: Crossing::new("x", &population(), stations, vec![source])
            .unwrap_or_else(|e| panic!("valid crossing: {e:?}")),
        horizon: SimTime::from_mins(horizon_min),
        warmup: SimTime::ZERO,
        replications: 1,
        seed: 1,
        start_weekday: 0,
    }
}

/// Trucks go on to station 1; everyone else exits.
fn trucks_to(station: u32) -> Vec<Route> {
    vec![Route {
        when: VehicleFilter::classes(vec![ClassId(TRUCK)]),
        to: Target::Station(StationId(station)),
        probability: 1.0,
    }]
}

/// Two primary booths (1 minute for everyone), trucks on to one X-ray (10 minutes) with room
/// for one waiting truck and `when_full` when that is taken. Three trucks at 0 s, a car
/// every 30 s from 30 s to 600 s.
fn primary_and_xray(when_full: WhenFull) -> Scenario {
    let primary = Station::simple("primary", 2, minutes(1.0, 2), trucks_to(1));
    let mut xray = Station::simple("xray", 1, minutes(10.0, 2), Vec::new());
    xray.storage = storage(StorageLimit::Vehicles(1), when_full);
    let mut rows = vec![(0, TRUCK, 0); 3];
    rows.extend((1..=20).map(|k| (30 * S * k, CAR, 0)));
    scenario_of(vec![primary, xray], trace_ms(&rows), 60)
}

/// Sum and count of the cars' waits at station 0.
fn car_waits(stats: &crate::ReplicationStats) -> (u128, u64) {
    let car = stats.shape.station_cell(usize::from(CAR), 0, 0);
    let t = stats.stations[0].waits.get(car).expect("cars waited");
    (t.sum_ms(), t.count())
}

#[test]
fn with_spillback_a_truck_finding_the_xray_full_frees_its_booth() {
    // 0 s: trucks 0 and 1 take the booths, truck 2 queues; the car of 30 s queues. 60 s:
    // truck 2 and car 1 start, truck 0 starts its X-ray (to 660 s), truck 1 takes its one
    // waiting place. From then on both booths serve cars: car k (at 30k s) waits 30 s when
    // k is odd, 60 s when even. 120 s: truck 2 finds the X-ray full and waits on the road,
    // freeing its booth.
    let (stats, log) = run_logged(&primary_and_xray(WhenFull::Spillback));
    assert_eq!(
        car_waits(&stats),
        (u128::from(10 * 30 * S + 10 * 60 * S), 20)
    );
    let primary = &stats.stations[0];
    assert_eq!(primary.blocked.merged(|_| true).count(), 0);
    assert_eq!(primary.blocked_servers.max(), 0);
    let xray = &stats.stations[1];
    assert_eq!(xray.spilled, 1);
    assert_eq!(xray.time_outside.sum_ms(), u128::from(540 * S));
    assert_eq!(
        log.iter()
            .find(|r| r.vehicle == 2
                && r.kind == LogKind::Queue
                && r.station.is_some_and(|s| s.0 == 1))
            .map(|r| r.time.as_millis()),
        Some(660 * S)
    );
    // The X-ray's waits: truck 0 none, truck 1 600 s, truck 2 from 120 s to 1,260 s.
    assert_eq!(xray.wait().sum_ms(), u128::from((600 + 1140) * S));
    assert!(stats.vehicles.is_conserved());
    assert_eq!(stats.vehicles.departed, 23);
}

#[test]
fn with_blocking_a_truck_finding_the_xray_full_holds_its_booth_until_there_is_room() {
    // As with spillback until 120 s; then truck 2 keeps its booth until truck 0 leaves the
    // X-ray at 660 s (truck 1 starts there, truck 2 takes the waiting place). One booth
    // serves the cars from 120 s to 660 s: car k (k = 2..10) starts at 120 + 60(k - 2) s
    // and waits 30k s; at 660 s the held booth frees and takes car 11 (330 s), the other
    // car 12 (300 s); then two booths: cars 13..20 wait 330 s and 300 s in turn. Car 1
    // waited 30 s. Total 30 + 30 (2 + … + 10) + 5 (330 + 300) = 4,800 s: a mean of 240 s
    // (45 s with spillback).
    let (stats, log) = run_logged(&primary_and_xray(WhenFull::Block));
    assert_eq!(car_waits(&stats), (u128::from(4_800 * S), 20));
    let primary = &stats.stations[0];
    let truck = stats.shape.station_cell(usize::from(TRUCK), 0, 0);
    let blocked = primary.blocked.get(truck).expect("truck 2 was held");
    assert_eq!(
        (blocked.count(), blocked.sum_ms()),
        (1, u128::from(540 * S))
    );
    assert_eq!(primary.blocked.merged(|_| true).count(), 1);
    assert_eq!(
        primary.blocked_servers.area_until(60 * MIN),
        u128::from(540 * S)
    );
    assert_eq!(primary.blocked_servers.max(), 1);
    // The held booth counts as busy: 2 booths over [0, 660 s] but for the idle ones.
    assert_eq!(primary.busy_servers.max(), 2);
    let xray = &stats.stations[1];
    // Nobody waited on the road: the held truck is counted at the booth it holds.
    assert_eq!(xray.spilled, 0);
    assert_eq!(xray.time_outside.count(), 0);
    assert_eq!(xray.outside_vehicles.max(), 0);
    // Its wait at the X-ray runs from the end of its primary service, as on the road.
    assert_eq!(xray.wait().sum_ms(), u128::from((600 + 1140) * S));
    let at = |vehicle: u64, kind: LogKind, station: u32| {
        log.iter()
            .find(|r| {
                r.vehicle == vehicle && r.kind == kind && r.station == Some(StationId(station))
            })
            .map(|r| r.time.as_millis() / S)
    };
    assert_eq!(at(2, LogKind::End, 0), Some(120));
    assert_eq!(at(2, LogKind::Spillback, 1), Some(120));
    assert_eq!(at(2, LogKind::Queue, 1), Some(660));
    // Car 11 (vehicle 13) starts in the freed booth at 660 s.
    assert_eq!(at(13, LogKind::Start, 0), Some(660));
    assert!(stats.vehicles.is_conserved());
    assert_eq!(stats.vehicles.departed, 23);
}

#[test]
fn with_no_waiting_room_a_blocked_vehicle_moves_straight_into_the_free_lane() {
    // Capacity 0 with blocking: no buffer between the two stations. Truck 1 holds its booth
    // from 60 s until truck 0 leaves the X-ray at 660 s and starts there at once; truck 2
    // (primary 60-120 s) holds the other booth until 1,260 s.
    let mut s = primary_and_xray(WhenFull::Block);
    let mut stations = s.crossing.stations().to_vec();
    stations[1].storage.limit = StorageLimit::Vehicles(0);
    let source = s.crossing.sources()[0].clone();
    s = scenario_of(stations, source, 60);
    let (stats, log) = run_logged(&s);
    let blocked = stats.stations[0].blocked.merged(|_| true);
    assert_eq!(
        (blocked.count(), blocked.sum_ms()),
        (2, u128::from((600 + 1140) * S))
    );
    let start = |vehicle: u64| {
        log.iter()
            .find(|r| {
                r.vehicle == vehicle && r.kind == LogKind::Start && r.station == Some(StationId(1))
            })
            .map(|r| r.time.as_millis() / S)
    };
    assert_eq!(
        (start(0), start(1), start(2)),
        (Some(60), Some(660), Some(1260))
    );
    assert_eq!(stats.stations[1].queue_length.max(), 0);
    assert!(stats.vehicles.is_conserved());
}

#[test]
fn vehicles_held_in_lanes_at_the_horizon_are_in_the_system() {
    // The same crossing stopped at 5 minutes: truck 2 is held in its booth, truck 1 waits at
    // the X-ray, truck 0 is being scanned.
    let mut s = primary_and_xray(WhenFull::Block);
    s.horizon = SimTime::from_mins(5);
    let stats = run(&s);
    let v = stats.vehicles;
    assert!(v.is_conserved(), "{v:?}");
    assert_eq!(stats.stations[0].blocked_servers.level(), 1);
    // Never freed in the window: no blocked time recorded yet.
    assert_eq!(stats.stations[0].blocked.merged(|_| true).count(), 0);
    assert_eq!(
        stats.stations[0].blocked_servers.area_until(5 * MIN),
        u128::from(180 * S)
    );
}

#[test]
fn held_vehicles_and_road_arrivals_enter_a_blocking_station_first_come() {
    // The X-ray is also the entry of a second source: a truck arriving there from the road
    // at 90 s finds it full and waits on the road (holding nothing), ahead of truck 2 held
    // in its booth from 120 s; at 660 s the road truck takes the waiting place and truck 2
    // stays held until 1,260 s.
    let primary = Station::simple("primary", 2, minutes(1.0, 2), trucks_to(1));
    let mut xray = Station::simple("xray", 1, minutes(10.0, 2), Vec::new());
    xray.storage = storage(StorageLimit::Vehicles(1), WhenFull::Block);
    let mut road = trace_ms(&[(90 * S, TRUCK, 0)]);
    road.id = "road".into();
    road.entry = StationId(1);
    let crossing = Crossing::new(
        "x",
        &population(),
        vec![primary, xray],
        vec![trace_ms(&[(0, TRUCK, 0); 3]), road],
    )
    .expect("valid");
    let s = Scenario {
        crossing,
        ..primary_and_xray(WhenFull::Block)
    };
    let stats = run(&s);
    let xray = &stats.stations[1];
    assert_eq!(xray.spilled, 1);
    assert_eq!(xray.time_outside.sum_ms(), u128::from((660 - 90) * S));
    let blocked = stats.stations[0].blocked.merged(|_| true);
    assert_eq!(
        (blocked.count(), blocked.sum_ms()),
        (1, u128::from((1260 - 120) * S))
    );
    assert!(stats.vehicles.is_conserved());
}

#[test]
fn a_freed_lane_passes_the_room_back_up_a_chain_of_blocking_stations() {
    // A -> B -> C, one lane each, 1, 2 and 10 minutes; B and C have no waiting room and
    // block. Three trucks at 0. Truck 0: A 0-1, B 1-3, C 3-13. Truck 1: A 1-2, held in A
    // until B frees at 3, B 3-5, held in B until C frees at 13, C 13-23. Truck 2: A 3-4,
    // held in A until 13 — when C frees, truck 1 moves in, which frees B for truck 2, which
    // frees A, all at the same instant —, B 13-15, held in B until 23, C 23-33.
    let mut a = Station::simple("a", 1, minutes(1.0, 2), to_station(1, 1.0));
    a.routes.truncate(1);
    let mut b = Station::simple("b", 1, minutes(2.0, 2), to_station(2, 1.0));
    b.routes.truncate(1);
    let mut c = Station::simple("c", 1, minutes(10.0, 2), Vec::new());
    b.storage = storage(StorageLimit::Vehicles(0), WhenFull::Block);
    c.storage = storage(StorageLimit::Vehicles(0), WhenFull::Block);
    let (stats, log) = run_logged(&scenario_of(
        vec![a, b, c],
        trace_ms(&[(0, TRUCK, 0); 3]),
        60,
    ));
    let start = |vehicle: u64, station: u32| {
        log.iter()
            .find(|r| {
                r.vehicle == vehicle
                    && r.kind == LogKind::Start
                    && r.station == Some(StationId(station))
            })
            .map(|r| r.time.as_millis() / MIN)
    };
    assert_eq!((start(1, 1), start(1, 2)), (Some(3), Some(13)));
    assert_eq!(
        (start(2, 0), start(2, 1), start(2, 2)),
        (Some(3), Some(13), Some(23))
    );
    let blocked = |s: usize| {
        let t = stats.stations[s].blocked.merged(|_| true);
        (t.count(), t.sum_ms() / u128::from(MIN))
    };
    assert_eq!(blocked(0), (2, 1 + 9));
    assert_eq!(blocked(1), (2, 8 + 8));
    assert!(stats.vehicles.is_conserved());
    assert_eq!(stats.vehicles.departed, 3);
}

// ----- deadlock -----------------------------------------------------------------------

fn looped(first: WhenFull, second: WhenFull) -> Result<Crossing, Vec<ModelError>> {
    let mut a = Station::simple("a", 1, minutes(1.0, 2), to_station(1, 1.0));
    a.routes.truncate(1);
    a.storage = storage(StorageLimit::Vehicles(2), first);
    let mut b = Station::simple("b", 1, minutes(1.0, 2), to_station(0, 0.5));
    b.storage = storage(StorageLimit::Vehicles(2), second);
    Crossing::new(
        "x",
        &population(),
        vec![a, b],
        vec![trace_ms(&[(0, TRUCK, 0)])],
    )
}

#[test]
fn a_route_cycle_on_which_every_station_blocks_is_rejected_naming_it() {
    let errors = looped(WhenFull::Block, WhenFull::Block).expect_err("deadlock possible");
    assert_eq!(
        errors,
        vec![ModelError::BlockingCycle {
            station: StationId(0),
            cycle: vec![StationId(0), StationId(1)],
        }]
    );
    // One station that lets its vehicles wait on the road breaks every such wait.
    for (a, b) in [
        (WhenFull::Block, WhenFull::Spillback),
        (WhenFull::Spillback, WhenFull::Block),
        (WhenFull::Block, WhenFull::Balk),
    ] {
        assert!(looped(a, b).is_ok(), "{a:?} {b:?}");
    }
}

#[test]
fn a_blocking_station_routing_to_itself_is_rejected_and_so_is_one_through_a_skipped_station() {
    let mut a = Station::simple("a", 1, minutes(1.0, 2), to_station(0, 0.5));
    a.storage = storage(StorageLimit::Vehicles(2), WhenFull::Block);
    let errors = Crossing::new(
        "x",
        &population(),
        vec![a.clone()],
        vec![trace_ms(&[(0, TRUCK, 0)])],
    )
    .expect_err("self-loop");
    assert!(matches!(&errors[..], [ModelError::BlockingCycle { cycle, .. }] if cycle.len() == 1));
    // a -> s -> a where pre-lodged vehicles skip s: they come back to a holding a's lane.
    a.routes = to_station(1, 1.0);
    a.routes.truncate(1);
    let mut skipped = Station::simple("s", 1, minutes(1.0, 2), to_station(0, 0.5));
    skipped.pre_lodged = PreLodged::Skip;
    let errors = Crossing::new(
        "x",
        &population(),
        vec![a, skipped],
        vec![trace_ms(&[(0, TRUCK, 0)])],
    )
    .expect_err("through the skipped station");
    assert!(
        matches!(&errors[..], [ModelError::BlockingCycle { .. }]),
        "{errors:?}"
    );
}

// ----- a lane group's own storage -----------------------------------------------------

/// General booths (1 lane, everyone) and a FAST booth (1 lane, FAST trucks), 10 minutes;
/// the station's storage holds one vehicle and spills back; `fast_storage` is the FAST
/// group's own, if any. Four general trucks at minute 0, FAST trucks at minutes 1 and 2.
fn approaches(fast_storage: Option<Storage>) -> Scenario {
    let general = LaneGroup::general(1);
    let fast = LaneGroup {
        id: "fast".into(),
        serves: VehicleFilter {
            programmes: Some(vec![ProgrammeId(1)]),
            ..VehicleFilter::any()
        },
        ..LaneGroup::general(1)
    };
    let mut st = Station::simple("primary", 1, minutes(10.0, 2), Vec::new());
    st.lanes = vec![general, fast];
    st.storage = storage(StorageLimit::Vehicles(1), WhenFull::Spillback);
    st.group_storage = vec![None, fast_storage];
    let mut rows = vec![(0, TRUCK, 0); 4];
    rows.extend([(MIN, TRUCK, 1), (2 * MIN, TRUCK, 1)]);
    scenario_of(vec![st], trace_ms(&rows), 120)
}

fn waits_of(stats: &crate::ReplicationStats, programme: usize) -> (u64, u128) {
    let cell = stats.shape.station_cell(usize::from(TRUCK), programme, 0);
    let t = stats.stations[0].waits.get(cell).expect("waits");
    (t.count(), t.sum_ms() / u128::from(MIN))
}

#[test]
fn fast_trucks_with_their_own_approach_are_not_delayed_by_a_full_general_road() {
    // General trucks: one in service (0-10), one in the one waiting place, two on the road;
    // they wait 0, 10, 20 and 30 minutes with or without a FAST approach.
    // With its own approach, the FAST truck of minute 1 takes the idle FAST booth at once;
    // the one of minute 2 waits in the FAST storage for it (to minute 11): 9 minutes.
    let own = run(&approaches(Some(storage(
        StorageLimit::Vehicles(2),
        WhenFull::Spillback,
    ))));
    assert_eq!(waits_of(&own, 0), (4, 60));
    assert_eq!(waits_of(&own, 1), (2, 9));
    assert_eq!(own.stations[0].spilled, 2);
    // Without it, they join the general road behind the two general trucks and enter when
    // the road clears at minute 20: the first starts in the FAST booth then (19 minutes),
    // the second at 30 (28 minutes).
    let shared = run(&approaches(None));
    assert_eq!(waits_of(&shared, 0), (4, 60));
    assert_eq!(waits_of(&shared, 1), (2, 19 + 28));
    assert_eq!(shared.stations[0].spilled, 4);
}

#[test]
fn a_full_fast_approach_spills_back_on_its_own_road_or_balks_alone() {
    // The FAST approach holds no one (capacity 0) and balks: with the FAST booth busy from
    // minute 1, the FAST truck of minute 2 leaves; the general trucks are as before.
    let stats = run(&approaches(Some(storage(
        StorageLimit::Vehicles(0),
        WhenFull::Balk,
    ))));
    assert_eq!(waits_of(&stats, 0), (4, 60));
    assert_eq!(waits_of(&stats, 1), (1, 0));
    assert_eq!(stats.stations[0].balked, 1);
    assert!(stats.vehicles.is_conserved());
}

#[test]
fn two_groups_with_their_own_storage_may_not_serve_the_same_vehicles() {
    let mut st = approaches(None).crossing.stations()[0].clone();
    st.group_storage = vec![
        Some(storage(StorageLimit::Vehicles(2), WhenFull::Spillback)),
        Some(storage(StorageLimit::Vehicles(2), WhenFull::Spillback)),
    ];
    let errors = Crossing::new(
        "x",
        &population(),
        vec![st],
        vec![trace_ms(&[(0, TRUCK, 0)])],
    )
    .expect_err("two approaches");
    assert!(
        matches!(
            &errors[..],
            [ModelError::TwoApproaches { groups: (0, 1), .. }]
        ),
        "{errors:?}"
    );
}

#[test]
fn lines_upstream_of_several_approaches_enter_first_come_whatever_the_order_of_the_groups() {
    // Trucks and cars each have an approach of their own with no waiting room (their own
    // lane groups are closed), and share one booth (10 minutes). Truck 0 takes the booth at
    // 0; a car at minute 1 and a truck at minute 2 wait on their own roads. When the booth
    // frees at 10 the car, which came first, takes it; the truck starts at 20 — in either
    // order of the lane groups.
    let own = |id: &str, class: u16| LaneGroup {
        id: id.into(),
        serves: VehicleFilter::classes(vec![ClassId(class)]),
        schedule: crate::schedule::LaneSchedule::Constant(0),
        ..LaneGroup::general(1)
    };
    let road = storage(StorageLimit::Vehicles(0), WhenFull::Block);
    let groups = [
        (own("trucks", TRUCK), Some(road)),
        (own("cars", CAR), Some(road)),
        (LaneGroup::general(1), None),
    ];
    let rows = [(0, TRUCK, 0), (MIN, CAR, 0), (2 * MIN, TRUCK, 0)];
    for order in [[0, 1, 2], [1, 0, 2], [2, 1, 0]] {
        let mut st = Station::simple("booth", 1, minutes(10.0, 2), Vec::new());
        st.lanes = order.iter().map(|&g| groups[g].0.clone()).collect();
        st.group_storage = order.iter().map(|&g| groups[g].1).collect();
        let (stats, log) = run_logged(&scenario_of(vec![st], trace_ms(&rows), 60));
        let start = |vehicle: u64| {
            log.iter()
                .find(|r| r.vehicle == vehicle && r.kind == LogKind::Start)
                .map(|r| r.time.as_millis() / MIN)
        };
        assert_eq!((start(1), start(2)), (Some(10), Some(20)), "{order:?}");
        assert_eq!(stats.stations[0].spilled, 2, "{order:?}");
        assert_eq!(
            stats.stations[0].time_outside.sum_ms(),
            u128::from((9 + 18) * MIN),
            "{order:?}"
        );
    }
}

#[test]
fn a_random_tandem_with_blocking_conserves_vehicles_and_accounts_for_every_held_lane() {
    // A (2 lanes, 4 minutes) -> B (1 lane, 2.5 minutes, 2 places, blocking) -> C (1 lane,
    // 2.5 minutes, no waiting room, blocking), 27 trucks an hour, exponential service: B
    // and C fill often. Over several seeds and with a warm-up, vehicles are conserved; with
    // no warm-up, the lane time held at each station is the held times recorded plus at
    // most the horizon for each vehicle still held at the end.
    let exp = |mean_min: f64| {
        vec![
            Some(crate::dist::ServiceDist::Exponential {
                mean_ms: mean_min * 60_000.0,
            });
            2
        ]
    };
    let mut a = Station::simple("a", 2, exp(4.0), to_station(1, 1.0));
    a.routes.truncate(1);
    let mut b = Station::simple("b", 1, exp(2.5), to_station(2, 1.0));
    b.routes.truncate(1);
    b.storage = storage(StorageLimit::Vehicles(2), WhenFull::Block);
    let mut c = Station::simple("c", 1, exp(2.5), Vec::new());
    c.storage = storage(StorageLimit::Vehicles(0), WhenFull::Block);
    let source = Source::poisson("trucks", ClassId(TRUCK), 27.0, StationId(0));
    let mut held_somewhere = 0;
    for warmup_min in [0, 600] {
        let mut s = scenario_of(vec![a.clone(), b.clone(), c.clone()], source.clone(), 3_000);
        s.warmup = SimTime::from_mins(warmup_min);
        let compiled = crate::CompiledScenario::new(&s).expect("compiles");
        for seed in 1..=4 {
            let stats = crate::run_replication(&compiled, seed, 0);
            let v = stats.vehicles;
            assert!(v.is_conserved(), "seed {seed}: {v:?}");
            for st in &stats.stations[..2] {
                let held = st.blocked.merged(|_| true);
                held_somewhere += held.count();
                if warmup_min == 0 {
                    let area = st.blocked_servers.area_until(stats.window_end_ms);
                    let slack = u128::from(st.blocked_servers.level() * stats.window_end_ms);
                    assert!(area >= held.sum_ms() && area <= held.sum_ms() + slack);
                }
                assert!(st.busy_servers.max() <= 2);
            }
            assert_eq!(stats.stations[2].blocked.merged(|_| true).count(), 0);
        }
    }
    assert!(held_somewhere > 1_000, "{held_somewhere}");
}
