//! An observation file's problems come in one pass: an unknown column hides nothing of the
//! rows below it.

use bordersim_calibrate::parse_observations;

const SCENARIO: &str = r#"
[scenario]
name = "one booth"
horizon = "1d"

[[classes]]
id = "car"

[[stations]]
id = "booths"
servers = 1
service = { dist = "exponential", mean = "60s" }

[[sources]]
id = "cars"
class = "car"
entry = "booths"
rate = "30/h"
"#;

#[test]
fn an_unknown_column_comes_with_the_rows_problems() {
    let read = |_: &str| -> Result<String, String> { Err("no files".into()) };
    let scenario = bordersim_config::parse_scenario_with(SCENARIO, "s.toml", &read)
        .expect("valid")
        .scenario;
    let text = "station,hour,wait_min,colour\nbooth,3,1,red\nbooths,24,-2,blue\n";
    let e = parse_observations(text, "obs.csv", &scenario).expect_err("bad");
    let starts: Vec<&str> = e
        .problems
        .iter()
        .map(|p| p.split(": ").next().unwrap_or_default())
        .collect();
    assert_eq!(
        starts,
        ["obs.csv:1:4", "obs.csv:2:1", "obs.csv:3:2", "obs.csv:3:3"],
        "{:?}",
        e.problems
    );
    assert!(
        e.problems[0].contains("unknown column `colour`"),
        "{:?}",
        e.problems
    );
    // A required column missing: the rows cannot be read, that alone is said.
    let e = parse_observations("hour,wait_min\n3,1\n", "obs.csv", &scenario).expect_err("bad");
    assert_eq!(e.problems.len(), 1, "{:?}", e.problems);
}

#[test]
fn lone_cr_line_endings_read_as_lf() {
    let read = |_: &str| -> Result<String, String> { Err("no files".into()) };
    let scenario = bordersim_config::parse_scenario_with(SCENARIO, "s.toml", &read)
        .expect("valid")
        .scenario;
    let lf = "station,hour,wait_min\n# a comment\nbooths,3,1\nbooths,4,2\n";
    let cr = lf.replace('\n', "\r");
    let a = parse_observations(lf, "obs.csv", &scenario).expect("valid");
    let b = parse_observations(&cr, "obs.csv", &scenario).expect("valid with CR");
    assert_eq!(a.by_group(), b.by_group());
    // A problem is located at the same line either way.
    let bad = cr.replace("booths,4,2", "booths,4,-2");
    let e = parse_observations(&bad, "obs.csv", &scenario).expect_err("bad");
    assert!(
        e.problems[0].starts_with("obs.csv:4:3: "),
        "{:?}",
        e.problems
    );
}
