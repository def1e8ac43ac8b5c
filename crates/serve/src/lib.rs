//! `bordersim serve`: the HTTP API (`/api/v1/…`, described by `/api/v1/openapi.json`) and
//! the web page (`/`) on tokio and axum. The simulation crates know nothing of it: a job's
//! simulation runs from a blocking thread on the server's one pool of simulation threads
//! (started with it, kept for its life), and reports through the
//! experiment's `Progress` trait into a channel the requests read.
//!
//! Where things are: [`api`] (endpoints and their types), [`jobs`] (the bounded job system),
//! [`output`] and [`stored`] (a job's result, then rendered and compressed as it is kept),
//! [`cache`] (results of identical requests), [`bundle`] (the configs compiled in: the only
//! files the server loads), [`page`] (the web page's assets, compiled in), [`error`] (the
//! one error shape).
//!
//! Bounded by design: a request body over [`Config::max_body_bytes`] is refused with 413;
//! at most [`jobs::Limits::max_running`] jobs simulate and [`jobs::Limits::max_queued`]
//! wait (429 beyond, 503 during shutdown); a job past its wall-time or event limit is
//! cancelled; finished jobs are forgotten after a while, and the cache of results is bounded
//! by entries and bytes. The server writes no file.

#![warn(missing_docs)]

pub mod api;
pub mod bundle;
pub mod cache;
pub mod calibration;
pub mod error;
pub mod jobs;
pub mod memory;
pub mod output;
pub mod page;
pub mod stored;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;

pub use cache::CacheLimits;
pub use jobs::Limits;
pub use output::{CalibrationResult, JobOutput};

use crate::error::ApiError;
use crate::jobs::Jobs;

/// Renders a finished job's result as CSV (the command line's renderers, handed in by the
/// binary).
pub type CsvRenderer = fn(&JobOutput) -> anyhow::Result<Vec<u8>>;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The job system's bounds.
    pub limits: Limits,
    /// The largest request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// When set, every `/api` request needs `Authorization: Bearer <token>` (or, for the
    /// page's event stream, `?access_token=<token>`).
    pub token: Option<String>,
    /// The CSV renderer; without one, CSV results are refused with 406.
    pub csv: Option<CsvRenderer>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: Limits::default(),
            max_body_bytes: 1 << 20,
            token: None,
            csv: None,
        }
    }
}

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The jobs.
    pub jobs: Arc<Jobs>,
    /// The CSV renderer.
    pub csv: Option<CsvRenderer>,
    /// The bearer token, if any.
    token: Option<String>,
}

/// The router: the API under `/api/v1`, the page at `/`.
pub fn router(config: &Config, jobs: Arc<Jobs>) -> Router {
    let state = Arc::new(AppState {
        jobs,
        csv: config.csv,
        token: config.token.clone(),
    });
    let api = Router::new()
        .route("/validate", post(api::validate))
        .route("/configs", get(api::list_configs))
        .route("/configs/{*name}", get(api::get_config))
        .route("/jobs", post(api::create_job))
        .route("/jobs/{id}", get(api::job_status))
        .route("/jobs/{id}/events", get(api::job_events))
        .route("/jobs/{id}/cancel", post(api::cancel_job))
        .route("/jobs/{id}/result", get(api::job_result))
        .route("/openapi.json", get(api::openapi_json))
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            authorise,
        ));
    Router::new()
        .nest("/api/v1", api)
        .merge(page::routes())
        .fallback(|| async { ApiError::not_found("no such page") })
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .with_state(state)
}

/// Refuses an `/api` request without the bearer token, when one is set.
async fn authorise(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(token) = &state.token else {
        return next.run(request).await;
    };
    let header = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let query = request.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("access_token="))
    });
    if header
        .or(query)
        .is_some_and(|given| same(given.as_bytes(), token.as_bytes()))
    {
        next.run(request).await
    } else {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this server needs `Authorization: Bearer <token>`",
        )
        .into_response()
    }
}

/// Compares in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A running server: its address, and the way to stop it.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Shuts it down as SIGTERM does: refuses new jobs, cancels the running and queued
    /// ones, waits for them and for open requests to end.
    ///
    /// # Errors
    ///
    /// When the server's accept loop failed.
    pub async fn shut_down(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        self.task
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }
}

/// Serves on `listener` (in the current tokio runtime) until [`Server::shut_down`] or
/// `signal` completes.
///
/// # Errors
///
/// When the listener's address cannot be read or the simulation threads cannot start.
pub fn start(
    listener: TcpListener,
    config: &Config,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<Server> {
    let addr = listener.local_addr()?;
    let jobs = Jobs::new(config.limits.clone()).map_err(std::io::Error::other)?;
    let app = router(config, Arc::clone(&jobs));
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let shutdown = async move {
        tokio::select! {
            () = signal => {}
            _ = stopped.wait_for(|s| *s) => {}
        }
        // Jobs end first (cancelled after the replications in flight), so that their event
        // streams end and the open requests can finish.
        jobs.shut_down().await;
    };
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    });
    Ok(Server { addr, stop, task })
}

/// Runs the server on `bind` until SIGTERM or SIGINT, on a small runtime of its own;
/// `listening` is told the address bound.
///
/// # Errors
///
/// When the runtime cannot start or the address cannot be bound.
pub fn serve(
    bind: SocketAddr,
    config: &Config,
    listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(config.limits.max_running.max(1) + 16)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(bind)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        let server = start(listener, config, terminated())?;
        listening(server.addr());
        server.task.await??;
        Ok(())
    })
}

/// SIGTERM or SIGINT (Ctrl-C).
async fn terminated() {
    #[cfg(unix)]
    {
        let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
