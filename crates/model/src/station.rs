//! A station and its parts: lane groups (with their schedule or lane rule), storage (the
//! queue's capacity and what happens when it is full), routes to the next station, and the
//! treatment of pre-lodged vehicles and merged controls.

use bordersim_des::SimTime;

use crate::dist::ServiceDist;
use crate::ids::{ClassId, DirectionId, ProgrammeId, StationId};
use crate::population::{VehicleFilter, VehicleKey};
use crate::schedule::{HOURS_PER_WEEK, LaneSchedule};

/// Where a vehicle goes after a station.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Goes on to this station.
    Station(StationId),
    /// Leaves the crossing.
    Exit,
}

/// One branch out of a station: the vehicles matching `when` go to `to` with `probability`.
///
/// For a vehicle, the branches whose filter matches it and that are the most specific among
/// those (constrain the most of class, programme, channel) apply; their probabilities must sum
/// to 1. A station without any applicable branch sends the vehicle to the exit.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The vehicles this branch applies to.
    pub when: VehicleFilter,
    /// Where they go.
    pub to: Target,
    /// Probability of this branch, in [0, 1].
    pub probability: f64,
}

/// Servers of a station that share a schedule and serve the same vehicles: e.g. 8 general
/// booths and 2 FAST booths.
///
/// # Which lane a vehicle takes
///
/// The order of a station's lane groups (of its `[[stations.lanes]]` blocks) never matters.
/// A vehicle finding several lanes free takes, in this order of preference:
///
/// 1. a lane of a group that serves it as its own (`serves` matches it) before a lane of a
///    group that only takes it because it shares when idle;
/// 2. among those, the group serving the fewest kinds of vehicle (class × programme): a
///    group dedicated to it — a FAST booth for a FAST truck — before a general one;
/// 3. then the group with the lowest utilisation, busy lanes / open lanes, so that
///    equivalent groups share the work; then the group with more lanes open;
/// 4. then a fixed comparison of what the groups are (the kinds they serve, sharing,
///    schedule, lane rule). Groups equal in all of these differ only by name and are
///    interchangeable: every vehicle's times are the same whichever takes it.
///
/// A lane that frees takes the waiting vehicle it serves with the highest class priority,
/// then the one that came first; a group that shares when idle takes another group's
/// vehicle only when none of its own waits. When lanes of several groups free at once (a
/// schedule boundary, a lane rule's review), the waiting vehicles take them in that same
/// order of service, each the free lane it prefers by the rule above, and a vehicle borrows
/// a lane that shares when idle only once no waiting vehicle has a free lane of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneGroup {
    /// Name of the group, unique within its station.
    pub id: String,
    /// The vehicles these lanes serve (the channel dimension is not used for lanes).
    pub serves: VehicleFilter,
    /// Whether an idle lane of this group takes other traffic when none of its own waits
    /// (the "open the FAST lane to everyone" question). Other traffic takes such a lane
    /// only when no lane of its own is free.
    pub share_when_idle: bool,
    /// Lanes open by hour (under a lane rule: a constant, the lanes open at the start).
    pub schedule: LaneSchedule,
    /// Opens and closes lanes by the wait instead of by the clock; the schedule (then a
    /// constant) gives the lanes open at the start.
    pub rule: Option<LaneRule>,
}

/// Automatic lane opening and closing, as in the SANDAG Otay Mesa East model: at every
/// review, one more lane opens if the median wait of the vehicles this group served since
/// the last review exceeds `max_wait` (and fewer than `max_lanes` are open), one closes if it
/// is below `min_wait` (and more than `min_lanes` are open). With no vehicle served since the
/// last review, the wait of the longest-waiting vehicle the group serves stands in (zero if
/// none waits).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaneRule {
    /// Below this median wait a lane closes.
    pub min_wait: SimTime,
    /// Above this median wait a lane opens.
    pub max_wait: SimTime,
    /// Fewest lanes the rule keeps open.
    pub min_lanes: u32,
    /// Most lanes the rule opens.
    pub max_lanes: u32,
    /// Time between reviews (the first at this time after the start).
    pub review: SimTime,
}

impl LaneRule {
    /// Why the rule cannot work with `starting_lanes` open at the start, if it cannot (a
    /// sentence for an error message).
    pub fn problem(&self, starting_lanes: u32) -> Option<String> {
        if self.min_wait > self.max_wait {
            return Some(format!(
                "min_wait ({} s) must not exceed max_wait ({} s)",
                self.min_wait.as_secs_f64(),
                self.max_wait.as_secs_f64()
            ));
        }
        if self.max_lanes == 0 || self.min_lanes > self.max_lanes {
            return Some(format!(
                "need 0 <= min_lanes <= max_lanes and max_lanes >= 1, got {} and {}",
                self.min_lanes, self.max_lanes
            ));
        }
        if self.review == SimTime::ZERO {
            return Some("the review interval must be longer than 0".into());
        }
        if !(self.min_lanes..=self.max_lanes).contains(&starting_lanes) {
            return Some(format!(
                "the lanes open at the start ({starting_lanes}) must be within min_lanes ({}) \
                 and max_lanes ({})",
                self.min_lanes, self.max_lanes
            ));
        }
        None
    }
}

/// What a vehicle whose declaration was lodged before arrival does at a station.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum PreLodged {
    /// The same as any other vehicle.
    #[default]
    Same,
    /// Passes without stopping: its documents were processed before it arrived.
    Skip,
    /// Its service time here is multiplied by this factor (in (0, 1] to shorten it).
    Scale(f64),
}

impl LaneGroup {
    /// `servers` lanes serving everyone, always open.
    pub fn general(servers: u32) -> Self {
        LaneGroup {
            id: "lanes".into(),
            serves: VehicleFilter::any(),
            share_when_idle: false,
            schedule: LaneSchedule::Constant(servers),
            rule: None,
        }
    }
}

/// How much queue a station can hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StorageLimit {
    /// The queue never fills.
    Unlimited,
    /// At most this many vehicles wait (vehicles in service not counted).
    Vehicles(u32),
    /// Road length; each vehicle takes its class's `length_m`.
    Metres(f64),
}

/// What happens to a vehicle that finds the queue full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenFull {
    /// It waits upstream, outside the facility, and enters when there is room (FIFO).
    Spillback,
    /// It leaves without being served (lost, counted).
    Balk,
    /// Blocking after service: a vehicle coming from another station's lane stays in that
    /// lane (the lane stays occupied, its next vehicle waits) until this queue has room, in
    /// one first-come line with the vehicles waiting on the road; a vehicle arriving from
    /// outside the crossing waits on the road, as with [`WhenFull::Spillback`]. Stations
    /// that block must not form a route cycle in which every station blocks (they could all
    /// wait for each other for ever); [`Crossing::new`](crate::Crossing::new) rejects one.
    Block,
}

/// A station's queue storage: its capacity and what a vehicle finding it full does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Storage {
    /// How much queue the station holds.
    pub limit: StorageLimit,
    /// What a vehicle finding it full does.
    pub when_full: WhenFull,
}

impl Storage {
    /// A queue that never fills.
    pub fn unlimited() -> Self {
        Storage {
            limit: StorageLimit::Unlimited,
            when_full: WhenFull::Spillback,
        }
    }
}

/// A queue plus servers (lanes, booths, scanners, officers, desks).
#[derive(Clone, Debug, PartialEq)]
pub struct Station {
    /// Name of the station, unique within its crossing (also keys its random streams).
    pub id: String,
    /// The direction of the vehicles it serves.
    pub direction: DirectionId,
    /// At least one group, in any order: which lane a vehicle takes does not depend on it
    /// (see [`LaneGroup`]); reports list the groups in this order.
    pub lanes: Vec<LaneGroup>,
    /// Service time for each class, indexed by [`ClassId`]; `None` for a class that never
    /// visits (a visit by such a class is a structural error caught by
    /// [`Crossing::new`](crate::Crossing::new)).
    pub service: Vec<Option<ServiceDist>>,
    /// Service time for the vehicles of a programme, whatever their class, indexed by
    /// [`ProgrammeId`]; overrides `service` (e.g. Ready lanes are faster because Ready
    /// travellers' documents are read remotely). Empty or `None`: no override.
    pub service_by_programme: Vec<Option<ServiceDist>>,
    /// Where vehicles go after service here (see [`Route`]).
    pub routes: Vec<Route>,
    /// The queue's capacity: the storage of every vehicle whose lane group has no storage
    /// of its own in `group_storage`.
    pub storage: Storage,
    /// Per lane group, indexed like `lanes`: the group's own approach storage (a dedicated
    /// approach lane, as for FAST or SENTRI). The vehicles a group with its own storage
    /// serves as its own queue there, in their own first-come line upstream, never behind a
    /// full general road; all other vehicles use `storage`. A vehicle kind belongs to at
    /// most one group's storage. Empty, shorter than `lanes`, or `None`: the station's
    /// storage.
    pub group_storage: Vec<Option<Storage>>,
    /// The end of service here releases the goods (TRS "release"); a vehicle's release is
    /// its exit if it passes no releasing station.
    pub releases: bool,
    /// What vehicles whose declaration was lodged before arrival do here.
    pub pre_lodged: PreLodged,
    /// This control's work is done at another station (a single window, a one-stop border
    /// post's joint control): vehicles pass here without stopping, on the same routes.
    pub merged_into: Option<StationId>,
    /// At a station other controls are merged into: the combined service time (its own plus
    /// theirs) is multiplied by this factor, for the duplication the merger removes.
    pub joint_service_factor: f64,
    /// Service time factor per programme, indexed by [`ProgrammeId`] (e.g. authorised
    /// operators' faster primary); empty or missing entries mean 1.
    pub service_factor_by_programme: Vec<f64>,
}

impl Station {
    /// A plain FIFO multi-server station: `servers` lanes for everyone, unlimited queue.
    pub fn simple(
        id: impl Into<String>,
        servers: u32,
        service: Vec<Option<ServiceDist>>,
        routes: Vec<Route>,
    ) -> Self {
        Station {
            id: id.into(),
            direction: DirectionId(0),
            lanes: vec![LaneGroup::general(servers)],
            service,
            service_by_programme: Vec::new(),
            routes,
            storage: Storage::unlimited(),
            group_storage: Vec::new(),
            releases: false,
            pre_lodged: PreLodged::Same,
            merged_into: None,
            joint_service_factor: 1.0,
            service_factor_by_programme: Vec::new(),
        }
    }

    /// The service time of vehicles of `class` in `programme`: the programme's override,
    /// else the class's.
    pub fn service_for(&self, class: ClassId, programme: ProgrammeId) -> Option<&ServiceDist> {
        self.service_by_programme
            .get(programme.index())
            .and_then(Option::as_ref)
            .or_else(|| self.service.get(class.index()).and_then(Option::as_ref))
    }

    /// The own storage of lane group `group`, if it has one.
    pub fn storage_of_group(&self, group: usize) -> Option<&Storage> {
        self.group_storage.get(group).and_then(Option::as_ref)
    }

    /// Every storage of the station: its own, then each lane group's own.
    pub fn storages(&self) -> impl Iterator<Item = &Storage> {
        std::iter::once(&self.storage).chain(self.group_storage.iter().flatten())
    }

    /// The lane groups with their own storage that serve vehicles of kind `key` as their own
    /// (validation allows at most one): the approach such a vehicle queues on. None: the
    /// station's storage.
    pub fn groups_storing(&self, key: VehicleKey) -> impl Iterator<Item = usize> + '_ {
        self.lanes.iter().enumerate().filter_map(move |(g, group)| {
            (self.storage_of_group(g).is_some() && lane_filter_matches(&group.serves, key))
                .then_some(g)
        })
    }

    /// Whether some storage of the station blocks when full ([`WhenFull::Block`]).
    pub fn blocks(&self) -> bool {
        self.storages().any(|s| s.when_full == WhenFull::Block)
    }

    /// The service-time factor of vehicles of `programme`.
    pub fn programme_service_factor(&self, programme: ProgrammeId) -> f64 {
        self.service_factor_by_programme
            .get(programme.index())
            .copied()
            .unwrap_or(1.0)
    }

    /// The most servers ever open at once (for a group under a lane rule, its `max_lanes`).
    /// Summed in `u64`: the groups' `u32` counts add up past `u32::MAX` without wrapping.
    pub fn max_servers(&self) -> u64 {
        let at = |g: &LaneGroup, hour: u64| -> u64 {
            u64::from(match &g.rule {
                Some(rule) => rule.max_lanes,
                None => g.schedule.servers_at(SimTime::from_hours(hour), 0),
            })
        };
        if self
            .lanes
            .iter()
            .all(|g| g.rule.is_some() || matches!(g.schedule, LaneSchedule::Constant(_)))
        {
            return self.lanes.iter().map(|g| at(g, 0)).sum();
        }
        (0..HOURS_PER_WEEK as u64)
            .map(|h| self.lanes.iter().map(|g| at(g, h)).sum::<u64>())
            .max()
            .unwrap_or(0)
    }

    /// Mean open servers over a week (for a group under a lane rule, its `max_lanes`: the
    /// capacity it can reach, as the load check needs).
    pub fn mean_servers(&self) -> f64 {
        // Summed in ascending order, so the lane groups' order in the file does not move
        // the last bit of the loads computed from it.
        let mut means: Vec<f64> = self
            .lanes
            .iter()
            .map(|g| match &g.rule {
                Some(rule) => f64::from(rule.max_lanes),
                None => g.schedule.mean(),
            })
            .collect();
        means.sort_by(f64::total_cmp);
        means.into_iter().sum()
    }
}

/// Whether a lane group with filter `filter` serves vehicles of kind `key`. Lanes ignore the
/// channel dimension.
pub fn lane_filter_matches(filter: &VehicleFilter, key: VehicleKey) -> bool {
    filter
        .classes
        .as_ref()
        .is_none_or(|c| c.contains(&key.class))
        && filter
            .programmes
            .as_ref()
            .is_none_or(|p| p.contains(&key.programme))
}

/// The targets a vehicle can move to from a station with these routes (positive probability).
pub(crate) fn moves(routes: &[Route], key: VehicleKey) -> impl Iterator<Item = Target> + '_ {
    let branches = branches_for(routes, key);
    let exit_by_default = branches.is_empty();
    branches
        .into_iter()
        .filter(|r| r.probability > 0.0)
        .map(|r| r.to)
        .chain(exit_by_default.then_some(Target::Exit))
}

/// The branches that apply to a vehicle: those matching it with the highest specificity.
pub fn branches_for(routes: &[Route], key: VehicleKey) -> Vec<&Route> {
    let best = routes
        .iter()
        .filter(|r| r.when.matches(key))
        .map(|r| r.when.specificity())
        .max();
    match best {
        None => Vec::new(),
        Some(s) => routes
            .iter()
            .filter(|r| r.when.matches(key) && r.when.specificity() == s)
            .collect(),
    }
}
