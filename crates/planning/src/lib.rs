//! Operations planning: the staffing schedule of one or more lane groups that minimises an
//! objective (a headline measure of `compare`: a mean or 95th-percentile wait or time in
//! system, delay hours or value, or total cost of delay plus staff) within a budget of
//! lane-hours per day, minimum and maximum lanes, and shift rules (shift length, allowed
//! start hours, minimum lanes at night).
//!
//! Where things are: [`plan`] (the plan file, checked against the scenario, every problem
//! located), [`shifts`] (a block's shifts, the lanes they open, the smallest cover of the
//! minimum), [`search`] (greedy marginal allocation after Fox (1966), then pairwise
//! exchange; exhaustive enumeration for small checks), [`run`] (candidates as
//! `[[override]]` policies, simulated on common random numbers, the best compared with the
//! scenario's own schedule by `compare`'s paired differences).
//!
//! Library code: no files, no clock, no terminal; the caller reads the files (and any traces
//! through a [`bordersim_config::FileReader`]).

#![warn(missing_docs)]

pub mod plan;
pub mod run;
pub mod search;
pub mod shifts;

#[cfg(test)]
mod tests;

pub use plan::{Plan, Target, parse_plan};
pub use run::{
    GroupSchedule, PlanningError, SearchProgress, Silent, StaffingOutcome, StaffingReport,
    optimise_staffing,
};
pub use search::{Candidate, SearchOutcome, all_candidates, greedy_then_exchange};
pub use shifts::{Block, CoverError};
