//! The `/api/v1` endpoints, their request and response types (the OpenAPI description is
//! generated from these), and the loading of configs from request bodies and the bundle.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::{JsonRejection, StringRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use bordersim_config::{ConfigError, PolicyError};
use bordersim_experiment::region::run_region_with_progress;
use bordersim_experiment::{RunOptions, compare_folded, run_summary_with_progress};
use bordersim_model::{CompiledScenario, NoLog, Scenario};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::bundle::{self, ConfigKind};
use crate::error::{ApiError, ErrorBody};
use crate::jobs::{JobOutput, JobState, Refused, Snapshot, Work};

/// The most replications a job may ask for (as the command line's limit).
pub const MAX_REPLICATIONS: u32 = 10_000;

/// The OpenAPI description of the API.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "bordersim API", version = "1"),
    paths(
        validate,
        list_configs,
        get_config,
        create_job,
        job_status,
        job_events,
        cancel_job,
        job_result,
        openapi_json
    ),
    components(schemas(
        ValidateResponse,
        Diagnostic,
        ConfigEntry,
        ConfigKind,
        JobRequest,
        JobKind,
        Input,
        Snapshot,
        JobState,
        ErrorBody,
        crate::error::ErrorDetail,
        ResultFormat
    ))
)]
pub struct ApiDoc;

/// One located problem of a config, as the command line prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Diagnostic {
    /// The file: the bundled name, or the name given to pasted text.
    pub file: String,
    /// The field concerned (`stations[2].routes[1].to`); empty for the whole file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and, where possible, what to write instead.
    pub message: String,
}

impl From<&bordersim_config::Diagnostic> for Diagnostic {
    fn from(d: &bordersim_config::Diagnostic) -> Self {
        Diagnostic {
            file: d.file.clone(),
            path: d.path.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
        }
    }
}

fn diagnostics(e: &ConfigError) -> Vec<Diagnostic> {
    e.diagnostics.iter().map(Diagnostic::from).collect()
}

/// The outcome of `POST /api/v1/validate`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ValidateResponse {
    /// Whether the config can be run.
    pub valid: bool,
    /// What the text is.
    pub kind: ConfigKind,
    /// What a valid config holds, in one line.
    pub summary: Option<String>,
    /// Every problem, located, in file order.
    pub errors: Vec<Diagnostic>,
    /// Concerns that do not stop a run (an overloaded station), located.
    pub warnings: Vec<Diagnostic>,
}

/// Query of `POST /api/v1/validate`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ValidateQuery {
    /// The name the text goes by in diagnostics, and where the files it names are looked up
    /// in the bundle (a policy's `baseline = "../examples/x.toml"` from `policies/mine.toml`).
    /// Never opened. Default `input.toml`.
    pub file: Option<String>,
    /// For a policy: the bundled baseline to apply it to, instead of the one it names.
    pub baseline: Option<String>,
}

/// A bundled config.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConfigEntry {
    /// Its name: the path under `configs/`.
    pub name: String,
    /// What it is.
    pub kind: ConfigKind,
}

/// What a job runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// `scenario` over its replications (`bordersim run`).
    Run,
    /// `scenario` as the baseline and each of `policies` applied to it, on common random
    /// numbers (`bordersim compare`).
    Compare,
    /// The region `scenario` to its equilibrium (`bordersim region`).
    Region,
}

/// A config in a request: a bundled one by `name`, or `text` (with the `file` name it goes
/// by, never opened).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// A bundled config's name (`examples/commercial_truck_crossing.toml`).
    pub name: Option<String>,
    /// The config's TOML text.
    pub text: Option<String>,
    /// With `text`: its name in diagnostics and for the bundled files it names (default
    /// `input.toml`).
    pub file: Option<String>,
}

/// `POST /api/v1/jobs`: what to run.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobRequest {
    /// What to run.
    pub kind: JobKind,
    /// The scenario (run, compare) or region (region).
    pub scenario: Input,
    /// Policies to compare against the baseline (compare only).
    #[serde(default)]
    pub policies: Vec<Input>,
    /// Replications, instead of the file's.
    pub replications: Option<u32>,
    /// Master seed, instead of the file's.
    pub seed: Option<u64>,
    /// A region's iteration limit, instead of the file's.
    pub max_iterations: Option<u32>,
}

/// A result's format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultFormat {
    /// The JSON report (`bordersim run --format json`).
    #[default]
    Json,
    /// The CSV report.
    Csv,
    /// The self-contained HTML report page.
    Html,
}

/// Query of the result endpoint.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ResultQuery {
    /// `json` (default), `csv` or `html`.
    pub format: Option<ResultFormat>,
}

/// A config's text and the name it goes by.
struct Text {
    text: String,
    file: String,
}

/// The name pasted text goes by: a bundle-relative path, checked lexically, never opened.
fn virtual_name(file: Option<&str>) -> Result<String, ApiError> {
    let file = file.unwrap_or("input.toml");
    bundle::resolve("", file)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "`file` must be a relative name inside the bundle, not `{file}`"
            ))
        })
}

fn bundled(name: &str) -> Result<Text, ApiError> {
    bundle::get(name)
        .map(|b| Text {
            text: b.text.to_owned(),
            file: b.name.to_owned(),
        })
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no bundled config named `{name}` (GET /api/v1/configs lists them)"
            ))
        })
}

fn input_text(input: &Input, what: &str) -> Result<Text, ApiError> {
    match (&input.name, &input.text) {
        (Some(name), None) => bundled(name),
        (None, Some(text)) => Ok(Text {
            text: text.clone(),
            file: virtual_name(input.file.as_deref())?,
        }),
        _ => Err(ApiError::bad_request(format!(
            "`{what}` needs exactly one of `name` (a bundled config) and `text`"
        ))),
    }
}

/// The `baseline` a policy names, from its `[policy]` table.
fn named_baseline(policy: &str) -> Option<String> {
    let root = toml::de::DeTable::parse(policy).ok()?;
    let table = root.get_ref().get("policy")?;
    let table = table.get_ref().as_table()?;
    table.get("baseline")?.get_ref().as_str().map(str::to_owned)
}

/// A policy's baseline: the bundled one asked for, else the one it names (relative to it,
/// in the bundle).
fn baseline_of(policy: &Text, asked: Option<&str>) -> Result<Text, ApiError> {
    if let Some(name) = asked {
        return bundled(name);
    }
    let named = named_baseline(&policy.text).ok_or_else(|| {
        ApiError::bad_request(format!(
            "policy `{}` names no `baseline`: give one (`baseline=` a bundled scenario)",
            policy.file
        ))
    })?;
    let path = bundle::resolve(bundle::dir_of(&policy.file), &named).ok_or_else(|| {
        ApiError::bad_request(format!("baseline `{named}` is not inside the bundle"))
    })?;
    bundled(&path)
}

/// The line a valid scenario gets: its stations, classes and sources.
fn scenario_summary(scenario: &Scenario) -> String {
    format!(
        "{}: {} stations, {} classes, {} sources",
        scenario.name,
        scenario.crossing.stations().len(),
        scenario.population().classes.len(),
        scenario.crossing.sources().len()
    )
}

/// Validates `text` as the command line's `validate` does.
fn validate_text(text: &Text, baseline: Option<&str>) -> Result<ValidateResponse, ApiError> {
    let kind = bundle::kind_of(&text.text);
    let read = bundle::reader(&text.file);
    let mut response = ValidateResponse {
        valid: false,
        kind,
        summary: None,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    match kind {
        ConfigKind::Policy => {
            let base = baseline_of(text, baseline)?;
            if bordersim_config::is_region(&base.text) {
                let base_read = bundle::reader(&base.file);
                match bordersim_config::apply_region_policy(
                    &base.text, &base.file, &base_read, &text.text, &text.file,
                ) {
                    Ok(applied) => {
                        response.valid = true;
                        response.summary = Some(format!(
                            "{}: ok (at crossing {})",
                            applied.name, applied.crossing
                        ));
                    }
                    Err(e) => response.errors = diagnostics(&e),
                }
            } else {
                let base_read = bundle::reader(&base.file);
                match bordersim_config::apply_policy_with(
                    &base.text, &base.file, &text.text, &text.file, &base_read,
                ) {
                    Ok(applied) => {
                        response.valid = true;
                        response.warnings = applied
                            .loaded
                            .warnings
                            .iter()
                            .map(Diagnostic::from)
                            .collect();
                        response.summary = Some(format!(
                            "{}: ok (applied to {})",
                            applied.applied.name, base.file
                        ));
                    }
                    Err(e) => response.errors = diagnostics(e.config_error()),
                }
            }
        }
        ConfigKind::Region => {
            match bordersim_config::parse_region_with(&text.text, &text.file, &read) {
                Ok(loaded) => {
                    response.valid = true;
                    response.summary = Some(format!(
                        "{}: ok (region: {} crossings, {} zones, {} flows)",
                        loaded.model.region.name,
                        loaded.model.crossings.len(),
                        loaded.model.region.zones.len(),
                        loaded.model.region.demand.len()
                    ));
                }
                Err(e) => response.errors = diagnostics(&e),
            }
        }
        ConfigKind::Sweep => {
            return Err(ApiError::bad_request(
                "a sweep plan is run with `bordersim sweep`, not by the server",
            ));
        }
        ConfigKind::Scenario | ConfigKind::Data => {
            response.kind = ConfigKind::Scenario;
            match bordersim_config::parse_scenario_with(&text.text, &text.file, &read) {
                Ok(loaded) => {
                    response.warnings = loaded.warnings.iter().map(Diagnostic::from).collect();
                    match CompiledScenario::new(&loaded.scenario) {
                        Ok(_) => {
                            response.valid = true;
                            response.summary = Some(scenario_summary(&loaded.scenario));
                        }
                        Err(e) => response.errors.push(Diagnostic {
                            file: text.file.clone(),
                            path: String::new(),
                            line: 1,
                            column: 1,
                            message: e.to_string(),
                        }),
                    }
                }
                Err(e) => response.errors = diagnostics(&e),
            }
        }
    }
    Ok(response)
}

fn body_text(body: Result<String, StringRejection>) -> Result<String, ApiError> {
    body.map_err(|e| ApiError::from_body(e.status(), e.body_text()))
}

/// Validates a scenario, policy or region.
#[utoipa::path(
    post,
    path = "/api/v1/validate",
    params(ValidateQuery),
    request_body(content = String, content_type = "application/toml", description = "The config's TOML text"),
    responses(
        (status = 200, description = "Checked; `valid` says whether it can run", body = ValidateResponse),
        (status = 400, description = "Not a config the server checks", body = ErrorBody),
        (status = 413, description = "Body over the size limit", body = ErrorBody)
    )
)]
pub async fn validate(
    Query(query): Query<ValidateQuery>,
    body: Result<String, StringRejection>,
) -> Result<Json<ValidateResponse>, ApiError> {
    let text = Text {
        text: body_text(body)?,
        file: virtual_name(query.file.as_deref())?,
    };
    // Parsing is quick but not free: off the async workers.
    tokio::task::spawn_blocking(move || validate_text(&text, query.baseline.as_deref()))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
        .map(Json)
}

/// Lists the bundled configs.
#[utoipa::path(
    get,
    path = "/api/v1/configs",
    responses((status = 200, description = "Every bundled config", body = Vec<ConfigEntry>))
)]
pub async fn list_configs() -> Json<Vec<ConfigEntry>> {
    Json(
        bundle::BUNDLE
            .iter()
            .map(|b| ConfigEntry {
                name: b.name.to_owned(),
                kind: bundle::kind_of(b.text),
            })
            .collect(),
    )
}

/// The text of a bundled config.
#[utoipa::path(
    get,
    path = "/api/v1/configs/{name}",
    params(("name" = String, Path, description = "The config's name, e.g. examples/commercial_truck_crossing.toml")),
    responses(
        (status = 200, description = "The config's text", body = String, content_type = "application/toml"),
        (status = 404, description = "No bundled config has that name", body = ErrorBody)
    )
)]
pub async fn get_config(Path(name): Path<String>) -> Result<Response, ApiError> {
    let b = bundle::get(&name)
        .ok_or_else(|| ApiError::not_found(format!("no bundled config named `{name}`")))?;
    let kind = if b.name.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else {
        "application/toml; charset=utf-8"
    };
    Ok(([(header::CONTENT_TYPE, kind)], b.text).into_response())
}

fn invalid(file: &str, e: &ConfigError) -> ApiError {
    ApiError::invalid(format!("`{file}` is not valid"), diagnostics(e))
}

fn load_scenario(text: &Text) -> Result<Scenario, ApiError> {
    let read = bundle::reader(&text.file);
    let loaded = bordersim_config::parse_scenario_with(&text.text, &text.file, &read)
        .map_err(|e| invalid(&text.file, &e))?;
    CompiledScenario::new(&loaded.scenario).map_err(|e| {
        ApiError::invalid(
            format!("`{}` cannot be prepared: {e}", text.file),
            Vec::new(),
        )
    })?;
    Ok(loaded.scenario)
}

fn options(
    state: &AppState,
    request: &JobRequest,
    replications: u32,
    seed: u64,
) -> Result<RunOptions, ApiError> {
    let replications = request.replications.unwrap_or(replications);
    if replications == 0 || replications > MAX_REPLICATIONS {
        return Err(ApiError::bad_request(format!(
            "replications must be 1 to {MAX_REPLICATIONS}, not {replications}"
        )));
    }
    let threads = state
        .jobs
        .limits()
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    Ok(RunOptions {
        replications,
        seed: request.seed.unwrap_or(seed),
        threads: Some(threads.min(replications as usize).max(1)),
    })
}

/// The job's work and its replication count, from a checked request.
fn prepare(state: &AppState, request: &JobRequest) -> Result<(u32, Work), ApiError> {
    let main = input_text(&request.scenario, "scenario")?;
    if request.kind != JobKind::Compare && !request.policies.is_empty() {
        return Err(ApiError::bad_request(
            "`policies` are for a comparison (`kind = \"compare\"`)",
        ));
    }
    match request.kind {
        JobKind::Run => {
            let scenario = load_scenario(&main)?;
            let options = options(state, request, scenario.replications, scenario.seed)?;
            let work: Work = Box::new(move |progress| {
                run_summary_with_progress(&scenario, &options, |_| NoLog, progress)
                    .map(|(report, _)| JobOutput::Run(Box::new(report)))
                    .map_err(|e| e.to_string())
            });
            Ok((options.replications, work))
        }
        JobKind::Compare => {
            if request.policies.is_empty() {
                return Err(ApiError::bad_request(
                    "a comparison needs at least one policy",
                ));
            }
            let base = load_scenario(&main)?;
            let read = bundle::reader(&main.file);
            let mut variants = Vec::new();
            for (i, input) in request.policies.iter().enumerate() {
                let policy = input_text(input, &format!("policies[{i}]"))?;
                let applied = bordersim_config::apply_policy_with(
                    &main.text,
                    &main.file,
                    &policy.text,
                    &policy.file,
                    &read,
                )
                .map_err(|e: PolicyError| invalid(&policy.file, e.config_error()))?;
                variants.push((applied.applied.name, applied.loaded.scenario));
            }
            let options = options(state, request, base.replications, base.seed)?;
            let runs = 1 + variants.len() as u32;
            let work: Work = Box::new(move |progress| {
                compare_folded(&base, &variants, &options, progress)
                    .map(|c| JobOutput::Compare(Box::new(c)))
                    .map_err(|e| e.to_string())
            });
            Ok((options.replications.saturating_mul(runs), work))
        }
        JobKind::Region => {
            let read = bundle::reader(&main.file);
            let mut loaded = bordersim_config::parse_region_with(&main.text, &main.file, &read)
                .map_err(|e| invalid(&main.file, &e))?;
            if let Some(n) = request.max_iterations {
                loaded.model.max_iterations = n;
            }
            let options = options(state, request, loaded.replications, loaded.seed)?;
            let model = loaded.model;
            let work: Work = Box::new(move |progress| {
                run_region_with_progress(&model, &options, progress)
                    .map(|o| JobOutput::Region(Box::new(o.report)))
                    .map_err(|e| e.to_string())
            });
            Ok((0, work))
        }
    }
}

/// Starts a job; returns its id at once.
#[utoipa::path(
    post,
    path = "/api/v1/jobs",
    request_body = JobRequest,
    responses(
        (status = 202, description = "Accepted: queued or running", body = Snapshot),
        (status = 400, description = "A malformed request", body = ErrorBody),
        (status = 404, description = "A bundled config that does not exist", body = ErrorBody),
        (status = 413, description = "Body over the size limit", body = ErrorBody),
        (status = 422, description = "An invalid config, with located diagnostics", body = ErrorBody),
        (status = 429, description = "Every job slot and queue place is taken", body = ErrorBody),
        (status = 503, description = "The server is shutting down", body = ErrorBody)
    )
)]
pub async fn create_job(
    State(state): State<Arc<AppState>>,
    body: Result<Json<JobRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(|e| ApiError::from_body(e.status(), e.body_text()))?;
    let kind = match request.kind {
        JobKind::Run => "run",
        JobKind::Compare => "compare",
        JobKind::Region => "region",
    };
    let prepared_state = Arc::clone(&state);
    let (total, work) = tokio::task::spawn_blocking(move || prepare(&prepared_state, &request))
        .await
        .map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })??;
    match state.jobs.submit(kind, total, work) {
        Ok(snapshot) => Ok((StatusCode::ACCEPTED, Json(snapshot)).into_response()),
        Err(Refused::Busy) => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "busy",
            "every job slot and queue place is taken: try again when a job ends",
        )),
        Err(Refused::ShuttingDown) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "the server is shutting down",
        )),
    }
}

fn job(state: &AppState, id: &str) -> Result<Arc<crate::jobs::Job>, ApiError> {
    state.jobs.get(id).ok_or_else(|| {
        ApiError::not_found(format!(
            "no job `{id}` (finished jobs are kept for a while only)"
        ))
    })
}

/// A job's status.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Its progress", body = Snapshot),
        (status = 404, description = "No such job", body = ErrorBody)
    )
)]
pub async fn job_status(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Snapshot>, ApiError> {
    Ok(Json(job(&state, &id)?.snapshot()))
}

/// A job's progress as server-sent events: a `progress` event (a [`Snapshot`]) at once and
/// at each change, in order, ending with the one whose state is final.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}/events",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "`progress` events, each a Snapshot as JSON", content_type = "text/event-stream", body = Snapshot),
        (status = 404, description = "No such job", body = ErrorBody)
    )
)]
pub async fn job_events(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, ApiError> {
    let receiver = job(&state, &id)?.subscribe();
    let stream = futures_util::stream::unfold(
        (receiver, false, true),
        |(mut rx, ended, first)| async move {
            if ended {
                return None;
            }
            if !first && rx.changed().await.is_err() {
                return None;
            }
            let snapshot = rx.borrow_and_update().clone();
            let ended = snapshot.state.is_final();
            let event = Event::default()
                .event("progress")
                .json_data(&snapshot)
                .unwrap_or_else(|_| Event::default().event("progress"));
            Some((Ok(event), (rx, ended, false)))
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Cancels a job: it stops after the replications in flight.
#[utoipa::path(
    post,
    path = "/api/v1/jobs/{id}/cancel",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 202, description = "Asked to stop (a finished job is left as it is)", body = Snapshot),
        (status = 404, description = "No such job", body = ErrorBody)
    )
)]
pub async fn cancel_job(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Snapshot>), ApiError> {
    let job = job(&state, &id)?;
    job.cancel("cancelled by a request");
    Ok((StatusCode::ACCEPTED, Json(job.snapshot())))
}

/// A finished job's result.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}/result",
    params(("id" = String, Path, description = "The job's id"), ResultQuery),
    responses(
        (status = 200, description = "The report as JSON, CSV or HTML"),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "Not finished, failed or cancelled", body = ErrorBody)
    )
)]
pub async fn job_result(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<ResultQuery>,
) -> Result<Response, ApiError> {
    let job = job(&state, &id)?;
    let snapshot = job.snapshot();
    let Some(output) = job.output() else {
        let message = match snapshot.state {
            JobState::Queued | JobState::Running => format!("job `{id}` has not finished"),
            _ => format!(
                "job `{id}` has no result: {}",
                snapshot.error.unwrap_or_default()
            ),
        };
        return Err(ApiError::new(StatusCode::CONFLICT, "not_finished", message));
    };
    let format = query.format.unwrap_or_default();
    let (content_type, body) = match format {
        ResultFormat::Json => {
            let value = match output {
                JobOutput::Run(r) => serde_json::to_vec_pretty(r),
                JobOutput::Compare(c) => serde_json::to_vec_pretty(c),
                JobOutput::Region(r) => serde_json::to_vec_pretty(r),
            };
            let mut bytes = value.map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            })?;
            bytes.push(b'\n');
            ("application/json", bytes)
        }
        ResultFormat::Html => {
            let page = match output {
                JobOutput::Run(r) => bordersim_report::run(r),
                JobOutput::Compare(c) => bordersim_report::compare(c),
                JobOutput::Region(r) => bordersim_report::region(r),
            };
            ("text/html; charset=utf-8", page.into_bytes())
        }
        ResultFormat::Csv => {
            let render = state.csv.ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_ACCEPTABLE,
                    "not_acceptable",
                    "this server renders no CSV",
                )
            })?;
            let bytes = render(output).map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    format!("{e:#}"),
                )
            })?;
            ("text/csv; charset=utf-8", bytes)
        }
    };
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// This description.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    responses((status = 200, description = "The OpenAPI 3.1 description of this API", content_type = "application/json"))
)]
pub async fn openapi_json() -> Response {
    let json = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}
