//! A server on an ephemeral loopback port, and what the tests send it.

#![allow(dead_code, reason = "each test file uses a part")]

use std::time::Duration;

use bordersim_serve::{Config, JobOutput, Limits, Server};
use serde_json::Value;

/// A small scenario: one booth, 60 cars an hour, one day.
pub const TINY: &str = r#"[scenario]
name = "tiny"
horizon = "1d"
replications = 4
seed = 7

[[classes]]
id = "car"

[[stations]]
id = "booth"
servers = 2
service = { dist = "exponential", mean = "1min" }
routes = [{ to = "exit", p = 1 }]

[[sources]]
id = "cars"
class = "car"
entry = "booth"
rate = "60/h"
"#;

/// A CSV renderer that says which result it was given.
pub fn stub_csv(output: &JobOutput) -> anyhow::Result<Vec<u8>> {
    Ok(match output {
        JobOutput::Run(r) => format!("kind,replications\nrun,{}\n", r.replications),
        JobOutput::Compare(_) => "kind\ncompare\n".to_owned(),
        JobOutput::Region(_) => "kind\nregion\n".to_owned(),
        JobOutput::RegionCompare(_) => "kind\nregion_compare\n".to_owned(),
        JobOutput::Calibrate(_) => "kind\ncalibrate\n".to_owned(),
    }
    .into_bytes())
}

/// Test limits: two jobs at once, two queued, a long wall-time limit.
pub fn config() -> Config {
    Config {
        limits: Limits {
            max_running: 2,
            max_queued: 2,
            threads: Some(2),
            ..Limits::default()
        },
        csv: Some(stub_csv),
        ..Config::default()
    }
}

/// A server with `config` on 127.0.0.1 and a free port.
pub async fn start(config: Config) -> (Server, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let server = bordersim_serve::start(listener, &config, std::future::pending()).expect("start");
    let base = format!("http://{}", server.addr());
    (server, base)
}

/// A client.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .expect("client")
}

/// Starts a job; returns the status and body.
pub async fn submit(client: &reqwest::Client, base: &str, request: Value) -> (u16, Value) {
    let response = client
        .post(format!("{base}/api/v1/jobs"))
        .json(&request)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json body"))
}

/// A job that runs for minutes: the M/M/4 reference queue (a million customers per
/// replication) many times over.
pub fn long_job() -> Value {
    serde_json::json!({
        "kind": "run",
        "scenario": { "name": "bench/mm4.toml" },
        "replications": 1000
    })
}

/// Reads a job's event stream to its end: the `progress` events' data, in order.
pub async fn events(client: &reqwest::Client, base: &str, id: &str) -> Vec<Value> {
    let mut response = client
        .get(format!("{base}/api/v1/jobs/{id}/events"))
        .send()
        .await
        .expect("events");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut text = String::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        text.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
    }
    parse_events(&text)
}

/// The data of each `progress` event in an event stream's text.
pub fn parse_events(text: &str) -> Vec<Value> {
    text.split("\n\n")
        .filter(|block| block.lines().any(|l| l == "event: progress"))
        .map(|block| {
            let data: String = block
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect();
            serde_json::from_str(&data).expect("event data is JSON")
        })
        .collect()
}

/// Waits (by the event stream, never a clock) for job `id` to end; its last snapshot.
pub async fn finish(client: &reqwest::Client, base: &str, id: &str) -> Value {
    events(client, base, id).await.pop().expect("a final event")
}

/// The id in a job's snapshot.
pub fn id(snapshot: &Value) -> String {
    snapshot["id"].as_str().expect("id").to_owned()
}

/// GETs `path` (under `base`); the status and the body as JSON (`Null` when it is not JSON).
pub async fn get_json(client: &reqwest::Client, base: &str, path: &str) -> (u16, Value) {
    let response = client
        .get(format!("{base}{path}"))
        .send()
        .await
        .expect("get");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// POSTs nothing to `path` (under `base`); the status and the body as JSON.
pub async fn post_empty(client: &reqwest::Client, base: &str, path: &str) -> (u16, Value) {
    let response = client
        .post(format!("{base}{path}"))
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A job's current snapshot.
pub async fn status(client: &reqwest::Client, base: &str, id: &str) -> Value {
    get_json(client, base, &format!("/api/v1/jobs/{id}"))
        .await
        .1
}

/// Asks job `id` to stop; the answer's status.
pub async fn cancel(client: &reqwest::Client, base: &str, id: &str) -> u16 {
    post_empty(client, base, &format!("/api/v1/jobs/{id}/cancel"))
        .await
        .0
}

/// A job's result in `format`: the status, the content type and the body.
pub async fn result(
    client: &reqwest::Client,
    base: &str,
    id: &str,
    format: &str,
) -> (u16, String, String) {
    let response = client
        .get(format!("{base}/api/v1/jobs/{id}/result?format={format}"))
        .send()
        .await
        .expect("result");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, response.text().await.expect("body"))
}

/// Submits `request`, checks it is accepted and waits for its end; its id and last
/// snapshot.
pub async fn run_to_end(client: &reqwest::Client, base: &str, request: Value) -> (String, Value) {
    let (code, snapshot) = submit(client, base, request).await;
    assert_eq!(code, 202, "{snapshot}");
    let id = id(&snapshot);
    let end = finish(client, base, &id).await;
    (id, end)
}

/// Waits, by polling the status (never a clock), until job `id` is running.
pub async fn until_running(client: &reqwest::Client, base: &str, id: &str) {
    while status(client, base, id).await["state"] != "running" {
        tokio::task::yield_now().await;
    }
}
