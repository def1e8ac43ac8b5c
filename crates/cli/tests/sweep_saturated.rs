//! A sweep point with a saturated lane group beside idle dedicated lanes: the northbound
//! general primary booths of the commercial example at 2 by night and 4 by day (the first
//! point of `configs/sweeps/primary_hours.toml`) are busy all the time with waits of many
//! hours while the FAST booths idle and the station's load reads 0.82. The point is reported
//! unstable, naming the station and the lane group, in the JSON, CSV, table, standard error
//! and page; the next point (3 and 6 booths) is not.

mod common;

use common::*;
use serde_json::Value;

/// The first two points of `configs/sweeps/primary_hours.toml`, 2 replications each.
const PLAN: &str = r#"[sweep]
name = "Northbound general primary booths"
scenario = "commercial.toml"
replications = 2
seed = 1

[[axis]]
name = "daytime booths"
path = "stations.nb-primary.lanes.general.servers_by_hour"
values = [
    [2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 2],
    [3, 3, 3, 3, 3, 3, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 3, 3],
]
"#;

/// Where the saturated point's reason starts.
const REASON: &str = "lane group `general` of station `nb-primary` busy 99.";

fn ok(args: &[&str]) -> Outcome {
    let out = bordersim(args);
    assert_eq!(out.code, 0, "{args:?}: {out:#?}");
    out
}

#[test]
fn a_lane_group_saturated_beside_idle_fast_booths_makes_its_point_unstable() {
    let dir = scratch("sweep-saturated");
    let commercial = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../configs/examples/commercial_truck_crossing.toml"
    ))
    .expect("the commercial example");
    write(&dir, "commercial.toml", &commercial);
    let plan = write(&dir, "plan.toml", PLAN);
    let plan = plan.to_str().unwrap();
    let out = ok(&["sweep", plan, "-f", "json"]);
    let result: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let points = result["points"].as_array().unwrap();
    let station = |p: &Value| {
        p["report"]["stations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "nb-primary")
            .cloned()
            .unwrap()
    };
    // What the station-level test missed: a load below 1 on the station, its general
    // group busy all the time, hours of waiting.
    let primary = station(&points[0]);
    assert!(primary["offered_load"].as_f64().unwrap() < 0.9, "{primary}");
    let general = &primary["lane_groups"][0];
    assert_eq!(general["id"], "general");
    assert!(
        general["utilization"].as_f64().unwrap() >= 0.99,
        "{general}"
    );
    assert!(primary["wait"]["mean_s"].as_f64().unwrap() > 10.0 * 3600.0);
    let why = points[0]["unstable"].as_str().expect("p0000 is unstable");
    assert!(why.starts_with(REASON), "{why}");
    assert!(why.contains("of its staffed time"), "{why}");
    assert!(!why.contains("`fast`"), "the FAST booths idle: {why}");
    assert!(points[1].get("unstable").is_none(), "{}", points[1]);
    let next = station(&points[1]);
    assert!(next["lane_groups"][0]["utilization"].as_f64().unwrap() < 0.9);
    assert!(
        out.stderr.contains("point p0000 (daytime booths = "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(&format!("is unstable: {REASON}")));
    assert!(!out.stderr.contains("point p0001"), "{}", out.stderr);
    // CSV and table: every row of the first point ends with its reason, none of the next.
    for (format, sep) in [("csv", ','), ("table", '\t')] {
        let text = ok(&["sweep", plan, "-f", format]).stdout;
        let mut lines = text.lines();
        assert!(lines.next().unwrap().ends_with(&format!("{sep}unstable")));
        let rows: Vec<&str> = lines.collect();
        let (first, second): (Vec<&str>, Vec<&str>) =
            rows.iter().partition(|r| r.starts_with("p0000"));
        assert!(!first.is_empty() && !second.is_empty(), "{text}");
        for row in first {
            assert!(row.contains(REASON), "{format}: {row}");
        }
        for row in second {
            assert!(row.ends_with(sep), "{format}: {row}");
        }
    }
    let page = dir.join("page.html");
    ok(&["sweep", plan, "-o", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<dt>unstable points</dt><dd>1</dd>"), "card");
    assert!(
        html.contains(&format!("Unstable: p0000 ({REASON}")),
        "the page names the group"
    );
}
