//! The API over real HTTP on a loopback port, with a real client: every endpoint, the error
//! shapes, the limits, the event stream, cancellation and shutdown.

mod common;

use bordersim_serve::Config;
use common::*;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_gives_the_clis_located_errors() {
    let (server, base) = start(config()).await;
    let client = client();
    let post = |text: String, query: &str| {
        let client = client.clone();
        let url = format!("{base}/api/v1/validate{query}");
        async move {
            let r = client.post(url).body(text).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let (status, ok) = post(TINY.to_owned(), "").await;
    assert_eq!(status, 200);
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["kind"], "scenario");
    assert_eq!(ok["summary"], "tiny: 1 stations, 1 classes, 1 sources");

    // A misspelt field on line 12 and an unknown station on line 20.
    let broken = TINY
        .replace("servers = 2", "servres = 2")
        .replace("entry = \"booth\"", "entry = \"both\"");
    let (status, bad) = post(broken.clone(), "?file=mine.toml").await;
    assert_eq!(status, 200);
    assert_eq!(bad["valid"], false);
    let expected = bordersim_config::parse_scenario(&broken, "mine.toml").unwrap_err();
    let errors = bad["errors"].as_array().unwrap();
    assert_eq!(errors.len(), expected.diagnostics.len());
    for (got, want) in errors.iter().zip(&expected.diagnostics) {
        assert_eq!(got["file"], "mine.toml");
        assert_eq!(got["line"], want.line);
        assert_eq!(got["column"], want.column);
        assert_eq!(got["path"], want.path.as_str());
        assert_eq!(got["message"], want.message.as_str());
    }
    assert!(errors.iter().any(|e| e["line"] == 12), "{errors:?}");

    // Not TOML at all: the syntax error, located.
    let (_, syntax) = post("[scenario\nname = 1\n".to_owned(), "").await;
    assert_eq!(syntax["valid"], false);
    assert_eq!(syntax["errors"][0]["line"], 1);

    // A bundled policy against the baseline it names; a region with its crossings.
    let policy = bordersim_serve::bundle::get("policies/lane_rule.toml")
        .unwrap()
        .text;
    let (_, p) = post(policy.to_owned(), "?file=policies/lane_rule.toml").await;
    assert_eq!(p["kind"], "policy");
    assert_eq!(p["valid"], true, "{p}");
    let region = bordersim_serve::bundle::get("regions/corridor_osbp.toml")
        .unwrap()
        .text;
    let (_, r) = post(region.to_owned(), "?file=regions/corridor_osbp.toml").await;
    assert_eq!(r["kind"], "region");
    assert_eq!(r["valid"], true, "{r}");

    // A file name outside the bundle is refused; a named file outside it is never read.
    let (status, e) = post(TINY.to_owned(), "?file=../../etc/passwd").await;
    assert_eq!(status, 400);
    assert_eq!(e["error"]["code"], "bad_request");
    let traced = TINY.replace("rate = \"60/h\"", "trace = \"../../../Cargo.toml\"");
    let (_, t) = post(traced, "?file=examples/x.toml").await;
    assert_eq!(t["valid"], false);
    assert!(
        t["errors"].to_string().contains("not a bundled file"),
        "{t}"
    );
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundled_configs_are_listed_and_loaded_by_name_only() {
    let (server, base) = start(config()).await;
    let client = client();
    let (_, list) = get_json(&client, &base, "/api/v1/configs").await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), bordersim_serve::bundle::BUNDLE.len());
    assert!(names.contains(&"examples/commercial_truck_crossing.toml"));
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "policies/second_scanner.toml")
        .unwrap();
    assert_eq!(entry["kind"], "policy");

    let text = client
        .get(format!(
            "{base}/api/v1/configs/examples/commercial_truck_crossing.toml"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let on_disk = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../configs/examples/commercial_truck_crossing.toml"),
    )
    .unwrap();
    assert_eq!(text, on_disk);
    for bad in [
        "%2e%2e/%2e%2e/Cargo.toml",
        "..%2f..%2fCargo.toml",
        "%2fetc%2fpasswd",
        "examples/nothing.toml",
    ] {
        let (code, body) = get_json(&client, &base, &format!("/api/v1/configs/{bad}")).await;
        assert_eq!(code, 404, "{bad}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    assert_eq!(get_json(&client, &base, "/api/v1/nothing").await.0, 404);
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_reports_progress_in_order_and_its_results_in_three_formats() {
    let (server, base) = start(config()).await;
    let client = client();
    let request = json!({"kind": "run", "scenario": {"text": TINY}, "replications": 6, "seed": 3});
    let (code, snapshot) = submit(&client, &base, request.clone()).await;
    assert_eq!(code, 202, "{snapshot}");
    assert_eq!(snapshot["total"], 6);
    let id = id(&snapshot);
    let events = events(&client, &base, &id).await;
    let done: Vec<u64> = events.iter().map(|e| e["done"].as_u64().unwrap()).collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
    let last = events.last().unwrap();
    assert_eq!(last["state"], "done", "{last}");
    assert_eq!(last["done"], 6);
    assert!(
        events[..events.len() - 1]
            .iter()
            .all(|e| e["state"] != "done")
    );

    assert_eq!(&status(&client, &base, &id).await, last);

    let (_, kind, json_text) = result(&client, &base, &id, "json").await;
    assert_eq!(kind, "application/json");
    let report: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(report["replications"], 6);
    assert_eq!(report["seed"], 3);
    // The same report as the library gives for the same inputs.
    let mut scenario = bordersim_config::parse_scenario(TINY, "input.toml")
        .unwrap()
        .scenario;
    // A run's result carries the series its page draws, in quarter-hour bins.
    scenario.crossing = scenario
        .crossing
        .clone()
        .with_series_bin_ms(Some(bordersim_model::DEFAULT_SERIES_BIN_MS));
    let options = bordersim_experiment::RunOptions {
        replications: 6,
        seed: 3,
        threads: Some(1),
    };
    // Built for a page, as the server builds a run's report; its JSON is the plain one.
    let (direct, _) = bordersim_experiment::run_summary_for(
        &scenario,
        &options,
        bordersim_experiment::Detail::Page,
        |_| bordersim_model::NoLog,
        &bordersim_experiment::NoProgress,
    )
    .unwrap();
    assert_eq!(report, serde_json::to_value(&direct).unwrap());
    let (_, kind, html) = result(&client, &base, &id, "html").await;
    assert_eq!(kind, "text/html; charset=utf-8");
    assert_eq!(html, bordersim_report::run(&direct));
    assert!(
        html.contains("Queues and waits over time"),
        "the page draws the series"
    );
    let (_, kind, csv) = result(&client, &base, &id, "csv").await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert_eq!(csv, "kind,replications\nrun,6\n");
    // A run writes no scenario.
    let (code, _, body) = result(&client, &base, &id, "toml").await;
    assert_eq!(code, 406, "{body}");

    // The same request again, with the cache off so that it runs again: the same bytes.
    server.shut_down().await.unwrap();
    let mut uncached = config();
    uncached.limits.cache.entries = 0;
    let (server, base) = start(uncached).await;
    for _ in 0..2 {
        let (again, end) = run_to_end(&client, &base, request.clone()).await;
        assert_eq!(end["cached"], false);
        assert_eq!(result(&client, &base, &again, "json").await.2, json_text);
    }
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_and_region_jobs_run() {
    let (server, base) = start(config()).await;
    let client = client();
    let (job, end) = run_to_end(
        &client,
        &base,
        json!({
            "kind": "compare",
            "scenario": {"name": "examples/commercial_truck_crossing.toml"},
            "policies": [{"name": "policies/second_scanner.toml"}],
            "replications": 2
        }),
    )
    .await;
    assert_eq!(end["state"], "done", "{end}");
    assert_eq!((&end["done"], &end["total"]), (&json!(4), &json!(4)));
    let c: Value = serde_json::from_str(&result(&client, &base, &job, "json").await.2).unwrap();
    assert!(
        c["variants"].as_array().is_some_and(|v| v.len() == 1),
        "{c}"
    );

    let (status, s) = submit(
        &client,
        &base,
        json!({
            "kind": "region",
            "scenario": {"name": "regions/corridor_osbp.toml"},
            "replications": 1,
            "max_iterations": 2
        }),
    )
    .await;
    assert_eq!(status, 202, "{s}");
    let events = events(&client, &base, &id(&s)).await;
    let end = events.last().unwrap();
    assert_eq!(end["state"], "done", "{end}");
    let iterations: Vec<u64> = events
        .iter()
        .filter_map(|e| e["iteration"].as_u64())
        .collect();
    assert!(iterations.windows(2).all(|w| w[0] <= w[1]));
    assert!(end["gap"].as_f64().is_some());
    let (_, _, html) = result(&client, &base, &id(&s), "html").await;
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..100.min(html.len())]
    );
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_job_requests_get_the_error_shape() {
    let (server, base) = start(config()).await;
    let client = client();
    let broken = TINY.replace("servers = 2", "servers = -2");
    let cases = [
        (
            json!({"kind": "run", "scenario": {"text": broken}}),
            422,
            "invalid_config",
        ),
        (
            json!({"kind": "run", "scenario": {"name": "nothing.toml"}}),
            404,
            "not_found",
        ),
        (json!({"kind": "run", "scenario": {}}), 400, "bad_request"),
        (
            json!({"kind": "run", "scenario": {"text": TINY}, "replications": 0}),
            400,
            "bad_request",
        ),
        (
            json!({"kind": "fly", "scenario": {"text": TINY}}),
            400,
            "bad_request",
        ),
        (
            json!({"kind": "compare", "scenario": {"text": TINY}}),
            400,
            "bad_request",
        ),
        (
            json!({"kind": "run", "scenario": {"text": TINY}, "policies": [{"name": "policies/lane_rule.toml"}]}),
            400,
            "bad_request",
        ),
    ];
    for (request, status, code) in cases {
        let (got, body) = submit(&client, &base, request.clone()).await;
        assert_eq!(got, status, "{request} -> {body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let (_, body) = submit(
        &client,
        &base,
        json!({"kind": "run", "scenario": {"text": broken}}),
    )
    .await;
    assert_eq!(body["error"]["diagnostics"][0]["line"], 12, "{body}");
    let r = client
        .post(format!("{base}/api/v1/jobs"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    for path in ["jobs/999", "jobs/999/result", "jobs/x/events"] {
        let (code, _) = get_json(&client, &base, &format!("/api/v1/{path}")).await;
        assert_eq!(code, 404, "{path}");
    }
    assert_eq!(cancel(&client, &base, "999").await, 404);
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replications_past_the_command_lines_limit_are_refused_with_its_reason() {
    let (server, base) = start(config()).await;
    let client = client();
    assert_eq!(bordersim_serve::api::MAX_REPLICATIONS, 1000);
    for (n, words) in [
        (
            1001_u64,
            "`replications`: 1001 is above the limit of 1000 replications: ",
        ),
        (
            10_000,
            "`replications`: 10000 is above the limit of 1000 replications: ",
        ),
        (0, "`replications`: at least 1 replication is needed"),
    ] {
        let request = json!({"kind": "run", "scenario": {"text": TINY}, "replications": n});
        let (code, body) = submit(&client, &base, request).await;
        assert_eq!(code, 400, "{n}: {body}");
        assert_eq!(body["error"]["code"], "bad_request", "{body}");
        let message = body["error"]["message"].as_str().expect("a message");
        assert!(message.starts_with(words), "{n}: {message}");
        if n > 0 {
            // The command line's reason, word for word.
            assert!(
                message.ends_with(bordersim_experiment::MAX_REPLICATIONS_WHY),
                "{message}"
            );
        }
    }
    // The same limit for every kind, and from the scenario file: a comparison asking for
    // 1,001 and a file that says 1,001 are refused; 1,000 is allowed.
    let compare = json!({"kind": "compare", "scenario": {"text": TINY},
        "policies": [{"text": "[policy]\nname = \"same\"\n"}], "replications": 1001});
    let (code, body) = submit(&client, &base, compare).await;
    assert_eq!(code, 400, "{body}");
    let file = TINY.replace("replications = 4", "replications = 1001");
    let (code, body) = submit(
        &client,
        &base,
        json!({"kind": "run", "scenario": {"text": file}}),
    )
    .await;
    assert_eq!(code, 400, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("1000"),
        "{body}"
    );
    let (code, body) = submit(
        &client,
        &base,
        json!({"kind": "run", "scenario": {"text": TINY}, "replications": 1000}),
    )
    .await;
    assert_eq!(code, 202, "{body}");
    assert_eq!(body["total"], 1000, "{body}");
    assert_eq!(cancel(&client, &base, &id(&body)).await, 202);
    finish(&client, &base, &id(&body)).await;
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_refused_with_413() {
    let (server, base) = start(Config {
        max_body_bytes: 4096,
        ..config()
    })
    .await;
    let client = client();
    let big = format!("{TINY}\n#{}\n", "x".repeat(5000));
    let r = client
        .post(format!("{base}/api/v1/validate"))
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_large");
    let (status, body) = submit(
        &client,
        &base,
        json!({"kind": "run", "scenario": {"text": big}}),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "too_large");
    // Under the limit it is read.
    let r = client
        .post(format!("{base}/api/v1/validate"))
        .body(TINY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_beyond_the_slots_and_queue_get_429_and_cancel_stops_them() {
    let mut c = config();
    c.limits.max_running = 1;
    c.limits.max_queued = 1;
    let (server, base) = start(c).await;
    let client = client();
    let (s1, running) = submit(&client, &base, long_job()).await;
    let (s2, queued) = submit(&client, &base, long_job()).await;
    assert_eq!((s1, s2), (202, 202));
    let (s3, refused) = submit(&client, &base, long_job()).await;
    assert_eq!(s3, 429, "{refused}");
    assert_eq!(refused["error"]["code"], "busy");

    // The queued one stays queued while the first runs.
    assert_eq!(
        status(&client, &base, &id(&queued)).await["state"],
        "queued"
    );

    for job in [&queued, &running] {
        assert_eq!(cancel(&client, &base, &id(job)).await, 202);
    }
    for job in [&running, &queued] {
        let end = finish(&client, &base, &id(job)).await;
        assert_eq!(end["state"], "cancelled", "{end}");
        assert_eq!(end["error"], "cancelled by a request");
        assert!(end["done"].as_u64().unwrap() < 1000);
        assert_eq!(result(&client, &base, &id(job), "json").await.0, 409);
    }
    // The slots are free again.
    let request = json!({"kind": "run", "scenario": {"text": TINY}});
    assert_eq!(run_to_end(&client, &base, request).await.1["state"], "done");
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_past_its_time_limit_is_cancelled() {
    let mut c = config();
    c.limits.time_limit = std::time::Duration::from_millis(300);
    let (server, base) = start(c).await;
    let client = client();
    let (_, s) = submit(&client, &base, long_job()).await;
    let end = finish(&client, &base, &id(&s)).await;
    assert_eq!(end["state"], "cancelled", "{end}");
    assert_eq!(
        end["error"],
        "the job passed its wall-time limit of 0.3 s and was cancelled"
    );
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_cancels_running_jobs_and_stops_listening() {
    let (server, base) = start(config()).await;
    let client = client();
    let (_, s) = submit(&client, &base, long_job()).await;
    let id = id(&s);
    // The stream is open before the shutdown and sees the job end.
    let stream = tokio::spawn({
        let (client, base, id) = (client.clone(), base.clone(), id.clone());
        async move { events(&client, &base, &id).await }
    });
    // Wait until the stream has subscribed: the status says running once the job started.
    until_running(&client, &base, &id).await;
    server.shut_down().await.unwrap();
    let events = stream.await.unwrap();
    let end = events.last().unwrap();
    assert_eq!(end["state"], "cancelled", "{end}");
    assert_eq!(end["error"], "the server is shutting down");
    assert!(client.get(format!("{base}/")).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_required_when_set() {
    let (server, base) = start(Config {
        token: Some("s3cret".to_owned()),
        ..config()
    })
    .await;
    let client = client();
    let (code, body) = get_json(&client, &base, "/api/v1/configs").await;
    assert_eq!(code, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    let r = client
        .get(format!("{base}/api/v1/configs"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = client
        .get(format!("{base}/api/v1/configs"))
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (code, _) = get_json(&client, &base, "/api/v1/configs?access_token=s3cret").await;
    assert_eq!(code, 200);
    // The page itself is public: it asks for the token.
    let r = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_description_is_served_and_documented() {
    let (server, base) = start(config()).await;
    let client = client();
    let (_, served) = get_json(&client, &base, "/api/v1/openapi.json").await;
    use utoipa::OpenApi;
    let generated = serde_json::to_value(bordersim_serve::api::ApiDoc::openapi()).unwrap();
    assert_eq!(served, generated);
    let paths: Vec<&String> = served["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths.len(), 9, "{paths:?}");
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api.md"),
    )
    .unwrap();
    for path in &paths {
        assert!(
            docs.contains(path.as_str()),
            "docs/api.md does not mention {path}"
        );
        // Every documented path answers (not the fallback's "no such endpoint").
        let url = format!(
            "{base}{}",
            path.replace("{id}", "1")
                .replace("{name}", "bench/mm4.toml")
        );
        let r = client.get(url).send().await.unwrap();
        let body = r.text().await.unwrap_or_default();
        assert!(!body.contains("no such endpoint"), "{path}");
    }
    for schema in [
        "JobRequest",
        "Snapshot",
        "ValidateResponse",
        "Diagnostic",
        "ErrorBody",
    ] {
        assert!(
            served["components"]["schemas"][schema].is_object(),
            "{schema}"
        );
        assert!(
            docs.contains(schema),
            "docs/api.md does not mention {schema}"
        );
    }
    server.shut_down().await.unwrap();
}
