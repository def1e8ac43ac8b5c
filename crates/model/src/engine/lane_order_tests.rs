//! Which lane a vehicle takes never depends on the order of a station's lane groups: a
//! vehicle prefers a free lane of its own to one that only shares when idle, the group
//! serving the fewest kinds of vehicle (the one dedicated to it) first, then the group least
//! busy for its size; lanes that free at once take waiting vehicles in their order of service.
//! Each rule is checked in every order of the groups, with exact values.

use bordersim_des::SimTime;

use crate::crossing::Crossing;
use crate::dist::ServiceDist;
use crate::ids::{ClassId, ProgrammeId, StationId};
use crate::log::{LogKind, LogRecord};
use crate::population::{Population, Programme, VehicleClass, VehicleFilter};
use crate::scenario::{LaneGroup, LaneRule, Scenario, Station};
use crate::schedule::LaneSchedule;
use crate::source::{Arrivals, Source, TraceArrival};
use crate::station::{Route, Target};
use crate::stats::ReplicationStats;
use crate::testing::{Everything, minute_of, open_hours};
use crate::{CompiledScenario, run_replication_logged};

const MIN: u64 = 60_000;
const CAR: u16 = 0;
const TRUCK: u16 = 1;
const NONE: u8 = 0;
const FAST: u8 = 1;

/// Cars (never in a programme) and trucks (30% FAST); programmes `none` and `fast`.
fn population() -> Population {
    let mut car = VehicleClass::simple("car", 2);
    car.length_m = 5.0;
    let mut truck = VehicleClass::simple("truck", 2);
    truck.programme_shares = vec![0.7, 0.3];
    let mut population = Population::simple(&["car", "truck"]);
    population.classes = vec![car, truck];
    population.programmes = vec![
        Programme { id: "none".into() },
        Programme { id: "fast".into() },
    ];
    population
}

fn group(id: &str, serves: VehicleFilter, lanes: LaneSchedule) -> LaneGroup {
    LaneGroup {
        id: id.into(),
        serves,
        share_when_idle: false,
        schedule: lanes,
        rule: None,
    }
}

/// Booths for everyone.
fn general(lanes: LaneSchedule) -> LaneGroup {
    group("general", VehicleFilter::any(), lanes)
}

/// Booths for the FAST programme (any class).
fn fast(lanes: LaneSchedule, share_when_idle: bool) -> LaneGroup {
    LaneGroup {
        share_when_idle,
        ..group(
            "fast",
            VehicleFilter {
                programmes: Some(vec![ProgrammeId(FAST)]),
                ..VehicleFilter::any()
            },
            lanes,
        )
    }
}

/// Booths for trucks (any programme).
fn trucks(lanes: LaneSchedule) -> LaneGroup {
    group(
        "trucks",
        VehicleFilter::classes(vec![ClassId(TRUCK)]),
        lanes,
    )
}

/// Booths for FAST trucks.
fn fast_trucks(lanes: LaneSchedule) -> LaneGroup {
    group(
        "fast-trucks",
        VehicleFilter {
            classes: Some(vec![ClassId(TRUCK)]),
            programmes: Some(vec![ProgrammeId(FAST)]),
            channels: None,
        },
        lanes,
    )
}

fn service(minutes: f64) -> Vec<Option<ServiceDist>> {
    vec![
        Some(ServiceDist::Deterministic {
            value_ms: minutes * 60_000.0,
        });
        2
    ]
}

/// One station of these lane groups, `minutes` of service for everyone.
fn booths(groups: Vec<LaneGroup>, minutes: f64) -> Station {
    let mut st = Station::simple("booths", 1, service(minutes), Vec::new());
    st.lanes = groups;
    st
}

/// A trace entering at station 0: (minute, class, programme) rows, sorted.
fn trace(rows: &[(u64, u16, u8)]) -> Source {
    Source {
        id: "trace".into(),
        entry: StationId(0),
        arrivals: Arrivals::Trace {
            arrivals: rows
                .iter()
                .map(|&(minute, class, programme)| TraceArrival {
                    time: SimTime::from_mins(minute),
                    class: ClassId(class),
                    programme: Some(ProgrammeId(programme)),
                })
                .collect(),
        },
    }
}

fn scenario(stations: Vec<Station>, sources: Vec<Source>, horizon_min: u64) -> Scenario {
    let crossing = Crossing::new("lane-order", &population(), stations, sources)
        .unwrap_or_else(|e| panic!("test crossing is invalid: {e:?}"));
    Scenario {
        name: "lane-order".into(),
        crossing,
        horizon: SimTime::from_mins(horizon_min),
        warmup: SimTime::ZERO,
        replications: 1,
        seed: 1,
        start_weekday: 0,
    }
}

fn run_logged(scenario: &Scenario, seed: u64) -> (ReplicationStats, Vec<LogRecord>) {
    let mut log = Everything::default();
    let model = CompiledScenario::new(scenario).unwrap();
    let stats = run_replication_logged(&model, seed, 0, &mut log);
    (stats, log.0)
}

/// Every order of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in permutations(n - 1) {
        for at in 0..=rest.len() {
            let mut p = rest.clone();
            p.insert(at, n - 1);
            out.push(p);
        }
    }
    out
}

/// Runs `stations` with every station's lane groups in every order (each station's groups
/// permuted alike, by index modulo their number) and calls `check` with the group ids in file
/// order, the statistics and the log.
fn in_every_order(
    stations: &[Station],
    sources: &[Source],
    horizon_min: u64,
    mut check: impl FnMut(&[Vec<String>], &ReplicationStats, &[LogRecord]),
) {
    let most = stations.iter().map(|s| s.lanes.len()).max().unwrap();
    for order in permutations(most) {
        let permuted: Vec<Station> = stations
            .iter()
            .map(|st| {
                let n = st.lanes.len();
                let mut st = st.clone();
                st.lanes = order
                    .iter()
                    .filter(|&&i| i < n)
                    .map(|&i| st.lanes[i].clone())
                    .collect();
                st
            })
            .collect();
        let ids: Vec<Vec<String>> = permuted
            .iter()
            .map(|s| s.lanes.iter().map(|g| g.id.clone()).collect())
            .collect();
        let (stats, log) = run_logged(&scenario(permuted, sources.to_vec(), horizon_min), 1);
        check(&ids, &stats, &log);
    }
}

/// Vehicles served by the group `id` of station `s`.
fn served(ids: &[Vec<String>], stats: &ReplicationStats, s: usize, id: &str) -> u64 {
    let g = ids[s].iter().position(|g| g == id).unwrap();
    stats.stations[s].lanes[g].served
}

#[test]
fn a_fast_truck_finding_general_and_fast_booths_free_takes_the_fast_booth() {
    // A FAST truck at minute 0, an ordinary truck at minute 1, 10 minutes each: the FAST
    // truck takes the FAST booth, so the ordinary truck finds the general booth free. Taking
    // the general booth would make the ordinary truck wait 9 minutes.
    for share_when_idle in [false, true] {
        let st = booths(
            vec![
                general(LaneSchedule::Constant(1)),
                fast(LaneSchedule::Constant(1), share_when_idle),
            ],
            10.0,
        );
        let arrivals = trace(&[(0, TRUCK, FAST), (1, TRUCK, NONE)]);
        in_every_order(&[st], &[arrivals], 60, |ids, stats, log| {
            assert_eq!(served(ids, stats, 0, "fast"), 1, "{ids:?}");
            assert_eq!(served(ids, stats, 0, "general"), 1, "{ids:?}");
            assert_eq!(stats.stations[0].wait().sum_ms(), 0, "{ids:?}");
            assert_eq!(minute_of(log, 1, LogKind::Start), Some(1.0));
            assert_eq!(minute_of(log, 1, LogKind::End), Some(11.0));
        });
    }
}

#[test]
fn a_vehicle_prefers_the_group_serving_the_fewest_kinds_of_vehicle() {
    // Everyone, trucks, FAST trucks: one booth each, 30 minutes. A FAST truck, an ordinary
    // truck and a car arrive a minute apart: each finds the booth most dedicated to it free.
    // Then a second FAST truck (minute 3) finds only the general booth... busy too: it waits
    // for the first booth that frees and may serve it, the FAST-truck booth at minute 30.
    let st = booths(
        vec![
            general(LaneSchedule::Constant(1)),
            trucks(LaneSchedule::Constant(1)),
            fast_trucks(LaneSchedule::Constant(1)),
        ],
        30.0,
    );
    let arrivals = trace(&[
        (0, TRUCK, FAST),
        (1, TRUCK, NONE),
        (2, CAR, NONE),
        (3, TRUCK, FAST),
    ]);
    in_every_order(&[st], &[arrivals], 120, |ids, stats, log| {
        assert_eq!(served(ids, stats, 0, "fast-trucks"), 2, "{ids:?}");
        assert_eq!(served(ids, stats, 0, "trucks"), 1, "{ids:?}");
        assert_eq!(served(ids, stats, 0, "general"), 1, "{ids:?}");
        for (vehicle, start) in [(0, 0.0), (1, 1.0), (2, 2.0), (3, 30.0)] {
            assert_eq!(
                minute_of(log, vehicle, LogKind::Start),
                Some(start),
                "{ids:?}"
            );
        }
    });
}

#[test]
fn a_vehicle_borrows_a_lane_that_shares_when_idle_only_when_its_own_are_busy() {
    // A FAST booth that shares when idle and a general booth, 10 minutes: a car at minute 0
    // takes the general booth (its own), a car at minute 1 borrows the idle FAST booth, and
    // a FAST truck at minute 2 finds both busy and waits for the first that frees, the
    // general booth at minute 10.
    let st = booths(
        vec![
            general(LaneSchedule::Constant(1)),
            fast(LaneSchedule::Constant(1), true),
        ],
        10.0,
    );
    let arrivals = trace(&[(0, CAR, NONE), (1, CAR, NONE), (2, TRUCK, FAST)]);
    in_every_order(&[st], &[arrivals], 60, |ids, stats, log| {
        assert_eq!(served(ids, stats, 0, "general"), 2, "{ids:?}");
        assert_eq!(served(ids, stats, 0, "fast"), 1, "{ids:?}");
        assert_eq!(minute_of(log, 0, LogKind::End), Some(10.0));
        assert_eq!(minute_of(log, 1, LogKind::Start), Some(1.0), "{ids:?}");
        assert_eq!(minute_of(log, 2, LogKind::Start), Some(10.0), "{ids:?}");
    });
}

#[test]
fn among_equally_dedicated_groups_a_vehicle_takes_the_least_busy_for_its_size() {
    // Two groups for everyone, 3 lanes and 1 lane, 60 minutes of service, vehicles two
    // minutes apart. The first finds both idle and takes the larger group (more lanes open);
    // the second finds it 1/3 busy against 0/1 and takes the single lane; the third finds
    // only the larger group free.
    let st = || {
        let mut small = general(LaneSchedule::Constant(1));
        small.id = "small".into();
        let mut large = general(LaneSchedule::Constant(3));
        large.id = "large".into();
        booths(vec![small, large], 60.0)
    };
    for (vehicles, expected) in [(1, (1, 0)), (2, (1, 1)), (3, (2, 1))] {
        let rows: Vec<(u64, u16, u8)> = (0..vehicles).map(|i| (2 * i, CAR, NONE)).collect();
        // The horizon falls between arrivals, after the last one.
        let horizon = 2 * vehicles - 1;
        in_every_order(&[st()], &[trace(&rows)], horizon, |ids, stats, _| {
            let busy = |id: &str| {
                let g = ids[0].iter().position(|g| g == id).unwrap();
                stats.stations[0].lanes[g].busy.level()
            };
            assert_eq!((busy("large"), busy("small")), expected, "{ids:?}");
        });
    }
}

#[test]
fn lanes_opening_together_take_the_waiting_vehicles_in_their_order_each_its_preferred_lane() {
    // Both booths open at 01:00. Waiting: a FAST truck since 00:10, then an ordinary truck
    // since 00:20. The FAST truck (first come) takes the FAST booth, so the ordinary truck
    // takes the general booth at once: both start at 60. A general booth taking the first
    // come (the FAST truck) would leave the ordinary truck waiting for it until minute 70.
    for share_when_idle in [false, true] {
        let st = booths(
            vec![
                general(open_hours(1..24, 1)),
                fast(open_hours(1..24, 1), share_when_idle),
            ],
            10.0,
        );
        let arrivals = trace(&[(10, TRUCK, FAST), (20, TRUCK, NONE)]);
        in_every_order(&[st], &[arrivals], 120, |ids, stats, log| {
            assert_eq!(minute_of(log, 0, LogKind::Start), Some(60.0), "{ids:?}");
            assert_eq!(minute_of(log, 1, LogKind::Start), Some(60.0), "{ids:?}");
            assert_eq!(served(ids, stats, 0, "fast"), 1, "{ids:?}");
            assert_eq!(served(ids, stats, 0, "general"), 1, "{ids:?}");
            assert_eq!(stats.stations[0].wait().sum_ms(), u128::from(90 * MIN));
        });
    }
}

#[test]
fn a_lane_that_shares_when_idle_opening_with_others_serves_its_own_first() {
    // A general booth and a sharing FAST booth open at 01:00; waiting: two cars (00:05,
    // 00:06), then a FAST truck (00:07). The FAST truck takes its booth though the cars came
    // first; the first car takes the general booth and the second waits for it (minute 70).
    let st = booths(
        vec![
            general(open_hours(1..24, 1)),
            fast(open_hours(1..24, 1), true),
        ],
        10.0,
    );
    let arrivals = trace(&[(5, CAR, NONE), (6, CAR, NONE), (7, TRUCK, FAST)]);
    in_every_order(&[st], &[arrivals], 120, |ids, _, log| {
        assert_eq!(minute_of(log, 0, LogKind::Start), Some(60.0), "{ids:?}");
        assert_eq!(minute_of(log, 2, LogKind::Start), Some(60.0), "{ids:?}");
        assert_eq!(minute_of(log, 1, LogKind::Start), Some(70.0), "{ids:?}");
    });
}

#[test]
fn the_most_lanes_open_at_once_does_not_pass_through_a_group_by_group_level() {
    // At 01:00 one group goes from 2 lanes to 1 and the other from 1 to 2: 3 lanes open all
    // along, never 4, whichever group comes first.
    let mut down = [1; 24];
    down[0] = 2;
    let mut up = [2; 24];
    up[0] = 1;
    let st = booths(
        vec![
            general(LaneSchedule::daily(down)),
            trucks(LaneSchedule::daily(up)),
        ],
        10.0,
    );
    in_every_order(&[st], &[trace(&[(5, CAR, NONE)])], 180, |ids, stats, _| {
        assert_eq!(stats.stations[0].open_servers.max(), 3, "{ids:?}");
        assert_eq!(stats.stations[0].open_servers.level(), 3, "{ids:?}");
    });
}

#[test]
fn identical_groups_give_every_vehicle_the_same_times_in_either_order() {
    // Two groups alike in everything but their id are interchangeable: the vehicles' times
    // are the same whichever comes first in the file. Four lanes of 7 minutes, a car a
    // minute: car n starts at 7 * (n / 4) + n % 4 minutes.
    let mut a = general(LaneSchedule::Constant(2));
    a.id = "a".into();
    let mut b = general(LaneSchedule::Constant(2));
    b.id = "b".into();
    let st = booths(vec![a, b], 7.0);
    let rows: Vec<(u64, u16, u8)> = (0..40).map(|i| (i, CAR, NONE)).collect();
    let mut logs = Vec::new();
    in_every_order(&[st], &[trace(&rows)], 600, |_, _, log| {
        logs.push(log.to_vec());
    });
    assert_eq!(logs.len(), 2);
    assert_eq!(logs[0], logs[1]);
    assert_eq!(minute_of(&logs[0], 39, LogKind::Start), Some(66.0));
}

// ----- every order of several stations, byte for byte -----------------------------------

/// Poisson cars and trucks (30% FAST) into station 0, then station 1.
fn poisson_sources(cars_per_hour: f64, trucks_per_hour: f64) -> Vec<Source> {
    vec![
        Source::poisson("cars", ClassId(CAR), cars_per_hour, StationId(0)),
        Source::poisson("trucks", ClassId(TRUCK), trucks_per_hour, StationId(0)),
    ]
}

fn exponential(mean_min: f64) -> Vec<Option<ServiceDist>> {
    vec![
        Some(ServiceDist::Exponential {
            mean_ms: mean_min * 60_000.0,
        });
        2
    ]
}

/// Small crossings with two stations of two to four lane groups each: dedicated and shared,
/// by class, by programme and by both, on schedules that open and close lanes together, one
/// under a lane rule.
fn crossings() -> Vec<(Vec<Station>, Vec<Source>)> {
    let to_second = vec![Route {
        when: VehicleFilter::any(),
        to: Target::Station(StationId(1)),
        probability: 1.0,
    }];
    let primary = |groups: Vec<LaneGroup>| {
        let mut st = Station::simple("primary", 1, exponential(2.0), to_second.clone());
        st.lanes = groups;
        st
    };
    let second = |groups: Vec<LaneGroup>| {
        let mut st = Station::simple("secondary", 1, exponential(6.0), Vec::new());
        st.lanes = groups;
        st
    };
    let mut ruled = trucks(LaneSchedule::Constant(1));
    ruled.rule = Some(LaneRule {
        min_wait: SimTime::from_mins(1),
        max_wait: SimTime::from_mins(5),
        min_lanes: 1,
        max_lanes: 3,
        review: SimTime::from_mins(15),
    });
    let mut shy_fast = fast(open_hours(6..22, 2), false);
    shy_fast.id = "fast-day".into();
    vec![
        (
            vec![
                primary(vec![
                    general(open_hours(0..24, 2)),
                    fast(LaneSchedule::Constant(1), false),
                ]),
                second(vec![
                    general(LaneSchedule::Constant(3)),
                    fast_trucks(LaneSchedule::Constant(1)),
                ]),
            ],
            poisson_sources(40.0, 30.0),
        ),
        (
            vec![
                primary(vec![
                    general(open_hours(5..23, 2)),
                    trucks(open_hours(7..20, 1)),
                    fast(open_hours(6..18, 1), true),
                ]),
                second(vec![
                    general(LaneSchedule::Constant(2)),
                    ruled.clone(),
                    fast_trucks(LaneSchedule::Constant(1)),
                ]),
            ],
            poisson_sources(50.0, 25.0),
        ),
        (
            vec![
                primary(vec![
                    general(LaneSchedule::Constant(2)),
                    trucks(LaneSchedule::Constant(1)),
                    fast_trucks(open_hours(8..16, 1)),
                    shy_fast,
                ]),
                second(vec![
                    ruled,
                    fast(open_hours(0..12, 1), true),
                    general(open_hours(2..24, 2)),
                ]),
            ],
            poisson_sources(45.0, 35.0),
        ),
    ]
}

/// The statistics with every station's lane groups put back in the order of `canonical`,
/// as text, plus the log: what must not change with the order of the groups.
fn fingerprint(
    stats: &ReplicationStats,
    log: &[LogRecord],
    ids: &[Vec<String>],
    canonical: &[Station],
) -> String {
    let mut stats = stats.clone();
    // The hourly cells are blocks per lane group in the run's order: read them back in the
    // canonical order of the groups.
    let mut hourly = String::new();
    for (s, st) in stats.stations.iter_mut().enumerate() {
        let lanes = st.lanes.clone();
        let position = |id: &str| ids[s].iter().position(|i| i == id).unwrap();
        let block = st.hourly_served.len() / lanes.len().max(1);
        for g in &canonical[s].lanes {
            let p = position(&g.id);
            for k in p * block..(p + 1) * block {
                hourly.push_str(&format!(
                    "{:?} {}\n",
                    st.hourly_waits.get(k),
                    st.hourly_served[k]
                ));
            }
        }
        st.hourly_waits = crate::stats::Cells::new(0);
        st.hourly_served = Vec::new();
        st.lanes = canonical[s]
            .lanes
            .iter()
            .map(|g| lanes[position(&g.id)].clone())
            .collect();
    }
    format!("{stats:?}\n{hourly}\n{log:?}")
}

#[test]
fn every_order_of_the_lane_groups_gives_byte_identical_statistics_and_logs() {
    for (stations, sources) in crossings() {
        for seed in [1, 2] {
            let (expected_stats, expected_log) = run_logged(
                &scenario(stations.clone(), sources.clone(), 2 * 24 * 60),
                seed,
            );
            let identity: Vec<Vec<String>> = stations
                .iter()
                .map(|s| s.lanes.iter().map(|g| g.id.clone()).collect())
                .collect();
            let expected = fingerprint(&expected_stats, &expected_log, &identity, &stations);
            assert!(expected_log.len() > 10_000, "{}", expected_log.len());
            let mut orders = 0;
            let most = stations.iter().map(|s| s.lanes.len()).max().unwrap();
            for order in permutations(most) {
                let permuted: Vec<Station> = stations
                    .iter()
                    .map(|st| {
                        let mut st = st.clone();
                        st.lanes = order
                            .iter()
                            .filter(|&&i| i < st.lanes.len())
                            .map(|&i| st.lanes[i].clone())
                            .collect();
                        st
                    })
                    .collect();
                let ids: Vec<Vec<String>> = permuted
                    .iter()
                    .map(|s| s.lanes.iter().map(|g| g.id.clone()).collect())
                    .collect();
                let (stats, log) =
                    run_logged(&scenario(permuted, sources.clone(), 2 * 24 * 60), seed);
                let got = fingerprint(&stats, &log, &ids, &stations);
                assert!(got == expected, "lane order {ids:?} changed the results");
                orders += 1;
            }
            assert_eq!(orders, (1..=most).product::<usize>());
        }
    }
}
