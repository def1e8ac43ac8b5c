//! Operations loader tests: directions, programmes, classes.

use super::*;

#[test]
fn programme_none_is_built_in() {
    ops_one(
        &ops_edit(
            "[[programmes]]\nid = \"fast\"",
            "[[programmes]]\nid = \"fast\"\n\n[[programmes]]\nid = \"none\"",
        ),
        "programmes[1].id",
        &["`none` is built in", "must not be declared"],
    );
    ops_one(
        &ops_edit(
            "[[directions]]\nid = \"southbound\"",
            "[[directions]]\nid = \"southbound\"\n\n[[directions]]\nid = \"northbound\"",
        ),
        "directions[2].id",
        &[
            "duplicate direction id `northbound`: directions[0] (line ",
            ") already uses it",
        ],
    );
}

#[test]
fn programme_shares_must_sum_to_one() {
    let d = ops_one(
        &ops_edit("fast = 0.2, none = 0.8", "fast = 0.2, none = 0.7"),
        "classes[0].programmes",
        &["programme shares sum to 0.9, not 1"],
    );
    assert_eq!(d.column, 14);
    ops_one(
        &ops_edit("fast = 0.2, none = 0.8", "fast = 0.2"),
        "classes[0].programmes",
        &["sum to 0.2, not 1; vehicles in no programme are not implied: add none = 0.8"],
    );
    ops_one(
        &ops_edit("fast = 0.2, none = 0.8", "fast = 1.2, none = 0"),
        "classes[0].programmes.fast",
        &["the share of programme `fast` must be between 0 and 1, got 1.2"],
    );
    // 0.1 + 0.2 + 0.7 is not exactly 1 in floating point: tolerated.
    ok_ops(
        &ops_edit(
            "[[programmes]]\nid = \"fast\"",
            "[[programmes]]\nid = \"fast\"\n[[programmes]]\nid = \"aeo\"",
        )
        .replace(
            "fast = 0.2, none = 0.8",
            "fast = 0.1, aeo = 0.2, none = 0.7",
        ),
    );
}

#[test]
fn unknown_programme_names_in_a_class() {
    let d = ops_one(
        &ops_edit("fast = 0.2, none = 0.8", "fsat = 0.2, none = 0.8"),
        "classes[0].programmes.fsat",
        &["unknown programme `fsat` (did you mean `fast`?)"],
    );
    assert_eq!(d.column, 16, "points at the key");
    ops_one(
        &ops_edit(
            "channels_by_programme = { fast",
            "channels_by_programme = { sentri",
        ),
        "classes[0].channels_by_programme.sentri",
        &["unknown programme `sentri`; known programmes: `none`, `fast`"],
    );
}

#[test]
fn channel_probabilities_must_sum_to_one() {
    let d = ops_one(
        &ops_edit("red = 0.15 }", "red = 0.1 }"),
        "classes[0].channels",
        &["channel probabilities sum to 0.95 (green 0.8 + yellow 0.05 + red 0.1), not 1"],
    );
    assert_eq!(d.column, 12);
    ops_one(
        &ops_edit("red = 0.01 }", "red = 0.02 }"),
        "classes[0].channels_by_programme.fast",
        &["sum to 1.01 (green 0.97 + yellow 0.02 + red 0.02), not 1"],
    );
    ops_one(
        &ops_edit("green = 0.80,", "green = 1.5,"),
        "classes[0].channels.green",
        &["the probability of the green channel must be between 0 and 1, got 1.5"],
    );
    ops_one(
        &ops_edit("red = 0.15 }", "red = 0.15, blue = 0 }"),
        "classes[0].channels.blue",
        &["unknown field `blue`", "`green`, `yellow`, `red`"],
    );
    // Channels left out have probability 0.
    let s = ok_ops(&ops_edit(
        "channels = { green = 0.80, yellow = 0.05, red = 0.15 }",
        "channels = { green = 0.85, red = 0.15 }",
    ))
    .scenario;
    assert_eq!(
        s.population().classes[0].channel_probabilities[0],
        [0.85, 0.0, 0.15]
    );
}

#[test]
fn class_parameters_in_range() {
    ops_one(
        &ops_edit("length_m = 20.0", "length_m = 0"),
        "classes[0].length_m",
        &["length_m must be positive", "got 0"],
    );
    ops_one(
        &ops_edit("priority = 2", "priority = 256"),
        "classes[1].priority",
        &["priority must be between 0 and 255", "got 256"],
    );
    ops_one(
        &ops_edit("priority = 2", "priority = -1"),
        "classes[1].priority",
        &["got -1"],
    );
    ops_one(
        &ops_edit("random_inspection = 0.02", "random_inspection = 2"),
        "classes[0].random_inspection",
        &["random_inspection is a probability", "got 2"],
    );
}
