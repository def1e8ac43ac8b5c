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
        assert!(
            ["station", "class", "system", "vehicles", "performance"].contains(&&r[1]),
            "{r:?}"
        );
        assert!(r[4].is_empty() || r[4].parse::<f64>().is_ok(), "{r:?}");
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
    assert!(
        out.stderr.contains("is not a valid scenario (2 problems)"),
        "{out:#?}"
    );
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
