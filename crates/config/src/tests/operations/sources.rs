//! Operations loader tests: sources: rate, profile, trace.

use super::*;

const PROFILE: &str = "profile = [4, 3, 2, 2, 3, 6, 12, 20, 28, 30, 28, 26, 24, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 5]";

#[test]
fn profile_without_24_values() {
    let d = ops_one(
        &ops_edit(PROFILE, "profile = [4, 3, 2]"),
        "sources[0].profile",
        &[
            "needs 24 values, the vehicles per hour in each hour of the day",
            "got 3",
        ],
    );
    assert_eq!(d.column, 11);
}

#[test]
fn profile_with_a_negative_value() {
    let d = ops_one(
        &ops_edit(PROFILE, &PROFILE.replace("6, 12", "-6, 12")),
        "sources[0].profile[5]",
        &["the rate at 05:00-06:00 (vehicles per hour) must be zero or positive, got -6"],
    );
    assert_eq!(d.column, 27);
    ops_one(
        &ops_edit(PROFILE, &format!("profile = [{}]", ["0"; 24].join(", "))),
        "sources[0].profile",
        &["every value is 0, so the source sends no vehicles"],
    );
}

#[test]
fn day_factors_without_7_values() {
    ops_one(
        &ops_edit(
            "day_factors = [1, 1, 1, 1, 1, 0.5, 0.25]",
            "day_factors = [1, 1, 1, 1, 1, 0.5]",
        ),
        "sources[0].day_factors",
        &["needs 7 values, multipliers of the profile for Monday to Sunday, got 6"],
    );
    ops_one(
        &ops_edit("0.5, 0.25]", "0.5, -1]"),
        "sources[0].day_factors[6]",
        &["the factor for Sunday must be zero or positive, got -1"],
    );
    ops_one(
        &ops_edit(
            "rate = \"3/h\"",
            "rate = \"3/h\"\nday_factors = [1, 1, 1, 1, 1, 1, 1]",
        ),
        "sources[1].day_factors",
        &["`day_factors` multiply an hour-of-day `profile`, but this source has a `rate`"],
    );
}

#[test]
fn exactly_one_of_rate_profile_and_trace() {
    ops_one(
        &ops_edit("rate = \"3/h\"", &format!("rate = \"3/h\"\n{PROFILE}")),
        "sources[1].profile",
        &[
            "give only one of `rate` (Poisson), `profile` (hour-of-day rates) and `trace`",
            "has `rate` and `profile`",
        ],
    );
    ops_one(
        &ops_edit("rate = \"3/h\"", "rate = \"3/h\"\ntrace = \"arrivals.csv\""),
        "sources[1].trace",
        &["has `rate` and `trace`"],
    );
    ops_one(
        &ops_edit("rate = \"3/h\"\n", ""),
        "sources[1].rate",
        &[
            "missing required field `rate`",
            "profile = [24 values]",
            "trace = \"arrivals.csv\"",
        ],
    );
}

#[test]
fn class_with_and_without_a_trace() {
    ops_one(
        &ops_edit(
            "trace = \"arrivals.csv\"",
            "trace = \"arrivals.csv\"\nclass = \"truck\"",
        ),
        "sources[2].class",
        &["a trace gives each vehicle's class in its `class` column"],
    );
    ops_one(
        &ops_edit("class = \"reefer\"\n", ""),
        "sources[1].class",
        &["missing required field `class`"],
    );
}
