//! Reneging against queueing theory: Palm's M/M/c+M (Erlang-A; Garnett, Mandelbaum &
//! Reiman 2002) and M/M/1+D, exact formulas below; a class without patience runs as before
//! on every vehicle; abandoned vehicles are conserved.

use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_model::{
    ClassId, Crossing, LogRecord, Patience, Population, ReplicationStats, Route, Scenario,
    ServiceDist, Source, Station, StationId, Target, VehicleFilter, VehicleLog,
    run_replication_logged,
};
use bordersim_stats::MeanCi;

/// M/M/n+M in steady state: (probability of abandoning, mean wait of the served, mean wait
/// of those who abandon), in the unit of `1/mu`. Birth–death chain: `π_j ∝ a^j/j!` up to
/// `n`, then each step down from `n+k` at rate `nμ + kθ`. An arrival finding `j ≥ n` (PASTA)
/// is at position `P = j − n + 1`; at position `p` it moves up at rate `nμ + (p−1)θ` and
/// abandons at rate `θ`, so it is served with probability `nμ/(nμ+Pθ)`, waits `P/(nμ+Pθ)` on
/// average in all, and `nμ/(nμ+Pθ) · Σ_{p≤P} 1/(nμ+pθ)` on average and served.
fn erlang_a(lambda: f64, mu: f64, n: u32, theta: f64) -> (f64, f64, f64) {
    let nmu = f64::from(n) * mu;
    // Unnormalised probabilities, state 0 = 1.
    let mut weights = vec![1.0];
    for j in 1..=n {
        let last = weights[weights.len() - 1];
        weights.push(last * lambda / (f64::from(j) * mu));
    }
    let mut k = 1.0;
    loop {
        let last = weights[weights.len() - 1];
        let next = last * lambda / (nmu + k * theta);
        weights.push(next);
        k += 1.0;
        if next < 1e-18 * weights.iter().sum::<f64>() && k > 10.0 {
            break;
        }
    }
    let total: f64 = weights.iter().sum();
    let (mut p_ab, mut w_all, mut w_served) = (0.0, 0.0, 0.0);
    let mut harmonic = 0.0;
    for (j, w) in weights.iter().enumerate().skip(n as usize) {
        let pi = w / total;
        let p = (j - n as usize + 1) as f64;
        harmonic += 1.0 / (nmu + p * theta);
        let served = nmu / (nmu + p * theta);
        p_ab += pi * (1.0 - served);
        w_all += pi * p / (nmu + p * theta);
        w_served += pi * served * harmonic;
    }
    let served_mean = w_served / (1.0 - p_ab);
    let abandoned_mean = (w_all - w_served) / p_ab;
    (p_ab, served_mean, abandoned_mean)
}

/// M/M/1+D (deterministic patience `d`): the offered wait `V` has an atom `P0` at 0 and
/// density `λP0·e^{(λ−μ)x}` below `d`, `λP0·e^{(λ−μ)d}·e^{−μ(x−d)}` above (level crossing);
/// an arrival abandons when `V > d`. Returns (probability of abandoning, mean wait of the
/// served) in the unit of `1/mu`; those who abandon wait exactly `d`.
fn mm1_d(lambda: f64, mu: f64, d: f64) -> (f64, f64) {
    let r = lambda - mu;
    let below = (r * d).exp_m1() / r;
    let above = (r * d).exp() / mu;
    let p0 = 1.0 / (1.0 + lambda * (below + above));
    let p_ab = lambda * p0 * above;
    // ∫_0^d x e^{rx} dx.
    let moment = ((r * d - 1.0) * (r * d).exp() + 1.0) / (r * r);
    (p_ab, lambda * p0 * moment / (1.0 - p_ab))
}

fn minutes(m: f64) -> f64 {
    m * 60_000.0
}

/// One station with `servers` exponential servers (mean `service_min`), Poisson arrivals at
/// `per_min`, and the class's patience `patience` (`None`: no reneging).
fn station_with_patience(
    per_min: f64,
    servers: u32,
    service_min: f64,
    patience: Option<ServiceDist>,
    horizon_min: u64,
) -> Scenario {
    let mut population = Population::simple(&["customer"]);
    population.classes[0].patience = patience.map(|dist| Patience {
        dist,
        stations: None,
    });
    let station = Station::simple(
        "hall",
        servers,
        vec![Some(ServiceDist::Exponential {
            mean_ms: minutes(service_min),
        })],
        vec![],
    );
    let source = Source::poisson("arrivals", ClassId(0), per_min * 60.0, StationId(0));
    Scenario {
        name: "reneging".into(),
        crossing: Crossing::new("reneging", &population, vec![station], vec![source])
            .expect("a valid model"),
        horizon: SimTime::from_mins(horizon_min),
        warmup: SimTime::from_mins(200),
        replications: 1,
        seed: 1,
        start_weekday: 0,
    }
}

fn replicate(scenario: &Scenario, replications: u32, seed: u64) -> Vec<ReplicationStats> {
    let options = RunOptions {
        replications,
        seed,
        threads: None,
    };
    bordersim_experiment::run(scenario, &options)
        .expect("the scenario runs; conservation holds")
        .replications
}

/// Per replication: (share abandoning, mean wait of the served in minutes, mean wait of
/// those who abandoned in minutes).
fn measured(rep: &ReplicationStats) -> (f64, f64, f64) {
    let abandoned = rep.abandonment.count(0, 0, 0);
    let served_wait = rep.stations[0].wait();
    let gave_up = rep.abandonment.waits(0, 0, 0);
    let share = abandoned as f64 / (abandoned + served_wait.count()) as f64;
    let mean = |t: &bordersim_stats::Tally| t.mean_ms().unwrap_or(f64::NAN) / 60_000.0;
    (share, mean(&served_wait), mean(&gave_up))
}

/// Asserts that `exact` lies within 2.5 half-widths of the 95% interval of the replication
/// means, and that the interval is tight enough (below `max_rel` of `exact`) to see a bias.
#[track_caller]
fn assert_within(what: &str, samples: &[f64], exact: f64, max_rel: f64) {
    let ci = MeanCi::from_samples(samples).expect("replications");
    let hw = ci.half_width_95.expect("several replications");
    if std::env::var_os("BORDERSIM_TEST_VERBOSE").is_some() {
        #[allow(clippy::print_stderr, reason = "asked for, to review the margins")]
        {
            eprintln!("{what}: {:.5} ± {hw:.5} (95%), exact {exact:.5}", ci.mean);
        }
    }
    assert!(hw <= max_rel * exact, "{what}: half-width {hw} too wide");
    assert!(
        (ci.mean - exact).abs() <= 2.5 * hw,
        "{what}: simulated {:.5} ± {hw:.5}, exact {exact:.5}",
        ci.mean
    );
}

#[test]
fn erlang_a_formulas_reduce_to_known_cases() {
    // θ = μ: the queue behaves as M/M/∞ above n, and θ E[W] = P(Ab) must hold exactly.
    let (p_ab, served, abandoned) = erlang_a(3.3, 1.0, 3, 0.5);
    assert!(p_ab > 0.0 && p_ab < 1.0);
    let all = (1.0 - p_ab) * served + p_ab * abandoned;
    assert!(
        (0.5 * all - p_ab).abs() < 1e-12,
        "θ E[W] = P(Ab): {all} {p_ab}"
    );
    // Nearly infinite patience: Erlang C's mean wait of M/M/3 at a = 2.4.
    let (p_ab, served, _) = erlang_a(2.4, 1.0, 3, 1e-9);
    assert!(p_ab < 1e-6);
    let erlang_c = bordersim_tests::mmc_wq(2.4, 1.0, 3);
    assert!((served - erlang_c).abs() < 1e-5, "{served} vs {erlang_c}");
    // M/M/1+D with a patience of 0: everyone who would wait abandons, P(Ab) = ρ/(1+ρ).
    let (p_ab, served) = mm1_d(1.2, 1.0, 1e-12);
    assert!((p_ab - 1.2 / 2.2).abs() < 1e-9 && served.abs() < 1e-9);
}

#[test]
fn mm3_with_exponential_patience_matches_erlang_a() {
    // λ = 3.3/min on 3 servers of mean 1 min (overloaded without reneging), patience
    // Exp(mean 2 min): P(Ab) = 0.2231, served wait 0.4222 min, abandoned 0.5296 min.
    let (lambda, mu, n, theta) = (3.3, 1.0, 3, 0.5);
    let (p_ab, served, abandoned) = erlang_a(lambda, mu, n, theta);
    assert!((p_ab - 0.2231).abs() < 1e-4 && (served - 0.4222).abs() < 1e-4);
    assert!((abandoned - 0.5296).abs() < 1e-4);
    let scenario = station_with_patience(
        lambda,
        n,
        1.0 / mu,
        Some(ServiceDist::Exponential {
            mean_ms: minutes(1.0 / theta),
        }),
        20_200,
    );
    let reps = replicate(&scenario, 10, 7);
    let m: Vec<(f64, f64, f64)> = reps.iter().map(measured).collect();
    assert_within(
        "P(abandon)",
        &m.iter().map(|x| x.0).collect::<Vec<_>>(),
        p_ab,
        0.03,
    );
    assert_within(
        "served wait",
        &m.iter().map(|x| x.1).collect::<Vec<_>>(),
        served,
        0.03,
    );
    assert_within(
        "abandoned wait",
        &m.iter().map(|x| x.2).collect::<Vec<_>>(),
        abandoned,
        0.03,
    );
    for r in &reps {
        let v = r.vehicles;
        assert!(v.is_conserved(), "{v:?}");
        assert_eq!(v.abandoned, r.abandonment.total());
        assert_eq!(v.abandoned, r.classes[0].abandoned);
    }
}

#[test]
fn mm1_with_deterministic_patience_matches_the_level_crossing_solution() {
    // λ = 1.2/min, μ = 1/min, patience 2 min: P(Ab) = 0.3118, served wait 0.7966 min, and
    // every vehicle that gives up has waited exactly 2 min.
    let (lambda, mu, d) = (1.2, 1.0, 2.0);
    let (p_ab, served) = mm1_d(lambda, mu, d);
    assert!((p_ab - 0.3118).abs() < 1e-4 && (served - 0.7966).abs() < 1e-4);
    let scenario = station_with_patience(
        lambda,
        1,
        1.0 / mu,
        Some(ServiceDist::Deterministic {
            value_ms: minutes(d),
        }),
        20_200,
    );
    let reps = replicate(&scenario, 10, 11);
    let m: Vec<(f64, f64, f64)> = reps.iter().map(measured).collect();
    assert_within(
        "P(abandon)",
        &m.iter().map(|x| x.0).collect::<Vec<_>>(),
        p_ab,
        0.03,
    );
    assert_within(
        "served wait",
        &m.iter().map(|x| x.1).collect::<Vec<_>>(),
        served,
        0.03,
    );
    for r in &reps {
        let gave_up = r.abandonment.waits(0, 0, 0);
        assert_eq!(gave_up.min_ms(), Some(minutes(d) as u64));
        assert_eq!(gave_up.max_ms(), Some(minutes(d) as u64));
    }
}

/// Every event of replication 0, in order.
#[derive(Default)]
struct Everything(Vec<LogRecord>);

impl VehicleLog for Everything {
    fn wants(&mut self, _vehicle: u64) -> bool {
        true
    }
    fn record(&mut self, record: &LogRecord) {
        self.0.push(*record);
    }
}

fn log_of(scenario: &Scenario) -> (Vec<LogRecord>, ReplicationStats) {
    let model = bordersim_model::CompiledScenario::new(scenario).expect("compiles");
    let mut log = Everything::default();
    let stats = run_replication_logged(&model, 5, 0, &mut log);
    (log.0, stats)
}

#[test]
fn without_patience_or_with_one_never_reached_every_vehicle_runs_as_before() {
    let base = station_with_patience(1.1, 1, 1.0, None, 3_000);
    let (base_log, base_stats) = log_of(&base);
    assert!(base_log.len() > 10_000);
    // A patience longer than the run: armed for every queued vehicle, never acted on.
    let long = station_with_patience(
        1.1,
        1,
        1.0,
        Some(ServiceDist::Deterministic {
            value_ms: minutes(1e6),
        }),
        3_000,
    );
    // A patience at a station the class never queues at.
    let mut elsewhere = base.clone();
    let mut population = base.population().clone();
    population.classes[0].patience = Some(Patience {
        dist: ServiceDist::Exponential { mean_ms: 1.0 },
        stations: Some(vec![StationId(1)]),
    });
    let mut stations = base.crossing.stations().to_vec();
    stations[0].routes = vec![Route {
        when: VehicleFilter::any(),
        to: Target::Exit,
        probability: 1.0,
    }];
    let mut unvisited = Station::simple(
        "unvisited",
        1,
        vec![Some(ServiceDist::Exponential { mean_ms: 1.0 })],
        vec![],
    );
    unvisited.routes = stations[0].routes.clone();
    stations.push(unvisited);
    elsewhere.crossing = Crossing::new(
        "reneging",
        &population,
        stations,
        base.crossing.sources().to_vec(),
    )
    .expect("valid");
    for variant in [&long, &elsewhere] {
        let (log, stats) = log_of(variant);
        assert_eq!(log, base_log);
        assert_eq!(stats.vehicles, base_stats.vehicles);
        assert_eq!(stats.vehicles.abandoned, 0);
        assert_eq!(
            stats.stations[0].wait().mean_ms(),
            base_stats.stations[0].wait().mean_ms()
        );
    }
}

#[test]
fn abandoned_vehicles_are_conserved_with_a_full_storage_upstream() {
    // A storage of 3 places that spills back onto the road: vehicles on the road cannot
    // turn round, they give up as they enter if their patience ran out meanwhile.
    let mut scenario = station_with_patience(
        3.0,
        1,
        1.0,
        Some(ServiceDist::Exponential {
            mean_ms: minutes(1.5),
        }),
        2_000,
    );
    let mut stations = scenario.crossing.stations().to_vec();
    stations[0].storage = bordersim_model::Storage {
        limit: bordersim_model::StorageLimit::Vehicles(3),
        when_full: bordersim_model::WhenFull::Spillback,
    };
    scenario.crossing = Crossing::new(
        "reneging",
        scenario.population(),
        stations,
        scenario.crossing.sources().to_vec(),
    )
    .expect("valid");
    let reps = replicate(&scenario, 4, 3);
    for r in &reps {
        let v = r.vehicles;
        assert!(v.is_conserved(), "{v:?}");
        assert!(v.abandoned > 100, "{v:?}");
        assert_eq!(v.abandoned, r.abandonment.total());
        // Nothing gives up on the road: every abandoned wait began inside or ran out on
        // entering, so the queue never exceeds its 3 places.
        assert!(r.stations[0].queue_length.max() <= 3);
    }
    // Same seed, same numbers, whatever the threads.
    let again = replicate(&scenario, 4, 3);
    for (a, b) in reps.iter().zip(&again) {
        assert_eq!(a.vehicles, b.vehicles);
        assert_eq!(a.abandonment.total(), b.abandonment.total());
    }
}
