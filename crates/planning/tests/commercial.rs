//! On the bundled commercial example, closed to northbound trucks from 20:00 to 05:00, the
//! optimiser started from no booths keeps the closed hours closed and beats the bundled
//! schedule of the northbound general primary booths at equal lane-hours, with a
//! significant paired difference (3 replications: −9.88 ± 9.02 min, −57.6%, 169 candidates,
//! about 50 s of CPU time in a release build). A week of the example per candidate: run in release builds (the workspace
//! test command), ignored in debug ones.

use std::path::PathBuf;

use bordersim_config::parse_scenario;
use bordersim_experiment::RunOptions;
use bordersim_planning::{Silent, optimise_staffing, parse_plan};

fn repo(path: &str) -> (String, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let file = root.join(path);
    let text = std::fs::read_to_string(&file).expect("bundled file");
    (text, file.display().to_string())
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "a week of the commercial example per candidate: run with --release"
)]
fn beats_the_bundled_schedule_at_equal_lane_hours() {
    let (text, file) = repo("configs/examples/commercial_truck_crossing.toml");
    let scenario = parse_scenario(&text, &file).expect("valid").scenario;
    let (plan_text, plan_file) = repo("configs/planning/commercial_primary.toml");
    let plan = parse_plan(&plan_text, &plan_file, &scenario, &text).expect("valid plan");
    let options = RunOptions {
        replications: 5,
        seed: 1,
        threads: None,
    };
    let no_traces = |name: &str| Err(format!("no trace {name}"));
    let out = optimise_staffing(
        &plan, &scenario, &text, &file, &no_traces, &options, &Silent,
    )
    .expect("runs");
    let r = &out.report;
    let g = &r.groups[0];
    assert_eq!(g.lane_hours_per_day_before, 102);
    // 3-hour shifts tile the 15 open hours: the same 102 booth-hours, laid out anew.
    assert_eq!(
        g.lane_hours_per_day_after, 102,
        "the same booth-hours: {g:?}"
    );
    let closed = [0, 1, 2, 3, 4, 20, 21, 22, 23];
    assert_eq!(g.closed_hours, closed);
    for h in closed {
        assert_eq!(g.after[h], 0, "closed at night, at {h}: {g:?}");
    }
    for h in 5..20 {
        assert!(g.after[h] >= 1, "a booth in every open hour, at {h}: {g:?}");
    }
    assert!(g.after.iter().all(|&n| n <= 8));
    let d = r.difference.as_ref().expect("compared");
    assert!(d.significant, "{d:?}");
    let relative = d.relative.expect("relative");
    assert!(
        relative < -0.3,
        "the primary wait falls by more than 30%: {d:?}"
    );
}
