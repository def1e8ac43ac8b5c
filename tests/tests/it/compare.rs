//! Baseline against variants on common random numbers (the base of `bordersim compare`).

use bordersim_des::SimTime;
use bordersim_experiment::{RunOptions, compare, headline_measures};
use bordersim_model::{ServiceDist, StationId};
use bordersim_stats::{MeanCi, student_t_quantile_975};
use bordersim_tests::{jackson, with_service};

fn options() -> RunOptions {
    RunOptions {
        replications: 10,
        seed: 11,
        threads: None,
    }
}

/// A variant identical to the baseline differs by exactly zero in every metric, with a zero
/// interval, and nothing is significant.
#[test]
fn an_unchanged_variant_differs_by_exactly_zero() {
    let base = jackson(SimTime::from_mins(20_000), SimTime::from_mins(1_000));
    let (comparison, _) =
        compare(&base, &[("same".into(), base.clone())], &options()).expect("runs");
    let diffs = &comparison.variants[0].differences;
    assert!(diffs.len() >= 10, "{} metrics", diffs.len());
    for d in diffs {
        assert_eq!(d.delta, Some(0.0), "{d:?}");
        assert_eq!(d.ci95, Some(0.0), "{d:?}");
        assert_eq!(d.baseline, d.variant, "{d:?}");
        assert!(!d.significant, "{d:?}");
    }
}

/// Speeding up station B (exp mean 2 → 1.5 min) lowers B's wait significantly, leaves A's
/// statistics exactly unchanged (same vehicles, same draws at A), and the paired interval
/// of the system-time difference is narrower than the unpaired (Welch) one from the same
/// runs — the point of common random numbers.
#[test]
fn paired_intervals_are_narrower_than_unpaired_ones() {
    let base = jackson(SimTime::from_mins(20_000), SimTime::from_mins(1_000));
    let faster = with_service(
        &base,
        StationId(1),
        ServiceDist::Exponential { mean_ms: 90_000.0 },
    );
    let (comparison, outcomes) =
        compare(&base, &[("faster B".into(), faster.clone())], &options()).expect("runs");
    let diffs = &comparison.variants[0].differences;
    let get = |metric: &str, entity: &str| {
        diffs
            .iter()
            .find(|d| d.metric == metric && d.entity == entity)
            .unwrap_or_else(|| panic!("{metric} {entity}"))
    };
    let b_wait = get("wait_mean_s", "station:B");
    let b_delta = b_wait.delta.expect("compared");
    assert!(b_wait.significant && b_delta < 0.0, "{b_wait:?}");
    // M/M/1 at B: Wq = ρ/(μ−λ): 2·0.6/(1−0.6) = 3 min before, 1.5·0.45/(1−0.45) = 1.227 after.
    assert!(
        (b_delta / 60.0 - (1.227_27 - 3.0)).abs() < 3.0 * b_wait.ci95.unwrap() / 60.0 + 0.05,
        "{b_wait:?}"
    );
    for metric in [
        "wait_mean_s",
        "wait_p95_rep_s",
        "queue_length_mean",
        "utilization",
    ] {
        let a = get(metric, "station:A");
        assert_eq!(a.delta, Some(0.0), "{a:?}");
    }
    // Unpaired (Welch) half-width of the same difference, from the same replications.
    let system = |i: usize| -> Vec<f64> {
        let scenario = if i == 0 { &base } else { &faster };
        outcomes[i]
            .replications
            .iter()
            .map(|r| {
                headline_measures(scenario, r)
                    .into_iter()
                    .find(|m| m.metric == "time_in_system_mean_s" && m.entity == "system")
                    .expect("system time")
                    .value
                    .expect("measured")
            })
            .collect()
    };
    let (b, v) = (system(0), system(1));
    let var = |x: &[f64]| {
        let m = MeanCi::from_samples(x).unwrap().mean;
        x.iter().map(|y| (y - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64
    };
    let n = b.len() as f64;
    let (vb, vv) = (var(&b) / n, var(&v) / n);
    let df = (vb + vv).powi(2) / (vb * vb / (n - 1.0) + vv * vv / (n - 1.0));
    let unpaired = student_t_quantile_975(df.floor() as u64).unwrap() * (vb + vv).sqrt();
    let paired = get("time_in_system_mean_s", "system").ci95.unwrap();
    assert!(
        paired < unpaired / 2.0,
        "paired {paired:.3} s vs unpaired {unpaired:.3} s"
    );
}

/// The economic translation: vehicle-hours of waiting per day equal the time-average number
/// waiting × 24 h (Little's law on the sample path, up to the few vehicles waiting across the
/// window's edges), and their value is exactly hours × value of time.
#[test]
fn delay_hours_follow_littles_law_and_are_valued_at_the_value_of_time() {
    use bordersim_model::Crossing;
    let base = bordersim_tests::single_station(
        3.6,
        4,
        ServiceDist::Exponential { mean_ms: 60_000.0 },
        SimTime::from_mins(200_000),
        SimTime::from_mins(2_000),
    );
    let mut population = base.population().clone();
    population.classes[0].value_of_time_per_h = 30.0;
    let crossing = Crossing::new(
        base.crossing.name.clone(),
        &population,
        base.crossing.stations().to_vec(),
        base.crossing.sources().to_vec(),
    )
    .expect("valid");
    let scenario = bordersim_model::Scenario { crossing, ..base };
    let outcome = bordersim_experiment::run(&scenario, &options()).expect("runs");
    let costs = &outcome.report.economics;
    assert_eq!(costs.len(), 2, "one class and `all`");
    let class = &costs[0];
    assert_eq!(class.value_of_time_per_h, Some(30.0));
    assert!(
        (class.value_per_day - 30.0 * class.delay_vehicle_hours_per_day).abs() < 1e-9,
        "{class:?}"
    );
    assert!((class.value_per_year - 365.0 * class.value_per_day).abs() < 1e-6);
    let queue = outcome.report.stations[0].queue_length.mean;
    let little = queue * 24.0;
    assert!(
        (class.delay_vehicle_hours_per_day - little).abs() / little < 0.005,
        "{} veh-h/day vs L_q × 24 = {little}",
        class.delay_vehicle_hours_per_day
    );
    // Erlang C: L_q = λ W_q = 3.6/min × 1.96938 min = 7.0898 waiting, i.e. 170.2 veh-h/day.
    let exact = 3.6 * 1.969_383 * 24.0;
    let hw = class
        .delay_vehicle_hours_per_day_ci95
        .expect("10 replications");
    assert!(hw / exact < 0.03, "{hw}");
    assert!(
        (class.delay_vehicle_hours_per_day - exact).abs() <= 2.0 * hw,
        "{} ± {hw} vs {exact}",
        class.delay_vehicle_hours_per_day
    );
}
