//! A calibration through the API of `bordersim serve` gives the bytes of `bordersim
//! calibrate`: its JSON, CSV and page, censored hours and their census included (the server
//! runs the same assessment, census and all, as the command line).

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// The server binary on a free loopback port, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args(["serve", "--bind", "127.0.0.1:0", "--threads", "2"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");
    let stderr = child.stderr.take().expect("stderr");
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .expect("the server's first line");
    // "serving on http://127.0.0.1:PORT/ (…)"
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    Server { child, base }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The job's result in `format`, once it is done.
async fn result(client: &reqwest::Client, base: &str, request: Value, format: &str) -> Vec<u8> {
    let submitted: Value = client
        .post(format!("{base}/api/v1/jobs"))
        .json(&request)
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("snapshot");
    let id = submitted["id"].as_str().expect("job id").to_owned();
    loop {
        let s: Value = client
            .get(format!("{base}/api/v1/jobs/{id}"))
            .send()
            .await
            .expect("snapshot")
            .json()
            .await
            .expect("JSON");
        match s["state"].as_str() {
            Some("done") => break,
            Some("queued" | "running") => tokio::time::sleep(Duration::from_millis(50)).await,
            _ => panic!("the job ended {s}"),
        }
    }
    let response = client
        .get(format!("{base}/api/v1/jobs/{id}/result?format={format}"))
        .send()
        .await
        .expect("result");
    assert_eq!(response.status(), 200);
    response.bytes().await.expect("body").to_vec()
}

#[test]
fn a_calibration_through_the_api_is_byte_for_byte_the_command_lines() {
    let dir = scratch("calibrate-api");
    let scenario = repo().join("configs/examples/san_ysidro_passenger.toml");
    let observed = repo().join("configs/observed/san_ysidro_2017_northbound.csv");
    let (json_path, csv_path, html_path) =
        (dir.join("c.json"), dir.join("c.csv"), dir.join("c.html"));
    for (format, out) in [("json", &json_path), ("csv", &csv_path)] {
        let mut args = vec![
            "calibrate".into(),
            scenario.clone().into_os_string(),
            "--observed".into(),
            observed.clone().into_os_string(),
            "-r".into(),
            "3".into(),
            "--seed".into(),
            "1".into(),
            "--format".into(),
            format.into(),
            "-o".into(),
            out.clone().into_os_string(),
        ];
        if format == "csv" {
            args.extend(["--report".into(), html_path.clone().into_os_string()]);
        }
        let cli = bordersim(args);
        assert_eq!(cli.code, 0, "{cli:#?}");
    }
    let server = serve();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let request = json!({
        "kind": "calibrate",
        "scenario": {"name": "examples/san_ysidro_passenger.toml"},
        "observed": {"name": "observed/san_ysidro_2017_northbound.csv"},
        "replications": 3,
        "seed": 1
    });
    let client = reqwest::Client::new();
    let [json, csv, html] = ["json", "csv", "html"]
        .map(|format| runtime.block_on(result(&client, &server.base, request.clone(), format)));
    assert_eq!(json, std::fs::read(&json_path).expect("CLI JSON"));
    assert_eq!(csv, std::fs::read(&csv_path).expect("CLI CSV"));
    assert_eq!(html, std::fs::read(&html_path).expect("CLI page"));
    // The census is there: the 01:00 and 02:00 general-lane hours (256 of 877 and all of
    // the window's joiners cut off, `calibrate_example.rs`), left out of the measures.
    let c: Value = serde_json::from_slice(&json).expect("JSON");
    let general = &c["groups"][0];
    assert_eq!(general["lane_group"], "general");
    assert_eq!(
        general["hours"][1]["censored_share"].as_f64(),
        Some(1.0 - 621.0 / 877.0)
    );
    assert_eq!(general["hours"][2]["censored_share"].as_f64(), Some(1.0));
    assert!(
        general["hours"]
            .as_array()
            .expect("hours")
            .iter()
            .all(|h| h["censored_share"].is_f64()),
        "no hour without its census: {general}"
    );
    assert_eq!(c["censored_excluded"], 4);
    let csv = String::from_utf8(csv).expect("UTF-8");
    assert!(csv.contains("|1,censored_share,0.29190"), "{csv}");
    assert!(csv.contains("overall,all,censored_excluded,4\n"), "{csv}");
}
