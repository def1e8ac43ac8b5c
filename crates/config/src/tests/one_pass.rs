//! Every problem serde finds in one table comes in the same pass: a wrong type does not
//! hide a misspelt key beside it (serde stops a table at its first error).

use super::*;

/// `(path, line, column)` of every diagnostic, in the order reported.
fn places(e: &ConfigError) -> Vec<(String, usize, usize)> {
    e.diagnostics
        .iter()
        .map(|d| (d.path.clone(), d.line, d.column))
        .collect()
}

fn p(path: &str, line: usize, column: usize) -> (String, usize, usize) {
    (path.to_owned(), line, column)
}

#[test]
fn a_wrong_type_and_an_unknown_key_in_one_station_come_together() {
    let input = edit(
        "servers = 4\nservice = { dist = \"exponential\", mean = \"2min\" }",
        "servers = \"two\"\nservice = { dist = \"exponential\", meen = \"2min\" }",
    );
    let e = check(
        &input,
        &["wrong type", "unknown field `meen` (did you mean `mean`?)"],
    );
    assert_eq!(
        places(&e),
        [
            p("stations[0].servers", 14, 11),
            p("stations[0].service.meen", 15, 35)
        ],
        "{e}"
    );
    // Either order in the file: the unknown key first, then the wrong type.
    let input = edit(
        "servers = 4\nservice = { dist = \"exponential\", mean = \"2min\" }",
        "servos = 4\nservice = { dist = \"exponential\", mean = [2] }",
    );
    let e = check(
        &input,
        &["unknown field `servos`", "service.mean: wrong type"],
    );
    assert_eq!(e.diagnostics.len(), 2, "{e}");
}

#[test]
fn every_problem_of_a_table_comes_in_one_pass() {
    // In one station: a wrong type, a misspelt key, a wrong type in a nested table, a
    // wrong named value, and in a class and the [scenario] table beside it.
    let input = edit(
        "servers = 4\nservice = { dist = \"exponential\", mean = \"2min\" }",
        "servers = [4]\nsevrice = 1\nservice = { dist = \"exponentail\", mean = true, cvv = 1 }\n\
         queue_capacity = \"many\"",
    );
    let input = edit_in(
        &input,
        "id = \"car\"",
        "id = \"car\"\npriority = \"high\"\ncolour = 1",
    );
    let input = edit_in(
        &input,
        "warmup = \"1h\"",
        "warmup = \"1h\"\nreplications = 1.5\nsed = 1",
    );
    let e = check(&input, &[]);
    let paths: Vec<&str> = e.diagnostics.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "scenario.replications",
            "scenario.sed",
            "classes[1].priority",
            "classes[1].colour",
            "stations[0].servers",
            "stations[0].sevrice",
            "stations[0].service.dist",
            "stations[0].service.mean",
            "stations[0].service.cvv",
            "stations[0].queue_capacity",
        ],
        "{e}"
    );
    // No message is a consequence of another: nothing is reported missing.
    assert!(!e.to_string().contains("missing"), "{e}");
}

#[test]
fn a_missing_field_does_not_hide_a_wrong_type() {
    // `dist` missing and `mean` of the wrong type; `id` missing and `servers` wrong in the
    // station.
    let input = edit(
        "id = \"xray\"\nservers = 1\nservice = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
        "servers = \"one\"\nservice = { min = \"1min\", max = [] }",
    );
    let e = check(&input, &[]);
    let mut paths: Vec<&str> = e.diagnostics.iter().map(|d| d.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "stations[1].id",
            "stations[1].servers",
            "stations[1].service.dist",
            "stations[1].service.max",
        ],
        "{e}"
    );
}

#[test]
fn a_wrong_type_in_an_array_stops_there_without_consequences() {
    // An element of the wrong type in a per-hour schedule: reported once; nothing follows
    // from it (not a wrong length).
    let input = edit(
        "servers = 4\nservice",
        "servers_by_hour = [1, \"2\", 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, \
         4, 4, 4, 4]\nmystery = 1\nservice",
    );
    let e = check(&input, &["unknown field `mystery`"]);
    assert_eq!(e.diagnostics.len(), 2, "{e}");
    assert_eq!(
        e.diagnostics[0].path, "stations[0].servers_by_hour[1]",
        "{e}"
    );
}

/// Every diagnostic as `(path, line, column, message)`, for inspection.
fn all(input: &str) -> Vec<(String, usize, usize, String)> {
    let e = check(input, &[]);
    e.diagnostics
        .iter()
        .map(|d| (d.path.clone(), d.line, d.column, d.message.clone()))
        .collect()
}

fn paths(input: &str) -> Vec<String> {
    all(input).into_iter().map(|(p, ..)| p).collect()
}

#[test]
fn a_wrong_type_and_a_wrong_value_in_one_station_come_together() {
    let found = all(&edit(
        "servers = 4\nservice = { dist = \"exponential\", mean = \"2min\" }",
        "servers = \"two\"\nservice = { dist = \"exponential\", mean = \"-3min\" }",
    ));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("stations[0].servers", 14)
    );
    assert_eq!(
        (found[1].0.as_str(), found[1].1),
        ("stations[0].service.mean", 15),
        "{found:?}"
    );
    assert!(found[1].3.contains("-3min"), "{found:?}");
}

#[test]
fn wrong_values_beside_wrong_types_come_in_the_same_pass() {
    // A route probability out of range beside a wrong-typed storage.
    assert_eq!(
        paths(&edit(
            "  { to = \"xray\", p = 0.15 },\n  { to = \"exit\", p = 0.85 },",
            "  { to = \"xray\", p = 1.15 },\n  { to = \"exit\", p = 0.85 },\n]\nqueue_capacity = \"many\"\nroutes_unused = [",
        )),
        [
            "stations[0].routes[0].p",
            "stations[0].queue_capacity",
            "stations[0].routes_unused"
        ]
    );
    // A negative service parameter in a class's service beside a wrong-typed `servers`
    // and a wrong-typed route target (its stand-in is an unknown station: not reported).
    assert_eq!(
        paths(&edit(
            "id = \"xray\"\nservers = 1\nservice = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
            "id = \"xray\"\nservers = [1]\nservice = { dist = \"uniform\", min = \"3min\", max = \"2min\" }\nroutes = [{ to = 7, p = 1.0 }]",
        )),
        [
            "stations[1].servers",
            "stations[1].service",
            "stations[1].routes[0].to"
        ]
    );
}

#[test]
fn a_class_and_a_source_show_their_wrong_values_beside_their_wrong_types() {
    let input = edit(
        "id = \"car\"",
        "id = \"car\"\npriority = \"high\"\nlength_m = -4",
    );
    let input = edit_in(
        &input,
        "id = \"cars\"\nclass = \"car\"\nrate = \"20/h\"",
        "id = [\"cars\"]\nclass = \"car\"\nrate = \"-20/h\"",
    );
    let found = all(&input);
    let paths: Vec<&str> = found.iter().map(|(p, ..)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "classes[1].priority",
            "classes[1].length_m",
            "sources[1].id",
            "sources[1].rate"
        ],
        "{found:?}"
    );
}
