//! Calibration end to end on a synthetic crossing whose true parameters are known: its
//! simulated hourly waits and volumes stand in for observations, and the fit must find the
//! parameters again; the no-fit comparison reads exactly what a plain run reports; bad
//! observation files are refused with every problem located.

use bordersim_calibrate::{assess, fit, parse_fit, parse_observations};
use bordersim_experiment::{NoProgress, RunOptions, run_summary};
use bordersim_model::Scenario;

/// One booth line of two lane groups (general and a dedicated fast lane), Poisson arrivals
/// by hour; `general_mean` and `fast_mean` are the service means.
fn scenario_text(general_mean: &str, fast_mean: &str) -> String {
    format!(
        r#"
[scenario]
name = "synthetic"
horizon = "3d"
warmup = "1d"
replications = 4
seed = 1

[[directions]]
id = "inbound"

[[programmes]]
id = "fast"

[[classes]]
id = "car"
programmes = {{ none = 0.7, fast = 0.3 }}

[[stations]]
id = "booths"
direction = "inbound"
service = {{ dist = "exponential", mean = "{general_mean}" }}
service_by_programme = {{ fast = {{ dist = "exponential", mean = "{fast_mean}" }} }}
routes = [{{ to = "exit", p = 1 }}]

[[stations.lanes]]
id = "general"
serves = {{ programmes = ["none"] }}
servers = 2

[[stations.lanes]]
id = "fast"
serves = {{ programme = "fast" }}
servers = 1

[[sources]]
id = "cars"
class = "car"
entry = "booths"
profile = [40, 30, 30, 30, 60, 90, 110, 120, 110, 100, 100, 100,
           100, 100, 100, 110, 120, 110, 100, 90, 80, 70, 60, 50]
"#
    )
}

fn load(text: &str) -> Scenario {
    let reader = |_: &str| -> Result<String, String> { Err("no files".into()) };
    bordersim_config::parse_scenario_with(text, "synthetic.toml", &reader)
        .expect("valid")
        .scenario
}

fn options(seed: u64) -> RunOptions {
    RunOptions {
        replications: 4,
        seed,
        threads: Some(2),
    }
}

/// The hourly waits and volumes of the general and fast lanes of a run, as an observation
/// file.
fn observed_from(scenario: &Scenario, seed: u64) -> String {
    let report = run_summary(scenario, &options(seed)).expect("runs");
    let mut csv = String::from("station,lane_group,hour,wait_min,volume\n");
    for group in ["general", "fast"] {
        let row = report
            .hourly_group(scenario, "booths", Some(group), None, None)
            .expect("row");
        for h in &row.hours {
            csv.push_str(&format!(
                "booths,{group},{},{},{}\n",
                h.hour,
                h.wait_mean_s.expect("waits") / 60.0,
                h.throughput_per_h.expect("observed hour")
            ));
        }
    }
    csv
}

#[test]
fn the_fit_recovers_known_service_means() {
    // Truth: general 100 s (load about 0.7 at the peak), fast 90 s; observed on other
    // random numbers (seed 99) than the fit's (seed 1).
    let truth = load(&scenario_text("100s", "90s"));
    let observed = observed_from(&truth, 99);
    // The fit starts from 70 s and 60 s.
    let start = scenario_text("70s", "60s");
    let scenario = load(&start);
    let obs = parse_observations(&observed, "observed.csv", &scenario).expect("valid");
    let spec = parse_fit(
        r#"
[fit]
max_evaluations = 40
[[parameter]]
path = "stations.booths.service.mean"
min = "30s"
max = "150s"
[[parameter]]
path = "stations.booths.service_by_programme.fast.mean"
min = "30s"
max = "150s"
"#,
        "fit.toml",
        &start,
    )
    .expect("valid fit file");
    let reader = |_: &str| -> Result<String, String> { Err("no files".into()) };
    let fitted = fit(
        &start,
        "synthetic.toml",
        &reader,
        &obs,
        &spec,
        &options(1),
        &NoProgress,
    )
    .expect("fits");
    let r = &fitted.report;
    assert!(r.evaluations <= 40, "{}", r.evaluations);
    let general = r.parameters[0].value;
    let fast = r.parameters[1].value;
    // Within 10% of the truth (the observed waits carry their own sampling error).
    assert!(
        (general - 100.0).abs() < 10.0,
        "general {general} s: {r:#?}"
    );
    assert!((fast - 90.0).abs() < 9.0, "fast {fast} s: {r:#?}");
    assert!(!r.parameters.iter().any(|p| p.at_bound));
    assert!(
        r.after.objective < r.before.objective / 4.0,
        "{} {}",
        r.after.objective,
        r.before.objective
    );
    // The calibrated scenario, run, reproduces the fit's simulated values.
    let calibrated = load(&fitted.scenario_toml);
    let (_, again) = assess(
        &calibrated,
        &obs,
        &RunOptions::from_scenario(&calibrated),
        1.0,
        &NoProgress,
    )
    .expect("runs");
    assert_eq!(again, r.after);
    // Deterministic: the same fit again gives the same values.
    let twice = fit(
        &start,
        "synthetic.toml",
        &reader,
        &obs,
        &spec,
        &options(1),
        &NoProgress,
    )
    .expect("fits");
    assert_eq!(twice.report.parameters, r.parameters);
    assert_eq!(twice.scenario_toml, fitted.scenario_toml);
}

#[test]
fn the_comparison_reads_what_a_plain_run_reports() {
    let scenario = load(&scenario_text("100s", "90s"));
    let observed = observed_from(&scenario, 5);
    let obs = parse_observations(&observed, "observed.csv", &scenario).expect("valid");
    let (report, c) = assess(&scenario, &obs, &options(5), 1.0, &NoProgress).expect("runs");
    let plain = run_summary(&scenario, &options(5)).expect("runs");
    assert_eq!(report, plain);
    // Observed on the same random numbers: a perfect fit, every measure 0.
    for m in [c.wait, c.throughput] {
        let m = m.expect("pairs");
        assert_eq!(m.n, 48);
        assert!(m.rmse < 1e-9 && m.mean_bias.abs() < 1e-9, "{m:?}");
    }
    assert!(c.objective < 1e-12);
    for g in &c.groups {
        let row = plain
            .hourly_group(&scenario, &g.station, Some(&g.lane_group), None, None)
            .expect("row");
        for h in &g.hours {
            let s = &row.hours[usize::from(h.hour)];
            assert_eq!(h.simulated_wait_min, s.wait_mean_s.map(|x| x / 60.0));
            assert_eq!(h.simulated_throughput, s.throughput_per_h);
        }
    }
}

#[test]
fn bad_observation_files_are_refused_with_every_problem_located() {
    let scenario = load(&scenario_text("100s", "90s"));
    let cases: [(&str, &str); 9] = [
        (
            "station,hour,wait_min\nbooth,3,1\n",
            "obs.csv:2:1: row 1, column station: unknown station `booth` (did you mean `booths`?)",
        ),
        (
            "station,lane_group,hour,wait_min\nbooths,fats,3,1\n",
            "obs.csv:2:2: row 1, column lane_group: station `booths` has no lane group `fats` (did you mean `fast`?)",
        ),
        (
            "station,hour,wait_min\nbooths,24,1\n",
            "obs.csv:2:2: row 1, column hour: hour 24 is outside 0–23",
        ),
        (
            "station,hour,wait_min\nbooths,-1,1\n",
            "obs.csv:2:2: row 1, column hour: hour -1 is outside 0–23",
        ),
        (
            "station,hour,wait_min\nbooths,3.5,1\n",
            "obs.csv:2:2: row 1, column hour: `3.5` is not a whole hour 0–23",
        ),
        (
            "station,hour,wait_min\nbooths,3,-2\n",
            "obs.csv:2:3: row 1, column wait_min: `-2` is negative; a wait cannot be",
        ),
        (
            "station,hour,wait_min\nbooths,3,1\n# a comment\nbooths,3,2\n",
            "obs.csv:4:2: row 2, column hour: duplicate observation: row 1 has the same station, lane group, class, programme, day and hour (booths/all/all/all, hour 3)",
        ),
        (
            "station,hour,wait\nbooths,3,1\n",
            "obs.csv:1:3: unknown column `wait`",
        ),
        (
            "station,class,hour,wait_min\nbooths,truck,3,1\n",
            "obs.csv:2:2: row 1, column class: unknown class `truck`",
        ),
    ];
    for (text, expected) in cases {
        let e = parse_observations(text, "obs.csv", &scenario).expect_err(text);
        assert!(
            e.problems.iter().any(|p| p.starts_with(expected)),
            "{text:?}: {:?}",
            e.problems
        );
    }
    // A day repeats a key without a clash; every problem of a file comes at once.
    let two_days = "station,day,hour,wait_min\nbooths,tue,3,1\nbooths,wed,3,3\n";
    let ok = parse_observations(two_days, "obs.csv", &scenario).expect("valid");
    let groups = ok.by_group();
    let hours = groups.values().next().expect("one group");
    assert_eq!(hours[0].wait_min, Some(2.0));
    let many = "station,lane_group,hour,wait_min\nbooth,general,3,1\nbooths,fats,30,-1\n";
    let e = parse_observations(many, "obs.csv", &scenario).expect_err("bad");
    assert_eq!(e.problems.len(), 4, "{:?}", e.problems);
}
