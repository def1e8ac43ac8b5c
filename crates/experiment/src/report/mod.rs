//! The summary of an experiment: the JSON output contract (README.md, "Output contract").
//! Field names are a contract other tools rely on: add fields freely, rename none. All times
//! in seconds.
//!
//! The types are here; [`summarise()`] builds them from the replications (`summarise`), with
//! the tables of a WCO Time Release Study (`trs`) and the cost of delay (`economics`).

mod abandonment;
pub mod appointments;
pub mod costs;
#[cfg(test)]
mod detail_tests;
mod economics;
mod growth;
pub mod hourly_groups;
mod open_lanes;
pub mod recovery;
mod series;
#[cfg(test)]
mod storage_tests;
mod summarise;
mod trs;

use bordersim_model::VehicleCounts;
use bordersim_stats::{MeanCi, Tally};
use serde::Serialize;

pub use abandonment::AbandonmentReport;
pub(crate) use economics::{abandonment_measures, delay_per_day};
pub use series::{SeriesReport, SeriesStatistic, StationHours, StationSeries};
pub(crate) use summarise::record;
pub use summarise::{check_summary, report_of, report_of_with, summarise};
pub use trs::FirstInspectionWait;
pub(crate) use trs::release_tally;

/// Delay statistics in seconds. The mean and its CI come from the replication means; the
/// percentiles and maximum from every observation of every replication (merged histograms).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DelayStats {
    /// Mean over replications of each replication's mean (`None` without observations).
    pub mean_s: Option<f64>,
    /// Median of every observation.
    pub p50_s: Option<f64>,
    /// 90th percentile of every observation.
    pub p90_s: Option<f64>,
    /// 95th percentile of every observation, pooled over replications (one histogram of
    /// every observation).
    pub p95_s: Option<f64>,
    /// Mean over replications of each replication's own 95th percentile: the estimator
    /// `compare` differences (`*_p95_rep_s`). Close to `p95_s` but not equal to it.
    pub p95_rep_mean_s: Option<f64>,
    /// Half-width of the 95% Student-t interval of `p95_rep_mean_s` across replications
    /// (null with fewer than two replications with observations).
    pub p95_rep_mean_ci95_s: Option<f64>,
    /// 99th percentile of every observation.
    pub p99_s: Option<f64>,
    /// Largest observation.
    pub max_s: Option<f64>,
    /// Half-width of the 95% confidence interval of the mean across replications (null with
    /// a single replication).
    pub ci95_s: Option<f64>,
    /// Smallest observation.
    pub min_s: Option<f64>,
    /// Observations behind these statistics, over all replications.
    pub count: u64,
    /// FHWA buffer time: the extra time to allow beyond the mean to be on time 95% of the
    /// time: the pooled p95 (`p95_s`) minus the pooled mean of the same observations, or 0
    /// when the p95 is at or below that mean (never negative).
    pub buffer_time_s: Option<f64>,
    /// FHWA buffer index: buffer time / the pooled mean (never negative).
    pub buffer_index: Option<f64>,
}

/// FHWA's buffer time from a 95th percentile and a mean of the same observations (both
/// pooled over every replication, so they share one basis): `p95 − mean`, or 0 when the
/// 95th percentile is at or below the mean. That happens when most vehicles do not wait and
/// a few wait long — 96% of a trace's trucks not waiting, p95 = 0 s against a mean of
/// 0.45 s; a queue whose long tail lifts the mean above the p95 — and then being on time 95%
/// of the time needs no time beyond the mean: the buffer is 0, not negative.
pub fn buffer_time(p95_s: f64, mean_s: f64) -> f64 {
    (p95_s - mean_s).max(0.0)
}

/// FHWA's buffer index: [`buffer_time`] / `mean_s` (`None` for a mean of 0).
pub fn buffer_index(buffer_time_s: f64, mean_s: f64) -> Option<f64> {
    (mean_s > 0.0).then(|| buffer_time_s / mean_s)
}

impl DelayStats {
    /// `per_replication` holds one tally per replication.
    pub fn from_tallies(per_replication: &[Tally]) -> DelayStats {
        // Pooled observations and each replication's mean and p95, kept by a summary.
        let (merged, means, p95s) = crate::sweep::summary::delay(per_replication);
        DelayStats::of_pooled(&merged, &means, &p95s)
    }

    /// As [`DelayStats::from_tallies`], with, for a page ([`Detail::Page`]), the
    /// distribution function of every observation pooled ([`Tally::distribution_ms`] at up
    /// to [`WAIT_DISTRIBUTION_POINTS`] points, in seconds), else `None`. The one aggregate
    /// asked for is the same either way, so summaries recorded for any detail merge, and a
    /// page built from them has the distribution.
    pub fn with_distribution(
        per_replication: &[Tally],
        detail: Detail,
    ) -> (DelayStats, Option<Vec<(f64, f64)>>) {
        let (merged, means, p95s) = crate::sweep::summary::delay(per_replication);
        let distribution = (detail == Detail::Page).then(|| {
            merged
                .distribution_ms(WAIT_DISTRIBUTION_POINTS)
                .into_iter()
                .map(|(ms, share)| (ms / 1000.0, share))
                .collect()
        });
        (DelayStats::of_pooled(&merged, &means, &p95s), distribution)
    }

    /// The statistics of the pooled observations `merged` and each replication's mean and
    /// 95th percentile (ms).
    fn of_pooled(merged: &Tally, means: &[f64], p95s: &[f64]) -> DelayStats {
        let ci = MeanCi::from_samples(means);
        let p95_ci = MeanCi::from_samples(p95s);
        let s = |ms: f64| ms / 1000.0;
        let pct = merged.percentiles();
        let mean_s = ci.map(|c| s(c.mean));
        // The buffer's p95 and mean on one basis: every observation pooled.
        let pooled_mean_s = merged.mean_ms().map(s);
        let buffer_time_s = pooled_mean_s
            .zip(pct)
            .map(|(m, p)| buffer_time(s(p.p95_ms), m));
        DelayStats {
            mean_s,
            p50_s: pct.map(|p| s(p.p50_ms)),
            p90_s: pct.map(|p| s(p.p90_ms)),
            p95_s: pct.map(|p| s(p.p95_ms)),
            p95_rep_mean_s: p95_ci.map(|c| s(c.mean)),
            p95_rep_mean_ci95_s: p95_ci.and_then(|c| c.half_width_95).map(s),
            p99_s: pct.map(|p| s(p.p99_ms)),
            max_s: merged.max_ms().map(|v| s(v as f64)),
            ci95_s: ci.and_then(|c| c.half_width_95).map(s),
            min_s: merged.min_ms().map(|v| s(v as f64)),
            count: merged.count(),
            buffer_time_s,
            buffer_index: buffer_time_s
                .zip(pooled_mean_s)
                .and_then(|(b, m)| buffer_index(b, m)),
        }
    }
}

/// Vehicles in a station's queue (not in service), time-weighted.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QueueLengthStats {
    /// Time-weighted mean number of vehicles in queue (mean over replications).
    pub mean: f64,
    /// Half-width of the 95% confidence interval of `mean` across replications (`None`
    /// with a single replication).
    pub ci95: Option<f64>,
    /// Largest queue seen in any replication.
    pub max: u64,
}

/// One lane group of a station.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LaneGroupReport {
    /// The lane group's id.
    pub id: String,
    /// Most lanes ever open at once.
    pub servers_max: u32,
    /// Mean lanes open by schedule over the observation window.
    pub servers_mean: f64,
    /// Staffed lane-hours per replication (mean): open lanes, plus lanes finishing a vehicle
    /// after closing.
    pub lane_hours: f64,
    /// Busy time / staffed time (staffed: scheduled lanes plus a closing lane's overtime,
    /// as in `lane_hours`), mean over the replications in which the group had a lane
    /// scheduled; null when it had none (overtime alone defines no utilisation).
    pub utilization: Option<f64>,
    /// Half-width of the 95% Student-t interval of `utilization` across those replications
    /// (null with fewer than two of them).
    pub utilization_ci95: Option<f64>,
    /// Vehicles served per replication (mean).
    pub served: f64,
    /// Under a lane rule: lanes it opened and closed per replication (mean).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_openings: Option<f64>,
    /// Under a lane rule: lanes it closed per replication (mean).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_closings: Option<f64>,
}

/// What happened upstream of a station whose queue was full.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpillbackReport {
    /// Vehicles that waited upstream (all replications).
    pub vehicles: u64,
    /// Vehicles that left unserved (all replications).
    pub balked: u64,
    /// Time spent upstream, outside the facility, by the vehicles let in before the end.
    pub time_outside: DelayStats,
    /// Vehicles still waiting upstream at the end of the run (all replications): their
    /// time outside is not in `time_outside`.
    pub outside_at_end: u64,
    /// Time-weighted mean and largest length of the upstream queue, km.
    pub queue_km_mean: f64,
    /// Largest length of the upstream queue in any replication, km.
    pub queue_km_max: f64,
}

/// Lanes held after service because the next station was full (`when_full = "block"`
/// there).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockingReport {
    /// How long each vehicle held its lane after its service here, among those held and let
    /// go before the end (`count`: how many).
    pub time_held: DelayStats,
    /// Lane-hours held by blocked vehicles per replication (mean): part of the staffed and
    /// busy lane-hours, time in which the lane could not serve.
    pub lane_hours: f64,
    /// Vehicles still holding a lane here at the end of the run (all replications).
    pub held_at_end: u64,
}

/// Points of a station's [`StationReport::wait_distribution`]: enough for a smooth curve
/// on a page, a bounded cost whatever the number of vehicles.
pub const WAIT_DISTRIBUTION_POINTS: usize = 100;

/// What a report is built for: the figures every output format writes, or also what only
/// the HTML page draws (each station's [`StationReport::wait_distribution`]), which a run
/// that writes no page does not pay for. Either way the report asks its summary for the
/// same aggregates in the same order, and its JSON is the same byte for byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// The figures of the JSON, CSV and table outputs.
    #[default]
    Data,
    /// Those and what the page draws besides.
    Page,
}

/// One station over the observation windows of every replication.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StationReport {
    /// The station's id.
    pub id: String,
    /// The crossing's name.
    pub crossing: String,
    /// The id of the direction the station serves.
    pub direction: String,
    /// Most servers ever open at once.
    pub servers: u64,
    /// The joint stop this control is merged into (null if it is not): vehicles pass it
    /// without stopping, and its staffed lane-hours are 0 because its officers are counted
    /// at the joint stop.
    pub merged_into: Option<String>,
    /// Time in queue: end of queue to start of service.
    pub wait: DelayStats,
    /// The distribution function of `wait`, every vehicle of every replication pooled:
    /// (wait in seconds, share 0..=1 of vehicles that waited at most that long), at up to
    /// [`WAIT_DISTRIBUTION_POINTS`] points of the merged histogram plus the last (see
    /// `Tally::distribution_ms`); `None` unless the report was built for a page
    /// ([`Detail::Page`]). Drawn on the page; not part of the JSON, whose percentiles of
    /// `wait` are the same distribution's.
    #[serde(skip)]
    pub wait_distribution: Option<Vec<(f64, f64)>>,
    /// Time at this stage: end of queue to end of service.
    pub stage: DelayStats,
    /// Busy server-time / staffed server-time (staffed: scheduled lanes plus the overtime of
    /// lanes finishing a vehicle after closing, as in `lane_hours`; busy includes lanes held
    /// by vehicles blocked after service), mean over the replications in which a lane was
    /// scheduled; null when none was (a merged control, or a window with no scheduled lane:
    /// overtime alone defines no utilisation).
    pub utilization: Option<f64>,
    /// Half-width of the 95% confidence interval of `utilization` across replications.
    pub utilization_ci95: Option<f64>,
    /// Vehicles served per hour of the observation window (mean over replications).
    pub throughput_per_h: f64,
    /// Vehicles in queue, time-weighted.
    pub queue_length: QueueLengthStats,
    /// Offered load per open server from the traffic equations, averaged over the week
    /// (≥ 1: unstable).
    pub offered_load: f64,
    /// Staffed server-hours per replication (mean); 0 for a control merged into a joint
    /// stop.
    pub lane_hours: f64,
    /// One entry per lane group, in the station's order.
    pub lane_groups: Vec<LaneGroupReport>,
    /// What happened upstream when the queue was full.
    pub spillback: SpillbackReport,
    /// Blocking after service: vehicles served here that kept their lane because the next
    /// station's storage was full.
    pub blocking: BlockingReport,
    /// Vehicles that passed without stopping: pre-lodged ones at a station they skip, every
    /// one at a control merged into a joint stop (all replications).
    pub passed_without_stopping: u64,
}

/// One vehicle class over the observation windows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassReport {
    /// The class's id.
    pub id: String,
    /// Arrival to exit.
    pub time_in_system: DelayStats,
    /// Vehicles of this class that left during the observation windows (all replications).
    pub count: u64,
    /// Vehicles of this class that arrived during the observation windows (all
    /// replications).
    pub arrived: u64,
    /// Vehicles of this class that left unserved at a full queue (all replications).
    pub balked: u64,
}

/// One direction of travel over the observation windows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DirectionReport {
    /// The direction's id.
    pub id: String,
    /// Vehicles that arrived during the observation windows (all replications).
    pub arrived: u64,
    /// Vehicles that left during the observation windows (all replications).
    pub departed: u64,
    /// Arrival to exit.
    pub time_in_system: DelayStats,
    /// Arrival to release (TRS).
    pub release: DelayStats,
}

/// The whole crossing, every vehicle.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SystemReport {
    /// Arrival to exit, every vehicle.
    pub time_in_system: DelayStats,
    /// Arrival to release (TRS), every vehicle; arrival to exit when no station releases.
    pub release: DelayStats,
}

/// One interval of the Time Release Study, for one segment of vehicles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrsInterval {
    /// A station id (time at that stage), `<station id>:held` (time a vehicle kept its lane
    /// there after service, the next station being full: blocking), `arrival_to_release` or
    /// `arrival_to_exit`.
    pub interval: String,
    /// `all`, `class`, `direction`, `channel` or `programme`.
    pub dimension: String,
    /// The segment: a class, direction, channel or programme id (`all` for everyone).
    pub segment: String,
    /// The interval's duration.
    pub stats: DelayStats,
}

/// Arrival-to-release time by hour of arrival.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HourlyProfile {
    /// The direction's id.
    pub direction: String,
    /// Hour of the day of arrival, 0 to 23.
    pub hour: u8,
    /// Vehicles of this direction and hour released (all replications).
    pub count: u64,
    /// Mean arrival-to-release time, seconds (mean over replications of each
    /// replication's mean).
    pub mean_s: Option<f64>,
    /// Half-width of the 95% interval of `mean_s` across replications, seconds.
    pub mean_ci95_s: Option<f64>,
    /// 95th percentile of the arrival-to-release time, seconds (every observation pooled).
    pub p95_s: Option<f64>,
    /// Mean over replications of each replication's own 95th percentile, seconds.
    pub p95_rep_mean_s: Option<f64>,
    /// Half-width of the 95% interval of `p95_rep_mean_s` across replications, seconds.
    pub p95_rep_mean_ci95_s: Option<f64>,
}

/// The share of each risk channel among arrivals that left.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelShare {
    /// `green`, `yellow` or `red`.
    pub channel: String,
    /// Vehicles of this channel that left (all replications).
    pub count: u64,
    /// `count` over the vehicles of every channel that left (0 to 1).
    pub share: f64,
}

/// The report in the shape of a WCO Time Release Study.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrsReport {
    /// The interval table, for every segment with observations.
    pub intervals: Vec<TrsInterval>,
    /// Arrival to release by hour of arrival: 24 rows per direction.
    pub hourly: Vec<HourlyProfile>,
    /// The share of each risk channel, green, yellow, red.
    pub channels: Vec<ChannelShare>,
    /// Pre-arrival processing, per direction.
    pub pre_arrival: Vec<PreArrivalShare>,
    /// The wait before the first inspection point (FHWA's border delay), per direction.
    pub first_inspection: Vec<FirstInspectionWait>,
}

/// How many vehicles of a direction had their declaration lodged before arrival, and how
/// many were released on arrival (the release decision taken before they reached the
/// border: an arrival-to-release time of zero).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PreArrivalShare {
    /// The direction's id.
    pub direction: String,
    /// Vehicles that left during the observation windows (all replications).
    pub departed: u64,
    /// Of those, vehicles whose declaration was lodged before arrival.
    pub pre_lodged: u64,
    /// Of those, vehicles released on arrival.
    pub released_on_arrival: u64,
    /// `released_on_arrival / departed`.
    pub share_released_on_arrival: f64,
}

/// The cost of waiting for one class, or for every class together, or in one booking
/// system's waiting area.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DelayCost {
    /// A class id, `all` (the waits of every class at the border), or
    /// `waiting_area:<booking id>` (the time booked vehicles spend in that waiting area, off
    /// the road, at the booking's value of time; not in `all`).
    pub id: String,
    /// Value of one vehicle-hour (null for `all`).
    pub value_of_time_per_h: Option<f64>,
    /// Vehicle-hours spent waiting (queues and upstream of full ones) per day of the
    /// observation window, by the vehicles served and by those that gave up waiting: mean
    /// over replications and its 95% half-width. By Little's law, the time-weighted queue ×
    /// 24 h, up to the vehicles queueing across the window's edges.
    pub delay_vehicle_hours_per_day: f64,
    /// Half-width of the 95% confidence interval of `delay_vehicle_hours_per_day`.
    pub delay_vehicle_hours_per_day_ci95: Option<f64>,
    /// Delay valued at the class's value of time, per day and per year (see
    /// [`costs::annualisation_days`]).
    pub value_per_day: f64,
    /// Half-width of the 95% confidence interval of `value_per_day`.
    pub value_per_day_ci95: Option<f64>,
    /// `value_per_day` × [`costs::annualisation_days`].
    pub value_per_year: f64,
}

/// Wall-clock measurements, filled in by the program that timed the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Performance {
    /// Events processed, all replications.
    pub events: u64,
    /// Wall-clock seconds of the run.
    pub wall_s: f64,
    /// `events / wall_s`.
    pub events_per_s: f64,
    /// Worker threads used.
    pub threads: usize,
}

/// Vehicle counts over the observation windows of every replication (totals). Arrived
/// plus those in the system at the start equal departed, balked, abandoned and those in the
/// system at the end.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VehicleReport {
    /// Vehicles that arrived during the observation windows.
    pub arrived: u64,
    /// Vehicles that left during the observation windows.
    pub departed: u64,
    /// Vehicles that left unserved at a full queue.
    pub balked: u64,
    /// Vehicles that gave up waiting in a queue and left unserved (reneging); left out of
    /// the JSON when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub abandoned: u64,
    /// In the system when observation ended (end of the horizon).
    pub in_system_at_end: u64,
    /// In the system when observation started (end of warm-up).
    pub in_system_at_start: u64,
}

impl From<VehicleCounts> for VehicleReport {
    fn from(v: VehicleCounts) -> Self {
        VehicleReport {
            arrived: v.arrived,
            departed: v.departed,
            balked: v.balked,
            abandoned: v.abandoned,
            in_system_at_end: v.in_system_at_end,
            in_system_at_start: v.in_system_at_start,
        }
    }
}

/// The summary of an experiment: every replication of one scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// The master seed.
    pub seed: u64,
    /// Replications summarised.
    pub replications: u32,
    /// Length of each replication, seconds (warm-up included).
    pub horizon_s: f64,
    /// Warm-up discarded at the start of each replication, seconds.
    pub warmup_s: f64,
    /// Totals over all replications' observation windows.
    pub vehicles: VehicleReport,
    /// One entry per station, in the crossing's order.
    pub stations: Vec<StationReport>,
    /// One entry per vehicle class, in the population's order.
    pub classes: Vec<ClassReport>,
    /// One entry per direction, in the population's order.
    pub directions: Vec<DirectionReport>,
    /// The whole crossing.
    pub system: SystemReport,
    /// The Time Release Study tables.
    pub trs: TrsReport,
    /// Vehicle-hours of delay and their value, per class and in all.
    pub economics: Vec<DelayCost>,
    /// Resource, cargo and staff costs and the emissions of queueing, each separately, per
    /// day and per year.
    pub costs: costs::Costs,
    /// Events processed over all replications (warm-up included).
    pub events: u64,
    /// Waits and throughput by hour of day for each station by lane group, class and
    /// programme (`hourly_groups::hourly_groups`).
    pub hourly_groups: Vec<hourly_groups::HourlyGroupReport>,
    /// Wall-clock measurements, when the caller timed the run (left out of the JSON
    /// otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance: Option<Performance>,
    /// What the runs showed that a reader must know before trusting the means: e.g. the
    /// vehicles in the crossing growing steadily across the run (left out of the JSON when
    /// there is none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The lanes each station's schedules open by hour of the day (closed hours: 0).
    pub lanes_by_hour: Vec<StationHours>,
    /// The lanes actually open by hour of the day, per station and lane group, with their
    /// intervals (`open_lanes::open_lanes`).
    pub open_lanes: Vec<open_lanes::OpenLanesReport>,
    /// Queues and waits over time, when asked for (left out of the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<SeriesReport>,
    /// Booked arrival slots: per booking system, the time in the waiting area, the road
    /// queue and their value (left out of the JSON when the scenario has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub appointments: Vec<appointments::AppointmentReport>,
    /// Vehicles that gave up waiting, per station and class where a class has a patience
    /// (left out of the JSON when no class has one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub abandonment: Vec<AbandonmentReport>,
    /// The recovery from the scenario's events: the extra vehicle-hours they cause and the
    /// hour the crossing is back at its no-event level (left out of the JSON when the
    /// scenario has no events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<recovery::RecoveryReport>,
}

/// Whether a count is 0 (serde's `skip_serializing_if`).
fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pooled_p95_and_the_mean_of_replication_p95s_are_two_estimators() {
        // Replication 1: 1..=100 s; replication 2: 1..=100 s × 3. Each replication's p95
        // is its 95th value (95 s and 285 s), their mean 190 s; pooled over both, the 95th
        // percentile of the 200 values is 285 s · (the 190th value) = 270 s.
        let mut a = Tally::new();
        let mut b = Tally::new();
        for s in 1..=100u64 {
            a.record(s * 1000);
            b.record(s * 3000);
        }
        let d = DelayStats::from_tallies(&[a, b]);
        let close = |x: Option<f64>, v: f64| x.is_some_and(|x| (x - v).abs() <= v * 1e-3);
        assert!(close(d.p95_rep_mean_s, 190.0), "{d:?}");
        assert!(close(d.p95_s, 270.0), "{d:?}");
        // Student t on 1 df: 12.706 × |285 − 95| / 2.
        assert!(close(d.p95_rep_mean_ci95_s, 12.706_2 * 95.0), "{d:?}");
        let one = DelayStats::from_tallies(&[Tally::new(), d_tally()]);
        assert!(close(one.p95_rep_mean_s, 95.0), "{one:?}");
        assert_eq!(one.p95_rep_mean_ci95_s, None);
    }

    fn d_tally() -> Tally {
        let mut t = Tally::new();
        for s in 1..=100u64 {
            t.record(s * 1000);
        }
        t
    }
}
