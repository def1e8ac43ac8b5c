//! Regressions found in review, each pinned by the smallest model that showed it.

use bordersim_des::SimTime;
use bordersim_model::{
    ClassId, CompiledScenario, LaneSchedule, LogKind, Population, ServiceDist, Source, Station,
    StationId, Storage, StorageLimit, Target, VehicleFilter, WhenFull, run_replication,
    run_replication_logged,
};
use bordersim_tests::{Recorder, lanes, route, scenario_with};

/// A road exactly N vehicles long holds N of them, whatever the decimals: lengths and limits
/// are compared in whole millimetres, rounded alike (9.3 m × 7 = 65.1 m, and 16.06 m once,
/// used to hold 6 and 0 when compared in floating point).
#[test]
fn a_road_exactly_n_vehicles_long_holds_n() {
    for (length_m, vehicles) in [(9.3, 7u32), (16.06, 1), (2.01, 5), (1.9, 17)] {
        let mut population = Population::simple(&["truck"]);
        population.classes[0].length_m = length_m;
        let mut booth = Station::simple(
            "booth",
            1,
            vec![Some(ServiceDist::Exponential { mean_ms: 600_000.0 })],
            vec![],
        );
        booth.storage = Storage {
            limit: StorageLimit::Metres(length_m * f64::from(vehicles)),
            when_full: WhenFull::Balk,
        };
        // Twice as many arrivals as the booth can serve: the queue is full most of the time.
        let source = Source::poisson("trucks", ClassId(0), 12.0, StationId(0));
        let scenario = scenario_with(
            "road",
            &population,
            vec![booth],
            vec![source],
            SimTime::from_hours(200),
            SimTime::ZERO,
        );
        let rep = run_replication(&CompiledScenario::new(&scenario).expect("compiles"), 1, 0);
        assert_eq!(
            rep.stations[0].queue_length.max(),
            u64::from(vehicles),
            "{length_m} m × {vehicles}"
        );
        assert!(rep.vehicles.balked > 0);
    }
}

/// Service times at a station are the same vehicle by vehicle, on the first visit and on
/// return visits, whether or not another station is added before it on the route.
#[test]
fn return_visits_keep_their_draws_when_the_route_grows() {
    let exp = |mins: f64| {
        Some(ServiceDist::Exponential {
            mean_ms: mins * 60_000.0,
        })
    };
    let fixed = Some(ServiceDist::Deterministic { value_ms: 60_000.0 });
    let any = VehicleFilter::any;
    // A: gate → xray (returns to itself with p = 0.5). B: gate → extra → xray. Plenty of
    // servers, so nobody queues and every service starts on arrival.
    let build = |with_extra: bool| {
        let xray_id = if with_extra { 2 } else { 1 };
        let xray = StationId(xray_id);
        let mut stations = vec![Station::simple(
            "gate",
            50,
            vec![fixed.clone()],
            vec![route(
                any(),
                Target::Station(if with_extra { StationId(1) } else { xray }),
                1.0,
            )],
        )];
        if with_extra {
            stations.push(Station::simple(
                "extra",
                50,
                vec![fixed.clone()],
                vec![route(any(), Target::Station(xray), 1.0)],
            ));
        }
        stations.push(Station::simple(
            "xray",
            50,
            vec![exp(3.0)],
            vec![
                route(any(), Target::Station(xray), 0.5),
                route(any(), Target::Exit, 0.5),
            ],
        ));
        scenario_with(
            "crn",
            &Population::simple(&["truck"]),
            stations,
            vec![Source::poisson("trucks", ClassId(0), 20.0, StationId(0))],
            SimTime::from_hours(10),
            SimTime::ZERO,
        )
    };
    // (vehicle, visit number) → service time at xray.
    let services = |with_extra: bool| {
        let scenario = build(with_extra);
        let xray = scenario.station_id("xray").expect("xray");
        let mut log = Recorder::default();
        run_replication_logged(
            &CompiledScenario::new(&scenario).expect("compiles"),
            7,
            0,
            &mut log,
        );
        let mut starts = std::collections::BTreeMap::new();
        let mut visits = std::collections::BTreeMap::new();
        let mut out = Vec::new();
        for r in log.records.iter().filter(|r| r.station == Some(xray)) {
            match r.kind {
                LogKind::Start => {
                    starts.insert(r.vehicle, r.time);
                }
                LogKind::End => {
                    let visit = visits.entry(r.vehicle).or_insert(0u32);
                    out.push(((r.vehicle, *visit), r.time - starts[&r.vehicle]));
                    *visit += 1;
                }
                _ => {}
            }
        }
        out.sort();
        out
    };
    let (a, b) = (services(false), services(true));
    let returns = a.iter().filter(|((_, visit), _)| *visit > 0).count();
    assert!(returns > 20, "enough return visits to compare ({returns})");
    // Vehicles still at xray at the horizon differ (B's arrive a minute later); compare the
    // services both runs completed.
    let b: std::collections::BTreeMap<_, _> = b.into_iter().collect();
    let mut compared = 0;
    for (key, service) in &a {
        if let Some(other) = b.get(key) {
            assert_eq!(service, other, "vehicle {} visit {}", key.0, key.1);
            compared += 1;
        }
    }
    assert!(compared * 10 >= a.len() * 9, "{compared} of {}", a.len());
}

/// `servers` is the most lanes open at once, not the sum of each group's peak: a day shift
/// and a night shift of four lanes each never have more than four open.
#[test]
fn most_servers_is_the_peak_of_the_sum() {
    let mut day = [0u32; 24];
    day[6..18].fill(4);
    let night: [u32; 24] = std::array::from_fn(|h| 4 - day[h]);
    let mut booth = Station::simple(
        "booth",
        1,
        vec![Some(ServiceDist::Exponential { mean_ms: 60_000.0 })],
        vec![],
    );
    booth.lanes = vec![
        lanes("day", VehicleFilter::any(), false, LaneSchedule::daily(day)),
        lanes(
            "night",
            VehicleFilter::any(),
            false,
            LaneSchedule::daily(night),
        ),
    ];
    assert_eq!(booth.max_servers(), 4);
    assert!((booth.mean_servers() - 4.0).abs() < 1e-12);
}
