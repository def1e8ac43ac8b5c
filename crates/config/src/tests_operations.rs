//! Loader tests for real crossing operations: directions, programmes, class parameters, lane
//! groups and schedules, storage, channel routing, hour-of-day profiles and recorded traces.
//! Each case is a short edit of [`OPS`] and the diagnostics it must produce.

use std::collections::BTreeMap;
use std::path::Path;

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, Channel, ClassId, CompiledScenario, DirectionId, HOURS_PER_WEEK, LaneSchedule,
    ProgrammeId, RateProfile, StationId, StorageLimit, Target, TraceArrival, WhenFull,
    run_replication,
};

use crate::tests::{BASE, at, ok};
use crate::{ConfigError, Diagnostic, Loaded, parse_scenario, parse_scenario_with};

/// Two directions, a programme, lane groups with schedules, storage, channel routes, an
/// hourly profile and a trace. Its line numbers are the ones the assertions use.
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

/// Exactly one diagnostic, at `path` and `line` of `ops.toml`.
fn ops_one(input: &str, path: &str, line: usize, expected: &[&str]) -> Diagnostic {
    let err = check_ops(input, TRACE, expected);
    assert_eq!(err.diagnostics.len(), 1, "expected one diagnostic:\n{err}");
    let d = at(&err.diagnostics, path, line).clone();
    assert_eq!(d.file, "ops.toml");
    d
}

/// Exactly one diagnostic, in the trace file `arrivals.csv`, at `path` and `line`.
fn trace_one(trace: &str, path: &str, line: usize, expected: &[&str]) -> Diagnostic {
    let err = check_ops(OPS, trace, expected);
    assert_eq!(err.diagnostics.len(), 1, "expected one diagnostic:\n{err}");
    let d = at(&err.diagnostics, path, line).clone();
    assert_eq!(d.file, "arrivals.csv");
    d
}

fn hours(day: [u32; 24]) -> Vec<u32> {
    day.to_vec()
}

// ---------------------------------------------------------------------------------------
// Valid files
// ---------------------------------------------------------------------------------------

#[test]
fn operations_load_into_model_types() {
    let loaded = ok_ops(OPS);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.scenario;
    assert_eq!(s.start_weekday, 5);
    let pop = s.population();
    let ids = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        pop.directions
            .iter()
            .map(|d| d.id.clone())
            .collect::<Vec<_>>(),
        ids(vec!["northbound", "southbound"])
    );
    assert_eq!(
        pop.programmes
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>(),
        ids(vec!["none", "fast"])
    );
    let truck = &pop.classes[0];
    assert_eq!(truck.length_m, 20.0);
    assert_eq!(truck.priority, 0);
    assert_eq!(truck.programme_shares, vec![0.8, 0.2]);
    assert_eq!(
        truck.channel_probabilities,
        vec![[0.80, 0.05, 0.15], [0.97, 0.02, 0.01]]
    );
    assert_eq!(truck.random_inspection, 0.02);
    let reefer = &pop.classes[1];
    assert_eq!(reefer.length_m, 10.0);
    assert_eq!(reefer.priority, 2);
    assert_eq!(reefer.programme_shares, vec![1.0, 0.0]);
    assert_eq!(reefer.channel_probabilities, vec![[1.0, 0.0, 0.0]; 2]);

    let st = s.crossing.stations();
    let primary = &st[0];
    assert_eq!(primary.direction, DirectionId(0));
    assert_eq!(st[3].direction, DirectionId(1));
    assert_eq!(primary.lanes.len(), 2);
    let general = &primary.lanes[0];
    assert_eq!(general.id, "general");
    assert!(general.serves.is_any());
    assert!(!general.share_when_idle);
    let LaneSchedule::Weekly(week) = &general.schedule else {
        panic!("{:?}", general.schedule);
    };
    let mut day = [6u32; 24];
    day[..6].fill(2);
    day[22..].fill(2);
    let mut sunday = [3u32; 24];
    sunday[..6].fill(1);
    sunday[22..].fill(1);
    for d in 0..6 {
        assert_eq!(week[d * 24..(d + 1) * 24].to_vec(), hours(day), "day {d}");
    }
    assert_eq!(week[6 * 24..].to_vec(), hours(sunday));
    assert_eq!(week.len(), HOURS_PER_WEEK);
    let fast = &primary.lanes[1];
    assert_eq!(fast.serves.programmes, Some(vec![ProgrammeId(1)]));
    assert_eq!(fast.serves.classes, None);
    assert!(fast.share_when_idle);
    assert_eq!(fast.schedule, LaneSchedule::Constant(2));
    assert_eq!(primary.storage.limit, StorageLimit::Metres(2500.0));
    assert_eq!(primary.storage.when_full, WhenFull::Spillback);
    assert!(!primary.releases);
    let channels: Vec<_> = primary
        .routes
        .iter()
        .map(|r| (r.when.channels.clone(), r.to))
        .collect();
    assert_eq!(
        channels,
        vec![
            (Some(vec![Channel::Red]), Target::Station(StationId(1))),
            (Some(vec![Channel::Yellow]), Target::Station(StationId(2))),
            (Some(vec![Channel::Green]), Target::Exit),
        ]
    );
    assert!(st[1].releases);
    assert_eq!(st[2].storage.limit, StorageLimit::Vehicles(40));
    assert_eq!(st[2].storage.when_full, WhenFull::Balk);
    assert_eq!(st[3].storage.limit, StorageLimit::Unlimited);
    assert_eq!(st[3].lanes[0].schedule, LaneSchedule::Constant(3));

    let src = s.crossing.sources();
    assert_eq!(
        src.len(),
        4,
        "the trace splits into one source per direction"
    );
    let mut profile = [0.0; 24];
    for (h, v) in [
        4, 3, 2, 2, 3, 6, 12, 20, 28, 30, 28, 26, 24, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 5,
    ]
    .into_iter()
    .enumerate()
    {
        profile[h] = f64::from(v);
    }
    assert_eq!(
        src[0].arrivals,
        Arrivals::Profile {
            class: ClassId(0),
            profile: RateProfile {
                hourly_per_hour: profile,
                day_factors: [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.25],
            }
        }
    );
    assert_eq!(
        src[1].arrivals,
        Arrivals::Poisson {
            class: ClassId(1),
            rate_per_hour: 3.0
        }
    );
    assert_eq!(src[2].id, "recorded/northbound");
    assert_eq!(src[2].entry, StationId(0));
    assert_eq!(
        src[2].arrivals,
        Arrivals::Trace {
            arrivals: vec![
                TraceArrival {
                    time: SimTime::ZERO,
                    class: ClassId(0),
                    programme: Some(ProgrammeId(1)),
                },
                TraceArrival {
                    time: SimTime::from_secs(600),
                    class: ClassId(1),
                    programme: Some(ProgrammeId(0)),
                },
                TraceArrival {
                    time: SimTime::from_secs(5400),
                    class: ClassId(0),
                    programme: None,
                },
            ]
        }
    );
    assert_eq!(src[3].id, "recorded/southbound");
    assert_eq!(src[3].entry, StationId(3));
    assert_eq!(
        src[3].arrivals,
        Arrivals::Trace {
            arrivals: vec![TraceArrival {
                time: SimTime::from_millis(90_500),
                class: ClassId(0),
                programme: None,
            }]
        }
    );
    assert_eq!(s.crossing.source_direction(3), DirectionId(1));
}

#[test]
fn issue_two_files_get_the_defaults() {
    let s = ok(BASE).scenario;
    assert_eq!(s.start_weekday, 0);
    let pop = s.population();
    assert_eq!(pop.directions.len(), 1);
    assert_eq!(pop.directions[0].id, "inbound");
    assert_eq!(pop.programmes.len(), 1);
    assert_eq!(pop.programmes[0].id, "none");
    for class in &pop.classes {
        assert_eq!(class.length_m, 10.0);
        assert_eq!(class.priority, 0);
        assert_eq!(class.programme_shares, vec![1.0]);
        assert_eq!(class.channel_probabilities, vec![[1.0, 0.0, 0.0]]);
        assert_eq!(class.random_inspection, 0.0);
    }
    for st in s.crossing.stations() {
        assert_eq!(st.direction, DirectionId(0));
        assert_eq!(st.lanes.len(), 1);
        assert!(st.lanes[0].serves.is_any());
        assert!(matches!(st.lanes[0].schedule, LaneSchedule::Constant(_)));
        assert_eq!(st.storage.limit, StorageLimit::Unlimited);
        assert!(!st.releases);
    }
    // The same file through the reader-taking entry point: identical.
    let read = |_: &str| -> Result<String, String> { panic!("no file is read") };
    let again = parse_scenario_with(BASE, "test.toml", &read)
        .unwrap()
        .scenario;
    assert_eq!(again.crossing.stations(), s.crossing.stations());
}

#[test]
fn one_declared_direction_needs_no_station_direction() {
    let input = crate::tests::edit(
        "[[classes]]\nid = \"truck\"",
        "[[directions]]\nid = \"eastbound\"\n\n[[classes]]\nid = \"truck\"",
    );
    let s = ok(&input).scenario;
    assert_eq!(s.population().directions[0].id, "eastbound");
    assert!(
        s.crossing
            .stations()
            .iter()
            .all(|st| st.direction == DirectionId(0))
    );
}

#[test]
fn start_weekday_forms() {
    for (written, day) in [("monday", 0), ("Sunday", 6), ("tue", 1), ("FRI", 4)] {
        let s = ok_ops(&ops_edit(
            "start_weekday = \"saturday\"",
            &format!("start_weekday = \"{written}\""),
        ))
        .scenario;
        assert_eq!(s.start_weekday, day, "{written}");
    }
    let d = ops_one(
        &ops_edit("\"saturday\"", "\"satruday\""),
        "scenario.start_weekday",
        5,
        &[
            "unknown day `satruday`",
            "did you mean `saturday`?",
            "`monday`",
        ],
    );
    assert_eq!(d.column, 17);
}

#[test]
fn schedule_shorthands() {
    // `servers_by_hour` on the station: one group for everyone on a daily schedule.
    let input = ops_edit(
        "servers = 3\nservice = { dist = \"exponential\", mean = \"1min\" }",
        "servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1]\nservice = { dist = \"exponential\", mean = \"1min\" }",
    );
    let s = ok_ops(&input).scenario;
    let mut day = [1u32; 24];
    day[8..20].fill(4);
    assert_eq!(
        s.crossing.stations()[3].lanes[0].schedule,
        LaneSchedule::daily(day)
    );
    assert_eq!(s.crossing.stations()[3].lanes[0].id, "lanes");
    // `servers_by_day` overrides some days of a constant `servers`.
    let input = ops_edit(
        "servers = 3\nservice",
        "servers = 3\nservers_by_day = { sat = [0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }\nservice",
    );
    let s = ok_ops(&input).scenario;
    let LaneSchedule::Weekly(week) = &s.crossing.stations()[3].lanes[0].schedule else {
        panic!()
    };
    assert!(week[..5 * 24].iter().all(|&n| n == 3));
    assert_eq!(week[5 * 24 + 7..5 * 24 + 9].to_vec(), vec![0, 2]);
    assert!(week[6 * 24..].iter().all(|&n| n == 3));
    // All seven days given: no base needed.
    let day = "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]";
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|d| format!("{d} = {day}"))
        .join(", ");
    let input = ops_edit(
        "servers = 3\nservice",
        &format!("servers_by_day = {{ {days} }}\nservice"),
    );
    let s = ok_ops(&input).scenario;
    assert_eq!(s.crossing.stations()[3].max_servers(), 1);
}

#[test]
fn filters_in_every_form() {
    let input = ops_edit(
        "  { to = \"exit\", p = 1, channel = \"green\" },\n",
        "  { to = \"exit\", p = 1, channels = [\"green\"], programmes = [\"none\", \"fast\"] },\n",
    );
    let input = input.replacen(
        "serves = { programmes = [\"fast\"] }",
        "serves = { classes = [\"truck\", \"reefer\"], programme = \"fast\" }",
        1,
    );
    let s = ok_ops(&input).scenario;
    let primary = &s.crossing.stations()[0];
    assert_eq!(
        primary.routes[2].when.programmes,
        Some(vec![ProgrammeId(0), ProgrammeId(1)])
    );
    assert_eq!(
        primary.lanes[1].serves.classes,
        Some(vec![ClassId(0), ClassId(1)])
    );
    assert_eq!(
        primary.lanes[1].serves.programmes,
        Some(vec![ProgrammeId(1)])
    );
}

// ---------------------------------------------------------------------------------------
// Traces: reading
// ---------------------------------------------------------------------------------------

#[test]
fn a_trace_needs_a_file_reader() {
    let err = parse_scenario(OPS, "ops.toml").unwrap_err();
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    let d = at(&err.diagnostics, "sources[2].trace", 88);
    assert!(d.message.contains("trace files need a file reader"), "{d}");
    assert!(d.message.contains("parse_scenario_with"), "{d}");
    assert_eq!(d.column, 9);
}

#[test]
fn an_unreadable_trace_is_located_at_its_field() {
    let err = parse_with(OPS, &[]).unwrap_err();
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    let d = at(&err.diagnostics, "sources[2].trace", 88);
    assert_eq!(
        d.message,
        "cannot read trace file `arrivals.csv`: no such file: arrivals.csv"
    );
}

#[test]
fn trace_problems_name_the_file_beside_the_scenario() {
    let read = |_: &str| Ok("time,class\nsoon,truck\n".to_owned());
    let err = parse_scenario_with(OPS, "configs/x/ops.toml", &read).unwrap_err();
    let expected = Path::new("configs/x")
        .join("arrivals.csv")
        .display()
        .to_string();
    assert_eq!(err.diagnostics[0].file, expected);
    assert!(
        err.to_string()
            .starts_with(&format!("{expected}:2:1: row 1, column time: "))
    );
}

#[test]
fn trace_columns_in_any_order_with_comments_and_spaces() {
    let trace = "# recorded at the plaza\nprogramme, time ,class\n,0,truck\nfast, 1h ,truck\n";
    let input = ops_edit(
        "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
        "entry = \"nb-primary\"",
    );
    let s = ok_trace(&input, trace).scenario;
    let src = &s.crossing.sources()[2];
    assert_eq!(src.id, "recorded");
    assert_eq!(
        src.arrivals,
        Arrivals::Trace {
            arrivals: vec![
                TraceArrival {
                    time: SimTime::ZERO,
                    class: ClassId(0),
                    programme: None
                },
                TraceArrival {
                    time: SimTime::from_hours(1),
                    class: ClassId(0),
                    programme: Some(ProgrammeId(1))
                },
            ]
        }
    );
}

// ---------------------------------------------------------------------------------------
// Traces: bad rows
// ---------------------------------------------------------------------------------------

#[test]
fn trace_with_a_malformed_time() {
    let trace = TRACE.replace("90.5,", "1:30,");
    let d = trace_one(
        &trace,
        "row 2, column time",
        3,
        &[
            "arrivals.csv:3:1: row 2, column time:",
            "seconds from time zero",
        ],
    );
    assert_eq!(d.column, 1);
    let trace = TRACE.replace("90.5,", "soon,");
    trace_one(&trace, "row 2, column time", 3, &["`soon` is not a time"]);
    let trace = TRACE.replace("90.5,", "-5,");
    trace_one(&trace, "row 2, column time", 3, &["`-5` is negative"]);
    let trace = TRACE.replace("90.5,", ",");
    trace_one(&trace, "row 2, column time", 3, &["the time is empty"]);
}

#[test]
fn trace_with_unknown_names() {
    let d = trace_one(
        &TRACE.replace("600s,reefer", "600s,lorry"),
        "row 3, column class",
        4,
        &["unknown class `lorry`", "known classes: `truck`, `reefer`"],
    );
    assert_eq!(d.column, 6);
    let d = trace_one(
        &TRACE.replace("0,truck,northbound,fast", "0,truck,northbound,fats"),
        "row 1, column programme",
        2,
        &["unknown programme `fats` (did you mean `fast`?)"],
    );
    assert_eq!(d.column, 20);
    trace_one(
        &TRACE.replace("90.5,truck,southbound", "90.5,truck,soutbound"),
        "row 2, column direction",
        3,
        &["unknown direction `soutbound` (did you mean `southbound`?)"],
    );
}

#[test]
fn trace_with_unsorted_times() {
    let trace = TRACE.replace("1.5h,", "60,");
    let d = trace_one(
        &trace,
        "row 4, column time",
        5,
        &["time `60` is earlier than row 3's `600s`", "sorted by time"],
    );
    assert_eq!(d.column, 1);
}

#[test]
fn trace_with_a_wrong_number_of_fields() {
    let trace = TRACE.replace("600s,reefer,northbound,none", "600s,reefer,northbound");
    trace_one(
        &trace,
        "row 3",
        4,
        &[
            "arrivals.csv:4:1: row 3: 3 fields, but the header has 4 (`time`, `class`, `direction`, `programme`)",
        ],
    );
}

#[test]
fn trace_header_problems() {
    let err = check_ops(
        OPS,
        &TRACE.replace(
            "time,class,direction,programme",
            "class,tme,direction,programme",
        ),
        &[
            "arrivals.csv:1:7: header: unknown column `tme` (did you mean `time`?)",
            "arrivals.csv:1:1: header: the header has no `time` column",
        ],
    );
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    let err = check_ops(
        OPS,
        &TRACE.replace(
            "time,class,direction,programme",
            "when,class,direction,programme",
        ),
        &["unknown column `when`", "the header has no `time` column"],
    );
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    trace_one(
        &TRACE.replace(
            "time,class,direction,programme",
            "time,class,class,programme",
        ),
        "header",
        1,
        &["column `class` appears twice"],
    );
    trace_one("", "", 1, &["the trace file is empty", "header row"]);
    trace_one(
        "time,class\n",
        "",
        2,
        &["the trace has a header but no arrivals"],
    );
}

#[test]
fn trace_rows_and_entries_by_direction() {
    // With `entry` per direction, every row names its direction.
    trace_one(
        &TRACE.replace("90.5,truck,southbound,", "90.5,truck,,"),
        "row 2, column direction",
        3,
        &["no direction: source `recorded` enters at a station per direction"],
    );
    // A direction without an entry station.
    let input = ops_edit(
        "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
        "entry = { northbound = \"nb-primary\" }",
    );
    let err = check_ops(
        &input,
        TRACE,
        &["direction `southbound` has no entry station: add southbound = \"<station>\""],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    at(&err.diagnostics, "row 2, column direction", 3);
    // A single entry: rows of the other direction do not fit.
    let input = ops_edit(
        "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
        "entry = \"nb-primary\"",
    );
    let err = check_ops(
        &input,
        TRACE,
        &[
            "direction `southbound`, but source `recorded` enters at station `nb-primary`, which serves `northbound`",
        ],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    // ... but rows without a direction do.
    let s = ok_trace(&input, "time,class\n0,truck\n5,reefer\n").scenario;
    assert_eq!(s.crossing.sources().len(), 3);
}

#[test]
fn trace_entry_table_problems() {
    ops_one(
        &ops_edit(
            "{ northbound = \"nb-primary\", southbound = \"sb-primary\" }",
            "{ northbound = \"nb-primary\", southbound = \"nb-xray\" }",
        ),
        "sources[2].entry.southbound",
        89,
        &["station `nb-xray` serves direction `northbound`, not `southbound`"],
    );
    ops_one(
        &ops_edit(
            "southbound = \"sb-primary\" }",
            "sothbound = \"sb-primary\" }",
        ),
        "sources[2].entry.sothbound",
        89,
        &["unknown direction `sothbound` (did you mean `southbound`?)"],
    );
    ops_one(
        &ops_edit(
            "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
            "entry = {}",
        ),
        "sources[2].entry",
        89,
        &["`entry` is an empty table"],
    );
    ops_one(
        &ops_edit(
            "entry = \"nb-primary\"\nrate",
            "entry = { northbound = \"nb-primary\" }\nrate",
        ),
        "sources[1].entry",
        83,
        &["a table of entry stations by direction is only for a `trace`"],
    );
}

#[test]
fn many_bad_rows_are_capped() {
    let mut trace = String::from("time,class\n");
    for _ in 0..25 {
        trace.push_str("x,truck\n");
    }
    let input = ops_edit(
        "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
        "entry = \"nb-primary\"",
    );
    let err = check_ops(&input, &trace, &["5 more problems in this file not shown"]);
    assert_eq!(err.diagnostics.len(), 21, "{err}");
}

#[test]
fn scenario_problems_come_before_trace_problems() {
    let input = ops_edit("mean = \"72s\"", "mean = \"72\"");
    let err = check_ops(&input, &TRACE.replace("600s,reefer", "600s,lorry"), &[]);
    let files: Vec<&str> = err.diagnostics.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, vec!["ops.toml", "arrivals.csv"], "{err}");
}

// ---------------------------------------------------------------------------------------
// Sources: rate, profile, trace
// ---------------------------------------------------------------------------------------

const PROFILE: &str = "profile = [4, 3, 2, 2, 3, 6, 12, 20, 28, 30, 28, 26, 24, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 5]";

#[test]
fn profile_without_24_values() {
    let d = ops_one(
        &ops_edit(PROFILE, "profile = [4, 3, 2]"),
        "sources[0].profile",
        77,
        &[
            "needs 24 values, the vehicles per hour in each hour of the day",
            "got 3",
        ],
    );
    assert_eq!(d.column, 11);
}

#[test]
fn profile_with_a_negative_value() {
    let d = ops_one(
        &ops_edit(PROFILE, &PROFILE.replace("6, 12", "-6, 12")),
        "sources[0].profile[5]",
        77,
        &["the rate at 05:00-06:00 (vehicles per hour) must be zero or positive, got -6"],
    );
    assert_eq!(d.column, 27);
    ops_one(
        &ops_edit(PROFILE, &format!("profile = [{}]", ["0"; 24].join(", "))),
        "sources[0].profile",
        77,
        &["every value is 0, so the source sends no vehicles"],
    );
}

#[test]
fn day_factors_without_7_values() {
    ops_one(
        &ops_edit(
            "day_factors = [1, 1, 1, 1, 1, 0.5, 0.25]",
            "day_factors = [1, 1, 1, 1, 1, 0.5]",
        ),
        "sources[0].day_factors",
        78,
        &["needs 7 values, multipliers of the profile for Monday to Sunday, got 6"],
    );
    ops_one(
        &ops_edit("0.5, 0.25]", "0.5, -1]"),
        "sources[0].day_factors[6]",
        78,
        &["the factor for Sunday must be zero or positive, got -1"],
    );
    ops_one(
        &ops_edit(
            "rate = \"3/h\"",
            "rate = \"3/h\"\nday_factors = [1, 1, 1, 1, 1, 1, 1]",
        ),
        "sources[1].day_factors",
        85,
        &["`day_factors` multiply an hour-of-day `profile`, but this source has a `rate`"],
    );
}

#[test]
fn exactly_one_of_rate_profile_and_trace() {
    ops_one(
        &ops_edit("rate = \"3/h\"", &format!("rate = \"3/h\"\n{PROFILE}")),
        "sources[1].profile",
        85,
        &[
            "give only one of `rate` (Poisson), `profile` (hour-of-day rates) and `trace`",
            "has `rate` and `profile`",
        ],
    );
    ops_one(
        &ops_edit("rate = \"3/h\"", "rate = \"3/h\"\ntrace = \"arrivals.csv\""),
        "sources[1].trace",
        85,
        &["has `rate` and `trace`"],
    );
    ops_one(
        &ops_edit("rate = \"3/h\"\n", ""),
        "sources[1].rate",
        80,
        &[
            "missing required field `rate`",
            "profile = [24 values]",
            "trace = \"arrivals.csv\"",
        ],
    );
}

#[test]
fn class_with_and_without_a_trace() {
    ops_one(
        &ops_edit(
            "trace = \"arrivals.csv\"",
            "trace = \"arrivals.csv\"\nclass = \"truck\"",
        ),
        "sources[2].class",
        89,
        &["a trace gives each vehicle's class in its `class` column"],
    );
    ops_one(
        &ops_edit("class = \"reefer\"\n", ""),
        "sources[1].class",
        80,
        &["missing required field `class`"],
    );
}

// ---------------------------------------------------------------------------------------
// Stations: servers, schedules, lanes
// ---------------------------------------------------------------------------------------

const GENERAL_HOURS: &str =
    "servers_by_hour = [2, 2, 2, 2, 2, 2, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 2, 2]";

#[test]
fn schedule_with_negative_lanes() {
    let d = ops_one(
        &ops_edit(
            GENERAL_HOURS,
            &GENERAL_HOURS.replacen("2, 2, 6", "2, -1, 6", 1),
        ),
        "stations[0].lanes[0].servers_by_hour[5]",
        43,
        &[
            "-1 open servers at 05:00-06:00",
            "cannot be negative (0 closes the lanes for that hour)",
        ],
    );
    assert_eq!(d.column, 35);
}

#[test]
fn schedule_without_24_values() {
    ops_one(
        &ops_edit(GENERAL_HOURS, "servers_by_hour = [2, 6]"),
        "stations[0].lanes[0].servers_by_hour",
        43,
        &[
            "needs 24 values, the open servers in each hour of the day from midnight",
            "got 2",
        ],
    );
    ops_one(
        &ops_edit("sun = [1, 1, 1, 1, 1, 1, 3,", "sun = [1, 3,"),
        "stations[0].lanes[0].servers_by_day.sun",
        44,
        &["needs 24 values", "got 19"],
    );
    ops_one(
        &ops_edit("servers_by_day = { sun", "servers_by_day = { sunday"),
        "stations[0].lanes[0].servers_by_day.sunday",
        44,
        &["unknown field `sunday`", "expected one of `mon`, `tue`"],
    );
}

#[test]
fn servers_by_day_needs_a_base_for_the_other_days() {
    ops_one(
        &ops_edit(&format!("{GENERAL_HOURS}\n"), ""),
        "stations[0].lanes[0].servers_by_day",
        43,
        &[
            "overrides some days of `servers` or `servers_by_hour`, but neither is given",
            "(mon, tue, wed, thu, fri, sat)",
        ],
    );
}

#[test]
fn servers_and_lanes_together() {
    ops_one(
        &ops_edit(
            "queue_length = \"2.5km\"",
            "queue_length = \"2.5km\"\nservers = 4",
        ),
        "stations[0].servers",
        34,
        &[
            "give either `servers` (one group of lanes serving everyone) or [[stations.lanes]] (lane groups), not both",
        ],
    );
    ops_one(
        &ops_edit(
            "servers = 3\n",
            "servers = 3\nservers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n",
        ),
        "stations[3].servers_by_hour",
        71,
        &["give either `servers` (always open) or `servers_by_hour`"],
    );
    ops_one(
        &ops_edit(
            "servers = 2\n\n[[stations]]\nid = \"nb-xray\"",
            "servers = 2\nservers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n\n[[stations]]\nid = \"nb-xray\"",
        ),
        "stations[0].lanes[1].servers_by_hour",
        51,
        &["not both"],
    );
    ops_one(
        &ops_edit(
            "servers = 2\n\n[[stations]]\nid = \"nb-xray\"",
            "\n[[stations]]\nid = \"nb-xray\"",
        ),
        "stations[0].lanes[1].servers",
        46,
        &[
            "missing required field `servers`",
            "servers_by_hour = [24 values]",
        ],
    );
    ops_one(
        &ops_edit(
            "servers = 2\n\n[[stations]]\nid = \"nb-xray\"",
            "servers = 0\n\n[[stations]]\nid = \"nb-xray\"",
        ),
        "stations[0].lanes[1].servers",
        50,
        &[
            "a lane group needs at least 1 server",
            "use servers_by_hour",
        ],
    );
}

#[test]
fn lane_group_serving_unknown_names() {
    let d = ops_one(
        &ops_edit(
            "serves = { programmes = [\"fast\"] }",
            "serves = { classes = [\"lorry\"] }",
        ),
        "stations[0].lanes[1].serves.classes[0]",
        48,
        &["unknown class `lorry`; known classes: `truck`, `reefer`"],
    );
    assert_eq!(d.column, 23);
    ops_one(
        &ops_edit("programmes = [\"fast\"] }", "programmes = [\"fats\"] }"),
        "stations[0].lanes[1].serves.programmes[0]",
        48,
        &["unknown programme `fats` (did you mean `fast`?); known programmes: `none`, `fast`"],
    );
    ops_one(
        &ops_edit(
            "serves = { programmes = [\"fast\"] }",
            "serves = { programmes = [] }",
        ),
        "stations[0].lanes[1].serves.programmes",
        48,
        &["`programmes` is empty; omit it to serve every programme"],
    );
    ops_one(
        &ops_edit(
            "serves = { programmes = [\"fast\"] }",
            "serves = { channel = \"red\" }",
        ),
        "stations[0].lanes[1].serves.channel",
        48,
        &["unknown field `channel`", "`programmes`"],
    );
}

#[test]
fn lane_group_ids() {
    ops_one(
        &ops_edit("id = \"fast\"\nserves", "id = \"general\"\nserves"),
        "stations[0].lanes[1].id",
        47,
        &["duplicate lane group id `general`: lanes[0] of this station already uses it"],
    );
    ops_one(
        &ops_edit("servers = 3\n", "lanes = []\n"),
        "stations[3].lanes",
        70,
        &["`lanes` is empty"],
    );
}

#[test]
fn no_lane_for_some_vehicles() {
    // Only the FAST group left: trucks in no programme and reefers have no lane.
    let input = ops_edit(
        &format!(
            "[[stations.lanes]]\nid = \"general\"\n{GENERAL_HOURS}\nservers_by_day = {{ sun = [1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1] }}\n\n"
        ),
        "",
    );
    let input = input.replace("share_when_idle = true", "share_when_idle = false");
    let err = check_ops(&input, TRACE, &[]);
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    let d = at(&err.diagnostics, "stations[0].lanes", 41);
    assert!(
        d.message.starts_with("no lane group of station `nb-primary` serves class `truck` in programme `none`, class `reefer` in programme `none`"),
        "{d}"
    );
    assert!(d.message.contains("share_when_idle = true"), "{d}");
    // A group that shares when idle serves them.
    ok_ops(&input.replace("share_when_idle = false", "share_when_idle = true"));
}

#[test]
fn station_that_never_opens() {
    let zeros = format!("servers_by_hour = [{}]", ["0"; 24].join(", "));
    ops_one(
        &ops_edit("servers = 3\n", &format!("{zeros}\n")),
        "stations[3].servers_by_hour",
        70,
        &["station `sb-primary` never has an open server: every hour of `servers_by_hour` is 0"],
    );
}

// ---------------------------------------------------------------------------------------
// Stations: directions, storage, routes
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_or_missing_direction() {
    let d = ops_one(
        &ops_edit("direction = \"southbound\"", "direction = \"soutbound\""),
        "stations[3].direction",
        69,
        &[
            "unknown direction `soutbound` (did you mean `southbound`?); known directions: `northbound`, `southbound`",
        ],
    );
    assert_eq!(d.column, 13);
    ops_one(
        &ops_edit("direction = \"southbound\"\n", ""),
        "stations[3].direction",
        67,
        &[
            "missing `direction`: this file declares 2 directions (`northbound`, `southbound`)",
            "direction = \"northbound\"",
        ],
    );
}

#[test]
fn route_across_directions() {
    ops_one(
        &ops_edit(
            "{ to = \"exit\", p = 1, channel = \"green\" }",
            "{ to = \"sb-primary\", p = 1, channel = \"green\" }",
        ),
        "stations[0].routes[2].to",
        38,
        &[
            "station `nb-primary` serves direction `northbound`, but this route leads to `sb-primary`, which serves `southbound`",
        ],
    );
}

#[test]
fn route_filters_by_programme_and_channel() {
    ops_one(
        &ops_edit("channel = \"red\" }", "channel = \"amber\" }"),
        "stations[0].routes[0].channel",
        36,
        &[
            "unknown value `amber`",
            "expected one of `green`, `yellow`, `red`",
        ],
    );
    ops_one(
        &ops_edit(
            "channel = \"red\" }",
            "channel = \"red\", channels = [\"red\"] }",
        ),
        "stations[0].routes[0].channels",
        36,
        &["give either `channel` or `channels`, not both"],
    );
    ops_one(
        &ops_edit(
            "channel = \"red\" }",
            "channel = \"red\", programme = \"fsat\" }",
        ),
        "stations[0].routes[0].programme",
        36,
        &["unknown programme `fsat` (did you mean `fast`?)"],
    );
    // Probabilities are checked per channel.
    ops_one(
        &ops_edit(
            "{ to = \"nb-xray\", p = 1, channel = \"red\" }",
            "{ to = \"nb-xray\", p = 0.5, channel = \"red\" }",
        ),
        "stations[0].routes",
        35,
        &[
            "probabilities of the routes for channel `red` (routes[0]) sum to 0.5, not 1",
            "add the missing 0.5",
        ],
    );
    ops_one(
        &ops_edit(
            "p = 1, channel = \"yellow\" }",
            "p = 0.5, channel = \"yellow\", programme = \"fast\" }",
        ),
        "stations[0].routes",
        35,
        &["the routes for programme `fast`, channel `yellow` (routes[1]) sum to 0.5"],
    );
}

#[test]
fn queue_storage() {
    ops_one(
        &ops_edit(
            "queue_length = \"2.5km\"",
            "queue_length = \"2.5km\"\nqueue_capacity = 100",
        ),
        "stations[0].queue_length",
        33,
        &[
            "give either `queue_capacity` (vehicles) or `queue_length`",
            "not both",
        ],
    );
    ops_one(
        &ops_edit("\"2.5km\"", "\"2.5 miles\""),
        "stations[0].queue_length",
        33,
        &["unknown unit `miles`; lengths are metric (units: m, km)"],
    );
    ops_one(
        &ops_edit("\"2.5km\"", "\"2500\""),
        "stations[0].queue_length",
        33,
        &["has no unit; write e.g. \"2500m\""],
    );
    ops_one(
        &ops_edit("queue_capacity = 40", "queue_capacity = 0"),
        "stations[2].queue_capacity",
        64,
        &["queue_capacity must be at least 1 vehicle, got 0"],
    );
    ops_one(
        &ops_edit("servers = 3\n", "servers = 3\nwhen_full = \"balk\"\n"),
        "stations[3].when_full",
        71,
        &["the queue is unlimited", "add `queue_capacity`"],
    );
    ops_one(
        &ops_edit("when_full = \"balk\"", "when_full = \"blak\""),
        "stations[2].when_full",
        65,
        &[
            "unknown value `blak` (did you mean `balk`?)",
            "`spillback`, `balk`",
        ],
    );
    // Storage must hold one vehicle of the longest class (20 m trucks).
    ops_one(
        &ops_edit("\"2.5km\"", "\"15m\""),
        "stations[0].queue_length",
        33,
        &[
            "queue storage of station `nb-primary`: 15 m cannot hold even one vehicle of the longest class (20 m)",
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Directions, programmes, classes
// ---------------------------------------------------------------------------------------

#[test]
fn programme_none_is_built_in() {
    ops_one(
        &ops_edit(
            "[[programmes]]\nid = \"fast\"",
            "[[programmes]]\nid = \"fast\"\n\n[[programmes]]\nid = \"none\"",
        ),
        "programmes[1].id",
        17,
        &["`none` is built in", "must not be declared"],
    );
    ops_one(
        &ops_edit(
            "[[directions]]\nid = \"southbound\"",
            "[[directions]]\nid = \"southbound\"\n\n[[directions]]\nid = \"northbound\"",
        ),
        "directions[2].id",
        14,
        &["duplicate direction id `northbound`: directions[0] (line 8) already uses it"],
    );
}

#[test]
fn programme_shares_must_sum_to_one() {
    let d = ops_one(
        &ops_edit("fast = 0.2, none = 0.8", "fast = 0.2, none = 0.7"),
        "classes[0].programmes",
        20,
        &["programme shares sum to 0.9, not 1"],
    );
    assert_eq!(d.column, 14);
    ops_one(
        &ops_edit("fast = 0.2, none = 0.8", "fast = 0.2"),
        "classes[0].programmes",
        20,
        &["sum to 0.2, not 1; vehicles in no programme are not implied: add none = 0.8"],
    );
    ops_one(
        &ops_edit("fast = 0.2, none = 0.8", "fast = 1.2, none = 0"),
        "classes[0].programmes.fast",
        20,
        &["the share of programme `fast` must be between 0 and 1, got 1.2"],
    );
    // 0.1 + 0.2 + 0.7 is not exactly 1 in floating point: tolerated.
    ok_ops(
        &ops_edit(
            "[[programmes]]\nid = \"fast\"",
            "[[programmes]]\nid = \"fast\"\n[[programmes]]\nid = \"aeo\"",
        )
        .replace(
            "fast = 0.2, none = 0.8",
            "fast = 0.1, aeo = 0.2, none = 0.7",
        ),
    );
}

#[test]
fn unknown_programme_names_in_a_class() {
    let d = ops_one(
        &ops_edit("fast = 0.2, none = 0.8", "fsat = 0.2, none = 0.8"),
        "classes[0].programmes.fsat",
        20,
        &["unknown programme `fsat` (did you mean `fast`?)"],
    );
    assert_eq!(d.column, 16, "points at the key");
    ops_one(
        &ops_edit(
            "channels_by_programme = { fast",
            "channels_by_programme = { sentri",
        ),
        "classes[0].channels_by_programme.sentri",
        22,
        &["unknown programme `sentri`; known programmes: `none`, `fast`"],
    );
}

#[test]
fn channel_probabilities_must_sum_to_one() {
    let d = ops_one(
        &ops_edit("red = 0.15 }", "red = 0.1 }"),
        "classes[0].channels",
        21,
        &["channel probabilities sum to 0.95 (green 0.8 + yellow 0.05 + red 0.1), not 1"],
    );
    assert_eq!(d.column, 12);
    ops_one(
        &ops_edit("red = 0.01 }", "red = 0.02 }"),
        "classes[0].channels_by_programme.fast",
        22,
        &["sum to 1.01 (green 0.97 + yellow 0.02 + red 0.02), not 1"],
    );
    ops_one(
        &ops_edit("green = 0.80,", "green = 1.5,"),
        "classes[0].channels.green",
        21,
        &["the probability of the green channel must be between 0 and 1, got 1.5"],
    );
    ops_one(
        &ops_edit("red = 0.15 }", "red = 0.15, blue = 0 }"),
        "classes[0].channels.blue",
        21,
        &["unknown field `blue`", "`green`, `yellow`, `red`"],
    );
    // Channels left out have probability 0.
    let s = ok_ops(&ops_edit(
        "channels = { green = 0.80, yellow = 0.05, red = 0.15 }",
        "channels = { green = 0.85, red = 0.15 }",
    ))
    .scenario;
    assert_eq!(
        s.population().classes[0].channel_probabilities[0],
        [0.85, 0.0, 0.15]
    );
}

#[test]
fn class_parameters_in_range() {
    ops_one(
        &ops_edit("length_m = 20.0", "length_m = 0"),
        "classes[0].length_m",
        18,
        &["length_m must be positive", "got 0"],
    );
    ops_one(
        &ops_edit("priority = 2", "priority = 256"),
        "classes[1].priority",
        27,
        &["priority must be between 0 and 255", "got 256"],
    );
    ops_one(
        &ops_edit("priority = 2", "priority = -1"),
        "classes[1].priority",
        27,
        &["got -1"],
    );
    ops_one(
        &ops_edit("random_inspection = 0.02", "random_inspection = 2"),
        "classes[0].random_inspection",
        23,
        &["random_inspection is a probability", "got 2"],
    );
}

// ---------------------------------------------------------------------------------------
// Warnings
// ---------------------------------------------------------------------------------------

#[test]
fn unstable_station_with_a_schedule() {
    let input = ops_edit(
        "servers = 3\nservice = { dist = \"exponential\", mean = \"1min\" }",
        "servers_by_hour = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]\nservice = { dist = \"exponential\", mean = \"1min\" }",
    );
    // 1,200 trucks in the 2-day horizon: 25/h, 1 min each, on 1/3 of a server on average.
    let trace = "time,class,direction\n".to_owned()
        + &(0..1200)
            .map(|i| format!("{},truck,southbound\n", i * 60))
            .collect::<String>();
    let loaded = ok_trace(&input, &trace);
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = at(&loaded.warnings, "stations[3].servers_by_hour", 70);
    assert!(w.message.starts_with("unstable: offered load"), "{w}");
    assert!(
        w.message
            .contains("0.3 servers open on average over the week"),
        "{w}"
    );
    assert!(
        w.message
            .contains("needs at least 1 server open on average, faster service"),
        "{w}"
    );
}

#[test]
fn vehicles_whose_lanes_never_open_are_a_warning() {
    let zeros = format!("servers_by_hour = [{}]", ["0"; 24].join(", "));
    let input = ops_edit(
        "servers = 2\n\n[[stations]]\nid = \"nb-xray\"",
        &format!("{zeros}\n\n[[stations]]\nid = \"nb-xray\""),
    )
    .replace("share_when_idle = true", "share_when_idle = false")
    .replace(
        "[[stations.lanes]]\nid = \"general\"\n",
        "[[stations.lanes]]\nid = \"general\"\nserves = { programme = \"none\" }\n",
    );
    let loaded = ok_ops(&input);
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = at(&loaded.warnings, "stations[0].lanes", 41);
    assert!(
        w.message.starts_with("vehicles of class `truck` in programme `fast` reach station `nb-primary`, but every lane group that serves them is closed at every hour"),
        "{w}"
    );
}

#[test]
fn trace_rows_outside_the_run_are_a_warning() {
    let loaded = ok_trace(OPS, &(TRACE.to_owned() + "3d,truck,northbound,\n"));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = at(&loaded.warnings, "sources[2].trace", 88);
    assert!(
        w.message
            .starts_with("1 of the trace's 5 arrivals come at or after the horizon (2d)"),
        "{w}"
    );
    let loaded = ok_trace(&ops_edit("warmup = \"1h\"", "warmup = \"3h\""), TRACE);
    let w = at(&loaded.warnings, "sources[2].trace", 88);
    assert!(
        w.message
            .starts_with("the trace ends at 90min, before the warm-up (3h) does"),
        "{w}"
    );
}

// ---------------------------------------------------------------------------------------
// Bundled examples
// ---------------------------------------------------------------------------------------

fn example(file: &str) -> Loaded {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/examples");
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    parse_scenario_with(&text, file, &read).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn commercial_example_has_the_cited_operations() {
    let s = example("commercial_truck_crossing.toml").scenario;
    let pop = s.population();
    assert_eq!(pop.directions.len(), 2);
    let loaded = &pop.classes[s.class_id("loaded").unwrap().index()];
    // FAST share within 6-22.5%; NII referral (red, with random selection) ~15%.
    let fast = pop.programme_id("fast").unwrap().index();
    assert!((0.06..=0.225).contains(&loaded.programme_shares[fast]));
    let red: f64 = loaded
        .programme_shares
        .iter()
        .zip(&loaded.channel_probabilities)
        .map(|(share, ch)| share * (ch[2] + (1.0 - ch[2]) * loaded.random_inspection))
        .sum();
    assert!((red - 0.15).abs() < 0.01, "{red}");
    let primary = s.crossing.station(s.station_id("nb-primary").unwrap());
    let fast_lanes = primary.lanes.iter().find(|g| g.id == "fast").unwrap();
    assert_eq!(
        fast_lanes.serves.programmes,
        Some(vec![ProgrammeId(fast as u8)])
    );
    assert!(!fast_lanes.share_when_idle);
    // Some lanes close at night.
    let night = SimTime::from_hours(2);
    let noon = SimTime::from_hours(12);
    let open = |t| -> u32 {
        primary
            .lanes
            .iter()
            .map(|g| g.schedule.servers_at(t, 0))
            .sum()
    };
    assert!(open(night) < open(noon));
    assert_eq!(primary.storage.when_full, WhenFull::Spillback);
    assert!(matches!(primary.storage.limit, StorageLimit::Metres(_)));
    assert!(
        s.crossing
            .station(s.station_id("nb-cbp-exit").unwrap())
            .releases
    );
    // Northbound much busier than southbound.
    let mut by_direction = [0.0; 2];
    for (i, src) in s.crossing.sources().iter().enumerate() {
        by_direction[s.crossing.source_direction(i).index()] +=
            src.arrivals.mean_rate_per_hour().unwrap();
    }
    assert!(by_direction[0] > 1.5 * by_direction[1], "{by_direction:?}");
    assert!(
        s.crossing
            .sources()
            .iter()
            .any(|src| matches!(src.arrivals, Arrivals::Profile { .. }))
    );
    assert_eq!(
        (s.horizon, s.warmup),
        (SimTime::from_hours(168), SimTime::from_hours(24))
    );
}

#[test]
fn passenger_example_has_general_ready_and_sentri_lanes() {
    let s = example("passenger_car_crossing.toml").scenario;
    let primary = s.crossing.station(StationId(0));
    let groups: Vec<&str> = primary.lanes.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(groups, vec!["general", "ready", "sentri"]);
    let pop = s.population();
    // Each car class belongs to one programme, whose service time applies at primary.
    let mean = |class: &str, programme: &str| {
        primary
            .service_for(
                s.class_id(class).unwrap(),
                pop.programme_id(programme).unwrap(),
            )
            .unwrap()
            .mean_ms()
    };
    // Ready ~20% faster than general; SENTRI 80-150 cars/h/lane.
    let ready = mean("ready-car", "ready") / mean("car", "none");
    assert!((0.75..=0.85).contains(&ready), "{ready}");
    let sentri_per_hour = 3_600_000.0 / mean("sentri-car", "sentri");
    assert!(
        (80.0..=150.0).contains(&sentri_per_hour),
        "{sentri_per_hour}"
    );
    assert_eq!(pop.programmes.len(), 3);
}

#[test]
fn osbp_example_has_sequential_controls_and_limited_hours() {
    let s = example("osbp_corridor_crossing.toml").scenario;
    assert_eq!(s.population().directions.len(), 2);
    let stations = s.crossing.stations();
    let customs = s
        .crossing
        .station(s.station_id("nb-zm-entry-customs").unwrap());
    assert!(customs.service[0].as_ref().unwrap().mean_ms() >= 3_600_000.0);
    // Closed at night.
    assert_eq!(
        customs.lanes[0]
            .schedule
            .servers_at(SimTime::from_hours(2), 0),
        0
    );
    assert!(
        customs.lanes[0]
            .schedule
            .servers_at(SimTime::from_hours(10), 0)
            > 0
    );
    // Four controls in sequence before the document stage's outcome, per direction.
    for prefix in ["nb-", "sb-"] {
        let n = stations
            .iter()
            .filter(|st| st.id.starts_with(prefix))
            .count();
        assert!(n >= 5, "{prefix}: {n}");
    }
}

/// Runs one replication of every example: they compile, conserve vehicles, see traffic in
/// every direction, and show the delays their comments promise.
#[test]
fn examples_run_one_replication() {
    for file in [
        "commercial_truck_crossing.toml",
        "passenger_car_crossing.toml",
        "osbp_corridor_crossing.toml",
        "trace_replay.toml",
    ] {
        let s = example(file).scenario;
        let model = CompiledScenario::new(&s).unwrap();
        let stats = run_replication(&model, s.seed, 0);
        assert!(
            stats.vehicles.is_conserved(),
            "{file}: {:?}",
            stats.vehicles
        );
        assert!(stats.direction_arrivals.iter().all(|&n| n > 0), "{file}");
        // Mean arrival to exit and arrival to release per direction, hours.
        let hours = |cells: &bordersim_model::Cells, d: usize| {
            let tally = cells.merged(|cell| stats.shape.decode_system_cell(cell).0.index() == d);
            tally.mean_ms().unwrap_or(0.0) / 3_600_000.0
        };
        match file {
            "commercial_truck_crossing.toml" => {
                // Inbound delays well above outbound ones (FHWA: 16.0 vs 8.1 min).
                let (nb, sb) = (hours(&stats.exit, 0), hours(&stats.exit, 1));
                assert!(nb > 1.5 * sb && nb < 1.0, "{file}: {nb} h vs {sb} h");
            }
            "osbp_corridor_crossing.toml" => {
                // Pre-OSBP: of the order of a day to release.
                let nb = hours(&stats.release, 0);
                assert!((12.0..72.0).contains(&nb), "{file}: {nb} h");
            }
            _ => {}
        }
    }
}

#[test]
fn shape_errors_in_new_fields() {
    let lanes =
        &OPS[OPS.find("[[stations.lanes]]").unwrap()..OPS.find("servers = 2\n").unwrap() + 12];
    ops_one(
        &ops_edit(lanes, "[stations.lanes]\nid = \"general\"\nservers = 1\n"),
        "stations[0].lanes",
        41,
        &[
            "found a table, expected an array; write each lane group under its own [[stations.lanes]] header",
        ],
    );
    ops_one(
        &ops_edit("channel = \"red\" }", "channel = 1 }"),
        "stations[0].routes[0].channel",
        36,
        &["wrong type: expected one of `green`, `yellow`, `red`"],
    );
    ops_one(
        &ops_edit("when_full = \"balk\"", "when_full = 3"),
        "stations[2].when_full",
        65,
        &["wrong type: expected one of `spillback`, `balk`"],
    );
    ops_one(
        &ops_edit("entry = \"nb-primary\"\nrate", "entry = 3\nrate"),
        "sources[1].entry",
        83,
        &["found integer `3`, expected a station id, or a table of station ids by direction"],
    );
    ops_one(
        &ops_edit(
            "{ northbound = \"nb-primary\", southbound",
            "{ northbound = 3, southbound",
        ),
        "sources[2].entry.northbound",
        89,
        &["found integer `3`, expected a string"],
    );
    ops_one(
        &ops_edit("queue_capacity = 40", "queue_capacity = 40.5"),
        "stations[2].queue_capacity",
        64,
        &["found float `40.5`, expected an integer"],
    );
    ops_one(
        &ops_edit("start_weekday = \"saturday\"", "start_weekday = 5"),
        "scenario.start_weekday",
        5,
        &["found integer `5`, expected a string"],
    );
    // A malformed section is reported once; the names it would have held are not reported
    // as unknown, in the scenario or in the trace.
    let err = check_ops(
        &ops_edit(
            "[[programmes]]\nid = \"fast\"",
            "[programmes]\nid = \"fast\"",
        ),
        TRACE,
        &["`programmes` must be a list of tables"],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
}

#[test]
fn the_crate_documentation_example_loads() {
    let lib = include_str!("lib.rs");
    let start = lib.find("//! ```toml\n").unwrap() + "//! ```toml\n".len();
    let end = start + lib[start..].find("//! ```\n").unwrap();
    let example: String = lib[start..end]
        .lines()
        .map(|l| {
            l.strip_prefix("//! ")
                .unwrap_or(l.trim_start_matches("//!"))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let trace = "time,class,direction\n0,truck,northbound\n30h,truck,southbound\n";
    let read = |p: &str| {
        assert_eq!(p, "traces/day.csv");
        Ok(trace.to_owned())
    };
    let loaded = parse_scenario_with(&example, "doc.toml", &read).unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.scenario.crossing.sources().len(), 3);
}

#[test]
fn undeclared_programmes_and_directions_say_where_to_declare_them() {
    let input = crate::tests::edit("servers = 1\n", "").replacen(
        "max = \"2min\" }\n",
        "max = \"2min\" }\ndirection = \"eastbound\"\n[[stations.lanes]]\nid = \"x\"\nserves = { programme = \"aeo\" }\nservers = 1\n",
        1,
    );
    let err = check_ops(&input, TRACE, &[]);
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    let d = at(&err.diagnostics, "stations[1].direction", 25);
    assert!(
        d.message
            .ends_with("known directions: `inbound` (declare it in a [[directions]] table)"),
        "{d}"
    );
    let d = at(
        &err.diagnostics,
        "stations[1].lanes[0].serves.programme",
        28,
    );
    assert!(
        d.message
            .ends_with("known programmes: `none` (declare it in a [[programmes]] table)"),
        "{d}"
    );
}

#[test]
fn per_direction_parts_of_a_trace_keep_unique_names() {
    let input = ops_edit("id = \"reefers\"", "id = \"recorded/northbound\"");
    let err = check_ops(
        &input,
        TRACE,
        &["source name `recorded/northbound` is taken twice"],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    at(&err.diagnostics, "sources[2].id", 87);
}

#[test]
fn a_byte_order_mark_before_the_header_is_ignored() {
    let s = ok_trace(OPS, &format!("\u{feff}{TRACE}")).scenario;
    assert_eq!(s.crossing.sources().len(), 4);
}

#[test]
fn service_by_programme_overrides_the_class_service() {
    let input = ops_edit(
        r#"service = { dist = "exponential", mean = "2min" }
queue_length = "2.5km""#,
        r#"service = { dist = "exponential", mean = "2min" }
service_by_programme = { fast = { dist = "deterministic", value = "30s" } }
queue_length = "2.5km""#,
    );
    let loaded = ok_ops(&input);
    let s = &loaded.scenario;
    let primary = s
        .crossing
        .station(s.station_id("nb-primary").expect("primary"));
    let fast = s.population().programme_id("fast").expect("fast");
    let none = s.population().programme_id("none").expect("none");
    let truck = s.class_id("truck").expect("truck");
    assert_eq!(
        primary.service_for(truck, fast),
        Some(&bordersim_model::ServiceDist::Deterministic { value_ms: 30_000.0 })
    );
    assert_eq!(
        primary.service_for(truck, none),
        Some(&bordersim_model::ServiceDist::Exponential { mean_ms: 120_000.0 })
    );
}

#[test]
fn service_by_programme_names_a_known_programme() {
    let input = ops_edit(
        r#"service = { dist = "exponential", mean = "2min" }
queue_length = "2.5km""#,
        r#"service = { dist = "exponential", mean = "2min" }
service_by_programme = { fats = { dist = "deterministic", value = "30s" } }
queue_length = "2.5km""#,
    );
    let d = ops_one(
        &input,
        "stations[0].service_by_programme.fats",
        33,
        &["unknown programme `fats`", "did you mean `fast`"],
    );
    assert!(d.column > 1);
}

#[test]
fn value_of_time_per_class() {
    let input = ops_edit(
        "random_inspection = 0.02\n",
        "random_inspection = 0.02\nvalue_of_time_per_h = 35.82\n",
    );
    let loaded = ok_ops(&input);
    assert_eq!(
        loaded.scenario.population().classes[0].value_of_time_per_h,
        35.82
    );
    let input = ops_edit(
        "random_inspection = 0.02\n",
        "random_inspection = 0.02\nvalue_of_time_per_h = -1.0\n",
    );
    ops_one(
        &input,
        "classes[0].value_of_time_per_h",
        24,
        &["zero or more"],
    );
}
