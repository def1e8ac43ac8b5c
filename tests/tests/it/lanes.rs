//! Lanes: schedules and closures (a closing lane finishes its
//! vehicle; queues carry over closed hours), dedicated lanes with and without sharing, and
//! non-preemptive priorities.
//!
//! Deterministic arrangements are checked to the millisecond from the vehicle log. The
//! stochastic ones are checked (a) by invariants that must hold at every instant of the log
//! (replayed here from Queue/Start/End events), and (b) against exact queueing formulas:
//! Erlang C for dedicated lanes that do not share, and Cobham's non-preemptive priority
//! M/G/1 formula for priorities and for a dedicated lane that serves its own first.

use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_model::{
    ClassId, LaneGroup, LaneSchedule, LogKind, LogRecord, Population, Programme, ReplicationStats,
    Scenario, ServiceDist, Source, Station, StationId, VehicleClass, VehicleFilter,
};
use bordersim_stats::MeanCi;
use bordersim_tests::{at, fixed_min, lanes, mmc_wq, programmes, row, scenario_with, trace_source};

use crate::support::{
    K, MIN, assert_near_exact, by_vehicle, cobham_waits, exponential, logged, per_rep, replicate,
    verbose,
};

/// A single station with the given lane groups and the same service for each of `classes`
/// classes.
fn station_with(lane_groups: Vec<LaneGroup>, classes: usize, service: ServiceDist) -> Station {
    Station {
        lanes: lane_groups,
        ..Station::simple("booths", 1, vec![Some(service); classes], vec![])
    }
}

/// Start and End times of each vehicle at station 0, by vehicle number.
fn service_times(records: &[LogRecord]) -> Vec<(u64, SimTime, Option<SimTime>)> {
    by_vehicle(records)
        .into_iter()
        .filter_map(|(v, events)| {
            let start = events.iter().find(|e| e.kind == LogKind::Start)?.time;
            let end = events
                .iter()
                .find(|e| e.kind == LogKind::End)
                .map(|e| e.time);
            Some((v, start, end))
        })
        .collect()
}

/// One lane open 00:00–10:00 and 13:00–20:00, closed otherwise; service 30 min exactly.
/// Arrivals: A 09:50, B 09:55, C 11:00, E 19:30, F 19:40; horizon 23:59 (before the lane
/// reopens at midnight).
///
/// A starts at 09:50 and, although its lane closes at 10:00, finishes at 10:20. B and C wait
/// through the closure and start at 13:00 and 13:30 (FIFO). E ends exactly at the 20:00
/// closing: F does not start then, nor later (still queued at the horizon). Hence waits
/// 0 + 185 + 150 + 0 = 335 min; open lane-hours 17, staffed 17 h 20 min (A's overrun), busy
/// 2 h; conservation 5 = 4 departed + 1 in system.
#[test]
fn a_closing_lane_finishes_its_vehicle_and_starts_none_while_closed() {
    let mut hours = [1u32; 24];
    hours[10..13].fill(0);
    hours[20..24].fill(0);
    let group = lanes(
        "booth",
        VehicleFilter::any(),
        false,
        LaneSchedule::daily(hours),
    );
    let trace = [at(9, 50), at(9, 55), at(11, 0), at(19, 30), at(19, 40)]
        .into_iter()
        .map(|t| row(t, 0, None))
        .collect();
    let scenario = scenario_with(
        "closing",
        &Population::simple(&["car"]),
        vec![station_with(vec![group], 1, fixed_min(30.0))],
        vec![trace_source("recorded", StationId(0), trace)],
        at(23, 59),
        SimTime::ZERO,
    );
    let (stats, records) = logged(&scenario, 1, 0);
    let served = service_times(&records);
    assert_eq!(
        served,
        vec![
            (0, at(9, 50), Some(at(10, 20))),
            (1, at(13, 0), Some(at(13, 30))),
            (2, at(13, 30), Some(at(14, 0))),
            (3, at(19, 30), Some(at(20, 0))),
        ]
    );
    let st = &stats.stations[0];
    let end = stats.window_end_ms;
    let wait = st.wait();
    assert_eq!(wait.count(), 4);
    assert_eq!(wait.sum_ms(), 335 * 60_000);
    assert_eq!(wait.max_ms(), Some(185 * 60_000));
    let lane = &st.lanes[0];
    let hour = u128::from(SimTime::MS_PER_HOUR);
    assert_eq!(lane.open.area_until(end), 17 * hour);
    assert_eq!(lane.staffed.area_until(end), 17 * hour + hour / 3);
    assert_eq!(lane.busy.area_until(end), 2 * hour);
    assert_eq!(lane.served, 4);
    assert_eq!(st.queue_length.level(), 1, "F still waits at the horizon");
    assert_eq!(
        (
            stats.vehicles.arrived,
            stats.vehicles.departed,
            stats.vehicles.in_system_at_end
        ),
        (5, 4, 1)
    );

    let report = bordersim_experiment::run(
        &scenario,
        &RunOptions {
            replications: 2,
            seed: 1,
            threads: Some(1),
        },
    )
    .expect("the scenario runs")
    .report;
    let station = &report.stations[0];
    assert!((station.lane_hours - (17.0 + 1.0 / 3.0)).abs() < 1e-9);
    assert!((station.lane_groups[0].lane_hours - (17.0 + 1.0 / 3.0)).abs() < 1e-9);
    assert!((station.lane_groups[0].servers_mean - 17.0 / (24.0 - 1.0 / 60.0)).abs() < 1e-9);
    assert_eq!(station.lane_groups[0].servers_max, 1);
}

/// Closed 00:00–06:00, then one lane with 5 min service; closed again 08:00–10:00.
/// Arrivals at 01:00, 02:00, 03:30, 05:59, 05:59:30 and 06:00 wait for the opening and are
/// served in arrival order from 06:00, every 5 min: wait = 06:00 − arrival + 5 min × the
/// vehicles before. Ten vehicles arriving together at 07:30 are served until the 08:00
/// closing (six of them, the sixth ending exactly at 08:00), the other four from 10:00.
#[test]
fn a_queue_carries_over_closed_hours_in_fifo_order() {
    let mut hours = [1u32; 24];
    hours[0..6].fill(0);
    hours[8..10].fill(0);
    let group = lanes(
        "booth",
        VehicleFilter::any(),
        false,
        LaneSchedule::daily(hours),
    );
    let mut arrivals = vec![
        at(1, 0),
        at(2, 0),
        at(3, 30),
        at(5, 59),
        SimTime(at(5, 59).0 + 30_000),
        at(6, 0),
    ];
    arrivals.extend([at(7, 30); 10]);
    let scenario = scenario_with(
        "closed",
        &Population::simple(&["car"]),
        vec![station_with(vec![group], 1, fixed_min(5.0))],
        vec![trace_source(
            "recorded",
            StationId(0),
            arrivals.iter().map(|&t| row(t, 0, None)).collect(),
        )],
        SimTime::from_hours(12),
        SimTime::ZERO,
    );
    let (stats, records) = logged(&scenario, 1, 0);
    let mut expected_starts: Vec<SimTime> = (0..6).map(|k| at(6, 5 * k)).collect();
    expected_starts.extend((0..6).map(|k| at(7, 30 + 5 * k)));
    expected_starts.extend((0..4).map(|k| at(10, 5 * k)));
    let served = service_times(&records);
    assert_eq!(served.len(), arrivals.len());
    let mut total_wait = 0;
    for (i, (v, start, end)) in served.iter().enumerate() {
        assert_eq!(*v, i as u64);
        assert_eq!(*start, expected_starts[i], "vehicle {i} starts");
        assert_eq!(
            *end,
            Some(SimTime(start.0 + 5 * 60_000)),
            "vehicle {i} ends"
        );
        total_wait += start.0 - arrivals[i].0;
    }
    let wait = stats.stations[0].wait();
    assert_eq!(wait.sum_ms(), u128::from(total_wait));
    assert_eq!(wait.max_ms(), Some(5 * 3_600_000), "01:00 → 06:00");
    assert_eq!(stats.vehicles.departed, 16);
}

/// The state of one station replayed from the log: vehicles queued and in service.
#[derive(Default)]
struct Replay {
    queued: u64,
    busy: u64,
}

/// A busy station whose single lane group follows a daily schedule of 0–3 lanes (closed
/// 20:00–06:00), Poisson 20/h, exponential service of mean 3 min, one week, 3 replications.
/// Replaying the log at every event and every hour boundary:
/// - a Start never makes the busy lanes exceed the lanes open at that instant (so nobody
///   starts while closed);
/// - a waiting vehicle never coexists with a free open lane (the queue carries over and an
///   opening lane takes it at once);
/// - the staffed server-time max(busy, open) and the busy server-time integrate exactly to
///   the engine's `staffed` and `busy` areas;
/// - lanes that closed with a vehicle in service finished it (Ends with busy > open happen,
///   and the queue present at each 06:00 opening starts at 06:00).
#[test]
fn lanes_follow_their_schedule_at_every_instant() {
    let schedule = LaneSchedule::daily([
        0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 2, 2, 2, 3, 3, 3, 2, 1, 1, 0, 0, 0, 0,
    ]);
    let group = lanes("booths", VehicleFilter::any(), false, schedule.clone());
    let horizon = SimTime::from_hours(168);
    let scenario = scenario_with(
        "schedule",
        &Population::simple(&["car"]),
        vec![station_with(vec![group], 1, exponential(3.0))],
        vec![Source::poisson("cars", ClassId(0), 20.0, StationId(0))],
        horizon,
        SimTime::ZERO,
    );
    let (mut overruns, mut opening_starts) = (0, 0);
    for rep in 0..3 {
        let (stats, records) = logged(&scenario, 17, rep);
        let open = |t: u64| u64::from(schedule.servers_at(SimTime(t), 0));
        let mut state = Replay::default();
        let (mut staffed, mut busy_area) = (0u128, 0u128);
        let mut last = 0u64;
        let hour = SimTime::MS_PER_HOUR;
        // Checks the state at `t` after all events up to `t`, and integrates up to `t`.
        let advance =
            |state: &Replay, last: &mut u64, t: u64, staffed: &mut u128, busy: &mut u128| {
                let level = state.busy.max(open(*last));
                *staffed += u128::from(level) * u128::from(t - *last);
                *busy += u128::from(state.busy) * u128::from(t - *last);
                *last = t;
            };
        let check = |state: &Replay, t: u64| {
            assert!(
                state.queued == 0 || state.busy >= open(t),
                "replication {rep}, t = {t} ms: {} waiting while {} of {} lanes are busy",
                state.queued,
                state.busy,
                open(t)
            );
        };
        let mut i = 0;
        while i < records.len() {
            let t = records[i].time.as_millis();
            // Hour boundaries strictly before the next event: the schedule may have
            // changed with no event logged.
            let mut boundary = (last / hour + 1) * hour;
            while boundary < t {
                advance(&state, &mut last, boundary, &mut staffed, &mut busy_area);
                check(&state, boundary);
                boundary += hour;
            }
            advance(&state, &mut last, t, &mut staffed, &mut busy_area);
            while i < records.len() && records[i].time.as_millis() == t {
                let r = &records[i];
                match r.kind {
                    LogKind::Queue => state.queued += 1,
                    LogKind::Start => {
                        state.queued -= 1;
                        state.busy += 1;
                        assert!(
                            state.busy <= open(t),
                            "replication {rep}: vehicle {} starts at {t} ms with {} busy, {} open",
                            r.vehicle,
                            state.busy,
                            open(t)
                        );
                        if t % (24 * hour) == 6 * hour {
                            opening_starts += 1;
                        }
                    }
                    LogKind::End => {
                        if state.busy > open(t) {
                            overruns += 1;
                        }
                        state.busy -= 1;
                    }
                    _ => {}
                }
                i += 1;
            }
            check(&state, t);
        }
        advance(
            &state,
            &mut last,
            horizon.as_millis(),
            &mut staffed,
            &mut busy_area,
        );
        let lane = &stats.stations[0].lanes[0];
        assert_eq!(lane.staffed.area_until(horizon.as_millis()), staffed);
        assert_eq!(lane.busy.area_until(horizon.as_millis()), busy_area);
        assert_eq!(state.queued, stats.stations[0].queue_length.level());
        assert_eq!(state.busy, stats.stations[0].busy_servers.level());
    }
    verbose(format_args!(
        "schedule: {overruns} overruns, {opening_starts} starts at 06:00"
    ));
    assert!(
        overruns >= 20,
        "only {overruns} vehicles outlived their lane"
    );
    assert!(
        opening_starts >= 3 * 7,
        "only {opening_starts} vehicles started at 06:00"
    );
}

/// Cars, 25% in SENTRI: 2 general lanes serving "none" only, 1 SENTRI lane (shares when idle
/// as given); Poisson 60/h, exponential service of mean 2 min.
fn dedicated(share: bool, horizon: SimTime, warmup: SimTime) -> Scenario {
    let population = Population {
        classes: vec![VehicleClass {
            programme_shares: vec![0.75, 0.25],
            ..VehicleClass::simple("car", 2)
        }],
        programmes: vec![
            Programme { id: "none".into() },
            Programme {
                id: "sentri".into(),
            },
        ],
        directions: Population::simple(&["x"]).directions,
    };
    let groups = vec![
        lanes(
            "general",
            programmes(&[0]),
            false,
            LaneSchedule::Constant(2),
        ),
        lanes("sentri", programmes(&[1]), share, LaneSchedule::Constant(1)),
    ];
    scenario_with(
        "dedicated",
        &population,
        vec![station_with(groups, 1, exponential(2.0))],
        vec![Source::poisson("cars", ClassId(0), 60.0, StationId(0))],
        horizon,
        warmup,
    )
}

/// Mean wait of one programme at station 0, minutes.
fn programme_wait_min(rep: &ReplicationStats, programme: usize) -> f64 {
    let shape = rep.shape;
    rep.stations[0]
        .waits
        .merged(|cell| shape.decode_station_cell(cell).1.index() == programme)
        .mean_ms()
        .expect("vehicles of the programme were served")
        / MIN
}

/// Vehicles served of one programme at station 0 (Ends during the window).
fn programme_served(rep: &ReplicationStats, programme: usize) -> u64 {
    let shape = rep.shape;
    rep.stations[0]
        .stages
        .merged(|cell| shape.decode_station_cell(cell).1.index() == programme)
        .count()
}

/// Most vehicles of each programme in service at once, from the log.
fn max_in_service(records: &[LogRecord]) -> [u64; 2] {
    let (mut now, mut max) = ([0u64; 2], [0u64; 2]);
    for r in records {
        let p = usize::from(r.programme.0);
        match r.kind {
            LogKind::Start => {
                now[p] += 1;
                max[p] = max[p].max(now[p]);
            }
            LogKind::End => now[p] -= 1,
            _ => {}
        }
    }
    max
}

/// Dedicated lanes that never share are two separate queues: general traffic (λ = 0.75/min)
/// is M/M/2 with μ = 0.5/min (Erlang C: Wq = 2.571 min), SENTRI (λ = 0.25/min) is M/M/1
/// (Wq = 2 min). 10 replications × 60,000 min after 1,000 min: both means within 2
/// half-widths, half-widths < 5%. Exactly: each lane group served only its own programme
/// (lane `served` = that programme's departures, in every replication), and the log never
/// shows more than 2 "none" or 1 SENTRI vehicle in service at once.
#[test]
fn a_dedicated_lane_never_serves_an_excluded_programme() {
    let scenario = dedicated(false, SimTime::from_mins(61_000), SimTime::from_mins(1_000));
    let reps = replicate(&scenario, 10, 31);
    for rep in &reps {
        let lanes = &rep.stations[0].lanes;
        assert_eq!(lanes[0].served, programme_served(rep, 0));
        assert_eq!(lanes[1].served, programme_served(rep, 1));
    }
    assert_near_exact(
        "general wait (M/M/2)",
        &per_rep(&reps, |r| programme_wait_min(r, 0)),
        mmc_wq(0.75, 0.5, 2),
        0.05,
        0.0,
    );
    assert_near_exact(
        "SENTRI wait (M/M/1)",
        &per_rep(&reps, |r| programme_wait_min(r, 1)),
        0.25 / (0.5 * (0.5 - 0.25)),
        0.05,
        0.0,
    );
    let short = dedicated(false, SimTime::from_mins(5_000), SimTime::ZERO);
    let (_, records) = logged(&short, 31, 0);
    assert_eq!(max_in_service(&records), [2, 1]);
}

/// The same station with the SENTRI lane shared when idle (same seeds: common random numbers,
/// so the vehicles are identical). The SENTRI lane now serves general traffic too
/// (its `served` exceeds SENTRI departures in every replication), general traffic waits less
/// (paired difference per replication: its 95% CI lies below zero by more than 2
/// half-widths), SENTRI still never uses a general lane (at most 1 in service), and 3 "none"
/// vehicles are in service at once at times.
#[test]
fn an_idle_dedicated_lane_shares_when_allowed() {
    let horizon = SimTime::from_mins(31_000);
    let warmup = SimTime::from_mins(1_000);
    let closed = replicate(&dedicated(false, horizon, warmup), 10, 31);
    let open = replicate(&dedicated(true, horizon, warmup), 10, 31);
    for rep in &open {
        let lanes = &rep.stations[0].lanes;
        assert!(lanes[1].served > programme_served(rep, 1));
        assert_eq!(lanes[0].served + lanes[1].served, rep.stations[0].served);
    }
    for (a, b) in closed.iter().zip(&open) {
        assert_eq!(a.vehicles.arrived, b.vehicles.arrived, "same vehicles");
    }
    let gain: Vec<f64> = closed
        .iter()
        .zip(&open)
        .map(|(a, b)| programme_wait_min(b, 0) - programme_wait_min(a, 0))
        .collect();
    let ci = MeanCi::from_samples(&gain).expect("replications");
    let hw = ci.half_width_95.expect("several replications");
    verbose(format_args!(
        "sharing: general wait changes by {:.3} ± {hw:.3} min",
        ci.mean
    ));
    assert!(
        ci.mean + K * hw < 0.0,
        "sharing changed the general wait by {:.3} ± {hw:.3} min",
        ci.mean
    );
    let (_, records) = logged(
        &dedicated(true, SimTime::from_mins(5_000), SimTime::ZERO),
        31,
        0,
    );
    assert_eq!(max_in_service(&records), [3, 1]);
}

/// A station whose only lane is a SENTRI lane that shares when idle: it takes general
/// traffic only when no SENTRI vehicle waits, i.e. SENTRI has non-preemptive priority.
/// Cobham's formula with λ_S = 0.25/min, λ_N = 0.1/min, exponential service of mean 2 min
/// (E[S²] = 8): W0 = 1.4 min, Wq(SENTRI) = 2.8 min, Wq(none) = 9.33 min (FIFO would give 4.67
/// for both). 10 replications × 60,000 min: within 2 half-widths, half-widths < 6%. The log
/// shows no general vehicle starting while a SENTRI vehicle waits.
#[test]
fn a_sharing_dedicated_lane_serves_its_own_first() {
    let scenario = |horizon: SimTime, warmup: SimTime| {
        let population = Population {
            classes: vec![VehicleClass {
                programme_shares: vec![0.1 / 0.35, 0.25 / 0.35],
                ..VehicleClass::simple("car", 2)
            }],
            programmes: vec![
                Programme { id: "none".into() },
                Programme {
                    id: "sentri".into(),
                },
            ],
            directions: Population::simple(&["x"]).directions,
        };
        let groups = vec![lanes(
            "sentri",
            programmes(&[1]),
            true,
            LaneSchedule::Constant(1),
        )];
        scenario_with(
            "sentri only",
            &population,
            vec![station_with(groups, 1, exponential(2.0))],
            vec![Source::poisson("cars", ClassId(0), 21.0, StationId(0))],
            horizon,
            warmup,
        )
    };
    let reps = replicate(
        &scenario(SimTime::from_mins(61_000), SimTime::from_mins(1_000)),
        10,
        5,
    );
    let exact = cobham_waits(&[(0.25, 2.0, 8.0), (0.1, 2.0, 8.0)]);
    assert_near_exact(
        "SENTRI wait",
        &per_rep(&reps, |r| programme_wait_min(r, 1)),
        exact[0],
        0.06,
        0.0,
    );
    assert_near_exact(
        "general wait",
        &per_rep(&reps, |r| programme_wait_min(r, 0)),
        exact[1],
        0.06,
        0.0,
    );
    let (_, records) = logged(&scenario(SimTime::from_mins(5_000), SimTime::ZERO), 5, 0);
    assert_no_start_while_higher_waits(&records, |r| usize::from(r.programme.0));
}

/// Replays queued vehicles by rank (`rank(record)`: larger is served first) and asserts that
/// no vehicle starts while one of a higher rank waits. Returns the number of Starts checked
/// that had a lower-ranked vehicle in front of them in arrival order (overtakes).
fn assert_no_start_while_higher_waits(
    records: &[LogRecord],
    rank: impl Fn(&LogRecord) -> usize,
) -> u64 {
    let mut waiting = [0u64; 2];
    let mut checked = 0;
    for r in records {
        match r.kind {
            LogKind::Queue => waiting[rank(r)] += 1,
            LogKind::Start => {
                let k = rank(r);
                waiting[k] -= 1;
                if k == 0 {
                    assert_eq!(
                        waiting[1], 0,
                        "vehicle {} (low) starts at {:?} while {} high ones wait",
                        r.vehicle, r.time, waiting[1]
                    );
                }
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked > 1_000);
    checked
}

/// Perishables (priority 1) and ordinary trucks (priority 0) at one booth.
fn two_priorities(
    sources: Vec<Source>,
    service: ServiceDist,
    horizon: SimTime,
    warmup: SimTime,
) -> Scenario {
    let mut population = Population::simple(&["perishable", "truck"]);
    population.classes[0].priority = 1;
    scenario_with(
        "priorities",
        &population,
        vec![Station::simple("booth", 1, vec![Some(service); 2], vec![])],
        sources,
        horizon,
        warmup,
    )
}

/// One booth, 10 min service. Trucks at 00:00, 00:01, 00:02, perishables at 00:03 and
/// 00:04, a truck at 00:05. The first truck is not interrupted (ends 00:10); then both
/// perishables (00:10, 00:20), then the trucks in arrival order (00:30, 00:40, 00:50).
#[test]
fn priority_is_served_first_but_never_preempts() {
    let trace = vec![
        row(at(0, 0), 1, None),
        row(at(0, 1), 1, None),
        row(at(0, 2), 1, None),
        row(at(0, 3), 0, None),
        row(at(0, 4), 0, None),
        row(at(0, 5), 1, None),
    ];
    let scenario = two_priorities(
        vec![trace_source("recorded", StationId(0), trace)],
        fixed_min(10.0),
        SimTime::from_hours(2),
        SimTime::ZERO,
    );
    let (_, records) = logged(&scenario, 1, 0);
    let starts: Vec<(u64, SimTime)> = service_times(&records)
        .into_iter()
        .map(|(v, s, _)| (v, s))
        .collect();
    assert_eq!(
        starts,
        vec![
            (0, at(0, 0)),
            (1, at(0, 30)),
            (2, at(0, 40)),
            (3, at(0, 10)),
            (4, at(0, 20)),
            (5, at(0, 50)),
        ]
    );
}

/// M/M/1 with two priority classes, λ_H = 0.3/min, λ_L = 0.4/min, service mean 1 min:
/// Cobham gives Wq(H) = 0.7/0.7 = 1 min and Wq(L) = 0.7/(0.7·0.3) = 3.33 min (FIFO: 2.33 for
/// both). 10 replications × 60,000 min after 1,000: within 2 half-widths, half-widths < 5%.
/// The log shows no low-priority start while a high-priority vehicle waits, and FIFO within
/// each class.
#[test]
fn priority_waits_match_cobham() {
    let sources = || {
        vec![
            Source::poisson("perishables", ClassId(0), 18.0, StationId(0)),
            Source::poisson("trucks", ClassId(1), 24.0, StationId(0)),
        ]
    };
    let scenario = two_priorities(
        sources(),
        exponential(1.0),
        SimTime::from_mins(61_000),
        SimTime::from_mins(1_000),
    );
    let reps = replicate(&scenario, 10, 77);
    let exact = cobham_waits(&[(0.3, 1.0, 2.0), (0.4, 1.0, 2.0)]);
    assert!((exact[0] - 1.0).abs() < 1e-12 && (exact[1] - 10.0 / 3.0).abs() < 1e-12);
    let class_wait = |r: &ReplicationStats, c: usize| {
        let shape = r.shape;
        r.stations[0]
            .waits
            .merged(|cell| shape.decode_station_cell(cell).0.index() == c)
            .mean_ms()
            .expect("served")
            / MIN
    };
    assert_near_exact(
        "high-priority wait",
        &per_rep(&reps, |r| class_wait(r, 0)),
        exact[0],
        0.05,
        0.0,
    );
    assert_near_exact(
        "low-priority wait",
        &per_rep(&reps, |r| class_wait(r, 1)),
        exact[1],
        0.05,
        0.0,
    );

    let short = two_priorities(
        sources(),
        exponential(1.0),
        SimTime::from_mins(5_000),
        SimTime::ZERO,
    );
    let (_, records) = logged(&short, 77, 0);
    assert_no_start_while_higher_waits(&records, |r| usize::from(r.class.0 == ClassId(0).0));
    // FIFO within each class: starts in the order of joining the queue.
    for c in 0..2u16 {
        let order = |kind| -> Vec<u64> {
            records
                .iter()
                .filter(|r| r.kind == kind && r.class.0 == c)
                .map(|r| r.vehicle)
                .collect()
        };
        let (queued, started) = (order(LogKind::Queue), order(LogKind::Start));
        assert_eq!(queued[..started.len()], started[..], "class {c} FIFO");
    }
}

/// Two lane groups open together at 06:00: a general lane serving programme "none" only,
/// and a trusted-traveller lane that shares when idle. A "none" vehicle has waited since
/// 04:00; a trusted one arrives at 06:01; service takes 30 min. Its own lanes first: the
/// waiting vehicle takes the general lane at 06:00 and the trusted vehicle its idle lane at
/// 06:01 (waits 120 + 0 min), whatever the history of the schedules.
///
/// Regression: every group's change at an instant is applied before any lane takes a
/// vehicle, so the result cannot depend on which group's schedule changed last (here the
/// general lane was also open 00:00–03:00). Applied one group at a time, the sharing lane
/// would open first and take the general vehicle (waits 120 + 29 min, served [0, 2]).
#[test]
fn lanes_opening_together_serve_their_own_first() {
    let population = Population {
        classes: vec![VehicleClass {
            programme_shares: vec![0.5, 0.5],
            ..VehicleClass::simple("car", 2)
        }],
        programmes: vec![
            Programme { id: "none".into() },
            Programme {
                id: "trusted".into(),
            },
        ],
        directions: Population::simple(&["x"]).directions,
    };
    let mut trusted = [1u32; 24];
    trusted[0..6].fill(0);
    let mut closed_at_midnight = [1u32; 24];
    closed_at_midnight[0..6].fill(0);
    let mut closed_at_three = [1u32; 24];
    closed_at_three[3..6].fill(0);
    for general in [closed_at_midnight, closed_at_three] {
        let station = Station {
            lanes: vec![
                lanes(
                    "general",
                    programmes(&[0]),
                    false,
                    LaneSchedule::daily(general),
                ),
                lanes(
                    "trusted",
                    programmes(&[1]),
                    true,
                    LaneSchedule::daily(trusted),
                ),
            ],
            ..Station::simple("booths", 1, vec![Some(fixed_min(30.0))], vec![])
        };
        let trace = vec![row(at(4, 0), 0, Some(0)), row(at(6, 1), 0, Some(1))];
        let scenario = scenario_with(
            "opening together",
            &population,
            vec![station],
            vec![trace_source("recorded", StationId(0), trace)],
            at(8, 0),
            SimTime::ZERO,
        );
        let (stats, records) = logged(&scenario, 1, 0);
        let starts: Vec<(u64, SimTime)> = service_times(&records)
            .into_iter()
            .map(|(v, s, _)| (v, s))
            .collect();
        assert_eq!(
            starts,
            vec![(0, at(6, 0)), (1, at(6, 1))],
            "general {general:?}"
        );
        let served: Vec<u64> = stats.stations[0].lanes.iter().map(|l| l.served).collect();
        assert_eq!(served, [1, 1]);
    }
}
