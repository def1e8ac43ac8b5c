//! The JSON output contract: field names other tools rely on. Fields may be
//! added freely; these must stay, with these names, in seconds.

use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_tests::jackson;
use serde_json::Value;

#[track_caller]
fn has(v: &Value, path: &str, fields: &[&str]) {
    for f in fields {
        assert!(v.get(f).is_some(), "the report lacks `{path}.{f}`: {v}");
    }
}

#[test]
fn report_keeps_the_contract_field_names() {
    let scenario = jackson(SimTime::from_mins(2_000), SimTime::from_mins(100));
    let options = RunOptions {
        replications: 3,
        seed: 1,
        threads: None,
    };
    let outcome = bordersim_experiment::run(&scenario, &options).expect("the scenario runs");
    let json = serde_json::to_value(&outcome.report).expect("the report serialises");

    has(
        &json,
        "",
        &[
            "scenario",
            "seed",
            "replications",
            "horizon_s",
            "warmup_s",
            "vehicles",
            "stations",
            "classes",
            "system",
        ],
    );
    assert_eq!(json["scenario"], "jackson");
    assert_eq!(json["seed"], 1);
    assert_eq!(json["replications"], 3);
    assert_eq!(json["horizon_s"], 120_000.0);
    assert_eq!(json["warmup_s"], 6_000.0);
    has(
        &json["vehicles"],
        "vehicles",
        &["arrived", "departed", "balked", "in_system_at_end"],
    );

    let delay = [
        "mean_s", "p50_s", "p90_s", "p95_s", "p99_s", "max_s", "ci95_s",
    ];
    let stations = json["stations"].as_array().expect("stations is an array");
    assert_eq!(stations.len(), 2);
    for (st, id) in stations.iter().zip(["A", "B"]) {
        has(
            st,
            "stations[]",
            &[
                "id",
                "crossing",
                "servers",
                "wait",
                "utilization",
                "throughput_per_h",
                "queue_length",
            ],
        );
        assert_eq!(st["id"], id);
        assert_eq!(st["crossing"], "jackson");
        has(&st["wait"], "stations[].wait", &delay);
        has(
            &st["queue_length"],
            "stations[].queue_length",
            &["mean", "max"],
        );
    }
    // Waits are in seconds: A's mean wait is about 1.93 min ≈ 116 s.
    let wait_a = stations[0]["wait"]["mean_s"].as_f64().expect("a number");
    assert!((60.0..200.0).contains(&wait_a), "A's mean wait {wait_a} s");

    let classes = json["classes"].as_array().expect("classes is an array");
    assert_eq!(classes.len(), 1);
    has(&classes[0], "classes[]", &["id", "time_in_system", "count"]);
    has(
        &classes[0]["time_in_system"],
        "classes[].time_in_system",
        &delay,
    );
    has(
        &json["system"]["time_in_system"],
        "system.time_in_system",
        &delay,
    );
}
