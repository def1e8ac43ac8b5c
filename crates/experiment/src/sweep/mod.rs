//! Results that merge exactly across runs: a [`Summary`] of consecutive replications, and
//! their headline [`Measures`] for paired differences between the points of a sweep; a
//! region sweep's measures per point ([`region`]).

pub mod metrics;
pub mod paired;
pub mod region;
pub mod result;
pub mod summary;

pub use metrics::CapReached;
pub use paired::{Measures, PairedDifference};
pub use region::{
    RegionMeasure, RegionMeasureChange, RegionSweepPointView, RegionSweepView, region_changes,
    region_measures,
};
pub use result::{SweepAxis, SweepPoint, SweepResult};
pub use summary::{MergeError, Summary};
