//! `bordersim optimise-staffing`: a schedule found, written and reproduced by `compare`;
//! bad plans refused with a located error, exit 2, nothing run or written.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// One booth, 50 vehicles/h at 08:00 (above one lane's 30/h) and 5/h at 20:00.
const BOOTH: &str = r#"
[scenario]
name = "booth"
horizon = "2d"
warmup = "1d"
replications = 6
seed = 7

[[classes]]
id = "car"

[[stations]]
id = "booth"
servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
service = { dist = "exponential", mean = "2min" }

[[sources]]
id = "cars"
class = "car"
entry = "booth"
profile = [0, 0, 0, 0, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0]
"#;

const PLAN: &str = r#"[plan]
objective = "wait_mean_s"
entity = "station:booth"

[[groups]]
station = "booth"
budget_lane_hours_per_day = 25
min_lanes = 1
max_lanes = 2
"#;

fn commercial() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../configs/examples/commercial_truck_crossing.toml")
}

fn delta(differences: &Value) -> f64 {
    differences
        .as_array()
        .expect("differences")
        .iter()
        .find(|d| d["metric"] == "wait_mean_s" && d["entity"] == "station:booth")
        .expect("the objective's difference")["delta"]
        .as_f64()
        .expect("a delta")
}

#[test]
fn the_schedule_found_is_written_and_compare_reproduces_the_gain() {
    let dir = scratch("optimise-ok");
    let scenario = write(&dir, "booth.toml", BOOTH);
    let plan = write(&dir, "plan.toml", PLAN);
    let new = dir.join("new.toml");
    let out = bordersim([
        "optimise-staffing".as_ref(),
        scenario.as_os_str(),
        "--plan".as_ref(),
        plan.as_os_str(),
        "--output".as_ref(),
        new.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    let report: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let after = report["groups"][0]["after"].as_array().expect("after");
    assert_eq!(after[8], 2, "the movable lane goes to 08:00: {after:?}");
    assert_eq!(report["groups"][0]["lane_hours_per_day_after"], 25);
    assert_eq!(report["difference"]["significant"], true);
    let found = report["difference"]["delta"].as_f64().expect("delta");
    let compared = bordersim([
        "compare".as_ref(),
        scenario.as_os_str(),
        "--variant".as_ref(),
        new.as_os_str(),
        "--format".as_ref(),
        OsStr::new("json"),
    ]);
    assert_eq!(compared.code, 0, "{compared:#?}");
    let c: Value = serde_json::from_str(&compared.stdout).expect("JSON");
    assert_eq!(delta(&c["variants"][0]["differences"]), found);
}

/// Runs `optimise-staffing` of `scenario` with `plan`, which must be refused naming
/// `location` (`plan.toml:line:column: field`), with nothing written.
fn refused(test: &str, scenario: &Path, plan: &str, location: &str, message: &str) {
    let dir = scratch(test);
    let plan = write(&dir, "plan.toml", plan);
    let new = dir.join("new.toml");
    let out = bordersim([
        "optimise-staffing".as_ref(),
        scenario.as_os_str(),
        "--plan".as_ref(),
        plan.as_os_str(),
        "--output".as_ref(),
        new.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(out.stdout, "");
    let location = format!("{}:{location}", plan.display());
    assert!(
        out.stderr.contains(&location),
        "{location:?} in {}",
        out.stderr
    );
    assert!(
        out.stderr.contains(message),
        "{message:?} in {}",
        out.stderr
    );
    assert!(!new.exists(), "nothing written");
    assert_eq!(entries(&dir), vec!["plan.toml".to_owned()]);
}

const HEAD: &str =
    "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:nb-primary\"\n[[groups]]\n";

#[test]
fn a_budget_below_the_minimum_is_refused() {
    refused(
        "optimise-budget",
        &commercial(),
        &format!(
            "{HEAD}station = \"nb-primary\"\nlanes = \"general\"\nmin_lanes = 2\n\
             budget_lane_hours_per_day = 10\n"
        ),
        "8:29: groups[0].budget_lane_hours_per_day",
        // Two lanes in each of the 15 hours the port is open (its closed hours need none).
        "the budget of 10 lane-hours per day is below the 30 lane-hours the minimum lanes need",
    );
}

#[test]
fn shift_rules_no_schedule_satisfies_are_refused() {
    refused(
        "optimise-shifts",
        &commercial(),
        &format!(
            "{HEAD}station = \"nb-primary\"\nlanes = \"general\"\nnight_min_lanes = 2\n\
             shift_hours = 8\nshift_starts = [6, 8]\n"
        ),
        "9:16: groups[0].shift_starts",
        "no shift of 8 h starting at an allowed hour ([6, 8]) covers it",
    );
}

#[test]
fn unknown_stations_and_groups_are_refused() {
    refused(
        "optimise-station",
        &commercial(),
        &format!("{HEAD}station = \"nb-primry\"\nlanes = \"general\"\n"),
        "5:11: groups[0].station",
        "unknown station `nb-primry`",
    );
    refused(
        "optimise-group",
        &commercial(),
        &format!("{HEAD}station = \"nb-primary\"\nlanes = \"genral\"\n"),
        "6:9: groups[0].lanes",
        "station `nb-primary` has no lane group `genral`: its groups are general, fast",
    );
}
