//! The search against known optima, its rules (budget, bounds, shifts) and the plan's
//! bad-input errors.

use bordersim_config::parse_scenario;
use bordersim_experiment::RunOptions;
use bordersim_model::Scenario;
use proptest::prelude::*;

use crate::plan::{Plan, parse_plan};
use crate::run::{
    Silent, StaffingOutcome, apply, block_lanes, objective_by_replication, optimise_staffing,
};
use crate::search::{all_candidates, greedy_then_exchange};
use crate::shifts::{Block, CoverError, HOURS};

/// One booth station fed by a Poisson source at `profile` vehicles per hour, exponential
/// service of 2 min (30 vehicles per hour per lane), one lane all day, over two days with
/// the first as warm-up.
fn booth(profile: &[u32; 24]) -> String {
    let profile: Vec<String> = profile.iter().map(u32::to_string).collect();
    format!(
        r#"
[scenario]
name = "booth"
horizon = "2d"
warmup = "1d"
replications = 4
seed = 7

[[classes]]
id = "car"

[[stations]]
id = "booth"
servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
service = {{ dist = "exponential", mean = "2min" }}

[[sources]]
id = "cars"
class = "car"
entry = "booth"
profile = [{}]
"#,
        profile.join(", ")
    )
}

fn no_traces(name: &str) -> Result<String, String> {
    Err(format!("no file {name} in a test"))
}

fn options(replications: u32) -> RunOptions {
    RunOptions {
        replications,
        seed: 7,
        threads: Some(1),
    }
}

/// The staffing search of `plan` for `scenario`, whose text `text` is `booth.toml`.
fn optimise(plan: &Plan, scenario: &Scenario, text: &str, options: &RunOptions) -> StaffingOutcome {
    optimise_staffing(
        plan,
        scenario,
        text,
        "booth.toml",
        &no_traces,
        options,
        &Silent,
    )
    .expect("runs")
}

/// Each replication's mean wait at the booth (`wait_mean_s`) with `plan`'s groups staffed
/// by `lanes`; `None` where the plan refuses that staffing.
fn booth_waits(
    plan: &Plan,
    text: &str,
    lanes: &[[u32; HOURS]],
    options: &RunOptions,
) -> Option<Vec<Option<f64>>> {
    let (s, _, _) = apply(plan, lanes, text, "booth.toml", &no_traces).ok()?;
    Some(objective_by_replication(&s, options, "wait_mean_s", "station:booth").expect("runs"))
}

/// The mean over replications of values by replication (one without a value counts 0).
fn mean(values: &[Option<f64>]) -> f64 {
    values.iter().flatten().sum::<f64>() / values.len() as f64
}

/// Two loaded hours, 08:00 at 50 vehicles/h (above one lane's 30/h) and 20:00 at 5/h, one
/// lane everywhere and one more lane-hour to place: the optimum puts it at 08:00, and the
/// search finds what enumerating all 24 places finds.
#[test]
fn one_movable_lane_goes_to_the_busy_hour() {
    let mut profile = [0u32; 24];
    profile[8] = 50;
    profile[20] = 5;
    let text = booth(&profile);
    let scenario = parse_scenario(&text, "booth.toml").expect("valid").scenario;
    let plan_text = r#"
[plan]
objective = "wait_mean_s"
entity = "station:booth"

[[groups]]
station = "booth"
budget_lane_hours_per_day = 25
min_lanes = 1
max_lanes = 2
"#;
    let plan = parse_plan(plan_text, "plan.toml", &scenario, &text).expect("valid plan");
    let out = optimise(&plan, &scenario, &text, &options(4));
    let mut expected = [1u32; 24];
    expected[8] = 2;
    assert_eq!(out.report.groups[0].after, expected.to_vec());
    assert_eq!(out.report.groups[0].lane_hours_per_day_after, 25);
    // Every place of the lane, simulated: 08:00 is the best.
    let all = all_candidates(&[plan.targets[0].block.clone()], 1000).expect("small");
    assert_eq!(all.len(), 25, "no extra lane, or one in each of 24 hours");
    let mut best = (f64::INFINITY, 0usize);
    for c in &all {
        let lanes = block_lanes(&plan, c);
        let v = booth_waits(&plan, &text, &lanes, &options(4)).expect("applies");
        let mean = mean(&v);
        if mean < best.0 {
            best = (mean, lanes[0].iter().position(|&n| n == 2).unwrap_or(99));
        }
    }
    assert_eq!(best.1, 8);
    assert_eq!(
        out.report.after, best.0,
        "the search's value is the enumeration's"
    );
    let d = out.report.difference.as_ref().expect("compared");
    assert!(
        d.significant,
        "moving the lane to 08:00 cuts the wait: {d:?}"
    );
    assert!(d.delta.expect("delta") < 0.0);
}

/// A small case with overlapping shifts (8 h, starting every 4 h, at least one lane all day,
/// five shifts): greedy then exchange reaches the optimum that enumerating every feasible
/// staffing finds.
#[test]
fn search_matches_exhaustive_enumeration() {
    let profile = [
        2, 2, 2, 2, 4, 10, 30, 55, 60, 50, 35, 30, 30, 30, 35, 45, 55, 50, 30, 15, 8, 5, 3, 2,
    ];
    let text = booth(&profile);
    let scenario = parse_scenario(&text, "booth.toml").expect("valid").scenario;
    let plan_text = r#"
[plan]
objective = "wait_mean_s"
entity = "station:booth"

[[groups]]
station = "booth"
budget_lane_hours_per_day = 40
min_lanes = 1
max_lanes = 3
shift_hours = 8
shift_starts = [0, 4, 8, 12, 16, 20]
"#;
    let plan = parse_plan(plan_text, "plan.toml", &scenario, &text).expect("valid plan");
    let opts = options(3);
    let out = optimise(&plan, &scenario, &text, &opts);
    let blocks = [plan.targets[0].block.clone()];
    let all = all_candidates(&blocks, 10_000).expect("small");
    let mut best = f64::INFINITY;
    for c in &all {
        let lanes = block_lanes(&plan, c);
        let v = booth_waits(&plan, &text, &lanes, &opts).expect("applies");
        best = best.min(mean(&v));
    }
    assert_eq!(out.report.after, best, "{:?}", out.report.groups[0]);
    assert!(out.report.search.evaluations < all.len() as u32);
    assert!(out.report.groups[0].lane_hours_per_day_after <= 40);
}

/// The written scenario runs to the objective reported, bit for bit, and the policy gives
/// the same scenario text.
#[test]
fn written_scenario_reproduces_the_gain() {
    let mut profile = [0u32; 24];
    profile[8] = 50;
    profile[20] = 5;
    let text = booth(&profile);
    let scenario = parse_scenario(&text, "booth.toml").expect("valid").scenario;
    let plan_text = r#"
[plan]
objective = "wait_mean_s"
entity = "station:booth"
[[groups]]
station = "booth"
budget_lane_hours_per_day = 25
min_lanes = 1
max_lanes = 2
"#;
    let plan = parse_plan(plan_text, "plan.toml", &scenario, &text).expect("valid plan");
    let out = optimise(&plan, &scenario, &text, &options(4));
    let written = parse_scenario(&out.scenario_text, "new.toml")
        .expect("the written scenario is valid")
        .scenario;
    let v = objective_by_replication(&written, &options(4), "wait_mean_s", "station:booth")
        .expect("runs");
    let mean = v.iter().flatten().sum::<f64>() / v.len() as f64;
    assert_eq!(mean, out.report.after);
    let applied = bordersim_config::apply_policy(&text, &out.policy_text, "p.toml").expect("ok");
    assert_eq!(applied.scenario_text, out.scenario_text);
    assert!(out.policy_text.contains("servers_by_day"));
}

/// A separable convex stand-in for the delay: load² / lanes in each hour (infinite with no
/// lane where there is load).
fn convex(load: &[f64; 24], lanes: &[u32; 24]) -> f64 {
    (0..24)
        .map(|h| match (load[h], lanes[h]) {
            (0.0, _) => 0.0,
            (_, 0) => 1e12,
            (l, n) => l * l / f64::from(n),
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the budget and shift rules, the staffing found keeps the budget, the minimum
    /// (night included) and maximum lanes, and uses only allowed start hours; when the rules
    /// admit no staffing, the search says so before evaluating anything.
    #[test]
    fn never_exceeds_the_budget(
        budget in 0u32..120,
        shift_hours in 1usize..10,
        starts in proptest::collection::btree_set(0usize..24, 1..8),
        min in 0u32..2,
        night_min in 0u32..3,
        max in 1u32..6,
        load in proptest::array::uniform24(0u32..40),
    ) {
        let mut min_lanes = [min; HOURS];
        for h in [22, 23, 0, 1, 2, 3, 4, 5] {
            min_lanes[h] = min_lanes[h].max(night_min);
        }
        let block = Block {
            shift_hours,
            starts: starts.into_iter().collect(),
            min_lanes,
            max_lanes: [max; HOURS],
            budget_lane_hours: budget,
        };
        let load = load.map(f64::from);
        let mut calls = 0;
        let result = greedy_then_exchange(std::slice::from_ref(&block), 500, |c| {
            calls += 1;
            Ok::<_, ()>(convex(&load, &block.lanes(&c[0])))
        });
        match result {
            Ok(found) => {
                let counts = &found.best[0];
                prop_assert!(block.lane_hours(counts) <= budget);
                prop_assert!(block.feasible(counts));
                let lanes = block.lanes(counts);
                for h in 0..HOURS {
                    prop_assert!(lanes[h] >= min_lanes[h] && lanes[h] <= max);
                }
                prop_assert!(found.value <= found.start.1);
                prop_assert_eq!(counts.len(), block.starts.len());
            }
            Err(crate::search::SearchError::Infeasible(_, why)) => {
                prop_assert_eq!(calls, 0);
                // One-hour shifts from every hour: the cover's errors are exact.
                if shift_hours == 1 && block.starts.len() == 24 {
                    let needed: u32 = min_lanes.iter().sum();
                    prop_assert!(needed > budget || min_lanes.iter().any(|&m| m > max), "{why}");
                }
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}

/// With one-hour shifts and a separable convex objective, greedy marginal allocation is
/// exact (Fox 1966): it matches enumeration on small budgets.
#[test]
fn greedy_is_exact_for_separable_convex_objectives() {
    let mut load = [0.0; 24];
    load[7] = 9.0;
    load[8] = 5.0;
    load[17] = 7.0;
    load[3] = 1.0;
    let mut only = [0u32; HOURS];
    for h in [3, 7, 8, 17] {
        only[h] = 1;
    }
    for budget in 4..=10 {
        let block = Block {
            shift_hours: 1,
            starts: vec![3, 7, 8, 17],
            min_lanes: only,
            max_lanes: [4; HOURS],
            budget_lane_hours: budget,
        };
        let found = greedy_then_exchange(std::slice::from_ref(&block), 10_000, |c| {
            Ok::<_, ()>(convex(&load, &block.lanes(&c[0])))
        })
        .expect("feasible");
        let best = all_candidates(std::slice::from_ref(&block), 100_000)
            .expect("small")
            .iter()
            .map(|c| convex(&load, &block.lanes(&c[0])))
            .fold(f64::INFINITY, f64::min);
        assert_eq!(found.value, best, "budget {budget}");
    }
}

/// Shift rules: 8-hour shifts from 06:00, 14:00 and 22:00 with 2 lanes at night lay out
/// whole shifts only.
#[test]
fn shifts_are_whole_and_start_at_allowed_hours() {
    let block = Block {
        shift_hours: 8,
        starts: vec![6, 14, 22],
        min_lanes: {
            let mut m = [0; HOURS];
            for h in [22, 23, 0, 1, 2, 3, 4, 5] {
                m[h] = 2;
            }
            m
        },
        max_lanes: [8; HOURS],
        budget_lane_hours: 120,
    };
    assert_eq!(block.minimum_cover(), Ok(vec![0, 0, 2]));
    let mut load = [10.0; 24];
    load[9] = 100.0;
    let found = greedy_then_exchange(std::slice::from_ref(&block), 1000, |c| {
        Ok::<_, ()>(convex(&load, &block.lanes(&c[0])))
    })
    .expect("feasible");
    let lanes = block.lanes(&found.best[0]);
    assert_eq!(block.lane_hours(&found.best[0]), 120);
    // Each 8-hour block has one count: the pattern is constant within a shift.
    for (start, len) in [(6, 8), (14, 8), (22, 8)] {
        let first = lanes[start % 24];
        for k in 0..len {
            assert_eq!(lanes[(start + k) % 24], first);
        }
    }
    assert!(lanes[0] >= 2);
}

#[test]
fn cover_errors_are_exact_where_they_say_so() {
    let mut block = Block {
        shift_hours: 8,
        starts: vec![8],
        min_lanes: [1; HOURS],
        max_lanes: [3; HOURS],
        budget_lane_hours: 100,
    };
    assert!(matches!(
        block.minimum_cover(),
        Err(CoverError::Uncovered { hour: 0, .. })
    ));
    block.starts = vec![0, 8, 16];
    assert_eq!(block.minimum_cover(), Ok(vec![1, 1, 1]));
    block.budget_lane_hours = 23;
    assert!(matches!(
        block.minimum_cover(),
        Err(CoverError::OverBudget { needed: 24, .. })
    ));
    block.budget_lane_hours = 100;
    block.max_lanes[3] = 0;
    assert!(matches!(
        block.minimum_cover(),
        Err(CoverError::MinAboveMax { hour: 3, .. })
    ));
}

// ---------------------------------------------------------------------------------------
// Bad input: located errors, nothing run.
// ---------------------------------------------------------------------------------------

fn plan_error(plan: &str) -> String {
    let text = booth(&[10; 24]);
    let scenario = parse_scenario(&text, "booth.toml").expect("valid").scenario;
    parse_plan(plan, "plan.toml", &scenario, &text)
        .expect_err("refused")
        .to_string()
}

#[test]
fn a_budget_below_the_minimum_is_located() {
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n[[groups]]\n\
         station = \"booth\"\nmin_lanes = 2\nmax_lanes = 3\nbudget_lane_hours_per_day = 40\n",
    );
    assert_eq!(
        e,
        "plan.toml:8:29: groups[0].budget_lane_hours_per_day: booth: the budget of 40 \
         lane-hours per day is below the 48 lane-hours the minimum lanes need (the sum over \
         the hours of the minimum lanes)"
    );
}

#[test]
fn the_default_budget_is_the_groups_lane_hours_now() {
    // One lane all day now: 24 lane-hours; two at night need 32.
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n[[groups]]\n\
         station = \"booth\"\nmin_lanes = 1\nnight_min_lanes = 2\nmax_lanes = 3\n",
    );
    assert!(
        e.starts_with("plan.toml:4:1: groups[0].budget_lane_hours_per_day:"),
        "{e}"
    );
    assert!(e.contains("below the 32 lane-hours"), "{e}");
    assert!(e.contains("the default budget"), "{e}");
}

#[test]
fn shift_rules_no_schedule_satisfies_are_located() {
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n[[groups]]\n\
         station = \"booth\"\nnight_min_lanes = 1\nshift_hours = 8\nshift_starts = [8]\n\
         budget_lane_hours_per_day = 100\n",
    );
    assert_eq!(
        e,
        "plan.toml:8:16: groups[0].shift_starts: booth: at 00:00 at least 1 lanes must be \
         open, but no shift of 8 h starting at an allowed hour ([8]) covers it: no schedule \
         satisfies the shift rules"
    );
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n[[groups]]\n\
         station = \"booth\"\nnight_min_lanes = 3\nmax_lanes = 2\n\
         budget_lane_hours_per_day = 100\n",
    );
    assert!(e.starts_with("plan.toml:7:13: groups[0].max_lanes: booth: at 00:00 the minimum of 3 lanes is above the maximum of 2"), "{e}");
}

#[test]
fn unknown_names_are_located_with_the_known_ones() {
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n[[groups]]\n\
         station = \"both\"\n",
    );
    assert_eq!(
        e,
        "plan.toml:5:11: groups[0].station: unknown station `both`: the scenario's stations \
         are booth"
    );
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n[[groups]]\n\
         station = \"booth\"\nlanes = \"fast\"\n",
    );
    assert!(
        e.starts_with("plan.toml:6:9: groups[0].lanes: station `booth` has no lane groups"),
        "{e}"
    );
    let e = plan_error(
        "[plan]\nobjective = \"wait\"\nentity = \"station:booth\"\n[[groups]]\nstation = \"booth\"\n",
    );
    assert!(
        e.starts_with("plan.toml:2:13: plan.objective: unknown objective `wait`"),
        "{e}"
    );
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"system\"\n[[groups]]\nstation = \"booth\"\n",
    );
    assert!(
        e.starts_with("plan.toml:3:10: plan.entity: `wait_mean_s` is measured for station:<id>"),
        "{e}"
    );
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n[[groups]]\nstation = \"booth\"\ndays = [\"mon\", \"mun\"]\n[[groups]]\nstation = \"booth\"\ndays = [\"mon\"]\n",
    );
    assert!(
        e.contains("plan.toml:6:16: groups[0].days[1]: unknown day `mun`"),
        "{e}"
    );
    let e =
        plan_error("[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\nbudget = 3\n");
    assert!(
        e.starts_with("plan.toml:4:1: unknown field `budget`"),
        "{e}"
    );
}

#[test]
fn one_group_twice_on_a_day_is_refused() {
    let e = plan_error(
        "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n[[groups]]\nstation = \"booth\"\ndays = [\"mon\", \"tue\"]\n[[groups]]\nstation = \"booth\"\ndays = [\"tue\"]\n",
    );
    assert!(
        e.starts_with("plan.toml:9:8: groups[1].days: booth is already staffed on mon, tue"),
        "{e}"
    );
}

/// Weekdays and weekends staffed apart: each block's pattern goes to its own days, a day in
/// no block keeps its schedule, and each block keeps its own budget.
#[test]
fn day_types_get_their_own_patterns() {
    let text = booth(&[10; 24]).replace(
        "servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
        "servers = 2",
    );
    let scenario = parse_scenario(&text, "booth.toml").expect("valid").scenario;
    let plan_text = r#"
[plan]
objective = "wait_mean_s"
entity = "station:booth"
[[groups]]
station = "booth"
days = ["mon", "tue", "wed", "thu", "fri"]
min_lanes = 1
max_lanes = 3
[[groups]]
station = "booth"
days = ["sat"]
budget_lane_hours_per_day = 30
min_lanes = 1
max_lanes = 2
"#;
    let plan = parse_plan(plan_text, "plan.toml", &scenario, &text).expect("valid plan");
    assert_eq!(
        plan.targets[0].block.budget_lane_hours, 48,
        "the default: 2 lanes × 24 h"
    );
    assert_eq!(plan.targets[1].block.budget_lane_hours, 30);
    let mut weekday = [1u32; 24];
    weekday[9] = 3;
    let mut saturday = [1u32; 24];
    saturday[12] = 2;
    let (s, written, _) =
        apply(&plan, &[weekday, saturday], &text, "booth.toml", &no_traces).expect("applies");
    let lanes = &s.crossing.stations()[0].lanes[0].schedule;
    let at = |day: u64, hour: u64| {
        lanes.servers_at(
            bordersim_des::SimTime((day * 24 + hour) * bordersim_des::SimTime::MS_PER_HOUR),
            0,
        )
    };
    assert_eq!((at(0, 9), at(4, 9), at(0, 10)), (3, 3, 1));
    assert_eq!((at(5, 12), at(5, 9)), (2, 1));
    assert_eq!((at(6, 9), at(6, 12)), (2, 2), "Sunday keeps its 2 lanes");
    assert!(written.contains("servers_by_day"));
}

/// With the total cost as the objective, a lane-hour is added only where the time cost it
/// saves exceeds its staff cost: dear staff leave the minimum, cheap staff get the busy
/// hour its second lane.
#[test]
fn total_cost_weighs_staff_against_delay() {
    let mut profile = [0u32; 24];
    profile[8] = 50;
    for (staff, lanes_at_8, used) in [(1.0e6, 1, 24), (1.0, 2, 25)] {
        let text = booth(&profile)
            .replace("id = \"car\"", "id = \"car\"\nresource_cost_per_h = 60.0")
            .replace(
                "service = {",
                &format!("staff_cost_per_lane_h = {staff:?}\nservice = {{"),
            );
        let scenario = parse_scenario(&text, "booth.toml").expect("valid").scenario;
        let plan_text = r#"
[plan]
objective = "total_cost_per_day"
[[groups]]
station = "booth"
budget_lane_hours_per_day = 30
min_lanes = 1
max_lanes = 2
"#;
        let plan = parse_plan(plan_text, "plan.toml", &scenario, &text).expect("valid plan");
        assert_eq!(plan.entity, "system");
        let out = optimise(&plan, &scenario, &text, &options(2));
        let g = &out.report.groups[0];
        assert_eq!(g.after[8], lanes_at_8, "staff cost {staff}: {g:?}");
        assert_eq!(
            g.lane_hours_per_day_after, used,
            "staff cost {staff}: {g:?}"
        );
    }
}

/// The same seed gives the same schedule, values and search, whatever the thread count.
#[test]
fn deterministic_for_a_seed_whatever_the_threads() {
    let mut profile = [0u32; 24];
    profile[8] = 50;
    profile[17] = 40;
    let text = booth(&profile);
    let scenario = parse_scenario(&text, "booth.toml").expect("valid").scenario;
    let plan_text = r#"
[plan]
objective = "wait_p95_rep_s"
entity = "station:booth"
# The two greedy steps (1 + 24 + 23 candidates), then the cap.
max_evaluations = 50
[[groups]]
station = "booth"
budget_lane_hours_per_day = 26
min_lanes = 1
max_lanes = 2
"#;
    let plan = parse_plan(plan_text, "plan.toml", &scenario, &text).expect("valid plan");
    let run = |threads| {
        let options = RunOptions {
            replications: 2,
            seed: 11,
            threads: Some(threads),
        };
        optimise(&plan, &scenario, &text, &options)
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one.report.groups, two.report.groups);
    assert_eq!(one.report.search, two.report.search);
    assert_eq!(one.report.after.to_bits(), two.report.after.to_bits());
    assert_eq!(one.report.difference, two.report.difference);
    assert_eq!(one.scenario_text, two.scenario_text);
    let g = &one.report.groups[0];
    assert_eq!((g.after[8], g.after[17]), (2, 2), "{g:?}");
    assert!(one.report.search.stopped_at_cap);
}

/// From an unstable start (every staffing near it infinitely bad), the greedy phase spreads
/// lanes until one can be run, and then optimises as usual.
#[test]
fn an_unstable_start_is_left_by_spreading_lanes() {
    let block = Block {
        shift_hours: 1,
        starts: (0..24).collect(),
        min_lanes: [0; HOURS],
        max_lanes: [3; HOURS],
        budget_lane_hours: 30,
    };
    let mut load = [0.0; 24];
    load[5] = 4.0;
    load[15] = 2.0;
    // Unstable (infinite) while any hour has no lane.
    let objective = |lanes: &[u32; 24]| {
        if lanes.contains(&0) {
            f64::INFINITY
        } else {
            convex(&load, lanes)
        }
    };
    let found = greedy_then_exchange(std::slice::from_ref(&block), 10_000, |c| {
        Ok::<_, ()>(objective(&block.lanes(&c[0])))
    })
    .expect("feasible");
    let lanes = block.lanes(&found.best[0]);
    assert!(found.value.is_finite());
    assert!(lanes.iter().all(|&n| n >= 1), "{lanes:?}");
    // 24 to leave the unstable region, 4 where they cut the load; the last 2 would cut nothing.
    assert_eq!(block.lane_hours(&found.best[0]), 28);
    assert_eq!((lanes[5], lanes[15]), (3, 3), "{lanes:?}");
}

/// The booth of [`booth`] closed from 20:00 to 06:00 (no lane then, as a port closed at
/// night): `profile` vehicles per hour still arrive at night and wait for the morning.
fn booth_closed_at_night(profile: &[u32; 24]) -> String {
    let open: Vec<String> = (0..24)
        .map(|h| if (6..20).contains(&h) { "1" } else { "0" }.to_owned())
        .collect();
    booth(profile).replace(
        "servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
        &format!("servers_by_hour = [{}]", open.join(", ")),
    )
}

/// A port closed at night, staffed from nothing (no minimum) with three 5-hour shifts: the
/// search opens no lane while the port is closed, and reaches the optimum that enumerating
/// every feasible staffing finds. With `open_closed_hours` the night hours may be staffed.
#[test]
fn a_port_closed_at_night_stays_closed_and_the_search_finds_the_optimum() {
    let mut profile = [2u32; 24];
    for (h, n) in [
        (6, 10),
        (7, 20),
        (8, 25),
        (9, 22),
        (16, 20),
        (17, 22),
        (19, 10),
    ] {
        profile[h] = n;
    }
    for n in &mut profile[10..16] {
        *n = 15;
    }
    profile[18] = 15;
    let text = booth_closed_at_night(&profile);
    let scenario = parse_scenario(&text, "booth.toml").expect("valid").scenario;
    let plan_of = |extra: &str| {
        format!(
            "[plan]\nobjective = \"wait_mean_s\"\nentity = \"station:booth\"\n\n[[groups]]\n\
             station = \"booth\"\nbudget_lane_hours_per_day = 15\nmax_lanes = 2\n\
             shift_hours = 5\n{extra}"
        )
    };
    let plan = parse_plan(&plan_of(""), "plan.toml", &scenario, &text).expect("valid plan");
    let closed: Vec<usize> = (0..6).chain(20..24).collect();
    assert_eq!(plan.targets[0].closed_hours, closed);
    let opts = options(3);
    let out = optimise(&plan, &scenario, &text, &opts);
    let g = &out.report.groups[0];
    assert_eq!(g.closed_hours, closed);
    for &h in &closed {
        assert_eq!(
            g.after[h], 0,
            "a lane at {h:02}:00 while the port is closed: {g:?}"
        );
    }
    assert_eq!(g.lane_hours_per_day_after, 15, "{g:?}");
    // Every staffing within the rules, simulated: the search's is the best.
    let blocks = [plan.targets[0].block.clone()];
    let all = all_candidates(&blocks, 10_000).expect("small");
    let mut best = f64::INFINITY;
    for c in &all {
        let lanes = block_lanes(&plan, c);
        assert!(closed.iter().all(|&h| lanes[0][h] == 0));
        // Only the staffing with no lane at all is refused (the station never opens).
        let Some(v) = booth_waits(&plan, &text, &lanes, &opts) else {
            assert!(lanes[0].iter().all(|&n| n == 0), "{lanes:?} refused");
            continue;
        };
        if v.iter().all(Option::is_some) {
            best = best.min(mean(&v));
        }
    }
    assert_eq!(out.report.after, best, "{g:?}");
    assert!(out.report.search.evaluations < all.len() as u32);
    // Asked to, the search may open the closed hours: more staffings are allowed.
    let open = parse_plan(
        &plan_of("open_closed_hours = true\n"),
        "plan.toml",
        &scenario,
        &text,
    )
    .expect("valid plan");
    assert!(open.targets[0].closed_hours.is_empty());
    let more = all_candidates(&[open.targets[0].block.clone()], 100_000).expect("small");
    assert!(more.len() > all.len());
}
