//! A short, bounded load test on loopback: 200 concurrent status and validate requests
//! while two jobs run. Every request must succeed; the latency percentiles and the
//! process's peak resident memory are printed (docs/api.md quotes a release run).

mod common;

use std::time::Instant;

use common::*;

/// The process's peak resident set, in kB (Linux), if it can be read.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(
    clippy::print_stderr,
    clippy::disallowed_methods,
    reason = "the measured latencies are printed for the documentation, never asserted"
)]
async fn two_hundred_concurrent_requests_while_two_jobs_run() {
    let (server, base) = start(config()).await;
    let client = client();
    let mut jobs = Vec::new();
    for _ in 0..2 {
        let (status, s) = submit(&client, &base, long_job()).await;
        assert_eq!(status, 202);
        jobs.push(id(&s));
    }
    let mut tasks = Vec::new();
    for i in 0..200 {
        let (client, base, job) = (client.clone(), base.clone(), jobs[i % 2].clone());
        tasks.push(tokio::spawn(async move {
            let start = Instant::now();
            let response = if i % 2 == 0 {
                client.get(format!("{base}/api/v1/jobs/{job}")).send().await
            } else {
                client
                    .post(format!("{base}/api/v1/validate"))
                    .body(TINY)
                    .send()
                    .await
            };
            let response = response.expect("request");
            let ok = response.status() == 200;
            let body: serde_json::Value = response.json().await.expect("json");
            let ok = ok && (i % 2 == 0 && body["state"] == "running" || body["valid"] == true);
            (ok, start.elapsed().as_secs_f64() * 1e3, body)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        let (ok, ms, body) = task.await.expect("task");
        assert!(ok, "{body}");
        latencies.push(ms);
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    eprintln!(
        "200 requests: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; peak RSS {} kB",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
        peak_rss_kb().unwrap_or(0)
    );
    // Both cancels before waiting for either: a job stops at its next replication, and
    // waiting for the first could let the second run to its end meanwhile.
    for job in &jobs {
        client
            .post(format!("{base}/api/v1/jobs/{job}/cancel"))
            .send()
            .await
            .expect("cancel");
    }
    for job in &jobs {
        assert_eq!(finish(&client, &base, job).await["state"], "cancelled");
    }
    // Memory stays bounded: the test process (server, client and two simulations) stays
    // well under a quarter of a gigabyte.
    if let Some(kb) = peak_rss_kb() {
        assert!(kb < 256 * 1024, "peak RSS {kb} kB");
    }
    server.shut_down().await.unwrap();
}
