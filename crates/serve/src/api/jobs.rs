//! The job endpoints: start (`POST /jobs`), status, progress as server-sent events, cancel
//! and the result in its formats.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;

use super::prepare::prepare;
use super::{JobRequest, ResultFormat, ResultQuery, internal};
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::jobs::{JobState, Refused, Snapshot};

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
    // The command line's limit and words, before any input is read.
    if let Some(refusal) = request
        .replications
        .and_then(|n| bordersim_experiment::replications_refusal(u64::from(n)))
    {
        return Err(ApiError::bad_request(format!("`replications`: {refusal}")));
    }
    let kind = request.kind.name();
    let prepared_state = Arc::clone(&state);
    let csv = state.csv;
    let prepared = tokio::task::spawn_blocking(move || prepare(&prepared_state, &request, csv))
        .await
        .map_err(internal)??;
    match state
        .jobs
        .submit(kind, prepared.total, Some(prepared.key), prepared.work)
    {
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
        (status = 200, description = "The report as JSON, CSV or HTML (for every kind, a calibration too: its tidy CSV and its calibration page), or a fit's calibrated scenario as TOML"),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 406, description = "The job's kind has no result in that format", body = ErrorBody),
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
    let (content_type, body) = match query.format.unwrap_or_default() {
        ResultFormat::Json => ("application/json", output.json()),
        ResultFormat::Html => ("text/html; charset=utf-8", output.html()),
        ResultFormat::Csv => ("text/csv; charset=utf-8", output.csv()),
        ResultFormat::Toml => ("application/toml; charset=utf-8", output.toml()),
    };
    let body =
        body.map_err(|why| ApiError::new(StatusCode::NOT_ACCEPTABLE, "not_acceptable", why.0))?;
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}
