//! What one replication measures. Fixed-size: memory depends on the model (stations, lane
//! groups, vehicle kinds), never on the number of vehicles.
//!
//! Delay observations are kept per *cell*: one (class, programme, channel) combination at a
//! station, or one (direction, class, programme, channel) combination for whole-crossing
//! times. Each observation is recorded once, in its cell; every breakdown a report needs (by
//! class, by channel, by direction, overall) is a merge of cells. A cell allocates only when
//! it first records, so combinations that never occur cost nothing.

use bordersim_stats::{Tally, TimeWeighted};

use crate::ids::{ClassId, DirectionId, ProgrammeId};
use crate::population::Channel;

/// Vehicle counts over the observation window (after warm-up). Conservation:
/// `in_system_at_start + arrived == departed + balked + in_system_at_end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VehicleCounts {
    /// In the system when the window opened (at the end of warm-up).
    pub in_system_at_start: u64,
    /// Arrived in the window.
    pub arrived: u64,
    /// Left the crossing in the window.
    pub departed: u64,
    /// Left unserved (found a full queue) in the window.
    pub balked: u64,
    /// In the system when the window closed (at the horizon).
    pub in_system_at_end: u64,
}

impl VehicleCounts {
    /// Whether `in_system_at_start + arrived == departed + balked + in_system_at_end`.
    pub fn is_conserved(&self) -> bool {
        self.in_system_at_start + self.arrived
            == self.departed + self.balked + self.in_system_at_end
    }

    /// Adds `other`'s counts to these (for totals over replications).
    pub fn add(&mut self, other: &VehicleCounts) {
        self.in_system_at_start += other.in_system_at_start;
        self.arrived += other.arrived;
        self.departed += other.departed;
        self.balked += other.balked;
        self.in_system_at_end += other.in_system_at_end;
    }
}

/// The shape of the cell tables: how many classes, programmes and directions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellShape {
    /// Number of vehicle classes.
    pub classes: usize,
    /// Number of programmes.
    pub programmes: usize,
    /// Number of directions.
    pub directions: usize,
}

impl CellShape {
    /// Cells of a station table: class × programme × channel.
    pub fn station_cells(&self) -> usize {
        self.classes * self.programmes * 3
    }

    /// Cells of the whole-crossing table: direction × class × programme × channel.
    pub fn system_cells(&self) -> usize {
        self.directions * self.station_cells()
    }

    /// The station cell of (class, programme, channel) indices.
    #[inline]
    pub fn station_cell(&self, class: usize, programme: usize, channel: usize) -> usize {
        (class * self.programmes + programme) * 3 + channel
    }

    /// The whole-crossing cell of (direction, class, programme, channel) indices.
    #[inline]
    pub fn system_cell(
        &self,
        direction: usize,
        class: usize,
        programme: usize,
        channel: usize,
    ) -> usize {
        direction * self.station_cells() + self.station_cell(class, programme, channel)
    }

    /// The (class, programme, channel) of a station cell.
    pub fn decode_station_cell(&self, cell: usize) -> (ClassId, ProgrammeId, Channel) {
        let channel = cell % 3;
        let rest = cell / 3;
        (
            ClassId((rest / self.programmes) as u16),
            ProgrammeId((rest % self.programmes) as u8),
            Channel::from_index(channel),
        )
    }

    /// The (direction, class, programme, channel) of a system cell.
    pub fn decode_system_cell(&self, cell: usize) -> (DirectionId, ClassId, ProgrammeId, Channel) {
        let d = cell / self.station_cells();
        let (c, p, ch) = self.decode_station_cell(cell % self.station_cells());
        (DirectionId(d as u8), c, p, ch)
    }
}

/// One tally per cell. An unused cell holds an empty tally, which allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct Cells(Vec<Tally>);

impl Cells {
    /// `n` empty cells.
    pub fn new(n: usize) -> Self {
        Cells(vec![Tally::new(); n])
    }

    /// Records a duration of `value_ms` ms in `cell`.
    #[inline]
    pub fn record(&mut self, cell: usize, value_ms: u64) {
        self.0[cell].record(value_ms);
    }

    /// The cell's tally, if it has observations.
    pub fn get(&self, cell: usize) -> Option<&Tally> {
        self.0.get(cell).filter(|t| t.count() > 0)
    }

    /// The cells with observations, with their index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Tally)> {
        self.0.iter().enumerate().filter(|(_, t)| t.count() > 0)
    }

    /// Everything in the cells selected by `keep`, merged.
    pub fn merged(&self, mut keep: impl FnMut(usize) -> bool) -> Tally {
        let mut all = Tally::new();
        for (i, t) in self.iter() {
            if keep(i) {
                all.merge(t);
            }
        }
        all
    }

    fn reset(&mut self) {
        self.0.iter_mut().for_each(Tally::reset);
    }
}

/// One lane group over the observation window.
#[derive(Clone, Debug, Default)]
pub struct LaneStats {
    /// Servers busy.
    pub busy: TimeWeighted,
    /// Servers open by schedule.
    pub open: TimeWeighted,
    /// Servers staffed: open by schedule, or still finishing a vehicle after closing.
    pub staffed: TimeWeighted,
    /// Vehicles that finished service on this group's lanes.
    pub served: u64,
    /// Lanes opened by the group's lane rule.
    pub rule_openings: u64,
    /// Lanes closed by the group's lane rule.
    pub rule_closings: u64,
}

/// One station over the observation window.
#[derive(Clone, Debug)]
pub struct StationStats {
    /// Waiting time in queue (end of queue to start of service), per station cell.
    pub waits: Cells,
    /// Time at the stage (end of queue to end of service), per station cell.
    pub stages: Cells,
    /// Vehicles in queue inside the facility (not in service, not spilled back).
    pub queue_length: TimeWeighted,
    /// Servers busy, all lane groups together.
    pub busy_servers: TimeWeighted,
    /// Servers open by schedule, all lane groups together.
    pub open_servers: TimeWeighted,
    /// Per lane group, in the station's order.
    pub lanes: Vec<LaneStats>,
    /// Vehicles that finished service here.
    pub served: u64,
    /// Vehicles that passed without stopping (pre-lodged ones skipping it, or all at a
    /// merged control; not counted in `entered`).
    pub passed: u64,
    /// Vehicles that came to this station (including those that balked or spilled back).
    pub entered: u64,
    /// Vehicles that found the queue full and waited upstream.
    pub spilled: u64,
    /// Vehicles that found the queue full and left.
    pub balked: u64,
    /// Time spent waiting upstream of a full queue.
    pub time_outside: Tally,
    /// Vehicles waiting upstream.
    pub outside_vehicles: TimeWeighted,
    /// Length of the queue upstream of the facility, centimetres.
    pub outside_length_cm: TimeWeighted,
    /// Blocking after service: how long each vehicle served here stayed in its lane after
    /// its service because the next station's storage was full, per station cell (only
    /// vehicles that were held; recorded when the lane frees).
    pub blocked: Cells,
    /// Lanes held by vehicles blocked after their service (counted in `busy_servers` too:
    /// a held lane cannot serve).
    pub blocked_servers: TimeWeighted,
    /// Waiting time in queue by (lane group served in, vehicle kind, hour of day the vehicle
    /// joined the queue), at [`StationStats::hourly_index`]: the hourly waits a calibration
    /// compares with observed ones.
    pub hourly_waits: Cells,
    /// Vehicles that finished service, by (lane group, vehicle kind, hour of day of the end
    /// of service), at [`StationStats::hourly_index`]: throughput per hour.
    pub hourly_served: Vec<u64>,
}

impl StationStats {
    /// Empty statistics for a station with `lane_groups` lane groups.
    pub fn new(shape: CellShape, lane_groups: usize) -> Self {
        StationStats {
            waits: Cells::new(shape.station_cells()),
            stages: Cells::new(shape.station_cells()),
            queue_length: TimeWeighted::new(),
            busy_servers: TimeWeighted::new(),
            open_servers: TimeWeighted::new(),
            lanes: vec![LaneStats::default(); lane_groups],
            served: 0,
            passed: 0,
            entered: 0,
            spilled: 0,
            balked: 0,
            time_outside: Tally::new(),
            outside_vehicles: TimeWeighted::new(),
            outside_length_cm: TimeWeighted::new(),
            blocked: Cells::new(shape.station_cells()),
            blocked_servers: TimeWeighted::new(),
            hourly_waits: Cells::new(lane_groups * shape.classes * shape.programmes * 24),
            hourly_served: vec![0; lane_groups * shape.classes * shape.programmes * 24],
        }
    }

    /// The index into [`hourly_waits`](Self::hourly_waits) and
    /// [`hourly_served`](Self::hourly_served) of lane group `group`, vehicle kind `kind`
    /// (`class * programmes + programme`, a station cell divided by its 3 channels) and hour
    /// of day `hour` (0–23), for a shape with `kinds` vehicle kinds.
    #[inline]
    pub fn hourly_index(kinds: usize, group: usize, kind: usize, hour: usize) -> usize {
        (group * kinds + kind) * 24 + hour
    }

    /// Waiting times of every vehicle together.
    pub fn wait(&self) -> Tally {
        self.waits.merged(|_| true)
    }

    /// Most servers open at once over the window, all lane groups together.
    pub fn max_open_servers(&self) -> u64 {
        self.open_servers.max()
    }

    /// Staffed server-time over the window, server·ms.
    pub fn staffed_area(&self, end_ms: u64) -> u128 {
        self.lanes
            .iter()
            .map(|l| l.staffed.area_until(end_ms))
            .sum()
    }

    fn reset(&mut self, now_ms: u64) {
        self.waits.reset();
        self.stages.reset();
        self.queue_length.reset(now_ms);
        self.busy_servers.reset(now_ms);
        self.open_servers.reset(now_ms);
        for l in &mut self.lanes {
            l.busy.reset(now_ms);
            l.open.reset(now_ms);
            l.staffed.reset(now_ms);
            l.served = 0;
            l.rule_openings = 0;
            l.rule_closings = 0;
        }
        self.served = 0;
        self.passed = 0;
        self.entered = 0;
        self.spilled = 0;
        self.balked = 0;
        self.time_outside.reset();
        self.outside_vehicles.reset(now_ms);
        self.outside_length_cm.reset(now_ms);
        self.blocked.reset();
        self.blocked_servers.reset(now_ms);
        self.hourly_waits.reset();
        self.hourly_served.iter_mut().for_each(|n| *n = 0);
    }
}

/// How many durations were observed and their total, for a mean without a histogram.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CountSum {
    /// Number of durations.
    pub count: u64,
    /// Their total, ms.
    pub sum_ms: u64,
}

impl CountSum {
    /// Records a duration of `ms` ms.
    #[inline]
    pub fn record(&mut self, ms: u64) {
        self.count += 1;
        self.sum_ms += ms;
    }

    /// Adds `other`'s observations.
    pub fn add(&mut self, other: CountSum) {
        self.count += other.count;
        self.sum_ms += other.sum_ms;
    }

    /// The mean duration, ms; `None` without observations.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_ms as f64 / self.count as f64)
    }
}

/// Counts per vehicle class over the observation window.
#[derive(Clone, Debug, Default)]
pub struct ClassCounts {
    /// Arrived in the window.
    pub arrived: u64,
    /// Left the crossing in the window.
    pub departed: u64,
    /// Left unserved in the window.
    pub balked: u64,
}

/// Everything one replication measured.
#[derive(Clone, Debug)]
pub struct ReplicationStats {
    /// Index of the replication.
    pub replication: u64,
    /// The shape of the cell tables.
    pub shape: CellShape,
    /// Start and end of the observation window, ms.
    pub window_start_ms: u64,
    /// End of the observation window (the horizon), ms.
    pub window_end_ms: u64,
    /// Per station, indexed by [`StationId`](crate::StationId).
    pub stations: Vec<StationStats>,
    /// Per class, indexed by [`ClassId`].
    pub classes: Vec<ClassCounts>,
    /// Arrivals per direction.
    pub direction_arrivals: Vec<u64>,
    /// Vehicles that left in the window whose declaration was lodged before arrival, per
    /// direction.
    pub pre_lodged_exits: Vec<u64>,
    /// Vehicles that left in the window whose goods were released on arrival (pre-lodged,
    /// green), per direction.
    pub released_on_arrival: Vec<u64>,
    /// Arrival to release, per system cell.
    pub release: Cells,
    /// Arrival to exit, per system cell.
    pub exit: Cells,
    /// Arrival to release by direction × hour of day of arrival (index `d * 24 + h`).
    pub release_by_hour: Cells,
    /// Arrival to exit by direction × class × hour of day of arrival (index
    /// `(d * classes + c) * 24 + h`): the border time a regional crossing choice sees,
    /// recorded only when a regional source feeds the crossing (all zero otherwise). Only
    /// counts and sums: a histogram per hour would cost cache space on every exit for
    /// percentiles nobody reads.
    pub exit_by_hour: Vec<CountSum>,
    /// Vehicle counts (conservation holds, see [`VehicleCounts`]).
    pub vehicles: VehicleCounts,
    /// Events processed over the whole run (warm-up included).
    pub events: u64,
    /// Vehicles in the crossing at the three times of
    /// [`growth_sample_times`](crate::growth_sample_times): a count that keeps growing
    /// across them is a crossing that cannot keep up.
    pub in_system_samples: [u64; 3],
}

impl ReplicationStats {
    pub(crate) fn new(replication: u64, shape: CellShape, lane_groups: &[usize]) -> Self {
        ReplicationStats {
            replication,
            shape,
            window_start_ms: 0,
            window_end_ms: 0,
            stations: lane_groups
                .iter()
                .map(|&g| StationStats::new(shape, g))
                .collect(),
            classes: vec![ClassCounts::default(); shape.classes],
            direction_arrivals: vec![0; shape.directions],
            pre_lodged_exits: vec![0; shape.directions],
            released_on_arrival: vec![0; shape.directions],
            release: Cells::new(shape.system_cells()),
            exit: Cells::new(shape.system_cells()),
            release_by_hour: Cells::new(shape.directions * 24),
            exit_by_hour: vec![CountSum::default(); shape.directions * shape.classes * 24],
            vehicles: VehicleCounts::default(),
            events: 0,
            in_system_samples: [0; 3],
        }
    }

    /// Opens the observation window at `now_ms` with `in_system` vehicles present.
    pub(crate) fn reset(&mut self, now_ms: u64, in_system: u64) {
        self.window_start_ms = now_ms;
        self.stations.iter_mut().for_each(|s| s.reset(now_ms));
        self.classes
            .iter_mut()
            .for_each(|c| *c = ClassCounts::default());
        self.direction_arrivals.iter_mut().for_each(|a| *a = 0);
        self.pre_lodged_exits.iter_mut().for_each(|a| *a = 0);
        self.released_on_arrival.iter_mut().for_each(|a| *a = 0);
        self.release.reset();
        self.exit.reset();
        self.release_by_hour.reset();
        self.exit_by_hour
            .iter_mut()
            .for_each(|c| *c = CountSum::default());
        self.vehicles = VehicleCounts {
            in_system_at_start: in_system,
            ..VehicleCounts::default()
        };
    }

    /// Length of the observation window in hours.
    pub fn window_hours(&self) -> f64 {
        (self.window_end_ms - self.window_start_ms) as f64 / 3_600_000.0
    }

    /// Arrival to exit of every vehicle that left during the window.
    pub fn time_in_system(&self) -> Tally {
        self.exit.merged(|_| true)
    }

    /// Total waiting time (in queues and upstream of full ones, at every station) of the
    /// vehicles of `class` whose service started in the window, ms.
    pub fn class_wait_ms(&self, class: ClassId) -> u128 {
        let shape = self.shape;
        self.stations
            .iter()
            .flat_map(|s| s.waits.iter())
            .filter(|(cell, _)| shape.decode_station_cell(*cell).0 == class)
            .map(|(_, t)| t.sum_ms())
            .sum()
    }

    /// Length of the observation window in days.
    pub fn window_days(&self) -> f64 {
        self.window_hours() / 24.0
    }

    /// Arrival to exit of the vehicles of `direction` and `class` that arrived in `hour`.
    pub fn exit_in_hour(&self, direction: DirectionId, class: ClassId, hour: usize) -> CountSum {
        let cell = (direction.index() * self.shape.classes + class.index()) * 24 + hour;
        self.exit_by_hour[cell]
    }

    /// Arrival to exit of one class.
    pub fn class_time_in_system(&self, class: ClassId) -> Tally {
        let shape = self.shape;
        self.exit
            .merged(|cell| shape.decode_system_cell(cell).1 == class)
    }
}
