//! Scenario loader tests: structure.

use super::*;

#[test]
fn probabilities_not_summing_to_one() {
    check_one(
        &edit("p = 0.85", "p = 0.8"),
        "stations[0].routes",
        &[
            "probabilities of the routes for every class (routes[0], routes[1]) sum to 0.95, not 1",
            "add the missing 0.05",
        ],
    );
    check_one(
        &edit("p = 0.85", "p = 0.95"),
        "stations[0].routes",
        &["sum to 1.1", "exceed 1 by 0.1"],
    );
}

#[test]
fn probabilities_are_checked_per_class() {
    let routes = "routes = [\n  { to = \"xray\", p = 0.15 },\n  { to = \"exit\", p = 0.85 },\n]";
    let per_class = "routes = [\n  { to = \"xray\", p = 0.15, class = \"truck\" },\n  { to = \"exit\", p = 0.8, class = \"truck\" },\n  { to = \"exit\", p = 1 },\n]";
    check_one(
        &edit(routes, per_class),
        "stations[0].routes",
        &["the routes for class `truck` (routes[0], routes[1]) sum to 0.95"],
    );
    // The same routes summing to 1 for trucks are fine; cars use the general route.
    ok(&edit(routes, &per_class.replace("p = 0.8,", "p = 0.85,")));
}

#[test]
fn station_graph_without_exit() {
    let input = edit(
        "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }\n",
        "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }\nroutes = [{ to = \"primary\", p = 1 }]\n",
    );
    let input = edit_in(
        &input,
        "  { to = \"exit\", p = 0.85 },\n",
        "  { to = \"xray\", p = 0.85 },\n",
    );
    let d = check_one(
        &input,
        "stations[0].routes",
        &[
            "vehicles of classes `truck`, `car` that reach stations `primary`, `xray` can never leave",
            "\"exit\"",
        ],
    );
    assert_eq!(d.column, 10);
}

#[test]
fn class_reaching_a_station_without_its_service_time() {
    let input = edit(
        "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
        "service_by_class = { truck = { dist = \"uniform\", min = \"1min\", max = \"2min\" } }",
    );
    check_one(
        &input,
        "stations[1]",
        &[
            "class `car` can reach station `xray`, but the station has no service time for it",
            "`service_by_class.car`",
        ],
    );
}

#[test]
fn class_routed_around_a_station_needs_no_service_time_there() {
    let input = edit(
        "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
        "service_by_class = { truck = { dist = \"uniform\", min = \"1min\", max = \"2min\" } }",
    );
    let input = edit_in(
        &input,
        "  { to = \"exit\", p = 0.85 },\n",
        "  { to = \"exit\", p = 0.85 },\n  { to = \"exit\", p = 1, class = \"car\" },\n",
    );
    ok(&input);
}
