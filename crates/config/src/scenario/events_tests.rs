//! The events and operations of a scenario file: each problem at its field.

use bordersim_model::scenario::EventKind;

use crate::tests::{check, edit, ok};

/// `BASE` with `toml` after its `[scenario]` table's `warmup` line.
fn with_events(toml: &str) -> String {
    edit("warmup = \"1h\"\n", &format!("warmup = \"1h\"\n\n{toml}\n"))
}

/// The diagnostic at `path` of loading `input`, which must fail with it.
fn error_at(input: &str, path: &str, words: &[&str]) -> crate::Diagnostic {
    let err = check(input, words);
    err.diagnostics
        .iter()
        .find(|d| d.path == path)
        .unwrap_or_else(|| panic!("no error at {path}: {err}"))
        .clone()
}

#[test]
fn events_are_read_with_their_windows() {
    let loaded = ok(&with_events(
        r#"[[scenario.events]]
kind = "outage"
station = "primary"
lanes = 2
from = "day 1 10:00"
to = "day 1 12:30"

[[scenario.events]]
kind = "demand"
factor = 1.4
classes = ["car"]
from = "14h"
to = "18h"

[[scenario.events]]
kind = "schedule"
station = "xray"
day = 1
servers_by_hour = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]

[[scenario.events]]
kind = "slowdown"
station = "primary"
factor = 2
from = "20h"
to = "day 1 24:00"

[[scenario.events]]
kind = "closure"
station = "xray"
from = "1h"
to = "2h""#,
    ));
    let events = &loaded.scenario.crossing.operations().events;
    assert_eq!(events.len(), 5);
    let h = |x: f64| bordersim_des::SimTime::from_millis_f64(x * 3_600_000.0);
    assert_eq!((events[0].from, events[0].to), (h(10.0), h(12.5)));
    assert!(matches!(
        events[0].kind,
        EventKind::Outage {
            lanes: Some(2),
            group: None,
            ..
        }
    ));
    assert_eq!((events[2].from, events[2].to), (h(0.0), h(24.0)));
    assert_eq!(events[3].to, h(24.0));
}

#[test]
fn an_event_outside_the_horizon_is_rejected_where_it_is_written() {
    let input = with_events(
        r#"[[scenario.events]]
kind = "outage"
station = "primary"
from = "day 1 23:00"
to = "day 2 01:00""#,
    );
    let d = error_at(
        &input,
        "scenario.events[0].to",
        &["outside the run", "24 h"],
    );
    assert_eq!(d.line, 10, "{d}");
    let input = with_events(
        r#"[[scenario.events]]
kind = "closure"
station = "primary"
day = 2"#,
    );
    error_at(&input, "scenario.events[0].day", &["outside the run"]);
}

#[test]
fn an_event_on_an_unknown_station_or_group_is_rejected() {
    let input = with_events(
        r#"[[scenario.events]]
kind = "outage"
station = "primery"
from = "1h"
to = "2h""#,
    );
    error_at(
        &input,
        "scenario.events[0].station",
        &["unknown station `primery`", "did you mean `primary`"],
    );
    let input = with_events(
        r#"[[scenario.events]]
kind = "outage"
station = "primary"
lane_group = "fast"
from = "1h"
to = "2h""#,
    );
    error_at(&input, "scenario.events[0].lane_group", &["no lane groups"]);
}

#[test]
fn bad_event_fields_are_each_located() {
    let input = with_events(
        r#"[[scenario.events]]
kind = "outgae"
from = "1h"
to = "2h"

[[scenario.events]]
kind = "demand"
station = "primary"
factor = -1
from = "3h"
to = "2h"

[[scenario.events]]
kind = "schedule"
station = "xray"
servers_by_hour = [1, 2]
from = "day 0 10:00"
to = "5h"

[[scenario.events]]
kind = "slowdown"
station = "primary"
from = "1h"
to = "2h""#,
    );
    let err = check(&input, &[]);
    let text = err.to_string();
    for (path, words) in [
        ("scenario.events[0].kind", "did you mean `outage`"),
        (
            "scenario.events[1].station",
            "no meaning for a `demand` event",
        ),
        ("scenario.events[1].to", "must end after it starts"),
        ("scenario.events[1].factor", "0 or more"),
        ("scenario.events[2].servers_by_hour", "24 values"),
        ("scenario.events[2].from", "day 2 10:00"),
        ("scenario.events[3]", "needs its `factor`"),
    ] {
        assert!(
            err.diagnostics
                .iter()
                .any(|d| d.path == path && d.message.contains(words)),
            "{path}: {words:?} in\n{text}"
        );
    }
}

#[test]
fn hourly_factors_and_standing_queues_are_read_and_checked() {
    let ones = vec!["1"; 24].join(", ");
    let loaded = ok(&edit(
        "id = \"xray\"\n",
        &format!(
            "id = \"xray\"\nservice_factor_by_hour = [{ones}]\ninitial_queue = 5\n\
             initial_queue_class = \"car\"\n"
        ),
    ));
    let ops = loaded.scenario.crossing.operations();
    assert_eq!(ops.service_factors.len(), 1);
    assert_eq!(ops.initial_queues[0].vehicles, 5);
    // The wrong count, a zero factor, a negative queue: each at its field.
    let err = check(
        &edit(
            "id = \"xray\"\n",
            "id = \"xray\"\nservice_factor_by_hour = [1, 2]\ninitial_queue = -3\n",
        ),
        &[],
    );
    let paths: Vec<&str> = err.diagnostics.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "stations[1].service_factor_by_hour",
            "stations[1].initial_queue"
        ]
    );
    let zero = format!("0, {}", vec!["1"; 23].join(", "));
    error_at(
        &edit(
            "id = \"xray\"\n",
            &format!("id = \"xray\"\nservice_factor_by_hour = [{zero}]\n"),
        ),
        "stations[1].service_factor_by_hour[0]",
        &["positive and finite, got 0 for hour 0"],
    );
    // No source enters at xray: its standing queue needs a class (the model's finding,
    // located at the field).
    error_at(
        &edit("id = \"xray\"\n", "id = \"xray\"\ninitial_queue = 5\n"),
        "stations[1].initial_queue",
        &["give the queue's `class`"],
    );
}
