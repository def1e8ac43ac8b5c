//! Operations loader tests: stations: directions, storage, routes.

use super::*;

#[test]
fn unknown_or_missing_direction() {
    let d = ops_one(
        &ops_edit("direction = \"southbound\"", "direction = \"soutbound\""),
        "stations[3].direction",
        &[
            "unknown direction `soutbound` (did you mean `southbound`?); known directions: `northbound`, `southbound`",
        ],
    );
    assert_eq!(d.column, 13);
    ops_one(
        &ops_edit("direction = \"southbound\"\n", ""),
        "stations[3].direction",
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
        &["give either `channel` or `channels`, not both"],
    );
    ops_one(
        &ops_edit(
            "channel = \"red\" }",
            "channel = \"red\", programme = \"fsat\" }",
        ),
        "stations[0].routes[0].programme",
        &["unknown programme `fsat` (did you mean `fast`?)"],
    );
    // Probabilities are checked per channel.
    ops_one(
        &ops_edit(
            "{ to = \"nb-xray\", p = 1, channel = \"red\" }",
            "{ to = \"nb-xray\", p = 0.5, channel = \"red\" }",
        ),
        "stations[0].routes",
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
        &[
            "give either `queue_capacity` (vehicles) or `queue_length`",
            "not both",
        ],
    );
    ops_one(
        &ops_edit("\"2.5km\"", "\"2.5 miles\""),
        "stations[0].queue_length",
        &["unknown unit `miles`; lengths are metric (units: m, km)"],
    );
    ops_one(
        &ops_edit("\"2.5km\"", "\"2500\""),
        "stations[0].queue_length",
        &["has no unit; write e.g. \"2500m\""],
    );
    // No waiting room is a loss system: only with balking.
    ops_one(
        &ops_edit(
            "queue_capacity = 40\nwhen_full = \"balk\"",
            "queue_capacity = 0\nwhen_full = \"spillback\"",
        ),
        "stations[2].queue_capacity",
        &["queue_capacity = 0 (no waiting room) needs when_full = \"balk\""],
    );
    let loss = ok_ops(&ops_edit("queue_capacity = 40", "queue_capacity = 0"));
    assert!(matches!(
        loss.scenario.crossing.stations()[2].storage.limit,
        bordersim_model::StorageLimit::Vehicles(0)
    ));
    ops_one(
        &ops_edit("servers = 3\n", "servers = 3\nwhen_full = \"balk\"\n"),
        "stations[3].when_full",
        &["the queue is unlimited", "add `queue_capacity`"],
    );
    ops_one(
        &ops_edit("when_full = \"balk\"", "when_full = \"blak\""),
        "stations[2].when_full",
        &[
            "unknown value `blak` (did you mean `balk`?)",
            "`spillback`, `balk`",
        ],
    );
    // Storage must hold one vehicle of the longest class (20 m trucks).
    ops_one(
        &ops_edit("\"2.5km\"", "\"15m\""),
        "stations[0].queue_length",
        &[
            "queue storage of station `nb-primary`: 15 m cannot hold even one vehicle of the longest class (20 m)",
        ],
    );
}
