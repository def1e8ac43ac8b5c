//! Conservation of vehicles (ARCHITECTURE.md, "Invariants"): in every replication,
//! vehicles in the system at the start of the window + arrivals = departures + balked +
//! vehicles in the system at the end; and the per-station and per-class counts add up to
//! the same totals. These are exact identities, checked on a handful of models and seeds,
//! loaded and overloaded, with and without warm-up.

use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_model::{CompiledScenario, ReplicationStats, Scenario, ServiceDist, run_replication};
use bordersim_tests::{jackson, single_station};

use crate::support::{MIN, exponential};

fn mins(m: u64) -> SimTime {
    SimTime::from_mins(m)
}

fn models() -> Vec<Scenario> {
    vec![
        // Light load, no warm-up.
        single_station(0.5, 1, exponential(1.0), mins(5_000), SimTime::ZERO),
        // Model 1 with a warm-up.
        single_station(3.6, 4, exponential(1.0), mins(6_000), mins(1_000)),
        // Overloaded (ρ = 1.3): the queue grows all run; many vehicles remain at the end.
        single_station(1.3, 1, exponential(1.0), mins(3_000), mins(500)),
        // Deterministic service: departures and arrivals can fall on the same millisecond.
        single_station(
            0.9,
            1,
            ServiceDist::Deterministic { value_ms: MIN },
            mins(4_000),
            SimTime::ZERO,
        ),
        // A network, with and without warm-up; a short horizon leaves vehicles in both stations.
        jackson(mins(6_000), mins(1_000)),
        jackson(mins(30), SimTime::ZERO),
    ]
}

/// Checks every counting identity of one replication of `scenario`.
fn check_counts(scenario: &Scenario, rep: &ReplicationStats) {
    let what = format!("{} (replication {})", scenario.name, rep.replication);
    let v = &rep.vehicles;
    assert!(v.is_conserved(), "{what}: {v:?}");
    assert_eq!(rep.window_start_ms, scenario.warmup.as_millis(), "{what}");
    assert_eq!(rep.window_end_ms, scenario.horizon.as_millis(), "{what}");
    if scenario.warmup == SimTime::ZERO {
        assert_eq!(v.in_system_at_start, 0, "{what}");
    }

    // Classes add up to the totals; every departure recorded its time in system.
    let arrived: u64 = rep.classes.iter().map(|c| c.arrived).sum();
    let departed: u64 = rep.classes.iter().map(|c| c.departed).sum();
    assert_eq!(arrived, v.arrived, "{what}: class arrivals");
    assert_eq!(departed, v.departed, "{what}: class departures");
    assert_eq!(
        rep.time_in_system().count(),
        v.departed,
        "{what}: time-in-system tallies"
    );

    // Every vehicle in the system is either queued or in service at exactly one station.
    let at_stations: u64 = rep
        .stations
        .iter()
        .map(|s| s.queue_length.level() + s.busy_servers.level())
        .sum();
    assert_eq!(
        at_stations, v.in_system_at_end,
        "{what}: vehicles at stations at the end"
    );

    // Flow through the stations: what entered and was not served is still there, counting
    // what was there when the window opened.
    let entered: u64 = rep.stations.iter().map(|s| s.entered).sum();
    let served: u64 = rep.stations.iter().map(|s| s.served).sum();
    assert_eq!(
        entered + v.in_system_at_start,
        served + v.in_system_at_end,
        "{what}: station flows"
    );

    for (i, s) in rep.stations.iter().enumerate() {
        let servers = scenario.crossing.stations()[i].max_servers();
        assert!(
            s.busy_servers.max() <= servers,
            "{what}, station {i}: more busy than servers"
        );
        assert_eq!(
            s.open_servers.level(),
            servers,
            "{what}, station {i}: open servers"
        );
        if scenario.warmup == SimTime::ZERO {
            let (queued, busy) = (s.queue_length.level(), s.busy_servers.level());
            assert_eq!(
                s.entered,
                s.served + queued + busy,
                "{what}, station {i}: flow"
            );
            // A wait is recorded when service starts: everyone who entered and is not
            // still queued.
            assert_eq!(
                s.wait().count(),
                s.entered - queued,
                "{what}, station {i}: waits"
            );
        }
    }
}

#[test]
fn vehicles_are_conserved_in_every_replication() {
    for scenario in models() {
        let model = CompiledScenario::new(&scenario).expect("a valid model");
        for seed in [1, 2, 3, 99, u64::MAX] {
            for replication in 0..3 {
                check_counts(&scenario, &run_replication(&model, seed, replication));
            }
        }
    }
}

/// With a warm-up, the window opens at the end of the warm-up with the vehicles then present
/// counted in `in_system_at_start`, and the report carries their total.
#[test]
fn warmup_reports_vehicles_in_system_at_start() {
    // Model 1 at ρ = 0.9 has 11.6 vehicles in the system on average (P(empty) ≈ 1%).
    let warmup = mins(2_000);
    let scenario = single_station(3.6, 4, exponential(1.0), mins(6_000), warmup);
    let options = RunOptions {
        replications: 4,
        seed: 5,
        threads: None,
    };
    let outcome = bordersim_experiment::run(&scenario, &options).expect("the scenario runs");
    for rep in &outcome.replications {
        check_counts(&scenario, rep);
        assert!(
            rep.vehicles.in_system_at_start > 0,
            "replication {}: a loaded system is not empty after warm-up",
            rep.replication
        );
        assert!((rep.window_hours() - 4_000.0 / 60.0).abs() < 1e-12);
    }
    let total: u64 = outcome
        .replications
        .iter()
        .map(|r| r.vehicles.in_system_at_start)
        .sum();
    let report = &outcome.report;
    assert_eq!(report.vehicles.in_system_at_start, total);
    assert_eq!(report.warmup_s, 2_000.0 * 60.0);
    let json: serde_json::Value = serde_json::to_value(report).expect("the report serialises");
    assert_eq!(json["vehicles"]["in_system_at_start"], total);

    // Without warm-up the window opens on an empty system.
    let cold = single_station(3.6, 4, exponential(1.0), mins(4_000), SimTime::ZERO);
    let outcome = bordersim_experiment::run(&cold, &options).expect("the scenario runs");
    assert_eq!(outcome.report.vehicles.in_system_at_start, 0);
}
