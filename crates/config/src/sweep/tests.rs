use super::*;

const PLAN: &str = r#"
[sweep]
name = "booths"
scenario = "../examples/commercial_truck_crossing.toml"
replications = 5
block = 2
seed = 7

[[axis]]
name = "general booths"
path = "stations.nb-primary.lanes.general.servers"
range = [4, 8, 2]

[[axis]]
name = "scanner"
policy = ["none", "../policies/second_scanner.toml"]
"#;

#[test]
fn a_grid_expands_in_canonical_order_with_stable_ids() {
    let plan = parse_plan(PLAN, "plan.toml").expect("valid");
    assert_eq!(plan.points.len(), 6);
    let shown: Vec<_> = plan
        .points
        .iter()
        .map(|p| format!("{} {}", p.id, p.values.join(" ")))
        .collect();
    assert_eq!(
        shown,
        [
            "p0000 4 none",
            "p0001 4 ../policies/second_scanner.toml",
            "p0002 6 none",
            "p0003 6 ../policies/second_scanner.toml",
            "p0004 8 none",
            "p0005 8 ../policies/second_scanner.toml",
        ]
    );
    let units = plan.units();
    assert_eq!(units.len(), 6 * 3);
    assert_eq!(units[0].id, "p0000-r00000-00001");
    assert_eq!(units[2].id, "p0000-r00004-00004");
    assert_eq!(units[2].replications, 4..5);
    assert_eq!(units[17].id, "p0005-r00004-00004");
    let text = plan.policy_text(&plan.points[2], None).expect("a policy");
    assert!(text.contains("path = \"stations.nb-primary.lanes.general.servers\"\nvalue = 6"));
}

#[test]
fn zipped_axes_pair_their_values() {
    let text = PLAN
        .replace("seed = 7", "seed = 7\ncombine = \"zip\"")
        .replace("range = [4, 8, 2]", "values = [4, 6]");
    let plan = parse_plan(&text, "plan.toml").expect("valid");
    let shown: Vec<_> = plan.points.iter().map(|p| p.values.join(" ")).collect();
    assert_eq!(shown, ["4 none", "6 ../policies/second_scanner.toml"]);
}

/// Asserts each plan (read as `plan.toml`) is refused with its message.
fn assert_refused<const N: usize>(cases: [(String, &str); N]) {
    for (text, expected) in cases {
        let e = refusal(&text);
        assert!(e.contains(expected), "{e}\nexpected {expected}");
    }
}

/// The message refusing the plan `text` (read as `plan.toml`).
fn refusal(text: &str) -> String {
    parse_plan(text, "plan.toml")
        .expect_err("refused")
        .to_string()
}

#[test]
fn bad_plans_are_refused_at_their_line() {
    let cases = [
        (
            PLAN.replace("range = [4, 8, 2]", "range = [8, 4]"),
            "plan.toml:12:9: axis[0].range: the range [8, 4] by 1 is empty",
        ),
        (
            PLAN.replace("range = [4, 8, 2]", "values = []"),
            "plan.toml:12:10: axis[0].values: an axis needs at least one value",
        ),
        (
            PLAN.replace("replications = 5", "replications = 0"),
            "plan.toml:5:16: sweep.replications: needs a whole number of replications, at least 1",
        ),
        (
            PLAN.replace("replications = 5", "replications = \"5\""),
            "plan.toml:5:16: sweep.replications: wrong type: found string \"5\", expected an integer",
        ),
        (
            PLAN.replace("seed = 7", "seed = 7\ncombine = \"zip\""),
            "axis[1]: zipped axes need as many values each: this one has 2, the first 3",
        ),
        (
            PLAN.replace(
                "range = [4, 8, 2]",
                "range = [4, 8, 2]\npolicy = [\"x.toml\"]",
            ),
            "plan.toml:9:1: axis[0]: an axis has one of: `path` and `values` or `range`",
        ),
        (
            PLAN.replace("block = 2", "blocks = 2"),
            "unknown field `blocks`",
        ),
        (
            PLAN.replace(
                "policy = [\"none\", \"../policies/second_scanner.toml\"]",
                "policy = []",
            ),
            "plan.toml:16:10: axis[1].policy: an axis needs at least one value",
        ),
    ];
    assert_refused(cases);
}

#[test]
fn a_plan_without_axes_is_its_base_scenario() {
    let plan = parse_plan(
        "[sweep]\nname = \"x\"\nscenario = \"s.toml\"\nreplications = 3\n",
        "plan.toml",
    )
    .expect("valid");
    assert_eq!(plan.points.len(), 1);
    assert_eq!(plan.policy_text(&plan.points[0], None), None);
    assert_eq!(plan.units().len(), 1);
    assert_eq!(plan.units()[0].replications, 0..3);
}

const SITES: &str = r#"
[sweep]
name = "growth"
replications = 4
seed = 3

[[axis]]
name = "crossing"
scenario = ["a.toml", "b.toml"]

[[axis]]
name = "demand"
demand = [0.8, 1.0, 1.25]

[[axis]]
name = "loaded"
demand = [1, 2]
class = "loaded"
"#;

#[test]
fn demand_and_scenario_axes_expand_with_their_origins() {
    let plan = parse_plan(SITES, "plan.toml").expect("valid");
    assert_eq!(plan.points.len(), 12);
    assert_eq!(plan.baseline, 0);
    assert_eq!(plan.scenario, "a.toml");
    assert_eq!(
        plan.kinds,
        [
            AxisKind::Scenario,
            AxisKind::Demand(None),
            AxisKind::Demand(Some("loaded".into()))
        ]
    );
    let p = &plan.points[11];
    assert_eq!(p.values, ["b.toml", "1.25", "2"]);
    assert_eq!(p.scenario, "b.toml");
    assert_eq!(p.demand.len(), 2);
    assert_eq!(p.demand[0].class, None);
    assert_eq!(p.demand[0].factor, 1.25);
    // Line 13 `demand = [0.8, 1.0, 1.25]`: the third factor at column 21.
    assert_eq!(
        p.demand[0].origin,
        Origin {
            line: 13,
            column: 21,
            field: "axis[1].demand[2]".into()
        }
    );
    assert_eq!(p.demand[1].class.as_deref(), Some("loaded"));
    assert_eq!(p.demand[1].origin.field, "axis[2].class");
    assert_eq!(p.demand[1].origin.line, 18);
    // Demand alone changes no scenario text: no policy.
    assert_eq!(plan.policy_text(p, None), None);
}

#[test]
fn the_baseline_names_a_point_by_its_axis_values() {
    let text = SITES.replace(
        "seed = 3",
        "seed = 3\nbaseline = { crossing = \"b.toml\", demand = 1.0 }",
    );
    let plan = parse_plan(&text, "plan.toml").expect("valid");
    // b.toml (second half), demand 1 (second third), loaded 1 (first): 6 + 2.
    assert_eq!(plan.baseline, 8);
    assert_eq!(plan.points[8].values, ["b.toml", "1", "1"]);
    for (baseline, expected) in [
        (
            "{ demand = 3.0 }",
            "axis `demand` has no value 3; its values: 0.8, 1, 1.25",
        ),
        ("{ speed = 1 }", "no axis is named `speed`"),
    ] {
        let text = SITES.replace("seed = 3", &format!("seed = 3\nbaseline = {baseline}"));
        let e = refusal(&text);
        assert!(e.contains("plan.toml:6:12: sweep.baseline"), "{e}");
        assert!(e.contains(expected), "{e}");
    }
}

#[test]
fn bad_demand_and_scenario_axes_are_located() {
    let cases = [
        (
            SITES.replace("[0.8, 1.0, 1.25]", "[0.8, 0.0]"),
            "plan.toml:13:16: axis[1].demand[1]: a demand factor is a positive number",
        ),
        (
            SITES.replace("[0.8, 1.0, 1.25]", "[]"),
            "plan.toml:13:10: axis[1].demand: an axis needs at least one value",
        ),
        (
            SITES.replace("seed = 3", "seed = 3\nscenario = \"c.toml\""),
            "axis[0].scenario: the plan names its base scenario in [sweep] and in a scenario axis",
        ),
        (
            SITES.replace(
                "scenario = [\"a.toml\", \"b.toml\"]",
                "path = \"x\"\nvalues = [1]",
            ),
            "sweep.scenario: no base scenario",
        ),
        (
            SITES.replace("demand = [1, 2]\n", "path = \"x\"\nvalues = [1]\n"),
            "plan.toml:19:9: axis[2].class: `class` goes with `demand`",
        ),
    ];
    assert_refused(cases);
}

#[test]
fn override_lines_of_the_generated_policy_are_known() {
    let plan = parse_plan(PLAN, "plan.toml").expect("valid");
    let p = &plan.points[3];
    let policy = "[policy]\nname = \"scanner\"\n";
    let (text, starts) = plan.policy_text_lines(p, Some(policy)).expect("a policy");
    assert_eq!(starts, [5]);
    assert_eq!(text.lines().nth(4), Some("[[override]]"));
    // The value 6 is the range's: located at the range.
    assert_eq!(p.origins[0].field, "axis[0].range");
    assert_eq!(p.origins[0].line, 12);
    assert_eq!(
        p.policy_origin.as_ref().map(|o| o.field.as_str()),
        Some("axis[1].policy[1]")
    );
}

/// Every bundled plan names the sweep schema on its first line (a path editors resolve from
/// the file) and is a valid plan.
#[test]
fn bundled_plans_name_the_sweep_schema() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/sweeps");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("configs/sweeps") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            "#:schema ../../schemas/sweep.schema.json",
            "{}",
            path.display()
        );
        assert!(dir.join("../../schemas/sweep.schema.json").is_file());
        parse_plan(&text, &path.display().to_string()).expect("a valid plan");
        n += 1;
    }
    assert!(n >= 2, "{n} plans");
}

/// Every field the plan's reader takes is a property of the schema (a plan writing them all
/// is read), and the schema has no property the reader refuses.
#[cfg(feature = "schema")]
#[test]
fn the_sweep_schema_has_every_field_of_the_plan() {
    let every = r#"
[sweep]
name = "all"
scenario = "s.toml"
replications = 2
block = 1
seed = 3
combine = "grid"
baseline = { a = 1 }
outputs = ["time_in_system", "queue"]

[[axis]]
name = "a"
path = "stations.s.servers"
values = [1, 2]

[[axis]]
name = "b"
path = "stations.s.servers"
range = [1, 2]

[[axis]]
name = "c"
policy = ["none"]

[[axis]]
name = "d"
demand = [1.0]
class = "k"
"#;
    let scenario_axis = "[sweep]\nname = \"s\"\nreplications = 1\n\n[[axis]]\nname = \"e\"\nscenario = [\"s.toml\"]\n";
    parse_plan(every, "every.toml").expect("every field is read");
    parse_plan(scenario_axis, "every.toml").expect("a scenario axis is read");
    let schema = crate::schema_value(crate::SchemaKind::Sweep);
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    let written = |table: &str| -> Vec<String> {
        let doc: toml::Table = toml::from_str(&format!("{every}{}", "")).expect("toml");
        let mut k: Vec<String> = match table {
            // A region plan's `region` and its axes' `crossing` cannot go with `scenario`.
            "sweep" => doc["sweep"]
                .as_table()
                .expect("sweep")
                .keys()
                .cloned()
                .chain(["region".to_owned()])
                .collect(),
            _ => {
                let mut all: Vec<String> = doc["axis"]
                    .as_array()
                    .expect("axes")
                    .iter()
                    .flat_map(|a| a.as_table().expect("axis").keys().cloned())
                    .collect();
                all.push("scenario".into());
                all.push("crossing".into());
                all.push("region".into());
                all
            }
        };
        k.sort();
        k.dedup();
        k
    };
    assert_eq!(keys(&schema["properties"]["sweep"]), written("sweep"));
    assert_eq!(
        keys(&schema["properties"]["axis"]["items"]),
        written("axis")
    );
    assert_eq!(schema["title"], "bordersim sweep");
}

#[test]
fn outputs_name_the_metrics_drawn_and_an_unknown_one_is_located() {
    let plan = |outputs: &str| {
        format!("[sweep]\nname = \"o\"\nscenario = \"s.toml\"\nreplications = 1\n{outputs}\n")
    };
    assert_eq!(
        parse_plan(&plan(""), "o.toml").unwrap().outputs,
        ["time_in_system"]
    );
    assert_eq!(
        parse_plan(&plan("outputs = [\"wait\", \"cost\", \"wait\"]"), "o.toml")
            .unwrap()
            .outputs,
        ["wait", "cost"]
    );
    let e = parse_plan(&plan("outputs = [\"wait\", \"waits\"]"), "o.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("o.toml:5:20: sweep.outputs[1]: unknown output `waits`")
            && e.contains("(did you mean `wait`?)"),
        "{e}"
    );
    let e = parse_plan(&plan("outputs = []"), "o.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("sweep.outputs: name at least one output"), "{e}");
}

#[test]
fn every_problem_of_a_plan_comes_in_one_pass() {
    // A wrong type, an unknown key, an unknown output and an empty range: all at once, each
    // at its line, in the file's words.
    let text = PLAN
        .replace("replications = 5", "replications = \"5\"")
        .replace("seed = 7", "seed = 7\noutputs = [\"waits\"]\ncolour = 1")
        .replace("range = [4, 8, 2]", "range = [8, 4]");
    let e = parse_plan(&text, "plan.toml").expect_err("refused");
    let places: Vec<(String, usize)> = e
        .diagnostics
        .iter()
        .map(|d| (d.path.clone(), d.line))
        .collect();
    assert_eq!(
        places,
        [
            ("sweep.replications".to_owned(), 5),
            ("sweep.outputs[0]".to_owned(), 8),
            ("sweep.colour".to_owned(), 9),
            ("axis[0].range".to_owned(), 14),
        ],
        "{e}"
    );
    assert!(!e.to_string().contains("i64"), "{e}");
}
