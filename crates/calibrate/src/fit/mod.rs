//! Fitting free parameters to observations: the fit file (`spec`), the shortcuts (lanes from
//! the observed open lanes, demand from the observed volumes or from a standing queue:
//! `shortcuts`, [`standing`]) and a bounded Nelder–Mead search
//! (argmin) on common random numbers.
//!
//! ```toml
//! [fit]
//! max_evaluations = 60      # simulation runs at most (default 60)
//! throughput_weight = 1.0   # weight of throughput errors against wait errors
//!
//! [[parameter]]
//! path = "stations.primary.service_by_programme.ready.mean"
//! min = "20s"
//! max = "2min"
//!
//! [[parameter]]                 # one value for an hour band of a 24-hour (or 168-hour) list
//! path = "sources.cars.profile"
//! hours = [6, 9]                # hours 6 to 9 inclusive
//! scale = true                  # a factor on the values there
//! min = 0.5
//! max = 2.0
//!
//! [shortcuts]
//! lanes_from_observed = true    # servers_by_hour of each observed lane group from open_lanes
//! demand = [{ source = "cars", station = "primary", lane_group = "general" }]
//! # or, where the queue stands all day: capacity by hour, demand and initial queue inferred
//! standing_queue = [{ source = "cars", station = "primary", lane_group = "general",
//!                     service = "stations.primary.service.mean", wait_bands = [0, 6, 12, 18] }]
//! ```
//!
//! A parameter's path is an `[[override]]` path: dot-separated keys, an entry of a list of
//! tables named by its `id`. Every evaluation runs the same replications with the same
//! seed, so the objective changes only with the parameters and the fit is deterministic.

mod locate;
mod paths;
mod search;
mod shortcuts;
mod spec;
pub mod standing;

use bordersim_experiment::ExperimentError;

pub use search::{FitReport, Fitted, FittedParameter, fit};
pub use spec::{
    DEFAULT_MAX_EVALUATIONS, DemandShortcut, FitSpec, Parameter, RawFit, StandingQueueShortcut,
    Unit, parse_fit,
};

/// Why a fit could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// The fit file is wrong: every problem, located by its file and field.
    #[error("{}", .0.join("\n"))]
    Spec(Vec<String>),
    /// The scenario with the shortcuts or the initial values applied is invalid.
    #[error("the scenario with the fit's changes is invalid: {0}")]
    Scenario(String),
    /// A run failed.
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
    /// The optimiser stopped on an error.
    #[error("the optimiser failed: {0}")]
    Optimiser(String),
}
