//! The `/api/v1` endpoints and their request and response types (the OpenAPI description is
//! generated from these): [`validate`](mod@validate) (validation and the bundled configs), [`prepare`]
//! (a job request made into the work it runs), [`jobs`] (the job endpoints); here the types
//! and the loading of configs from request bodies and the bundle.

pub mod jobs;
pub mod prepare;
pub mod validate;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bordersim_config::ConfigError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::bundle::{self, ConfigKind};
use crate::error::{ApiError, ErrorBody};
use crate::jobs::{JobState, Snapshot};

pub use jobs::{cancel_job, create_job, job_events, job_result, job_status};
pub use validate::{get_config, list_configs, validate};

/// The most replications a job may ask for: the command line's limit, one constant.
pub const MAX_REPLICATIONS: u32 = bordersim_experiment::MAX_REPLICATIONS;

/// The OpenAPI description of the API.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "bordersim API", version = "1"),
    paths(
        validate::validate,
        validate::list_configs,
        validate::get_config,
        jobs::create_job,
        jobs::job_status,
        jobs::job_events,
        jobs::cancel_job,
        jobs::job_result,
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

pub(crate) fn diagnostics(e: &ConfigError) -> Vec<Diagnostic> {
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
    /// numbers (`bordersim compare`); when `scenario` is a region, exactly one policy,
    /// applied at the crossing it names, and both regions to their equilibria
    /// (`bordersim compare REGION --policy P`).
    Compare,
    /// The region `scenario` to its equilibrium (`bordersim region`).
    Region,
    /// `scenario` against the `observed` hourly waits and volumes, and with `fit` its free
    /// parameters fitted to them (`bordersim calibrate`).
    Calibrate,
}

impl JobKind {
    /// Its name in a [`Snapshot`].
    pub fn name(self) -> &'static str {
        match self {
            JobKind::Run => "run",
            JobKind::Compare => "compare",
            JobKind::Region => "region",
            JobKind::Calibrate => "calibrate",
        }
    }
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
    /// The observations, a CSV (calibrate only; `docs/calibration.md`).
    pub observed: Option<Input>,
    /// The fit file, TOML (calibrate only; without it the scenario is only compared with the
    /// observations).
    pub fit: Option<Input>,
}

/// A result's format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResultFormat {
    /// The JSON report (`bordersim run --format json`, and so for each kind).
    #[default]
    Json,
    /// The CSV report (`--format csv`; for a calibration, `bordersim calibrate --format
    /// csv`'s tidy rows).
    Csv,
    /// The self-contained HTML report page (`--report`; for a calibration, the calibration
    /// page).
    Html,
    /// A fit's calibrated scenario (calibrate with `fit` only).
    Toml,
}

/// Query of the result endpoint.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ResultQuery {
    /// `json` (default), `csv`, `html` or `toml`.
    pub format: Option<ResultFormat>,
}

/// A config's text and the name it goes by.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Text {
    pub(crate) text: String,
    pub(crate) file: String,
}

/// The name pasted text goes by: a bundle-relative path, checked lexically, never opened.
pub(crate) fn virtual_name(file: Option<&str>) -> Result<String, ApiError> {
    let file = file.unwrap_or("input.toml");
    bundle::resolve("", file)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "`file` must be a relative name inside the bundle, not `{file}`"
            ))
        })
}

pub(crate) fn bundled(name: &str) -> Result<Text, ApiError> {
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

pub(crate) fn input_text(input: &Input, what: &str) -> Result<Text, ApiError> {
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
pub(crate) fn baseline_of(policy: &Text, asked: Option<&str>) -> Result<Text, ApiError> {
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

/// A 500 for a task that could not be joined.
pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
}
