//! The web page in headless Chromium, driven over WebDriver (Debian's `chromium-driver`,
//! spoken to with plain HTTP and JSON): load the page, pick the commercial example, run it,
//! watch the progress bar and the report arrive; break the scenario and see its error
//! marked at its line.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// `chromedriver`, if installed.
fn chromedriver() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromedriver"))
        .find(|p| p.is_file())
}

/// Kills the driver (and so its browser) however the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A WebDriver session.
struct Session {
    client: reqwest::Client,
    url: String,
}

impl Session {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.client.request(method, format!("{}{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response: Value = request
            .send()
            .await
            .expect("webdriver")
            .json()
            .await
            .expect("json");
        assert!(
            response["value"]["error"].is_null(),
            "webdriver {path}: {response}"
        );
        response["value"].clone()
    }

    async fn script(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Asks the page `condition` (a JavaScript expression) until it holds, a bounded number
    /// of times; returns how many times it was asked.
    async fn wait_for(&self, condition: &str) -> u32 {
        for tries in 1..=6000 {
            if self.script(&format!("return !!({condition});")).await == json!(true) {
                return tries;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("never true: {condition}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::print_stderr, reason = "a skipped check says so")]
async fn the_page_runs_the_commercial_example_and_marks_errors() {
    let Some(driver) = chromedriver() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "chromedriver is not installed: .ci/run installs it (apt-get install chromium-driver)"
            );
        }
        eprintln!("SKIPPED: no `chromedriver` on PATH (apt-get install chromium-driver)");
        return;
    };
    let (server, base) = start(config()).await;
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _driver = Driver(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let client = client();
    let url = format!("http://127.0.0.1:{port}");
    // The driver answers once it is up.
    let mut up = false;
    for _ in 0..200 {
        if client.get(format!("{url}/status")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "chromedriver did not start");
    let created: Value = client
        .post(format!("{url}/session"))
        .json(&json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync"]
            }
        }}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session_id = created["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"));
    let session = Session {
        client: client.clone(),
        url: format!("{url}/session/{session_id}"),
    };
    session
        .call(
            reqwest::Method::POST,
            "/url",
            Some(json!({"url": format!("{base}/")})),
        )
        .await;
    session
        .wait_for("document.body.dataset.ready === 'true'")
        .await;

    // The commercial example, chosen from the list, validated.
    session
        .script(
            "const s = document.getElementById('example'); \
             s.value = 'examples/commercial_truck_crossing.toml'; \
             s.dispatchEvent(new Event('change'));",
        )
        .await;
    session
        .wait_for("document.getElementById('validity').className === 'status ok'")
        .await;
    session
        .script("document.getElementById('replications').value = '3';")
        .await;
    session
        .script("document.getElementById('run').click();")
        .await;
    // Progress arrives from the event stream and fills the bar; the report follows.
    session
        .wait_for("document.getElementById('progress').value >= 1")
        .await;
    session
        .wait_for("!document.getElementById('result-section').hidden")
        .await;
    let progress = session
        .script("const p = document.getElementById('progress'); return [p.value, p.max];")
        .await;
    assert_eq!(progress, json!([3, 3]));
    assert_eq!(
        session
            .script("return document.getElementById('progress-text').textContent;")
            .await,
        json!("done: 3/3 replications")
    );
    session
        .wait_for(
            "document.getElementById('report').contentDocument && \
             document.getElementById('report').contentDocument.title.length > 0",
        )
        .await;
    let title = session
        .script("return document.getElementById('report').contentDocument.title;")
        .await;
    assert!(title.as_str().unwrap().contains("Commercial"), "{title}");
    let download = session
        .script("return document.getElementById('download-html').getAttribute('href');")
        .await;
    assert!(
        download.as_str().unwrap().ends_with("/result?format=html"),
        "{download}"
    );

    // A broken scenario: the error is listed with its line, and that line is marked.
    session
        .script(
            "const e = document.getElementById('editor'); \
             e.value = e.value.replace('[[stations]]', '[[stations]]\\nbogus_field = 1'); \
             e.dispatchEvent(new Event('input'));",
        )
        .await;
    session
        .wait_for("document.getElementById('validity').className === 'status bad'")
        .await;
    let line = session
        .script(
            "const lines = document.getElementById('editor').value.split('\\n'); \
             return lines.indexOf('bogus_field = 1') + 1;",
        )
        .await;
    let marked = session
        .script(
            "return [...document.querySelectorAll('#gutter .error-line')].map(s => Number(s.dataset.line));",
        )
        .await;
    assert_eq!(marked, json!([line]));
    let listed = session
        .script("return document.querySelector('#errors li.error').textContent;")
        .await;
    assert!(
        listed
            .as_str()
            .unwrap()
            .starts_with(&format!("line {line}, column 1: ")),
        "{listed}"
    );
    session.call(reqwest::Method::DELETE, "", None).await;
    server.shut_down().await.unwrap();
}
