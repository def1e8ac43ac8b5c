//! Scenario loader tests: names.

use super::*;

#[test]
fn duplicate_ids() {
    // The route to the renamed station is reported too: "xray" no longer exists.
    let err = check(
        &edit("id = \"xray\"", "id = \"primary\""),
        &[
            "duplicate station id `primary`: stations[0] (line ",
            ") already uses it",
        ],
    );
    at(&err.diagnostics, "stations[1].id");
    at(&err.diagnostics, "stations[0].routes[0].to");
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    check_one(
        &edit(
            "id = \"car\"\n",
            "id = \"car\"\n\n[[classes]]\nid = \"car\"\n",
        ),
        "classes[2].id",
        &[
            "duplicate class id `car`: classes[1] (line ",
            ") already uses it",
        ],
    );
    check_one(
        &edit("id = \"cars\"", "id = \"trucks\""),
        "sources[1].id",
        &["duplicate source id `trucks`"],
    );
}

#[test]
fn unknown_route_target() {
    let input = edit("{ to = \"xray\", p = 0.15 }", "{ to = \"xrya\", p = 0.15 }");
    let d = check_one(
        &input,
        "stations[0].routes[0].to",
        &[
            "unknown station `xrya` (did you mean `xray`?)",
            "known stations: `primary`, `xray`, `exit`",
        ],
    );
    assert_eq!(d.column, 10);
}

#[test]
fn unknown_source_entry_and_class() {
    check_one(
        &edit("entry = \"primary\"\n\n", "entry = \"primray\"\n\n"),
        "sources[0].entry",
        &["unknown station `primray` (did you mean `primary`?)"],
    );
    check_one(
        &edit("class = \"car\"", "class = \"bus\""),
        "sources[1].class",
        &["unknown class `bus`", "known classes: `truck`, `car`"],
    );
}

#[test]
fn unknown_class_in_service_by_class_points_at_the_key() {
    let d = check_one(
        &edit("service_by_class = { car =", "service_by_class = { cars ="),
        "stations[0].service_by_class.cars",
        &["unknown class `cars` (did you mean `car`?)"],
    );
    assert_eq!(d.column, 22);
}

#[test]
fn unknown_class_in_route_filters() {
    check_one(
        &edit(
            "{ to = \"xray\", p = 0.15 }",
            "{ to = \"xray\", p = 0.15, class = \"Truck\" }",
        ),
        "stations[0].routes[0].class",
        &["unknown class `Truck` (did you mean `truck`?)"],
    );
    check_one(
        &edit(
            "{ to = \"xray\", p = 0.15 }",
            "{ to = \"xray\", p = 0.15, classes = [\"truck\", \"van\"] }",
        ),
        "stations[0].routes[0].classes[1]",
        &["unknown class `van`"],
    );
}

#[test]
fn route_filter_forms() {
    check_one(
        &edit(
            "{ to = \"xray\", p = 0.15 }",
            "{ to = \"xray\", p = 0.15, class = \"car\", classes = [\"car\"] }",
        ),
        "stations[0].routes[0].classes",
        &["either `class` or `classes`, not both"],
    );
    check_one(
        &edit(
            "{ to = \"xray\", p = 0.15 }",
            "{ to = \"xray\", p = 0.15, classes = [] }",
        ),
        "stations[0].routes[0].classes",
        &["`classes` is empty"],
    );
}

#[test]
fn exit_is_reserved() {
    check_one(
        &edit("id = \"xray\"", "id = \"exit\"").replace("to = \"xray\"", "to = \"primary\""),
        "stations[1].id",
        &["`exit` is reserved"],
    );
    check_one(
        &edit("entry = \"primary\"\n\n", "entry = \"exit\"\n\n"),
        "sources[0].entry",
        &["must enter at a station, not at `exit`"],
    );
}

#[test]
fn unknown_name_does_not_cascade_into_structure_errors() {
    // The misspelt target would also leave the sums and reachability in doubt; only the
    // name is reported.
    let input = edit("{ to = \"xray\", p = 0.15 }", "{ to = \"xrya\", p = 0.10 }");
    let err = check(&input, &["unknown station"]);
    assert_eq!(err.diagnostics.len(), 1, "{err}");
}

#[test]
fn value_errors_do_not_hide_structure_errors() {
    let input = edit("mean = \"2min\"", "mean = \"2\"");
    let input = edit_in(&input, "p = 0.85", "p = 0.8");
    let err = check(&input, &["has no unit", "sum to 0.95"]);
    assert_eq!(err.diagnostics.len(), 2, "{err}");
}
