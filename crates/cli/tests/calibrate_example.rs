//! The bundled calibrated San Ysidro example, compared by `bordersim calibrate` with the
//! bundled observations, gives the fit measures its header records (within their rounding):
//! the header cannot drift from what the file does.

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
        ("general", "general", "23.38", "63.75", "78.0"),
        ("ready", "Ready", "43.34", "47.96", "53.4"),
        ("sentri", "SENTRI", "23.54", "22.00", "29.8"),
    ];
    let groups = c["groups"].as_array().expect("groups");
    for (group, label, sim, obs, rmse) in expected {
        assert!(
            header.contains(&format!("{label} {sim} / {obs}")),
            "the header records {label} {sim} / {obs}"
        );
        assert!(
            header.contains(&format!("{label} {rmse}")),
            "the header records {label}'s RMSE {rmse}"
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
    }
}
