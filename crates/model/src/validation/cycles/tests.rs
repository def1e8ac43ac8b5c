//! The route-graph checks and the traffic equations on small exact cases and large ones.

use super::flows::{solve_loop, sweep_loop};
use super::*;
use crate::crossing::Crossing;
use crate::dist::ServiceDist;
use crate::population::Population;
use crate::source::Source;
use crate::testing::to_station;
use bordersim_des::SimTime;

fn service(ms: f64) -> Vec<Option<ServiceDist>> {
    vec![Some(ServiceDist::Deterministic { value_ms: ms })]
}

/// Stations `s0`, `s1`, … with these service times and routes.
fn crossing(stations: Vec<(f64, Vec<crate::station::Route>)>) -> Result<Crossing, Vec<ModelError>> {
    let stations = stations
        .into_iter()
        .enumerate()
        .map(|(i, (ms, routes))| Station::simple(format!("s{i}"), 1, service(ms), routes))
        .collect();
    Crossing::new(
        "test",
        &Population::simple(&["car"]),
        stations,
        vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
    )
}

fn zero_time_loops(errors: Vec<ModelError>) -> Vec<String> {
    errors
        .into_iter()
        .map(|e| match e {
            ModelError::ZeroTimeCycle { reason, .. } => reason,
            other => panic!("expected a zero-time loop, got {other:?}"),
        })
        .collect()
}

#[test]
fn a_chain_of_200000_stations_validates_and_carries_its_whole_flow() {
    // Each station routes everyone to the next; the last lets them out. Every station
    // sees the source's 10 vehicles/h (repeating λ ← λ₀ + λP over the whole graph, capped
    // at 100,000 rounds, left the second half of the chain at 0).
    let n = 200_000;
    let chain = (0..n)
        .map(|i| {
            let routes = if i + 1 < n {
                to_station(i as u32 + 1, 1.0)
            } else {
                Vec::new()
            };
            (1000.0, routes)
        })
        .collect();
    let crossing = crossing(chain).unwrap();
    let rates = crossing.arrival_rates_per_hour(SimTime::from_hours(1));
    assert_eq!(rates.len(), n);
    assert!(
        rates.iter().all(|r| r == &vec![10.0]),
        "{:?}",
        &rates[n - 3..]
    );
    let loads = crossing.offered_loads(SimTime::from_hours(1));
    assert!(loads.iter().all(|&l| (l - 10.0 / 3600.0).abs() < 1e-15));
}

#[test]
fn flows_through_loops_solve_the_traffic_equations() {
    // s0 → s1; s1 back to s0 with p = 0.5; s2 loops on itself with p = 0.9 after s1's
    // other half: λ0 = 10 + 0.5 λ1, λ1 = λ0 ⇒ 20; λ2 = 0.5 λ1 / (1 − 0.9) = 100.
    let back = |to: u32, p: f64, rest: u32| {
        let mut routes = to_station(to, p);
        routes[1].to = crate::station::Target::Station(StationId(rest));
        routes
    };
    let c = crossing(vec![
        (1000.0, to_station(1, 1.0)),
        (1000.0, back(0, 0.5, 2)),
        (1000.0, to_station(2, 0.9)),
    ])
    .unwrap();
    let rates = c.arrival_rates_per_hour(SimTime::from_hours(1));
    for (got, want) in rates.iter().zip([20.0, 20.0, 100.0]) {
        assert!((got[0] - want).abs() < 1e-9, "{rates:?}");
    }
}

#[test]
fn a_station_that_routes_to_the_exit_only_through_a_long_chain_leads_to_it() {
    let n = 50_000;
    let mut stations: Vec<Station> = (0..n)
        .map(|i| {
            Station::simple(
                format!("s{i}"),
                1,
                service(1.0),
                to_station(i as u32 + 1, 1.0),
            )
        })
        .collect();
    stations[n - 1].routes = Vec::new();
    let key = VehicleKey {
        class: ClassId(0),
        programme: ProgrammeId(0),
        channel: Channel::Green,
    };
    assert!(stations_leading_to_exit(&stations, key).iter().all(|&b| b));
    // Without the last station's way out (back to the first), nobody leads to it.
    stations[n - 1].routes = to_station(0, 1.0);
    assert!(stations_leading_to_exit(&stations, key).iter().all(|&b| !b));
}

#[test]
fn a_loop_almost_never_left_is_refused_with_its_mean_visits() {
    // 1 ms of service and a self-loop at p = 1 − 1e-16: time passes, but each vehicle
    // would come round about 9e15 times.
    let reason = |errors: Vec<ModelError>| match &errors[0] {
        ModelError::EndlessLoop { reason, .. } => reason.clone(),
        other => panic!("expected an endless loop, got {other:?}"),
    };
    let r = reason(crossing(vec![(1.0, to_station(0, 1.0 - 1e-16))]).unwrap_err());
    assert!(r.contains("visit station `s0` about 9.0e15 times"), "{r}");
    // A million visits on average is the limit, not past it; ordinary loops pass.
    assert!(crossing(vec![(1.0, to_station(0, 1.0 - 1e-6))]).is_ok());
    assert!(crossing(vec![(1.0, to_station(0, 0.9))]).is_ok());
}

/// A ring `s0 → s1 → … → s(n−1)`, the last going back to `s0` with probability `back`
/// and out otherwise; 1 ms of service everywhere.
fn ring(n: u32, back: f64) -> Result<Crossing, Vec<ModelError>> {
    crossing(
        (0..n)
            .map(|i| {
                let routes = if i + 1 < n {
                    to_station(i + 1, 1.0)
                } else {
                    to_station(0, back)
                };
                (1.0, routes)
            })
            .collect(),
    )
}

fn endless(errors: Vec<ModelError>) -> String {
    match &errors[0] {
        ModelError::EndlessLoop { reason, .. } => reason.clone(),
        other => panic!("expected an endless loop, got {other:?}"),
    }
}

#[test]
fn a_loop_through_several_stations_almost_never_left_is_refused_with_its_mean_visits() {
    // Three stations in a ring left with p = 1e-7 per round: each station is visited
    // 1 / 1e-7 = 1e7 times on average (the sweeps used to stop at 1e5 and pass it).
    let r = endless(ring(3, 1.0 - 1e-7).unwrap_err());
    assert!(r.contains("about 1.0e7 times"), "{r}");
    // Left with p = 1e-5: 1e5 visits, within the limit, and the flows are exact.
    let c = ring(3, 1.0 - 1e-5).unwrap();
    let rates = c.arrival_rates_per_hour(SimTime::from_hours(1));
    for r in &rates {
        assert!((r[0] / 10.0 - 1e5).abs() < 1e-3, "{rates:?}");
    }
    // Past the exact solver's size, the sweeps' rest is extrapolated: a ring of 300
    // left with p = 1e-9 (1e9 visits) is refused too, and one left with p = 0.5 is
    // solved (2 visits each).
    let r = endless(ring(300, 1.0 - 1e-9).unwrap_err());
    assert!(r.contains("about 1.0e9 times"), "{r}");
    let c = ring(300, 0.5).unwrap();
    let rates = c.arrival_rates_per_hour(SimTime::from_hours(1));
    assert!(
        rates.iter().all(|r| (r[0] - 20.0).abs() < 1e-9),
        "{:?}",
        &rates[..3]
    );
}

#[test]
fn exact_and_swept_loop_flows_agree() {
    // A two-way loop: s0 → s1 (0.7) or s2 (0.3); s1 → s0 (0.4) or s2; s2 → s0 (0.2) or
    // out. Solved by elimination and by sweeps, the same flows.
    let incoming = vec![
        vec![(1, 0.4), (2, 0.2)],
        vec![(0, 0.7)],
        vec![(0, 0.3), (1, 0.6)],
    ];
    let inflows = [10.0, 0.0, 0.0];
    let exact = solve_loop(&inflows, &incoming);
    let swept = sweep_loop(&inflows, &incoming, 10.0);
    for (a, b) in exact.iter().zip(&swept) {
        assert!((a - b).abs() < 1e-9, "{exact:?} {swept:?}");
    }
    // x0 = 10 + 0.4 x1 + 0.2 x2, x1 = 0.7 x0, x2 = 0.3 x0 + 0.6 x1 = 0.72 x0
    // ⇒ x0 (1 − 0.28 − 0.144) = 10 ⇒ x0 = 10 / 0.576.
    assert!((exact[0] - 10.0 / 0.576).abs() < 1e-9, "{exact:?}");
    // Never left: infinite.
    let closed = vec![vec![(1, 1.0)], vec![(0, 1.0)]];
    assert!(
        solve_loop(&[1.0, 0.0], &closed)
            .iter()
            .all(|v| v.is_infinite())
    );
    assert!(
        sweep_loop(&[1.0, 0.0], &closed, 1.0)
            .iter()
            .all(|v| v.is_infinite())
    );
}

#[test]
fn a_loop_that_takes_no_time_is_refused_by_name() {
    // A 0 s service with a self-loop at p = 1 − 1e-16 (the clock would stay at the
    // vehicle's arrival for about 1e16 rounds), at 0.5, and a two-station loop.
    for p in [1.0 - 1e-16, 0.5] {
        let errors = crossing(vec![(0.0, to_station(0, p))]).unwrap_err();
        let reasons = zero_time_loops(errors);
        assert_eq!(reasons.len(), 1);
        assert!(
            reasons[0].contains("class `car` can go round `s0` → `s0`"),
            "{}",
            reasons[0]
        );
    }
    let errors = crossing(vec![
        (1000.0, to_station(1, 1.0)),
        (0.4, to_station(2, 1.0)),
        (0.0, to_station(1, 0.5)),
    ])
    .unwrap_err();
    assert!(zero_time_loops(errors)[0].contains("`s1` → `s2` → `s1`"));
    assert!(matches!(
        crossing(vec![(0.0, to_station(0, 0.5))]).unwrap_err()[0],
        ModelError::ZeroTimeCycle {
            station: StationId(0),
            class: ClassId(0),
            ..
        }
    ));
}

#[test]
fn a_loop_with_time_in_it_or_zero_time_without_a_loop_is_accepted() {
    // Half a millisecond rounds up to 1 ms: the clock advances. (A loop left almost never,
    // p = 1 − 1e-16, is refused for its mean visits instead: see the test above.)
    assert!(crossing(vec![(0.5, to_station(0, 0.9))]).is_ok());
    assert!(
        crossing(vec![
            (0.0, to_station(1, 1.0)),
            (1000.0, to_station(0, 0.5))
        ])
        .is_ok()
    );
    assert!(crossing(vec![(0.0, to_station(1, 1.0)), (0.0, Vec::new())]).is_ok());
    // An exponential service of 1 ms on average: the clock advances at most passes.
    let mut st = Station::simple("s0", 1, service(0.0), to_station(0, 0.9));
    st.service = vec![Some(ServiceDist::Exponential { mean_ms: 1.0 })];
    assert!(
        Crossing::new(
            "test",
            &Population::simple(&["car"]),
            vec![st],
            vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
        )
        .is_ok()
    );
}

#[test]
fn a_service_that_almost_always_rounds_to_zero_takes_no_time() {
    // Exponential of mean 0.01 ms: a draw reaches half a millisecond once in e^50.
    let mut st = Station::simple("s0", 1, service(0.0), to_station(0, 1.0 - 1e-16));
    st.service = vec![Some(ServiceDist::Exponential { mean_ms: 0.01 })];
    let errors = Crossing::new(
        "test",
        &Population::simple(&["car"]),
        vec![st],
        vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
    )
    .unwrap_err();
    assert!(zero_time_loops(errors)[0].contains("`s0` → `s0`"));
}

#[test]
fn passing_a_merged_control_takes_no_time() {
    // s1 is merged into s0 and loops to itself: vehicles would pass it forever.
    let mut stations: Vec<Station> = vec![
        Station::simple("s0", 1, service(1000.0), to_station(1, 1.0)),
        Station::simple("s1", 1, service(1000.0), to_station(1, 0.5)),
    ];
    stations[1].merged_into = Some(StationId(0));
    let errors = Crossing::new(
        "test",
        &Population::simple(&["car"]),
        stations,
        vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
    )
    .unwrap_err();
    assert!(zero_time_loops(errors)[0].contains("`s1` → `s1`"));
}

#[test]
fn a_zero_time_loop_only_counts_for_vehicles_that_reach_it() {
    // Class `truck` enters at s0 and leaves; the loop at s1 (no service time for anyone)
    // is never reached by anyone, so there is nothing to refuse.
    let stations = vec![
        Station::simple("s0", 1, service(1000.0), Vec::new()),
        Station::simple("s1", 1, vec![None], to_station(1, 0.5)),
    ];
    assert!(
        Crossing::new(
            "test",
            &Population::simple(&["truck"]),
            stations,
            vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
        )
        .is_ok()
    );
}
