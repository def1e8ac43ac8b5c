//! The bundled calibrated San Ysidro example, compared by `bordersim calibrate` with the
//! bundled observations, gives the fit measures its header records (within their rounding):
//! the header cannot drift from what the file does; and the fit meets its targets: daily
//! mean wait of each lane type within 5% of the observed, hourly waits of general and Ready
//! within an RMSE of 15% of their mean observed wait, and their hourly throughput within 5%
//! of the observed volume in every hour.

mod common;

use std::fs;
use std::path::PathBuf;

use common::*;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_san_ysidro_example_reproduces_the_fit_in_its_header() {
    let scenario = repo().join("configs/examples/san_ysidro_passenger.toml");
    let observed = repo().join("configs/observed/san_ysidro_2017_northbound.csv");
    let header = fs::read_to_string(&scenario).expect("the example");
    let out = bordersim([
        "calibrate".as_ref(),
        scenario.as_os_str(),
        "--observed".as_ref(),
        observed.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    let c: Value = serde_json::from_str(&out.stdout).expect("JSON");
    // (lane group, the header's label, simulated daily mean wait, observed one, hourly RMSE
    // in % of the observed mean): the header's figures, to its rounding.
    let expected = [
        ("general", "general", "64.62", "63.75", "3.9"),
        ("ready", "Ready", "48.47", "47.96", "4.4"),
        ("sentri", "SENTRI", "22.83", "22.00", "22.8"),
    ];
    let groups = c["groups"].as_array().expect("groups");
    for (group, label, sim, obs, rmse) in expected {
        let line = format!("#   {label} {sim} / {obs} min");
        let recorded = header
            .lines()
            .find(|l| l.starts_with(&line))
            .unwrap_or_else(|| panic!("the header records {line}"));
        assert!(
            recorded.ends_with(&format!("RMSE {rmse}%")),
            "the header records {label}'s RMSE {rmse}: {recorded}"
        );
        let g = groups
            .iter()
            .find(|g| g["lane_group"] == group)
            .unwrap_or_else(|| panic!("group {group}"));
        let w = &g["wait"];
        let f = |k: &str| w[k].as_f64().unwrap_or_else(|| panic!("{group} {k}"));
        assert_eq!(format!("{:.2}", f("simulated_mean")), sim, "{group}");
        assert_eq!(format!("{:.2}", f("observed_mean")), obs, "{group}");
        assert_eq!(
            format!("{:.1}", 100.0 * f("rmse_relative")),
            rmse,
            "{group}"
        );
        // The targets.
        let daily = f("simulated_mean") / f("observed_mean") - 1.0;
        assert!(daily.abs() <= 0.05, "{group}: daily mean off by {daily}");
        if group != "sentri" {
            assert!(f("rmse_relative") <= 0.15, "{group}");
            for h in g["hours"].as_array().expect("hours") {
                let (s, o) = (
                    h["simulated_throughput"].as_f64().expect("simulated"),
                    h["observed_volume"].as_f64().expect("observed"),
                );
                assert!(
                    (s / o - 1.0).abs() <= 0.05,
                    "{group} hour {}: {s} / {o}",
                    h["hour"]
                );
            }
        }
    }
}
