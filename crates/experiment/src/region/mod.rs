//! The equilibrium of a border region: simulate every crossing with the flows assigned to
//! it, measure border times, let travellers respond (crossing choice and demand), average,
//! repeat.
//!
//! The math (logit, demand response, averaging, gap, trade accounting) is
//! `bordersim-trade`'s; this module runs the crossings. Each crossing keeps its stations and
//! lanes and loses its own sources: the region's flows become its sources, one per direction
//! and class, entering where the crossing's own vehicles of that direction enter.
//!
//! Common random numbers across iterations (and between a baseline and a reform): every
//! iteration runs the same seed and replications, and each regional source generates
//! arrivals by thinning candidates drawn at a peak rate that depends only on the region's
//! demand (the rate if every vehicle of that direction and class came through this crossing
//! with no delay), never on the current flows
//! ([`Arrivals::Thinned`](bordersim_model::Arrivals::Thinned)). A change of volume then only
//! adds or removes a few vehicles; every other vehicle keeps its arrival time and its draws.
//! The gap measures the model, not the noise.
//!
//! The pieces: [`run_region`] is the loop (`driver`); what each crossing is fed and what is
//! measured there is `feed` (asking the crossing model which lanes serve a class, when
//! they open and how long an empty crossing takes: [`bordersim_model::Crossing`]); the report types and their building are `report`; a baseline
//! against a reform is [`compare_regions`] (`compare`; each country's trade and transit in
//! it, `country_shift`); the money cost of border time and a
//! reform's users' benefit are `appraisal`;
//! the intervals of what the flows carry, from each replication's own border times, are
//! `intervals`.

mod appraisal;
mod compare;
mod country_shift;
mod driver;
mod feed;
mod intervals;
mod report;

use bordersim_model::ModelError;

use crate::ExperimentError;

pub use appraisal::{
    CrossingDelayCost, FlowBenefitReport, RegionAppraisal, RegionCosts, appraise, region_costs,
};
pub use bordersim_trade::{RegionCrossing, RegionModel};
pub use compare::{
    FlowShift, RegionComparison, RegionShift, SideShift, TradeShiftReport, compare_regions,
    compare_regions_with_progress,
};
pub use country_shift::{CountryShift, TradeChange};
pub use driver::{run_region, run_region_with_progress};
pub use feed::{
    MIN_HOURLY_OBSERVATIONS, border_time, candidate_peak, crossing_with_flows, regional_source,
};
pub use report::{
    CommodityTradeReport, CrossingTradeReport, FlowReport, HourlyFlow, IterationRecord,
    RegionOutcome, RegionReport, SideReport, TradeReport, direction_label,
};

/// Why a region could not be run to its equilibrium.
#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    /// A crossing's simulation failed.
    #[error("crossing `{crossing}`: {source}")]
    Run {
        /// The crossing's id in the region.
        crossing: String,
        /// Why its simulation failed.
        #[source]
        source: ExperimentError,
    },
    /// A crossing rebuilt with the region's flows as its sources is not a valid crossing.
    #[error("crossing `{crossing}` cannot take the region's flows: {}", list(.errors))]
    Model {
        /// The crossing's id in the region.
        crossing: String,
        /// Every problem the model found.
        errors: Vec<ModelError>,
    },
    /// A flow with demand has no crossing open to its class in its direction.
    #[error(
        "demand #{od} ({origin} → {destination}, {class}) has no open crossing: every crossing is closed to its class in its direction"
    )]
    NoOpenCrossing {
        /// Index of the flow into the region's demand.
        od: usize,
        /// The flow's origin zone id.
        origin: String,
        /// The flow's destination zone id.
        destination: String,
        /// The flow's class id.
        class: String,
    },
    /// [`RegionModel::max_iterations`] is zero.
    #[error("the equilibrium needs at least one iteration")]
    NoIterations,
    /// The caller cancelled the run ([`crate::Progress::cancelled`]) after an iteration.
    #[error("the run was cancelled")]
    Cancelled,
}

fn list(errors: &[ModelError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
