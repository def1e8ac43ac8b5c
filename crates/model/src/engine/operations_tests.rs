//! Operations on top of the weekly pattern: service factors by hour of day, standing queues
//! at time zero, and events on dates and times. Deterministic cases give exact numbers;
//! the Markovian ones are checked against Erlang C over replications.

use bordersim_des::SimTime;

use crate::dist::ServiceDist;
use crate::engine::{CompiledScenario, run_replication};
use crate::ids::{ClassId, StationId};
use crate::population::Population;
use crate::scenario::{
    Arrivals, Crossing, EventKind, HourlyFactor, InitialQueue, Operations, Scenario, ScenarioEvent,
    Source, Station,
};
use crate::schedule::LaneSchedule;
use crate::stats::ReplicationStats;
use crate::testing::{dedicated, minutes, trace};

const MIN: u64 = 60_000;

/// The scenario of `stations` fed by `sources` (classes `c0`, `c1`, …) with `ops`, run for
/// `horizon_min` minutes after `warmup_min`.
fn with_ops(
    classes: usize,
    stations: Vec<Station>,
    sources: Vec<Source>,
    ops: Operations,
    warmup_min: u64,
    horizon_min: u64,
) -> Scenario {
    let names: Vec<String> = (0..classes).map(|c| format!("c{c}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let crossing = Crossing::new("test", &Population::simple(&names), stations, sources)
        .unwrap()
        .with_operations(ops)
        .unwrap();
    Scenario {
        name: "test".into(),
        crossing,
        horizon: SimTime::from_mins(horizon_min),
        warmup: SimTime::from_mins(warmup_min),
        replications: 1,
        seed: 1,
        start_weekday: 0,
    }
}

fn run(scenario: &Scenario) -> ReplicationStats {
    let stats = run_replication(&CompiledScenario::new(scenario).unwrap(), 1, 0);
    assert!(stats.vehicles.is_conserved(), "{:?}", stats.vehicles);
    stats
}

fn factor(station: u32, group: Option<usize>, by_hour: [f64; 24]) -> HourlyFactor {
    HourlyFactor {
        station: StationId(station),
        group,
        by_hour,
    }
}

/// 2 in hour 0, 0.5 in hour 1, 1 elsewhere.
fn two_then_half() -> [f64; 24] {
    let mut f = [1.0; 24];
    f[0] = 2.0;
    f[1] = 0.5;
    f
}

// ----- service factor by hour -------------------------------------------------------------

#[test]
fn the_factor_of_the_hour_service_starts_in_scales_the_service() {
    // One booth, 10 minutes of service. Two vehicles at 00:00: 20 min each (factor 2), the
    // second waits 20. Two at 00:50: the first starts at 00:50 (hour 0, 20 min, done 01:10),
    // the second at 01:10 in hour 1: 5 min, having waited 20.
    let st = Station::simple("booth", 1, minutes(10.0, 1), Vec::new());
    let ops = Operations {
        service_factors: vec![factor(0, None, two_then_half())],
        ..Operations::default()
    };
    let sc = with_ops(
        1,
        vec![st],
        vec![trace(&[(0, 0), (0, 0), (50, 0), (50, 0)])],
        ops,
        0,
        180,
    );
    let s = &run(&sc).stations[0];
    assert_eq!(s.wait().sum_ms(), u128::from(20 * MIN + 20 * MIN));
    // Time at the station (queue + service): 20 + 40 + 20 + 25.
    let stages = s.stages.merged(|_| true);
    assert_eq!(stages.sum_ms(), u128::from(105 * MIN));
}

#[test]
fn a_station_factor_and_its_groups_factor_multiply() {
    // Two groups of one lane, one per class; the station's factor 2 in hour 0, group c1's
    // own 3 in every hour: class 0 takes 20 min, class 1 60 min in hour 0, 30 min after.
    let mut st = Station::simple("booths", 1, minutes(10.0, 2), Vec::new());
    st.lanes = vec![
        dedicated("c0", &[0], LaneSchedule::Constant(1)),
        dedicated("c1", &[1], LaneSchedule::Constant(1)),
    ];
    let mut three = [3.0; 24];
    three[5] = 3.0;
    let ops = Operations {
        service_factors: vec![factor(0, None, two_then_half()), factor(0, Some(1), three)],
        ..Operations::default()
    };
    let sc = with_ops(
        2,
        vec![st],
        vec![trace(&[(0, 0), (0, 1), (120, 1)])],
        ops,
        0,
        300,
    );
    let s = &run(&sc).stations[0];
    assert_eq!(
        s.stages.merged(|_| true).sum_ms(),
        u128::from((20 + 60 + 30) * MIN)
    );
}

#[test]
fn without_operations_nothing_changes() {
    // A factor of 1 in every hour gives the run without factors, number for number.
    let st = Station::simple("booth", 2, exponential(1.0), Vec::new());
    let plain = with_ops(
        1,
        vec![st.clone()],
        vec![poisson(90.0)],
        Operations::default(),
        0,
        600,
    );
    let ones = with_ops(
        1,
        vec![st],
        vec![poisson(90.0)],
        Operations {
            service_factors: vec![factor(0, None, [1.0; 24])],
            ..Operations::default()
        },
        0,
        600,
    );
    let (a, b) = (run(&plain), run(&ones));
    assert_eq!(a.stations[0].wait().sum_ms(), b.stations[0].wait().sum_ms());
    assert_eq!(a.events, b.events);
}

fn exponential(mean_min: f64) -> Vec<Option<ServiceDist>> {
    vec![Some(ServiceDist::Exponential {
        mean_ms: mean_min * 60_000.0,
    })]
}

fn poisson(rate_per_hour: f64) -> Source {
    Source {
        id: "poisson".into(),
        entry: StationId(0),
        arrivals: Arrivals::Poisson {
            class: ClassId(0),
            rate_per_hour,
        },
    }
}

/// Erlang C: the probability that an arrival waits in M/M/c with offered load `a`.
fn erlang_c(servers: u32, a: f64) -> f64 {
    let c = f64::from(servers);
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 0..servers {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let top = term * a / c / (1.0 - a / c);
    top / (sum + top)
}

/// Mean and 95% half-width (Student t, 19 degrees of freedom) of 20 values.
fn mean_ci(values: &[f64]) -> (f64, f64) {
    assert_eq!(values.len(), 20);
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, 2.093 * (var / n).sqrt())
}

#[test]
fn a_factor_in_every_hour_is_mm_c_with_the_mean_times_the_factor() {
    // M/M/3 at 120 vehicles/h, mean service 1 min × factor 1.25 in every hour: load
    // a = 2.5, rho = 0.833. Exact mean wait: C(3, 2.5) / (3 mu - lambda), mu = 0.8/min.
    let lambda = 2.0;
    let mu = 1.0 / 1.25;
    let exact = erlang_c(3, lambda / mu) / (3.0 * mu - lambda);
    let st = Station::simple("booths", 3, exponential(1.0), Vec::new());
    let sc = with_ops(
        1,
        vec![st],
        vec![poisson(120.0)],
        Operations {
            service_factors: vec![factor(0, None, [1.25; 24])],
            ..Operations::default()
        },
        24 * 60,
        21 * 24 * 60,
    );
    let model = CompiledScenario::new(&sc).unwrap();
    let waits: Vec<f64> = (0..20)
        .map(|r| {
            let stats = run_replication(&model, 7, r);
            stats.stations[0].wait().mean_ms().unwrap() / 60_000.0
        })
        .collect();
    let (mean, half) = mean_ci(&waits);
    assert!(
        (mean - exact).abs() <= half,
        "mean wait {mean:.4} ± {half:.4} min, Erlang C {exact:.4} min"
    );
}

// ----- standing queue at time zero ----------------------------------------------------------

fn standing(station: u32, group: Option<usize>, vehicles: u32, class: Option<u16>) -> InitialQueue {
    InitialQueue {
        station: StationId(station),
        group,
        vehicles,
        class: class.map(ClassId),
    }
}

#[test]
fn a_standing_queue_is_served_in_line_with_known_waits() {
    // 10 vehicles at time zero, 3 lanes, 6 minutes each: vehicle i waits floor(i/3) x 6
    // minutes: 0,0,0,6,6,6,12,12,12,18 = 72 minutes in all; the last leaves at minute 24.
    let st = Station::simple("booths", 3, minutes(6.0, 1), Vec::new());
    let ops = Operations {
        initial_queues: vec![standing(0, None, 10, Some(0))],
        ..Operations::default()
    };
    let sc = with_ops(1, vec![st], vec![trace(&[])], ops, 0, 60);
    let stats = run(&sc);
    let s = &stats.stations[0];
    assert_eq!(stats.vehicles.arrived, 10);
    assert_eq!(stats.vehicles.departed, 10);
    assert_eq!(s.wait().count(), 10);
    assert_eq!(s.wait().sum_ms(), u128::from(72 * MIN));
    assert_eq!(s.wait().max_ms(), Some(18 * MIN));
    // Little's law over the hour, exactly: the mean queue (vehicles) times 60 minutes is the
    // total wait in minutes.
    assert_eq!(s.queue_length.area_until(60 * MIN), u128::from(72 * MIN));
}

#[test]
fn arrivals_at_time_zero_queue_behind_the_standing_queue() {
    // 2 standing vehicles, 1 lane of 10 minutes; a traced vehicle at 00:00 comes after them
    // and waits 20 minutes.
    let st = Station::simple("booth", 1, minutes(10.0, 1), Vec::new());
    let ops = Operations {
        initial_queues: vec![standing(0, None, 2, None)],
        ..Operations::default()
    };
    let sc = with_ops(1, vec![st], vec![trace(&[(0, 0)])], ops, 0, 60);
    let stats = run(&sc);
    assert_eq!(stats.vehicles.arrived, 3);
    assert_eq!(stats.stations[0].wait().sum_ms(), u128::from(30 * MIN));
    assert_eq!(stats.stations[0].wait().max_ms(), Some(20 * MIN));
}

#[test]
fn a_groups_standing_queue_holds_only_the_vehicles_it_serves() {
    // Two groups, one lane each, one per class; the source brings both classes, the
    // standing queue is group c1's: its 4 vehicles are all class 1 and go through its lane
    // (0 + 5 + 10 + 15 = 30 minutes of waits); group c0 serves none of them.
    let mut st = Station::simple("booths", 1, minutes(5.0, 2), Vec::new());
    st.lanes = vec![
        dedicated("c0", &[0], LaneSchedule::Constant(1)),
        dedicated("c1", &[1], LaneSchedule::Constant(1)),
    ];
    let ops = Operations {
        initial_queues: vec![standing(0, Some(1), 4, None)],
        ..Operations::default()
    };
    let sc = with_ops(2, vec![st], vec![trace(&[(100, 0), (100, 1)])], ops, 0, 60);
    let stats = run(&sc);
    assert_eq!(stats.classes[1].arrived, 4);
    assert_eq!(stats.classes[0].arrived, 0);
    let s = &stats.stations[0];
    assert_eq!((s.lanes[0].served, s.lanes[1].served), (0, 4));
    assert_eq!(s.wait().sum_ms(), u128::from(30 * MIN));
}

#[test]
fn standing_queues_are_checked() {
    let st = || Station::simple("booth", 1, minutes(10.0, 1), Vec::new());
    let crossing = || {
        Crossing::new(
            "test",
            &Population::simple(&["c0"]),
            vec![st()],
            vec![trace(&[])],
        )
        .unwrap()
    };
    // No source enters with vehicles to give the mix: the class must be given.
    let err = crossing()
        .with_operations(Operations {
            initial_queues: vec![standing(0, None, 5, None)],
            ..Operations::default()
        })
        .unwrap_err();
    assert!(
        err[0].message.contains("give the queue's `class`"),
        "{err:?}"
    );
    let err = crossing()
        .with_operations(Operations {
            initial_queues: vec![standing(0, Some(3), 5, Some(0))],
            service_factors: vec![factor(0, None, {
                let mut f = [1.0; 24];
                f[7] = 0.0;
                f
            })],
            ..Operations::default()
        })
        .unwrap_err();
    assert_eq!(err.len(), 2, "{err:?}");
}

// ----- events -------------------------------------------------------------------------------

fn event(from_min: u64, to_min: u64, kind: EventKind) -> ScenarioEvent {
    ScenarioEvent {
        from: SimTime::from_mins(from_min),
        to: SimTime::from_mins(to_min),
        kind,
    }
}

/// `n` vehicles of class 0 at minutes 0, `gap`, 2 `gap`, …
fn constant(n: u64, gap: u64) -> Source {
    let rows: Vec<(u64, u16)> = (0..n).map(|i| (i * gap, 0)).collect();
    trace(&rows)
}

#[test]
fn an_outage_of_every_lane_for_an_hour_leaves_the_expected_backlog() {
    // One arrival a minute, 2 lanes of 1.5 minutes (capacity 80 an hour against 60): no
    // queue before 01:00. Every lane out 01:00–02:00: the 60 vehicles of that hour queue;
    // at 02:00 the backlog is exactly 60 vehicles (the lanes finish the vehicles in service
    // at 01:00 and take no other).
    let st = Station::simple("booths", 2, minutes(1.5, 1), Vec::new());
    let ops = Operations {
        events: vec![event(
            60,
            120,
            EventKind::Outage {
                station: StationId(0),
                group: None,
                lanes: None,
            },
        )],
        ..Operations::default()
    };
    let sc = with_ops(1, vec![st], vec![constant(300, 1)], ops, 0, 120);
    let stats = run(&sc);
    // The run ends at 02:00: the 60 vehicles of the outage hour are all still there (the
    // arrival at 02:00 is not processed).
    assert_eq!(stats.vehicles.arrived, 120);
    assert_eq!(stats.vehicles.in_system_at_end, 60);
    let s = &stats.stations[0];
    // Open lanes: 2 for an hour, 0 for the next.
    assert_eq!(s.open_servers.area_until(120 * MIN), u128::from(120 * MIN));
    // The queue grew by one a minute from 01:00 (the vehicle of 01:00 included): its area
    // over the outage hour is 1 + 2 + … + 60 vehicle-minutes.
    assert_eq!(s.queue_length.area_until(120 * MIN), u128::from(1830 * MIN));
}

fn outage(station: u32, group: Option<usize>, lanes: Option<u32>) -> EventKind {
    EventKind::Outage {
        station: StationId(station),
        group,
        lanes,
    }
}

#[test]
fn after_the_outage_the_backlog_drains_at_the_spare_capacity() {
    // As above, run on: from 02:00 the 2 lanes serve 80 an hour against 60 arriving, so
    // the 60 vehicles of backlog are gone after 3 hours, and from 05:00 nobody waits.
    let st = Station::simple("booths", 2, minutes(1.5, 1), Vec::new());
    let ops = Operations {
        events: vec![event(60, 120, outage(0, None, None))],
        ..Operations::default()
    };
    let sc = with_ops(1, vec![st], vec![constant(600, 1)], ops, 0, 480);
    let (stats, log) = crate::testing::run_logged(&sc);
    assert!(stats.vehicles.is_conserved());
    // The last vehicle to wait arrived before 05:00; from then on every vehicle starts on
    // arrival.
    for v in 300..480u64 {
        let arrive = crate::testing::minute_of(&log, v, crate::log::LogKind::Arrive).unwrap();
        let start = crate::testing::minute_of(&log, v, crate::log::LogKind::Start).unwrap();
        assert_eq!(arrive, start, "vehicle {v}");
    }
    // At 02:00 both lanes take the line two by two, a pair every 1.5 minutes: vehicles 60
    // + 2k and 61 + 2k start at 120 + 1.5k minutes, so vehicle 119 (k = 29, the 60th)
    // starts at minute 163.5, the arrivals after 02:00 all behind it.
    let start = crate::testing::minute_of(&log, 119, crate::log::LogKind::Start).unwrap();
    assert_eq!(start, 163.5);
}

#[test]
fn a_closure_is_every_lane_of_every_group_out() {
    let groups = || {
        vec![
            dedicated("a", &[0], LaneSchedule::Constant(2)),
            dedicated("b", &[0], LaneSchedule::Constant(1)),
        ]
    };
    let mut st = Station::simple("booths", 1, minutes(1.5, 1), Vec::new());
    st.lanes = groups();
    let run_with = |kind: EventKind| {
        let ops = Operations {
            events: vec![event(60, 120, kind)],
            ..Operations::default()
        };
        run(&with_ops(
            1,
            vec![st.clone()],
            vec![constant(200, 1)],
            ops,
            0,
            180,
        ))
    };
    let closed = run_with(EventKind::Closure {
        station: StationId(0),
    });
    let out = run_with(outage(0, None, None));
    let s = &closed.stations[0];
    assert_eq!(
        s.open_servers.area_until(180 * MIN),
        u128::from(3 * 120 * MIN)
    );
    assert_eq!(
        s.wait().sum_ms(),
        out.stations[0].wait().sum_ms(),
        "a closure and an outage of every lane are the same"
    );
    // One lane of group `a` out: 2 open for that hour.
    let one = run_with(outage(0, Some(0), Some(1)));
    assert_eq!(
        one.stations[0].open_servers.area_until(180 * MIN),
        u128::from((3 * 120 + 2 * 60) * MIN)
    );
}

#[test]
fn lanes_fail_before_and_return_before_the_vehicles_of_the_same_instant() {
    // One lane, 60 minutes of service; two vehicles at 00:00. The lane fails at 01:00, the
    // instant the first leaves: the second does not start then but when the lane returns
    // at 01:30, before a vehicle arriving at 01:30, which waits behind it.
    let st = Station::simple("booth", 1, minutes(60.0, 1), Vec::new());
    let ops = Operations {
        events: vec![event(60, 90, outage(0, None, Some(1)))],
        ..Operations::default()
    };
    let sc = with_ops(
        1,
        vec![st],
        vec![trace(&[(0, 0), (0, 0), (90, 0)])],
        ops,
        0,
        300,
    );
    let (_, log) = crate::testing::run_logged(&sc);
    let start = |v| crate::testing::minute_of(&log, v, crate::log::LogKind::Start).unwrap();
    assert_eq!((start(0), start(1), start(2)), (0.0, 90.0, 150.0));
}

#[test]
fn a_slowdown_scales_the_services_that_start_in_its_window() {
    // One booth, 10 minutes; service x3 from 01:00 to 02:00, on top of an hourly factor of
    // 2 at 01:00–02:00. Vehicles at 00:00, 01:00 (60 min) and 02:00 (10 min).
    let st = Station::simple("booth", 1, minutes(10.0, 1), Vec::new());
    let mut hourly = [1.0; 24];
    hourly[1] = 2.0;
    let ops = Operations {
        service_factors: vec![factor(0, None, hourly)],
        events: vec![event(
            60,
            120,
            EventKind::Slowdown {
                station: StationId(0),
                group: None,
                factor: 3.0,
            },
        )],
        ..Operations::default()
    };
    let sc = with_ops(
        1,
        vec![st],
        vec![trace(&[(0, 0), (60, 0), (125, 0)])],
        ops,
        0,
        300,
    );
    let s = &run(&sc).stations[0];
    assert_eq!(
        s.stages.merged(|_| true).sum_ms(),
        u128::from((10 + 60 + 10) * MIN)
    );
}

#[test]
fn a_date_specific_schedule_replaces_the_weekly_pattern_on_its_day() {
    // One lane always open; on day 2 (a holiday) none from 00:00 to 03:00, then 2. A vehicle
    // at 00:00 of day 1 is served at once; two at 00:00 of day 2 wait until 03:00, then
    // both start (two lanes); one at 00:00 of day 3 is served at once.
    let st = Station::simple("booth", 1, minutes(10.0, 1), Vec::new());
    let mut hours = [2; 24];
    hours[..3].fill(0);
    let day = 24 * 60;
    let ops = Operations {
        events: vec![event(
            day,
            2 * day,
            EventKind::Schedule {
                station: StationId(0),
                group: 0,
                servers_by_hour: hours,
            },
        )],
        ..Operations::default()
    };
    let sc = with_ops(
        1,
        vec![st],
        vec![trace(&[(0, 0), (day, 0), (day, 0), (2 * day, 0)])],
        ops,
        0,
        3 * day,
    );
    let (stats, log) = crate::testing::run_logged(&sc);
    let start = |v| crate::testing::minute_of(&log, v, crate::log::LogKind::Start).unwrap();
    let d = day as f64;
    assert_eq!(
        (start(0), start(1), start(2), start(3)),
        (0.0, d + 180.0, d + 180.0, 2.0 * d)
    );
    // Lane-hours: 24 on day 1, 21 x 2 on day 2, 24 on day 3.
    assert_eq!(
        stats.stations[0].open_servers.area_until(3 * day * MIN),
        u128::from((24 + 42 + 24) * 60 * MIN)
    );
}

/// Arrival times (ms) of every vehicle of a run of `sc`, replication `r`.
fn arrival_times(sc: &Scenario, r: u64) -> Vec<u64> {
    let mut log = crate::testing::Everything::default();
    crate::engine::run_replication_logged(&CompiledScenario::new(sc).unwrap(), 3, r, &mut log);
    let mut times: Vec<u64> = log
        .0
        .iter()
        .filter(|e| e.kind == crate::log::LogKind::Arrive)
        .map(|e| e.time.as_millis())
        .collect();
    times.sort_unstable();
    times
}

fn demand(factor: f64) -> Operations {
    Operations {
        events: vec![event(
            120,
            240,
            EventKind::Demand {
                factor,
                classes: None,
            },
        )],
        ..Operations::default()
    }
}

#[test]
fn a_demand_drop_keeps_a_subset_of_the_same_vehicles() {
    let st = Station::simple("booths", 4, exponential(1.0), Vec::new());
    let build = |ops| with_ops(1, vec![st.clone()], vec![poisson(120.0)], ops, 0, 360);
    let window = 120 * MIN..240 * MIN;
    let (mut kept, mut all) = (0usize, 0usize);
    for r in 0..20 {
        let base = arrival_times(&build(Operations::default()), r);
        let half = arrival_times(&build(demand(0.5)), r);
        let none = arrival_times(&build(demand(0.0)), r);
        // Outside the window, the same vehicles; inside, a subset (none at factor 0).
        let outside =
            |v: &[u64]| -> Vec<u64> { v.iter().copied().filter(|t| !window.contains(t)).collect() };
        assert_eq!(outside(&base), outside(&half));
        assert_eq!(outside(&base), none);
        assert!(half.iter().all(|t| base.binary_search(t).is_ok()));
        all += base.iter().filter(|t| window.contains(t)).count();
        kept += half.iter().filter(|t| window.contains(t)).count();
    }
    // About half kept: binomial, 3.3 standard deviations.
    let p = kept as f64 / all as f64;
    let sd = (0.25 / all as f64).sqrt();
    assert!((p - 0.5).abs() < 3.3 * sd, "{kept} of {all}");
}

#[test]
fn a_demand_surge_adds_vehicles_to_the_same_ones() {
    let st = Station::simple("booths", 8, exponential(1.0), Vec::new());
    let build = |ops| with_ops(1, vec![st.clone()], vec![poisson(120.0)], ops, 0, 360);
    let window = 120 * MIN..240 * MIN;
    let mut extra = Vec::new();
    for r in 0..20 {
        let base = arrival_times(&build(Operations::default()), r);
        let surge = arrival_times(&build(demand(1.5)), r);
        // Every vehicle of the run without the surge is there; the extra ones all arrive
        // in the window.
        let mut rest = surge.clone();
        for t in &base {
            let i = rest
                .binary_search(t)
                .expect("a vehicle of the base run is missing");
            rest.remove(i);
        }
        assert!(rest.iter().all(|t| window.contains(t)));
        extra.push(rest.len() as f64);
    }
    // 0.5 x 120/h over 2 hours: 120 extra vehicles expected.
    let (mean, half) = mean_ci(&extra);
    assert!((mean - 120.0).abs() <= half.max(1.0), "{mean} ± {half}");
}
