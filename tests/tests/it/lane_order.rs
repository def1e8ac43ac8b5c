//! The order of a station's `[[stations.lanes]]` blocks never changes a result: a vehicle
//! prefers a free lane of a group dedicated to it, then a general one, then one that only
//! shares when idle, whatever their order in the file. Each check runs the same file with
//! its lane blocks reordered and asserts identical reports — equal, not statistically close.

use std::path::{Path, PathBuf};

use bordersim_experiment::RunOptions;
use bordersim_model::{Crossing, Scenario};
use serde_json::Value;

/// The report of `scenario` (`replications` replications, seed 7) as JSON, with every
/// station's lane groups sorted by id (the report lists them in the file's order) and the
/// timing block left out.
fn normalised_report(scenario: &Scenario, replications: u32) -> Value {
    let options = RunOptions {
        replications,
        seed: 7,
        threads: None,
    };
    let outcome = bordersim_experiment::run(scenario, &options).expect("the scenario runs");
    let mut json = serde_json::to_value(&outcome.report).expect("the report serialises");
    json.as_object_mut()
        .expect("the report is an object")
        .remove("performance");
    sort_lanes(&mut json);
    json
}

/// Where two JSON values first differ, for a failure message.
fn first_difference(a: &Value, b: &Value, path: &str) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let at = format!("{path}.{k}");
                match y.get(k) {
                    Some(w) if w == v => {}
                    Some(w) => return first_difference(v, w, &at),
                    None => return format!("{at} only on one side"),
                }
            }
            format!("{path}: keys differ")
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_difference(v, w, &format!("{path}[{i}]"));
                }
            }
            format!("{path}: equal")
        }
        _ => format!("{path}: {a} against {b}"),
    }
}

fn sort_lanes(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "lane_groups"
                    && let Value::Array(groups) = v
                {
                    groups.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
                }
                sort_lanes(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_lanes),
        _ => {}
    }
}

/// The scenario text cut at table headers: each piece is a header and the lines up to the
/// next one. A lane block is a `[[stations.lanes]]` piece with the sub-tables that follow it.
fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    for line in text.split_inclusive('\n') {
        let header = line.trim_start().starts_with('[');
        let sub_table = line.trim_start().starts_with("[stations.lanes.")
            || line.trim_start().starts_with("[[stations.lanes.");
        if header && !sub_table {
            out.push(String::new());
        }
        out.last_mut().expect("a piece").push_str(line);
    }
    out
}

fn is_lane_block(piece: &str) -> bool {
    piece.trim_start().starts_with("[[stations.lanes]]")
}

/// `text` with each station's run of lane blocks put in the order `order(n)` gives for a run
/// of `n` blocks (a permutation of `0..n`).
fn reorder_lane_blocks(text: &str, order: impl Fn(usize) -> Vec<usize>) -> String {
    let pieces = pieces(text);
    let mut out = String::new();
    let mut i = 0;
    while i < pieces.len() {
        if !is_lane_block(&pieces[i]) {
            out.push_str(&pieces[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < pieces.len() && is_lane_block(&pieces[i]) {
            i += 1;
        }
        let run = &pieces[start..i];
        for j in order(run.len()) {
            let mut block = run[j].clone();
            if !block.ends_with('\n') {
                block.push('\n');
            }
            out.push_str(&block);
        }
    }
    out
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in permutations(n - 1) {
        for at in 0..=rest.len() {
            let mut p = rest.clone();
            p.insert(at, n - 1);
            out.push(p);
        }
    }
    out
}

fn parse(text: &str, file: &str, dir: &Path) -> Scenario {
    let dir = dir.to_path_buf();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    bordersim_config::parse_scenario_with(text, file, &read)
        .unwrap_or_else(|e| panic!("{file}: {e}\n{text}"))
        .scenario
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/examples")
}

/// Two stations with three lane groups each — dedicated by programme, by class and by both,
/// general, one sharing when idle, one under a lane rule — on schedules that open and close
/// lanes at the same hours.
const SMALL: &str = r#"
[scenario]
name = "lane order"
horizon = "3d"
warmup = "6h"
replications = 3
seed = 7

[[programmes]]
id = "fast"

[[classes]]
id = "car"
length_m = 5.0

[[classes]]
id = "truck"
length_m = 20.0
programmes = { none = 0.7, fast = 0.3 }

[[stations]]
id = "primary"
service = { dist = "exponential", mean = "2min" }
routes = [{ to = "secondary", p = 0.4 }, { to = "exit", p = 0.6 }]

[[stations.lanes]]
id = "general"
servers_by_hour = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1]

[[stations.lanes]]
id = "fast"
serves = { programmes = ["fast"] }
share_when_idle = true
servers_by_hour = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]

[[stations.lanes]]
id = "trucks"
serves = { classes = ["truck"] }
servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]

[[stations]]
id = "secondary"
service = { dist = "exponential", mean = "9min" }

[[stations.lanes]]
id = "fast-trucks"
serves = { classes = ["truck"], programmes = ["fast"] }
servers = 1

[[stations.lanes]]
id = "everyone"
servers = 1
lane_rule = { min_wait = "2min", max_wait = "10min", min_lanes = 1, max_lanes = 3, review = "15min" }

[[stations.lanes]]
id = "cars"
serves = { classes = ["car"] }
share_when_idle = true
servers = 1

[[sources]]
id = "cars"
class = "car"
entry = "primary"
rate = "40/h"

[[sources]]
id = "trucks"
class = "truck"
entry = "primary"
rate = "25/h"
"#;

#[test]
fn every_order_of_the_lane_blocks_of_small_stations_gives_the_same_report() {
    let dir = examples_dir();
    let expected = normalised_report(&parse(SMALL, "small.toml", &dir), 3);
    let mut orders = 0;
    for order in permutations(3) {
        let text = reorder_lane_blocks(SMALL, |n| {
            assert_eq!(n, 3);
            order.clone()
        });
        assert_ne!(order != [0, 1, 2], text == SMALL, "the blocks moved");
        let got = normalised_report(&parse(&text, "reordered.toml", &dir), 3);
        assert!(
            got == expected,
            "lane blocks in order {order:?} changed the report"
        );
        orders += 1;
    }
    assert_eq!(orders, 6);
}

/// The bundled example with its lane blocks reversed and rotated, against the file as it is:
/// `replications` replications over the file's own horizon.
fn bundled_in_other_orders(name: &str, replications: u32) {
    let dir = examples_dir();
    let text = std::fs::read_to_string(dir.join(name)).expect("bundled example");
    let blocks = pieces(&text).iter().filter(|p| is_lane_block(p)).count();
    assert!(blocks >= 2, "{name} has {blocks} lane blocks");
    let expected = normalised_report(&parse(&text, name, &dir), replications);
    let reversed = reorder_lane_blocks(&text, |n| (0..n).rev().collect());
    let rotated = reorder_lane_blocks(&text, |n| (1..n).chain([0]).collect());
    for (how, changed) in [("reversed", reversed), ("rotated", rotated)] {
        assert_ne!(changed, text, "{how}: the blocks moved");
        let got = normalised_report(&parse(&changed, name, &dir), replications);
        assert!(
            got == expected,
            "{name} with its lane blocks {how} changed the report: {}",
            first_difference(&got, &expected, "")
        );
    }
}

#[test]
fn the_commercial_example_with_its_fast_booths_listed_first_gives_the_same_report() {
    // General booths before FAST booths in the file: FAST trucks once took idle general
    // booths ahead of their own, and swapping the two blocks moved the primary wait by
    // about 6%. Now the report is the same, figure for figure.
    bundled_in_other_orders("commercial_truck_crossing.toml", 4);
}

#[test]
fn the_passenger_example_in_any_order_of_its_booths_gives_the_same_report() {
    // General, Ready (also SENTRI, shares when idle) and SENTRI booths.
    bundled_in_other_orders("passenger_car_crossing.toml", 4);
}

#[test]
fn the_trace_replay_example_in_any_order_of_its_booths_gives_the_same_report() {
    bundled_in_other_orders("trace_replay.toml", 4);
}

/// A crossing with plain booths, to which a policy adds lanes of the programme's own.
const PLAIN: &str = r#"
[scenario]
name = "plain booths"
horizon = "4d"
warmup = "1d"
replications = 4
seed = 7

[[classes]]
id = "truck"

[[stations]]
id = "primary"
servers = 3
service = { dist = "exponential", mean = "2min" }

[[sources]]
id = "trucks"
class = "truck"
entry = "primary"
rate = "75/h"
"#;

const DEDICATED: &str = r#"
[policy]
name = "trusted traders with a booth of their own"

[[authorised_operators]]
programme = "fast"
share = 0.3
dedicated_lanes = [{ station = "primary", servers = 1, share_when_idle = false }]
"#;

/// `scenario` with each station's lane groups in the order `order` gives them.
fn with_lane_groups_in_order(scenario: &Scenario, order: impl Fn(usize) -> Vec<usize>) -> Scenario {
    let crossing = &scenario.crossing;
    let stations = crossing
        .stations()
        .iter()
        .map(|st| {
            let mut st = st.clone();
            st.lanes = order(st.lanes.len())
                .into_iter()
                .map(|i| st.lanes[i].clone())
                .collect();
            st
        })
        .collect();
    let crossing = Crossing::new(
        crossing.name.clone(),
        crossing.population(),
        stations,
        crossing.sources().to_vec(),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    Scenario {
        crossing,
        ..scenario.clone()
    }
}

#[test]
fn dedicated_lanes_a_policy_appends_after_the_general_ones_behave_as_if_listed_first() {
    let applied = bordersim_config::apply_policy(PLAIN, DEDICATED, "dedicated.toml")
        .unwrap_or_else(|e| panic!("the policy applies: {e}"));
    let changed = bordersim_config::parse_scenario(&applied.scenario_text, "changed")
        .unwrap_or_else(|e| panic!("{e}\n{}", applied.scenario_text))
        .scenario;
    let ids: Vec<&str> = changed.crossing.stations()[0]
        .lanes
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(ids, ["general", "fast"], "the policy appends its group");
    let first = with_lane_groups_in_order(&changed, |n| (0..n).rev().collect());
    let report = normalised_report(&changed, 4);
    assert!(report == normalised_report(&first, 4));
}
