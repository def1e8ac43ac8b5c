//! Sources of vehicles: where they enter and how their arrivals are generated (Poisson, an
//! hourly profile by thinning, or a recorded trace).

use bordersim_des::SimTime;

use crate::ids::{ClassId, ProgrammeId, StationId};
use crate::schedule::RateProfile;

/// One recorded arrival to replay.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceArrival {
    /// When the vehicle arrives (absolute simulation time).
    pub time: SimTime,
    /// Its class.
    pub class: ClassId,
    /// `None`: drawn from the class's programme shares.
    pub programme: Option<ProgrammeId>,
}

/// How a source generates vehicles.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "a scenario has a handful of sources; boxing would only add an indirection"
)]
pub enum Arrivals {
    /// A homogeneous Poisson process of one class.
    Poisson {
        /// The class of every vehicle.
        class: ClassId,
        /// Mean arrivals per hour (positive).
        rate_per_hour: f64,
    },
    /// A non-homogeneous Poisson process of one class, rate by hour of day and day of week
    /// (simulated exactly, by thinning).
    Profile {
        /// The class of every vehicle.
        class: ClassId,
        /// Arrivals per hour by hour of day and day of week.
        profile: RateProfile,
    },
    /// Recorded arrivals, sorted by time, replayed as they are.
    Trace {
        /// The arrivals, sorted by time.
        arrivals: Vec<TraceArrival>,
    },
    /// A non-homogeneous Poisson process of one class, by thinning candidates drawn at a
    /// fixed `peak_per_hour` (at least the profile's highest rate). Unlike `Profile`, every
    /// candidate draws its acceptance uniform and its vehicle seed whether it is kept or not,
    /// so two processes with the same peak and the same source id differ only in which
    /// candidates they keep: raising a rate adds vehicles, lowering it removes some, and every
    /// other vehicle keeps its arrival time and everything drawn from its seed. Demand that
    /// changes between runs (a region's equilibrium iterations) is thereby compared on common
    /// random numbers. The profile may be zero everywhere (no vehicles).
    Thinned {
        /// The class of every vehicle.
        class: ClassId,
        /// Candidate arrivals per hour (at least the profile's highest rate).
        peak_per_hour: f64,
        /// Arrivals per hour by hour of day and day of week.
        profile: RateProfile,
    },
}

impl Arrivals {
    /// The long-run mean rate of a generated process; `None` for a recorded trace (whose
    /// rate depends on the horizon it is spread over).
    pub fn mean_rate_per_hour(&self) -> Option<f64> {
        match self {
            Arrivals::Poisson { rate_per_hour, .. } => Some(*rate_per_hour),
            Arrivals::Profile { profile, .. } => Some(profile.mean_rate_per_hour()),
            Arrivals::Trace { .. } => None,
            Arrivals::Thinned { profile, .. } => Some(profile.mean_rate_per_hour()),
        }
    }
}

/// Vehicles entering the crossing at one station. Each source owns a named random stream, so
/// adding a source never changes the vehicles of another.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Name of the source (keys its random stream).
    pub id: String,
    /// The station its vehicles enter at.
    pub entry: StationId,
    /// How its vehicles arrive.
    pub arrivals: Arrivals,
}

impl Source {
    /// A Poisson source of one class.
    pub fn poisson(
        id: impl Into<String>,
        class: ClassId,
        rate_per_hour: f64,
        entry: StationId,
    ) -> Self {
        Source {
            id: id.into(),
            entry,
            arrivals: Arrivals::Poisson {
                class,
                rate_per_hour,
            },
        }
    }

    /// Long-run mean arrivals per hour of each class (indexed by class, `classes` long); a
    /// trace's arrivals in the run window [0, `horizon`) are spread over `horizon` (rows at
    /// or after it are never replayed).
    pub fn mean_rates_per_hour(&self, classes: usize, horizon: SimTime) -> Vec<f64> {
        let mut rates = vec![0.0; classes];
        match &self.arrivals {
            Arrivals::Poisson {
                class,
                rate_per_hour,
            } => rates[class.index()] += rate_per_hour,
            Arrivals::Profile { class, profile } => {
                rates[class.index()] += profile.mean_rate_per_hour()
            }
            Arrivals::Thinned { class, profile, .. } => {
                rates[class.index()] += profile.mean_rate_per_hour()
            }
            Arrivals::Trace { arrivals } => {
                let hours = horizon.as_hours_f64().max(1e-9);
                for a in arrivals.iter().filter(|a| a.time < horizon) {
                    if a.class.index() < classes {
                        rates[a.class.index()] += 1.0 / hours;
                    }
                }
            }
        }
        rates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_rate_counts_only_the_rows_the_run_replays() {
        // Rows at 0, 30 min and 1 h, a 1 h horizon: the row at the horizon is not replayed,
        // so two arrivals in one hour.
        let row = |mins: u64, class: u16| TraceArrival {
            time: SimTime::from_mins(mins),
            class: ClassId(class),
            programme: None,
        };
        let source = Source {
            id: "trace".into(),
            entry: StationId(0),
            arrivals: Arrivals::Trace {
                arrivals: vec![row(0, 0), row(30, 1), row(60, 0)],
            },
        };
        assert_eq!(
            source.mean_rates_per_hour(2, SimTime::from_hours(1)),
            vec![1.0, 1.0]
        );
        assert_eq!(
            source.mean_rates_per_hour(2, SimTime::from_hours(2)),
            vec![1.0, 0.5]
        );
    }
}
