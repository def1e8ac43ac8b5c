//! Censored hours: an hour whose joiners' waits are partly cut off by the run's end is left
//! out of the wait measures and of a fit's objective (unless censored hours are included),
//! on crossings where the censoring is known by construction.

use bordersim_calibrate::{Calibration, assess, assess_with, fit, parse_fit, parse_observations};
use bordersim_experiment::{NoProgress, RunOptions};
use bordersim_model::Scenario;

/// One booth, one lane, from a recorded trace (`booth.csv`), observed from 00:00 to the
/// horizon.
fn scenario_text(horizon: &str, service: &str) -> String {
    format!(
        r#"
[scenario]
name = "censored"
horizon = "{horizon}"
replications = 2
seed = 3

[[directions]]
id = "in"

[[classes]]
id = "car"

[[stations]]
id = "booth"
direction = "in"
servers = 1
service = {service}
routes = [{{ to = "exit", p = 1 }}]

[[sources]]
id = "cars"
entry = "booth"
trace = "booth.csv"
"#
    )
}

/// A trace of `(from_s, every_s, count)` runs of evenly spaced cars.
fn trace(runs: &[(u64, u64, u64)]) -> String {
    let mut csv = String::from("time,class,direction\n");
    for &(from, every, count) in runs {
        for k in 0..count {
            csv.push_str(&format!("{},car,in\n", from + k * every));
        }
    }
    csv
}

fn load(text: &str, trace: &str) -> Scenario {
    let reader = |name: &str| -> Result<String, String> {
        (name == "booth.csv")
            .then(|| trace.to_owned())
            .ok_or_else(|| format!("no file {name}"))
    };
    bordersim_config::parse_scenario_with(text, "censored.toml", &reader)
        .expect("valid")
        .scenario
}

fn options(scenario: &Scenario) -> RunOptions {
    RunOptions {
        threads: Some(2),
        ..RunOptions::from_scenario(scenario)
    }
}

/// Two hours of a deterministic booth (service exactly 2 min), observed 00:00-02:00:
/// - 00:00-01:00: a car every 2 minutes (30): each finds the lane free, waits 0;
/// - 01:00-02:00: a car every minute (60): car k (0-59) arrives at 60 + k min and starts at
///   60 + 2k min (the lane frees every 2 minutes), so it waits exactly k min; it is counted
///   when it starts before the horizon (120 min), i.e. k < 30. Censored share 30/60 = 0.5;
///   the counted mean wait is mean(0..=29) = 14.5 min.
fn deterministic() -> Scenario {
    load(
        &scenario_text("2h", r#"{ dist = "deterministic", value = "2min" }"#),
        &trace(&[(0, 120, 30), (3600, 60, 60)]),
    )
}

/// Observed: 1 min at 00:00 (the model says 0), 20 min at 01:00 (the model's counted 14.5).
const OBSERVED: &str = "station,hour,wait_min\nbooth,0,1\nbooth,1,20\n";

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_censored_hour_is_left_out_of_the_measures_by_hand() {
    let scenario = deterministic();
    let obs = parse_observations(OBSERVED, "observed.csv", &scenario).expect("valid");
    let (_, out) = assess(&scenario, &obs, &options(&scenario), 1.0, &NoProgress).expect("runs");
    let (_, with) =
        assess_with(&scenario, &obs, &options(&scenario), 1.0, true, &NoProgress).expect("runs");
    for c in [&out, &with] {
        let h = &c.groups[0].hours;
        assert_eq!(h[0].simulated_wait_min, Some(0.0));
        assert_eq!(h[0].censored_share, Some(0.0));
        assert!(!h[0].censored && !h[0].excluded);
        assert!(
            close(h[1].simulated_wait_min.expect("counted"), 14.5),
            "{h:?}"
        );
        assert_eq!(h[1].censored_share, Some(0.5));
        assert!(h[1].censored);
    }
    // By default the censored hour is left out: one pair (0 against 1), error −1.
    assert!(out.groups[0].hours[1].excluded && !out.include_censored);
    assert_eq!(
        (out.censored_excluded, out.groups[0].censored_excluded),
        (1, 1)
    );
    let m = out.wait.expect("pairs");
    assert_eq!(m.n, 1);
    assert!(close(m.rmse, 1.0) && close(m.mae, 1.0) && close(m.mean_bias, -1.0));
    assert_eq!(m.observed_mean, 1.0);
    // Objective: ((0 − 1) / 1)² over the hours kept.
    assert!(close(out.objective, 1.0), "{}", out.objective);
    // Included: errors −1 and 14.5 − 20 = −5.5: RMSE sqrt((1 + 30.25) / 2), MAE and bias
    // (1 + 5.5) / 2.
    assert!(!with.groups[0].hours[1].excluded && with.include_censored);
    assert_eq!(with.censored_excluded, 0);
    let m = with.wait.expect("pairs");
    assert_eq!(m.n, 2);
    assert!(close(m.rmse, (31.25f64 / 2.0).sqrt()), "{m:?}");
    assert!(close(m.mae, 3.25) && close(m.mean_bias, -3.25));
    assert!(close(m.observed_mean, 10.5) && close(m.simulated_mean, 7.25));
    // Objective: ((0 − 1)² + (14.5 − 20)²) / 10.5².
    assert!(close(with.objective, 31.25 / 110.25), "{}", with.objective);
    // The census is of whole days or not: a 3-hour window with the same trace counts every
    // joiner (the 01:00 hour's last car starts at 178 min).
    let longer = load(
        &scenario_text("3h", r#"{ dist = "deterministic", value = "2min" }"#),
        &trace(&[(0, 120, 30), (3600, 60, 60)]),
    );
    let (_, c) = assess(&longer, &obs, &options(&longer), 1.0, &NoProgress).expect("runs");
    let h = &c.groups[0].hours[1];
    assert_eq!(
        (h.censored_share, h.censored, h.excluded),
        (Some(0.0), false, false)
    );
    // All 60 counted: mean(0..=59) = 29.5 min.
    assert!(close(h.simulated_wait_min.expect("counted"), 29.5));
    assert_eq!(c.censored_excluded, 0);
}

/// A booth with exponential service of mean `mean`, a car every 2 minutes for four hours
/// (load 0.5 at 60 s), then a car every 30 s from 04:00 (load 2): the queue grows through
/// the last hour and about half of its joiners have not started at the horizon (05:00).
fn stochastic(mean: &str) -> String {
    scenario_text(
        "5h",
        &format!(r#"{{ dist = "exponential", mean = "{mean}" }}"#),
    )
}

fn stochastic_trace() -> String {
    trace(&[(0, 120, 120), (4 * 3600, 30, 120)])
}

/// Observed waits of hours 0-3 from the true mean 60 s on other random numbers, and
/// `last` as the observed wait of hour 4.
fn stochastic_observed(last: f64) -> String {
    let truth = load(&stochastic("60s"), &stochastic_trace());
    let obs = parse_observations(
        "station,hour,wait_min\nbooth,0,0\nbooth,1,0\nbooth,2,0\nbooth,3,0\nbooth,4,0\n",
        "o.csv",
        &truth,
    )
    .expect("valid");
    let options = RunOptions {
        replications: 8,
        seed: 99,
        threads: Some(2),
    };
    let (_, c) = assess(&truth, &obs, &options, 1.0, &NoProgress).expect("runs");
    let mut csv = String::from("station,hour,wait_min\n");
    for h in &c.groups[0].hours {
        let wait = if h.hour == 4 {
            last
        } else {
            h.simulated_wait_min.expect("waits")
        };
        csv.push_str(&format!("booth,{},{wait}\n", h.hour));
    }
    csv
}

/// Fits the service mean from 40 s to `observed`.
fn fit_mean(observed: &str, include_censored: bool) -> (f64, Calibration) {
    let start = stochastic("40s");
    let trace = stochastic_trace();
    let scenario = load(&start, &trace);
    let obs = parse_observations(observed, "observed.csv", &scenario).expect("valid");
    let mut spec = parse_fit(
        "[fit]\nmax_evaluations = 25\n[[parameter]]\npath = \"stations.booth.service.mean\"\n\
         min = \"20s\"\nmax = \"100s\"\n",
        "fit.toml",
        &start,
    )
    .expect("valid fit file");
    spec.include_censored = include_censored;
    let reader = |name: &str| -> Result<String, String> {
        (name == "booth.csv")
            .then(|| trace.clone())
            .ok_or_else(|| format!("no file {name}"))
    };
    let fitted = fit(
        &start,
        "censored.toml",
        &reader,
        &obs,
        &spec,
        &options(&scenario),
        &NoProgress,
    )
    .expect("fits");
    (fitted.report.parameters[0].value, fitted.report.after)
}

#[test]
fn a_fit_ignores_a_wrong_censored_hour() {
    // The last hour is censored at the start (40 s) as at the truth (60 s).
    let (right, after_right) = fit_mean(&stochastic_observed(30.0), false);
    let (wrong, after_wrong) = fit_mean(&stochastic_observed(600.0), false);
    // Left out: the fit cannot see the last hour's observed wait at all.
    assert_eq!(right, wrong);
    assert_eq!(after_right.objective, after_wrong.objective);
    assert_eq!(after_right.wait, after_wrong.wait);
    let last = &after_wrong.groups[0].hours[4];
    assert!(last.censored && last.excluded, "{last:?}");
    assert_eq!(after_wrong.censored_excluded, 1);
    // It finds the truth from the four complete hours.
    assert!((right - 60.0).abs() < 12.0, "fitted {right} s");
    // Counted, the wrong hour (600 min) drags the fit to slower service.
    let (dragged, after) = fit_mean(&stochastic_observed(600.0), true);
    assert!(after.include_censored && after.censored_excluded == 0);
    assert!(dragged > right + 10.0, "{dragged} against {right}");
}
