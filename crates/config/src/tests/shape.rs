//! Scenario loader tests: syntax and shape.

use super::*;

#[test]
fn empty_file() {
    for input in ["", "   \n\t\n", "# nothing but comments\n\n# here\n"] {
        let d = check_one(input, "", &["the file is empty", "[scenario]"]);
        assert_eq!(d.column, 1);
    }
}

#[test]
fn toml_syntax_error() {
    let d = check_one(
        &edit("name = \"test\"", "name = \"test"),
        "",
        &["TOML syntax error"],
    );
    assert_eq!(d.column, 13);
    // One unclosed bracket: one diagnostic, not the parser's cascade.
    let err = check(
        &edit(
            "  { to = \"exit\", p = 0.85 },\n]",
            "  { to = \"exit\", p = 0.85 },\n",
        ),
        &[
            "TOML syntax error",
            "is the array `stations[0].routes` opened on line ",
            "missing its `]`?",
            "may follow from this one",
        ],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    snapshot_error(&err);
    check_one(
        &edit("max = \"2min\" }", "max = \"2min\""),
        "",
        &[
            "is the inline table `stations[1].service` opened on line ",
            "missing its `}`?",
        ],
    );
    // A typo inside a closed multi-line array gets no such hint.
    let err = check(
        &edit(
            "{ to = \"exit\", p = 0.85 }",
            "{ to = \"exit\", p == 0.85 }",
        ),
        &["TOML syntax error"],
    );
    snapshot_error(&err);
    assert!(!err.to_string().contains("missing its"), "{err}");
    let err = check(
        &edit(
            "  { to = \"exit\", p = 0.85 },",
            "  { to = \"exit\" p = 0.85 },",
        ),
        &["TOML syntax error"],
    );
    snapshot_error(&err);
    // Duplicate keys are a TOML error too.
    let err = check(
        &edit("servers = 1\n", "servers = 1\nservers = 2\n"),
        &["TOML syntax error", "duplicate key"],
    );
    snapshot_error(&err);
}

#[test]
fn unknown_section() {
    let input = edit("[[sources]]\nid = \"cars\"", "[[source]]\nid = \"cars\"");
    let d = check_one(
        &input,
        "source",
        &["unknown section `source`", "did you mean `sources`?)"],
    );
    assert_eq!(d.column, 3);
}

#[test]
fn scenario_field_at_top_level() {
    let input = format!("seed = 3\n{BASE}");
    check_one(&input, "seed", &["`seed` belongs in the [scenario] table"]);
}

#[test]
fn unknown_field_in_scenario() {
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"1h\"\nreplicatoins = 3"),
        "scenario.replicatoins",
        &[
            "unknown field `replicatoins`",
            "did you mean `replications`?)",
            "expected one of",
        ],
    );
}

#[test]
fn unknown_field_in_station() {
    let d = check_one(
        &edit("servers = 1", "servres = 1"),
        "stations[1].servres",
        &["unknown field `servres`", "did you mean `servers`?)"],
    );
    assert_eq!(d.column, 1);
}

#[test]
fn unknown_field_in_route_and_service() {
    check_one(
        &edit(
            "{ to = \"xray\", p = 0.15 }",
            "{ to = \"xray\", prob = 0.15 }",
        ),
        "stations[0].routes[0].prob",
        &["unknown field `prob`"],
    );
    check_one(
        &edit("mean = \"2min\" }", "mean = \"2min\", sd = \"1min\" }"),
        "stations[0].service.sd",
        &["unknown field `sd`", "`mean`"],
    );
}

#[test]
fn unknown_field_in_class_and_source() {
    check_one(
        &edit("id = \"car\"", "id = \"car\"\nlength = 4.5"),
        "classes[1].length",
        &[
            "unknown field `length`",
            "expected one of `id`, `description`",
        ],
    );
    check_one(
        &edit(
            "entry = \"primary\"\n\n",
            "entry = \"primary\"\nlane = 2\n\n",
        ),
        "sources[0].lane",
        &["unknown field `lane`"],
    );
}

#[test]
fn missing_required_fields() {
    check_one(
        &edit("horizon = \"1d\"\n", ""),
        "scenario.horizon",
        &["missing required field `horizon`", "horizon = \"7d\""],
    );
    check_one(
        &edit("servers = 1\n", ""),
        "stations[1].servers",
        &["missing required field `servers`"],
    );
    check_one(
        &edit("{ to = \"xray\", p = 0.15 }", "{ to = \"xray\" }"),
        "stations[0].routes[0].p",
        &["missing required field `p`"],
    );
    check_one(
        &edit("rate = \"30/h\"\n", ""),
        "sources[0].rate",
        &["missing required field `rate`", "\"30/h\""],
    );
    check_one(
        &edit("{ dist = \"exponential\", mean", "{ mean"),
        "stations[0].service.dist",
        &["missing required field `dist`", "`lognormal`"],
    );
    check_one(
        &edit("id = \"xray\"\n", ""),
        "stations[1].id",
        &["missing required field `id`"],
    );
}

#[test]
fn missing_scenario_table() {
    let input = edit(
        "[scenario]\nname = \"test\"\nhorizon = \"1d\"\nwarmup = \"1h\"\n",
        "",
    );
    check_one(&input, "scenario", &["missing the [scenario] table"]);
}

#[test]
fn missing_sections() {
    let input = "[scenario]\nname = \"x\"\nhorizon = \"1h\"\n";
    let err = check(
        input,
        &[
            "no vehicle classes",
            "no stations",
            "no sources of vehicles",
        ],
    );
    assert_eq!(err.diagnostics.len(), 3);
}

#[test]
fn section_written_as_single_table() {
    let input = edit(
        "[[classes]]\nid = \"truck\"\n\n[[classes]]\nid = \"car\"",
        "[classes]\nid = \"truck\"",
    );
    let err = check(
        &input,
        &[
            "`classes` must be a list of tables",
            "[[classes]] header (two brackets)",
        ],
    );
    // Reported once: no "no vehicle classes" and no "unknown class" cascade.
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    at(&err.diagnostics, "classes");
}

#[test]
fn section_of_strings_instead_of_tables() {
    let input = edit(
        "[[classes]]\nid = \"truck\"\n\n[[classes]]\nid = \"car\"\n",
        "",
    );
    let input = format!("classes = [\"truck\", \"car\"]\n{input}");
    let err = check(&input, &["found string \"truck\", expected a table"]);
    // One per entry; the sources and service_by_class naming them are not also reported.
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    at(&err.diagnostics, "classes[0]");
    at(&err.diagnostics, "classes[1]");
}

#[test]
fn section_written_as_a_key_of_scenario() {
    let input = edit(
        "[[classes]]\nid = \"truck\"\n\n[[classes]]\nid = \"car\"",
        "classes = [\"truck\", \"car\"]",
    );
    let err = check(
        &input,
        &["`classes` is a section of its own", "[[classes]] header"],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    at(&err.diagnostics, "scenario.classes");
}

#[test]
fn wrong_types() {
    check_one(
        &edit("servers = 4", "servers = \"ten\""),
        "stations[0].servers",
        &["wrong type: found string \"ten\", expected an integer"],
    );
    check_one(
        &edit("servers = 4", "servers = 2.5"),
        "stations[0].servers",
        &["found float `2.5`, expected an integer"],
    );
    check_one(
        &edit("p = 0.15", "p = \"15%\""),
        "stations[0].routes[0].p",
        &["expected a number"],
    );
    check_one(
        &edit("name = \"test\"", "name = 5"),
        "scenario.name",
        &["found integer `5`, expected a string"],
    );
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"1h\"\nseed = -1"),
        "scenario.seed",
        &["wrong value: found integer `-1`, expected a non-negative integer"],
    );
    check_one(
        &edit(
            "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
            "service = \"uniform\"",
        ),
        "stations[1].service",
        &["found string \"uniform\", expected a table"],
    );
    check_one(
        &edit("rate = \"30/h\"", "rate = true"),
        "sources[0].rate",
        &["found boolean `true`", "a rate"],
    );
}

#[test]
fn shape_errors_in_separate_entries_are_all_reported() {
    let input = edit("servers = 4", "servers = \"four\"");
    let input = edit_in(&input, "id = \"cars\"", "id = \"cars\"\ncolour = \"red\"");
    let input = edit_in(&input, "id = \"car\"", "id = \"car\"\nweight = 1");
    let err = check(&input, &[]);
    assert_eq!(err.diagnostics.len(), 3, "{err}");
    at(&err.diagnostics, "classes[1].weight");
    at(&err.diagnostics, "stations[0].servers");
    at(&err.diagnostics, "sources[1].colour");
}
