//! The JSON Schemas of the config files, the copies committed for editors, the field
//! reference generated from them (`docs/scenario.md`), and the files that reach every field
//! of each schema (so that the scans of `messages` for messages in the user's terms reach
//! every field of every table).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::messages::{EVERY_FIELD, EVERY_FIELD_POLICY, EVERY_FIELD_REGION};
use crate::{SchemaKind, schema_json, schema_value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Compares a generated file with its committed copy; when they differ, writes the new one
/// and fails (run the tests again after reviewing it with `git diff`).
fn check_generated(relative: &str, generated: &str) {
    let path = root().join(relative);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
        panic!(
            "{relative} was out of date with the config types; it has been regenerated: \
             review it (git diff) and commit it"
        );
    }
}

#[test]
fn committed_schemas_are_current() {
    for kind in SchemaKind::ALL {
        check_generated(
            &format!("schemas/{}.schema.json", kind.name()),
            &schema_json(kind),
        );
    }
}

/// The schema a `$ref` (or a one-element `allOf` around it) points to, with its name.
fn resolve<'s>(root: &'s Value, schema: &'s Value) -> (Option<&'s str>, &'s Value) {
    let reference = schema
        .get("$ref")
        .or_else(|| {
            schema
                .get("allOf")
                .and_then(|a| a.get(0))
                .and_then(|r| r.get("$ref"))
        })
        .and_then(Value::as_str);
    match reference.and_then(|r| r.strip_prefix("#/definitions/")) {
        Some(name) => (Some(name), &root["definitions"][name]),
        None => (None, schema),
    }
}

/// Every table of a schema with its fields: the table's name (its definition's, or the
/// path of keys to it) → its field names.
fn tables(root: &Value) -> BTreeMap<String, Vec<String>> {
    fn walk(root: &Value, schema: &Value, name: String, out: &mut BTreeMap<String, Vec<String>>) {
        let (def, schema) = resolve(root, schema);
        let name = def.map_or(name, str::to_owned);
        if let Some(Value::Object(props)) = schema.get("properties") {
            if out.contains_key(&name) {
                return;
            }
            out.insert(name.clone(), props.keys().cloned().collect());
            for (k, v) in props {
                walk(root, v, format!("{name}.{k}"), out);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(inner) = schema.get(key).filter(|v| v.is_object()) {
                walk(root, inner, name.clone(), out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, "(file)".into(), &mut out);
    out
}

/// The fields a TOML document writes, by table (named as [`tables`] names them), each
/// with the first value written.
fn written(root: &Value, doc: &toml::Value) -> BTreeMap<String, BTreeMap<String, toml::Value>> {
    fn walk(
        root: &Value,
        schema: &Value,
        name: String,
        doc: &toml::Value,
        out: &mut BTreeMap<String, BTreeMap<String, toml::Value>>,
    ) {
        let (def, schema) = resolve(root, schema);
        let name = def.map_or(name, str::to_owned);
        match doc {
            toml::Value::Table(t) => {
                if let Some(props) = schema.get("properties") {
                    for (k, v) in t {
                        out.entry(name.clone())
                            .or_default()
                            .entry(k.clone())
                            .or_insert_with(|| v.clone());
                        if let Some(field) = props.get(k) {
                            walk(root, field, format!("{name}.{k}"), v, out);
                        }
                    }
                } else if let Some(inner) = schema.get("additionalProperties") {
                    for v in t.values() {
                        walk(root, inner, name.clone(), v, out);
                    }
                }
            }
            toml::Value::Array(items) => {
                if let Some(inner) = schema.get("items") {
                    for v in items {
                        walk(root, inner, name.clone(), v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, "(file)".into(), doc, &mut out);
    out
}

/// The fields of a schema that a document does not write.
fn unwritten(kind: SchemaKind, text: &str) -> Vec<String> {
    let schema = schema_value(kind);
    let doc: toml::Value = toml::from_str(text).unwrap();
    let seen = written(&schema, &doc);
    let mut missing = Vec::new();
    for (table, fields) in tables(&schema) {
        for field in fields {
            if !seen.get(&table).is_some_and(|t| t.contains_key(&field)) {
                missing.push(format!("{table}.{field}"));
            }
        }
    }
    missing
}

/// The files the message scans mutate write every field of every table of their schema:
/// a field added to a config type and not to them fails here.
#[test]
fn the_every_field_files_reach_every_field_of_the_schemas() {
    for (kind, text) in [
        (SchemaKind::Scenario, EVERY_FIELD),
        (SchemaKind::Region, EVERY_FIELD_REGION),
        (SchemaKind::Policy, EVERY_FIELD_POLICY),
    ] {
        assert_eq!(unwritten(kind, text), Vec::<String>::new(), "{kind:?}");
    }
    // The check can fail: a scenario without `[[directions]]` misses its fields.
    let without = EVERY_FIELD.replace("[[directions]]\nid = \"out\"\n", "");
    let without = without.replace(
        "[[directions]]\nid = \"in\"\ndescription = \"inbound\"\n",
        "",
    );
    assert_eq!(
        unwritten(SchemaKind::Scenario, &without),
        ["(file).directions", "direction.description", "direction.id"]
    );
}

/// Each bundled config begins with a `#:schema` line naming its kind's committed schema by
/// a path relative to the file, which editors resolve: staffing plans (`configs/planning/`)
/// and calibration fit files (`configs/calibration/`) too, whose schemas the CLI prints
/// from the types of the crates that read them (its tests check the committed copies);
/// `configs/observed/` holds data.
#[test]
fn bundled_configs_name_their_schema() {
    let configs = root().join("configs");
    let mut files = Vec::new();
    let mut dirs = vec![configs.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "observed") {
                    continue;
                }
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let kind = if text.contains("\n[fit]") || text.contains("\n[[parameter]]") {
            "fit"
        } else if text.contains("\n[plan]") {
            "plan"
        } else if text.contains("\n[sweep]") {
            "sweep"
        } else if crate::is_region(&text) {
            "region"
        } else if text.contains("\n[policy]") {
            "policy"
        } else {
            "scenario"
        };
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("#:schema ")
            .unwrap_or_else(|| panic!("{}: first line {first:?}", file.display()));
        assert!(
            target.ends_with(&format!("schemas/{kind}.schema.json")),
            "{}: {target} for a {kind}",
            file.display()
        );
        let resolved = file.parent().unwrap().join(target);
        assert!(
            resolved.is_file(),
            "{}: {} not found",
            file.display(),
            resolved.display()
        );
    }
}

/// The defaults the schema states are the ones the loaders use.
#[test]
fn schema_defaults_are_the_loaders_defaults() {
    use crate::{DEFAULT_ELASTICITY_PER_DAY, DEFAULT_MAX_ITERATIONS, DEFAULT_REGION_REPLICATIONS};
    use crate::{DEFAULT_SRA_BETTER, DEFAULT_SRA_WORSE, DEFAULT_TOLERANCE};
    let scenario = schema_value(SchemaKind::Scenario);
    let default = |def: &str, field: &str| {
        scenario["definitions"][def]["properties"][field]["default"].clone()
    };
    let minimal = "[scenario]\nname = \"m\"\nhorizon = \"1d\"\n\n[[classes]]\nid = \"c\"\n\n\
                   [[stations]]\nid = \"s\"\nservers = 1\nservice = { dist = \"exponential\", \
                   mean = \"1min\" }\n\n[[sources]]\nid = \"a\"\nclass = \"c\"\nrate = \"1/h\"\n\
                   entry = \"s\"\n";
    let s = super::ok(minimal).scenario;
    assert_eq!(
        default("scenario", "replications"),
        Value::from(s.replications)
    );
    assert_eq!(default("scenario", "seed"), Value::from(s.seed));
    assert_eq!(default("scenario", "warmup"), Value::from("0s"));
    assert_eq!(s.warmup.as_millis(), 0);
    assert_eq!(default("scenario", "start_weekday"), Value::from("monday"));
    assert_eq!(s.start_weekday, 0);
    let class = &s.crossing.population().classes[0];
    assert_eq!(default("class", "length_m"), Value::from(class.length_m));
    assert_eq!(default("class", "priority"), Value::from(class.priority));
    let region = schema_value(SchemaKind::Region);
    let rdefault =
        |def: &str, field: &str| region["definitions"][def]["properties"][field]["default"].clone();
    let check = |def: &str, field: &str, expected: Value| {
        assert_eq!(rdefault(def, field), expected, "{def}.{field}");
    };
    check(
        "region_meta",
        "replications",
        Value::from(DEFAULT_REGION_REPLICATIONS),
    );
    check(
        "region_meta",
        "elasticity_per_day",
        Value::from(DEFAULT_ELASTICITY_PER_DAY),
    );
    check(
        "equilibrium",
        "max_iterations",
        Value::from(DEFAULT_MAX_ITERATIONS),
    );
    check("equilibrium", "tolerance", Value::from(DEFAULT_TOLERANCE));
    check("equilibrium", "worse", Value::from(DEFAULT_SRA_WORSE));
    check("equilibrium", "better", Value::from(DEFAULT_SRA_BETTER));
    let choice = bordersim_trade::ChoiceParams::default();
    check(
        "choice",
        "time_coefficient",
        Value::from(choice.time_coefficient),
    );
    check("choice", "border_weight", Value::from(choice.border_weight));
    check("choice", "toll_weight", Value::from(choice.toll_weight));
}

/// The units a string definition takes, from its description ("… (ms, s, min, h, d) …").
fn units_of(def: &Value) -> Option<String> {
    let d = def.get("description")?.as_str()?;
    let open = d.find('(')?;
    let close = d[open..].find(')')? + open;
    Some(d[open + 1..close].to_owned())
}

/// A field's type in words, with a link to the table it takes.
fn type_words(root: &Value, schema: &Value) -> String {
    let (def, resolved) = resolve(root, schema);
    if let Some(name) = def {
        if resolved.get("properties").is_some() {
            return format!("table, see [{name}](#{name})");
        }
        if let Some(variants) = resolved.get("oneOf").and_then(Value::as_array) {
            let words: Vec<String> = variants
                .iter()
                .filter_map(|v| v.get("const").and_then(Value::as_str))
                .map(|w| format!("`\"{w}\"`"))
                .collect();
            return format!("one of {}", words.join(", "));
        }
        if let Some(units) = units_of(resolved).filter(|_| resolved.get("pattern").is_some()) {
            return format!("{name}: string with a unit ({units})");
        }
        if resolved.get("anyOf").is_some() {
            return resolved["description"].as_str().unwrap_or(name).to_owned();
        }
    }
    if let Some(words) = resolved.get("enum").and_then(Value::as_array) {
        let words: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
        return format!("one of {}", words.join(", "));
    }
    match resolved.get("type").and_then(Value::as_str) {
        Some("array") => format!("array of {}", type_words(root, &resolved["items"])),
        Some("object") => match resolved.get("additionalProperties") {
            Some(inner) if inner.is_object() => {
                format!("table by id, each value {}", type_words(root, inner))
            }
            _ => "table".into(),
        },
        Some(t @ ("string" | "integer" | "number" | "boolean")) => t.into(),
        _ => "any".into(),
    }
}

/// A TOML value on one line, for the example column.
fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::Table(t) => {
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        toml::Value::Array(a) if a.len() > 4 && a.iter().all(|v| !v.is_table()) => {
            let head: Vec<String> = a.iter().take(3).map(inline).collect();
            format!("[{}, … ({} values)]", head.join(", "), a.len())
        }
        toml::Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `docs/scenario.md`: every table of the scenario schema, each field's type, unit,
/// default and description from the schema, and an example value from a scenario that
/// writes every field.
fn field_reference() -> String {
    let schema = schema_value(SchemaKind::Scenario);
    let doc: toml::Value = toml::from_str(EVERY_FIELD).unwrap();
    let examples = written(&schema, &doc);
    let tables = tables(&schema);
    let mut out = String::from(
        "# Scenario file reference\n\n\
         <!-- Generated from the scenario file's JSON Schema (`bordersim schema scenario`, \
         `schemas/scenario.schema.json`) by the config crate's tests; do not edit by hand. -->\n\n\
         Every table and field of a scenario file: its type (durations, rates and lengths are \
         strings with a unit), its default when it may be left out, what it means, and an \
         example. A field marked *required* must be written. Editors that read JSON Schemas \
         (Taplo, \"Even Better TOML\") complete and explain these fields when a file begins \
         with `#:schema` and the path of `schemas/scenario.schema.json` relative to it.\n\n",
    );
    // Top-level sections first, in the order of the documentation, then every other table
    // in the order first reached.
    let mut order: Vec<String> = vec!["(file)".into()];
    let mut i = 0;
    while i < order.len() {
        let name = order[i].clone();
        let sections: Vec<String> = crate::raw::RawConfig::SECTIONS
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let fields = if name == "(file)" {
            Some(&sections)
        } else {
            tables.get(&name)
        };
        if let Some(fields) = fields {
            let def = if name == "(file)" {
                &schema
            } else {
                &schema["definitions"][&name]
            };
            for f in fields {
                let mut targets = Vec::new();
                let mut stack = vec![&def["properties"][f]];
                while let Some(s) = stack.pop() {
                    let (d, r) = resolve(&schema, s);
                    if let Some(d) = d.filter(|d| tables.contains_key(*d)) {
                        targets.push(d.to_owned());
                    }
                    for key in ["items", "additionalProperties"] {
                        if let Some(inner) = r.get(key).filter(|v| v.is_object()) {
                            stack.push(inner);
                        }
                    }
                }
                for t in targets {
                    if !order.contains(&t) {
                        order.push(t);
                    }
                }
            }
        }
        i += 1;
    }
    let root_props = &schema["properties"];
    for name in order {
        if name == "(file)" {
            out.push_str(
                "## The file\n\n| section | form | required | description |\n|---|---|---|---|\n",
            );
            let required = schema["required"].as_array().cloned().unwrap_or_default();
            for section in crate::raw::RawConfig::SECTIONS {
                let p = &root_props[section];
                let form = if p.get("type").and_then(Value::as_str) == Some("array") {
                    format!("`[[{section}]]`, repeated")
                } else {
                    format!("`[{section}]`")
                };
                out.push_str(&format!(
                    "| [{section}](#{}) | {form} | {} | {} |\n",
                    type_words(&schema, p)
                        .rsplit('#')
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches(')'),
                    if required.contains(&Value::from(section)) {
                        "yes"
                    } else {
                        "no"
                    },
                    cell(p["description"].as_str().unwrap_or_default())
                ));
            }
            out.push('\n');
            continue;
        }
        let def = &schema["definitions"][&name];
        out.push_str(&format!(
            "## {name}\n\n{}\n\n",
            def["description"].as_str().unwrap_or_default()
        ));
        out.push_str("| field | type | default | description | example |\n|---|---|---|---|---|\n");
        let required = def["required"].as_array().cloned().unwrap_or_default();
        for (field, p) in def["properties"].as_object().unwrap() {
            let default = if required.contains(&Value::from(field.as_str())) {
                "*required*".to_owned()
            } else {
                match p.get("default") {
                    Some(Value::Object(m)) if m.is_empty() => "none".to_owned(),
                    Some(d) => format!("`{}`", toml_of(d)),
                    None => "none".to_owned(),
                }
            };
            let example = examples
                .get(&name)
                .and_then(|t| t.get(field))
                .map(|v| format!("`{field} = {}`", inline(v)))
                .unwrap_or_default();
            out.push_str(&format!(
                "| `{field}` | {} | {default} | {} | {} |\n",
                cell(&type_words(&schema, p)),
                cell(p["description"].as_str().unwrap_or_default()),
                cell(&example)
            ));
        }
        out.push('\n');
    }
    out
}

/// A JSON default written as TOML.
fn toml_of(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k} = {}", toml_of(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(toml_of).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

#[test]
fn field_reference_is_current() {
    check_generated("docs/scenario.md", &field_reference());
}

/// Every field of a schema, as (where, its schema), definitions included: `where` is the
/// definition or the path of keys to it and the field's name.
fn every_field(root: &Value) -> Vec<(String, Value)> {
    fn walk(schema: &Value, at: &str, out: &mut Vec<(String, Value)>) {
        if let Some(Value::Object(props)) = schema.get("properties") {
            for (k, v) in props {
                out.push((format!("{at}.{k}"), v.clone()));
                walk(v, &format!("{at}.{k}"), out);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(inner) = schema.get(key).filter(|v| v.is_object()) {
                walk(inner, at, out);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = schema.get(key) {
                for p in parts {
                    walk(p, at, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(root, "(file)", &mut out);
    if let Some(Value::Object(defs)) = root.get("definitions") {
        for (name, def) in defs {
            walk(def, name, &mut out);
        }
    }
    out
}

/// The defaults a description states as a value (`default 0.`, `default "road";`,
/// `` default `spillback`) ``): each a single word or number ending the clause.
fn stated_defaults(description: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in description.match_indices("efault ") {
        let rest = &description[at + "efault ".len()..];
        let end = rest
            .char_indices()
            .find(|&(i, c)| {
                matches!(c, ';' | ')' | ' ' | '\n')
                    || (matches!(c, '.' | ',')
                        && !rest[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
            })
            .map_or(rest.len(), |(i, _)| i);
        let word = &rest[..end];
        // Only a clause that ends after the word states a value (not "default the mix…").
        let next = rest[end..].chars().next();
        if word.is_empty() || next == Some(' ') {
            continue;
        }
        out.push(word.trim_matches(|c| c == '`' || c == '"').replace(',', ""));
    }
    out
}

/// A default as the description would write it.
fn default_words(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{}", x as i64)
            } else {
                x.to_string()
            }
        }
        other => other.to_string(),
    }
}

/// A description that says "default X" has X as the schema's `default` (so the default
/// column of `docs/scenario.md`, read from the schema, says what the description says), in
/// every kind of file.
#[test]
fn every_stated_default_is_the_schemas_default() {
    let mut wrong = Vec::new();
    for kind in SchemaKind::ALL {
        for (at, field) in every_field(&schema_value(kind)) {
            let Some(description) = field.get("description").and_then(Value::as_str) else {
                continue;
            };
            for stated in stated_defaults(description) {
                let normalised = |s: &str| {
                    s.parse::<f64>()
                        .map_or_else(|_| s.to_owned(), |x| x.to_string())
                };
                match field.get("default") {
                    Some(d) if normalised(&default_words(d)) == normalised(&stated) => {}
                    other => wrong.push(format!(
                        "{kind:?} {at}: says default {stated}, schema {other:?}"
                    )),
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn stated_defaults_are_read_from_a_description() {
    assert_eq!(stated_defaults("Servers added; default 0."), ["0"]);
    assert_eq!(stated_defaults("default 1,000,000. More"), ["1000000"]);
    assert_eq!(stated_defaults("x; default `spillback`."), ["spillback"]);
    assert_eq!(stated_defaults("x; default \"road\"."), ["road"]);
    assert_eq!(stated_defaults("default 0.5"), ["0.5"]);
    assert!(stated_defaults("default the mix of the sources").is_empty());
    assert!(stated_defaults("default every class.").is_empty());
}

/// Descriptions are for the people writing files: no note about how the code reads them.
#[test]
fn descriptions_hold_no_developer_notes() {
    for kind in SchemaKind::ALL {
        for (at, field) in every_field(&schema_value(kind)) {
            let text = field
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("");
            for note in [
                "Signed so",
                "i64",
                "u32",
                "Option<",
                "serde",
                "`None`",
                "TODO",
            ] {
                assert!(!text.contains(note), "{kind:?} {at}: {text}");
            }
        }
    }
}

/// The `enum` of a field of a definition of the scenario schema.
fn scenario_enum(def: &str, field: &str) -> Vec<String> {
    let schema = schema_value(SchemaKind::Scenario);
    let p = &schema["definitions"][def]["properties"][field];
    let (_, p) = resolve(&schema, p);
    let words = p
        .get("enum")
        .or_else(|| p.get("oneOf").map(|_| &Value::Null))
        .cloned()
        .unwrap_or_else(|| panic!("{def}.{field} has no enum: {p}"));
    match words {
        Value::Array(w) => w.iter().map(|w| w.as_str().unwrap().to_owned()).collect(),
        _ => p["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["const"].as_str().unwrap().to_owned())
            .collect(),
    }
}

/// Fields that take one of a closed set of words have it as an `enum`, the very words the
/// loader accepts.
#[test]
fn closed_word_sets_are_enums_of_the_loaders_words() {
    let profiles: Vec<String> = bordersim_model::IdleEmissions::NAMED
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    let mut listed = scenario_enum("class", "idle_emissions");
    listed.sort();
    let mut sorted = profiles.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    assert_eq!(
        scenario_enum("appointment", "when_full"),
        crate::scenario::appointments::WHEN_FULL
    );
    for def in ["station", "lane_group"] {
        assert_eq!(
            scenario_enum(def, "when_full"),
            ["spillback", "balk", "block"],
            "{def}"
        );
    }
}

/// The defaults the scenario schema states for the crossing's cap, a class's costs and
/// emissions and a station's staff cost are what the loader gives a file that leaves them
/// out.
#[test]
fn cost_and_cap_defaults_are_the_loaders() {
    let scenario = schema_value(SchemaKind::Scenario);
    let default = |def: &str, field: &str| {
        scenario["definitions"][def]["properties"][field]["default"].clone()
    };
    let minimal = "[scenario]\nname = \"m\"\nhorizon = \"1d\"\n\n[[classes]]\nid = \"c\"\n\n\
                   [[stations]]\nid = \"s\"\nservers = 1\nservice = { dist = \"exponential\", \
                   mean = \"1min\" }\n\n[[sources]]\nid = \"a\"\nclass = \"c\"\nrate = \"1/h\"\n\
                   entry = \"s\"\n";
    let s = super::ok(minimal).scenario;
    assert_eq!(
        default("scenario", "max_in_system"),
        Value::from(s.crossing.max_in_system())
    );
    let class = &s.crossing.population().classes[0];
    assert_eq!(
        default("class", "resource_cost_per_h"),
        Value::from(class.resource_cost_per_h)
    );
    assert_eq!(
        default("class", "cargo_value_per_vehicle"),
        Value::from(class.cargo_value_per_vehicle)
    );
    assert_eq!(
        default("class", "cargo_time_cost_share_per_day"),
        Value::from(class.cargo_time_cost_share_per_day)
    );
    let named =
        bordersim_model::IdleEmissions::named(default("class", "idle_emissions").as_str().unwrap());
    assert_eq!(named, Some(class.idle_emissions));
    assert_eq!(
        default("station", "staff_cost_per_lane_h"),
        Value::from(bordersim_model::StaffCostRate::lookup(
            s.crossing.staff_costs(),
            "s",
            "s"
        ))
    );
    assert_eq!(default("station", "initial_queue"), Value::from(0));
    assert_eq!(default("lane_group", "initial_queue"), Value::from(0));
    assert_eq!(default("station", "when_full"), Value::from("spillback"));
    assert_eq!(default("lane_group", "when_full"), Value::from("spillback"));
}

/// Every field of every kind of file has a description (for the policy file, read from its
/// entry types' doc comments like the others').
#[test]
fn every_field_has_a_description() {
    let mut bare = Vec::new();
    for kind in SchemaKind::ALL {
        let root = schema_value(kind);
        for (at, field) in every_field(&root) {
            let (_, resolved) = resolve(&root, &field);
            if field.get("description").is_none() && resolved.get("description").is_none() {
                bare.push(format!("{kind:?} {at}"));
            }
        }
    }
    assert!(
        bare.is_empty(),
        "{} fields:\n{}",
        bare.len(),
        bare.join("\n")
    );
}

/// The policy file's closed sets of words are enums there too, as in the scenario.
#[test]
fn policy_fields_carry_enums_and_defaults() {
    let policy = schema_value(SchemaKind::Policy);
    let entry = |section: &str, field: &str| {
        policy["properties"][section]["items"]["properties"][field].clone()
    };
    assert_eq!(
        entry("appointments", "when_full")["enum"],
        serde_json::json!(["road", "balk"])
    );
    assert_eq!(entry("appointments", "when_full")["default"], "road");
    assert_eq!(entry("staffing", "add")["default"], 0);
    assert!(
        entry("staffing", "add")["description"]
            .as_str()
            .unwrap()
            .contains("Servers added")
    );
    assert_eq!(entry("lane_rule", "review")["default"], "15min");
    assert_eq!(
        entry("events", "kind")["enum"],
        serde_json::json!(["outage", "closure", "demand", "slowdown", "schedule"])
    );
    assert_eq!(
        scenario_enum("event", "kind"),
        ["outage", "closure", "demand", "slowdown", "schedule"]
    );
}
