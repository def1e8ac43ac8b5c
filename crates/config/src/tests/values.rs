//! Scenario loader tests: values.

use super::*;

#[test]
fn bad_duration_strings() {
    check_one(
        &edit("mean = \"2min\"", "mean = \"2 mins\""),
        "stations[0].service.mean",
        &["unknown unit `mins`; write `min`"],
    );
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"5m\""),
        "scenario.warmup",
        &["`m` is ambiguous"],
    );
    check_one(
        &edit("horizon = \"1d\"", "horizon = 86400"),
        "scenario.horizon",
        &["`86400` has no unit", "\"86400s\""],
    );
    check_one(
        &edit("min = \"1min\"", "min = 60"),
        "stations[1].service.min",
        &["`60` has no unit"],
    );
    check_one(
        &edit("value = \"1min\"", "value = \"-1min\""),
        "stations[0].service_by_class.car.value",
        &["cannot be negative"],
    );
}

#[test]
fn bad_rate_strings() {
    check_one(
        &edit("rate = \"30/h\"", "rate = \"30 per hour\""),
        "sources[0].rate",
        &["not a rate", "\"30/h\""],
    );
    check_one(
        &edit("rate = \"30/h\"", "rate = 30"),
        "sources[0].rate",
        &["`30` has no time unit", "\"30/h\""],
    );
    check_one(
        &edit("rate = \"30/h\"", "rate = \"30/hr\""),
        "sources[0].rate",
        &["unknown time unit `hr`", "write \"30/h\""],
    );
}

#[test]
fn zero_or_negative_rate() {
    check_one(
        &edit("rate = \"20/h\"", "rate = \"0/h\""),
        "sources[1].rate",
        &["the rate must be positive", "remove the source"],
    );
    check_one(
        &edit("rate = \"20/h\"", "rate = \"-20/h\""),
        "sources[1].rate",
        &["cannot be negative"],
    );
}

#[test]
fn zero_or_negative_servers() {
    check_one(
        &edit("servers = 1", "servers = 0"),
        "stations[1].servers",
        &["at least 1 server", "got 0"],
    );
    check_one(
        &edit("servers = 1", "servers = -2"),
        "stations[1].servers",
        &["got -2"],
    );
}

#[test]
fn warmup_not_shorter_than_horizon() {
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"24h\""),
        "scenario.warmup",
        &[
            "warm-up (\"24h\") must be shorter than the horizon (\"1d\")",
            "includes the warm-up",
        ],
    );
    check_one(
        &edit("warmup = \"1h\"", "warmup = \"2d\""),
        "scenario.warmup",
        &["must be shorter than the horizon"],
    );
    check_one(
        &edit("horizon = \"1d\"", "horizon = \"0s\""),
        "scenario.horizon",
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
            &["replications must be at least 1", &format!("got {bad}")],
        );
    }
}

#[test]
fn empty_names() {
    check_one(
        &edit("name = \"test\"", "name = \"  \""),
        "scenario.name",
        &["must not be empty"],
    );
    check_one(
        &edit("id = \"trucks\"", "id = \"\""),
        "sources[0].id",
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
        &["min \"3min\" must not exceed max \"2min\""],
    );
    check_one(
        &edit(
            "{ dist = \"uniform\", min = \"1min\", max = \"2min\" }",
            "{ dist = \"triangular\", min = \"1min\", mode = \"5min\", max = \"2min\" }",
        ),
        "stations[1].service",
        &["need min <= mode <= max"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"lognormal\", mean = \"2min\", cv = -0.5 }",
        ),
        "stations[0].service.cv",
        &["cv must be zero or positive, got -0.5"],
    );
    check_one(
        &edit("mean = \"2min\"", "mean = \"0s\""),
        "stations[0].service.mean",
        &["the mean must be longer than 0"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"gamma\", mean = \"2min\" }",
        ),
        "stations[0].service",
        &["gamma needs `cv`", "cv = 0.5"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"exponential\", mean = \"2min\", cv = 1 }",
        ),
        "stations[0].service.cv",
        &["`cv` is not a parameter of exponential; exponential takes `mean`"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"empirical\", values = [] }",
        ),
        "stations[0].service.values",
        &["at least one observed duration"],
    );
    check_one(
        &edit(
            "{ dist = \"exponential\", mean = \"2min\" }",
            "{ dist = \"empirical\", values = [\"1min\", \"2x\"] }",
        ),
        "stations[0].service.values[1]",
        &["unknown unit `x`"],
    );
    check_one(
        &edit("dist = \"exponential\"", "dist = \"exponental\""),
        "stations[0].service.dist",
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
        &["between 0 and 1, got 1.85"],
    );
}

/// A server count above what a lane group holds (`u32::MAX`) states that limit, not "at least
/// 1"; lane groups whose counts add up past it are summed without wrapping to 0.
#[test]
fn server_counts_state_their_real_limit_and_never_wrap() {
    check_one(
        &edit("servers = 4\n", "servers = 4294967296\n"),
        "stations[0].servers",
        &["a station has at most 4294967295 servers", "got 4294967296"],
    );
    check_one(
        &edit("servers = 4\n", "servers = 0\n"),
        "stations[0].servers",
        &["needs at least 1 server"],
    );
    let two_groups = r#"
[scenario]
name = "wide"
horizon = "1h"

[[classes]]
id = "car"

[[stations]]
id = "primary"
service = { dist = "exponential", mean = "1min" }
routes = [{ to = "exit", p = 1 }]
[[stations.lanes]]
id = "a"
servers = 2147483648
[[stations.lanes]]
id = "b"
servers = 2147483648

[[sources]]
id = "cars"
class = "car"
rate = "30/h"
entry = "primary"
"#;
    // Summed without wrapping, and held to the same limit as one count: refused with it,
    // never wrapped to 0 ("never has an open server").
    check(
        two_groups,
        &["4294967296 servers open at once", "at most 4294967295"],
    );
    let loaded = ok(&two_groups.replacen("servers = 2147483648", "servers = 2147483647", 1));
    let station = &loaded.scenario.crossing.stations()[0];
    assert_eq!(station.max_servers(), (1u64 << 32) - 1);
}

#[test]
fn an_empirical_list_past_its_limit_is_refused_at_the_first_value_too_many() {
    // 100,001 values, then values of the wrong type: the reading stops at the 100,001st
    // (one error at `values`), never reaching the later ones.
    let mut values = vec!["\"90s\""; crate::scenario::MAX_EMPIRICAL_VALUES + 1];
    values.extend(["true"; 5]);
    let input = edit(
        "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
        &format!(
            "service = {{ dist = \"empirical\", values = [{}] }}",
            values.join(", ")
        ),
    );
    let e = check(&input, &["at most 100000 values, got 100001 or more"]);
    assert_eq!(e.diagnostics.len(), 1, "{e}");
    assert_eq!(e.diagnostics[0].path, "stations[1].service.values", "{e}");
}

#[test]
fn a_station_has_one_limit_on_servers_however_they_are_written() {
    // One constant count: at most u32::MAX. Summed over lane groups: the same limit.
    let groups = |a: u64, b: u64| {
        edit(
            "servers = 4\n",
            &format!(
                "lanes = [{{ id = \"a\", servers = {a} }}, {{ id = \"b\", servers = {b} }}]\n"
            ),
        )
    };
    let half = 1u64 << 31;
    let e = check(
        &groups(half, half),
        &[
            "4294967296 servers open at once (summed over its lane groups); at most 4294967295 are supported",
        ],
    );
    assert_eq!(e.diagnostics.len(), 1, "{e}");
    // Located at the station's lane groups, where the count was written.
    assert!(e.diagnostics[0].path.ends_with(".lanes"), "{e}");
    assert!(e.diagnostics[0].line > 0, "{e}");
    ok(&groups(half, half - 1));
    check(
        &edit("servers = 4\n", "servers = 4294967296\n"),
        &["at most 4294967295 servers"],
    );
}
