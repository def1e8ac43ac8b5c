//! Calibration of a scenario to observed hourly waits and volumes: the observation file
//! (`observed`), the model against the data with fit measures (`compare`), and fitting free
//! parameters named by override paths (`fit`). `docs/calibration.md` is the user's guide.

#![warn(missing_docs)]

pub mod census;
pub mod compare;
pub mod fit;
pub mod observed;

use bordersim_experiment::{ExperimentError, Progress, Report, RunOptions};
use bordersim_model::Scenario;

pub use census::{CENSORED_MAX, Census};
pub use compare::{
    Calibration, GroupFit, HourFit, Measures, compare, compare_with_census, objective,
};
pub use fit::{
    FitError, FitReport, FitSpec, Fitted, FittedParameter, Parameter, RawFit, Unit, fit, parse_fit,
};
pub use observed::{
    GroupKey, HourObservation, Observation, ObservationError, Observations, parse_observations,
};

/// Runs `scenario` as `bordersim run` does (the same replications and seed give the same
/// report) and compares it with `observations`; `throughput_weight` weighs the throughput
/// errors against the wait errors in the objective. A [`Census`] of every replication says
/// which hours' waits are cut off by the window's end; their waits are left out of the
/// measures and the objective (see [`assess_with`] to include them).
///
/// # Errors
///
/// As [`bordersim_experiment::run_summary`].
pub fn assess(
    scenario: &Scenario,
    observations: &Observations,
    options: &RunOptions,
    throughput_weight: f64,
    progress: &dyn Progress,
) -> Result<(Report, Calibration), ExperimentError> {
    assess_with(
        scenario,
        observations,
        options,
        throughput_weight,
        false,
        progress,
    )
}

/// [`assess`], with the waits of censored hours counted in the measures and the objective
/// when `include_censored` (they are still flagged).
///
/// # Errors
///
/// As [`bordersim_experiment::run_summary`].
pub fn assess_with(
    scenario: &Scenario,
    observations: &Observations,
    options: &RunOptions,
    throughput_weight: f64,
    include_censored: bool,
    progress: &dyn Progress,
) -> Result<(Report, Calibration), ExperimentError> {
    let (report, censuses) = bordersim_experiment::run_summary_with_progress(
        scenario,
        options,
        |_| Census::new(scenario),
        progress,
    )?;
    let mut census = Census::new(scenario);
    for c in &censuses {
        census.add(c);
    }
    let calibration = compare_with_census(
        scenario,
        &report,
        observations,
        throughput_weight,
        Some(&census),
        include_censored,
    );
    Ok((report, calibration))
}
