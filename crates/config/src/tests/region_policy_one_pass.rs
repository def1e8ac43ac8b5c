//! A policy for one crossing of a region: its problems come in one pass with the crossing it
//! names, whether that crossing is unknown, missing or of the wrong type, and with the
//! region's own problems.

use super::messages::configs;
use crate::apply_region_policy;

const REGION: &str = "regions/corridor_osbp.toml";
const POLICY: &str = "regions/policies/chirundu_24h_joint_exit.toml";
/// The first staffing change of the policy.
const NB_EXIT: &str = "station = \"nb-exit\"\nall_day = true";

/// `(file, path, line, column, message)` of every problem of the bundled corridor region
/// with `region_edits` made, and the Chirundu policy with `policy_edits` made (each `(from,
/// to)` must occur once).
fn problems(
    region_edits: &[(&str, &str)],
    policy_edits: &[(&str, &str)],
) -> Vec<(String, String, usize, usize, String)> {
    let root = configs().join("regions");
    let edited = |file: &str, edits: &[(&str, &str)]| {
        let mut text = std::fs::read_to_string(configs().join(file)).unwrap();
        for (from, to) in edits {
            assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
            text = text.replacen(from, to, 1);
        }
        text
    };
    let region = edited(REGION, region_edits);
    let policy = edited(POLICY, policy_edits);
    let read = move |p: &str| std::fs::read_to_string(root.join(p)).map_err(|e| e.to_string());
    let e = apply_region_policy(&region, "corridor_osbp.toml", &read, &policy, "policy.toml")
        .expect_err("the edits make an error");
    e.diagnostics
        .iter()
        .map(|d| {
            let file = d.file.rsplit('/').next().unwrap_or_default().to_owned();
            (file, d.path.clone(), d.line, d.column, d.message.clone())
        })
        .collect()
}

/// The 1-based line of the bundled policy on which `text` starts.
fn policy_line(text: &str) -> usize {
    let file = std::fs::read_to_string(configs().join(POLICY)).unwrap();
    let at = file.find(text).expect("in the policy");
    file[..at].matches('\n').count() + 1
}

/// The places of the problems, without their messages.
fn places(found: &[(String, String, usize, usize, String)]) -> Vec<(&str, &str, usize, usize)> {
    found
        .iter()
        .map(|(f, p, l, c, _)| (f.as_str(), p.as_str(), *l, *c))
        .collect()
}

#[test]
fn an_unknown_crossing_comes_with_the_policys_other_problems() {
    let found = problems(
        &[],
        &[
            ("crossing = \"chirundu\"", "crossing = \"chirundo\""),
            (
                "station = \"nb-exam\"\nall_day",
                "station = \"nb-exma\"\nall_day",
            ),
            (
                "path = \"stations.sb-exit.service.mean\"\nvalue = \"5min\"",
                "path = \"stations.sb-exit.service.mean\"\nvalue = \"5min\"\nvalu = 1",
            ),
        ],
    );
    let crossing = policy_line("crossing = \"chirundu\"");
    let station = policy_line("station = \"nb-exam\"");
    let override_value = policy_line("path = \"stations.sb-exit.service.mean\"") + 2;
    assert_eq!(
        places(&found),
        [
            ("policy.toml", "policy.crossing", crossing, 12),
            ("policy.toml", "staffing[2].station", station, 11),
            ("policy.toml", "override[1].valu", override_value, 1),
        ],
        "{found:?}"
    );
    assert_eq!(
        found[0].4,
        "unknown crossing `chirundo` (did you mean `chirundu`?); the region has \
         `chirundu`, `victoria_falls`"
    );
    assert!(found[1].4.contains("did you mean `nb-exam`"), "{found:?}");
}

#[test]
fn a_crossing_nothing_resembles_comes_with_the_policys_schema_problems() {
    // No crossing to check the station names against: the misspelt station is not
    // reported, the unknown field and the wrong type are.
    let found = problems(
        &[],
        &[
            ("crossing = \"chirundu\"", "crossing = \"beitbridge\""),
            (
                "station = \"nb-exam\"\nall_day = true",
                "station = \"nb-exma\"\nall_day = \"yes\"",
            ),
            (
                "[[override]]\npath = \"stations.nb-exit",
                "[[overide]]\npath = \"stations.nb-exit",
            ),
        ],
    );
    let paths: Vec<&str> = found.iter().map(|(_, p, _, _, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["policy.crossing", "staffing[2].all_day", ""],
        "{found:?}"
    );
    assert!(found[0].4.starts_with("unknown crossing `beitbridge`;"));
}

#[test]
fn a_missing_or_mistyped_crossing_comes_with_the_schema_problems() {
    let missing = problems(
        &[],
        &[
            ("crossing = \"chirundu\"\n", ""),
            (NB_EXIT, "station = \"nb-exit\"\nall_day = 1"),
        ],
    );
    let paths: Vec<&str> = missing.iter().map(|(_, p, _, _, _)| p.as_str()).collect();
    assert_eq!(paths, ["policy", "staffing[0].all_day"], "{missing:?}");
    assert!(missing[0].4.contains("name the one this policy changes"));

    // The wrong type is reported once, by the schema.
    let mistyped = problems(
        &[],
        &[
            ("crossing = \"chirundu\"", "crossing = [\"chirundu\"]"),
            (NB_EXIT, "station = \"nb-exit\"\nall_day = 1"),
        ],
    );
    let paths: Vec<&str> = mistyped.iter().map(|(_, p, _, _, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["policy.crossing", "staffing[0].all_day"],
        "{mistyped:?}"
    );
}

#[test]
fn a_region_that_does_not_load_comes_with_the_policys_schema_problems() {
    let found = problems(
        &[("replications = 4", "replications = \"four\"")],
        &[
            (NB_EXIT, "station = \"nb-exit\"\nall_day = 1"),
            (
                "[[override]]\npath = \"stations.nb-exit",
                "[[overide]]\npath = \"stations.nb-exit",
            ),
        ],
    );
    let places: Vec<(&str, &str)> = found
        .iter()
        .map(|(f, p, _, _, _)| (f.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        places,
        [
            ("corridor_osbp.toml", "region.replications"),
            ("policy.toml", "staffing[0].all_day"),
            ("policy.toml", ""),
        ],
        "{found:?}"
    );
}
