//! A job request made into the work it runs: its configs loaded and checked (so that an
//! invalid one is refused with its located diagnostics before anything is queued), its run
//! options resolved, and the key under which its result is cached.

use bordersim_calibrate::Observations;
use bordersim_config::{ConfigError, PolicyError};
use bordersim_experiment::region::{compare_regions_with_progress, run_region_with_progress};
use bordersim_experiment::{Detail, RunOptions, compare_folded, run_summary_for};
use bordersim_model::{CompiledScenario, NoLog, Scenario};
use serde::Serialize;

use super::{JobKind, JobRequest, Text, diagnostics, input_text};
use crate::bundle;
use crate::error::ApiError;
use crate::jobs::Work;
use crate::output::{CalibrationResult, JobOutput};
use crate::stored::Stored;
use crate::{AppState, CsvRenderer};

/// A checked request: what the job's snapshot counts, its cache key and its work.
pub(crate) struct Prepared {
    /// Replications the job runs (0 when its iterations decide).
    pub(crate) total: u32,
    /// Its result's key in the cache.
    pub(crate) key: Vec<u8>,
    /// The simulation, to run on a blocking thread.
    pub(crate) work: Work,
}

/// What makes two requests identical: every input as read (its text and the name it goes
/// by, which decides the bundled files it reads), the kind and the resolved run options.
/// The thread count is not part of it: the results do not depend on it.
#[derive(Serialize)]
struct Key<'a> {
    kind: &'static str,
    inputs: Vec<&'a Text>,
    replications: u32,
    seed: u64,
    max_iterations: Option<u32>,
}

fn key(request: &JobRequest, inputs: Vec<&Text>, options: &RunOptions) -> Vec<u8> {
    serde_json::to_vec(&Key {
        kind: request.kind.name(),
        inputs,
        replications: options.replications,
        seed: options.seed,
        max_iterations: request.max_iterations,
    })
    .unwrap_or_default()
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
    if let Some(refusal) = bordersim_experiment::replications_refusal(u64::from(replications)) {
        return Err(ApiError::bad_request(format!("`replications`: {refusal}")));
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

/// Refuses a field the job's kind does not read.
fn refuse_unused(request: &JobRequest) -> Result<(), ApiError> {
    let kind = request.kind;
    if kind != JobKind::Compare && !request.policies.is_empty() {
        return Err(ApiError::bad_request(
            "`policies` are for a comparison (`kind = \"compare\"`)",
        ));
    }
    if kind != JobKind::Calibrate && (request.observed.is_some() || request.fit.is_some()) {
        return Err(ApiError::bad_request(
            "`observed` and `fit` are for a calibration (`kind = \"calibrate\"`)",
        ));
    }
    Ok(())
}

/// The job's work, its replication count and cache key, from a checked request; `csv`
/// renders its CSV when it ends.
pub(crate) fn prepare(
    state: &AppState,
    request: &JobRequest,
    csv: Option<CsvRenderer>,
) -> Result<Prepared, ApiError> {
    let main = input_text(&request.scenario, "scenario")?;
    refuse_unused(request)?;
    let store = move |output: JobOutput| Stored::new(&output, csv);
    match request.kind {
        JobKind::Run => {
            let mut scenario = load_scenario(&main)?;
            // A run's result is also its page, whose queues over time need the series: as
            // `bordersim run --report`, in the file's bins or a quarter of an hour.
            scenario.crossing = scenario.crossing.clone().with_series_for_a_page();
            let options = options(state, request, scenario.replications, scenario.seed)?;
            let key = key(request, vec![&main], &options);
            let work: Work = Box::new(move |reporter| {
                let (report, _) =
                    run_summary_for(&scenario, &options, Detail::Page, |_| NoLog, reporter)
                        .map_err(|e| e.to_string())?;
                Ok(store(JobOutput::Run(Box::new(report))))
            });
            Ok(Prepared {
                total: options.replications,
                key,
                work,
            })
        }
        JobKind::Compare if bordersim_config::is_region(&main.text) => {
            prepare_region_compare(state, request, &main, store)
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
            let mut policies = Vec::new();
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
                policies.push(policy);
            }
            let options = options(state, request, base.replications, base.seed)?;
            let key = key(
                request,
                std::iter::once(&main).chain(&policies).collect(),
                &options,
            );
            let runs = 1 + variants.len() as u32;
            let work: Work = Box::new(move |reporter| {
                compare_folded(&base, &variants, &options, reporter)
                    .map(|c| store(JobOutput::Compare(Box::new(c))))
                    .map_err(|e| e.to_string())
            });
            Ok(Prepared {
                total: options.replications.saturating_mul(runs),
                key,
                work,
            })
        }
        JobKind::Region => {
            let read = bundle::reader(&main.file);
            let mut loaded = bordersim_config::parse_region_with(&main.text, &main.file, &read)
                .map_err(|e| invalid(&main.file, &e))?;
            if let Some(n) = request.max_iterations {
                loaded.model.max_iterations = n;
            }
            let options = options(state, request, loaded.replications, loaded.seed)?;
            let key = key(request, vec![&main], &options);
            let model = loaded.model;
            let work: Work = Box::new(move |reporter| {
                run_region_with_progress(&model, &options, reporter)
                    .map(|o| store(JobOutput::Region(Box::new(o.report))))
                    .map_err(|e| e.to_string())
            });
            Ok(Prepared {
                total: 0,
                key,
                work,
            })
        }
        JobKind::Calibrate => prepare_calibration(state, request, &main, store),
    }
}

/// A region with one policy at the crossing it names, against the region as it is
/// (`bordersim compare REGION --policy P`).
fn prepare_region_compare(
    state: &AppState,
    request: &JobRequest,
    main: &Text,
    store: impl FnOnce(JobOutput) -> Stored + Send + 'static,
) -> Result<Prepared, ApiError> {
    let [input] = request.policies.as_slice() else {
        return Err(ApiError::bad_request(
            "a region is compared with exactly one policy (naming its crossing with \
             `crossing = \"id\"` in [policy])",
        ));
    };
    let policy = input_text(input, "policies[0]")?;
    let read = bundle::reader(&main.file);
    let mut base = bordersim_config::parse_region_with(&main.text, &main.file, &read)
        .map_err(|e| invalid(&main.file, &e))?;
    let mut applied = bordersim_config::apply_region_policy(
        &main.text,
        &main.file,
        &read,
        &policy.text,
        &policy.file,
    )
    .map_err(|e| invalid(&policy.file, &e))?;
    if let Some(n) = request.max_iterations {
        base.model.max_iterations = n;
        applied.region.model.max_iterations = n;
    }
    let options = options(state, request, base.replications, base.seed)?;
    let key = key(request, vec![main, &policy], &options);
    let name = format!("{} (at {})", applied.name, applied.crossing);
    let (base, reform) = (base.model, applied.region.model);
    let work: Work = Box::new(move |reporter| {
        let stages = [reporter.stage("baseline"), reporter.stage("reform")];
        compare_regions_with_progress(&base, &name, &reform, &options, [&stages[0], &stages[1]])
            .map(|c| store(JobOutput::RegionCompare(Box::new(c))))
            .map_err(|e| e.to_string())
    });
    Ok(Prepared {
        total: 0,
        key,
        work,
    })
}

/// A scenario against observations (`bordersim calibrate SCENARIO --observed OBS.csv`), and
/// with a fit file its free parameters fitted (`--fit FIT.toml`).
fn prepare_calibration(
    state: &AppState,
    request: &JobRequest,
    main: &Text,
    store: impl FnOnce(JobOutput) -> Stored + Send + 'static,
) -> Result<Prepared, ApiError> {
    let scenario = load_scenario(main)?;
    let observed = request
        .observed
        .as_ref()
        .ok_or_else(|| ApiError::bad_request("a calibration needs `observed` (a CSV)"))?;
    let observed = input_text(observed, "observed")?;
    let observations: Observations =
        bordersim_calibrate::parse_observations(&observed.text, &observed.file, &scenario)
            .map_err(|e| {
                ApiError::invalid(
                    format!(
                        "the observation file `{}` has problems:\n{e}",
                        observed.file
                    ),
                    Vec::new(),
                )
            })?;
    let fit = match &request.fit {
        None => None,
        Some(input) => {
            let fit = input_text(input, "fit")?;
            let spec = bordersim_calibrate::parse_fit(&fit.text, &fit.file, &main.text)
                .map_err(|e| ApiError::invalid(format!("{e}"), Vec::new()))?;
            Some((fit, spec))
        }
    };
    let options = options(state, request, scenario.replications, scenario.seed)?;
    let mut inputs = vec![main, &observed];
    inputs.extend(fit.as_ref().map(|(text, _)| text));
    let key = key(request, inputs, &options);
    let Some((_, spec)) = fit else {
        let work: Work = Box::new(move |reporter| {
            let (_, model) =
                bordersim_calibrate::assess(&scenario, &observations, &options, 1.0, reporter)
                    .map_err(|e| e.to_string())?;
            Ok(store(JobOutput::Calibrate(Box::new(CalibrationResult {
                model,
                fit: None,
                scenario_toml: None,
            }))))
        });
        return Ok(Prepared {
            total: options.replications,
            key,
            work,
        });
    };
    let (text, file) = (main.text.clone(), main.file.clone());
    let work: Work = Box::new(move |reporter| {
        let read = bundle::reader(&file);
        let fitted = bordersim_calibrate::fit(
            &text,
            &file,
            &read,
            &observations,
            &spec,
            &options,
            reporter,
        )
        .map_err(|e| e.to_string())?;
        let mut fit = fitted.report;
        // No clock in a result: identical requests give identical bytes.
        fit.wall_s = 0.0;
        fit.seconds_per_evaluation = 0.0;
        Ok(store(JobOutput::Calibrate(Box::new(CalibrationResult {
            model: fit.before.clone(),
            fit: Some(fit),
            scenario_toml: Some(fitted.scenario_toml),
        }))))
    });
    Ok(Prepared {
        // A fit's runs depend on how soon its search settles.
        total: 0,
        key,
        work,
    })
}
