//! Messages in the user's words: serde's messages never name a type of this crate (`Raw…`)
//! or serde's vocabulary, integers out of range state the real limit, and every problem the
//! engine could find when a scenario is compiled is found (and located) in validation.

use std::path::{Path, PathBuf};

use super::{BASE, at, check_one, edit, edit_in, ok};

pub(crate) use super::every_field::{EVERY_FIELD_POLICY, EVERY_FIELD_REGION};

use crate::{apply_policy, parse_region_with, parse_scenario_with};

/// Words that must never reach a user: this crate's type names and serde's vocabulary.
pub(super) const JARGON: [&str; 13] = [
    "Raw",
    "struct ",
    "enum ",
    "invalid length",
    "sequence",
    "a map",
    "i64",
    "u64",
    "u32",
    "f64",
    "found integer `18446744073709551615`, expected an integer",
    "with 4 elements",
    "elements",
];

pub(super) fn jargon_in(text: &str) -> Option<&'static str> {
    JARGON.iter().copied().find(|j| text.contains(j))
}

/// Values of every TOML type, put in place of each value of a file in turn. `BIG` is
/// written as an integer above `i64::MAX` (TOML's own integers stop there).
pub(super) const WRONG: [&str; 11] = [
    "1",
    "2.5",
    "\"x\"",
    "true",
    "[\"sentri\"]",
    "[]",
    "[1, 2, 3, 4]",
    "{ a = 1 }",
    "{}",
    "BIG",
    "-7",
];

/// Every value of a TOML document, as (path of keys and array indices, replaced text):
/// the document re-written with that one value swapped for `wrong`.
pub(super) fn mutants(doc: &toml::Table, wrong: &str) -> Vec<String> {
    fn walk(v: &toml::Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(at.clone());
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    at.push(Step::Key(k.clone()));
                    walk(v, at, out);
                    at.pop();
                }
            }
            toml::Value::Array(a) => {
                // An array of plain values (24 hourly counts): its first stands for all.
                let plain = a.iter().all(|v| !v.is_table() && !v.is_array());
                let take = if plain { a.len().min(1) } else { a.len() };
                for (i, v) in a.iter().enumerate().take(take) {
                    at.push(Step::Index(i));
                    walk(v, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let root = toml::Value::Table(doc.clone());
    let mut paths = Vec::new();
    walk(&root, &mut Vec::new(), &mut paths);
    let replacement: toml::Value = if wrong == "BIG" {
        toml::Value::String("__BIG__".into())
    } else {
        toml::from_str::<toml::Table>(&format!("v = {wrong}")).unwrap()["v"].clone()
    };
    paths
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut root = root.clone();
            let mut v = &mut root;
            for step in &p {
                v = match (step, v) {
                    (Step::Key(k), toml::Value::Table(t)) => t.get_mut(k).unwrap(),
                    (Step::Index(i), toml::Value::Array(a)) => &mut a[*i],
                    _ => unreachable!(),
                };
            }
            *v = replacement.clone();
            toml::to_string(&root)
                .unwrap()
                .replace("\"__BIG__\"", "18446744073709551615")
        })
        .collect()
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

pub(super) fn configs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs")
}

fn reader(dir: PathBuf) -> impl Fn(&str) -> Result<String, String> {
    move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string())
}

/// Every message a file's mutants produce, each checked for jargon.
pub(super) fn scan(
    name: &str,
    text: &str,
    load: &dyn Fn(&str) -> Result<(), crate::ConfigError>,
) -> usize {
    let doc: toml::Table = toml::from_str(text).unwrap();
    let mut messages = 0;
    for wrong in WRONG {
        for mutant in mutants(&doc, wrong) {
            let Err(e) = load(&mutant) else { continue };
            for d in &e.diagnostics {
                messages += 1;
                if let Some(j) = jargon_in(&d.message) {
                    panic!(
                        "{name}, a value replaced by {wrong}: `{j}` in the message\n{d}\n\
                         of the file\n{mutant}"
                    );
                }
            }
        }
    }
    messages
}

/// One scenario with every field of the schema (each form where a field has several), so
/// that the scan reaches every table and every key.
pub(crate) const EVERY_FIELD: &str = r#"
[scenario]
name = "every field"
horizon = "2d"
warmup = "1h"
replications = 2
seed = 3
start_weekday = "tue"
max_in_system = 500000
series_bin = "30 min"
detection = { documentary_check = 0.03, targeted_inspection = 0.06, random_inspection = 0.01 }

[[directions]]
id = "in"
description = "inbound"

[[directions]]
id = "out"

[[programmes]]
id = "fast"
description = "trusted traders"

[[classes]]
id = "truck"
description = "trucks"
length_m = 20.0
priority = 1
programmes = { fast = 0.2, none = 0.8 }
channels = { green = 0.8, yellow = 0.1, red = 0.1 }
channels_by_programme = { fast = { green = 0.9, yellow = 0.05, red = 0.05 } }
random_inspection = 0.01
value_of_time_per_h = 20.0
pre_lodged_share = 0.5
pre_lodged_release_on_arrival = false
pre_lodged_directions = ["in"]
resource_cost_per_h = 91.27
cargo_value_per_vehicle = 50000.0
cargo_time_cost_share_per_day = 0.006
idle_emissions = "heavy_duty_diesel_truck"
idle_co2_g_per_h = 8000.0
idle_nox_g_per_h = 30.0
idle_pm25_g_per_h = 1.0
patience = { dist = "exponential", mean = "30min" }
patience_at = ["primary"]

[[classes]]
id = "car"

[[stations]]
id = "primary"
direction = "in"
description = "booths"
service = { dist = "lognormal", mean = "2min", cv = 0.5 }
service_by_class = { car = { dist = "gamma", mean = "1min", cv = 0.3 } }
service_by_programme = { fast = { dist = "triangular", min = "20s", mode = "30s", max = "1min" } }
queue_capacity = 50
when_full = "spillback"
pre_lodged = 0.5
service_factor_by_programme = { fast = 0.8 }
staff_cost_per_lane_h = 60.0
routes = [
  { to = "docs", p = 1, class = "truck", programme = "fast", channel = "yellow" },
  { to = "xray", p = 1, classes = ["truck"], programmes = ["none", "fast"], channels = ["red"] },
  { to = "exit", p = 1 },
]

[[stations.lanes]]
id = "general"
description = "everyone"
servers_by_hour = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1]
service_factor_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
initial_queue = 3
initial_queue_class = "truck"
servers_by_day = { sun = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }

[[stations.lanes]]
id = "fast"
serves = { class = "truck", programme = "fast" }
share_when_idle = true
servers = 1
queue_capacity = 10
when_full = "balk"
staff_cost_per_lane_h = 80.0

[[stations.lanes]]
id = "flex"
serves = { classes = ["truck", "car"], programmes = ["none"] }
servers = 1
queue_length = "200m"
lane_rule = { min_wait = "5min", max_wait = "20min", min_lanes = 1, max_lanes = 3, review = "15min" }

[[stations]]
id = "docs"
direction = "in"
servers = 1
merged_into = "xray"
service = { dist = "empirical", values = ["1min", "2min", "3min"] }

[[stations]]
id = "xray"
direction = "in"
releases = true
servers = 2
joint_service_factor = 0.9
queue_length = "1km"
when_full = "balk"
pre_lodged = "skip"
lane_rule = { min_wait = "5min", max_wait = "20min", max_lanes = 4 }
service = { dist = "sum", scale = 0.9, parts = [
  { dist = "uniform", min = "1min", max = "2min" },
  { dist = "deterministic", value = "30s" },
] }

[[stations]]
id = "out-booth"
direction = "out"
servers_by_hour = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1]
servers_by_day = { sat = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], mon = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1], tue = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1], wed = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1], thu = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1], fri = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1] }
service_factor_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
initial_queue = 3
initial_queue_class = "car"
service = { dist = "exponential", mean = "1min" }

[[sources]]
id = "trucks"
class = "truck"
entry = "primary"
profile = [5, 5, 5, 5, 5, 5, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 5, 5, 5]
day_factors = [1, 1, 1, 1, 1, 0.5, 0.5]

[[sources]]
id = "cars"
class = "car"
rate = "10/h"
entry = "primary"

[[sources]]
id = "recorded"
trace = "t.csv"
start = "2024-03-05"
entry = { in = "primary", out = "out-booth" }

[[scenario.events]]
kind = "outage"
description = "a booth fails"
station = "primary"
lane_group = "general"
lanes = 1
from = "day 1 10:00"
to = "day 1 12:00"

[[scenario.events]]
kind = "demand"
factor = 1.4
classes = ["truck"]
from = "10h"
to = "14h"

[[scenario.events]]
kind = "schedule"
station = "out-booth"
day = 2
servers_by_hour = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]

[[scenario.events]]
kind = "slowdown"
station = "xray"
factor = 2
from = "day 1 08:00"
to = "day 1 09:00"

[[scenario.events]]
kind = "closure"
station = "out-booth"
from = "day 1 03:00"
to = "day 1 04:00"

[[scenario.appointments]]
id = "slots"
description = "booked arrival slots"
station = "primary"
class = "truck"
programme = "fast"
share = 0.5
slot = "30min"
capacity = 6
horizon = "2d"
waiting_area = 50
when_full = "balk"
value_of_time_per_hour = 30.0

[[scenario.appointments]]
id = "by-hour"
station = "primary"
class = "truck"
share = 0.2
capacity_by_hour = [1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1]
"#;

pub(super) const EVERY_FIELD_TRACE: &str =
    "time,class,direction,programme\n0,truck,in,fast\n60,car,out,\n";

/// Each value of a scenario with every field, of the bundled scenarios that hold tables the
/// first lacks, of bundled policies and of a region, replaced by a value of each wrong type:
/// no message names an internal type or speaks serde.
#[test]
fn no_message_names_an_internal_type() {
    let root = configs();
    let trace = |_: &str| Ok(EVERY_FIELD_TRACE.to_owned());
    crate::parse_scenario_with(EVERY_FIELD, "s.toml", &trace).unwrap_or_else(|e| panic!("{e}"));
    let mut messages = scan("every field", EVERY_FIELD, &|t| {
        parse_scenario_with(t, "s.toml", &trace).map(drop)
    });
    for file in [
        "bench/mm4.toml",
        "examples/trace_replay.toml",
        "regions/crossings/chirundu.toml",
    ] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let read = reader(path.parent().unwrap().to_owned());
        messages += scan(file, &text, &|t| {
            parse_scenario_with(t, "s.toml", &read).map(drop)
        });
    }
    for (policy, baseline) in [
        (
            "trusted_trader_lanes.toml",
            "commercial_truck_crossing.toml",
        ),
        ("one_stop_border_post.toml", "osbp_corridor_crossing.toml"),
    ] {
        let text = std::fs::read_to_string(root.join("policies").join(policy)).unwrap();
        let base = std::fs::read_to_string(root.join("examples").join(baseline)).unwrap();
        messages += scan(policy, &text, &|t| {
            apply_policy(&base, t, "p.toml").map(drop)
        });
    }
    let text = std::fs::read_to_string(root.join("regions/corridor_osbp.toml")).unwrap();
    let read = reader(root.join("regions"));
    messages += scan("corridor_osbp.toml", &text, &|t| {
        parse_region_with(t, "r.toml", &read).map(drop)
    });
    // The scan saw thousands of messages (it would pass vacuously on none).
    assert!(messages > 2000, "{messages}");
}

/// A booth with a lane group for SENTRI cars, its `serves` written as an array.
const SENTRI: &str = r#"[scenario]
name = "t"
horizon = "1d"

[[programmes]]
id = "sentri"

[[classes]]
id = "car"
programmes = { sentri = 0.2, none = 0.8 }

[[stations]]
id = "booths"
service = { dist = "exponential", mean = "1min" }

[[stations.lanes]]
id = "sentri"
serves = { programme = "sentri" }
servers = 1

[[stations.lanes]]
id = "general"
servers = 2

[[sources]]
id = "cars"
class = "car"
rate = "60/h"
entry = "booths"
"#;

#[test]
fn an_array_where_a_table_belongs_names_the_field_and_an_example() {
    let d = check_one(
        &edit_in(
            SENTRI,
            "serves = { programme = \"sentri\" }",
            "serves = [\"sentri\"]",
        ),
        "stations[0].lanes[0].serves",
        &[],
    );
    assert_eq!(
        d.message,
        "wrong type: found an array of 1 value, expected a table; write e.g. serves = { \
         programmes = [\"sentri\"] } (keys class, classes, programme, programmes)"
    );
    let d = check_one(
        &edit(
            "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
            "service = []",
        ),
        "stations[1].service",
        &[],
    );
    assert_eq!(
        d.message,
        "wrong type: found an array of 0 values, expected a table; write e.g. service = { \
         dist = \"exponential\", mean = \"2min\" }"
    );
}

#[test]
fn a_policy_table_of_the_wrong_type_says_a_table() {
    for (policy, path, expected) in [
        (
            "policy = []\n",
            "policy",
            "wrong type: found an array of 0 values, expected a table; write the [policy] \
             header with its keys on the lines below",
        ),
        (
            "policy = 5\n",
            "policy",
            "wrong type: found integer `5`, expected a table",
        ),
    ] {
        let err = apply_policy(BASE, policy, "p.toml").unwrap_err();
        assert_eq!(err.diagnostics.len(), 1, "{err}");
        let d = at(&err.diagnostics, path);
        assert_eq!(d.message, expected);
    }
}

#[test]
fn integers_out_of_range_state_the_real_limit() {
    for (from, to, path, expected) in [
        (
            "servers = 1\n",
            "servers = 1\nqueue_capacity = 18446744073709551615\n",
            "stations[1].queue_capacity",
            "wrong value: 18446744073709551615 is too large; `queue_capacity` takes at most \
             4294967295 vehicles",
        ),
        (
            "servers = 1\n",
            "servers = 1\nqueue_capacity = 5000000000\n",
            "stations[1].queue_capacity",
            "queue_capacity must be at most 4294967295 vehicles, got 5000000000; omit it for an \
             unlimited queue",
        ),
        (
            "servers = 1\n",
            "servers = 18446744073709551615\n",
            "stations[1].servers",
            "wrong value: 18446744073709551615 is too large; `servers` takes at most 4294967295 \
             servers",
        ),
        (
            "warmup = \"1h\"\n",
            "warmup = \"1h\"\nseed = 18446744073709551615\nreplications = 18446744073709551615\n",
            "scenario.replications",
            "wrong value: 18446744073709551615 is too large; `replications` takes at most \
             4294967295 replications",
        ),
    ] {
        let d = check_one(&edit(from, to), path, &[]);
        assert_eq!(d.message, expected);
    }
}

#[test]
fn service_parameters_the_sampler_cannot_use_are_found_in_validation() {
    let exp = "service = { dist = \"exponential\", mean = \"2min\" }";
    for (service, expected) in [
        (
            "service = { dist = \"gamma\", mean = \"2min\", cv = 1e-160 }",
            "cv = 1e-160 with mean = 120000 ms gives a gamma with shape 1/cv² = more than the largest number (1.8e308) and scale \
             mean·cv² = 0 ms; both must be positive finite numbers (use a cv between 1e-150 and \
             1e150, or 0 for a constant time)",
        ),
        (
            "service = { dist = \"gamma\", mean = \"2min\", cv = 1e300 }",
            "cv = 1e300 with mean = 120000 ms gives a gamma with shape 1/cv² = 0 and scale \
             mean·cv² = more than the largest number (1.8e308) ms; both must be positive finite numbers (use a cv between 1e-150 \
             and 1e150, or 0 for a constant time)",
        ),
        (
            "service = { dist = \"lognormal\", mean = \"2min\", cv = 1e308 }",
            "cv = 1e308 is too large for a lognormal: ln(1 + cv²) is not a finite number (use \
             a cv below 1e150)",
        ),
        (
            "service = { dist = \"triangular\", min = \"0s\", mode = \"0s\", max = \"1e300ms\" }",
            "the range 0 to 1e300 ms is too wide to draw from (keep max − min below 1e150 ms)",
        ),
    ] {
        let d = check_one(&edit(exp, service), "stations[0].service", &[]);
        assert_eq!(d.message, expected);
    }
    // In a part of a sum, the part's path.
    let d = check_one(
        &edit(
            exp,
            "service = { dist = \"sum\", parts = [{ dist = \"gamma\", mean = \"2min\", cv = \
             1e300 }] }",
        ),
        "stations[0].service.parts[0]",
        &["shape 1/cv² = 0"],
    );
    assert_eq!(d.line, 15);
    // A cv of 1e-160 is a usable lognormal: the mean every time.
    ok(&edit(
        exp,
        "service = { dist = \"lognormal\", mean = \"2min\", cv = 1e-160 }",
    ));
}

/// The same input inside a region's crossing file: the region does not validate, and the
/// problem is located in the crossing file.
#[test]
fn service_parameters_in_a_region_crossing_are_found_in_validation() {
    let root = configs().join("regions");
    let text = std::fs::read_to_string(root.join("corridor_osbp.toml")).unwrap();
    let read = move |p: &str| {
        let t = std::fs::read_to_string(root.join(p)).map_err(|e| e.to_string())?;
        Ok(if p == "crossings/chirundu.toml" {
            t.replacen(
                "service = { dist = \"lognormal\", mean = \"15min\", cv = 0.6 }",
                "service = { dist = \"gamma\", mean = \"15min\", cv = 1e-160 }",
                1,
            )
        } else {
            t
        })
    };
    let err = parse_region_with(&text, "corridor_osbp.toml", &read).unwrap_err();
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    let d = &err.diagnostics[0];
    assert!(d.file.ends_with("chirundu.toml"), "{d}");
    // The line of the edited service, wherever the crossing file's header puts it.
    let crossing =
        std::fs::read_to_string(configs().join("regions/crossings/chirundu.toml")).expect("reads");
    let line = 1 + crossing
        .lines()
        .position(|l| l.contains("service = { dist = \"lognormal\", mean = \"15min\", cv = 0.6 }"))
        .expect("the edited line");
    assert_eq!(
        (d.path.as_str(), d.line),
        ("stations[0].service", line),
        "{d}"
    );
    assert!(
        d.message
            .starts_with("cv = 1e-160 with mean = 900000 ms gives a gamma"),
        "{d}"
    );
}

#[test]
fn durations_take_exponents_as_rates_do() {
    let s = ok(&edit("mean = \"2min\"", "mean = \"1.2e2s\"")).scenario;
    assert_eq!(
        s.crossing.station(bordersim_model::StationId(0)).service[0],
        Some(bordersim_model::ServiceDist::Exponential { mean_ms: 120_000.0 })
    );
    let s = ok(&edit("horizon = \"1d\"", "horizon = \"2.4e1h\"")).scenario;
    assert_eq!(s.horizon, bordersim_des::SimTime::from_hours(24));
    let s = ok(&edit("rate = \"30/h\"", "rate = \"3e1/h\"")).scenario;
    assert_eq!(
        s.crossing.sources()[0].arrivals,
        bordersim_model::Arrivals::Poisson {
            class: bordersim_model::ClassId(0),
            rate_per_hour: 30.0
        }
    );
}

/// A two-way crossing replaying a trace dated from Friday 1 March 2024.
const DATED: &str = r#"[scenario]
name = "t"
horizon = "3d"
start_weekday = "friday"

[[directions]]
id = "in"

[[directions]]
id = "out"

[[classes]]
id = "truck"

[[stations]]
id = "a"
direction = "in"
servers = 1
service = { dist = "exponential", mean = "1min" }

[[stations]]
id = "b"
direction = "out"
servers = 1
service = { dist = "exponential", mean = "1min" }

[[sources]]
id = "recorded"
trace = "t.csv"
start = "2024-03-01"
entry = { in = "a", out = "b" }
"#;

fn with_trace(scenario: &str, trace: &str) -> Result<crate::Loaded, crate::ConfigError> {
    let trace = trace.to_owned();
    let read = move |_: &str| Ok(trace.clone());
    parse_scenario_with(scenario, "t.toml", &read)
}

/// Every arrival time of every source, in seconds, in source order.
fn times_s(loaded: &crate::Loaded) -> Vec<Vec<f64>> {
    loaded
        .scenario
        .crossing
        .sources()
        .iter()
        .map(|s| match &s.arrivals {
            bordersim_model::Arrivals::Trace { arrivals } => arrivals
                .iter()
                .map(|a| a.time.as_millis() as f64 / 1000.0)
                .collect(),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn trace_times_as_dates_and_clock_times() {
    let trace = "time,class,direction\n\
                 2024-03-01T06:15:00,truck,in\n\
                 2024-03-01 06:15:30,truck,out\n\
                 06:16:00,truck,in\n\
                 2024-03-02T00:00:00,truck,in\n\
                 2024-03-02,truck,out\n\
                 2024-03-02T23:59:59.5,truck,in\n\
                 50:00:00,truck,in\n";
    let loaded = with_trace(DATED, trace).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        times_s(&loaded),
        vec![
            vec![22_500.0, 22_560.0, 86_400.0, 172_799.5, 180_000.0],
            vec![22_530.0, 86_400.0],
        ]
    );
    // Across a leap day: 2024-02-29 exists, 2023-02-29 does not.
    let leap = edit_in(
        &edit_in(DATED, "start = \"2024-03-01\"", "start = \"2024-02-28\""),
        "start_weekday = \"friday\"",
        "start_weekday = \"wednesday\"",
    );
    let loaded = with_trace(
        &leap,
        "time,class,direction\n2024-03-01T00:00:00,truck,in\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(times_s(&loaded), vec![vec![2.0 * 86_400.0]]);
}

#[test]
fn trace_dates_need_a_start_date_on_the_right_weekday() {
    let undated = edit_in(DATED, "start = \"2024-03-01\"\n", "");
    let err = with_trace(
        &undated,
        "time,class,direction\n2024-03-01 06:15:00,truck,in\n",
    )
    .unwrap_err();
    let d = at(&err.diagnostics, "row 1, column time");
    assert_eq!(
        d.message,
        "`2024-03-01 06:15:00` is a date and time, but the source gives no `start` date to \
         count it from; add start = \"2024-03-01\" (the date whose midnight is time zero) to \
         the trace's [[sources]] entry"
    );
    for (start, weekday, expected) in [
        (
            "2024-03-01",
            "monday",
            "2024-03-01 is a Friday, but the scenario starts on a Monday (`start_weekday` in \
             [scenario]); set start_weekday = \"friday\" so that schedules and profiles line \
             up with the trace's dates",
        ),
        (
            "2023-02-29",
            "friday",
            "`2023-02-29` is not a date: month 2 of 2023 has 28 days; write the date whose \
             midnight is time zero as YYYY-MM-DD, e.g. start = \"2024-03-01\"",
        ),
        (
            "1 March 2024",
            "friday",
            "`1 March 2024` is not a date; write the date whose midnight is time zero as \
             YYYY-MM-DD, e.g. start = \"2024-03-01\"",
        ),
    ] {
        let input = edit_in(
            &edit_in(
                DATED,
                "start = \"2024-03-01\"",
                &format!("start = \"{start}\""),
            ),
            "start_weekday = \"friday\"",
            &format!("start_weekday = \"{weekday}\""),
        );
        let err = with_trace(&input, "time,class,direction\n0,truck,in\n").unwrap_err();
        assert_eq!(err.diagnostics.len(), 1, "{err}");
        assert_eq!(at(&err.diagnostics, "sources[0].start").message, expected);
    }
    for (time, expected) in [
        (
            "2024-02-29T23:00:00",
            "`2024-02-29T23:00:00` is before the source's start date; time zero is midnight of \
             the `start` date",
        ),
        (
            "2024-03-01T06:15:00Z",
            "`2024-03-01T06:15:00Z` has a time zone; write local times without one (e.g. \
             2024-03-01T06:15:00)",
        ),
        (
            "2024-03-01T25:00:00",
            "`2024-03-01T25:00:00`: the time of day must be before 24:00:00",
        ),
        (
            "06:75:00",
            "`06:75:00` is not a time of day: minutes and seconds are two digits below 60; \
             write seconds from time zero (e.g. 23400), a duration with a unit (e.g. \"6.5h\"), \
             a clock time from midnight of time zero (e.g. 06:30:00), or a date and time (e.g. \
             2024-03-01T06:30:00) with the source's `start` date",
        ),
    ] {
        let err =
            with_trace(DATED, &format!("time,class,direction\n{time},truck,in\n")).unwrap_err();
        let d = at(&err.diagnostics, "row 1, column time");
        assert_eq!(d.message, expected);
    }
    // `start` belongs to a trace only.
    let d = check_one(
        &edit("rate = \"30/h\"", "rate = \"30/h\"\nstart = \"2024-03-01\""),
        "sources[0].start",
        &[],
    );
    assert_eq!(
        d.message,
        "`start` dates the rows of a recorded `trace`, but this source has a `rate`; remove \
         `start`"
    );
}

/// Lines ending in a lone CR (old Mac tools) read as lines, comments included, with the
/// lines and columns of the file.
#[test]
fn traces_with_cr_line_endings() {
    let lf = "# recorded\ntime,class,direction\n0,truck,in\n60,truck,out\n";
    let cr = lf.replace('\n', "\r");
    let crlf = lf.replace('\n', "\r\n");
    let expected = times_s(&with_trace(DATED, lf).unwrap());
    assert_eq!(expected, vec![vec![0.0], vec![60.0]]);
    assert_eq!(times_s(&with_trace(DATED, &cr).unwrap()), expected);
    assert_eq!(times_s(&with_trace(DATED, &crlf).unwrap()), expected);
    // A problem is located on its line.
    let bad = "# recorded\rtime,class,direction\r0,truck,in\r60,lorry,out\r";
    let err = with_trace(DATED, bad).unwrap_err();
    let d = at(&err.diagnostics, "row 2, column class");
    assert_eq!((d.line, d.column), (4, 4), "{d}");
}

#[test]
fn random_inspection_without_a_red_route_is_warned() {
    let input = edit(
        "id = \"truck\"\n",
        "id = \"truck\"\nrandom_inspection = 0.02\n",
    );
    let loaded = ok(&input);
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let d = at(&loaded.warnings, "classes[0].random_inspection");
    assert_eq!(
        d.message,
        "random_inspection = 0.02 selects truck vehicles for physical inspection (the red \
         channel), but no route they meet is filtered on the red channel, so the selected \
         vehicles go where everyone goes and nobody is inspected; add a route such as { channel \
         = \"red\", to = \"<inspection station>\", p = 1 } or remove random_inspection"
    );
    // With a red-channel route, no warning.
    let routed = edit_in(
        &input,
        "  { to = \"xray\", p = 0.15 },\n  { to = \"exit\", p = 0.85 },",
        "  { channel = \"red\", to = \"xray\", p = 1 },\n  { to = \"exit\", p = 1 },",
    );
    assert!(ok(&routed).warnings.is_empty());
    // A red route for cars only does not inspect trucks.
    let cars_only = edit_in(
        &input,
        "  { to = \"xray\", p = 0.15 },\n  { to = \"exit\", p = 0.85 },",
        "  { channel = \"red\", class = \"car\", to = \"xray\", p = 1 },\n  { to = \"exit\", p = 1 },",
    );
    let warnings = ok(&cars_only).warnings;
    assert!(
        warnings
            .iter()
            .any(|w| w.path == "classes[0].random_inspection"),
        "{warnings:?}"
    );
}

/// A trace with an entry per direction is one source of the file, though the model holds
/// one per direction.
#[test]
fn sources_are_counted_as_written() {
    let loaded = with_trace(DATED, "time,class,direction\n0,truck,in\n1,truck,out\n").unwrap();
    assert_eq!(loaded.scenario.crossing.sources().len(), 2);
    assert_eq!(crate::source_count(DATED), Some(1));
    assert_eq!(crate::source_count(BASE), Some(2));
    assert_eq!(crate::source_count("[scenario]\nname = \"x\"\n"), Some(0));
    assert_eq!(crate::source_count("sources = 3\n"), None);
}

#[test]
fn a_wrong_start_date_is_one_error_not_one_per_dated_row() {
    // Three dated rows; a start on the wrong weekday, or not a date at all: the one root
    // error at `start`, no row reported as lacking a start.
    let trace = "time,class,direction\n2024-03-01 06:15:00,truck,in\n\
                 2024-03-01 07:00:00,truck,out\n2024-03-02T08:00:00,truck,in\n";
    for (start, weekday) in [
        ("2024-03-01", "monday"),
        ("2024-03-04", "friday"),
        ("1 March 2024", "friday"),
        ("2023-02-29", "friday"),
    ] {
        let input = edit_in(
            &edit_in(
                DATED,
                "start = \"2024-03-01\"",
                &format!("start = \"{start}\""),
            ),
            "start_weekday = \"friday\"",
            &format!("start_weekday = \"{weekday}\""),
        );
        let err = with_trace(&input, trace).unwrap_err();
        assert_eq!(err.diagnostics.len(), 1, "{start}, {weekday}:\n{err}");
        assert_eq!(err.diagnostics[0].path, "sources[0].start", "{err}");
    }
}
