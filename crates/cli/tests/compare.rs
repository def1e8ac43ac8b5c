//! `bordersim compare`: paired differences of variants and policies from a baseline, and
//! policy files that are rejected before anything runs.

mod common;

use std::path::Path;

use serde_json::Value;

use common::*;

#[test]
fn compare_reports_paired_differences_in_every_format() {
    let dir = scratch("compare");
    let base = write(&dir, "base.toml", SCENARIO);
    let same = write(&dir, "same.toml", SCENARIO);
    let json: Value = serde_json::from_str(&run_ok(&[
        "compare".as_ref(),
        base.as_os_str(),
        "--variant".as_ref(),
        same.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]))
    .expect("one JSON document");
    assert!(json["baseline"]["stations"].is_array());
    let variant = &json["variants"][0];
    assert!(variant["name"].is_string() && variant["result"]["stations"].is_array());
    let diffs = variant["differences"].as_array().expect("differences");
    assert!(!diffs.is_empty());
    for d in diffs {
        for field in [
            "metric",
            "entity",
            "baseline",
            "variant",
            "delta",
            "ci95",
            "relative",
            "significant",
        ] {
            assert!(d.get(field).is_some(), "{field} missing in {d}");
        }
        // The same scenario twice: the same vehicles, so exactly no difference.
        assert_eq!(d["delta"].as_f64(), Some(0.0), "{d}");
        assert_eq!(d["significant"].as_bool(), Some(false), "{d}");
    }
    let table = run_ok(&[
        "compare".as_ref(),
        base.as_os_str(),
        "--variant".as_ref(),
        same.as_os_str(),
    ]);
    assert!(
        table.contains("Variant:") && table.contains("±95%"),
        "{table}"
    );
    // Staffed lane-hours above the schedule are explained where they are shown.
    assert!(
        table.contains("overtime of closing lanes included (a lane the schedule closes finishes"),
        "{table}"
    );
    let csv = run_ok(&[
        "compare".as_ref(),
        base.as_os_str(),
        "--variant".as_ref(),
        same.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    assert!(csv.starts_with(
        "variant,metric,entity,baseline,variant_value,delta,ci95,relative,significant,\
         significant_unadjusted,p_value,replications,status,note,unit\n"
    ));
    // A row per difference, then the net benefit's four (saved, added, net per day and per
    // year): the same scenario twice is worth exactly 0.
    assert_eq!(csv.lines().count(), diffs.len() + 1 + 4);
    let net = csv
        .lines()
        .find(|l| l.contains(",net_benefit_per_day,system,"))
        .expect("the net benefit row");
    assert!(
        net.contains(",0,0,") && net.ends_with(",money/day"),
        "{net}"
    );
}

#[test]
fn compare_with_a_bad_variant_is_bad_input() {
    let dir = scratch("compare-bad");
    let base = write(&dir, "base.toml", SCENARIO);
    let bad = write(&dir, "bad.toml", "[scenario]\nname = 1\n");
    let out_path = dir.join("out.json");
    let out = bordersim([
        "compare".as_ref(),
        base.as_os_str(),
        "--variant".as_ref(),
        bad.as_os_str(),
        "--output".as_ref(),
        out_path.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("bad.toml:"), "{out:#?}");
    assert!(!out_path.exists());
    insta::assert_snapshot!("bad_variant", redacted(&out.stderr, &dir));
}

#[test]
fn compare_applies_a_policy_to_the_baseline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let base = root.join("examples/commercial_truck_crossing.toml");
    let policy = root.join("policies/extra_primary_booths.toml");
    let json: Value = serde_json::from_str(&run_ok(&[
        "compare".as_ref(),
        base.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
        "--replications".as_ref(),
        "3".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]))
    .expect("one JSON document");
    let variant = &json["variants"][0];
    assert_eq!(variant["name"], "Two more general primary booths");
    let diffs = variant["differences"].as_array().expect("differences");
    let find = |metric: &str, entity: &str| {
        diffs
            .iter()
            .find(|d| d["metric"] == metric && d["entity"] == entity)
            .unwrap_or_else(|| panic!("{metric} {entity}"))
    };
    // More booths at northbound primary: its wait falls; southbound is untouched.
    let nb = find("wait_mean_s", "station:nb-primary");
    assert!(nb["delta"].as_f64().unwrap() < 0.0, "{nb}");
    let sb = find("time_in_system_mean_s", "direction:southbound");
    assert_eq!(sb["delta"].as_f64(), Some(0.0), "{sb}");
}

#[test]
fn compare_with_a_bad_policy_is_located_and_runs_nothing() {
    let dir = scratch("compare-policy");
    let base = write(&dir, "base.toml", SCENARIO);
    let policy = write(
        &dir,
        "p.toml",
        "[policy]\nname = \"x\"\n\n[[staffing]]\nstation = \"nowhere\"\nadd = 1\n",
    );
    let out = bordersim([
        "compare".as_ref(),
        base.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("p.toml:5:"), "{out:#?}");
    assert!(out.stderr.contains("staffing[0].station"), "{out:#?}");
    assert!(out.stdout.is_empty(), "{out:#?}");
    insta::assert_snapshot!("bad_policy", redacted(&out.stderr, &dir));
}

/// Every kind of bad policy the reform catalogue can meet is located in the policy file
/// (line, field), exits with 2, prints nothing on stdout and writes no output file.
#[test]
fn bad_reform_policies_are_located_and_run_nothing() {
    let dir = scratch("compare-reforms");
    let base = write(&dir, "base.toml", SCENARIO);
    let cases: [(&str, &str, &str); 5] = [
        (
            "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 1.2\nskip = [\"secondary\"]\n",
            "p.toml:4:",
            "pre_arrival_processing[0].share",
        ),
        (
            "[policy]\nname = \"x\"\n[[authorised_operators]]\nprogramme = \"aeo\"\nshare = 0.3\nclasses = [\"bus\"]\n",
            "p.toml:6:",
            "unknown class `bus`",
        ),
        (
            "[policy]\nname = \"x\"\n[[override]]\npath = \"stations.primary.lanes.fast.servers\"\nvalue = 2\n",
            "p.toml:4:",
            "override[0].path",
        ),
        (
            "[policy]\nname = \"x\"\n[[single_window]]\nstations = [\"primary\", \"tertiary\"]\n",
            "p.toml:4:",
            "unknown station `tertiary`",
        ),
        (
            "[policy]\nname = \"x\"\n[[one_stop_border_post]]\nstations = [\"primary\", \"secondary\"]\n\n[[staffing]]\nstation = \"secondary\"\nadd = 1\n",
            "p.toml:6:",
            "conflicts with one_stop_border_post[0] (line 3)",
        ),
    ];
    for (k, (text, location, what)) in cases.into_iter().enumerate() {
        let policy = write(&dir, "p.toml", text);
        let output = dir.join("out.json");
        let out = bordersim([
            "compare".as_ref(),
            base.as_os_str(),
            "--policy".as_ref(),
            policy.as_os_str(),
            "--output".as_ref(),
            output.as_os_str(),
        ]);
        assert_eq!(out.code, 2, "{text}\n{out:#?}");
        assert!(out.stderr.contains(location), "{text}\n{out:#?}");
        assert!(out.stderr.contains(what), "{text}\n{out:#?}");
        assert!(out.stdout.is_empty(), "{out:#?}");
        assert!(!output.exists(), "{text}: no output file");
        insta::assert_snapshot!(
            format!("bad_reform_policy_{k}"),
            redacted(&out.stderr, &dir)
        );
    }
}

/// A reform from the catalogue runs against the baseline on the same vehicles: with every
/// truck's declaration lodged in advance no truck stops at secondary, and the cars, which
/// still do, find it no busier than before.
#[test]
fn compare_runs_a_reform_from_the_catalogue() {
    let dir = scratch("compare-reform");
    let base = write(&dir, "base.toml", SCENARIO);
    let policy = write(
        &dir,
        "sw.toml",
        "[policy]\nname = \"pre-arrival\"\n[[pre_arrival_processing]]\nshare = 1.0\nclasses = [\"truck\"]\nskip = [\"secondary\"]\n",
    );
    let out = run_ok(&[
        "compare".as_ref(),
        base.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let variant = &json["variants"][0];
    assert_eq!(variant["name"], "pre-arrival");
    let secondary = variant["result"]["stations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "secondary")
        .unwrap();
    assert!(secondary["passed_without_stopping"].as_u64().unwrap() > 0);
    let cars = variant["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["entity"] == "class:car" && d["metric"] == "time_in_system_mean_s")
        .expect("a car metric");
    assert!(cars["delta"].as_f64().unwrap() <= 0.0, "{cars}");
}

/// `compare` of an events policy gives the disruption's cost as paired differences on the
/// same trucks; an `[[events]]` entry and the same event written as an `[[override]]` of
/// `scenario.events` are the same variant, number for number.
#[test]
fn compare_with_an_events_policy_gives_the_disruptions_cost() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let base = root.join("examples/commercial_truck_crossing.toml");
    let outage = root.join("policies/scanner_outage.toml");
    let dir = scratch("compare-events");
    let as_measure = write(
        &dir,
        "events.toml",
        "[policy]\nname = \"X-ray scanner down on Tuesday 10:00-14:00\"\n\n\
         [[events]]\nkind = \"outage\"\nstation = \"nb-xray\"\n\
         from = \"day 2 10:00\"\nto = \"day 2 14:00\"\n",
    );
    let differences = |policy: &Path| -> Vec<Value> {
        let json: Value = serde_json::from_str(&run_ok(&[
            "compare".as_ref(),
            base.as_os_str(),
            "--policy".as_ref(),
            policy.as_os_str(),
            "--replications".as_ref(),
            "3".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ]))
        .expect("one JSON document");
        json["variants"][0]["differences"]
            .as_array()
            .expect("differences")
            .clone()
    };
    let diffs = differences(&outage);
    let find = |metric: &str, entity: &str| {
        diffs
            .iter()
            .find(|d| d["metric"] == metric && d["entity"] == entity)
            .unwrap_or_else(|| panic!("{metric} {entity}"))
            .clone()
    };
    // Red-channel trucks queue at the scanner while it is down: its wait and the
    // northbound time in the crossing rise; southbound, the same vehicles, untouched.
    let xray = find("wait_mean_s", "station:nb-xray");
    assert!(xray["delta"].as_f64().unwrap() > 0.0, "{xray}");
    let nb = find("time_in_system_mean_s", "direction:northbound");
    assert!(nb["delta"].as_f64().unwrap() > 0.0, "{nb}");
    let sb = find("time_in_system_mean_s", "direction:southbound");
    assert_eq!(sb["delta"].as_f64(), Some(0.0), "{sb}");
    assert_eq!(differences(&as_measure), diffs);
}

/// The compare CSV carries the net benefit (per day, per year) as the JSON has it, with its
/// interval and unit; booked slots cost their waiting area (a net loss on the commercial
/// example), and their waiting-area rows are differenced against the baseline's 0.
#[test]
fn the_csv_has_the_net_benefit_and_booking_pays_for_its_waiting_area() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let base = root.join("examples/commercial_truck_crossing.toml");
    let booked = root.join("policies/booked_slots.toml");
    let args = |format: &str| {
        run_ok(&[
            "compare".as_ref(),
            base.as_os_str(),
            "--policy".as_ref(),
            booked.as_os_str(),
            "--replications".as_ref(),
            "3".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
        ])
    };
    let json: Value = serde_json::from_str(&args("json")).expect("one JSON document");
    let variant = &json["variants"][0];
    let nb = &variant["net_benefit"];
    let per_day = nb["net_benefit_per_day"].as_f64().expect("net benefit");
    assert!(
        per_day < 0.0,
        "the waiting area costs more than the road saves: {nb}"
    );
    let area = variant["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .find(|d| {
            d["metric"] == "waiting_area_vehicle_hours_per_day"
                && d["entity"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("appointment:"))
        })
        .expect("waiting-area row")
        .clone();
    assert_eq!(area["status"], "compared", "{area}");
    assert_eq!(area["baseline"].as_f64(), Some(0.0), "{area}");
    assert_eq!(area["replications"].as_u64(), Some(3), "{area}");
    assert!(area["delta"].as_f64().expect("delta") > 0.0, "{area}");
    let csv = args("csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let row = |metric: &str| {
        rows.iter()
            .find(|r| &r[col("metric")] == metric)
            .unwrap_or_else(|| panic!("no {metric} row"))
            .clone()
    };
    for (metric, unit) in [
        ("net_benefit_per_day", "money/day"),
        ("net_benefit_per_year", "money/year"),
        ("time_and_cargo_cost_saved_per_day", "money/day"),
        ("staff_cost_added_per_day", "money/day"),
    ] {
        let r = row(metric);
        assert_eq!(&r[col("entity")], "system");
        assert_eq!(&r[col("status")], "net_benefit");
        assert_eq!(&r[col("unit")], unit, "{metric}");
        assert_eq!(&r[col("replications")], "3", "{metric}");
        let value: f64 = r[col("delta")].parse().expect("a number");
        let ci: f64 = r[col("ci95")].parse().expect("an interval");
        assert_eq!(Some(value), nb[metric].as_f64(), "{metric}");
        assert_eq!(Some(ci), nb[format!("{metric}_ci95")].as_f64(), "{metric}");
    }
}
