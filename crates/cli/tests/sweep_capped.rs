//! A sweep point whose runs reach the crossing's cap on vehicles in it (`max_in_system`,
//! docs/sweeps.md): the point is reported unstable, with no figures, in the JSON, CSV,
//! table, standard error and page, while every other point completes as it would without
//! it; sharded and merged, the same bytes.

mod common;

use common::*;
use serde_json::Value;

/// The tiny crossing with room for 40 vehicles: one primary booth (70 vehicles an hour of
/// one minute each, 10 an hour more than it serves) passes 40 within the run's 10 hours;
/// two or three booths (offered load 7/12, 7/18 per server) never come near it.
fn capped_scenario() -> String {
    scenario_with("seed = 7\n", "seed = 7\nmax_in_system = 40\n")
}

/// Booths 1 to 3, compared with two booths; 3 replications in blocks of 2.
const PLAN: &str = r#"[sweep]
name = "capped"
scenario = "tiny.toml"
replications = 3
block = 2
seed = 11
baseline = { booths = 2 }

[[axis]]
name = "booths"
path = "stations.primary.servers"
range = [1, 3]
"#;

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

#[test]
fn a_point_at_the_vehicle_cap_is_unstable_and_the_others_complete() {
    let dir = scratch("sweep-capped");
    write(&dir, "tiny.toml", &capped_scenario());
    let plan = write(&dir, "plan.toml", PLAN);
    let plan = plan.to_str().unwrap();
    let out = succeeds(&["sweep", plan, "-f", "json"]);
    let result = json(&out.stdout);
    let points = result["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    let capped = &points[0];
    assert!(capped.get("report").is_none(), "no figures: {capped}");
    assert_eq!(capped["differences"], Value::Array(Vec::new()));
    let why = capped["unstable"].as_str().unwrap();
    // The first unit's first replication is the first stopped, in replication order.
    assert!(
        why.starts_with(
            "more than 40 vehicles in the crossing at once: replication 0 stopped at day 1, "
        ),
        "{why}"
    );
    assert!(
        out.stderr
            .contains("point p0000 (booths = 1) is unstable: more than 40")
    );
    assert!(!out.stderr.contains("point p0001") && !out.stderr.contains("point p0002"));
    // The other points are what a sweep of them alone gives: the capped point changes
    // nothing of theirs (their paired differences from the baseline point included).
    let alone = write(
        &dir,
        "alone.toml",
        &PLAN.replace("range = [1, 3]", "range = [2, 3]"),
    );
    let alone = json(&succeeds(&["sweep", alone.to_str().unwrap(), "-f", "json"]).stdout);
    // (Their reports are named after the point, whose id the capped point shifts.)
    for (k, a) in [(1, 0), (2, 1)] {
        assert!(points[k].get("unstable").is_none());
        let report = points[k]["report"].to_string().replace(
            &format!("\"capped p000{k}\""),
            &format!("\"capped p000{a}\""),
        );
        let expected = alone["points"][a]["report"].to_string();
        assert!(report == expected, "point {k}");
        assert!(points[k]["differences"] == alone["points"][a]["differences"]);
    }
    assert_eq!(points[1]["differences"][0]["delta"], 0.0);
    // CSV and table: the capped point has one row, the whole crossing's, without figures,
    // flagged; the others one per entity (the crossing and 2 stations), not flagged.
    for (format, sep) in [("csv", ','), ("table", '\t')] {
        let text = succeeds(&["sweep", plan, "-f", format]).stdout;
        let mut lines = text.lines();
        assert!(lines.next().unwrap().ends_with(&format!("{sep}unstable")));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(sep).collect()).collect();
        assert_eq!(rows.len(), 1 + 3 + 3, "{text}");
        assert_eq!(&rows[0][..4], ["p0000", "1", "system", "time_in_system"]);
        assert!(rows[0][4..12].iter().all(|c| c.is_empty()), "{text}");
        // (The reason's comma quotes it in the CSV.)
        let first = text.lines().nth(1).unwrap();
        assert!(
            first.ends_with("(max_in_system), so the point has no figures\"")
                || first.ends_with("(max_in_system), so the point has no figures"),
            "{first}"
        );
        assert!(
            rows[0][12]
                .trim_start_matches('"')
                .starts_with("more than 40 vehicles")
        );
        assert!(rows[1..].iter().all(|r| r.last() == Some(&"")), "{text}");
    }
    let page = dir.join("page.html");
    succeeds(&["sweep", plan, "-o", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<dt>unstable points</dt><dd>1</dd>"), "card");
    assert!(html.contains("Unstable: p0000 (more than 40 vehicles"));
    assert!(html.contains("has no figures"));
    assert!(html.contains(">unstable</th>"), "table column");
    // Sharded (3 shards over 6 units, the capped point's two units on different shards)
    // and merged: the sweep's bytes, in JSON and CSV, and its page.
    for (k, format) in ["json", "csv"].into_iter().enumerate() {
        let whole = succeeds(&["sweep", plan, "-f", format]).stdout;
        let merged = merged_shards(
            plan,
            dir.join(format!("out{k}")).to_str().unwrap(),
            3,
            format,
        );
        assert_eq!(merged, whole, "{format}");
    }
    let merged_page = dir.join("merged.html");
    succeeds(&[
        "merge",
        dir.join("out0").to_str().unwrap(),
        "-o",
        merged_page.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&merged_page).unwrap(), html);
    // Bad input is still refused before anything runs (exit 2).
    let bad = write(
        &dir,
        "bad.toml",
        &PLAN.replace("range = [1, 3]", "values = [1, 2, \"many\"]"),
    );
    let out = bordersim(["sweep", bad.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("axis[0].values[2]"), "{}", out.stderr);
}
