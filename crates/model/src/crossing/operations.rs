//! Operations on top of a crossing's weekly pattern: service-time factors by hour of day
//! (per station and per lane group), a standing queue at time zero, and events on dates and
//! times — lane outages, closures, demand surges and drops, slowdowns and date-specific
//! schedules ([`Operations`]). All optional: a crossing without them runs exactly as before.

use bordersim_des::SimTime;

use crate::ids::{ClassId, ProgrammeId, StationId};
use crate::population::VehicleKey;
use crate::source::Arrivals;
use crate::station::lane_filter_matches;

use super::Crossing;

/// Everything a crossing does beyond its weekly pattern (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Operations {
    /// Service-time factors by hour of day; a station's and its lane group's multiply.
    pub service_factors: Vec<HourlyFactor>,
    /// Vehicles standing in a queue at time zero.
    pub initial_queues: Vec<InitialQueue>,
    /// Events on dates and times, in the scenario's order.
    pub events: Vec<ScenarioEvent>,
}

impl Operations {
    /// Whether nothing is set: the crossing runs on its weekly pattern alone.
    pub fn is_empty(&self) -> bool {
        self.service_factors.is_empty() && self.initial_queues.is_empty() && self.events.is_empty()
    }
}

/// A factor on the service time of the vehicles starting service in each hour of the day
/// (0 = midnight to 01:00), at a station or at one of its lane groups: e.g. the processing
/// rates SANDAG calibrates hour by hour. The sampled service time is multiplied by it, so
/// each vehicle keeps its quantile.
#[derive(Clone, Debug, PartialEq)]
pub struct HourlyFactor {
    /// The station.
    pub station: StationId,
    /// One lane group (index in the station's `lanes`), or `None` for every group.
    pub group: Option<usize>,
    /// Factor per hour of day, each positive and finite.
    pub by_hour: [f64; 24],
}

/// Vehicles standing in a station's queue at time zero (SANDAG starts San Ysidro's general
/// lanes with 350 vehicles, Ready lanes with 600). They arrive at time zero, before any
/// other arrival of that instant, in one first-come line, and are counted as arrivals.
#[derive(Clone, Debug, PartialEq)]
pub struct InitialQueue {
    /// The station they queue at (not a merged one).
    pub station: StationId,
    /// The lane group whose vehicles they are (their kinds restricted to those it serves),
    /// or `None` for the whole station.
    pub group: Option<usize>,
    /// How many vehicles.
    pub vehicles: u32,
    /// Their class (programme and channel drawn as for any arrival); `None`: the mix of
    /// the sources entering at the station, weighted by their mean rates.
    pub class: Option<ClassId>,
}

/// An event on a date and time: what happens in the half-open window [`from`, `to`)
/// (absolute simulation times).
///
/// [`from`]: ScenarioEvent::from
/// [`to`]: ScenarioEvent::to
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioEvent {
    /// When it starts.
    pub from: SimTime,
    /// When it ends (after `from`).
    pub to: SimTime,
    /// What happens.
    pub kind: EventKind,
}

/// What an event does during its window.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// Lanes out of service (a lane or scanner breakdown): `lanes` fewer open in each of
    /// the groups concerned (never below zero), or all of them with `None`. A lane that
    /// fails finishes its vehicle.
    Outage {
        /// The station.
        station: StationId,
        /// One lane group, or `None` for every group.
        group: Option<usize>,
        /// How many lanes fail, or `None` for all.
        lanes: Option<u32>,
    },
    /// The station closes: no lane open in any group.
    Closure {
        /// The station.
        station: StationId,
    },
    /// Arrivals times `factor` (a surge above 1, a drop below 1), for vehicles of
    /// `classes` (`None`: every class) arriving in the window. A drop keeps each vehicle
    /// with probability `factor`, drawn from the vehicle's own seed, so the vehicles kept
    /// are those of the run without the event; a surge adds vehicles at `factor − 1` times
    /// the source's rate, from a stream of their own, so the vehicles of the run without
    /// the event are all there. A recorded trace is only thinned, never added to.
    Demand {
        /// Factor on the arrival rate, ≥ 0.
        factor: f64,
        /// The classes concerned, or `None` for every class.
        classes: Option<Vec<ClassId>>,
    },
    /// Service times times `factor` for vehicles starting service in the window (a systems
    /// outage), on top of any hourly factor.
    Slowdown {
        /// The station.
        station: StationId,
        /// One lane group, or `None` for every group.
        group: Option<usize>,
        /// Factor on service times, positive and finite.
        factor: f64,
    },
    /// A date-specific schedule (a holiday): in the window, the group's open lanes follow
    /// these hourly values (by hour of day) instead of the weekly pattern.
    Schedule {
        /// The station.
        station: StationId,
        /// The lane group (not under a lane rule).
        group: usize,
        /// Lanes open by hour of day.
        servers_by_hour: [u32; 24],
    },
}

impl EventKind {
    /// The station the event acts on, if it acts on one.
    pub fn station(&self) -> Option<StationId> {
        match self {
            EventKind::Outage { station, .. }
            | EventKind::Closure { station }
            | EventKind::Slowdown { station, .. }
            | EventKind::Schedule { station, .. } => Some(*station),
            EventKind::Demand { .. } => None,
        }
    }
}

/// Why operations do not fit a crossing: the item, and a sentence saying what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationsError {
    /// The item at fault.
    pub item: OperationsItem,
    /// What is wrong with it.
    pub message: String,
}

/// An item of [`Operations`], by its index in its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationsItem {
    /// `service_factors[i]`.
    ServiceFactor(usize),
    /// `initial_queues[i]`.
    InitialQueue(usize),
    /// `events[i]`.
    Event(usize),
}

impl std::fmt::Display for OperationsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, i) = match self.item {
            OperationsItem::ServiceFactor(i) => ("service factor", i),
            OperationsItem::InitialQueue(i) => ("initial queue", i),
            OperationsItem::Event(i) => ("event", i),
        };
        write!(f, "{what} {i}: {}", self.message)
    }
}

impl std::error::Error for OperationsError {}

impl Crossing {
    /// The crossing with these operations on top of its weekly pattern.
    ///
    /// # Errors
    ///
    /// Every problem found: a station or lane group that does not exist, a factor that is
    /// not positive and finite (a demand factor may be 0), an empty window, a standing
    /// queue at a merged station or of vehicles the station (or group) cannot serve, or one
    /// whose mix no source gives, a schedule for a group under a lane rule.
    pub fn with_operations(mut self, operations: Operations) -> Result<Self, Vec<OperationsError>> {
        let errors = self.check_operations(&operations);
        if !errors.is_empty() {
            return Err(errors);
        }
        self.operations = operations;
        Ok(self)
    }

    /// The operations on top of the weekly pattern.
    pub fn operations(&self) -> &Operations {
        &self.operations
    }

    /// The same crossing without its events (hourly factors and standing queues kept): the
    /// run a disruption is measured against, on the same vehicles.
    pub fn without_events(&self) -> Crossing {
        let mut c = self.clone();
        c.operations.events.clear();
        c
    }

    fn check_operations(&self, ops: &Operations) -> Vec<OperationsError> {
        let mut errors = Vec::new();
        let mut err = |item: OperationsItem, message: String| {
            errors.push(OperationsError { item, message });
        };
        let place = |station: StationId, group: Option<usize>| -> Result<(), String> {
            let Some(st) = self.stations.get(station.index()) else {
                return Err(format!("station {} does not exist", station.index()));
            };
            match group {
                Some(g) if g >= st.lanes.len() => Err(format!(
                    "station `{}` has no lane group {g} (it has {})",
                    st.id,
                    st.lanes.len()
                )),
                _ => Ok(()),
            }
        };
        for (i, f) in ops.service_factors.iter().enumerate() {
            if let Err(e) = place(f.station, f.group) {
                err(OperationsItem::ServiceFactor(i), e);
            }
            if let Some(bad) = f.by_hour.iter().find(|x| !(x.is_finite() && **x > 0.0)) {
                err(
                    OperationsItem::ServiceFactor(i),
                    format!("every hourly factor must be positive and finite, got {bad}"),
                );
            }
        }
        for (i, q) in ops.initial_queues.iter().enumerate() {
            if let Err(e) = place(q.station, q.group) {
                err(OperationsItem::InitialQueue(i), e);
                continue;
            }
            match self.initial_mix(q) {
                Ok(mix) => {
                    for (key, _) in mix {
                        if let Some(e) = self.onward_problem(q.station, key) {
                            err(OperationsItem::InitialQueue(i), e);
                            break;
                        }
                    }
                }
                Err(e) => err(OperationsItem::InitialQueue(i), e),
            }
        }
        for (i, e) in ops.events.iter().enumerate() {
            if e.from >= e.to {
                err(
                    OperationsItem::Event(i),
                    "it must end after it starts".into(),
                );
            }
            let (station, group) = match &e.kind {
                EventKind::Outage { station, group, .. }
                | EventKind::Slowdown { station, group, .. } => (Some(*station), *group),
                EventKind::Schedule { station, group, .. } => (Some(*station), Some(*group)),
                EventKind::Closure { station } => (Some(*station), None),
                EventKind::Demand { .. } => (None, None),
            };
            if let Some(station) = station
                && let Err(message) = place(station, group)
            {
                err(OperationsItem::Event(i), message);
                continue;
            }
            match &e.kind {
                EventKind::Demand { factor, classes } => {
                    if !(factor.is_finite() && *factor >= 0.0) {
                        err(
                            OperationsItem::Event(i),
                            format!("a demand factor must be 0 or more, got {factor}"),
                        );
                    }
                    if let Some(c) = classes
                        .iter()
                        .flatten()
                        .find(|c| c.index() >= self.population.classes.len())
                    {
                        err(
                            OperationsItem::Event(i),
                            format!("class {} does not exist", c.index()),
                        );
                    }
                }
                EventKind::Slowdown { factor, .. } if !(factor.is_finite() && *factor > 0.0) => {
                    err(
                        OperationsItem::Event(i),
                        format!("a slowdown factor must be positive and finite, got {factor}"),
                    );
                }
                EventKind::Schedule { station, group, .. }
                    if self.stations[station.index()].lanes[*group].rule.is_some() =>
                {
                    err(
                        OperationsItem::Event(i),
                        format!(
                            "lane group `{}` of station `{}` opens lanes by a lane rule; \
                         a schedule cannot replace it",
                            self.stations[station.index()].lanes[*group].id,
                            self.stations[station.index()].id
                        ),
                    );
                }
                _ => {}
            }
        }
        errors
    }

    /// Why vehicles of `key` (any channel) standing at `station` could not go on from
    /// there: a station they reach without a service time or a lane for them, or with no way
    /// to an exit.
    fn onward_problem(&self, station: StationId, key: VehicleKey) -> Option<String> {
        for key in self.possible_keys(key.class, Some(key.programme)) {
            let reached = self.stations_reached(key, &[station]);
            let can_exit = self.stations_leading_to_exit(key);
            for (i, _) in reached.iter().enumerate().filter(|(_, r)| **r) {
                let st = &self.stations[i];
                let served = st
                    .lanes
                    .iter()
                    .any(|g| g.share_when_idle || lane_filter_matches(&g.serves, key));
                if st.service_for(key.class, key.programme).is_none() || !served || !can_exit[i] {
                    return Some(format!(
                        "its vehicles of class `{}` go on to station `{}`, which has no service \
                         time, no lane or no way to an exit for them",
                        self.population.classes[key.class.index()].id,
                        st.id
                    ));
                }
            }
        }
        None
    }

    /// The kinds (class × programme queue keys, as [`VehicleKey`]s with the green channel)
    /// of a standing queue's vehicles, with their weights (summing to 1).
    ///
    /// # Errors
    ///
    /// A sentence when the queue stands at a merged station, when its class (or no class
    /// at all, for a mix) can be served by the station or group, or when no source enters
    /// at the station to give the mix.
    pub fn initial_mix(&self, q: &InitialQueue) -> Result<Vec<(VehicleKey, f64)>, String> {
        let st = &self.stations[q.station.index()];
        if st.merged_into.is_some() {
            return Err(format!(
                "station `{}` is merged into another: vehicles pass it without stopping, so no \
                 queue stands there",
                st.id
            ));
        }
        // Class weights: the given class, or the mean arrival rates of the sources
        // entering here.
        let mut class_weight = vec![0.0; self.population.classes.len()];
        match q.class {
            Some(c) if c.index() < class_weight.len() => class_weight[c.index()] = 1.0,
            Some(c) => return Err(format!("class {} does not exist", c.index())),
            None => {
                for src in self.sources.iter().filter(|s| s.entry == q.station) {
                    match &src.arrivals {
                        Arrivals::Poisson {
                            class,
                            rate_per_hour,
                        } => class_weight[class.index()] += rate_per_hour,
                        Arrivals::Profile { class, profile } => {
                            class_weight[class.index()] += profile.mean_rate_per_hour();
                        }
                        Arrivals::Thinned { class, profile, .. } => {
                            class_weight[class.index()] += profile.mean_rate_per_hour();
                        }
                        Arrivals::Trace { arrivals } => {
                            for a in arrivals {
                                class_weight[a.class.index()] += 1.0;
                            }
                        }
                    }
                }
            }
        }
        let mut mix = Vec::new();
        for (c, &w) in class_weight.iter().enumerate() {
            if w <= 0.0 {
                continue;
            }
            let class = &self.population.classes[c];
            for (p, &share) in class.programme_shares.iter().enumerate() {
                if share <= 0.0 {
                    continue;
                }
                let key = VehicleKey {
                    class: ClassId(c as u16),
                    programme: ProgrammeId(p as u8),
                    channel: crate::population::Channel::Green,
                };
                let served = match q.group {
                    Some(g) => lane_filter_matches(&st.lanes[g].serves, key),
                    None => st
                        .lanes
                        .iter()
                        .any(|g| g.share_when_idle || lane_filter_matches(&g.serves, key)),
                };
                if served && st.service_for(key.class, key.programme).is_some() {
                    mix.push((key, w * share));
                }
            }
        }
        let total: f64 = mix.iter().map(|(_, w)| w).sum();
        if mix.is_empty() || total <= 0.0 || !total.is_finite() {
            let whose = match q.group {
                Some(g) => format!("lane group `{}` of station `{}`", st.lanes[g].id, st.id),
                None => format!("station `{}`", st.id),
            };
            return Err(match q.class {
                Some(c) => format!(
                    "{whose} cannot serve vehicles of class `{}` (no lane or no service time for \
                     them)",
                    self.population.classes[c.index()].id
                ),
                None => format!(
                    "no source enters at station `{}` with vehicles {whose} serves: give the \
                     queue's `class`",
                    st.id
                ),
            });
        }
        for (_, w) in &mut mix {
            *w /= total;
        }
        Ok(mix)
    }
}
