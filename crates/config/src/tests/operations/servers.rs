//! Operations loader tests: stations: servers, schedules, lanes.

use super::*;
use crate::tests::at;

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
        &[
            "needs 24 values, the open servers in each hour of the day from midnight",
            "got 2",
        ],
    );
    ops_one(
        &ops_edit("sun = [1, 1, 1, 1, 1, 1, 3,", "sun = [1, 3,"),
        "stations[0].lanes[0].servers_by_day.sun",
        &["needs 24 values", "got 19"],
    );
    ops_one(
        &ops_edit("servers_by_day = { sun", "servers_by_day = { sunday"),
        "stations[0].lanes[0].servers_by_day.sunday",
        &["unknown field `sunday`", "expected one of `mon`, `tue`"],
    );
}

#[test]
fn servers_by_day_needs_a_base_for_the_other_days() {
    ops_one(
        &ops_edit(&format!("{GENERAL_HOURS}\n"), ""),
        "stations[0].lanes[0].servers_by_day",
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
        &["give either `servers` (always open) or `servers_by_hour`"],
    );
    ops_one(
        &ops_edit(
            "servers = 2\n\n[[stations]]\nid = \"nb-xray\"",
            "servers = 2\nservers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n\n[[stations]]\nid = \"nb-xray\"",
        ),
        "stations[0].lanes[1].servers_by_hour",
        &["not both"],
    );
    ops_one(
        &ops_edit(
            "servers = 2\n\n[[stations]]\nid = \"nb-xray\"",
            "\n[[stations]]\nid = \"nb-xray\"",
        ),
        "stations[0].lanes[1].servers",
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
        &["unknown class `lorry`; known classes: `truck`, `reefer`"],
    );
    assert_eq!(d.column, 23);
    ops_one(
        &ops_edit("programmes = [\"fast\"] }", "programmes = [\"fats\"] }"),
        "stations[0].lanes[1].serves.programmes[0]",
        &["unknown programme `fats` (did you mean `fast`?); known programmes: `none`, `fast`"],
    );
    ops_one(
        &ops_edit(
            "serves = { programmes = [\"fast\"] }",
            "serves = { programmes = [] }",
        ),
        "stations[0].lanes[1].serves.programmes",
        &["`programmes` is empty; omit it to serve every programme"],
    );
    ops_one(
        &ops_edit(
            "serves = { programmes = [\"fast\"] }",
            "serves = { channel = \"red\" }",
        ),
        "stations[0].lanes[1].serves.channel",
        &["unknown field `channel`", "`programmes`"],
    );
}

#[test]
fn lane_group_ids() {
    ops_one(
        &ops_edit("id = \"fast\"\nserves", "id = \"general\"\nserves"),
        "stations[0].lanes[1].id",
        &["duplicate lane group id `general`: lanes[0] of this station already uses it"],
    );
    ops_one(
        &ops_edit("servers = 3\n", "lanes = []\n"),
        "stations[3].lanes",
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
    let d = at(&err.diagnostics, "stations[0].lanes");
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
        &["station `sb-primary` never has an open server: every hour of `servers_by_hour` is 0"],
    );
}
