//! The schemas of fit files and staffing plans: printed by `bordersim schema fit|plan` from
//! the types their loaders read, committed as `schemas/fit.schema.json` and
//! `schemas/plan.schema.json`, named on the bundled files' `#:schema` line, and holding
//! every key those files write; the top-level help names every kind of schema.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).to_path_buf()
}

/// The schema printed for `kind`; the committed copy is rewritten (and the test fails) when
/// it differs, to be reviewed with `git diff`.
fn printed_and_committed(kind: &str) -> Value {
    let out = bordersim(["schema", kind]);
    assert_eq!(out.code, 0, "{out:#?}");
    let path = repo().join(format!("schemas/{kind}.schema.json"));
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != out.stdout {
        std::fs::write(&path, &out.stdout).unwrap();
        panic!("schemas/{kind}.schema.json was out of date; regenerated: review and commit it");
    }
    serde_json::from_str(&out.stdout).unwrap()
}

/// The keys a TOML value writes that the schema does not have, as dot paths.
fn unknown_keys(schema: &Value, doc: &toml::Value, at: &str, out: &mut Vec<String>) {
    match doc {
        toml::Value::Table(t) => {
            let props = schema.get("properties");
            for (k, v) in t {
                match props.and_then(|p| p.get(k)) {
                    Some(field) => unknown_keys(field, v, &format!("{at}.{k}"), out),
                    None if schema
                        .get("additionalProperties")
                        .is_some_and(Value::is_object) =>
                    {
                        unknown_keys(&schema["additionalProperties"], v, at, out);
                    }
                    None => out.push(format!("{at}.{k}")),
                }
            }
        }
        toml::Value::Array(items) => {
            if let Some(inner) = schema.get("items") {
                for v in items {
                    unknown_keys(inner, v, at, out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn fit_files_and_staffing_plans_have_committed_schemas_their_files_name() {
    for (kind, dir, title) in [
        ("fit", "configs/calibration", "bordersim fit"),
        ("plan", "configs/planning", "bordersim plan"),
    ] {
        let schema = printed_and_committed(kind);
        assert_eq!(schema["title"], title);
        assert!(
            !serde_json::to_string(&schema)
                .unwrap()
                .contains("serde_spanned")
        );
        let mut checked = 0;
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            // A scenario beside the fit files names the scenario schema (checked by the
            // config tests).
            if text.contains("\n[scenario]") {
                continue;
            }
            assert_eq!(
                text.lines().next(),
                Some(format!("#:schema ../../schemas/{kind}.schema.json").as_str()),
                "{}",
                path.display()
            );
            let doc: toml::Value = toml::from_str(&text).unwrap();
            let mut unknown = Vec::new();
            unknown_keys(&schema, &doc, "", &mut unknown);
            assert!(unknown.is_empty(), "{}: {unknown:?}", path.display());
            checked += 1;
        }
        assert!(checked >= 1, "{dir}");
    }
}

#[test]
fn the_fit_schema_follows_the_loaders_keys() {
    let fit = printed_and_committed("fit");
    let parameter = &fit["properties"]["parameter"]["items"];
    assert_eq!(parameter["type"], "object");
    assert_eq!(parameter["additionalProperties"], false);
    let required: Vec<&str> = parameter["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["path", "min", "max"]);
    let plan = printed_and_committed("plan");
    assert_eq!(plan["required"], serde_json::json!(["plan"]));
    assert!(plan["properties"]["plan"]["properties"]["objective"].is_object());
}

#[test]
fn the_top_level_help_names_every_kind_of_schema() {
    let out = bordersim(["--help"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout
            .contains("scenario, policy, region, sweep, fit or plan"),
        "{}",
        out.stdout
    );
    let out = bordersim(["schema", "nothing"]);
    assert!(
        out.stderr
            .contains("possible values: scenario, policy, region, sweep, fit, plan"),
        "{out:#?}"
    );
}
