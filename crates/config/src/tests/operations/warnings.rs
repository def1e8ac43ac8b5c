//! Operations loader tests: warnings.

use super::*;
use crate::tests::at;

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
    let w = at(&loaded.warnings, "stations[3].servers_by_hour");
    assert!(w.message.starts_with("unstable: offered load"), "{w}");
    assert!(
        w.message
            .contains("0.3 servers open on average over the run"),
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
    let w = at(&loaded.warnings, "stations[0].lanes");
    assert!(
        w.message.starts_with("vehicles of class `truck` in programme `fast` reach station `nb-primary`, but every lane group that serves them is closed at every hour"),
        "{w}"
    );
}

#[test]
fn trace_rows_outside_the_run_are_a_warning() {
    let loaded = ok_trace(OPS, &(TRACE.to_owned() + "3d,truck,northbound,\n"));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = at(&loaded.warnings, "sources[2].trace");
    assert!(
        w.message
            .starts_with("1 of the trace's 5 arrivals come at or after the horizon (2d)"),
        "{w}"
    );
    let loaded = ok_trace(&ops_edit("warmup = \"1h\"", "warmup = \"3h\""), TRACE);
    let w = at(&loaded.warnings, "sources[2].trace");
    assert!(
        w.message
            .starts_with("the trace ends at 90min, before the warm-up (3h) does"),
        "{w}"
    );
}
