//! The `bordersim` binary as a user meets it: formats, output files, exit codes, messages.
//! Every simulated run here is tiny (a few hundred vehicles), so each test takes
//! milliseconds.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A small two-class, two-station crossing: primary (2 booths) sends 20% to secondary.
const SCENARIO: &str = r#"# A tiny crossing for CLI tests.
[scenario]
name = "tiny crossing"
horizon = "10h"
warmup = "1h"
replications = 3
seed = 7

[[classes]]
id = "truck"

[[classes]]
id = "car"

[[stations]]
id = "primary"
servers = 2
service = { dist = "exponential", mean = "1min" }
routes = [
  { to = "secondary", p = 0.2 },
  { to = "exit", p = 0.8 },
]

[[stations]]
id = "secondary"
servers = 1
service = { dist = "exponential", mean = "3min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "40/h"
entry = "primary"

[[sources]]
id = "cars"
class = "car"
rate = "30/h"
entry = "primary"
"#;

/// A fresh, empty directory for one test, removed when the test ends.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn scratch(test: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("bordersim-cli-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch directory");
    Scratch(dir)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write test file");
    path
}

/// `SCENARIO` with `from` (which must occur exactly once) replaced by `to`.
fn scenario_with(from: &str, to: &str) -> String {
    assert_eq!(
        SCENARIO.matches(from).count(),
        1,
        "{from:?} must occur once"
    );
    SCENARIO.replace(from, to)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}

#[derive(Debug)]
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn bordersim<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(args)
        .output()
        .expect("run bordersim");
    Outcome {
        code: output
            .status
            .code()
            .expect("exit code (not killed by a signal)"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

fn run_ok(args: &[&OsStr]) -> String {
    let out = bordersim(args);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(!out.stderr.contains("error"), "{out:#?}");
    out.stdout
}

fn json_of(scenario: &Path, extra: &[&str]) -> Value {
    let mut args: Vec<&OsStr> = vec![
        "run".as_ref(),
        scenario.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    serde_json::from_str(&run_ok(&args)).expect("stdout is one JSON document")
}

fn without_performance(mut v: Value) -> Value {
    v.as_object_mut().expect("object").remove("performance");
    v
}

// ---------------------------------------------------------------------------------------
// Formats

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
const ENTITY_TYPES: [&str; 12] = [
    "system",
    "vehicles",
    "station",
    "lane_group",
    "class",
    "direction",
    "trs_interval",
    "trs_hourly",
    "pre_arrival",
    "channel",
    "economics",
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

// ---------------------------------------------------------------------------------------
// Determinism

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

// ---------------------------------------------------------------------------------------
// Output files

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn output_file_is_written_whole() {
    let dir = scratch("output");
    let file = write(&dir, "s.toml", SCENARIO);
    let report = dir.join("report.json");
    let out = bordersim([
        "run".as_ref(),
        file.as_os_str(),
        "--output".as_ref(),
        report.as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, "", "the report goes to the file, not to stdout");
    // The format follows the extension when --format is not given.
    let v: Value =
        serde_json::from_str(&fs::read_to_string(&report).expect("report")).expect("JSON");
    assert_eq!(v["scenario"], "tiny crossing");
    // An explicit --format wins, and an existing file is replaced.
    let out = bordersim([
        "run".as_ref(),
        file.as_os_str(),
        "-o".as_ref(),
        report.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        fs::read_to_string(&report)
            .expect("report")
            .starts_with("scenario,entity_type")
    );
    assert_eq!(
        entries(&dir),
        ["report.json", "s.toml"],
        "no temporary file left"
    );
}

#[test]
fn bad_input_writes_no_output_file() {
    let dir = scratch("no-output");
    let bad = write(
        &dir,
        "bad.toml",
        &scenario_with("servers = 2", "servers = 0"),
    );
    let fresh = dir.join("fresh.csv");
    let out = bordersim([
        "run".as_ref(),
        bad.as_os_str(),
        "-o".as_ref(),
        fresh.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(!fresh.exists());

    let existing = write(&dir, "existing.json", "previous results\n");
    let out = bordersim([
        "run".as_ref(),
        bad.as_os_str(),
        "-o".as_ref(),
        existing.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(
        fs::read_to_string(&existing).expect("kept"),
        "previous results\n"
    );

    let missing = dir.join("missing.toml");
    let out = bordersim([
        "run".as_ref(),
        missing.as_os_str(),
        "-o".as_ref(),
        existing.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(
        fs::read_to_string(&existing).expect("kept"),
        "previous results\n"
    );
    assert_eq!(entries(&dir), ["bad.toml", "existing.json"]);
}

#[test]
fn unwritable_output_fails_before_simulating() {
    let dir = scratch("unwritable");
    let file = write(&dir, "s.toml", SCENARIO);
    let target = dir.join("no-such-dir").join("r.json");
    let out = bordersim([
        "run".as_ref(),
        file.as_os_str(),
        "-o".as_ref(),
        target.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.starts_with("error: cannot write"), "{out:#?}");
    assert!(!target.exists());
    let out = bordersim([
        "run".as_ref(),
        file.as_os_str(),
        "-o".as_ref(),
        file.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("is the scenario file itself"),
        "{out:#?}"
    );
    assert_eq!(fs::read_to_string(&file).expect("scenario"), SCENARIO);
}

// ---------------------------------------------------------------------------------------
// Bad input: exit code 2 and a message naming the file, the field and the line.

/// Runs `run` and `validate` on `text`; both must exit 2 naming `file:line:` and `field`.
fn check_rejected(test: &str, text: &str, line: usize, field: &str) {
    let dir = scratch(test);
    let file = write(&dir, "scenario.toml", text);
    let location = format!("{}:{line}:", file.display());
    for command in ["run", "validate"] {
        let out = bordersim([command.as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 2, "{command}: {out:#?}");
        assert_eq!(out.stdout, "", "{command}: {out:#?}");
        assert!(
            out.stderr.contains(&location),
            "{command}: expected {location:?} in\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains(field),
            "{command}: expected {field:?} in\n{}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{out:#?}");
    }
}

#[test]
fn missing_file() {
    let dir = scratch("missing");
    let file = dir.join("x.toml");
    for command in ["run", "validate"] {
        let out = bordersim([command.as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert_eq!(
            out.stderr,
            format!(
                "error: cannot read scenario file '{}': No such file or directory (os error 2)\n",
                file.display()
            )
        );
    }
}

#[test]
fn directory_instead_of_file() {
    let dir = scratch("directory");
    let out = bordersim(["run".as_ref(), dir.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.starts_with("error: cannot read scenario file"),
        "{out:#?}"
    );
}

#[test]
fn empty_file() {
    check_rejected("empty", "", 1, "scenario");
}

#[test]
fn toml_syntax_error() {
    let text = scenario_with("servers = 1", "servers = = 1");
    check_rejected("syntax", &text, line_of(&text, "servers = = 1"), "");
}

#[test]
fn unknown_field() {
    let text = scenario_with("servers = 1", "severs = 1");
    check_rejected("unknown-field", &text, line_of(&text, "severs"), "severs");
}

#[test]
fn zero_rate() {
    let text = scenario_with("rate = \"30/h\"", "rate = \"0/h\"");
    check_rejected(
        "zero-rate",
        &text,
        line_of(&text, "\"0/h\""),
        "sources[1].rate",
    );
}

#[test]
fn zero_servers() {
    let text = scenario_with("servers = 2", "servers = 0");
    check_rejected(
        "zero-servers",
        &text,
        line_of(&text, "servers = 0"),
        "stations[0].servers",
    );
}

#[test]
fn probabilities_not_summing_to_one() {
    let text = scenario_with("p = 0.8", "p = 0.7");
    check_rejected(
        "probabilities",
        &text,
        line_of(&text, "routes = ["),
        "stations[0].routes",
    );
}

#[test]
fn route_to_unknown_station() {
    let text = scenario_with("to = \"secondary\"", "to = \"secondry\"");
    check_rejected(
        "unknown-station",
        &text,
        line_of(&text, "secondry"),
        "stations[0].routes[0].to",
    );
}

#[test]
fn graph_with_no_exit() {
    // Primary sends everyone to secondary, secondary sends everyone back.
    let text = scenario_with(
        "  { to = \"secondary\", p = 0.2 },\n  { to = \"exit\", p = 0.8 },\n",
        "  { to = \"secondary\", p = 1.0 },\n",
    )
    .replace(
        "mean = \"3min\" }\n",
        "mean = \"3min\" }\nroutes = [{ to = \"primary\", p = 1.0 }]\n",
    );
    check_rejected(
        "no-exit",
        &text,
        line_of(&text, "routes = ["),
        "stations[0].routes",
    );
}

#[test]
fn bad_arguments_exit_2() {
    let dir = scratch("bad-args");
    let file = write(&dir, "s.toml", SCENARIO);
    for args in [
        &["--replications", "0"][..],
        &["--threads", "0"],
        &["--format", "yaml"],
        &["--seed", "minus-one"],
        &["--bogus"],
    ] {
        let mut full: Vec<&OsStr> = vec!["run".as_ref(), file.as_os_str()];
        full.extend(args.iter().map(OsStr::new));
        let out = bordersim(&full);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(out.stderr.starts_with("error:"), "{args:?}: {out:#?}");
    }
    assert_eq!(bordersim(["frobnicate"]).code, 2);
    assert_eq!(bordersim::<[&str; 0], &str>([]).code, 2);
}

// ---------------------------------------------------------------------------------------
// validate, warnings, help

#[test]
fn validate_ok() {
    let dir = scratch("validate-ok");
    let file = write(&dir, "s.toml", SCENARIO);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.stdout,
        format!(
            "{}: ok (2 stations, 2 classes, 2 sources)\n",
            file.display()
        )
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn validate_not_ok_lists_every_error() {
    let text =
        scenario_with("servers = 2", "servers = 0").replace("rate = \"30/h\"", "rate = \"0/h\"");
    let dir = scratch("validate-bad");
    let file = write(&dir, "s.toml", &text);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("stations[0].servers"), "{out:#?}");
    assert!(out.stderr.contains("sources[1].rate"), "{out:#?}");
    assert!(out.stderr.contains("is not valid (2 problems)"), "{out:#?}");
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
fn bundled_configs_validate() {
    fn toml_files(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            // Policies are changes to a scenario, not scenarios.
            if path.ends_with("policies") {
                continue;
            }
            if path.is_dir() {
                toml_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "toml") {
                found.push(path);
            }
        }
    }
    let mut files = Vec::new();
    toml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs"),
        &mut files,
    );
    files.sort();
    assert!(!files.is_empty(), "no bundled config found");
    for file in files {
        let out = bordersim(["validate".as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 0, "{}: {out:#?}", file.display());
        assert!(out.stdout.contains(": ok ("), "{out:#?}");
    }
}

// ---------------------------------------------------------------------------------------
// Real crossing operations: two directions, lane groups, programmes, channels, full queues,
// Time Release Study output.

/// Northbound: 5 primary lanes (2 for FAST members only) with room for 5 waiting trucks
/// (then they balk), a morning peak above capacity, red-channel trucks sent to an X-ray
/// scanner that releases them. Southbound: a plain 2-booth primary that releases.
const TWO_WAY: &str = r#"# A small two-direction crossing for CLI tests.
[scenario]
name = "two-way crossing"
horizon = "2d"
warmup = "2h"
replications = 3
seed = 11

[[directions]]
id = "northbound"

[[directions]]
id = "southbound"

[[programmes]]
id = "fast"

[[classes]]
id = "truck"
programmes = { fast = 0.2, none = 0.8 }
channels = { green = 0.8, yellow = 0.15, red = 0.05 }

[[classes]]
id = "car"

[[stations]]
id = "nb-primary"
direction = "northbound"
service = { dist = "exponential", mean = "2min" }
queue_capacity = 5
when_full = "balk"
releases = true
routes = [
  { channel = "red", to = "nb-xray", p = 1.0 },
  { channels = ["green", "yellow"], to = "exit", p = 1.0 },
]

[[stations.lanes]]
id = "fast"
serves = { programmes = ["fast"] }
servers = 2

[[stations.lanes]]
id = "general"
servers = 3

[[stations]]
id = "nb-xray"
direction = "northbound"
servers = 1
service = { dist = "exponential", mean = "4min" }

[[stations]]
id = "sb-primary"
direction = "southbound"
servers = 2
releases = true
service = { dist = "exponential", mean = "1min" }

[[sources]]
id = "north"
class = "truck"
# Quiet nights, a morning peak above the 150/h the five lanes can serve.
profile = [10, 10, 10, 10, 10, 20, 60, 180, 200, 160, 100, 90,
           90, 90, 90, 90, 80, 60, 40, 30, 20, 20, 10, 10]
entry = "nb-primary"

[[sources]]
id = "south-trucks"
class = "truck"
rate = "30/h"
entry = "sb-primary"

[[sources]]
id = "south-cars"
class = "car"
rate = "20/h"
entry = "sb-primary"
"#;

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
}

// ---------------------------------------------------------------------------------------
// The per-vehicle event log

const EVENT_LOG_HEADER: &str =
    "replication,vehicle,class,programme,channel,direction,event,station,time_s";

/// Runs `scenario` with `--event-log` and `extra` arguments; returns the log's text.
fn event_log_of(dir: &Path, scenario: &Path, name: &str, extra: &[&str]) -> String {
    let log = dir.join(name);
    let mut args: Vec<&OsStr> = vec![
        "run".as_ref(),
        scenario.as_os_str(),
        "--event-log".as_ref(),
        log.as_os_str(),
        "--output".as_ref(),
        "/dev/null".as_ref(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    let out = bordersim(&args);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stderr, "", "{out:#?}");
    fs::read_to_string(&log).expect("event log")
}

#[test]
fn event_log_is_written_whole() {
    let dir = scratch("event-log");
    let file = write(&dir, "s.toml", SCENARIO);
    let text = event_log_of(&dir, &file, "events.csv", &[]);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(EVENT_LOG_HEADER));
    let mut rows = 0;
    let mut replications = std::collections::BTreeSet::new();
    // Per (replication, vehicle): the time of its last event, which never goes back.
    let mut last = std::collections::BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 9, "{line}");
        replications.insert(f[0].to_owned());
        assert!(["truck", "car"].contains(&f[2]), "{line}");
        assert_eq!((f[3], f[4], f[5]), ("none", "green", "inbound"), "{line}");
        let station_expected = !matches!(f[6], "arrive" | "exit");
        assert!(
            ["arrive", "queue", "start", "end", "exit"].contains(&f[6]),
            "{line}"
        );
        assert_eq!(
            ["primary", "secondary"].contains(&f[7]),
            station_expected,
            "{line}"
        );
        let t: f64 = f[8].parse().expect("time_s");
        assert!((0.0..=36_000.0).contains(&t), "{line}");
        let key = (
            f[0].parse::<u32>().expect("replication"),
            f[1].parse::<u64>().expect("vehicle"),
        );
        let previous = last.insert(key, t);
        assert!(previous.is_none_or(|p| p <= t), "{line}");
        rows += 1;
    }
    assert!(rows > 3 * 5 * 600, "{rows} rows");
    assert_eq!(replications.len(), 3);
    assert_eq!(entries(&dir), ["events.csv", "s.toml"], "no part file left");
}

#[test]
fn event_log_sample_is_a_deterministic_subset() {
    let dir = scratch("event-log-sample");
    let file = write(&dir, "s.toml", SCENARIO);
    let full = event_log_of(&dir, &file, "full.csv", &[]);
    let sample = event_log_of(&dir, &file, "sample.csv", &["--event-log-sample", "0.2"]);
    assert!(sample.starts_with(EVENT_LOG_HEADER));
    let (n_full, n_sample) = (full.lines().count() - 1, sample.lines().count() - 1);
    let share = n_sample as f64 / n_full as f64;
    assert!((0.1..0.3).contains(&share), "{n_sample} of {n_full} rows");
    // The sampled vehicles keep every one of their events, exactly as in the full log.
    let all: std::collections::BTreeSet<&str> = full.lines().collect();
    assert!(sample.lines().all(|l| all.contains(l)));
    // Same seed, same sample.
    let again = event_log_of(&dir, &file, "again.csv", &["--event-log-sample", "0.2"]);
    assert_eq!(sample, again);
}

#[test]
fn event_log_does_not_depend_on_threads() {
    let dir = scratch("event-log-threads");
    let file = write(&dir, "s.toml", SCENARIO);
    let args = |threads| ["--replications", "4", "--threads", threads];
    let one = event_log_of(&dir, &file, "one.csv", &args("1"));
    let two = event_log_of(&dir, &file, "two.csv", &args("2"));
    assert!(one == two, "the event log depends on the thread count");
    let sampled = |threads| {
        event_log_of(
            &dir,
            &file,
            "s.csv",
            &[&args(threads)[..], &["--event-log-sample", "0.5"]].concat(),
        )
    };
    assert!(sampled("1") == sampled("2"));
}

#[test]
fn event_log_records_balks_and_releases() {
    let dir = scratch("event-log-two-way");
    let file = write(&dir, "s.toml", TWO_WAY);
    let text = event_log_of(&dir, &file, "events.csv", &["--replications", "1"]);
    for needle in [
        ",balk,nb-primary,",
        ",release,sb-primary,",
        ",fast,",
        ",red,",
        ",southbound,",
        ",start,nb-xray,",
    ] {
        assert!(text.contains(needle), "no {needle:?} in the event log");
    }
}

#[test]
fn event_log_is_not_written_on_bad_input() {
    let dir = scratch("event-log-bad");
    let bad = write(
        &dir,
        "bad.toml",
        &scenario_with("servers = 2", "servers = 0"),
    );
    let log = dir.join("events.csv");
    let out = bordersim([
        "run".as_ref(),
        bad.as_os_str(),
        "--event-log".as_ref(),
        log.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(entries(&dir), ["bad.toml"]);

    // An event log that cannot be written is a bad argument, found before simulating.
    let good = write(&dir, "good.toml", SCENARIO);
    for (target, message) in [
        (dir.join("no-such-dir").join("e.csv"), "cannot write"),
        (good.clone(), "is the scenario file itself"),
        (dir.join("same.csv"), "both name"),
    ] {
        let out = bordersim([
            "run".as_ref(),
            good.as_os_str(),
            "--event-log".as_ref(),
            target.as_os_str(),
            "--output".as_ref(),
            dir.join("same.csv").as_os_str(),
        ]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert!(out.stderr.contains(message), "{out:#?}");
    }
    assert_eq!(entries(&dir), ["bad.toml", "good.toml"]);
    // A sample fraction without a log, or out of (0, 1], is a usage error.
    for args in [
        &["--event-log-sample", "0.5"][..],
        &["--event-log", "e.csv", "--event-log-sample", "0"],
        &["--event-log", "e.csv", "--event-log-sample", "2"],
    ] {
        let mut full: Vec<&OsStr> = vec!["run".as_ref(), good.as_os_str()];
        full.extend(args.iter().map(OsStr::new));
        let out = bordersim(&full);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
    }
    assert_eq!(entries(&dir), ["bad.toml", "good.toml"]);
}

#[cfg(target_os = "linux")]
#[test]
fn event_log_write_failure_leaves_no_part_file() {
    // /dev/full accepts the open and fails every write: the run fails (exit 1) and the part
    // files (in the temporary directory for a device) are gone.
    let dir = scratch("event-log-full");
    let file = write(&dir, "s.toml", SCENARIO);
    let parts = || -> usize {
        fs::read_dir(std::env::temp_dir())
            .expect("temp dir")
            .filter(|e| {
                let name = e.as_ref().expect("entry").file_name();
                let name = name.to_string_lossy();
                name.starts_with(".bordersim-event-log.csv.") && name.ends_with(".part")
            })
            .count()
    };
    let before = parts();
    let out = bordersim([
        "run".as_ref(),
        file.as_os_str(),
        "--event-log".as_ref(),
        "/dev/full".as_ref(),
    ]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stderr.contains("cannot write event log '/dev/full'"),
        "{out:#?}"
    );
    assert_eq!(out.stdout, "", "no report after a failed log");
    assert!(parts() <= before);
}

// ---------------------------------------------------------------------------------------
// Trace files

/// `SCENARIO` with its cars replayed from `counts/cars.csv`, relative to the scenario file.
fn traced_scenario() -> String {
    scenario_with(
        "id = \"cars\"\nclass = \"car\"\nrate = \"30/h\"\n",
        "id = \"cars\"\ntrace = \"counts/cars.csv\"\n",
    )
}

#[test]
fn missing_trace_file_is_bad_input() {
    let dir = scratch("trace-missing");
    let file = write(&dir, "s.toml", &traced_scenario());
    for command in ["run", "validate"] {
        let out = bordersim([command.as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 2, "{command}: {out:#?}");
        assert_eq!(out.stdout, "", "{out:#?}");
        assert!(out.stderr.contains("sources[1].trace"), "{out:#?}");
        assert_eq!(
            out.stderr.matches("cannot read trace file").count(),
            1,
            "{out:#?}"
        );
        assert!(
            out.stderr.contains("counts/cars.csv") && out.stderr.contains("os error"),
            "{command}: {out:#?}"
        );
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
fn validate_counts_directions() {
    let dir = scratch("two-way-validate");
    let file = write(&dir, "s.toml", TWO_WAY);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.stdout,
        format!(
            "{}: ok (3 stations, 2 classes, 3 sources, 2 directions)\n",
            file.display()
        )
    );
}

// ---------------------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------------------

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
    let csv = run_ok(&[
        "compare".as_ref(),
        base.as_os_str(),
        "--variant".as_ref(),
        same.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    assert!(csv.starts_with(
        "variant,metric,entity,baseline,variant_value,delta,ci95,relative,significant\n"
    ));
    assert_eq!(csv.lines().count(), diffs.len() + 1);
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
    for (text, location, what) in cases {
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

// ---------------------------------------------------------------------------------------
// Regions: several crossings, crossing choice, demand and trade.

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
    }
    let sides = json["trade"]["sides"].as_array().expect("sides");
    assert_eq!(sides.len(), 2);
    let balance: f64 = sides
        .iter()
        .map(|s| s["balance_per_day"].as_f64().expect("balance"))
        .sum();
    assert!(balance.abs() < 1.0, "{sides:?}");

    let table = run_ok(&["region".as_ref(), file.as_os_str()]);
    assert!(table.contains("Equilibrium: converged after"), "{table}");
    assert!(table.contains("otay_mesa_east"), "{table}");
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
}

const REGION_CROSSING: &str = r#"[scenario]
name = "x"
horizon = "1d"

[[directions]]
id = "northbound"

[[classes]]
id = "truck"

[[stations]]
id = "primary"
servers = 2
service = { dist = "exponential", mean = "2min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "20/h"
entry = "primary"
"#;

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
    write(&dir, "crossing.toml", REGION_CROSSING);
    let file = write(&dir, "region.toml", text);
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
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains(&location), "{out:#?}");
    assert!(out.stderr.contains("is not a valid region"), "{out:#?}");
}

#[test]
fn region_runs_and_validates() {
    let dir = scratch("region-ok");
    write(&dir, "crossing.toml", REGION_CROSSING);
    let file = write(&dir, "region.toml", REGION);
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
