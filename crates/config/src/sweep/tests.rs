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
            "plan.toml:5:16: invalid type: string \"5\", expected i64",
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
            "axis[0]: an axis has either `path`",
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
    for (text, expected) in cases {
        let e = parse_plan(&text, "plan.toml")
            .expect_err("refused")
            .to_string();
        assert!(e.contains(expected), "{e}\nexpected {expected}");
    }
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
