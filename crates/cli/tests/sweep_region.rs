//! `bordersim sweep` of a plan whose base is a region (docs/sweeps.md): a point is one
//! equilibrium over all its replications, so its unit is the whole point; sharded runs
//! merge into the unsharded sweep byte for byte, and the region plan's own mistakes are
//! refused at their place in the plan.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

/// Two crossings, `x` and `y`, of the same scenario; `x` is a little nearer.
const REGION: &str = r#"[region]
name = "two crossings"
sides = ["mx", "us"]
replications = 2

[[zones]]
id = "tijuana"
side = "mx"
travel = { x = "20min", y = "25min" }

[[zones]]
id = "san_diego"
side = "us"
travel = { x = "10min", y = "10min" }

[[classes]]
id = "truck"

[[crossings]]
id = "x"
file = "crossing.toml"
directions = { mx = "northbound" }

[[crossings]]
id = "y"
file = "crossing.toml"
directions = { mx = "northbound" }

[[demand]]
from = "tijuana"
to = "san_diego"
class = "truck"
vehicles_per_day = 600
"#;

/// `x`'s service slower (`study` writes `y`'s too, as `slow_y.toml`).
const SLOW_X: &str = r#"[policy]
name = "slow x"
crossing = "x"

[[override]]
path = "stations.primary.service"
value = { dist = "exponential", mean = "3min" }
"#;

/// Booths at `x` 1 to 2 × demand as given or 1.5 times × `x` slowed or not: 8 points.
const PLAN: &str = r#"[sweep]
name = "two crossings"
region = "region.toml"
replications = 2
seed = 5

[[axis]]
name = "x booths"
crossing = "x"
path = "stations.primary.servers"
range = [1, 2]

[[axis]]
name = "growth"
demand = [1.0, 1.5]

[[axis]]
name = "slow x"
policy = ["none", "slow_x.toml"]
"#;

fn study(dir: &Path) -> String {
    region_files(dir, REGION);
    write(dir, "slow_x.toml", SLOW_X);
    write(dir, "slow_y.toml", &SLOW_X.replace("\"x\"", "\"y\""));
    write(dir, "plan.toml", PLAN).display().to_string()
}

fn ok(args: &[&str]) -> String {
    succeeds(args).stdout
}

/// The value of `metric` of `entity` at `point` in the sweep's JSON.
fn value(json: &Value, point: usize, entity: &str, metric: &str) -> f64 {
    json["points"][point]["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["entity"] == entity && m["metric"] == metric)
        .and_then(|m| m["value"].as_f64())
        .unwrap_or_else(|| panic!("{entity} {metric} at point {point}"))
}

#[test]
fn a_region_sweep_lists_its_points_and_merges_byte_for_byte_from_2_and_3_shards() {
    let dir = scratch("sweep-region");
    let plan = study(&dir);
    let list = ok(&["sweep", &plan, "--list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 9, "{list}");
    assert_eq!(
        lines[0],
        "unit\tpoint\treplications\tseed\tx booths\tgrowth\tslow x"
    );
    // A unit is a whole point, with all its replications.
    assert_eq!(
        lines[8],
        "p0007-r00000-00001\tp0007\t0..2\t5\t2\t1.5\tslow_x.toml"
    );

    let csv = ok(&["sweep", &plan, "-f", "csv"]);
    let json = ok(&["sweep", &plan, "-f", "json"]);
    assert!(
        csv.starts_with(
            "point,x booths,growth,slow x,entity,metric,value,ci95,delta,unit,unstable\n"
        ),
        "{csv}"
    );
    for count in [2, 3] {
        let out = dir.join(format!("shards-{count}")).display().to_string();
        assert_eq!(
            merged_shards(&plan, &out, count, "csv"),
            csv,
            "{count} shards"
        );
        assert_eq!(ok(&["merge", &out, "-f", "json"]), json, "{count} shards");
    }
    // Unsharded into a directory: every point written, then merged.
    let here = dir.join("here").display().to_string();
    assert_eq!(ok(&["sweep", &plan, "--out-dir", &here, "-f", "csv"]), csv);
    assert_eq!(
        fs::read_dir(dir.join("here/units")).expect("units").count(),
        8
    );

    let json: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(json["baseline"], "p0000");
    assert_eq!(json["axes"][0]["kind"], "override");
    assert_eq!(json["points"][0]["region"]["region"], "two crossings");
    let volume = |p, c: &str| {
        value(
            &json,
            p,
            &format!("flow:{c}:mx_to_us:truck"),
            "volume_per_day",
        )
    };
    let share = |p, c: &str| value(&json, p, &format!("flow:{c}:mx_to_us:truck"), "share");
    for p in 0..8 {
        // Shares of the one flow over the two crossings make 1.
        assert!(
            (share(p, "x") + share(p, "y") - 1.0).abs() < 1e-12,
            "point {p}"
        );
    }
    // A second booth at x draws traffic to x (p0004 against p0000, the same demand).
    assert!(volume(4, "x") > volume(0, "x"));
    // Slowing x draws traffic away from x (p0001 against p0000).
    assert!(volume(1, "x") < volume(0, "x"));
    // 1.5 times the demand: more vehicles in all (p0002 against p0000).
    assert!(volume(2, "x") + volume(2, "y") > volume(0, "x") + volume(0, "y"));
    // The baseline's changes are 0; another point's are its value less the baseline's.
    let measures = |p: usize| json["points"][p]["measures"].as_array().expect("m").clone();
    assert!(
        measures(0)
            .iter()
            .all(|m| m["delta"] == 0.0 || m["delta"].is_null())
    );
    let x1 = measures(4)
        .into_iter()
        .find(|m| m["entity"] == "flow:x:mx_to_us:truck" && m["metric"] == "volume_per_day")
        .expect("x volume");
    assert_eq!(x1["delta"].as_f64(), Some(volume(4, "x") - volume(0, "x")));
    // Border times come with their interval over the replications.
    let bt = measures(0)
        .into_iter()
        .find(|m| m["entity"] == "flow:x:mx_to_us:truck" && m["metric"] == "border_time_mean_s")
        .expect("x border time");
    assert!(bt["ci95"].as_f64().is_some_and(|c| c > 0.0), "{bt}");
}

/// Asserts `bordersim sweep PLAN` of `plan_text` (beside the region's files) exits 2 with
/// each of `needles` on standard error.
fn refused(name: &str, plan_text: &str, extra: &[&str], needles: &[&str]) {
    let dir = scratch(name);
    study(&dir);
    let plan = write(&dir, "bad.toml", plan_text).display().to_string();
    let mut args = vec!["sweep", plan.as_str()];
    args.extend_from_slice(extra);
    let out = bordersim(&args);
    assert_eq!(out.code, 2, "{name}: {out:#?}");
    for n in needles {
        assert!(out.stderr.contains(n), "{name}: {n} not in {}", out.stderr);
    }
}

#[test]
fn a_region_plans_mistakes_are_refused_at_their_place() {
    let head = "[sweep]\nname = \"r\"\nregion = \"region.toml\"\nreplications = 2\n";
    refused(
        "region-and-scenario",
        &format!("{head}scenario = \"crossing.toml\"\n"),
        &[],
        &[
            "bad.toml:3:",
            "sweep.region",
            "a base region and a base scenario",
        ],
    );
    refused(
        "region-block",
        &format!("{head}block = 1\n"),
        &[],
        &["bad.toml:5:", "sweep.block", "leave out `block`"],
    );
    refused(
        "region-outputs",
        &format!("{head}outputs = [\"wait\"]\n"),
        &[],
        &["sweep.outputs", "the region's measures"],
    );
    refused(
        "region-no-crossing",
        &format!(
            "{head}\n[[axis]]\nname = \"a\"\npath = \"stations.primary.servers\"\nvalues = [1]\n"
        ),
        &[],
        &["bad.toml:6:", "axis[0].crossing", "crossing = \"id\""],
    );
    refused(
        "region-path-and-crossing",
        &format!(
            "{head}\n[[axis]]\nname = \"a\"\ncrossing = \"x\"\npath = \"crossings.y.stations.primary.servers\"\nvalues = [1]\n"
        ),
        &[],
        &[
            "bad.toml:9:",
            "axis[0].path",
            "names its crossing and so does `crossing`",
        ],
    );
    refused(
        "region-axis-and-region",
        &format!("{head}\n[[axis]]\nname = \"a\"\nregion = [\"region.toml\"]\n"),
        &[],
        &[
            "bad.toml:8:",
            "axis[0].region",
            "in [sweep] and in an axis of region files",
        ],
    );
    refused(
        "region-two-region-axes",
        "[sweep]\nname = \"r\"\nreplications = 2\n\n[[axis]]\nname = \"a\"\nregion = [\"region.toml\"]\n\n[[axis]]\nname = \"b\"\nregion = [\"region.toml\"]\n",
        &[],
        &[
            "bad.toml:11:",
            "axis[1].region",
            "a second axis of region files",
        ],
    );
    refused(
        "region-unknown-crossing",
        &format!(
            "{head}\n[[axis]]\nname = \"a\"\ncrossing = \"z\"\npath = \"stations.primary.servers\"\nvalues = [1]\n"
        ),
        &[],
        &["unknown crossing `z`"],
    );
    refused(
        "region-bad-value",
        &format!(
            "{head}\n[[axis]]\nname = \"a\"\ncrossing = \"x\"\npath = \"stations.primary.servers\"\nvalues = [1, \"many\"]\n"
        ),
        &[],
        &["bad.toml:10:", "axis[0].values[1]", "point p0001"],
    );
    refused(
        "region-unknown-class",
        &format!("{head}\n[[axis]]\nname = \"a\"\ndemand = [1.0]\nclass = \"truk\"\n"),
        &[],
        &[
            "bad.toml:9:",
            "axis[0].class",
            "no class `truk`",
            "did you mean `truck`",
        ],
    );
    refused(
        "region-unknown-crossing-in-path",
        &format!(
            "{head}\n[[axis]]\nname = \"a\"\npath = \"crossings.z.stations.primary.servers\"\nvalues = [1]\n"
        ),
        &[],
        &["unknown crossing `z`", "did you mean"],
    );
    refused(
        "region-crossing-in-scenario-plan",
        "[sweep]\nname = \"s\"\nscenario = \"crossing.toml\"\nreplications = 1\n\n[[axis]]\nname = \"a\"\ncrossing = \"x\"\npath = \"stations.primary.servers\"\nvalues = [1]\n",
        &[],
        &[
            "bad.toml:8:",
            "axis[0].crossing",
            "the plan's base is a scenario",
        ],
    );
    refused(
        "region-shard-page",
        PLAN,
        &[
            "--out-dir",
            "shard-out",
            "--shard-index",
            "0",
            "--shard-count",
            "2",
            "--report",
            "page.html",
        ],
        &["a shard", "bordersim merge DIR"],
    );
}

#[test]
fn a_region_sweeps_page_draws_its_measures_and_merge_draws_the_same() {
    let dir = scratch("sweep-region-page");
    let plan = study(&dir);
    let page = dir.join("page.html");
    let csv = dir.join("sweep.csv");
    ok(&[
        "sweep",
        &plan,
        "-o",
        &csv.display().to_string(),
        "--report",
        &page.display().to_string(),
    ]);
    let html = fs::read_to_string(&page).expect("page");
    let out = dir.join("out").display().to_string();
    merged_shards(&plan, &out, 3, "csv");
    let merged = dir.join("merged.html");
    ok(&["merge", &out, "-o", &merged.display().to_string()]);
    assert!(
        fs::read_to_string(&merged).expect("merged page") == html,
        "the merged page differs from the sweep's"
    );
    assert!(html.starts_with("<!DOCTYPE html>\n") && html.ends_with("</html>\n"));
    for banned in ["<script", "<link", "url(", "https:"] {
        assert!(!html.contains(banned), "{banned}");
    }
    for id in [
        "sweep-summary",
        "response-curves",
        "points",
        "curve-x-booths-border-time-mean-s-flow-x-mx-to-us-truck-mean",
        "curve-growth-volume-per-day-flow-y-mx-to-us-truck-mean",
        "curve-slow-x-share-flow-x-mx-to-us-truck-mean",
        "curve-growth-balance-per-day-side-us-mean",
        "curve-x-booths-trade-per-day-region-mean",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    // Three axes × (border time, volume and share of the flow at each of 2 crossings, the
    // balance of each of 2 sides, the region's trade).
    let figures: Vec<&str> = html.split("<figure class=\"plot\"").skip(1).collect();
    assert_eq!(figures.len(), 3 * (3 * 2 + 2 + 1));
    for f in &figures {
        let f = &f[..f.find("</figure>").expect("figure end")];
        assert_eq!(f.matches("<svg").count(), 1);
        for title in f.split("class=\"axis-title\"").skip(1) {
            let text = &title[title.find('>').expect(">") + 1..title.find("</text>").expect("<")];
            assert!(
                text.contains('(') && text.ends_with(')'),
                "unit in '{text}'"
            );
        }
        assert!(f.contains("<figcaption>") && f.contains("replications a point"));
        assert!(f.contains("<details>") && f.contains("<table>"));
    }
    // The border time is drawn with its interval band (numeric axis) and the table holds
    // every point × measure of the CSV.
    assert!(html.contains("Mean border time, x, mx_to_us, truck (min)"));
    assert!(html.contains("class=\"band\""));
    let rows = fs::read_to_string(&csv).expect("csv").lines().count() - 1;
    let table = &html[html.find("id=\"points\"").expect("points")..];
    assert_eq!(
        table.matches("<tr>").count() + table.matches("<tr class").count(),
        1 + rows
    );
    insta::assert_snapshot!("report_region_sweep", html);
}

/// Demand as given, 6 times (150 trucks an hour for two crossings serving 60 an hour each)
/// and 1.5 times, with room for 60 vehicles in each crossing.
const CAPPED_PLAN: &str = r#"[sweep]
name = "capped region"
region = "region.toml"
replications = 2
seed = 5

[[axis]]
name = "growth"
demand = [1.0, 6.0, 1.5]
"#;

#[test]
fn a_region_point_at_a_crossings_vehicle_cap_is_unstable_and_the_others_complete() {
    let dir = scratch("sweep-region-capped");
    study(&dir);
    write(
        &dir,
        "crossing.toml",
        &REGION_CROSSING.replace(
            "horizon = \"1d\"\n",
            "horizon = \"1d\"\nmax_in_system = 60\n",
        ),
    );
    let plan = write(&dir, "capped.toml", CAPPED_PLAN);
    let plan = plan.to_str().unwrap();
    let out = bordersim(["sweep", plan, "-f", "json"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stderr
            .contains("point p0001 (growth = 6) is unstable: crossing `"),
        "{}",
        out.stderr
    );
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    let capped = &json["points"][1];
    assert!(capped.get("region").is_none());
    let why = capped["unstable"].as_str().unwrap();
    assert!(
        why.contains(
            ": more than 60 vehicles in the crossing at once: replication 0 stopped at day 1, "
        ),
        "{why}"
    );
    // Its rows line up with the others', without values.
    let measures = capped["measures"].as_array().unwrap();
    assert_eq!(
        measures.len(),
        json["points"][0]["measures"].as_array().unwrap().len()
    );
    assert!(
        measures
            .iter()
            .all(|m| m["value"].is_null() && m["delta"].is_null())
    );
    // The other points are as a sweep of them alone gives them.
    let alone = write(
        &dir,
        "alone.toml",
        &CAPPED_PLAN.replace("[1.0, 6.0, 1.5]", "[1.0, 1.5]"),
    );
    let alone: Value =
        serde_json::from_str(&ok(&["sweep", alone.to_str().unwrap(), "-f", "json"])).unwrap();
    for (k, a) in [(0, 0), (2, 1)] {
        assert!(json["points"][k].get("unstable").is_none());
        assert!(
            json["points"][k]["measures"] == alone["points"][a]["measures"],
            "point {k}"
        );
    }
    let csv = ok(&["sweep", plan, "-f", "csv"]);
    assert!(csv.lines().next().unwrap().ends_with(",unit,unstable"));
    for line in csv.lines().skip(1) {
        assert_eq!(
            line.starts_with("p0001,"),
            line.contains("more than 60 vehicles"),
            "{line}"
        );
    }
    // Two shards merged: the sweep's bytes; the page marks the point.
    let out_dir = dir.join("out");
    assert_eq!(
        merged_shards(plan, out_dir.to_str().unwrap(), 2, "csv"),
        csv
    );
    assert_eq!(
        ok(&["merge", out_dir.to_str().unwrap(), "-f", "json"]),
        out.stdout
    );
    let page = dir.join("page.html");
    ok(&["sweep", plan, "-o", page.to_str().unwrap()]);
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("<dt>unstable points</dt><dd>1</dd>"));
    assert!(html.contains("Unstable: p0001 (crossing"));
    assert!(html.contains(">unstable</th>"));
}

/// `x` with 2 booths and then 3, `y` with 2 booths and then 1 and slowed (its policy file
/// and an override of it at one point), zipped: the second point changes both crossings.
const TWO_CROSSINGS: &str = r#"[sweep]
name = "both"
region = "region.toml"
replications = 2
seed = 5
combine = "zip"

[[axis]]
name = "x booths"
path = "crossings.x.stations.primary.servers"
values = [2, 3]

[[axis]]
name = "y booths"
crossing = "y"
path = "stations.primary.servers"
values = [2, 1]

[[axis]]
name = "slow y"
policy = ["none", "slow_y.toml"]
"#;

/// `region.toml` with `x` given 3 booths and `y` 1 booth of 3 minutes, by hand: the region
/// file `edited.toml`.
fn edited_by_hand(dir: &Path) -> String {
    let x = REGION_CROSSING.replace("servers = 2", "servers = 3");
    let y = REGION_CROSSING
        .replace("servers = 2", "servers = 1")
        .replace("mean = \"2min\"", "mean = \"3min\"");
    assert!(x != REGION_CROSSING && y.contains("mean = \"3min\"") && y.contains("servers = 1"));
    write(dir, "x3.toml", &x);
    write(dir, "y1.toml", &y);
    let region = REGION
        .replacen("file = \"crossing.toml\"", "file = \"x3.toml\"", 1)
        .replacen("file = \"crossing.toml\"", "file = \"y1.toml\"", 1);
    write(dir, "edited.toml", &region).display().to_string()
}

/// `bordersim region FILE -r 2 -s 5` as JSON.
fn plain_region(file: &str) -> Value {
    serde_json::from_str(&ok(&["region", file, "-r", "2", "-s", "5", "-f", "json"])).unwrap()
}

/// What a region's equilibrium gives: its flows, trade and iterations.
fn equilibrium(region: &Value) -> [&Value; 3] {
    [&region["flows"], &region["trade"], &region["iterations"]]
}

#[test]
fn a_point_changing_two_crossings_is_the_region_with_both_edits_made_by_hand() {
    let dir = scratch("sweep-region-two-crossings");
    study(&dir);
    let plan = write(&dir, "both.toml", TWO_CROSSINGS)
        .display()
        .to_string();
    let json: Value = serde_json::from_str(&ok(&["sweep", &plan, "-f", "json"])).unwrap();
    let by_hand = plain_region(&edited_by_hand(&dir));
    let base = plain_region(&dir.join("region.toml").display().to_string());
    assert!(equilibrium(&json["points"][0]["region"]) == equilibrium(&base));
    assert!(equilibrium(&json["points"][1]["region"]) == equilibrium(&by_hand));
    assert!(equilibrium(&by_hand) != equilibrium(&base));
    // Volumes and shares carry the intervals `bordersim region` gives them.
    for p in json["points"].as_array().unwrap() {
        for f in p["region"]["flows"].as_array().unwrap() {
            let entity = format!(
                "flow:{}:{}:{}",
                f["crossing"].as_str().unwrap(),
                f["direction"].as_str().unwrap(),
                f["class"].as_str().unwrap()
            );
            for (metric, field) in [
                ("volume_per_day", "volume_per_day_ci95"),
                ("share", "share_ci95"),
            ] {
                let m = p["measures"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["entity"] == entity.as_str() && m["metric"] == metric)
                    .unwrap();
                assert!(f[field].as_f64().is_some(), "{entity} {field}");
                assert_eq!(m["ci95"], f[field], "{entity} {metric}");
            }
        }
    }
    // Sharded and merged: the sweep's bytes.
    let out = dir.join("out").display().to_string();
    assert_eq!(
        merged_shards(&plan, &out, 2, "json"),
        ok(&["sweep", &plan, "-f", "json"])
    );
}

#[test]
fn an_axis_of_region_files_runs_each_as_its_plain_region() {
    let dir = scratch("sweep-region-files");
    study(&dir);
    let edited = edited_by_hand(&dir);
    let plan = write(
        &dir,
        "files.toml",
        "[sweep]\nname = \"files\"\nreplications = 2\nseed = 5\n\n[[axis]]\nname = \"region\"\nregion = [\"region.toml\", \"edited.toml\"]\n\n[[axis]]\nname = \"growth\"\ndemand = [1.0, 1.5]\n",
    )
    .display()
    .to_string();
    let list = ok(&["sweep", &plan, "--list"]);
    assert_eq!(
        list.lines().nth(3),
        Some("p0002-r00000-00001\tp0002\t0..2\t5\tedited.toml\t1")
    );
    let json: Value = serde_json::from_str(&ok(&["sweep", &plan, "-f", "json"])).unwrap();
    assert_eq!(json["axes"][0]["kind"], "region");
    let base = plain_region(&dir.join("region.toml").display().to_string());
    let by_hand = plain_region(&edited);
    assert!(equilibrium(&json["points"][0]["region"]) == equilibrium(&base));
    assert!(equilibrium(&json["points"][2]["region"]) == equilibrium(&by_hand));
    // Every point from the same seed: the edited region's change from the first point.
    let x = "flow:x:mx_to_us:truck";
    let delta = |p: usize| {
        json["points"][p]["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["entity"] == x && m["metric"] == "volume_per_day")
            .and_then(|m| m["delta"].as_f64())
            .unwrap()
    };
    assert_eq!(
        delta(2),
        value(&json, 2, x, "volume_per_day") - value(&json, 0, x, "volume_per_day")
    );
    let csv = ok(&["sweep", &plan, "-f", "csv"]);
    for count in [2, 3] {
        let out = dir.join(format!("out-{count}")).display().to_string();
        assert_eq!(
            merged_shards(&plan, &out, count, "csv"),
            csv,
            "{count} shards"
        );
    }
}
