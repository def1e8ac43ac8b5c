//! Loader tests for real crossing operations: directions, programmes, class parameters, lane
//! groups and schedules, storage, channel routing, hour-of-day profiles and recorded traces.
//! Each case is a short edit of [`OPS`] and the diagnostics it must produce.

mod bundled;
mod population;
mod routes;
mod servers;
mod sources;
mod trace_reading;
mod trace_rows;
mod valid;
mod warnings;

use std::collections::BTreeMap;

use crate::tests::at;
use crate::{ConfigError, Diagnostic, Loaded, parse_scenario_with};

/// Two directions, a programme, lane groups with schedules, storage, channel routes, an
/// hourly profile and a trace. The snapshots show where
/// each problem lands in it.
const OPS: &str = r#"[scenario]
name = "ops"
horizon = "2d"
warmup = "1h"
start_weekday = "saturday"

[[directions]]
id = "northbound"

[[directions]]
id = "southbound"

[[programmes]]
id = "fast"

[[classes]]
id = "truck"
length_m = 20.0
priority = 0
programmes = { fast = 0.2, none = 0.8 }
channels = { green = 0.80, yellow = 0.05, red = 0.15 }
channels_by_programme = { fast = { green = 0.97, yellow = 0.02, red = 0.01 } }
random_inspection = 0.02

[[classes]]
id = "reefer"
priority = 2

[[stations]]
id = "nb-primary"
direction = "northbound"
service = { dist = "exponential", mean = "2min" }
queue_length = "2.5km"
when_full = "spillback"
routes = [
  { to = "nb-xray", p = 1, channel = "red" },
  { to = "nb-docs", p = 1, channel = "yellow" },
  { to = "exit", p = 1, channel = "green" },
]

[[stations.lanes]]
id = "general"
servers_by_hour = [2, 2, 2, 2, 2, 2, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 2, 2]
servers_by_day = { sun = [1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1] }

[[stations.lanes]]
id = "fast"
serves = { programmes = ["fast"] }
share_when_idle = true
servers = 2

[[stations]]
id = "nb-xray"
direction = "northbound"
servers = 1
service = { dist = "exponential", mean = "72s" }
releases = true

[[stations]]
id = "nb-docs"
direction = "northbound"
servers = 2
service = { dist = "exponential", mean = "10min" }
queue_capacity = 40
when_full = "balk"

[[stations]]
id = "sb-primary"
direction = "southbound"
servers = 3
service = { dist = "exponential", mean = "1min" }

[[sources]]
id = "trucks-nb"
class = "truck"
entry = "nb-primary"
profile = [4, 3, 2, 2, 3, 6, 12, 20, 28, 30, 28, 26, 24, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 5]
day_factors = [1, 1, 1, 1, 1, 0.5, 0.25]

[[sources]]
id = "reefers"
class = "reefer"
entry = "nb-primary"
rate = "3/h"

[[sources]]
id = "recorded"
trace = "arrivals.csv"
entry = { northbound = "nb-primary", southbound = "sb-primary" }
"#;

/// The trace `OPS` replays (`arrivals.csv`): rows 1-4 are on lines 2-5.
const TRACE: &str = "time,class,direction,programme
0,truck,northbound,fast
90.5,truck,southbound,
600s,reefer,northbound,none
1.5h,truck,northbound,
";

fn ops_edit(from: &str, to: &str) -> String {
    assert_eq!(OPS.matches(from).count(), 1, "{from:?} must occur once");
    OPS.replacen(from, to, 1)
}

/// Parses `input` with a reader serving `files` by name.
fn parse_with(input: &str, files: &[(&str, &str)]) -> Result<Loaded, ConfigError> {
    let files: BTreeMap<String, String> = files
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    let read = move |p: &str| {
        files
            .get(p)
            .cloned()
            .ok_or_else(|| format!("no such file: {p}"))
    };
    parse_scenario_with(input, "ops.toml", &read)
}

fn ok_ops(input: &str) -> Loaded {
    ok_trace(input, TRACE)
}

fn ok_trace(input: &str, trace: &str) -> Loaded {
    match parse_with(input, &[("arrivals.csv", trace)]) {
        Ok(loaded) => loaded,
        Err(e) => panic!("expected success, got:\n{e}"),
    }
}

/// Expects failure, with every expected substring in the rendered error.
fn check_ops(input: &str, trace: &str, expected: &[&str]) -> ConfigError {
    let err = match parse_with(input, &[("arrivals.csv", trace)]) {
        Ok(_) => panic!("expected an error for:\n{input}"),
        Err(e) => e,
    };
    let text = err.to_string();
    for e in expected {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
    err
}

/// Exactly one diagnostic, at `path` of `ops.toml` (its line: the snapshot).
fn ops_one(input: &str, path: &str, expected: &[&str]) -> Diagnostic {
    let err = check_ops(input, TRACE, expected);
    assert_eq!(err.diagnostics.len(), 1, "expected one diagnostic:\n{err}");
    let d = at(&err.diagnostics, path).clone();
    assert_eq!(d.file, "ops.toml");
    d
}

/// Exactly one diagnostic, in the trace file `arrivals.csv`, at `path` (its line: the
/// snapshot).
fn trace_one(trace: &str, path: &str, expected: &[&str]) -> Diagnostic {
    let err = check_ops(OPS, trace, expected);
    assert_eq!(err.diagnostics.len(), 1, "expected one diagnostic:\n{err}");
    let d = at(&err.diagnostics, path).clone();
    assert_eq!(d.file, "arrivals.csv");
    d
}

fn hours(day: [u32; 24]) -> Vec<u32> {
    day.to_vec()
}
