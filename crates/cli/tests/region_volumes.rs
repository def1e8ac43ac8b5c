//! The bundled San Diego - Tijuana region against the truck volumes its files cite: the
//! equilibrium of `bordersim region` (the file's own replications and seed) assigns each
//! crossing what its header says, within ±20% of the figures it is checked against.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// Trucks a day the equilibrium assigns to `crossing` in `direction` (`mx_to_us` …).
fn volume(json: &Value, crossing: &str, direction: &str) -> f64 {
    json["flows"]
        .as_array()
        .expect("flows")
        .iter()
        .find(|f| f["crossing"] == crossing && f["direction"] == direction)
        .and_then(|f| f["volume_per_day"].as_f64())
        .unwrap_or_else(|| panic!("no flow {crossing} {direction}"))
}

#[test]
fn tecate_and_otay_mesa_carry_their_observed_northbound_trucks() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/regions/san_diego_tijuana.toml");
    let json: Value = serde_json::from_str(&run_ok(&[
        "region".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]))
    .expect("one JSON document");
    assert_eq!(json["converged"], true);
    // Tecate: ~250 northbound trucks a day (crossings/tecate.toml). With its cargo hours
    // (08:00-16:00) and the observed hours of travel the equilibrium gives 282 (seed 1);
    // all day open and on the morning-peak shape it gave ~620.
    let tecate = volume(&json, "tecate", "mx_to_us");
    assert!(
        (200.0..=300.0).contains(&tecate),
        "Tecate northbound {tecate:.0} a day, observed ~250"
    );
    // Otay Mesa: 3,490 trucks processed northbound on a 2017 weekday (SANDAG's observed
    // data in configs/observed/); the equilibrium gives 3,544.
    let otay = volume(&json, "otay_mesa", "mx_to_us");
    assert!(
        (0.8 * 3490.0..=1.2 * 3490.0).contains(&otay),
        "Otay Mesa northbound {otay:.0} a day, observed 3,490"
    );
    // Tecate's share stays a small port's: under a tenth of the northbound trucks.
    let north: f64 = ["otay_mesa", "tecate", "otay_mesa_east"]
        .iter()
        .map(|c| volume(&json, c, "mx_to_us"))
        .sum();
    assert!(tecate / north < 0.1, "{tecate} of {north}");
}

/// The region's demand is 2017 weekday volumes, and its crossing files say trucks cross on
/// weekdays (Saturday and Sunday 0): a year is 365 × 5/7 = 260.71 such days at every
/// crossing and in the region, not 365.
#[test]
fn the_region_is_annualised_over_its_weekdays_not_365_days() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/regions/san_diego_tijuana.toml");
    let json: Value = serde_json::from_str(&run_ok(&[
        "region".as_ref(),
        file.as_os_str(),
        "-r".as_ref(),
        "1".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]))
    .expect("one JSON document");
    let weekdays = 365.0 * 5.0 / 7.0;
    let costs = &json["costs"];
    let close = |a: f64, b: f64| assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} {b}");
    close(
        costs["annualisation_days"].as_f64().expect("days"),
        weekdays,
    );
    let rows = costs["by_crossing"].as_array().expect("rows");
    assert_eq!(rows.len(), 6);
    let mut year = 0.0;
    for row in rows {
        close(row["annualisation_days"].as_f64().expect("days"), weekdays);
        let day = row["resource_cost_per_day"].as_f64().expect("day");
        close(
            row["resource_cost_per_year"].as_f64().expect("year"),
            day * weekdays,
        );
        year += day * weekdays;
    }
    close(
        costs["resource_cost_per_year"].as_f64().expect("year"),
        year,
    );
}
