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

/// `BASE` with xray in two lane groups (cars: 2 lanes, trucks: 3 by day and 1 at night) and
/// `events` in its `[scenario]` table.
fn grouped(events: &str) -> String {
    let day: Vec<&str> = (0..24)
        .map(|h| if (6..18).contains(&h) { "3" } else { "1" })
        .collect();
    let base = edit(
        "id = \"xray\"\nservers = 1\nservice = { dist = \"uniform\", min = \"1min\", max = \"2min\" }\n",
        &format!(
            "id = \"xray\"\nservice = {{ dist = \"uniform\", min = \"1min\", max = \"2min\" }}\n\n[[stations.lanes]]\nid = \"cars\"\nserves = {{ class = \"car\" }}\n\
             servers = 2\n\n[[stations.lanes]]\nid = \"trucks\"\nserves = {{ class = \"truck\" }}\n\
             servers_by_hour = [{}]\n",
            day.join(", ")
        ),
    );
    base.replace(
        "warmup = \"1h\"\n",
        &format!("warmup = \"1h\"\n\n{events}\n"),
    )
}

fn outage(station: &str, group: Option<&str>, lanes: u32) -> String {
    let group = group.map_or_else(String::new, |g| format!("lane_group = \"{g}\"\n"));
    format!(
        "[[scenario.events]]\nkind = \"outage\"\nstation = \"{station}\"\n{group}lanes = {lanes}\n\
         from = \"2h\"\nto = \"3h\""
    )
}

#[test]
fn an_outage_of_more_lanes_than_there_are_is_rejected_at_its_lanes() {
    // 50 lanes out of primary's 4: an error at `lanes`, on the line it is written.
    let input = with_events(&outage("primary", None, 50));
    let d = error_at(
        &input,
        "scenario.events[0].lanes",
        &[
            "takes out 50 lanes",
            "station `primary` has at most 4",
            "leave `lanes` out",
        ],
    );
    let line = input
        .lines()
        .position(|l| l == "lanes = 50")
        .expect("written")
        + 1;
    assert_eq!(d.line, line, "{d}");
    // As many as there are is an outage of every lane, and loads.
    ok(&with_events(&outage("primary", None, 4)));
    ok(&with_events(&outage("xray", None, 1)));
    error_at(
        &with_events(&outage("xray", None, 2)),
        "scenario.events[0].lanes",
        &["station `xray` has at most 1"],
    );
    // A lane group: its own lanes, the most its schedule ever opens (3 by day).
    ok(&grouped(&outage("xray", Some("trucks"), 3)));
    error_at(
        &grouped(&outage("xray", Some("cars"), 3)),
        "scenario.events[0].lanes",
        &["lane group `cars` of station `xray` has at most 2"],
    );
    error_at(
        &grouped(&outage("xray", Some("trucks"), 4)),
        "scenario.events[0].lanes",
        &["lane group `trucks` of station `xray` has at most 3"],
    );
    // The whole station: each group loses up to `lanes`, so up to the largest group's.
    ok(&grouped(&outage("xray", None, 3)));
    error_at(
        &grouped(&outage("xray", None, 4)),
        "scenario.events[0].lanes",
        &["any lane group of station `xray` has at most 3"],
    );
    // A closure takes out every lane: it has no `lanes` to get wrong.
    error_at(
        &with_events(
            "[[scenario.events]]\nkind = \"closure\"\nstation = \"primary\"\nlanes = 50\n\
             from = \"2h\"\nto = \"3h\"",
        ),
        "scenario.events[0].lanes",
        &["no meaning for a `closure` event"],
    );
}
