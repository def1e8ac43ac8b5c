//! Every kind of entry: a problem in one field (a wrong type, an unknown name, a missing
//! field) does not stop the checks of the fields beside it, which come in the same pass.

use super::*;

/// The paths of every diagnostic of `input`, which must fail, in file order.
fn paths(input: &str) -> Vec<String> {
    let e = check(input, &[]);
    for d in &e.diagnostics {
        assert!(d.line > 0 && d.column > 0, "{d}");
    }
    e.diagnostics.iter().map(|d| d.path.clone()).collect()
}

const TRUCKS: &str = "class = \"truck\"\nrate = \"30/h\"";

#[test]
fn a_sources_class_of_the_wrong_type_unknown_or_missing_hides_not_its_rate() {
    for class in [
        "class = 3\n",
        "class = [\"truck\"]\n",
        "class = \"lorry\"\n",
        "",
    ] {
        let input = edit(TRUCKS, &format!("{class}rate = \"-30/h\""));
        assert_eq!(
            paths(&input),
            ["sources[0].class", "sources[0].rate"],
            "{class:?}"
        );
    }
    // The same with an hourly profile whose hour 2 is negative.
    let mut hours = vec!["1"; 24];
    hours[2] = "-1";
    let input = edit(
        TRUCKS,
        &format!("class = 3\nprofile = [{}]", hours.join(", ")),
    );
    assert_eq!(paths(&input), ["sources[0].class", "sources[0].profile[2]"]);
}

#[test]
fn a_wrong_type_in_scenario_hides_not_its_events_and_booking_systems() {
    let input = edit(
        "warmup = \"1h\"\n",
        "warmup = \"1h\"\nreplications = \"ten\"\n\n\
         [[scenario.events]]\nkind = \"slowdown\"\nstation = \"xray\"\nfactor = -2\n\
         from = \"2h\"\nto = \"3h\"\n\n\
         [[scenario.appointments]]\nid = \"slots\"\nstation = \"primary\"\nclass = \"truck\"\n\
         share = 1.5\nslot = \"0s\"\ncapacity = 6\n",
    );
    assert_eq!(
        paths(&input),
        [
            "scenario.replications",
            "scenario.events[0].factor",
            "scenario.appointments[0].share",
            "scenario.appointments[0].slot",
        ]
    );
}

#[test]
fn a_horizon_of_the_wrong_type_reports_nothing_measured_against_it() {
    // The event is on day 3 of a horizon that cannot be read: only the horizon and the
    // event's own bad factor are reported, not "after the horizon".
    let input = edit(
        "horizon = \"1d\"\nwarmup = \"1h\"\n",
        "horizon = true\nwarmup = \"1h\"\nseries_bin = \"1 ms\"\n\n\
         [[scenario.events]]\nkind = \"slowdown\"\nstation = \"xray\"\nfactor = 0\n\
         from = \"day 3 10:00\"\nto = \"day 3 11:00\"\n",
    );
    assert_eq!(
        paths(&input),
        ["scenario.horizon", "scenario.events[0].factor"]
    );
}

#[test]
fn every_problem_of_a_lane_rule_comes_in_one_pass() {
    let input = edit(
        "servers = 4\n",
        "servers = 4\nlane_rule = { min_wait = \"30min\", max_wait = \"5min\", min_lanes = 2, \
         max_lanes = 1, review = \"0s\" }\n",
    );
    assert_eq!(
        paths(&input),
        [
            "stations[0].lane_rule.min_wait",
            "stations[0].lane_rule.max_lanes",
            "stations[0].lane_rule.review",
        ]
    );
}

#[test]
fn a_wrong_type_in_a_station_or_class_hides_not_the_values_beside_it() {
    // A station: servers of the wrong type, beside a bad service mean and a bad route.
    let input = edit(
        "servers = 4\nservice = { dist = \"exponential\", mean = \"2min\" }",
        "servers = \"four\"\nservice = { dist = \"exponential\", mean = \"-2min\" }",
    );
    assert_eq!(
        paths(&input),
        ["stations[0].servers", "stations[0].service.mean"]
    );
    // A class: priority of the wrong type beside a negative length.
    let input = edit(
        "id = \"car\"",
        "id = \"car\"\npriority = \"high\"\nlength_m = -4",
    );
    assert_eq!(
        paths(&input),
        ["classes[1].priority", "classes[1].length_m"]
    );
}
