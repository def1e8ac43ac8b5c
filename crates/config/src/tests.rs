//! Loader tests: each case is a short file and the diagnostics it must produce (path, line,
//! words of the message).

use std::path::Path;

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, ClassId, Crossing, HOURS_PER_WEEK, Scenario, ServiceDist, StationId, Target,
};

use crate::raw::RawConfig;
use crate::{ConfigError, Diagnostic, Loaded, parse_scenario, parse_scenario_with};

/// A valid two-class, two-station scenario. Tests edit it with [`edit`]; its line numbers
/// are the ones the assertions use.
pub(crate) const BASE: &str = r#"[scenario]
name = "test"
horizon = "1d"
warmup = "1h"

[[classes]]
id = "truck"

[[classes]]
id = "car"

[[stations]]
id = "primary"
servers = 4
service = { dist = "exponential", mean = "2min" }
service_by_class = { car = { dist = "deterministic", value = "1min" } }
routes = [
  { to = "xray", p = 0.15 },
  { to = "exit", p = 0.85 },
]

[[stations]]
id = "xray"
servers = 1
service = { dist = "uniform", min = "1min", max = "2min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "30/h"
entry = "primary"

[[sources]]
id = "cars"
class = "car"
rate = "20/h"
entry = "primary"
"#;

/// `BASE` with one snippet replaced (which must occur exactly once).
pub(crate) fn edit(from: &str, to: &str) -> String {
    edit_in(BASE, from, to)
}

pub(crate) fn edit_in(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

pub(crate) fn ok(input: &str) -> Loaded {
    match parse_scenario(input, "test.toml") {
        Ok(loaded) => loaded,
        Err(e) => panic!("expected success, got:\n{e}"),
    }
}

/// Parses `input`, expects failure, and checks that the rendered error contains every
/// expected substring.
pub(crate) fn check(input: &str, expected: &[&str]) -> ConfigError {
    let err = match parse_scenario(input, "test.toml") {
        Ok(_) => panic!("expected an error for:\n{input}"),
        Err(e) => e,
    };
    let text = err.to_string();
    for e in expected {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
    err
}

/// The only diagnostic at `path`, checked to be on `line`.
pub(crate) fn at<'a>(diagnostics: &'a [Diagnostic], path: &str, line: usize) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.path == path).collect();
    let list = || {
        diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        found.len(),
        1,
        "expected one diagnostic at {path}, got:\n{}",
        list()
    );
    assert_eq!(found[0].line, line, "line of {path} in:\n{}", list());
    found[0]
}

/// `check`, then: exactly one diagnostic, at `path` and `line`.
pub(crate) fn check_one(input: &str, path: &str, line: usize, expected: &[&str]) -> Diagnostic {
    let err = check(input, expected);
    assert_eq!(err.diagnostics.len(), 1, "expected one diagnostic:\n{err}");
    at(&err.diagnostics, path, line).clone()
}

// ---------------------------------------------------------------------------------------
// Valid files
// ---------------------------------------------------------------------------------------

#[test]
fn base_scenario_loads_into_model_types() {
    let loaded = ok(BASE);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.scenario;
    assert_eq!(s.name, "test");
    assert_eq!(s.horizon, SimTime::from_hours(24));
    assert_eq!(s.warmup, SimTime::from_hours(1));
    assert_eq!(s.replications, 10);
    assert_eq!(s.seed, 1);
    assert_eq!(s.population().classes.len(), 2);
    assert_eq!(s.class_id("car"), Some(ClassId(1)));
    let primary = s.crossing.station(StationId(0));
    assert_eq!(primary.id, "primary");
    assert_eq!(primary.max_servers(), 4);
    assert_eq!(
        primary.service,
        vec![
            Some(ServiceDist::Exponential { mean_ms: 120_000.0 }),
            Some(ServiceDist::Deterministic { value_ms: 60_000.0 }),
        ]
    );
    assert_eq!(primary.routes.len(), 2);
    assert_eq!(primary.routes[0].to, Target::Station(StationId(1)));
    assert_eq!(primary.routes[0].when.classes, None);
    assert_eq!(primary.routes[1].to, Target::Exit);
    let xray = s.crossing.station(StationId(1));
    assert!(xray.routes.is_empty());
    let src = &s.crossing.sources()[1];
    assert_eq!(src.id, "cars");
    assert_eq!(src.entry, StationId(0));
    assert_eq!(
        src.arrivals,
        Arrivals::Poisson {
            class: ClassId(1),
            rate_per_hour: 20.0
        }
    );
}

#[test]
fn optional_scenario_fields_take_their_values() {
    let input = edit(
        "warmup = \"1h\"\n",
        "warmup = \"90min\"\nreplications = 3\nseed = 42\n",
    );
    let s = ok(&input).scenario;
    assert_eq!(s.warmup, SimTime::from_mins(90));
    assert_eq!(s.replications, 3);
    assert_eq!(s.seed, 42);
    let s = ok(&edit("warmup = \"1h\"\n", "")).scenario;
    assert_eq!(s.warmup, SimTime::ZERO);
}

#[test]
fn every_distribution_and_route_filter_loads() {
    let input = r#"[scenario]
name = "all"
horizon = "2h"

[[classes]]
id = "a"
description = "first"
[[classes]]
id = "b"
[[classes]]
id = "c"

[[stations]]
id = "s1"
servers = 2
description = "entry"
service = { dist = "triangular", min = "10s", mode = "20s", max = "1min" }
service_by_class.b = { dist = "lognormal", mean = "30s", cv = 0.5 }
service_by_class.c = { dist = "gamma", mean = "250ms", cv = 0 }
routes = [
  { class = "a", to = "s2", p = 1 },
  { classes = ["b", "c", "b"], to = "exit", p = 1.0 },
]

[[stations]]
id = "s2"
servers = 1

[stations.service]
dist = "empirical"
values = ["10s", "20s", "1.5 min"]

[[sources]]
id = "x"
class = "a"
rate = "1/min"
entry = "s1"
[[sources]]
id = "y"
class = "b"
rate = "0.5/min"
entry = "s1"
[[sources]]
id = "z"
class = "c"
rate = "48/d"
entry = "s1"
"#;
    let loaded = ok(input);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let st = loaded.scenario.crossing.stations();
    assert_eq!(
        st[0].service[0],
        Some(ServiceDist::Triangular {
            min_ms: 10_000.0,
            mode_ms: 20_000.0,
            max_ms: 60_000.0
        })
    );
    assert_eq!(
        st[0].service[1],
        Some(ServiceDist::LogNormal {
            mean_ms: 30_000.0,
            cv: 0.5
        })
    );
    assert_eq!(
        st[0].service[2],
        Some(ServiceDist::Gamma {
            mean_ms: 250.0,
            cv: 0.0
        })
    );
    assert_eq!(st[0].routes[0].when.classes, Some(vec![ClassId(0)]));
    assert_eq!(
        st[0].routes[1].when.classes,
        Some(vec![ClassId(1), ClassId(2)])
    );
    assert_eq!(
        st[1].service[0],
        Some(ServiceDist::Empirical {
            values_ms: vec![10_000.0, 20_000.0, 90_000.0]
        })
    );
    // s2 has a service time for every class though only `a` visits it.
    assert!(st[1].service.iter().all(Option::is_some));
    let rates: Vec<f64> = loaded
        .scenario
        .crossing
        .sources()
        .iter()
        .map(|s| s.arrivals.mean_rate_per_hour().unwrap_or(0.0))
        .collect();
    assert_eq!(rates, vec![60.0, 30.0, 2.0]);
}

// ---------------------------------------------------------------------------------------
// Diagnostics format
// ---------------------------------------------------------------------------------------

#[test]
fn diagnostics_display_file_line_column_path_message() {
    let d = Diagnostic {
        file: "a.toml".into(),
        path: "stations[2].routes[1].to".into(),
        line: 7,
        column: 12,
        message: "unknown station `x`".into(),
    };
    assert_eq!(
        d.to_string(),
        "a.toml:7:12: stations[2].routes[1].to: unknown station `x`"
    );
    let whole = Diagnostic {
        path: String::new(),
        ..d.clone()
    };
    assert_eq!(whole.to_string(), "a.toml:7:12: unknown station `x`");
    let err = ConfigError {
        diagnostics: vec![d, whole],
    };
    assert_eq!(err.to_string().lines().count(), 2);
}

#[test]
fn columns_point_at_the_value() {
    let d = check_one(
        &edit("servers = 4", "servers = 0"),
        "stations[0].servers",
        14,
        &[],
    );
    assert_eq!(d.column, 11);
    assert_eq!(d.file, "test.toml");
}

#[test]
fn diagnostics_come_in_file_order() {
    let input = edit("rate = \"20/h\"", "rate = \"20\"");
    let input = edit_in(&input, "servers = 1", "servers = 0");
    let input = edit_in(&input, "horizon = \"1d\"", "horizon = \"1 day\"");
    let err = check(&input, &[]);
    let lines: Vec<usize> = err.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![3, 24, 36]);
}

// ---------------------------------------------------------------------------------------
// Syntax and shape
// ---------------------------------------------------------------------------------------

#[test]
fn empty_file() {
    for input in ["", "   \n\t\n", "# nothing but comments\n\n# here\n"] {
        let d = check_one(input, "", 1, &["the file is empty", "[scenario]"]);
        assert_eq!(d.column, 1);
    }
}

#[test]
fn toml_syntax_error() {
    let d = check_one(
        &edit("name = \"test\"", "name = \"test"),
        "",
        2,
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
            "is the array `stations[0].routes` opened on line 17 missing its `]`?",
            "may follow from this one",
        ],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    check_one(
        &edit("max = \"2min\" }", "max = \"2min\""),
        "",
        27,
        &["is the inline table `stations[1].service` opened on line 25 missing its `}`?"],
    );
    // A typo inside a closed multi-line array gets no such hint.
    let err = check(
        &edit(
            "{ to = \"exit\", p = 0.85 }",
            "{ to = \"exit\", p == 0.85 }",
        ),
        &["TOML syntax error"],
    );
    assert_eq!(err.diagnostics[0].line, 19, "{err}");
    assert!(!err.to_string().contains("missing its"), "{err}");
    let err = check(
        &edit(
            "  { to = \"exit\", p = 0.85 },",
            "  { to = \"exit\" p = 0.85 },",
        ),
        &["TOML syntax error"],
    );
    assert_eq!(err.diagnostics[0].line, 19);
    // Duplicate keys are a TOML error too.
    let err = check(
        &edit("servers = 1\n", "servers = 1\nservers = 2\n"),
        &["TOML syntax error", "duplicate key"],
    );
    assert_eq!(err.diagnostics[0].line, 25);
}

#[test]
fn unknown_section() {
    let input = edit("[[sources]]\nid = \"cars\"", "[[source]]\nid = \"cars\"");
    let d = check_one(
        &input,
        "source",
        33,
        &["unknown section `source`", "did you mean `sources`?)"],
    );
    assert_eq!(d.column, 3);
}

#[test]
fn scenario_field_at_top_level() {
    let input = format!("seed = 3\n{BASE}");
    check_one(
        &input,
        "seed",
        1,
        &["`seed` belongs in the [scenario] table"],
    );
}

#[test]
fn unknown_field_in_scenario() {
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"1h\"\nreplicatoins = 3"),
        "scenario.replicatoins",
        5,
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
        24,
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
        18,
        &["unknown field `prob`"],
    );
    check_one(
        &edit("mean = \"2min\" }", "mean = \"2min\", sd = \"1min\" }"),
        "stations[0].service.sd",
        15,
        &["unknown field `sd`", "`mean`"],
    );
}

#[test]
fn unknown_field_in_class_and_source() {
    check_one(
        &edit("id = \"car\"", "id = \"car\"\nlength = 4.5"),
        "classes[1].length",
        11,
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
        32,
        &["unknown field `lane`"],
    );
}

#[test]
fn missing_required_fields() {
    check_one(
        &edit("horizon = \"1d\"\n", ""),
        "scenario.horizon",
        1,
        &["missing required field `horizon`", "horizon = \"7d\""],
    );
    check_one(
        &edit("servers = 1\n", ""),
        "stations[1].servers",
        22,
        &["missing required field `servers`"],
    );
    check_one(
        &edit("{ to = \"xray\", p = 0.15 }", "{ to = \"xray\" }"),
        "stations[0].routes[0].p",
        18,
        &["missing required field `p`"],
    );
    check_one(
        &edit("rate = \"30/h\"\n", ""),
        "sources[0].rate",
        27,
        &["missing required field `rate`", "\"30/h\""],
    );
    check_one(
        &edit("{ dist = \"exponential\", mean", "{ mean"),
        "stations[0].service.dist",
        15,
        &["missing required field `dist`", "`lognormal`"],
    );
    check_one(
        &edit("id = \"xray\"\n", ""),
        "stations[1].id",
        22,
        &["missing required field `id`"],
    );
}

#[test]
fn missing_scenario_table() {
    let input = edit(
        "[scenario]\nname = \"test\"\nhorizon = \"1d\"\nwarmup = \"1h\"\n",
        "",
    );
    check_one(&input, "scenario", 1, &["missing the [scenario] table"]);
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
    at(&err.diagnostics, "classes", 6);
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
    at(&err.diagnostics, "classes[0]", 1);
    at(&err.diagnostics, "classes[1]", 1);
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
    at(&err.diagnostics, "scenario.classes", 6);
}

#[test]
fn wrong_types() {
    check_one(
        &edit("servers = 4", "servers = \"ten\""),
        "stations[0].servers",
        14,
        &["wrong type: found string \"ten\", expected an integer"],
    );
    check_one(
        &edit("servers = 4", "servers = 2.5"),
        "stations[0].servers",
        14,
        &["found float `2.5`, expected an integer"],
    );
    check_one(
        &edit("p = 0.15", "p = \"15%\""),
        "stations[0].routes[0].p",
        18,
        &["expected a number"],
    );
    check_one(
        &edit("name = \"test\"", "name = 5"),
        "scenario.name",
        2,
        &["found integer `5`, expected a string"],
    );
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"1h\"\nseed = -1"),
        "scenario.seed",
        5,
        &["wrong value: found integer `-1`, expected a non-negative integer"],
    );
    check_one(
        &edit(
            "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
            "service = \"uniform\"",
        ),
        "stations[1].service",
        25,
        &["found string \"uniform\", expected a table"],
    );
    check_one(
        &edit("rate = \"30/h\"", "rate = true"),
        "sources[0].rate",
        30,
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
    at(&err.diagnostics, "classes[1].weight", 11);
    at(&err.diagnostics, "stations[0].servers", 15);
    at(&err.diagnostics, "sources[1].colour", 36);
}

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

#[test]
fn bad_duration_strings() {
    check_one(
        &edit("mean = \"2min\"", "mean = \"2 mins\""),
        "stations[0].service.mean",
        15,
        &["unknown unit `mins`; write `min`"],
    );
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"5m\""),
        "scenario.warmup",
        4,
        &["`m` is ambiguous"],
    );
    check_one(
        &edit("horizon = \"1d\"", "horizon = 86400"),
        "scenario.horizon",
        3,
        &["`86400` has no unit", "\"86400s\""],
    );
    check_one(
        &edit("min = \"1min\"", "min = 60"),
        "stations[1].service.min",
        25,
        &["`60` has no unit"],
    );
    check_one(
        &edit("value = \"1min\"", "value = \"-1min\""),
        "stations[0].service_by_class.car.value",
        16,
        &["cannot be negative"],
    );
}

#[test]
fn bad_rate_strings() {
    check_one(
        &edit("rate = \"30/h\"", "rate = \"30 per hour\""),
        "sources[0].rate",
        30,
        &["not a rate", "\"30/h\""],
    );
    check_one(
        &edit("rate = \"30/h\"", "rate = 30"),
        "sources[0].rate",
        30,
        &["`30` has no time unit", "\"30/h\""],
    );
    check_one(
        &edit("rate = \"30/h\"", "rate = \"30/hr\""),
        "sources[0].rate",
        30,
        &["unknown time unit `hr`", "write \"30/h\""],
    );
}

#[test]
fn zero_or_negative_rate() {
    check_one(
        &edit("rate = \"20/h\"", "rate = \"0/h\""),
        "sources[1].rate",
        36,
        &["the rate must be positive", "remove the source"],
    );
    check_one(
        &edit("rate = \"20/h\"", "rate = \"-20/h\""),
        "sources[1].rate",
        36,
        &["cannot be negative"],
    );
}

#[test]
fn zero_or_negative_servers() {
    check_one(
        &edit("servers = 1", "servers = 0"),
        "stations[1].servers",
        24,
        &["at least 1 server", "got 0"],
    );
    check_one(
        &edit("servers = 1", "servers = -2"),
        "stations[1].servers",
        24,
        &["got -2"],
    );
}

#[test]
fn warmup_not_shorter_than_horizon() {
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"24h\""),
        "scenario.warmup",
        4,
        &[
            "warm-up (\"24h\") must be shorter than the horizon (\"1d\")",
            "includes the warm-up",
        ],
    );
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"2d\""),
        "scenario.warmup",
        4,
        &["must be shorter than the horizon"],
    );
    check_one(
        &edit("horizon = \"1d\"", "horizon = \"0s\""),
        "scenario.horizon",
        3,
        &["the horizon must be longer than 0"],
    );
}

#[test]
fn replications_below_one() {
    for bad in ["0", "-3"] {
        check_one(
            &edit(
                "warmup = \"1h\"",
                &format!("warmup = \"1h\"\nreplications = {bad}"),
            ),
            "scenario.replications",
            5,
            &["replications must be at least 1", &format!("got {bad}")],
        );
    }
}

#[test]
fn empty_names() {
    check_one(
        &edit("name = \"test\"", "name = \"  \""),
        "scenario.name",
        2,
        &["must not be empty"],
    );
    check_one(
        &edit("id = \"trucks\"", "id = \"\""),
        "sources[0].id",
        28,
        &["source id must not be empty"],
    );
}

#[test]
fn distribution_parameters() {
    check_one(
        &edit(
            "min = \"1min\", max = \"2min\"",
            "min = \"3min\", max = \"2min\"",
        ),
        "stations[1].service",
        25,
        &["min \"3min\" must not exceed max \"2min\""],
    );
    check_one(
        &edit(
            "{ dist = \"uniform\", min = \"1min\", max = \"2min\" }",
            "{ dist = \"triangular\", min = \"1min\", mode = \"5min\", max = \"2min\" }",
        ),
        "stations[1].service",
        25,
        &["need min <= mode <= max"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"lognormal\", mean = \"2min\", cv = -0.5 }",
        ),
        "stations[0].service.cv",
        15,
        &["cv must be zero or positive, got -0.5"],
    );
    check_one(
        &edit("mean = \"2min\"", "mean = \"0s\""),
        "stations[0].service.mean",
        15,
        &["the mean must be longer than 0"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"gamma\", mean = \"2min\" }",
        ),
        "stations[0].service",
        15,
        &["gamma needs `cv`", "cv = 0.5"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"exponential\", mean = \"2min\", cv = 1 }",
        ),
        "stations[0].service.cv",
        15,
        &["`cv` is not a parameter of exponential; exponential takes `mean`"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"empirical\", values = [] }",
        ),
        "stations[0].service.values",
        15,
        &["at least one observed duration"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"empirical\", values = [\"1min\", \"2x\"] }",
        ),
        "stations[0].service.values[1]",
        15,
        &["unknown unit `x`"],
    );
    check_one(
        &edit("dist = \"exponential\"", "dist = \"exponental\""),
        "stations[0].service.dist",
        15,
        &[
            "unknown distribution `exponental`",
            "did you mean `exponential`?)",
            "`empirical`",
        ],
    );
}

#[test]
fn several_bad_parameters_in_one_table_are_all_reported() {
    let input = edit(
        "{ dist = \"exponential\", mean = \"2min\" }",
        "{ dist = \"lognormal\", mean = \"2 hours\", cv = -1 }",
    );
    let err = check(&input, &["write `h`", "cv must be zero or positive"]);
    assert_eq!(err.diagnostics.len(), 2, "{err}");
}

#[test]
fn probability_out_of_range() {
    check_one(
        &edit("p = 0.85", "p = 1.85"),
        "stations[0].routes[1].p",
        19,
        &["between 0 and 1, got 1.85"],
    );
}

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

#[test]
fn duplicate_ids() {
    // The route to the renamed station is reported too: "xray" no longer exists.
    let err = check(
        &edit("id = \"xray\"", "id = \"primary\""),
        &["duplicate station id `primary`: stations[0] (line 13) already uses it"],
    );
    at(&err.diagnostics, "stations[1].id", 23);
    at(&err.diagnostics, "stations[0].routes[0].to", 18);
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    check_one(
        &edit(
            "id = \"car\"\n",
            "id = \"car\"\n\n[[classes]]\nid = \"car\"\n",
        ),
        "classes[2].id",
        13,
        &["duplicate class id `car`: classes[1] (line 10) already uses it"],
    );
    check_one(
        &edit("id = \"cars\"", "id = \"trucks\""),
        "sources[1].id",
        34,
        &["duplicate source id `trucks`"],
    );
}

#[test]
fn unknown_route_target() {
    let input = edit("{ to = \"xray\", p = 0.15 }", "{ to = \"xrya\", p = 0.15 }");
    let d = check_one(
        &input,
        "stations[0].routes[0].to",
        18,
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
        31,
        &["unknown station `primray` (did you mean `primary`?)"],
    );
    check_one(
        &edit("class = \"car\"", "class = \"bus\""),
        "sources[1].class",
        35,
        &["unknown class `bus`", "known classes: `truck`, `car`"],
    );
}

#[test]
fn unknown_class_in_service_by_class_points_at_the_key() {
    let d = check_one(
        &edit("service_by_class = { car =", "service_by_class = { cars ="),
        "stations[0].service_by_class.cars",
        16,
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
        18,
        &["unknown class `Truck` (did you mean `truck`?)"],
    );
    check_one(
        &edit(
            "{ to = \"xray\", p = 0.15 }",
            "{ to = \"xray\", p = 0.15, classes = [\"truck\", \"van\"] }",
        ),
        "stations[0].routes[0].classes[1]",
        18,
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
        18,
        &["either `class` or `classes`, not both"],
    );
    check_one(
        &edit(
            "{ to = \"xray\", p = 0.15 }",
            "{ to = \"xray\", p = 0.15, classes = [] }",
        ),
        "stations[0].routes[0].classes",
        18,
        &["`classes` is empty"],
    );
}

#[test]
fn exit_is_reserved() {
    check_one(
        &edit("id = \"xray\"", "id = \"exit\"").replace("to = \"xray\"", "to = \"primary\""),
        "stations[1].id",
        23,
        &["`exit` is reserved"],
    );
    check_one(
        &edit("entry = \"primary\"\n\n", "entry = \"exit\"\n\n"),
        "sources[0].entry",
        31,
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

// ---------------------------------------------------------------------------------------
// Structure
// ---------------------------------------------------------------------------------------

#[test]
fn probabilities_not_summing_to_one() {
    check_one(
        &edit("p = 0.85", "p = 0.8"),
        "stations[0].routes",
        17,
        &[
            "probabilities of the routes for every class (routes[0], routes[1]) sum to 0.95, not 1",
            "add the missing 0.05",
        ],
    );
    check_one(
        &edit("p = 0.85", "p = 0.95"),
        "stations[0].routes",
        17,
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
        17,
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
        17,
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
        22,
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

// ---------------------------------------------------------------------------------------
// Warnings
// ---------------------------------------------------------------------------------------

#[test]
fn unstable_station_is_a_warning() {
    let loaded = ok(&edit("rate = \"20/h\"", "rate = \"200/h\""));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = at(&loaded.warnings, "stations[0].servers", 14);
    assert!(
        w.message
            .starts_with("unstable: offered load 1.08 per server"),
        "{w}"
    );
    assert!(
        w.message.contains("the queue grows until the horizon"),
        "{w}"
    );
    assert!(w.message.contains("at least 5 servers"), "{w}");
}

#[test]
fn unvisited_station_and_idle_class_are_warnings() {
    let input = edit(
        "  { to = \"xray\", p = 0.15 },\n  { to = \"exit\", p = 0.85 },\n",
        "  { to = \"exit\", p = 1 },\n",
    );
    let input = edit_in(
        &input,
        "[[sources]]\nid = \"cars\"\nclass = \"car\"\nrate = \"20/h\"\nentry = \"primary\"\n",
        "",
    );
    let loaded = ok(&input);
    assert_eq!(loaded.warnings.len(), 2, "{:?}", loaded.warnings);
    let w = at(&loaded.warnings, "classes[1].id", 10);
    assert!(
        w.message
            .contains("no source sends vehicles of class `car`"),
        "{w}"
    );
    let w = at(&loaded.warnings, "stations[1].id", 22);
    assert!(w.message.contains("station `xray` is never visited"), "{w}");
}

// ---------------------------------------------------------------------------------------
// Bundled configs
// ---------------------------------------------------------------------------------------

fn toml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        // Policies are changes to a scenario, not scenarios: tested on their own.
        if path.is_dir() && path.file_name().is_some_and(|n| n == "policies") {
            continue;
        }
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// Reads the files a config names (traces) relative to the config's directory, as the
/// CLI does.
fn load_bundled(path: &Path) -> Loaded {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.display().to_string();
    let dir = path.parent().unwrap().to_owned();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    parse_scenario_with(&text, &name, &read).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_bundled_config_loads_without_errors_or_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let mut files = Vec::new();
    toml_files(&root, &mut files);
    assert!(files.len() >= 6, "found only {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        if crate::is_region(&text) {
            // A region names crossing files, each a scenario loaded here on its own too.
            let dir = path.parent().unwrap().to_owned();
            let read =
                move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
            let region = crate::parse_region_with(&text, &name, &read)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(region.model.crossings.len() >= 2, "{name}");
            assert!(!region.model.region.demand.is_empty(), "{name}");
            continue;
        }
        let loaded = load_bundled(&path);
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        // The whole-file raw type reads the same files (the loader reads it piecewise).
        let raw: RawConfig = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            raw.stations.len(),
            loaded.scenario.crossing.stations().len()
        );
    }
}

#[test]
fn bench_configs_are_the_textbook_queues() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/bench");
    let mm4 = ok(&std::fs::read_to_string(root.join("mm4.toml")).unwrap()).scenario;
    assert_eq!(mm4.replications, 1);
    assert_eq!(mm4.warmup, SimTime::ZERO);
    assert_eq!(mm4.horizon, SimTime::from_mins(277_778));
    let st = mm4.crossing.station(StationId(0));
    assert_eq!((st.id.as_str(), st.max_servers()), ("server", 4));
    assert_eq!(
        st.service,
        vec![Some(ServiceDist::Exponential { mean_ms: 60_000.0 })]
    );
    assert_eq!(
        mm4.crossing.sources()[0]
            .arrivals
            .mean_rate_per_hour()
            .unwrap_or(0.0),
        216.0
    );
    assert!((mm4.offered_loads()[0] - 0.9).abs() < 1e-12);

    let jackson = ok(&std::fs::read_to_string(root.join("jackson.toml")).unwrap()).scenario;
    let loads = jackson.offered_loads();
    assert!(
        (loads[0] - 0.75).abs() < 1e-9 && (loads[1] - 0.6).abs() < 1e-9,
        "{loads:?}"
    );
    assert_eq!(jackson.horizon, SimTime::from_mins(1_000_000));
}

/// Offered load per open server at each station in each hour of the week: each source's
/// share of the traffic equations (from a crossing holding only that source), scaled by its
/// rate that hour. `None` where the station is closed.
fn hourly_loads(s: &Scenario) -> Vec<Vec<Option<f64>>> {
    let crossing = &s.crossing;
    let stations = crossing.stations();
    let mut work = vec![vec![0.0; HOURS_PER_WEEK]; stations.len()];
    for src in crossing.sources() {
        let alone = Crossing::new(
            "one source",
            crossing.population(),
            stations.to_vec(),
            vec![src.clone()],
        )
        .unwrap();
        let loads = alone.offered_loads(s.horizon);
        let mean = src.arrivals.mean_rate_per_hour().unwrap_or(0.0);
        for (st, load) in loads.iter().enumerate() {
            let mean_work = load * stations[st].mean_servers();
            for (h, w) in work[st].iter_mut().enumerate() {
                let at = SimTime::from_hours(h as u64);
                let rate = match &src.arrivals {
                    Arrivals::Profile { profile, .. } => profile.rate_per_hour_at(at, 0),
                    _ => mean,
                };
                if mean > 0.0 {
                    *w += mean_work * rate / mean;
                }
            }
        }
    }
    stations
        .iter()
        .zip(work)
        .map(|(st, work)| {
            (0..HOURS_PER_WEEK)
                .map(|h| {
                    let at = SimTime::from_hours(h as u64);
                    let open: u32 = st.lanes.iter().map(|g| g.schedule.servers_at(at, 0)).sum();
                    (open > 0).then(|| work[h] / f64::from(open))
                })
                .collect()
        })
        .collect()
}

#[test]
fn example_configs_are_busy_but_stable() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/examples");
    for (file, entry_peak) in [
        ("commercial_truck_crossing.toml", Some((0.95, 1.25))),
        ("passenger_car_crossing.toml", Some((0.95, 1.25))),
        ("osbp_corridor_crossing.toml", None),
        ("trace_replay.toml", None),
    ] {
        let s = load_bundled(&root.join(file)).scenario;
        let loads = s.offered_loads();
        // Stable over the week: every queue clears eventually.
        assert!(loads.iter().all(|&l| l < 0.9), "{file}: {loads:?}");
        assert_eq!(s.replications, 10);
        if let Some((low, high)) = entry_peak {
            // Busy at the peak: the first station's busiest open hour.
            let peak = hourly_loads(&s)[0]
                .iter()
                .flatten()
                .copied()
                .fold(0.0, f64::max);
            assert!(peak > low && peak < high, "{file}: peak {peak}");
            assert!(s.warmup > SimTime::ZERO);
        }
    }
}

#[test]
fn every_bundled_policy_applies_to_its_baseline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let mut policies: Vec<_> = std::fs::read_dir(root.join("policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    policies.sort();
    assert!(policies.len() >= 8, "{policies:?}");
    for path in policies {
        let name = path.display().to_string();
        let policy = std::fs::read_to_string(&path).unwrap();
        if matches!(crate::policy_crossing(&policy, &name), Ok(Some(_))) {
            continue; // a policy for one crossing of a region: the region tests apply it
        }
        let header: toml::Table = toml::from_str(&policy).unwrap();
        let baseline = header["policy"]
            .get("baseline")
            .and_then(toml::Value::as_str)
            .unwrap_or_else(|| panic!("{name}: a bundled policy names its baseline"));
        let base_path = path.parent().unwrap().join(baseline);
        let base_text = std::fs::read_to_string(&base_path)
            .unwrap_or_else(|e| panic!("{name}: baseline {}: {e}", base_path.display()));
        let base = load_bundled(&base_path).scenario;
        let applied = crate::apply_policy(&base_text, &policy, &name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = base_path.parent().unwrap().to_owned();
        let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
        let loaded = parse_scenario_with(&applied.scenario_text, &name, &read)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        assert_eq!(loaded.scenario.name, applied.name);
        // A policy changes something, and keeps the vehicles' sources.
        assert_eq!(
            loaded.scenario.crossing.sources(),
            base.crossing.sources(),
            "{name}"
        );
        let changed = loaded.scenario.crossing.stations() != base.crossing.stations()
            || loaded.scenario.population() != base.population();
        assert!(changed, "{name} changes nothing");
    }
}
