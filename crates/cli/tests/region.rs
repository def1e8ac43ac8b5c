//! `bordersim region`: several crossings, crossing choice, demand and trade; region files
//! that are rejected with their location.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::*;

fn bundled_region(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../configs/regions")
        .join(name)
}

#[test]
fn region_reports_the_equilibrium_flows_and_trade() {
    let file = bundled_region("san_diego_tijuana.toml");
    let json: Value = serde_json::from_str(&run_ok(&[
        "region".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]))
    .expect("one JSON document");
    assert_eq!(json["converged"], true, "{json}");
    let iterations = json["iterations"].as_array().expect("iterations");
    assert!(!iterations.is_empty());
    assert!(iterations.iter().all(|i| i["gap"].is_number()));
    let flows = json["flows"].as_array().expect("flows");
    assert_eq!(flows.len(), 6, "3 crossings × 2 directions × 1 class");
    for f in flows {
        for field in ["crossing", "direction", "class", "volume_per_day", "share"] {
            assert!(!f[field].is_null(), "{field} in {f}");
        }
        assert!(f["border_time"]["mean_s"].as_f64().is_some(), "{f}");
        assert!(f["border_time"]["p95_s"].as_f64().is_some(), "{f}");
        // Four replications: every volume and share has its interval.
        for field in ["volume_per_day_ci95", "share_ci95"] {
            let ci = f[field]
                .as_f64()
                .unwrap_or_else(|| panic!("{field} in {f}"));
            assert!(ci > 0.0 && ci.is_finite(), "{field} in {f}");
        }
    }
    let sides = json["trade"]["sides"].as_array().expect("sides");
    assert_eq!(sides.len(), 2);
    let balance: f64 = sides
        .iter()
        .map(|s| s["balance_per_day"].as_f64().expect("balance"))
        .sum();
    assert!(balance.abs() < 1.0, "{sides:?}");
    // One side's balance is the other's with its sign turned, replication by replication:
    // the same interval.
    let ci = |s: &Value| {
        s["balance_per_day_ci95"]
            .as_f64()
            .expect("balance interval")
    };
    assert!(ci(&sides[0]) > 0.0, "{sides:?}");
    assert!(
        (ci(&sides[0]) - ci(&sides[1])).abs() <= 1e-9 * ci(&sides[0]),
        "{sides:?}"
    );

    let table = run_ok(&["region".as_ref(), file.as_os_str()]);
    assert!(table.contains("Equilibrium: converged after"), "{table}");
    assert!(table.contains("otay_mesa_east"), "{table}");
    // The closing line counts with thousands separators, as every count in a table.
    let grouped = |n: u64| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let events = json["events"].as_u64().expect("events");
    assert!(events >= 1000, "{events}");
    let simulations = json["simulations"].as_u64().expect("simulations");
    assert!(
        table.contains(&format!(
            "  {} crossing simulations, {} events.",
            grouped(simulations),
            grouped(events)
        )),
        "{table}"
    );
    let csv = run_ok(&[
        "region".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    assert!(
        csv.starts_with("region,entity_type,entity,statistic,value\n"),
        "{csv}"
    );
    assert!(
        csv.contains(",flow,otay_mesa|mx_to_us|truck,share,"),
        "{csv}"
    );
    assert!(csv.contains(",side,mx,balance_per_day,"), "{csv}");
    // The CSV carries the JSON's intervals exactly.
    let share_ci = flows[0]["share_ci95"].as_f64().expect("share interval");
    assert!(
        csv.contains(&format!(
            ",flow,otay_mesa|mx_to_us|truck,share_ci95,{share_ci}\n"
        )),
        "{csv}"
    );
    assert!(csv.contains(",side,mx,balance_per_day_ci95,"), "{csv}");
    assert!(csv.contains(",trade,all,total_per_day_ci95,"), "{csv}");
    // The table prints each side's balance with its interval.
    let balance_line = table
        .lines()
        .find(|l| l.trim_start().starts_with("mx ") && l.contains('±'))
        .unwrap_or_else(|| panic!("a side row with an interval: {table}"));
    assert!(balance_line.matches('±').count() == 4, "{balance_line}");
}

#[test]
fn region_that_does_not_converge_says_so_and_still_succeeds() {
    let file = bundled_region("corridor_osbp.toml");
    let out = bordersim([
        "region".as_ref(),
        file.as_os_str(),
        "--max-iterations".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.contains("NOT CONVERGED after 2 iterations"),
        "{out:#?}"
    );
    assert!(
        out.stderr.contains("warning:") && out.stderr.contains("NOT CONVERGED"),
        "{out:#?}"
    );
    let out = bordersim([
        "region".as_ref(),
        file.as_os_str(),
        "--max-iterations".as_ref(),
        "2".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let json: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(json["converged"], false);
    assert_eq!(json["iterations"].as_array().map(Vec::len), Some(2));
}

#[test]
fn region_compare_applies_the_policy_to_its_crossing() {
    let file = bundled_region("corridor_osbp.toml");
    let policy = bundled_region("policies/chirundu_24h_joint_exit.toml");
    let json: Value = serde_json::from_str(&run_ok(&[
        "compare".as_ref(),
        file.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]))
    .expect("one JSON document");
    for part in ["baseline", "reform"] {
        assert_eq!(json[part]["converged"], true, "{part}");
    }
    let shift = &json["shift"];
    let chirundu = shift["flows"]
        .as_array()
        .expect("flows")
        .iter()
        .find(|f| f["crossing"] == "chirundu" && f["direction"] == "zw_to_zm")
        .expect("chirundu northbound");
    assert!(
        chirundu["volume_change"].as_f64().unwrap() > 0.0,
        "{chirundu}"
    );
    assert!(shift["trade"]["diverted_per_day"].as_f64().unwrap() > 0.0);
    assert!(shift["trade"]["sides"][0]["balance_change_per_day"].is_number());
    let table = run_ok(&[
        "compare".as_ref(),
        file.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
    ]);
    assert!(table.contains("Traffic shift"), "{table}");
    assert!(table.contains("diverted between crossings"), "{table}");
    // Every change has its paired interval.
    assert!(chirundu["volume_change_ci95"].as_f64().unwrap() > 0.0);
    assert!(chirundu["share_change_ci95"].as_f64().unwrap() > 0.0);
    for field in ["created_per_day_ci95", "diverted_per_day_ci95"] {
        assert!(shift["trade"][field].as_f64().unwrap() > 0.0, "{field}");
    }
    let appraisal = &shift["appraisal"];
    let benefit = appraisal["user_benefit_per_day"].as_f64().unwrap();
    let ci = appraisal["user_benefit_per_day_ci95"].as_f64().unwrap();
    assert!(ci > 0.0 && ci < benefit, "{appraisal}");
    assert!(
        table.contains(&format!(
            "users' benefit (logsum, behavioural value of time): +{} ± ",
            grouped_money(benefit)
        )),
        "{table}"
    );
}

/// A corridor comparison's trade by country, transit apart, is the same in JSON, CSV, the
/// table and the page.
#[test]
fn a_region_comparison_gives_each_countrys_trade_and_transit_in_every_format() {
    let dir = scratch("region-countries");
    let file = bundled_region("corridor_osbp.toml");
    let policy = bundled_region("policies/chirundu_24h_joint_exit.toml");
    let compare = |extra: &[&std::ffi::OsStr]| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "compare".as_ref(),
            file.as_os_str(),
            "--policy".as_ref(),
            policy.as_os_str(),
            "-r".as_ref(),
            "2".as_ref(),
        ];
        args.extend_from_slice(extra);
        run_ok(&args)
    };
    let json: Value =
        serde_json::from_str(&compare(&["--format".as_ref(), "json".as_ref()])).expect("JSON");
    let countries = json["shift"]["trade"]["by_country"]
        .as_array()
        .expect("by_country");
    let names: Vec<&str> = countries
        .iter()
        .map(|k| k["country"].as_str().expect("id"))
        .collect();
    assert_eq!(names, ["zw", "zm", "za", "cd"]);
    let zw = &countries[0]["transit"];
    let transit = zw["change_per_day"].as_f64().expect("change");
    assert!(transit != 0.0, "{zw}");
    assert!(zw["change_per_day_ci95"].as_f64().expect("interval") >= 0.0);
    let csv = compare(&["--format".as_ref(), "csv".as_ref()]);
    let row = |statistic: &str| {
        csv.lines()
            .find(|l| l.contains(&format!(",country_trade,zw,{statistic},")))
            .unwrap_or_else(|| panic!("{statistic}: {csv}"))
            .rsplit(',')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // The cells, last first: change, reform, baseline.
    let cells = row("transit_per_day");
    assert_eq!(cells[0].parse::<f64>().expect("change"), transit);
    assert_eq!(
        cells[2].parse::<f64>().expect("baseline"),
        zw["baseline_per_day"].as_f64().expect("baseline")
    );
    let ci = row("transit_per_day_ci95");
    assert_eq!(
        ci[0].parse::<f64>().expect("interval"),
        zw["change_per_day_ci95"].as_f64().expect("interval")
    );
    assert!(ci[1].is_empty() && ci[2].is_empty(), "{ci:?}");
    let table = compare(&[]);
    assert!(table.contains("Trade per country"), "{table}");
    let transit_line = table
        .lines()
        .find(|l| l.trim_start().starts_with("zw") && l.contains("transit"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        transit_line.contains(&grouped_money(transit)),
        "{transit_line}"
    );
    let page = dir.join("compare.html");
    compare(&["-o".as_ref(), page.as_os_str()]);
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.contains("Trade shift per country, transit apart"));
}

/// Money as the table prints it: whole units with thousands separators.
fn grouped_money(x: f64) -> String {
    let digits = (x.abs().round() as u64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn a_region_policy_that_changes_nothing_moves_nothing_with_intervals_of_zero() {
    let dir = scratch("region-noop");
    let policy = write(
        &dir,
        "nothing.toml",
        "[policy]\nname = \"nothing\"\ncrossing = \"chirundu\"\n",
    );
    let file = bundled_region("corridor_osbp.toml");
    let csv = run_ok(&[
        "compare".as_ref(),
        file.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
        "-r".as_ref(),
        "3".as_ref(),
        "--max-iterations".as_ref(),
        "3".as_ref(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    let mut intervals = 0;
    for line in csv.lines().skip(1) {
        // The region's name has no comma: the last seven cells are the row.
        let cells: Vec<&str> = line.split(',').collect();
        let [entity_type, _, statistic, baseline, reform, change] = cells[cells.len() - 6..] else {
            panic!("{line}");
        };
        // Whether each run converged, and the days a year: not changes.
        if entity_type == "equilibrium" || statistic == "annualisation_days" {
            continue;
        }
        assert!(
            change == "0" || (change.is_empty() && baseline.is_empty() && reform.is_empty()),
            "{line}"
        );
        if statistic.ends_with("_ci95") {
            intervals += 1;
            assert_eq!(baseline, reform, "{line}");
        }
    }
    // Per flow 2, per side 3, per crossing 1, costs 2, trade 2, per demand 1, appraisal 4,
    // per country 4 (zw, zm, za, cd).
    assert!(
        intervals >= 4 * 2 + 2 * 3 + 4 + 2 + 2 + 4 + 4 * 4,
        "{intervals}: {csv}"
    );
}

const REGION: &str = r#"[region]
name = "r"
sides = ["mx", "us"]
replications = 2

[[zones]]
id = "tijuana"
side = "mx"
travel = { x = "20min" }

[[zones]]
id = "san_diego"
side = "us"
travel = { x = "10min" }

[[classes]]
id = "truck"

[[crossings]]
id = "x"
file = "crossing.toml"
directions = { mx = "northbound" }

[[demand]]
from = "tijuana"
to = "san_diego"
class = "truck"
vehicles_per_day = 100
"#;

/// `region` on a broken region file exits 2, names the file, line and field, writes nothing.
fn check_region_rejected(test: &str, text: &str, line: usize, field: &str) {
    let dir = scratch(test);
    let file = region_files(&dir, text);
    let output = dir.join("out.json");
    let location = format!("{}:{line}:", file.display());
    let out = bordersim([
        "region".as_ref(),
        file.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains(&location),
        "expected {location} in {out:#?}"
    );
    assert!(out.stderr.contains(field), "expected {field} in {out:#?}");
    assert!(!output.exists());
    insta::assert_snapshot!(format!("{test}_region"), redacted(&out.stderr, &dir));
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains(&location), "{out:#?}");
    assert!(out.stderr.contains("is not a valid region"), "{out:#?}");
    insta::assert_snapshot!(format!("{test}_validate"), redacted(&out.stderr, &dir));
}

#[test]
fn region_runs_and_validates() {
    let dir = scratch("region-ok");
    let file = region_files(&dir, REGION);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains(": ok (region: 1 crossings"), "{out:#?}");
    let table = run_ok(&["region".as_ref(), file.as_os_str()]);
    assert!(table.contains("converged after 1 iteration"), "{table}");
}

#[test]
fn region_with_an_unknown_zone() {
    let text = REGION.replace("to = \"san_diego\"", "to = \"sandiego\"");
    check_region_rejected(
        "region-zone",
        &text,
        line_of(&text, "sandiego"),
        "demand[0].to",
    );
}

#[test]
fn region_with_a_crossing_unreachable_from_a_zone_with_demand() {
    let text = REGION.replace("travel = { x = \"10min\" }", "");
    // A missing field is reported at its table: the second [[zones]] header.
    let line = line_of(&text, "id = \"san_diego\"") - 1;
    check_region_rejected("region-unreachable", &text, line, "zones[1].travel");
}

#[test]
fn region_with_a_negative_travel_time() {
    let text = REGION.replace("x = \"20min\"", "x = \"-20min\"");
    check_region_rejected(
        "region-negative",
        &text,
        line_of(&text, "-20min"),
        "zones[0].travel.x",
    );
}

#[test]
fn region_with_a_logit_scale_of_zero() {
    let text = format!("{REGION}\n[choice]\ntime_coefficient = 0\n");
    let line = line_of(&text, "time_coefficient");
    check_region_rejected("region-logit", &text, line, "choice.time_coefficient");
}

#[test]
fn the_region_pages_show_the_intervals_of_flows_trade_and_benefit() {
    let dir = scratch("region-pages");
    let file = bundled_region("corridor_osbp.toml");
    let policy = bundled_region("policies/chirundu_24h_joint_exit.toml");
    let quick = [
        "-r",
        "2",
        "--max-iterations",
        "2",
        "-o",
        "/dev/null",
        "--report",
    ];
    let page = |args: &[&std::ffi::OsStr], name: &str| {
        let path = dir.join(name);
        let mut all = args.to_vec();
        all.extend(quick.iter().map(std::ffi::OsStr::new));
        all.push(path.as_os_str());
        run_ok(&all);
        std::fs::read_to_string(&path).expect("page")
    };
    let region = page(&["region".as_ref(), file.as_os_str()], "r.html");
    assert!(
        region.contains("<th class=\"n\">vehicles per day</th><th class=\"n\">±95%</th>"),
        "{region}"
    );
    assert!(region.contains("<dt>trade per day</dt><dd>"), "{region}");
    assert!(
        region.contains("<th class=\"n\">balance</th><th class=\"n\">±95%</th>"),
        "{region}"
    );
    let comparison = page(
        &[
            "compare".as_ref(),
            file.as_os_str(),
            "--policy".as_ref(),
            policy.as_os_str(),
        ],
        "c.html",
    );
    for card in [
        "trade created per day",
        "trade diverted per day",
        "users&#39; benefit per day",
        "delay cost saved per day",
    ] {
        let at = comparison
            .find(&format!("<dt>{card}"))
            .unwrap_or_else(|| panic!("{card}: {comparison}"));
        let dd = &comparison[at..comparison[at..].find("</dd>").map_or(at, |e| at + e)];
        assert!(dd.contains(" ± "), "{card}: {dd}");
    }
    assert!(
        comparison.contains("<th class=\"n\">change</th><th class=\"n\">±95%</th>"),
        "{comparison}"
    );
    assert!(
        comparison.contains("<th class=\"n\">balance change</th><th class=\"n\">±95%</th>"),
        "{comparison}"
    );
}
