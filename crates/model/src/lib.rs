//! The border domain: vehicle classes, stations, routes, sources, and the engine that runs
//! them on the `bordersim-des` kernel.
//!
//! A crossing is a graph of queueing stations ([`Crossing`]). [`run_replication`] simulates
//! one replication of a [`Scenario`] and returns its [`ReplicationStats`]; running several
//! replications and summarising them is `bordersim-experiment`'s job.

pub mod dist;

pub mod scenario;

pub use dist::{DistError, Sampler, ServiceDist};

pub use scenario::{
    ArrivalProcess, ClassFilter, ClassId, Crossing, Link, ModelError, Node,
    PROBABILITY_SUM_TOLERANCE, Route, Scenario, Source, Station, StationId, Target, VehicleClass,
    branches_for,
};

mod engine;
mod stats;

pub use engine::{CompiledScenario, run_replication};
pub use stats::{ClassStats, ReplicationStats, StationStats, VehicleCounts};
