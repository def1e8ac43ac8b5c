//! Storage as written: `when_full = "block"` (blocking after service), a lane group's own
//! approach storage, and the errors of each, located at the field that causes them.

use bordersim_model::{StorageLimit, WhenFull};

use super::{BASE, at, check, edit, edit_in, ok};

#[test]
fn block_is_read_at_a_station_and_allows_no_waiting_room() {
    let loaded = ok(&edit(
        "servers = 1\nservice = { dist = \"uniform\"",
        "servers = 1\nqueue_capacity = 0\nwhen_full = \"block\"\nservice = { dist = \"uniform\"",
    ));
    let xray = &loaded.scenario.crossing.stations()[1];
    assert_eq!(xray.storage.limit, StorageLimit::Vehicles(0));
    assert_eq!(xray.storage.when_full, WhenFull::Block);
    assert!(xray.group_storage.is_empty());
}

#[test]
fn zero_waiting_room_with_spillback_names_both_ways_it_can_work() {
    let err = check(
        &edit(
            "servers = 1\nservice = { dist = \"uniform\"",
            "servers = 1\nqueue_capacity = 0\nservice = { dist = \"uniform\"",
        ),
        &["when_full = \"balk\"", "\"block\""],
    );
    at(&err.diagnostics, "stations[1].queue_capacity");
}

/// `BASE` whose primary has general booths and a FAST-like group for cars with `extra`
/// lines in the car group.
fn with_car_lanes(extra: &str) -> String {
    let text = edit("servers = 4\n", "queue_capacity = 10\n");
    edit_in(
        &text,
        "  { to = \"exit\", p = 0.85 },\n]\n",
        &format!(
            "  {{ to = \"exit\", p = 0.85 }},\n]\n\n\
             [[stations.lanes]]\nid = \"general\"\nservers = 3\n\n\
             [[stations.lanes]]\nid = \"cars\"\nserves = {{ class = \"car\" }}\nservers = 1\n{extra}"
        ),
    )
}

#[test]
fn a_lane_group_reads_its_own_approach_storage() {
    let loaded = ok(&with_car_lanes(
        "queue_length = \"200m\"\nwhen_full = \"balk\"\n",
    ));
    let primary = &loaded.scenario.crossing.stations()[0];
    assert_eq!(primary.storage.limit, StorageLimit::Vehicles(10));
    assert_eq!(primary.group_storage.len(), 2);
    assert!(primary.group_storage[0].is_none());
    let cars = primary.group_storage[1].expect("the car group's own storage");
    assert_eq!(cars.limit, StorageLimit::Metres(200.0));
    assert_eq!(cars.when_full, WhenFull::Balk);
    // Without storage fields, no group has its own.
    let loaded = ok(&with_car_lanes(""));
    assert!(
        loaded.scenario.crossing.stations()[0]
            .group_storage
            .is_empty()
    );
}

#[test]
fn a_lane_group_storage_error_is_located_in_the_group() {
    let err = check(
        &with_car_lanes("queue_capacity = -1\n"),
        &["queue_capacity is a number of vehicles, 0 or more, got -1"],
    );
    at(&err.diagnostics, "stations[0].lanes[1].queue_capacity");
    let err = check(
        &with_car_lanes("when_full = \"balk\"\n"),
        &["the queue is unlimited"],
    );
    at(&err.diagnostics, "stations[0].lanes[1].when_full");
    // Too short for one vehicle: the model's check, located at the group's field.
    let err = check(
        &with_car_lanes("queue_length = \"1m\"\n"),
        &["lane group `cars`", "cannot hold even one vehicle"],
    );
    at(&err.diagnostics, "stations[0].lanes[1].queue_length");
}

#[test]
fn two_groups_with_their_own_storage_serving_the_same_vehicles_are_refused() {
    let text = edit_in(
        &with_car_lanes("queue_capacity = 5\n"),
        "id = \"general\"\nservers = 3\n",
        "id = \"general\"\nservers = 3\nqueue_capacity = 5\n",
    );
    let err = check(
        &text,
        &[
            "lane groups `general` and `cars`",
            "car vehicles of programme `none`",
        ],
    );
    at(&err.diagnostics, "stations[0].lanes[1]");
}

#[test]
fn a_route_cycle_of_blocking_stations_is_refused_at_when_full() {
    // primary -> xray -> primary, both blocking.
    let text = edit(
        "servers = 1\nservice = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
        "servers = 1\nqueue_capacity = 2\nwhen_full = \"block\"\n\
         service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }\n\
         routes = [{ to = \"primary\", p = 0.5 }, { to = \"exit\", p = 0.5 }]",
    );
    let text = edit_in(
        &text,
        "servers = 4\n",
        "servers = 4\nqueue_capacity = 20\nwhen_full = \"block\"\n",
    );
    let err = check(
        &text,
        &[
            "station `primary` blocks when full",
            "(primary -> xray -> primary)",
            "when_full = \"spillback\"",
        ],
    );
    at(&err.diagnostics, "stations[0].when_full");
    // The same cycle with the X-ray spilling back runs.
    ok(&text.replacen(
        "when_full = \"block\"\nservice = { dist = \"uniform\"",
        "when_full = \"spillback\"\nservice = { dist = \"uniform\"",
        1,
    ));
    let _ = BASE;
}

#[test]
fn blocking_at_a_station_no_station_feeds_is_a_warning() {
    // The primary is entered from the road only: nobody can hold a lane for it.
    let loaded = ok(&edit(
        "servers = 4\n",
        "servers = 4\nqueue_capacity = 20\nwhen_full = \"block\"\n",
    ));
    let w = at(&loaded.warnings, "stations[0].when_full");
    assert!(
        w.message.contains("no station routes vehicles to it"),
        "{w}"
    );
    // Blocking at the X-ray, which the primary feeds: no warning.
    let loaded = ok(&edit(
        "servers = 1\nservice = { dist = \"uniform\"",
        "servers = 1\nqueue_capacity = 2\nwhen_full = \"block\"\nservice = { dist = \"uniform\"",
    ));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}
