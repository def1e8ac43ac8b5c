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

/// Two stations, the second holding its lane after service while its one-place storage is
/// full: queues in the facility and on the road upstream of a full storage.
const BLOCKING: &str = r#"
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
"#;

/// Features whose rows exist only in some scenarios — lanes held after service, a lane
/// group's own approach, a loss system, a window without a staffed lane, a crossing that
/// keeps growing (a warning), cost and emission rates — fold and merge like the others:
/// what the report asks for depends on the scenario, never on what the replications saw.
#[test]
fn scenario_dependent_rows_fold_and_merge_into_the_report_of_all_replications() {
    let dir = Path::new(CONFIGS);
    let cases = [
        ("blocking after service", BLOCKING),
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

/// A summary written to a file and read back holds its histograms as their occupied bins
/// only; such summaries merge into, and replay as, exactly what the summaries never written
/// do: replications 0–9 and 10–19 each written and read back, merged, are the summary of
/// 0–19 bit for bit (its JSON, and its report), and so is each part replayed on its own.
#[test]
fn summaries_read_back_from_their_files_merge_into_the_whole_bit_for_bit() {
    let dir = Path::new(CONFIGS).join("examples");
    for file in [
        "commercial_truck_crossing.toml",
        "passenger_car_crossing.toml",
    ] {
        let scenario = scenario_from(&read(&dir.join(file)), &dir);
        let options = RunOptions {
            replications: 20,
            seed: scenario.seed,
            threads: Some(2),
        };
        let part = |range| {
            let (s, _) =
                summarise_replications(&scenario, &options, range, |_| NoLog).expect("runs");
            s
        };
        let text = |s: &Summary| serde_json::to_string(s).expect("the summary serialises");
        let read_back = |s: &Summary| -> Summary {
            serde_json::from_str(&text(s)).expect("the summary reads back")
        };
        let (first, rest, whole) = (part(0..10), part(10..20), part(0..20));
        let mut merged = read_back(&first);
        merged.merge(read_back(&rest)).expect("consecutive");
        assert!(
            text(&merged) == text(&whole),
            "{file}: the merged summary differs"
        );
        assert!(merged == whole, "{file}: the merged summary differs");
        let report = json(&report_of(&scenario, scenario.seed, whole.clone()));
        assert!(
            json(&report_of(&scenario, scenario.seed, merged)) == report,
            "{file}: the report of the merged summary differs"
        );
        // Read back and replayed without a merge: the report of the summary written.
        assert!(
            json(&report_of(&scenario, scenario.seed, read_back(&whole))) == report,
            "{file}: the report of the summary read back differs"
        );
        // A summary read back, merged into one built here, and the other way round.
        let mut built_first = first.clone();
        built_first.merge(read_back(&rest)).expect("consecutive");
        let mut read_first = read_back(&first);
        read_first.merge(rest).expect("consecutive");
        assert!(text(&built_first) == text(&whole) && text(&read_first) == text(&whole));
    }
}

/// Summaries of an older format (each histogram its own compressed stream), or of a format
/// this version does not know, are refused by their format, with what to do, before
/// anything else in them is read; a summary whose histograms do not match its entries is
/// refused naming the histogram.
#[test]
fn summaries_of_another_format_or_with_broken_histograms_are_refused() {
    let dir = Path::new(CONFIGS).join("bench");
    let mm4 = scenario_from(&read(&dir.join("mm4.toml")), &dir);
    let options = RunOptions {
        replications: 1,
        seed: 1,
        threads: Some(1),
    };
    let (summary, _) = summarise_replications(&mm4, &options, 0..2, |_| NoLog).expect("runs");
    let text = serde_json::to_string(&summary).expect("writes");
    assert!(text.starts_with(r#"{"format":4,"#), "{}", &text[..40]);
    // Format 2 as it was written: a histogram inside each pooled entry, none after them.
    let older = text
        .replacen(r#"{"format":4,"#, r#"{"format":2,"#, 1)
        .replace(
            r#""pooled":{"count""#,
            r#""pooled":{"histogram":"HISTFAAAAB","count""#,
        )
        .replace(r#","histograms":"#, r#","ignored":"#);
    let refused = |text: &str| {
        serde_json::from_str::<Summary>(text)
            .expect_err("refused")
            .to_string()
    };
    let e = refused(&older);
    assert!(
        e.contains("summary format 2 was written by an older version of bordersim")
            && e.contains("reads format 4 only: run the units again with this version"),
        "{e}"
    );
    // Format 3: a series as one list of samples per bin; refused by its format alike.
    let e = refused(&text.replacen(r#"{"format":4,"#, r#"{"format":3,"#, 1));
    assert!(
        e.contains("summary format 3 was written by an older version"),
        "{e}"
    );
    let newer = refused(&text.replacen(r#"{"format":4,"#, r#"{"format":5,"#, 1));
    assert!(
        newer.contains("summary format 5 was written by a newer version"),
        "{newer}"
    );
    // One more observation in the first pooled histogram's count than in its bins.
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let pooled = value["entries"]
        .as_array_mut()
        .expect("entries")
        .iter_mut()
        .find_map(|e| e.get_mut("delay"))
        .expect("a delay");
    let count = pooled["pooled"]["count"].as_u64().expect("a count");
    pooled["pooled"]["count"] = (count + 1).into();
    let e = serde_json::from_value::<Summary>(value)
        .expect_err("refused")
        .to_string();
    assert!(
        e.contains(&format!(
            "histogram #0: histogram holds {count} observations, count says {}",
            count + 1
        )),
        "{e}"
    );
}

/// [`BLOCKING`] with room for one vehicle in front of the entry station (the others wait
/// on the approach), its queues and waits collected in bins of `bin_min` minutes.
fn series_scenario(bin_min: u64) -> Scenario {
    let text = BLOCKING.replacen("servers = 2\n", "servers = 2\nqueue_capacity = 1\n", 1);
    let mut scenario = scenario_from(&text, Path::new(CONFIGS));
    scenario.crossing = scenario
        .crossing
        .clone()
        .with_series_bin_ms(Some(bin_min * 60_000));
    scenario
}

fn series_options(scenario: &Scenario, replications: u32) -> RunOptions {
    RunOptions {
        replications,
        seed: scenario.seed,
        threads: Some(2),
    }
}

/// The summary of the replications `range` of `scenario`.
fn part(scenario: &Scenario, range: std::ops::Range<u64>) -> Summary {
    let options = series_options(scenario, 50);
    summarise_replications(scenario, &options, range, |_| NoLog)
        .expect("runs")
        .0
}

fn summary_text(s: &Summary) -> String {
    serde_json::to_string(s).expect("the summary serialises")
}

fn read_back(s: &Summary) -> Summary {
    serde_json::from_str(&summary_text(s)).expect("the summary reads back")
}

/// `summaries`, consecutive, merged in order.
fn merged(summaries: impl IntoIterator<Item = Summary>) -> Summary {
    let mut all = summaries.into_iter();
    let mut first = all.next().expect("one summary");
    for s in all {
        first
            .merge(s)
            .expect("consecutive summaries of one scenario");
    }
    first
}

/// Queues and waits over time are sums of whole numbers per bin: replications 0–6 run at
/// once, folded one by one, as [0–2] + [3–6], merged one by one, grouped the other way
/// ([0–2] + ([3–4] + [5–6])) and written to files and read back before merging, give the
/// same summary and the same series, byte for byte.
#[test]
fn the_series_merge_exactly_in_any_grouping() {
    let scenario = series_scenario(15);
    let options = series_options(&scenario, 7);
    let series = |r: &Report| serde_json::to_string(&r.series).expect("serialises");
    let direct = run(&scenario, &options).expect("runs").report;
    let want = series(&direct);
    let whole_report = json(&direct);
    assert!(
        series(&run_summary(&scenario, &options).expect("runs")) == want,
        "folded"
    );
    let blocks = merged([part(&scenario, 0..3), part(&scenario, 3..7)]);
    let one_by_one = merged((0..7).map(|r| part(&scenario, r..r + 1)));
    let right = merged([
        part(&scenario, 0..3),
        merged([part(&scenario, 3..5), part(&scenario, 5..7)]),
    ]);
    let from_files = merged([0..2, 2..3, 3..7].map(|r| read_back(&part(&scenario, r))));
    let text = summary_text(&blocks);
    for (name, summary) in [
        ("one by one", one_by_one),
        ("grouped the other way", right),
        ("read back from files", from_files),
        ("in two blocks", blocks),
    ] {
        assert!(
            summary_text(&summary) == text,
            "{name}: the summary differs"
        );
        let report = report_of(&scenario, scenario.seed, summary);
        assert!(series(&report) == want, "{name}: the series differ");
        assert!(json(&report) == whole_report, "{name}: the report differs");
    }
    // The series saw queues and waits, at both stations, so the equality is about them.
    let got = direct.series.expect("asked for");
    for station in &got.stations {
        let [queue, _, _, _, wait] = &station.statistics[..] else {
            panic!("five statistics")
        };
        assert!(queue.ci95.iter().any(|h| h.is_some_and(|h| h > 0.0)));
        assert!(wait.ci95.iter().any(|h| h.is_some_and(|h| h > 0.0)));
    }
    let road = &got.stations[0].statistics[2];
    assert_eq!(road.statistic, "road_queue_mean");
    assert!(road.values.iter().any(|v| v.is_some_and(|v| v > 0.0)));
}

/// The series take the same room in a summary after 2 replications and after 50: per bin,
/// 2 sums (32 bytes each) per level statistic (4 at each station, both having a storage)
/// and 5 per mean wait; and they add nothing to the values kept per replication.
#[test]
fn the_series_take_room_by_bins_not_by_replications() {
    let scenario = series_scenario(15);
    let (few, many) = (part(&scenario, 0..2), part(&scenario, 0..50));
    let bins = 24; // 6 h in 15 min.
    let expected = bins * 2 * (4 * 2 + 5) * 32;
    assert_eq!(few.series_bytes(), expected);
    assert_eq!(many.series_bytes(), expected);
    assert_eq!(
        merged([few, part(&scenario, 2..50)]).series_bytes(),
        expected
    );
    let mut plain = scenario.clone();
    plain.crossing = plain.crossing.clone().with_series_bin_ms(None);
    let without = part(&plain, 0..50);
    assert_eq!(without.series_bytes(), 0);
    assert!(many.per_replication_bytes() > 0);
    assert_eq!(
        many.per_replication_bytes(),
        without.per_replication_bytes()
    );
}

/// The relative difference of `got` and `want`.
fn relative(got: Option<f64>, want: f64) -> f64 {
    let got = got.expect("a value");
    (got - want).abs() / want.abs().max(f64::MIN_POSITIVE)
}

/// One bin of three replications by hand: the mean queue is the mean of the replications'
/// own time-weighted means, its half-width t(2)·s/√3; the mean wait is every wait over
/// their number, its half-width t(2)·√(Σe²/2/3) over the mean count, e = s − R·c.
#[test]
fn a_bins_mean_and_interval_over_three_replications_by_hand() {
    let scenario = series_scenario(15);
    let outcome = run(&scenario, &series_options(&scenario, 3)).expect("runs");
    let series = outcome.report.series.expect("asked for");
    // t(2) at 0.975 in closed form: (2p − 1) / √(2p(1 − p)).
    let t2 = 0.95 / (2.0f64 * 0.975 * 0.025).sqrt();
    let mut checked = 0;
    for b in 0..24 {
        let queue: Vec<f64> = outcome
            .replications
            .iter()
            .map(|r| {
                r.stations[0]
                    .queue_length
                    .bins()
                    .expect("collected")
                    .finished_exact()[b]
                    .0
            })
            .map(|area| area as f64 / 900_000.0)
            .collect();
        let mean = queue.iter().sum::<f64>() / 3.0;
        let var = queue.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 2.0;
        let stat = &series.stations[0].statistics[0];
        assert!(relative(stat.values[b], mean) < 1e-12, "bin {b}");
        if var > 0.0 {
            let half = t2 * (var / 3.0).sqrt();
            assert!(relative(stat.ci95[b], half) < 1e-9, "bin {b}");
            checked += 1;
        }
        let waits: Vec<(f64, f64)> = outcome
            .replications
            .iter()
            .map(|r| r.stations[0].wait_bins.as_ref().expect("collected").bins()[b])
            .map(|c| (c.sum_ms as f64 / 1000.0, c.count as f64))
            .collect();
        let count: f64 = waits.iter().map(|w| w.1).sum();
        let stat = &series.stations[0].statistics[4];
        if count == 0.0 {
            assert_eq!((stat.values[b], stat.ci95[b]), (None, None));
            continue;
        }
        let ratio = waits.iter().map(|w| w.0).sum::<f64>() / count;
        assert!(relative(stat.values[b], ratio) < 1e-12, "bin {b}");
        let squares: f64 = waits.iter().map(|(s, c)| (s - ratio * c).powi(2)).sum();
        let half = t2 * (squares / 2.0 / 3.0).sqrt() / (count / 3.0);
        if half > 0.0 {
            assert!(relative(stat.ci95[b], half) < 1e-9, "bin {b}");
        }
    }
    assert!(checked > 10, "{checked} bins with a spread");
}

/// A summary whose series have other bins than the scenario's is refused (by the check of
/// a summary against its scenario, and by a merge), naming the bins; so are moments that
/// lack a bin, are of another number of replications, are not whole numbers, or could not
/// come from any replications.
#[test]
fn series_of_other_bins_or_broken_moments_are_refused() {
    let (fifteen, twenty) = (series_scenario(15), series_scenario(20));
    let summary = part(&fifteen, 0..2);
    check_summary(&fifteen, &summary).expect("its own scenario");
    let e = check_summary(&twenty, &summary).expect_err("other bins");
    assert!(
        e.to_string()
            .contains("is level moments of 24 bins in one and level moments of 18 bins"),
        "{e}"
    );
    let mut other = part(&twenty, 0..2);
    let e = other
        .merge(part(&fifteen, 2..3))
        .expect_err("other bins")
        .to_string();
    assert!(e.contains("moments of 18 bins"), "{e}");
    let value: serde_json::Value = serde_json::from_str(&summary_text(&summary)).expect("json");
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut value = value.clone();
        let moments = value["entries"]
            .as_array_mut()
            .expect("entries")
            .iter_mut()
            .find_map(|e| e.get_mut("moments"))
            .expect("moments");
        edit(moments);
        serde_json::from_value::<Summary>(value)
            .expect_err("refused")
            .to_string()
    };
    let e = refused(&|m| {
        m["sums"][1].as_array_mut().expect("sums").pop();
    });
    assert!(e.contains("lists of 24 and 23 sums"), "{e}");
    let e = refused(&|m| m["replications"] = 3.into());
    assert!(
        e.contains("moments of 3 replications in a summary of 2"),
        "{e}"
    );
    let e = refused(&|m| m["sums"][0][0] = "-1".into());
    assert!(e.contains("`-1` is not a whole number"), "{e}");
    // Σx² of the first bin with a queue below Σx: no whole numbers give it.
    let e = refused(&|m| {
        let b = (0..24)
            .find(|&b| m["sums"][0][b] != "0")
            .expect("a queue somewhere");
        m["sums"][1][b] = "0".into();
    });
    assert!(e.contains("sums that no 2 replications could give"), "{e}");
}
