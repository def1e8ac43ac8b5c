//! What one replication measures. Fixed-size: memory depends on the model (stations, lane
//! groups, vehicle kinds), never on the number of vehicles.
//!
//! Delay observations are kept per *cell*: one (class, programme, channel) combination at a
//! station, or one (direction, class, programme, channel) combination for whole-crossing
//! times. Each observation is recorded once, in its cell; every breakdown a report needs (by
//! class, by channel, by direction, overall) is a merge of cells. A cell allocates only when
//! it first records, so combinations that never occur cost nothing.

use std::ops::Deref;

use bordersim_stats::{Coarse, Fine, Layout, Tally, TallyOf, TimeWeighted};

use crate::ids::{ClassId, DirectionId, ProgrammeId};
use crate::population::Channel;

mod open_hours;
mod series;

pub use open_hours::OpenHours;
pub use series::{LevelBins, WaitBins, series_bins};

/// Vehicle counts over the observation window (after warm-up). Conservation:
/// `in_system_at_start + arrived == departed + balked + abandoned + in_system_at_end`.
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
    /// Gave up waiting in a queue and left unserved in the window (reneging).
    pub abandoned: u64,
    /// In the system when the window closed (at the horizon).
    pub in_system_at_end: u64,
}

impl VehicleCounts {
    /// Whether `in_system_at_start + arrived == departed + balked + abandoned +
    /// in_system_at_end`.
    pub fn is_conserved(&self) -> bool {
        self.in_system_at_start + self.arrived
            == self.departed + self.balked + self.abandoned + self.in_system_at_end
    }

    /// Adds `other`'s counts to these (for totals over replications).
    pub fn add(&mut self, other: &VehicleCounts) {
        self.in_system_at_start += other.in_system_at_start;
        self.arrived += other.arrived;
        self.departed += other.departed;
        self.balked += other.balked;
        self.abandoned += other.abandoned;
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

/// One tally per cell, of bin layout `L` (full resolution unless named). An unused cell
/// holds an empty tally, which allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct Cells<L: Layout = Fine>(Vec<TallyOf<L>>);

/// Cells of [`Coarse`] tallies: the hourly waits by lane group and vehicle kind, whose only
/// percentile read is each replication's 95th (see [`StationStats::hourly_waits`]).
pub type CoarseCells = Cells<Coarse>;

impl<L: Layout> Cells<L> {
    /// `n` empty cells.
    pub fn new(n: usize) -> Self {
        Cells(vec![TallyOf::new(); n])
    }

    /// Records a duration of `value_ms` ms in `cell`.
    #[inline]
    pub fn record(&mut self, cell: usize, value_ms: u64) {
        self.0[cell].record(value_ms);
    }

    /// The cell's tally, if it has observations.
    pub fn get(&self, cell: usize) -> Option<&TallyOf<L>> {
        self.0.get(cell).filter(|t| t.count() > 0)
    }

    /// The cells with observations, with their index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &TallyOf<L>)> {
        self.0.iter().enumerate().filter(|(_, t)| t.count() > 0)
    }

    /// Everything in the cells selected by `keep`, merged.
    pub fn merged(&self, mut keep: impl FnMut(usize) -> bool) -> TallyOf<L> {
        let mut all = TallyOf::new();
        for (i, t) in self.iter() {
            if keep(i) {
                all.merge(t);
            }
        }
        all
    }

    /// Everything in the cells at `cells` (each index at most once), merged: a selection
    /// that knows its cells reads only them, not every cell of the table.
    pub fn merged_at(&self, cells: impl IntoIterator<Item = usize>) -> TallyOf<L> {
        let mut all = TallyOf::new();
        for t in cells.into_iter().filter_map(|i| self.get(i)) {
            all.merge(t);
        }
        all
    }

    fn reset(&mut self) {
        self.0.iter_mut().for_each(TallyOf::reset);
    }
}

/// A level over the observation window ([`TimeWeighted`], which it dereferences to) and,
/// when series are collected, over the whole run in time bins ([`LevelBins`]). Without
/// bins, a change costs one test more than the window's statistics alone.
#[derive(Clone, Debug, Default)]
pub struct Level {
    window: TimeWeighted,
    bins: Option<Box<LevelBins>>,
}

impl Level {
    /// The level becomes `level` at `now_ms`.
    #[inline(always)]
    pub fn set(&mut self, now_ms: u64, level: u64) {
        self.window.set(now_ms, level);
        if let Some(bins) = &mut self.bins {
            bins.set(now_ms, level);
        }
    }

    /// Opens the observation window at `now_ms` (the bins keep the whole run).
    pub fn reset(&mut self, now_ms: u64) {
        self.window.reset(now_ms);
    }

    /// The bins, when series are collected.
    pub fn bins(&self) -> Option<&LevelBins> {
        self.bins.as_deref()
    }
}

impl Deref for Level {
    type Target = TimeWeighted;

    fn deref(&self) -> &TimeWeighted {
        &self.window
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
    /// Lanes open (as `open`) by hour of the day.
    pub open_hours: OpenHours,
}

/// One station over the observation window.
#[derive(Clone, Debug)]
pub struct StationStats {
    /// Waiting time in queue (end of queue to start of service), per station cell.
    pub waits: Cells,
    /// Time at the stage (end of queue to end of service), per station cell.
    pub stages: Cells,
    /// Vehicles in queue inside the facility (not in service, not spilled back).
    pub queue_length: Level,
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
    /// Vehicles waiting upstream (on the road, not holding a lane elsewhere).
    pub outside_vehicles: Level,
    /// Length of the queue upstream of the facility, centimetres.
    pub outside_length_cm: TimeWeighted,
    /// Blocking after service: how long each vehicle served here stayed in its lane after
    /// its service because the next station's storage was full, per station cell (only
    /// vehicles that were held; recorded when the lane frees).
    pub blocked: Cells,
    /// Lanes held by vehicles blocked after their service (counted in `busy_servers` too:
    /// a held lane cannot serve).
    pub blocked_servers: TimeWeighted,
    /// When series are collected: the waits of the vehicles that started service here, by
    /// the time bin of their start of service, over the whole run (warm-up included).
    pub wait_bins: Option<Box<WaitBins>>,
    /// Waiting time in queue by (lane group served in, vehicle kind, hour of day the vehicle
    /// joined the queue), at [`StationStats::hourly_index`]: the hourly waits a calibration
    /// compares with observed ones. [`Coarse`] tallies (2 significant digits at 1.024 s):
    /// a station holds one per lane group × kind × hour, and what is read of them is each
    /// replication's count, exact mean and 95th percentile of a selection, compared with
    /// waits observed in minutes — at full resolution (57 KB a cell once waits reach
    /// hours) they were most of a run's memory and of its report's work.
    pub hourly_waits: CoarseCells,
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
            queue_length: Level::default(),
            busy_servers: TimeWeighted::new(),
            open_servers: TimeWeighted::new(),
            lanes: vec![LaneStats::default(); lane_groups],
            served: 0,
            passed: 0,
            entered: 0,
            spilled: 0,
            balked: 0,
            time_outside: Tally::new(),
            outside_vehicles: Level::default(),
            outside_length_cm: TimeWeighted::new(),
            blocked: Cells::new(shape.station_cells()),
            blocked_servers: TimeWeighted::new(),
            wait_bins: None,
            hourly_waits: CoarseCells::new(lane_groups * shape.classes * shape.programmes * 24),
            hourly_served: vec![0; lane_groups * shape.classes * shape.programmes * 24],
        }
    }

    /// Records the wait of a vehicle of station cell `cell` starting service at `now_ms`
    /// after waiting `wait_ms`: in its cell, and in the wait series when it is collected.
    /// Inlined into the event loop, where without series it costs one test; the series'
    /// own work is out of line.
    #[inline(always)]
    pub fn record_wait(&mut self, now_ms: u64, cell: usize, wait_ms: u64) {
        self.waits.record(cell, wait_ms);
        if let Some(bins) = &mut self.wait_bins {
            bins.record(now_ms, wait_ms);
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
            l.open_hours.reset(now_ms);
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
    /// Gave up waiting in a queue in the window.
    pub abandoned: u64,
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
    /// Per booking system, in the crossing's order (empty without booked slots).
    pub appointments: Vec<crate::appointments::AppointmentStats>,
    /// The vehicles that gave up waiting, per station, direction and class.
    pub abandonment: crate::abandoned::AbandonmentStats,
    /// Per hour of the run from time zero, the extra vehicle-hours in the crossing against
    /// the same replication (the same vehicles) without the scenario's events; filled in
    /// by the experiment after the run, empty when the scenario has no events.
    pub extra_in_system_by_hour: Vec<f64>,
}

impl ReplicationStats {
    /// The statistics of replication `replication` before it observes anything: cells of
    /// `shape`, one station per entry of `lane_groups` (its number of lane groups).
    pub fn new(replication: u64, shape: CellShape, lane_groups: &[usize]) -> Self {
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
            appointments: Vec::new(),
            abandonment: crate::abandoned::AbandonmentStats::new(lane_groups.len(), shape),
            extra_in_system_by_hour: Vec::new(),
        }
    }

    /// These statistics, also collecting the queue and wait series in bins of `bin_ms`
    /// (≥ 1) over `[0, horizon_ms)` when `bin_ms` is given: per station, the queue in the
    /// facility, the queue on the road upstream of it and the waits of the vehicles
    /// starting service. Memory: a few words per bin and station.
    pub fn with_series(mut self, bin_ms: Option<u64>, horizon_ms: u64) -> Self {
        if let Some(bin_ms) = bin_ms {
            let bins = LevelBins::new(bin_ms, horizon_ms);
            for s in &mut self.stations {
                s.queue_length.bins = Some(Box::new(bins.clone()));
                s.outside_vehicles.bins = Some(Box::new(bins.clone()));
                s.wait_bins = Some(Box::new(WaitBins::new(bin_ms, horizon_ms)));
            }
        }
        self
    }

    /// Opens the observation window at `now_ms` with `in_system` vehicles present.
    pub(crate) fn reset(&mut self, now_ms: u64, in_system: u64) {
        self.window_start_ms = now_ms;
        self.stations.iter_mut().for_each(|s| s.reset(now_ms));
        self.appointments.iter_mut().for_each(|a| a.reset(now_ms));
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
        self.abandonment.reset();
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

#[cfg(test)]
mod series_tests {

    use super::*;
    use crate::scenario::{Station, Storage, StorageLimit, WhenFull};
    use crate::testing::{minutes, run, scenario, trace};

    const MIN: u64 = 60_000;

    #[test]
    fn bins_cover_zero_to_the_horizon_half_open_the_last_one_shorter() {
        assert_eq!(series_bins(15 * MIN, 60 * MIN), 4);
        assert_eq!(series_bins(15 * MIN, 61 * MIN), 5);
        assert_eq!(series_bins(15 * MIN, 0), 0);
        // A level of 2 from minute 50 of a 61-minute run: the last bin is one minute long.
        let mut b = LevelBins::new(15 * MIN, 61 * MIN);
        b.set(50 * MIN, 2);
        let done = b.finished();
        assert_eq!(done.len(), 5);
        assert_eq!(done[3], (2.0 * 10.0 / 15.0, 2));
        assert_eq!(done[4], (2.0, 2));
        // A change at the horizon itself is outside every bin.
        b.set(61 * MIN, 7);
        assert_eq!(b.finished()[4], (2.0, 2));
    }

    /// The bins as defined, one millisecond at a time: per bin, the sum of the level over
    /// its milliseconds and the largest level held in it or set in it.
    fn bins_by_definition(bin_ms: u64, horizon_ms: u64, changes: &[(u64, u64)]) -> Vec<(f64, u64)> {
        let n = series_bins(bin_ms, horizon_ms);
        let mut area = vec![0u64; n];
        let mut max = vec![0u64; n];
        let mut level = 0;
        let mut next = 0;
        for t in 0..horizon_ms {
            while next < changes.len() && changes[next].0 <= t {
                level = changes[next].1;
                let b = (changes[next].0 / bin_ms) as usize;
                max[b] = max[b].max(level);
                next += 1;
            }
            let b = (t / bin_ms) as usize;
            area[b] += level;
            max[b] = max[b].max(level);
        }
        (0..n)
            .map(|b| {
                let start = b as u64 * bin_ms;
                let len = (start + bin_ms).min(horizon_ms) - start;
                (area[b] as f64 / len as f64, max[b])
            })
            .collect()
    }

    #[test]
    fn bins_of_many_changes_are_the_bins_by_definition() {
        // A fixed pseudo-random walk: several changes at one time, changes at bin edges,
        // long gaps crossing several bins, changes at and after the horizon.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for (bin_ms, horizon_ms) in [(10, 95), (7, 70), (1, 40), (25, 24), (100, 1_000)] {
            let mut t = 0;
            let mut changes = Vec::new();
            while t <= horizon_ms + 5 {
                changes.push((t, next(6)));
                t += [0, 1, bin_ms, 3 * bin_ms + 1, next(bin_ms + 1)][next(5) as usize];
            }
            let mut b = LevelBins::new(bin_ms, horizon_ms);
            for &(t, level) in &changes {
                b.set(t, level);
            }
            let inside: Vec<(u64, u64)> = changes
                .iter()
                .copied()
                .filter(|c| c.0 < horizon_ms)
                .collect();
            assert_eq!(
                b.finished(),
                bins_by_definition(bin_ms, horizon_ms, &inside),
                "bins of {bin_ms} ms over {horizon_ms} ms"
            );
        }
    }

    #[test]
    fn waits_fall_in_the_bin_of_their_start_of_service() {
        // Bins of 10 ms over 25 ms: [0, 10), [10, 20), [20, 25); a bin skipped, a start at
        // a bin's edge, and a start past the last bin's width (none happens) kept out.
        let mut w = WaitBins::new(10, 25);
        for (now, wait) in [
            (0, 1),
            (9, 2),
            (20, 4),
            (20, 8),
            (24, 16),
            (25, 32),
            (40, 64),
        ] {
            w.record(now, wait);
        }
        let got: Vec<(u64, u64)> = w.bins().iter().map(|c| (c.count, c.sum_ms)).collect();
        assert_eq!(got, vec![(2, 3), (0, 0), (4, 60)]);
        // The last bin is shorter than the others: a start before its full width is in it.
        let mut w = WaitBins::new(10, 25);
        w.record(27, 5);
        assert_eq!(w.bins()[2].count, 1);
    }

    #[test]
    fn a_level_that_ends_at_a_bin_edge_is_not_in_the_next_bin() {
        let mut b = LevelBins::new(10, 30);
        b.set(0, 3);
        b.set(10, 0);
        b.set(25, 5);
        b.set(25, 1);
        assert_eq!(b.finished(), vec![(3.0, 3), (0.0, 0), (0.5, 5)]);
    }

    /// One booth, 10 minutes of service, arrivals at minutes 0, 1, 2 and 3, a 60-minute
    /// run in 15-minute bins. The queue is 1 on [1, 2), 2 on [2, 3), 3 on [3, 10), 2 on
    /// [10, 20), 1 on [20, 30) and 0 after; services start at 0, 10, 20 and 30 after waits of
    /// 0, 9, 18 and 27 minutes.
    #[test]
    fn the_series_of_a_traced_queue_is_exact() {
        let st = Station::simple("booth", 1, minutes(10.0, 1), Vec::new());
        let mut s = scenario(
            1,
            vec![st],
            vec![trace(&[(0, 0), (1, 0), (2, 0), (3, 0)])],
            5,
            60,
        );
        s.crossing = s.crossing.with_series_bin_ms(Some(15 * MIN));
        let stats = run(&s);
        let station = &stats.stations[0];
        let queue = station.queue_length.bins().expect("collected").finished();
        assert_eq!(
            queue,
            vec![
                ((1.0 + 2.0 + 3.0 * 7.0 + 2.0 * 5.0) / 15.0, 3),
                ((2.0 * 5.0 + 10.0) / 15.0, 2),
                (0.0, 0),
                (0.0, 0),
            ]
        );
        let waits = station.wait_bins.as_ref().expect("collected").bins();
        let sums: Vec<(u64, u64)> = waits.iter().map(|c| (c.count, c.sum_ms)).collect();
        assert_eq!(
            sums,
            vec![(2, 9 * MIN), (1, 18 * MIN), (1, 27 * MIN), (0, 0)]
        );
        // The warm-up (5 minutes) resets the window's statistics, not the series.
        assert_eq!(station.wait().count(), 3);
        let road = station
            .outside_vehicles
            .bins()
            .expect("collected")
            .finished();
        assert!(road.iter().all(|&(m, x)| m == 0.0 && x == 0));
    }

    #[test]
    fn the_road_series_counts_vehicles_upstream_of_a_full_storage() {
        // Storage for one vehicle: arrivals at 0, 1, 2, 3 — one served, one queued, two on
        // the road from 2 and 3 until room frees at 10 and 20.
        let mut st = Station::simple("booth", 1, minutes(10.0, 1), Vec::new());
        st.storage = Storage {
            limit: StorageLimit::Vehicles(1),
            when_full: WhenFull::Spillback,
        };
        let mut s = scenario(
            1,
            vec![st],
            vec![trace(&[(0, 0), (1, 0), (2, 0), (3, 0)])],
            0,
            30,
        );
        s.crossing = s.crossing.with_series_bin_ms(Some(15 * MIN));
        let stats = run(&s);
        let road = stats.stations[0]
            .outside_vehicles
            .bins()
            .unwrap()
            .finished();
        // On the road: 1 on [2, 3), 2 on [3, 10), 1 on [10, 20), 0 after.
        assert_eq!(road, vec![((1.0 + 14.0 + 5.0) / 15.0, 2), (5.0 / 15.0, 1)]);
    }

    #[test]
    fn without_a_bin_nothing_is_collected() {
        let st = Station::simple("booth", 1, minutes(10.0, 1), Vec::new());
        let stats = run(&scenario(
            1,
            vec![st],
            vec![trace(&[(0, 0), (1, 0)])],
            0,
            60,
        ));
        assert!(stats.stations[0].queue_length.bins().is_none());
        assert!(stats.stations[0].wait_bins.is_none());
    }
}
