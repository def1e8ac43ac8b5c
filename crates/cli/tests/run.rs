//! `bordersim run` as a user meets it: the table, JSON and CSV formats, determinism,
//! warnings, help, two-direction crossings and recorded arrival traces.

mod common;

use std::fs;

use common::*;

#[test]
fn table_is_the_default_and_names_everything() {
    let dir = scratch("table");
    let file = write(&dir, "s.toml", SCENARIO);
    let out = bordersim(["run".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stderr, "");
    let t = &out.stdout;
    for needle in [
        "tiny crossing",
        "3 (master seed 7)",
        "10h per replication, warm-up 1h",
        "primary",
        "secondary",
        "truck",
        "car",
        "all vehicles",
        "wait in queue, min",
        "time in system, min",
        "±95%",
        "p95",
        "util",
        "veh/h",
        "events",
    ] {
        assert!(t.contains(needle), "table lacks {needle:?}:\n{t}");
    }
    assert!(!t.contains("UNSTABLE"), "{t}");
    // Column titles and rules line up: every rule cell is as wide as the cells above it.
    let lines: Vec<&str> = t.lines().collect();
    let title = lines
        .iter()
        .position(|l| l.trim_start().starts_with("station"))
        .expect("station titles");
    let rule = lines[title + 1];
    assert!(rule.trim_start().starts_with("---"), "{t}");
    for row in &lines[title + 2..title + 4] {
        assert_eq!(
            row.chars().count(),
            rule.chars().count(),
            "ragged row {row:?}\n{t}"
        );
    }
}

#[test]
fn json_has_every_contract_field() {
    let dir = scratch("json");
    let file = write(&dir, "s.toml", SCENARIO);
    let v = json_of(&file, &[]);
    assert_eq!(v["scenario"], "tiny crossing");
    assert_eq!(v["seed"], 7);
    assert_eq!(v["replications"], 3);
    assert_eq!(v["horizon_s"], 36_000.0);
    assert_eq!(v["warmup_s"], 3_600.0);
    for field in ["arrived", "departed", "balked", "in_system_at_end"] {
        assert!(v["vehicles"][field].is_u64(), "vehicles.{field}: {v:#}");
    }
    assert!(v["vehicles"]["arrived"].as_u64() > Some(1000));
    let delay_fields = [
        "mean_s", "p50_s", "p90_s", "p95_s", "p99_s", "max_s", "ci95_s",
    ];
    let stations = v["stations"].as_array().expect("stations array");
    assert_eq!(stations.len(), 2);
    assert_eq!(stations[0]["id"], "primary");
    assert_eq!(stations[1]["id"], "secondary");
    for st in stations {
        assert!(st["crossing"].is_string(), "{st:#}");
        assert!(st["servers"].is_u64(), "{st:#}");
        for f in delay_fields {
            assert!(st["wait"][f].is_f64(), "wait.{f}: {st:#}");
        }
        let u = st["utilization"].as_f64().expect("utilization");
        assert!(u > 0.0 && u < 1.0, "{st:#}");
        assert!(st["throughput_per_h"].as_f64() > Some(0.0), "{st:#}");
        assert!(st["queue_length"]["mean"].is_f64(), "{st:#}");
        assert!(st["queue_length"]["max"].is_u64(), "{st:#}");
    }
    let classes = v["classes"].as_array().expect("classes array");
    assert_eq!(classes.len(), 2);
    for c in classes {
        assert!(c["id"].is_string());
        assert!(c["count"].as_u64() > Some(0), "{c:#}");
        for f in delay_fields {
            assert!(c["time_in_system"][f].is_f64(), "time_in_system.{f}: {c:#}");
        }
    }
    for f in delay_fields {
        assert!(
            v["system"]["time_in_system"][f].is_f64(),
            "system.{f}: {v:#}"
        );
    }
    let perf = &v["performance"];
    assert!(perf["events"].as_u64() > Some(0), "{perf:#}");
    assert!(perf["wall_s"].as_f64() >= Some(0.0), "{perf:#}");
    assert!(perf["events_per_s"].as_f64() >= Some(0.0), "{perf:#}");
    assert_eq!(perf["events"], v["events"]);
}

/// Every `entity_type` the CSV may hold.
const ENTITY_TYPES: [&str; 18] = [
    "system",
    "hourly_group",
    "open_lanes",
    "vehicles",
    "station",
    "lane_group",
    "class",
    "direction",
    "trs_interval",
    "trs_hourly",
    "pre_arrival",
    "first_inspection",
    "channel",
    "economics",
    "cost",
    "emission",
    "detection",
    "performance",
];

#[test]
fn csv_is_tidy() {
    let dir = scratch("csv");
    // A name with a comma and quotes must survive CSV quoting.
    let text = scenario_with(
        "name = \"tiny crossing\"",
        "name = 'tiny, \"quoted\" crossing'",
    );
    let file = write(&dir, "s.toml", &text);
    let out = run_ok(&[
        "run".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    assert!(
        out.starts_with("scenario,entity_type,entity,statistic,value\n"),
        "{out}"
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("CSV row")).collect();
    assert!(rows.len() > 50, "{out}");
    for r in &rows {
        assert_eq!(r.len(), 5, "{r:?}");
        assert_eq!(&r[0], "tiny, \"quoted\" crossing");
        assert!(ENTITY_TYPES.contains(&&r[1]), "{r:?}");
        if &r[3] == "direction" {
            assert_eq!(&r[4], "inbound", "{r:?}");
        } else {
            assert!(r[4].is_empty() || r[4].parse::<f64>().is_ok(), "{r:?}");
        }
    }
    let value = |ty: &str, entity: &str, stat: &str| -> f64 {
        let row = rows
            .iter()
            .find(|r| &r[1] == ty && &r[2] == entity && &r[3] == stat)
            .unwrap_or_else(|| panic!("no row {ty},{entity},{stat} in\n{out}"));
        row[4].parse().expect("number")
    };
    // The CSV carries the same numbers as the JSON.
    let json = json_of(&file, &[]);
    let stations = &json["stations"];
    assert_eq!(
        value("station", "primary", "wait_mean_s"),
        stations[0]["wait"]["mean_s"].as_f64().expect("mean")
    );
    assert_eq!(
        value("station", "secondary", "wait_p95_s"),
        stations[1]["wait"]["p95_s"].as_f64().expect("p95")
    );
    assert_eq!(
        value("station", "secondary", "utilization"),
        stations[1]["utilization"].as_f64().expect("utilization")
    );
    assert_eq!(
        value("class", "car", "time_in_system_p95_s"),
        json["classes"][1]["time_in_system"]["p95_s"]
            .as_f64()
            .expect("p95")
    );
    assert_eq!(
        value("system", "all", "time_in_system_ci95_s"),
        json["system"]["time_in_system"]["ci95_s"]
            .as_f64()
            .expect("ci")
    );
    assert_eq!(
        value("vehicles", "all", "arrived"),
        json["vehicles"]["arrived"].as_f64().expect("n")
    );
    assert_eq!(value("system", "all", "replications"), 3.0);
    assert!(value("performance", "all", "events") > 0.0);
}

#[test]
fn cli_overrides_replications_and_seed() {
    let dir = scratch("overrides");
    let file = write(&dir, "s.toml", SCENARIO);
    let v = json_of(
        &file,
        &["--replications", "2", "--seed", "99", "--threads", "1"],
    );
    assert_eq!(v["replications"], 2);
    assert_eq!(v["seed"], 99);
    assert_eq!(v["performance"]["threads"], 1);
    let other = json_of(&file, &["--replications", "2", "--seed", "98"]);
    assert_ne!(
        v["vehicles"], other["vehicles"],
        "a different seed gives different vehicles"
    );
}

#[test]
fn same_seed_gives_identical_json() {
    let dir = scratch("same-seed");
    let file = write(&dir, "s.toml", SCENARIO);
    let a = json_of(&file, &["--seed", "5"]);
    let b = json_of(&file, &["--seed", "5"]);
    assert_eq!(without_performance(a), without_performance(b));
}

#[test]
fn thread_count_does_not_change_results() {
    let dir = scratch("threads");
    let file = write(&dir, "s.toml", SCENARIO);
    let one = json_of(&file, &["--threads", "1", "--replications", "4"]);
    let two = json_of(&file, &["--threads", "2", "--replications", "4"]);
    assert_eq!(one["performance"]["threads"], 1);
    assert_eq!(two["performance"]["threads"], 2);
    assert_eq!(without_performance(one), without_performance(two));
}

#[test]
fn unstable_station_warns_and_still_runs() {
    // 70 vehicles/h at 2 booths of 2 minutes each: offered load 1.17 per booth.
    let text = scenario_with("mean = \"1min\"", "mean = \"2min\"")
        .replace("horizon = \"10h\"", "horizon = \"3h\"");
    let dir = scratch("unstable");
    let file = write(&dir, "s.toml", &text);
    let out = bordersim(["run".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    let warning = format!(
        "warning: {}:{}:",
        file.display(),
        line_of(&text, "servers = 2")
    );
    assert!(out.stderr.starts_with(&warning), "{out:#?}");
    assert!(
        out.stderr.contains("unstable") && out.stderr.contains("primary"),
        "{out:#?}"
    );
    assert!(out.stdout.contains("UNSTABLE"), "{}", out.stdout);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stderr.starts_with(&warning), "{out:#?}");
    assert!(
        out.stdout
            .ends_with(": ok (2 stations, 2 classes, 2 sources)\n"),
        "{out:#?}"
    );
}

#[test]
fn help_and_version() {
    let out = bordersim(["--help"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("run") && out.stdout.contains("validate"),
        "{}",
        out.stdout
    );
    let out = bordersim(["run", "--help"]);
    assert_eq!(out.code, 0);
    for flag in [
        "--replications",
        "--seed",
        "--threads",
        "--format",
        "--output",
        "--event-log",
        "--event-log-sample",
    ] {
        assert!(out.stdout.contains(flag), "{flag}: {}", out.stdout);
    }
    let out = bordersim(["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("bordersim "), "{}", out.stdout);
}

#[test]
fn two_way_table_has_every_section() {
    let dir = scratch("two-way-table");
    let file = write(&dir, "s.toml", TWO_WAY);
    let t = run_ok(&["run".as_ref(), file.as_os_str()]);
    for needle in [
        "northbound, southbound",
        "Lanes: staffed lane-hours",
        "lane group",
        "(all)",
        "fast",
        "general",
        "lane-h",
        "Full queues",
        "balked",
        "time outside, min",
        "Directions: times in minutes",
        "all directions",
        "arrival to release",
        "Time Release Study: arrival to release, min",
        "programme",
        "channel",
        "direction",
        "buffer",
        "index",
        "Time Release Study: time per stage",
        "nb-xray",
        "arrival to exit",
        "by hour of arrival",
        "08:00",
        "Risk channels",
        "red",
    ] {
        assert!(t.contains(needle), "table lacks {needle:?}:\n{t}");
    }
    // Every table is aligned: no row below a rule line is wider than the rule, up to the
    // next blank line (or the note that follows a table).
    let lines: Vec<&str> = t.lines().collect();
    let mut rules = 0;
    for (i, line) in lines.iter().enumerate() {
        let is_rule = !line.trim().is_empty() && line.chars().all(|c| c == '-' || c == ' ');
        if !is_rule {
            continue;
        }
        rules += 1;
        let rows = lines[i + 1..].iter().take_while(|l| {
            !l.is_empty() && !l.starts_with("  Risk") && !l.starts_with("  time outside")
        });
        for row in rows {
            assert!(
                row.chars().count() <= line.chars().count(),
                "row wider than its rule {row:?}\n{t}"
            );
        }
    }
    assert!(rules >= 8, "{t}");
    // Each lane group's utilisation has its interval across the 3 replications, as the
    // station's has.
    for group in ["fast", "general"] {
        let row = t
            .lines()
            .skip_while(|l| !l.contains("Lanes: staffed lane-hours"))
            .take_while(|l| !l.is_empty())
            .find(|l| {
                l.split_whitespace().nth(1) == Some(group) || l.trim_start().starts_with(group)
            })
            .unwrap_or_else(|| panic!("no row of lane group {group}:\n{t}"));
        assert!(row.contains("% ±"), "{row:?}\n{t}");
    }
    // The hourly profile leaves out hours in which nobody arrived: none here, every hour
    // has traffic.
    assert_eq!(t.matches(":00  ").count(), 24, "{t}");
}

#[test]
fn two_way_json_and_csv_carry_the_new_fields() {
    let dir = scratch("two-way-json");
    let file = write(&dir, "s.toml", TWO_WAY);
    let v = json_of(&file, &[]);
    let directions = v["directions"].as_array().expect("directions");
    assert_eq!(directions.len(), 2, "{v:#}");
    assert_eq!(directions[0]["id"], "northbound");
    for d in directions {
        assert!(d["arrived"].as_u64() > Some(0), "{d:#}");
        assert!(d["release"]["buffer_time_s"].is_f64(), "{d:#}");
        assert!(d["release"]["buffer_index"].is_f64(), "{d:#}");
    }
    let primary = &v["stations"][0];
    assert_eq!(primary["direction"], "northbound");
    assert_eq!(primary["lane_groups"].as_array().map(Vec::len), Some(2));
    assert!(
        primary["spillback"]["balked"].as_u64() > Some(0),
        "{primary:#}"
    );
    assert!(v["classes"][0]["balked"].as_u64() > Some(0), "{v:#}");
    assert!(v["system"]["release"]["mean_s"].is_f64(), "{v:#}");
    let trs = &v["trs"];
    assert!(
        trs["intervals"].as_array().is_some_and(|a| a.len() > 10),
        "{trs:#}"
    );
    assert_eq!(trs["hourly"].as_array().map(Vec::len), Some(48), "{trs:#}");
    assert_eq!(trs["channels"].as_array().map(Vec::len), Some(3), "{trs:#}");
    assert!(v["performance"]["events"].as_u64() > Some(0));

    let out = run_ok(&[
        "run".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("CSV row")).collect();
    let value = |ty: &str, entity: &str, stat: &str| -> String {
        rows.iter()
            .find(|r| &r[1] == ty && &r[2] == entity && &r[3] == stat)
            .unwrap_or_else(|| panic!("no row {ty},{entity},{stat} in\n{out}"))[4]
            .to_owned()
    };
    for ty in ENTITY_TYPES {
        assert!(rows.iter().any(|r| &r[1] == ty), "no {ty} rows:\n{out}");
    }
    assert_eq!(value("station", "nb-primary", "direction"), "northbound");
    let number = |ty: &str, entity: &str, stat: &str| -> f64 {
        value(ty, entity, stat).parse().expect("number")
    };
    assert_eq!(number("lane_group", "nb-primary/fast", "servers_max"), 2.0);
    assert!(number("lane_group", "nb-primary/general", "lane_hours") > 0.0);
    assert!(number("station", "nb-primary", "spillback_balked") > 0.0);
    assert_eq!(
        number("direction", "southbound", "release_mean_s"),
        directions[1]["release"]["mean_s"].as_f64().expect("mean")
    );
    assert!(number("trs_interval", "arrival_to_release|programme|fast", "p95_s") > 0.0);
    assert!(number("trs_interval", "nb-xray|all|all", "count") > 0.0);
    assert!(number("trs_hourly", "northbound|8", "count") > 0.0);
    let share = number("channel", "red", "share");
    assert!(share > 0.0 && share < 0.2, "{share}");
    assert!(number("system", "all", "release_buffer_index") > 0.0);

    // Lanes actually open by hour: open by schedule alone all day, so exactly the
    // schedule in every hour of every replication (an interval of 0), a station's row the
    // sum of its groups'; the same numbers as the JSON's `open_lanes`.
    for h in 0..24 {
        for (entity, lanes) in [
            ("nb-primary/all", 5.0),
            ("nb-primary/fast", 2.0),
            ("nb-primary/general", 3.0),
            ("nb-xray/all", 1.0),
            ("sb-primary/all", 2.0),
        ] {
            let entity = format!("{entity}|{h}");
            assert_eq!(
                number("open_lanes", &entity, "lanes_mean"),
                lanes,
                "{entity}"
            );
            assert_eq!(number("open_lanes", &entity, "lanes_ci95"), 0.0, "{entity}");
        }
    }
    // Lane-group utilisation with its interval across replications, as in the JSON.
    for (g, group) in primary["lane_groups"]
        .as_array()
        .expect("groups")
        .iter()
        .enumerate()
    {
        let entity = format!("nb-primary/{}", group["id"].as_str().expect("id"));
        let ci = group["utilization_ci95"]
            .as_f64()
            .expect("an interval from 3 replications");
        assert!(ci > 0.0 && ci < 0.5, "group {g}: {ci}");
        assert_eq!(
            number("lane_group", &entity, "utilization_ci95"),
            ci,
            "{entity}"
        );
        assert_eq!(
            number("lane_group", &entity, "utilization"),
            group["utilization"].as_f64().expect("utilization")
        );
    }
    let open_rows = rows.iter().filter(|r| &r[1] == "open_lanes").count();
    assert_eq!(open_rows, 5 * 24 * 2, "{out}");
    for row in v["open_lanes"].as_array().expect("open_lanes") {
        for h in row["hours"].as_array().expect("hours") {
            let entity = format!(
                "{}/{}|{}",
                row["station"].as_str().unwrap(),
                row["lane_group"].as_str().unwrap(),
                h["hour"]
            );
            for stat in ["lanes_mean", "lanes_ci95"] {
                assert_eq!(
                    Some(number("open_lanes", &entity, stat)),
                    h[stat].as_f64(),
                    "{entity} {stat}"
                );
            }
        }
    }
}

#[test]
fn trace_is_read_relative_to_the_scenario_file() {
    let dir = scratch("trace-relative");
    fs::create_dir(dir.join("counts")).expect("mkdir");
    write(
        &dir.join("counts"),
        "cars.csv",
        "time,class\n0,car\n60,car\n2h,car\n",
    );
    let file = write(&dir, "s.toml", &traced_scenario());
    let log = dir.join("events.csv");
    // Run from elsewhere: the trace is found beside the scenario, not in the working
    // directory.
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .current_dir(std::env::temp_dir())
        .args([
            "run".as_ref(),
            file.as_os_str(),
            "--event-log".as_ref(),
            log.as_os_str(),
        ])
        .output()
        .expect("run bordersim");
    assert!(out.status.success(), "{out:#?}");
    // Each replication replays the trace exactly.
    let text = fs::read_to_string(&log).expect("event log");
    let arrivals: Vec<(String, String)> = text
        .lines()
        .filter(|l| l.contains(",car,") && l.contains(",arrive,"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_owned(), f[8].to_owned())
        })
        .collect();
    let expected: Vec<(String, String)> = (0..3)
        .flat_map(|r| ["0.000", "60.000", "7200.000"].map(|t| (r.to_string(), t.to_owned())))
        .collect();
    assert_eq!(arrivals, expected);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn a_queue_growing_across_the_horizon_is_a_warning_in_every_format() {
    // One booth at load 1.25: the queue grows by about 12 vehicles an hour, whatever the
    // run length. The station's own check says "unstable"; the run says the count grows.
    let dir = scratch("growing");
    let file = write(
        &dir,
        "s.toml",
        r#"
[scenario]
name = "overloaded"
horizon = "7d"
warmup = "1d"
replications = 3
seed = 5

[[classes]]
id = "car"

[[stations]]
id = "booth"
servers = 1
service = { dist = "exponential", mean = "48s" }

[[sources]]
id = "cars"
class = "car"
rate = "93.75/h"
entry = "booth"
"#,
    );
    for format in ["table", "json", "csv"] {
        let out = bordersim([
            "run".as_ref(),
            file.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
        ]);
        assert_eq!(out.code, 0, "{out:#?}");
        assert!(
            out.stderr
                .contains("warning: vehicles in the crossing grow steadily"),
            "{format}: {}",
            out.stderr
        );
    }
}
