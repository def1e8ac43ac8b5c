//! `bordersim schema` and `bordersim completions`: the schemas printed are the committed
//! ones the bundled configs name on their `#:schema` line, and every shell gets a script
//! that knows the subcommands.

mod common;

use std::path::Path;

use common::*;

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn schema_prints_the_committed_schema_of_each_kind() {
    for kind in ["scenario", "policy", "region"] {
        let out = bordersim(["schema", kind]);
        assert_eq!(out.code, 0, "{out:#?}");
        assert_eq!(out.stderr, "");
        let committed =
            std::fs::read_to_string(repo().join(format!("schemas/{kind}.schema.json"))).unwrap();
        assert_eq!(out.stdout, committed, "{kind}");
        let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(schema["title"], format!("bordersim {kind}"));
        assert!(!out.stdout.contains("Raw"), "{kind}: an internal type name");
    }
}

#[test]
fn schema_of_an_unknown_kind_is_a_usage_error() {
    let out = bordersim(["schema", "scenarios"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr
            .contains("possible values: scenario, policy, region"),
        "{out:#?}"
    );
}

#[test]
fn the_scenario_schema_describes_every_field_with_units_and_defaults() {
    let out = bordersim(["schema", "scenario"]);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let defs = &schema["definitions"];
    let horizon = &defs["scenario"]["properties"]["horizon"];
    assert_eq!(horizon["allOf"][0]["$ref"], "#/definitions/duration");
    assert!(
        defs["duration"]["description"]
            .as_str()
            .unwrap()
            .contains("(ms, s, min, h, d)")
    );
    assert_eq!(
        defs["scenario"]["properties"]["replications"]["default"],
        10
    );
    assert_eq!(
        defs["station"]["properties"]["when_full"]["default"],
        "spillback"
    );
    for (name, def) in defs.as_object().unwrap() {
        for (field, p) in def["properties"].as_object().into_iter().flatten() {
            assert!(
                p.get("description")
                    .is_some_and(|d| d.as_str().is_some_and(|d| !d.is_empty())),
                "{name}.{field} has no description"
            );
        }
    }
}

#[test]
fn completions_for_each_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish"] {
        let out = bordersim(["completions", shell]);
        assert_eq!(out.code, 0, "{out:#?}");
        for sub in [
            "run",
            "validate",
            "compare",
            "region",
            "schema",
            "completions",
        ] {
            assert!(out.stdout.contains(sub), "{shell}: {sub}");
        }
        assert!(out.stdout.contains("replications"), "{shell}");
    }
    let out = bordersim(["completions", "powershell"]);
    assert_eq!(out.code, 2, "{out:#?}");
}
