//! Reproducibility (ARCHITECTURE.md, "Invariants"): same scenario + same seed ⇒
//! byte-identical report, whatever the thread count; replication r depends only on
//! (seed, r); and common random numbers — changing one station leaves the vehicles (and
//! everything upstream) unchanged.

use bordersim_des::SimTime;
use bordersim_experiment::{Outcome, RunOptions};
use bordersim_model::{
    CompiledScenario, ReplicationStats, Scenario, ServiceDist, StationId, run_replication,
};
use bordersim_tests::{jackson, with_service};

use crate::support::MIN;

fn scenario() -> Scenario {
    jackson(SimTime::from_mins(21_000), SimTime::from_mins(1_000))
}

fn run(scenario: &Scenario, replications: u32, seed: u64, threads: Option<usize>) -> Outcome {
    let options = RunOptions {
        replications,
        seed,
        threads,
    };
    bordersim_experiment::run(scenario, &options).expect("the scenario runs")
}

/// The report as the CLI would print it (no wall-clock measurements).
fn json(outcome: &Outcome) -> String {
    assert!(outcome.report.performance.is_none());
    serde_json::to_string(&outcome.report).expect("the report serialises")
}

/// Everything one replication measured that must repeat exactly, as text.
fn fingerprint(rep: &ReplicationStats) -> String {
    let end = rep.window_end_ms;
    let stations: Vec<_> = rep
        .stations
        .iter()
        .map(|s| {
            let w = s.wait();
            (
                s.entered,
                s.served,
                w.count(),
                w.sum_ms(),
                w.max_ms(),
                w.percentiles(),
                s.queue_length.area_until(end),
                s.busy_servers.area_until(end),
            )
        })
        .collect();
    let classes: Vec<_> = rep
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let tis = rep.class_time_in_system(bordersim_model::ClassId(i as u16));
            (c.arrived, c.departed, tis.sum_ms(), tis.max_ms())
        })
        .collect();
    format!(
        "{} {} {} {:?} {stations:?} {classes:?}",
        rep.replication, rep.events, rep.window_start_ms, rep.vehicles
    )
}

#[test]
fn same_seed_gives_identical_report() {
    let s = scenario();
    let first = json(&run(&s, 4, 42, None));
    let second = json(&run(&s, 4, 42, None));
    assert_eq!(first, second);
    assert!(!first.contains("performance"));

    // Also one replication run directly, twice.
    let model = CompiledScenario::new(&s).expect("a valid model");
    assert_eq!(
        fingerprint(&run_replication(&model, 42, 3)),
        fingerprint(&run_replication(&model, 42, 3))
    );
}

#[test]
fn thread_count_does_not_change_the_report() {
    let s = scenario();
    let one = json(&run(&s, 5, 8, Some(1)));
    assert_eq!(one, json(&run(&s, 5, 8, Some(2))), "1 vs 2 threads");
    assert_eq!(one, json(&run(&s, 5, 8, Some(3))), "1 vs 3 threads");
}

#[test]
fn different_seeds_and_replications_differ() {
    let s = scenario();
    assert_ne!(json(&run(&s, 2, 1, None)), json(&run(&s, 2, 2, None)));
    let model = CompiledScenario::new(&s).expect("a valid model");
    let r0 = run_replication(&model, 1, 0);
    let r1 = run_replication(&model, 1, 1);
    // Replication numbers differ in the fingerprint anyway: compare what was simulated.
    assert_ne!(r0.events, r1.events);
    assert_ne!(
        r0.stations[0].wait().sum_ms(),
        r1.stations[0].wait().sum_ms()
    );
}

/// Replication r is a function of (seed, r) alone: running more replications beside it, or
/// running it alone, changes nothing.
#[test]
fn a_replication_does_not_depend_on_the_others() {
    let s = scenario();
    let two = run(&s, 2, 77, Some(2));
    let five = run(&s, 5, 77, Some(2));
    let model = CompiledScenario::new(&s).expect("a valid model");
    for r in 0..2 {
        let alone = fingerprint(&run_replication(&model, 77, r as u64));
        assert_eq!(
            fingerprint(&two.replications[r]),
            alone,
            "replication {r} of 2"
        );
        assert_eq!(
            fingerprint(&five.replications[r]),
            alone,
            "replication {r} of 5"
        );
    }
}

/// Common random numbers: a change of service time at B (downstream of A, no feedback) must
/// leave every arrival and everything at A exactly as it was — and routing draws are made
/// before service draws, so the same vehicles are sent to B.
#[test]
fn changing_b_leaves_arrivals_and_a_unchanged() {
    let base = scenario();
    let reforms = [
        ServiceDist::Deterministic {
            value_ms: 2.0 * MIN,
        },
        ServiceDist::LogNormal {
            mean_ms: 1.0 * MIN,
            cv: 1.2,
        },
        ServiceDist::Exponential { mean_ms: 2.5 * MIN },
    ];
    let baseline = run(&base, 3, 2024, None);
    for service in reforms {
        let reform = run(
            &with_service(&base, StationId(1), service.clone()),
            3,
            2024,
            None,
        );
        for (b, r) in baseline.replications.iter().zip(&reform.replications) {
            let what = format!("{}, replication {}", service.kind(), b.replication);
            assert_eq!(b.vehicles.arrived, r.vehicles.arrived, "{what}: arrivals");
            let (ba, ra) = (&b.stations[0], &r.stations[0]);
            assert_eq!(ba.entered, ra.entered, "{what}: entered A");
            assert_eq!(ba.served, ra.served, "{what}: served at A");
            let (bw, rw) = (ba.wait(), ra.wait());
            assert_eq!(bw.count(), rw.count(), "{what}: waits at A");
            assert_eq!(bw.sum_ms(), rw.sum_ms(), "{what}: waits at A");
            assert_eq!(bw.max_ms(), rw.max_ms(), "{what}: waits at A");
            let end = b.window_end_ms;
            assert_eq!(
                ba.queue_length.area_until(end),
                ra.queue_length.area_until(end),
                "{what}: queue at A"
            );
            assert_eq!(
                b.stations[1].entered, r.stations[1].entered,
                "{what}: vehicles routed to B"
            );
            // …while B itself did change.
            assert_ne!(
                b.stations[1].wait().sum_ms(),
                r.stations[1].wait().sum_ms(),
                "{what}: the reform changed nothing at B"
            );
        }
        // The report's line for A is byte-identical.
        let a = |o: &Outcome| serde_json::to_string(&o.report.stations[0]).expect("serialises");
        assert_eq!(a(&baseline), a(&reform), "{}: report for A", service.kind());
    }
}

/// Common random numbers upstream: a change of service time at A changes when vehicles
/// reach B, but not which vehicles arrive nor where each is routed. Without warm-up, the
/// vehicles that entered B can differ only by those still at A at the end of either run.
#[test]
fn changing_a_leaves_arrivals_and_routing_unchanged() {
    let base = jackson(SimTime::from_mins(20_000), SimTime::ZERO);
    let faster = with_service(
        &base,
        StationId(0),
        ServiceDist::Exponential { mean_ms: 1.2 * MIN },
    );
    let (m0, m1) = (
        CompiledScenario::new(&base).expect("valid"),
        CompiledScenario::new(&faster).expect("valid"),
    );
    for replication in 0..3 {
        let (b, r) = (
            run_replication(&m0, 9, replication),
            run_replication(&m1, 9, replication),
        );
        assert_eq!(b.vehicles.arrived, r.vehicles.arrived);
        assert_eq!(b.stations[0].entered, r.stations[0].entered);
        assert_ne!(b.stations[0].wait().sum_ms(), r.stations[0].wait().sum_ms());
        let at_a = |x: &ReplicationStats| {
            x.stations[0].queue_length.level() + x.stations[0].busy_servers.level()
        };
        let diff = b.stations[1].entered.abs_diff(r.stations[1].entered);
        assert!(
            diff <= at_a(&b) + at_a(&r),
            "replication {replication}: {} vs {} vehicles routed to B, but only {} + {} were \
             still at A",
            b.stations[1].entered,
            r.stations[1].entered,
            at_a(&b),
            at_a(&r)
        );
    }
}
