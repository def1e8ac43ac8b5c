//! What only the HTML page draws (each station's wait distribution) is computed only for a
//! page and never reaches the other outputs: `run`'s JSON is the same with or without
//! `--report`.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use common::*;

/// `run` of `scenario` with `extra`, its JSON written to `json`.
fn run_to(scenario: &Path, json: &Path, extra: &[&str]) -> String {
    let mut args: Vec<&OsStr> = vec![
        "run".as_ref(),
        scenario.as_os_str(),
        "-j".as_ref(),
        "1".as_ref(),
        "-o".as_ref(),
        json.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    run_ok(&args);
    fs::read_to_string(json).expect("JSON written")
}

/// The JSON text without its `performance` block (wall-clock times), every other byte kept.
fn without_performance_block(json: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in json.split_inclusive('\n') {
        if line.starts_with("  \"performance\": {") {
            inside = true;
        } else if inside && line.starts_with("  }") {
            inside = false;
        } else if !inside {
            out.push_str(line);
        }
    }
    assert!(
        !inside && out.len() < json.len(),
        "a performance block: {json}"
    );
    out
}

/// With the series asked for either way (`--series-bin`), the JSON written beside a page is
/// the JSON written alone, byte for byte but for the wall-clock `performance`; without it,
/// `--report` adds only the `series` its page draws (as documented). The page has each
/// direction's wait distribution, read off the merged histogram.
#[test]
fn the_json_is_the_same_with_or_without_a_page() {
    let dir = scratch("page-detail");
    let scenario = write(&dir, "s.toml", SCENARIO);
    let page = dir.join("p.html");
    let report = page.to_str().expect("UTF-8 path");
    let bin = ["--series-bin", "15 min"];

    let alone = run_to(&scenario, &dir.join("a.json"), &bin);
    let beside = run_to(
        &scenario,
        &dir.join("b.json"),
        &[&bin[..], &["--report", report]].concat(),
    );
    assert!(alone.contains("\"series\""));
    assert_eq!(
        without_performance_block(&alone),
        without_performance_block(&beside)
    );

    let html = fs::read_to_string(&page).expect("page");
    assert!(
        html.contains("id=\"waits-inbound\"") && html.contains("read off the merged histogram"),
        "the page draws the distribution"
    );

    let plain = run_to(&scenario, &dir.join("c.json"), &[]);
    let with_page = run_to(&scenario, &dir.join("d.json"), &["--report", report]);
    assert!(!plain.contains("\"series\""));
    let value = |text: &str| -> serde_json::Value {
        let mut v = without_performance(serde_json::from_str(text).expect("JSON"));
        v.as_object_mut().expect("object").remove("series");
        v
    };
    assert_eq!(value(&plain), value(&with_page));
}
