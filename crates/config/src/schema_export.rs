//! JSON Schemas of the three kinds of config file, generated from the serde types their
//! loaders read (so a field the loader takes is a field the schema has): a scenario from
//! [`crate::raw::RawConfig`], a region from the region loader's raw types, a policy from
//! its `[policy]` table and the sections of the reform catalogue.
//!
//! Editors that speak JSON Schema for TOML (Taplo, "Even Better TOML") use these for
//! completion and hover docs when a file's first line is `#:schema path/to/schema.json`.
//! The schemas describe the file as written: durations, rates and lengths are strings with
//! a unit, and the descriptions say which. Type names of this crate never appear (the
//! definitions are named as the documentation names the tables).

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use crate::raw::{RawConfig, RawDuration, RawEntry, RawPreLodged, RawRate};
use crate::units::{DURATION_UNITS, LENGTH_UNITS, RATE_UNITS};

/// Which kind of config file a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaKind {
    /// A scenario file (one crossing).
    Scenario,
    /// A policy file (a reform applied to a baseline scenario).
    Policy,
    /// A region file (several crossings and the demand between zones).
    Region,
    /// A sweep plan (a study of many points: `bordersim sweep`).
    Sweep,
}

impl SchemaKind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [SchemaKind; 4] = [
        SchemaKind::Scenario,
        SchemaKind::Policy,
        SchemaKind::Region,
        SchemaKind::Sweep,
    ];

    /// The kind's name: `scenario`, `policy`, `region` (also the stem of its committed
    /// schema file, `schemas/NAME.schema.json`).
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Scenario => "scenario",
            SchemaKind::Policy => "policy",
            SchemaKind::Region => "region",
            SchemaKind::Sweep => "sweep",
        }
    }
}

/// The JSON Schema (draft 7) of a kind of config file, as pretty-printed JSON ending in a
/// newline. The same every time for the same build (keys sorted).
pub fn schema_json(kind: SchemaKind) -> String {
    let value = schema_value(kind);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of a kind of config file, as a JSON value.
pub fn schema_value(kind: SchemaKind) -> Value {
    let generator = || {
        let mut settings = SchemaSettings::draft07();
        settings.meta_schema = Some("http://json-schema.org/draft-07/schema#".into());
        settings.into_generator()
    };
    let (schema, title) = match kind {
        SchemaKind::Scenario => (
            generator().into_root_schema_for::<RawConfig>(),
            "bordersim scenario",
        ),
        SchemaKind::Region => (
            generator().into_root_schema_for::<crate::region::raw::RawRegionFile>(),
            "bordersim region",
        ),
        SchemaKind::Policy => (crate::schema_probe::policy_schema(), "bordersim policy"),
        SchemaKind::Sweep => {
            let mut value = crate::sweep::schema::sweep_schema();
            if let Value::Object(root) = &mut value {
                root.insert("title".into(), Value::String("bordersim sweep".into()));
            }
            return value;
        }
    };
    let mut value = schema.to_value();
    tidy(&mut value);
    if let Value::Object(root) = &mut value {
        root.insert("title".into(), Value::String(title.into()));
    }
    value
}

/// The JSON Schema (draft 7) of a file read by `T`'s `Deserialize` — its tables, keys,
/// arrays, words and which keys are required, found by asking the type (for the files of
/// crates that build on this one: fit files, staffing plans) — titled `title`, with
/// `description` at its root; pretty-printed JSON ending in a newline.
pub fn serde_schema_json<T: serde::de::DeserializeOwned>(title: &str, description: &str) -> String {
    let mut value = crate::schema_probe::file_schema::<T>();
    if let Value::Object(root) = &mut value {
        root.insert("title".into(), Value::String(title.into()));
        root.insert("description".into(), Value::String(description.into()));
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Types written as text with a unit are strings matching `NUMBER UNIT`; this is the
/// number (no sign: none of them may be negative).
const NUMBER: &str = r"\+?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?";

/// `^NUMBER UNIT$` for the given units (a space between them allowed).
fn unit_pattern<'u>(units: impl Iterator<Item = &'u str>, per: bool) -> String {
    let units: Vec<&str> = units.collect();
    let slash = if per { r"\s*/" } else { "" };
    format!(r"^\s*{NUMBER}{slash}\s*({})\s*$", units.join("|"))
}

/// The pattern a duration matches: `"90s"`, `"2.5min"`, `"1e3ms"`.
pub fn duration_pattern() -> String {
    unit_pattern(DURATION_UNITS.iter().map(|(u, _)| *u), false)
}

/// The pattern a rate matches: `"30/h"`.
pub fn rate_pattern() -> String {
    unit_pattern(RATE_UNITS.iter().map(|(u, _)| *u), true)
}

/// The pattern a road length matches: `"800m"`, `"2.5km"`.
pub fn length_pattern() -> String {
    unit_pattern(LENGTH_UNITS.iter().map(|(u, _)| *u), false)
}

fn units(list: &[(&str, f64)]) -> String {
    list.iter().map(|(u, _)| *u).collect::<Vec<_>>().join(", ")
}

impl JsonSchema for RawDuration {
    fn schema_name() -> Cow<'static, str> {
        "duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": format!(
                "A duration: a number and a unit ({}), e.g. \"90s\", \"2.5min\", \"7d\".",
                units(&DURATION_UNITS)
            ),
            "pattern": duration_pattern(),
            "examples": ["90s", "2.5min", "7d"],
        })
    }
}

impl JsonSchema for RawRate {
    fn schema_name() -> Cow<'static, str> {
        "rate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": format!(
                "A rate: vehicles per unit of time ({}), e.g. \"30/h\".",
                units(&RATE_UNITS)
            ),
            "pattern": rate_pattern(),
            "examples": ["30/h", "1.5/min"],
        })
    }
}

/// A road length as written (`queue_length`): a string with a unit.
pub(crate) struct Length;

impl JsonSchema for Length {
    fn schema_name() -> Cow<'static, str> {
        "length".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": format!(
                "A road length: a number and a unit ({}), e.g. \"800m\", \"2.5km\".",
                units(&LENGTH_UNITS)
            ),
            "pattern": length_pattern(),
            "examples": ["800m", "2.5km"],
        })
    }
}

/// A calendar date as written (a trace's `start`).
pub(crate) struct Date;

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A date, YYYY-MM-DD, e.g. \"2024-03-04\".",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "examples": ["2024-03-04"],
        })
    }
}

impl JsonSchema for RawPreLodged {
    fn schema_name() -> Cow<'static, str> {
        "pre_lodged".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "\"skip\" (pass the station without service) or a factor on the \
                            service time in [0, 1], e.g. 0.5.",
            "anyOf": [
                { "type": "string", "enum": ["skip"] },
                { "type": "number", "minimum": 0, "maximum": 1 },
            ],
        })
    }
}

impl JsonSchema for RawEntry {
    fn schema_name() -> Cow<'static, str> {
        "entry".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A station id, or (for a trace whose rows name their direction) a \
                            table of station ids by direction id.",
            "anyOf": [
                { "type": "string" },
                { "type": "object", "additionalProperties": { "type": "string" } },
            ],
        })
    }
}

/// Definitions renamed from this crate's type names to the tables' names in the docs.
fn definition_name(name: &str) -> String {
    match name {
        "WhenFullKind" => return "when_full".into(),
        "DistKind" => return "dist".into(),
        "ChannelName" => return "channel".into(),
        _ => {}
    }
    let bare = name.strip_prefix("Raw").unwrap_or(name);
    // CamelCase to snake_case.
    let mut out = String::new();
    for (i, c) in bare.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// [`tidy`] for the policy schema's documented entry types.
pub(crate) fn tidy_value(value: &mut Value) {
    tidy(value);
}

/// Renames definitions (and the references to them), drops the `null` TOML cannot write
/// from optional fields, and removes the title schemars gives the root.
fn tidy(value: &mut Value) {
    if let Value::Object(root) = value {
        root.remove("title");
        if let Some(Value::Object(defs)) = root.remove("definitions") {
            let renamed: Map<String, Value> = defs
                .into_iter()
                .map(|(k, v)| (definition_name(&k), v))
                .collect();
            root.insert("definitions".into(), Value::Object(renamed));
        }
    }
    walk(value);
}

fn walk(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // `type: ["string", "null"]` → `type: "string"`.
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    map.insert("type".into(), t);
                }
            }
            // `anyOf: [X, {type: null}]` → X (its description kept).
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type") != Some(&Value::String("null".into())));
                if any.len() == 1 {
                    let Some(Value::Object(only)) = any.pop() else {
                        unreachable!("a schema is an object")
                    };
                    map.remove("anyOf");
                    for (k, v) in only {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            if let Some(Value::Array(variants)) = map.get_mut("enum") {
                variants.retain(|v| !v.is_null());
            }
            // Number formats (`double`, `int64`) say nothing to a TOML writer.
            if map.get("format").and_then(Value::as_str).is_some_and(|f| {
                matches!(
                    f,
                    "double" | "float" | "int64" | "uint64" | "int32" | "uint32" | "uint8"
                )
            }) {
                map.remove("format");
            }
            if let Some(Value::String(text)) = map.get_mut("description") {
                *text = unwrap_lines(text);
            }
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(name) = r.strip_prefix("#/definitions/")
            {
                *r = format!("#/definitions/{}", definition_name(name));
            }
            // In draft 7 the keys beside a `$ref` are ignored: keep the description and
            // default by moving the reference into `allOf`.
            if map.len() > 1
                && let Some(reference) = map.remove("$ref")
            {
                map.insert("allOf".into(), json!([{ "$ref": reference }]));
            }
            for v in map.values_mut() {
                walk(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk),
        _ => {}
    }
}

/// A doc comment's text with its line breaks inside paragraphs removed.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}
