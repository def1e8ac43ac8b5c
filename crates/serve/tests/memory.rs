//! A finished job's memory goes back to the system: after each of three commercial-example
//! jobs the process holds far less than its peak during them. With glibc's allocator and no
//! trim it keeps most of that peak in its arenas (docs/api.md, Measured); elsewhere there is
//! nothing to check.

#![cfg(all(target_os = "linux", target_env = "gnu"))]

mod common;

use common::*;

/// A figure of this process's `/proc/self/status` (`VmRSS`, `VmHWM`), in kB.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .expect("the field");
    line.split_whitespace()
        .nth(1)
        .and_then(|kb| kb.parse().ok())
        .expect("a number of kB")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_jobs_memory_is_given_back_when_it_ends() {
    let (server, base) = start(config()).await;
    let client = client();
    let idle = status_kb("VmRSS:");
    for seed in 1..=3 {
        let request = serde_json::json!({
            "kind": "run",
            "scenario": { "name": "examples/commercial_truck_crossing.toml" },
            "replications": 4,
            "seed": seed
        });
        let (code, snapshot) = submit(&client, &base, request).await;
        assert_eq!(code, 202, "{snapshot}");
        assert_eq!(
            finish(&client, &base, &id(&snapshot)).await["state"],
            "done"
        );
        // The job's end (its state `done`) is set after the trim on its thread; the
        // simulation threads are the server's and outlive the job, so nothing is freed
        // after the trim.
        let after = status_kb("VmRSS:");
        let peak = status_kb("VmHWM:");
        // A job grows the process by tens of megabytes; at most half of that growth may
        // stay once it is done. Measured in this test (release, six runs of three jobs):
        // idle 5.7–5.9 MB, peaks 64–72 MB, after each job 13.5–24.8 MB — at most 31% of
        // the growth; an untrimmed server keeps nine tenths of it and more.
        assert!(
            peak > idle + 10 * 1024,
            "job {seed}: peak {peak} kB, idle {idle} kB"
        );
        assert!(
            after < idle + (peak - idle) / 2,
            "job {seed}: {after} kB resident after it, {peak} kB at the peak, {idle} kB idle"
        );
    }
    server.shut_down().await.unwrap();
}
