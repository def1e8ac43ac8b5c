//! `POST /validate` (a scenario, policy or region checked as the command line checks it)
//! and the bundled configs (`GET /configs`, `GET /configs/{name}`).

use axum::Json;
use axum::extract::rejection::StringRejection;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bordersim_model::{CompiledScenario, Scenario};

use super::{
    ConfigEntry, Diagnostic, Text, ValidateQuery, ValidateResponse, baseline_of, diagnostics,
    internal, virtual_name,
};
use crate::bundle::{self, ConfigKind};
use crate::error::{ApiError, ErrorBody};

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
        ConfigKind::StaffingPlan => {
            return Err(ApiError::bad_request(
                "a staffing plan is run with `bordersim optimise-staffing`, not by the server",
            ));
        }
        ConfigKind::Fit => {
            return Err(ApiError::bad_request(
                "a fit file is checked with the scenario it is for: as a calibration job's \
                 `fit`, or with `bordersim validate FILE --baseline SCENARIO`",
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

pub(crate) fn body_text(body: Result<String, StringRejection>) -> Result<String, ApiError> {
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
        .map_err(internal)?
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
