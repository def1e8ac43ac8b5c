//! A region file's problems come in one pass, each located: its shape (wrong types,
//! misspelt and missing fields, in any table), its values and names, and its crossings'
//! files, not one serde error at a time.

use super::messages::configs;
use crate::parse_region_with;

/// `(file, path, line, column)` of every problem of the corridor region with `edits` made
/// (each `(from, to)` must occur once).
fn problems(edits: &[(&str, &str)]) -> Vec<(String, String, usize, usize)> {
    let root = configs().join("regions");
    let mut text = std::fs::read_to_string(root.join("corridor_osbp.toml")).unwrap();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
        text = text.replacen(from, to, 1);
    }
    let read = move |p: &str| std::fs::read_to_string(root.join(p)).map_err(|e| e.to_string());
    let e = parse_region_with(&text, "corridor_osbp.toml", &read).unwrap_err();
    for d in &e.diagnostics {
        assert!(d.line > 0 && d.column > 0, "{d}");
        assert!(!d.message.contains("Raw"), "{d}");
    }
    e.diagnostics
        .iter()
        .map(|d| {
            let file = d.file.rsplit('/').next().unwrap_or_default().to_owned();
            (file, d.path.clone(), d.line, d.column)
        })
        .collect()
}

/// The line of the bundled corridor region on which `text` starts, so that the expected
/// places follow the file when its header grows.
fn line_of(text: &str) -> usize {
    let file = std::fs::read_to_string(configs().join("regions/corridor_osbp.toml")).unwrap();
    let at = file
        .find(text)
        .unwrap_or_else(|| panic!("{text:?} not in the file"));
    file[..at].matches('\n').count() + 1
}

fn at(path: &str, line: usize, column: usize) -> (String, String, usize, usize) {
    (
        "corridor_osbp.toml".to_owned(),
        path.to_owned(),
        line,
        column,
    )
}

#[test]
fn every_shape_problem_of_a_region_comes_in_one_pass() {
    let found = problems(&[
        ("replications = 4", "replications = \"four\""),
        ("tolerance = 0.02 ", "tolerence = 0.02 "),
        (
            "id = \"bulawayo\"\nside = \"zw\"",
            "id = \"bulawayo\"\nside = [\"zw\"]",
        ),
        ("value_of_time_per_h = 15.0", "value_of_time_per_h = \"15\""),
        (
            "vehicles_per_day = 60\ncargo_value = 60000",
            "vehicles_per_dya = 60\ncargo_value = 60000",
        ),
    ]);
    assert_eq!(
        found,
        [
            at("region.replications", line_of("replications = 4"), 16),
            at("equilibrium.tolerence", line_of("tolerance = 0.02 "), 1),
            at("zones[1].side", line_of("id = \"bulawayo\"\nside") + 1, 8),
            at(
                "classes[0].value_of_time_per_h",
                line_of("value_of_time_per_h = 15.0"),
                23
            ),
            at(
                "demand[0].vehicles_per_dya",
                line_of("vehicles_per_day = 60\ncargo_value = 60000"),
                1
            ),
        ]
    );
}

#[test]
fn a_wrong_type_does_not_hide_a_wrong_value_or_name_beside_it() {
    // A wrong type in [region], and beside it: a tolerance out of range, an unknown crossing
    // in a zone's travel times, a negative demand, an unknown class and a problem in a
    // crossing's own file. The wrong-typed fields' stand-ins say nothing.
    let found = problems(&[
        ("replications = 4", "replications = [4]"),
        ("tolerance = 0.02 ", "tolerance = -1 "),
        (
            "travel = { chirundu = \"5h\", victoria_falls = \"10h\" }",
            "travel = { chirundo = \"5h\", victoria_falls = \"10h\" }",
        ),
        ("vehicles_per_day = 60\n", "vehicles_per_day = -60\n"),
        (
            "id = \"bulawayo\"\nside = \"zw\"",
            "id = \"bulawayo\"\nside = 7",
        ),
    ]);
    let paths: Vec<&str> = found.iter().map(|(_, p, _, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "region.replications",
            "equilibrium.tolerance",
            // The misspelt crossing's own consequence: no travel time to `chirundu`.
            "zones[0].travel",
            "zones[0].travel.chirundo",
            "zones[1].side",
            "demand[0].vehicles_per_day",
        ],
        "{found:?}"
    );
}

#[test]
fn a_missing_field_and_a_crossing_files_problem_come_together() {
    // `from` missing in a second demand (its stand-in, an unknown zone, is not reported), a
    // crossing whose file does not exist, and a misspelt key in a demand.
    let found = problems(&[
        (
            "from = \"harare\"\nto = \"copperbelt\"",
            "to = \"copperbelt\"",
        ),
        (
            "file = \"crossings/victoria_falls.toml\"",
            "file = \"crossings/victoria_fals.toml\"",
        ),
        (
            "commodity = \"goods\"\nvehicles_per_day = 60\n",
            "comodity = \"goods\"\nvehicles_per_day = 60\n",
        ),
    ]);
    let paths: Vec<&str> = found.iter().map(|(_, p, _, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["crossings[1].file", "demand[0].comodity", "demand[1].from",],
        "{found:?}"
    );
}
