//! What every test file of the `bordersim` binary shares: the small scenarios they run,
//! scratch directories, and running the binary with its exit code and output.

#![allow(
    dead_code,
    reason = "each test file uses its own part of these helpers"
)]

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// A small two-class, two-station crossing: primary (2 booths) sends 20% to secondary.
pub const SCENARIO: &str = r#"# A tiny crossing for CLI tests.
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
pub struct Scratch(pub PathBuf);

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

pub fn scratch(test: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("bordersim-cli-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch directory");
    Scratch(dir)
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write test file");
    path
}

/// `SCENARIO` with `from` (which must occur exactly once) replaced by `to`.
pub fn scenario_with(from: &str, to: &str) -> String {
    assert_eq!(
        SCENARIO.matches(from).count(),
        1,
        "{from:?} must occur once"
    );
    SCENARIO.replace(from, to)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}

#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn bordersim<I, S>(args: I) -> Outcome
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

pub fn run_ok(args: &[&OsStr]) -> String {
    let out = bordersim(args);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(!out.stderr.contains("error"), "{out:#?}");
    out.stdout
}

pub fn json_of(scenario: &Path, extra: &[&str]) -> Value {
    let mut args: Vec<&OsStr> = vec![
        "run".as_ref(),
        scenario.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    serde_json::from_str(&run_ok(&args)).expect("stdout is one JSON document")
}

pub fn without_performance(mut v: Value) -> Value {
    v.as_object_mut().expect("object").remove("performance");
    v
}

pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Northbound: 5 primary lanes (2 for FAST members only) with room for 5 waiting trucks
/// (then they balk), a morning peak above capacity, red-channel trucks sent to an X-ray
/// scanner that releases them. Southbound: a plain 2-booth primary that releases.
pub const TWO_WAY: &str = r#"# A small two-direction crossing for CLI tests.
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

/// `SCENARIO` with its cars replayed from `counts/cars.csv`, relative to the scenario file.
pub fn traced_scenario() -> String {
    scenario_with(
        "id = \"cars\"\nclass = \"car\"\nrate = \"30/h\"\n",
        "id = \"cars\"\ntrace = \"counts/cars.csv\"\n",
    )
}

/// `stderr` with the scratch directory `dir` written as `[dir]`, so that a snapshot of a
/// message does not depend on the process id or the temporary directory.
pub fn redacted(stderr: &str, dir: &Path) -> String {
    stderr.replace(&dir.display().to_string(), "[dir]")
}

/// A policy for `SCENARIO`: its secondary inspection slower (4 minutes a vehicle on average
/// instead of 3).
pub const SLOW_SECONDARY: &str = r#"[policy]
name = "slow secondary"

[[override]]
path = "stations.secondary.service"
value = { dist = "exponential", mean = "4min" }
"#;

/// A sweep study in `dir`: `SCENARIO` as `tiny.toml`, `SLOW_SECONDARY` as `slow.toml` and
/// `plan` as `plan.toml`; the plan's path.
pub fn sweep_study(dir: &Path, plan: &str) -> PathBuf {
    write(dir, "tiny.toml", SCENARIO);
    write(dir, "slow.toml", SLOW_SECONDARY);
    write(dir, "plan.toml", plan)
}

/// A crossing of a region: one northbound primary of 2 booths (2 minutes a truck), 20
/// trucks an hour of its own, one day.
pub const REGION_CROSSING: &str = r#"[scenario]
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

/// `REGION_CROSSING` as `crossing.toml` and `region` as `region.toml` in `dir`; the region
/// file's path.
pub fn region_files(dir: &Path, region: &str) -> PathBuf {
    write(dir, "crossing.toml", REGION_CROSSING);
    write(dir, "region.toml", region)
}

/// Runs `bordersim args`, asserting it succeeds.
pub fn succeeds(args: &[&str]) -> Outcome {
    let out = bordersim(args);
    assert_eq!(out.code, 0, "{args:?}: {out:#?}");
    out
}

/// Runs every shard of `count` of the sweep `plan` into `out`, then merges them in
/// `format`; the merged output.
pub fn merged_shards(plan: &str, out: &str, count: u64, format: &str) -> String {
    for i in 0..count {
        succeeds(&[
            "sweep",
            plan,
            "--out-dir",
            out,
            "--shard-index",
            &i.to_string(),
            "--shard-count",
            &count.to_string(),
        ]);
    }
    succeeds(&["merge", out, "-f", format]).stdout
}
