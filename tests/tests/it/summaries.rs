//! Mergeable summaries (README, "Memory and sweeps"): for every bundled crossing and every
//! bundled reform, the report folded replication by replication, and the report of summaries
//! of consecutive parts merged, are the report of all replications at once, byte for byte in
//! the JSON.

use std::path::Path;

use bordersim_des::SimTime;
use bordersim_experiment::{
    Report, RunOptions, Summary, check_summary, report_of, run, run_summary, summarise_replications,
};
use bordersim_model::{NoLog, Scenario};

const CONFIGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../configs");

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A scenario file of `configs/`, its trace files read beside it, cut to at most two days
/// (a quarter of them warm-up) so that the test stays quick.
fn scenario_from(text: &str, dir: &Path) -> Scenario {
    let reader = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    let mut scenario = bordersim_config::parse_scenario_with(text, "scenario.toml", &reader)
        .unwrap_or_else(|e| panic!("valid: {e}"))
        .scenario;
    if scenario.horizon > SimTime::from_hours(48) {
        scenario.horizon = SimTime::from_hours(48);
        scenario.warmup = scenario.warmup.min(SimTime::from_hours(12));
    }
    scenario
}

fn json(report: &Report) -> String {
    serde_json::to_string(report).expect("the report serialises")
}

fn check(name: &str, scenario: &Scenario) {
    let options = |threads| RunOptions {
        replications: 3,
        seed: scenario.seed,
        threads: Some(threads),
    };
    let all = json(&run(scenario, &options(2)).expect("runs").report);
    let folded = json(&run_summary(scenario, &options(1)).expect("runs"));
    assert!(folded == all, "{name}: the folded report differs");
    let (mut first, _) =
        summarise_replications(scenario, &options(1), 0..1, |_| NoLog).expect("runs");
    let (rest, _) = summarise_replications(scenario, &options(2), 1..3, |_| NoLog).expect("runs");
    first
        .merge(rest)
        .expect("consecutive summaries of one scenario merge");
    let merged = json(&report_of(scenario, scenario.seed, first));
    assert!(merged == all, "{name}: the merged report differs");
}

#[test]
fn bundled_crossings_fold_and_merge_into_the_report_of_all_replications() {
    for dir in ["examples", "bench"] {
        let dir = Path::new(CONFIGS).join(dir);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("configs")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for file in files {
            check(
                &file.display().to_string(),
                &scenario_from(&read(&file), &dir),
            );
        }
    }
}

#[test]
fn bundled_reforms_fold_and_merge_into_the_report_of_all_replications() {
    let dir = Path::new(CONFIGS).join("policies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("policies")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for file in files {
        let policy = read(&file);
        let baseline = policy
            .lines()
            .find_map(|l| l.strip_prefix("baseline = \""))
            .and_then(|l| l.split('"').next())
            .expect("every bundled policy names its baseline");
        let base_path = dir.join(baseline);
        let applied = bordersim_config::apply_policy(&read(&base_path), &policy, "policy.toml")
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let base_dir = base_path.parent().expect("a directory");
        check(
            &file.display().to_string(),
            &scenario_from(&applied.scenario_text, base_dir),
        );
    }
}

#[test]
fn a_summary_of_another_scenario_or_a_corrupt_one_is_refused() {
    let dir = Path::new(CONFIGS).join("bench");
    let mm4 = scenario_from(&read(&dir.join("mm4.toml")), &dir);
    let jackson = scenario_from(&read(&dir.join("jackson.toml")), &dir);
    let options = RunOptions {
        replications: 1,
        seed: 1,
        threads: Some(1),
    };
    let (summary, _) = summarise_replications(&mm4, &options, 0..2, |_| NoLog).expect("runs");
    assert!(check_summary(&jackson, &summary).is_err());
    let mut text: serde_json::Value = serde_json::to_value(&summary).expect("writes");
    // One replication's value of a mean taken away.
    let samples = text["entries"]
        .as_array_mut()
        .expect("entries")
        .iter_mut()
        .find_map(|e| e.get_mut("samples"))
        .expect("a list of samples");
    samples.as_array_mut().expect("values").pop();
    let e = serde_json::from_value::<Summary>(text).expect_err("refused");
    assert!(
        e.to_string().contains("has 1 values for 2 replications"),
        "{e}"
    );
}

/// Features whose rows exist only in some scenarios — lanes held after service, a lane
/// group's own approach, a loss system, a window without a staffed lane, a crossing that
/// keeps growing (a warning), cost and emission rates — fold and merge like the others:
/// what the report asks for depends on the scenario, never on what the replications saw.
#[test]
fn scenario_dependent_rows_fold_and_merge_into_the_report_of_all_replications() {
    let dir = Path::new(CONFIGS);
    let cases = [
        (
            "blocking after service",
            r#"
[scenario]
name = "blocking"
horizon = "6h"
seed = 4
[[classes]]
id = "truck"
idle_emissions = "heavy_duty_diesel_truck"
resource_cost_per_h = 80.0
[[classes]]
id = "car"
[[stations]]
id = "primary"
servers = 2
staff_cost_per_lane_h = 50.0
service = { dist = "exponential", mean = "1min" }
routes = [{ to = "xray", class = "truck", p = 1.0 }, { to = "exit", class = "car", p = 1.0 }]
[[stations]]
id = "xray"
servers = 1
service = { dist = "exponential", mean = "6min" }
queue_capacity = 1
when_full = "block"
[[sources]]
id = "trucks"
class = "truck"
rate = "9/h"
entry = "primary"
[[sources]]
id = "cars"
class = "car"
rate = "60/h"
entry = "primary"
"#,
        ),
        (
            "dedicated approach, loss system, closed hours, growth",
            r#"
[scenario]
name = "approaches"
horizon = "3d"
warmup = "6h"
seed = 9
[[programmes]]
id = "fast"
[[classes]]
id = "truck"
programmes = { fast = 0.3, none = 0.7 }
[[stations]]
id = "primary"
service = { dist = "exponential", mean = "2min" }
routes = [{ to = "desk", p = 1.0 }]
[[stations.lanes]]
id = "general"
serves = { class = "truck", programme = "none" }
servers = 1
[[stations.lanes]]
id = "fast"
serves = { class = "truck", programme = "fast" }
servers = 1
queue_capacity = 3
when_full = "balk"
[[stations]]
id = "desk"
queue_capacity = 0
when_full = "balk"
service = { dist = "exponential", mean = "1min" }
servers_by_hour = [0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0]
[[sources]]
id = "trucks"
class = "truck"
rate = "40/h"
entry = "primary"
"#,
        ),
    ];
    for (name, text) in cases {
        check(name, &scenario_from(text, dir));
    }
}

/// The report of `scenario` from the summaries of replications 0–9 and 10–19 merged, and
/// from one summary of 0–19: the two summaries and the two reports, as JSON.
fn merged_halves_and_whole(scenario: &Scenario) -> [(String, String); 2] {
    let options = RunOptions {
        replications: 20,
        seed: scenario.seed,
        threads: Some(2),
    };
    let (mut first, _) =
        summarise_replications(scenario, &options, 0..10, |_| NoLog).expect("runs");
    let (rest, _) = summarise_replications(scenario, &options, 10..20, |_| NoLog).expect("runs");
    first
        .merge(rest)
        .expect("consecutive summaries of one scenario merge");
    let (whole, _) = summarise_replications(scenario, &options, 0..20, |_| NoLog).expect("runs");
    let text = |s: &Summary| serde_json::to_string(s).expect("the summary serialises");
    let summaries = (text(&first), text(&whole));
    let reports = (
        json(&report_of(scenario, scenario.seed, first)),
        json(&report_of(scenario, scenario.seed, whole)),
    );
    [summaries, reports]
}

/// Reneging and booked slots: the vehicles that gave up (counts, shares, per day, their
/// waits) and the booking systems' figures (bookings, waiting area, road queue, their
/// value) merge exactly — replications 0–9 merged with 10–19 are 0–19 bit for bit, in the
/// summary and in the report — on the bundled examples that have them, where vehicles do
/// give up and do book.
#[test]
fn abandonment_and_booking_statistics_merge_exactly() {
    let dir = Path::new(CONFIGS).join("examples");
    for (file, block) in [
        ("pedestrian_hall_reneging.toml", "abandonment"),
        ("booked_slots.toml", "appointments"),
    ] {
        let scenario = scenario_from(&read(&dir.join(file)), &dir);
        let [summaries, reports] = merged_halves_and_whole(&scenario);
        assert!(
            summaries.0 == summaries.1,
            "{file}: the merged summary differs"
        );
        assert!(reports.0 == reports.1, "{file}: the merged report differs");
        // The rows are there and saw something, so the equality above is about them.
        let report: serde_json::Value = serde_json::from_str(&reports.0).expect("JSON");
        let rows = report[block].as_array().expect("a list of rows");
        assert!(!rows.is_empty(), "{file}: no {block} rows");
        let seen = |row: &serde_json::Value| {
            let n = if block == "abandonment" {
                &row["abandoned"]
            } else {
                &row["booked"]
            };
            n.as_u64().expect("a count") > 0
        };
        assert!(
            rows.iter().any(seen),
            "{file}: nothing in {block}: {rows:?}"
        );
    }
}

/// The hourly rows by lane group and vehicle kind are unpooled delays — a count and each
/// replication's mean and 95th percentile, no histogram —, 24 per row: they merge exactly
/// (the summary of replications 0–3 is the merge of 0–1 and 1–3, entry for entry), are
/// written and read back bit for bit, and one with a mean too many is refused.
#[test]
fn hourly_rows_are_unpooled_delays_that_merge_exactly() {
    let dir = Path::new(CONFIGS).join("examples");
    let scenario = scenario_from(&read(&dir.join("passenger_car_crossing.toml")), &dir);
    let options = |threads| RunOptions {
        replications: 3,
        seed: scenario.seed,
        threads: Some(threads),
    };
    let (whole, _) = summarise_replications(&scenario, &options(2), 0..3, |_| NoLog).expect("runs");
    let (mut first, _) =
        summarise_replications(&scenario, &options(1), 0..1, |_| NoLog).expect("runs");
    let (rest, _) = summarise_replications(&scenario, &options(2), 1..3, |_| NoLog).expect("runs");
    first.merge(rest).expect("consecutive");
    assert!(first == whole, "the merged summary differs from the whole");
    let text = serde_json::to_string(&whole).expect("writes");
    let read_back: Summary = serde_json::from_str(&text).expect("reads");
    assert!(read_back == whole, "the summary read back differs");
    // Every hourly row asks for one unpooled delay per hour, and nothing else does.
    let report = report_of(&scenario, scenario.seed, whole);
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let entries = value["entries"].as_array_mut().expect("entries");
    let unpooled: Vec<&mut serde_json::Value> = entries
        .iter_mut()
        .filter_map(|e| e.get_mut("unpooled"))
        .collect();
    assert_eq!(unpooled.len(), 24 * report.hourly_groups.len());
    assert!(
        report.hourly_groups.len() > 1,
        "{}",
        report.hourly_groups.len()
    );
    // The counts behind the rows are every wait at the station, hour by hour.
    let row = &report.hourly_groups[0];
    let station = report
        .stations
        .iter()
        .find(|s| s.id == row.station)
        .expect("the row's station");
    assert_eq!(
        (
            row.lane_group.as_str(),
            row.class.as_str(),
            row.programme.as_str()
        ),
        ("all", "all", "all")
    );
    assert_eq!(
        row.hours.iter().map(|h| h.count).sum::<u64>(),
        station.wait.count
    );
    // A replication's mean too many is refused, naming the aggregate.
    let first_unpooled = unpooled.into_iter().next().expect("one");
    let means = first_unpooled["means"].as_array_mut().expect("means");
    means.extend([serde_json::json!(0), serde_json::json!(0)]);
    let e = serde_json::from_value::<Summary>(value).expect_err("refused");
    assert!(e.to_string().contains("means and"), "{e}");
}
