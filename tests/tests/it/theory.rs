//! The engine against exact queueing theory (`docs/sources.md`, "Queueing theory"): M/M/1,
//! M/M/c (Erlang C), M/G/1 (Pollaczek–Khinchine), a Jackson network, and Little's law on
//! every station.
//!
//! Every comparison is a mean over independent replications (each with its own warm-up, so
//! the empty-and-idle start does not bias it) against the exact value, within
//! `support::K` = 2 half-widths of its 95% confidence interval; every check also asserts that
//! the half-width is small relative to the exact value, so that a biased engine fails.
//! Run lengths are chosen so that the whole file takes a few seconds on two cores.

use bordersim_des::SimTime;
use bordersim_model::{ReplicationStats, Scenario, ServiceDist};
use bordersim_tests::{erlang_c, jackson, mg1_wq, mmc_wq, single_station};

use crate::support::{
    MIN, assert_near_exact, exponential, mean_time_in_system_min, mean_wait_min, per_rep,
    replicate, share_waiting, utilization,
};

/// `replications` replications of a single station, each observed for `observed_min` minutes
/// after a warm-up of `warmup_min` minutes.
fn single(
    rate_per_min: f64,
    servers: u32,
    service: ServiceDist,
    warmup_min: u64,
    observed_min: u64,
    replications: u32,
    seed: u64,
) -> Vec<ReplicationStats> {
    let scenario = single_station(
        rate_per_min,
        servers,
        service,
        SimTime::from_mins(warmup_min + observed_min),
        SimTime::from_mins(warmup_min),
    );
    replicate(&scenario, replications, seed)
}

/// Quantile `q` of the waits at `station` in one replication, minutes.
fn wait_quantile_min(rep: &ReplicationStats, station: usize, q: f64) -> f64 {
    rep.stations[station]
        .wait()
        .quantile_ms(q)
        .expect("vehicles were served")
        / MIN
}

/// Histogram quantiles are exact to 3 significant digits: allow 0.1% of the value on top of
/// the statistical tolerance.
const HISTOGRAM_PRECISION: f64 = 1e-3;

/// Replications per model: 20 gives Student t with 19 degrees of freedom, so the half-width
/// is itself estimated well (2 half-widths ≈ 4.2 standard errors).
const REPLICATIONS: u32 = 20;

/// M/M/1 at ρ = 0.8: λ = 0.8/min, μ = 1/min. Exact: Wq = ρ/(μ − λ) = 4 min,
/// W = 1/(μ − λ) = 5 min, P(wait > 0) = ρ, P(Wq > t) = ρ·e^{−(μ−λ)t}, and the time in system
/// is exponential with rate μ − λ.
///
/// Run length: 20 replications × 400,000 min (≈ 320,000 customers each) after a 5,000 min
/// warm-up (the relaxation time 1/(μ(1 − √ρ)²) is ≈ 90 min). The asymptotic variance of
/// the time-average queue at ρ = 0.8, 2(1 + ρ)/(ρ(1 − ρ)²) ≈ 112 (relative, per unit time),
/// gives a relative standard deviation of ≈ 1.7% per replication, so a half-width of
/// ≈ 0.8% over 20 (measured: 0.9%); we require < 3%. Quantiles add the histogram's 0.1%.
#[test]
fn mm1_wait_and_time_in_system_match_exact() {
    let (lambda, mu) = (0.8, 1.0);
    let reps = single(
        lambda,
        1,
        exponential(1.0 / mu),
        5_000,
        400_000,
        REPLICATIONS,
        11,
    );
    let rho: f64 = lambda / mu;

    let wq = rho / (mu - lambda);
    assert!((wq - mmc_wq(lambda, mu, 1)).abs() < 1e-12);
    assert_near_exact(
        "M/M/1 Wq (min)",
        &per_rep(&reps, |r| mean_wait_min(r, 0)),
        wq,
        0.03,
        0.0,
    );
    assert_near_exact(
        "M/M/1 W (min)",
        &per_rep(&reps, mean_time_in_system_min),
        1.0 / (mu - lambda),
        0.03,
        0.0,
    );
    assert_near_exact(
        "M/M/1 P(wait > 0)",
        &per_rep(&reps, |r| share_waiting(r, 0)),
        rho,
        0.01,
        0.0,
    );
    assert_near_exact(
        "M/M/1 utilization",
        &per_rep(&reps, |r| utilization(r, 0)),
        rho,
        0.01,
        0.0,
    );

    // Quantiles of the wait: P(Wq > t) = ρ e^{−(μ−λ)t}, so the q-quantile (q > 1 − ρ) is
    // ln(ρ / (1 − q)) / (μ − λ).
    for q in [0.5_f64, 0.9, 0.95, 0.99] {
        let exact = (rho / (1.0 - q)).ln() / (mu - lambda);
        assert_near_exact(
            &format!("M/M/1 wait p{}", q * 100.0),
            &per_rep(&reps, |r| wait_quantile_min(r, 0, q)),
            exact,
            0.03,
            HISTOGRAM_PRECISION * exact,
        );
    }
    // Time in system ~ Exp(μ − λ): q-quantile −ln(1 − q) / (μ − λ).
    for q in [0.5_f64, 0.95] {
        let exact = -(1.0 - q).ln() / (mu - lambda);
        assert_near_exact(
            &format!("M/M/1 time in system p{}", q * 100.0),
            &per_rep(&reps, |r| {
                r.time_in_system().quantile_ms(q).expect("departures") / MIN
            }),
            exact,
            0.03,
            HISTOGRAM_PRECISION * exact,
        );
    }
}

/// Reference model 1 of `docs/sources.md` ("Queueing theory"): M/M/4 at ρ = 0.9
/// (λ = 3.6/min, μ = 1/min per server), Erlang-C Wq = 1.96938 min. Checked through the
/// experiment runner's report as well, so the JSON numbers (seconds) are tied to the theory.
///
/// Run length: the mean wait of one run of 1 M customers spreads by about 3% from run to
/// run. We run 20 replications × 300,000 min (≈ 1.08 M customers each) after a 5,000 min warm-up
/// (relaxation time 1/(μ(√c − √a)²) ≈ 95 min): standard error ≈ 3%/√20 ≈ 0.7%, half-width
/// ≈ 1.4% (measured: 1.2%); we require < 3%.
#[test]
fn mm4_model1_matches_erlang_c() {
    let (lambda, mu, c) = (3.6, 1.0, 4);
    let warmup = 5_000;
    let scenario = single_station(
        lambda,
        c,
        exponential(1.0 / mu),
        SimTime::from_mins(warmup + 300_000),
        SimTime::from_mins(warmup),
    );
    let outcome = bordersim_experiment::run(
        &scenario,
        &bordersim_experiment::RunOptions {
            replications: REPLICATIONS,
            seed: 7,
            threads: None,
        },
    )
    .expect("the scenario runs");
    let reps = &outcome.replications;

    let wq = mmc_wq(lambda, mu, c);
    assert!((wq - 1.96938).abs() < 1e-5, "Erlang C fixture: {wq}");
    let ci = assert_near_exact(
        "M/M/4 Wq (min)",
        &per_rep(reps, |r| mean_wait_min(r, 0)),
        wq,
        0.03,
        0.0,
    );
    assert_near_exact(
        "M/M/4 W (min)",
        &per_rep(reps, mean_time_in_system_min),
        wq + 1.0 / mu,
        0.03,
        0.0,
    );
    assert_near_exact(
        "M/M/4 P(wait > 0)",
        &per_rep(reps, |r| share_waiting(r, 0)),
        erlang_c(c, lambda / mu),
        0.01,
        0.0,
    );
    let rho = lambda / (f64::from(c) * mu);
    assert_near_exact(
        "M/M/4 utilization",
        &per_rep(reps, |r| utilization(r, 0)),
        rho,
        0.01,
        0.0,
    );

    // The report states the same mean and half-width, in seconds.
    let wait = &outcome.report.stations[0].wait;
    let mean_s = wait.mean_s.expect("a mean");
    let ci95_s = wait.ci95_s.expect("a half-width with several replications");
    assert!(
        (mean_s - ci.mean * 60.0).abs() <= 1e-9 * mean_s,
        "report mean {mean_s} s"
    );
    let hw = ci.half_width_95.expect("half-width");
    assert!(
        (ci95_s - hw * 60.0).abs() <= 1e-9 * ci95_s,
        "report ci95 {ci95_s} s"
    );
    let util = outcome.report.stations[0]
        .utilization
        .expect("a lane is scheduled");
    assert!((util - rho).abs() < 0.01, "report utilization {util}");
    let throughput = outcome.report.stations[0].throughput_per_h;
    assert!(
        (throughput / (lambda * 60.0) - 1.0).abs() < 0.01,
        "report throughput {throughput}/h"
    );
}

/// M/M/10 at ρ = 0.85 (λ = 8.5/min, μ = 1/min per server) against Erlang C.
///
/// Run length: 20 replications × 60,000 min (≈ 510,000 customers each) after a 2,000 min
/// warm-up (relaxation time 1/(μ(√c − √a)²) ≈ 16 min). The mean wait is short (0.35 min),
/// so its relative spread is larger than model 1's at the same customer count; the
/// half-width comes out near 1.5% and we require < 3%.
#[test]
fn mm10_matches_erlang_c() {
    let (lambda, mu, c) = (8.5, 1.0, 10);
    let reps = single(
        lambda,
        c,
        exponential(1.0 / mu),
        2_000,
        60_000,
        REPLICATIONS,
        3,
    );
    let wq = mmc_wq(lambda, mu, c);
    assert_near_exact(
        "M/M/10 Wq (min)",
        &per_rep(&reps, |r| mean_wait_min(r, 0)),
        wq,
        0.03,
        0.0,
    );
    assert_near_exact(
        "M/M/10 P(wait > 0)",
        &per_rep(&reps, |r| share_waiting(r, 0)),
        erlang_c(c, lambda / mu),
        0.02,
        0.0,
    );
    assert_near_exact(
        "M/M/10 utilization",
        &per_rep(&reps, |r| utilization(r, 0)),
        lambda / (f64::from(c) * mu),
        0.01,
        0.0,
    );
}

/// M/G/1 with service `service` (mean `mean_min`, squared coefficient of variation `scv`,
/// both computed independently of `ServiceDist`'s own formulas) at load `rho`, against the
/// Pollaczek–Khinchine mean wait ρ·E[S]·(1 + scv) / (2(1 − ρ)).
///
/// Run length: 20 replications × `customers` customers after a warm-up of 5,000 mean
/// service times (≥ 20 relaxation times at these loads). Half-widths of Wq come out at
/// 0.6–1.2% (the lognormal's heavy tail needs twice the customers for that); we require
/// < 3%.
fn check_mg1(
    name: &str,
    service: ServiceDist,
    (mean_min, scv): (f64, f64),
    rho: f64,
    customers: f64,
    seed: u64,
) {
    assert!(
        (service.mean_ms() / MIN - mean_min).abs() < 1e-9,
        "{name}: mean"
    );
    assert!(
        (service.scv() - scv).abs() < 1e-9,
        "{name}: scv {} vs {scv}",
        service.scv()
    );
    let lambda = rho / mean_min;
    let observed = (customers / lambda) as u64;
    let warmup = (5_000.0 * mean_min) as u64;
    let reps = single(lambda, 1, service, warmup, observed, REPLICATIONS, seed);
    let wq = mg1_wq(lambda, mean_min, scv);
    assert_near_exact(
        &format!("M/G/1 {name} Wq (min)"),
        &per_rep(&reps, |r| mean_wait_min(r, 0)),
        wq,
        0.03,
        0.0,
    );
    assert_near_exact(
        &format!("M/G/1 {name} W (min)"),
        &per_rep(&reps, mean_time_in_system_min),
        wq + mean_min,
        0.03,
        0.0,
    );
    assert_near_exact(
        &format!("M/G/1 {name} P(wait > 0)"),
        &per_rep(&reps, |r| share_waiting(r, 0)),
        rho,
        0.01,
        0.0,
    );
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    // Exact: Wq = ρ E[S] / (2(1 − ρ)) = 2 min at ρ = 0.8, E[S] = 1 min.
    let service = ServiceDist::Deterministic { value_ms: MIN };
    check_mg1("deterministic", service, (1.0, 0.0), 0.8, 300_000.0, 21);
}

#[test]
fn mg1_lognormal_matches_pollaczek_khinchine() {
    // cv = 1.5 (scv 2.25): heavy right tail, so a lower load (0.7) keeps the run short.
    // Exact Wq = 0.7 · 3.25 / 0.6 = 3.7917 min.
    let service = ServiceDist::LogNormal {
        mean_ms: MIN,
        cv: 1.5,
    };
    check_mg1("lognormal cv 1.5", service, (1.0, 2.25), 0.7, 600_000.0, 22);
}

#[test]
fn mg1_gamma_matches_pollaczek_khinchine() {
    // cv = 0.5 (shape 4): Wq = 0.85 · 1.25 / 0.3 = 3.5417 min.
    let service = ServiceDist::Gamma {
        mean_ms: MIN,
        cv: 0.5,
    };
    check_mg1("gamma cv 0.5", service, (1.0, 0.25), 0.85, 300_000.0, 23);
}

#[test]
fn mg1_uniform_triangular_empirical_match_pollaczek_khinchine() {
    // Uniform on [0.5, 1.5] min: variance 1/12, scv 1/12.
    let uniform = ServiceDist::Uniform {
        min_ms: 0.5 * MIN,
        max_ms: 1.5 * MIN,
    };
    check_mg1("uniform", uniform, (1.0, 1.0 / 12.0), 0.8, 300_000.0, 24);

    // Triangular (0.5, 1, 2.5) min: mean 4/3, variance (a² + b² + c² − ab − ac − bc)/18.
    let (a, m, b) = (0.5_f64, 1.0_f64, 2.5_f64);
    let mean = (a + m + b) / 3.0;
    let var = (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0;
    let triangular = ServiceDist::Triangular {
        min_ms: a * MIN,
        mode_ms: m * MIN,
        max_ms: b * MIN,
    };
    check_mg1(
        "triangular",
        triangular,
        (mean, var / (mean * mean)),
        0.8,
        300_000.0,
        25,
    );

    // Empirical: resampling {0.5, 1, 2.5} min with equal probability.
    let values = [0.5_f64, 1.0, 2.5];
    let mean = values.iter().sum::<f64>() / 3.0;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 3.0;
    let empirical = ServiceDist::Empirical {
        values_ms: values.iter().map(|v| v * MIN).collect(),
    };
    check_mg1(
        "empirical",
        empirical,
        (mean, var / (mean * mean)),
        0.8,
        300_000.0,
        26,
    );
}

/// Reference model 2 of `docs/sources.md` ("Queueing theory"): Poisson(1/min) → A (M/M/2,
/// mean service 1.5 min) → with probability 0.3 to B (M/M/1, mean 2 min), else exit. By
/// Jackson's theorem (Jackson, 1957) each station is an independent M/M/c: A has λ = 1, ρ = 0.75, Wq = 1.92857 min; B has λ = 0.3, ρ = 0.6,
/// Wq = 3 min; mean time in system = (1.92857 + 1.5) + 0.3·(3 + 2) = 4.92857 min.
///
/// Run length: 20 replications × 400,000 min (400,000 customers at A, 120,000 at B) after a
/// 5,000 min warm-up. Half-widths come out near 0.7% at A, 0.8% at B and 0.35% for the
/// time in system; we require < 3%.
#[test]
fn jackson_network_matches_product_form() {
    let warmup = 5_000;
    let scenario = jackson(
        SimTime::from_mins(warmup + 400_000),
        SimTime::from_mins(warmup),
    );
    let reps = replicate(&scenario, REPLICATIONS, 5);

    let wq_a = mmc_wq(1.0, 1.0 / 1.5, 2);
    let wq_b = mmc_wq(0.3, 0.5, 1);
    let w = wq_a + 1.5 + 0.3 * (wq_b + 2.0);
    assert!((w - 4.92857).abs() < 1e-5, "fixture: W = {w}");

    assert_near_exact(
        "Jackson W (min)",
        &per_rep(&reps, mean_time_in_system_min),
        w,
        0.03,
        0.0,
    );
    assert_near_exact(
        "Jackson A Wq (min)",
        &per_rep(&reps, |r| mean_wait_min(r, 0)),
        wq_a,
        0.03,
        0.0,
    );
    assert_near_exact(
        "Jackson B Wq (min)",
        &per_rep(&reps, |r| mean_wait_min(r, 1)),
        wq_b,
        0.03,
        0.0,
    );
    assert_near_exact(
        "Jackson A P(wait > 0)",
        &per_rep(&reps, |r| share_waiting(r, 0)),
        erlang_c(2, 1.5),
        0.01,
        0.0,
    );
    assert_near_exact(
        "Jackson B P(wait > 0)",
        &per_rep(&reps, |r| share_waiting(r, 1)),
        erlang_c(1, 0.6),
        0.01,
        0.0,
    );
    assert_near_exact(
        "Jackson A utilization",
        &per_rep(&reps, |r| utilization(r, 0)),
        0.75,
        0.01,
        0.0,
    );
    assert_near_exact(
        "Jackson B utilization",
        &per_rep(&reps, |r| utilization(r, 1)),
        0.6,
        0.01,
        0.0,
    );
    // Routing: 30% of A's departures go to B.
    assert_near_exact(
        "Jackson share routed to B",
        &per_rep(&reps, |r| {
            r.stations[1].entered as f64 / r.stations[0].served as f64
        }),
        0.3,
        0.01,
        0.0,
    );
}

/// Little's law on a sample path, per station and per replication: the time-average number
/// in queue L_q equals λ·W_q with λ the observed arrival rate at the station (vehicles that
/// entered / window length) and W_q the observed mean wait; and the time-average number of
/// busy servers equals λ·E[S] (so utilization = λ·E[S]/c).
///
/// Tolerances, per replication (no confidence interval needed: these are identities):
/// - L_q vs λW_q differ only by boundary terms — the part of the waits of vehicles queued at
///   the window's start that fell before it, and the waits of those still queued at its end
///   — of order (queue at the boundaries) × (their waits) / (L_q · T) ≈ a few W_q / T ≈ 1e-4
///   here (measured: at most 6e-4); we allow 0.5%.
/// - busy servers vs λ·E[S] differ by the sampling error of the mean service time over N
///   vehicles, relative standard deviation cv/√N, plus a boundary term of order E[S]/T; we
///   allow 5·cv/√N + 0.1%.
#[test]
fn littles_law_holds_on_every_station() {
    let lognormal = ServiceDist::LogNormal {
        mean_ms: MIN,
        cv: 1.5,
    };
    let cases: Vec<(&str, Scenario)> = vec![
        (
            "M/M/4 rho 0.9",
            single_station(
                3.6,
                4,
                exponential(1.0),
                SimTime::from_mins(102_000),
                SimTime::from_mins(2_000),
            ),
        ),
        (
            "M/G/1 lognormal rho 0.7",
            single_station(
                0.7,
                1,
                lognormal,
                SimTime::from_mins(102_000),
                SimTime::from_mins(2_000),
            ),
        ),
        (
            "Jackson",
            jackson(SimTime::from_mins(102_000), SimTime::from_mins(2_000)),
        ),
    ];
    for (name, scenario) in cases {
        let reps = replicate(&scenario, 4, 17);
        for rep in &reps {
            let window_ms = (rep.window_end_ms - rep.window_start_ms) as f64;
            assert_eq!(rep.window_start_ms, scenario.warmup.as_millis());
            for (i, station) in scenario.crossing.stations().iter().enumerate() {
                let st = &rep.stations[i];
                let servers = station.max_servers() as f64;
                // The service means and cvs were checked against independent formulas in
                // the M/G/1 tests.
                let service = station.service[0].as_ref().expect("a service time");
                let (mean_service_ms, cv) = (service.mean_ms(), service.scv().sqrt());
                let lambda_per_ms = st.entered as f64 / window_ms;
                let lq = st.queue_length.mean_until(rep.window_end_ms);
                let wq_ms = st.wait().mean_ms().expect("waits");
                let little = lambda_per_ms * wq_ms;
                assert!(
                    (lq / little - 1.0).abs() < 5e-3,
                    "{name}, replication {}, station {i}: L_q = {lq:.5} but λW_q = {little:.5}",
                    rep.replication
                );

                let busy = st.busy_servers.mean_until(rep.window_end_ms);
                let offered = lambda_per_ms * mean_service_ms;
                let tolerance = 5.0 * cv / (st.entered as f64).sqrt() + 1e-3;
                assert!(
                    (busy / offered - 1.0).abs() < tolerance,
                    "{name}, replication {}, station {i}: {busy:.5} busy servers but λE[S] = \
                     {offered:.5} (tolerance {:.3}%)",
                    rep.replication,
                    100.0 * tolerance
                );
                let util = utilization(rep, i);
                assert!(
                    (util - offered / servers).abs() < tolerance * offered / servers,
                    "{name}, replication {}, station {i}: utilization {util:.5} vs λE[S]/c = {:.5}",
                    rep.replication,
                    offered / servers
                );
            }
        }
    }
}
