//! `bordersim serve`: the HTTP API and the web page (`bordersim-serve`), with this binary's
//! CSV renderers. Loopback unless `--bind` names another address; then a warning says that
//! anyone who can reach it can run jobs, unless `BORDERSIM_API_TOKEN` is set (a bearer
//! token every API request must carry).

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::anyhow;
use bordersim_serve::{CacheLimits, Config, JobOutput, Limits};

use crate::args::Format;
use crate::failure::{Failure, warn};
use crate::render;

/// The environment variable holding the API's bearer token.
pub const TOKEN_VARIABLE: &str = "BORDERSIM_API_TOKEN";

/// `bordersim serve [--bind ADDR]`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The page is at http://ADDR/, the API under /api/v1 (its OpenAPI \
    description at /api/v1/openapi.json; docs/api.md). Stops on SIGTERM or Ctrl-C after \
    cancelling the running jobs.\n\nExamples:\n  bordersim serve\n  \
    BORDERSIM_API_TOKEN=secret bordersim serve --bind 0.0.0.0:8080"
)]
pub struct ServeArgs {
    /// The address to listen on; only a loopback address is private to this machine
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Jobs simulating at once
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub max_jobs: u16,

    /// Jobs waiting for a slot (429 beyond)
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_queued: u16,

    /// Wall time a job may simulate before it is cancelled, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub job_time_limit: u64,

    /// Events a job may simulate (summed over its replications) before it is cancelled; 0
    /// for no limit
    #[arg(long, value_name = "EVENTS", default_value_t = bordersim_serve::jobs::DEFAULT_EVENT_LIMIT)]
    pub job_event_limit: u64,

    /// Results kept for identical requests (0: no cache; at most 8 MiB compressed)
    #[arg(long, value_name = "N", default_value_t = CacheLimits::default().entries)]
    pub cache_entries: usize,

    /// Simulation threads, shared by the running jobs [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Runs `bordersim serve` until SIGTERM or SIGINT.
///
/// # Errors
///
/// [`Failure::BadInput`] for an empty token; [`Failure::Failed`] when the address cannot be
/// bound or the server fails.
pub fn serve(args: &ServeArgs) -> Result<(), Failure> {
    let token = match std::env::var(TOKEN_VARIABLE) {
        Ok(t) if t.trim().is_empty() => {
            return Err(Failure::BadInput(anyhow!(
                "{TOKEN_VARIABLE} is set but empty"
            )));
        }
        Ok(t) => Some(t),
        Err(_) => None,
    };
    if !args.bind.ip().is_loopback() {
        if token.is_some() {
            warn(&format!(
                "listening on {}: every API request needs the bearer token of {TOKEN_VARIABLE}",
                args.bind
            ));
        } else {
            warn(&format!(
                "listening on {} with no authentication: anyone who can reach it can run jobs \
                 (set {TOKEN_VARIABLE} to require a bearer token)",
                args.bind
            ));
        }
    }
    let config = Config {
        limits: Limits {
            max_running: usize::from(args.max_jobs),
            max_queued: usize::from(args.max_queued),
            time_limit: Duration::from_secs(args.job_time_limit),
            event_limit: (args.job_event_limit > 0).then_some(args.job_event_limit),
            cache: CacheLimits {
                entries: args.cache_entries,
                ..CacheLimits::default()
            },
            threads: args.threads.map(usize::from),
            ..Limits::default()
        },
        token,
        csv: Some(csv),
        ..Config::default()
    };
    bordersim_serve::serve(args.bind, &config, |addr| {
        // The address actually bound (`--bind 127.0.0.1:0` picks a free port).
        let _ = writeln!(
            std::io::stderr().lock(),
            "serving on http://{addr}/ (SIGTERM or Ctrl-C stops)"
        );
    })
    .map_err(Failure::Failed)
}

/// A job's result as the command line's CSV.
///
/// # Errors
///
/// When the CSV cannot be assembled.
pub fn csv(output: &JobOutput) -> anyhow::Result<Vec<u8>> {
    match output {
        JobOutput::Run(report) => render::render(report, Format::Csv),
        JobOutput::Compare(comparison) => render::compare::render(comparison, Format::Csv),
        JobOutput::Region(report) => render::region::render(report, Format::Csv),
        JobOutput::RegionCompare(comparison) => {
            render::region::render_comparison(comparison, Format::Csv)
        }
        JobOutput::Calibrate(c) => Ok(bordersim_serve::calibration::csv(&c.model, c.fit.as_ref())?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"[scenario]
name = "one booth"
horizon = "1d"
replications = 3
seed = 5

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

    /// The runtime the tests' HTTP clients (and the in-process server) run on.
    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    }

    /// Submits the job `request` to the API at `base`; its id.
    async fn submit(client: &reqwest::Client, base: &str, request: serde_json::Value) -> String {
        let job: serde_json::Value = client
            .post(format!("{base}/jobs"))
            .json(&request)
            .send()
            .await
            .expect("submit")
            .json()
            .await
            .expect("json");
        job["id"].as_str().expect("id").to_owned()
    }

    /// The server's CSV is this binary's CSV of the same report, over real HTTP.
    #[test]
    fn a_job_result_as_csv_is_the_run_commands_csv() {
        let runtime = runtime();
        let served = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let config = Config {
                csv: Some(csv),
                ..Config::default()
            };
            let server =
                bordersim_serve::start(listener, &config, std::future::pending()).expect("start");
            let base = format!("http://{}/api/v1", server.addr());
            let client = reqwest::Client::new();
            let id = submit(
                &client,
                &base,
                serde_json::json!({"kind": "run", "scenario": {"text": SCENARIO}}),
            )
            .await;
            // The event stream ends with the job.
            let events = client
                .get(format!("{base}/jobs/{id}/events"))
                .send()
                .await
                .expect("events")
                .text()
                .await
                .expect("text");
            assert!(events.contains(r#""state":"done""#), "{events}");
            let csv = client
                .get(format!("{base}/jobs/{id}/result?format=csv"))
                .send()
                .await
                .expect("result")
                .text()
                .await
                .expect("csv");
            server.shut_down().await.expect("shutdown");
            csv
        });
        let scenario = bordersim_config::parse_scenario(SCENARIO, "input.toml")
            .expect("valid")
            .scenario;
        let options = bordersim_experiment::RunOptions::from_scenario(&scenario);
        let report = bordersim_experiment::run_summary(&scenario, &options).expect("runs");
        let expected = render::render(&report, Format::Csv).expect("csv");
        assert_eq!(served.into_bytes(), expected);
    }

    /// The `bordersim` binary beside this test's (cargo builds it for the package's
    /// integration tests).
    fn binary() -> std::path::PathBuf {
        let exe = std::env::current_exe().expect("test binary");
        let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
        let binary = dir.join(format!("bordersim{}", std::env::consts::EXE_SUFFIX));
        assert!(
            binary.exists(),
            "{} is missing: run `cargo test -p bordersim-cli`, which builds it",
            binary.display()
        );
        binary
    }

    /// SIGTERM to the real `bordersim serve` while a long job runs: the job ends cancelled
    /// (its event stream says so), the process exits with status 0, and it wrote no file in
    /// its working directory. The only clock is a generous safety limit against a hang.
    #[cfg(unix)]
    #[test]
    #[allow(
        clippy::disallowed_methods,
        clippy::print_stderr,
        reason = "a safety limit against a hung child, and the time to exit printed, never asserted below the limit"
    )]
    fn sigterm_cancels_the_running_job_and_the_process_exits_cleanly() {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        use std::time::Instant;

        let dir = std::env::temp_dir().join(format!("bordersim-sigterm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut child = Command::new(binary())
            .args(["serve", "--bind", "127.0.0.1:0", "--threads", "1"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn bordersim serve");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        let addr = loop {
            line.clear();
            assert!(
                stderr.read_line(&mut line).expect("stderr") > 0,
                "no address printed"
            );
            if let Some(rest) = line.trim().strip_prefix("serving on http://") {
                break rest.split('/').next().expect("address").to_owned();
            }
        };
        let base = format!("http://{addr}/api/v1");
        let runtime = runtime();
        let pid = child.id().to_string();
        let (events, exited_in) = runtime.block_on(async {
            let client = reqwest::Client::new();
            let id = submit(
                &client,
                &base,
                serde_json::json!({
                    "kind": "run", "scenario": {"name": "bench/mm4.toml"}, "replications": 1000
                }),
            )
            .await;
            // The event stream is open before the signal and must see the job end.
            let stream = tokio::spawn({
                let (client, url) = (client.clone(), format!("{base}/jobs/{id}/events"));
                async move {
                    let response = client.get(url).send().await.expect("events");
                    response.text().await.expect("stream")
                }
            });
            loop {
                let status: serde_json::Value = client
                    .get(format!("{base}/jobs/{id}"))
                    .send()
                    .await
                    .expect("status")
                    .json()
                    .await
                    .expect("json");
                if status["state"] == "running" {
                    break;
                }
                tokio::task::yield_now().await;
            }
            let sent = Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .expect("kill");
            assert!(sent.success());
            let signalled = Instant::now();
            (stream.await.expect("stream task"), signalled)
        });
        // Waits for the exit, with a safety limit far above the expected fraction of a
        // second (the replication in flight).
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if exited_in.elapsed().as_secs() > 120 {
                let _ = child.kill();
                panic!("bordersim serve did not exit within 120 s of SIGTERM");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        eprintln!(
            "exited {:.2} s after SIGTERM",
            exited_in.elapsed().as_secs_f64()
        );
        assert!(status.success(), "{status:?}");
        let last = events
            .split("\n\n")
            .filter_map(|block| block.lines().find_map(|l| l.strip_prefix("data: ")))
            .last()
            .expect("a progress event");
        let last: serde_json::Value = serde_json::from_str(last).expect("json");
        assert_eq!(last["state"], "cancelled", "{last}");
        assert_eq!(last["error"], "the server is shutting down");
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
        assert!(!rest.contains("panicked"), "{rest}");
        let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
        assert!(left.is_empty(), "files left behind: {left:?}");
        std::fs::remove_dir(&dir).expect("remove the empty dir");
    }
}
