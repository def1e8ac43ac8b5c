//! A region ready to run: the trade model of [`Region`] together with a validated
//! simulation model of each of its crossings, and the settings of the equilibrium between
//! them.
//!
//! These are the validated inputs of the equilibrium driver (`bordersim-experiment`): a
//! file format builds them, the driver runs them, neither needs the other.

use bordersim_model::{ClassId, DirectionId, Scenario, StationId};

use crate::{Region, SIDES, StepRule};

/// How one crossing of the region is simulated.
#[derive(Clone, Debug)]
pub struct RegionCrossing {
    /// The crossing's id in the region.
    pub id: String,
    /// The crossing model with its run timing; its own sources are replaced by the
    /// region's flows, but they still give the default hour-of-day shape of each flow.
    pub scenario: Scenario,
    /// The crossing's direction taken by traffic leaving each side (`None`: it does not
    /// carry traffic that way).
    pub directions: [Option<DirectionId>; SIDES],
    /// Where the region's traffic leaving each side enters the crossing.
    pub entries: [Option<StationId>; SIDES],
    /// The crossing's class for each region class (`None`: it does not carry that class).
    pub classes: Vec<Option<ClassId>>,
    /// Closed by the region (e.g. not built): no share at all.
    pub closed: bool,
}

/// A region ready to run: the trade model and a simulation model for each crossing (in the
/// order of `region.crossings`).
#[derive(Clone, Debug)]
pub struct RegionModel {
    /// The trade model: zones, crossings as alternatives, demand, choice parameters.
    pub region: Region,
    /// One simulation model per crossing, in the order of `region.crossings`.
    pub crossings: Vec<RegionCrossing>,
    /// Hour-of-day shape of each flow (`region.demand` order; 24 weights summing to 1);
    /// `None`: the shape of the crossing's own source of that direction and class (flat if
    /// it has none).
    pub profiles: Vec<Option<[f64; 24]>>,
    /// Iterations of the equilibrium at most (each simulates every crossing).
    pub max_iterations: u32,
    /// The equilibrium is reached when the gap falls below this.
    pub tolerance: f64,
    /// How the successive averages step (see [`crate::averaging`]).
    pub averaging: StepRule,
}
