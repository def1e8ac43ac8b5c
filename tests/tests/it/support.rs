//! Helpers shared by the validation tests: running replications and comparing a mean across
//! replications with the exact value theory gives.

use bordersim_experiment::RunOptions;
use bordersim_model::{ReplicationStats, Scenario, ServiceDist};
use bordersim_stats::MeanCi;

/// Milliseconds per minute, as `f64` (the theory below is written in minutes).
pub const MIN: f64 = 60_000.0;

/// Exponential service with the given mean in minutes.
pub fn exponential(mean_min: f64) -> ServiceDist {
    ServiceDist::Exponential {
        mean_ms: mean_min * MIN,
    }
}

/// Half-widths allowed between the simulated mean and the exact value.
///
/// The 95% half-width is t(0.975, n−1)·SE, so 2 half-widths are ≈ 4 standard errors (4.5 SE
/// with 10 replications): a correct engine misses by that much with probability ~1e-3 per
/// check for a random seed (the tail of Student's t with 9 df). Seeds are fixed, so a
/// passing test stays passing; a biased engine is caught as long as the half-width is small
/// relative to the exact value, which every check asserts too.
pub const K: f64 = 2.0;

/// Runs `replications` replications of `scenario` in parallel through the experiment runner
/// (which also checks vehicle conservation in every replication).
pub fn replicate(scenario: &Scenario, replications: u32, seed: u64) -> Vec<ReplicationStats> {
    let options = RunOptions {
        replications,
        seed,
        threads: None,
    };
    bordersim_experiment::run(scenario, &options)
        .expect("the scenario runs")
        .replications
}

/// Asserts that the mean of `per_replication` agrees with `exact` within [`K`] half-widths,
/// and that the half-width is below `max_relative_half_width · exact` (so the check has the
/// power to see a bias of a few percent). `slack` is added to the allowed distance for a
/// known deterministic error (the 0.1% resolution of the histogram behind quantiles).
#[track_caller]
pub fn assert_near_exact(
    what: &str,
    per_replication: &[f64],
    exact: f64,
    max_relative_half_width: f64,
    slack: f64,
) -> MeanCi {
    let ci = MeanCi::from_samples(per_replication).expect("at least one replication");
    let hw = ci
        .half_width_95
        .expect("at least two replications give a confidence interval");
    assert!(
        hw <= max_relative_half_width * exact.abs(),
        "{what}: the 95% half-width {hw:.5} is {:.2}% of the exact {exact:.5} (limit {:.2}%): \
         the run is too short to test anything",
        100.0 * hw / exact.abs(),
        100.0 * max_relative_half_width,
    );
    let distance = (ci.mean - exact).abs();
    assert!(
        distance <= K * hw + slack,
        "{what}: simulated {:.5} ± {hw:.5} (95%, n = {}), exact {exact:.5}: off by {:.2} \
         half-widths ({:+.2}%)",
        ci.mean,
        ci.n,
        distance / hw,
        100.0 * (ci.mean - exact) / exact,
    );
    ci
}

/// Mean wait in queue at `station` in one replication, minutes.
pub fn mean_wait_min(rep: &ReplicationStats, station: usize) -> f64 {
    rep.stations[station]
        .wait()
        .mean_ms()
        .expect("vehicles were served")
        / MIN
}

/// Share of the vehicles served at `station` that waited (a wait of more than 0 ms).
pub fn share_waiting(rep: &ReplicationStats, station: usize) -> f64 {
    1.0 - rep.stations[station]
        .wait()
        .fraction_at_or_below(0)
        .expect("vehicles were served")
}

/// Mean time in system over every class in one replication, minutes.
pub fn mean_time_in_system_min(rep: &ReplicationStats) -> f64 {
    rep.time_in_system()
        .mean_ms()
        .expect("vehicles left the system")
        / MIN
}

/// Time-weighted utilization of `station` over the observation window.
pub fn utilization(rep: &ReplicationStats, station: usize) -> f64 {
    let s = &rep.stations[station];
    let end = rep.window_end_ms;
    s.busy_servers.area_until(end) as f64 / s.open_servers.area_until(end) as f64
}

/// One value per replication.
pub fn per_rep(reps: &[ReplicationStats], f: impl Fn(&ReplicationStats) -> f64) -> Vec<f64> {
    reps.iter().map(f).collect()
}
