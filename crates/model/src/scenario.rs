//! The validated description of what to simulate ([`Scenario`]): a crossing and the run's
//! timing.
//!
//! These types are built by `bordersim-config` from a file, or directly by code (tests,
//! benches). [`Crossing::new`] checks the structural rules (routing probabilities, exits
//! reachable, a lane for every vehicle), so an engine handed a `Scenario` never meets an
//! impossible model.
//!
//! The parts of a scenario live in their own modules and are re-exported here, so
//! `scenario::Station` and the like keep working.

use bordersim_des::SimTime;

pub use crate::crossing::{
    Crossing, DEFAULT_MAX_IN_SYSTEM, DEFAULT_SERIES_BIN_MS, EventKind, HourlyFactor, InitialQueue,
    Link, Node, Operations, OperationsError, OperationsItem, ScenarioEvent,
};
pub use crate::ids::{ClassId, DirectionId, ProgrammeId, StationId, decode_queue_key};
pub use crate::source::{Arrivals, Source, TraceArrival};
pub use crate::station::{
    LaneGroup, LaneRule, PreLodged, Route, Station, Storage, StorageLimit, Target, WhenFull,
    branches_for, lane_filter_matches,
};
pub use crate::validation::{ModelError, PROBABILITY_SUM_TOLERANCE, Place};

use crate::population::Population;

/// Everything needed to run: the crossing and the run's timing.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name of the scenario (reports carry it).
    pub name: String,
    /// What is simulated.
    pub crossing: Crossing,
    /// The run ends here (absolute simulation time, warm-up included).
    pub horizon: SimTime,
    /// Statistics are reset at this time; must be shorter than the horizon.
    pub warmup: SimTime,
    /// Default number of replications (the CLI may override).
    pub replications: u32,
    /// Default master seed (the CLI may override).
    pub seed: u64,
    /// Day of the week at time zero (0 = Monday … 6 = Sunday); time zero is midnight.
    pub start_weekday: u8,
}

impl Scenario {
    /// Who crosses (the crossing's population).
    pub fn population(&self) -> &Population {
        self.crossing.population()
    }

    /// The class named `id`, if any.
    pub fn class_id(&self, id: &str) -> Option<ClassId> {
        self.population().class_id(id)
    }

    /// The station named `id`, if any.
    pub fn station_id(&self, id: &str) -> Option<StationId> {
        self.crossing
            .stations()
            .iter()
            .position(|s| s.id == id)
            .map(|i| StationId(i as u32))
    }

    /// The length of the observation window (horizon minus warm-up).
    pub fn observed(&self) -> SimTime {
        self.horizon - self.warmup
    }

    /// Offered load per open server of each station (see [`Crossing::offered_loads`]).
    pub fn offered_loads(&self) -> Vec<f64> {
        self.crossing.offered_loads(self.horizon)
    }

    /// [`Crossing::wait_until_open`] with this scenario's start weekday: minutes from the
    /// middle of each hour of the first day until a lane of `entry` that may serve `class`
    /// is open.
    pub fn wait_until_open(&self, entry: StationId, class: ClassId) -> [f64; 24] {
        self.crossing
            .wait_until_open(entry, class, self.start_weekday)
    }

    /// [`Crossing::empty_minutes`] with this scenario's horizon: expected minutes of service
    /// through the crossing for one vehicle of `class` alone, entering at `entry`.
    pub fn empty_minutes(&self, entry: StationId, class: ClassId) -> f64 {
        self.crossing.empty_minutes(entry, class, self.horizon)
    }
}
