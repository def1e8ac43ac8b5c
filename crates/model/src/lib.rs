//! The border domain: vehicle classes, programmes, directions, stations with lane groups and
//! schedules, routes, sources, and the engine that runs them on the `bordersim-des` kernel.
//!
//! A crossing is a graph of queueing stations ([`Crossing`]). [`run_replication`] simulates
//! one replication of a [`Scenario`] and returns its [`ReplicationStats`]; running several
//! replications and summarising them is `bordersim-experiment`'s job.
//!
//! Where things live: typed indices in `ids`; who crosses in [`population`]; a station and
//! its parts (lane groups, lane rule, storage, routes) in `station`; sources in `source`;
//! the graph and the questions about it in `crossing`; structural errors and their checks in
//! `validation`; the scenario in [`scenario`]; the simulation in `engine`.

#![warn(missing_docs)]

pub mod abandoned;
pub mod appointments;
mod crossing;
pub mod dist;
mod engine;
mod ids;
pub mod log;
pub mod patience;
pub mod population;
pub mod scenario;
pub mod schedule;
mod source;
mod station;
pub mod stats;
#[cfg(test)]
mod testing;
mod validation;

pub use abandoned::AbandonmentStats;
pub use appointments::{Appointment, AppointmentError, AppointmentStats, WaitingAreaFull};
pub use dist::{DistError, Sampler, ServiceDist};
pub use engine::{
    CompiledScenario, growth_sample_times, run_replication, run_replication_logged, stopped_at_cap,
};
pub use log::{LogKind, LogRecord, NoLog, VehicleLog};
pub use patience::Patience;
pub use population::{
    Channel, DetectionRates, Direction, IdleEmissions, Population, Programme, StaffCostRate,
    VehicleClass, VehicleFilter, VehicleKey,
};
pub use scenario::{
    Arrivals, ClassId, Crossing, DEFAULT_MAX_IN_SYSTEM, DEFAULT_SERIES_BIN_MS, DirectionId,
    LaneGroup, LaneRule, Link, ModelError, Node, PROBABILITY_SUM_TOLERANCE, Place, PreLodged,
    ProgrammeId, Route, Scenario, Source, Station, StationId, Storage, StorageLimit, Target,
    TraceArrival, WhenFull, branches_for, decode_queue_key, lane_filter_matches,
};
pub use schedule::{HOURS_PER_WEEK, LaneSchedule, RateProfile, hour_of_day, hour_of_week};
pub use stats::{
    CellShape, Cells, ClassCounts, CountSum, LaneStats, ReplicationStats, StationStats,
    VehicleCounts,
};
