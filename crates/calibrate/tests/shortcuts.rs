//! The fit file's two shortcuts on a small synthetic crossing: `lanes_from_observed` writes
//! the observed open lanes into the lane group's `servers_by_hour` (hours not observed keep
//! theirs), and `demand` sets the source's 24-hour profile to the observed volumes (hours not
//! observed keep theirs; `rate` and `day_factors` go). Values exact by construction.

use bordersim_calibrate::{fit, parse_fit, parse_observations};
use bordersim_experiment::{NoProgress, RunOptions};
use toml::{Table, Value};

const SCENARIO: &str = r#"
[scenario]
name = "shortcuts"
horizon = "1d"
warmup = "0s"
replications = 2
seed = 1

[[directions]]
id = "inbound"

[[programmes]]
id = "fast"

[[classes]]
id = "car"

[[classes]]
id = "fast-car"
programmes = { fast = 1 }

[[stations]]
id = "booths"
direction = "inbound"
service = { dist = "exponential", mean = "60s" }
routes = [{ to = "exit", p = 1 }]

[[stations.lanes]]
id = "general"
serves = { programmes = ["none"] }
servers = 2

[[stations.lanes]]
id = "fast"
serves = { programme = "fast" }
servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                   1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]

[[sources]]
id = "cars"
class = "car"
entry = "booths"
rate = "40/h"

[[sources]]
id = "fast-cars"
class = "fast-car"
entry = "booths"
profile = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
           10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]
day_factors = [1, 1, 1, 1, 1, 1, 1]
"#;

const OBSERVED: &str = "station,lane_group,hour,wait_min,volume,open_lanes\n\
booths,general,7,2,55,3\n\
booths,general,8,3,70.5,4\n\
booths,fast,8,1,22,2\n\
booths,fast,17,1,18,\n";

fn calibrated(fit_file: &str) -> Table {
    let reader = |_: &str| -> Result<String, String> { Err("no files".into()) };
    let scenario = bordersim_config::parse_scenario_with(SCENARIO, "s.toml", &reader)
        .expect("valid")
        .scenario;
    let obs = parse_observations(OBSERVED, "observed.csv", &scenario).expect("valid");
    let spec = parse_fit(fit_file, "fit.toml", SCENARIO).expect("valid fit file");
    let options = RunOptions {
        replications: 2,
        seed: 1,
        threads: Some(1),
    };
    let fitted = fit(
        SCENARIO,
        "s.toml",
        &reader,
        &obs,
        &spec,
        &options,
        &NoProgress,
    )
    .expect("fits");
    toml::from_str(&fitted.scenario_toml).expect("TOML")
}

fn lane<'a>(doc: &'a Table, id: &str) -> &'a Table {
    doc["stations"].as_array().expect("stations")[0]["lanes"]
        .as_array()
        .expect("lanes")
        .iter()
        .find(|l| l["id"].as_str() == Some(id))
        .and_then(Value::as_table)
        .expect("lane group")
}

fn source<'a>(doc: &'a Table, id: &str) -> &'a Table {
    doc["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .and_then(Value::as_table)
        .expect("source")
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| {
            x.as_float()
                .or(x.as_integer().map(|i| i as f64))
                .expect("a number")
        })
        .collect()
}

#[test]
fn lanes_from_observed_writes_the_open_lanes_of_the_observed_hours() {
    let doc = calibrated("[shortcuts]\nlanes_from_observed = true\n");
    // General: `servers = 2` becomes a 24-hour list, 3 lanes at 07:00 and 4 at 08:00.
    let general = lane(&doc, "general");
    assert!(general.get("servers").is_none());
    let mut want = vec![2.0; 24];
    want[7] = 3.0;
    want[8] = 4.0;
    assert_eq!(numbers(&general["servers_by_hour"]), want);
    // Fast: its own list, 2 lanes at 08:00; 17:00 gives no open lanes and keeps its 1.
    let mut want = vec![1.0; 24];
    want[8] = 2.0;
    assert_eq!(numbers(&lane(&doc, "fast")["servers_by_hour"]), want);
    // The demand is untouched without the demand shortcut.
    assert_eq!(source(&doc, "cars")["rate"].as_str(), Some("40/h"));
}

#[test]
fn demand_sets_the_profile_to_the_observed_volumes() {
    let doc = calibrated(
        "[shortcuts]\ndemand = [\
         { source = \"cars\", station = \"booths\", lane_group = \"general\" },\
         { source = \"fast-cars\", station = \"booths\", lane_group = \"fast\" }]\n",
    );
    // A constant rate has no profile: hours not observed get 0, the observed ones their
    // volume; the rate goes.
    let cars = source(&doc, "cars");
    assert!(cars.get("rate").is_none());
    let mut want = vec![0.0; 24];
    want[7] = 55.0;
    want[8] = 70.5;
    assert_eq!(numbers(&cars["profile"]), want);
    // A profile keeps its unobserved hours; its day factors go.
    let fast = source(&doc, "fast-cars");
    assert!(fast.get("day_factors").is_none());
    let mut want = vec![10.0; 24];
    want[8] = 22.0;
    want[17] = 18.0;
    assert_eq!(numbers(&fast["profile"]), want);
    // The lanes are untouched without the lanes shortcut.
    assert_eq!(lane(&doc, "general")["servers"].as_integer(), Some(2));
}
