//! What a finished job produced, before it is rendered and stored ([`crate::stored`]).

use bordersim_calibrate::{Calibration, FitReport};
use bordersim_experiment::region::{RegionComparison, RegionReport};
use bordersim_experiment::{Comparison, Report};
use serde::Serialize;

/// What a finished job produced.
#[derive(Debug)]
pub enum JobOutput {
    /// A run's report.
    Run(Box<Report>),
    /// A comparison of a baseline and its variants.
    Compare(Box<Comparison>),
    /// A region equilibrium's report.
    Region(Box<RegionReport>),
    /// A region with a policy at one of its crossings, against the region as it is.
    RegionCompare(Box<RegionComparison>),
    /// A scenario against observations, and its fit when one was asked for.
    Calibrate(Box<CalibrationResult>),
}

/// A calibration job's result: as `bordersim calibrate --format json` gives it (the model
/// against the data, flattened, and the fit), plus the calibrated scenario of a fit.
#[derive(Debug, Serialize)]
pub struct CalibrationResult {
    /// The scenario as given against the observations (before any fit).
    #[serde(flatten)]
    pub model: Calibration,
    /// The fit: parameters, before and after. The server leaves its wall-clock fields at 0,
    /// so that identical requests give identical bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<FitReport>,
    /// The calibrated scenario as TOML (a fit only): the result's `format=toml`.
    #[serde(skip)]
    pub scenario_toml: Option<String>,
}
