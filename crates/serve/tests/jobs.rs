//! Job kinds and limits over real HTTP: the event limit, the result cache, a region with a
//! policy and a calibration, each against the library's own result for the same inputs.

mod common;

use bordersim_experiment::{NoProgress, RunOptions};
use common::*;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

/// Observations of the tiny scenario's booth: two hours of waits and volumes.
const OBSERVED: &str = "station,hour,wait_min,volume\nbooth,8,0.5,60\nbooth,9,0.4,58\n";

/// A fit of the tiny booth's service mean.
const FIT: &str = r#"[fit]
max_evaluations = 4

[[parameter]]
path = "stations.booth.service.mean"
min = "40s"
max = "80s"
"#;

fn tiny() -> bordersim_model::Scenario {
    bordersim_config::parse_scenario(TINY, "input.toml")
        .expect("valid")
        .scenario
}

fn options(replications: u32, seed: u64) -> RunOptions {
    RunOptions {
        replications,
        seed,
        threads: Some(1),
    }
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("json") + "\n"
}

/// A policy of the tiny scenario: a third booth.
const THIRD_BOOTH: &str = r#"[policy]
name = "a third booth"
measure = "equipment"
baseline = "input.toml"

[[equipment]]
station = "booth"
add = 1
"#;

/// Runs `request` on a server with `limit` (and no cache, so that it runs); its last
/// snapshot, and its id and base for the result.
async fn limited(
    client: &reqwest::Client,
    request: &Value,
    limit: Option<u64>,
) -> (Value, String, bordersim_serve::Server, String) {
    let mut c = config();
    c.limits.event_limit = limit;
    c.limits.cache.entries = 0;
    let (server, base) = start(c).await;
    let (job, end) = run_to_end(client, &base, request.clone()).await;
    (end, job, server, base)
}

/// The events of a finished job as its own result counts them, where the result says.
fn events_in_result(kind: &str, result: &Value) -> Option<u64> {
    let events = |v: &Value| v["events"].as_u64().expect("events");
    match kind {
        "run" | "region" => Some(events(result)),
        "compare" if result.get("shift").is_some() => {
            Some(events(&result["baseline"]) + events(&result["reform"]))
        }
        "compare" => Some(
            events(&result["baseline"])
                + result["variants"]
                    .as_array()
                    .expect("variants")
                    .iter()
                    .map(|v| events(&v["result"]))
                    .sum::<u64>(),
        ),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_past_its_event_limit_is_cancelled_and_one_within_it_finishes() {
    let client = client();
    let region = json!({"name": "regions/corridor_osbp.toml"});
    let requests = [
        json!({"kind": "run", "scenario": {"text": TINY}, "replications": 6, "seed": 3}),
        json!({
            "kind": "compare", "scenario": {"text": TINY},
            "policies": [{"text": THIRD_BOOTH}], "replications": 3, "seed": 3
        }),
        json!({"kind": "region", "scenario": region, "replications": 1, "max_iterations": 2}),
        json!({
            "kind": "compare", "scenario": region,
            "policies": [{"name": "regions/policies/chirundu_24h_joint_exit.toml"}],
            "replications": 1, "max_iterations": 1
        }),
        json!({
            "kind": "calibrate", "scenario": {"text": TINY}, "observed": {"text": OBSERVED},
            "replications": 6, "seed": 3
        }),
        json!({
            "kind": "calibrate", "scenario": {"text": TINY}, "observed": {"text": OBSERVED},
            "fit": {"text": FIT}, "replications": 2, "seed": 3
        }),
    ];
    for request in &requests {
        // Without a limit: the job's exact events, every one counted in its snapshot.
        let (end, job, server, base) = limited(&client, request, None).await;
        assert_eq!(end["state"], "done", "{request}: {end}");
        let total = end["events"].as_u64().expect("events");
        assert!(total > 6, "{request}: {end}");
        let kind = request["kind"].as_str().unwrap();
        let report: Value =
            serde_json::from_str(&result(&client, &base, &job, "json").await.2).unwrap();
        if let Some(counted) = events_in_result(kind, &report) {
            assert_eq!(counted, total, "{request}");
        }
        server.shut_down().await.unwrap();

        // Exactly the job's events: it finishes.
        let (end, _, server, _) = limited(&client, request, Some(total)).await;
        assert_eq!(end["state"], "done", "{request}: {end}");
        assert_eq!(end["events"], total);
        server.shut_down().await.unwrap();

        // One event fewer: cancelled, with the limit named, and no result.
        let (end, job, server, base) = limited(&client, request, Some(total - 1)).await;
        assert_eq!(end["state"], "cancelled", "{request}: {end}");
        assert_eq!(
            end["error"],
            format!(
                "the job passed its limit of {} simulated events and was cancelled",
                total - 1
            )
        );
        assert!(end["events"].as_u64().unwrap() >= total - 1, "{end}");
        assert_eq!(result(&client, &base, &job, "json").await.0, 409);
        server.shut_down().await.unwrap();
    }

    // The fit's events are those the library's fit tells its progress of.
    let scenario = tiny();
    let observations =
        bordersim_calibrate::parse_observations(OBSERVED, "input.toml", &scenario).expect("valid");
    let spec = bordersim_calibrate::parse_fit(FIT, "input.toml", TINY).expect("fit");
    let counted = Events::default();
    let none = |name: &str| -> Result<String, String> { Err(name.to_owned()) };
    bordersim_calibrate::fit(
        TINY,
        "input.toml",
        &none,
        &observations,
        &spec,
        &options(2, 3),
        &counted,
    )
    .expect("fits");
    let (end, _, server, _) = limited(&client, &requests[5], None).await;
    assert_eq!(end["events"], counted.0.load(Ordering::SeqCst));
    server.shut_down().await.unwrap();

    // A long job stops after the replications in flight, not at its end.
    let (end, _, server, _) = limited(&client, &long_job(), Some(1)).await;
    assert_eq!(end["state"], "cancelled", "{end}");
    assert!(end["done"].as_u64().unwrap() < 1000, "{end}");
    server.shut_down().await.unwrap();
}

/// Counts the events a library experiment tells its progress of.
#[derive(Default)]
struct Events(AtomicU64);

impl bordersim_experiment::Progress for Events {
    fn replication_done(&self, _total: u32) {}
    fn events_done(&self, events: u64) {
        self.0.fetch_add(events, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identical_request_is_served_from_the_cache_byte_for_byte() {
    let mut c = config();
    c.limits.cache.entries = 2;
    let (server, base) = start(c).await;
    let client = client();
    let request =
        json!({"kind": "run", "scenario": {"text": TINY, "file": "examples/tiny.toml"}, "seed": 5});
    let (first, end) = run_to_end(&client, &base, request.clone()).await;
    assert_eq!(
        (&end["state"], &end["cached"]),
        (&json!("done"), &json!(false))
    );
    let formats = ["json", "html", "csv"];
    let mut bodies = Vec::new();
    for format in formats {
        bodies.push(result(&client, &base, &first, format).await);
    }

    // The same request: done at once, from the cache, every format the same bytes.
    let (code, again) = submit(&client, &base, request.clone()).await;
    assert_eq!(code, 202);
    assert_eq!(again["state"], "done", "{again}");
    assert_eq!(again["cached"], true);
    assert_eq!(again["done"], again["total"]);
    // It says the events its result took, as the job that made it did.
    assert!(end["events"].as_u64().unwrap() > 0, "{end}");
    assert_eq!(again["events"], end["events"], "{again}");
    let again = id(&again);
    assert_ne!(again, first);
    for (format, body) in formats.iter().zip(&bodies) {
        assert_eq!(
            &result(&client, &base, &again, format).await,
            body,
            "{format}"
        );
    }

    // Another seed, or the same text under another name, is another request.
    let mut seeded = request.clone();
    seeded["seed"] = json!(6);
    let mut renamed = request.clone();
    renamed["scenario"]["file"] = json!("examples/other.toml");
    for other in [seeded, renamed] {
        let (code, s) = submit(&client, &base, other).await;
        assert_eq!(code, 202);
        assert_eq!(s["cached"], false, "{s}");
        finish(&client, &base, &id(&s)).await;
    }
    // Two entries at most: the first request was the least recently used and is gone.
    let (_, s) = submit(&client, &base, request).await;
    assert_eq!(s["cached"], false, "{s}");
    finish(&client, &base, &id(&s)).await;
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_with_a_policy_is_compared_as_the_command_line_compares_it() {
    let (server, base) = start(config()).await;
    let client = client();
    let region = "regions/corridor_osbp.toml";
    let policy = "regions/policies/chirundu_24h_joint_exit.toml";
    let request = json!({
        "kind": "compare",
        "scenario": {"name": region},
        "policies": [{"name": policy}],
        "replications": 1,
        "max_iterations": 2
    });
    let (job, end) = run_to_end(&client, &base, request.clone()).await;
    assert_eq!(end["state"], "done", "{end}");

    // The library's comparison of the same region and policy.
    let text = |name: &str| bordersim_serve::bundle::get(name).expect("bundled").text;
    let read = bordersim_serve::bundle::reader(region);
    let mut base_region =
        bordersim_config::parse_region_with(text(region), region, &read).expect("region");
    let mut applied =
        bordersim_config::apply_region_policy(text(region), region, &read, text(policy), policy)
            .expect("policy");
    base_region.model.max_iterations = 2;
    applied.region.model.max_iterations = 2;
    let name = format!("{} (at {})", applied.name, applied.crossing);
    let direct = bordersim_experiment::region::compare_regions(
        &base_region.model,
        &name,
        &applied.region.model,
        &options(1, base_region.seed),
    )
    .expect("runs");
    assert_eq!(
        result(&client, &base, &job, "json").await.2,
        pretty(&direct)
    );
    let (_, kind, html) = result(&client, &base, &job, "html").await;
    assert_eq!(kind, "text/html; charset=utf-8");
    assert_eq!(html, bordersim_report::region_comparison(&direct));
    assert_eq!(
        result(&client, &base, &job, "csv").await.2,
        "kind\nregion_compare\n"
    );

    // Exactly one policy.
    let mut two = request;
    two["policies"] = json!([{"name": policy}, {"name": policy}]);
    let (code, body) = submit(&client, &base, two).await;
    assert_eq!(code, 400, "{body}");
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_calibration_compares_and_fits_as_the_library_does() {
    let (server, base) = start(config()).await;
    let client = client();
    let scenario = tiny();
    let observations =
        bordersim_calibrate::parse_observations(OBSERVED, "input.csv", &scenario).expect("valid");

    // Without a fit: the model against the data, progress by replication.
    let request = json!({
        "kind": "calibrate", "scenario": {"text": TINY},
        "observed": {"text": OBSERVED, "file": "input.csv"}, "replications": 3, "seed": 2
    });
    let (code, s) = submit(&client, &base, request).await;
    assert_eq!(code, 202, "{s}");
    assert_eq!((&s["kind"], &s["total"]), (&json!("calibrate"), &json!(3)));
    let events = events(&client, &base, &id(&s)).await;
    let done: Vec<u64> = events.iter().map(|e| e["done"].as_u64().unwrap()).collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
    assert_eq!(events.last().unwrap()["state"], "done");
    let (_, model) =
        bordersim_calibrate::assess(&scenario, &observations, &options(3, 2), 1.0, &NoProgress)
            .expect("runs");
    let expected = bordersim_serve::CalibrationResult {
        model,
        fit: None,
        scenario_toml: None,
    };
    let job = id(&s);
    assert_eq!(
        result(&client, &base, &job, "json").await.2,
        pretty(&expected)
    );
    // Its CSV and page: the command line's (`calibrate --format csv`, `--report`).
    let (_, kind, csv) = result(&client, &base, &job, "csv").await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    let direct = bordersim_serve::calibration::csv(&expected.model, None).expect("csv");
    assert_eq!(csv.as_bytes(), direct);
    assert!(
        csv.starts_with("scenario,stage,entity_type,entity,statistic,value\ntiny,model,hour,booth"),
        "{csv}"
    );
    let (_, kind, html) = result(&client, &base, &job, "html").await;
    assert_eq!(kind, "text/html; charset=utf-8");
    let page =
        bordersim_report::calibration(&bordersim_serve::calibration::view(&expected.model, None));
    assert_eq!(html, page);
    assert_eq!(result(&client, &base, &job, "toml").await.0, 406);

    // With a fit: its report (no clock in it) and the calibrated scenario.
    let request = json!({
        "kind": "calibrate", "scenario": {"text": TINY},
        "observed": {"text": OBSERVED, "file": "input.csv"}, "fit": {"text": FIT},
        "replications": 2, "seed": 2
    });
    let (job, end) = run_to_end(&client, &base, request).await;
    assert_eq!(end["state"], "done", "{end}");
    let spec = bordersim_calibrate::parse_fit(FIT, "input.toml", TINY).expect("fit");
    let none = |name: &str| -> Result<String, String> { Err(name.to_owned()) };
    let fitted = bordersim_calibrate::fit(
        TINY,
        "input.toml",
        &none,
        &observations,
        &spec,
        &options(2, 2),
        &NoProgress,
    )
    .expect("fits");
    let json: Value = serde_json::from_str(&result(&client, &base, &job, "json").await.2).unwrap();
    let mut report = serde_json::to_value(&fitted.report).unwrap();
    report["wall_s"] = json!(0.0);
    report["seconds_per_evaluation"] = json!(0.0);
    assert_eq!(json["fit"], report);
    assert_eq!(json["objective"], report["before"]["objective"]);
    let (_, kind, toml) = result(&client, &base, &job, "toml").await;
    assert_eq!(kind, "application/toml; charset=utf-8");
    assert_eq!(toml, fitted.scenario_toml);
    // The fit's CSV and page, before and after, without a clock.
    let mut fit = fitted.report;
    fit.wall_s = 0.0;
    fit.seconds_per_evaluation = 0.0;
    let direct = bordersim_serve::calibration::csv(&fit.before, Some(&fit)).expect("csv");
    let csv = result(&client, &base, &job, "csv").await.2;
    assert_eq!(csv.as_bytes(), direct);
    assert!(csv.contains("tiny,after,overall,all,objective,"), "{csv}");
    assert!(csv.contains("tiny,fit,parameter,"), "{csv}");
    let view = bordersim_serve::calibration::view(&fit.before, Some(&fit));
    assert!(view.fitted && view.parameters.len() == 1, "{view:?}");
    assert_eq!(
        result(&client, &base, &job, "html").await.2,
        bordersim_report::calibration(&view)
    );

    // A bad observation file or fit file: 422 with the problem located; no job.
    for (field, bad, needle) in [
        (
            "observed",
            "station,hour,wait_min\nbooth,25,1\n",
            "input.csv:2",
        ),
        (
            "fit",
            "[fit]\nmax_evaluations = 4\n[[parameter]]\npath = \"stations.nothing.service.mean\"\nmin = \"1s\"\nmax = \"2s\"\n",
            "nothing",
        ),
    ] {
        let mut request = json!({
            "kind": "calibrate", "scenario": {"text": TINY},
            "observed": {"text": OBSERVED, "file": "input.csv"}
        });
        request[field] = json!({"text": bad, "file": "input.csv"});
        let (code, body) = submit(&client, &base, request).await;
        assert_eq!(code, 422, "{body}");
        assert_eq!(body["error"]["code"], "invalid_config");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{message}");
    }
    // Observations belong to a calibration only.
    let (code, _) = submit(
        &client,
        &base,
        json!({"kind": "run", "scenario": {"text": TINY}, "observed": {"text": OBSERVED}}),
    )
    .await;
    assert_eq!(code, 400);
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_comparison_reports_its_progress_and_a_cancel_stops_it_early() {
    let (server, base) = start(config()).await;
    let client = client();
    let request = |replications: u32| {
        json!({
            "kind": "compare",
            "scenario": {"name": "regions/corridor_osbp.toml"},
            "policies": [{"name": "regions/policies/chirundu_24h_joint_exit.toml"}],
            "replications": replications,
            "max_iterations": 2
        })
    };
    // Progress: replications as they end, then each stage's iterations with their gaps,
    // the baseline's before the reform's.
    let (code, s) = submit(&client, &base, request(1)).await;
    assert_eq!(code, 202, "{s}");
    let events = events(&client, &base, &id(&s)).await;
    assert_eq!(events.last().unwrap()["state"], "done");
    let done: Vec<u64> = events.iter().map(|e| e["done"].as_u64().unwrap()).collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
    assert!(done.last().is_some_and(|d| *d > 1), "{done:?}");
    let mut stages: Vec<(String, u64)> = events
        .iter()
        .filter_map(|e| Some((e["stage"].as_str()?.to_owned(), e["iteration"].as_u64()?)))
        .collect();
    stages.dedup();
    assert_eq!(
        stages.first(),
        Some(&("baseline".to_owned(), 1)),
        "{stages:?}"
    );
    let reform = stages
        .iter()
        .position(|(s, _)| s == "reform")
        .expect("reform");
    assert_eq!(stages[reform].1, 1, "{stages:?}");
    assert!(
        stages[..reform].iter().all(|(s, _)| s == "baseline"),
        "{stages:?}"
    );
    assert!(
        stages[reform..].iter().all(|(s, _)| s == "reform"),
        "{stages:?}"
    );
    assert!(
        events
            .iter()
            .filter(|e| e["iteration"].is_u64())
            .all(|e| e["gap"].is_f64()),
        "{events:?}"
    );

    // Cancelled once its first replication has ended: it stops within the replications in
    // flight, long before the end of its first iteration (1,000 replications of every
    // crossing).
    let (code, s) = submit(&client, &base, request(1000)).await;
    assert_eq!(code, 202, "{s}");
    let job = id(&s);
    let mut response = client
        .get(format!("{base}/api/v1/jobs/{job}/events"))
        .send()
        .await
        .expect("events");
    let mut text = String::new();
    let whole = |text: &str| parse_events(&text[..text.rfind("\n\n").map_or(0, |i| i + 2)]);
    while !whole(&text).iter().any(|e| e["done"].as_u64() >= Some(1)) {
        let chunk = response.chunk().await.expect("chunk").expect("open");
        text.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
    }
    assert_eq!(cancel(&client, &base, &job).await, 202);
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        text.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
    }
    let end = whole(&text).pop().expect("a final event");
    assert_eq!(end["state"], "cancelled", "{end}");
    assert_eq!(end["error"], "cancelled by a request");
    assert_eq!(end["iteration"], Value::Null, "{end}");
    assert!(end["done"].as_u64().unwrap() < 1000, "{end}");
    server.shut_down().await.unwrap();
}
