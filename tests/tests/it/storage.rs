//! Finite storage: a full queue makes arrivals wait upstream (spillback)
//! or leave (balk). Vehicles stay conserved, the queue never exceeds its limit in vehicles or
//! metres, and the counts and times reported agree with the vehicle log to the vehicle and
//! the millisecond. Two exact oracles: M/M/1/K blocking for balking, and M/M/1 for
//! spillback (spilling back does not change the FIFO order of a single server, so the
//! number in system is still geometric).

use std::collections::VecDeque;

use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_model::{
    ClassId, LogKind, LogRecord, Population, ReplicationStats, Route, Scenario, Source, Station,
    StationId, StationStats, Storage, StorageLimit, Target, VehicleFilter, WhenFull,
};
use bordersim_tests::scenario_with;

use crate::support::{MIN, assert_near_exact, exponential, logged, per_rep, replicate};

fn storage(limit: StorageLimit, when_full: WhenFull) -> Storage {
    Storage { limit, when_full }
}

/// One booth at ρ = 1.2 (Poisson 72/h, exponential 1 min), queue of 5 vehicles.
fn overloaded(when_full: WhenFull, horizon: SimTime, warmup: SimTime) -> Scenario {
    scenario_with(
        "overloaded",
        &Population::simple(&["car"]),
        vec![Station {
            storage: storage(StorageLimit::Vehicles(5), when_full),
            ..Station::simple("booth", 1, vec![Some(exponential(1.0))], vec![])
        }],
        vec![Source::poisson("cars", ClassId(0), 72.0, StationId(0))],
        horizon,
        warmup,
    )
}

/// Cars (5 m) and trucks (20 m) at two booths with 50 m of road; 125% load.
fn metres(when_full: WhenFull, horizon: SimTime, warmup: SimTime) -> Scenario {
    let mut population = Population::simple(&["car", "truck"]);
    population.classes[0].length_m = 5.0;
    population.classes[1].length_m = 20.0;
    scenario_with(
        "metres",
        &population,
        vec![Station {
            storage: storage(StorageLimit::Metres(50.0), when_full),
            ..Station::simple(
                "booth",
                2,
                vec![Some(exponential(1.0)), Some(exponential(3.0))],
                vec![],
            )
        }],
        vec![
            Source::poisson("cars", ClassId(0), 60.0, StationId(0)),
            Source::poisson("trucks", ClassId(1), 30.0, StationId(0)),
        ],
        horizon,
        warmup,
    )
}

/// Two booths feed an X-ray with room for 3 vehicles: the X-ray (ρ = 1.25) spills back or
/// turns vehicles away between stations.
fn line(when_full: WhenFull, horizon: SimTime, warmup: SimTime) -> Scenario {
    let a = Station::simple(
        "booths",
        2,
        vec![Some(exponential(1.0))],
        vec![Route {
            when: VehicleFilter::any(),
            to: Target::Station(StationId(1)),
            probability: 1.0,
        }],
    );
    let b = Station {
        storage: storage(StorageLimit::Vehicles(3), when_full),
        ..Station::simple("xray", 1, vec![Some(exponential(1.5))], vec![])
    };
    scenario_with(
        "line",
        &Population::simple(&["truck"]),
        vec![a, b],
        vec![Source::poisson("trucks", ClassId(0), 50.0, StationId(0))],
        horizon,
        warmup,
    )
}

fn models(horizon: SimTime, warmup: SimTime) -> Vec<Scenario> {
    vec![
        overloaded(WhenFull::Spillback, horizon, warmup),
        overloaded(WhenFull::Balk, horizon, warmup),
        metres(WhenFull::Spillback, horizon, warmup),
        metres(WhenFull::Balk, horizon, warmup),
        line(WhenFull::Spillback, horizon, warmup),
        line(WhenFull::Balk, horizon, warmup),
    ]
}

/// Identities every replication obeys, warm-up or not.
fn check_counts(scenario: &Scenario, rep: &ReplicationStats) {
    let what = format!("{} (replication {})", scenario.name, rep.replication);
    let v = &rep.vehicles;
    assert!(v.is_conserved(), "{what}: {v:?}");
    let present: u64 = rep
        .stations
        .iter()
        .map(|s| s.queue_length.level() + s.busy_servers.level() + s.outside_vehicles.level())
        .sum();
    assert_eq!(
        present, v.in_system_at_end,
        "{what}: vehicles present at the end"
    );
    let balked: u64 = rep.stations.iter().map(|s| s.balked).sum();
    let class_balked: u64 = rep.classes.iter().map(|c| c.balked).sum();
    assert_eq!(balked, v.balked, "{what}");
    assert_eq!(class_balked, v.balked, "{what}");
    for (i, s) in rep.stations.iter().enumerate() {
        let st = &scenario.crossing.stations()[i];
        if let StorageLimit::Vehicles(n) = st.storage.limit {
            assert!(
                s.queue_length.max() <= u64::from(n),
                "{what}: queue over {n}"
            );
        }
        match st.storage.when_full {
            WhenFull::Balk => assert_eq!(s.spilled + s.outside_vehicles.max(), 0, "{what}"),
            WhenFull::Spillback | WhenFull::Block => assert_eq!(s.balked, 0, "{what}"),
        }
        if st.storage.limit != StorageLimit::Unlimited {
            assert!(s.spilled + s.balked > 0, "{what}: station {i} never full");
        }
    }
}

/// Six models (spillback and balking, limits in vehicles and metres, at the entry and
/// between stations), overloaded, each with and without a warm-up, 3 seeds × 2
/// replications: conservation holds in every replication, the vehicles at the end are
/// exactly those queued, in service or waiting upstream, balks add up by station and class,
/// queues never exceed their limit, and every limited station did fill. The report's
/// spillback block and class balks are the sums over replications.
#[test]
fn spillback_and_balking_keep_conservation() {
    for warmup in [SimTime::ZERO, SimTime::from_mins(300)] {
        for scenario in models(SimTime::from_mins(2_000), warmup) {
            for seed in [1, 2, 3] {
                let outcome = bordersim_experiment::run(
                    &scenario,
                    &RunOptions {
                        replications: 2,
                        seed,
                        threads: None,
                    },
                )
                .expect("the scenario runs");
                let reps = &outcome.replications;
                for rep in reps {
                    check_counts(&scenario, rep);
                }
                let report = &outcome.report;
                for (i, station) in report.stations.iter().enumerate() {
                    let sb = &station.spillback;
                    let sum = |f: &dyn Fn(&StationStats) -> u64| -> u64 {
                        reps.iter().map(|r| f(&r.stations[i])).sum()
                    };
                    assert_eq!(sb.vehicles, sum(&|s| s.spilled));
                    assert_eq!(sb.balked, sum(&|s| s.balked));
                    assert_eq!(sb.time_outside.count, sum(&|s| s.time_outside.count()));
                    let km_max = reps
                        .iter()
                        .map(|r| r.stations[i].outside_length_cm.max())
                        .max()
                        .unwrap_or(0) as f64
                        / 100_000.0;
                    assert!((sb.queue_km_max - km_max).abs() < 1e-12);
                }
                let class_balked: u64 = report.classes.iter().map(|c| c.balked).sum();
                assert_eq!(class_balked, report.vehicles.balked);
            }
        }
    }
}

/// A station's contents replayed from the log.
#[derive(Default)]
struct StationReplay {
    /// Vehicles in the facility's queue, with their length in mm.
    queue: Vec<(u64, u64)>,
    /// Vehicles waiting upstream, in order, with the time they got there and their length
    /// in mm.
    outside: VecDeque<(u64, SimTime, u64)>,
    busy: u64,
    /// When each vehicle reached the station (upstream or end of queue).
    reached: std::collections::BTreeMap<u64, SimTime>,
    time_outside_ms: u128,
    admitted_from_outside: u64,
    wait_ms: u128,
    /// Reaching the station to end of service.
    stage_ms: u128,
    spilled: u64,
    balked: u64,
}

/// Replays the log of a run without warm-up and checks, event by event: the queue never
/// holds more than its limit; a vehicle that balks or spills back found the queue full and
/// every lane busy (single lane group, always open); vehicles leave the road upstream in
/// the order they joined it, and nobody joins the queue past them; time outside, waits and
/// times at the stage add up to the engine's tallies to the millisecond (a station's wait
/// and stage count from reaching the station, upstream included); spilled and balked counts
/// match.
fn replay(scenario: &Scenario, stats: &ReplicationStats, records: &[LogRecord]) {
    let stations = scenario.crossing.stations();
    let lengths: Vec<u64> = scenario
        .population()
        .classes
        .iter()
        .map(|c| (c.length_m * 1000.0).round() as u64)
        .collect();
    let mut replays: Vec<StationReplay> =
        stations.iter().map(|_| StationReplay::default()).collect();
    for r in records {
        let Some(s) = r.station.map(StationId::index) else {
            continue;
        };
        let st = &stations[s];
        let servers = st.max_servers();
        let rp = &mut replays[s];
        let length = lengths[r.class.index()];
        let queued_mm: u64 = rp.queue.iter().map(|q| q.1).sum();
        let full = match st.storage.limit {
            StorageLimit::Unlimited => false,
            StorageLimit::Vehicles(n) => rp.queue.len() as u64 >= u64::from(n),
            StorageLimit::Metres(m) => (queued_mm + length) as f64 > m * 1000.0,
        };
        let what = format!("{} vehicle {} at {:?}", scenario.name, r.vehicle, r.time);
        match r.kind {
            LogKind::Spillback | LogKind::Balk => {
                assert!(
                    !rp.outside.is_empty() || (full && rp.busy == servers),
                    "{what}: turned away from a queue with room or a free lane"
                );
                if r.kind == LogKind::Balk {
                    rp.balked += 1;
                } else {
                    rp.reached.insert(r.vehicle, r.time);
                    rp.outside.push_back((r.vehicle, r.time, length));
                    rp.spilled += 1;
                }
            }
            LogKind::Queue => {
                match rp.outside.front() {
                    Some(&(v, since, _)) if v == r.vehicle => {
                        rp.outside.pop_front();
                        rp.time_outside_ms += u128::from((r.time - since).as_millis());
                        rp.admitted_from_outside += 1;
                    }
                    _ => {
                        assert!(rp.outside.is_empty(), "{what}: overtakes the road queue");
                        assert!(
                            !rp.reached.contains_key(&r.vehicle),
                            "{what}: left the road queue out of order"
                        );
                        rp.reached.insert(r.vehicle, r.time);
                    }
                }
                rp.queue.push((r.vehicle, length));
            }
            LogKind::Start => {
                let i = rp
                    .queue
                    .iter()
                    .position(|q| q.0 == r.vehicle)
                    .expect("queued");
                rp.queue.remove(i);
                rp.busy += 1;
                assert!(rp.busy <= servers, "{what}: more busy than lanes");
                let reached = rp.reached[&r.vehicle];
                rp.wait_ms += u128::from((r.time - reached).as_millis());
            }
            LogKind::End => {
                rp.busy -= 1;
                let reached = rp.reached.remove(&r.vehicle).expect("reached");
                rp.stage_ms += u128::from((r.time - reached).as_millis());
            }
            _ => {}
        }
        // The queue never holds more than its limit (a vehicle going straight to a free
        // lane passes through it at the same instant).
        let queued_mm: u64 = rp.queue.iter().map(|q| q.1).sum();
        let waiting =
            rp.queue.len() as u64 - u64::from(r.kind == LogKind::Queue && rp.busy < servers);
        match st.storage.limit {
            StorageLimit::Unlimited => {}
            StorageLimit::Vehicles(n) => {
                assert!(waiting <= u64::from(n), "{what}: queue {waiting}")
            }
            StorageLimit::Metres(m) => {
                let waiting_mm = queued_mm
                    - if r.kind == LogKind::Queue && rp.busy < servers {
                        length
                    } else {
                        0
                    };
                assert!(
                    waiting_mm as f64 <= m * 1000.0,
                    "{what}: queue {waiting_mm} mm"
                );
            }
        }
    }
    for (s, rp) in replays.iter().enumerate() {
        let st = &stats.stations[s];
        let what = format!("{} station {s}", scenario.name);
        assert_eq!(rp.spilled, st.spilled, "{what}: spilled");
        assert_eq!(rp.balked, st.balked, "{what}: balked");
        assert_eq!(rp.admitted_from_outside, st.time_outside.count(), "{what}");
        assert_eq!(
            rp.time_outside_ms,
            st.time_outside.sum_ms(),
            "{what}: time outside"
        );
        assert_eq!(rp.wait_ms, st.wait().sum_ms(), "{what}: waits");
        let stages = st.stages.merged(|_| true);
        assert_eq!(rp.stage_ms, stages.sum_ms(), "{what}: time at the stage");
        assert_eq!(
            rp.outside.len() as u64,
            st.outside_vehicles.level(),
            "{what}"
        );
        let outside_cm: u64 = rp.outside.iter().map(|o| o.2 / 10).sum();
        assert_eq!(
            outside_cm,
            st.outside_length_cm.level(),
            "{what}: road queue length"
        );
        assert_eq!(rp.queue.len() as u64, st.queue_length.level(), "{what}");
        assert_eq!(rp.busy, st.busy_servers.level(), "{what}");
    }
}

/// The six models over 2,000 min without warm-up, two seeds each, replayed event by event
/// (see [`replay`]).
#[test]
fn a_full_queue_turns_vehicles_away_exactly_when_full() {
    for scenario in models(SimTime::from_mins(2_000), SimTime::ZERO) {
        for seed in [4, 5] {
            let (stats, records) = logged(&scenario, seed, 0);
            replay(&scenario, &stats, &records);
        }
    }
}

/// Balking at a booth with room for 5 queued vehicles is M/M/1/6: an arrival is lost with
/// probability P6 = (1 − ρ)ρ⁶/(1 − ρ⁷) = 0.2312 at ρ = 1.2 (PASTA). 10 replications ×
/// 20,000 min after 200 min: the share balked within 2 half-widths, half-width < 3%.
#[test]
fn balking_matches_the_mm1k_loss_probability() {
    let rho: f64 = 1.2;
    let k = 6;
    let exact = (1.0 - rho) * rho.powi(k) / (1.0 - rho.powi(k + 1));
    let reps = replicate(
        &overloaded(
            WhenFull::Balk,
            SimTime::from_mins(20_200),
            SimTime::from_mins(200),
        ),
        10,
        12,
    );
    assert_near_exact(
        "share balked",
        &per_rep(&reps, |r| {
            r.vehicles.balked as f64 / r.vehicles.arrived as f64
        }),
        exact,
        0.03,
        0.0,
    );
}

/// No waiting room with balking is the Erlang loss system M/M/c/c: three booths, Poisson
/// 120/h, exponential 1 min (a = 2 Erlangs); an arrival finding all three busy leaves, with
/// probability Erlang B(3, 2) = (a³/3!) / Σₖ₌₀³ aᵏ/k! = 4/19 = 0.2105 (PASTA), whatever the
/// service distribution (insensitivity). 10 replications × 20,000 min after 200 min: within 2
/// half-widths, half-width < 3%; no vehicle ever waits.
#[test]
fn no_waiting_room_matches_erlang_b() {
    let (a, c) = (2.0_f64, 3);
    let term = |k: i32| a.powi(k) / (1..=k).map(f64::from).product::<f64>();
    let exact = term(c) / (0..=c).map(term).sum::<f64>();
    assert!((exact - 4.0 / 19.0).abs() < 1e-12);
    let scenario = scenario_with(
        "loss",
        &Population::simple(&["car"]),
        vec![Station {
            storage: storage(StorageLimit::Vehicles(0), WhenFull::Balk),
            ..Station::simple("booths", 3, vec![Some(exponential(1.0))], vec![])
        }],
        vec![Source::poisson("cars", ClassId(0), 120.0, StationId(0))],
        SimTime::from_mins(20_200),
        SimTime::from_mins(200),
    );
    let reps = replicate(&scenario, 10, 31);
    assert_near_exact(
        "share lost",
        &per_rep(&reps, |r| {
            r.vehicles.balked as f64 / r.vehicles.arrived as f64
        }),
        exact,
        0.03,
        0.0,
    );
    for r in &reps {
        assert_eq!(r.stations[0].queue_length.max(), 0, "nobody queues");
        assert!(r.stations[0].served > 0);
    }
}

/// Spillback at an M/M/1 booth (ρ = 0.8, room for 3 queued): spilling back keeps the single
/// server's FIFO order, so the number in system L is geometric, P(L = n) = (1 − ρ)ρⁿ. An
/// arrival spills iff L ≥ 4: share ρ⁴ = 0.4096. Upstream vehicles: E[(L − 4)⁺] = ρ⁵/(1 − ρ)
/// = 1.638; in the facility's queue: E[min((L − 1)⁺, 3)] = (ρ² − ρ⁵)/(1 − ρ) = 1.562; the
/// station's wait (from reaching it, upstream included) is M/M/1's Wq = 4 min. 10
/// replications × 60,000 min after 2,000: each within 2 half-widths, half-widths < 8%.
#[test]
fn spillback_matches_mm1() {
    let rho: f64 = 0.8;
    let scenario = scenario_with(
        "spillback",
        &Population::simple(&["car"]),
        vec![Station {
            storage: storage(StorageLimit::Vehicles(3), WhenFull::Spillback),
            ..Station::simple("booth", 1, vec![Some(exponential(1.0))], vec![])
        }],
        vec![Source::poisson("cars", ClassId(0), 48.0, StationId(0))],
        SimTime::from_mins(62_000),
        SimTime::from_mins(2_000),
    );
    let reps = replicate(&scenario, 10, 21);
    let end = |r: &ReplicationStats| r.window_end_ms;
    assert_near_exact(
        "share spilled back",
        &per_rep(&reps, |r| {
            r.stations[0].spilled as f64 / r.vehicles.arrived as f64
        }),
        rho.powi(4),
        0.08,
        0.0,
    );
    assert_near_exact(
        "vehicles upstream",
        &per_rep(&reps, |r| r.stations[0].outside_vehicles.mean_until(end(r))),
        rho.powi(5) / (1.0 - rho),
        0.08,
        0.0,
    );
    assert_near_exact(
        "road queue, km (10 m a car)",
        &per_rep(&reps, |r| {
            r.stations[0].outside_length_cm.mean_until(end(r)) / 100_000.0
        }),
        rho.powi(5) / (1.0 - rho) * 0.01,
        0.08,
        0.0,
    );
    assert_near_exact(
        "vehicles in the facility's queue",
        &per_rep(&reps, |r| r.stations[0].queue_length.mean_until(end(r))),
        (rho.powi(2) - rho.powi(5)) / (1.0 - rho),
        0.08,
        0.0,
    );
    assert_near_exact(
        "wait at the station",
        &per_rep(&reps, |r| {
            r.stations[0].wait().mean_ms().expect("served") / MIN
        }),
        rho / (1.0 - rho),
        0.08,
        0.0,
    );
    for r in &reps {
        assert!(r.stations[0].queue_length.max() <= 3);
    }
}
