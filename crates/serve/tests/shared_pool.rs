//! Jobs sharing the server's simulation threads: a cancelled job stops within a replication
//! or two while another job runs, two jobs progress together, and a job's result does not
//! depend on what else runs. Progress is measured in the other job's replications, never by
//! a clock.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// A crossing busy enough that a replication takes a while: 9,600 cars a day at 8 booths.
const BUSY: &str = r#"[scenario]
name = "busy"
horizon = "1d"
replications = 4
seed = 7

[[classes]]
id = "car"

[[stations]]
id = "booths"
servers = 8
service = { dist = "exponential", mean = "1min" }
routes = [{ to = "exit", p = 1 }]

[[sources]]
id = "cars"
class = "car"
entry = "booths"
rate = "400/h"
"#;

/// Replications the other job may finish while one job is still to stop (or to start):
/// a hundred times what a prompt cancel, or a fair share of the threads, lets it run.
const SLACK: u64 = 200;

/// A job of the most replications a request may ask for, of the busy crossing.
fn busy_job(seed: u64) -> Value {
    json!({"kind": "run", "scenario": {"text": BUSY}, "replications": 1000, "seed": seed})
}

/// A server with `threads` simulation threads and no cache (every job runs).
async fn server(threads: usize) -> (bordersim_serve::Server, String) {
    let mut c = config();
    c.limits.threads = Some(threads);
    c.limits.cache.entries = 0;
    start(c).await
}

/// Starts `request`; its id once it is running.
async fn started(client: &reqwest::Client, base: &str, request: Value) -> String {
    let (code, snapshot) = submit(client, base, request).await;
    assert_eq!(code, 202, "{snapshot}");
    let job = id(&snapshot);
    until_running(client, base, &job).await;
    job
}

/// Two busy jobs running on a server with `threads` simulation threads, the first started
/// first.
async fn two_busy_jobs(threads: usize) -> (bordersim_serve::Server, String, String, String) {
    let (server, base) = server(threads).await;
    let client = client();
    let first = started(&client, &base, busy_job(1)).await;
    let second = started(&client, &base, busy_job(2)).await;
    (server, base, first, second)
}

/// A snapshot's replications done.
fn done(snapshot: &Value) -> u64 {
    snapshot["done"].as_u64().expect("done")
}

/// Between two looks at the jobs: a pause that only spares the simulation threads the
/// polling; no assertion depends on its length.
async fn pause() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

/// Cancels job `job` and waits for it to end cancelled.
async fn cancel_and_end(client: &reqwest::Client, base: &str, job: &str) {
    assert_eq!(cancel(client, base, job).await, 202);
    let end = finish(client, base, job).await;
    assert_eq!(end["state"], "cancelled", "{end}");
}

/// With two busy jobs running on `threads` threads, cancels the first started (`first`) or
/// the second; the cancelled one must be reported cancelled while the other still runs,
/// before the other has finished [`SLACK`] more replications.
async fn cancel_one_while_the_other_runs(threads: usize, first: bool) {
    let (server, base, a, b) = two_busy_jobs(threads).await;
    let client = client();
    let (stopped, other) = if first { (a, b) } else { (b, a) };
    let before = done(&status(&client, &base, &other).await);
    assert_eq!(cancel(&client, &base, &stopped).await, 202);
    loop {
        // The cancelled job first: the other is still running after it was seen ended.
        let s = status(&client, &base, &stopped).await;
        let o = status(&client, &base, &other).await;
        assert_eq!(o["state"], "running", "{threads} threads: {o} beside {s}");
        if s["state"] != "running" {
            assert_eq!(s["state"], "cancelled", "{s}");
            assert_eq!(s["error"], "cancelled by a request");
            break;
        }
        assert!(
            done(&o) < before + SLACK,
            "{threads} threads, first cancelled: {first}: the other job ran {} replications \
             while the cancelled one had not stopped: {s}",
            done(&o) - before
        );
        pause().await;
    }
    cancel_and_end(&client, &base, &other).await;
    server.shut_down().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_job_cancelled_stops_while_the_second_runs() {
    for threads in [1, 2] {
        cancel_one_while_the_other_runs(threads, true).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_job_cancelled_stops_while_the_first_runs() {
    for threads in [1, 2] {
        cancel_one_while_the_other_runs(threads, false).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_jobs_progress_together() {
    for threads in [1, 2] {
        let (server, base, a, b) = two_busy_jobs(threads).await;
        let client = client();
        let (a0, b0) = (
            done(&status(&client, &base, &a).await),
            done(&status(&client, &base, &b).await),
        );
        loop {
            let (sa, sb) = (
                status(&client, &base, &a).await,
                status(&client, &base, &b).await,
            );
            assert_eq!(sa["state"], "running", "{sa}");
            assert_eq!(sb["state"], "running", "{sb}");
            let (da, db) = (done(&sa) - a0, done(&sb) - b0);
            if da >= 3 && db >= 3 {
                break;
            }
            assert!(
                da < SLACK && db < SLACK,
                "{threads} threads: the first job ran {da} replications while the second \
                 ran {db}"
            );
            pause().await;
        }
        for job in [&a, &b] {
            cancel_and_end(&client, &base, job).await;
        }
        server.shut_down().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jobs_result_is_the_same_alone_and_beside_another() {
    let (server, base) = server(2).await;
    let client = client();
    let request = json!({"kind": "run", "scenario": {"text": BUSY}, "replications": 5, "seed": 11});
    let results = |job: String| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let (_, _, json) = result(&client, &base, &job, "json").await;
            let (_, _, html) = result(&client, &base, &job, "html").await;
            (json, html)
        }
    };
    let (alone, end) = run_to_end(&client, &base, request.clone()).await;
    assert_eq!(end["state"], "done", "{end}");
    let alone = results(alone).await;

    let busy = started(&client, &base, busy_job(3)).await;
    let (beside, end) = run_to_end(&client, &base, request).await;
    assert_eq!(end["state"], "done", "{end}");
    // It ran beside the busy job throughout.
    assert_eq!(status(&client, &base, &busy).await["state"], "running");
    let beside = results(beside).await;
    let report: Value = serde_json::from_str(&alone.0).expect("json");
    assert_eq!(report["replications"], 5);
    assert!(alone == beside, "the result changed beside another job");
    cancel_and_end(&client, &base, &busy).await;
    server.shut_down().await.unwrap();
}
