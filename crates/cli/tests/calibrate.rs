//! `bordersim calibrate` as a user meets it: the model against observations equals a plain
//! run, a fit writes a calibrated scenario that `run` reproduces, and bad observation or
//! fit files exit 2 with located errors and write nothing.

mod common;

use std::fs;

use common::*;
use serde_json::Value;

/// Observations of the tiny crossing's primary station at hours 2–5 (the run's window).
const OBSERVED: &str = "# tiny crossing, made-up observations\n\
station,hour,wait_min,volume\n\
primary,2,1.5,65\n\
primary,3,2.0,72\n\
primary,4,1.0,70\n\
primary,5,1.2,68\n";

#[test]
fn without_a_fit_the_simulated_values_are_those_of_run() {
    let dir = scratch("calibrate-plain");
    let file = write(&dir, "s.toml", SCENARIO);
    let obs = write(&dir, "obs.csv", OBSERVED);
    let out = bordersim([
        "calibrate".as_ref(),
        file.as_os_str(),
        "--observed".as_ref(),
        obs.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    let c: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let run = json_of(&file, &[]);
    let row = run["hourly_groups"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["station"] == "primary" && r["lane_group"] == "all" && r["class"] == "all")
        .expect("the station's row");
    let hours = c["groups"][0]["hours"].as_array().expect("hours");
    assert_eq!(hours.len(), 4);
    for h in hours {
        let hour = h["hour"].as_u64().expect("hour") as usize;
        let s = &row["hours"][hour];
        assert_eq!(
            h["simulated_wait_min"].as_f64(),
            s["wait_mean_s"].as_f64().map(|x| x / 60.0)
        );
        assert_eq!(h["simulated_throughput"], s["throughput_per_h"]);
    }
    for m in ["rmse", "mae", "mean_bias", "theil_u", "mape_percent"] {
        assert!(c["wait"][m].is_number(), "{m}: {}", c["wait"]);
    }
    // The table and the CSV name the group and the measures.
    let table = bordersim([
        "calibrate".as_ref(),
        file.as_os_str(),
        "--observed".as_ref(),
        obs.as_os_str(),
    ]);
    assert_eq!(table.code, 0, "{table:#?}");
    for needle in ["primary/all/all/all", "RMSE", "Theil's U", "objective"] {
        assert!(table.stdout.contains(needle), "{needle}: {}", table.stdout);
    }
    let csv_out = dir.join("fit.csv");
    let csv = bordersim([
        "calibrate".as_ref(),
        file.as_os_str(),
        "--observed".as_ref(),
        obs.as_os_str(),
        "-o".as_ref(),
        csv_out.as_os_str(),
    ]);
    assert_eq!(csv.code, 0, "{csv:#?}");
    let text = fs::read_to_string(&csv_out).expect("written");
    assert!(
        text.starts_with("scenario,stage,entity_type,entity,statistic,value\n"),
        "{text}"
    );
    assert!(
        text.contains("tiny crossing,model,group,primary/all/all/all,wait_rmse,"),
        "{text}"
    );
}

#[test]
fn a_fit_writes_a_scenario_that_run_reproduces() {
    let dir = scratch("calibrate-fit");
    let file = write(&dir, "s.toml", SCENARIO);
    let obs = write(&dir, "obs.csv", OBSERVED);
    let fit = write(
        &dir,
        "fit.toml",
        "[fit]\nmax_evaluations = 8\n\n[[parameter]]\npath = \"stations.primary.service.mean\"\nmin = \"20s\"\nmax = \"90s\"\n",
    );
    let calibrated = dir.join("calibrated.toml");
    let out = bordersim([
        "calibrate".as_ref(),
        file.as_os_str(),
        "--observed".as_ref(),
        obs.as_os_str(),
        "--fit".as_ref(),
        fit.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--output".as_ref(),
        calibrated.as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    let c: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let f = &c["fit"];
    assert!(f["evaluations"].as_u64().expect("count") <= 8, "{f}");
    assert!(f["seconds_per_evaluation"].is_number(), "{f}");
    let value = f["parameters"][0]["value"].as_f64().expect("fitted");
    assert!((20.0..=90.0).contains(&value), "{value}");
    assert!(f["after"]["objective"].as_f64() <= f["before"]["objective"].as_f64());
    // `calibrate` of the calibrated scenario, without a fit, reports the fit's "after".
    let again = bordersim([
        "calibrate".as_ref(),
        calibrated.as_os_str(),
        "--observed".as_ref(),
        obs.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(again.code, 0, "{again:#?}");
    let again: Value = serde_json::from_str(&again.stdout).expect("JSON");
    assert_eq!(again["groups"], f["after"]["groups"]);
}

#[test]
fn bad_observation_and_fit_files_exit_2_and_write_nothing() {
    let dir = scratch("calibrate-bad");
    let file = write(&dir, "s.toml", SCENARIO);
    let out_path = dir.join("out.json");
    let scenario_out = dir.join("calibrated.toml");
    let good_fit = write(
        &dir,
        "fit.toml",
        "[[parameter]]\npath = \"stations.primary.service.mean\"\nmin = \"20s\"\nmax = \"90s\"\n",
    );
    for (name, text, needle) in [
        (
            "station.csv",
            "station,hour,wait_min\nprimry,3,1\n",
            "obs:2:1: row 1, column station: unknown station `primry` (did you mean `primary`?)",
        ),
        (
            "hour.csv",
            "station,hour,wait_min\nprimary,24,1\n",
            "obs:2:2: row 1, column hour: hour 24 is outside 0–23",
        ),
        (
            "negative.csv",
            "station,hour,wait_min\nprimary,3,-1\n",
            "obs:2:3: row 1, column wait_min: `-1` is negative",
        ),
        (
            "duplicate.csv",
            "station,hour,wait_min\nprimary,3,1\nprimary,3,2\n",
            "obs:3:2: row 2, column hour: duplicate observation: row 1",
        ),
        (
            "group.csv",
            "station,lane_group,hour,wait_min\nprimary,lans,3,1\n",
            "obs:2:2: row 1, column lane_group: station `primary` has no lane group `lans` (did you mean `lanes`?)",
        ),
    ] {
        let obs = write(&dir, name, text);
        for fit in [None, Some(&good_fit)] {
            let mut args = vec![
                "calibrate".as_ref(),
                file.as_os_str(),
                "--observed".as_ref(),
                obs.as_os_str(),
                "-o".as_ref(),
                out_path.as_os_str(),
            ];
            if let Some(f) = fit {
                args.truncate(4);
                args.extend([
                    "--fit".as_ref(),
                    f.as_os_str(),
                    "--output".as_ref(),
                    scenario_out.as_os_str(),
                ]);
            }
            let out = bordersim(&args);
            assert_eq!(out.code, 2, "{name}: {out:#?}");
            let expected = needle.replacen("obs", &obs.display().to_string(), 1);
            assert!(out.stderr.contains(&expected), "{name}: {}", out.stderr);
            assert!(
                !out_path.exists() && !scenario_out.exists(),
                "{name}: something was written"
            );
        }
    }
    let obs = write(&dir, "obs.csv", OBSERVED);
    let bad_fit = write(
        &dir,
        "bad_fit.toml",
        "[[parameter]]\npath = \"stations.primary.servce.mean\"\nmin = \"20s\"\nmax = \"90s\"\n",
    );
    let out = bordersim([
        "calibrate".as_ref(),
        file.as_os_str(),
        "--observed".as_ref(),
        obs.as_os_str(),
        "--fit".as_ref(),
        bad_fit.as_os_str(),
        "--output".as_ref(),
        scenario_out.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr
            .contains("field path: no `servce` at `stations.primary` (did you mean `service`?)"),
        "{}",
        out.stderr
    );
    assert!(!scenario_out.exists());
}

/// `calibrate --report` with `--fit`, twice: the page names what it must, and is the same
/// bytes both times (snapshot).
#[test]
fn the_calibration_page_shows_the_fit_and_is_deterministic() {
    let dir = scratch("calibrate-report");
    let file = write(&dir, "s.toml", SCENARIO);
    let obs = write(&dir, "obs.csv", OBSERVED);
    let fit = write(
        &dir,
        "fit.toml",
        "[fit]\nmax_evaluations = 4\n\n[[parameter]]\npath = \"stations.primary.service.mean\"\nmin = \"20s\"\nmax = \"90s\"\n",
    );
    let page = |name: &str| {
        let path = dir.join(name);
        let out = bordersim([
            "calibrate".as_ref(),
            file.as_os_str(),
            "--observed".as_ref(),
            obs.as_os_str(),
            "--fit".as_ref(),
            fit.as_os_str(),
            "--report".as_ref(),
            path.as_os_str(),
            "--quiet".as_ref(),
        ]);
        assert_eq!(out.code, 0, "{out:#?}");
        fs::read_to_string(&path).expect("the page")
    };
    let a = page("a.html");
    assert_eq!(a, page("b.html"));
    for needle in [
        "Fit measures",
        "Fitted values",
        "stations.primary.service.mean",
        "before the fit",
        "after the fit",
        "hour of arrival (h, 0–24)",
        "<details>",
    ] {
        assert!(a.contains(needle), "missing {needle}");
    }
    insta::assert_snapshot!("calibrate_report", a);
}
