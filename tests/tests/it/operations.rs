//! A crossing as a whole: statistics split by direction add up
//! to the totals, and common random numbers — a policy change at one station leaves every
//! vehicle's arrival time, class, programme, channel and route unchanged.

use std::collections::BTreeMap;

use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_model::{
    Channel, ClassId, Direction, DirectionId, LaneSchedule, LogKind, LogRecord, Population,
    Programme, Scenario, Source, Station, StationId, Storage, StorageLimit, Target, VehicleClass,
    VehicleFilter, WhenFull,
};
use bordersim_tests::{
    Recorder, channels, fixed_min, lanes, profile_source, programmes, route, row, scenario_with,
    trace_source,
};

use crate::support::{assert_near_exact, by_vehicle, exponential, logged};

/// Cars per hour by hour of day (inbound).
const CARS: [f64; 24] = [
    5.0, 5.0, 5.0, 5.0, 10.0, 20.0, 60.0, 90.0, 80.0, 60.0, 50.0, 50.0, 50.0, 50.0, 60.0, 70.0,
    80.0, 70.0, 50.0, 30.0, 20.0, 10.0, 5.0, 5.0,
];

/// Trucks (none 70%, FAST 30%; targeted and random inspection) and cars; two directions.
fn population() -> Population {
    let truck = VehicleClass {
        length_m: 20.0,
        programme_shares: vec![0.7, 0.3],
        channel_probabilities: vec![[0.7, 0.2, 0.1], [0.95, 0.04, 0.01]],
        random_inspection: 0.03,
        ..VehicleClass::simple("truck", 2)
    };
    let car = VehicleClass {
        length_m: 5.0,
        programme_shares: vec![0.8, 0.2],
        channel_probabilities: vec![[0.9, 0.08, 0.02], [0.98, 0.02, 0.0]],
        ..VehicleClass::simple("car", 2)
    };
    Population {
        classes: vec![truck, car],
        programmes: vec![
            Programme { id: "none".into() },
            Programme { id: "fast".into() },
        ],
        directions: vec![
            Direction {
                id: "inbound".into(),
            },
            Direction {
                id: "outbound".into(),
            },
        ],
    }
}

/// Inbound: primary (3 general lanes + 1 FAST lane) → red to X-ray, yellow to documents.
/// Outbound: one exit control with 2 lanes. Sources: inbound trucks (Poisson 40/h), cars
/// (hourly profile), trucks replayed from a trace; outbound trucks 10/h and cars 30/h.
struct Parts {
    stations: Vec<Station>,
    sources: Vec<Source>,
}

fn parts() -> Parts {
    let both = |m: f64| vec![Some(exponential(m)), Some(exponential(m))];
    let inbound_primary = Station {
        lanes: vec![
            lanes(
                "general",
                VehicleFilter::any(),
                false,
                LaneSchedule::Constant(3),
            ),
            lanes("fast", programmes(&[1]), false, LaneSchedule::Constant(1)),
        ],
        ..Station::simple(
            "in-primary",
            1,
            both(1.5),
            vec![
                route(
                    channels(&[Channel::Red]),
                    Target::Station(StationId(1)),
                    1.0,
                ),
                route(
                    channels(&[Channel::Yellow]),
                    Target::Station(StationId(2)),
                    1.0,
                ),
            ],
        )
    };
    let xray = Station::simple("in-xray", 2, both(8.0), vec![]);
    let docs = Station::simple("in-docs", 2, both(4.0), vec![]);
    let outbound = Station {
        direction: DirectionId(1),
        ..Station::simple("out-control", 2, both(1.0), vec![])
    };
    let trace = (0..400u64)
        .map(|i| row(SimTime::from_secs(300 + i * 431), 0, None))
        .collect();
    Parts {
        stations: vec![inbound_primary, xray, docs, outbound],
        sources: vec![
            Source::poisson("in-trucks", ClassId(0), 40.0, StationId(0)),
            profile_source("in-cars", ClassId(1), StationId(0), CARS, [1.0; 7]),
            trace_source("in-recorded", StationId(0), trace),
            Source::poisson("out-trucks", ClassId(0), 10.0, StationId(3)),
            Source::poisson("out-cars", ClassId(1), 30.0, StationId(3)),
        ],
    }
}

fn crossing(parts: Parts, horizon: SimTime, warmup: SimTime) -> Scenario {
    scenario_with(
        "two directions",
        &population(),
        parts.stations,
        parts.sources,
        horizon,
        warmup,
    )
}

/// 8 replications of 48 h after 2 h. Exact, per replication: direction arrivals add up to
/// all arrivals and equal the log's Arrive events in the window per direction; every event
/// at a station carries that station's direction. Exact, in the report: directions' arrived,
/// departed and time-in-system counts add up to the totals; the TRS arrival-to-exit
/// interval by direction adds up to "all"; the hourly profile of each direction counts its
/// departures. Statistical: arrivals per replication of each direction match the exact
/// expectation (inbound 40·48 + Σ profile over 02:00–50:00 + the recorded trucks after
/// 02:00, outbound 40·48) within 2 half-widths, half-width < 5%.
#[test]
fn statistics_are_split_by_direction() {
    let warmup = SimTime::from_hours(2);
    let scenario = crossing(parts(), SimTime::from_hours(50), warmup);
    let options = RunOptions {
        replications: 8,
        seed: 44,
        threads: None,
    };
    let (outcome, logs) =
        bordersim_experiment::run_logged(&scenario, &options, |_| Recorder::default())
            .expect("the scenario runs");
    let stations = scenario.crossing.stations();
    for (rep, log) in outcome.replications.iter().zip(&logs) {
        assert_eq!(
            rep.direction_arrivals.iter().sum::<u64>(),
            rep.vehicles.arrived
        );
        let mut arrivals = [0u64; 2];
        for r in &log.records {
            if let Some(s) = r.station {
                assert_eq!(r.direction, stations[s.index()].direction, "{r:?}");
            }
            if r.kind == LogKind::Arrive && r.time >= warmup {
                arrivals[r.direction.index()] += 1;
            }
        }
        assert_eq!(rep.direction_arrivals, arrivals);
    }
    let report = &outcome.report;
    let sum = |f: &dyn Fn(&bordersim_experiment::DirectionReport) -> u64| -> u64 {
        report.directions.iter().map(f).sum()
    };
    assert_eq!(sum(&|d| d.arrived), report.vehicles.arrived);
    assert_eq!(sum(&|d| d.departed), report.vehicles.departed);
    assert_eq!(
        sum(&|d| d.time_in_system.count),
        report.system.time_in_system.count
    );
    for (d, direction) in report.directions.iter().enumerate() {
        let arrived: u64 = outcome
            .replications
            .iter()
            .map(|r| r.direction_arrivals[d])
            .sum();
        assert_eq!(direction.arrived, arrived);
        let hourly: u64 = report
            .trs
            .hourly
            .iter()
            .filter(|h| h.direction == direction.id)
            .map(|h| h.count)
            .sum();
        assert_eq!(
            hourly, direction.departed,
            "{}: hourly profile",
            direction.id
        );
    }
    let exit_count = |dimension: &str| -> u64 {
        report
            .trs
            .intervals
            .iter()
            .filter(|i| i.interval == "arrival_to_exit" && i.dimension == dimension)
            .map(|i| i.stats.count)
            .sum()
    };
    assert_eq!(exit_count("direction"), exit_count("all"));
    assert_eq!(exit_count("channel"), exit_count("all"));
    assert_eq!(exit_count("programme"), exit_count("all"));
    assert_eq!(exit_count("class"), exit_count("all"));

    let profile: f64 = (2..50).map(|h| CARS[h % 24]).sum();
    let recorded = (0..400u64).filter(|i| 300 + i * 431 >= 2 * 3_600).count() as f64;
    let expected = [40.0 * 48.0 + profile + recorded, 40.0 * 48.0];
    for (d, exact) in expected.into_iter().enumerate() {
        let per_rep: Vec<f64> = outcome
            .replications
            .iter()
            .map(|r| r.direction_arrivals[d] as f64)
            .collect();
        assert_near_exact(
            &format!("arrivals {}", report.directions[d].id),
            &per_rep,
            exact,
            0.05,
            0.0,
        );
    }
}

/// What must not change about a vehicle when a station's policy changes.
type Identity = (u64, SimTime, ClassId, u8, Channel, DirectionId);

fn identity(r: &LogRecord) -> Identity {
    (
        r.vehicle,
        r.time,
        r.class,
        r.programme.0,
        r.channel,
        r.direction,
    )
}

/// Arrivals and, for vehicles that left, the stations visited.
fn vehicles(records: &[LogRecord]) -> (Vec<Identity>, BTreeMap<u64, Vec<StationId>>) {
    let arrivals = records
        .iter()
        .filter(|r| r.kind == LogKind::Arrive)
        .map(identity)
        .collect();
    let routes = by_vehicle(records)
        .into_iter()
        .filter(|(_, e)| e.last().is_some_and(|e| e.kind == LogKind::Exit))
        .map(|(v, e)| {
            let stations = e
                .iter()
                .filter(|e| e.kind == LogKind::Start)
                .filter_map(|e| e.station)
                .collect();
            (v, stations)
        })
        .collect();
    (arrivals, routes)
}

/// One day of the two-direction crossing (≈ 3,100 vehicles from five sources of three
/// kinds) against five policy changes: a fourth general lane at primary, a different X-ray
/// service time, a 2-vehicle queue limit with spillback at primary, the FAST lane shared
/// when idle, and a night closure of the outbound control. In every variant the waits change,
/// yet every vehicle's number, arrival time, class, programme, channel and direction are
/// identical, and every vehicle that left in both runs visited the same stations. Adding an
/// outbound source leaves every inbound vehicle and every inbound wait unchanged.
#[test]
fn policy_changes_keep_every_vehicle() {
    let horizon = SimTime::from_hours(24);
    let base = crossing(parts(), horizon, SimTime::ZERO);
    let (base_stats, base_log) = logged(&base, 9, 0);
    let (base_arrivals, base_routes) = vehicles(&base_log);
    assert!(base_arrivals.len() > 2_500);
    let red = base_arrivals.iter().filter(|a| a.4 == Channel::Red).count();
    assert!(red > 50, "{red} red vehicles");

    type Change = Box<dyn Fn(&mut Parts)>;
    let variants: Vec<(&str, Change)> = vec![
        (
            "a fourth general lane",
            Box::new(|p| p.stations[0].lanes[0].schedule = LaneSchedule::Constant(4)),
        ),
        (
            "X-ray 3 min fixed",
            Box::new(|p| p.stations[1].service = vec![Some(fixed_min(3.0)); 2]),
        ),
        (
            "2-vehicle queue at primary",
            Box::new(|p| {
                p.stations[0].storage = Storage {
                    limit: StorageLimit::Vehicles(2),
                    when_full: WhenFull::Spillback,
                }
            }),
        ),
        (
            "FAST lane shared",
            Box::new(|p| p.stations[0].lanes[1].share_when_idle = true),
        ),
        (
            "outbound closed at night",
            Box::new(|p| {
                let mut hours = [2; 24];
                hours[0..5].fill(0);
                p.stations[3].lanes[0].schedule = LaneSchedule::daily(hours);
            }),
        ),
    ];
    for (name, change) in variants {
        let mut p = parts();
        change(&mut p);
        let scenario = crossing(p, horizon, SimTime::ZERO);
        let (stats, log) = logged(&scenario, 9, 0);
        let (arrivals, routes) = vehicles(&log);
        let waits = |s: &bordersim_model::ReplicationStats| -> Vec<u128> {
            s.stations.iter().map(|st| st.wait().sum_ms()).collect()
        };
        assert_ne!(waits(&stats), waits(&base_stats), "{name}: nothing changed");
        assert_eq!(arrivals.len(), base_arrivals.len(), "{name}");
        for (a, b) in arrivals.iter().zip(&base_arrivals) {
            assert_eq!(a, b, "{name}: a vehicle changed");
        }
        let mut common = 0;
        for (v, stations) in &routes {
            if let Some(base) = base_routes.get(v) {
                assert_eq!(stations, base, "{name}: vehicle {v} took another route");
                common += 1;
            }
        }
        assert!(
            common * 10 > base_routes.len() * 9,
            "{name}: only {common} vehicles left in both runs"
        );
    }

    // A new outbound source renumbers the vehicles but changes nothing inbound: the same
    // arrivals, and (each vehicle drawing its own service times) the same inbound waits.
    let mut p = parts();
    p.sources
        .push(Source::poisson("out-buses", ClassId(1), 20.0, StationId(3)));
    let (stats, log) = logged(&crossing(p, horizon, SimTime::ZERO), 9, 0);
    let inbound = |records: &[LogRecord]| -> Vec<(SimTime, ClassId, u8, Channel)> {
        records
            .iter()
            .filter(|r| r.kind == LogKind::Arrive && r.direction == DirectionId(0))
            .map(|r| (r.time, r.class, r.programme.0, r.channel))
            .collect()
    };
    assert_eq!(
        inbound(&log),
        inbound(&base_log),
        "a new source changed inbound vehicles"
    );
    for s in 0..3 {
        let (a, b) = (stats.stations[s].wait(), base_stats.stations[s].wait());
        assert_eq!(
            (a.count(), a.sum_ms()),
            (b.count(), b.sum_ms()),
            "station {s}"
        );
    }
    assert!(stats.direction_arrivals[1] > base_stats.direction_arrivals[1]);
}

/// A programme's service time applies to its vehicles whatever their class, and the others
/// keep their class's: FAST trucks take 30 s at primary, the rest 2 min.
#[test]
fn service_by_programme_applies_to_the_programme_only() {
    let mut class = VehicleClass::simple("truck", 2);
    class.programme_shares = vec![0.7, 0.3];
    let population = Population {
        classes: vec![class],
        programmes: vec![
            Programme { id: "none".into() },
            Programme { id: "fast".into() },
        ],
        directions: vec![Direction {
            id: "inbound".into(),
        }],
    };
    let mut primary = Station::simple("primary", 40, vec![Some(fixed_min(2.0))], vec![]);
    primary.service_by_programme = vec![None, Some(fixed_min(0.5))];
    let scenario = scenario_with(
        "fast service",
        &population,
        vec![primary],
        vec![Source::poisson("trucks", ClassId(0), 120.0, StationId(0))],
        SimTime::from_hours(24),
        SimTime::ZERO,
    );
    let (_, records) = logged(&scenario, 3, 0);
    let mut starts = BTreeMap::new();
    let mut seen = [0u32; 2];
    for r in &records {
        match r.kind {
            LogKind::Start => {
                starts.insert(r.vehicle, r.time);
            }
            LogKind::End => {
                let took = r.time - starts[&r.vehicle];
                let expected = if r.programme.0 == 1 { 30_000 } else { 120_000 };
                assert_eq!(took.as_millis(), expected, "{r:?}");
                seen[r.programme.index()] += 1;
            }
            _ => {}
        }
    }
    assert!(seen[0] > 1000 && seen[1] > 500, "{seen:?}");
}
